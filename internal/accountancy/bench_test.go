package accountancy_test

import (
	"sync/atomic"
	"testing"

	"github.com/accordverify/accord/internal/accountancy"
)

// 1,000 material balance areas of 120 monthly balances each: balances,
// covariance, CUMUF, SITMUF and Page's test (the threshold for 120
// periods is simulated once and cached, as in use).
func BenchmarkEvaluate1000Areas120Periods(b *testing.B) {
	tbl := accountancy.ExampleTable()
	areas := make([][]accountancy.Period, 1000)
	for i := range areas {
		run, err := accountancy.Simulate(accountancy.Simulation{Plant: accountancy.NatanzJCPOA(), Months: 120, Seed: uint64(i + 1), Table: tbl})
		if err != nil {
			b.Fatal(err)
		}
		areas[i] = run.Periods
	}
	accountancy.PageThreshold(120, 0.5, 0.05, 100_000, 1)
	b.ResetTimer()
	for b.Loop() {
		for _, periods := range areas {
			s, err := accountancy.Evaluate(periods, tbl)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := s.Test(accountancy.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// The detection probability of a loss over 12 balances, 100,000 trials.
func BenchmarkDetectionProbability100k(b *testing.B) {
	s := simulate(b, 1, nil, accountancy.NatanzJCPOA())
	loss := accountancy.Loss{Kind: "protracted", KgU: 40}
	accountancy.PageThreshold(12, 0.5, 0.05, 100_000, 1)
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.DetectionProbability(loss, accountancy.Options{Trials: 100_000}); err != nil {
			b.Fatal(err)
		}
	}
}

// The Page threshold for 12 periods and 100,000 simulated sequences,
// computed afresh (the tests cache it per process).
func BenchmarkPageThreshold100k(b *testing.B) {
	for b.Loop() {
		accountancy.PageThreshold(12, 0.5, 0.05, 100_000, freshSeed.Add(1))
	}
}

// freshSeed gives every threshold computation a seed not yet cached.
var freshSeed atomic.Uint64
