package ledger_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/accordverify/accord/internal/ledger"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/store"
	"github.com/accordverify/accord/internal/store/storetest"
)

// wantReject fails the test unless err is a refusal with code whose text
// says what.
func wantReject(t *testing.T, what string, err error, code, says string) {
	t.Helper()
	var re *ledger.RejectError
	if !errors.As(err, &re) || re.Code != code || !strings.Contains(err.Error(), says) {
		t.Errorf("%s: %v, want a %q refusal saying %q", what, err, code, says)
	}
}

// wantField checks what a duplicate's refusal says the log holds.
func wantField(t *testing.T, what string, err error, field string) {
	t.Helper()
	var re *ledger.RejectError
	if !errors.As(err, &re) || re.Field != field {
		t.Errorf("%s: %v, want a refusal of the %s", what, err, field)
	}
}

// sameID is another record with the id of the last one f signed.
func (f *fixture) sameID(t *testing.T) []byte {
	t.Helper()
	f.seq--
	return f.sign(t, f.iaea, "iaea", record.InspectionFinding, record.FindingBody{Site: "Fordow", Date: "2026-02-01", Finding: "other text", Verdict: "consistent"})
}

// eachIndex runs a test on a new fixture over a SQLite index and, when
// ACCORD_TEST_POSTGRES holds a DSN, a PostgreSQL one; open opens another
// connection to it (as another process would).
func eachIndex(t *testing.T, test func(t *testing.T, f *fixture, open func() *store.Store)) {
	run := func(t *testing.T, dsn string) {
		test(t, newFixture(t, 0), func() *store.Store {
			st, err := store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		})
	}
	t.Run("sqlite", func(t *testing.T) { run(t, t.TempDir()+"/index.db") })
	t.Run("postgres", func(t *testing.T) { run(t, storetest.PostgresDSN(t)) })
}

// Duplicates are refused from the index, not from memory: after a restart
// the log keeps no record in memory and still refuses the same bytes and
// the same id.
func TestDuplicatesRefusedAcrossARestart(t *testing.T) {
	eachIndex(t, func(t *testing.T, f *fixture, open func() *store.Store) {
		ctx := context.Background()
		opts := f.over(open())
		l := f.createWith(t, opts)
		finding := f.finding(t)
		appendAll(t, l, finding)
		sameID := f.sameID(t)
		if err := l.Close(ctx); err != nil {
			t.Fatal(err)
		}

		opts.Index = open()
		l, err := ledger.Open(ctx, f.storage(), opts)
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close(ctx)
		if l.KeepsRecordsInMemory() {
			t.Fatal("over an index that answers the duplicate check, the log keeps its records in memory")
		}
		_, err = l.Append(ctx, finding)
		wantReject(t, "the same record after a restart", err, "duplicate", "already at index 1")
		wantField(t, "the same record after a restart", err, "entry")
		_, err = l.Append(ctx, sameID)
		wantReject(t, "its id after a restart", err, "duplicate", "already at index 1")
		// A caller that loads its records again (the demo) tells a record
		// already there from another version of it.
		wantField(t, "its id after a restart", err, "id")
		if _, err := l.Append(ctx, f.finding(t)); err != nil {
			t.Errorf("a new record after a restart: %v", err)
		}
	})
}

// Two logs open on the same files and index (two servers): neither puts
// in what the other holds; and once refreshed, each checks records against
// the keys the other registered and revoked.
func TestTwoLogsOnOneIndex(t *testing.T) {
	eachIndex(t, func(t *testing.T, f *fixture, open func() *store.Store) {
		ctx := context.Background()
		opts := f.over(open())
		a := f.createWith(t, opts)
		opts.Index = open()
		b, err := ledger.Open(ctx, f.storage(), opts)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close(ctx)

		first := f.finding(t)
		appendAll(t, a, first)
		_, err = b.Append(ctx, first)
		wantReject(t, "B: a record A appended", err, "duplicate", "already at index 1")
		_, err = b.Append(ctx, f.sameID(t))
		wantReject(t, "B: the id of a record A appended", err, "duplicate", "already at index 1")
		second := f.finding(t)
		seq, err := b.Append(ctx, second)
		if err != nil {
			t.Fatal(err)
		}
		_, err = a.Append(ctx, second)
		wantReject(t, "A: a record B appended", err, "duplicate", "already at index 2")
		// A reference to a record that the other appended.
		if _, err := a.Append(ctx, f.sign(t, f.iaea, "iaea", record.InspectionFinding,
			record.FindingBody{Site: "Natanz FEP", Date: "2026-02-02", Finding: "follows up", Verdict: "consistent"}, seq.ID)); err != nil {
			t.Errorf("A: a record that refers to one B appended: %v", err)
		}

		rev := f.sign(t, f.iran, "iran", record.KeyRevocation, record.KeyRevocationBody{Party: "iran", Key: f.iran.vkey, Reason: "compromised"})
		appendAll(t, a, rev)
		if !b.KeyCurrent(f.iran.signer.Name(), f.iran.signer.KeyHash()) {
			t.Fatal("B saw the revocation without a refresh: the test no longer shows what Refresh does")
		}
		if err := b.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if b.KeyCurrent(f.iran.signer.Name(), f.iran.signer.KeyHash()) {
			t.Error("B: the key A revoked is current after a refresh")
		}
		_, err = b.Append(ctx, f.sign(t, f.iran, "iran", record.Declaration, record.DeclarationBody{Site: "Natanz FEP", Statement: "after revocation"}))
		wantReject(t, "B: a record signed by the key A revoked", err, "key", "revoked")
		if err := b.Refresh(ctx); err != nil {
			t.Errorf("a refresh with nothing new: %v", err)
		}
	})
}

// A writer that dies between reserving a record and handing it to the log
// leaves a reservation: it refuses the record while it stands, and the
// next writer's start (or take-over) releases it, so the record gets in.
func TestReservationLeftByACrashDoesNotBlockTheRecord(t *testing.T) {
	eachIndex(t, func(t *testing.T, f *fixture, open func() *store.Store) {
		ctx := context.Background()
		st := open()
		opts := f.over(st)
		l := f.createWith(t, opts)
		crashed := func(entry []byte) {
			t.Helper()
			s, _, err := l.Registry().Check(entry, 1)
			if err != nil {
				t.Fatal(err)
			}
			if c, err := st.Reserve(ctx, record.ClaimOf(s, "the writer that died")); c != nil || err != nil {
				t.Fatal(c, err)
			}
		}

		// A writer that takes over from the one that died.
		finding := f.finding(t)
		crashed(finding)
		_, err := l.Append(ctx, finding)
		wantReject(t, "while the reservation stands", err, "duplicate", "being appended")
		if err := l.TakeOver(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := l.Append(ctx, finding); err != nil {
			t.Errorf("after the take-over: %v", err)
		}

		// A writer that starts after the one that died.
		finding = f.finding(t)
		crashed(finding)
		if err := l.Close(ctx); err != nil {
			t.Fatal(err)
		}
		l, err = ledger.Open(ctx, f.storage(), opts)
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close(ctx)
		if n, err := st.Reservations(ctx); err != nil || n != 0 {
			t.Errorf("%d reservations after the start (%v), want 0", n, err)
		}
		if _, err := l.Append(ctx, finding); err != nil {
			t.Errorf("after the start: %v", err)
		}
	})
}

// A writer that takes over indexes what the previous writer logged but
// did not index (it died in between).
func TestTakeOverIndexesWhatTheLogHolds(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 0)
	st := f.index(t)
	reader := f.createWith(t, f.over(st))
	// The previous writer, whose indexing never happened.
	noIndex := f.options()
	w, err := ledger.Open(ctx, f.storage(), noIndex)
	if err != nil {
		t.Fatal(err)
	}
	logged := f.finding(t)
	appendAll(t, w, logged)
	_ = w.Close(ctx)
	if err := reader.TakeOver(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.Size(ctx); n != 2 {
		t.Errorf("index size %d after the take-over, want 2", n)
	}
	_, err = reader.Append(ctx, logged)
	wantReject(t, "the record the previous writer logged", err, "duplicate", "already at index 1")
}

// Appends that reserve and index at the same time share the index's
// transactions; a duplicate is still refused exactly as one at a time:
// of many concurrent submissions of one record, or of records with one
// id, exactly one is accepted and the others are refused as being
// appended or at the first one's index; and every accepted record is
// indexed when Append returns.
func TestConcurrentDuplicatesInSharedTransactions(t *testing.T) {
	eachIndex(t, func(t *testing.T, f *fixture, open func() *store.Store) {
		ctx := context.Background()
		st := open()
		l := f.createWith(t, f.over(st))
		const n = 40
		entries := f.findings(t, n)
		// Each record three times: twice its bytes, once another record
		// with its id; all at once.
		type result struct {
			i   int
			seq ledger.Sequenced
			err error
		}
		results := make(chan result, 3*n)
		var wg sync.WaitGroup
		for i, e := range entries {
			f.seq = i + 1
			other := f.sameID(t)
			for _, sub := range [][]byte{e, e, other} {
				wg.Go(func() {
					seq, err := l.Append(ctx, sub)
					results <- result{i, seq, err}
				})
			}
		}
		wg.Wait()
		close(results)
		accepted := make([]int, n)
		for r := range results {
			if r.err == nil {
				accepted[r.i]++
				if got, err := st.Get(ctx, r.seq.Index); err != nil || got.ID != r.seq.ID {
					t.Errorf("record %s acknowledged at %d but not indexed there: %+v, %v", r.seq.ID, r.seq.Index, got, err)
				}
				continue
			}
			var re *ledger.RejectError
			if !errors.As(r.err, &re) || re.Code != "duplicate" ||
				!strings.Contains(r.err.Error(), "being appended") && !strings.Contains(r.err.Error(), "at index") {
				t.Errorf("record %d: %v, want a duplicate refusal", r.i, r.err)
			}
		}
		for i, a := range accepted {
			if a != 1 {
				t.Errorf("record %d accepted %d times, want once", i, a)
			}
		}
		if size, _ := st.Size(ctx); size != n+1 {
			t.Errorf("index size %d, want %d", size, n+1)
		}
		if c, _ := st.Reservations(ctx); c != 0 {
			t.Errorf("%d reservations left", c)
		}
		// Submitted again, one at a time: at its index.
		_, err := l.Append(ctx, entries[0])
		wantReject(t, "the first record again", err, "duplicate", "already at index")
	})
}
