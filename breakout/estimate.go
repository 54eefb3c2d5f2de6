// Package breakout estimates how long a centrifuge fleet needs to turn an
// inventory of enriched uranium (and, after it, natural uranium) into
// significant quantities of weapon-grade uranium: the "breakout time".
//
// The model is the one behind the public estimates it is tested against:
// ideal-cascade separative work from package enrich, each lot enriched
// directly to the target assay, the highest-assay stock first, then lower
// lots, then natural uranium, with the whole fleet's capacity (scaled by
// each group's efficiency) available to every step. Every estimate carries
// its assumptions and its steps; where inputs have ranges, [Band] gives a
// Monte Carlo band.
package breakout

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/accordverify/accord/enrich"
)

// DaysPerYear converts annual separative capacity to days.
const DaysPerYear = 365.25

// DaysPerMonth is the length of each month of [Result.CumulativeSQByMonth].
const DaysPerMonth = DaysPerYear / 12

// Months is the number of months of the cumulative series.
const Months = 12

// Result is a deterministic breakout estimate (every ranged input at its
// central value).
type Result struct {
	Convention      enrich.Convention `json:"convention"`
	ConventionText  string            `json:"convention_text"`
	TargetPct       float64           `json:"target_pct"`
	QuantitySQ      float64           `json:"quantity_sq"`
	ProductKgUPerSQ float64           `json:"product_kg_u_per_sq"`
	// CapacitySWUPerYear is the fleet's effective capacity, the sum over
	// Fleet of count x SWU per machine-year x efficiency.
	CapacitySWUPerYear float64     `json:"capacity_swu_per_year"`
	Fleet              []FleetLine `json:"fleet"`
	SetupDays          float64     `json:"setup_days"`
	// FirstSQDays is the days until the first significant quantity is
	// complete, set-up included; nil when it cannot be reached.
	FirstSQDays *float64 `json:"first_sq_days"`
	// TargetDays is the days until QuantitySQ significant quantities are
	// complete; nil when they cannot be reached.
	TargetDays *float64 `json:"target_days"`
	// SWUTotal is the separative work of Steps, kg-SWU.
	SWUTotal float64 `json:"swu_total"`
	// Steps make QuantitySQ significant quantities (or as much as the
	// material allows when that is less).
	Steps []Step `json:"steps"`
	// CumulativeSQByMonth is the significant quantities (fractional)
	// complete at the end of each of the first 12 months.
	CumulativeSQByMonth [Months]float64 `json:"cumulative_sq_by_month"`
	StockConversion     StockConversion `json:"stock_conversion"`
	// Skipped lists lots that cannot be enriched with their tails assay.
	Skipped []string `json:"skipped,omitempty"`
	// Unreachable says why the target or the first SQ cannot be reached.
	Unreachable string   `json:"unreachable,omitempty"`
	Assumptions []string `json:"assumptions"`
	// Uncertainty is set by the caller from [Band]; nil when every input is
	// fixed.
	Uncertainty *Uncertainty `json:"uncertainty"`
}

// FleetLine is one group of the fleet with the values used.
type FleetLine struct {
	Machine            string  `json:"machine"`
	Count              int     `json:"count"`
	SWUPerYear         float64 `json:"swu_per_year"`
	Efficiency         float64 `json:"efficiency"`
	CapacitySWUPerYear float64 `json:"capacity_swu_per_year"`
	Source             string  `json:"source"`
}

// Step is one enrichment step of a breakout.
type Step struct {
	Feed       string  `json:"feed"`
	FeedPct    float64 `json:"feed_pct"`
	FeedKgU    float64 `json:"feed_kg_u"`
	ProductPct float64 `json:"product_pct"`
	ProductKgU float64 `json:"product_kg_u"`
	// TailsPct is nil for stock already at or above the target assay.
	TailsPct    *float64 `json:"tails_pct"`
	TailsKgU    float64  `json:"tails_kg_u"`
	TailsSource string   `json:"tails_source,omitempty"`
	SWU         float64  `json:"swu"`
}

// StockConversion is what the existing stock alone yields when all of it is
// enriched to the target assay.
type StockConversion struct {
	ProductKgU float64 `json:"product_kg_u"`
	SQ         float64 `json:"sq"`
	SWU        float64 `json:"swu"`
	// Days includes set-up; nil when the fleet has no capacity and work is
	// needed.
	Days *float64 `json:"days"`
}

// source is one feed in the order it is used.
type source struct {
	label       string
	lot         int // index into Scenario.Inventory; -1 for natural uranium
	feed        enrich.Assay
	tails       enrich.Assay // zero when the feed is already at target
	tailsSource string
	massKgU     float64 // +Inf for unlimited natural uranium
	f           enrich.Factors
}

// maxProduct is the product the source yields when all of mass is fed.
func (s *source) maxProduct(mass float64) float64 { return mass / s.f.FeedPerProduct }

// ranged is an input drawn from a triangular distribution in the band.
type ranged struct {
	low, mode, high float64
}

func (r ranged) varies() bool { return r.low < r.high }

// group is one fleet group with its ranges.
type group struct {
	line       FleetLine
	count      float64
	swu        ranged
	efficiency ranged
}

// plan is a validated scenario compiled for evaluation.
type plan struct {
	s       Scenario
	target  enrich.Assay
	conv    enrich.Convention
	perSQ   float64
	sources []source
	skipped []string
	groups  []group
	masses  []ranged // per source; natural fixed
	varied  []string
}

func compile(s Scenario) (*plan, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	target := enrich.MustPercent(s.Target.AssayPct)
	conv := s.Target.Convention
	perSQ, err := conv.ProductKgUPerSQ(target)
	if err != nil {
		return nil, err
	}
	p := &plan{s: s, target: target, conv: conv, perSQ: perSQ}

	order := make([]int, len(s.Inventory))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Compare(s.Inventory[b].AssayPct, s.Inventory[a].AssayPct)
	})
	for _, i := range order {
		l := s.Inventory[i]
		feed := enrich.MustPercent(l.AssayPct)
		label := l.Label
		if label == "" {
			label = fmt.Sprintf("inventory[%d] %s kg U at %s", i, num(l.MassKgU), feed)
		}
		src := source{label: label, lot: i, feed: feed, massKgU: l.MassKgU}
		if feed.Fraction() >= target.Fraction() {
			src.f = enrich.Factors{FeedPerProduct: 1}
		} else {
			tails, tsrc, ok := tailsFor(feed, s.TailsPct)
			if !ok {
				p.skipped = append(p.skipped, fmt.Sprintf("%s: tails assay not below the feed assay, lot not used", label))
				continue
			}
			src.tails, src.tailsSource = tails, tsrc
			if src.f, err = enrich.StepFactors(target, feed, tails); err != nil {
				return nil, err
			}
		}
		r := ranged{l.MassKgU, l.MassKgU, l.MassKgU}
		if l.MassRangeKgU != nil {
			r = ranged{l.MassRangeKgU[0], l.MassKgU, l.MassRangeKgU[1]}
			if r.varies() {
				p.varied = append(p.varied, fmt.Sprintf("inventory[%d].mass_kg_u %s-%s", i, num(r.low), num(r.high)))
			}
		}
		p.sources = append(p.sources, src)
		p.masses = append(p.masses, r)
	}
	natural := source{label: "natural uranium", lot: -1, feed: enrich.Natural, massKgU: math.Inf(1)}
	if s.NaturalUranium.Limited {
		natural.massKgU = s.NaturalUranium.MassKgU
	}
	if natural.massKgU > 0 && enrich.Natural.Fraction() < target.Fraction() {
		tails, tsrc, ok := tailsFor(enrich.Natural, s.TailsPct)
		if ok {
			natural.tails, natural.tailsSource = tails, tsrc
			if natural.f, err = enrich.StepFactors(target, enrich.Natural, tails); err != nil {
				return nil, err
			}
			p.sources = append(p.sources, natural)
			p.masses = append(p.masses, ranged{natural.massKgU, natural.massKgU, natural.massKgU})
		} else {
			p.skipped = append(p.skipped, "natural uranium: tails assay not below 0.711 %, not used")
		}
	}

	for i, g := range s.Fleet {
		gr := group{count: float64(g.Count)}
		m, known := LookupMachine(g.Machine)
		var swu ranged
		source := ""
		switch {
		case g.SWUPerYear != nil:
			v := *g.SWUPerYear
			swu = ranged{v, v, v}
			source = "scenario swu_per_year"
			if g.SWURange != nil {
				swu = ranged{g.SWURange[0], v, g.SWURange[1]}
				source += fmt.Sprintf(", range %s-%s", num(swu.low), num(swu.high))
			}
		case known:
			swu = ranged{m.SWUPerYear, m.SWUPerYear, m.SWUPerYear}
			if m.Range != nil {
				swu = ranged{m.Range[0], m.SWUPerYear, m.Range[1]}
			}
			source = fmt.Sprintf("catalogue (%s): %s", m.Status, m.Source)
		}
		if swu.varies() {
			p.varied = append(p.varied, fmt.Sprintf("fleet[%d] %s SWU per machine-year %s-%s", i, g.Machine, num(swu.low), num(swu.high)))
		}
		eff := ranged{1, 1, 1}
		if g.Efficiency != nil {
			eff = ranged{*g.Efficiency, *g.Efficiency, *g.Efficiency}
		}
		if g.EfficiencyRange != nil {
			eff.low, eff.high = g.EfficiencyRange[0], g.EfficiencyRange[1]
			if g.Efficiency == nil {
				eff.mode = midpoint(g.EfficiencyRange)
			}
			if eff.varies() {
				p.varied = append(p.varied, fmt.Sprintf("fleet[%d] %s efficiency %s-%s", i, g.Machine, num(eff.low), num(eff.high)))
			}
		}
		gr.swu, gr.efficiency = swu, eff
		gr.line = FleetLine{
			Machine: g.Machine, Count: g.Count, SWUPerYear: swu.mode, Efficiency: eff.mode,
			CapacitySWUPerYear: gr.count * swu.mode * eff.mode, Source: source,
		}
		p.groups = append(p.groups, gr)
	}
	return p, nil
}

// productForSWU returns the kg U of target product that budget kg-SWU make
// from the sources, used in order, with the given masses.
func (p *plan) productForSWU(budget float64, masses []float64) float64 {
	total := 0.0
	for i := range p.sources {
		src := &p.sources[i]
		maxP := src.maxProduct(masses[i])
		cost := maxP * src.f.SWUPerProduct
		if cost <= budget {
			total += maxP
			budget -= cost
			continue
		}
		return total + budget/src.f.SWUPerProduct
	}
	return total
}

// swuForProduct returns the kg-SWU needed to make product kg U; ok is false
// when the sources cannot yield that much.
func (p *plan) swuForProduct(product float64, masses []float64) (swu float64, ok bool) {
	for i := range p.sources {
		src := &p.sources[i]
		maxP := src.maxProduct(masses[i])
		if maxP >= product {
			return swu + product*src.f.SWUPerProduct, true
		}
		product -= maxP
		swu += maxP * src.f.SWUPerProduct
	}
	return swu, product <= 1e-12
}

// days returns the days to do swu of work at capacity SWU per year, set-up
// included; +Inf when there is work and no capacity.
func (p *plan) days(swu, capacity float64) float64 {
	if swu <= 0 {
		return p.s.SetupDays
	}
	if capacity <= 0 {
		return math.Inf(1)
	}
	return p.s.SetupDays + swu/capacity*DaysPerYear
}

// evaluate computes the figures the band varies: the days to the first SQ
// (+Inf when unreachable) and the cumulative SQ at the end of each month.
func (p *plan) evaluate(capacity float64, masses []float64, months *[Months]float64) float64 {
	first := math.Inf(1)
	if swu, ok := p.swuForProduct(p.perSQ, masses); ok {
		first = p.days(swu, capacity)
	}
	perDay := capacity / DaysPerYear
	for m := range months {
		work := (float64(m+1)*DaysPerMonth - p.s.SetupDays) * perDay
		months[m] = p.productForSWU(max(work, 0), masses) / p.perSQ
	}
	return first
}

func (p *plan) centralMasses() []float64 {
	m := make([]float64, len(p.masses))
	for i, r := range p.masses {
		m[i] = r.mode
	}
	return m
}

func (p *plan) centralCapacity() float64 {
	c := 0.0
	for _, g := range p.groups {
		c += g.line.CapacitySWUPerYear
	}
	return c
}

// Estimate computes the deterministic breakout estimate of s, every ranged
// input at its central value. An invalid scenario returns a *FieldError.
func Estimate(s Scenario) (*Result, error) {
	p, err := compile(s)
	if err != nil {
		return nil, err
	}
	masses := p.centralMasses()
	capacity := p.centralCapacity()
	r := &Result{
		Convention:         p.conv,
		ConventionText:     p.conv.Describe(),
		TargetPct:          p.target.Percent(),
		QuantitySQ:         s.Target.QuantitySQ,
		ProductKgUPerSQ:    p.perSQ,
		CapacitySWUPerYear: capacity,
		SetupDays:          s.SetupDays,
		Skipped:            p.skipped,
		Steps:              []Step{},
	}
	for _, g := range p.groups {
		r.Fleet = append(r.Fleet, g.line)
	}
	r.FirstSQDays = finitePtr(p.evaluate(capacity, masses, &r.CumulativeSQByMonth))

	// Steps for the target quantity.
	remaining := s.Target.QuantitySQ * p.perSQ
	for i := range p.sources {
		if remaining <= 0 {
			break
		}
		src := &p.sources[i]
		prod := min(remaining, src.maxProduct(masses[i]))
		if prod <= 0 {
			continue
		}
		remaining -= prod
		r.Steps = append(r.Steps, src.step(prod, p.target))
		r.SWUTotal += prod * src.f.SWUPerProduct
	}
	if remaining <= 1e-9 {
		r.TargetDays = finitePtr(p.days(r.SWUTotal, capacity))
	}

	// Whole-stock conversion: the lots alone, natural uranium excluded.
	for i := range p.sources {
		src := &p.sources[i]
		if src.lot < 0 {
			continue
		}
		prod := src.maxProduct(masses[i])
		r.StockConversion.ProductKgU += prod
		r.StockConversion.SWU += prod * src.f.SWUPerProduct
	}
	r.StockConversion.SQ = r.StockConversion.ProductKgU / p.perSQ
	r.StockConversion.Days = finitePtr(p.days(r.StockConversion.SWU, capacity))

	switch {
	case r.FirstSQDays == nil && capacity <= 0:
		r.Unreachable = "the fleet has no enrichment capacity"
	case r.FirstSQDays == nil:
		r.Unreachable = "the stock and the natural uranium available cannot make one significant quantity"
	case r.TargetDays == nil && remaining > 1e-9:
		r.Unreachable = fmt.Sprintf("the stock and the natural uranium available make only %s of %s significant quantities",
			num(s.Target.QuantitySQ-remaining/p.perSQ), num(s.Target.QuantitySQ))
	case r.TargetDays == nil:
		r.Unreachable = "the fleet has no enrichment capacity"
	}
	r.Assumptions = p.assumptions()
	return r, nil
}

func (src *source) step(prod float64, target enrich.Assay) Step {
	st := Step{
		Feed:       src.label,
		FeedPct:    src.feed.Percent(),
		FeedKgU:    prod * src.f.FeedPerProduct,
		ProductPct: target.Percent(),
		ProductKgU: prod,
		TailsKgU:   prod * src.f.TailsPerProduct,
		SWU:        prod * src.f.SWUPerProduct,
	}
	if src.tails.Valid() {
		t := src.tails.Percent()
		st.TailsPct = &t
		st.TailsSource = src.tailsSource
	} else {
		st.ProductPct = src.feed.Percent()
	}
	return st
}

func (p *plan) assumptions() []string {
	s := p.s
	a := []string{
		fmt.Sprintf("one significant quantity is %s kg U at %s (%s)", num(p.perSQ), p.target, p.conv.Describe()),
		"ideal-cascade separative work (value function on U-235 weight fractions), scaled by each group's efficiency; " +
			"the whole fleet can work on every step (batch recycling or reconfigured cascades)",
		"stock used highest assay first, each lot enriched directly to the target assay, then natural uranium (0.711 %), " +
			"supply " + s.NaturalUranium.String(),
		fmt.Sprintf("set-up %s days before separative work starts; %g days a year, months of %g days",
			num(s.SetupDays), DaysPerYear, DaysPerMonth),
	}
	for _, g := range p.groups {
		l := g.line
		a = append(a, fmt.Sprintf("%d %s x %s SWU/yr x efficiency %s = %s SWU/yr (%s)",
			l.Count, l.Machine, num(l.SWUPerYear), num(l.Efficiency), num(l.CapacitySWUPerYear), l.Source))
	}
	for _, src := range p.sources {
		if src.tails.Valid() {
			a = append(a, fmt.Sprintf("tails %s for %s feed (%s)", src.tails, src.feed, src.tailsSource))
		} else {
			a = append(a, fmt.Sprintf("%s is at or above the target assay and counts as product without further work", src.label))
		}
	}
	return a
}

func finitePtr(f float64) *float64 {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil
	}
	return &f
}

// num formats a number for people: up to 4 significant figures, never an
// exponent, no trailing zeros.
func num(f float64) string {
	if f == 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	decimals := max(0, 3-int(math.Floor(math.Log10(math.Abs(f)))))
	out := strconv.FormatFloat(f, 'f', decimals, 64)
	if strings.Contains(out, ".") {
		out = strings.TrimRight(strings.TrimRight(out, "0"), ".")
	}
	return out
}
