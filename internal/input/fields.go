package input

import (
	"reflect"
	"regexp"
	"slices"
	"strings"
)

// unknownField matches the YAML decoder's report of a field that the type
// does not have: "line 3: field stok_kg not found in type breakout.Scenario".
var unknownField = regexp.MustCompile(`line (\d+): field (\S+) not found in type (\S+)`)

// UnknownField rewrites the YAML decoder's report of an unknown field in a
// document decoded into v (a pointer to the decoded value) so that it names
// the field, its line and the closest known name: "line 3: unknown field
// invetory (did you mean inventory? known fields: name, convention,
// inventory, ...)". It returns nil when err reports no unknown field.
func UnknownField(err error, v any) error {
	if err == nil {
		return nil
	}
	m := unknownField.FindStringSubmatch(err.Error())
	if m == nil {
		return nil
	}
	line, field, typ := m[1], m[2], m[3]
	known := fieldsOf(reflect.TypeOf(v), typ, map[reflect.Type]bool{})
	var parts []string
	if best := Closest(field, known); best != "" {
		parts = append(parts, "did you mean "+best+"?")
	}
	if len(known) > 0 {
		parts = append(parts, "known fields here: "+strings.Join(known, ", "))
	}
	rule := "unknown field"
	if len(parts) > 0 {
		rule += " (" + strings.Join(parts, " ") + ")"
	}
	return &Error{Field: field, Rule: strings.Replace(rule, "unknown field", "unknown field, line "+line, 1)}
}

// fieldsOf finds the struct type named name ("breakout.Scenario") reachable
// from t and returns its YAML field names, in order.
func fieldsOf(t reflect.Type, name string, seen map[reflect.Type]bool) []string {
	for t != nil && (t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map) {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct || seen[t] {
		return nil
	}
	seen[t] = true
	if t.String() == name {
		return yamlNames(t)
	}
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() {
			if names := fieldsOf(f.Type, name, seen); names != nil {
				return names
			}
		}
	}
	return nil
}

// JSONField is the name and options the json tag of a struct field gives
// it (name "" where the tag gives none: the field's own name); ok is false
// for a field encoding/json leaves out, one not exported or tagged "-".
func JSONField(f reflect.StructField) (name, opts string, ok bool) {
	tag := f.Tag.Get("json")
	if !f.IsExported() || tag == "-" {
		return "", "", false
	}
	name, opts, _ = strings.Cut(tag, ",")
	return name, opts, true
}

// yamlNames lists the YAML names of a struct type's fields, inlined
// structs included.
func yamlNames(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if strings.Contains(opts, "inline") {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				names = append(names, yamlNames(ft)...)
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return names
}

// Closest returns the name in names nearest to s (by edit distance, within
// a third of the longer name's length), or "" when none is close.
func Closest(s string, names []string) string {
	best, bestD := "", -1
	for _, n := range names {
		d := distance(strings.ToLower(s), strings.ToLower(n))
		limit := max(len(s), len(n))/3 + 1
		if d <= limit && (bestD < 0 || d < bestD) {
			best, bestD = n, d
		}
	}
	return best
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
