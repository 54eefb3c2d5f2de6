package client

import (
	"errors"
	"fmt"
	"testing"
)

func TestDuplicate(t *testing.T) {
	seven := uint64(7)
	for _, c := range []struct {
		err     error
		at      string
		isDupli bool
	}{
		{&APIError{Code: "duplicate", Index: &seven}, "7", true},
		{fmt.Errorf("confirm: %w", &APIError{Code: "duplicate", Message: "already in the log at index 12"}), "12", true},
		{&APIError{Code: "duplicate", Message: "already in the log"}, "", true},
		{&APIError{Code: "invalid", Message: "at index 3"}, "", false},
		{errors.New("duplicate at index 3"), "", false},
		{nil, "", false},
	} {
		at, ok := Duplicate(c.err)
		if at != c.at || ok != c.isDupli {
			t.Errorf("Duplicate(%v) = %q, %v; want %q, %v", c.err, at, ok, c.at, c.isDupli)
		}
	}
}
