package input_test

import (
	"reflect"
	"testing"

	"github.com/accordverify/accord/internal/input"
)

// JSONField names a field as encoding/json does, and leaves out the
// fields it leaves out.
func TestJSONField(t *testing.T) {
	type embedded struct{ A int }
	type fields struct {
		Named    int `json:"named,omitempty"`
		Untagged int
		Options  int `json:",omitzero"`
		Skipped  int `json:"-"`
		hidden   int
		embedded
	}
	_ = fields{}.hidden
	want := map[string][3]any{
		"Named":    {"named", "omitempty", true},
		"Untagged": {"", "", true},
		"Options":  {"", "omitzero", true},
		"Skipped":  {"", "", false},
		"hidden":   {"", "", false},
		"embedded": {"", "", false},
	}
	typ := reflect.TypeFor[fields]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		name, opts, ok := input.JSONField(f)
		if got := [3]any{name, opts, ok}; got != want[f.Name] {
			t.Errorf("%s: %v, want %v", f.Name, got, want[f.Name])
		}
	}
}
