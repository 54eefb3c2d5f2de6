package talks_test

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/accordverify/accord/internal/input"
	"github.com/accordverify/accord/internal/talks"
)

// A red line's number is required on a metric or a numeric term (0 is a
// number like any other) and lies in the subject's range: the term's in
// the issue space, or the metric's (breakout days from 0 to the count of a
// breakout never reached); a word there, or a number on a yes/no term, is
// refused. A refused red line names the field and the rule, and nothing
// is stored. A red line without a value used to be accepted and met
// (compared with 0), and breakout_days >= -5 or <= 1e308 accepted.
func TestRedLineValues(t *testing.T) {
	num := func(v float64) *float64 { return &v }
	for _, c := range []struct {
		name  string
		line  talks.Constraint
		field string // "" when accepted
		rule  string
	}{
		{"a word on a numeric term", talks.Constraint{Subject: talks.TermEnrichmentCap, Op: ">=", Text: "yes"}, "constraints[0].value", "is required: a red line on enrichment_cap_pct compares it with a number (%)"},
		{"no value on a numeric term", talks.Constraint{Subject: talks.TermEnrichmentCap, Op: "<="}, "constraints[0].value", "is required"},
		{"no value on a metric", talks.Constraint{Subject: talks.MetricBreakoutDays, Op: ">="}, "constraints[0].value", "is required: a red line on breakout_days compares it with a number (days)"},
		{"a word and a number on a metric", talks.Constraint{Subject: talks.MetricBreakoutDays, Op: ">=", Value: num(365), Text: "yes"}, "constraints[0].text", "must be left out"},
		{"negative breakout days", talks.Limit(talks.MetricBreakoutDays, ">=", -5), "constraints[0].value", "must be in [0, 100000] days"},
		{"breakout days beyond never", talks.Limit(talks.MetricBreakoutDays, "<=", 1e308), "constraints[0].value", "must be in [0, 100000] days"},
		{"NaN", talks.Limit(talks.MetricBreakoutP10, ">=", math.NaN()), "constraints[0].value", "must be in"},
		{"negative SQ", talks.Limit(talks.MetricSQPermitted, "<=", -1), "constraints[0].value", "must be in [0, "},
		{"negative machines to remove", talks.Limit(talks.MetricCentrifugesOut, "<=", -1), "constraints[0].value", "must be in [0, "},
		{"a cap beyond the term's range", talks.Limit(talks.TermEnrichmentCap, "<=", 25), "constraints[0].value", "must be in [0, 20] % (the term's range in version 1 of the issue space), got 25"},
		{"negative machines", talks.Limit("centrifuges_IR-1", ">=", -1), "constraints[0].value", "must be in [0, 10000] machines"},
		{"a number on a yes/no term", talks.Constraint{Subject: "additional_protocol", Op: "=", Text: "yes", Value: num(1)}, "constraints[0].value", "must be left out: additional_protocol takes a word as text (yes or no)"},
		{"no word on a yes/no term", talks.Constraint{Subject: "additional_protocol", Op: "="}, "constraints[0].text", "is not a value of additional_protocol"},
		// Accepted.
		{"zero enrichment", talks.Limit(talks.TermEnrichmentCap, "<=", 0), "", ""},
		{"breakout days at least 0", talks.Limit(talks.MetricBreakoutDays, ">=", 0), "", ""},
		{"negative warning days", talks.Limit(talks.MetricWarningDays, ">=", -30), "", ""},
		{"the top of the term's range", talks.Limit("centrifuges_IR-6", "<=", 1000), "", ""},
		{"yes", talks.Constraint{Subject: "additional_protocol", Op: "=", Text: "yes"}, "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := room(t, talks.Standard)
			_, err := r.SubmitRedLines("us", redLines("us", c.line))
			if c.field == "" {
				if err != nil {
					t.Fatalf("%s refused: %v", c.line, err)
				}
				return
			}
			var in *input.Error
			if !errors.As(err, &in) || in.Field != c.field || !strings.Contains(in.Rule, c.rule) {
				t.Fatalf("%s: %v; want %s: ...%s...", c.line, err, c.field, c.rule)
			}
			if _, err := r.RedLinesOf("us", "us"); err == nil || len(r.Commitments) != 0 {
				t.Errorf("a refused red line was stored (commitments %v)", r.Commitments)
			}
		})
	}
}

// A red line's 0 is kept and committed to: it survives the JSON of a
// commitment and of a room's snapshot, and is checked as 0 (it used to be
// left out of the JSON, and read back as no value at all).
func TestRedLineOfZeroIsKept(t *testing.T) {
	zero := talks.Limit(talks.TermEnrichmentCap, "<=", 0)
	b, _ := json.Marshal(zero)
	if !strings.Contains(string(b), `"value":0`) {
		t.Errorf("%s: the 0 is left out", b)
	}
	if redLines("us", zero).Commitment() == redLines("us", talks.Constraint{Subject: talks.TermEnrichmentCap, Op: "<="}).Commitment() {
		t.Error("a red line of 0 and one without a value have the same commitment")
	}
	r := room(t, talks.Standard)
	submitBoth(t, r, redLines("us", zero), redLines("iran", talks.Limit(talks.TermEnrichmentCap, ">=", 3.67)))
	restored, err := r.Clone()
	if err != nil {
		t.Fatal(err)
	}
	p, err := restored.Propose("oman", "oman", talks.Package{talks.TermEnrichmentCap: talks.Num(0), talks.TermStockpileCap: talks.Num(0)}, false)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := restored.Feasibility("us", p.ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if rep.OwnMet == nil || !*rep.OwnMet || rep.Unchecked != nil {
		t.Errorf("the US's red line of zero enrichment on a restored room: %+v", rep)
	}
}

// What a party keeps of its red lines is their commitment and the red
// lines, salt included, under the names the kept file gives them; the red
// lines kept verify against the commitment kept.
func TestKeptRedLines(t *testing.T) {
	rl := redLines("us", talks.Limit(talks.MetricBreakoutDays, ">=", 365))
	k := rl.Keep()
	if k.Commitment != rl.Commitment() || !talks.VerifyReveal(k.RedLines, k.Commitment) {
		t.Fatalf("kept %+v", k)
	}
	b, err := json.Marshal(k)
	if err != nil {
		t.Fatal(err)
	}
	rb, _ := json.Marshal(rl)
	if want := `{"commitment":"` + rl.Commitment() + `","red_lines":` + string(rb) + `}`; string(b) != want {
		t.Errorf("kept as %s, want %s", b, want)
	}
}
