package store

import "context"

// Rows counts the rows of a table, for tests that look at what the store
// keeps.
func (s *Store) Rows(ctx context.Context, table string) (n int, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n)
	return n, err
}

// Exec runs a statement, for tests that put the database in an earlier
// shape.
func (s *Store) Exec(ctx context.Context, query string) error {
	_, err := s.db.ExecContext(ctx, query)
	return err
}

// Synchronous is SQLite's synchronous setting of the connection the next
// statement gets (2 is FULL).
func (s *Store) Synchronous(ctx context.Context) (n int, err error) {
	err = s.db.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&n)
	return n, err
}
