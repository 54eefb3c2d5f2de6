package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/accordverify/accord/internal/record"
)

// SaveRoom stores a talks room's state (a snapshot), replacing the
// previous one.
func (s *Store) SaveRoom(ctx context.Context, id string, state []byte) (err error) {
	defer outage(&err)
	_, err = s.db.ExecContext(ctx, s.q(`INSERT INTO talks_rooms (id, state) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state`), id, string(state))
	return err
}

// LoadRoom returns a talks room's state, or record.ErrNotFound.
func (s *Store) LoadRoom(ctx context.Context, id string) (_ []byte, err error) {
	defer outage(&err)
	var state string
	err = s.db.QueryRowContext(ctx, s.q(`SELECT state FROM talks_rooms WHERE id = ?`), id).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, record.ErrNotFound
	}
	return []byte(state), err
}

// RoomIDs lists the talks rooms.
func (s *Store) RoomIDs(ctx context.Context) (_ []string, err error) {
	defer outage(&err)
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM talks_rooms ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// AddMessage stores a talks room's next message as one row: id names it in
// the room, sender (the party, or the mediator for a relay) and round are
// what it is counted by, message is its JSON. The room's state is not
// touched.
func (s *Store) AddMessage(ctx context.Context, room, id, sender string, round int, message []byte) (err error) {
	defer outage(&err)
	_, err = s.db.ExecContext(ctx, s.q(`INSERT INTO talks_messages (room, seq, id, sender, round, message)
		SELECT CAST(? AS TEXT), COALESCE(MAX(seq), 0) + 1, CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS INTEGER), CAST(? AS TEXT) FROM talks_messages WHERE room = ?`), room, id, sender, round, string(message), room)
	return err
}

// UpdateMessages replaces the JSON of messages of a room, by id, in one
// transaction (relays released together). An id the room lacks is an
// error and nothing is changed.
func (s *Store) UpdateMessages(ctx context.Context, room string, messages map[string][]byte) (err error) {
	defer outage(&err)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, id := range slices.Sorted(maps.Keys(messages)) {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE talks_messages SET message = ? WHERE room = ? AND id = ?`), string(messages[id]), room, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return fmt.Errorf("store: room %s has no message %s", room, id)
		}
	}
	return tx.Commit()
}

// Messages returns the JSON of a room's messages, in the order they were
// added: every one, or with ids only those (ids the room lacks are left
// out).
func (s *Store) Messages(ctx context.Context, room string, ids []string) (_ [][]byte, err error) {
	defer outage(&err)
	query, args := `SELECT message FROM talks_messages WHERE room = ?`, []any{room}
	if ids != nil {
		if len(ids) == 0 {
			return nil, nil
		}
		query += ` AND id IN (` + strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ") + `)`
		for _, id := range ids {
			args = append(args, id)
		}
	}
	rows, err := s.db.QueryContext(ctx, s.q(query+` ORDER BY seq`), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			return nil, err
		}
		out = append(out, []byte(m))
	}
	return out, rows.Err()
}

// CountMessages returns the number of a room's messages, and of those
// sender sent in round.
func (s *Store) CountMessages(ctx context.Context, room, sender string, round int) (total, sent int, err error) {
	defer outage(&err)
	err = s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*), COALESCE(SUM(CASE WHEN sender = ? AND round = ? THEN 1 ELSE 0 END), 0) FROM talks_messages WHERE room = ?`),
		sender, round, room).Scan(&total, &sent)
	return total, sent, err
}
