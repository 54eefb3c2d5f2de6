package app_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/accordverify/accord/internal/app"
	"github.com/accordverify/accord/internal/ledger"
	"github.com/accordverify/accord/internal/server"
)

// A record submitted to the log as its writer comes back with its place
// and its receipt, indented as a receipt file keeps it; submitted again it
// is a Rejected naming the duplicate, and nothing else is stored.
func TestSubmitWaiting(t *testing.T) {
	ctx := context.Background()
	rl := newReplicaLog(t, "")
	a := rl.open(t, "http://writer.test:8080", true)
	defer a.Close()
	f := rl.finding(t)
	s, err := a.SubmitWaiting(ctx, f, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if s.Index != 1 || s.Kind != "inspection_finding" || s.Author != "iaea" || s.ID == "" || s.Pending != "" {
		t.Errorf("submitted %+v", s)
	}
	if !bytes.HasPrefix(s.Receipt, []byte("{\n  \"")) || !bytes.HasSuffix(s.Receipt, []byte("}\n")) {
		t.Errorf("the receipt is not indented JSON ending in a newline: %q", s.Receipt)
	}
	r, err := ledger.ParseReceipt(s.Receipt)
	if err != nil || r.Index != 1 {
		t.Fatalf("the receipt: %+v, %v", r, err)
	}
	_, err = a.SubmitWaiting(ctx, f, 10*time.Second)
	var rej app.Rejected
	if !errors.As(err, &rej) || !strings.Contains(err.Error(), "duplicate") {
		t.Errorf("submitted twice: %v, want a Rejected duplicate", err)
	}
}

// SubmitFile keeps a receipt beside the file, and none for a record
// pending or rejected; a rejection is returned as it is, any other error
// of the submission names the file.
func TestSubmitFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "finding.signed")
	if err := os.WriteFile(file, []byte("signed bytes"), 0o644); err != nil {
		t.Fatal(err)
	}
	receiptFile := file + ".receipt.json"
	for _, c := range []struct {
		name    string
		s       app.Submission
		err     error
		receipt bool
		wantErr string
	}{
		{"pending", app.Submission{Submitted: server.Submitted{Index: 3}, Pending: "not yet"}, nil, false, ""},
		{"rejected", app.Submission{}, app.Rejected{Err: errors.New("duplicate")}, false, "duplicate"},
		{"failed", app.Submission{}, errors.New("connection refused"), false, file + ": connection refused"},
		{"receipt", app.Submission{Submitted: server.Submitted{Index: 3, Receipt: []byte("{}\n")}}, nil, true, ""},
	} {
		os.Remove(receiptFile)
		var got []byte
		s, err := app.SubmitFile(file, func(signed []byte) (app.Submission, error) {
			got = signed
			return c.s, c.err
		})
		if string(got) != "signed bytes" || s.Index != c.s.Index {
			t.Errorf("%s: submitted %q, returned %+v", c.name, got, s)
		}
		if (err == nil) != (c.wantErr == "") || err != nil && err.Error() != c.wantErr {
			t.Errorf("%s: error %v, want %q", c.name, err, c.wantErr)
		}
		if rejected := errors.As(err, new(app.Rejected)); rejected != (c.name == "rejected") {
			t.Errorf("%s: rejected %v", c.name, rejected)
		}
		kept, readErr := os.ReadFile(receiptFile)
		if c.receipt != (readErr == nil) || c.receipt && string(kept) != "{}\n" {
			t.Errorf("%s: receipt file %q, %v", c.name, kept, readErr)
		}
	}
	if _, err := app.SubmitFile(filepath.Join(dir, "missing"), nil); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing file: %v", err)
	}
}

// Only a record the log refused is called rejected: one stored but not
// yet indexed, or whose wait for a receipt ended, may be in the log.
func TestSubmissionCallsRejectedOnlyWhatTheLogRefused(t *testing.T) {
	seq := ledger.Sequenced{Index: 7, ID: "iaea-1", Kind: "inspection_finding", Author: "iaea"}
	for _, c := range []struct {
		name     string
		err      error
		rejected bool
		pending  bool
	}{
		{"refused", &ledger.RejectError{Code: "duplicate", Err: errors.New("id iaea-1 is in the log")}, true, false},
		{"stored, not indexed", &ledger.NotIndexedError{Index: 7, Err: errors.New("database is locked")}, false, false},
		{"stored, the wait ended", fmt.Errorf("waiting for the receipt: %w", context.DeadlineExceeded), false, false},
		{"stored, no checkpoint yet", ledger.ErrNotPublished, false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := app.Submission_(seq, nil, c.err, time.Second)
			var rej app.Rejected
			if got := errors.As(err, &rej); got != c.rejected {
				t.Errorf("rejected %v, want %v (%v)", got, c.rejected, err)
			}
			if c.pending != (err == nil && s.Pending != "") {
				t.Errorf("pending %q, error %v", s.Pending, err)
			}
			if !c.pending && err == nil {
				t.Error("no error")
			}
			if s.Index != 7 {
				t.Errorf("index %d", s.Index)
			}
		})
	}
}
