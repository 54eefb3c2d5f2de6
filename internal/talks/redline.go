package talks

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/accordverify/accord/internal/input"
)

// Constraint is one red line: a term or a derived metric compared with a
// value ("breakout_days >= 365", "enrichment_cap_pct >= 3.67",
// "additional_protocol = yes").
type Constraint struct {
	Subject string `json:"subject"`
	Op      string `json:"op"`
	// Value is the number a metric or a numeric term is compared with;
	// it is required there (0 is a number like any other) and left out
	// for a yes/no or option term.
	Value *float64 `json:"value,omitempty"`
	// Text is the value of a yes/no or option term (with op "=").
	Text string `json:"text,omitempty"`
}

// Limit is the red line subject op v ("breakout_days", ">=", 365).
func Limit(subject, op string, v float64) Constraint {
	return Constraint{Subject: subject, Op: op, Value: &v}
}

func (c Constraint) String() string {
	switch {
	case c.Text != "":
		return fmt.Sprintf("%s %s %s", c.Subject, c.Op, c.Text)
	case c.Value != nil:
		return fmt.Sprintf("%s %s %g", c.Subject, c.Op, *c.Value)
	}
	return fmt.Sprintf("%s %s (no value)", c.Subject, c.Op)
}

// Range is the closed interval a red line's number must lie in.
type Range struct{ Min, Max float64 }

// maxRedLineKgU is 100,000 t of uranium, more than the world mines in a
// year (the bound of a mass in an evidence record).
const maxRedLineKgU = 1e8

// MetricRanges bound the number of a red line on each metric, in its
// unit: breakout days from 0 to the count of a breakout never reached;
// warning days as much below 0 (a breakout detected only after it is
// done) as above; SQ, masses and machines from 0 to far beyond any
// real figure. A number outside is a typing error, or a red line that
// says nothing.
var MetricRanges = map[string]Range{
	MetricBreakoutDays: {0, UnreachedBreakoutDays}, MetricBreakoutP10: {0, UnreachedBreakoutDays}, MetricBreakoutP50: {0, UnreachedBreakoutDays}, MetricBreakoutP90: {0, UnreachedBreakoutDays},
	MetricWarningDays:  {-UnreachedBreakoutDays, UnreachedBreakoutDays},
	MetricSQPermitted:  {0, maxRedLineKgU / 25}, // that mass as weapon-grade uranium, 25 kg U-235 an SQ
	MetricReductionKgU: {0, maxRedLineKgU}, MetricCentrifugesOut: {0, 1e8},
}

// MaxRedLines is the most red lines one party submits in a room.
const MaxRedLines = 100

// RedLines are one party's private constraints in a room, with the salt
// of their commitment.
type RedLines struct {
	Room        string       `json:"room"`
	Party       string       `json:"party"`
	Constraints []Constraint `json:"constraints"`
	// Salt makes the commitment hiding: without it the hash of a short
	// list of thresholds could be found by trying them.
	Salt string `json:"salt"`
}

// NewSalt returns 32 random bytes in hex.
func NewSalt() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// checkSalt: every commitment's salt is secret randomness of at least 128
// bits, in hex, so that nobody can test guesses against the hash.
func checkSalt(field, salt string) error {
	if b, err := hex.DecodeString(salt); err != nil || len(b) < 16 {
		return input.Errorf(field, "must be at least 16 random bytes in hex (32 hex digits)")
	}
	return nil
}

// CommitmentID is the record id of author's commitment to hash in the
// evidence log: opaque (it names neither the room nor what is committed),
// the same for the same commitment, and distinct between authors.
func CommitmentID(author, hash string) string {
	h := sha256.Sum256([]byte("accord.talks.commitment-id/v1\n" + author + "\n" + hash))
	return "talks-" + hex.EncodeToString(h[:10])
}

// commitmentHead separates the commitment's hash domain from any other.
const commitmentHead = "accord.talks.redlines/v1\n"

// Commitment is the SHA-256, in hex, of the red lines' canonical JSON
// (their fields in order, as given) after a domain line. It goes into the
// evidence log at submission (a talks_commitment record); revealing the red
// lines later, salt included, proves they did not move.
func (r RedLines) Commitment() string {
	h := sha256.Sum256(r.Preimage())
	return hex.EncodeToString(h[:])
}

// Preimage is what the commitment hashes: the domain line and the red
// lines' canonical JSON. A page that signs the commitment checks it.
func (r RedLines) Preimage() []byte {
	b, _ := json.Marshal(r)
	return append([]byte(commitmentHead), b...)
}

// Kept is what a party keeps of its red lines to reveal them later: the
// red lines, salt included, and their commitment.
type Kept struct {
	Commitment string   `json:"commitment"`
	RedLines   RedLines `json:"red_lines"`
}

// Keep is what a party keeps of r.
func (r RedLines) Keep() Kept { return Kept{Commitment: r.Commitment(), RedLines: r} }

// VerifyReveal reports whether revealed red lines are the ones committed
// to.
func VerifyReveal(revealed RedLines, commitment string) bool {
	return subtle.ConstantTimeCompare([]byte(revealed.Commitment()), []byte(commitment)) == 1
}

// Validate checks red lines against the space: each subject a term of it
// or a metric of the model, each operator fitting the subject.
func (r RedLines) Validate(s *Space) error {
	if err := checkSalt("salt", r.Salt); err != nil {
		return err
	}
	if len(r.Constraints) == 0 {
		return input.Errorf("constraints", "at least one red line is needed")
	}
	if len(r.Constraints) > MaxRedLines {
		return input.Errorf("constraints", "must be at most %d red lines, got %d", MaxRedLines, len(r.Constraints))
	}
	for i, c := range r.Constraints {
		f := fmt.Sprintf("constraints[%d]", i)
		if unit, metric := MetricUnits[c.Subject]; metric {
			if c.Op != ">=" && c.Op != "<=" {
				return input.Errorf(f+".op", "must be >= or <= for a metric, got %q", c.Op)
			}
			if err := checkNumber(f, c, MetricRanges[c.Subject], unit, "the metric's range"); err != nil {
				return err
			}
			continue
		}
		t, ok := s.Term(c.Subject)
		if !ok {
			return input.Errorf(f+".subject", "%q is neither a term of the issue space nor a metric of the model", c.Subject)
		}
		switch t.Kind {
		case Numeric:
			if c.Op != ">=" && c.Op != "<=" {
				return input.Errorf(f+".op", "must be >= or <= for a numeric term, got %q", c.Op)
			}
			if err := checkNumber(f, c, Range{t.Min, t.Max}, t.Unit, fmt.Sprintf("the term's range in version %d of the issue space", s.Version)); err != nil {
				return err
			}
		case Option, YesNo:
			if c.Op != "=" && c.Op != "!=" {
				return input.Errorf(f+".op", "must be = or != for %s, got %q", t.ID, c.Op)
			}
			if c.Value != nil {
				return input.Errorf(f+".value", "must be left out: %s takes a word as text (%s), not a number", t.ID, words(t))
			}
			if t.Kind == Option && !slices.Contains(t.Options, c.Text) || t.Kind == YesNo && c.Text != "yes" && c.Text != "no" {
				return input.Errorf(f+".text", "is not a value of %s, got %q", t.ID, c.Text)
			}
		case Schedule:
			return input.Errorf(f+".subject", "red lines on schedules are not supported yet (%s)", t.ID)
		}
	}
	return nil
}

// checkNumber checks the number of red line c, field f, on a numeric
// subject: given, with no text, within rg (in unit; what names the range).
func checkNumber(f string, c Constraint, rg Range, unit, what string) error {
	if c.Value == nil {
		if c.Text != "" {
			return input.Errorf(f+".value", "is required: a red line on %s compares it with a number (%s), not a word (text %q)", c.Subject, unit, c.Text)
		}
		return input.Errorf(f+".value", "is required: a red line on %s compares it with a number (%s)", c.Subject, unit)
	}
	if c.Text != "" {
		return input.Errorf(f+".text", "must be left out: %s is compared with the number in value (%s), not a word, got %q", c.Subject, unit, c.Text)
	}
	if v := *c.Value; !(v >= rg.Min && v <= rg.Max) {
		return input.Errorf(f+".value", "must be in [%v, %v] %s (%s), got %v", rg.Min, rg.Max, unit, what, v)
	}
	return nil
}

// words lists the values of an option or yes/no term.
func words(t Term) string {
	if t.Kind == YesNo {
		return "yes or no"
	}
	return strings.Join(t.Options, ", ")
}

// Check is a constraint's result on one proposal: whether it holds and
// its margin, the distance to the threshold in units of scale (positive
// when it holds, negative when it fails).
type Check struct {
	Constraint Constraint `json:"constraint"`
	Holds      bool       `json:"holds"`
	Margin     float64    `json:"margin"`
}

// evaluateConstraint checks c on a package and the model's evaluation of
// it (nil for a red line on a term the model does not read); scale
// normalizes numeric margins (a term's range, or a metric's threshold). A
// red line that cannot be checked (a metric the model could not derive, a
// term the package leaves open, a red line without its number) is an
// error that says why, never a check that holds.
func evaluateConstraint(s *Space, c Constraint, p Package, ev *Evaluation) (Check, error) {
	ch := Check{Constraint: c}
	var metrics map[string]float64
	var unknown map[string]string
	if ev != nil {
		metrics, unknown = ev.Metrics, ev.Unknown
	}
	var v, scale float64
	_, isMetric := MetricUnits[c.Subject]
	t, isTerm := s.Term(c.Subject)
	if c.Value == nil && (isMetric || isTerm && t.Kind == Numeric) {
		// Only a red line kept from before its number was required.
		return ch, input.Errorf("constraint", "the red line %s gives no number to compare %s with", c, c.Subject)
	}
	if mv, ok := metrics[c.Subject]; ok {
		v, scale = mv, math.Max(math.Abs(*c.Value), 1)
	} else if why, ok := unknown[c.Subject]; ok {
		return ch, input.Errorf("constraint", "%s is not known: %s", c.Subject, why)
	} else if isMetric {
		return ch, input.Errorf("constraint", "the model gave no %s for this proposal", c.Subject)
	} else {
		val, ok := p[c.Subject]
		if !ok {
			return ch, input.Errorf("values."+c.Subject, "the proposal leaves %s open: a red line on it cannot be checked", c.Subject)
		}
		if t.Kind == Option || t.Kind == YesNo {
			eq := val.Text == c.Text
			ch.Holds = eq == (c.Op == "=")
			ch.Margin = map[bool]float64{true: 1, false: -1}[ch.Holds]
			return ch, nil
		}
		if val.Number == nil {
			return ch, input.Errorf("values."+c.Subject, "needs a number")
		}
		v, scale = *val.Number, math.Max(t.Max-t.Min, 1e-9)
	}
	switch c.Op {
	case ">=":
		ch.Margin = (v - *c.Value) / scale
	case "<=":
		ch.Margin = (*c.Value - v) / scale
	}
	ch.Holds = ch.Margin >= -1e-12
	return ch, nil
}
