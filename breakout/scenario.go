package breakout

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/accordverify/accord/enrich"
	"go.yaml.in/yaml/v3"
)

// Scenario is the input of a breakout estimate. It is also the scenario file
// format (YAML or JSON); docs/formats.md describes it field by field.
type Scenario struct {
	Name string `yaml:"name,omitempty" json:"name,omitempty"`
	// Inventory is the enriched-uranium stock, lot by lot.
	Inventory []Lot `yaml:"inventory" json:"inventory"`
	// Fleet is the centrifuges available for breakout.
	Fleet  []Group `yaml:"fleet" json:"fleet"`
	Target Target  `yaml:"target" json:"target"`
	// TailsPct overrides the default tails assay (percent) for a feed assay,
	// keyed by the feed assay in percent ("60", "19.75", "0.711").
	TailsPct map[string]float64 `yaml:"tails_pct,omitempty" json:"tails_pct,omitempty"`
	// SetupDays pass before the first separative work is done.
	SetupDays float64 `yaml:"setup_days,omitempty" json:"setup_days,omitempty"`
	// NaturalUranium is the natural uranium available as feed once the stock
	// is used up. The zero value is unlimited.
	NaturalUranium NaturalSupply `yaml:"natural_uranium,omitempty" json:"natural_uranium"`
}

// Lot is a quantity of uranium at one assay.
type Lot struct {
	Label    string  `yaml:"label,omitempty" json:"label,omitempty"`
	MassKgU  float64 `yaml:"mass_kg_u" json:"mass_kg_u"`
	AssayPct float64 `yaml:"assay_pct" json:"assay_pct"`
	// MassRangeKgU is an optional [low, high] range around MassKgU.
	MassRangeKgU []float64 `yaml:"mass_range_kg_u,omitempty" json:"mass_range_kg_u,omitempty"`
}

// Group is a number of centrifuges of one type.
type Group struct {
	Machine string `yaml:"machine" json:"machine"`
	Count   int    `yaml:"count" json:"count"`
	// SWUPerYear is the capacity per machine; nil takes the catalogue's
	// central value and range.
	SWUPerYear *float64 `yaml:"swu_per_year,omitempty" json:"swu_per_year,omitempty"`
	// SWURange is an optional [low, high] range of SWUPerYear.
	SWURange []float64 `yaml:"swu_per_year_range,omitempty" json:"swu_per_year_range,omitempty"`
	// Efficiency scales the capacity, in (0, 1]; nil is 1 (ideal cascade),
	// or the middle of EfficiencyRange when that is set.
	Efficiency      *float64  `yaml:"efficiency,omitempty" json:"efficiency,omitempty"`
	EfficiencyRange []float64 `yaml:"efficiency_range,omitempty" json:"efficiency_range,omitempty"`
}

// Target is what breakout aims at.
type Target struct {
	AssayPct   float64           `yaml:"assay_pct" json:"assay_pct"`
	QuantitySQ float64           `yaml:"quantity_sq" json:"quantity_sq"`
	Convention enrich.Convention `yaml:"convention" json:"convention"`
}

// NaturalSupply is the natural uranium available as feed: unlimited (the
// zero value) or a limited mass in kg U. In files it is the word
// "unlimited" or a number of kg U.
type NaturalSupply struct {
	Limited bool
	MassKgU float64
}

// Unlimited is the natural-uranium supply without limit.
var Unlimited = NaturalSupply{}

// LimitedNatural returns a supply of massKgU of natural uranium.
func LimitedNatural(massKgU float64) NaturalSupply {
	return NaturalSupply{Limited: true, MassKgU: massKgU}
}

func (n NaturalSupply) String() string {
	if !n.Limited {
		return "unlimited"
	}
	return strconv.FormatFloat(n.MassKgU, 'g', -1, 64) + " kg U"
}

// UnmarshalYAML reads "unlimited" or a mass in kg U.
func (n *NaturalSupply) UnmarshalYAML(v *yaml.Node) error {
	if v.Kind == yaml.ScalarNode && strings.EqualFold(strings.TrimSpace(v.Value), "unlimited") {
		*n = Unlimited
		return nil
	}
	var kg float64
	if err := v.Decode(&kg); err != nil {
		return &FieldError{Field: "natural_uranium", Rule: fmt.Sprintf(`must be "unlimited" or a mass in kg U, got %q (line %d)`, v.Value, v.Line)}
	}
	*n = LimitedNatural(kg)
	return nil
}

// MarshalYAML writes "unlimited" or the mass in kg U.
func (n NaturalSupply) MarshalYAML() (any, error) {
	if !n.Limited {
		return "unlimited", nil
	}
	return n.MassKgU, nil
}

// MarshalJSON writes "unlimited" or the mass in kg U.
func (n NaturalSupply) MarshalJSON() ([]byte, error) {
	if !n.Limited {
		return []byte(`"unlimited"`), nil
	}
	return json.Marshal(n.MassKgU)
}

// UnmarshalJSON reads "unlimited" or a mass in kg U.
func (n *NaturalSupply) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil && strings.EqualFold(s, "unlimited") {
		*n = Unlimited
		return nil
	}
	var kg float64
	if err := json.Unmarshal(b, &kg); err != nil {
		return &FieldError{Field: "natural_uranium", Rule: fmt.Sprintf(`must be "unlimited" or a mass in kg U, got %s`, b)}
	}
	*n = LimitedNatural(kg)
	return nil
}

// FieldError reports an invalid scenario: the field, as a path such as
// "fleet[0].efficiency", and the rule it breaks.
type FieldError struct {
	Field string
	Rule  string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Rule }

func fieldErr(field, format string, a ...any) error {
	return &FieldError{Field: field, Rule: fmt.Sprintf(format, a...)}
}

// maxScenarioBytes bounds a scenario file.
const maxScenarioBytes = 1 << 20

// ParseScenario reads a scenario from YAML or JSON (JSON is read as YAML).
// Unknown fields are errors. The scenario is validated; an error names the
// field and the rule.
func ParseScenario(data []byte) (Scenario, error) {
	if len(data) > maxScenarioBytes {
		return Scenario{}, fmt.Errorf("scenario: larger than %d bytes", maxScenarioBytes)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var s Scenario
	if err := dec.Decode(&s); err != nil {
		if errors.Is(err, io.EOF) {
			return Scenario{}, errors.New("scenario: empty document")
		}
		var fe *FieldError
		if errors.As(err, &fe) {
			return Scenario{}, fe
		}
		return Scenario{}, fmt.Errorf("scenario: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return Scenario{}, errors.New("scenario: more than one document")
	}
	if err := checkWholeCounts(data); err != nil {
		return Scenario{}, err
	}
	if err := s.Validate(); err != nil {
		return Scenario{}, err
	}
	return s, nil
}

// checkWholeCounts rejects fractional machine counts, which the YAML decoder
// would silently truncate to integers.
func checkWholeCounts(data []byte) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return err
	}
	fleet := mappingValue(doc.Content[0], "fleet")
	if fleet == nil || fleet.Kind != yaml.SequenceNode {
		return nil
	}
	for i, g := range fleet.Content {
		if c := mappingValue(g, "count"); c != nil && c.Kind == yaml.ScalarNode && c.ShortTag() != "!!int" {
			return fieldErr(fmt.Sprintf("fleet[%d].count", i), "must be a whole number of machines, got %q (line %d)", c.Value, c.Line)
		}
	}
	return nil
}

// mappingValue returns the value of key in a mapping node, or nil.
func mappingValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// Validate checks every field and returns the first error, a *FieldError.
func (s *Scenario) Validate() error {
	for i, l := range s.Inventory {
		p := fmt.Sprintf("inventory[%d]", i)
		if !finite(l.MassKgU) || l.MassKgU < 0 {
			return fieldErr(p+".mass_kg_u", "must be a finite mass >= 0 kg U, got %v", l.MassKgU)
		}
		if _, err := enrich.Percent(l.AssayPct); err != nil {
			return fieldErr(p+".assay_pct", "must be in (0, 100) %%, got %v", l.AssayPct)
		}
		if err := checkRange(p+".mass_range_kg_u", l.MassRangeKgU, l.MassKgU, 0, math.Inf(1)); err != nil {
			return err
		}
	}
	for i, g := range s.Fleet {
		p := fmt.Sprintf("fleet[%d]", i)
		if strings.TrimSpace(g.Machine) == "" {
			return fieldErr(p+".machine", "is required (a machine type such as %s)", machineNames())
		}
		if g.Count < 0 {
			return fieldErr(p+".count", "must be >= 0, got %d", g.Count)
		}
		m, known := LookupMachine(g.Machine)
		swu := m.SWUPerYear
		if g.SWUPerYear != nil {
			swu = *g.SWUPerYear
			if !finite(swu) || swu <= 0 {
				return fieldErr(p+".swu_per_year", "must be > 0 SWU per machine-year, got %v", swu)
			}
		} else if !known {
			return fieldErr(p+".swu_per_year", "is required for machine %q, which is not in the catalogue (%s)", g.Machine, machineNames())
		}
		if g.SWURange != nil && g.SWUPerYear == nil {
			return fieldErr(p+".swu_per_year_range", "needs swu_per_year as its central value")
		}
		if err := checkRange(p+".swu_per_year_range", g.SWURange, swu, 0, math.Inf(1)); err != nil {
			return err
		}
		if g.Efficiency != nil {
			if e := *g.Efficiency; !finite(e) || e <= 0 || e > 1 {
				return fieldErr(p+".efficiency", "must be in (0, 1], got %v", e)
			}
		}
		if g.EfficiencyRange != nil {
			central := midpoint(g.EfficiencyRange)
			if g.Efficiency != nil {
				central = *g.Efficiency
			}
			if err := checkRange(p+".efficiency_range", g.EfficiencyRange, central, 0, 1); err != nil {
				return err
			}
			if g.EfficiencyRange[0] <= 0 {
				return fieldErr(p+".efficiency_range", "must lie in (0, 1], got [%v, %v]", g.EfficiencyRange[0], g.EfficiencyRange[1])
			}
		}
	}
	target, err := enrich.Percent(s.Target.AssayPct)
	if err != nil {
		return fieldErr("target.assay_pct", "must be in (0, 100) %%, got %v", s.Target.AssayPct)
	}
	if !finite(s.Target.QuantitySQ) || s.Target.QuantitySQ <= 0 {
		return fieldErr("target.quantity_sq", "must be > 0 significant quantities, got %v", s.Target.QuantitySQ)
	}
	if s.Target.Convention == "" {
		return fieldErr("target.convention", "is required: %q (25 kg U-235 contained) or %q (25 kg of uranium at 90 %% or more)", enrich.IAEA, enrich.WGU25)
	}
	conv, err := enrich.ParseConvention(string(s.Target.Convention))
	if err != nil {
		return fieldErr("target.convention", "must be %q or %q, got %q", enrich.IAEA, enrich.WGU25, s.Target.Convention)
	}
	if _, err := conv.ProductKgUPerSQ(target); err != nil {
		return fieldErr("target.assay_pct", "convention %s counts uranium at %s or more, got %v %%", conv, enrich.WeaponGradeAssay, s.Target.AssayPct)
	}
	for key, t := range s.TailsPct {
		p := fmt.Sprintf("tails_pct[%q]", key)
		feed, err := strconv.ParseFloat(strings.TrimSpace(key), 64)
		if err != nil || feed <= 0 || feed >= 100 {
			return fieldErr(p, "key must be a feed assay in percent, in (0, 100), got %q", key)
		}
		if !finite(t) || t <= 0 || t >= feed {
			return fieldErr(p, "tails assay must be in (0, %v) %%, below its feed assay, got %v", feed, t)
		}
	}
	if !finite(s.SetupDays) || s.SetupDays < 0 {
		return fieldErr("setup_days", "must be >= 0 days, got %v", s.SetupDays)
	}
	if n := s.NaturalUranium; n.Limited && (!finite(n.MassKgU) || n.MassKgU < 0) {
		return fieldErr("natural_uranium", `must be "unlimited" or a mass >= 0 kg U, got %v`, n.MassKgU)
	}
	return nil
}

// checkRange checks an optional [low, high] range that must hold central
// and lie within [min, max].
func checkRange(field string, r []float64, central, min, max float64) error {
	if r == nil {
		return nil
	}
	if len(r) != 2 {
		return fieldErr(field, "must be [low, high], got %d values", len(r))
	}
	lo, hi := r[0], r[1]
	if !finite(lo) || !finite(hi) || lo > hi || lo < min || hi > max {
		return fieldErr(field, "must be [low, high] with %v <= low <= high <= %v, got [%v, %v]", min, max, lo, hi)
	}
	if central < lo || central > hi {
		return fieldErr(field, "must contain the central value %v, got [%v, %v]", central, lo, hi)
	}
	return nil
}

func midpoint(r []float64) float64 { return (r[0] + r[1]) / 2 }
