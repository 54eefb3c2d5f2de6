package ledger_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/accordverify/accord/internal/ledger"
	"github.com/accordverify/accord/internal/record"
)

// An append waiting for a signature-check slot, for the gate (a key record
// holds it) or for the backlog's hand-over to the index returns when its
// context ends, and stores nothing: the same record goes in afterwards.
func TestAppendHonoursItsContextWhileItWaits(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 0)
	idx := &switchIndex{Store: f.index(t)}
	l := f.createWith(t, f.over(idx))

	waitWhileHeld := func(name string, occupy func() func()) {
		t.Helper()
		entry := f.finding(t)
		before, _ := l.Reader().IntegratedSize(ctx)
		release := occupy()
		short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		start := time.Now()
		_, err := l.Append(short, entry)
		cancel()
		took := time.Since(start)
		release()
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "nothing was stored") {
			t.Errorf("%s: %v, want the context's error saying nothing was stored", name, err)
		}
		if took > time.Second {
			t.Errorf("%s: Append returned %v after its context ended", name, took)
		}
		if after, _ := l.Reader().IntegratedSize(ctx); after != before {
			t.Errorf("%s: the log grew from %d to %d", name, before, after)
		}
		if _, err := l.Append(ctx, entry); err != nil {
			t.Errorf("%s: the same record once the wait is over: %v", name, err)
		}
	}
	waitWhileHeld("every signature-check slot taken", l.OccupyVerifying)
	waitWhileHeld("the gate held by a key record", l.OccupyGate)

	// The index goes down: the record that meets it is kept in the backlog.
	idx.set(true)
	var late *ledger.NotIndexedError
	if _, err := l.Append(ctx, f.finding(t)); !errors.As(err, &late) {
		t.Fatalf("append with the index down: %v", err)
	}
	idx.set(false)
	waitWhileHeld("the backlog being handed to the index", l.OccupyFlush)
}

// When the caller's context ends while tessera sequences its entry, Append
// returns at once saying the record may be in the log; the append still
// runs to its end: the entry is in the log and the index, a second
// submission is a duplicate, and a key revocation still takes effect.
func TestAppendWhoseCallerLeavesAfterTheHandOver(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 0)
	st := f.index(t)
	opts := f.over(st)
	// tessera sequences a batch only after 700 ms.
	opts.BatchMaxAge = 700 * time.Millisecond
	l := f.createWith(t, opts)

	leave := func(entry []byte) {
		t.Helper()
		short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := l.Append(short, entry)
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "may be in the log") {
			t.Fatalf("append whose caller left: %v, want the context's error saying the record may be in the log", err)
		}
		if took := time.Since(start); took > 500*time.Millisecond {
			t.Errorf("Append returned %v after its context ended", took)
		}
	}

	finding := f.finding(t)
	leave(finding)
	var re *ledger.RejectError
	if _, err := l.Append(ctx, finding); !errors.As(err, &re) || re.Code != "duplicate" {
		t.Errorf("the same record again: %v, want a duplicate", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if n, _ := st.Size(ctx); n == 2 && l.Unindexed() == 0 {
			break
		}
		if time.Now().After(deadline) {
			n, _ := st.Size(ctx)
			t.Fatalf("index size %d, backlog %d: the entry whose caller left is not indexed", n, l.Unindexed())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if e, err := l.Entry(ctx, 1); err != nil || string(e) != string(finding) {
		t.Fatalf("entry 1: %v, want the record whose caller left", err)
	}

	// A revocation whose caller leaves still revokes: a record signed by
	// the revoked key, appended right after, is checked against the
	// registry without the key.
	rev := f.sign(t, f.iran, "iran", record.KeyRevocation, record.KeyRevocationBody{Party: "iran", Key: f.iran.vkey, Reason: "compromised"})
	leave(rev)
	decl := f.sign(t, f.iran, "iran", record.Declaration, record.DeclarationBody{Site: "Natanz FEP", Statement: "after revocation"})
	if _, err := l.Append(ctx, decl); !errors.As(err, &re) || re.Code != "key" {
		t.Errorf("a record signed by the revoked key: %v, want a key rejection", err)
	}
}
