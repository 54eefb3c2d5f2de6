package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

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
		},
	})
}
