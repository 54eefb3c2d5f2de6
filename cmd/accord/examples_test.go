package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/accordverify/accord/examples"
	"github.com/spf13/cobra"
)

// exampleLine is one command line of a help's examples: its words after
// "accord", and the file it writes its output to, if any.
type exampleLine struct {
	command string // the command whose help shows it
	text    string
	args    []string
}

// examplesOf splits an Example text into command lines: continuation lines
// (a backslash at the end) are joined, quotes group words, and what
// follows a redirection (>, <, |) is left out.
func examplesOf(t *testing.T, cmd *cobra.Command) []exampleLine {
	t.Helper()
	var lines []exampleLine
	var cur string
	for line := range strings.Lines(cmd.Example) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue // a blank line or a comment
		}
		if strings.HasSuffix(line, "\\") {
			cur += strings.TrimSuffix(line, "\\") + " "
			continue
		}
		cur += line
		text := cur
		cur = ""
		words := shellWords(text)
		if i := slices.IndexFunc(words, func(w string) bool { return w == ">" || w == "<" || w == "|" }); i >= 0 {
			words = words[:i]
		}
		switch {
		case len(words) > 3 && words[0] == "go" && words[1] == "run" && words[2] == "./cmd/accord":
			words = words[3:]
		case len(words) > 0 && words[0] == "accord":
			words = words[1:]
		default:
			continue // a shell line around the commands (TOKEN=..., curl)
		}
		lines = append(lines, exampleLine{command: cmd.CommandPath(), text: text, args: words})
	}
	return lines
}

// shellWords splits s into words as a shell would for these examples:
// on spaces, with double quotes grouping.
func shellWords(s string) []string {
	var words []string
	var w strings.Builder
	quoted, inWord := false, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted, inWord = !quoted, true
		case r == ' ' && !quoted:
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}

// walk calls f with every command of the tree under cmd that a user can
// run or read help for, cmd included.
func walk(cmd *cobra.Command, f func(*cobra.Command)) {
	f(cmd)
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() {
			walk(c, f)
		}
	}
}

// offline are the commands whose examples run without a server, a key or a
// log: from any directory, on the built-in data and examples.
var offline = []string{"swu", "breakout", "machines", "data", "data list", "data show", "data export", "status", "report", "timeline", "clock",
	"knowledge", "warning", "agreement", "agreement show", "agreement export-jcpoa", "talks evaluate", "talks zone", "talks commit", "version"}

// Every command, group and the top level has examples in its help; every
// example names a command, flags and arguments that exist; and every
// example that needs no server, key, log or file of the user's runs, and
// succeeds, from an empty directory: the built-in names (--scenario
// feb-2025, --room muscat-2025) make them work wherever the user is.
func TestEveryCommandHasExamplesThatRun(t *testing.T) {
	var lines []exampleLine
	walk(newRootCmd(), func(c *cobra.Command) {
		if strings.TrimSpace(c.Example) == "" {
			t.Errorf("%s has no examples in its help", c.CommandPath())
			return
		}
		ls := examplesOf(t, c)
		if len(ls) == 0 {
			t.Errorf("%s: no example runs accord", c.CommandPath())
		}
		lines = append(lines, ls...)
	})
	if len(lines) < 100 {
		t.Fatalf("found %d example lines, expected well over 100", len(lines))
	}

	t.Chdir(t.TempDir())
	ran := 0
	for _, l := range lines {
		// Each line parses on a fresh tree: its command, flags and
		// arguments exist.
		root := newRootCmd()
		c, rest, err := root.Find(l.args)
		if err != nil {
			t.Errorf("%s: example %q: %v", l.command, l.text, err)
			continue
		}
		if c == root && len(l.args) > 0 && !strings.HasPrefix(l.args[0], "-") {
			t.Errorf("%s: example %q names no command", l.command, l.text)
			continue
		}
		c.InitDefaultHelpFlag()
		c.InitDefaultVersionFlag()
		if err := c.ParseFlags(rest); err != nil {
			t.Errorf("%s: example %q: %v", l.command, l.text, err)
			continue
		}
		if c.Args != nil {
			if err := c.Args(c, c.Flags().Args()); err != nil {
				t.Errorf("%s: example %q: %v", l.command, l.text, err)
				continue
			}
		}
		name := strings.TrimPrefix(c.CommandPath(), "accord ")
		if !slices.Contains(offline, name) || slices.ContainsFunc(l.args, needsUserFile) ||
			slices.Contains(l.args, "--log") || slices.Contains(l.args, "--server") {
			continue
		}
		var out, errb strings.Builder
		if code := run(l.args, nil, &out, &errb); code != 0 {
			t.Errorf("%s: example %q run from an empty directory: exit %d\n%s", l.command, l.text, code, errb.String())
		}
		ran++
	}
	t.Logf("%d example lines parsed, %d run from an empty directory", len(lines), ran)
	if ran < 20 {
		t.Errorf("ran %d examples, expected at least 20", ran)
	}
}

// needsUserFile reports whether an example word is a file of the user's
// (my-series.csv), which an empty directory does not have.
func needsUserFile(w string) bool {
	switch filepath.Ext(w) {
	case ".csv", ".yaml", ".yml", ".json", ".signed", ".key", ".pub":
		return true
	}
	return false
}

// A scenario, room or agreement with a misspelt field names the field, its
// line and the closest known name; a scenario without a required field
// says it is missing; a name that is neither a file nor a built-in example
// lists the built-in ones. Nothing is printed on standard output.
func TestInputErrorsSayWhatToDo(t *testing.T) {
	t.Chdir(t.TempDir())
	write := func(name, s string) string {
		if err := os.WriteFile(name, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return name
	}
	room, _ := examplesRead("talks/muscat-2025.yaml")
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"breakout", "--scenario", write("typo.yaml", "name: x\ninvetory: []\ntarget: {assay_pct: 90, quantity_sq: 1, sq: wgu25}\n")},
			[]string{"scenario typo.yaml: invetory: unknown field, line 2 (did you mean inventory?"}},
		{[]string{"breakout", "--scenario", write("name-only.yaml", "name: x\n")},
			[]string{"scenario name-only.yaml: target: is missing"}},
		{[]string{"breakout", "--scenario", write("no-sq.yaml", "name: x\ntarget: {assay_pct: 90, sq: wgu25}\n")},
			[]string{"target.quantity_sq: is missing"}},
		{[]string{"breakout", "--scenario", "feb-2052"},
			[]string{"--scenario: feb-2052: no such file, and no built-in example of that name (built in: feb-2025, jcpoa-limits, pre-jcpoa)"}},
		{[]string{"talks", "evaluate", "--proposal", "jcpoa-limits", "--room", write("room.yaml", strings.Replace(room, "\ntitle:", "\ntitel:", 1))},
			[]string{"titel: unknown field, line", "did you mean title?"}},
	} {
		var out, errb strings.Builder
		code := run(c.args, nil, &out, &errb)
		if code == 0 || out.Len() != 0 {
			t.Errorf("accord %s: exit %d, output %q", strings.Join(c.args, " "), code, out.String())
		}
		for _, w := range c.want {
			if !strings.Contains(errb.String(), w) {
				t.Errorf("accord %s: %q does not say %q", strings.Join(c.args, " "), errb.String(), w)
			}
		}
	}
}

func examplesRead(name string) (string, error) {
	b, err := examples.FS.ReadFile(name)
	return string(b), err
}
