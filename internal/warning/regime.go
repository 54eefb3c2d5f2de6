// Package warning answers whether a breakout would be caught before it is
// done: the verification regime in force at a date (the activities the
// agreement provides and whether each was maintained, escrowed or lost),
// a model of the time from the start of a breakout at the declared plants
// until the inspectorate could know of it, and the warning time, breakout
// time minus time to detect, as a distribution.
//
// The model (ModelVersion) and its sources are documented in
// docs/warning.md. Every uncertain input is a range drawn by Monte Carlo
// with a fixed seed; an input the record does not give makes the answer
// unknown, never a number.
package warning

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"

	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/input"
	"github.com/accordverify/accord/internal/state"
)

// Kinds of verification activity.
const (
	// Continuous activities (online monitors, electronic seals) see a
	// change after a latency.
	Continuous = "continuous"
	// Periodic activities (inspections, access) see it at their next
	// occurrence, a random phase within the period.
	Periodic = "periodic"
	// Accountancy is a periodic material balance whose probability of
	// detection is the MUF test's, from the loss and the balance's
	// standard deviation.
	Accountancy = "accountancy"
)

// What an activity looks for.
const (
	Declared   = "declared"   // the declared plants and material
	Undeclared = "undeclared" // undeclared locations and activities
)

// Range is an uncertain input drawn uniformly from [Low, High].
type Range struct {
	Low  float64 `json:"low"`
	High float64 `json:"high"`
}

func (r Range) draw(u float64) float64 { return r.Low + u*(r.High-r.Low) }

// Activity is one verification activity an agreement or safeguards
// agreement provides.
type Activity struct {
	ID   string `json:"id"`
	Name string `json:"activity"`
	Kind string `json:"kind"`
	// Sees is Declared or Undeclared.
	Sees  string `json:"sees"`
	Sites string `json:"sites"`
	// Stream is the continuity-of-knowledge stream the activity's data
	// travel in ("" when it has none): when the stream is escrowed or lost
	// the activity cannot alert.
	Stream string `json:"stream,omitempty"`
	// NeedsAccess is the least access ("full" or "reduced") under which the
	// activity takes place.
	NeedsAccess string        `json:"needs_access"`
	From        calendar.Date `json:"from"`
	To          calendar.Date `json:"to,omitzero"`
	// Latency (continuous) or Period (periodic, accountancy), in days.
	Latency *Range `json:"latency_days,omitempty"`
	Period  *Range `json:"period_days,omitempty"`
	// Detect is the probability that one occurrence (or the monitor) sees
	// a breakout; nil for accountancy, whose probability is computed.
	Detect *Range `json:"detect_probability,omitempty"`
	// SigmaMUFKgU is the standard deviation of an accountancy balance.
	SigmaMUFKgU float64 `json:"sigma_muf_kg_u,omitempty"`
	Provision   string  `json:"provision"`
	Source      string  `json:"source"`
	// Status is the provision's: sourced, derived or unverified.
	Status state.Status `json:"status"`
	// Basis says which inputs are assumed and why.
	Basis string `json:"basis"`
}

// The verification regime of the JCPOA and Iran's safeguards agreement.
//
//go:embed regime-jcpoa.csv
var jcpoaCSV []byte

var regimeColumns = []string{"id", "activity", "kind", "sees", "sites", "stream", "needs_access", "from", "to",
	"low_days", "high_days", "detect_low", "detect_high", "sigma_muf_kg_u", "provision", "source", "status", "basis"}

// JCPOA is the verification regime of the JCPOA (Annex I) and of Iran's
// comprehensive safeguards agreement, as data.
func JCPOA() []Activity {
	acts, err := ParseRegime(jcpoaCSV)
	if err != nil {
		panic(fmt.Sprintf("warning: the built-in regime: %v", err))
	}
	return acts
}

// ParseRegime reads a regime in the CSV form of the built-in one. A bad
// cell is an *input.Error naming its row and column.
func ParseRegime(data []byte) ([]Activity, error) {
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 || !slices.Equal(recs[0], regimeColumns) {
		return nil, &input.Error{Field: "header", Rule: fmt.Sprintf("must be %v", regimeColumns)}
	}
	var out []Activity
	for i, rec := range recs[1:] {
		a, err := parseActivity(rec)
		if err != nil {
			if fe, ok := err.(*input.Error); ok {
				fe.Field = fmt.Sprintf("row %d: %s", i+2, fe.Field)
			}
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

func parseActivity(rec []string) (Activity, error) {
	col := map[string]string{}
	for i, c := range regimeColumns {
		col[c] = rec[i]
	}
	a := Activity{ID: col["id"], Name: col["activity"], Kind: col["kind"], Sees: col["sees"], Sites: col["sites"],
		Stream: col["stream"], NeedsAccess: col["needs_access"], Provision: col["provision"], Source: col["source"],
		Status: state.Status(col["status"]), Basis: col["basis"]}
	var err error
	if a.From, err = calendar.Parse(col["from"]); err != nil {
		return a, input.Errorf("from", "%v", err)
	}
	if col["to"] != "" {
		if a.To, err = calendar.Parse(col["to"]); err != nil {
			return a, input.Errorf("to", "%v", err)
		}
	}
	num := func(name string) (float64, bool, error) {
		if col[name] == "" {
			return 0, false, nil
		}
		v, err := strconv.ParseFloat(col[name], 64)
		if err != nil {
			return 0, false, input.Errorf(name, "must be a number, got %q", col[name])
		}
		return v, true, nil
	}
	rng := func(lo, hi string) (*Range, error) {
		l, okl, err := num(lo)
		if err != nil {
			return nil, err
		}
		h, okh, err := num(hi)
		if err != nil || !okl && !okh {
			return nil, err
		}
		if !okl || !okh {
			return nil, input.Errorf(lo, "%s and %s go together", lo, hi)
		}
		return &Range{Low: l, High: h}, nil
	}
	days, err := rng("low_days", "high_days")
	if err != nil {
		return a, err
	}
	if a.Detect, err = rng("detect_low", "detect_high"); err != nil {
		return a, err
	}
	if a.SigmaMUFKgU, _, err = num("sigma_muf_kg_u"); err != nil {
		return a, err
	}
	switch a.Kind {
	case Continuous:
		a.Latency = days
	case Periodic, Accountancy:
		a.Period = days
	}
	return a, a.Validate()
}

// Validate names the field and the rule a bad activity breaks.
func (a Activity) Validate() error {
	switch {
	case a.ID == "":
		return input.Errorf("id", "is missing")
	case !slices.Contains([]string{Continuous, Periodic, Accountancy}, a.Kind):
		return input.Errorf("kind", "must be %s, %s or %s, got %q", Continuous, Periodic, Accountancy, a.Kind)
	case a.Sees != Declared && a.Sees != Undeclared:
		return input.Errorf("sees", "must be %s or %s, got %q", Declared, Undeclared, a.Sees)
	case a.NeedsAccess != "full" && a.NeedsAccess != "reduced":
		return input.Errorf("needs_access", `must be "full" or "reduced", got %q`, a.NeedsAccess)
	case !a.To.IsZero() && !a.To.After(a.From):
		return input.Errorf("to", "must be after from (%s), got %s", a.From, a.To)
	case !slices.Contains([]state.Status{state.Sourced, state.Derived, state.Unverified}, a.Status):
		return input.Errorf("status", "must be sourced, derived or unverified, got %q", a.Status)
	case a.Provision == "" || a.Source == "":
		return input.Errorf("source", "every activity names its provision and its source")
	}
	if a.Sees == Undeclared {
		return nil
	}
	days := a.Period
	field := "period_days"
	if a.Kind == Continuous {
		days, field = a.Latency, "latency_days"
	}
	if days == nil {
		return input.Errorf(field, "is missing: an activity at the declared plants needs its %s", field)
	}
	if !(days.Low >= 0 && days.High >= days.Low) || a.Kind != Continuous && !(days.Low > 0) {
		return input.Errorf(field, "must be a range of days with 0 < low <= high (latency may start at 0), got %v to %v", days.Low, days.High)
	}
	if a.Kind == Accountancy {
		if !(a.SigmaMUFKgU > 0) {
			return input.Errorf("sigma_muf_kg_u", "an accountancy activity needs the balance's standard deviation above 0 kg U, got %v", a.SigmaMUFKgU)
		}
		return nil
	}
	if a.Detect == nil || !(a.Detect.Low >= 0 && a.Detect.High >= a.Detect.Low && a.Detect.High <= 1) {
		return input.Errorf("detect_probability", "must be a range of probabilities with 0 <= low <= high <= 1")
	}
	return nil
}

// States of an activity at a date.
const (
	InForce       = "in force"
	Escrowed      = "escrowed"       // recorded, not accessible: cannot alert
	Lost          = "lost"           // equipment removed or knowledge lost
	NotInForce    = "not in force"   // the provision is not, or no longer, applied
	NotApplicable = "not applicable" // does not bear on a breakout at the declared plants
	Unknown       = "unknown"        // the record does not say
)

// ActivityAt is an activity and its state at a date.
type ActivityAt struct {
	Activity
	State  string        `json:"state"`
	Since  calendar.Date `json:"since,omitzero"`
	Reason string        `json:"reason,omitempty"`
	// Probability is the computed probability of an accountancy
	// activity's detection, when it was computed.
	Probability *float64 `json:"probability,omitempty"`
	// Evidence is what the state rests on.
	Evidence []state.Evidence `json:"evidence,omitempty"`
}

// Counts reports whether the activity can detect a breakout at the date.
func (a ActivityAt) Counts() bool { return a.State == InForce && a.Sees == Declared }

// Regime is the verification regime at a date.
type Regime struct {
	AsOf calendar.Date `json:"as_of"`
	// Access is the inspectorate's access: full, reduced, none or unknown.
	Access     string       `json:"access"`
	Activities []ActivityAt `json:"activities"`
}

// Known reports whether the regime's state is known: the access is.
func (r Regime) Known() bool { return r.Access != "" && r.Access != "unknown" }

// InForce are the activities that can detect a breakout.
func (r Regime) InForce() []ActivityAt {
	var out []ActivityAt
	for _, a := range r.Activities {
		if a.Counts() {
			out = append(out, a)
		}
	}
	return out
}

// RegimeAt is the state of each activity at the state's date: the
// provision's dates, the inspectorate's access and the continuity of
// knowledge of the activity's stream (from the public record or a log's
// monitoring events).
func RegimeAt(acts []Activity, s *state.State) Regime {
	r := Regime{AsOf: s.AsOf, Access: s.Knowledge.Access}
	rank := map[string]int{"none": 0, "reduced": 1, "full": 2}
	for _, act := range acts {
		at := ActivityAt{Activity: act, State: InForce, Since: act.From}
		switch {
		case s.AsOf.Before(act.From):
			at.State, at.Since, at.Reason = NotInForce, calendar.Date{}, "in force from "+act.From.String()
		case !act.To.IsZero() && !s.AsOf.Before(act.To):
			at.State, at.Since, at.Reason = NotInForce, act.To, "the provision ran until "+act.To.String()
		case act.Sees == Undeclared:
			at.State, at.Reason = NotApplicable, "looks for undeclared material and activities, not a breakout at the declared plants"
			if have, ok := rank[r.Access]; ok && have < rank[act.NeedsAccess] {
				at.State, at.Since, at.Reason = NotInForce, s.Knowledge.Since, "the inspectorate's access is "+r.Access+" since "+s.Knowledge.Since.String()
				at.Evidence = s.Knowledge.Evidence
			}
		default:
			if c, lost := s.StreamLoss(act.Stream); act.Stream != "" && lost {
				at.State, at.Since, at.Evidence = Lost, c.Since, c.Evidence
				if c.State == state.Escrowed {
					at.State = Escrowed
				}
				at.Reason = fmt.Sprintf("the %s stream is %s since %s", act.Stream, c.State, c.Since)
				if c.Cause != "" {
					at.Reason += ": " + c.Cause
				}
				break
			}
			have, known := rank[r.Access]
			switch {
			case !known:
				at.State, at.Reason = Unknown, "the inspectorate's access at this date is not in the record"
			case have < rank[act.NeedsAccess]:
				at.State, at.Since, at.Evidence = NotInForce, s.Knowledge.Since, s.Knowledge.Evidence
				at.Reason = fmt.Sprintf("the inspectorate's access is %s since %s; this activity needs %s access", r.Access, s.Knowledge.Since, act.NeedsAccess)
			}
		}
		r.Activities = append(r.Activities, at)
	}
	return r
}

// Listed are the regime's activities with, for those the time to detect
// counted, what it computed (an accountancy activity's probability).
func (e *Estimate) Listed() []ActivityAt {
	out := slices.Clone(e.Regime.Activities)
	if e.Detection == nil {
		return out
	}
	for i, a := range out {
		if j := slices.IndexFunc(e.Detection.Activities, func(c ActivityAt) bool { return c.ID == a.ID }); j >= 0 {
			out[i] = e.Detection.Activities[j]
		}
	}
	return out
}
