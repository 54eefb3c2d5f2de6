// Package accord is the root of the Accord module, which verifies nuclear
// agreements. The packages for other programs are [enrich] (enrichment
// physics) and [breakout] (breakout estimates); the command is cmd/accord.
// The root package holds no code: its test keeps the package dependency
// rules of the design.
//
// [enrich]: https://pkg.go.dev/github.com/accordverify/accord/enrich
// [breakout]: https://pkg.go.dev/github.com/accordverify/accord/breakout
package accord
