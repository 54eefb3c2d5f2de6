package compliance_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/dataset"
)

// published is one public breakout estimate with what Accord gives for
// the same data (testdata/published-breakout.yaml describes the fields).
type published struct {
	ID         string        `yaml:"id"`
	Said       calendar.Date `yaml:"said"`
	CompareAt  calendar.Date `yaml:"compare_at"`
	Who        string        `yaml:"who"`
	Document   string        `yaml:"document"`
	URL        string        `yaml:"url"`
	Words      string        `yaml:"words"`
	Low        float64       `yaml:"low"`
	High       float64       `yaml:"high"`
	Reading    string        `yaml:"reading"`
	Inputs     string        `yaml:"inputs"`
	Confidence string        `yaml:"confidence"`
	Kind       string        `yaml:"kind"`
	Expect     string        `yaml:"expect"`
	Difference string        `yaml:"difference"`
}

func publishedEstimates(t *testing.T) []published {
	t.Helper()
	data, err := os.ReadFile("testdata/published-breakout.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	var ps []published
	if err := dec.Decode(&ps); err != nil {
		t.Fatal(err)
	}
	return ps
}

// Every published estimate collected lies within the default convention's
// estimate for the same data, or its record names the difference that
// explains why not; the classification is pinned, so a change of model or
// data that moves an estimate across a published range fails here.
func TestPublishedBreakoutEstimates(t *testing.T) {
	facts := dataset.Embedded().Facts()
	opt := compliance.BreakoutOptions{Samples: breakout.DefaultSamples, Seed: breakout.DefaultSeed}
	limits, err := compliance.AtLimits(agreement.JCPOA(), opt)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, p := range publishedEstimates(t) {
		t.Run(p.ID, func(t *testing.T) {
			if p.Who == "" || p.URL == "" || p.Words == "" || p.Reading == "" || !strings.Contains("HML", p.Confidence) || p.Confidence == "" {
				t.Fatalf("incomplete record: %+v", p)
			}
			if p.Expect != "within" && p.Difference == "" {
				t.Fatalf("expect %s without the difference that explains it", p.Expect)
			}
			b := limits.Breakout
			if p.Kind == "dated" {
				got, err := compliance.BreakoutAt(facts, p.CompareAt, opt)
				if err != nil {
					t.Fatal(err)
				}
				b = *got
			} else if p.Kind != "limits" {
				t.Fatalf("kind %q", p.Kind)
			}
			got, text := classify(&b, p)
			counts[got]++
			t.Logf("%s %s (%s): published %s; Accord %s -> %s", p.Said, p.Who, p.CompareAt, rangeText(p), text, got)
			if got != p.Expect {
				t.Errorf("%s: published %s, Accord as of %s gives %s: %s, but the record expects %s", p.ID, rangeText(p), p.CompareAt, text, got, p.Expect)
			}
		})
	}
	t.Logf("within %d, band %d, differs %d, unknown %d", counts["within"], counts["band"], counts["differs"], counts["unknown"])
}

func classify(b *compliance.Breakout, p published) (string, string) {
	if b.Status != compliance.Estimated {
		return "unknown", string(b.Status) + ": " + b.Reason
	}
	e := b.Estimate
	h := *e.HeadlineDays
	hi := p.High
	if hi == 0 {
		hi = 1e9
	}
	text := fmt.Sprintf("%.1f days", h)
	if u := e.Uncertainty; u != nil && u.P10Days != nil && u.P90Days != nil {
		text += fmt.Sprintf(" (%.1f-%.1f)", *u.P10Days, *u.P90Days)
		if h >= p.Low && h <= hi {
			return "within", text
		}
		if *u.P90Days >= p.Low && *u.P10Days <= hi {
			return "band", text
		}
		return "differs", text
	}
	if h >= p.Low && h <= hi {
		return "within", text
	}
	return "differs", text
}

func rangeText(p published) string {
	switch {
	case p.High == 0:
		return fmt.Sprintf("%g days or more", p.Low)
	case p.Low == 0:
		return fmt.Sprintf("up to %g days", p.High)
	}
	return fmt.Sprintf("%g-%g days", p.Low, p.High)
}

// docs/breakout.md lists every published estimate the test checks.
func TestPublishedEstimatesAreDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/breakout.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range publishedEstimates(t) {
		if !strings.Contains(string(doc), "`"+p.ID+"`") {
			t.Errorf("docs/breakout.md does not list %s", p.ID)
		}
	}
}
