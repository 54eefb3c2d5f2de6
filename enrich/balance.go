package enrich

import (
	"fmt"
	"math"
)

// InputError reports an impossible input. Arg names the argument, Rule the
// rule it breaks.
type InputError struct {
	Arg  string
	Rule string
}

func (e *InputError) Error() string { return "enrich: " + e.Arg + ": " + e.Rule }

func inputErr(arg, format string, a ...any) error {
	return &InputError{Arg: arg, Rule: fmt.Sprintf(format, a...)}
}

// Stream is a quantity of uranium at one assay.
type Stream struct {
	MassKgU float64
	Assay   Assay
}

// Balance is the mass balance and separative work of one enrichment step:
// Feed = Product + Tails for uranium and for U-235.
type Balance struct {
	Product Stream
	Feed    Stream
	Tails   Stream
	// SWU is the separative work in kg-SWU.
	SWU float64
}

// Factors are the per-kilogram-of-product figures of a step.
type Factors struct {
	// FeedPerProduct is kg U of feed per kg U of product: (xp-xt)/(xf-xt).
	FeedPerProduct float64
	// TailsPerProduct is kg U of tails per kg U of product: (xp-xf)/(xf-xt).
	TailsPerProduct float64
	// SWUPerProduct is kg-SWU per kg U of product.
	SWUPerProduct float64
}

// StepFactors returns the per-kilogram figures for enriching feed to product
// with the given tails. It fails unless tails < feed < product and every
// assay is valid.
func StepFactors(product, feed, tails Assay) (Factors, error) {
	if err := checkAssays(product, feed, tails); err != nil {
		return Factors{}, err
	}
	xp, xf, xt := product.Fraction(), feed.Fraction(), tails.Fraction()
	fp := (xp - xt) / (xf - xt)
	tp := (xp - xf) / (xf - xt)
	swu := Value(product) + tp*Value(tails) - fp*Value(feed)
	return Factors{FeedPerProduct: fp, TailsPerProduct: tp, SWUPerProduct: swu}, nil
}

// ForProduct returns the step that makes productKgU of product from feed,
// leaving tails: how much feed it takes, how much tails it leaves and the
// separative work.
func ForProduct(productKgU float64, product, feed, tails Assay) (Balance, error) {
	f, err := massFactors("product mass", productKgU, product, feed, tails)
	if err != nil {
		return Balance{}, err
	}
	return Balance{
		Product: Stream{productKgU, product},
		Feed:    Stream{productKgU * f.FeedPerProduct, feed},
		Tails:   Stream{productKgU * f.TailsPerProduct, tails},
		SWU:     productKgU * f.SWUPerProduct,
	}, nil
}

// FromFeed returns the step that enriches all of feedKgU to product, leaving
// tails: how much product it yields and the separative work.
func FromFeed(feedKgU float64, feed, product, tails Assay) (Balance, error) {
	f, err := massFactors("feed mass", feedKgU, product, feed, tails)
	if err != nil {
		return Balance{}, err
	}
	p := feedKgU / f.FeedPerProduct
	return Balance{
		Product: Stream{p, product},
		Feed:    Stream{feedKgU, feed},
		Tails:   Stream{feedKgU - p, tails},
		SWU:     p * f.SWUPerProduct,
	}, nil
}

// massFactors checks the mass of the stream named name, and returns the
// step's factors.
func massFactors(name string, kgU float64, product, feed, tails Assay) (Factors, error) {
	if err := checkMass(name, kgU); err != nil {
		return Factors{}, err
	}
	return StepFactors(product, feed, tails)
}

// SWU returns the separative work, in kg-SWU, of making productKgU of product
// from feed with the given tails.
func SWU(productKgU float64, product, feed, tails Assay) (float64, error) {
	b, err := ForProduct(productKgU, product, feed, tails)
	return b.SWU, err
}

// U235 returns the kilograms of U-235 contained in massKgU of uranium at
// assay a.
func U235(massKgU float64, a Assay) (float64, error) {
	if err := checkMass("mass", massKgU); err != nil {
		return 0, err
	}
	if !a.Valid() {
		return 0, inputErr("assay", "must be in (0, 100) %%")
	}
	return massKgU * a.Fraction(), nil
}

func checkMass(arg string, kg float64) error {
	if math.IsNaN(kg) || math.IsInf(kg, 0) {
		return inputErr(arg, "must be a finite number of kg, got %v", kg)
	}
	if kg < 0 {
		return inputErr(arg, "must not be negative, got %s kg", fmtFloat(kg))
	}
	return nil
}

func checkAssays(product, feed, tails Assay) error {
	for _, a := range []struct {
		name  string
		assay Assay
	}{{"product assay", product}, {"feed assay", feed}, {"tails assay", tails}} {
		if !a.assay.Valid() {
			return inputErr(a.name, "must be in (0, 100) %%")
		}
	}
	if tails.Fraction() >= feed.Fraction() {
		return inputErr("tails assay", "%s must be below the feed assay %s", tails, feed)
	}
	if product.Fraction() <= feed.Fraction() {
		return inputErr("product assay", "%s must be above the feed assay %s", product, feed)
	}
	return nil
}
