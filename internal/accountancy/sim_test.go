package accountancy_test

import (
	"math"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/accountancy"
)

func simulate(t testing.TB, seed uint64, d *accountancy.Diversion, plant accountancy.Plant) *accountancy.Sequence {
	t.Helper()
	run, err := accountancy.Simulate(accountancy.Simulation{Plant: plant, Months: 12, Seed: seed, Diversion: d, Table: accountancy.ExampleTable()})
	if err != nil {
		t.Fatal(err)
	}
	s, err := accountancy.Evaluate(run.Periods, accountancy.ExampleTable())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The default plant's flows follow from its capacity: 5,060 IR-1 x 0.9
// SWU/yr = 4,554 SWU/yr; product at 3.67 % from natural feed with 0.3 %
// tails.
func TestNatanzFlows(t *testing.T) {
	f, err := accountancy.NatanzJCPOA().MonthlyFlows()
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(f.SWU-4554.0/12) > 1e-9 || math.Abs(f.FeedKgU-f.ProductKgU-f.TailsKgU) > 1e-9 ||
		math.Abs(f.FeedKgU/f.ProductKgU-(3.67-0.3)/(0.711-0.3)) > 1e-9 || f.ProductKgU < 75 || f.ProductKgU > 90 {
		t.Errorf("flows %+v", f)
	}
}

// Statistical test of the tests: over many plants with no diversion, Page's
// test on SITMUF alarms at the target false-alarm rate (5 %), within
// sampling error (four standard errors); so does the last CUMUF test.
func TestFalseAlarmRate(t *testing.T) {
	const runs = 2000
	pageAlarms, cumufAlarms := 0, 0
	for seed := range uint64(runs) {
		r, err := simulate(t, seed+1, nil, accountancy.NatanzJCPOA()).Test(accountancy.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if r.Page.AlarmPeriod != nil {
			pageAlarms++
		}
		if r.CUMUF.Alarm {
			cumufAlarms++
		}
	}
	se := math.Sqrt(0.05 * 0.95 / runs)
	for name, n := range map[string]int{"Page on SITMUF": pageAlarms, "CUMUF": cumufAlarms} {
		rate := float64(n) / runs
		t.Logf("%s: %d alarms in %d runs without diversion (%.3f)", name, n, runs, rate)
		if math.Abs(rate-0.05) > 4*se {
			t.Errorf("%s false-alarm rate %.4f, want 0.05 ± %.4f", name, rate, 4*se)
		}
	}
}

// With an abrupt diversion the alarm rate over many plants matches the
// detection probability computed from the covariance.
func TestDetectionRateMatchesTheProbability(t *testing.T) {
	plant := accountancy.NatanzJCPOA()
	ref := simulate(t, 99, nil, plant)
	sigma := ref.Balances[5].SigmaMUFKgU
	d := &accountancy.Diversion{Kind: "abrupt", KgU: math.Round(2.5 * sigma), Month: 6, From: "product"}
	dp, err := ref.DetectionProbability(accountancy.Loss{Kind: "abrupt", KgU: d.KgU, Period: 5}, accountancy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const runs = 1500
	alarms := 0
	for seed := range uint64(runs) {
		r, err := simulate(t, 10_000+seed, d, plant).Test(accountancy.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if r.Page.AlarmPeriod != nil {
			alarms++
		}
	}
	rate := float64(alarms) / runs
	se := math.Sqrt(dp * (1 - dp) / runs)
	t.Logf("diverting %.0f kg U (2.5 sigma-MUF) in month 6: detection probability %.3f, alarm rate %.3f over %d runs", d.KgU, dp, rate, runs)
	if dp < 0.15 || dp > 0.95 || math.Abs(rate-dp) > 4*se+0.01 {
		t.Errorf("alarm rate %.4f, detection probability %.4f (± %.4f)", rate, dp, 4*se+0.01)
	}
}

// A diversion larger than the store is refused, naming the flag and the
// store; one significant quantity of the JCPOA plant's 3.67 % product is
// 2,043.6 kg U, far above its product store.
func TestDiversionLargerThanTheStoreIsRefused(t *testing.T) {
	for _, c := range []struct {
		spec, want string
	}{
		{"abrupt:1sq@6", "2043.6 kg U (abrupt, 1 SQ in month 6) is more than the plant holds: its product store holds 150.0 kg U of 3.67 % uranium"},
		{"protracted:151", "more than the plant holds"},
		{"abrupt:10@13", "month 13 is after the last simulated month 12"},
	} {
		d, err := accountancy.ParseDiversion(c.spec)
		if err != nil {
			t.Fatal(err)
		}
		_, err = accountancy.Simulate(accountancy.Simulation{Plant: accountancy.NatanzJCPOA(), Months: 12, Diversion: &d, Table: accountancy.ExampleTable()})
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "diversion: ") {
			t.Errorf("%s: %v, want %q", c.spec, err, c.want)
		}
	}
	for _, bad := range []string{"sudden:10@2", "abrupt:10", "abrupt:-3@2", "protracted:5@3", "abrupt:x@1"} {
		if _, err := accountancy.ParseDiversion(bad); err == nil {
			t.Errorf("%s parsed", bad)
		}
	}
}

// An abrupt diversion shows in the month it happens: that month's MUF is
// the diverted mass plus measurement error.
func TestDiversionShowsInItsMonth(t *testing.T) {
	plant := accountancy.NatanzJCPOA()
	clean := simulate(t, 5, nil, plant)
	d := &accountancy.Diversion{Kind: "abrupt", KgU: 100, Month: 4}
	div := simulate(t, 5, d, plant)
	for i := range clean.Balances {
		diff := div.Balances[i].MUFKgU - clean.Balances[i].MUFKgU
		want := 0.0
		if i == 3 {
			want = 100
		}
		// Same seed, same errors: only the store's measured value differs,
		// by the diverted mass times (1 + its errors).
		if math.Abs(diff-want) > 1 {
			t.Errorf("month %d: MUF changed by %.2f kg U, want %.0f", i+1, diff, want)
		}
	}
}
