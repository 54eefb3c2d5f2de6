package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/accordverify/accord/internal/record"
)

// stamp is how expiry times are stored: fixed width, so that text order is
// time order (RFC 3339 with trimmed fractions is not: ".5Z" sorts after
// ".50001Z"). time.RFC3339Nano parses it.
const stamp = "2006-01-02T15:04:05.000000000Z07:00"

// SaveChallenge stores a one-time challenge until it expires, first
// deleting the challenges that have expired (issuing is what adds them, so
// the table holds at most the challenges of one expiry period).
func (s *Store) SaveChallenge(ctx context.Context, nonce string, expires time.Time) (err error) {
	defer outage(&err)
	if err := s.purge(ctx, "auth_challenges", time.Now()); err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, s.q(`INSERT INTO auth_challenges (nonce, expires) VALUES (?, ?)`), nonce, expires.UTC().Format(stamp))
	return err
}

// purge deletes the rows of table (auth_challenges or auth_tokens) that
// expired before now.
func (s *Store) purge(ctx context.Context, table string, now time.Time) error {
	_, err := s.db.ExecContext(ctx, s.q(`DELETE FROM `+table+` WHERE expires < ?`), now.UTC().Format(stamp))
	return err
}

// TakeChallenge consumes a challenge: true if it existed and had not
// expired. A challenge can be taken once.
func (s *Store) TakeChallenge(ctx context.Context, nonce string, now time.Time) (_ bool, err error) {
	defer outage(&err)
	var expires string
	err = s.db.QueryRowContext(ctx, s.q(`SELECT expires FROM auth_challenges WHERE nonce = ?`), nonce).Scan(&expires)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	res, err := s.db.ExecContext(ctx, s.q(`DELETE FROM auth_challenges WHERE nonce = ?`), nonce)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return false, nil // taken concurrently
	}
	t, _ := time.Parse(time.RFC3339Nano, expires)
	return now.Before(t), nil
}

// SaveToken stores a token's record, first deleting the tokens that have
// expired.
func (s *Store) SaveToken(ctx context.Context, t record.ReadToken) (err error) {
	defer outage(&err)
	if err := s.purge(ctx, "auth_tokens", time.Now()); err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, s.q(`INSERT INTO auth_tokens (token_sha256, key_name, key_hash, party, role, expires) VALUES (?, ?, ?, ?, ?, ?)`),
		t.SHA256, t.KeyName, int64(t.KeyHash), t.Party, t.Role, t.Expires.UTC().Format(stamp))
	return err
}

// LookupToken returns the record of a token by its SHA-256, or
// record.ErrNotFound.
func (s *Store) LookupToken(ctx context.Context, sha string) (_ record.ReadToken, err error) {
	defer outage(&err)
	t := record.ReadToken{SHA256: sha}
	var hash int64
	var expires string
	err = s.db.QueryRowContext(ctx, s.q(`SELECT key_name, key_hash, party, role, expires FROM auth_tokens WHERE token_sha256 = ?`), sha).
		Scan(&t.KeyName, &hash, &t.Party, &t.Role, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return t, record.ErrNotFound
	}
	t.KeyHash = uint32(hash)
	t.Expires, _ = time.Parse(time.RFC3339Nano, expires)
	return t, unavailable(err)
}
