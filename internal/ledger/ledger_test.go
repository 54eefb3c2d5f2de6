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
