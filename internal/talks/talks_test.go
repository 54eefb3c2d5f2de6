package talks_test

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/enrich"
	"github.com/accordverify/accord/examples"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/input"
	"github.com/accordverify/accord/internal/state"
	"github.com/accordverify/accord/internal/talks"
)

// space is an issue space like the 2025 talks': the enrichment cap, the
// stockpile cap, IR-1 and IR-6 machines, the Additional Protocol.
func space() talks.Space {
	return talks.Space{Version: 1, Terms: []talks.Term{
		{ID: talks.TermEnrichmentCap, Title: "Enrichment cap", Kind: talks.Numeric, Unit: "%", Min: 0, Max: 20, Step: 0.5},
		{ID: talks.TermStockpileCap, Title: "Stockpile cap", Kind: talks.Numeric, Unit: "kg U", Min: 0, Max: 2000, Step: 500},
		{ID: "centrifuges_IR-1", Title: "IR-1 enriching", Kind: talks.Numeric, Unit: "machines", Min: 0, Max: 10000, Step: 1000},
		{ID: "centrifuges_IR-6", Title: "IR-6 enriching", Kind: talks.Numeric, Unit: "machines", Min: 0, Max: 1000, Step: 500},
		{ID: "additional_protocol", Title: "Apply the Additional Protocol", Kind: talks.YesNo},
		{ID: "relief", Title: "Sanctions relief", Kind: talks.Schedule, Phases: []string{"verification", "un-relief", "us-relief"}},
	}}
}

// example is the shipped example file of kind k called name.
func example(t *testing.T, k examples.Kind, name string) []byte {
	t.Helper()
	b, ok := examples.Read(k, name)
	if !ok {
		t.Fatalf("no example %s/%s", k, name)
	}
	return b
}

func room(t *testing.T, policy talks.Policy) *talks.Room {
	t.Helper()
	r, err := talks.NewRoom("muscat", "Indirect talks (test)", "oman", []talks.Delegation{
		{Party: "us", Name: "United States", Members: []talks.Member{{Name: "envoy", Role: "principal"}}},
		{Party: "iran", Name: "Iran", Members: []talks.Member{{Name: "minister", Role: "principal"}, {Name: "deputy", Role: "expert", Tracks: []string{"experts"}}}},
	}, space(), policy, 3)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func jcpoaLike() talks.Package {
	return talks.Package{talks.TermEnrichmentCap: talks.Num(3.67), talks.TermStockpileCap: talks.Num(202.8),
		"centrifuges_IR-1": talks.Num(5060), "centrifuges_IR-6": talks.Num(0), "additional_protocol": {Text: "yes"}}
}

// The model's breakout at the JCPOA's limits is the breakout planner's for
// examples/jcpoa-limits.yaml, and the reductions from the reported state of
// February 2025 are the stock above the cap plus the excess below it.
func TestModelAtTheJCPOALimits(t *testing.T) {
	sc, err := breakout.ParseScenario(example(t, examples.Scenarios, "jcpoa-limits"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := breakout.Estimate(sc)
	if err != nil {
		t.Fatal(err)
	}
	base := state.At(dataset.Embedded().Facts(), calendar.MustParse("2025-02-08"))
	sp := space()
	ev, err := talks.Model{Baseline: base, SQ: enrich.WGU25}.Evaluate(&sp, jcpoaLike())
	if err != nil {
		t.Fatal(err)
	}
	if got := ev.Metrics[talks.MetricBreakoutDays]; math.Abs(got-*want.FirstSQDays) > 1e-9 {
		t.Errorf("breakout %v days, the planner gives %v", got, *want.FirstSQDays)
	}
	// 202.8 kg U at 3.67 %: 7.44 kg U-235, 0.099 of the 75 kg LEU SQ.
	if sq := ev.Metrics[talks.MetricSQPermitted]; math.Abs(sq-202.8*0.0367/75) > 1e-9 {
		t.Errorf("SQ permitted %v", sq)
	}
	// Every level reported (up to 5, 20 and 60 %) lies above the 3.67 %
	// cap: all 8,294.4 kg U are to be shipped out or down-blended.
	if red := ev.Metrics[talks.MetricReductionKgU]; math.Abs(red-8294.4) > 1e-6 {
		t.Errorf("reduction %v kg U", red)
	}
	if ev.Model != talks.ModelVersion || ev.Metrics[talks.MetricCentrifugesOut] <= 0 {
		t.Errorf("evaluation %+v", ev)
	}
}

// The reduction from a baseline whose report gives the stock by level only
// in part (13 June 2025: the total and up to 60 %): the levels not given
// count with the part of the total they share when they all lie above the
// cap, and leave the reduction unknown, not zero, when the cap splits them.
func TestReductionFromABaselineNotReportedByLevel(t *testing.T) {
	base := state.At(dataset.Embedded().Facts(), calendar.MustParse("2025-06-13"))
	sp := space()
	ev, err := talks.Model{Baseline: base, SQ: enrich.WGU25}.Evaluate(&sp, jcpoaLike())
	if err != nil {
		t.Fatal(err)
	}
	// Up to 5, 20 and 60 % all lie above 3.67 %: the whole 9,874.9 kg U.
	if red, ok := ev.Metrics[talks.MetricReductionKgU]; !ok || math.Abs(red-9874.9) > 1e-6 {
		t.Errorf("reduction %v kg U (%v), want 9874.9; unknown: %v", red, ok, ev.Unknown)
	}
	p := jcpoaLike()
	p[talks.TermEnrichmentCap] = talks.Num(10)
	ev, err = talks.Model{Baseline: base, SQ: enrich.WGU25}.Evaluate(&sp, p)
	if err != nil {
		t.Fatal(err)
	}
	if red, ok := ev.Metrics[talks.MetricReductionKgU]; ok || !strings.Contains(ev.Unknown[talks.MetricReductionKgU], "up to 5 % and up to 20 %, which lie on both sides of the 10 % cap") {
		t.Errorf("with a 10 %% cap: reduction %v (%v), unknown %q; want unknown, the levels not reported lying on both sides", red, ok, ev.Unknown[talks.MetricReductionKgU])
	}
}

func redLines(party string, cs ...talks.Constraint) talks.RedLines {
	return talks.RedLines{Room: "muscat", Party: party, Constraints: cs, Salt: "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"}
}

// A red line commits to its salted hash; the revealed red line verifies,
// a moved one does not; the salt is required.
func TestRedLineCommitment(t *testing.T) {
	rl := redLines("us", talks.Limit(talks.MetricBreakoutDays, ">=", 365))
	c := rl.Commitment()
	if len(c) != 64 || !talks.VerifyReveal(rl, c) {
		t.Fatalf("commitment %q does not verify", c)
	}
	moved := rl
	moved.Constraints = []talks.Constraint{talks.Limit(talks.MetricBreakoutDays, ">=", 300)}
	if talks.VerifyReveal(moved, c) {
		t.Error("a moved red line verified against the commitment")
	}
	salted := rl
	salted.Salt = talks.NewSalt()
	if salted.Commitment() == c {
		t.Error("the salt does not change the commitment")
	}
	s := space()
	rl.Salt = "short"
	if err := rl.Validate(&s); err == nil {
		t.Error("a short salt passed")
	}
}

// wantUnknown checks that metric m is not among the metrics but among the
// unknown ones, for a reason that says because.
func wantUnknown(t *testing.T, metrics map[string]float64, unknown map[string]string, m, because string) {
	t.Helper()
	if v, ok := metrics[m]; ok {
		t.Errorf("%s is %v, want it unknown", m, v)
	}
	if why := unknown[m]; !strings.Contains(why, because) {
		t.Errorf("%s unknown because %q, want it to say %q", m, why, because)
	}
}

func submitBoth(t *testing.T, r *talks.Room, us, iran talks.RedLines) {
	t.Helper()
	for _, rl := range []talks.RedLines{us, iran} {
		if _, err := r.SubmitRedLines(rl.Party, rl); err != nil {
			t.Fatal(err)
		}
	}
}

// Red lines are readable by their party and the mediator only; a
// feasibility answer tells a party about its own red lines only, the
// mediator about all and which fail, and under the blind policy everyone
// only whether all are met.
func TestFeasibilityDisclosesByRecipient(t *testing.T) {
	us := redLines("us", talks.Limit(talks.MetricBreakoutDays, ">=", 400),
		talks.Constraint{Subject: "additional_protocol", Op: "=", Text: "yes"})
	iran := redLines("iran", talks.Limit(talks.TermEnrichmentCap, ">=", 3.67))
	for _, policy := range []talks.Policy{talks.Standard, talks.Blind} {
		r := room(t, policy)
		submitBoth(t, r, us, iran)
		if _, err := r.RedLinesOf("iran", "us"); !errors.Is(err, talks.ErrForbidden) {
			t.Errorf("iran read the US red lines: %v", err)
		}
		if got, err := r.RedLinesOf("oman", "us"); err != nil || *got.Constraints[0].Value != 400 {
			t.Errorf("the mediator cannot read the US red lines: %v", err)
		}
		if _, err := r.Propose("iran", "iran", jcpoaLike(), false); !errors.Is(err, talks.ErrForbidden) {
			t.Errorf("a party proposed directly: %v", err)
		}
		// The JCPOA-like package meets Iran's red line but not the US's
		// 400 days (the planner gives about 381).
		p, err := r.Propose("oman", "iran", jcpoaLike(), true)
		if err != nil || p.Attribution != "oman" {
			t.Fatalf("propose: %v %+v", err, p)
		}
		at := time.Date(2025, 4, 12, 10, 0, 0, 0, time.UTC)
		usRep, _ := r.Feasibility("us", p.ID, at)
		iranRep, _ := r.Feasibility("iran", p.ID, at)
		medRep, err := r.Feasibility("oman", p.ID, at)
		if err != nil {
			t.Fatal(err)
		}
		switch policy {
		case talks.Standard:
			if usRep.OwnMet == nil || *usRep.OwnMet || usRep.AllMet != nil || usRep.Failing != nil {
				t.Errorf("standard, US: %+v", usRep)
			}
			if iranRep.OwnMet == nil || !*iranRep.OwnMet || iranRep.AllMet != nil || iranRep.Failing != nil {
				t.Errorf("standard, Iran: %+v", iranRep)
			}
			if medRep.AllMet == nil || *medRep.AllMet || len(medRep.Failing["us"]) != 1 || len(medRep.Failing["iran"]) != 0 {
				t.Errorf("standard, mediator: %+v", medRep)
			}
		case talks.Blind:
			for _, rep := range []*talks.Report{usRep, iranRep, medRep} {
				if rep.AllMet == nil || *rep.AllMet || rep.OwnMet != nil || rep.Failing != nil {
					t.Errorf("blind, %s: %+v", rep.Recipient, rep)
				}
			}
		}
	}
}

// Each party's feasibility questions are budgeted per round and logged;
// the mediator's are not budgeted.
func TestQueryBudget(t *testing.T) {
	r := room(t, talks.Standard)
	submitBoth(t, r, redLines("us", talks.Limit(talks.MetricBreakoutDays, ">=", 180)),
		redLines("iran", talks.Limit(talks.TermEnrichmentCap, ">=", 3.67)))
	p, _ := r.Propose("oman", "oman", jcpoaLike(), false)
	at := time.Now()
	for i := range 3 {
		rep, err := r.Feasibility("us", p.ID, at)
		if err != nil || *rep.Remaining != 2-i {
			t.Fatalf("query %d: %v %+v", i+1, err, rep)
		}
	}
	if _, err := r.Feasibility("us", p.ID, at); err == nil {
		t.Fatal("a fourth query in the round was answered")
	}
	for range 5 {
		if _, err := r.Feasibility("oman", p.ID, at); err != nil {
			t.Fatalf("the mediator: %v", err)
		}
	}
	if err := r.NextRound("us"); !errors.Is(err, talks.ErrForbidden) {
		t.Error("a party opened a round")
	}
	if err := r.NextRound("oman"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Feasibility("us", p.ID, at); err != nil {
		t.Errorf("a new round's first query: %v", err)
	}
	if n := len(r.Ledger); n != 3+5+1 {
		t.Errorf("%d queries logged, want 9", n)
	}
}

// The zone explorer finds the packages that meet both sides' red lines and
// proposes the one farthest from every red line; with incompatible red
// lines it finds none.
func TestZoneOfAgreement(t *testing.T) {
	fixed := talks.Package{"relief": {Order: []string{"verification", "un-relief", "us-relief"}}, "additional_protocol": {Text: "yes"}}
	r := room(t, talks.Standard)
	submitBoth(t, r, redLines("us", talks.Limit(talks.MetricBreakoutDays, ">=", 180), talks.Limit(talks.TermEnrichmentCap, "<=", 5)),
		redLines("iran", talks.Limit(talks.TermEnrichmentCap, ">=", 3.5), talks.Limit("centrifuges_IR-1", ">=", 3000)))
	if _, err := r.ExploreZone("us", fixed); !errors.Is(err, talks.ErrForbidden) {
		t.Error("a party explored the zone")
	}
	z, err := r.ExploreZone("oman", fixed)
	if err != nil {
		t.Fatal(err)
	}
	if z.Feasible == 0 || z.Best == nil || z.Best.MinMargin < 0 {
		t.Fatalf("zone %+v", z)
	}
	b := z.Best
	capPct := *b.Values[talks.TermEnrichmentCap].Number
	if capPct < 3.5 || capPct > 5 || *b.Values["centrifuges_IR-1"].Number < 3000 || b.Metrics[talks.MetricBreakoutDays] < 180 {
		t.Errorf("best %+v", b)
	}
	t.Logf("%d of %d packages meet every red line; best: cap %g %%, stock %g kg U, %g IR-1, %g IR-6, breakout %.0f days, min margin %.3f",
		z.Feasible, z.Evaluated, capPct, *b.Values[talks.TermStockpileCap].Number, *b.Values["centrifuges_IR-1"].Number, *b.Values["centrifuges_IR-6"].Number, b.Metrics[talks.MetricBreakoutDays], b.MinMargin)

	none := room(t, talks.Standard)
	submitBoth(t, none, redLines("us", talks.Limit(talks.TermEnrichmentCap, "<=", 0)),
		redLines("iran", talks.Limit(talks.TermEnrichmentCap, ">=", 3.67)))
	z, err = none.ExploreZone("oman", fixed)
	if err != nil {
		t.Fatal(err)
	}
	if z.Feasible != 0 || z.Best != nil || z.Evaluated == 0 {
		t.Errorf("incompatible red lines: %+v", z)
	}
}

// Bad input names the field.
func TestBadInput(t *testing.T) {
	r := room(t, talks.Standard)
	var fe *input.Error
	if _, err := r.Propose("oman", "oman", talks.Package{talks.TermEnrichmentCap: talks.Num(95)}, false); !errors.As(err, &fe) || fe.Field != "values."+talks.TermEnrichmentCap {
		t.Errorf("cap 95 %%: %v", err)
	}
	if _, err := r.Propose("oman", "oman", talks.Package{"additional_protocol": {Text: "maybe"}}, false); !errors.As(err, &fe) || fe.Field != "values.additional_protocol" {
		t.Errorf("maybe: %v", err)
	}
	if _, err := r.SubmitRedLines("us", redLines("us", talks.Limit("moon", ">=", 1))); !errors.As(err, &fe) || fe.Field != "constraints[0].subject" {
		t.Errorf("unknown subject: %v", err)
	}
	if _, err := r.SubmitRedLines("us", redLines("iran", talks.Limit(talks.TermEnrichmentCap, ">=", 1))); !errors.Is(err, talks.ErrForbidden) {
		t.Errorf("the US submitted Iran's red lines: %v", err)
	}
	ok := redLines("us", talks.Limit(talks.TermEnrichmentCap, "<=", 3.67))
	if _, err := r.SubmitRedLines("us", ok); err != nil {
		t.Fatal(err)
	}
	if _, err := r.SubmitRedLines("us", ok); err == nil {
		t.Error("red lines submitted twice")
	}
	bad := space()
	bad.Terms[0].Step = 0
	if _, err := talks.NewRoom("x", "t", "oman", []talks.Delegation{{Party: "a", Name: "A"}, {Party: "b", Name: "B"}}, bad, talks.Standard, 1); !errors.As(err, &fe) || fe.Field != "terms[0].step" {
		t.Errorf("step 0: %v", err)
	}
}

// The example rooms parse; a room file with an unknown field or a red line
// on an unknown subject is refused, naming it.
func TestRoomFiles(t *testing.T) {
	for f, proposals := range map[string]int{"muscat-2025.yaml": 3, "muscat-2025-no-zone.yaml": 2} {
		spec, r, err := talks.ParseSpec(example(t, examples.Rooms, f))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(r.Commitments) != 2 || len(spec.Proposals) != proposals || len(r.Space.Excluded) != 1 {
			t.Errorf("%s: %d commitments, %d proposals, %d exclusions", f, len(r.Commitments), len(spec.Proposals), len(r.Space.Excluded))
		}
	}
	bad := []struct{ doc, want string }{
		{"format: accord.talks.room/v1\nid: x\nmediator: m\nflavour: mint\n", "flavour: unknown field, line 4"},
		{"format: accord.talks.room/v2\n", "format: must be accord.talks.room/v1"},
		{"format: accord.talks.room/v1\nid: x\ntitle: t\nmediator: m\npolicy: standard\nbudget_per_round: 1\nparties: [{party: a, name: A}, {party: b, name: B}]\nspace: {version: 1, terms: [{id: cap, kind: numeric, unit: '%', min: 0, max: 1, step: 1}]}\nred_lines: [{party: a, constraints: [{subject: moon, op: '>=', value: 1}]}]\n",
			"red_lines[0].constraints[0].subject"},
	}
	for _, c := range bad {
		if _, _, err := talks.ParseSpec([]byte(c.doc)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.doc, err, c.want)
		}
	}
}

// warning_days is breakout_days minus the median time to detect under the
// proposal's inspection terms: daily inspections and online monitors give
// more warning than the safeguards agreement's inspections alone, and a red
// line on warning_days holds or fails with those terms.
func TestRedLineOnWarningDaysReadsTheInspectionTerms(t *testing.T) {
	s := space()
	s.Terms = append(s.Terms,
		talks.Term{ID: talks.TermInspectionInterval, Title: "Inspections at the enrichment plants", Kind: talks.Numeric, Unit: "days", Min: 1, Max: 30, Step: 1},
		talks.Term{ID: talks.TermOnlineMonitoring, Title: "Online enrichment monitors", Kind: talks.YesNo})
	r, err := talks.NewRoom("muscat", "Indirect talks (test)", "oman", []talks.Delegation{
		{Party: "us", Name: "United States", Members: []talks.Member{{Name: "envoy", Role: "principal"}}},
		{Party: "iran", Name: "Iran", Members: []talks.Member{{Name: "minister", Role: "principal"}}},
	}, s, talks.Standard, 10)
	if err != nil {
		t.Fatal(err)
	}
	submitBoth(t, r, redLines("us", talks.Limit(talks.MetricWarningDays, ">=", 368)),
		redLines("iran", talks.Limit(talks.TermEnrichmentCap, ">=", 3.67)))
	loose := jcpoaLike()
	tight := jcpoaLike()
	tight[talks.TermInspectionInterval] = talks.Num(1)
	tight[talks.TermOnlineMonitoring] = talks.Value{Text: "yes"}
	at := time.Date(2025, 4, 12, 10, 0, 0, 0, time.UTC)
	var warn [2]float64
	for i, values := range []talks.Package{loose, tight} {
		ev, err := talks.Model{SQ: enrich.WGU25}.Evaluate(&s, values)
		if err != nil {
			t.Fatal(err)
		}
		warn[i] = ev.Metrics[talks.MetricWarningDays]
		if b := ev.Metrics[talks.MetricBreakoutDays]; warn[i] >= b || warn[i] < b-60 {
			t.Errorf("warning %v days against breakout %v: want breakout less days to detect", warn[i], b)
		}
		p, err := r.Propose("oman", "oman", values, true)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := r.Feasibility("us", p.ID, at)
		if err != nil {
			t.Fatal(err)
		}
		if want := i == 1; rep.OwnMet == nil || *rep.OwnMet != want {
			t.Errorf("proposal %d (warning %.1f days): US red line warning_days >= 368 met %v, want %v", i, warn[i], rep.OwnMet, want)
		}
	}
	t.Logf("warning days: safeguards agreement alone %.1f, daily inspections and monitors %.1f", warn[0], warn[1])
	if warn[1] <= warn[0] {
		t.Errorf("daily inspections and monitors give %v days of warning, the safeguards agreement alone %v", warn[1], warn[0])
	}
	bad := jcpoaLike()
	bad[talks.TermInspectionInterval] = talks.Num(0)
	var fe *input.Error
	if _, err := (talks.Model{}).Evaluate(&s, bad); !errors.As(err, &fe) || fe.Field != "values."+talks.TermInspectionInterval {
		t.Errorf("an interval of 0 days: %v; want an error naming values.%s", err, talks.TermInspectionInterval)
	}
}

// Every metric has a unit and a name in words, and nothing else has.
func TestEveryMetricIsNamed(t *testing.T) {
	for m := range talks.MetricUnits {
		if talks.MetricNames[m] == "" {
			t.Errorf("metric %s has no name in words", m)
		}
	}
	for m := range talks.MetricNames {
		if _, ok := talks.MetricUnits[m]; !ok {
			t.Errorf("%s is named but is not a metric", m)
		}
	}
}

// The example room on verification terms: at 20 % and 1,000 IR-6, daily
// inspections with online monitors leave the two weeks of warning the US
// side's illustrative red line asks for; the safeguards agreement's
// inspections alone do not.
func TestExampleRoomOnVerificationTerms(t *testing.T) {
	spec, r, err := talks.ParseSpec(example(t, examples.Rooms, "muscat-2025-verification"))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 4, 12, 10, 0, 0, 0, time.UTC)
	for name, want := range map[string]bool{"advanced-machines-daily-access": true, "advanced-machines-safeguards-only": false} {
		p, err := r.Propose(spec.Mediator, spec.Mediator, spec.Proposals[name], true)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := r.Feasibility(spec.Mediator, p.ID, at)
		if err != nil {
			t.Fatal(err)
		}
		if rep.AllMet == nil || *rep.AllMet != want {
			t.Errorf("%s: every red line met %v, want %v (failing %v)", name, rep.AllMet, want, rep.Failing)
		}
	}
}
