package ledger_test

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accordverify/accord/internal/ledger"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/store"
)

// A record is acknowledged only once logged and indexed; entries the log
// holds beyond the index (a crash between the two) are indexed at start;
// and an index rebuilt from the log equals the one built as records came.
func TestIndexFollowsTheLog(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 0)
	idx := f.index(t)
	opts := f.over(idx)
	l := f.createWith(t, opts)
	appendAll(t, l, f.findings(t, 3)...)
	if n, _ := idx.Size(ctx); n != 4 {
		t.Fatalf("index size %d after 4 acknowledged records", n)
	}
	_ = l.Close(ctx)

	// Appends whose indexing never happened (the process died in between).
	noIndex := f.options()
	l, err := ledger.Open(ctx, f.storage(), noIndex)
	if err != nil {
		t.Fatal(err)
	}
	appendAll(t, l, f.findings(t, 2)...)
	_ = l.Close(ctx)
	if n, _ := idx.Size(ctx); n != 4 {
		t.Fatalf("index size %d, want still 4", n)
	}
	l, err = ledger.Open(ctx, f.storage(), opts)
	if err != nil {
		t.Fatal(err)
	}
	_ = l.Close(ctx)
	if n, _ := idx.Size(ctx); n != 6 {
		t.Fatalf("after start-up repair: index size %d, want 6", n)
	}
	before, _ := idx.All(ctx)

	// Rebuild from the log into a fresh index: the same rows.
	fresh, err := store.Open(ctx, filepath.Join(t.TempDir(), "rebuilt.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	opts.Index = fresh
	l, err = ledger.Open(ctx, f.storage(), opts)
	if err != nil {
		t.Fatal(err)
	}
	_ = l.Close(ctx)
	after, _ := fresh.All(ctx)
	if !reflect.DeepEqual(before, after) {
		t.Errorf("rebuilt index differs from the original")
	}
	if before[0].Role != "log-operator" || before[1].Role != "inspectorate" {
		t.Errorf("roles %q %q", before[0].Role, before[1].Role)
	}
}

// failingIndex fails to index a key record the first time it is given one.
type failingIndex struct{ failed bool }

func (*failingIndex) Size(context.Context) (uint64, error) { return 0, nil }
func (f *failingIndex) Index(_ context.Context, es []record.Indexed) error {
	for _, e := range es {
		if e.Signed.Record.Kind == record.KeyRevocation && !f.failed {
			f.failed = true
			return errors.New("disk full")
		}
	}
	return nil
}

// A key revocation takes effect as soon as it is durable, even when
// indexing it fails: nothing signed by the revoked key gets in after it.
func TestKeyChangeHoldsWhenIndexingFails(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 0)
	l := f.createWith(t, f.over(&failingIndex{}))
	rev := f.sign(t, f.iran, "iran", record.KeyRevocation, record.KeyRevocationBody{Party: "iran", Key: f.iran.vkey, Reason: "compromised"})
	var late *ledger.NotIndexedError
	if _, err := l.Append(ctx, rev); !errors.As(err, &late) || !strings.Contains(err.Error(), "not indexed") {
		t.Fatalf("revocation with a failing index: %v", err)
	}
	decl := f.sign(t, f.iran, "iran", record.Declaration, record.DeclarationBody{Site: "Natanz FEP", Statement: "after revocation"})
	var re *ledger.RejectError
	if _, err := l.Append(ctx, decl); !errors.As(err, &re) || re.Code != "key" {
		t.Errorf("a record signed by the revoked key: %v, want a key rejection", err)
	}
}

// switchIndex is a real index that can be taken down and brought back.
type switchIndex struct {
	*store.Store
	mu   sync.Mutex
	down bool
}

func (s *switchIndex) set(down bool) { s.mu.Lock(); s.down = down; s.mu.Unlock() }

func (s *switchIndex) Index(ctx context.Context, es []record.Indexed) error {
	s.mu.Lock()
	down := s.down
	s.mu.Unlock()
	if down {
		return &store.UnavailableError{Err: errors.New("connection refused")}
	}
	return s.Store.Index(ctx, es)
}

// While the index is down: the record being appended when it fails is in
// the log but not acknowledged (NotIndexedError); later records are
// refused with nothing stored (IndexDownError); once the index is back the
// backlog is indexed without any new write, and appends resume.
func TestIndexDownAndBack(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 0)
	st := f.index(t)
	idx := &switchIndex{Store: st}
	l := f.createWith(t, f.over(idx))
	appendAll(t, l, f.finding(t))
	idx.set(true)
	var late *ledger.NotIndexedError
	if _, err := l.Append(ctx, f.finding(t)); !errors.As(err, &late) || late.Index != 2 {
		t.Fatalf("append with the index down: %v, want NotIndexedError at 2", err)
	}
	var down *ledger.IndexDownError
	for range 3 {
		if _, err := l.Append(ctx, f.finding(t)); !errors.As(err, &down) {
			t.Fatalf("append while entries wait for the index: %v, want IndexDownError", err)
		}
	}
	if size, _ := l.Reader().IntegratedSize(ctx); size != 3 {
		t.Fatalf("log size %d while the index was down, want 3 (refused records must not be stored)", size)
	}
	if n := l.Unindexed(); n != 1 {
		t.Fatalf("backlog %d, want 1", n)
	}
	idx.set(false)
	deadline := time.Now().Add(5 * time.Second)
	for l.Unindexed() > 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n, _ := st.Size(ctx); n != 3 || l.Unindexed() != 0 {
		t.Fatalf("after the index came back: index size %d, backlog %d; want 3 and 0 without any new write", n, l.Unindexed())
	}
	if seq, err := l.Append(ctx, f.finding(t)); err != nil || seq.Index != 3 {
		t.Fatalf("append after the index came back: %+v %v", seq, err)
	}
}

// An index whose rows were changed, or that lost rows, is found at Open
// and rebuilt from the log; the result equals an index built from scratch.
func TestOpenRebuildsAnIndexThatDiffersFromTheLog(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 0)
	path := filepath.Join(t.TempDir(), "index.db")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	opts := f.over(st)
	l := f.createWith(t, opts)
	appendAll(t, l, f.findings(t, 300)...) // more than one entry bundle
	_ = l.Close(ctx)
	want, _ := st.All(ctx)
	st.Close()

	for _, tamper := range []struct{ name, sql, warning string }{
		{"record_json", `UPDATE records SET record_json = replace(record_json, 'consistent', 'inconsistent') WHERE log_index = 270`, "row 270 differs from the log's entry in column record_json"},
		{"kind", `UPDATE records SET kind = 'declaration' WHERE log_index = 5`, "row 5 differs from the log's entry in column kind"},
		{"deleted row", `DELETE FROM records WHERE log_index = 100`, ""},
		{"a row beyond a gap changed", `DELETE FROM records WHERE log_index = 20; UPDATE records SET kind = 'declaration' WHERE log_index = 290`, "row 290 differs from the log's entry in column kind"},
	} {
		t.Run(tamper.name, func(t *testing.T) {
			db, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(tamper.sql); err != nil {
				t.Fatal(err)
			}
			db.Close()
			st, err := store.Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			opts.Index = st
			l, err := ledger.Open(ctx, f.storage(), opts)
			if err != nil {
				t.Fatal(err)
			}
			_ = l.Close(ctx)
			why := l.Rebuilt()
			if tamper.warning != "" && !strings.Contains(why, tamper.warning) {
				t.Errorf("Rebuilt() = %q, want it to say %q", why, tamper.warning)
			}
			if tamper.warning == "" && why != "" {
				// A missing row is a gap: the entries after it are indexed
				// again at start (no rebuild needed).
				t.Logf("Rebuilt() = %q", why)
			}
			got, _ := st.All(ctx)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("after Open the index differs from the original (%d rows, want %d)", len(got), len(want))
			}
		})
	}
}

// lockedBuffer is a log destination safe for concurrent writers.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// The background retry of the backlog says when it starts failing and
// when the index takes the backlog again.
func TestIndexRetriesAreLogged(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 0)
	idx := &switchIndex{Store: f.index(t)}
	var logs lockedBuffer
	opts := f.over(idx)
	opts.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	l := f.createWith(t, opts)
	idx.set(true)
	var late *ledger.NotIndexedError
	if _, err := l.Append(ctx, f.finding(t)); !errors.As(err, &late) {
		t.Fatalf("append with the index down: %v", err)
	}
	waitForLog := func(what string) {
		t.Helper()
		deadline := time.Now().Add(3 * time.Second)
		for !strings.Contains(logs.String(), what) {
			if time.Now().After(deadline) {
				t.Fatalf("no %q in the log:\n%s", what, logs.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitForLog("connection refused")
	idx.set(false)
	waitForLog("the index took the entries that waited for it")
	if n := strings.Count(logs.String(), "connection refused"); n != 1 {
		t.Errorf("the failing retries were logged %d times, want once:\n%s", n, logs.String())
	}
}
