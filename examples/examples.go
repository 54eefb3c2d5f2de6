// Package examples holds the example files of the README (breakout
// scenarios, agreements, talks rooms) embedded, so that the demo can load
// them wherever the binary runs, and so that the CLI can take them by name
// (--scenario feb-2025, --room muscat-2025) from any directory.
package examples

import (
	"embed"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// FS holds every example file, by its path under examples/.
//
//go:embed *.yaml agreements/*.yaml talks/*.yaml
var FS embed.FS

// Kind is a kind of example file: the directory it is in under examples/.
type Kind string

// The kinds of example files.
const (
	Scenarios  Kind = "."
	Agreements Kind = "agreements"
	Rooms      Kind = "talks"
)

// Names lists the built-in files of a kind by name (the file name without
// .yaml), sorted.
func Names(k Kind) []string {
	entries, _ := fs.ReadDir(FS, string(k))
	var names []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".yaml"); ok && !e.IsDir() {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}

// Read returns the built-in file of kind k called name: "feb-2025",
// "feb-2025.yaml" or its path in the repository, "examples/feb-2025.yaml".
func Read(k Kind, name string) ([]byte, bool) {
	name = strings.TrimPrefix(path.Clean(name), "examples/")
	name = strings.TrimPrefix(name, string(k)+"/")
	name = strings.TrimSuffix(name, ".yaml")
	if name == "" || strings.Contains(name, "/") || !slices.Contains(Names(k), name) {
		return nil, false
	}
	b, err := FS.ReadFile(path.Join(string(k), name+".yaml"))
	return b, err == nil
}
