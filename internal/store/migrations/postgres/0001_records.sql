-- +goose Up
-- The index of the evidence log: one row per entry, by log index.
CREATE TABLE records (
    log_index    BIGINT PRIMARY KEY,
    record_id    TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL,
    author       TEXT NOT NULL,
    author_role  TEXT NOT NULL,
    created      TEXT NOT NULL,
    site         TEXT,
    material     TEXT,
    as_of        TEXT,
    entry_sha256 TEXT NOT NULL UNIQUE,
    record_json  TEXT NOT NULL
);
CREATE INDEX records_kind_as_of ON records (kind, as_of);
CREATE INDEX records_author ON records (author);
CREATE INDEX records_site ON records (site);
CREATE INDEX records_material ON records (material);
