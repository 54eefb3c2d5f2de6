package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/accordverify/accord/internal/ledger"
	"github.com/accordverify/accord/internal/server"
)

// Submission is what became of a record submitted: where it is in the
// log, and its receipt to keep (Receipt), or why none came yet (Pending).
type Submission struct {
	server.Submitted
	Pending string
}

// Rejected is a record the log refused: nothing was stored.
type Rejected struct{ Err error }

func (r Rejected) Error() string { return r.Err.Error() }
func (r Rejected) Unwrap() error { return r.Err }

// SubmitWaiting appends a signed record to the log a has open, waiting up
// to wait for a published checkpoint, and returns its receipt indented as a
// receipt file keeps it. A record stored before any checkpoint is published
// is pending, saying so; a record the log refused (a *ledger.RejectError:
// its signature, its body, a duplicate) is a Rejected, nothing stored. Any
// other error is returned as it is: the record may be in the log (stored
// but not yet indexed, or the wait for a receipt ended), and calling it
// rejected would be false.
func (a *App) SubmitWaiting(ctx context.Context, signed []byte, wait time.Duration) (Submission, error) {
	seq, r, err := a.Log().Submit(ctx, signed, wait)
	return submission(seq, r, err, wait)
}

// submission is what SubmitWaiting returns for the log's answer.
func submission(seq ledger.Sequenced, r *ledger.Receipt, err error, wait time.Duration) (Submission, error) {
	s := Submission{Submitted: submitted(seq)}
	var rej *ledger.RejectError
	switch {
	case errors.Is(err, ledger.ErrNotPublished):
		s.Pending = fmt.Sprintf("no checkpoint published within %s: the witnesses have not cosigned yet", wait)
		return s, nil
	case errors.As(err, &rej):
		return s, Rejected{err}
	case err != nil:
		return s, err
	}
	b, err := json.MarshalIndent(r, "", "  ")
	s.Receipt = append(b, '\n')
	return s, err
}

// submitted is where a record went in the log, without its receipt.
func submitted(seq ledger.Sequenced) server.Submitted {
	return server.Submitted{Index: seq.Index, ID: seq.ID, Kind: string(seq.Kind), Author: seq.Author}
}

// SubmitFile submits the signed record in file with submit and keeps its
// receipt, when one came, beside the file in FILE.receipt.json (which
// ReadReceipt reads). An error of submit other than a Rejected is prefixed
// with the file's name.
func SubmitFile(file string, submit func(signed []byte) (Submission, error)) (Submission, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return Submission{}, err
	}
	s, err := submit(data)
	var rej Rejected
	switch {
	case errors.As(err, &rej):
		return s, err
	case err != nil:
		return s, fmt.Errorf("%s: %w", file, err)
	case s.Receipt != nil:
		err = os.WriteFile(file+".receipt.json", s.Receipt, 0o644)
	}
	return s, err
}
