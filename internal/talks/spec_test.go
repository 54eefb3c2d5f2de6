package talks_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/input"
	"github.com/accordverify/accord/internal/talks"
)

func TestParseTerms(t *testing.T) {
	p, err := talks.ParseTerms([]string{"enrichment_cap_pct=3.67", "relief=a,b", "additional_protocol=yes"})
	if err != nil {
		t.Fatal(err)
	}
	if n := p["enrichment_cap_pct"].Number; n == nil || *n != 3.67 {
		t.Errorf("a number: got %+v", p["enrichment_cap_pct"])
	}
	if o := p["relief"].Order; strings.Join(o, " ") != "a b" {
		t.Errorf("phases: got %+v", p["relief"])
	}
	if p["additional_protocol"].Text != "yes" {
		t.Errorf("a word: got %+v", p["additional_protocol"])
	}
	for _, bad := range []string{"cap", "=3"} {
		if _, err := talks.ParseTerms([]string{bad}); err == nil || !strings.Contains(err.Error(), "want TERM=VALUE") {
			t.Errorf("%q: got %v, want an error asking for TERM=VALUE", bad, err)
		}
	}
}

func TestParseRedLinesAndText(t *testing.T) {
	cons, err := talks.ParseConstraints([]byte("constraints:\n  - {subject: enrichment_cap_pct, op: '<=', value: 3.67}\n"))
	if err != nil || len(cons) != 1 || cons[0].Subject != "enrichment_cap_pct" {
		t.Fatalf("got %+v, %v", cons, err)
	}
	_, err = talks.ParseConstraints([]byte("constraint: []\n"))
	var ie *input.Error
	if !errors.As(err, &ie) || ie.Field != "constraint" || !strings.Contains(ie.Rule, "unknown field, line 1") {
		t.Errorf("an unknown field: got %v, want it named with its line", err)
	}
	text, err := talks.ParseText([]byte("clauses:\n  - {id: c1, text: Cap, status: agreed}\nvalues: {enrichment_cap_pct: 3.67}\n"))
	if err != nil || len(text.Clauses) != 1 || text.Clauses[0].ID != "c1" || text.Values["enrichment_cap_pct"].Number == nil {
		t.Fatalf("got %+v, %v", text, err)
	}
	if _, err := talks.ParseText([]byte("version: 2\n")); !errors.As(err, &ie) || ie.Field != "version" {
		t.Errorf("a field the file may not set: got %v", err)
	}
}
