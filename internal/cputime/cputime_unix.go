//go:build unix

// Package cputime reads the processor time this process has used, for the
// benchmarks that report it beside wall time (the machines are shared, and
// wall time is noisy there).
package cputime

import (
	"syscall"
	"time"
)

// Used is the processor time this process has used, user and system, on
// every thread.
func Used() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
