package breakout

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/accordverify/accord/enrich"
	"github.com/accordverify/accord/internal/input"
)

// Scenario is the input of a breakout estimate. It is also the scenario file
// format (YAML or JSON); docs/formats.md describes it field by field.
type Scenario struct {
	Name string `yaml:"name,omitempty" json:"name,omitempty"`
	// Convention names the assumptions that assign the fleet to the steps;
	// "" is DefaultConvention.
	Convention Convention `yaml:"convention,omitempty" json:"convention,omitempty"`
	// Inventory is the enriched-uranium stock, lot by lot.
	Inventory []Lot `yaml:"inventory" json:"inventory"`
	// Fleet is the centrifuges available for breakout.
	Fleet  []Group `yaml:"fleet" json:"fleet"`
	Target Target  `yaml:"target" json:"target"`
	// TailsPct overrides the default tails assay (percent) for a feed assay,
	// keyed by the feed assay in percent ("60", "19.75", "0.711"). An
	// override is fixed: the band does not vary it.
	TailsPct map[string]float64 `yaml:"tails_pct,omitempty" json:"tails_pct,omitempty"`
	// SetupDays pass before the first separative work is done; nil takes
	// the convention's default (cascades: DefaultReconfigureDays;
	// whole-fleet: 0).
	SetupDays *float64 `yaml:"setup_days,omitempty" json:"setup_days,omitempty"`
	// SetupRangeDays is an optional [low, high] range around SetupDays.
	SetupRangeDays []float64 `yaml:"setup_days_range,omitempty" json:"setup_days_range,omitempty"`
	// Cascades are the inputs of the cascades convention.
	Cascades CascadePlan `yaml:"cascades,omitempty" json:"cascades,omitzero"`
	// NaturalUranium is the natural uranium available as feed once the stock
	// is used up. The zero value is unlimited.
	NaturalUranium NaturalSupply `yaml:"natural_uranium,omitempty" json:"natural_uranium"`
}

// CascadePlan sets how the cascades convention runs the high-enrichment
// steps.
type CascadePlan struct {
	// Max is the most cascades on the high-enrichment steps; nil takes the
	// central value of DefaultHighCascades, and its range when MaxRange is
	// nil too.
	Max *int `yaml:"max,omitempty" json:"max,omitempty"`
	// MaxRange is an optional [low, high] range around Max.
	MaxRange []float64 `yaml:"max_range,omitempty" json:"max_range,omitempty"`
	// Machines are the machine types allowed on the high-enrichment steps;
	// empty allows every type, the most capable cascades first.
	Machines []string `yaml:"machines,omitempty" json:"machines,omitempty"`
}

// Lot is a quantity of uranium at one assay.
type Lot struct {
	Label    string  `yaml:"label,omitempty" json:"label,omitempty"`
	MassKgU  float64 `yaml:"mass_kg_u" json:"mass_kg_u"`
	AssayPct float64 `yaml:"assay_pct" json:"assay_pct"`
	// MassRangeKgU is an optional [low, high] range around MassKgU.
	MassRangeKgU []float64 `yaml:"mass_range_kg_u,omitempty" json:"mass_range_kg_u,omitempty"`
}

// Group is a number of centrifuges of one type, at one site.
type Group struct {
	Machine string `yaml:"machine" json:"machine"`
	Count   int    `yaml:"count" json:"count"`
	// Site is where the machines are (for people; optional).
	Site string `yaml:"site,omitempty" json:"site,omitempty"`
	// Cascades is the number of cascades the machines form; 0 takes
	// cascades of DefaultCascadeSize, the last one partly filled.
	Cascades int `yaml:"cascades,omitempty" json:"cascades,omitempty"`
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
	AssayPct   float64 `yaml:"assay_pct" json:"assay_pct"`
	QuantitySQ float64 `yaml:"quantity_sq" json:"quantity_sq"`
	// SQ is how a significant quantity is counted (wgu25 or iaea).
	SQ enrich.Convention `yaml:"sq" json:"sq"`
	// LegacySQ is the name the field had before conventions of
	// assumptions existed ("convention: wgu25"); ParseScenario moves it
	// to SQ.
	LegacySQ enrich.Convention `yaml:"convention,omitempty" json:"-"`
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
		return &input.Error{Field: "natural_uranium", Rule: fmt.Sprintf(`must be "unlimited" or a mass in kg U, got %q (line %d)`, v.Value, v.Line)}
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
		return &input.Error{Field: "natural_uranium", Rule: fmt.Sprintf(`must be "unlimited" or a mass in kg U, got %s`, b)}
	}
	*n = LimitedNatural(kg)
	return nil
}

// FieldError names the scenario field at fault and the rule it broke.
type FieldError = input.Error

// Bounds of a scenario. The fleet and the stock of any state are far
// smaller (Iran's reports list fewer than 20 groups of machines and a few
// lots); the bounds keep the work of one estimate, and of each sample of
// its band, small.
const (
	// MaxFleetGroups is the most groups a fleet lists.
	MaxFleetGroups = 100
	// MaxLots is the most lots an inventory lists.
	MaxLots = 100
	// MaxTailsOverrides is the most feed assays tails_pct overrides.
	MaxTailsOverrides = 20
	// MaxCascadeMachines is the most machine types cascades.machines lists.
	MaxCascadeMachines = 20

	maxScenarioBytes = 1 << 20
	maxMachines      = 10_000_000
	maxCascades      = 10_000
	maxSetupDays     = 3650
)

// ParseScenario reads a scenario from YAML or JSON (JSON is read as YAML).
// Unknown fields are errors. The scenario is validated; an error names the
// field and the rule.
func ParseScenario(data []byte) (Scenario, error) {
	if len(data) > maxScenarioBytes {
		return Scenario{}, fmt.Errorf("scenario: larger than %d bytes", maxScenarioBytes)
	}
	var s Scenario
	if err := input.DecodeYAML("scenario", data, &s); err != nil {
		return Scenario{}, err
	}
	if err := checkWholeCounts(data); err != nil {
		return Scenario{}, err
	}
	if err := checkRequired(data); err != nil {
		return Scenario{}, err
	}
	// The name the significant-quantity field had before; an old file
	// reads as it always did.
	if s.Target.SQ == "" && s.Target.LegacySQ != "" {
		if _, err := enrich.ParseConvention(string(s.Target.LegacySQ)); err == nil {
			s.Target.SQ, s.Target.LegacySQ = s.Target.LegacySQ, ""
		}
	}
	if s.Target.LegacySQ != "" {
		return Scenario{}, input.Errorf("target.convention", "give target.sq (%q or %q) only; the scenario's top-level convention names the assumptions (%s)", enrich.IAEA, enrich.WGU25, conventionNames())
	}
	if err := s.Validate(); err != nil {
		return Scenario{}, err
	}
	return s, nil
}

// checkWholeCounts rejects fractional machine and cascade counts, which the
// YAML decoder would silently truncate to integers.
func checkWholeCounts(data []byte) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return err
	}
	whole := func(field string, n *yaml.Node) error {
		if n != nil && n.Kind == yaml.ScalarNode && n.ShortTag() != "!!int" {
			return input.Errorf(field, "must be a whole number, got %q (line %d)", n.Value, n.Line)
		}
		return nil
	}
	if fleet := mappingValue(doc.Content[0], "fleet"); fleet != nil && fleet.Kind == yaml.SequenceNode {
		for i, g := range fleet.Content {
			for _, key := range []string{"count", "cascades"} {
				if err := whole(fmt.Sprintf("fleet[%d].%s", i, key), mappingValue(g, key)); err != nil {
					return err
				}
			}
		}
	}
	return whole("cascades.max", mappingValue(mappingValue(doc.Content[0], "cascades"), "max"))
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
	if len(s.Inventory) > MaxLots {
		return input.Errorf("inventory", "must list at most %d lots, got %d", MaxLots, len(s.Inventory))
	}
	if len(s.Fleet) > MaxFleetGroups {
		return input.Errorf("fleet", "must list at most %d groups, got %d", MaxFleetGroups, len(s.Fleet))
	}
	if len(s.TailsPct) > MaxTailsOverrides {
		return input.Errorf("tails_pct", "must override at most %d feed assays, got %d", MaxTailsOverrides, len(s.TailsPct))
	}
	if len(s.Cascades.Machines) > MaxCascadeMachines {
		return input.Errorf("cascades.machines", "must list at most %d machine types, got %d", MaxCascadeMachines, len(s.Cascades.Machines))
	}
	for i, l := range s.Inventory {
		p := fmt.Sprintf("inventory[%d]", i)
		if !finite(l.MassKgU) || l.MassKgU < 0 {
			return input.Errorf(p+".mass_kg_u", "must be a finite mass >= 0 kg U, got %v", l.MassKgU)
		}
		if _, err := enrich.Percent(l.AssayPct); err != nil {
			return input.Errorf(p+".assay_pct", "must be in (0, 100) %%, got %v", l.AssayPct)
		}
		if err := checkRange(p+".mass_range_kg_u", l.MassRangeKgU, l.MassKgU, 0, math.Inf(1)); err != nil {
			return err
		}
	}
	for i, g := range s.Fleet {
		p := fmt.Sprintf("fleet[%d]", i)
		if strings.TrimSpace(g.Machine) == "" {
			return input.Errorf(p+".machine", "is required (a machine type such as %s)", machineNames())
		}
		if g.Count < 0 || g.Count > maxMachines {
			return input.Errorf(p+".count", "must be in [0, %d], got %d", maxMachines, g.Count)
		}
		if g.Cascades < 0 || g.Cascades > g.Count {
			return input.Errorf(p+".cascades", "must be in [0, count %d], got %d", g.Count, g.Cascades)
		}
		m, known := catalogueMachine(g.Machine)
		swu := m.SWUPerYear
		if g.SWUPerYear != nil {
			swu = *g.SWUPerYear
			if !finite(swu) || swu <= 0 {
				return input.Errorf(p+".swu_per_year", "must be > 0 SWU per machine-year, got %v", swu)
			}
		} else if !known {
			return input.Errorf(p+".swu_per_year", "is required for machine %q, which is not in the catalogue (%s)", g.Machine, machineNames())
		}
		if g.SWURange != nil && g.SWUPerYear == nil {
			return input.Errorf(p+".swu_per_year_range", "needs swu_per_year as its central value")
		}
		if err := checkRange(p+".swu_per_year_range", g.SWURange, swu, 0, math.Inf(1)); err != nil {
			return err
		}
		if g.Efficiency != nil {
			if e := *g.Efficiency; !finite(e) || e <= 0 || e > 1 {
				return input.Errorf(p+".efficiency", "must be in (0, 1], got %v", e)
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
				return input.Errorf(p+".efficiency_range", "must lie in (0, 1], got [%v, %v]", g.EfficiencyRange[0], g.EfficiencyRange[1])
			}
		}
	}
	target, err := enrich.Percent(s.Target.AssayPct)
	if err != nil {
		return input.Errorf("target.assay_pct", "must be in (0, 100) %%, got %v", s.Target.AssayPct)
	}
	if !finite(s.Target.QuantitySQ) || s.Target.QuantitySQ <= 0 {
		return input.Errorf("target.quantity_sq", "must be > 0 significant quantities, got %v", s.Target.QuantitySQ)
	}
	if s.Target.SQ == "" && s.Target.LegacySQ != "" {
		return input.Errorf("target.convention", "is now target.sq (%q or %q); the scenario's top-level convention names the assumptions (%s)", enrich.IAEA, enrich.WGU25, conventionNames())
	}
	if s.Target.SQ == "" {
		return input.Errorf("target.sq", "is required: %q (25 kg U-235 contained) or %q (25 kg of uranium at 90 %% or more)", enrich.IAEA, enrich.WGU25)
	}
	sq, err := enrich.ParseConvention(string(s.Target.SQ))
	if err != nil {
		return input.Errorf("target.sq", "must be %q or %q, got %q", enrich.IAEA, enrich.WGU25, s.Target.SQ)
	}
	if _, err := sq.ProductKgUPerSQ(target); err != nil {
		return input.Errorf("target.assay_pct", "sq %s counts uranium at %s or more, got %v %%", sq, enrich.WeaponGradeAssay, s.Target.AssayPct)
	}
	if _, err := ParseConvention(string(s.Convention)); err != nil {
		return input.Errorf("convention", "%v", err)
	}
	for key, t := range s.TailsPct {
		p := fmt.Sprintf("tails_pct[%q]", key)
		feed, err := strconv.ParseFloat(strings.TrimSpace(key), 64)
		if err != nil || feed <= 0 || feed >= 100 {
			return input.Errorf(p, "key must be a feed assay in percent, in (0, 100), got %q", key)
		}
		if !finite(t) || t <= 0 || t >= feed {
			return input.Errorf(p, "tails assay must be in (0, %v) %%, below its feed assay, got %v", feed, t)
		}
	}
	if s.SetupDays != nil {
		if d := *s.SetupDays; !finite(d) || d < 0 {
			return input.Errorf("setup_days", "must be >= 0 days, got %v", d)
		}
	}
	if s.SetupRangeDays != nil {
		if s.SetupDays == nil {
			return input.Errorf("setup_days_range", "needs setup_days as its central value")
		}
		if err := checkRange("setup_days_range", s.SetupRangeDays, *s.SetupDays, 0, maxSetupDays); err != nil {
			return err
		}
	}
	c := s.Cascades
	if c.Max != nil && (*c.Max < 1 || *c.Max > maxCascades) {
		return input.Errorf("cascades.max", "must be a whole number of cascades in [1, %d], got %d", maxCascades, *c.Max)
	}
	if c.MaxRange != nil {
		if c.Max == nil {
			return input.Errorf("cascades.max_range", "needs cascades.max as its central value")
		}
		if err := checkRange("cascades.max_range", c.MaxRange, float64(*c.Max), 1, maxCascades); err != nil {
			return err
		}
	}
	for i, m := range c.Machines {
		if _, ok := LookupMachine(m); !ok && !slices.ContainsFunc(s.Fleet, func(g Group) bool { return strings.EqualFold(g.Machine, m) }) {
			return input.Errorf(fmt.Sprintf("cascades.machines[%d]", i), "%q is neither in the fleet nor in the catalogue (%s)", m, machineNames())
		}
	}
	if n := s.NaturalUranium; n.Limited && (!finite(n.MassKgU) || n.MassKgU < 0) {
		return input.Errorf("natural_uranium", `must be "unlimited" or a mass >= 0 kg U, got %v`, n.MassKgU)
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
		return input.Errorf(field, "must be [low, high], got %d values", len(r))
	}
	lo, hi := r[0], r[1]
	if !finite(lo) || !finite(hi) || lo > hi || lo < min || hi > max {
		return input.Errorf(field, "must be [low, high] with %v <= low <= high <= %v, got [%v, %v]", min, max, lo, hi)
	}
	if central < lo || central > hi {
		return input.Errorf(field, "must contain the central value %v, got [%v, %v]", central, lo, hi)
	}
	return nil
}

func midpoint(r []float64) float64 { return (r[0] + r[1]) / 2 }

// required are the fields a scenario must give, with what each is: a
// missing one is named as missing rather than checked as a zero.
var required = []struct{ path, what string }{
	{"target", "what breakout aims at: assay_pct, quantity_sq and sq"},
	{"target.assay_pct", "the assay to reach in %, e.g. 90"},
	{"target.quantity_sq", "how many significant quantities, e.g. 1"},
}

// requiredInList are the fields every entry of a list must give.
var requiredInList = map[string][]struct{ field, what string }{
	"inventory": {{"mass_kg_u", "the lot's mass in kg U"}, {"assay_pct", "the lot's assay in %"}},
	"fleet":     {{"count", "how many machines"}},
}

// checkRequired names the first required field that the document does not
// give at all.
func checkRequired(data []byte) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return nil // the decoder has already answered for the syntax
	}
	root := doc.Content[0]
	for _, r := range required {
		n := root
		for _, key := range strings.Split(r.path, ".") {
			n = mappingValue(n, key)
			if n == nil {
				return input.Errorf(r.path, "is missing: give %s", r.what)
			}
		}
	}
	for list, fields := range requiredInList {
		l := mappingValue(root, list)
		if l == nil || l.Kind != yaml.SequenceNode {
			continue
		}
		for i, item := range l.Content {
			for _, f := range fields {
				if item.Kind == yaml.MappingNode && mappingValue(item, f.field) == nil {
					return input.Errorf(fmt.Sprintf("%s[%d].%s", list, i, f.field), "is missing: give %s", f.what)
				}
			}
		}
	}
	return nil
}
