package accountancy_test

import (
	"math"
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
