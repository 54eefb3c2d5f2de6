package main

import (
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progressDelay is how long work runs before its progress is shown: what
// ends sooner prints nothing.
const progressDelay = 700 * time.Millisecond

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

// counter shows "what  12/62" progress on stderr when it is a terminal;
// a nil one does nothing.
type counter struct {
	f     *os.File
	what  string
	total int
	start time.Time
	bar   *progressbar.ProgressBar
}

// newCounter returns a counter of total steps described by what, shown
// on w when w is a terminal.
func newCounter(w io.Writer, what string, total int) *counter {
	f := terminal(w)
	if f == nil {
		return nil
	}
	return &counter{f: f, what: what, total: total, start: time.Now()}
}

// set records done steps; the bar appears once the work has lasted
// progressDelay.
func (c *counter) set(done int) {
	if c == nil {
		return
	}
	if c.bar == nil {
		if time.Since(c.start) < progressDelay {
			return
		}
		c.bar = progressbar.NewOptions(c.total, progressbar.OptionSetWriter(c.f), progressbar.OptionSetDescription(c.what),
			progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
	}
	_ = c.bar.Set(done)
}

// finish clears the bar.
func (c *counter) finish() {
	if c != nil && c.bar != nil {
		_ = c.bar.Finish()
		_ = c.bar.Clear()
	}
}

// spin shows a spinner with what on w, when w is a terminal, from
// progressDelay after the call until the returned stop is called: for work
// whose steps cannot be counted.
func spin(w io.Writer, what string) (stop func()) {
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
		case <-time.After(progressDelay):
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
