package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/database"
	"github.com/pressly/goose/v3/lock"
)

// migrations are the SQL files goose applies, in the order of the version
// that starts each name; each starts with "-- +goose Up". A migration is
// written once, in migrations/, unless its SQL differs between the
// dialects: then it is in migrations/sqlite and migrations/postgres alike
// (see dialectMigrations).
//
//go:embed migrations
var migrations embed.FS

// dialectMigrations is the migrations of one dialect as one directory: the
// shared files and the dialect's own.
func dialectMigrations(dialect string) (fs.FS, error) {
	own, err := fs.Sub(migrations, path.Join("migrations", dialect))
	if err != nil {
		return nil, err
	}
	shared, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	return overlay{own, shared}, nil
}

// overlay is a flat directory of the SQL files of two: a name is looked up
// in the first, then the second.
type overlay [2]fs.FS

func (o overlay) Open(name string) (fs.File, error) {
	f, err := o[0].Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return o[1].Open(name)
	}
	return f, err
}

// ReadDir lists the SQL files of both, sorted by name.
func (o overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	var all []fs.DirEntry
	for _, d := range o {
		entries, err := fs.ReadDir(d, name)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if !e.IsDir() && path.Ext(e.Name()) == ".sql" {
				all = append(all, e)
			}
		}
	}
	slices.SortFunc(all, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return all, nil
}

// versionTable is where goose records the migrations applied.
const versionTable = "goose_db_version"

// legacyTable is where Accord's own migrator recorded them before goose:
// one row per version applied. A database that has it is adopted as it
// stands (see adopting).
const legacyTable = "schema_migrations"

// migrate applies the dialect's embedded migrations with goose, each in
// one transaction, under a lock held for the whole run: a PostgreSQL
// advisory lock (one per schema), or for SQLite the file lock Open holds
// already. Processes starting at once on an empty database take turns;
// the first applies the migrations and the others find nothing to do.
func (s *Store) migrate(ctx context.Context) error {
	fsys, err := dialectMigrations(s.dialect)
	if err != nil {
		return err
	}
	dialect := database.DialectSQLite3
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if s.dialect == Postgres {
		dialect = database.DialectPostgres
		// The lock is the database's, shared by all its schemas; each
		// schema is an index of its own and takes a lock of its own.
		var schema sql.NullString
		if err := s.db.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
			return fmt.Errorf("store: migrations: %w", err)
		}
		h := fnv.New64a()
		h.Write([]byte("accord index migrations\x00" + schema.String))
		// Try every second, for ten minutes at most: a migration holds it
		// for well under a second on an index of any size seen so far.
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(int64(h.Sum64())), lock.WithLockTimeout(1, 600))
		if err != nil {
			return err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	versions, err := database.NewStore(dialect, versionTable)
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectCustom, s.db, fsys,
		append(opts, goose.WithStore(adopting{StoreExtender: versions.(database.StoreExtender), dialect: s.dialect}))...)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	// Status first: it takes PostgreSQL's lock (SQLite's is held
	// already), and so the version table is made (and an earlier
	// migrator's versions adopted) under it. Up would make it before
	// taking the lock, leaving racing processes to retry.
	if _, err := p.Status(ctx); err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	return nil
}

// adopting is goose's version store, which adopts a database migrated by
// Accord's earlier migrator: when goose makes its version table, the
// versions recorded in that migrator's table are recorded as applied, in
// the same transaction, so they are not applied again. That table is left
// as it is.
type adopting struct {
	database.StoreExtender
	dialect string
}

// Insert records a version. Goose inserts version 0 right after making its
// table, in the same transaction: then the earlier versions follow it.
func (a adopting) Insert(ctx context.Context, db database.DBTxConn, req database.InsertRequest) error {
	if err := a.StoreExtender.Insert(ctx, db, req); err != nil || req.Version != 0 {
		return err
	}
	var n int
	exists := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '` + legacyTable + `'`
	if a.dialect == Postgres {
		exists = `SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = '` + legacyTable + `'`
	}
	if err := db.QueryRowContext(ctx, exists).Scan(&n); err != nil || n == 0 {
		return err
	}
	_, err := db.ExecContext(ctx, `INSERT INTO `+versionTable+` (version_id, is_applied) SELECT version, TRUE FROM `+legacyTable+` ORDER BY version`)
	return err
}

// lockFile takes the lock SQLite's Open holds from its first connection
// to its last migration: an exclusive flock(2) on the file at path (made
// if need be), beside the database, which excludes other processes and
// other opens in the same process alike, and which the system releases
// when its holder dies. It waits until ctx ends; closing the file returned
// releases the lock. The file stays: removing it would let two holders
// lock two different files.
func lockFile(ctx context.Context, path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}
