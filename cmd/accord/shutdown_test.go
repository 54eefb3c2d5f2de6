package main

import (
	"testing"
	"time"

	"github.com/accordverify/accord/internal/app"
)

// Shutting the server down while clients submit: every request either was
// acknowledged (and its record survives the restart, in the log and the
// index) or failed cleanly; none is acknowledged and lost.
func TestShutdownLosesNoAcknowledgedRecord(t *testing.T) {
	dir := t.TempDir()
	d := launchDemo(t, app.DemoConfig{Dir: dir, Rate: 1e6})
	signer := demoSigner(t, dir, "iaea")
	sent := newLedgerOf()
	stop := make(chan struct{})
	wg := submitters(6, "http://"+d.Addr, signer, "shutdown", stop, sent.add)
	time.Sleep(700 * time.Millisecond)
	d.Close() // graceful: requests in flight finish, then the log closes
	close(stop)
	wg.Wait()
	acked := sent.acked
	if len(acked) == 0 {
		t.Fatal("nothing was acknowledged before the shutdown")
	}

	d2 := launchDemo(t, app.DemoConfig{Dir: dir})
	defer d2.Close()
	checkPresent(t, d2.App, acked)
	t.Logf("%d acknowledged before the shutdown, all present after the restart; refused or unanswered: %v", len(acked), sent.refused)
}
