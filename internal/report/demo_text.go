package report

// What the demo says once it serves: where its data is, the dashboard and
// commands to try.

import (
	"fmt"
	"io"
	"path/filepath"
)

// TextDemo writes the demo's welcome: the records loaded and found already
// in the log, the data directory dir, the dashboard at base and how to
// sign in (with token, a read token of the IAEA's demo key, when there is
// one), and commands to try against the API and the log.
func TextDemo(w io.Writer, dir, base, token string, loaded, skipped int) error {
	u := base
	signin := "(sign in with: accord token --server " + u + " --key " + filepath.Join(dir, "keys", "iaea.key") + ")"
	if token != "" {
		signin = "read token of the IAEA's demo key, valid one hour: " + token
	}
	_, err := fmt.Fprintf(w, `
Accord demo: %d records loaded, %d already there; data in %s

Dashboard: %s/  (Ctrl-C to stop)
  overview %s/?as_of=2025-02-08, trends, what-if, agreement, report, sources;
  the Records pages need a sign-in: %s

The API:
  curl '%s/api/v1/status?as_of=2025-02-08'
  curl '%s/api/v1/checkpoint'
  curl '%s/api/v1/breakout?as_of=2025-05-17'
  curl '%s/api/v1/openapi.json'
  TOKEN=$(accord token --server %s --key %s)
  curl -H "Authorization: Bearer $TOKEN" '%s/api/v1/records?kind=verified_facts&limit=5'
  accord audit --log %s
`, loaded, skipped, dir, u, u, signin, u, u, u, u, u, filepath.Join(dir, "keys", "iaea.key"), u, filepath.Join(dir, "log"))
	return err
}
