//go:build unix

package talks_test

import (
	"syscall"
	"time"
)

// cpuTime is the processor time this process has used, user and system,
// on every thread: what a benchmark of the worst accepted request reports
// as cpu-ns/op, since the machines are shared and wall time is noisy.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
