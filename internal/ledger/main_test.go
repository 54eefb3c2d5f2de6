package ledger_test

import (
	"io"
	"os"
	"testing"

	"k8s.io/klog/v2"
)

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		appendLoopHelper()
		return
	}
	// Tessera logs through klog; keep test output to the tests.
	klog.LogToStderr(false)
	klog.SetOutput(io.Discard)
	os.Exit(m.Run())
}
