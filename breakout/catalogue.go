package breakout

import (
	"slices"
	"strings"
)

// Status says how far a figure that comes from outside can be trusted.
type Status string

const (
	// Sourced: seen verbatim in a retrieved source (possibly as a claim).
	Sourced Status = "sourced"
	// Derived: arithmetic on sourced figures.
	Derived Status = "derived"
	// Unverified: commonly cited, not confirmed in a retrieved source.
	Unverified Status = "unverified"
)

// Machine is a centrifuge type in the catalogue: a central separative
// capacity per machine and, where the sources give one, a range.
type Machine struct {
	Type string `json:"machine"`
	// SWUPerYear is the central capacity per machine, kg-SWU per year.
	SWUPerYear float64 `json:"swu_per_year"`
	// Range is the [low, high] capacity per machine; nil when no range is
	// sourced.
	Range  []float64 `json:"swu_per_year_range,omitempty"`
	Status Status    `json:"status"`
	Source string    `json:"source"`
}

// The figures are those of the shared reference, enrichment-and-jcpoa.md
// section 2.1, with their confidence carried into Status.
var catalogue = []Machine{
	{
		Type: "IR-1", SWUPerYear: 0.9, Range: []float64{0.75, 1.0}, Status: Derived,
		Source: "central 0.9: ISIS 2020-04-15, about 7,500 SWU/yr in all with almost three quarters in about 6,104 IR-1; " +
			"range 0.75-1.0: the usual range in breakout models (AEOI claim 1 SWU/yr, 2017; Zonnour 0.8-1.0, 2021; " +
			"0.70-0.92 derived from ISIS 2011 'Performance of the IR-1 Centrifuge at Natanz')",
	},
	{
		Type: "IR-2m", SWUPerYear: 4, Range: []float64{3, 5}, Status: Unverified,
		Source: "commonly cited 3-5 SWU/yr (ISIS 2011 'Iran's Advanced Centrifuges'); the number is not confirmed in the texts consulted; central value is the midpoint",
	},
	{
		Type: "IR-4", SWUPerYear: 4, Range: []float64{3, 5}, Status: Unverified,
		Source: "ISIS 2014 IR-8 note: 'the IR-2m and IR-4 are similar in output'; the IR-2m range is itself unverified; central value is the midpoint",
	},
	{
		Type: "IR-6", SWUPerYear: 5, Range: []float64{3.5, 10}, Status: Derived,
		Source: "central 5: ISIS 2022-07-14, in practice 'about half of its single machine theoretical value', of the 10 SWU/yr " +
			"claimed by Salehi (2019-11-04); low 3.5 (UNVERIFIED): 70 % of that realised value, the margin ISIS's 'about one week' with four cascades of 174 IR-6 needs; high 10: the Iranian claim",
	},
	{
		Type: "IR-8", SWUPerYear: 20, Status: Unverified,
		Source: "Iranian claim of 20 SWU/yr ('20 times' IR-1, Kamalvandi 2017); ISIS 2014 'Making Sense out of the IR-8' calls such claims exaggerated; no range is sourced",
	},
}

// Catalogue returns the machine catalogue (IR-1, IR-2m, IR-4, IR-6, IR-8).
func Catalogue() []Machine {
	out := make([]Machine, len(catalogue))
	for i, m := range catalogue {
		m.Range = slices.Clone(m.Range)
		out[i] = m
	}
	return out
}

// LookupMachine returns the catalogue entry for a machine type, matched
// without regard to case.
func LookupMachine(name string) (Machine, bool) {
	m, ok := catalogueMachine(name)
	m.Range = slices.Clone(m.Range)
	return m, ok
}

// catalogueMachine is LookupMachine without the copy of the range, for
// callers that only read it.
func catalogueMachine(name string) (Machine, bool) {
	for _, m := range catalogue {
		if strings.EqualFold(m.Type, name) {
			return m, true
		}
	}
	return Machine{}, false
}

func machineNames() string {
	names := make([]string, len(catalogue))
	for i, m := range catalogue {
		names[i] = m.Type
	}
	return strings.Join(names, ", ")
}
