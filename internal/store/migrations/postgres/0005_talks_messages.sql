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
SELECT r.id, m.ord, m.value->>'id',
       CASE WHEN m.value->>'kind' = 'relay' THEN r.state::jsonb->>'mediator' ELSE m.value->>'from' END,
       (m.value->>'round')::integer, m.value::text
FROM talks_rooms r
CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(r.state::jsonb->'messages') = 'array' THEN r.state::jsonb->'messages' ELSE '[]'::jsonb END)
    WITH ORDINALITY AS m(value, ord);
UPDATE talks_rooms SET state = (state::jsonb - 'messages')::text
WHERE state::jsonb->'messages' IS NOT NULL;
