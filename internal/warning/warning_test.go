package warning_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/evidence"
	"github.com/accordverify/accord/internal/input"
	"github.com/accordverify/accord/internal/state"
	"github.com/accordverify/accord/internal/warning"
)

// jcpoa is the built-in agreement's verification regime.
var jcpoa = agreement.JCPOA().Verification

// regimeOf is a regime at full access with the given activities in force.
func regimeOf(acts ...warning.Activity) warning.Regime {
	r := warning.Regime{Access: "full"}
	for _, a := range acts {
		r.Activities = append(r.Activities, warning.ActivityAt{Activity: a, State: warning.InForce})
	}
	return r
}

func periodic(id string, period, pLow, pHigh float64) warning.Activity {
	return warning.Activity{ID: id, Kind: warning.Periodic, Sees: warning.Declared,
		Period: &warning.Range{Low: period, High: period}, Detect: &warning.Range{Low: pLow, High: pHigh}}
}

func continuous(id string, latency float64) warning.Activity {
	return warning.Activity{ID: id, Kind: warning.Continuous, Sees: warning.Declared,
		Latency: &warning.Range{Low: latency, High: latency}, Detect: &warning.Range{Low: 1, High: 1}}
}

var noConfirm = &warning.Range{}

func detect(t *testing.T, r warning.Regime, o warning.DetectOptions) *warning.Detection {
	t.Helper()
	d, err := warning.Detect(r, o)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func near(t *testing.T, what string, got *float64, want, tol float64) {
	t.Helper()
	if got == nil || math.Abs(*got-want) > tol {
		t.Errorf("%s = %v, want %v ± %v", what, deref(got), want, tol)
	}
}

func deref(p *float64) any {
	if p == nil {
		return "nil"
	}
	return *p
}

// A periodic inspection every T days with a uniform start and certain
// detection waits T/2 on average, its median T/2 and its deciles T/10 and
// 9T/10; misses add whole periods: with probability p the mean wait is
// T/2 + T(1-p)/p.
func TestPeriodicInspectionWaitsHalfAPeriod(t *testing.T) {
	for _, T := range []float64{1, 7, 30} {
		d := detect(t, regimeOf(periodic("inspection", T, 1, 1)), warning.DetectOptions{Samples: 200_000, Confirm: noConfirm})
		near(t, "mean", d.Mean(), T/2, 0.01*T)
		near(t, "p50", d.P50, T/2, 0.01*T)
		near(t, "p10", d.P10, T/10, 0.01*T)
		near(t, "p90", d.P90, 9*T/10, 0.01*T)
	}
	for _, p := range []float64{0.5, 0.8} {
		const T = 10.0
		d := detect(t, regimeOf(periodic("inspection", T, p, p)), warning.DetectOptions{Samples: 200_000, Confirm: noConfirm})
		near(t, fmt.Sprintf("mean with p = %g", p), d.Mean(), T/2+T*(1-p)/p, 0.15)
	}
}

// A continuous monitor that always sees the breakout detects it after its
// latency; the time to confirm adds its own mean.
func TestContinuousMonitorDetectsAfterItsLatency(t *testing.T) {
	d := detect(t, regimeOf(continuous("monitor", 0.5)), warning.DetectOptions{Samples: 1000, Confirm: noConfirm})
	near(t, "p10", d.P10, 0.5, 1e-12)
	near(t, "p90", d.P90, 0.5, 1e-12)
	d = detect(t, regimeOf(continuous("monitor", 0.5)), warning.DetectOptions{Samples: 100_000, Confirm: &warning.Range{Low: 2, High: 10}})
	near(t, "mean with confirmation", d.Mean(), 0.5+6, 0.05)
}

// Nothing in force: never detected. A monitor that misses: never by it.
func TestNoActivityNeverDetects(t *testing.T) {
	d := detect(t, regimeOf(), warning.DetectOptions{Samples: 100})
	if d.NeverFraction != 1 || d.P50 != nil {
		t.Errorf("no activity: never %v, p50 %v; want 1 and nil", d.NeverFraction, deref(d.P50))
	}
	blind := continuous("monitor", 1)
	blind.Detect = &warning.Range{}
	d = detect(t, regimeOf(blind), warning.DetectOptions{Samples: 100})
	if d.NeverFraction != 1 {
		t.Errorf("a monitor that sees nothing detects in %v of samples", 1-d.NeverFraction)
	}
}

// More frequent or more capable verification never detects later; losing
// a stream never detects earlier: sample by sample, since each activity
// draws from its own stream.
func TestMoreVerificationNeverShortensWarning(t *testing.T) {
	o := warning.DetectOptions{Samples: 20_000, Seed: 7}
	base := regimeOf(periodic("inspection", 30, 0.5, 0.9), continuous("monitor", 1))
	for name, better := range map[string]warning.Regime{
		"more frequent":  regimeOf(periodic("inspection", 7, 0.5, 0.9), continuous("monitor", 1)),
		"more capable":   regimeOf(periodic("inspection", 30, 0.8, 0.99), continuous("monitor", 1)),
		"one more":       regimeOf(periodic("inspection", 30, 0.5, 0.9), continuous("monitor", 1), periodic("daily", 1, 0.5, 0.9)),
		"faster monitor": regimeOf(periodic("inspection", 30, 0.5, 0.9), continuous("monitor", 0.1)),
	} {
		b, w := detect(t, base, o), detect(t, better, o)
		if !atMost(w.P10, b.P10) || !atMost(w.P50, b.P50) || !atMost(w.P90, b.P90) || w.NeverFraction > b.NeverFraction {
			t.Errorf("%s: detection %v/%v/%v, base %v/%v/%v: more verification detected later",
				name, deref(w.P10), deref(w.P50), deref(w.P90), deref(b.P10), deref(b.P50), deref(b.P90))
		}
	}
	lost := regimeOf(periodic("inspection", 30, 0.5, 0.9))
	l, b := detect(t, lost, o), detect(t, base, o)
	if !atMost(b.P50, l.P50) || !atMost(b.P90, l.P90) {
		t.Errorf("losing the monitor: p50 %v, p90 %v; with it %v, %v: a lost stream detected earlier", deref(l.P50), deref(l.P90), deref(b.P50), deref(b.P90))
	}
}

// atMost reports a <= b, where nil is +Inf.
func atMost(a, b *float64) bool {
	switch {
	case b == nil:
		return true
	case a == nil:
		return false
	}
	return *a <= *b
}

func at(t *testing.T, date string) *warning.Estimate {
	t.Helper()
	d, err := calendar.Parse(date)
	if err != nil {
		t.Fatal(err)
	}
	e, err := warning.At(context.Background(), evidence.Public(dataset.Embedded()), d, warning.Options{Samples: 2000, Regime: jcpoa})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// The public record: months of warning under the JCPOA's full regime; about
// zero or less in mid-2024 (cameras and monitors removed, about a week to a
// bomb's worth); none after June 2025 (no access).
func TestWarningOnThePublicRecord(t *testing.T) {
	full := at(t, "2017-05-27")
	if full.Status != warning.Estimated || full.Warning.P10 == nil || *full.Warning.P10 < 90 {
		t.Errorf("2017-05-27: %s, warning p10 %v; want estimated and months", full.Status, deref(full.Warning.P10))
	}
	if full.Detection.P90 == nil || *full.Detection.P90 > 30 {
		t.Errorf("2017-05-27: detection p90 %v days; the full regime detects within the one-month timeliness goal", deref(full.Detection.P90))
	}
	inForce := map[string]bool{}
	for _, a := range full.Detection.Activities {
		inForce[a.ID] = true
	}
	if !inForce["online-monitors"] || !inForce["daily-access"] {
		t.Errorf("2017-05-27: activities counted %v; want the online monitors and daily access", inForce)
	}

	mid := at(t, "2024-06-01")
	if mid.Status != warning.Estimated || mid.Warning.P50 == nil || *mid.Warning.P50 > 2 {
		t.Errorf("2024-06-01: %s, warning p50 %v; want about zero or negative", mid.Status, deref(mid.Warning.P50))
	}
	if p := mid.PCompleteBeforeDetection; p == nil || *p < 0.5 {
		t.Errorf("2024-06-01: probability of completing before detection %v; want more likely than not", deref(p))
	}
	for _, a := range mid.Regime.Activities {
		if a.ID == "online-monitors" && a.State != warning.Lost {
			t.Errorf("2024-06-01: online monitors %s; the public record has them removed on 2022-06-08", a.State)
		}
	}

	// Each activity is short of access from the change that took the
	// access below what it needs, not from the latest change: the
	// Additional Protocol and the JCPOA's daily access stopped on
	// 2021-02-23; the safeguards agreement's inspections, in force all
	// the while, lost the plants on 2025-06-13.
	want := map[string]struct {
		state, since string
	}{
		"daily-access":         {warning.NotInForce, "2021-02-23"},
		"complementary-access": {warning.NotInForce, "2021-02-23"},
		"csa-inspections":      {warning.Lost, "2025-06-13"},
		"physical-inventory":   {warning.Lost, "2025-06-13"},
	}
	for _, date := range []string{"2024-06-01", "2026-06-01"} {
		for _, a := range at(t, date).Regime.Activities {
			w, ok := want[a.ID]
			if !ok || (date == "2024-06-01" && w.since != "2021-02-23") {
				continue
			}
			if a.State != w.state || a.Since.String() != w.since || len(a.Evidence) == 0 {
				t.Errorf("%s: %s %s since %s (%d sources: %s); want %s since %s", date, a.ID, a.State, a.Since, len(a.Evidence), a.Reason, w.state, w.since)
			}
		}
	}

	after := at(t, "2026-06-01")
	if after.Status != warning.NoDetection && after.Status != warning.UnknownWarning {
		t.Errorf("2026-06-01: status %s; want no detection or unknown", after.Status)
	}
	if after.Warning != nil {
		t.Errorf("2026-06-01: a warning figure %+v where nothing can detect", after.Warning)
	}
}

// The breakout the warning starts from is the dated estimate: same band.
func TestWarningStartsFromTheDatedBreakout(t *testing.T) {
	e := at(t, "2024-06-01")
	if b := e.BreakoutBand(); e.Breakout.Status != "estimated" || b.P50 == nil || *b.P50 < 3 || *b.P50 > 12 || b.P10 == nil || b.P90 == nil {
		t.Errorf("2024-06-01 breakout %+v: want the estimate of about a week with its band", b)
	}
	// The same estimate, band and all, as the dated breakout.
	d := mustDate(t, "2024-06-01")
	alone, err := compliance.BreakoutAt(evidence.Public(dataset.Embedded()), d, compliance.BreakoutOptions{Samples: 2000}) // seed 0, as at draws
	if err != nil {
		t.Fatal(err)
	}
	if got, want := e.Breakout.Estimate.Uncertainty, alone.Estimate.Uncertainty; *got.P10Days != *want.P10Days || *got.P90Days != *want.P90Days ||
		*e.Breakout.Estimate.HeadlineDays != *alone.Estimate.HeadlineDays {
		t.Errorf("the warning's breakout band %v-%v differs from the dated breakout's %v-%v", *got.P10Days, *got.P90Days, *want.P10Days, *want.P90Days)
	}
	if e.Breakout.ConventionText == "" || len(e.Breakout.Evidence) == 0 {
		t.Error("the breakout carries no convention or evidence")
	}
}

// Unknown access makes the regime, and so the warning, unknown.
func TestUnknownAccessIsUnknown(t *testing.T) {
	s := &state.State{AsOf: mustDate(t, "2017-05-27"), Knowledge: state.Knowledge{Access: "unknown"}}
	r := warning.RegimeAt(jcpoa, s)
	if r.Known() {
		t.Fatal("a regime at unknown access is known")
	}
	for _, a := range r.Activities {
		if a.Counts() {
			t.Errorf("%s counts at unknown access", a.ID)
		}
		// Unknown at this date, not "unknown since" its provision began.
		if a.State == warning.Unknown && !a.Since.IsZero() {
			t.Errorf("%s unknown since %s", a.ID, a.Since)
		}
	}
	e, err := warning.At(context.Background(), nil, mustDate(t, "2017-05-27"), warning.Options{Samples: 100, Regime: jcpoa})
	if err != nil {
		t.Fatal(err)
	}
	if e.Status != warning.UnknownWarning || e.Warning != nil {
		t.Errorf("no facts: %s %+v; want unknown with no figure", e.Status, e.Warning)
	}
}

func mustDate(t *testing.T, s string) calendar.Date {
	d, err := calendar.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// The JCPOA's regime is the built-in agreement's: every activity names
// its provision, source and basis; an agreement with a bad activity is
// refused naming it; an agreement without a regime leaves the warning
// unknown.
func TestRegimeIsTheAgreements(t *testing.T) {
	if len(jcpoa) < 4 {
		t.Fatalf("%d activities", len(jcpoa))
	}
	for _, a := range jcpoa {
		if a.Source == "" || a.Provision == "" || a.Basis == "" {
			t.Errorf("%s has no source, provision or basis", a.ID)
		}
	}
	src := string(agreement.JCPOASource())
	bad := strings.Replace(src, "period_days: {low: 7, high: 30}", "period_days: {low: 0, high: 30}", 1)
	_, err := agreement.Parse([]byte(bad))
	var fe *input.Error
	if !errors.As(err, &fe) || !strings.HasPrefix(fe.Field, "verification[") || !strings.HasSuffix(fe.Field, ".period_days") {
		t.Errorf("an inspection every 0 to 30 days: %v; want an error naming verification[i].period_days", err)
	}
	e, err := warning.At(context.Background(), evidence.Public(dataset.Embedded()), mustDate(t, "2017-05-27"), warning.Options{Samples: 100})
	if err != nil {
		t.Fatal(err)
	}
	if e.Status != warning.UnknownWarning || e.Warning != nil || !strings.Contains(e.Reason, "no verification regime") {
		t.Errorf("no regime: %s %q; want unknown", e.Status, e.Reason)
	}
}

// One dated warning estimate with 10,000 samples (the breakout band and
// the time to detect), at the three regimes of the public record.
func BenchmarkWarningAt(b *testing.B) {
	facts := evidence.Public(dataset.Embedded())
	for _, date := range []string{"2017-05-27", "2024-06-01", "2026-06-01"} {
		d, _ := calendar.Parse(date)
		b.Run(date, func(b *testing.B) {
			for b.Loop() {
				if _, err := warning.At(context.Background(), facts, d, warning.Options{Samples: 10_000, Regime: jcpoa}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Estimates that share the times to detect drawn for earlier dates give
// what they give alone.
func TestSharedDetectionsGiveTheSameEstimates(t *testing.T) {
	facts := evidence.Public(dataset.Embedded())
	var shared warning.Detections
	for _, date := range []string{"2017-05-27", "2017-08-21", "2021-06-01", "2024-06-01", "2024-08-17"} {
		d := mustDate(t, date)
		alone, err := warning.At(context.Background(), facts, d, warning.Options{Samples: 500, Regime: jcpoa})
		if err != nil {
			t.Fatal(err)
		}
		with, err := warning.At(context.Background(), facts, d, warning.Options{Samples: 500, Regime: jcpoa, Detections: &shared})
		if err != nil {
			t.Fatal(err)
		}
		if a, b := *alone.Warning.P50, *with.Warning.P50; a != b || *alone.Detection.P90 != *with.Detection.P90 {
			t.Errorf("%s: warning %v alone, %v with shared detections", date, a, b)
		}
	}
}

// The warning is breakout time less the time to detect: where the
// breakout is a bound and the time to detect does not move with the
// figures behind it (the fleet), the warning is the same bound; where
// they bound it both ways it is approximate, as the breakout is; exact
// figures give an exact warning. A stock that did not exceed its figure
// (2016) lengthens breakout but is a smaller loss for the material
// balance, which detects first in some samples: the warning is then
// approximate, whatever the number of samples. Counts of machines last
// reported more than 190 days before (2023, 2025) bound it no one way:
// approximate; reported again with the report of 2023-05-13 they are
// exact and current.
func TestWarningIsABoundWhereTheBreakoutIs(t *testing.T) {
	public := evidence.Public(dataset.Embedded())
	recounted := slices.Clone(public)
	latest := map[[3]string]state.Fact{}
	for _, f := range public {
		if k := [3]string{string(f.Metric), f.Site, f.Machine}; (f.Metric == state.CentrifugesEnriching || f.Metric == state.CascadesEnriching) &&
			f.Date.Before(mustDate(t, "2023-05-13")) && !f.Date.Before(latest[k].Date) {
			latest[k] = f
		}
	}
	for _, f := range latest {
		f.Date = mustDate(t, "2023-05-13")
		recounted = append(recounted, f)
	}
	for _, c := range []struct {
		date              string
		facts             []state.Fact
		breakout, warning state.Qualifier
	}{
		{"2016-06-01", public, state.AtLeast, state.Approx}, {"2017-06-01", public, state.AtLeast, state.AtLeast}, {"2019-07-01", public, state.Approx, state.Approx},
		{"2023-06-01", public, state.Approx, state.Approx}, {"2025-02-08", public, state.Approx, state.Approx},
		{"2023-06-01", recounted, state.Exact, state.Exact},
	} {
		for _, samples := range []int{2000, warning.DefaultSamples} {
			e, err := warning.At(context.Background(), c.facts, mustDate(t, c.date), warning.Options{Samples: samples, Regime: jcpoa})
			if err != nil {
				t.Fatal(err)
			}
			if e.Status != warning.Estimated || e.Breakout.HeadlineQualifier != c.breakout || e.WarningQualifier != c.warning {
				t.Errorf("%s, %d samples: %s, breakout %q, warning %q (%s); want estimated, %q and %q", c.date, samples, e.Status, e.Breakout.HeadlineQualifier, e.WarningQualifier, e.WarningBound, c.breakout, c.warning)
			}
			if (e.WarningBound == "") != (c.warning == state.Exact) {
				t.Errorf("%s: warning bound %q", c.date, e.WarningBound)
			}
		}
	}
}

// A stock that did not exceed its figure lengthens breakout but is a
// smaller loss for the material balance to detect: the time to detect
// moves with it and the warning is no bound; without the balance it keeps
// the breakout's bound.
func TestAStockBoundMovesTheTimeToDetectOnlyWithTheBalance(t *testing.T) {
	var balance []warning.Activity
	for _, a := range jcpoa {
		if a.Kind == warning.Accountancy {
			balance = append(balance, a)
		}
	}
	if len(balance) == 0 {
		t.Fatal("no material balance in the JCPOA's regime")
	}
	e, err := warning.At(context.Background(), evidence.Public(dataset.Embedded()), mustDate(t, "2016-06-01"), warning.Options{Samples: 2000, Regime: balance})
	if err != nil {
		t.Fatal(err)
	}
	if e.Status != warning.Estimated || e.Breakout.HeadlineQualifier != state.AtLeast || e.WarningQualifier != state.Approx ||
		!strings.Contains(e.WarningBound, "smaller loss for the material balance") {
		t.Errorf("%s: breakout %q, warning %q (%s); want the breakout at least and the warning approximate, naming the balance",
			e.Status, e.Breakout.HeadlineQualifier, e.WarningQualifier, e.WarningBound)
	}
	var others []warning.Activity
	for _, a := range jcpoa {
		if a.Kind != warning.Accountancy {
			others = append(others, a)
		}
	}
	e, err = warning.At(context.Background(), evidence.Public(dataset.Embedded()), mustDate(t, "2016-06-01"), warning.Options{Samples: 2000, Regime: others})
	if err != nil {
		t.Fatal(err)
	}
	if e.Status != warning.Estimated || e.WarningQualifier != state.AtLeast {
		t.Errorf("without the balance: %s, warning %q (%s); want at least", e.Status, e.WarningQualifier, e.WarningBound)
	}
}
