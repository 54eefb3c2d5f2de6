package compliance_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/accordverify/accord/enrich"
	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/state"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func overview(t *testing.T, a *agreement.Agreement, date string) *compliance.Overview {
	t.Helper()
	o, err := compliance.OverviewAt(a, dataset.Embedded().Facts(), calendar.MustParse(date), compliance.BreakoutOptions{SQ: enrich.WGU25, Samples: 200, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func finding(t *testing.T, fs []compliance.Finding, id string) compliance.Finding {
	t.Helper()
	for _, f := range fs {
		if f.Commitment == id {
			return f
		}
	}
	t.Fatalf("no finding for %s", id)
	return compliance.Finding{}
}

func TestEveryCurbCompliantIn2017(t *testing.T) {
	o := overview(t, agreement.JCPOA(), "2017-05-27")
	for _, f := range o.Findings {
		want := compliance.Compliant
		switch f.Commitment {
		case "eu-transition-relief":
			want = compliance.NotInForce // from Transition Day, 2023-10-18
		case "un-enrichment-suspension":
			want = compliance.NotInForce // imposed by the snapback of 2025
		}
		if f.Status != want {
			t.Errorf("%s (%s): %s, want %s: %s", f.Commitment, f.Obligor, f.Status, want, f.Reason)
		}
	}
	if got := finding(t, o.Findings, "stockpile"); *got.Observed != 79.8 || len(got.Evidence) == 0 || got.Evidence[0].Ref != "iaea-iran row 4" {
		t.Errorf("stockpile finding = %+v", got)
	}
}

// Every quarterly IAEA report from 2016 to May 2019 confirmed the
// enrichment level, the IR-1 at Natanz, the absence of enrichment at
// Fordow and of enrichment in advanced machines at the FEP: at the US
// withdrawal and before Iran's staged reductions these commitments are
// compliant on a report of the last two quarters, not unknown for want of
// a figure since February 2017; and the breaches of July and November
// 2019 still win over them.
func TestQuarterlyReportsKeepTheCurbsKnown(t *testing.T) {
	a := agreement.JCPOA()
	curbs := []string{"enrichment-level", "ir1-enrichment-capacity", "advanced-centrifuges", "fordow"}
	for _, c := range []struct{ date, since string }{
		{"2016-12-01", "2016-09-08"}, // GOV/2016/46
		{"2017-12-01", "2017-08-21"}, // the reports of 31 August and 13 November 2017
		{"2018-05-08", "2017-11-05"}, // the US withdrawal: the report of 13 November 2017, and of 22 February 2018 for the IR-1
		{"2018-12-01", "2018-08-30"},
		{"2019-04-01", "2019-02-22"}, // the report of 22 February 2019
		{"2019-06-01", "2019-05-20"}, // the report of 31 May 2019
	} {
		fs := overview(t, a, c.date).Findings
		for _, id := range curbs {
			f := finding(t, fs, id)
			if f.Status != compliance.Compliant || f.ObservedAsOf.Before(calendar.MustParse(c.since)) {
				t.Errorf("%s: %s %s as of %s, want compliant on a figure of %s or later: %s", c.date, id, f.Status, f.ObservedAsOf, c.since, f.Reason)
				continue
			}
			for _, e := range f.Evidence {
				if e.Published.IsZero() && e.PublishedMonth == "" || strings.Contains(e.Source, "ifpnews (IAEA quote)") {
					t.Errorf("%s: %s cites %+v; want a dated report later than February 2017", c.date, id, e)
				}
			}
		}
	}
	for _, c := range []struct{ date, id string }{
		{"2019-07-10", "enrichment-level"},
		{"2019-11-15", "fordow"},
		{"2019-11-15", "advanced-centrifuges"},
	} {
		if f := finding(t, overview(t, a, c.date).Findings, c.id); f.Status != compliance.Breach {
			t.Errorf("%s: %s %s, want the later breach to win: %s", c.date, c.id, f.Status, f.Reason)
		}
	}
}

// When a commitment begins and ends is said with the event's name
// ("Implementation Day"), not the agreement file's id for it.
func TestWindowsNameTheirEvents(t *testing.T) {
	before := finding(t, overview(t, agreement.JCPOA(), "2015-07-14").Findings, "stockpile")
	if before.Reason != "in force from 2016-01-16 (Implementation Day)" {
		t.Errorf("before Implementation Day: %q", before.Reason)
	}
	after := finding(t, overview(t, agreement.JCPOA(), "2026-06-01").Findings, "ir1-enrichment-capacity")
	if !strings.Contains(after.Reason, "ended on 2026-01-16 (10 years from Implementation Day)") || strings.Contains(after.Reason, "implementation-day") {
		t.Errorf("after ten years: %q", after.Reason)
	}
}

// TimelineTo evaluates every commitment at the dates Dates gives up to
// until, the last of them until itself.
func TestTimelineTo(t *testing.T) {
	a := agreement.JCPOA()
	facts := dataset.Embedded().Facts()
	until := calendar.MustParse("2019-07-01")
	got := compliance.TimelineTo(a, facts, until)
	dates := compliance.Dates(a, facts, until)
	if len(got) == 0 || len(got) != len(compliance.Timeline(a, facts, dates)) {
		t.Fatalf("%d tracks", len(got))
	}
	for _, tr := range got {
		if n := len(tr.Points); n != len(dates) || tr.Points[n-1].Date != until {
			t.Errorf("%s: %d points, want %d ending on %s", tr.Commitment, n, len(dates), until)
		}
	}
}

func TestBreachesBeginWhenTheSeriesShowsThem(t *testing.T) {
	a := agreement.JCPOA()
	facts := dataset.Embedded().Facts()
	tracks := compliance.Timeline(a, facts, compliance.Dates(a, facts, calendar.MustParse("2026-12-01")))
	began := map[string]string{}
	for _, tr := range tracks {
		if len(tr.Breaches) > 0 {
			began[tr.Commitment] = tr.Breaches[0].From.String()
		}
	}
	want := map[string]string{
		"stockpile":            "2019-07-01", // the IAEA's ad hoc report: above 202.8 kg U
		"enrichment-level":     "2019-07-08", // enrichment above 3.67 % confirmed
		"fordow":               "2019-11-09",
		"advanced-centrifuges": "2019-11-03", // GOV/2019/55: advanced cascades accumulating enriched uranium
		"additional-protocol":  "2021-02-23",
		"us-sanctions-relief":  "2018-05-08",
		"heavy-water":          "2016-02-17", // GOV/2016/8: 130.9 t, above the 130 t of Annex I para 14
	}
	for id, d := range want {
		if began[id] != d {
			t.Errorf("%s breach began %q, want %s", id, began[id], d)
		}
	}
	for _, id := range []string{"eu-sanctions-relief", "un-sanctions-relief", "ir1-enrichment-capacity"} {
		if d, ok := began[id]; ok {
			t.Errorf("%s shows a breach from %s; the series shows none", id, d)
		}
	}
	// A breach that goes dark stays a breach: the stockpile breach is not
	// ended by the loss of access (unknown) nor by the dispute over
	// Termination Day; it was last confirmed on 2025-06-13. No breach of
	// any commitment ends into unknown or disputed.
	//
	// A breach shown only by an event of the agreement (the withdrawal,
	// the cessation of the Additional Protocol) is confirmed by no
	// figure: it has no date of last confirmation (not the last date
	// evaluated, which confirms nothing). Every breach still running on
	// Termination Day is disputed from that day.
	byEvent := []string{"us-sanctions-relief", "additional-protocol"}
	for _, tr := range tracks {
		for _, b := range tr.Breaches {
			if b.Then == compliance.Unknown || b.Then == compliance.Disputed || b.ConfirmedUntil.IsZero() != slices.Contains(byEvent, tr.Commitment) {
				t.Errorf("%s: breach from %s ends %s into %s (confirmed until %s)", tr.Commitment, b.From, b.To, b.Then, b.ConfirmedUntil)
			}
			runs := b.To.IsZero() || b.To.After(calendar.MustParse("2025-10-18"))
			if want := calendar.MustParse("2025-10-18"); runs && !b.DisputedFrom.Equal(want) || !runs && !b.DisputedFrom.IsZero() {
				t.Errorf("%s: breach from %s to %s disputed from %s; want %s when it runs past Termination Day", tr.Commitment, b.From, b.To, b.DisputedFrom, want)
			}
		}
		if tr.Commitment == "stockpile" {
			last := tr.Breaches[len(tr.Breaches)-1]
			if !last.To.IsZero() || last.ConfirmedUntil.String() != "2025-06-13" {
				t.Errorf("stockpile breach ends %s (then %s), confirmed until %s; want not ended, last confirmed 2025-06-13", last.To, last.Then, last.ConfirmedUntil)
			}
		}
	}
}

func TestFebruary2025(t *testing.T) {
	o := overview(t, agreement.JCPOA(), "2025-02-08")
	if o.Inventory.TotalKgU == nil || *o.Inventory.TotalKgU != 8294.4 {
		t.Fatalf("total = %v, want 8,294.4 kg U", o.Inventory.TotalKgU)
	}
	var sixty *compliance.InventoryLine
	for i, l := range o.Inventory.ByLevel {
		if l.MaxAssayPct == 60 {
			sixty = &o.Inventory.ByLevel[i]
		}
	}
	if sixty == nil || *sixty.MassKgU != 274.8 || math.Abs(*sixty.SQIAEA-6.595) > 0.001 || sixty.Status != state.Sourced {
		t.Fatalf("60 %% level = %+v, want 274.8 kg U, 6.6 SQ (IAEA), sourced", sixty)
	}
	st := finding(t, o.Findings, "stockpile")
	if st.Status != compliance.Breach || math.Abs(*st.Ratio-40.9) > 0.05 {
		t.Errorf("stockpile %s at %.2f x the limit, want breach at about 41 x", st.Status, *st.Ratio)
	}
	if h := o.Breakout.Headline(); h == nil || *h > 30 || o.Breakout.Status != compliance.Estimated {
		t.Errorf("breakout from the state: %s, %v days", o.Breakout.Status, h)
	}
}

func TestAfterTerminationDay(t *testing.T) {
	o := overview(t, agreement.JCPOA(), "2025-11-01")
	// The commitments the snapback ended are not in force under either
	// reading; every other one is disputed.
	for _, f := range o.Findings {
		want := compliance.Disputed
		switch f.Commitment {
		case "un-sanctions-relief", "eu-sanctions-relief":
			want = compliance.NotInForce
		case "eu-transition-relief":
			// Ceased through the dispute resolution mechanism under one
			// reading, ended on Termination Day under the other.
			want = compliance.NotInForce
		}
		if f.Status != want {
			t.Errorf("%s: %s after Termination Day, want %s", f.Commitment, f.Status, want)
		}
	}
	if len(o.Reimposed) != 2 || o.Reimposed[0].Date.String() != "2025-09-28" || o.Reimposed[0].Via != "snapback" || o.Reimposed[1].Party != "eu" {
		t.Errorf("re-imposed measures = %+v", o.Reimposed)
	}
	// Between snapback and Termination Day the UN relief ended through the
	// procedure under the E3's and the US's reading, and was broken by
	// measures re-applied without ground under Iran's, Russia's and
	// China's: disputed, never a bare breach.
	o = overview(t, agreement.JCPOA(), "2025-10-01")
	if f := finding(t, o.Findings, "un-sanctions-relief"); f.Status != compliance.Disputed || len(f.Evidence) == 0 || len(f.Readings) != 2 ||
		f.Readings[0].Parties[0] != "e3" || f.Readings[0].Status != compliance.NotInForce || f.Readings[1].Parties[0] != "iran" || f.Readings[1].Status != compliance.Breach {
		t.Errorf("UN relief on 2025-10-01: %s %q %+v", f.Status, f.Reason, f.Readings)
	}
	// The stockpile breach went dark with the loss of access: it stays a
	// breach, last confirmed on the last figure, not known since.
	if f := finding(t, o.Findings, "stockpile"); f.Status != compliance.Breach || f.LastConfirmed.String() != "2025-06-13" ||
		!strings.Contains(f.Reason, "not known since: the inspectorate lost access on 2025-06-13") {
		t.Errorf("stockpile on 2025-10-01 after the loss of knowledge: %s %q (last confirmed %s), want a breach last confirmed on 2025-06-13", f.Status, f.Reason, f.LastConfirmed)
	}
}

func TestUserAgreementOnTheSameData(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "agreements", "hypothetical-2025.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := agreement.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	o := overview(t, a, "2025-06-13")
	// The report of 2025-06-13 gives the total and the 60 % level, not the
	// others: the stock above 3.67 % is at least the 60 %, already a breach.
	if f := finding(t, o.Findings, "no-stock-above-3.67"); f.Status != compliance.Breach || f.Observed == nil || *f.Observed != 440.9 || f.Qualifier != state.AtLeast {
		t.Errorf("no stock above 3.67 %%: %s, observed %v %q (%s); want breach, at least 440.9 kg U (60 %% reported, 5 and 20 %% not)", f.Status, f.Observed, f.Qualifier, f.Reason)
	}
	o = overview(t, a, "2025-05-17")
	if f := finding(t, o.Findings, "no-stock-above-3.67"); f.Status != compliance.NotInForce {
		t.Errorf("before the deal: %s", f.Status)
	}
}

// Golden files: the findings at dates that span the agreement's life.
func TestFindingsGolden(t *testing.T) {
	for _, date := range []string{"2016-06-01", "2017-05-27", "2019-08-19", "2021-05-22", "2025-02-08", "2025-10-01", "2025-11-01"} {
		t.Run(date, func(t *testing.T) {
			o := overview(t, agreement.JCPOA(), date)
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetIndent("", "  ")
			if err := enc.Encode(o.Findings); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "findings-"+date+".json")
			if *update {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/compliance -update to create)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("findings differ from %s; if the change is intended, run go test ./internal/compliance -update and review the diff", path)
			}
		})
	}
}

func BenchmarkOverviewAt(b *testing.B) {
	a := agreement.JCPOA()
	facts := dataset.Embedded().Facts()
	date := calendar.MustParse("2025-02-08")
	for b.Loop() {
		if _, err := compliance.OverviewAt(a, facts, date, compliance.BreakoutOptions{SQ: enrich.WGU25}); err != nil {
			b.Fatal(err)
		}
	}
}

// A figure that rests on a stream whose continuity of knowledge is
// escrowed or lost becomes unknown, citing the interval; a figure verified
// after the loss decides again.
func TestLostKnowledgeMakesFindingsUnknown(t *testing.T) {
	a := agreement.JCPOA()
	ev := func(ref, note string) []state.Evidence {
		return []state.Evidence{{Kind: "record", Ref: ref, Source: "s", Status: state.Sourced, Note: note}}
	}
	base := []state.Fact{
		{Metric: state.HeavyWaterT, Date: calendar.MustParse("2021-01-10"), Value: 120, Status: state.Sourced, Evidence: ev("log index 1", "")},
		{Metric: state.ContinuityOfKnowledge, Date: calendar.MustParse("2016-01-16"), Site: "Arak", Stream: "heavy water", Text: state.Maintained, Status: state.Sourced, Evidence: ev("log index 2", "")},
		{Metric: state.ContinuityOfKnowledge, Date: calendar.MustParse("2021-02-23"), Site: "Arak", Stream: "heavy water", Text: state.Escrowed, Status: state.Sourced, Evidence: ev("log index 3", "storage media not produced")},
	}
	at := func(facts []state.Fact, date string) compliance.Finding {
		return finding(t, compliance.Evaluate(a, state.At(facts, calendar.MustParse(date))), "heavy-water")
	}
	if f := at(base, "2021-02-01"); f.Status != compliance.Compliant {
		t.Errorf("before the loss: %s (%s)", f.Status, f.Reason)
	}
	f := at(base, "2021-03-01")
	if f.Status != compliance.Unknown || f.Reason != "last confirmed compliant on 2021-01-10; not known since: continuity of knowledge of heavy water escrowed since 2021-02-23 (storage media not produced, Arak); last reported 120 t as of 2021-01-10 (sourced)" ||
		f.LastConfirmed.String() != "2021-01-10" || len(f.Evidence) == 0 || f.Evidence[0].Ref != "log index 3" {
		t.Errorf("after the loss: %s %q %v", f.Status, f.Reason, f.Evidence)
	}
	later := append(base, state.Fact{Metric: state.HeavyWaterT, Date: calendar.MustParse("2021-04-01"), Value: 140, Status: state.Sourced, Evidence: ev("log index 4", "")})
	if f := at(later, "2021-05-01"); f.Status != compliance.Breach || !f.LastConfirmed.IsZero() {
		t.Errorf("verified again after the loss: %s (%s)", f.Status, f.Reason)
	}
	// A breach that then goes dark stays a breach, last confirmed.
	dark := append(later, state.Fact{Metric: state.ContinuityOfKnowledge, Date: calendar.MustParse("2021-06-01"), Site: "Arak", Stream: "heavy water", Text: state.Lost, Status: state.Sourced, Evidence: ev("log index 5", "cameras removed")})
	if f := at(dark, "2021-07-01"); f.Status != compliance.Breach || f.LastConfirmed.String() != "2021-04-01" || !strings.HasPrefix(f.Reason, "breach last confirmed on 2021-04-01 (140 t as of 2021-04-01 exceeds the limit of 130 t); not known since: continuity of knowledge of heavy water lost since 2021-06-01 (") {
		t.Errorf("a breach gone dark: %s %q (last confirmed %s)", f.Status, f.Reason, f.LastConfirmed)
	}
	// Escrowed, then lost without being maintained in between: not known
	// since the escrow, years before the loss, which the reason says.
	lost := append(slices.Clone(base), state.Fact{Metric: state.ContinuityOfKnowledge, Date: calendar.MustParse("2024-03-01"), DatePrecision: state.MonthOnly, Site: "Arak", Stream: "heavy water", Text: state.Lost, Status: state.Sourced, Evidence: ev("log index 6", "continuity declared lost")})
	if f := at(lost, "2024-06-01"); f.Status != compliance.Unknown || !strings.Contains(f.Reason, "last confirmed compliant on 2021-01-10; not known since: continuity of knowledge of heavy water escrowed since 2021-02-23, lost since 2024-03 (month only) (continuity declared lost, Arak)") {
		t.Errorf("escrowed, then lost: %s %q", f.Status, f.Reason)
	}
}

// After Termination Day the parties read the JCPOA's force differently:
// the curbs are disputed, with the status under each reading and its basis.
func TestTerminationDayIsDisputed(t *testing.T) {
	o := overview(t, agreement.JCPOA(), "2025-11-01")
	f := finding(t, o.Findings, "stockpile")
	if f.Status != compliance.Disputed || len(f.Readings) < 2 {
		t.Fatalf("stockpile: %s with %d readings, want disputed with two", f.Status, len(f.Readings))
	}
	got := map[string]compliance.Status{}
	for _, r := range f.Readings {
		if r.Basis == "" || r.Source == "" {
			t.Errorf("reading %v without basis or source", r.Parties)
		}
		got[r.Parties[0]] = r.Status
	}
	if got["iran"] != compliance.NotInForce || got["e3"] != compliance.Breach {
		t.Errorf("readings %v, want iran: not-in-force, e3: breach (last confirmed before the loss of access)", got)
	}
	// Before Termination Day nothing is disputed but the EU's measures
	// kept past Transition Day and the snapback's measures, which are
	// other questions.
	others := map[string]string{"eu-transition-relief": "Transition Day", "un-sanctions-relief": "UN measures validly re-applied", "eu-sanctions-relief": "after the UN snapback",
		"un-enrichment-suspension": "UN measures validly re-applied"}
	for _, f := range overview(t, agreement.JCPOA(), "2025-10-01").Findings {
		if f.Status == compliance.Disputed && (others[f.Commitment] == "" || !strings.Contains(f.Question, others[f.Commitment]) || strings.Contains(f.Question, "Termination Day")) {
			t.Errorf("%s disputed before Termination Day: %s", f.Commitment, f.Question)
		}
	}
}

// A finding of compliance with an action rests on the act that performed
// it: the finding cites it and says no event of non-performance is
// recorded since.
func TestActionComplianceCitesItsPerformance(t *testing.T) {
	a := agreement.JCPOA()
	cases := []struct {
		date, commitment string
		events           []string // the evidence, in order
		source           string   // in the first evidence's source
	}{
		{"2023-06-01", "eu-sanctions-relief", []string{"eu-relief-lifted"}, "Council Regulation (EU) 2015/1861"},
		{"2024-01-01", "eu-sanctions-relief", []string{"eu-relief-lifted", "eu-relief-kept"}, "Council of the EU"},
		{"2025-02-08", "eu-sanctions-relief", []string{"eu-relief-lifted", "eu-relief-kept"}, "Council of the EU"},
		{"2025-02-08", "un-sanctions-relief", []string{"un-terminations"}, "UNSCR 2231 para 7"},
		{"2017-05-27", "us-sanctions-relief", []string{"us-relief-lifted"}, "Executive Order 13716"},
		{"2017-05-27", "additional-protocol", []string{"ap-applied", "ap-applied-2016-09"}, "IAEA"},
	}
	for _, c := range cases {
		f := finding(t, overview(t, a, c.date).Findings, c.commitment)
		var refs []string
		for _, e := range f.Evidence {
			refs = append(refs, strings.TrimPrefix(e.Ref, "jcpoa event "))
		}
		if f.Status != compliance.Compliant || !slices.Equal(refs, c.events) || !strings.Contains(f.Evidence[0].Source, c.source) ||
			!strings.HasPrefix(f.Reason, "performed on 2016-01-16: ") || !strings.Contains(f.Reason, "; no event of non-performance recorded since ") {
			t.Errorf("%s at %s: %s %q citing %v; want compliant, citing %v (%s), performed on 2016-01-16", c.commitment, c.date, f.Status, f.Reason, refs, c.events, c.source)
		}
	}
	// The Council kept the measures it was to lift on Transition Day: the
	// EU reads JCPOA para 36 as letting it, Iran and Russia call it a
	// breach. The finding is disputed, citing the Council's decision,
	// with each reading's basis and source.
	for _, date := range []string{"2024-01-01", "2025-02-08"} {
		f := finding(t, overview(t, a, date).Findings, "eu-transition-relief")
		got := map[string]compliance.Status{}
		for _, r := range f.Readings {
			if r.Basis == "" || r.Source == "" || r.Answer == "" {
				t.Errorf("%s: reading of %v without basis, source or answer", date, r.Parties)
			}
			got[r.Parties[0]] = r.Status
		}
		if f.Status != compliance.Disputed || got["e3"] != compliance.NotInForce || got["iran"] != compliance.Breach ||
			len(f.Evidence) != 1 || f.Evidence[0].Ref != "jcpoa event eu-transition-measures-kept" ||
			!strings.Contains(f.Evidence[0].Source, "Council of the EU press release of 17 October 2023") ||
			!strings.Contains(f.Reason, "cessation on 2023-10-17") {
			t.Errorf("eu-transition-relief at %s: %s %q, readings %v, evidence %v", date, f.Status, f.Reason, got, f.Evidence)
		}
	}
}

// No finding is compliant without evidence, at any date worth evaluating:
// every compliant finding cites what it rests on.
func TestNoComplianceWithoutEvidence(t *testing.T) {
	a := agreement.JCPOA()
	facts := dataset.Embedded().Facts()
	n := 0
	for _, d := range compliance.Dates(a, facts, calendar.MustParse("2026-12-01")) {
		for _, f := range compliance.Evaluate(a, state.At(facts, d)) {
			if f.Status == compliance.Compliant {
				n++
				if len(f.Evidence) == 0 {
					t.Errorf("%s at %s: compliant with no evidence: %s", f.Commitment, d, f.Reason)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no compliant finding at any date")
	}
}

// An action with no recorded performance is unknown, not compliant: the
// absence of an event of non-performance shows nothing.
func TestActionWithoutPerformanceIsUnknown(t *testing.T) {
	a := agreement.JCPOA()
	a.Events = slices.DeleteFunc(a.Events, func(e agreement.Event) bool { return e.Kind == agreement.KindPerformance })
	f := finding(t, compliance.Evaluate(a, state.At(dataset.Embedded().Facts(), calendar.MustParse("2017-05-27"))), "eu-sanctions-relief")
	if f.Status != compliance.Unknown || !strings.HasPrefix(f.Reason, "no record of its performance") {
		t.Errorf("EU relief with no performance recorded: %s %q, want unknown", f.Status, f.Reason)
	}
	// A performance recorded after a breach ends it.
	a = agreement.JCPOA()
	a.Events = append(a.Events, agreement.Event{ID: "us-returns", Kind: agreement.KindPerformance, Date: calendar.MustParse("2022-01-01"), Party: "us",
		Commitments: []string{"us-sanctions-relief"}, Title: "invented for the test", Source: "invented", Status: "unverified"})
	at := func(date string) compliance.Finding {
		return finding(t, compliance.Evaluate(a, state.At(dataset.Embedded().Facts(), calendar.MustParse(date))), "us-sanctions-relief")
	}
	if f := at("2021-01-01"); f.Status != compliance.Breach {
		t.Errorf("US relief before the invented return: %s", f.Status)
	}
	if f := at("2022-06-01"); f.Status != compliance.Compliant || f.Evidence[len(f.Evidence)-1].Ref != "jcpoa event us-returns" {
		t.Errorf("US relief after the invented return: %s %q", f.Status, f.Reason)
	}
}

// The status under a reading follows from the reading's answer, which the
// parties give; it is not the parties' verdict. The United States reads
// Termination Day as ending nothing; that does not make it say that its
// own relief commitment is broken.
func TestReadingsNameTheAnswerNotAVerdict(t *testing.T) {
	f := finding(t, overview(t, agreement.JCPOA(), "2025-11-01").Findings, "us-sanctions-relief")
	if f.Status != compliance.Disputed || strings.Contains(f.Reason, "E3, US: breach") ||
		!strings.Contains(f.Reason, "breach if it did not (the reading of E3, US)") ||
		!strings.Contains(f.Reason, "not in force if it did (the reading of Iran, Russia, China)") {
		t.Errorf("US relief after Termination Day: %q", f.Reason)
	}
	for _, r := range f.Readings {
		if r.Answer != map[bool]string{true: "it did", false: "it did not"}[r.TakesEffect] {
			t.Errorf("reading of %v: answer %q, takes effect %v", r.Parties, r.Answer, r.TakesEffect)
		}
	}
}

// A figure older than the reporting interval no longer confirms
// compliance: the IR-1 count of 2021-03-15 does not make 2025-02-08
// compliant; a breach stays a breach, last confirmed on its date.
func TestStaleFiguresDoNotConfirmCompliance(t *testing.T) {
	f := finding(t, overview(t, agreement.JCPOA(), "2025-02-08").Findings, "ir1-enrichment-capacity")
	if f.Status != compliance.Unknown || f.LastConfirmed.String() != "2021-03-15" || f.AgeDays == nil || *f.AgeDays < 1400 || !strings.Contains(f.Reason, "last confirmed compliant on 2021-03-15") {
		t.Errorf("IR-1 at 2025-02-08: %s, last confirmed %s, age %v: %s", f.Status, f.LastConfirmed, f.AgeDays, f.Reason)
	}
	// 60 % production began on 2021-04-17 (IAEA statement).
	if e := finding(t, overview(t, agreement.JCPOA(), "2021-05-01").Findings, "enrichment-level"); e.Observed == nil || *e.Observed != 60 || e.Status != compliance.Breach {
		t.Errorf("enrichment at 2021-05-01: %v %s, want 60 %%, breach", e.Observed, e.Status)
	}
}

// A period whose status rests on events of the agreement says what it
// rests on: the EU's relief was compliant from Implementation Day to the
// snapback on the acts that performed it.
func TestTimelinePeriodsCiteTheirEvents(t *testing.T) {
	a := agreement.JCPOA()
	facts := dataset.Embedded().Facts()
	seen := false
	for _, tr := range compliance.Timeline(a, facts, compliance.Dates(a, facts, calendar.MustParse("2026-06-01"))) {
		for _, p := range tr.Periods {
			if p.Status == compliance.Compliant && tr.Commitment == "eu-sanctions-relief" {
				seen = true
				var refs []string
				for _, e := range p.Events {
					refs = append(refs, e.Ref)
				}
				if p.From.String() != "2016-01-16" || p.To.String() != "2025-09-29" ||
					!slices.Equal(refs, []string{"jcpoa event eu-relief-lifted", "jcpoa event eu-relief-kept"}) ||
					!strings.HasPrefix(p.Reason, "performed on 2016-01-16") {
					t.Errorf("EU relief compliant %s to %s on %v: %q", p.From, p.To, refs, p.Reason)
				}
			}
			// A period decided by figures cites them in its points, not here.
			if tr.Commitment == "stockpile" && (p.Reason != "" || len(p.Events) > 0) {
				t.Errorf("stockpile %s from %s: reason %q, events %v", p.Status, p.From, p.Reason, p.Events)
			}
		}
	}
	if !seen {
		t.Error("the EU's relief is never compliant")
	}
}

// A count of machines summed over sites is dated by its oldest counted
// part, never by a part it leaves out, and a breach whose counts are
// older than the reporting interval reads as last confirmed, not known
// since; recent counts that alone show a breach keep it current. The
// reviewer's case: on 2025-02-08 "at least 1,720 machines, as of
// 2024-12-05" summed counts of 2019 to 2022, and "at least 1,044 at
// Fordow, as of 2024-12-05" a count of 2021.
func TestSummedCountsAreDatedByTheirParts(t *testing.T) {
	a := agreement.JCPOA()
	at := func(facts []state.Fact, date, id string) compliance.Finding {
		return finding(t, compliance.Evaluate(a, state.At(facts, calendar.MustParse(date))), id)
	}
	real, upToOnly := dataset.Embedded().Facts(), withoutFloors(dataset.Embedded().Facts())
	for _, c := range []struct {
		facts                                          []state.Fact
		date, id, asOf, through, lastConfirmed, reason string
	}{
		// Had the count of December 2024 been only "up to 1,724", the
		// older counts would decide, each as current as its oldest part.
		// The breach is last confirmed by the counts that showed it alone
		// within the reporting interval before the newest (the 522 IR-6
		// of three cascades at the FEP, 2022-10-10), not by a sum as
		// current as its count of 2019.
		{upToOnly, "2025-02-08", "advanced-centrifuges", "2022-10-10", "", "2022-10-10",
			"breach last confirmed on 2022-10-10, 2.3 years before this date (at least 522 machines as of 2022-10-10 exceeds the limit of 0 machines); not known since"},
		{upToOnly, "2025-02-08", "fordow", "2021-01-04", "", "2021-01-04", "breach last confirmed on 2021-01-04, 4.1 years before this date (at least 1044 machines enriching as of 2021-01-04"},
		{upToOnly, "2024-12-10", "advanced-centrifuges", "2022-10-10", "", "2022-10-10", "breach last confirmed on 2022-10-10"},
		{upToOnly, "2025-06-20", "advanced-centrifuges", "2022-10-10", "", "2022-10-10", "breach last confirmed on 2022-10-10, 2.7 years before this date (at least 522 machines"},
		// It is at least 332 too (the two interconnected cascades of 166
		// enriching to 60 %): that alone shows the breach, current.
		{real, "2025-02-08", "advanced-centrifuges", "2024-12-05", "", "", "at least 332 machines as of 2024-12-05 exceeds the limit of 0 machines"},
		{real, "2025-02-08", "fordow", "2024-12-05", "", "", "at least 332 machines enriching as of 2024-12-05 exceeds the limit of 0 machines enriching"},
		{real, "2024-12-10", "advanced-centrifuges", "2024-12-05", "", "", "at least 332 machines as of 2024-12-05 exceeds the limit of 0 machines"},
		// Once access is lost, the breach is last confirmed by the counts
		// that showed it alone, on their date, not by a sum dated by its
		// count of 2019.
		{real, "2025-06-20", "advanced-centrifuges", "2024-12-05", "", "2024-12-05", "breach last confirmed on 2024-12-05 (at least 332 machines as of 2024-12-05 exceeds the limit of 0 machines); not known since: IR-6 at Fordow: the inspectorate lost access on 2025-06-13; last reported at least 332 and up to 1724 machines"},
		{real, "2023-06-01", "fordow", "2022-11-22", "", "2022-11-22", "breach last confirmed on 2022-11-22, 191 days before this date (at least 332 machines enriching as of 2022-11-22"},
		// A sum of counts within the interval before the newest is as
		// current as its oldest part.
		{real, "2023-06-01", "advanced-centrifuges", "2022-10-10", "2022-11-22", "2022-10-10",
			"breach last confirmed by counts of 2022-10-10 to 2022-11-22, the oldest 234 days before this date (at least 854 machines from counts of 2022-10-10 to 2022-11-22 exceeds the limit of 0 machines)"},
		// The counts of 2021 alone show the breach: current, the PFEP's
		// of 2019 left out.
		{real, "2021-06-01", "advanced-centrifuges", "2021-03-15", "2021-03-31", "", "at least 870 machines from counts of 2021-03-15 to 2021-03-31 exceeds the limit of 0 machines"},
		{real, "2020-01-01", "advanced-centrifuges", "2019-11-03", "", "", "at least 328 machines as of 2019-11-03 exceeds the limit of 0 machines"},
	} {
		f := at(c.facts, c.date, c.id)
		if f.Status != compliance.Breach || f.ObservedAsOf.String() != c.asOf || (c.through == "") != f.ObservedThrough.IsZero() ||
			c.through != "" && f.ObservedThrough.String() != c.through || (c.lastConfirmed == "") != f.LastConfirmed.IsZero() || !strings.HasPrefix(f.Reason, c.reason) {
			t.Errorf("%s %s: %s as of %s through %s, last confirmed %s: %q; want breach as of %s through %q, last confirmed %q: %q",
				c.date, c.id, f.Status, f.ObservedAsOf, f.ObservedThrough, f.LastConfirmed, f.Reason, c.asOf, c.through, c.lastConfirmed, c.reason)
		}
	}
}

// A finding on old figures says the true reason no figure decides it
// since: figures older than the reporting interval do not decide; a later
// count that does not decide is stated as its source gave it ("up to
// 1,724", not "1724"); and a loss of access after the figure had already
// stopped deciding comes later, not as the reason. A figure still current
// when access was lost keeps the loss as its reason.
//
// The record's count of December 2024 decides these findings by its floor
// (at least 332): the later count that does not decide is its "up to
// 1,724" alone.
func TestStaleFindingsSayWhyNoFigureDecides(t *testing.T) {
	a := agreement.JCPOA()
	facts := withoutFloors(dataset.Embedded().Facts())
	at := func(date, id string) compliance.Finding {
		return finding(t, compliance.Evaluate(a, state.At(facts, calendar.MustParse(date))), id)
	}
	later := "the later count (IR-6 at Fordow: up to 1724 machines as of 2024-12-05) does not decide without the older ones"
	for _, c := range []struct {
		date, id string
		status   compliance.Status
		says     []string
	}{
		{"2025-02-08", "advanced-centrifuges", compliance.Breach, []string{"breach last confirmed on 2022-10-10, 2.3 years before this date (",
			"not known since: figures older than 190 days do not decide, and " + later}},
		{"2025-07-01", "advanced-centrifuges", compliance.Breach, []string{"breach last confirmed on 2022-10-10, 2.7 years before this date (",
			"not known since: figures older than 190 days do not decide, and " + later + "; later, the inspectorate lost access on 2025-06-13"}},
		{"2025-07-01", "fordow", compliance.Breach, []string{"breach last confirmed on 2021-01-04, 4.5 years before this date (", later + "; later, the inspectorate lost access on 2025-06-13"}},
		{"2025-07-01", "ir1-enrichment-capacity", compliance.Unknown, []string{"last confirmed compliant on 2021-03-15, 4.3 years before this date; no figure since (figures older than 190 days do not decide); later, the inspectorate lost access on 2025-06-13"}},
		{"2025-07-01", "stockpile", compliance.Breach, []string{"breach last confirmed on 2025-06-13 (", "; not known since: the inspectorate lost access on 2025-06-13; last reported"}},
	} {
		f := at(c.date, c.id)
		text := f.Reason
		for _, s := range c.says {
			i := strings.Index(text, s)
			if i < 0 {
				t.Errorf("%s %s: %q does not say %q next", c.date, c.id, f.Reason, s)
				break
			}
			text = text[i+len(s):]
		}
		if f.Status != c.status || strings.Contains(f.Reason, "last reported 1724") || strings.Contains(f.Reason, later) && strings.Contains(f.Reason, "no figure since (") {
			t.Errorf("%s %s: %s %q; want %s, every later figure with its qualifier", c.date, c.id, f.Status, f.Reason, c.status)
		}
	}
}

// A finding carries how much its figure's date is known and says so; a
// figure whose date is only the latest it can be of, or a loss known only
// to its month, does not show a figure verified after the loss.
func TestFindingsSayHowMuchTheirDateIsKnown(t *testing.T) {
	a := agreement.JCPOA()
	ev := []state.Evidence{{Kind: "record", Ref: "log index 1", Source: "s", Status: state.Sourced}}
	day := calendar.MustParse
	facts := []state.Fact{
		{Metric: state.EnrichedUraniumKgU, Date: day("2021-09-07"), DatePrecision: state.NoLaterThan, Value: 2441.3, Status: state.Sourced, Evidence: ev, Report: "r"},
		{Metric: state.ContinuityOfKnowledge, Date: day("2016-01-16"), Site: "Arak", Stream: "heavy water", Text: state.Maintained, Status: state.Sourced, Evidence: ev},
		{Metric: state.ContinuityOfKnowledge, Date: day("2024-03-01"), DatePrecision: state.MonthOnly, Site: "Arak", Stream: "heavy water", Text: state.Lost, Status: state.Sourced, Evidence: ev},
		{Metric: state.HeavyWaterT, Date: day("2024-03-20"), Value: 120, Status: state.Sourced, Evidence: ev},
	}
	f := finding(t, compliance.Evaluate(a, state.At(facts, day("2021-10-01"))), "stockpile")
	if f.ObservedPrecision != state.NoLaterThan || f.ObservedWhen() != "by 2021-09-07" || !strings.Contains(f.Reason, "as of 2021-09-07 at the latest") {
		t.Errorf("stockpile: precision %q, when %q, reason %q", f.ObservedPrecision, f.ObservedWhen(), f.Reason)
	}
	// Knowledge lost some day in March 2024: a figure of 2024-03-20 may
	// be from before the loss, and does not decide.
	hw := finding(t, compliance.Evaluate(a, state.At(facts, day("2024-05-01"))), "heavy-water")
	if hw.Status != compliance.Unknown || !strings.Contains(hw.Reason, "lost since 2024-03 (month only)") {
		t.Errorf("heavy water after a loss known to the month: %s %q", hw.Status, hw.Reason)
	}
	// The timeline's points and the breach they show keep the figure's
	// precision.
	for _, tr := range compliance.Timeline(a, facts, []calendar.Date{day("2021-10-01")}) {
		if tr.Commitment != "stockpile" {
			continue
		}
		if p := tr.Points[0]; p.ObservedPrecision != state.NoLaterThan {
			t.Errorf("stockpile point: precision %q", p.ObservedPrecision)
		}
		if len(tr.Breaches) != 1 || tr.Breaches[0].ConfirmedPrecision != state.NoLaterThan || !tr.Breaches[0].ConfirmedUntil.Equal(day("2021-09-07")) {
			t.Errorf("stockpile breaches: %+v", tr.Breaches)
		}
	}
}

// A figure "up to" its value shows a breach when its source bounds it
// from below too, above the limit; below the limit, that floor decides
// nothing, and the finding says both bounds.
func TestUpToFigureWithAFloor(t *testing.T) {
	a := agreement.JCPOA()
	ev := []state.Evidence{{Kind: "record", Ref: "log index 1", Source: "s", Status: state.Sourced}}
	day := calendar.MustParse
	for _, c := range []struct {
		floor  float64
		status compliance.Status
		reason string
	}{
		{131, compliance.Breach, "at least 131 and up to 140 t as of 2017-01-10 exceeds the limit of 130 t"},
		{120, compliance.Unknown, "at least 120 and up to 140 t as of 2017-01-10 does not decide against the limit of 130 t"},
		{0, compliance.Unknown, "up to 140 t as of 2017-01-10 does not decide against the limit of 130 t"},
	} {
		facts := []state.Fact{{Metric: state.HeavyWaterT, Date: day("2017-01-10"), Value: 140, Qualifier: state.AtMost, Floor: c.floor, Status: state.Sourced, Evidence: ev}}
		f := finding(t, compliance.Evaluate(a, state.At(facts, day("2017-02-01"))), "heavy-water")
		if f.Status != c.status || f.Reason != c.reason || f.ObservedAtLeast != c.floor {
			t.Errorf("at least %g: %s %q (at least %g); want %s %q", c.floor, f.Status, f.Reason, f.ObservedAtLeast, c.status, c.reason)
		}
		// No longer current, the breach it showed is last confirmed, on
		// both bounds.
		if c.status == compliance.Breach {
			f := finding(t, compliance.Evaluate(a, state.At(facts, day("2017-09-01"))), "heavy-water")
			if want := "breach last confirmed on 2017-01-10 (at least 131 and up to 140 t as of 2017-01-10 exceeds the limit of 130 t); not known since: last reported at least 131 and up to 140 t"; f.Status != compliance.Breach || !strings.HasPrefix(f.Reason, want) {
				t.Errorf("old: %s %q; want breach %q", f.Status, f.Reason, want)
			}
		}
	}
}

// withoutFloors is facts with every figure given "up to" its value left
// at that, without the least its source says it is.
func withoutFloors(facts []state.Fact) []state.Fact {
	out := slices.Clone(facts)
	n := 0
	for i := range out {
		if out[i].Floor > 0 {
			out[i].Floor = 0
			n++
		}
	}
	if n == 0 {
		panic("no fact has a floor: the tests that take it away test nothing")
	}
	return out
}

// The suspension of enrichment that the re-applied UNSCR 1737 decides
// binds on the reading that the snapback re-applied it, and survives
// Termination Day there: nothing is known of the enrichment since the
// IAEA lost access, and a count of 2024, before it bound, confirms no
// breach of it. On the other reading it never came into force. Before
// the snapback a view does not know that it would come.
func TestTheReappliedSuspension(t *testing.T) {
	a := agreement.JCPOA()
	if f := finding(t, overview(t, a, "2025-06-01").Findings, "un-enrichment-suspension"); f.Status != compliance.NotInForce || strings.Contains(f.Reason, "2025-09-28") {
		t.Errorf("2025-06-01: %s: %s; want not in force, without the date of an event still to come", f.Status, f.Reason)
	}
	for _, date := range []string{"2025-10-01", "2026-12-04"} {
		f := finding(t, overview(t, a, date).Findings, "un-enrichment-suspension")
		if f.Status != compliance.Disputed || !strings.Contains(f.Question, "UN measures validly re-applied") {
			t.Fatalf("%s: %s (%s), want disputed on the snapback", date, f.Status, f.Question)
		}
		got := map[string]compliance.FindingReading{}
		for _, r := range f.Readings {
			got[r.Parties[0]] = r
		}
		if e3 := got["e3"]; e3.Status != compliance.Unknown || !strings.Contains(e3.Reason, "no figure since it came into force on 2025-09-28") {
			t.Errorf("%s: on the E3's reading %s: %s; want unknown, no figure since 2025-09-28", date, e3.Status, e3.Reason)
		}
		if ir := got["iran"]; ir.Status != compliance.NotInForce || !strings.HasPrefix(ir.Reason, "never in force") {
			t.Errorf("%s: on Iran's reading %s: %s; want never in force", date, ir.Status, ir.Reason)
		}
	}
}
