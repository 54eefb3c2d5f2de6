package ledger_test

import (
	"bytes"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/accordverify/accord/internal/ledger"
	f_note "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"
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
