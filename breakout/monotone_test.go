package breakout_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/accordverify/accord/breakout"
)

// jcpoa is the stock and the fleet the JCPOA allowed: 202.8 kg U at
// 3.67 % and 5,060 IR-1 enriching, under convention c.
func jcpoa(c breakout.Convention) breakout.Scenario {
	s := scenario([]breakout.Lot{{MassKgU: 202.8, AssayPct: 3.67}}, breakout.Group{Machine: "IR-1", Count: 5060})
	s.Convention = c
	return s
}

// days is the central estimate and the band's percentiles of s.
func days(t *testing.T, s breakout.Scenario) []float64 {
	t.Helper()
	r, err := breakout.Run(s, 2000, 1)
	if err != nil {
		t.Fatal(err)
	}
	out := []float64{mustDays(t, r.FirstSQDays)}
	if u := r.Uncertainty; u != nil {
		out = append(out, mustDays(t, u.P10Days), mustDays(t, u.P50Days), mustDays(t, u.P90Days))
	}
	return out
}

// The stock the JCPOA allowed moves breakout one way: more of it, from
// none to ten times the limit, never makes the central estimate or any
// percentile of the band longer, under either convention. The reports that
// gave the stock only as "not exceeding 202.8 kg U" therefore give a lower
// bound of breakout time, and "more than 202.8 kg U" an upper bound.
func TestMoreLowEnrichedStockNeverLengthensBreakout(t *testing.T) {
	for _, c := range breakout.Conventions() {
		s := jcpoa(c)
		tr, err := s.LotTrend(0)
		if err != nil || !tr.OneWay {
			t.Fatalf("%s: LotTrend = %+v, %v; want one way", c, tr, err)
		}
		var prev []float64
		for _, kg := range []float64{0, 50, 150, 202.8, 250, 500, 2028} {
			s.Inventory[0].MassKgU = kg
			got := days(t, s)
			for i := range prev {
				if got[i] > prev[i]+1e-9 {
					t.Errorf("%s: %g kg U: days %v, more than %v with less stock", c, kg, got, prev)
				}
			}
			prev = got
		}
	}
}

// Under the cascades convention, feed of 10 % or more goes straight into
// the high-enrichment cascades; natural uranium does most of its work on
// the other machines. Where those cascades are the bottleneck, more 10 %
// stock makes breakout longer: LotTrend says the mass does not move the
// estimate one way, and the estimate shows it.
func TestLotTrendFindsAStockThatLengthensBreakout(t *testing.T) {
	s := scenario([]breakout.Lot{{MassKgU: 0, AssayPct: 10}}, machines("IR-1", 50000, 0.9), machines("IR-6", 174, 5))
	s = cascades(s, 1, 0)
	s.TailsPct = map[string]float64{"10": 1, "19.75": 1}
	tr, err := s.LotTrend(0)
	if err != nil {
		t.Fatal(err)
	}
	if tr.OneWay || !strings.Contains(tr.Why, "natural uranium") {
		t.Errorf("LotTrend = %+v, want not one way, naming natural uranium", tr)
	}
	none := mustDays(t, estimate(t, s).FirstSQDays)
	s.Inventory[0].MassKgU = 200
	if some := mustDays(t, estimate(t, s).FirstSQDays); some <= none {
		t.Errorf("200 kg U at 10 %%: %.1f days, want more than the %.1f days without it (the case LotTrend guards)", some, none)
	}
	// The default tails of 10 % feed reach up to the feed itself: the
	// grid finds the same without an override.
	s.TailsPct = nil
	if tr, _ := s.LotTrend(0); tr.OneWay {
		t.Errorf("default tails: LotTrend = %+v, want not one way", tr)
	}
}

// More machines never make breakout longer, from one machine up; down to
// none, the last advanced group is the exception: without it, every
// machine may run the high-enrichment steps.
func TestGroupTrend(t *testing.T) {
	s := jcpoa(breakout.Cascades)
	s.Fleet = append(s.Fleet, breakout.Group{Machine: "IR-6", Count: 33})
	for _, c := range []struct {
		group  int
		toNone bool
		want   bool
	}{{0, false, true}, {0, true, true}, {1, false, true}, {1, true, false}} {
		tr, err := s.GroupTrend(c.group, c.toNone)
		if err != nil || tr.OneWay != c.want {
			t.Errorf("group %d, to none %v: %+v, %v; want one way %v", c.group, c.toNone, tr, err, c.want)
		}
	}
	with := mustDays(t, estimate(t, s).FirstSQDays)
	without := s
	without.Fleet = slices.Clone(s.Fleet)
	without.Fleet[1].Count = 0
	if d := mustDays(t, estimate(t, without).FirstSQDays); d >= with {
		t.Errorf("without the 33 IR-6: %.1f days, want fewer than the %.1f days with them (the case GroupTrend guards)", d, with)
	}
	// Counts from one machine up: never longer with more.
	prev := []float64(nil)
	for _, n := range []int{1, 10, 33, 174, 500} {
		s.Fleet[1].Count = n
		got := days(t, s)
		for i := range prev {
			if got[i] > prev[i]+1e-9 {
				t.Errorf("%d IR-6: days %v, more than %v with fewer", n, got, prev)
			}
		}
		prev = got
	}
	// Another advanced group, or the whole-fleet convention: one way.
	s.Fleet = append(s.Fleet, breakout.Group{Machine: "IR-2m", Count: 174})
	if tr, _ := s.GroupTrend(1, true); !tr.OneWay {
		t.Errorf("with IR-2m beside them: %+v, want one way", tr)
	}
	s.Fleet = s.Fleet[:2]
	s.Convention = breakout.WholeFleet
	if tr, _ := s.GroupTrend(1, true); !tr.OneWay {
		t.Errorf("whole-fleet: %+v, want one way", tr)
	}
}
