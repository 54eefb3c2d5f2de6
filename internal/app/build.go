package app

import "runtime/debug"

// Build is what the binary knows of how it was built.
type Build struct {
	// Module is the module's version: a tag for a released build,
	// "(devel)" for one built from a checkout.
	Module   string `json:"module_version"`
	Revision string `json:"vcs_revision,omitempty"`
	Time     string `json:"vcs_time,omitempty"`
	// Modified: the checkout had changes not committed.
	Modified bool   `json:"vcs_modified,omitempty"`
	Go       string `json:"go_version"`
}

// BuildInfo reads the running binary's build information.
func BuildInfo() Build {
	b := Build{Module: "(unknown)"}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	b.Module, b.Go = info.Main.Version, info.GoVersion
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.time":
			b.Time = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

// String is the build in one line: "accord VERSION, revision R (modified)
// of TIME, built with GO".
func (b Build) String() string {
	s := "accord " + b.Module
	if b.Revision != "" {
		s += ", revision " + b.Revision
		if b.Modified {
			s += " (modified)"
		}
		if b.Time != "" {
			s += " of " + b.Time
		}
	}
	return s + ", built with " + b.Go
}
