// Package enrich computes the physics of uranium enrichment: assays, the
// value (separation potential) function, feed/product/tails mass balances,
// separative work, U-235 content, UF6 <-> U mass conversion and IAEA
// significant quantities.
//
// Masses are kilograms of uranium element (kg U) unless a name says
// otherwise; separative work is in kg-SWU. Assays are [Assay] values, built
// from a percentage or a weight fraction, so that 3.67 (percent) and 0.0367
// (fraction) cannot be confused.
//
// The formulas follow the public calculators that agree with each other
// (WISE Uranium Project, UxC): V(x) = (2x-1)·ln(x/(1-x)) with x the U-235
// weight fraction; F/P = (xp-xt)/(xf-xt); SWU = P·V(xp) + T·V(xt) - F·V(xf).
// These are ideal-cascade figures: real plants need more machine time, which
// callers model with an efficiency factor.
//
// The package uses the standard library only.
package enrich

import (
	"fmt"
	"math"
	"strconv"
)

// Assay is a U-235 weight fraction, strictly between 0 and 1. The zero value
// is not a valid assay; build one with [Percent] or [Fraction].
type Assay struct {
	// pct is kept as given so that percentages echo back exactly.
	pct float64
}

// Natural is the U-235 weight fraction of natural uranium, 0.711 %, the
// default of the WISE Uranium Project calculator (some sources use 0.72 %).
var Natural = Assay{pct: 0.711}

// Percent returns the assay for a U-235 content given in percent, such as
// 3.67 for JCPOA-level low-enriched uranium. It fails unless 0 < pct < 100.
func Percent(pct float64) (Assay, error) {
	if math.IsNaN(pct) || pct <= 0 || pct >= 100 {
		return Assay{}, fmt.Errorf("assay %s %% is outside (0, 100) %%", fmtFloat(pct))
	}
	return Assay{pct: pct}, nil
}

// Fraction returns the assay for a U-235 weight fraction, such as 0.0367.
// It fails unless 0 < f < 1.
func Fraction(f float64) (Assay, error) {
	if math.IsNaN(f) || f <= 0 || f >= 1 {
		return Assay{}, fmt.Errorf("assay fraction %s is outside (0, 1)", fmtFloat(f))
	}
	return Assay{pct: f * 100}, nil
}

// MustPercent is like [Percent] but panics on an invalid value. It is meant
// for constants in programs and tests.
func MustPercent(pct float64) Assay {
	a, err := Percent(pct)
	if err != nil {
		panic("enrich.MustPercent: " + err.Error())
	}
	return a
}

// Fraction returns the U-235 weight fraction, in (0, 1).
func (a Assay) Fraction() float64 { return a.pct / 100 }

// Percent returns the U-235 content in percent, in (0, 100).
func (a Assay) Percent() float64 { return a.pct }

// Valid reports whether a was built by [Percent] or [Fraction] (and is not
// the zero value).
func (a Assay) Valid() bool { return a.pct > 0 && a.pct < 100 }

// String formats the assay in percent, for example "3.67 %".
func (a Assay) String() string { return strconv.FormatFloat(a.pct, 'g', 10, 64) + " %" }

// Value is the value (separation potential) function V(x) = (2x-1)·ln(x/(1-x))
// in kg-SWU per kg, with x the U-235 weight fraction.
func Value(a Assay) float64 {
	x := a.Fraction()
	return (2*x - 1) * math.Log(x/(1-x))
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
