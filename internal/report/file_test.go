package report_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/accordverify/accord/internal/report"
)

// Each format encodes what its writer writes; Markdown for a file writes
// its charts beside it and links them; an unknown format is an error.
func TestEncode(t *testing.T) {
	r := build(t, "2025-02-08")
	var want bytes.Buffer
	if err := r.CSV(&want); err != nil {
		t.Fatal(err)
	}
	if got, err := r.Encode("csv", "", ""); err != nil || !bytes.Equal(got, want.Bytes()) {
		t.Errorf("Encode(csv): %v; not what CSV writes", err)
	}
	for _, format := range []string{"md", "html", "json"} {
		if b, err := r.Encode(format, "", "An inspectorate"); err != nil || len(b) == 0 {
			t.Errorf("Encode(%s): %d bytes, %v", format, len(b), err)
		}
	}
	out := filepath.Join(t.TempDir(), "reports", "2025-02-08.md")
	b, err := r.Encode("md", out, "")
	if err != nil || !bytes.Contains(b, []byte("](charts/")) {
		t.Fatalf("Encode(md, a file): %v; want links to charts/", err)
	}
	if entries, err := os.ReadDir(filepath.Join(filepath.Dir(out), "charts")); err != nil || len(entries) == 0 {
		t.Errorf("the charts beside the Markdown: %v, %v", entries, err)
	}
	if err := report.WriteFile(out, b); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(out); err != nil || !bytes.Equal(got, b) {
		t.Errorf("WriteFile: %v", err)
	}
	if _, err := r.Encode("pdf", "", ""); err == nil {
		t.Error("Encode(pdf): no error")
	}
}
