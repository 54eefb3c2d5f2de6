// Package breakout estimates how long a centrifuge fleet needs to turn an
// inventory of enriched uranium (and, after it, natural uranium) into
// significant quantities of weapon-grade uranium: the "breakout time".
//
// Separative work is that of ideal cascades (package enrich). How the fleet
// is put to work is a named [Convention]:
//
//   - [Cascades] (the default) runs the steps from near-20 % feed and above
//     in a bounded number of whole cascades of the most capable machines,
//     after a time to reconfigure them, and first enriches lower feed to
//     near 20 % on the other machines, which the high-enrichment cascades
//     join when they have nothing else to do.
//   - [WholeFleet] puts every machine on every step from the first day: a
//     lower bound.
//
// The stock is used highest assay first, then natural uranium. Stages
// overlap: the days to a quantity are the set-up plus the longer of the
// high-enrichment work on the high-enrichment cascades and all the work on
// all the machines. Every estimate carries its assumptions and its steps;
// where inputs have ranges, [Band] gives a Monte Carlo band and [Run] makes
// its median the headline.
package breakout

import (
	"cmp"
	"context"
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

// Stages of a breakout.
const (
	StageHigh  = "high-enrichment"
	StageLow   = "low-enrichment"
	StageWhole = "whole fleet"
)

// Result is a breakout estimate: the deterministic figures (every ranged
// input at its central value) and, from [Run], the band and the headline.
type Result struct {
	Convention     Convention `json:"convention"`
	ConventionText string     `json:"convention_text"`
	// SQ is how a significant quantity is counted.
	SQ              enrich.Convention `json:"sq"`
	SQText          string            `json:"sq_text"`
	TargetPct       float64           `json:"target_pct"`
	QuantitySQ      float64           `json:"quantity_sq"`
	ProductKgUPerSQ float64           `json:"product_kg_u_per_sq"`
	// HeadlineDays is the figure to quote for the first significant
	// quantity: the median of the band when there is one, else
	// FirstSQDays; nil when it is not reached.
	HeadlineDays *float64 `json:"headline_days"`
	// CapacitySWUPerYear is the fleet's effective capacity, the sum over
	// Fleet of count x SWU per machine-year x efficiency.
	CapacitySWUPerYear float64 `json:"capacity_swu_per_year"`
	// HighCapacitySWUPerYear is the capacity on the high-enrichment steps:
	// the chosen cascades (cascades), or the whole fleet (whole-fleet).
	HighCapacitySWUPerYear float64     `json:"high_capacity_swu_per_year"`
	Fleet                  []FleetLine `json:"fleet"`
	SetupDays              float64     `json:"setup_days"`
	// FirstSQDays is the days until the first significant quantity is
	// complete, set-up included, every input at its central value; nil
	// when it cannot be reached.
	FirstSQDays *float64 `json:"first_sq_days"`
	// Timing says how FirstSQDays is reached.
	Timing Timing `json:"timing"`
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
	// Uncertainty is the band from [Run] or [Band]; nil when every input is
	// fixed or no band was asked for.
	Uncertainty *Uncertainty `json:"uncertainty"`
}

// FleetLine is one group of the fleet with the values used.
type FleetLine struct {
	Machine string `json:"machine"`
	Site    string `json:"site,omitempty"`
	Count   int    `json:"count"`
	// Cascades is the cascades the machines form (the last one may be
	// partly filled), HighCascades how many of them run the
	// high-enrichment steps (cascades convention).
	Cascades           int     `json:"cascades"`
	HighCascades       int     `json:"high_enrichment_cascades"`
	SWUPerYear         float64 `json:"swu_per_year"`
	Efficiency         float64 `json:"efficiency"`
	CapacitySWUPerYear float64 `json:"capacity_swu_per_year"`
	Source             string  `json:"source"`
}

// Timing is how the days to the first significant quantity are reached:
// SetupDays plus the longer of HighDays and AllDays.
type Timing struct {
	SetupDays float64 `json:"setup_days"`
	// HighDays is the high-enrichment work at the high-enrichment capacity.
	HighDays *float64 `json:"high_enrichment_days"`
	// AllDays is all the work at the whole fleet's capacity.
	AllDays *float64 `json:"all_work_days"`
	Text    string   `json:"text"`
}

// Step is one enrichment step of a breakout.
type Step struct {
	// Stage is StageHigh, StageLow or StageWhole.
	Stage      string  `json:"stage"`
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
	// Machines says which machines do the step; CapacitySWUPerYear is
	// theirs.
	Machines           string  `json:"machines"`
	CapacitySWUPerYear float64 `json:"capacity_swu_per_year"`
	// Days is the step's separative work at that capacity; stages work at
	// the same time, so the days of steps do not add up (see Timing).
	Days *float64 `json:"days"`
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

// route is how a feed reaches the target.
type route int

const (
	atTarget  route = iota // already at or above the target
	direct                 // enriched straight to the target
	viaNear20              // enriched to IntermediatePct first, then to the target
)

// source is one feed in the order it is used.
type source struct {
	label string
	lot   int // index into Scenario.Inventory; -1 for natural uranium
	feed  enrich.Assay
	route route
	// tails of the step that starts from feed (to the target, or to the
	// intermediate), and of the step from the intermediate to the target.
	tails, tailsHigh int // indices into plan.tails; -1 when unused
}

// ranged is an input drawn from a triangular distribution in the band.
type ranged struct {
	low, mode, high float64
}

func fixed(v float64) ranged { return ranged{v, v, v} }

func (r ranged) varies() bool { return r.low < r.high }

// group is one fleet group with its ranges.
type group struct {
	line       FleetLine
	count      float64
	cascades   int
	size       float64 // machines per cascade (the last may hold fewer)
	high       bool    // allowed on the high-enrichment steps
	swu        ranged
	swuKey     string // groups of one machine type and range share a draw
	efficiency ranged
}

// tailsInput is the tails assay of one feed assay, which the band may vary;
// feeds of the same default band share one draw.
type tailsInput struct {
	choice tailsChoice
	feed   enrich.Assay
}

// plan is a validated scenario compiled for evaluation.
type plan struct {
	s        Scenario
	conv     Convention
	target   enrich.Assay
	sq       enrich.Convention
	perSQ    float64
	staged   bool // the cascades convention with a target above the intermediate
	sources  []source
	masses   []ranged // per source; natural fixed (+Inf when unlimited)
	tails    []tailsInput
	skipped  []string
	groups   []group
	cascades ranged // the most cascades on the high-enrichment steps
	setup    ranged
	setupSrc string
	varied   []string
	classes  []cascadeClass // scratch of capacity
}

// cascadeClass is some cascades of one group with the same capacity.
type cascadeClass struct {
	group    int
	capacity float64
	count    int
}

// compile validates s and compiles it; without texts it leaves out what
// only the result's texts and the band read (labels, sources, the varied
// inputs and the draw keys), for FirstSQDays.
func compile(s Scenario) (*plan, error) { return compileTexts(s, true) }

func compileTexts(s Scenario, texts bool) (*plan, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	conv, _ := ParseConvention(string(s.Convention))
	target := enrich.MustPercent(s.Target.AssayPct)
	sq := s.Target.SQ
	perSQ, err := sq.ProductKgUPerSQ(target)
	if err != nil {
		return nil, err
	}
	p := &plan{s: s, conv: conv, target: target, sq: sq, perSQ: perSQ,
		staged: conv == Cascades && target.Percent() > IntermediatePct,
		groups: make([]group, 0, len(s.Fleet)), sources: make([]source, 0, len(s.Inventory)+1), masses: make([]ranged, 0, len(s.Inventory)+1)}
	near20 := enrich.MustPercent(IntermediatePct)

	order := make([]int, len(s.Inventory))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Compare(s.Inventory[b].AssayPct, s.Inventory[a].AssayPct)
	})
	add := func(src source, mass ranged) bool {
		switch {
		case src.feed.Fraction() >= target.Fraction():
			src.route = atTarget
		case p.staged && src.feed.Percent() < HighFeedPct:
			src.route = viaNear20
		default:
			src.route = direct
		}
		src.tails, src.tailsHigh = -1, -1
		var ok bool
		switch src.route {
		case direct:
			src.tails, ok = p.tailsIndex(src.feed)
		case viaNear20:
			if src.tails, ok = p.tailsIndex(src.feed); ok {
				src.tailsHigh, ok = p.tailsIndex(near20)
			}
		default:
			ok = true
		}
		if !ok {
			return false
		}
		p.sources = append(p.sources, src)
		p.masses = append(p.masses, mass)
		return true
	}
	for _, i := range order {
		l := s.Inventory[i]
		feed := enrich.MustPercent(l.AssayPct)
		label := l.Label
		if label == "" && texts {
			label = fmt.Sprintf("inventory[%d] %s kg U at %s", i, num(l.MassKgU), feed)
		}
		r := fixed(l.MassKgU)
		if l.MassRangeKgU != nil {
			r = ranged{l.MassRangeKgU[0], l.MassKgU, l.MassRangeKgU[1]}
			if r.varies() && texts {
				p.varied = append(p.varied, fmt.Sprintf("inventory[%d].mass_kg_u %s-%s", i, num(r.low), num(r.high)))
			}
		}
		if !add(source{label: label, lot: i, feed: feed}, r) {
			p.skipped = append(p.skipped, fmt.Sprintf("%s: tails assay not below the feed assay, lot not used", label))
		}
	}
	natural := math.Inf(1)
	if s.NaturalUranium.Limited {
		natural = s.NaturalUranium.MassKgU
	}
	if natural > 0 && enrich.Natural.Fraction() < target.Fraction() {
		if !add(source{label: "natural uranium", lot: -1, feed: enrich.Natural}, fixed(natural)) {
			p.skipped = append(p.skipped, "natural uranium: tails assay not below 0.711 %, not used")
		}
	}
	for _, t := range p.tails {
		if t.choice.r.varies() && texts {
			p.varied = append(p.varied, fmt.Sprintf("tails for %s feed %s-%s %%", t.feed, num(t.choice.r.low), num(t.choice.r.high)))
		}
	}

	for i, g := range s.Fleet {
		gr := group{count: float64(g.Count)}
		m, known := catalogueMachine(g.Machine)
		var swu ranged
		source := ""
		switch {
		case g.SWUPerYear != nil:
			swu = fixed(*g.SWUPerYear)
			source = "scenario swu_per_year"
			if g.SWURange != nil {
				swu = ranged{g.SWURange[0], *g.SWUPerYear, g.SWURange[1]}
				if texts {
					source += fmt.Sprintf(", range %s-%s", num(swu.low), num(swu.high))
				}
			}
		case known:
			swu = fixed(m.SWUPerYear)
			if m.Range != nil {
				swu = ranged{m.Range[0], m.SWUPerYear, m.Range[1]}
			}
			if texts {
				source = fmt.Sprintf("catalogue (%s): %s", m.Status, m.Source)
			}
		}
		if texts && swu.varies() {
			if v := fmt.Sprintf("%s SWU per machine-year %s-%s", g.Machine, num(swu.low), num(swu.high)); !slices.Contains(p.varied, v) {
				p.varied = append(p.varied, v)
			}
		}
		eff := fixed(1)
		if g.Efficiency != nil {
			eff = fixed(*g.Efficiency)
		}
		if g.EfficiencyRange != nil {
			eff.low, eff.high = g.EfficiencyRange[0], g.EfficiencyRange[1]
			if g.Efficiency == nil {
				eff.mode = midpoint(g.EfficiencyRange)
			}
			if eff.varies() && texts {
				p.varied = append(p.varied, fmt.Sprintf("fleet[%d] %s efficiency %s-%s", i, g.Machine, num(eff.low), num(eff.high)))
			}
		}
		gr.swu, gr.efficiency = swu, eff
		if texts {
			gr.swuKey = fmt.Sprintf("%s %v", strings.ToLower(g.Machine), swu)
		}
		switch {
		case g.Count == 0:
		case g.Cascades > 0:
			gr.cascades, gr.size = g.Cascades, gr.count/float64(g.Cascades)
		default:
			gr.cascades, gr.size = (g.Count+DefaultCascadeSize-1)/DefaultCascadeSize, DefaultCascadeSize
		}
		gr.high = slices.ContainsFunc(s.Cascades.Machines, func(m string) bool { return strings.EqualFold(m, g.Machine) })
		gr.line = FleetLine{
			Machine: g.Machine, Site: g.Site, Count: g.Count, Cascades: gr.cascades, SWUPerYear: swu.mode, Efficiency: eff.mode,
			CapacitySWUPerYear: gr.count * swu.mode * eff.mode, Source: source,
		}
		p.groups = append(p.groups, gr)
	}

	switch {
	case s.SetupDays != nil:
		p.setup, p.setupSrc = fixed(*s.SetupDays), "scenario setup_days"
		if s.SetupRangeDays != nil {
			p.setup.low, p.setup.high = s.SetupRangeDays[0], s.SetupRangeDays[1]
		}
	case conv == Cascades:
		d := DefaultReconfigureDays
		p.setup, p.setupSrc = ranged{d[0], d[1], d[2]}, "default time to reconfigure the cascades: "+ReconfigureSource
	default:
		p.setup, p.setupSrc = fixed(0), "none (whole-fleet)"
	}
	if p.setup.varies() && texts {
		p.varied = append(p.varied, fmt.Sprintf("set-up %s-%s days", num(p.setup.low), num(p.setup.high)))
	}
	if p.staged {
		c := s.Cascades
		// By default the advanced machines run the high-enrichment steps
		// when the fleet has a cascade of them, else every machine.
		if len(c.Machines) == 0 {
			advanced := slices.ContainsFunc(p.groups, func(g group) bool { return g.cascades > 0 && g.swu.mode > AdvancedSWUPerYear })
			for i := range p.groups {
				p.groups[i].high = !advanced || p.groups[i].swu.mode > AdvancedSWUPerYear
			}
		}
		able := 0
		for _, g := range p.groups {
			if g.high {
				able += g.cascades
			}
		}
		switch {
		case c.Max != nil:
			p.cascades = fixed(float64(*c.Max))
			if c.MaxRange != nil {
				p.cascades.low, p.cascades.high = c.MaxRange[0], c.MaxRange[1]
			}
		default:
			a := float64(able)
			p.cascades = ranged{min(DefaultHighCascadesLow, a), min(DefaultHighCascadesCentral, a), a}
		}
		if p.cascades.varies() && texts {
			p.varied = append(p.varied, fmt.Sprintf("cascades on the high-enrichment steps %s-%s", num(p.cascades.low), num(p.cascades.high)))
		}
	}
	return p, nil
}

// tailsIndex returns the tails input of a feed assay; ok is false when the
// feed cannot be enriched. Feeds of one default band share a draw.
func (p *plan) tailsIndex(feed enrich.Assay) (int, bool) {
	for i, t := range p.tails {
		if t.feed == feed {
			return i, true
		}
	}
	c, ok := tailsFor(feed, p.s.TailsPct)
	if !ok {
		return -1, false
	}
	p.tails = append(p.tails, tailsInput{choice: c, feed: feed})
	return len(p.tails) - 1, true
}

// coef is what one source costs per kg U of target product.
type coef struct {
	feedPerProduct float64 // kg U of this feed per kg U of product
	swuHigh        float64 // kg-SWU of the high-enrichment (or only) stage
	swuLow         float64 // kg-SWU of the low-enrichment stage
	maxProduct     float64 // kg U of product the source's mass gives
	// The factors of each step, for the steps of the result.
	step, stepHigh enrich.Factors
	tails          enrich.Assay
	tailsHigh      enrich.Assay
}

// inputs are one draw of every ranged input (or their central values).
type inputs struct {
	masses    []float64
	tailsPct  []float64
	rates     []float64 // per group: SWU per machine-year x efficiency
	cascades  int
	setupDays float64
}

// capacity is the fleet's capacity on the two stages.
type capacity struct {
	all, high float64
	// highCascades is how many cascades of each group run the
	// high-enrichment steps.
	highCascades []int
}

// centralInputs are every input at its central value: the sourced central
// value of each range, and for the number of cascades and the set-up, whose
// ranges are not centred on a sourced figure (the cascades run to every
// cascade the fleet has), the median of their distributions.
func (p *plan) centralInputs() inputs {
	in := inputs{cascades: int(math.Round(p.cascades.median())), setupDays: math.Round(p.setup.median()*10) / 10}
	for _, m := range p.masses {
		in.masses = append(in.masses, m.mode)
	}
	for _, t := range p.tails {
		in.tailsPct = append(in.tailsPct, t.choice.r.mode)
	}
	for _, g := range p.groups {
		in.rates = append(in.rates, g.swu.mode*g.efficiency.mode)
	}
	return in
}

// coefs computes each source's cost per kg of product under in. The value
// function of the target, the intermediate and each feed is fixed; only
// that of the tails drawn is computed per call.
func (p *plan) coefs(in *inputs, out []coef) []coef {
	out = out[:0]
	near20 := enrich.MustPercent(IntermediatePct)
	vTails := make([]float64, len(p.tails))
	for j, t := range in.tailsPct {
		vTails[j] = enrich.Value(enrich.MustPercent(t))
	}
	vTarget, vNear20 := enrich.Value(p.target), enrich.Value(near20)
	for i, src := range p.sources {
		c := coef{feedPerProduct: 1}
		vFeed := enrich.Value(src.feed)
		switch src.route {
		case direct:
			c.tails = enrich.MustPercent(in.tailsPct[src.tails])
			c.step = stepFactors(p.target, src.feed, c.tails, vTarget, vFeed, vTails[src.tails])
			c.feedPerProduct, c.swuHigh = c.step.FeedPerProduct, c.step.SWUPerProduct
		case viaNear20:
			c.tails = enrich.MustPercent(in.tailsPct[src.tails])
			c.tailsHigh = enrich.MustPercent(in.tailsPct[src.tailsHigh])
			c.step = stepFactors(near20, src.feed, c.tails, vNear20, vFeed, vTails[src.tails])
			c.stepHigh = stepFactors(p.target, near20, c.tailsHigh, vTarget, vNear20, vTails[src.tailsHigh])
			c.feedPerProduct = c.stepHigh.FeedPerProduct * c.step.FeedPerProduct
			c.swuHigh = c.stepHigh.SWUPerProduct
			c.swuLow = c.stepHigh.FeedPerProduct * c.step.SWUPerProduct
		}
		c.maxProduct = in.masses[i] / c.feedPerProduct
		out = append(out, c)
	}
	return out
}

// stepFactors is enrich.StepFactors for assays already checked, given the
// value function of each (TestStepFactorsMatchEnrich holds them equal).
func stepFactors(product, feed, tails enrich.Assay, vp, vf, vt float64) enrich.Factors {
	xp, xf, xt := product.Fraction(), feed.Fraction(), tails.Fraction()
	fp := (xp - xt) / (xf - xt)
	tp := (xp - xf) / (xf - xt)
	return enrich.Factors{FeedPerProduct: fp, TailsPerProduct: tp, SWUPerProduct: vp + tp*vt - fp*vf}
}

// capacity computes the stages' capacity under in: the most capable whole
// cascades of the allowed machines, up to in.cascades, run the
// high-enrichment steps.
func (p *plan) capacity(in *inputs, highCascades []int) capacity {
	c := capacity{highCascades: highCascades[:0]}
	for i, g := range p.groups {
		c.all += g.count * in.rates[i]
		c.highCascades = append(c.highCascades, 0)
	}
	if !p.staged {
		c.high = c.all
		return c
	}
	// The cascades able to run the high-enrichment steps, most capable
	// first: each group's full cascades, then its last, partly filled one.
	classes := p.classes[:0]
	for i, g := range p.groups {
		if !g.high || g.cascades == 0 {
			continue
		}
		full := min(g.cascades, int(g.count/g.size))
		if full > 0 {
			classes = append(classes, cascadeClass{i, g.size * in.rates[i], full})
		}
		if rest := g.count - float64(full)*g.size; g.cascades > full && rest > 0 {
			classes = append(classes, cascadeClass{i, rest * in.rates[i], 1})
		}
	}
	slices.SortStableFunc(classes, func(a, b cascadeClass) int { return cmp.Compare(b.capacity, a.capacity) })
	p.classes = classes
	left := in.cascades
	for _, k := range classes {
		if left <= 0 {
			break
		}
		n := min(left, k.count)
		c.highCascades[k.group] += n
		c.high += float64(n) * k.capacity
		left -= n
	}
	return c
}

// need returns the work to make product kg U: on the high-enrichment
// stage, and in all; ok is false when the sources cannot yield that much.
func need(coefs []coef, product float64) (high, all float64, ok bool) {
	for _, c := range coefs {
		take := min(product, c.maxProduct)
		high += take * c.swuHigh
		all += take * (c.swuHigh + c.swuLow)
		product -= take
		if product <= 0 {
			return high, all, true
		}
	}
	return high, all, product <= 1e-9
}

// days is the set-up plus the longer of the high-enrichment work on the
// high-enrichment capacity and all the work on the whole fleet; 0 when
// there is no work; +Inf when work has no capacity to do it.
func (cp capacity) days(high, all, setup float64) float64 {
	if all <= 0 {
		return 0
	}
	t := 0.0
	if high > 0 {
		if cp.high <= 0 {
			return math.Inf(1)
		}
		t = high / cp.high
	}
	if cp.all <= 0 {
		return math.Inf(1)
	}
	return setup + max(t, all/cp.all)*DaysPerYear
}

// productAt returns the kg U of product complete after years of work: the
// most that both the high-enrichment budget and the whole budget allow.
func productAt(coefs []coef, cp capacity, years float64) float64 {
	return min(afford(coefs, cp.high*years, true), afford(coefs, cp.all*years, false))
}

// afford returns the product a budget of kg-SWU buys, sources in order,
// counting the high-enrichment work only (high) or all the work.
func afford(coefs []coef, budget float64, high bool) float64 {
	total := 0.0
	for _, c := range coefs {
		cost := c.swuHigh
		if !high {
			cost += c.swuLow
		}
		if cost <= 0 {
			total += c.maxProduct
			continue
		}
		if c.maxProduct*cost <= budget {
			total += c.maxProduct
			budget -= c.maxProduct * cost
			continue
		}
		return total + budget/cost
	}
	return total
}

// evaluate computes the figures the band varies: the days to the first SQ
// (+Inf when unreachable) and the cumulative SQ at the end of each month.
func (p *plan) evaluate(coefs []coef, cp capacity, setup float64, months *[Months]float64) float64 {
	first := math.Inf(1)
	if high, all, ok := need(coefs, p.perSQ); ok {
		first = cp.days(high, all, setup)
	}
	for m := range months {
		years := max(float64(m+1)*DaysPerMonth-setup, 0) / DaysPerYear
		months[m] = productAt(coefs, cp, years) / p.perSQ
	}
	return first
}

// Estimate computes the deterministic breakout estimate of s, every ranged
// input at its central value. An invalid scenario returns a *FieldError.
func Estimate(s Scenario) (*Result, error) {
	p, err := compile(s)
	if err != nil {
		return nil, err
	}
	in := p.centralInputs()
	coefs := p.coefs(&in, nil)
	cp := p.capacity(&in, nil)
	r := &Result{
		Convention: p.conv, ConventionText: p.conv.Describe(),
		SQ: p.sq, SQText: p.sq.Describe(),
		TargetPct:          p.target.Percent(),
		QuantitySQ:         s.Target.QuantitySQ,
		ProductKgUPerSQ:    p.perSQ,
		CapacitySWUPerYear: cp.all, HighCapacitySWUPerYear: cp.high,
		SetupDays: in.setupDays,
		Skipped:   p.skipped,
		Steps:     []Step{},
		Fleet:     []FleetLine{},
	}
	for i, g := range p.groups {
		l := g.line
		l.HighCascades = cp.highCascades[i]
		r.Fleet = append(r.Fleet, l)
	}
	r.FirstSQDays = finitePtr(p.evaluate(coefs, cp, in.setupDays, &r.CumulativeSQByMonth))
	r.HeadlineDays = r.FirstSQDays
	r.Timing = p.timing(coefs, cp, in.setupDays)

	// Steps for the target quantity.
	remaining := s.Target.QuantitySQ * p.perSQ
	var high, all float64
	for i, c := range coefs {
		if remaining <= 0 {
			break
		}
		prod := min(remaining, c.maxProduct)
		if prod <= 0 {
			continue
		}
		remaining -= prod
		r.Steps = append(r.Steps, p.steps(i, c, prod, cp)...)
		high += prod * c.swuHigh
		all += prod * (c.swuHigh + c.swuLow)
	}
	r.SWUTotal = all
	if remaining <= 1e-9 {
		r.TargetDays = finitePtr(cp.days(high, all, in.setupDays))
	}

	// Whole-stock conversion: the lots alone, natural uranium excluded.
	high, all = 0, 0
	for i, c := range coefs {
		if p.sources[i].lot < 0 {
			continue
		}
		r.StockConversion.ProductKgU += c.maxProduct
		high += c.maxProduct * c.swuHigh
		all += c.maxProduct * (c.swuHigh + c.swuLow)
	}
	r.StockConversion.SWU = all
	r.StockConversion.SQ = r.StockConversion.ProductKgU / p.perSQ
	r.StockConversion.Days = finitePtr(cp.days(high, all, in.setupDays))

	switch {
	case r.FirstSQDays == nil && cp.all <= 0:
		r.Unreachable = "the fleet has no enrichment capacity"
	case r.FirstSQDays == nil && cp.high <= 0:
		r.Unreachable = "no machine may run the high-enrichment steps (cascades.machines)"
	case r.FirstSQDays == nil:
		r.Unreachable = "the stock and the natural uranium available cannot make one significant quantity"
	case r.TargetDays == nil && remaining > 1e-9:
		r.Unreachable = fmt.Sprintf("the stock and the natural uranium available make only %s of %s significant quantities",
			num(s.Target.QuantitySQ-remaining/p.perSQ), num(s.Target.QuantitySQ))
	case r.TargetDays == nil:
		r.Unreachable = "the fleet has no enrichment capacity"
	}
	r.Assumptions = p.assumptions(&in, cp)
	return r, nil
}

// FirstSQDays is the FirstSQDays of Estimate alone: the days (set-up
// included) to the first significant quantity with every input at its
// central value, nil when never, without the steps, series and texts of
// the full result. It is for searches that estimate many scenarios.
func FirstSQDays(s Scenario) (*float64, error) {
	p, err := compileTexts(s, false)
	if err != nil {
		return nil, err
	}
	in := p.centralInputs()
	coefs := p.coefs(&in, nil)
	cp := p.capacity(&in, nil)
	var months [Months]float64
	return finitePtr(p.evaluate(coefs, cp, in.setupDays, &months)), nil
}

// Run computes the estimate of s with a band of samples draws (none when
// samples is 0) and makes the band's median the headline.
func Run(s Scenario, samples int, seed uint64) (*Result, error) {
	return RunContext(context.Background(), s, samples, seed)
}

// RunContext is Run, its band stopping early when ctx is done (see
// BandContext).
func RunContext(ctx context.Context, s Scenario, samples int, seed uint64) (*Result, error) {
	r, err := Estimate(s)
	if err != nil || samples == 0 {
		return r, err
	}
	if r.Uncertainty, err = BandContext(ctx, s, samples, seed); err != nil {
		return nil, err
	}
	if u := r.Uncertainty; u != nil {
		r.HeadlineDays = u.P50Days
	}
	return r, nil
}

// timing explains the days to the first significant quantity.
func (p *plan) timing(coefs []coef, cp capacity, setup float64) Timing {
	t := Timing{SetupDays: setup}
	high, all, ok := need(coefs, p.perSQ)
	if !ok {
		t.Text = "the first significant quantity cannot be made from the material available"
		return t
	}
	if all <= 0 {
		t.SetupDays = 0
		t.Text = "the stock already holds a significant quantity at the target assay: no work"
		return t
	}
	if cp.high > 0 {
		t.HighDays = finitePtr(high / cp.high * DaysPerYear)
	}
	if cp.all > 0 {
		t.AllDays = finitePtr(all / cp.all * DaysPerYear)
	}
	switch {
	case t.AllDays == nil || (high > 0 && t.HighDays == nil):
		t.Text = "no capacity to do the work"
	case !p.staged:
		t.Text = fmt.Sprintf("%s of set-up, then %s kg-SWU on the whole fleet: %s", dayCount(setup), num(all), dayCount(*t.AllDays))
	default:
		t.Text = fmt.Sprintf("%s to reconfigure, then the longer of %s kg-SWU of high-enrichment work on the high-enrichment cascades (%s) "+
			"and %s kg-SWU of all work on all machines (%s)", dayCount(setup), num(high), dayCount(*t.HighDays), num(all), dayCount(*t.AllDays))
	}
	return t
}

// steps are the steps by which source i makes prod kg U of product.
func (p *plan) steps(i int, c coef, prod float64, cp capacity) []Step {
	src := p.sources[i]
	stepDays := func(swu, capacity float64) *float64 {
		if swu <= 0 {
			return finitePtr(0)
		}
		if capacity <= 0 {
			return nil
		}
		return finitePtr(swu / capacity * DaysPerYear)
	}
	highStage, highMachines := StageWhole, p.machines(cp, true)
	if p.staged {
		highStage = StageHigh
	}
	switch src.route {
	case atTarget:
		return []Step{{Stage: highStage, Feed: src.label, FeedPct: src.feed.Percent(), FeedKgU: prod, ProductPct: src.feed.Percent(), ProductKgU: prod,
			Machines: "none: the stock is at or above the target", Days: finitePtr(0)}}
	case direct:
		st := factorStep(highStage, src.label, src.feed, p.target, c.tails, c.step, prod, p.tails[src.tails].choice.text())
		st.Machines, st.CapacitySWUPerYear, st.Days = highMachines, cp.high, stepDays(st.SWU, cp.high)
		return []Step{st}
	}
	near20 := enrich.MustPercent(IntermediatePct)
	mid := prod * c.stepHigh.FeedPerProduct
	low := factorStep(StageLow, src.label, src.feed, near20, c.tails, c.step, mid, p.tails[src.tails].choice.text())
	low.Machines, low.CapacitySWUPerYear = p.machines(cp, false), cp.all-cp.high
	low.Days = stepDays(low.SWU, cp.all)
	hi := factorStep(StageHigh, fmt.Sprintf("%s made from %s", near20, src.label), near20, p.target, c.tailsHigh, c.stepHigh, prod, p.tails[src.tailsHigh].choice.text())
	hi.Machines, hi.CapacitySWUPerYear, hi.Days = highMachines, cp.high, stepDays(hi.SWU, cp.high)
	return []Step{low, hi}
}

func factorStep(stage, label string, feed, product, tails enrich.Assay, f enrich.Factors, prod float64, tailsSource string) Step {
	t := tails.Percent()
	return Step{Stage: stage, Feed: label, FeedPct: feed.Percent(), FeedKgU: prod * f.FeedPerProduct, ProductPct: product.Percent(), ProductKgU: prod,
		TailsPct: &t, TailsKgU: prod * f.TailsPerProduct, TailsSource: tailsSource, SWU: prod * f.SWUPerProduct}
}

// machines says in words which machines run a stage.
func (p *plan) machines(cp capacity, high bool) string {
	where := func(g group) string {
		if g.line.Site == "" {
			return g.line.Machine
		}
		return g.line.Machine + " at " + g.line.Site
	}
	var parts []string
	if !p.staged {
		for _, g := range p.groups {
			if g.count > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", g.line.Count, where(g)))
			}
		}
		if len(parts) == 0 {
			return "no machines"
		}
		return "the whole fleet: " + strings.Join(parts, ", ")
	}
	n := 0
	for i, g := range p.groups {
		k := cp.highCascades[i]
		if high && k > 0 {
			n += k
			size := math.Min(g.size, g.count)
			if size == math.Trunc(size) {
				parts = append(parts, fmt.Sprintf("%d x %s %s", k, num(size), where(g)))
			} else {
				// The group's machines shared out among its reported
				// cascades: no cascade holds 172.4 machines.
				parts = append(parts, fmt.Sprintf("%d x %s %s (machines a cascade on average)", k, num(size), where(g)))
			}
		}
		if !high {
			if rest := g.count - math.Min(g.count, float64(k)*g.size); rest > 0 {
				parts = append(parts, fmt.Sprintf("%s %s", num(rest), where(g)))
			}
		}
	}
	switch {
	case high && n == 0:
		return "no cascade"
	case high:
		return fmt.Sprintf("%d cascades: %s", n, strings.Join(parts, ", "))
	case len(parts) == 0:
		return "the high-enrichment cascades (no other machines)"
	}
	return "the other machines (" + strings.Join(parts, ", ") + "), joined by the high-enrichment cascades when they have nothing else to do"
}

// medianOf says, of an input at v whose range is not centred on a sourced
// figure, that v is the median of its range, not the range's most likely
// value the source gives: "8 cascades (the median of 3 to 20, …)" where
// the source says "central 4".
func medianOf(r ranged, v float64) string {
	if !r.varies() || v == r.mode {
		return ""
	}
	return fmt.Sprintf(" (the median of %s to %s, most likely %s, which the estimate with every input at its central value takes)", num(r.low), num(r.high), num(r.mode))
}

func (p *plan) assumptions(in *inputs, cp capacity) []string {
	s := p.s
	a := []string{
		fmt.Sprintf("one significant quantity is %s kg U at %s (%s)", num(p.perSQ), p.target, p.sq.Describe()),
		"convention " + p.conv.Describe(),
		"ideal-cascade separative work (value function on U-235 weight fractions), scaled by each group's efficiency",
		"stock used highest assay first, then natural uranium (0.711 %), supply " + s.NaturalUranium.String(),
		fmt.Sprintf("set-up of %s%s before separative work starts (%s); %g days a year, months of %g days",
			dayCount(in.setupDays), medianOf(p.setup, in.setupDays), p.setupSrc, DaysPerYear, DaysPerMonth),
	}
	if p.staged {
		src := "scenario cascades.max"
		if s.Cascades.Max == nil {
			src = HighCascadesSource
		}
		a = append(a,
			fmt.Sprintf("feed at %g %% or more goes straight into the high-enrichment cascades; lower feed is first enriched to %g %% on the other machines", HighFeedPct, IntermediatePct),
			fmt.Sprintf("at most %d cascades%s on the high-enrichment steps, the most capable first (%s): here %s, %s SWU/yr",
				in.cascades, medianOf(p.cascades, float64(in.cascades)), src, p.machines(cp, true), num(cp.high)),
			"cascades of "+strconv.Itoa(DefaultCascadeSize)+" machines where the fleet gives no count of cascades ("+CascadeSizeSource+")")
	}
	for _, g := range p.groups {
		l := g.line
		a = append(a, fmt.Sprintf("%d %s x %s SWU/yr x efficiency %s = %s SWU/yr (%s)",
			l.Count, l.Machine, num(l.SWUPerYear), num(l.Efficiency), num(l.CapacitySWUPerYear), l.Source))
	}
	for i, t := range p.tails {
		a = append(a, fmt.Sprintf("tails %s %% for %s feed (%s)", num(in.tailsPct[i]), t.feed, t.choice.text()))
	}
	for _, src := range p.sources {
		if src.route == atTarget {
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

// dayCount is a number of days for people: "1 day", "2.5 days".
func dayCount(d float64) string {
	if d == 1 {
		return "1 day"
	}
	return num(d) + " days"
}
