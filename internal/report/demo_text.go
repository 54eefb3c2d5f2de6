package report

// What the demo says once it serves: where its data is, the dashboard and
// commands to try.

import (
	"fmt"
	"io"
	"path/filepath"
)

// Demo is what the demo's welcome tells.
type Demo struct {
	// Dir is the demo's data directory; Base the dashboard's address.
	Dir, Base string
	// Token is a read token of the IAEA's demo key, when there is one.
	Token string
	// Loaded records were added to the log now, Skipped were in it
	// already, and Outdated of those are an earlier version's.
	Loaded, Skipped, Outdated int
	// Earlier says the log holds an earlier version's records of the
	// public series, and this version's were not loaded beside them.
	Earlier bool
	// SealWarning, when set, says that keys other than the server's open
	// the talks commitments sealed to the log operator (a directory made
	// when the operator was the IAEA's party).
	SealWarning string
}

// TextDemo writes the demo's welcome: the records loaded and found already
// in the log, the data directory, the dashboard and how to sign in (with a
// key file of the demo's parties in the page, or the token), and commands
// to try against the API and the log; who hosts the log and the talks,
// and who reads a talks commitment. Records of an earlier version, and a
// log operator whose party holds other keys, are noted on warn.
func TextDemo(w, warn io.Writer, d Demo) error {
	u, keys := d.Base, filepath.Join(d.Dir, "keys")
	token := "make one with: accord token --server " + u + " --key " + filepath.Join(keys, "iaea.key")
	if d.Token != "" {
		token = "the IAEA's demo key's, valid one hour: " + d.Token
	}
	if d.Earlier {
		fmt.Fprintf(warn, "accord: note: the log in %s was made by an earlier version of the demo: its records of the public record stay, and this version's were not loaded beside them; to load this version's, stop the demo and remove %s\n", d.Dir, d.Dir)
	}
	if d.Outdated > 0 {
		// The log keeps every record it was given: the pages show them.
		fmt.Fprintf(warn, "accord: note: %d demo records in %s are an earlier version's, which the log keeps and the pages show; to load this version's, stop the demo and remove %s\n",
			d.Outdated, d.Dir, d.Dir)
	}
	host := `
The log and the talks' server are hosted by the log operator, a neutral party
of its own: each talks commitment is sealed to its author, the mediator and
the operator, and no other member's key opens it, the IAEA's included.
`
	if d.SealWarning != "" {
		host = ""
		fmt.Fprintf(warn, "accord: warning: %s; to start the demo afresh with the operator as a party of its own, stop it and remove %s\n", d.SealWarning, d.Dir)
	}
	_, err := fmt.Fprintf(w, `
Accord demo: %d records loaded, %d already there; data in %s

Dashboard: %s/  (Ctrl-C to stop)
  overview %s/?as_of=2025-02-08, trends, what-if, agreement, report, sources;
  the Records, Balance and Talks pages need a sign-in: at %s/signin choose a key file
  of %s (iaea.key, us.key, iran.key, e3.key, oman.key), or give a read token:
  %s
%s
The API:
  curl '%s/api/v1/status?as_of=2025-02-08'
  curl '%s/api/v1/checkpoint'
  curl '%s/api/v1/breakout?as_of=2025-05-17'
  curl '%s/api/v1/openapi.json'
  TOKEN=$(accord token --server %s --key %s)
  curl -H "Authorization: Bearer $TOKEN" '%s/api/v1/records?kind=verified_facts&limit=5'
  accord audit --log %s
`, d.Loaded, d.Skipped, d.Dir, u, u, u, keys, token, host, u, u, u, u, u, filepath.Join(keys, "iaea.key"), u, filepath.Join(d.Dir, "log"))
	return err
}
