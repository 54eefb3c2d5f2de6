package agreement_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/input"
)

func TestJCPOABuiltIn(t *testing.T) {
	a := agreement.JCPOA()
	if a.ID != "jcpoa" || len(a.Commitments) < 10 || len(a.Procedures) != 3 {
		t.Fatalf("JCPOA: %s, %d commitments, %d procedures", a.ID, len(a.Commitments), len(a.Procedures))
	}
	for _, id := range []string{"adoption-day", "implementation-day", "transition-day", "termination-day", "us-withdrawal", "e3-dispute", "e3-snapback", "un-measures-reapplied"} {
		if a.Event(id) == nil {
			t.Errorf("event %s missing", id)
		}
	}
	want := map[string]string{"us-withdrawal": "2018-05-08", "e3-dispute": "2020-01-14", "e3-snapback": "2025-08-28",
		"un-measures-reapplied": "2025-09-28", "termination-day": "2025-10-18", "implementation-day": "2016-01-16",
		"e3-transition-letter": "2023-09-14", "eu-transition-measures-kept": "2023-10-17", "transition-day": "2023-10-18"}
	for id, d := range want {
		if got := a.Event(id).Date.String(); got != d {
			t.Errorf("%s on %s, want %s", id, got, d)
		}
	}
	// Both sides have commitments.
	obligors := map[string]bool{}
	for _, c := range a.Commitments {
		obligors[c.Obligor] = true
	}
	if !obligors["iran"] || !obligors["us"] || !obligors["eu"] || !obligors["unsc"] {
		t.Errorf("obligors %v, want both sides", obligors)
	}
}

func TestInForceWindows(t *testing.T) {
	a := agreement.JCPOA()
	get := func(id string) *agreement.Commitment {
		for i := range a.Commitments {
			if a.Commitments[i].ID == id {
				return &a.Commitments[i]
			}
		}
		t.Fatalf("no commitment %s", id)
		return nil
	}
	// The IR-1 cap runs 10 years: to 2026-01-16, but Termination Day ends
	// every commitment first.
	w := a.InForce(get("ir1-enrichment-capacity"))
	if w.Start.String() != "2016-01-16" || w.End.String() != "2025-10-18" {
		t.Errorf("window %v-%v", w.Start, w.End)
	}
	for d, want := range map[string]bool{"2016-01-15": false, "2016-01-16": true, "2025-10-17": true, "2025-10-18": false} {
		if got := w.Contains(calendar.MustParse(d)); got != want {
			t.Errorf("in force on %s = %v, want %v", d, got, want)
		}
	}
}

// Each step's clock runs from the step From names (the trigger for the
// first): the words the agreement page prints are the clock's own.
func TestStepsCountFromTheStepFromNames(t *testing.T) {
	a := agreement.JCPOA()
	trigger := calendar.MustParse("2020-01-01")
	for _, p := range a.Procedures {
		ds, err := a.Clocks([]agreement.ClockEvent{{Kind: p.Trigger, Date: trigger}}, trigger)
		if err != nil {
			t.Fatal(err)
		}
		due := map[string]calendar.Date{}
		for _, d := range ds {
			if d.Procedure == p.ID {
				due[d.Step] = d.Due
			}
		}
		for i, s := range p.Steps {
			from := trigger
			if f := p.From(i); f != nil {
				from = due[f.ID]
			}
			if got, want := due[s.ID], from.AddDays(s.Days); got != want {
				t.Errorf("%s, step %s: due %s, but %d days from what From names is %s", p.ID, s.ID, got, s.Days, want)
			}
		}
	}
	snapback := a.Procedures[slices.IndexFunc(a.Procedures, func(p agreement.Procedure) bool { return p.ID == "snapback" })]
	if f := snapback.From(2); f == nil || f.ID != "vote" {
		t.Errorf("the measures re-apply counting from %v, want the vote", f)
	}
	if f := snapback.From(0); f != nil {
		t.Errorf("the first step counts from %v, want the trigger", f)
	}
}

func TestClocks(t *testing.T) {
	a := agreement.JCPOA()
	ev := func(s string) agreement.ClockEvent {
		e, err := agreement.ParseClockEvent(s)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	// Snapback 2025: notification 28 Aug; draft by 7 Sep; vote by 27 Sep;
	// measures re-apply 00:00 GMT 28 Sep (UNSCR 2231 paras 11-12).
	ds, err := a.Clocks([]agreement.ClockEvent{ev("snapback-notification:2025-08-28")}, calendar.MustParse("2025-09-20"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, d := range ds {
		got[d.Step] = d.Due.String() + " " + d.Status
	}
	// The record shows the Council's vote of 19 September: the draft and the
	// vote are done, not overdue.
	want := map[string]string{"draft": "2025-09-07 done", "vote": "2025-09-27 done", "reapply": "2025-09-28 pending"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("snapback %s = %q, want %q", k, got[k], v)
		}
	}
	for _, d := range ds {
		if d.Status == agreement.Done && d.DoneOn.String() != "2025-09-19" {
			t.Errorf("%s done on %s, want 2025-09-19", d.Step, d.DoneOn)
		}
	}
	// Before the vote, the draft's date has passed with no record of it:
	// unrecorded (the draft is known only from the vote), not overdue.
	ds, _ = a.Clocks([]agreement.ClockEvent{ev("snapback-notification:2025-08-28")}, calendar.MustParse("2025-09-15"))
	if ds[0].Step != "draft" || ds[0].Status != agreement.Unrecorded || ds[1].Status != agreement.Pending {
		t.Errorf("at 2025-09-15: draft %s, vote %s; want unrecorded, pending", ds[0].Status, ds[1].Status)
	}
	// Months later nothing of the snapback is overdue: the measures took
	// effect by themselves; the dispute resolution steps of 2020, which
	// the parties may extend, are unrecorded, not overdue.
	ds, _ = a.Clocks([]agreement.ClockEvent{ev("snapback-notification:2025-08-28"), ev("dispute:2020-01-14")}, calendar.MustParse("2026-06-01"))
	for _, d := range ds {
		want := agreement.Unrecorded
		switch d.Step {
		case "draft", "vote":
			want = agreement.Done
		case "reapply":
			want = agreement.TookEffect
		}
		if d.Status != want {
			t.Errorf("%s %s at 2026-06-01: %s, want %s", d.Procedure, d.Step, d.Status, want)
		}
	}
	// Access: 14 + 7 + 3 = 24 days; closed when access is granted.
	ds, _ = a.Clocks([]agreement.ClockEvent{ev("access-request:2025-01-01"), ev("access-granted:2025-01-20")}, calendar.MustParse("2025-02-01"))
	statuses := []string{}
	for _, d := range ds {
		statuses = append(statuses, d.Step+" "+d.Due.String()+" "+d.Status)
	}
	// The first step was missed: late, closed after its date, no longer
	// awaited; the others were closed in time.
	if strings.Join(statuses, "; ") != "agree 2025-01-15 late; joint-commission 2025-01-22 closed; implement 2025-01-25 closed" {
		t.Errorf("access clock: %s", strings.Join(statuses, "; "))
	}
	if got := ds[0].StatusText(); got != "late: the procedure closed on 2025-01-20" {
		t.Errorf("the missed step reads %q", got)
	}
	if got := ds[1].StatusText(); got != "closed on 2025-01-20" {
		t.Errorf("a closed step reads %q", got)
	}
	// Before access was granted, the missed step was overdue.
	ds, _ = a.Clocks([]agreement.ClockEvent{ev("access-request:2025-01-01"), ev("access-granted:2025-01-20")}, calendar.MustParse("2025-01-17"))
	if ds[0].Status != agreement.Overdue || ds[0].DaysLeft != -2 {
		t.Errorf("at 2025-01-17 the first step is %s, %d days left; want overdue, -2", ds[0].Status, ds[0].DaysLeft)
	}
	// Dispute resolution: 15 + 15 + 5 = 35 days.
	ds, _ = a.Clocks([]agreement.ClockEvent{ev("dispute:2020-01-14")}, calendar.MustParse("2020-01-14"))
	last := ds[len(ds)-1]
	if last.Step != "final-joint-commission" || last.Due.String() != "2020-02-18" || last.DaysLeft != 35 {
		t.Errorf("dispute resolution ends %+v, want 2020-02-18, 35 days", last)
	}
	if _, err := a.Clocks([]agreement.ClockEvent{ev("invasion:2025-01-01")}, calendar.MustParse("2025-01-01")); err == nil || !strings.Contains(err.Error(), "access-request") {
		t.Errorf("unknown kind: %v", err)
	}
	for _, bad := range []string{"dispute", "dispute:2020-1-14", ":2020-01-14"} {
		if _, err := agreement.ParseClockEvent(bad); err == nil {
			t.Errorf("ParseClockEvent(%q) accepted", bad)
		}
	}
}

func TestValidationNamesTheField(t *testing.T) {
	base := string(agreement.JCPOASource())
	cases := []struct{ from, to, field string }{
		{"format: accord.agreement/v1", "format: accord.agreement/v9", "format"},
		{"obligor: iran\n    ref: JCPOA para 5", "obligor: iranian\n    ref: JCPOA para 5", "commitments[0].obligor"},
		{"limit: {metric: max_enrichment_pct, max: 3.67, unit: \"%\"}", "limit: {metric: max_enrichment_pct, max: 3.67, unit: kg}", "commitments[0].limit.unit"},
		{"limit: {metric: max_enrichment_pct, max: 3.67, unit: \"%\"}", "limit: {metric: purity, max: 3.67, unit: \"%\"}", "commitments[0].limit.metric"},
		{"starts: implementation-day\n    duration_years: 15\n    limit: {metric: max_enrichment_pct", "starts: someday\n    duration_years: 15\n    limit: {metric: max_enrichment_pct", "commitments[0].starts"},
		{"{id: iran, name: Islamic Republic of Iran, short: Iran, roles: [state]}", "{id: iran, name: Islamic Republic of Iran, short: Iran, roles: [king]}", "parties[0].roles"},
		{"commitments: [additional-protocol]", "commitments: [additional-protocols]", "events[7].commitments"},
		// A performance records the act that performed an action of its
		// own party: not a limit, not another party's commitment.
		{"party: iran\n    commitments: [additional-protocol]", "party: iran\n    commitments: [stockpile]", "events[7].commitments"},
		{"party: eu\n    commitments: [eu-sanctions-relief]", "party: us\n    commitments: [eu-sanctions-relief]", "events[4].commitments"},
		{"kind: performance\n    date: 2016-01-16\n    party: eu\n    commitments: [eu-sanctions-relief]", "kind: performance\n    date: 2016-01-16\n    party: eu", "events[4].commitments"},
		// A reading applies to a termination, or to a cessation or a
		// reimposition through a procedure.
		{"    via: dispute-resolution\n", "", "readings[0].event"},
		// Only what a reimposition imposes outlasts the termination.
		{"starts: implementation-day\n    duration_years: 15\n    limit: {metric: max_enrichment_pct", "starts: implementation-day\n    survives_termination: true\n    duration_years: 15\n    limit: {metric: max_enrichment_pct", "commitments[0].survives_termination"},
	}
	for _, c := range cases {
		if !strings.Contains(base, c.from) {
			t.Fatalf("fixture text %q not in jcpoa.yaml", c.from)
		}
		_, err := agreement.Parse([]byte(strings.Replace(base, c.from, c.to, 1)))
		var fe *input.Error
		if !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%s: got %v, want an error naming %s", c.to, err, c.field)
		}
	}
	if _, err := agreement.Parse([]byte(base + "\nextra: 1\n")); err == nil || !strings.Contains(err.Error(), "extra: unknown field, line") {
		t.Errorf("unknown field: %v", err)
	}
}
