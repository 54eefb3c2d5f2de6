package store

import (
	"context"
	"database/sql"
	"errors"

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
