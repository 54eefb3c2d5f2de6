package compliance_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/state"
)

func breakoutAt(t *testing.T, facts []state.Fact, date string, opt compliance.BreakoutOptions) *compliance.Breakout {
	t.Helper()
	b, err := compliance.BreakoutAt(facts, calendar.MustParse(date), opt)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// An estimate made from figures the IAEA gave only as bounds says so, and
// which way: under the JCPOA the reports said the stock had not exceeded
// 202.8 kg U and the IR-1 enriching at Natanz were at most 5,060, so the
// estimate is a lower bound of breakout time; in July 2019 the stock was
// "more than 202.8 kg U" and the fleet's "at most 5,060" was last
// reported in August 2018: approximate; from 2021 the figures are exact
// but from 2023 some were last reported years before, and in December
// 2024 Fordow's IR-6 are "at least 332 and up to 1,724 in at least 2 and
// up to 10 cascades" beside
// counts of 2019 to 2022: approximate.
func TestDatedEstimateSaysWhenItIsABound(t *testing.T) {
	facts := dataset.Embedded().Facts()
	for _, c := range []struct {
		date     string
		machines string
		want     state.Qualifier
		says     []string // in the text, in this order
	}{
		{"2016-06-01", compliance.Enriching, state.AtLeast, []string{"a lower bound", "the stock at up to 5 %: up to 202.8 kg U as of 2016-05-27 (IAEA report of 27 May 2016",
			"less stock can only lengthen breakout", "the IR-1 enriching at Natanz FEP: up to 5060 machines"}},
		{"2017-06-01", compliance.Enriching, state.AtLeast, []string{"a lower bound", "the IR-1 enriching at Natanz FEP: up to 5060 machines as of 2017-05-27 (IAEA report of 2 June 2017", "fewer machines can only lengthen breakout"}},
		{"2019-07-01", compliance.Enriching, state.Approx, []string{"approximate: the figures bound it both ways", "the stock at up to 5 %: more than 202.8 kg U as of 2019-07-01",
			"more stock can only shorten breakout", "the IR-1 enriching at Natanz FEP: up to 5060 machines as of 2019-05-20 (IAEA report of 31 May 2019", "fewer machines can only lengthen breakout"}},
		{"2019-12-01", compliance.Enriching, state.Approx, []string{"approximate: ", "the IR-1 enriching at Fordow: more than 1000 machines", "IAEA GOV/2019/55", "more machines can only shorten breakout",
			"the IR-1 enriching at Natanz FEP: up to 5060 machines, last reported 2019-05-20, 195 days before this date (IAEA report of 31 May 2019", "machines may have been added or removed since"}},
		{"2021-06-01", compliance.Enriching, state.Approx, []string{"approximate: ", "counts of machines last reported long before this date, which may have been added or removed since: ",
			"the IR-2m enriching at Natanz PFEP: 164 machines, last reported 2019-11-03, 576 days before this date (IAEA GOV/2019/55"}},
		{"2023-06-01", compliance.Enriching, state.Approx, []string{"approximate: ", "the IR-6 enriching at Fordow: 332 machines, last reported 2022-11-22, 191 days before this date"}},
		{"2025-02-08", compliance.Enriching, state.Approx, []string{"approximate: ", "the IR-6 enriching at Fordow: at least 332 and up to 1724 machines in at least 2 and up to 10 cascades as of 2024-12-05",
			"read as cascades of the size reported", "fewer machines can only lengthen breakout",
			"; counts of machines last reported long before this date, which may have been added or removed since: ",
			"the IR-1 enriching at Fordow: 1044 machines, last reported 2021-01-04, 4.1 years before this date (IAEA GOV/2021/10",
			"the IR-1 enriching at Natanz FEP: 5060 machines, last reported 2021-03-15, 3.9 years before this date", "the IR-6 enriching at Natanz FEP: 522 machines, last reported 2022-10-10"}},
		// The 33 IR-6 installed in May 2019 are the only advanced
		// machines: without them every machine may run the
		// high-enrichment steps, so "up to 33" bounds nothing.
		{"2019-07-10", compliance.Installed, state.Approx, []string{"approximate", "the IR-6 installed at unspecified: up to 33 machines",
			"the model does not move one way with it", "every machine may"}},
	} {
		b := breakoutAt(t, facts, c.date, compliance.BreakoutOptions{Machines: c.machines, Samples: 200, Seed: 1})
		if b.Status != compliance.Estimated {
			t.Fatalf("%s: %s, want estimated", c.date, b.Status)
		}
		if b.HeadlineQualifier != c.want {
			t.Errorf("%s (%s): headline qualifier %q, want %q: %s", c.date, c.machines, b.HeadlineQualifier, c.want, b.HeadlineBound)
		}
		if (c.want == state.Exact) != (b.HeadlineBound == "" && len(b.Bounds) == 0) {
			t.Errorf("%s: bound %q, %d figures; want them only for a bound", c.date, b.HeadlineBound, len(b.Bounds))
		}
		text := b.HeadlineBound
		for _, s := range c.says {
			i := strings.Index(text, s)
			if i < 0 {
				t.Errorf("%s: %q does not say %q next", c.date, b.HeadlineBound, s)
				break
			}
			text = text[i+len(s):]
		}
		for _, bd := range b.Bounds {
			if bd.Effect == "" || len(bd.Evidence) == 0 || bd.AsOf.IsZero() || bd.Qualifier == state.Exact && !bd.Stale {
				t.Errorf("%s: bound %+v lacks its effect, evidence, date or qualifier", c.date, bd)
			}
			// A stale count of none can only have been wrong by machines
			// added since: at most, where the model moves one way with them.
			if stale := calendar.MustParse(c.date).DaysUntil(bd.AsOf) < -190; bd.Input == "fleet" && stale != (bd.Stale && (bd.Effect == state.Approx || bd.Value == 0 && bd.Effect == state.AtMost)) {
				t.Errorf("%s: bound %+v: a count last reported %s is stale only after 190 days, and then bounds the estimate no one way", c.date, bd, bd.AsOf)
			}
		}
	}
}

// A stock reported as more than a figure, with the rest exact, gives an
// upper bound: July 2019 with the fleet's "at most" read as exact and
// reported again that day.
func TestMoreStockGivesAnUpperBound(t *testing.T) {
	facts := recounted(dataset.Embedded().Facts(), "2019-07-01")
	for i, f := range facts {
		if f.Metric == state.CentrifugesEnriching || f.Metric == state.CascadesEnriching {
			facts[i].Qualifier = state.Exact
		}
	}
	b := breakoutAt(t, facts, "2019-07-01", compliance.BreakoutOptions{Samples: 200, Seed: 1})
	if b.HeadlineQualifier != state.AtMost || !strings.HasPrefix(b.HeadlineBound, "an upper bound") || len(b.Bounds) != 1 || b.Bounds[0].Qualifier != state.Above {
		t.Errorf("headline qualifier %q (%s), bounds %+v; want at_most from the stock above 202.8 kg U", b.HeadlineQualifier, b.HeadlineBound, b.Bounds)
	}
}

// An unknown estimate keeps the bound of its last known one, and the
// range since says it.
func TestLastKnownEstimateKeepsItsBound(t *testing.T) {
	b := breakoutAt(t, dataset.Embedded().Facts(), "2025-09-01", compliance.BreakoutOptions{})
	if b.Status != compliance.UnknownEstimate || b.HeadlineQualifier != state.Exact || b.LastKnown == nil || b.Since == nil {
		t.Fatalf("status %s, qualifier %q, last known %v, since %v: want unknown with a last known estimate and a range", b.Status, b.HeadlineQualifier, b.LastKnown, b.Since)
	}
	// The estimate of 2025-06-13 rests on the IR-6 at Fordow, "up to
	// 1,724" (at least 332), and on counts last reported from 2019 to
	// 2022: approximate.
	if lk := b.LastKnown; lk.HeadlineQualifier != state.Approx || !strings.Contains(lk.HeadlineBound, "IR-6 enriching at Fordow: at least 332 and up to 1724") ||
		!strings.Contains(lk.HeadlineBound, "the IR-1 enriching at Natanz FEP: 5060 machines, last reported 2021-03-15") {
		t.Errorf("last known: %q %q, want approx from the IR-6 at Fordow and the counts of 2019 to 2022", lk.HeadlineQualifier, lk.HeadlineBound)
	}
	if s := b.Since; s.FromQualifier != state.Approx || !strings.Contains(s.Text, "from about ") {
		t.Errorf("since: from %q, %q; want from about", s.FromQualifier, s.Text)
	}
	// With every count reported again on that day, the IR-6 at Fordow
	// bound it from below, and the stock at the levels that day's report
	// does not give, left out, from above: approximate still, both said.
	b = breakoutAt(t, recounted(dataset.Embedded().Facts(), "2025-06-13"), "2025-09-01", compliance.BreakoutOptions{})
	if lk := b.LastKnown; lk == nil || lk.HeadlineQualifier != state.Approx || !strings.HasPrefix(lk.HeadlineBound, "approximate: the figures bound it both ways") ||
		!strings.Contains(lk.HeadlineBound, "IR-6 enriching at Fordow: at least 332 and up to 1724") ||
		!strings.Contains(lk.HeadlineBound, "the stock at up to 5 %: not reported by level as of 2025-06-13, at most 9434 kg U") ||
		b.Since.FromQualifier != state.Approx || !strings.Contains(b.Since.Text, "from about ") {
		t.Errorf("recounted: last known %+v, since %+v; want approximate, bounded both ways", lk, b.Since)
	}
}

// A count of machines stays current until a later report changes it, but
// the estimate relies on it one way only for 190 days, two quarterly
// reporting periods: an older count bounds the estimate no one way,
// exact or not, and the estimate is then approximate. On 2025-02-08 the
// reviewer's case: "at least 5.4 days" rested on 5,060 IR-1 of
// 2021-03-15 and other counts of 2019 to 2022; reported again, the same
// counts give the lower bound that the IR-6 at Fordow, "up to 1,724",
// give.
func TestStaleCountsBoundBreakoutNoWay(t *testing.T) {
	facts := dataset.Embedded().Facts()
	opt := compliance.BreakoutOptions{Samples: 200, Seed: 1}
	b := breakoutAt(t, facts, "2025-02-08", opt)
	if b.HeadlineQualifier != state.Approx {
		t.Errorf("2025-02-08: headline %q, want approx: %s", b.HeadlineQualifier, b.HeadlineBound)
	}
	var ir1 *compliance.Bound
	for i, bd := range b.Bounds {
		if bd.Figure == "the IR-1 enriching at Natanz FEP" {
			ir1 = &b.Bounds[i]
		}
	}
	want := "the IR-1 enriching at Natanz FEP: 5060 machines, last reported 2021-03-15, 3.9 years before this date (IAEA ad hoc report to the Board"
	if ir1 == nil || !ir1.Stale || ir1.Effect != state.Approx || ir1.Qualifier != state.Exact || ir1.Value != 5060 || !strings.HasPrefix(ir1.Text, want) ||
		!strings.HasSuffix(ir1.Text, "; machines may have been added or removed since") || len(ir1.Evidence) == 0 {
		t.Errorf("2025-02-08: the IR-1 at Natanz FEP: %+v; want a stale count of no one way: %q", ir1, want)
	}

	again := breakoutAt(t, recounted(facts, "2025-02-08"), "2025-02-08", opt)
	if again.HeadlineQualifier != state.AtLeast || len(again.Bounds) != 1 || again.Bounds[0].Stale || !strings.Contains(again.Bounds[0].Figure, "IR-6 enriching at Fordow") {
		t.Errorf("recounted on 2025-02-08: %q %+v; want at least, from the IR-6 at Fordow alone", again.HeadlineQualifier, again.Bounds)
	}
	// The same counts, 190 days later, still bound it (a day later the
	// stock of that day is no longer current either; 2023-06-01 above has
	// a count of 191 days).
	f := slices.DeleteFunc(recounted(facts, "2025-02-08"), func(f state.Fact) bool {
		return f.Date.After(calendar.MustParse("2025-02-08"))
	})
	if b := breakoutAt(t, f, "2025-08-17", opt); b.Status != compliance.Estimated || b.HeadlineQualifier != state.AtLeast {
		t.Errorf("2025-08-17: %s %q, want at least: %s", b.Status, b.HeadlineQualifier, b.HeadlineBound)
	}
}

// A count of none last reported long before the date is an old count
// like any other: named in the estimate with its date and document. It
// can only have been wrong by machines added since, so it bounds breakout
// from above where the model moves one way with them, and never supports
// an "at least". On 2021-01-01 the IR-2m, IR-4 and IR-6 at Natanz FEP
// were last counted as none on 2019-05-20 (IAEA report of 31 May 2019);
// the estimate once left them out unnamed, as if that were current.
func TestStaleZeroCountsAreNamed(t *testing.T) {
	facts := dataset.Embedded().Facts()
	opt := compliance.BreakoutOptions{Samples: 200, Seed: 1}
	b := breakoutAt(t, facts, "2021-01-01", opt)
	var ir6 *compliance.Bound
	for i, bd := range b.Bounds {
		if bd.Figure == "the IR-6 enriching at Natanz FEP" {
			ir6 = &b.Bounds[i]
		}
	}
	want := "the IR-6 enriching at Natanz FEP: 0 machines, last reported 2019-05-20, 592 days before this date (IAEA report of 31 May 2019"
	if ir6 == nil || !ir6.Stale || ir6.Effect != state.AtMost || ir6.Value != 0 || ir6.AsOf != calendar.MustParse("2019-05-20") ||
		!strings.HasPrefix(ir6.Text, want) || !strings.HasSuffix(ir6.Text, "machines may have been added since, which can only shorten breakout") || len(ir6.Evidence) == 0 {
		t.Fatalf("2021-01-01: the IR-6 at Natanz FEP: %+v; want a stale count of none, at most: %q", ir6, want)
	}
	if !strings.Contains(b.HeadlineBound, "counts of no machines last reported long before this date, to which machines may have been added since") ||
		!strings.Contains(b.HeadlineBound, strings.TrimSuffix(want, " (IAEA report of 31 May 2019")) {
		t.Errorf("2021-01-01: the bound does not name the old counts of none: %s", b.HeadlineBound)
	}

	// With every other count current and exact, the old counts of none
	// alone make the estimate an upper bound, not a lower one.
	f := slices.DeleteFunc(recounted(facts, "2021-01-01"), func(f state.Fact) bool {
		return f.Value == 0 && f.Date == calendar.MustParse("2021-01-01")
	})
	for i := range f {
		if f[i].Metric == state.CentrifugesEnriching || f[i].Metric == state.CascadesEnriching {
			f[i].Qualifier = state.Exact
		}
	}
	only := breakoutAt(t, f, "2021-01-01", opt)
	if only.HeadlineQualifier != state.AtMost || !strings.HasPrefix(only.HeadlineBound, "an upper bound") || len(only.Bounds) != 3 {
		t.Errorf("old counts of none alone: %q %s (%d bounds); want an upper bound from the three", only.HeadlineQualifier, only.HeadlineBound, len(only.Bounds))
	}

	// With no advanced machine in the fleet, advanced ones added where
	// none were counted would alone run the high-enrichment steps: the
	// model does not move one way with them (2018-05-15: the counts of
	// none of 2017-11-05 are 191 days old).
	b = breakoutAt(t, facts, "2018-05-15", opt)
	if b.HeadlineQualifier != state.Approx || !strings.Contains(b.HeadlineBound, "the IR-6 enriching at Natanz FEP: 0 machines, last reported 2017-11-05, 191 days before this date") ||
		!strings.Contains(b.HeadlineBound, "IR-6 at Natanz FEP added would be the only advanced machines with a cascade") ||
		!strings.Contains(b.HeadlineBound, "the IR-1 enriching at Fordow: 0 machines, last reported 2017-11-05, 191 days before this date (IAEA report of 13 November 2017") {
		t.Errorf("2018-05-15: %q %s; want approximate, naming the counts of none of 2017-11-05", b.HeadlineQualifier, b.HeadlineBound)
	}
}

// An estimate that finds no path because the only counts are old counts
// of none says that it rests on them.
func TestNoPathOnOldCountsOfNoneSaysSo(t *testing.T) {
	ev := []state.Evidence{{Kind: "dataset", Ref: "test", Document: "IAEA GOV/2017/48", Status: state.Sourced}}
	facts := []state.Fact{
		{Metric: state.EnrichedUraniumKgU, Date: calendar.MustParse("2018-05-01"), Value: 100, Status: state.Sourced, Evidence: ev, Report: "r"},
		{Metric: state.EnrichedUraniumKgU, Date: calendar.MustParse("2018-05-01"), LevelPct: 5, AssayPct: 3.67, Value: 100, Status: state.Sourced, Evidence: ev, Report: "r"},
		{Metric: state.CentrifugesEnriching, Date: calendar.MustParse("2017-08-01"), Site: "Fordow", Machine: "IR-1", Value: 0, Status: state.Sourced, Evidence: ev},
	}
	b := breakoutAt(t, facts, "2018-05-10", compliance.BreakoutOptions{})
	if b.Status != compliance.NotReachable || !strings.Contains(b.Reason, "counts of no machines last reported long before this date") ||
		!strings.Contains(b.Reason, "the IR-1 enriching at Fordow: 0 machines, last reported 2017-08-01, 282 days before this date (IAEA GOV/2017/48)") {
		t.Errorf("%s: %s; want no path resting on the count of none of 2017-08-01", b.Status, b.Reason)
	}
}

// recounted is facts with every count of machines and cascades reported
// again on date, as last reported before it: the same figures, current.
func recounted(facts []state.Fact, date string) []state.Fact {
	d := calendar.MustParse(date)
	out := slices.Clone(facts)
	type key struct {
		m             state.Metric
		site, machine string
	}
	latest := map[key]state.Fact{}
	for _, f := range facts {
		switch f.Metric {
		case state.CentrifugesEnriching, state.CentrifugesInstalled, state.CascadesEnriching, state.CascadesInstalled:
		default:
			continue
		}
		k := key{f.Metric, f.Site, f.Machine}
		if l, ok := latest[k]; !f.Date.After(d) && (!ok || !f.Date.Before(l.Date)) {
			latest[k] = f
		}
	}
	for _, f := range latest {
		f.Date, f.Known = d, calendar.Date{}
		out = append(out, f)
	}
	return out
}

// Each bound the dated estimates claim holds in the model: at every report
// date, under both conventions and both counts of machines, moving a
// figure within its bound (a stock that did not exceed its figure down to
// none, one that exceeded it up to ten times; machines down to none or up
// to ten times, with their cascades) moves the central estimate and each
// percentile of the band only the way the estimate's qualifier says.
func TestClaimedBoundsHoldInTheModel(t *testing.T) {
	facts := dataset.Embedded().Facts()
	claims := 0
	for _, machines := range []string{compliance.Enriching, compliance.Installed} {
		for _, conv := range breakout.Conventions() {
			opt := compliance.BreakoutOptions{Machines: machines, Convention: conv, Samples: 500, Seed: 1}
			for _, d := range reportDates(facts) {
				b, err := compliance.BreakoutAt(facts, d, opt)
				if err != nil {
					t.Fatal(err)
				}
				if b.Status != compliance.Estimated {
					continue
				}
				base := days(t, *b.Scenario)
				for _, bd := range b.Bounds {
					if bd.Effect != state.AtLeast && bd.Effect != state.AtMost {
						continue
					}
					factors := []float64{0, 0.3, 0.9}
					if bd.Qualifier != state.AtMost {
						factors = []float64{1.1, 3, 10}
					}
					for _, f := range factors {
						claims++
						got := days(t, moved(t, *b.Scenario, bd, f))
						for i := range base {
							longer, shorter := got[i] > base[i]+1e-9, got[i] < base[i]-1e-9
							if bd.Effect == state.AtLeast && shorter || bd.Effect == state.AtMost && longer {
								t.Errorf("%s %s %s: %s x %g: days %v against %v, not %s", d, machines, conv, bd.Figure, f, got, base, bd.Effect)
								break
							}
						}
					}
				}
			}
		}
	}
	if claims == 0 {
		t.Fatal("no bound claimed")
	}
}

// days is the central estimate and the band's percentiles of s (+Inf for
// never).
func days(t *testing.T, s breakout.Scenario) []float64 {
	t.Helper()
	r, err := breakout.Run(s, 500, 1)
	if err != nil {
		t.Fatal(err)
	}
	out := []float64{never(r.FirstSQDays)}
	if u := r.Uncertainty; u != nil {
		out = append(out, never(u.P10Days), never(u.P50Days), never(u.P90Days))
	}
	return out
}

func never(d *float64) float64 {
	if d == nil {
		return 1e300
	}
	return *d
}

// moved is s with the figure of bd scaled by f: a lot's mass (a lot left
// out added with that share of its bound), or a group's machines and their
// cascades.
func moved(t *testing.T, s breakout.Scenario, bd compliance.Bound, f float64) breakout.Scenario {
	t.Helper()
	s.Inventory, s.Fleet = slices.Clone(s.Inventory), slices.Clone(s.Fleet)
	if level, ok := strings.CutPrefix(bd.Figure, "the stock at "); ok {
		if bd.LeftOut {
			// Not in the scenario: added, at the level's nominal assay.
			assay := map[string]float64{"up to 5 %": 5, "up to 20 %": 19.75}[level]
			if assay == 0 {
				t.Fatalf("no nominal assay for %q", level)
			}
			s.Inventory = append(s.Inventory, breakout.Lot{Label: level + " stock", MassKgU: bd.Value * f, AssayPct: assay})
			return s
		}
		for i, l := range s.Inventory {
			if strings.HasPrefix(l.Label, level+" stock") {
				s.Inventory[i].MassKgU *= f
				return s
			}
		}
	}
	if bd.Stale && bd.Value == 0 {
		// An old count of none: machines of its type added at its site,
		// f cascades' worth.
		name, site, _ := strings.Cut(strings.TrimPrefix(bd.Figure, "the "), " at ")
		machine, _, _ := strings.Cut(name, " ")
		s.Fleet = append(s.Fleet, breakout.Group{Machine: machine, Site: site, Count: int(f * breakout.DefaultCascadeSize)})
		return s
	}
	for i, g := range s.Fleet {
		if strings.HasPrefix(bd.Figure, "the "+g.Machine+" ") && strings.HasSuffix(bd.Figure, " at "+g.Site) {
			s.Fleet[i].Count = int(float64(g.Count) * f)
			s.Fleet[i].Cascades = min(int(float64(g.Cascades)*f+0.5), s.Fleet[i].Count)
			return s
		}
	}
	t.Fatalf("no lot or group of %q in the scenario", bd.Figure)
	return s
}

// Every stock level Iran has reported moves breakout one way under either
// convention: more of it never makes the estimate longer. A bound of any
// of them would bound the estimate.
func TestEveryReportedStockMovesBreakoutOneWay(t *testing.T) {
	facts := dataset.Embedded().Facts()
	lots := 0
	for _, conv := range breakout.Conventions() {
		opt, err := compliance.BreakoutOptions{Convention: conv}.Normalize()
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range reportDates(facts) {
			sc, _, _, unknown := compliance.BreakoutScenario(state.At(facts, d), opt)
			if len(unknown) > 0 {
				continue
			}
			for i, l := range sc.Inventory {
				lots++
				if tr, err := sc.LotTrend(i); err != nil || !tr.OneWay {
					t.Errorf("%s %s: %s: %+v %v", d, conv, l.Label, tr, err)
				}
			}
		}
	}
	if lots == 0 {
		t.Fatal("no lot estimated")
	}
}

// Installed machines are at least the machines enriching: where the IAEA
// reported only those enriching at a site, the installed fleet counts
// them, as a lower bound, rather than none. So at every report date the
// installed fleet's capacity is at least the enriching fleet's.
func TestInstalledCountsAtLeastTheMachinesEnriching(t *testing.T) {
	facts := dataset.Embedded().Facts()
	checked := 0
	for _, date := range []string{"2017-06-01", "2020-01-01", "2021-06-01", "2023-06-01", "2025-02-08"} {
		opt := compliance.BreakoutOptions{Samples: 0}
		enriching := breakoutAt(t, facts, date, opt)
		opt.Machines = compliance.Installed
		installed := breakoutAt(t, facts, date, opt)
		if enriching.Estimate == nil || installed.Estimate == nil {
			continue
		}
		checked++
		if e, i := enriching.Estimate.CapacitySWUPerYear, installed.Estimate.CapacitySWUPerYear; i < e {
			t.Errorf("%s: installed capacity %.1f SWU/yr, below the enriching fleet's %.1f", date, i, e)
		}
	}
	if checked < 3 {
		t.Fatalf("only %d dates with both estimates", checked)
	}
	b := breakoutAt(t, facts, "2025-02-08", compliance.BreakoutOptions{Machines: compliance.Installed})
	if !slices.ContainsFunc(b.Notes, func(n string) bool {
		return strings.Contains(n, "IR-6 at Natanz FEP: no report of the machines installed; at least the 522 enriching")
	}) {
		t.Errorf("no note says the IR-6 at Natanz FEP are counted from those enriching: %q", b.Notes)
	}
}

// A bound from a figure whose date is only the latest it can be of says
// so, in its field and its words.
func TestBoundSaysHowMuchItsDateIsKnown(t *testing.T) {
	facts := recounted(dataset.Embedded().Facts(), "2019-07-01")
	for i, f := range facts {
		switch {
		case f.Metric == state.CentrifugesEnriching || f.Metric == state.CascadesEnriching:
			facts[i].Qualifier = state.Exact
		case f.Metric == state.EnrichedUraniumKgU && f.Date.String() == "2019-07-01":
			facts[i].DatePrecision = state.NoLaterThan
		}
	}
	b := breakoutAt(t, facts, "2019-07-05", compliance.BreakoutOptions{Samples: 200, Seed: 1})
	if len(b.Bounds) != 1 || b.Bounds[0].AsOfPrecision != state.NoLaterThan || !strings.Contains(b.Bounds[0].Text, "as of 2019-07-01 at the latest") {
		t.Errorf("bounds %+v", b.Bounds)
	}
}
