package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/accordverify/accord/internal/app"
	"github.com/accordverify/accord/internal/keyfile"
)

// Shutting the server down while clients submit: every request either was
// acknowledged (and its record survives the restart, in the log and the
// index) or failed cleanly; none is acknowledged and lost.
func TestShutdownLosesNoAcknowledgedRecord(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	d, err := app.StartDemo(ctx, app.DemoConfig{Dir: dir, Addr: "127.0.0.1:0", Rate: 1e6})
	if err != nil {
		t.Fatal(err)
	}
	signer, _, err := keyfile.LoadSigner(filepath.Join(dir, "keys", "iaea.key"))
	if err != nil {
		t.Fatal(err)
	}
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

	d2, err := app.StartDemo(ctx, app.DemoConfig{Dir: dir, Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	checkPresent(t, d2.App, acked)
	t.Logf("%d acknowledged before the shutdown, all present after the restart; refused or unanswered: %v", len(acked), sent.refused)
}
