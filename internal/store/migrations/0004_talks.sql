-- +goose Up
-- Not evidence: the state of mediated talks rooms (red lines included),
-- readable through the server by the parties and the mediator only. Only
-- commitments and hashes of this content go into the log.
CREATE TABLE talks_rooms (
    id    TEXT PRIMARY KEY,
    state TEXT NOT NULL
);
