package report_test

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/accordverify/accord/internal/report"
	"github.com/accordverify/accord/internal/talks"
)

// The talks' renderings say what each recipient may learn, in words: got
// the text a case renders, want the lines the commands print.
func TestTalksText(t *testing.T) {
	yes, no, left := true, false, 2
	redLine := talks.Limit("enrichment_cap_pct", "<=", 3.67)
	checkRenderings(t, []rendering{
		{"evaluation", func(w io.Writer) error {
			ev := &talks.Evaluation{Model: "m1", Metrics: map[string]float64{talks.MetricBreakoutDays: 365.25, talks.MetricSQPermitted: 0.5}}
			return report.TextEvaluation(w, "Muscat", ev, []*talks.Report{
				{Recipient: "oman", AllMet: &no, Failing: map[string][]talks.Constraint{"us": {redLine}}},
				{Recipient: "us", OwnMet: &yes},
			})
		}, "Muscat: model m1\n" +
			"  breakout_days          365.25 " + talks.MetricUnits[talks.MetricBreakoutDays] + "\n" +
			"  sq_permitted           0.5 " + talks.MetricUnits[talks.MetricSQPermitted] + "\n" +
			"Feasibility, as each recipient would see it:\n" +
			"  oman     meets every red line: no (failing: us: enrichment_cap_pct <= 3.67)\n" +
			"  us       meets its own red lines: yes\n"},
		{"evaluation with a metric unknown", func(w io.Writer) error {
			why := "the proposal leaves centrifuges_IR-1 open (no number of machines is assumed)"
			breakout := talks.Limit(talks.MetricBreakoutDays, ">=", 365)
			unchecked := map[string][]talks.Unchecked{"us": {{Constraint: breakout, Reason: "breakout_days is not known: " + why}}}
			ev := &talks.Evaluation{Model: "m1", Metrics: map[string]float64{talks.MetricSQPermitted: 0.5}, Unknown: map[string]string{talks.MetricBreakoutDays: why}}
			return report.TextEvaluation(w, "Muscat", ev, []*talks.Report{
				{Recipient: "oman", AllMet: &no, Failing: map[string][]talks.Constraint{"us": {breakout, redLine}}, Unchecked: unchecked},
				{Recipient: "us", OwnMet: &no, Unchecked: unchecked},
			})
		}, "Muscat: model m1\n" +
			"  breakout_days          unknown: the proposal leaves centrifuges_IR-1 open (no number of machines is assumed)\n" +
			"  sq_permitted           0.5 " + talks.MetricUnits[talks.MetricSQPermitted] + "\n" +
			"Feasibility, as each recipient would see it:\n" +
			"  oman     meets every red line: no (failing: us: enrichment_cap_pct <= 3.67)\n" +
			"           not checked, so not met (us): breakout_days >= 365: breakout_days is not known: the proposal leaves centrifuges_IR-1 open (no number of machines is assumed)\n" +
			"  us       meets its own red lines: no\n" +
			"           not checked, so not met (us): breakout_days >= 365: breakout_days is not known: the proposal leaves centrifuges_IR-1 open (no number of machines is assumed)\n"},
		{"feasibility with a metric unknown", func(w io.Writer) error {
			breakout := talks.Limit(talks.MetricBreakoutDays, ">=", 365)
			return report.TextFeasibility(w, talks.Report{Recipient: "us", Proposal: "p1", Model: "m1", OwnMet: &no,
				Failing: map[string][]talks.Constraint{"us": {breakout}}, Unchecked: map[string][]talks.Unchecked{"us": {{Constraint: breakout, Reason: "breakout_days is not known: the proposal leaves centrifuges_IR-1 open"}}},
				Metrics: map[string]float64{"sq_permitted": 0.5}, Unknown: map[string]string{"breakout_days": "the proposal leaves centrifuges_IR-1 open"}})
		}, "proposal p1, for us (model m1)\n  your red lines: NOT all met\n" +
			"  not checked, so not met (us): breakout_days >= 365: breakout_days is not known: the proposal leaves centrifuges_IR-1 open\n" +
			"  sq_permitted: 0.5\n  breakout_days: unknown: the proposal leaves centrifuges_IR-1 open\n"},
		{"feasibility", func(w io.Writer) error {
			return report.TextFeasibility(w, talks.Report{Recipient: "us", Proposal: "p1", Model: "m1", OwnMet: &no,
				Failing: map[string][]talks.Constraint{"us": {redLine}}, Metrics: map[string]float64{"breakout_days": 123.456}, Remaining: &left})
		}, "proposal p1, for us (model m1)\n  your red lines: NOT all met\n  failing (us): enrichment_cap_pct <= 3.67\n  breakout_days: 123.5\n  questions left this round: 2\n"},
		{"no zone", func(w io.Writer) error {
			return report.TextZone(w, "Muscat", &talks.Zone{Evaluated: 1200, Feasible: 0})
		}, "Muscat: 1,200 packages in the grid, 0 meet every red line\nNo zone of agreement: no package of the issue space meets every party's red lines.\n"},
		{"zone", func(w io.Writer) error {
			return report.TextZone(w, "Muscat", &talks.Zone{Evaluated: 10, Feasible: 1, Best: &talks.Candidate{
				Values:    talks.Package{"enrichment_cap_pct": talks.Num(3.67), "relief": {Order: []string{"a", "b"}}, "access": {Text: "daily"}},
				Metrics:   map[string]float64{talks.MetricBreakoutDays: talks.UnreachedBreakoutDays, talks.MetricSQPermitted: 0},
				MinMargin: 0.25}})
		}, "Muscat: 10 packages in the grid, 1 meet every red line\n" +
			"The package farthest from every red line (smallest margin 0.25 of each term's range or metric's threshold):\n" +
			"  access               daily\n  enrichment_cap_pct   3.67\n  relief               a -> b\n" +
			"  breakout not reached (no centrifuge may enrich), 0 SQ permitted\n"},
		{"zone with a long term", func(w io.Writer) error {
			return report.TextZone(w, "Muscat", &talks.Zone{Evaluated: 10, Feasible: 1, Best: &talks.Candidate{
				Values:    talks.Package{"inspection_interval_days": talks.Num(1), "online_monitoring": {Text: "yes"}},
				Metrics:   map[string]float64{talks.MetricBreakoutDays: 210, talks.MetricSQPermitted: 0},
				MinMargin: 0.5}})
		}, "Muscat: 10 packages in the grid, 1 meet every red line\n" +
			"The package farthest from every red line (smallest margin 0.5 of each term's range or metric's threshold):\n" +
			"  inspection_interval_days 1\n  online_monitoring        yes\n" +
			"  breakout 210 days (every input at its central value), 0 SQ permitted\n"},
		{"clauses", func(w io.Writer) error {
			return report.TextClauses(w, talks.Text{Clauses: []talks.Clause{{ID: "c1", Text: "Cap at 3.67 %", Status: "agreed"}}})
		}, "  [agreed] c1: Cap at 3.67 %\n"},
		{"empty inbox", func(w io.Writer) error { return report.TextInbox(w, nil) }, "no messages\n"},
		{"inbox", func(w io.Writer) error {
			return report.TextInbox(w, []talks.Message{{ID: "m1", At: time.Date(2025, 4, 12, 10, 0, 0, 0, time.UTC), Kind: "question", From: "iran", To: []string{"oman"}, Body: "UF6 or U?"}})
		}, "m1 2025-04-12T10:00:00Z question from iran to oman: UF6 or U?\n"},
	})
}

// A party's red lines print with their salt and the commitment to them.
func TestTextRedLines(t *testing.T) {
	rl := talks.RedLines{Room: "r", Party: "us", Constraints: []talks.Constraint{talks.Limit("enrichment_cap_pct", "<=", 3.67)}, Salt: "00"}
	var b bytes.Buffer
	if err := report.TextRedLines(&b, "r", rl); err != nil {
		t.Fatal(err)
	}
	want := "us's red lines in r:\n  enrichment_cap_pct <= 3.67\nsalt 00\ncommitment " + rl.Commitment() + "\n"
	if got := b.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
