package examples_test

import (
	"slices"
	"testing"

	"github.com/accordverify/accord/examples"
)

func TestNamesAndRead(t *testing.T) {
	for _, c := range []struct {
		kind examples.Kind
		want string
	}{{examples.Scenarios, "feb-2025"}, {examples.Rooms, "muscat-2025"}, {examples.Agreements, "hypothetical-2025"}} {
		if !slices.Contains(examples.Names(c.kind), c.want) {
			t.Errorf("Names(%q) = %v, want %s in it", c.kind, examples.Names(c.kind), c.want)
		}
	}
	for _, name := range []string{"feb-2025", "feb-2025.yaml", "examples/feb-2025.yaml"} {
		if b, ok := examples.Read(examples.Scenarios, name); !ok || len(b) == 0 {
			t.Errorf("Read(scenarios, %q) found nothing", name)
		}
	}
	if _, ok := examples.Read(examples.Rooms, "examples/talks/muscat-2025.yaml"); !ok {
		t.Error("a room by its repository path is not found")
	}
	for _, name := range []string{"", "nope", "talks/muscat-2025", "../go.mod", "agreements/hypothetical-2025"} {
		if _, ok := examples.Read(examples.Scenarios, name); ok {
			t.Errorf("Read(scenarios, %q) found a file", name)
		}
	}
}
