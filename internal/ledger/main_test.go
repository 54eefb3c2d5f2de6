package ledger_test

import (
	"os"
	"testing"

	"github.com/accordverify/accord/internal/ledger"
)

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		appendLoopHelper()
		return
	}
	// Tessera logs through klog; keep test output to the tests.
	ledger.SilenceTesseraLogs()
	os.Exit(m.Run())
}
