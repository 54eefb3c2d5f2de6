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

	"github.com/accordverify/accord/internal/input"
)

// Constraint is one red line: a term or a derived metric compared with a
// value ("breakout_days >= 365", "enrichment_cap_pct >= 3.67",
// "additional_protocol = yes").
type Constraint struct {
	Subject string  `json:"subject"`
	Op      string  `json:"op"`
	Value   float64 `json:"value,omitempty"`
	// Text is the value of a yes/no or option term (with op "=").
	Text string `json:"text,omitempty"`
}

func (c Constraint) String() string {
	if c.Text != "" {
		return fmt.Sprintf("%s %s %s", c.Subject, c.Op, c.Text)
	}
	return fmt.Sprintf("%s %s %g", c.Subject, c.Op, c.Value)
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
		if _, metric := MetricUnits[c.Subject]; metric {
			if c.Op != ">=" && c.Op != "<=" {
				return input.Errorf(f+".op", "must be >= or <= for a metric, got %q", c.Op)
			}
			if math.IsNaN(c.Value) || math.IsInf(c.Value, 0) {
				return input.Errorf(f+".value", "must be a number, got %v", c.Value)
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
		case Option, YesNo:
			if c.Op != "=" && c.Op != "!=" {
				return input.Errorf(f+".op", "must be = or != for %s, got %q", t.ID, c.Op)
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

// Check is a constraint's result on one proposal: whether it holds and
// its margin, the distance to the threshold in units of scale (positive
// when it holds, negative when it fails).
type Check struct {
	Constraint Constraint `json:"constraint"`
	Holds      bool       `json:"holds"`
	Margin     float64    `json:"margin"`
}

// evaluateConstraint checks c on a package and its metrics; scale
// normalizes numeric margins (a term's range, or a metric's threshold).
func evaluateConstraint(s *Space, c Constraint, p Package, metrics map[string]float64) (Check, error) {
	ch := Check{Constraint: c}
	var v, scale float64
	if mv, metric := metrics[c.Subject]; metric {
		v, scale = mv, math.Max(math.Abs(c.Value), 1)
	} else if _, isMetric := MetricUnits[c.Subject]; isMetric {
		return ch, input.Errorf("constraint", "the model gave no %s for this proposal", c.Subject)
	} else {
		t, _ := s.Term(c.Subject)
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
		ch.Margin = (v - c.Value) / scale
	case "<=":
		ch.Margin = (c.Value - v) / scale
	}
	ch.Holds = ch.Margin >= -1e-12
	return ch, nil
}
