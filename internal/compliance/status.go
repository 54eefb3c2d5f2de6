package compliance

import (
	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/enrich"
	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/state"
)

// Overview is everything known at a date: the stock with its significant
// quantities, the findings for both sides, the breakout estimate, the
// measures re-imposed and the running clocks.
type Overview struct {
	AsOf        calendar.Date        `json:"as_of"`
	Agreement   string               `json:"agreement"`
	Inventory   Inventory            `json:"inventory"`
	Centrifuges []state.Centrifuges  `json:"centrifuges"`
	Knowledge   state.Knowledge      `json:"knowledge"`
	Findings    []Finding            `json:"findings"`
	Breakout    *Breakout            `json:"breakout"`
	Reimposed   []Reimposition       `json:"measures_reimposed"`
	Deadlines   []agreement.Deadline `json:"deadlines"`
	// Latest is the latest evidence on or before AsOf, and the latest
	// figure of the stock: what the date's findings can rest on, and how
	// old it is.
	Latest Latest `json:"latest"`
}

// Latest names the latest evidence at a date and its age.
type Latest struct {
	// Report is the latest reported (not derived) fact of any kind;
	// Stock the latest reported total of the stock. Either is nil when
	// there is none.
	Report *LatestFigure `json:"report"`
	Stock  *LatestFigure `json:"stock"`
	// Public, when Report's evidence was published after the date (or
	// perhaps after: only its month is known), is the latest reported fact
	// whose evidence is known to have been published on or before it;
	// nil otherwise, and when there is none.
	Public *LatestFigure `json:"public,omitempty"`
}

// LatestFigure is one dated piece of evidence and its age at the date.
type LatestFigure struct {
	Date calendar.Date `json:"date"`
	// DatePrecision says how much Date is known: only the month, or no
	// later than Date (AgeDays is then the least it can be); absent for
	// the day.
	DatePrecision state.DatePrecision `json:"date_precision,omitempty" jsonschema:"enum=month,enum=no_later_than"`
	AgeDays       int                 `json:"age_days"`
	Evidence      state.Evidence      `json:"evidence"`
	// AfterAsOf is true when the evidence was published after the date,
	// false when on or before it; absent when its publication is not
	// known, or only its month, and the date falls in that month.
	AfterAsOf *bool `json:"after_as_of,omitempty"`
}

// AfterAsOf says whether e was published after date: true or false where
// that is known, nil where it is not.
func AfterAsOf(e state.Evidence, date calendar.Date) *bool {
	after, perhaps := e.PublishedAfter(date)
	if !after && (perhaps || e.Publication() == "") {
		return nil
	}
	return &after
}

// latestAt finds the latest evidence on or before date.
func latestAt(facts []state.Fact, date calendar.Date) Latest {
	var out Latest
	pick := func(cur **LatestFigure, f *state.Fact) {
		if f.Latest().After(date) || f.Status == state.Derived || len(f.Evidence) == 0 {
			return
		}
		if *cur != nil && !f.Date.After((*cur).Date) {
			return
		}
		*cur = &LatestFigure{Date: f.Date, DatePrecision: f.DatePrecision, AgeDays: f.Date.DaysUntil(date), Evidence: f.Evidence[0], AfterAsOf: AfterAsOf(f.Evidence[0], date)}
	}
	var public *LatestFigure
	for i := range facts {
		f := &facts[i]
		pick(&out.Report, f)
		if f.Metric == state.EnrichedUraniumKgU && f.LevelPct == 0 {
			pick(&out.Stock, f)
		}
		if len(f.Evidence) > 0 {
			if after := AfterAsOf(f.Evidence[0], date); after != nil && !*after {
				pick(&public, f)
			}
		}
	}
	if r := out.Report; r != nil && r.Evidence.Hindsight(date) != "" {
		out.Public = public
	}
	return out
}

// Inventory is the stock at a date, level by level.
type Inventory struct {
	TotalKgU *float64        `json:"total_kg_u"`
	Total    state.Value     `json:"total"`
	ByLevel  []InventoryLine `json:"by_level"`
}

// InventoryLine is one level with its significant quantities.
type InventoryLine struct {
	MaxAssayPct float64  `json:"max_assay_pct"`
	AssayPct    float64  `json:"assay_pct"`
	MassKgU     *float64 `json:"mass_kg_u"`
	// Qualifier says when the mass is a bound ("at_most": the stock did
	// not exceed it) or approximate; the significant quantities are then
	// bounds or approximations too.
	Qualifier state.Qualifier `json:"qualifier,omitempty"`
	// SQIAEA counts U-235 contained: 25 kg at 20 % or more, 75 kg below.
	SQIAEA *float64 `json:"sq_iaea"`
	// SQWGU25 counts the 25-kg quantities of 90 % uranium the level yields
	// when enriched with the default tails for its assay.
	SQWGU25 *float64     `json:"sq_wgu25"`
	Status  state.Status `json:"status"`
	Source  string       `json:"source"`
	// AsOf is the date of the figure: of the mass shown, or, when the
	// mass is unknown at the date, of the last one reported (Unknown
	// says why it no longer holds).
	AsOf calendar.Date `json:"as_of,omitzero"`
	// AsOfPrecision says how much AsOf is known: only the month, or no
	// later than AsOf; absent for the day.
	AsOfPrecision state.DatePrecision `json:"as_of_precision,omitempty" jsonschema:"enum=month,enum=no_later_than"`
	Unknown       string              `json:"unknown,omitempty"`
	Ref           []state.Evidence    `json:"evidence"`
}

// Reimposition is a measure put back in place.
type Reimposition struct {
	Measures []string      `json:"measures"`
	Date     calendar.Date `json:"date"`
	Party    string        `json:"party"`
	Via      string        `json:"via,omitempty"`
	Title    string        `json:"title"`
	Source   string        `json:"source"`
}

// OverviewAt derives the state at date from facts and evaluates it against a,
// with the breakout estimate of BreakoutAt.
func OverviewAt(a *agreement.Agreement, facts []state.Fact, date calendar.Date, opt BreakoutOptions) (*Overview, error) {
	s := state.At(facts, date)
	st := &Overview{AsOf: date, Agreement: a.ID, Centrifuges: s.Centrifuges, Knowledge: s.Knowledge,
		Findings: Evaluate(a, s), Reimposed: []Reimposition{}, Deadlines: []agreement.Deadline{}}
	if st.Centrifuges == nil {
		st.Centrifuges = []state.Centrifuges{}
	}
	st.Inventory = inventory(s)
	st.Latest = latestAt(facts, date)

	b, err := BreakoutAt(facts, date, opt)
	if err != nil {
		return nil, err
	}
	st.Breakout = b

	for _, e := range a.Events {
		if e.Kind == agreement.KindReimposition && !e.Date.After(date) {
			st.Reimposed = append(st.Reimposed, Reimposition{Measures: e.Measures, Date: e.Date, Party: e.Party, Via: e.Via, Title: e.Title, Source: e.Source})
		}
	}
	var clocks []agreement.ClockEvent
	for _, ce := range a.EventClocks() {
		if !ce.Date.After(date) {
			clocks = append(clocks, ce)
		}
	}
	ds, err := a.Clocks(clocks, date)
	if err != nil {
		return nil, err
	}
	st.Deadlines = append(st.Deadlines, ds...)
	return st, nil
}

func inventory(s *state.State) Inventory {
	inv := Inventory{Total: s.Inventory.Total, ByLevel: []InventoryLine{}}
	if s.Inventory.Total.Known {
		v := s.Inventory.Total.Value
		inv.TotalKgU = &v
	}
	for _, l := range s.Inventory.ByLevel {
		line := InventoryLine{MaxAssayPct: l.MaxAssayPct, AssayPct: l.AssayPct, Qualifier: l.Mass.Qualifier, Status: l.Mass.Status, AsOf: l.Mass.Date, AsOfPrecision: l.Mass.DatePrecision, Unknown: l.Mass.Unknown, Ref: l.Mass.Evidence}
		if len(l.Mass.Evidence) > 0 {
			line.Source = l.Mass.Evidence[0].Source
		}
		if l.Mass.Known {
			m := l.Mass.Value
			line.MassKgU = &m
			assay := enrich.MustPercent(l.AssayPct)
			if sq, err := enrich.IAEA.SignificantQuantities(m, assay); err == nil {
				line.SQIAEA = &sq
			}
			if sq, ok := wgu25Yield(m, assay); ok {
				line.SQWGU25 = &sq
			}
		}
		inv.ByLevel = append(inv.ByLevel, line)
	}
	return inv
}

// wgu25Yield returns the 25-kg quantities of 90 % uranium that massKgU at
// assay yields with the default tails.
func wgu25Yield(massKgU float64, assay enrich.Assay) (float64, bool) {
	tails, _, ok := breakout.DefaultTailsFor(assay)
	if !ok {
		return 0, false
	}
	b, err := enrich.FromFeed(massKgU, assay, enrich.WeaponGradeAssay, tails)
	if err != nil {
		return 0, false
	}
	sq, err := enrich.WGU25.SignificantQuantities(b.Product.MassKgU, enrich.WeaponGradeAssay)
	return sq, err == nil
}
