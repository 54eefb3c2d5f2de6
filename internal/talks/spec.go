package talks

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/accordverify/accord/internal/input"
)

// SpecFormat identifies a room file.
const SpecFormat = "accord.talks.room/v1"

// Spec is a room file: a room as its mediator (or an analyst) sets it up,
// every party's red lines included. A room file is therefore the
// mediator's view: it is for preparing and studying a room offline, not
// for handing to a party.
type Spec struct {
	Format   string       `yaml:"format"`
	ID       string       `yaml:"id"`
	Title    string       `yaml:"title"`
	Note     string       `yaml:"note,omitempty"`
	Mediator string       `yaml:"mediator"`
	Parties  []Delegation `yaml:"parties"`
	Policy   Policy       `yaml:"policy"`
	Budget   int          `yaml:"budget_per_round"`
	Space    Space        `yaml:"space"`
	RedLines []RedLines   `yaml:"red_lines"`
	// Proposals are packages to evaluate, by name.
	Proposals map[string]Package `yaml:"proposals,omitempty"`
}

// ParseSpec reads a room file (YAML; unknown fields are errors) and builds
// the room, submitting each party's red lines. Red lines without a salt
// get a fresh one.
func ParseSpec(data []byte) (*Spec, *Room, error) {
	var s Spec
	if err := input.DecodeYAML("room file", data, &s); err != nil && !errors.Is(err, input.ErrEmpty) {
		return nil, nil, err
	}
	if s.Format != SpecFormat {
		return nil, nil, input.Errorf("format", "must be %s, got %q", SpecFormat, s.Format)
	}
	r, err := NewRoom(s.ID, s.Title, s.Mediator, s.Parties, s.Space, s.Policy, s.Budget)
	if err != nil {
		return nil, nil, err
	}
	for i := range s.RedLines {
		rl := &s.RedLines[i]
		if rl.Room == "" {
			rl.Room = s.ID
		}
		if rl.Salt == "" {
			rl.Salt = NewSalt()
		}
		if _, err := r.SubmitRedLines(rl.Party, *rl); err != nil {
			var fe *input.Error
			if errors.As(err, &fe) {
				return nil, nil, input.Prefix(fmt.Sprintf("red_lines[%d].", i), fe)
			}
			return nil, nil, fmt.Errorf("red_lines[%d]: %w", i, err)
		}
	}
	for _, name := range sortedKeys(s.Proposals) {
		if err := r.Space.Check(s.Proposals[name]); err != nil {
			return nil, nil, input.Prefix("proposals."+name+".", err)
		}
	}
	return &s, r, nil
}

// UnmarshalYAML reads a value: a number, a word (option, yes, no), or a
// list of phases.
func (v *Value) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		var f float64
		if n.Tag == "!!int" || n.Tag == "!!float" {
			if err := n.Decode(&f); err != nil {
				return err
			}
			v.Number = &f
			return nil
		}
		return n.Decode(&v.Text)
	case yaml.SequenceNode:
		return n.Decode(&v.Order)
	}
	return fmt.Errorf("line %d: a value is a number, a word or a list of phases", n.Line)
}

// ParseConstraints reads a party's red lines: constraints: [{subject, op,
// value or text}].
func ParseConstraints(data []byte) ([]Constraint, error) {
	var in struct {
		Constraints []Constraint `yaml:"constraints"`
	}
	err := input.DecodeYAML("red lines", data, &in)
	return in.Constraints, err
}

// ParseText reads a version of the single negotiating text to propose:
// its clauses (id, text, status, terms) and values.
func ParseText(data []byte) (Text, error) {
	var in struct {
		Clauses []Clause `yaml:"clauses"`
		Values  Package  `yaml:"values"`
	}
	err := input.DecodeYAML("text", data, &in)
	return Text{Clauses: in.Clauses, Values: in.Values}, err
}

// ParseTerms reads TERM=VALUE settings into a package: a value is a
// number, phases separated by commas, or a word.
func ParseTerms(sets []string) (Package, error) {
	p := Package{}
	for _, s := range sets {
		k, v, ok := strings.Cut(s, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%q: want TERM=VALUE", s)
		}
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			p[k] = Num(f)
		} else if strings.Contains(v, ",") {
			p[k] = Value{Order: strings.Split(v, ",")}
		} else {
			p[k] = Value{Text: v}
		}
	}
	return p, nil
}
