package accountancy_test

import (
	"math"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/accountancy"
)

// Page thresholds for a 5 % false-alarm probability match the reference's
// derived table (section 2.4; its Monte Carlo error is about ±0.02).
func TestPageThresholdsMatchTheReference(t *testing.T) {
	for _, c := range []struct {
		n    int
		k, h float64
	}{{12, 0.5, 3.38}, {12, 1.0, 1.91}, {24, 0.5, 4.13}, {24, 1.0, 2.27}} {
		got := accountancy.PageThreshold(c.n, c.k, 0.05, 200_000, 7)
		if math.Abs(got-c.h) > 0.05 {
			t.Errorf("n %d, k %g: h = %.3f, want %.2f ± 0.05", c.n, c.k, got, c.h)
		}
	}
}

func TestZQuantile(t *testing.T) {
	for _, c := range []struct{ p, z float64 }{{0.95, 1.6449}, {0.90, 1.2816}, {0.5, 0}} {
		if got := accountancy.ZQuantile(c.p); math.Abs(got-c.z) > 1e-4 {
			t.Errorf("z(%g) = %.5f, want %.4f", c.p, got, c.z)
		}
	}
}

// One balance's test alarms with the false-alarm probability when nothing
// is missing, and with 1 − β = 90 % when the loss is (z(0.95) + z(0.90)) σ.
func TestBalanceDetectionProbability(t *testing.T) {
	p, err := accountancy.BalanceDetectionProbability(0, 10, 0.05)
	if err != nil || math.Abs(p-0.05) > 1e-9 {
		t.Errorf("no loss: %v, %v; want 0.05", p, err)
	}
	loss := 10 * (accountancy.ZQuantile(0.95) + accountancy.ZQuantile(0.90))
	if p, _ = accountancy.BalanceDetectionProbability(loss, 10, 0.05); math.Abs(p-0.90) > 1e-9 {
		t.Errorf("loss %.2f kg at σ 10 kg: %v; want 0.90", loss, p)
	}
	if _, err := accountancy.BalanceDetectionProbability(1, 0, 0.05); err == nil || !strings.Contains(err.Error(), "sigma_muf_kg") {
		t.Errorf("σ 0: %v; want an error naming sigma_muf_kg", err)
	}
}
