package report_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/report"
)

// A record read from a log prints with its signer, its references, its
// body indented, and the checkpoint its inclusion was checked against.
func TestTextRecord(t *testing.T) {
	signed := &record.Signed{Signer: note.Signature{Name: "iaea"}, Record: &record.Record{
		Kind: "inspection_finding", ID: "f-1", Author: "iaea", Created: time.Date(2025, 2, 8, 12, 0, 0, 0, time.UTC),
		Refs: []string{"d-1", "d-2"}, Body: json.RawMessage(`{"site":"Fordow","ok":true}`)}}
	for _, c := range []struct {
		name, checkpoint, want string
	}{
		{"checkpoint", "accord.example/jcpoa\n12\nroot\n", "index 7 of accord.example/jcpoa (checkpoint size 12)\n" +
			"inspection_finding f-1 by iaea, created 2025-02-08T12:00:00Z, signed by key iaea: signature valid\n" +
			"refs: d-1, d-2\n{\n  \"ok\": true,\n  \"site\": \"Fordow\"\n}\ninclusion proof (3 hashes) verified against the checkpoint\n"},
		{"no size", "", "index 7 of accord.example/jcpoa (checkpoint of unknown size)\n" +
			"inspection_finding f-1 by iaea, created 2025-02-08T12:00:00Z, signed by key iaea: signature valid\n" +
			"refs: d-1, d-2\n{\n  \"ok\": true,\n  \"site\": \"Fordow\"\n}\ninclusion proof (3 hashes) verified against the checkpoint\n"},
	} {
		var b bytes.Buffer
		if err := report.TextRecord(&b, 7, signed, "accord.example/jcpoa", c.checkpoint, 3); err != nil {
			t.Fatal(err)
		}
		if got := b.String(); got != c.want {
			t.Errorf("%s: got\n%s\nwant\n%s", c.name, got, c.want)
		}
	}
}

// A sealed record opened prints what it hides; a record that is not sealed
// names no recipients.
func TestTextSealedRecord(t *testing.T) {
	sealed := &record.Signed{Signer: note.Signature{Name: "us"}, Record: &record.Record{Kind: "talks_commitment", ID: "c-1"}}
	inner := &record.Record{Kind: "talks_commitment", ID: "c-1", Author: "us", Body: json.RawMessage(`{"hash":"ab"}`)}
	var b bytes.Buffer
	if err := report.TextSealedRecord(&b, 161, sealed, inner); err != nil {
		t.Fatal(err)
	}
	want := "index 161: sealed to , signed by key us: signature and inclusion verified\ntalks_commitment c-1 by us\n{\n  \"hash\": \"ab\"\n}\n"
	if got := b.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
