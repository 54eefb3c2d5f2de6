package ledger_test

import (
	"bytes"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"testing"

	"k8s.io/klog/v2"

	"github.com/accordverify/accord/internal/ledger"
)

// klogChildEnv runs TestTesseraLogsGoToTheServersLogger's checks in a
// child process of the test binary: klog's logger is process-wide and may
// be set only before anything logs, while the other tests of this package
// leave tessera's goroutines logging.
const klogChildEnv = "ACCORD_LEDGER_TEST_KLOG_CHILD"

// Tessera's logs reach the server's logger, marked as tessera's; its
// detailed progress only when verbose; silenced, nothing.
func TestTesseraLogsGoToTheServersLogger(t *testing.T) {
	if os.Getenv(klogChildEnv) == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestTesseraLogsGoToTheServersLogger$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), klogChildEnv+"=1")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestTesseraLogsGoToTheServersLogger") {
			t.Fatalf("the check in a child process: %v\n%s", err, out)
		}
		return
	}
	for _, verbose := range []bool{false, true} {
		var buf bytes.Buffer
		ledger.RouteTesseraLogs(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})), verbose)
		klog.Warning("witness slow")
		klog.V(2).Info("integrated a batch")
		klog.Flush()
		out := buf.String()
		if !strings.Contains(out, "witness slow") || !strings.Contains(out, "component=tessera") {
			t.Errorf("verbose %v: tessera's warning is not in the server's log:\n%s", verbose, out)
		}
		if got := strings.Contains(out, "integrated a batch"); got != verbose {
			t.Errorf("verbose %v: detailed progress logged: %v\n%s", verbose, got, out)
		}
	}
	ledger.SilenceTesseraLogs()
	var buf bytes.Buffer
	klog.SetOutput(&buf)
	ledger.SilenceTesseraLogs()
	klog.Warning("witness slow")
	klog.Flush()
	if buf.Len() != 0 {
		t.Errorf("silenced, tessera still logs: %q", buf.String())
	}
}
