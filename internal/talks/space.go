// Package talks is a mediated negotiation room: a mediator between
// parties who never address each other, an issue space of typed terms,
// proposals turned into derived metrics by versioned models (breakout days
// first of all), each party's private red lines on terms or metrics with a
// salted hash commitment for the evidence log, feasibility answers that
// tell each recipient only what its disclosure policy allows, a metered
// query budget against probing, and a zone-of-agreement explorer for the
// mediator. Design notes: shared reference mediated-talks.md section 5.
//
// Evaluation is pure: no I/O, no clock except where a time is passed in.
package talks

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/accordverify/accord/internal/input"
)

// Kind is a term's type.
type Kind string

const (
	Numeric  Kind = "numeric"
	Option   Kind = "option"
	YesNo    Kind = "yesno"
	Schedule Kind = "schedule"
)

// Term is one issue of the space.
type Term struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Kind  Kind   `json:"kind"`
	// Unit, Min, Max and Step bound a numeric term; the zone explorer
	// steps through [Min, Max] by Step. Step is the explorer's stride, not
	// the grain of a value: a proposal takes any value in [Min, Max] (the
	// JCPOA's 3.67 % lies between two steps of 0.5, its 5,060 IR-1 between
	// two of 1,000), a whole number where the term counts machines.
	Unit string  `json:"unit,omitempty"`
	Min  float64 `json:"min,omitempty"`
	Max  float64 `json:"max,omitempty"`
	Step float64 `json:"step,omitempty"`
	// Options of an option term.
	Options []string `json:"options,omitempty"`
	// Phases of a schedule term (for example, sanctions relief steps tied
	// to verification milestones); a value orders them.
	Phases []string `json:"phases,omitempty"`
	// Track is the negotiation track that handles the term (principals,
	// experts).
	Track string `json:"track,omitempty"`
}

// Bounds of an issue space.
const (
	// MaxTerms is the most terms a space has.
	MaxTerms = 100
	// MaxTermSteps is the most values a numeric term has from Min to
	// Max by Step, both ends included: the zone explorer steps through
	// them.
	MaxTermSteps = 10_000
)

// steps is the number of values of a numeric term from Min to Max by
// Step, both ends included; +Inf or NaN when Step is too small for the
// range to be stepped through.
func (t Term) steps() float64 {
	return math.Floor((t.Max-t.Min)/t.Step+1e-9) + 1
}

// Space is a version of the issue space. A frozen version cannot change;
// the mediator opens a new version instead.
type Space struct {
	Version int    `json:"version"`
	Terms   []Term `json:"terms"`
	Frozen  bool   `json:"frozen"`
	// Excluded are the topics a party has declared not on the agenda,
	// recorded as such.
	Excluded []Exclusion `json:"excluded,omitempty"`
}

// Exclusion is a party's "not on the agenda".
type Exclusion struct {
	Party string `json:"party"`
	Topic string `json:"topic"`
}

// Validate checks the space's terms.
func (s *Space) Validate() error {
	if len(s.Terms) > MaxTerms {
		return input.Errorf("terms", "must be at most %d, got %d", MaxTerms, len(s.Terms))
	}
	seen := map[string]bool{}
	for i, t := range s.Terms {
		f := fmt.Sprintf("terms[%d]", i)
		if t.ID == "" || strings.ContainsAny(t.ID, " \t\n") {
			return input.Errorf(f+".id", "must be a word, got %q", t.ID)
		}
		if seen[t.ID] {
			return input.Errorf(f+".id", "%q repeats an earlier term", t.ID)
		}
		seen[t.ID] = true
		switch t.Kind {
		case Numeric:
			if t.Unit == "" {
				return input.Errorf(f+".unit", "a numeric term needs its unit")
			}
			if !(t.Min <= t.Max) || math.IsInf(t.Min, 0) || math.IsInf(t.Max, 0) {
				return input.Errorf(f+".max", "must be >= min (%v), got %v", t.Min, t.Max)
			}
			if !(t.Step > 0) {
				return input.Errorf(f+".step", "must be > 0, got %v", t.Step)
			}
			if n := t.steps(); !(n <= MaxTermSteps) {
				return input.Errorf(f+".step", "must step from min %v to max %v in at most %d values, got %v", t.Min, t.Max, MaxTermSteps, t.Step)
			}
			if t.countsMachines() {
				for _, b := range []struct {
					field string
					v     float64
				}{{"min", t.Min}, {"max", t.Max}, {"step", t.Step}} {
					if b.v < 0 || b.v != math.Trunc(b.v) {
						return input.Errorf(f+"."+b.field, "must be a whole number, not below 0 (the term counts machines), got %v", b.v)
					}
				}
			}
		case Option:
			if len(t.Options) < 2 {
				return input.Errorf(f+".options", "an option term needs at least two options")
			}
			if err := distinctWords(f+".options", t.Options); err != nil {
				return err
			}
		case YesNo:
		case Schedule:
			if len(t.Phases) < 1 {
				return input.Errorf(f+".phases", "a schedule term needs its phases")
			}
			if err := distinctWords(f+".phases", t.Phases); err != nil {
				return err
			}
		default:
			return input.Errorf(f+".kind", "must be numeric, option, yesno or schedule, got %q", t.Kind)
		}
	}
	return nil
}

// distinctWords checks a term's options or phases: each a word, none
// repeated (a value names each once).
func distinctWords(field string, ws []string) error {
	for j, w := range ws {
		if strings.TrimSpace(w) == "" {
			return input.Errorf(fmt.Sprintf("%s[%d]", field, j), "must be a word, got %q", w)
		}
		if slices.Contains(ws[:j], w) {
			return input.Errorf(fmt.Sprintf("%s[%d]", field, j), "%q repeats an earlier one: name each once", w)
		}
	}
	return nil
}

// countsMachines reports whether t is a number of machines: a numeric
// centrifuge term, which the model reads as how many machines of a type
// may enrich.
func (t Term) countsMachines() bool {
	return t.Kind == Numeric && strings.HasPrefix(t.ID, TermCentrifugesPrefix)
}

// Term returns the term with id.
func (s *Space) Term(id string) (Term, bool) {
	i := slices.IndexFunc(s.Terms, func(t Term) bool { return t.ID == id })
	if i < 0 {
		return Term{}, false
	}
	return s.Terms[i], true
}

// Value is a term's value in a package: a number, a text (option, yes or
// no), or an order of phases.
type Value struct {
	Number *float64 `json:"number,omitempty"`
	Text   string   `json:"text,omitempty"`
	Order  []string `json:"order,omitempty"`
}

// Num is a numeric value.
func Num(v float64) Value { return Value{Number: &v} }

// Package assigns values to terms: a proposal.
type Package map[string]Value

// Check validates a package against the space: every value of a known
// term, of its kind and within its bounds.
func (s *Space) Check(p Package) error {
	for _, id := range sortedKeys(p) {
		v := p[id]
		t, ok := s.Term(id)
		f := "values." + id
		if !ok {
			return input.Errorf(f, "no such term in version %d of the issue space", s.Version)
		}
		switch t.Kind {
		case Numeric:
			if v.Number == nil || math.IsNaN(*v.Number) {
				return input.Errorf(f, "needs a number (%s)", t.Unit)
			}
			if *v.Number < t.Min || *v.Number > t.Max {
				return input.Errorf(f, "must be in [%v, %v] %s, got %v", t.Min, t.Max, t.Unit, *v.Number)
			}
			if t.countsMachines() && *v.Number != math.Trunc(*v.Number) {
				return input.Errorf(f, "must be a whole number of machines, got %v", *v.Number)
			}
		case Option:
			if !slices.Contains(t.Options, v.Text) {
				return input.Errorf(f, "must be one of %s, got %q", strings.Join(t.Options, ", "), v.Text)
			}
		case YesNo:
			if v.Text != "yes" && v.Text != "no" {
				return input.Errorf(f, "must be yes or no, got %q", v.Text)
			}
		case Schedule:
			got := slices.Clone(v.Order)
			want := slices.Clone(t.Phases)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				return input.Errorf(f, "must order the phases %s", strings.Join(t.Phases, ", "))
			}
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
