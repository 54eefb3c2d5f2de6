package agreement

import (
	"fmt"
	"slices"

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

// Range is an uncertain input, drawn uniformly from [Low, High].
type Range struct {
	Low  float64 `yaml:"low" json:"low"`
	High float64 `yaml:"high" json:"high"`
}

// Activity is one verification activity the agreement, or the safeguards
// agreement beneath it, provides: what the warning time counts.
type Activity struct {
	ID   string `yaml:"id" json:"id"`
	Name string `yaml:"activity" json:"activity"`
	Kind string `yaml:"kind" json:"kind"`
	// Sees is Declared or Undeclared.
	Sees  string `yaml:"sees" json:"sees"`
	Sites string `yaml:"sites" json:"sites"`
	// Stream is the continuity-of-knowledge stream the activity's data
	// travel in ("" when it has none): when the stream is escrowed or lost
	// the activity cannot alert.
	Stream string `yaml:"stream,omitempty" json:"stream,omitempty"`
	// NeedsAccess is the least access ("full" or "reduced") under which the
	// activity takes place.
	NeedsAccess string        `yaml:"needs_access" json:"needs_access"`
	From        calendar.Date `yaml:"from" json:"from"`
	To          calendar.Date `yaml:"to,omitempty" json:"to,omitzero"`
	// Latency (continuous) or Period (periodic, accountancy), in days.
	Latency *Range `yaml:"latency_days,omitempty" json:"latency_days,omitempty"`
	Period  *Range `yaml:"period_days,omitempty" json:"period_days,omitempty"`
	// Detect is the probability that one occurrence (or the monitor) sees
	// a breakout; none for accountancy, whose probability is computed.
	Detect *Range `yaml:"detect_probability,omitempty" json:"detect_probability,omitempty"`
	// SigmaMUFKgU is the standard deviation of an accountancy balance.
	SigmaMUFKgU float64 `yaml:"sigma_muf_kg_u,omitempty" json:"sigma_muf_kg_u,omitempty"`
	Provision   string  `yaml:"provision" json:"provision"`
	Source      string  `yaml:"source" json:"source"`
	// Status is the provision's: sourced, derived or unverified.
	Status state.Status `yaml:"status" json:"status"`
	// Basis says which inputs are assumed and why.
	Basis string `yaml:"basis" json:"basis"`
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
	case a.NeedsAccess != state.AccessFull && a.NeedsAccess != state.AccessReduced:
		return input.Errorf("needs_access", "must be %q or %q, got %q", state.AccessFull, state.AccessReduced, a.NeedsAccess)
	case a.From.IsZero():
		return input.Errorf("from", "is missing: the date the provision took effect")
	case !a.To.IsZero() && !a.To.After(a.From):
		return input.Errorf("to", "must be after from (%s), got %s", a.From, a.To)
	case !slices.Contains(state.Statuses, a.Status):
		return input.Errorf("status", "must be sourced, derived or unverified, got %q", a.Status)
	case a.Provision == "" || a.Source == "":
		return input.Errorf("source", "every activity names its provision and its source")
	}
	if a.Sees == Undeclared {
		return nil
	}
	days, field := a.Period, "period_days"
	if a.Kind == Continuous {
		days, field = a.Latency, "latency_days"
	}
	if days == nil {
		return input.Errorf(field, "is missing: an activity at the declared plants needs its %s", field)
	}
	if !(days.Low >= 0 && days.High >= days.Low) || a.Kind != Continuous && !(days.Low > 0) {
		return input.Errorf(field, "must be a range of days with 0 < low <= high (a latency may start at 0), got %v to %v", days.Low, days.High)
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

// validateVerification checks every activity, naming the bad one.
func (a *Agreement) validateVerification() error {
	seen := map[string]bool{}
	for i, act := range a.Verification {
		f := fmt.Sprintf("verification[%d]", i)
		if err := act.Validate(); err != nil {
			if fe, ok := err.(*input.Error); ok {
				fe.Field = f + "." + fe.Field
			}
			return err
		}
		if seen[act.ID] {
			return input.Errorf(f+".id", "%q appears twice", act.ID)
		}
		seen[act.ID] = true
	}
	return nil
}
