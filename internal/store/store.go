// Package store is the queryable index of the evidence log, in SQLite
// (modernc.org/sqlite, the embedded default) or PostgreSQL (pgx). It holds
// nothing the log lacks: every row is an entry of the log, by its index,
// and the whole index can be rebuilt from the log. It never imports the
// ledger; the caller hands it entries.
package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	_ "modernc.org/sqlite"             // database/sql driver "sqlite"

	"github.com/accordverify/accord/internal/evidence"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/state"
)

// Dialects.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Store is an open index.
type Store struct {
	db      *sql.DB
	dialect string
}

// Open opens (creating if needed) the index at dsn: a postgres:// or
// postgresql:// URL for PostgreSQL, anything else a SQLite file path. It
// applies the embedded migrations of the dialect, each in one transaction,
// under a lock: PostgreSQL's (see migrate), or for SQLite a file lock
// beside the database, held from the first connection on.
func Open(ctx context.Context, dsn string) (*Store, error) {
	s := &Store{dialect: SQLite}
	var err error
	if isPostgres(dsn) {
		s.dialect = Postgres
		s.db, err = sql.Open("pgx", dsn)
		if err == nil {
			// Keep connections for the concurrent readers and writers:
			// database/sql keeps 2 idle by default, and a new PostgreSQL
			// connection costs a backend process and a handshake.
			s.db.SetMaxOpenConns(32)
			s.db.SetMaxIdleConns(32)
			s.db.SetConnMaxIdleTime(5 * time.Minute)
		}
	} else {
		if err := private(dsn); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		// Processes starting at once take turns from the first
		// connection to the last migration: the first connection to a
		// new file turns it to WAL, which needs the file alone, and
		// SQLite answers SQLITE_BUSY at once, without waiting out the
		// busy timeout, to one of two connections that would otherwise
		// wait for each other to get there.
		lock, lockErr := lockFile(ctx, dsn+"-migrate.lock")
		if lockErr != nil {
			return nil, fmt.Errorf("store: %w", lockErr)
		}
		defer lock.Close() // releases the lock
		// A busy timeout instead of failing at once, for the writers and
		// readers that share the file once it is open; WAL for concurrent
		// readers; FULL sync: an acknowledged row survives power loss.
		s.db, err = sql.Open("sqlite", "file:"+dsn+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)")
		if err == nil {
			s.db.SetMaxOpenConns(1)
		}
	}
	if err != nil {
		return nil, err
	}
	if err := s.db.PingContext(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("store: %s: %w", s.dialect, err)
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	return s, nil
}

// private creates the SQLite file at path readable and writable by its
// owner only (0600), or makes an existing one so: it holds the talks rooms,
// red lines and their salts. SQLite gives its -wal and -shm files the
// database file's permissions; existing ones are set too.
func private(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// isPostgres reports whether dsn names a PostgreSQL database (otherwise it
// is a SQLite file).
func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// OpenRecovering is Open, except that a SQLite file that is damaged or not
// a database is set aside (renamed DSN.corrupt-TIME, kept as evidence) and
// a new, empty index made in its place, for the log to fill. The note says
// what was done ("" when nothing was). The index's records come back from
// the log; its talks rooms and tokens, which the log does not hold, stay in
// the file set aside.
func OpenRecovering(ctx context.Context, dsn string) (*Store, string, error) {
	s, err := Open(ctx, dsn)
	if err == nil || isPostgres(dsn) || !corrupt(err) {
		return s, "", err
	}
	aside := dsn + ".corrupt-" + time.Now().UTC().Format("20060102T150405Z")
	if rerr := os.Rename(dsn, aside); rerr != nil {
		return nil, "", fmt.Errorf("%w (and setting it aside failed: %v)", err, rerr)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, serr := os.Stat(dsn + suffix); serr == nil {
			_ = os.Rename(dsn+suffix, aside+suffix)
		}
	}
	s, oerr := Open(ctx, dsn)
	if oerr != nil {
		return nil, "", oerr
	}
	return s, fmt.Sprintf("the index %s could not be read (%v); it was set aside as %s and a new index is being built from the log", dsn, err, aside), nil
}

// Dialect is SQLite or Postgres.
func (s *Store) Dialect() string { return s.dialect }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// q rewrites ? placeholders as $1, $2... for PostgreSQL.
func (s *Store) q(query string) string {
	if s.dialect != Postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Entry is a log entry to index: an accepted record at its index.
type Entry = record.Indexed

// rowOf is the row Index writes for an entry.
func rowOf(e Entry) (record.Row, error) {
	rec := e.Signed.Record
	canon, err := rec.Canonical()
	if err != nil {
		return record.Row{}, err
	}
	site, material, asOf := evidence.Subject(rec)
	return record.Row{Index: e.Index, ID: rec.ID, Kind: string(rec.Kind), Author: rec.Author, Role: e.Role, Created: rec.Created.UTC(),
		Site: site, Material: material, AsOf: asOf, SHA256: e.Signed.Hash(), Record: canon}, nil
}

// Index adds entries in one transaction; an entry already indexed at the
// same index with the same bytes is skipped, anything else conflicting is
// an error and nothing is written. The reservations of the entries' record
// ids and hashes (see Reserve) are removed in the same transaction.
func (s *Store) Index(ctx context.Context, entries []Entry) (err error) {
	defer outage(&err)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return unavailable(err)
	}
	defer tx.Rollback()
	for _, e := range entries {
		row, err := rowOf(e)
		if err != nil {
			return err
		}
		// The entry is in the log: its reservation, if any, ends here.
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM reservations WHERE record_id = ? OR entry_sha256 = ?`), row.ID, row.SHA256); err != nil {
			return unavailable(err)
		}
		var existing string
		err = tx.QueryRowContext(ctx, s.q(`SELECT entry_sha256 FROM records WHERE log_index = ?`), int64(e.Index)).Scan(&existing)
		switch {
		case err == nil && existing == row.SHA256:
			continue
		case err == nil:
			return fmt.Errorf("store: index %d already holds another entry", e.Index)
		case !errors.Is(err, sql.ErrNoRows):
			return unavailable(err)
		}
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO records (log_index, record_id, kind, author, author_role, created, site, material, as_of, entry_sha256, record_json)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			int64(row.Index), row.ID, row.Kind, row.Author, row.Role, row.Created.Format(time.RFC3339Nano),
			nullable(row.Site), nullable(row.Material), nullable(row.AsOf), row.SHA256, string(row.Record))
		if err != nil {
			return fmt.Errorf("store: index %d: %w", e.Index, unavailable(err))
		}
	}
	return unavailable(tx.Commit())
}

// MismatchError is a row of the index that differs from the log's entry
// at its index.
type MismatchError struct {
	Index  uint64
	Column string // the first column that differs, or "" when the row is missing
}

func (e *MismatchError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("store: the index lacks entry %d", e.Index)
	}
	return fmt.Sprintf("store: the index's row %d differs from the log's entry in column %s", e.Index, e.Column)
}

// Verify checks that the index holds each of entries (consecutive log
// entries) exactly as Index would write it, every column; the first
// difference is a *MismatchError. With missingOK, entries the index lacks
// are not a difference (only the rows it holds are checked).
func (s *Store) Verify(ctx context.Context, entries []Entry, missingOK bool) (err error) {
	defer outage(&err)
	if len(entries) == 0 {
		return nil
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+columns+` FROM records WHERE log_index >= ? AND log_index <= ? ORDER BY log_index`),
		int64(entries[0].Index), int64(entries[len(entries)-1].Index))
	if err != nil {
		return unavailable(err)
	}
	defer rows.Close()
	got := make(map[uint64]record.Row, len(entries))
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return err
		}
		got[r.Index] = r
	}
	if err := rows.Err(); err != nil {
		return unavailable(err)
	}
	for _, e := range entries {
		want, err := rowOf(e)
		if err != nil {
			return err
		}
		have, ok := got[e.Index]
		if !ok && missingOK {
			continue
		}
		if !ok {
			return &MismatchError{Index: e.Index}
		}
		if col := differs(have, want); col != "" {
			return &MismatchError{Index: e.Index, Column: col}
		}
	}
	return nil
}

// differs names the first column in which two rows differ.
func differs(a, b record.Row) string {
	for _, c := range []struct {
		column string
		same   bool
	}{
		{"record_id", a.ID == b.ID},
		{"kind", a.Kind == b.Kind},
		{"author", a.Author == b.Author},
		{"author_role", a.Role == b.Role},
		{"created", a.Created.Equal(b.Created)},
		{"site", a.Site == b.Site},
		{"material", a.Material == b.Material},
		{"as_of", a.AsOf == b.AsOf},
		{"entry_sha256", a.SHA256 == b.SHA256},
		{"record_json", bytes.Equal(a.Record, b.Record)},
	} {
		if !c.same {
			return c.column
		}
	}
	return ""
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Size is the number of entries indexed from index 0 without a gap: the
// log's entries below Size are all in the index. (Entries appended
// concurrently may be indexed out of order; a gap closes when the missing
// entry is indexed.)
func (s *Store) Size(ctx context.Context) (_ uint64, err error) {
	defer outage(&err)
	var n int64
	var maxIdx sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*), MAX(log_index) FROM records`).Scan(&n, &maxIdx); err != nil {
		return 0, unavailable(err)
	}
	if n == 0 || maxIdx.Int64 == n-1 {
		return uint64(n), nil
	}
	var first sql.NullInt64
	err = s.db.QueryRowContext(ctx, `SELECT MIN(r.log_index + 1) FROM records r
		WHERE NOT EXISTS (SELECT 1 FROM records n WHERE n.log_index = r.log_index + 1)`).Scan(&first)
	if err != nil {
		return 0, err
	}
	var zero int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM records WHERE log_index = 0`).Scan(&zero); err != nil {
		return 0, err
	}
	if zero == 0 {
		return 0, nil
	}
	return uint64(first.Int64), nil
}

const columns = `log_index, record_id, kind, author, author_role, created, site, material, as_of, entry_sha256, record_json`

// Query returns the records that match f, by index.
func (s *Store) Query(ctx context.Context, f record.Filter) (_ []record.Row, err error) {
	defer outage(&err)
	where, args := []string{"1=1"}, []any{}
	add := func(cond string, v any) {
		where = append(where, cond)
		args = append(args, v)
	}
	if f.Kind != "" {
		add("kind = ?", f.Kind)
	}
	if f.Author != "" {
		add("author = ?", f.Author)
	}
	if f.Site != "" {
		add("site = ?", f.Site)
	}
	if f.Material != "" {
		add("(material = ? OR material LIKE ? OR material LIKE ? OR material LIKE ?)", f.Material)
		args = append(args, f.Material+",%", "%,"+f.Material, "%,"+f.Material+",%")
	}
	if f.From != "" {
		add("as_of >= ?", f.From)
	}
	if f.To != "" {
		add("as_of <= ?", f.To)
	}
	if f.After != nil {
		add("log_index > ?", int64(*f.After))
	}
	if f.Private != "" {
		add("(kind <> ? OR author = ?)", f.Private)
		args = append(args, f.Reader)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+columns+` FROM records WHERE `+strings.Join(where, " AND ")+` ORDER BY log_index LIMIT `+strconv.Itoa(limit)), args...)
	if err != nil {
		return nil, unavailable(err)
	}
	defer rows.Close()
	out := []record.Row{}
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, unavailable(rows.Err())
}

type scanner interface{ Scan(...any) error }

func scan(sc scanner) (record.Row, error) {
	var r record.Row
	var idx int64
	var created, rec string
	var site, material, asOf sql.NullString
	if err := sc.Scan(&idx, &r.ID, &r.Kind, &r.Author, &r.Role, &created, &site, &material, &asOf, &r.SHA256, &rec); err != nil {
		return r, err
	}
	r.Index, r.Site, r.Material, r.AsOf, r.Record = uint64(idx), site.String, material.String, asOf.String, json.RawMessage(rec)
	r.Created, _ = time.Parse(time.RFC3339Nano, created)
	return r, nil
}

// Get returns the record at a log index.
func (s *Store) Get(ctx context.Context, index uint64) (_ record.Row, err error) {
	defer outage(&err)
	r, err := scan(s.db.QueryRowContext(ctx, s.q(`SELECT `+columns+` FROM records WHERE log_index = ?`), int64(index)))
	if errors.Is(err, sql.ErrNoRows) {
		return r, record.ErrNotFound
	}
	return r, unavailable(err)
}

// All returns every row, by index (for comparing two indexes).
func (s *Store) All(ctx context.Context) (_ []record.Row, err error) {
	defer outage(&err)
	var out []record.Row
	var after *uint64
	for {
		page, err := s.Query(ctx, record.Filter{After: after, Limit: 1000})
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < 1000 {
			return out, nil
		}
		last := page[len(page)-1].Index
		after = &last
	}
}

// Reset deletes every row and reservation (before a rebuild from the
// log).
func (s *Store) Reset(ctx context.Context) (err error) {
	defer outage(&err)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, table := range []string{"records", "reservations"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Facts returns the facts the indexed records state, for package state:
// verified_facts records as given, verified_inventory as the stock total
// and levels, centrifuge_installation as counts. Each fact's evidence is
// its record's log index.
func (s *Store) Facts(ctx context.Context) (_ []state.Fact, err error) {
	defer outage(&err)
	kinds := make([]any, len(evidence.FactKinds))
	for i, k := range evidence.FactKinds {
		kinds[i] = string(k)
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(kinds)), ", ")
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+columns+` FROM records WHERE kind IN (`+marks+`) ORDER BY log_index`), kinds...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var facts []state.Fact
	for rows.Next() {
		row, err := scan(rows)
		if err != nil {
			return nil, err
		}
		var rec record.Record
		if err := json.Unmarshal(row.Record, &rec); err != nil {
			return nil, fmt.Errorf("store: index %d: %w", row.Index, err)
		}
		fs, err := evidence.Facts(row.Index, row.Role, &rec)
		if err != nil {
			return nil, fmt.Errorf("store: index %d: %w", row.Index, err)
		}
		facts = append(facts, fs...)
	}
	return facts, rows.Err()
}
