// Package progress shows how long work is getting on, on a terminal: a
// count of steps, or a spinner for work whose steps cannot be counted.
// Nothing is shown when the writer is not a terminal (a file, a pipe, a
// test's buffer), nor for work that ends within [Delay].
package progress

import (
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Delay is how long work runs before its progress is shown: what ends
// sooner prints nothing.
const Delay = 700 * time.Millisecond

// terminal returns w as a terminal file, or nil when it is not one:
// progress goes to standard error only when a person is watching it, never
// into a file, a pipe or standard output.
func terminal(w io.Writer) *os.File {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return f
}

// Counter shows "what  12/62" progress on a terminal; a nil one does
// nothing.
type Counter struct {
	f     *os.File
	what  string
	total int
	start time.Time
	bar   *progressbar.ProgressBar
}

// NewCounter returns a counter of total steps described by what, shown on
// w when w is a terminal, and nil otherwise.
func NewCounter(w io.Writer, what string, total int) *Counter {
	f := terminal(w)
	if f == nil {
		return nil
	}
	return &Counter{f: f, what: what, total: total, start: time.Now()}
}

// SetTotal sets the number of steps, for work that learns it on the way;
// it takes effect when the bar first appears.
func (c *Counter) SetTotal(total int) {
	if c != nil {
		c.total = total
	}
}

// Set records done steps; the bar appears once the work has lasted Delay.
func (c *Counter) Set(done int) {
	if c == nil {
		return
	}
	if c.bar == nil {
		if time.Since(c.start) < Delay {
			return
		}
		c.bar = progressbar.NewOptions(c.total, progressbar.OptionSetWriter(c.f), progressbar.OptionSetDescription(c.what),
			progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
	}
	_ = c.bar.Set(done)
}

// Finish clears the bar.
func (c *Counter) Finish() {
	if c != nil && c.bar != nil {
		_ = c.bar.Finish()
		_ = c.bar.Clear()
	}
}

// Spin shows a spinner with what on w, when w is a terminal, from Delay
// after the call until the returned stop is called (once or more): for
// work whose steps cannot be counted.
func Spin(w io.Writer, what string) (stop func()) {
	f := terminal(w)
	if f == nil {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case <-done:
			return
		case <-time.After(Delay):
		}
		bar := progressbar.NewOptions(-1, progressbar.OptionSetWriter(f), progressbar.OptionSetDescription(what),
			progressbar.OptionSpinnerType(14), progressbar.OptionClearOnFinish(), progressbar.OptionSetElapsedTime(true))
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				_ = bar.Finish()
				_ = bar.Clear()
				return
			case <-t.C:
				_ = bar.Add(1)
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { close(done); wg.Wait() }) }
}
