-- +goose Up
-- Records being appended to the log: each claims its record id and entry
-- hash here before the log sequences it, so that every process sharing the
-- index refuses the same record twice. A row goes when its entry is
-- indexed (in the same transaction), when the log refuses the entry, or
-- when the writer starts and finds it has no entry in the log. token tells
-- one append of a record from another.
CREATE TABLE reservations (
    record_id    TEXT PRIMARY KEY,
    entry_sha256 TEXT NOT NULL UNIQUE,
    author       TEXT NOT NULL,
    token        TEXT NOT NULL
);
