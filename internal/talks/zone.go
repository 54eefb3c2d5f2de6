package talks

import (
	"fmt"
	"math"
	"strings"

	"github.com/accordverify/accord/internal/input"
)

// MaxZonePoints bounds the packages one exploration checks.
const MaxZonePoints = 1_000_000

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
	for _, d := range r.Parties {
		all = append(all, r.redLines[d.Party].Constraints...)
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
	grid := 1
	feasibleOthers := 1
	othersMin := math.Inf(1)
	for _, t := range r.Space.Terms {
		if _, ok := fixed[t.ID]; ok {
			continue
		}
		var vs []Value
		switch t.Kind {
		case Numeric:
			n := int(math.Floor((t.Max-t.Min)/t.Step+1e-9)) + 1
			for i := range n {
				vs = append(vs, Num(t.Min+float64(i)*t.Step))
			}
		case Option:
			for _, o := range t.Options {
				vs = append(vs, Value{Text: o})
			}
		case YesNo:
			vs = []Value{{Text: "yes"}, {Text: "no"}}
		case Schedule:
			return nil, input.Errorf("fixed."+t.ID, "fix the schedule term %s: schedules are not explored", t.ID)
		}
		grid *= len(vs)
		if grid > MaxZonePoints*1000 {
			return nil, input.Errorf("fixed", "the issue space is too large to explore: fix some terms or coarsen their steps")
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
			for _, c := range all {
				if c.Subject != t.ID {
					continue
				}
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
	points := 1
	for _, a := range joint {
		points *= len(a.values)
	}
	if points > MaxZonePoints {
		return nil, input.Errorf("fixed", "the search would evaluate the model for more than %d packages: fix some of the caps and centrifuges or coarsen their steps", MaxZonePoints)
	}
	zone := &Zone{Evaluated: grid}
	model := r.Model
	model.Samples = 0 // deterministic breakout for the search
	idx := make([]int, len(joint))
	feasibleJoint := 0
	for {
		p := Package{}
		for k, v := range base {
			p[k] = v
		}
		for i, a := range joint {
			p[a.id] = a.values[idx[i]]
		}
		c, ok, err := r.candidate(model, p)
		if err != nil {
			return nil, err
		}
		if ok && feasibleOthers > 0 {
			feasibleJoint++
			if zone.Best == nil || c.MinMargin > zone.Best.MinMargin {
				zone.Best = c
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
	return id == TermEnrichmentCap || id == TermStockpileCap || strings.HasPrefix(id, TermCentrifugesPrefix)
}

// candidate evaluates p against every red line.
func (r *Room) candidate(m Model, p Package) (*Candidate, bool, error) {
	ev, err := m.Evaluate(p)
	if err != nil {
		return nil, false, err
	}
	c := &Candidate{Values: p, Metrics: ev.Metrics, MinMargin: math.Inf(1), Margins: map[string][]Check{}}
	for _, d := range r.Parties {
		for _, con := range r.redLines[d.Party].Constraints {
			ch, err := evaluateConstraint(&r.Space, con, p, ev.Metrics)
			if err != nil {
				return nil, false, err
			}
			if !ch.Holds {
				return nil, false, nil
			}
			c.Margins[d.Party] = append(c.Margins[d.Party], ch)
			c.MinMargin = math.Min(c.MinMargin, ch.Margin)
		}
	}
	return c, true, nil
}
