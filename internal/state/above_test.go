package state_test

import (
	"testing"

	"github.com/accordverify/accord/internal/state"
)

// The stock above a level counts the levels wholly above it, a level
// that straddles it for nothing only when the highest enrichment shows
// nothing was made above it (else for at most its mass), and a level the
// report leaves out as more to come: never a figure no source gives.
func TestStockAbove(t *testing.T) {
	stock := func(date string, level, value float64, q state.Qualifier) state.Fact {
		return state.Fact{Metric: state.EnrichedUraniumKgU, Date: day(date), LevelPct: level, Value: value, Qualifier: q, Status: state.Sourced, Evidence: ev("stock"), Report: date}
	}
	enrichment := func(date string, value float64, q state.Qualifier) state.Fact {
		return state.Fact{Metric: state.MaxEnrichmentPct, Date: day(date), Value: value, Qualifier: q, Status: state.Sourced, Evidence: ev("enrichment")}
	}
	for _, c := range []struct {
		name  string
		facts []state.Fact
		at    string
		above float64
		known bool
		want  float64
		q     state.Qualifier
		st    state.Status
	}{
		{"all at 3.67 %: none above, derived from the enrichment level",
			[]state.Fact{stock("2017-05-27", 0, 79.8, ""), stock("2017-05-27", 5, 79.8, ""), enrichment("2017-05-27", 3.67, "")},
			"2017-06-01", 3.67, true, 0, state.Exact, state.Derived},
		{"enriched above 3.67 %: the level up to 5 % may hold some, up to all of it",
			[]state.Fact{stock("2019-07-10", 0, 213.5, ""), stock("2019-07-10", 5, 213.5, ""), enrichment("2019-07-08", 3.67, state.Above)},
			"2019-08-01", 3.67, true, 213.5, state.AtMost, state.Sourced},
		{"an enrichment level older than the stock does not clear it",
			[]state.Fact{stock("2019-07-10", 0, 213.5, ""), stock("2019-07-10", 5, 213.5, ""), enrichment("2019-06-01", 3.67, "")},
			"2019-08-01", 3.67, true, 213.5, state.AtMost, state.Sourced},
		{"levels above in full, the straddling one left out of an at least; no binary noise",
			[]state.Fact{stock("2025-02-08", 0, 8294.4, ""), stock("2025-02-08", 2, 2000, ""), stock("2025-02-08", 5, 5412.8, ""), stock("2025-02-08", 20, 274.8, ""), stock("2025-02-08", 60, 606.8, ""), enrichment("2025-02-08", 60, "")},
			"2025-03-01", 3.67, true, 881.6, state.AtLeast, state.Sourced},
		{"levels the report does not give can only add",
			[]state.Fact{stock("2025-02-08", 0, 8294.4, ""), stock("2025-02-08", 5, 7412.8, ""), stock("2025-02-08", 20, 274.8, ""), stock("2025-02-08", 60, 606.8, ""), stock("2025-06-13", 0, 9874.9, ""), stock("2025-06-13", 60, 440.9, ""), enrichment("2025-02-08", 60, "")},
			"2025-06-20", 3.67, true, 440.9, state.AtLeast, state.Sourced},
		{"an approximate level beside exact ones makes the sum approximate",
			[]state.Fact{stock("2023-05-13", 0, 4744.5, ""), stock("2023-05-13", 2, 100, ""), stock("2023-05-13", 5, 4059.5, ""), stock("2023-05-13", 20, 470.9, ""), stock("2023-05-13", 60, 114.1, state.Approx), enrichment("2023-05-13", 60, "")},
			"2023-06-01", 5, true, 585, state.Approx, state.Sourced},
		{"an approximate level beside a bound decides nothing",
			[]state.Fact{stock("2023-05-13", 0, 4744.5, ""), stock("2023-05-13", 5, 4159.5, ""), stock("2023-05-13", 20, 470.9, ""), stock("2023-05-13", 60, 114.1, state.Approx), enrichment("2023-05-13", 60, "")},
			"2023-06-01", 3.67, false, 0, state.Exact, ""},
		{"a total without a breakdown gives no level",
			[]state.Fact{stock("2020-01-01", 0, 500, ""), enrichment("2020-01-01", 20, "")},
			"2020-02-01", 3.67, false, 0, state.Exact, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := state.At(c.facts, day(c.at)).StockAbove(c.above)
			if got.Known != c.known {
				t.Fatalf("known %v (%s), want %v: %+v", got.Known, got.Unknown, c.known, got)
			}
			if !c.known {
				if got.Unknown == "" {
					t.Errorf("unknown without a reason: %+v", got)
				}
				return
			}
			if got.Value != c.want || got.Qualifier != c.q || got.Status != c.st {
				t.Errorf("got %s%g (%s), want %s%g (%s)", got.Qualifier.Words(), got.Value, got.Status, c.q.Words(), c.want, c.st)
			}
		})
	}
}
