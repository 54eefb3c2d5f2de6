package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
)

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

// Exec runs a statement on the index at dsn without opening it as a Store
// (and so without migrating it).
func Exec(ctx context.Context, dsn, query string) error {
	driver, source := "sqlite", "file:"+dsn
	if isPostgres(dsn) {
		driver, source = "pgx", dsn
	}
	db, err := sql.Open(driver, source)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, query)
	return err
}

// MigrateAsBefore applies the migrations as Accord did before it used
// goose, bookkeeping included (a table schema_migrations of the versions
// applied), for tests that a database made so is adopted.
func MigrateAsBefore(ctx context.Context, dsn string) error {
	s := &Store{dialect: SQLite}
	driver, source := "sqlite", "file:"+dsn
	if isPostgres(dsn) {
		s.dialect, driver, source = Postgres, "pgx", dsn
	}
	db, err := sql.Open(driver, source)
	if err != nil {
		return err
	}
	defer db.Close()
	s.db = db
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)`); err != nil {
		return err
	}
	dir, err := dialectMigrations(s.dialect)
	if err != nil {
		return err
	}
	files, err := fs.ReadDir(dir, ".")
	if err != nil {
		return err
	}
	for _, f := range files {
		v, err := strconv.Atoi(strings.SplitN(f.Name(), "_", 2)[0])
		if err != nil {
			return err
		}
		body, _ := fs.ReadFile(dir, f.Name())
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		for _, stmt := range strings.Split(string(body), ";") {
			var lines []string
			for _, l := range strings.Split(stmt, "\n") {
				if !strings.HasPrefix(strings.TrimSpace(l), "--") {
					lines = append(lines, l)
				}
			}
			if strings.TrimSpace(strings.Join(lines, "\n")) == "" {
				continue
			}
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				tx.Rollback()
				return fmt.Errorf("migration %s: %w", f.Name(), err)
			}
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO schema_migrations (version) VALUES (?)`), v); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// Synchronous is SQLite's synchronous setting of the connection the next
// statement gets (2 is FULL).
func (s *Store) Synchronous(ctx context.Context) (n int, err error) {
	err = s.db.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&n)
	return n, err
}

// DialectMigrations lists the migration files of a dialect.
func DialectMigrations(dialect string) ([]string, error) {
	dir, err := dialectMigrations(dialect)
	if err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(dir, ".")
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names, err
}
