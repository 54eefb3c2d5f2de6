package ledger_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	f_note "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/ledger"
)

// FuzzWitness feeds arbitrary add-checkpoint requests to a witness: it
// never panics, and it only moves forward on an answer of 200.
func FuzzWitness(f *testing.F) {
	op := seeded(f, "accord.example/jcpoa")
	wk := seeded(f, "witness-us")
	f.Add([]byte("old 0\n\naccord.example/jcpoa\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n— accord.example/jcpoa AAAA\n"))
	f.Add([]byte("old 5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		cosigner, _ := f_note.NewSignerForCosignatureV1(wk.skey)
		ov, _ := note.NewVerifier(op.vkey)
		w, err := ledger.NewWitness(filepath.Join(t.TempDir(), "w.json"), cosigner, ov)
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		w.ServeHTTP(rec, httptest.NewRequest("POST", "/add-checkpoint", bytes.NewReader(body)))
		if rec.Code != 200 && w.Size() != 0 {
			t.Fatalf("HTTP %d but the witness moved to size %d", rec.Code, w.Size())
		}
	})
}

// FuzzReceipt feeds arbitrary receipts to the offline verifier of a real
// log with two witnesses: it never panics, and a receipt that verifies
// proves the record a real receipt proves, at the same index.
func FuzzReceipt(f *testing.F) {
	r, trust := genuineReceipt(f)
	genuine, _ := json.Marshal(r)
	f.Add(genuine)
	f.Add([]byte(`{"format":"accord.receipt/v1","index":0,"record":"","inclusion_proof":[],"checkpoint":""}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ledger.ParseReceipt(data)
		if err != nil {
			return
		}
		if _, err := got.Verify(trust); err == nil && (got.Index != r.Index || got.Record != r.Record) {
			t.Fatalf("a receipt for index %d, record %.80q verified", got.Index, got.Record)
		}
	})
}

// FuzzCheckpoint feeds arbitrary checkpoints to the checkpoint verifier:
// it never panics, and only the genuine checkpoint's tree verifies.
func FuzzCheckpoint(f *testing.F) {
	r, trust := genuineReceipt(f)
	want, _, err := trust.VerifyCheckpoint([]byte(r.Checkpoint))
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(r.Checkpoint))
	f.Add([]byte("accord.example/jcpoa\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n— accord.example/jcpoa AAAA\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		cp, _, err := trust.VerifyCheckpoint(raw)
		if err == nil && (cp.Size != want.Size || !bytes.Equal(cp.Hash, want.Hash)) {
			t.Fatalf("a checkpoint of size %d, root %x verified", cp.Size, cp.Hash)
		}
	})
}

// FuzzAuditState feeds arbitrary auditor state files to the loader: it
// never panics, and a state it accepts saves and loads back the same.
func FuzzAuditState(f *testing.F) {
	f.Add([]byte(`{"origin":"accord.example/jcpoa","genesis_sha256":"00","seen":[{"size":2,"root":"AAAA","checkpoint":"x","seen_at":"2026-01-01T00:00:00+01:00"}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "state.json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		st, err := ledger.LoadAuditState(path)
		if err != nil {
			return
		}
		again := filepath.Join(t.TempDir(), "again.json")
		if err := st.Save(again); err != nil {
			t.Fatalf("a state it loaded does not save: %v", err)
		}
		st2, err := ledger.LoadAuditState(again)
		a, _ := json.Marshal(st)
		b, _ := json.Marshal(st2)
		if err != nil || !bytes.Equal(a, b) {
			t.Fatalf("state does not round-trip: %v\n%s\n%s", err, a, b)
		}
	})
}

// genuineReceipt submits one record to a new log with two witnesses and
// returns its receipt and the log's trust.
func genuineReceipt(f *testing.F) (*ledger.Receipt, ledger.Trust) {
	fx := newFixture(f, 2)
	l := fx.create(f)
	f.Cleanup(func() { _ = l.Close(context.Background()) })
	_, r, err := l.Submit(context.Background(), fx.finding(f), 10*time.Second)
	if err != nil {
		f.Fatal(err)
	}
	trust, err := ledger.TrustFromGenesis(l.Genesis())
	if err != nil {
		f.Fatal(err)
	}
	return r, trust
}
