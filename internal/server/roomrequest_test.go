package server

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/accordverify/accord/internal/talks"
)

// The API's schema of a new room says the bounds the room is checked
// against.
func TestRoomRequestSchemaSaysTheBounds(t *testing.T) {
	for name, want := range map[string]string{
		"Title":  fmt.Sprintf("minLength=1,maxLength=%d", talks.MaxNameLength),
		"Budget": fmt.Sprintf("minimum=1,maximum=%d", talks.MaxBudget),
	} {
		f, _ := reflect.TypeFor[roomRequest]().FieldByName(name)
		if got := f.Tag.Get("jsonschema"); got != want {
			t.Errorf("%s: the schema says %q, the room's rule %q", name, got, want)
		}
	}
}
