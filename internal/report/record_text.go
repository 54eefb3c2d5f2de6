package report

// Plain-text renderings of records read from a copy of the log: a record
// with its signer and the check of its receipt, and a sealed record
// opened.

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/accordverify/accord/internal/record"
)

// TextRecord writes the record at index of a log with its signer, and the
// check of its receipt: the log's origin, the checkpoint's text and how
// many hashes the inclusion proof has.
func TextRecord(w io.Writer, index uint64, signed *record.Signed, origin, checkpoint string, proofHashes int) error {
	rec := signed.Record
	fmt.Fprintf(w, "index %d of %s (checkpoint %s)\n", index, origin, checkpointSize(checkpoint))
	fmt.Fprintf(w, "%s %s by %s, created %s, signed by key %s: signature valid\n", rec.Kind, rec.ID, rec.Author, rec.Created.Format(time.RFC3339), signed.Signer.Name)
	if len(rec.Refs) > 0 {
		fmt.Fprintf(w, "refs: %s\n", strings.Join(rec.Refs, ", "))
	}
	_, err := fmt.Fprintf(w, "%s\ninclusion proof (%d hashes) verified against the checkpoint\n", indented(rec.Body), proofHashes)
	return err
}

// TextSealedRecord writes the record a sealed one at index hides, opened
// by one of its recipients.
func TextSealedRecord(w io.Writer, index uint64, sealed *record.Signed, inner *record.Record) error {
	fmt.Fprintf(w, "index %d: sealed to %s, signed by key %s: signature and inclusion verified\n", index, strings.Join(record.SealedTo(sealed.Record), ", "), sealed.Signer.Name)
	fmt.Fprintf(w, "%s %s by %s\n", inner.Kind, inner.ID, inner.Author)
	_, err := fmt.Fprintf(w, "%s\n", indented(inner.Body))
	return err
}

// indented is a record's JSON body, indented.
func indented(body json.RawMessage) []byte {
	var v any
	_ = json.Unmarshal(body, &v)
	b, _ := json.MarshalIndent(v, "", "  ")
	return b
}

// checkpointSize is "size N" of a checkpoint's text (its second line).
func checkpointSize(cp string) string {
	if lines := strings.SplitN(cp, "\n", 3); len(lines) > 1 {
		return "size " + lines[1]
	}
	return "of unknown size"
}
