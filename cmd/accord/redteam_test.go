package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/transparency-dev/tessera/api/layout"
	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/app"
	"github.com/accordverify/accord/internal/client"
)

// The attacks tried against a running demo, replayed as an attacker sends
// them, over HTTP, each with what the server must answer now. The package
// tests of the server, the talks, the store and the records replay each
// attack in detail; this table replays them end to end, on the demo a user
// starts.
func TestRedTeam(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	_, base := startDemoWith(t, app.DemoConfig{Dir: dir, Rate: 10_000})
	token := func(party string) string {
		s := demoSigner(t, dir, party)
		c := client.New(base)
		if err := c.SignIn(ctx, s); err != nil {
			t.Fatal(err)
		}
		return c.Token()
	}
	us, oman := token("us"), token("oman")
	noRedirect := &http.Client{Timeout: time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	send := func(method, path, tok, contentType string, body io.Reader) (int, string, http.Header) {
		t.Helper()
		req, err := http.NewRequestWithContext(ctx, method, base+path, body)
		if err != nil {
			t.Fatal(err)
		}
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header
	}
	// refused: the status and the field the refusal must name.
	refused := func(t *testing.T, code int, body string, want int, field string) {
		t.Helper()
		var e struct {
			Error struct{ Field string } `json:"error"`
		}
		_ = json.Unmarshal([]byte(body), &e)
		if code != want || (field != "" && e.Error.Field != field) {
			t.Errorf("HTTP %d %.300s; want %d naming %s", code, body, want, field)
		}
	}
	iaea := demoSigner(t, dir, "iaea")

	attacks := []struct {
		name   string
		attack func(t *testing.T)
	}{
		{"read every record body with no token through an encoded path", func(t *testing.T) {
			_, cp, _ := send("GET", "/log/checkpoint", "", "", nil)
			var size uint64
			fmt.Sscan(strings.Split(cp, "\n")[1], &size)
			if size == 0 {
				t.Fatal("the demo's log is empty")
			}
			// The bundle of the last entry, full or partial, whatever the
			// number of records the demo loads.
			last := (size - 1) / layout.EntryBundleWidth
			bundle := strings.TrimPrefix(layout.EntriesPath(last, layout.PartialTileSize(0, last, size)), "tile/entries/")
			code, canonical, _ := send("GET", "/log/tile/entries/"+bundle, us, "", nil)
			if code != 200 {
				t.Fatalf("the bundle %s as a party: HTTP %d, size %d", bundle, code, size)
			}
			for _, path := range []string{"tile%2F%2Fentries/", "tile%2F.%2Fentries/", "tile//entries/", "tile/./entries/", "%74ile/entries/", "tile/0/../entries/", "tile/entries/"} {
				path = "/log/" + path + bundle
				if code, body, _ := send("GET", path, "", "", nil); code == 200 || body == canonical {
					t.Errorf("GET %s with no token: HTTP %d, %d bytes", path, code, len(body))
				}
			}
		}},
		{"a member with the log's bundles reads the talks' red lines or their rooms", func(t *testing.T) {
			var secrets []string
			for _, room := range []string{"muscat-2025", "muscat-2025-no-zone"} {
				for _, party := range []string{"us", "iran"} {
					code, body, _ := send("GET", "/api/v1/talks/rooms/"+room+"/red-lines/"+party, oman, "", nil)
					var rl struct {
						Salt        string `json:"salt"`
						Constraints []struct {
							Subject string `json:"subject"`
						} `json:"constraints"`
					}
					if code != 200 || json.Unmarshal([]byte(body), &rl) != nil || rl.Salt == "" {
						t.Fatalf("the mediator reads %s's red lines in %s: HTTP %d %.200s", party, room, code, body)
					}
					secrets = append(secrets, rl.Salt, room)
				}
			}
			// A member's copy of the log: every file of it.
			bundles := 0
			err := filepath.WalkDir(filepath.Join(dir, "log"), func(path string, e os.DirEntry, err error) error {
				if err != nil || e.IsDir() {
					return err
				}
				b, err := os.ReadFile(path)
				if strings.Contains(path, "entries") {
					bundles++
				}
				for _, s := range secrets {
					if bytes.Contains(b, []byte(s)) {
						t.Errorf("%s shows %q", path, s)
					}
				}
				return err
			})
			if err != nil || bundles == 0 {
				t.Fatalf("%d entry bundles read: %v", bundles, err)
			}
		}},
		{"a party reads another's sealed talks record on its page", func(t *testing.T) {
			e3 := token("e3")
			_, list, _ := send("GET", "/api/v1/records?kind=sealed&author=us", us, "", nil)
			var page struct {
				Records []struct{ Index uint64 } `json:"records"`
			}
			if json.Unmarshal([]byte(list), &page) != nil || len(page.Records) == 0 {
				t.Fatalf("the US's sealed records: %.300s", list)
			}
			path := fmt.Sprintf("/records/%d", page.Records[0].Index)
			if code, body, _ := send("GET", path, us, "", nil); code != 200 || !strings.Contains(body, `id="opened"`) || !strings.Contains(body, "muscat-2025") {
				t.Errorf("the US's own sealed record, as the US: HTTP %d, opened %v", code, strings.Contains(body, `id="opened"`))
			}
			if code, body, _ := send("GET", path, e3, "", nil); code != 200 || strings.Contains(body, `id="opened"`) || strings.Contains(body, "muscat") {
				t.Errorf("the US's sealed record, as the E3: HTTP %d, shows its content", code)
			}
		}},
		{"redirect off-site after sign-in", func(t *testing.T) {
			for _, next := range []string{"/%09/evil.example", "//evil.example", "/\\evil.example", "https://evil.example/"} {
				code, _, h := send("POST", "/signin", "", "application/x-www-form-urlencoded", strings.NewReader("token="+us+"&next="+next))
				if loc := h.Get("Location"); code != http.StatusSeeOther || !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.Contains(loc, "evil") {
					t.Errorf("next=%s: HTTP %d to %q", next, code, loc)
				}
			}
		}},
		{"a 100 MB token request", func(t *testing.T) {
			code, body, _ := send("POST", "/api/v1/auth/token", "", "text/plain", io.LimitReader(zeros{}, 100<<20))
			refused(t, code, body, http.StatusRequestEntityTooLarge, "")
		}},
		{"6,000 fleet groups and 100,000 samples with no token", func(t *testing.T) {
			var fleet []string
			for range 6000 {
				fleet = append(fleet, `{"machine":"IR-6","count":1}`)
			}
			scenario := `{"fleet":[` + strings.Join(fleet, ",") + `],"target":{"assay_pct":90,"quantity_sq":1}}`
			code, body, _ := send("POST", "/api/v1/breakout?samples=10", "", "application/json", strings.NewReader(scenario))
			refused(t, code, body, http.StatusRequestEntityTooLarge, "body") // 450 KB
			scenario = `{"fleet":[` + strings.Join(fleet[:101], ",") + `],"target":{"assay_pct":90,"quantity_sq":1}}`
			code, body, _ = send("POST", "/api/v1/breakout?samples=10", "", "application/json", strings.NewReader(scenario))
			refused(t, code, body, 400, "fleet")
			code, body, _ = send("POST", "/api/v1/breakout?samples=100000", "", "application/json", strings.NewReader(`{"fleet":[{"machine":"IR-6","count":1}],"target":{"assay_pct":90,"quantity_sq":1}}`))
			refused(t, code, body, 400, "samples")
		}},
		{"a zone step of 1e-308", func(t *testing.T) {
			room := `{"id":"probe","title":"t","parties":[{"party":"us","name":"u"},{"party":"iran","name":"i"}],"space":{"version":1,"terms":[{"id":"x","title":"x","kind":"numeric","unit":"u","min":0,"max":1,"step":1e-308}]},"policy":"standard","budget_per_round":5}`
			code, body, _ := send("POST", "/api/v1/talks/rooms", oman, "application/json", strings.NewReader(room))
			if code != 400 || !strings.Contains(body, "step") {
				t.Errorf("a room whose term has 1e-308 steps: HTTP %d %.300s", code, body)
			}
		}},
		{"trailing data after a talks body", func(t *testing.T) {
			code, body, _ := send("POST", "/api/v1/talks/rooms/muscat-2025-live/feasibility", us, "application/json", strings.NewReader(`{"proposal":"p1"} {"proposal":"p2"}`))
			refused(t, code, body, 400, "body")
		}},
		{"paging past 2^63", func(t *testing.T) {
			code, body, _ := send("GET", "/api/v1/records?after=9223372036854775808", us, "", nil)
			refused(t, code, body, 400, "after")
		}},
		{"signed records with duplicate keys, 1e308 kg, year 9999", func(t *testing.T) {
			for name, doc := range map[string]string{
				"duplicate key": `{"schema":"accord.record/v1","kind":"inspection_finding","id":"rt-1","author":"iaea","created":"2026-01-01T00:00:00Z","body":{"site":"a","site":"b","date":"2026-01-01","finding":"f","verdict":"consistent"}}`,
				"1e308 kg":      `{"schema":"accord.record/v1","kind":"verified_inventory","id":"rt-2","author":"iaea","created":"2026-01-01T00:00:00Z","body":{"as_of":"2026-01-01","total_kg_u":1e308,"source":"s"}}`,
				"year 9999":     `{"schema":"accord.record/v1","kind":"inspection_finding","id":"rt-3","author":"iaea","created":"9999-12-31T00:00:00Z","body":{"site":"a","date":"2026-01-01","finding":"f","verdict":"consistent"}}`,
			} {
				// Signed as given, as an attacker's own tool would.
				entry, err := note.Sign(&note.Note{Text: doc + "\n"}, iaea)
				if err != nil {
					t.Fatal(err)
				}
				code, body, _ := send("POST", "/api/v1/records", "", "text/plain", bytes.NewReader(entry))
				if code != 400 {
					t.Errorf("%s: HTTP %d %.300s", name, code, body)
				}
			}
		}},
		{"read the index database as another user", func(t *testing.T) {
			found := 0
			for _, f := range []string{"index.db", "index.db-wal", "index.db-shm"} {
				st, err := os.Stat(filepath.Join(dir, f))
				if err != nil {
					continue
				}
				found++
				if st.Mode().Perm()&0o077 != 0 {
					t.Errorf("%s is mode %o", f, st.Mode().Perm())
				}
			}
			if found == 0 {
				t.Error("no index database in the demo's directory")
			}
		}},
	}
	for _, a := range attacks {
		t.Run(a.name, a.attack)
	}
}

// zeros is an endless body of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
