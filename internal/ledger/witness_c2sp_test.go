package ledger_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"filippo.io/torchwood"
	f_log "github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/merkle/testonly"
	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/ledger"
)

// The witness answers every case of c2sp.org/tlog-witness's add-checkpoint
// with the status the specification requires, and changes its state only
// when it cosigns.
func TestWitnessAnswersAsC2SPSays(t *testing.T) {
	const logName = "example.org/jcpoa"
	logKey := newKey(t, logName)
	stranger := newKey(t, "example.org/other")
	impostor := newKey(t, logName) // the log's name, another key
	wk := newKey(t, "witness.example/w1")
	cosigVerifier, err := ledger.CosignatureVerifier(wk.vkey)
	if err != nil {
		t.Fatal(err)
	}

	tree := testonly.New(rfc6962.DefaultHasher)
	for i := range 20 {
		tree.AppendData(fmt.Appendf(nil, "entry %d", i))
	}
	checkpoint := func(signer note.Signer, origin string, size uint64, root []byte) string {
		t.Helper()
		if root == nil {
			root = tree.HashAt(size)
		}
		signed, err := note.Sign(&note.Note{Text: string(f_log.Checkpoint{Origin: origin, Size: size, Hash: root}.Marshal())}, signer)
		if err != nil {
			t.Fatal(err)
		}
		return string(signed)
	}
	consistency := func(from, to uint64) []string {
		t.Helper()
		p, err := tree.ConsistencyProof(from, to)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, h := range p {
			lines = append(lines, base64.StdEncoding.EncodeToString(h))
		}
		return lines
	}
	body := func(old string, proof []string, cp string) string {
		var b strings.Builder
		b.WriteString("old " + old + "\n")
		for _, l := range proof {
			b.WriteString(l + "\n")
		}
		return b.String() + "\n" + cp
	}
	other := bytes.Repeat([]byte{7}, 32)

	// Each case runs against a witness that has cosigned size `at` (0: none).
	cases := []struct {
		name   string
		at     uint64
		body   string
		status int
		// size is the witness's size after the request; sizeBody the 409 body.
		size     uint64
		sizeBody string
	}{
		{"first checkpoint", 0, body("0", nil, checkpoint(logKey.signer, logName, 5, nil)), 200, 5, ""},
		{"a consistent larger tree", 5, body("5", consistency(5, 12), checkpoint(logKey.signer, logName, 12, nil)), 200, 12, ""},
		{"the same checkpoint again", 5, body("5", nil, checkpoint(logKey.signer, logName, 5, nil)), 200, 5, ""},
		{"an empty tree", 0, body("0", nil, checkpoint(logKey.signer, logName, 0, rfc6962.DefaultHasher.EmptyRoot())), 200, 0, ""},
		{"an unknown origin", 5, body("5", consistency(5, 12), checkpoint(stranger.signer, "example.org/other", 12, nil)), 404, 5, ""},
		{"signed by another key of the same name", 5, body("5", consistency(5, 12), checkpoint(impostor.signer, logName, 12, nil)), 403, 5, ""},
		{"old size beyond the checkpoint", 5, body("13", nil, checkpoint(logKey.signer, logName, 12, nil)), 400, 5, ""},
		{"old size with a leading zero", 5, body("05", consistency(5, 12), checkpoint(logKey.signer, logName, 12, nil)), 400, 5, ""},
		{"a malformed proof line", 5, body("5", []string{"not base64"}, checkpoint(logKey.signer, logName, 12, nil)), 400, 5, ""},
		{"old size not the one cosigned", 5, body("3", consistency(3, 12), checkpoint(logKey.signer, logName, 12, nil)), 409, 5, "5\n"},
		{"old size 0 after a cosignature", 5, body("0", nil, checkpoint(logKey.signer, logName, 12, nil)), 409, 5, "5\n"},
		{"same size, another root", 5, body("5", nil, checkpoint(logKey.signer, logName, 5, other)), 409, 5, "5\n"},
		{"a proof that does not verify", 5, body("5", consistency(6, 12), checkpoint(logKey.signer, logName, 12, nil)), 422, 5, ""},
		{"a larger tree with another root", 5, body("5", consistency(5, 12), checkpoint(logKey.signer, logName, 12, other)), 422, 5, ""},
		{"old size 0 with a proof", 0, body("0", consistency(5, 12), checkpoint(logKey.signer, logName, 12, nil)), 422, 0, ""},
		{"size 0 with a non-empty tree's root", 0, body("0", nil, checkpoint(logKey.signer, logName, 0, other)), 422, 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newWitness(t, wk, logKey.vkey)
			srv := httptest.NewServer(w)
			defer srv.Close()
			post := func(b string) (int, string, string) {
				t.Helper()
				resp, err := http.Post(srv.URL+"/add-checkpoint", "text/plain", strings.NewReader(b))
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				got, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, string(got), resp.Header.Get("Content-Type")
			}
			if c.at > 0 {
				if code, msg, _ := post(body("0", nil, checkpoint(logKey.signer, logName, c.at, nil))); code != 200 {
					t.Fatalf("setting the witness at size %d: HTTP %d %s", c.at, code, msg)
				}
			}
			code, got, ctype := post(c.body)
			if code != c.status {
				t.Fatalf("HTTP %d (%q), want %d", code, got, c.status)
			}
			if w.Size() != c.size {
				t.Errorf("the witness is at size %d, want %d", w.Size(), c.size)
			}
			switch code {
			case http.StatusConflict:
				if got != c.sizeBody || ctype != "text/x.tlog.size" {
					t.Errorf("409 body %q, Content-Type %q; want %q, text/x.tlog.size", got, ctype, c.sizeBody)
				}
			case http.StatusOK:
				// The body is cosignature lines the log can add to its
				// checkpoint; they verify with the witness's key.
				_, cpText, _ := strings.Cut(c.body, "\n\n")
				text, _, _ := strings.Cut(cpText, "\n\n")
				n, err := note.Open([]byte(text+"\n\n"+got), note.VerifierList(cosigVerifier))
				if err != nil || len(n.Sigs) != 1 || !strings.HasPrefix(got, "— witness.example/w1 ") {
					t.Errorf("cosignature %q: %v", got, err)
				}
			}
		})
	}
}

// The witness key Accord publishes is the one torchwood, an independent
// implementation of c2sp.org/tlog-cosignature, names for the same Ed25519
// key, and torchwood verifies the witness's cosignatures with it.
func TestWitnessKeyAndCosignaturesAsTorchwoodReadsThem(t *testing.T) {
	const logName = "example.org/jcpoa"
	logKey := newKey(t, logName)
	wk := newKey(t, "witness.example/w1")
	// The Ed25519 private key inside the signed-note key.
	k, err := base64.StdEncoding.DecodeString(strings.SplitN(wk.skey, "+", 5)[4])
	if err != nil || len(k) != 33 {
		t.Fatalf("the private key: %v", err)
	}
	tw, err := torchwood.NewCosignatureSigner("witness.example/w1", ed25519.NewKeyFromSeed(k[1:]))
	if err != nil {
		t.Fatal(err)
	}
	published, err := ledger.CosignatureKey(wk.vkey)
	if err != nil {
		t.Fatal(err)
	}
	if got := tw.Verifier().String(); got != published {
		t.Errorf("published witness key %s; torchwood names it %s", published, got)
	}

	srv := httptest.NewServer(newWitness(t, wk, logKey.vkey))
	defer srv.Close()
	tree := testonly.New(rfc6962.DefaultHasher)
	tree.AppendData([]byte("entry 0"), []byte("entry 1"))
	text := string(f_log.Checkpoint{Origin: logName, Size: 2, Hash: tree.Hash()}.Marshal())
	signed, err := note.Sign(&note.Note{Text: text}, logKey.signer)
	if err != nil {
		t.Fatal(err)
	}
	before := time.Now().Unix()
	resp, err := http.Post(srv.URL+"/add-checkpoint", "text/plain", strings.NewReader("old 0\n\n"+string(signed)))
	if err != nil {
		t.Fatal(err)
	}
	cosig, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("add-checkpoint: HTTP %d %s", resp.StatusCode, cosig)
	}
	n, err := note.Open([]byte(text+"\n"+string(cosig)), note.VerifierList(tw.Verifier()))
	if err != nil || len(n.Sigs) != 1 {
		t.Fatalf("torchwood does not verify the cosignature %q: %v", cosig, err)
	}
	if ts, err := torchwood.CosignatureTimestamp(n.Sigs[0]); err != nil || ts < before-1 || ts > time.Now().Unix()+1 {
		t.Errorf("the cosignature's timestamp %d (%v), want about %d", ts, err, before)
	}
}
