package store_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/store"
)

// openEnv names the index a child process of this test binary opens (see
// TestMain), once its standard input closes.
const openEnv = "ACCORD_STORE_TEST_OPEN"

func TestMain(m *testing.M) {
	if dsn := os.Getenv(openEnv); dsn != "" {
		_, _ = io.Copy(io.Discard, os.Stdin)
		s, err := store.Open(context.Background(), dsn)
		if err == nil {
			_, err = s.Size(context.Background())
			s.Close()
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// versions is the number of rows goose's version table holds once every
// migration of the dialect is applied: one per file, and its version 0.
func versions(t *testing.T, dsn string) int {
	dialect := store.SQLite
	if !filepath.IsAbs(dsn) {
		dialect = store.Postgres
	}
	files, err := store.DialectMigrations(dialect)
	if err != nil {
		t.Fatal(err)
	}
	return len(files) + 1
}

// Eight processes that start at once on an empty database all succeed:
// they take turns from the first connection (which turns a new SQLite file
// to WAL) to the last migration, and each migration is applied once. (With
// the lock taken only for the migrations, one process in a few dozen runs
// of this test failed with SQLITE_BUSY, on a machine busy with fsyncs.)
func TestConcurrentStartsOnAnEmptyDatabase(t *testing.T) {
	eachStore(t, func(t *testing.T, dsn string) {
		exe, err := os.Executable()
		if err != nil {
			t.Fatal(err)
		}
		type child struct {
			cmd   *exec.Cmd
			start io.Closer
			out   bytes.Buffer
		}
		children := make([]*child, 8)
		for i := range children {
			c := &child{cmd: exec.Command(exe, "-test.run=^$")}
			c.cmd.Env = append(os.Environ(), openEnv+"="+dsn)
			c.cmd.Stdout, c.cmd.Stderr = &c.out, &c.out
			if c.start, err = c.cmd.StdinPipe(); err != nil {
				t.Fatal(err)
			}
			if err := c.cmd.Start(); err != nil {
				t.Fatal(err)
			}
			children[i] = c
		}
		for _, c := range children { // all are running: go
			c.start.Close()
		}
		for i, c := range children {
			if err := c.cmd.Wait(); err != nil {
				t.Errorf("process %d of %d starting at once: %v\n%s", i+1, len(children), err, c.out.String())
			}
		}
		s := open(t, dsn)
		if n, err := s.Rows(context.Background(), "goose_db_version"); err != nil || n != versions(t, dsn) {
			t.Errorf("goose_db_version holds %d rows (%v), want %d: each migration applied once", n, err, versions(t, dsn))
		}
	})
}

// An index made before goose (its migrations recorded in the table
// schema_migrations) is adopted as it stands: nothing is applied again,
// and what it holds stays.
func TestAnIndexMadeBeforeGooseIsAdopted(t *testing.T) {
	ctx := context.Background()
	check := func(t *testing.T, dsn string, records int) {
		t.Helper()
		for range 2 { // the second open finds nothing to do
			s, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatalf("opening an index made before goose: %v", err)
			}
			if n, err := s.Rows(ctx, "goose_db_version"); err != nil || n != versions(t, dsn) {
				t.Errorf("goose_db_version holds %d rows (%v), want %d", n, err, versions(t, dsn))
			}
			if rows, err := s.All(ctx); err != nil || len(rows) != records {
				t.Errorf("the index holds %d records (%v), want %d", len(rows), err, records)
			}
			if st, err := s.LoadRoom(ctx, "muscat"); err != nil || string(st) != `{"id":"muscat","round":1}` {
				t.Errorf("the room muscat: %s %v", st, err)
			}
			s.Close()
		}
	}
	// A file made by Accord before goose, with the sample's records and a
	// room (testdata/index-before-goose.db).
	t.Run("sqlite file", func(t *testing.T) {
		old, err := os.ReadFile(filepath.Join("testdata", "index-before-goose.db"))
		if err != nil {
			t.Fatal(err)
		}
		dsn := filepath.Join(t.TempDir(), "index.db")
		if err := os.WriteFile(dsn, old, 0o600); err != nil {
			t.Fatal(err)
		}
		check(t, dsn, len(sample(t)))
	})
	eachStore(t, func(t *testing.T, dsn string) {
		if err := store.MigrateAsBefore(ctx, dsn); err != nil {
			t.Fatal(err)
		}
		if err := store.Exec(ctx, dsn, `INSERT INTO talks_rooms (id, state) VALUES ('muscat', '{"id":"muscat","round":1}')`); err != nil {
			t.Fatal(err)
		}
		check(t, dsn, 0)
		s := indexed(t, dsn, sample(t)[:1])
		if got, err := s.Query(ctx, record.Filter{Kind: string(record.Notification)}); err != nil || len(got) != 1 {
			t.Errorf("indexing after the adoption: %d rows, %v", len(got), err)
		}
	})
}

// Each dialect has every version once, the shared files and its own alike,
// and a version written for one dialect is written for the other too.
func TestEachDialectHasEveryMigrationOnce(t *testing.T) {
	var lists [2][]string
	for i, dialect := range []string{store.SQLite, store.Postgres} {
		names, err := store.DialectMigrations(dialect)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]string{}
		for _, n := range names {
			v, _, _ := strings.Cut(n, "_")
			if other, ok := seen[v]; ok {
				t.Errorf("%s: version %s twice: %s and %s", dialect, v, other, n)
			}
			seen[v] = n
			lists[i] = append(lists[i], v)
		}
		if len(names) < 6 {
			t.Errorf("%s: %d migrations, want at least 6: %v", dialect, len(names), names)
		}
	}
	if !slices.Equal(lists[0], lists[1]) {
		t.Errorf("the dialects' versions differ: sqlite %v, postgres %v", lists[0], lists[1])
	}
}
