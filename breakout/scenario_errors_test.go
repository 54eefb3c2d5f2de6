package breakout_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/internal/input"
)

// A misspelt field names the field, its line and the closest known name;
// a field left out is named as missing, not checked as a zero.
func TestScenarioErrorsSayWhatToDo(t *testing.T) {
	const target = "target: {assay_pct: 90, quantity_sq: 1, sq: wgu25}\n"
	for _, c := range []struct {
		doc, field string
		want       []string
	}{
		{"name: x\ninvetory: []\n" + target, "invetory", []string{"unknown field, line 2", "did you mean inventory?"}},
		{"name: x\n" + target + "inventory:\n  - {mas_kg_u: 3, assay_pct: 60}\n", "mas_kg_u", []string{"line 4", "did you mean mass_kg_u?"}},
		{"name: x\n" + target + "fleet:\n  - {machine: IR-6, cont: 3}\n", "cont", []string{"did you mean count?"}},
		{"stok_kg: 3\n" + target, "stok_kg", []string{"unknown field, line 1", "known fields here: name, convention, inventory"}},
		{"name: x\n", "target", []string{"is missing"}},
		{"name: x\ntarget: {assay_pct: 90, sq: wgu25}\n", "target.quantity_sq", []string{"is missing"}},
		{"name: x\n" + target + "inventory:\n  - {mass_kg_u: 3}\n", "inventory[0].assay_pct", []string{"is missing"}},
	} {
		_, err := breakout.ParseScenario([]byte(c.doc))
		var fe *input.Error
		if !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%q: got %v, want an error naming %s", c.doc, err, c.field)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%q: %q does not say %q", c.doc, err, w)
			}
		}
	}
	if s := input.Closest("stock_kg", []string{"name", "inventory", "fleet"}); s != "" {
		t.Errorf("Closest suggested %q for a name far from every field", s)
	}
}
