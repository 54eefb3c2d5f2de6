package accord_test

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/state"
)

// The vocabulary has one definition each (metrics in package state, roles
// and record kinds in package record, finding statuses in package
// compliance); every other list is derived from it, and the formats
// document names every word of it.
func TestOneVocabulary(t *testing.T) {
	metrics := make([]string, len(state.Metrics))
	for i, m := range state.Metrics {
		metrics[i] = string(m)
		if m.Unit() == "" && m != state.VerificationAccess {
			t.Errorf("metric %s has no unit", m)
		}
	}
	if !slices.Equal(record.FactMetrics, metrics) {
		t.Errorf("record.FactMetrics %v, state.Metrics %v", record.FactMetrics, metrics)
	}
	// The record schema's enum (a struct tag, so written out) is the list.
	f, _ := reflect.TypeFor[record.Fact]().FieldByName("Metric")
	var enum []string
	for _, part := range strings.Split(f.Tag.Get("jsonschema"), ",") {
		if v, ok := strings.CutPrefix(part, "enum="); ok {
			enum = append(enum, v)
		}
	}
	if !slices.Equal(enum, metrics) {
		t.Errorf("the schema's metric enum %v, state.Metrics %v", enum, metrics)
	}
	for _, m := range agreement.LimitMetrics {
		if !slices.Contains(state.Metrics, m) {
			t.Errorf("the agreement format bounds %s, which no fact carries", m)
		}
	}
	for _, r := range agreement.Roles {
		if r != agreement.RoleCouncil && !slices.Contains(record.Roles, r) {
			t.Errorf("the agreement role %s is not a role of the log", r)
		}
	}

	doc, err := os.ReadFile("docs/formats.md")
	if err != nil {
		t.Fatal(err)
	}
	var words []string
	words = append(words, metrics...)
	words = append(words, record.KindNames()...)
	words = append(words, record.Roles...)
	words = append(words, agreement.RoleCouncil)
	for _, s := range compliance.Statuses {
		words = append(words, string(s))
	}
	for _, w := range words {
		if !strings.Contains(string(doc), "`"+w+"`") && !strings.Contains(string(doc), w) {
			t.Errorf("docs/formats.md does not name %q", w)
		}
	}
}
