//go:build !unix

// Package cputime reads the processor time this process has used, for the
// benchmarks that report it beside wall time (the machines are shared, and
// wall time is noisy there).
package cputime

import "time"

// Used is 0 where the system does not report processor time.
func Used() time.Duration { return 0 }
