package report

import (
	"math"
	"strings"
	"testing"
)

// On the warning chart's scale two weeks below zero are as far from zero
// as several months above it, and the scale keeps the order of values.
func TestSymmetricLogScale(t *testing.T) {
	lo, hi := -30.0, 500.0
	n := func(x float64) float64 { return symLog{}.Normalize(lo, hi, x) }
	if n(lo) != 0 || math.Abs(n(hi)-1) > 1e-12 {
		t.Errorf("the ends normalize to %g and %g, want 0 and 1", n(lo), n(hi))
	}
	for x := lo; x < hi; x += 0.5 {
		if n(x+0.5) <= n(x) {
			t.Fatalf("not increasing at %g", x)
		}
	}
	// -14 days lies a fifth of the axis or more below zero; on a linear
	// axis it would lie 14/530 of it.
	if d := n(0) - n(-14); d < 0.2 {
		t.Errorf("-14 days lies %.3f of the axis below zero, want at least 0.2", d)
	}
	ticks := symLogTicks{}.Ticks(lo, hi)
	var labels []string
	for _, tk := range ticks {
		labels = append(labels, tk.Label)
	}
	if got := strings.Join(labels, " "); got != "-30 -10 0 10 30 100 300" {
		t.Errorf("ticks %s", got)
	}
	// Near zero, a day and three.
	labels = nil
	for _, tk := range (symLogTicks{}).Ticks(-5, 20) {
		labels = append(labels, tk.Label)
	}
	if got := strings.Join(labels, " "); got != "-3 -1 0 1 3 10" {
		t.Errorf("ticks within 30 days of zero: %s", got)
	}
}
