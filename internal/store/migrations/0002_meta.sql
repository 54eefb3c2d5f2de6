-- +goose Up
-- What the index was built from: the log's origin and genesis.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
