package accountancy

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/input"
	"github.com/accordverify/accord/internal/record"
)

// Books are the accountancy records of a log, by material balance area.
type Books struct {
	Areas map[string]*Area
}

// Area is one material balance area's records, each with its log index.
type Area struct {
	MBA          string
	Decl         *record.MBABody
	DeclIndex    uint64
	Changes      []Indexed[record.InventoryChangeBody]
	Inventories  []Indexed[record.PhysicalInventoryBody]
	Reports      []Indexed[record.MaterialBalanceBody]
	Measurements []Indexed[record.MeasurementBody]
}

// Indexed is a record body with its log index.
type Indexed[T any] struct {
	Index uint64
	Body  T
}

// NewBooks returns empty books.
func NewBooks() *Books { return &Books{Areas: map[string]*Area{}} }

func (b *Books) area(mba string) *Area {
	a, ok := b.Areas[mba]
	if !ok {
		a = &Area{MBA: mba}
		b.Areas[mba] = a
	}
	return a
}

// Add files a record if it is an accountancy record; other kinds are
// ignored.
func (b *Books) Add(index uint64, r *record.Record) error {
	switch r.Kind {
	case record.MaterialBalanceArea:
		body, err := record.DecodeBody[record.MBABody](r)
		if err != nil {
			return err
		}
		a := b.area(body.MBA)
		a.Decl, a.DeclIndex = body, index
	case record.InventoryChange:
		return file(b, r, index, func(x *record.InventoryChangeBody) string { return x.MBA }, func(a *Area) *[]Indexed[record.InventoryChangeBody] { return &a.Changes })
	case record.PhysicalInventory:
		return file(b, r, index, func(x *record.PhysicalInventoryBody) string { return x.MBA }, func(a *Area) *[]Indexed[record.PhysicalInventoryBody] { return &a.Inventories })
	case record.MaterialBalance:
		return file(b, r, index, func(x *record.MaterialBalanceBody) string { return x.MBA }, func(a *Area) *[]Indexed[record.MaterialBalanceBody] { return &a.Reports })
	case record.Measurement:
		return file(b, r, index, func(x *record.MeasurementBody) string { return x.MBA }, func(a *Area) *[]Indexed[record.MeasurementBody] { return &a.Measurements })
	}
	return nil
}

// file decodes r's body as a T and appends it, with its log index, to the
// list that in picks in the area mba names.
func file[T any](b *Books, r *record.Record, index uint64, mba func(*T) string, in func(*Area) *[]Indexed[T]) error {
	body, err := record.DecodeBody[T](r)
	if err != nil {
		return err
	}
	list := in(b.area(mba(body)))
	*list = append(*list, Indexed[T]{index, *body})
	return nil
}

// Names lists the areas, sorted.
func (b *Books) Names() []string {
	var out []string
	for n := range b.Areas {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// ErrNoAreas is the error of books that hold no material balance area.
var ErrNoAreas = errors.New("no material balance area records")

// Area returns the area mba, or the only one when mba is "". Books with
// several areas need one named: an *input.Error for field mba says which
// they hold.
func (b *Books) Area(mba string) (*Area, error) {
	names := b.Names()
	switch {
	case len(names) == 0:
		return nil, ErrNoAreas
	case mba == "" && len(names) > 1:
		return nil, input.Errorf("mba", "the log holds %d areas (%s); choose one", len(names), strings.Join(names, ", "))
	case mba == "":
		mba = names[0]
	}
	area, ok := b.Areas[mba]
	if !ok {
		return nil, input.Errorf("mba", "no area %q (the log holds %s)", mba, strings.Join(names, ", "))
	}
	return area, nil
}

// Periods builds the balance periods from the physical inventory listings
// (each consecutive pair bounds a period) and the inventory changes dated
// within them (from <= date < to). Receipts with a shipper's figure are
// booked at it, and the difference to the receiver's measurement is the
// period's shipper/receiver difference. Inventory changes outside every
// period are counted in unbalanced.
func (a *Area) Periods() (periods []Period, unbalanced int, err error) {
	if a.Decl == nil {
		return nil, 0, input.Errorf("mba "+a.MBA, "no material_balance_area record declares it")
	}
	kmps := map[string]record.KMPDecl{}
	for _, k := range a.Decl.KMPs {
		kmps[k.ID] = k
	}
	cals := map[string]int{}
	cal := func(s string) int {
		if _, ok := cals[s]; !ok {
			cals[s] = len(cals)
		}
		return cals[s]
	}
	pils := slices.Clone(a.Inventories)
	slices.SortStableFunc(pils, func(x, y Indexed[record.PhysicalInventoryBody]) int { return cmp.Compare(x.Body.Date, y.Body.Date) })
	for i := 1; i < len(pils); i++ {
		if pils[i].Body.Date == pils[i-1].Body.Date {
			return nil, 0, input.Errorf(fmt.Sprintf("log index %d", pils[i].Index), "a second physical inventory of %s on %s", a.MBA, pils[i].Body.Date)
		}
	}
	items := func(p Indexed[record.PhysicalInventoryBody]) ([]Line, error) {
		var out []Line
		for j, it := range p.Body.Items {
			k, ok := kmps[it.KMP]
			if !ok || k.Type != "inventory" {
				return nil, input.Errorf(fmt.Sprintf("log index %d, items[%d].kmp", p.Index, j), "%q is not an inventory KMP of %s", it.KMP, a.MBA)
			}
			out = append(out, Line{ID: p.Body.Date + "/" + it.Batch, KMP: it.KMP, Method: it.Method, KgU: it.MassKgU, Calibration: cal(it.Calibration)})
		}
		return out, nil
	}
	for i := 0; i+1 < len(pils); i++ {
		from, _ := calendar.Parse(pils[i].Body.Date)
		to, _ := calendar.Parse(pils[i+1].Body.Date)
		p := Period{From: from, To: to}
		if p.Begin, err = items(pils[i]); err != nil {
			return nil, 0, err
		}
		if p.End, err = items(pils[i+1]); err != nil {
			return nil, 0, err
		}
		periods = append(periods, p)
	}
	for _, c := range a.Changes {
		k, ok := kmps[c.Body.KMP]
		want := map[string]string{"increase": "input", "decrease": "output"}[c.Body.Change]
		if !ok || k.Type != want {
			return nil, 0, input.Errorf(fmt.Sprintf("log index %d, kmp", c.Index), "%q is not an %s KMP of %s", c.Body.KMP, want, a.MBA)
		}
		i := slices.IndexFunc(periods, func(p Period) bool {
			return c.Body.Date >= p.From.String() && c.Body.Date < p.To.String()
		})
		if i < 0 {
			unbalanced++
			continue
		}
		l := Line{ID: "icr/" + c.Body.Batch, KMP: c.Body.KMP, Method: c.Body.Method, KgU: c.Body.MassKgU, Calibration: cal(c.Body.Calibration)}
		if c.Body.Change == "increase" {
			if c.Body.ShipperKgU != nil {
				periods[i].SRDKgU += c.Body.MassKgU - *c.Body.ShipperKgU
				l.KgU = *c.Body.ShipperKgU
			}
			periods[i].Increases = append(periods[i].Increases, l)
		} else {
			periods[i].Decreases = append(periods[i].Decreases, l)
		}
	}
	return periods, unbalanced, nil
}

// ReportCheck compares an operator's material balance report with the
// balance recomputed from the inventory changes and listings.
type ReportCheck struct {
	Index uint64 `json:"log_index"`
	From  string `json:"from"`
	To    string `json:"to"`
	// DeclaredMUFKgU is the report's MUF; DiffKgU the report minus the
	// recomputed MUF, nil when no listings bound the period (there is no
	// recomputed MUF to compare with).
	DeclaredMUFKgU float64  `json:"declared_muf_kg_u"`
	DiffKgU        *float64 `json:"difference_kg_u"`
	Agrees         bool     `json:"agrees"`
	Note           string   `json:"note,omitempty"`
}

// CheckReports compares every material balance report of the area with
// the recomputed balances (agreement within 1 g U, or a report for a
// period the listings do not bound).
func (a *Area) CheckReports(s *Sequence) []ReportCheck {
	var out []ReportCheck
	for _, r := range a.Reports {
		c := ReportCheck{Index: r.Index, From: r.Body.From, To: r.Body.To, DeclaredMUFKgU: r.Body.MUFKgU}
		i := slices.IndexFunc(s.Balances, func(b Balance) bool { return b.From.String() == r.Body.From && b.To.String() == r.Body.To })
		if i < 0 {
			c.Note = "no physical inventory listings bound this period"
		} else {
			diff := r.Body.MUFKgU - s.Balances[i].MUFKgU
			c.DiffKgU = &diff
			c.Agrees = math.Abs(diff) < 1e-3
			if !c.Agrees {
				c.Note = "the report's MUF differs from the one its inventory changes and listings give by " + strconv.FormatFloat(diff, 'f', 3, 64) + " kg U"
			}
		}
		out = append(out, c)
	}
	return out
}

// Difference is an operator-inspector difference: the inspectorate's
// measurement of a declared batch against the operator's figure.
type Difference struct {
	Index uint64 `json:"log_index"`
	KMP   string `json:"kmp"`
	Batch string `json:"batch"`
	Date  string `json:"date"`
	// DeclaredKgU is the operator's figure for the batch: nil when the
	// operator declared no batch of this KMP, batch and date (Note says
	// so), and with it the difference, its sigma and the verdict.
	DeclaredKgU *float64 `json:"declared_kg_u"`
	MeasuredKgU float64  `json:"measured_kg_u"`
	// DiffKgU is declared minus measured; SigmaKgU combines both
	// measurements' random and systematic uncertainties.
	DiffKgU  *float64 `json:"difference_kg_u"`
	SigmaKgU *float64 `json:"sigma_kg_u"`
	// Significant: |difference| > 3 sigma.
	Significant *bool  `json:"significant"`
	Note        string `json:"note,omitempty"`
}

// Differences compares each inspectorate measurement with the batch the
// operator declared (an inventory change or a listed item of the same KMP,
// batch and date), using t for the operator's methods.
func (a *Area) Differences(t Table) []Difference {
	type decl struct {
		kg     float64
		method string
	}
	declared := map[string]decl{}
	for _, c := range a.Changes {
		declared[c.Body.KMP+"\x00"+c.Body.Batch+"\x00"+c.Body.Date] = decl{c.Body.MassKgU, c.Body.Method}
	}
	for _, p := range a.Inventories {
		for _, it := range p.Body.Items {
			declared[it.KMP+"\x00"+it.Batch+"\x00"+p.Body.Date] = decl{it.MassKgU, it.Method}
		}
	}
	var out []Difference
	for _, m := range a.Measurements {
		d := Difference{Index: m.Index, KMP: m.Body.KMP, Batch: m.Body.Batch, Date: m.Body.Date, MeasuredKgU: m.Body.MassKgU}
		op, ok := declared[m.Body.KMP+"\x00"+m.Body.Batch+"\x00"+m.Body.Date]
		if !ok {
			d.Note = "no declared batch of this KMP, batch and date"
			out = append(out, d)
			continue
		}
		declared, diff := op.kg, op.kg-m.Body.MassKgU
		u := t.Methods[op.method]
		opVar := op.kg * op.kg * (u.RandomRSD*u.RandomRSD + u.SystematicRSD*u.SystematicRSD)
		ir, is := m.Body.RandomRSDPct/100, m.Body.SystematicRSDPct/100
		sigma := math.Sqrt(opVar + m.Body.MassKgU*m.Body.MassKgU*(ir*ir+is*is))
		significant := sigma > 0 && math.Abs(diff) > 3*sigma
		d.DeclaredKgU, d.DiffKgU, d.SigmaKgU, d.Significant = &declared, &diff, &sigma, &significant
		if _, ok := t.Methods[op.method]; !ok {
			d.Note = "the operator's method " + op.method + " has no uncertainty in the table: its term is left out"
		}
		out = append(out, d)
	}
	return out
}
