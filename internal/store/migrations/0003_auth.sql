-- +goose Up
-- Not evidence: read-token challenges and tokens (only their SHA-256).
CREATE TABLE auth_challenges (
    nonce   TEXT PRIMARY KEY,
    expires TEXT NOT NULL
);
CREATE TABLE auth_tokens (
    token_sha256 TEXT PRIMARY KEY,
    key_name     TEXT NOT NULL,
    key_hash     BIGINT NOT NULL,
    party        TEXT NOT NULL,
    role         TEXT NOT NULL,
    expires      TEXT NOT NULL
);
