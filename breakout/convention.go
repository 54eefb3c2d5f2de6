package breakout

import (
	"fmt"
	"strings"
)

// Convention names a set of assumptions that turn a stock and a fleet into
// a breakout estimate. docs/breakout.md describes each with its sources.
type Convention string

const (
	// Cascades assigns the fleet as an operator would: the steps from
	// near-20 % feed and above (20 to 90, 60 to 90) run in a bounded number
	// of whole cascades of the most capable machines, after a time to
	// reconfigure them; the steps from lower feed make near-20 % uranium on
	// the other machines, which the high-enrichment cascades join when they
	// have nothing to do. It is the default.
	Cascades Convention = "cascades"
	// WholeFleet puts every machine on every step from the first day, each
	// lot enriched straight to the target, with no set-up time: a lower
	// bound that no operator reaches.
	WholeFleet Convention = "whole-fleet"
)

// DefaultConvention is the convention of a scenario that names none.
const DefaultConvention = Cascades

// Conventions lists the conventions, the default first.
func Conventions() []Convention { return []Convention{Cascades, WholeFleet} }

// ParseConvention returns the convention named s; "" is the default.
func ParseConvention(s string) (Convention, error) {
	switch c := Convention(strings.TrimSpace(s)); c {
	case "":
		return DefaultConvention, nil
	case Cascades, WholeFleet:
		return c, nil
	}
	return "", fmt.Errorf("must be %s, got %q", conventionNames(), s)
}

func conventionNames() string {
	return fmt.Sprintf("%q or %q", Cascades, WholeFleet)
}

// Describe says in words what the convention assumes.
func (c Convention) Describe() string {
	switch c {
	case Cascades:
		return "cascades: the steps from near-20 % feed and above run in a few whole cascades of the most capable machines after a time to reconfigure them; " +
			"lower feed is first enriched to near 20 % on the other machines"
	case WholeFleet:
		return "whole-fleet: every machine on every step from the first day, each lot enriched straight to the target, no set-up time (a lower bound)"
	}
	return string(c)
}

// Defaults of the cascades convention, each with its source. The ranges are
// triangular (low, central, high) in the band.
const (
	// IntermediatePct is the assay to which the cascades convention first
	// enriches feed below HighFeedPct: Iran's "20 %" product, nominally
	// 19.75 % (IAEA reports).
	IntermediatePct = 19.75
	// HighFeedPct is the lowest feed assay that goes straight into the
	// high-enrichment cascades.
	HighFeedPct = 10.0
	// DefaultCascadeSize is the machines in one cascade when the scenario
	// gives no count of cascades.
	DefaultCascadeSize = 174
)

// CascadeSizeSource says where DefaultCascadeSize comes from.
const CascadeSizeSource = "174 machines a cascade: the IR-1 cascades at Fordow (1,044 = 6 x 174, JCPOA Annex I), the IR-2m and IR-4 cascades at Natanz FEP " +
	"(IAEA, 15 March 2021) and the IR-6 cascades of Fordow Unit 1 (IAEA, June 2024)"

// AdvancedSWUPerYear separates advanced machines from first-generation
// ones: a type of more than this many SWU per machine-year (every type of
// the catalogue but the IR-1) is advanced.
const AdvancedSWUPerYear = 1.5

// DefaultHighCascadesLow and DefaultHighCascadesCentral are the low and
// central number of cascades on the high-enrichment steps; the high end is
// every cascade of the machines able to do them. Where fewer cascades
// exist, all of them.
const (
	DefaultHighCascadesLow     = 3
	DefaultHighCascadesCentral = 4
)

// HighCascadesSource says where the default number of cascades comes from.
const HighCascadesSource = "low 3 and central 4: the advanced cascades ISIS assumed from 2023 to August 2024 " +
	"('using only three or four of its advanced centrifuge cascades', June and September 2023; 'four advanced centrifuge cascades', November 2023 to August 2024); " +
	"high: every cascade able to do it, as in ISIS's 2025 estimates 'in Fordow' with all of its cascades and the whole 60 % stock; " +
	"the machines able to do it are the advanced ones (more than 1.5 SWU per machine-year) when the fleet has any, else all"

// DefaultReconfigureDays is the time to reconfigure the cascades for the
// high-enrichment steps (re-piping, feed and withdrawal): [low, central,
// high].
var DefaultReconfigureDays = [3]float64{0, 1, 7}

// ReconfigureSource says where DefaultReconfigureDays comes from.
const ReconfigureSource = "low 0: the published 'as little as' figures leave set-up out; central 1 (DERIVED): ISIS's 2023-2025 figures (12 days with three or four cascades, " +
	"seven with four and higher tails) match their separative work alone to within about a day, and Fordow's interconnected cascades 'can be easily modified to produce WGU' (ISIS, December 2024); " +
	"high 7: ISIS's set-up of 'about one week' for IR-1 plants 'with experience, advance preparation' (ISIS, about 2013; two weeks before that)"
