package main

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/accordverify/accord/internal/ledger"
)

func TestMain(m *testing.M) {
	ledger.SilenceTesseraLogs()
	testscript.Main(m, map[string]func(){
		"accord": main,
	})
}

// TestScripts runs the command-line scripts in testdata/script. $EXAMPLES
// is the repository's examples directory.
func TestScripts(t *testing.T) {
	examples, err := filepath.Abs(filepath.Join("..", "..", "examples"))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "script"),
		Setup: func(env *testscript.Env) error {
			env.Setenv("EXAMPLES", examples)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// flipbyte FILE TEXT: change the first byte of the first
			// occurrence of TEXT in FILE, as a tamperer would.
			"flipbyte": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: flipbyte FILE TEXT")
				}
				path := ts.MkAbs(args[0])
				b, err := os.ReadFile(path)
				ts.Check(err)
				i := bytes.Index(b, []byte(args[1]))
				if i < 0 {
					ts.Fatalf("%q not in %s", args[1], args[0])
				}
				b[i] ^= 0x01
				ts.Check(os.WriteFile(path, b, 0o644))
			},
			// waitaddr FILE VAR: wait until a server started in the
			// background with --addr-file FILE listens, and set VAR to
			// its address: servers listen on ports the system chooses,
			// so that no other program holds theirs.
			"waitaddr": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 2 {
					ts.Fatalf("usage: waitaddr FILE VAR")
				}
				path := ts.MkAbs(args[0])
				for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
					b, err := os.ReadFile(path)
					if err == nil {
						ts.Setenv(args[1], strings.TrimSpace(string(b)))
						return
					}
					if !errors.Is(err, fs.ErrNotExist) || time.Now().After(deadline) {
						ts.Fatalf("waitaddr: %v", err)
					}
				}
			},
		},
	})
}

// A mistake in how a command is called exits 2 with the hint, whether it
// is a flag's value out of its range or a word the command does not take;
// an error in doing the work exits 1.
func TestExitStatus(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"swu", "--product-pct", "120", "--tails-pct", "0.2"}, 2},
		{[]string{"swu", "--product-pct", "3", "--feed-pct", "5", "--tails-pct", "0.2"}, 2},
		{[]string{"swu", "--product-pct", "90", "--tails-pct", "0.2", "--product-kg-u", "-1"}, 2},
		{[]string{"swu", "--product-pct", "90"}, 2},
		{[]string{"status", "--as-of", "2025-02-08", "foo"}, 2},
		{[]string{"machines", "IR-99"}, 2},
		{[]string{"record", "show"}, 2},
		{[]string{"breakout", "--as-of", "2025-02-08", "--surviving-fleet", "2"}, 2},
		{[]string{"no-such-command"}, 2},
		{[]string{"breakout", "--scenario", "no-such-scenario"}, 2},
		{[]string{"talks", "zone", "--room", "no-such-room"}, 2},
		{[]string{"breakout", "--scenario", filepath.Join("testdata", "script")}, 1}, // a directory: an error reading it
		{[]string{"audit", "--log", filepath.Join(t.TempDir(), "none")}, 1},
		{[]string{"swu", "--product-pct", "90", "--tails-pct", "0.3"}, 0},
	} {
		var stdout, stderr bytes.Buffer
		code := run(c.args, nil, &stdout, &stderr)
		if code != c.code {
			t.Errorf("accord %s: exit %d, want %d; stderr:\n%s", strings.Join(c.args, " "), code, c.code, stderr.String())
		}
		if hint := strings.Contains(stderr.String(), "accord: hint:"); hint != (c.code == 2) {
			t.Errorf("accord %s: hint shown %v, want %v", strings.Join(c.args, " "), hint, c.code == 2)
		}
	}
}
