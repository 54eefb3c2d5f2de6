package accountancy

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/accordverify/accord/enrich"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/input"
	"github.com/accordverify/accord/internal/record"
)

// Plant is a synthetic enrichment plant: one material balance area whose
// cascades enrich feed to product, with feed received and product and
// tails shipped every month so that its stores stay level.
type Plant struct {
	Name     string `json:"name"`
	MBA      string `json:"mba"`
	Machine  string `json:"machine"`
	Machines int    `json:"machines"`
	// SWUPerMachineYear is the separative capacity of one machine.
	SWUPerMachineYear float64 `json:"swu_per_machine_year"`
	FeedPct           float64 `json:"feed_pct"`
	ProductPct        float64 `json:"product_pct"`
	TailsPct          float64 `json:"tails_pct"`
	// The stores and the cascades' holdup, kg U: assumptions of the
	// synthetic plant, not reported figures.
	FeedStoreKgU    float64 `json:"feed_store_kg_u"`
	ProductStoreKgU float64 `json:"product_store_kg_u"`
	TailsStoreKgU   float64 `json:"tails_store_kg_u"`
	HoldupKgU       float64 `json:"holdup_kg_u"`
	// Sources say where the plant's figures come from.
	Sources []string `json:"sources"`
}

// KMPs of the synthetic plant and the method that measures each.
var plantKMPs = []struct{ ID, Type, Method, Description string }{
	{"feed-receipt", "input", "feed-cylinder-weighing", "feed cylinders received"},
	{"product-shipment", "output", "product-cylinder-weighing", "product cylinders shipped"},
	{"tails-shipment", "output", "tails-cylinder-weighing", "tails cylinders shipped"},
	{"feed-store", "inventory", "feed-cylinder-weighing", "feed cylinders on hand"},
	{"product-store", "inventory", "product-cylinder-weighing", "product cylinders on hand"},
	{"tails-store", "inventory", "tails-cylinder-weighing", "tails cylinders on hand"},
	{"holdup", "inventory", "holdup-estimate", "material held up in the cascades"},
}

// KMP is a key measurement point of a plant.
type KMP struct {
	ID          string `json:"id"`
	Type        string `json:"type"`
	Method      string `json:"method"`
	Description string `json:"description"`
}

// KMPs lists the plant's key measurement points.
func (Plant) KMPs() []KMP {
	out := make([]KMP, len(plantKMPs))
	for i, k := range plantKMPs {
		out[i] = KMP(k)
	}
	return out
}

// NatanzJCPOA is the default plant: the Natanz Fuel Enrichment Plant at
// its JCPOA size, 5,060 IR-1 centrifuges (JCPOA Annex I para 27) at the
// machine catalogue's 0.9 SWU/yr, natural feed, product at the 3.67 % cap
// (JCPOA para 5), tails at the default 0.3 % for natural feed; the stores
// are assumptions of the synthetic plant, the product store below the
// 202.8 kg U stockpile limit.
func NatanzJCPOA() Plant {
	return Plant{Name: "Natanz FEP at its JCPOA size (synthetic)", MBA: "FEP-natanz", Machine: "IR-1", Machines: 5060,
		SWUPerMachineYear: 0.9, FeedPct: 0.711, ProductPct: 3.67, TailsPct: 0.3,
		FeedStoreKgU: 1340, ProductStoreKgU: 150, TailsStoreKgU: 590, HoldupKgU: 30,
		Sources: []string{
			"5,060 IR-1 enriching at Natanz: JCPOA para 2; Annex I para 27",
			"0.9 SWU/yr per IR-1: the machine catalogue (derived; ISIS 2020-04-15)",
			"3.67 % product: JCPOA para 5; 0.3 % tails for natural feed: the catalogue of default tails (Urenco's worked example)",
			"stores (feed 1,340, product 150, tails 590, holdup 30 kg U): assumptions of the synthetic plant, about two months of feed and one of tails",
		}}
}

// Fit gives the plant its machines' separative capacity (swuPerYear, of
// the machine catalogue, whose status of the figure is status). A plant
// other than Natanz at its JCPOA size (another machine, fleet, feed or
// product) is named after its fleet, and its sources are the user's.
func (p *Plant) Fit(swuPerYear float64, status string) {
	p.SWUPerMachineYear = swuPerYear
	if p.Machine == "IR-1" && p.Machines == 5060 && p.ProductPct == 3.67 && p.FeedPct == 0.711 {
		return
	}
	p.Name = fmt.Sprintf("synthetic enrichment plant, %d %s", p.Machines, p.Machine)
	p.MBA = "plant-" + strings.ToLower(p.Machine)
	p.Sources = append(p.Sources[:0], fmt.Sprintf("%d %s at %g SWU/yr (catalogue, %s), %g %% feed to %g %% product with %g %% tails: the user's flags", p.Machines, p.Machine, swuPerYear, status, p.FeedPct, p.ProductPct, p.TailsPct),
		"stores: the user's flags or the defaults of the synthetic plant")
}

// Flows are the plant's monthly flows, kg U.
type Flows struct {
	FeedKgU, ProductKgU, TailsKgU, SWU float64
}

// MonthlyFlows returns the feed, product and tails of a month at full
// capacity (a year is 12 months).
func (p Plant) MonthlyFlows() (Flows, error) {
	prod, err := enrich.Percent(p.ProductPct)
	if err != nil {
		return Flows{}, input.Errorf("product_pct", "%v", err)
	}
	feed, err := enrich.Percent(p.FeedPct)
	if err != nil {
		return Flows{}, input.Errorf("feed_pct", "%v", err)
	}
	tails, err := enrich.Percent(p.TailsPct)
	if err != nil {
		return Flows{}, input.Errorf("tails_pct", "%v", err)
	}
	f, err := enrich.StepFactors(prod, feed, tails)
	if err != nil {
		return Flows{}, input.Errorf("tails_pct", "%v", err)
	}
	if p.Machines <= 0 || !(p.SWUPerMachineYear > 0) {
		return Flows{}, input.Errorf("machines", "need machines > 0 with a capacity > 0, got %d x %v SWU/yr", p.Machines, p.SWUPerMachineYear)
	}
	swu := float64(p.Machines) * p.SWUPerMachineYear / 12
	product := swu / f.SWUPerProduct
	return Flows{FeedKgU: product * f.FeedPerProduct, ProductKgU: product, TailsKgU: product * f.TailsPerProduct, SWU: swu}, nil
}

// Diversion is material taken from a store without declaring it.
type Diversion struct {
	// Kind is abrupt (all at once in Month) or protracted (evenly over
	// every month).
	Kind string `json:"kind"`
	// KgU is the mass; SQ, when KgU is 0, gives it in IAEA significant
	// quantities of the store's material.
	KgU float64 `json:"kg_u"`
	SQ  float64 `json:"sq,omitempty"`
	// Month is 1-based.
	Month int `json:"month,omitempty"`
	// From is the store: product (default) or feed.
	From string `json:"from"`
}

// ParseDiversion reads abrupt:KG_U@MONTH, protracted:KG_U, or the same
// with the mass as NSQ (significant quantities): abrupt:1sq@6.
func ParseDiversion(s string) (Diversion, error) {
	kind, rest, ok := strings.Cut(s, ":")
	d := Diversion{Kind: kind, From: "product"}
	if !ok || (kind != "abrupt" && kind != "protracted") {
		return d, input.Errorf("diversion", "want abrupt:KG_U@MONTH or protracted:KG_U (or NSQ for the mass), got %q", s)
	}
	amount := rest
	if kind == "abrupt" {
		var month string
		amount, month, ok = strings.Cut(rest, "@")
		m, err := strconv.Atoi(month)
		if !ok || err != nil || m < 1 {
			return d, input.Errorf("diversion", "an abrupt diversion needs @MONTH (1 or more), got %q", s)
		}
		d.Month = m
	} else if strings.Contains(rest, "@") {
		return d, input.Errorf("diversion", "a protracted diversion runs over every month: no @MONTH, got %q", s)
	}
	num, isSQ := strings.CutSuffix(strings.ToLower(amount), "sq")
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || !(v > 0) || math.IsInf(v, 0) {
		return d, input.Errorf("diversion", "the mass must be a number > 0 of kg U (or NSQ), got %q", amount)
	}
	if isSQ {
		d.SQ = v
	} else {
		d.KgU = v
	}
	return d, nil
}

// Simulation is a run of a plant.
type Simulation struct {
	Plant     Plant
	Months    int
	Start     calendar.Date
	Seed      uint64
	Diversion *Diversion
	Table     Table
	// CalibrationMonths is how often the systematic errors are redrawn
	// (default 12: once a year).
	CalibrationMonths int
}

// Run is a simulated plant: the balance periods as the operator's
// measurements give them, and what was really taken.
type Run struct {
	Plant   Plant     `json:"plant"`
	Flows   Flows     `json:"monthly_flows"`
	Periods []Period  `json:"periods"`
	Taken   []float64 `json:"diverted_kg_u"`
	// DiversionKgU is the diversion's total in kg U (SQ converted).
	DiversionKgU float64 `json:"diversion_kg_u"`
}

// Simulate runs the plant month by month. The true flows are the plant's
// capacity; every declared quantity is measured with the table's random
// and systematic errors; a diversion lowers the store it is taken from
// without any declared change, so it shows only in the physical
// inventory.
func Simulate(s Simulation) (*Run, error) {
	if s.Months < 1 || s.Months > 1200 {
		return nil, input.Errorf("months", "must be in [1, 1200], got %d", s.Months)
	}
	if s.CalibrationMonths == 0 {
		s.CalibrationMonths = 12
	}
	if s.Start.IsZero() {
		s.Start = calendar.MustParse("2016-02-01")
	}
	p := s.Plant
	for _, st := range []struct {
		name string
		v    float64
	}{{"feed_store_kg_u", p.FeedStoreKgU}, {"product_store_kg_u", p.ProductStoreKgU}, {"tails_store_kg_u", p.TailsStoreKgU}, {"holdup_kg_u", p.HoldupKgU}} {
		if math.IsNaN(st.v) || st.v < 0 || math.IsInf(st.v, 0) {
			return nil, input.Errorf(st.name, "must be a mass >= 0 kg U, got %v", st.v)
		}
	}
	flows, err := p.MonthlyFlows()
	if err != nil {
		return nil, err
	}
	for _, k := range plantKMPs {
		if _, ok := s.Table.Methods[k.Method]; !ok {
			return nil, input.Errorf("uncertainties", "the table %q has no method %q (KMP %s)", s.Table.Name, k.Method, k.ID)
		}
	}
	run := &Run{Plant: p, Flows: flows, Taken: make([]float64, s.Months)}
	if d := s.Diversion; d != nil {
		if err := plan(run, d, s.Months); err != nil {
			return nil, err
		}
	}

	rng := rand.New(rand.NewPCG(s.Seed, 0xacc0))
	type sysKey struct {
		kmp string
		cal int
	}
	systematic := map[sysKey]float64{}
	measure := func(kmp, method string, month int, x float64) (float64, int) {
		u := s.Table.Methods[method]
		cal := month / s.CalibrationMonths
		k := sysKey{kmp, cal}
		sys, ok := systematic[k]
		if !ok {
			sys = rng.NormFloat64() * u.SystematicRSD
			systematic[k] = sys
		}
		return x * (1 + sys + rng.NormFloat64()*u.RandomRSD), cal
	}
	// inventory returns the measured physical inventory at the end of
	// month m (m = -1: the start), with the product or feed store lowered
	// by what has been taken so far.
	taken := 0.0
	from := "product"
	if s.Diversion != nil {
		from = s.Diversion.From
	}
	inventory := func(m int) []Line {
		stores := map[string]float64{"feed-store": p.FeedStoreKgU, "product-store": p.ProductStoreKgU, "tails-store": p.TailsStoreKgU, "holdup": p.HoldupKgU}
		stores[from+"-store"] -= taken
		var out []Line
		for _, k := range plantKMPs {
			if k.Type != "inventory" {
				continue
			}
			v, cal := measure(k.ID, k.Method, max(m, 0), stores[k.ID])
			out = append(out, Line{ID: fmt.Sprintf("pil-%03d-%s", m+1, k.ID), KMP: k.ID, Method: k.Method, KgU: v, Calibration: cal})
		}
		return out
	}
	begin := inventory(-1)
	for m := range s.Months {
		from := monthStart(s.Start, m)
		to := monthStart(s.Start, m+1)
		per := Period{From: from, To: to, Begin: begin}
		for _, k := range plantKMPs {
			var x float64
			switch k.ID {
			case "feed-receipt":
				x = flows.FeedKgU
			case "product-shipment":
				x = flows.ProductKgU
			case "tails-shipment":
				x = flows.TailsKgU
			default:
				continue
			}
			v, cal := measure(k.ID, k.Method, m, x)
			l := Line{ID: fmt.Sprintf("icr-%03d-%s", m+1, k.ID), KMP: k.ID, Method: k.Method, KgU: v, Calibration: cal}
			if k.Type == "input" {
				per.Increases = append(per.Increases, l)
			} else {
				per.Decreases = append(per.Decreases, l)
			}
		}
		taken += run.Taken[m]
		per.End = inventory(m)
		begin = per.End
		run.Periods = append(run.Periods, per)
	}
	return run, nil
}

// plan spreads the diversion over the months, refusing one larger than the
// store holds.
func plan(run *Run, d *Diversion, months int) error {
	p := run.Plant
	store, assay := p.ProductStoreKgU, p.ProductPct
	switch d.From {
	case "", "product":
		d.From = "product"
	case "feed":
		store, assay = p.FeedStoreKgU, p.FeedPct
	default:
		return input.Errorf("divert_from", "must be product or feed, got %q", d.From)
	}
	kg := d.KgU
	if d.SQ > 0 {
		per, err := enrich.IAEA.ProductKgUPerSQ(enrich.MustPercent(assay))
		if err != nil {
			return input.Errorf("diversion", "%v", err)
		}
		kg = d.SQ * per
	}
	run.DiversionKgU = kg
	switch d.Kind {
	case "abrupt":
		if d.Month > months {
			return input.Errorf("diversion", "month %d is after the last simulated month %d", d.Month, months)
		}
		run.Taken[d.Month-1] = kg
	case "protracted":
		for i := range run.Taken {
			run.Taken[i] = kg / float64(months)
		}
	default:
		return input.Errorf("diversion", "kind must be abrupt or protracted, got %q", d.Kind)
	}
	if kg > store {
		return input.Errorf("diversion", "%s kg U (%s) is more than the plant holds: its %s store holds %s kg U of %g %% uranium",
			strconv.FormatFloat(kg, 'f', 1, 64), describe(d), d.From, strconv.FormatFloat(store, 'f', 1, 64), assay)
	}
	return nil
}

func describe(d *Diversion) string {
	amount := strconv.FormatFloat(d.KgU, 'g', -1, 64) + " kg U"
	if d.SQ > 0 {
		amount = strconv.FormatFloat(d.SQ, 'g', -1, 64) + " SQ"
	}
	if d.Kind == "abrupt" {
		return fmt.Sprintf("abrupt, %s in month %d", amount, d.Month)
	}
	return "protracted, " + amount
}

func monthStart(start calendar.Date, m int) calendar.Date {
	t := start.Time().AddDate(0, m, 0)
	return calendar.Of(t.Year(), t.Month(), t.Day())
}

// Draft is a record the simulation's operator would submit: its kind, id,
// date and body, ready to sign.
type Draft struct {
	Kind record.Kind
	ID   string
	Date calendar.Date
	Body any
}

// Records are the operator's records of the run, in the order it would
// submit them: the balance area, the starting physical inventory, then for
// each month its inventory changes, the ending physical inventory and the
// material balance report (computed from its own measurements).
func (run *Run) Records() ([]Draft, error) {
	p := run.Plant
	seq, err := evaluateRun(run)
	if err != nil {
		return nil, err
	}
	assay := map[string]float64{"feed-receipt": p.FeedPct, "feed-store": p.FeedPct, "product-shipment": p.ProductPct, "product-store": p.ProductPct,
		"tails-shipment": p.TailsPct, "tails-store": p.TailsPct, "holdup": p.ProductPct}
	mba := record.MBABody{MBA: p.MBA, Site: p.Name, Description: fmt.Sprintf("%d %s, %g %% feed to %g %% product, %g %% tails", p.Machines, p.Machine, p.FeedPct, p.ProductPct, p.TailsPct)}
	for _, k := range p.KMPs() {
		mba.KMPs = append(mba.KMPs, record.KMPDecl{ID: k.ID, Type: k.Type, Method: k.Method, Description: k.Description})
	}
	start := run.Periods[0].From
	out := []Draft{{Kind: record.MaterialBalanceArea, ID: p.MBA + "-mba", Date: start, Body: mba}}
	pil := func(d calendar.Date, lines []Line) Draft {
		b := record.PhysicalInventoryBody{MBA: p.MBA, Date: d.String()}
		for _, l := range lines {
			b.Items = append(b.Items, record.InventoryItem{KMP: l.KMP, Batch: l.ID, MassKgU: l.KgU, AssayPct: assay[l.KMP], Method: l.Method, Calibration: strconv.Itoa(l.Calibration)})
		}
		return Draft{Kind: record.PhysicalInventory, ID: p.MBA + "-pil-" + d.String(), Date: d, Body: b}
	}
	out = append(out, pil(start, run.Periods[0].Begin))
	for i, per := range run.Periods {
		for _, part := range []struct {
			change string
			lines  []Line
		}{{"increase", per.Increases}, {"decrease", per.Decreases}} {
			for _, l := range part.lines {
				out = append(out, Draft{Kind: record.InventoryChange, ID: p.MBA + "-" + l.ID, Date: per.From, Body: record.InventoryChangeBody{
					MBA: p.MBA, KMP: l.KMP, Batch: l.ID, Date: per.From.String(), Change: part.change, MassKgU: l.KgU, AssayPct: assay[l.KMP],
					Method: l.Method, Calibration: strconv.Itoa(l.Calibration)}})
			}
		}
		out = append(out, pil(per.To, per.End))
		b := seq.Balances[i]
		out = append(out, Draft{Kind: record.MaterialBalance, ID: p.MBA + "-mbr-" + per.To.String(), Date: per.To, Body: record.MaterialBalanceBody{
			MBA: p.MBA, From: per.From.String(), To: per.To.String(), BeginningKgU: b.BeginKgU, IncreasesKgU: b.IncreasesKgU, DecreasesKgU: b.DecreasesKgU,
			EndingBookKgU: b.BookKgU, SRDKgU: b.SRDKgU, AdjustedBookKgU: b.AdjustedBookKgU, EndingPhysicalKgU: b.EndKgU, MUFKgU: b.MUFKgU}})
	}
	return out, nil
}

// evaluateRun computes the operator's balances with a table that knows
// every method (the uncertainties do not change the balances).
func evaluateRun(run *Run) (*Sequence, error) {
	t := Table{Name: "operator", Methods: map[string]Uncertainty{}}
	for _, k := range plantKMPs {
		t.Methods[k.Method] = Uncertainty{Method: k.Method, RandomRSD: 0.01}
	}
	return Evaluate(run.Periods, t)
}
