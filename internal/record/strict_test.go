package record_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/input"
	"github.com/accordverify/accord/internal/record"
)

// A key given twice in one object, anywhere in a record, is refused
// naming it: Go's decoder would keep the last, so one signed text could
// be read two ways. So is anything after the record's one JSON value,
// and a creation time outside 1945-2100.
func TestParseIsStrict(t *testing.T) {
	doc := func(created, body string) string {
		return `{"schema":"accord.record/v1","kind":"inspection_finding","id":"r-1","author":"iaea","created":"` + created + `","body":` + body + `}`
	}
	finding := `{"site":"a","date":"2026-01-01","finding":"f","verdict":"anomaly"}`
	if _, err := record.Parse([]byte(doc("2026-01-01T00:00:00Z", finding))); err != nil {
		t.Fatalf("the valid record: %v", err)
	}
	for _, c := range []struct {
		name, text, field string
	}{
		{"a body key twice", doc("2026-01-01T00:00:00Z", `{"site":"a","site":"b","date":"2026-01-01","finding":"f","verdict":"anomaly"}`), "body.site"},
		{"a top-level key twice", strings.Replace(doc("2026-01-01T00:00:00Z", finding), `"id":"r-1"`, `"id":"r-1","id":"r-2"`, 1), "id"},
		{"a key twice in a list's object", `{"schema":"accord.record/v1","kind":"declaration","id":"r-1","author":"iran","created":"2026-01-01T00:00:00Z","body":{"site":"A","statement":"s","items":[{"material":"UF6","mass_kg_u":1,"assay_pct":3.67},{"material":"UF6","mass_kg_u":1,"mass_kg_u":900,"assay_pct":3.67}]}}`, "body.items[1].mass_kg_u"},
		{"created in 9999", doc("9999-12-31T00:00:00Z", finding), "created"},
		{"created in 0001", doc("0001-01-01T00:00:01Z", finding), "created"},
		{"created in 1944", doc("1944-12-31T23:59:59Z", finding), "created"},
	} {
		_, err := record.Parse([]byte(c.text))
		var fe *input.Error
		if !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%s: got %v, want an error naming %s", c.name, err, c.field)
		}
	}
	for _, tail := range []string{"}", "]", " {}", " x", `"s"`} {
		if _, err := record.Parse([]byte(doc("2026-01-01T00:00:00Z", finding) + tail)); err == nil {
			t.Errorf("a record followed by %q accepted", tail)
		}
	}
	// Equal keys in different objects are fine.
	if _, err := record.Parse([]byte(`{"schema":"accord.record/v1","kind":"declaration","id":"r-1","author":"iran","created":"2026-01-01T00:00:00Z","body":{"site":"A","statement":"s","items":[{"material":"UF6","mass_kg_u":1,"assay_pct":3.67},{"material":"UF6","mass_kg_u":2,"assay_pct":3.67}]}}`)); err != nil {
		t.Errorf("equal keys in two objects: %v", err)
	}
}
