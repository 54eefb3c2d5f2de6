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

func TestSubmitGivesAVerifiableReceipt(t *testing.T) {
	f := newFixture(t, 2)
	l := f.create(t)
	ctx := context.Background()
	seq, r, err := l.Submit(ctx, f.finding(t), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if seq.Index != 1 || r.Index != 1 {
		t.Fatalf("index %d, receipt %d; want 1 (genesis is 0)", seq.Index, r.Index)
	}
	trust, err := ledger.TrustFromGenesis(l.Genesis())
	if err != nil {
		t.Fatal(err)
	}
	cp, err := r.Verify(trust)
	if err != nil {
		t.Fatal(err)
	}
	if cp.Size < 2 {
		t.Errorf("checkpoint size %d", cp.Size)
	}
	// Tampering with the receipt's record breaks it.
	bad := *r
	bad.Record = bad.Record[:10] + "X" + bad.Record[11:]
	if _, err := bad.Verify(trust); err == nil {
		t.Error("a receipt with a changed record verified")
	}
	// Both witnesses cosigned.
	_, cosigners, err := trust.VerifyCheckpoint([]byte(r.Checkpoint))
	if err != nil || len(cosigners) != 2 {
		t.Errorf("cosigners %v (%v)", cosigners, err)
	}
}

func TestRejectedRecordsChangeNothing(t *testing.T) {
	f := newFixture(t, 0)
	l := f.create(t)
	ctx := context.Background()
	good := f.finding(t)
	appendAll(t, l, good)
	stranger := newKey(t, "stranger")
	forged := []byte(string(good[:len(good)-10]) + "AAAAAAAAA\n")
	wrongRole := f.sign(t, f.iran, "iran", record.InspectionFinding, record.FindingBody{Site: "Fordow", Date: "2026-02-01", Finding: "all fine", Verdict: "consistent"})
	otherAuthor := f.sign(t, f.iran, "iaea", record.Declaration, record.DeclarationBody{Site: "Natanz FEP", Statement: "x"})
	unknown := f.sign(t, stranger, "iaea", record.InspectionFinding, record.FindingBody{Site: "Natanz FEP", Date: "2026-02-01", Finding: "x", Verdict: "consistent"})
	badRef := f.sign(t, f.iran, "iran", record.AccessResponse, record.AccessResponseBody{Response: "granted", On: "2026-02-02"}, "no-such-record")
	cases := []struct {
		name  string
		entry []byte
		code  string
	}{
		{"forged signature", forged, "invalid"},
		{"exact duplicate", good, "duplicate"},
		{"wrong role", wrongRole, "key"},
		{"key of another party", otherAuthor, "key"},
		{"unknown key", unknown, "key"},
		{"unknown reference", badRef, "reference"},
	}
	before, _ := l.Reader().IntegratedSize(ctx)
	for _, c := range cases {
		_, err := l.Append(ctx, c.entry)
		var re *ledger.RejectError
		if !errors.As(err, &re) || re.Code != c.code {
			t.Errorf("%s: got %v, want a %s rejection", c.name, err, c.code)
		}
	}
	after, _ := l.Reader().IntegratedSize(ctx)
	if after != before {
		t.Errorf("log grew from %d to %d with rejected records", before, after)
	}
}

func TestRevokedAndRotatedKeys(t *testing.T) {
	f := newFixture(t, 0)
	l := f.create(t)
	ctx := context.Background()
	next := newKey(t, "iran-aeoi-2")
	reg := f.sign(t, f.iran, "iran", record.KeyRegistration, record.KeyRegistrationBody{Party: "iran", Role: record.RoleState, Key: next.vkey, Replaces: f.iran.vkey})
	appendAll(t, l, reg)
	decl := record.DeclarationBody{Site: "Natanz FEP", Statement: "5,060 IR-1 installed"}
	// The replaced key is revoked: its records are refused, nothing stored.
	before, _ := l.Reader().IntegratedSize(ctx)
	_, err := l.Append(ctx, f.sign(t, f.iran, "iran", record.Declaration, decl))
	var re *ledger.RejectError
	if !errors.As(err, &re) || re.Code != "key" || !strings.Contains(err.Error(), "revoked") {
		t.Errorf("old key: %v, want a revoked-key rejection", err)
	}
	if after, _ := l.Reader().IntegratedSize(ctx); after != before {
		t.Errorf("a refused record was stored")
	}
	if _, err := l.Append(ctx, f.sign(t, next, "iran", record.Declaration, decl)); err != nil {
		t.Errorf("new key: %v", err)
	}
	// A party cannot register a key for another party, nor a role it lacks.
	mallory := newKey(t, "mallory")
	for _, body := range []record.KeyRegistrationBody{
		{Party: "iaea", Role: record.RoleInspectorate, Key: mallory.vkey},
		{Party: "iran", Role: record.RoleInspectorate, Key: mallory.vkey},
	} {
		if _, err := l.Append(ctx, f.sign(t, next, "iran", record.KeyRegistration, body)); err == nil {
			t.Errorf("registration %+v accepted", body)
		}
	}
	// The registry survives a restart: replayed from the log.
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}
	l2, err := ledger.Open(ctx, f.storage(), f.options())
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close(ctx)
	if _, err := l2.Append(ctx, f.sign(t, f.iran, "iran", record.Declaration, decl)); err == nil {
		t.Error("after a restart the revoked key signs again")
	}
	if _, err := l2.Append(ctx, f.sign(t, next, "iran", record.Declaration, decl)); err != nil {
		t.Errorf("after a restart: %v", err)
	}
}

func TestSameIDWithOtherBytesIsADuplicate(t *testing.T) {
	f := newFixture(t, 0)
	l := f.create(t)
	ctx := context.Background()
	appendAll(t, l, f.finding(t))
	f.seq-- // the next record reuses the id
	b := f.sign(t, f.iaea, "iaea", record.InspectionFinding, record.FindingBody{Site: "Fordow", Date: "2026-02-02", Finding: "other", Verdict: "anomaly"})
	_, err := l.Append(ctx, b)
	var re *ledger.RejectError
	if !errors.As(err, &re) || re.Code != "duplicate" || !strings.Contains(err.Error(), "record id") {
		t.Errorf("got %v, want a duplicate id rejection", err)
	}
}

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
