package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"

	"github.com/accordverify/accord/internal/record"
)

// The duplicate check of the log lives here, in durable state that every
// process sharing the index sees: the UNIQUE record ids and entry hashes
// of the records table (entries in the log) and of the reservations table
// (entries being appended). A writer reserves a record before the log
// sequences it; indexing the entry removes the reservation in the same
// transaction, so that at every moment the id and the hash are in one of
// the two tables.

// Reserve claims c's record id and entry hash for an append, and checks
// that the records c names are in the log or being appended. It returns
// the conflict when the claim is refused (nothing is written then), and an
// error when the database could not answer. It is ReserveAll of one claim.
func (s *Store) Reserve(ctx context.Context, c record.Claim) (*record.Conflict, error) {
	conflicts, err := s.ReserveAll(ctx, []record.Claim{c})
	if err != nil {
		return nil, err
	}
	return conflicts[0], nil
}

// ReserveAll reserves each of cs as Reserve does, in order, in one
// transaction: the conflict of each claim (nil when it is reserved), or
// an error when the database could not answer, and then none is reserved.
// A claim is refused by the claims before it as by any other reservation:
// a second claim of the same id or bytes is being appended.
//
// Each reservation is inserted first and the records table read after it:
// an append that indexes the same record concurrently removes its own
// reservation in the transaction that adds its row, so that this insert
// either conflicts with the reservation or, having waited for that
// transaction, finds the row. A refused claim's own insert is deleted
// again in the transaction.
//
// A reservation need not survive a crash (the writer's start releases
// every reservation once the log's entries are indexed), only be seen by
// every connection: SQLite commits it without waiting for the disk.
func (s *Store) ReserveAll(ctx context.Context, cs []record.Claim) (_ []*record.Conflict, err error) {
	defer outage(&err)
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, unavailable(err)
	}
	defer conn.Close()
	if s.dialect == SQLite {
		if _, err := conn.ExecContext(ctx, `PRAGMA synchronous = NORMAL`); err != nil {
			return nil, unavailable(err)
		}
		defer func() {
			if _, ferr := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA synchronous = FULL`); ferr != nil {
				// Never hand out a connection that does not sync.
				_ = conn.Raw(func(any) error { return driver.ErrBadConn })
				if err == nil {
					err = unavailable(ferr)
				}
			}
		}()
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, unavailable(err)
	}
	defer tx.Rollback()
	out := make([]*record.Conflict, len(cs))
	for i, c := range cs {
		conflict, inserted, err := s.reserve(ctx, tx, c)
		if err != nil {
			return nil, err
		}
		if conflict != nil && inserted {
			if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM reservations WHERE record_id = ? AND token = ?`), c.ID, c.Token); err != nil {
				return nil, unavailable(err)
			}
		}
		out[i] = conflict
	}
	if err := tx.Commit(); err != nil {
		return nil, unavailable(err)
	}
	return out, nil
}

// reserve inserts c's reservation in tx and checks it; inserted says
// whether the insert took (a refused claim's insert is for the caller to
// undo).
func (s *Store) reserve(ctx context.Context, tx *sql.Tx, c record.Claim) (_ *record.Conflict, inserted bool, _ error) {
	res, err := tx.ExecContext(ctx, s.q(`INSERT INTO reservations (record_id, entry_sha256, author, token) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`),
		c.ID, c.SHA256, c.Author, c.Token)
	if err != nil {
		return nil, false, unavailable(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return nil, false, unavailable(err)
	}
	inserted = n > 0
	// The same bytes first, then the same id; in the log first, then
	// being appended (as the refusal names the earlier).
	for _, col := range []struct{ name, field, value string }{{"entry_sha256", "entry", c.SHA256}, {"record_id", "id", c.ID}} {
		idx, found, err := s.logged(ctx, tx, col.name+` = ?`, col.value)
		if err != nil {
			return nil, inserted, err
		}
		if found {
			return &record.Conflict{Field: col.field, Index: idx}, inserted, nil
		}
		if !inserted {
			var n int
			if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM reservations WHERE `+col.name+` = ?`), col.value).Scan(&n); err != nil {
				return nil, inserted, unavailable(err)
			}
			if n > 0 {
				return &record.Conflict{Field: col.field, Pending: true}, inserted, nil
			}
		}
	}
	if !inserted {
		// Neither the id nor the hash is taken any more: the conflicting
		// reservation went between the insert and the reads.
		return &record.Conflict{Field: "id", Pending: true}, inserted, nil
	}
	for _, ref := range c.Refs {
		if _, ok, err := s.author(ctx, tx, ref, c.Token); err != nil {
			return nil, inserted, err
		} else if !ok {
			return &record.Conflict{Field: "refs", Value: ref}, inserted, nil
		}
	}
	if c.Corrects != "" {
		if author, ok, err := s.author(ctx, tx, c.Corrects, c.Token); err != nil {
			return nil, inserted, err
		} else if !ok || author != c.Author {
			return &record.Conflict{Field: "corrects", Value: c.Corrects}, inserted, nil
		}
	}
	return nil, inserted, nil
}

// logged finds the log index of the indexed record that matches cond.
func (s *Store) logged(ctx context.Context, tx *sql.Tx, cond string, arg any) (uint64, bool, error) {
	var idx int64
	err := tx.QueryRowContext(ctx, s.q(`SELECT log_index FROM records WHERE `+cond), arg).Scan(&idx)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, false, nil
	case err != nil:
		return 0, false, unavailable(err)
	}
	return uint64(idx), true, nil
}

// author returns the author of the record id, in the log or being
// appended by another reservation than the caller's own (token).
func (s *Store) author(ctx context.Context, tx *sql.Tx, id, token string) (string, bool, error) {
	var author string
	err := tx.QueryRowContext(ctx, s.q(`SELECT author FROM records WHERE record_id = ? UNION ALL SELECT author FROM reservations WHERE record_id = ? AND token <> ?`), id, id, token).Scan(&author)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", false, nil
	case err != nil:
		return "", false, unavailable(err)
	}
	return author, true, nil
}

// Release removes c's reservation (its entry did not reach the log); a
// reservation of the same record by another append (another token) stays.
func (s *Store) Release(ctx context.Context, c record.Claim) (err error) {
	defer outage(&err)
	_, err = s.db.ExecContext(ctx, s.q(`DELETE FROM reservations WHERE record_id = ? AND token = ?`), c.ID, c.Token)
	return unavailable(err)
}

// ReleaseReservations removes every reservation: the writer calls it when
// it starts, once every entry of the log is indexed, so that what remains
// are records a writer reserved but never got into the log (it crashed, or
// the log refused them and the release failed).
func (s *Store) ReleaseReservations(ctx context.Context) (err error) {
	defer outage(&err)
	_, err = s.db.ExecContext(ctx, `DELETE FROM reservations`)
	return unavailable(err)
}

// Reservations counts the records being appended.
func (s *Store) Reservations(ctx context.Context) (n int, err error) {
	defer outage(&err)
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM reservations`).Scan(&n)
	return n, unavailable(err)
}
