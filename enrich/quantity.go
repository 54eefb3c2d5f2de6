package enrich

import "fmt"

// RegulatoryUF6Factor is the kg of uranium per kg of UF6 used in IAEA and
// JCPOA practice: 300 kg UF6 is reported as 202.8 kg U.
const RegulatoryUF6Factor = 0.676

// Atomic masses (g/mol) used for the exact UF6 factor.
const (
	massU235 = 235.0439299
	massU238 = 238.0507882
	massF    = 18.998403163
)

// UF6Factor returns the exact kg of uranium per kg of UF6 for uranium of
// assay a, from the isotopic molar mass (U-234 neglected): 0.67618 for
// natural uranium, 0.67369 at 90 %. It panics on an invalid assay.
func UF6Factor(a Assay) float64 {
	if !a.Valid() {
		panic("enrich.UF6Factor: invalid assay")
	}
	mU := 1 / (a.Fraction()/massU235 + (1-a.Fraction())/massU238)
	return mU / (mU + 6*massF)
}

// UFromUF6 converts kgUF6 of uranium hexafluoride to kg of uranium with the
// given factor ([RegulatoryUF6Factor] or [UF6Factor]).
func UFromUF6(kgUF6, factor float64) (float64, error) {
	if err := checkMass("UF6 mass", kgUF6); err != nil {
		return 0, err
	}
	if err := checkFactor(factor); err != nil {
		return 0, err
	}
	return kgUF6 * factor, nil
}

// UF6FromU converts kgU of uranium to kg of uranium hexafluoride with the
// given factor ([RegulatoryUF6Factor] or [UF6Factor]).
func UF6FromU(kgU, factor float64) (float64, error) {
	if err := checkMass("U mass", kgU); err != nil {
		return 0, err
	}
	if err := checkFactor(factor); err != nil {
		return 0, err
	}
	return kgU / factor, nil
}

func checkFactor(f float64) error {
	if !(f > 0 && f < 1) {
		return inputErr("factor", "kg U per kg UF6 must be in (0, 1), got %s", fmtFloat(f))
	}
	return nil
}

// Convention is a way of counting significant quantities (SQ) of uranium.
type Convention string

const (
	// IAEA counts U-235 contained: 25 kg in uranium at 20 % or more (direct
	// use), 75 kg below 20 % (indirect use). IAEA Safeguards Glossary, as
	// reproduced by the NSSPI Nuclear Safeguards Education Portal.
	IAEA Convention = "iaea"
	// WGU25 counts 25 kg of uranium enriched to 90 % or more, the "weapon's
	// worth" used by many analysts (for example ISIS).
	WGU25 Convention = "wgu25"
)

// Threshold assays and quantities of the conventions.
var (
	DirectUseAssay   = Assay{pct: 20}
	WeaponGradeAssay = Assay{pct: 90}
)

const (
	sqDirectKgU235   = 25.0
	sqIndirectKgU235 = 75.0
	wgu25KgU         = 25.0
)

// ParseConvention returns the convention named s ("iaea" or "wgu25").
func ParseConvention(s string) (Convention, error) {
	switch c := Convention(s); c {
	case IAEA, WGU25:
		return c, nil
	}
	return "", inputErr("convention", "must be %q or %q, got %q", IAEA, WGU25, s)
}

// ProductKgUPerSQ returns the kg of uranium at assay a that make one
// significant quantity under c. Under IAEA that is 25 kg U-235 (a >= 20 %)
// or 75 kg U-235 (a < 20 %) divided by the U-235 fraction: 41.67 kg U at
// 60 %, the IAEA's "about 42 kg". Under WGU25 it is 25 kg, and a must be at
// least 90 %.
func (c Convention) ProductKgUPerSQ(a Assay) (float64, error) {
	if !a.Valid() {
		return 0, inputErr("assay", "must be in (0, 100) %%")
	}
	switch c {
	case IAEA:
		if a.Fraction() >= DirectUseAssay.Fraction() {
			return sqDirectKgU235 / a.Fraction(), nil
		}
		return sqIndirectKgU235 / a.Fraction(), nil
	case WGU25:
		if a.Fraction() < WeaponGradeAssay.Fraction() {
			return 0, inputErr("assay", "convention wgu25 counts uranium at %s or more, got %s", WeaponGradeAssay, a)
		}
		return wgu25KgU, nil
	}
	return 0, inputErr("convention", "unknown convention %q", string(c))
}

// SignificantQuantities returns how many significant quantities massKgU of
// uranium at assay a holds under c.
func (c Convention) SignificantQuantities(massKgU float64, a Assay) (float64, error) {
	if err := checkMass("mass", massKgU); err != nil {
		return 0, err
	}
	per, err := c.ProductKgUPerSQ(a)
	if err != nil {
		return 0, err
	}
	return massKgU / per, nil
}

// Describe says in words what one significant quantity is under c.
func (c Convention) Describe() string {
	switch c {
	case IAEA:
		return fmt.Sprintf("IAEA: %g kg U-235 contained at %s or more, %g kg below", sqDirectKgU235, DirectUseAssay, sqIndirectKgU235)
	case WGU25:
		return fmt.Sprintf("wgu25: %g kg of uranium at %s or more", wgu25KgU, WeaponGradeAssay)
	}
	return string(c)
}
