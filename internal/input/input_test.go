package input_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/accordverify/accord/internal/input"
)

func TestErrorNamesFieldAndRule(t *testing.T) {
	err := input.Errorf("samples", "must be in [1, %d]", 1_000_000)
	if err.Error() != "samples: must be in [1, 1000000]" {
		t.Errorf("got %q", err)
	}
	wrapped := fmt.Errorf("room x: %w", err)
	var e *input.Error
	if p := input.Prefix("body.", wrapped); !errors.As(p, &e) || e.Field != "body.samples" || e.Rule != "must be in [1, 1000000]" {
		t.Errorf("prefixed: %v", p)
	}
	other := errors.New("disk full")
	if input.Prefix("body.", other) != other {
		t.Error("an error that is not bad input changed")
	}
}
