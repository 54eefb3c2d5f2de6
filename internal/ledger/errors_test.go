package ledger

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"
)

// The errors tessera v1.0.4 returns, as they reach the ledger.
func TestErrorClasses(t *testing.T) {
	write := &os.PathError{Op: "write", Path: "/log/tile/entries/000.p/12345", Err: syscall.ENOSPC}
	cases := []struct {
		name                 string
		err                  error
		noSpace, unwitnessed bool
	}{
		{"ENOSPC in the chain", fmt.Errorf("failed to link temporary file to target: %w", write), true, false},
		// posix file_ops.go: overwrite wraps createTemp's error with %v.
		{"ENOSPC flattened by tessera", fmt.Errorf("failed to create temp file: %v", fmt.Errorf("failed to write to temporary file: %w", write)), true, false},
		{"EDQUOT", fmt.Errorf("x: %v", &os.PathError{Op: "write", Path: "f", Err: syscall.EDQUOT}), true, false},
		{"another write error", fmt.Errorf("failed to create temp file: %v", &os.PathError{Op: "write", Path: "f", Err: syscall.EIO}), false, false},
		// append_lifecycle.go, storage/posix/files.go: the witness sentinel
		// wrapped with %v three times.
		{"witness policy not satisfied", fmt.Errorf("failed to init appender lifecycle: %v", fmt.Errorf("failed to publish checkpoint: %v", fmt.Errorf("newCP: %v", errors.Join(errors.New("witness policy was not satisfied"), errors.New("503"))))), false, true},
		{"a bad witness policy", errors.New("witness policy: unknown witness w3"), false, false},
	}
	for _, c := range cases {
		if got := noSpace(c.err); got != c.noSpace {
			t.Errorf("%s: noSpace = %v, want %v", c.name, got, c.noSpace)
		}
		if got := witnessPolicyUnmet(c.err); got != c.unwitnessed {
			t.Errorf("%s: witnessPolicyUnmet = %v, want %v", c.name, got, c.unwitnessed)
		}
	}
}
