package main

import (
	"bytes"
	"encoding/json"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/app"
)

// --version and the version command print the build; an unknown word
// exits 2 naming it, at the top and in a group alike.
func TestVersionAndUnknownCommands(t *testing.T) {
	call := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := run(args, strings.NewReader(""), &out, &errOut)
		return code, out.String(), errOut.String()
	}
	for _, args := range [][]string{{"--version"}, {"version"}} {
		code, out, _ := call(args...)
		if code != 0 || !strings.HasPrefix(out, "accord ") || !strings.Contains(out, runtime.Version()) {
			t.Errorf("%v: exit %d, %q", args, code, out)
		}
	}
	code, out, _ := call("version", "--json")
	var b app.Build
	if err := json.Unmarshal([]byte(out), &b); code != 0 || err != nil || b.Go != runtime.Version() || b.Module == "" {
		t.Errorf("version --json: exit %d, %q, %v", code, out, err)
	}
	for _, args := range [][]string{{"versio"}, {"talks", "bogus"}, {"log", "bogus"}} {
		code, _, errOut := call(args...)
		if code != 2 || !strings.Contains(errOut, `unknown command "`+args[len(args)-1]+`"`) {
			t.Errorf("%v: exit %d, %q; want 2 naming the word", args, code, errOut)
		}
	}
	code, out, _ = call("help", "exit-status")
	if code != 0 || !strings.Contains(out, "3  evidence does not verify") {
		t.Errorf("help exit-status: exit %d, %q", code, out)
	}
	if code, out, _ := call("swu", "--help"); code != 0 || !strings.Contains(out, "Exit status: 0 done") {
		t.Errorf("a command's help does not give the exit statuses: %q", out)
	}
}

// A shell completes the values of flags with a fixed vocabulary.
func TestFlagValuesComplete(t *testing.T) {
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"__complete", "breakout", "--convention", ""}, []string{"cascades", "whole-fleet"}},
		{[]string{"__complete", "status", "--sq", ""}, []string{"wgu25", "iaea"}},
		{[]string{"__complete", "report", "--format", ""}, []string{"md", "html", "json", "csv"}},
		{[]string{"__complete", "simulate", "--machine", ""}, []string{"IR-1", "IR-6"}},
		{[]string{"__complete", "serve", "--log-level", ""}, []string{"debug", "error"}},
	} {
		var out bytes.Buffer
		if code := run(c.args, strings.NewReader(""), &out, &bytes.Buffer{}); code != 0 {
			t.Errorf("%v: exit %d", c.args, code)
		}
		lines := strings.Split(out.String(), "\n")
		for _, w := range c.want {
			if !slices.Contains(lines, w) {
				t.Errorf("%v: %q not among %q", c.args, w, lines)
			}
		}
	}
}
