package ledger_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	f_log "github.com/transparency-dev/formats/log"
	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/ledger"
)

// A witness refuses a forked checkpoint, even one signed with the real
// operator key.
func TestWitnessRefusesAFork(t *testing.T) {
	f, _ := smallLog(t, 2, 3)
	w := f.witnesses[0]
	size := w.w.Size()
	if size != 4 {
		t.Fatalf("witness at size %d, want 4", size)
	}
	// The operator signs a checkpoint of a larger tree with a made-up root.
	fork := f_log.Checkpoint{Origin: origin, Size: size + 1, Hash: bytes.Repeat([]byte{7}, 32)}
	signed, err := note.Sign(&note.Note{Text: string(fork.Marshal())}, f.operator.signer)
	if err != nil {
		t.Fatal(err)
	}
	// Any proof from 4 to 5 fails against a made-up root.
	body := fmt.Sprintf("old %d\n%s\n%s\n\n%s", size, strings.Repeat("A", 43)+"=", strings.Repeat("B", 43)+"=", signed)
	resp, err := http.Post(w.server.URL+"/add-checkpoint", "text/plain", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity || w.w.Size() != size || w.w.Refused != 1 {
		t.Errorf("fork: HTTP %d, witness size %d, refused %d; want 422, unchanged, 1", resp.StatusCode, w.w.Size(), w.w.Refused)
	}
	// Same size, other root: refused too.
	same := f_log.Checkpoint{Origin: origin, Size: size, Hash: bytes.Repeat([]byte{9}, 32)}
	signed, _ = note.Sign(&note.Note{Text: string(same.Marshal())}, f.operator.signer)
	resp, _ = http.Post(w.server.URL+"/add-checkpoint", "text/plain", strings.NewReader(fmt.Sprintf("old %d\n\n%s", size, signed)))
	resp.Body.Close()
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("same size, other root: HTTP %d, want 409", resp.StatusCode)
	}
	// A checkpoint not signed by the log: 403. A stale old size: 409.
	other := newKey(t, origin)
	signed, _ = note.Sign(&note.Note{Text: string(fork.Marshal())}, other.signer)
	resp, _ = http.Post(w.server.URL+"/add-checkpoint", "text/plain", strings.NewReader(fmt.Sprintf("old %d\n\n%s", size, signed)))
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("foreign key: HTTP %d, want 403", resp.StatusCode)
	}
	resp, _ = http.Post(w.server.URL+"/add-checkpoint", "text/plain", strings.NewReader(fmt.Sprintf("old 1\n\n%s", signed)))
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusConflict {
		t.Errorf("stale old size: HTTP %d", resp.StatusCode)
	}
}

// With a required witness down, entries are stored but no checkpoint is
// published; publication resumes when it returns.
func TestWitnessDownHaltsPublication(t *testing.T) {
	f := newFixture(t, 2)
	l := f.create(t)
	ctx := context.Background()
	if _, _, err := l.Submit(ctx, f.finding(t), 5*time.Second); err != nil {
		t.Fatal(err)
	}
	f.witnesses[1].setDown(true)
	seq, r, err := l.Submit(ctx, f.finding(t), 1500*time.Millisecond)
	if !errors.Is(err, ledger.ErrNotPublished) || r != nil {
		t.Fatalf("with a witness down: receipt %v, err %v; want ErrNotPublished", r, err)
	}
	if size, _ := l.Reader().IntegratedSize(ctx); size != seq.Index+1 {
		t.Errorf("integrated size %d, want the entry stored at %d", size, seq.Index)
	}
	cp, _ := l.Checkpoint(ctx)
	var c f_log.Checkpoint
	if _, err := c.Unmarshal(cp); err != nil || c.Size > seq.Index {
		t.Errorf("published checkpoint size %d covers the entry while a witness is down", c.Size)
	}
	f.witnesses[1].setDown(false)
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	r, err = l.Receipt(rctx, seq.Index)
	if err != nil {
		t.Fatalf("after the witness returned: %v", err)
	}
	trust, _ := ledger.TrustFromGenesis(l.Genesis())
	if _, err := r.Verify(trust); err != nil {
		t.Error(err)
	}
}

// A new log's first checkpoint needs the witnesses. Creating the log while
// they are down still stores the genesis record; its checkpoint is
// published once they answer.
func TestCreateWhileTheWitnessesAreDown(t *testing.T) {
	f := newFixture(t, 2)
	for _, w := range f.witnesses {
		w.setDown(true)
	}
	opts := f.options()
	opts.WitnessTimeout = 500 * time.Millisecond
	ctx := context.Background()
	l, err := ledger.Create(ctx, f.storage(), opts, f.genesis)
	if err != nil {
		t.Fatalf("witnesses down: %v", err)
	}
	defer l.Close(ctx)
	short, cancel := context.WithTimeout(ctx, 700*time.Millisecond)
	defer cancel()
	if _, err := l.Receipt(short, 0); !errors.Is(err, ledger.ErrNotPublished) {
		t.Fatalf("receipt with the witnesses down: %v", err)
	}
	for _, w := range f.witnesses {
		w.setDown(false)
	}
	long, cancel2 := context.WithTimeout(ctx, 10*time.Second)
	defer cancel2()
	if _, err := l.Receipt(long, 0); err != nil {
		t.Fatalf("after the witnesses returned: %v", err)
	}
}
