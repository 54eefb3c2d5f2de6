-- +goose Up
-- Not evidence: the messages of talks rooms, one row each, so that a
-- message is an insert and not a rewrite of its room. sender is the party
-- that sent it (the mediator for relays) and round its round: what the
-- messages are counted by. message is its JSON, origin included.
CREATE TABLE talks_messages (
    room    TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    id      TEXT NOT NULL,
    sender  TEXT NOT NULL,
    round   INTEGER NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (room, seq),
    UNIQUE (room, id)
);
CREATE INDEX talks_messages_by_sender ON talks_messages (room, sender, round);
-- The messages rooms held in their state move to rows, in order.
INSERT INTO talks_messages (room, seq, id, sender, round, message)
SELECT r.id, m.key + 1, json_extract(m.value, '$.id'),
       CASE WHEN json_extract(m.value, '$.kind') = 'relay' THEN json_extract(r.state, '$.mediator') ELSE json_extract(m.value, '$.from') END,
       json_extract(m.value, '$.round'), m.value
FROM talks_rooms r, json_each(r.state, '$.messages') m
WHERE json_valid(r.state) AND json_type(r.state, '$.messages') = 'array';
UPDATE talks_rooms SET state = json_remove(state, '$.messages')
WHERE json_valid(state) AND json_type(state, '$.messages') IS NOT NULL;
