// Package examples holds the example files of the README (breakout
// scenarios, agreements, talks rooms) embedded, so that the demo can load
// them wherever the binary runs.
package examples

import "embed"

// FS holds every example file, by its path under examples/.
//
//go:embed *.yaml agreements/*.yaml talks/*.yaml
var FS embed.FS
