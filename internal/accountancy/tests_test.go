package accountancy_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/accountancy"
	"github.com/accordverify/accord/internal/input"
)

// A loss to detect reads as abrupt:KG_U@PERIOD (periods from 1, kept from
// 0) or protracted:KG_U; anything else, a mass in significant quantities
// included, is bad input of the field detect with the rule it broke.
func TestParseLoss(t *testing.T) {
	for _, c := range []struct {
		spec string
		want accountancy.Loss
	}{
		{"abrupt:20@6", accountancy.Loss{Kind: "abrupt", KgU: 20, Period: 5}},
		{"abrupt:41.7@1", accountancy.Loss{Kind: "abrupt", KgU: 41.7, Period: 0}},
		{"protracted:12", accountancy.Loss{Kind: "protracted", KgU: 12}},
	} {
		got, err := accountancy.ParseLoss(c.spec)
		if err != nil || got != c.want {
			t.Errorf("ParseLoss(%q) = %+v, %v; want %+v", c.spec, got, err, c.want)
		}
	}
	for _, bad := range []string{"abrupt:1sq@6", "protracted:2SQ", "sudden:10@2", "abrupt:10", "abrupt:0@2", "protracted:5@3", ""} {
		_, err := accountancy.ParseLoss(bad)
		var ie *input.Error
		if !errors.As(err, &ie) || ie.Field != "detect" || ie.Rule != `want abrupt:KG_U@PERIOD or protracted:KG_U in kg U, got "`+bad+`"` {
			t.Errorf("ParseLoss(%q): %v, want an input error of detect naming the form", bad, err)
		}
	}
}

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
