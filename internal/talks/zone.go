package talks

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/accordverify/accord/internal/input"
)

// Bounds of one exploration, which keep its work under a second of one
// processor. The example rooms search about 47,000 packages jointly.
const (
	// MaxZonePoints bounds the packages for which one exploration
	// evaluates the model (the caps and the centrifuges, searched
	// jointly).
	MaxZonePoints = 50_000
	// MaxZoneChecks bounds the red-line checks: every red line on each
	// package searched jointly, and the red lines on each other term on
	// each of its values.
	MaxZoneChecks = 500_000
	// MaxZoneGrid bounds the packages an exploration counts: the product
	// of the values of every term it does not fix. Terms the model does
	// not read are searched one by one, so the grid costs little beyond
	// its count.
	MaxZoneGrid = 1_000_000_000
)

// Candidate is a package that meets every red line, with its metrics and
// the margin of each red line.
type Candidate struct {
	Values  Package            `json:"values"`
	Metrics map[string]float64 `json:"metrics"`
	// MinMargin is the smallest margin over all red lines, in units of
	// each subject's scale: the package's distance from the nearest red
	// line.
	MinMargin float64            `json:"min_margin"`
	Margins   map[string][]Check `json:"margins"`
}

// Zone is the result of an exploration.
type Zone struct {
	Evaluated int `json:"evaluated"`
	Feasible  int `json:"feasible"`
	// Best is the feasible package with the largest smallest margin; nil
	// when no package meets every red line.
	Best *Candidate `json:"best"`
}

// ExploreZone searches the issue space for packages that meet every
// party's red lines (the mediator only). Terms in fixed keep their value;
// every other numeric term is stepped from Min to Max by Step, every
// option and yes/no term takes each value; schedules must be fixed. It
// proposes the package with the largest smallest margin.
//
// Every red line names one subject, so the terms the model does not read
// are independent of each other and of the model's: each is chosen alone,
// and only the model's terms (the caps and the centrifuges) are searched
// jointly. The counts cover every package of the grid.
func (r *Room) ExploreZone(by string, fixed Package) (*Zone, error) {
	if by != r.Mediator {
		return nil, fmt.Errorf("%w: the zone of agreement is the mediator's to explore", ErrForbidden)
	}
	for _, d := range r.Parties {
		if _, ok := r.redLines[d.Party]; !ok {
			return nil, input.Errorf("red_lines", "%s has not submitted its red lines yet", d.Party)
		}
	}
	if err := r.Space.Check(fixed); err != nil {
		return nil, err
	}
	var all []Constraint
	bySubject := map[string][]Constraint{}
	for _, d := range r.Parties {
		all = append(all, r.redLines[d.Party].Constraints...)
		for _, c := range r.redLines[d.Party].Constraints {
			bySubject[c.Subject] = append(bySubject[c.Subject], c)
		}
	}
	// The size of the search, from the terms alone, before any list of
	// values is built.
	grid, points, work := 1.0, 1.0, 0.0
	for _, t := range r.Space.Terms {
		if _, ok := fixed[t.ID]; ok {
			continue
		}
		n := 0.0
		switch t.Kind {
		case Numeric:
			n = t.steps()
			if !(n <= MaxTermSteps) {
				return nil, input.Errorf("fixed."+t.ID, "the term has more than %d values from %v to %v by %v: fix it or coarsen its step", MaxTermSteps, t.Min, t.Max, t.Step)
			}
		case Option:
			n = float64(len(t.Options))
		case YesNo:
			n = 2
		case Schedule:
			return nil, input.Errorf("fixed."+t.ID, "fix the schedule term %s: schedules are not explored", t.ID)
		}
		grid *= n
		if modelTerm(t.ID) {
			points *= n
		} else {
			work += n * float64(len(bySubject[t.ID]))
		}
	}
	if grid > MaxZoneGrid {
		return nil, input.Errorf("fixed", "the issue space has more than %d packages to count: fix some terms or coarsen their steps", MaxZoneGrid)
	}
	if points > MaxZonePoints {
		return nil, input.Errorf("fixed", "the search would evaluate the model for %.0f packages, more than %d: fix some of the caps and centrifuges or coarsen their steps", points, MaxZonePoints)
	}
	if work += points * float64(len(all)); work > MaxZoneChecks {
		return nil, input.Errorf("fixed", "the search would check red lines %.0f times (%.0f packages searched jointly, %d red lines), more than %d: fix some terms or coarsen their steps", work, points, len(all), MaxZoneChecks)
	}
	type axis struct {
		id     string
		values []Value
	}
	var joint []axis
	base := Package{}
	for k, v := range fixed {
		base[k] = v
	}
	feasibleOthers := 1
	othersMin := math.Inf(1)
	for _, t := range r.Space.Terms {
		if _, ok := fixed[t.ID]; ok {
			continue
		}
		var vs []Value
		switch t.Kind {
		case Numeric:
			n := int(t.steps())
			vs = make([]Value, 0, n)
			for i := range n {
				vs = append(vs, Num(t.Min+float64(i)*t.Step))
			}
		case Option:
			for _, o := range t.Options {
				vs = append(vs, Value{Text: o})
			}
		case YesNo:
			vs = []Value{{Text: "yes"}, {Text: "no"}}
		}
		if modelTerm(t.ID) {
			joint = append(joint, axis{t.ID, vs})
			continue
		}
		// A term the model does not read: its best value alone.
		bestMargin, feasible := math.Inf(-1), 0
		var best Value
		for _, v := range vs {
			m := math.Inf(1)
			ok := true
			for _, c := range bySubject[t.ID] {
				ch, err := evaluateConstraint(&r.Space, c, Package{t.ID: v}, nil)
				if err != nil {
					return nil, err
				}
				ok = ok && ch.Holds
				m = math.Min(m, ch.Margin)
			}
			if ok {
				feasible++
				if m > bestMargin {
					bestMargin, best = m, v
				}
			}
		}
		feasibleOthers *= feasible
		if feasible == 0 {
			best = vs[0]
		}
		base[t.ID] = best
		othersMin = math.Min(othersMin, bestMargin)
	}
	zone := &Zone{Evaluated: int(grid)}
	model := r.Model
	model.Samples = 0 // deterministic breakout for the search
	// The time to detect depends on a few inspection terms only: drawn
	// once for each of their values in this search.
	model.detections = map[detectionKey]float64{}
	idx := make([]int, len(joint))
	feasibleJoint := 0
	// One package and one list of checks serve every point; the best
	// candidate gets copies.
	p := maps.Clone(base)
	var checks []Check
	for {
		for i, a := range joint {
			p[a.id] = a.values[idx[i]]
		}
		ev, ok, err := r.check(model, p, &checks)
		if err != nil {
			return nil, err
		}
		if ok && feasibleOthers > 0 {
			feasibleJoint++
			if m := minMargin(checks); zone.Best == nil || m > zone.Best.MinMargin {
				zone.Best = r.candidate(p, ev, checks)
			}
		}
		i := 0
		for ; i < len(joint); i++ {
			idx[i]++
			if idx[i] < len(joint[i].values) {
				break
			}
			idx[i] = 0
		}
		if i == len(joint) {
			break
		}
	}
	zone.Feasible = feasibleJoint * feasibleOthers
	return zone, nil
}

func modelTerm(id string) bool {
	return id == TermEnrichmentCap || id == TermStockpileCap || strings.HasPrefix(id, TermCentrifugesPrefix) ||
		id == TermInspectionInterval || id == TermOnlineMonitoring
}

// check evaluates p with the model and against every red line, the
// parties' in order, into *checks; ok is false at the first that fails.
func (r *Room) check(m Model, p Package, checks *[]Check) (*Evaluation, bool, error) {
	ev, err := m.evaluate(&r.Space, p, false)
	if err != nil {
		return nil, false, err
	}
	*checks = (*checks)[:0]
	for _, d := range r.Parties {
		for _, con := range r.redLines[d.Party].Constraints {
			// The search sets every term, so no metric is unknown; were
			// one, its red line would stop the search with the reason,
			// never count as met.
			ch, err := evaluateConstraint(&r.Space, con, p, ev)
			if err != nil {
				return nil, false, err
			}
			if !ch.Holds {
				return ev, false, nil
			}
			*checks = append(*checks, ch)
		}
	}
	return ev, true, nil
}

func minMargin(checks []Check) float64 {
	m := math.Inf(1)
	for _, ch := range checks {
		m = math.Min(m, ch.Margin)
	}
	return m
}

// candidate is the package p that meets every red line, with copies of
// its values and of the checks of every red line, by party.
func (r *Room) candidate(p Package, ev *Evaluation, checks []Check) *Candidate {
	c := &Candidate{Values: maps.Clone(p), Metrics: ev.Metrics, MinMargin: minMargin(checks), Margins: map[string][]Check{}}
	for _, d := range r.Parties {
		n := len(r.redLines[d.Party].Constraints)
		c.Margins[d.Party] = slices.Clone(checks[:n])
		checks = checks[n:]
	}
	return c
}
