package server_test

import (
	"context"
	"encoding/json"
	"html/template"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/accountancy"
	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/evidence"
	"github.com/accordverify/accord/internal/report"
	"github.com/accordverify/accord/internal/server"
	"github.com/accordverify/accord/internal/state"
)

func page(s http.Handler, method, target string, body string, mod func(*http.Request)) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if mod != nil {
		mod(req)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec
}

// Signing in sets an HttpOnly, SameSite=Strict cookie that reads records
// on GET, never authorizes a POST, and a cross-site form cannot sign in.
func TestDashboardSignIn(t *testing.T) {
	s, tokens := setup(t)
	form := url.Values{"token": {tokens["inspectorate"]}, "next": {"/records"}}.Encode()

	rec := page(s, "POST", "/signin", form, func(r *http.Request) { r.Header.Set("Sec-Fetch-Site", "cross-site") })
	if rec.Code != http.StatusForbidden || rec.Header().Get("Set-Cookie") != "" {
		t.Errorf("cross-site sign-in: HTTP %d, cookie %q", rec.Code, rec.Header().Get("Set-Cookie"))
	}

	rec = page(s, "POST", "/signin", form, func(r *http.Request) { r.Header.Set("Sec-Fetch-Site", "same-origin") })
	ck := rec.Result().Cookies()
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/records" || len(ck) != 1 ||
		!ck[0].HttpOnly || ck[0].SameSite != http.SameSiteStrictMode || ck[0].MaxAge <= 0 || ck[0].MaxAge > 3600 {
		t.Fatalf("sign-in: HTTP %d, location %q, cookies %+v", rec.Code, rec.Header().Get("Location"), ck)
	}
	withCookie := func(r *http.Request) { r.AddCookie(ck[0]) }
	if rec := page(s, "GET", "/records", "", withCookie); rec.Code != 200 || !strings.Contains(rec.Body.String(), `href="/records/1"`) {
		t.Errorf("records with the cookie: HTTP %d", rec.Code)
	}
	if rec := page(s, "GET", "/records", "", nil); rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), `name="token"`) {
		t.Errorf("records without the cookie: HTTP %d, want the sign-in form", rec.Code)
	}
	// The cookie is not a credential for changes: a POST with it alone is
	// anonymous (here: a submission, which the signature authorizes).
	if rec := page(s, "POST", "/api/v1/auth/token", "x", withCookie); rec.Code != http.StatusUnauthorized {
		t.Errorf("POST with the cookie: HTTP %d", rec.Code)
	}
	// A redirect after sign-in stays on this site.
	evil := url.Values{"token": {tokens["party"]}, "next": {"//evil.example/x"}}.Encode()
	if rec := page(s, "POST", "/signin", evil, nil); rec.Header().Get("Location") != "/records" {
		t.Errorf("next=//evil.example redirected to %q", rec.Header().Get("Location"))
	}
	// A wrong token is refused with the field named, and no cookie.
	if rec := page(s, "POST", "/signin", "token=nonsense", nil); rec.Code != http.StatusUnauthorized || rec.Header().Get("Set-Cookie") != "" || !strings.Contains(rec.Body.String(), "token: unknown, expired or revoked") {
		t.Errorf("bad token: HTTP %d %q", rec.Code, rec.Header().Get("Set-Cookie"))
	}
	// A stale cookie reads as nobody, not as an error on public pages.
	stale := func(r *http.Request) { r.AddCookie(&http.Cookie{Name: "accord_token", Value: "stale"}) }
	if rec := page(s, "GET", "/sources", "", stale); rec.Code != 200 {
		t.Errorf("a public page with a stale cookie: HTTP %d", rec.Code)
	}
}

// outside matches what would load from another host, or run inline script.
var outside = regexp.MustCompile(`(?i)(src|href|action|xlink:href)="(https?:)?//[^"]*"|url\((https?:)?//|@import|\son[a-z]+="|<script>`)

// Pages carry a Content-Security-Policy that allows nothing from another
// host, and refuse framing.
func TestDashboardSecurityHeaders(t *testing.T) {
	s, _ := setup(t)
	for _, path := range []string{"/", "/trends", "/what-if", "/agreement", "/report", "/sources", "/signin", "/knowledge"} {
		rec := page(s, "GET", path, "", nil)
		csp := rec.Header().Get("Content-Security-Policy")
		if rec.Code != 200 || !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "script-src 'self'") ||
			!strings.Contains(csp, "frame-ancestors 'none'") || rec.Header().Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: HTTP %d, CSP %q", path, rec.Code, csp)
		}
		if m := outside.FindString(rec.Body.String()); m != "" {
			t.Errorf("%s: loads from another host or runs an inline handler: %s", path, m)
		}
	}
}

// Bad input on a page names the field and the rule.
func TestDashboardBadInput(t *testing.T) {
	s, _ := setup(t)
	for _, c := range []struct {
		path, field string
		status      int
	}{
		{"/?as_of=2025-02-30", "as_of", 400},
		{"/?as_of=2025-02-08&convention=nato", "convention", 400},
		{"/trends?as_of=yesterday", "as_of", 400},
		{"/what-if?efficiency=1.5", "efficiency", 400},
		{"/what-if?efficiency=0", "efficiency", 400},
		{"/what-if?fleet_IR-6=2.5", "fleet_IR-6", 400},
		{"/what-if?stock_60=-1", "stock_60", 400},
		{"/what-if?stock_5=NaN", "stock_5", 400},
		{"/what-if?efficiency=NaN", "efficiency", 400},
		{"/what-if?tails_60=60", "tails_60", 400},
		{"/what-if?convention=nato", "convention", 400},
		{"/report?format=pdf", "format", 400},
		{"/agreement?as_of=2025", "as_of", 400},
	} {
		rec := page(s, "GET", c.path, "", nil)
		if rec.Code != c.status || !strings.Contains(rec.Body.String(), c.field+": ") {
			t.Errorf("%s: HTTP %d, want %d naming %s:\n%s", c.path, rec.Code, c.status, c.field, rec.Body.String()[:min(200, rec.Body.Len())])
		}
	}
}

// facts is an Index over the embedded public series.
type facts struct{ fake }

func (facts) Facts(context.Context) ([]state.Fact, error) {
	return evidence.Public(dataset.Embedded()), nil
}

func (facts) Events(context.Context) ([]accountancy.Event, error) {
	return evidence.PublicEvents(dataset.Embedded()), nil
}

// The knowledge page says when the inspectorate lost all access, which
// no monitored stream shows (their knowledge was lost earlier), and its
// evidence links read as the sources, not as rows of the public series.
func TestKnowledgePageSaysWhenAccessWasLost(t *testing.T) {
	s := embeddedServer()
	for _, c := range []struct {
		date string
		lost bool
	}{{"2024-06-01", false}, {"2025-06-12", false}, {"2025-09-01", true}, {"2026-06-01", true}} {
		rec := page(s, "GET", "/knowledge?as_of="+c.date, "", nil)
		body := rec.Body.String()
		if rec.Code != 200 {
			t.Fatalf("%s: HTTP %d", c.date, rec.Code)
		}
		notice := regexp.MustCompile(`(?s)<p [^>]*id="access-lost".*?</p>`).FindString(body)
		if c.lost != (notice != "") {
			t.Errorf("%s: access-lost notice %q, want one: %v", c.date, notice, c.lost)
		}
		if c.lost && (!strings.Contains(notice, "<time>2025-06-13</time>") || !strings.Contains(notice, `<a href="/sources#`)) {
			t.Errorf("%s: the notice lacks the date of the loss or its source: %s", c.date, notice)
		}
		// After the strikes the IAEA inspected some facilities they did
		// not affect: the notice says what it has no access to.
		if c.lost && !strings.Contains(notice, "no access to the enrichment plants and the enriched uranium since") {
			t.Errorf("%s: the notice does not say what the inspectorate has no access to: %s", c.date, notice)
		}
		if c.date == "2026-06-01" && !strings.Contains(notice, ">IAEA GOV/2025/50") {
			t.Errorf("%s: the notice does not cite the Agency's report of September 2025: %s", c.date, notice)
		}
		if m := regexp.MustCompile(`>[a-z-]+ (monitoring event|row) \d+</a>`).FindString(body); m != "" {
			t.Errorf("%s: evidence reads as a row of the series: %s", c.date, m)
		}
		if strings.Contains(body, ">1 intervals<") {
			t.Errorf("%s: \"1 intervals\"", c.date)
		}
	}
}

// The agreement page at a date shows the events that had happened by then,
// and the readings of those only: at June 2016 neither the termination
// of 2025 nor its disputed reading.
func TestAgreementPageShowsEventsUpToItsDate(t *testing.T) {
	s := embeddedServer()
	var last string
	for _, e := range agreement.JCPOA().Events {
		last = max(last, e.Date.String())
	}
	for _, c := range []struct {
		date  string
		later bool
	}{{"2016-06-01", true}, {last, false}} {
		body := page(s, "GET", "/agreement?as_of="+c.date, "", nil).Body.String()
		for _, e := range agreement.JCPOA().Events {
			shown := strings.Contains(body, `id="event-`+e.ID+`"`)
			if want := !e.Date.After(calendar.MustParse(c.date)); shown != want {
				t.Errorf("at %s, event %s of %s: shown %v, want %v", c.date, e.ID, e.Date, shown, want)
			}
		}
		for _, rd := range agreement.JCPOA().Readings {
			if shown := strings.Contains(body, `id="reading-`+rd.ID+`"`); shown != strings.Contains(body, `id="event-`+rd.Event+`"`) {
				t.Errorf("at %s, the reading %s of event %s: shown %v, and its event %v", c.date, rd.ID, rd.Event, shown, !shown)
			}
		}
		if strings.Contains(body, `id="later-events"`) != c.later {
			t.Errorf("at %s: a note of later events: %v, want %v", c.date, !c.later, c.later)
		}
		// Each step says which step its days follow.
		if !strings.Contains(body, "1 day after the step “Council votes on continuing the terminations”") {
			t.Errorf("at %s: the snapback's last step does not say it follows the vote", c.date)
		}
	}
}

// The navigation keeps the date a page shows on the pages that show one.
func TestNavigationKeepsTheDate(t *testing.T) {
	s := embeddedServer()
	body := page(s, "GET", "/trends?as_of=2019-08-01", "", nil).Body.String()
	nav := regexp.MustCompile(`(?s)<nav class="top".*?</nav>`).FindString(body)
	for _, want := range []string{`href="/?as_of=2019-08-01"`, `href="/what-if?as_of=2019-08-01"`, `href="/agreement?as_of=2019-08-01"`,
		`href="/knowledge?as_of=2019-08-01"`, `href="/report?as_of=2019-08-01"`, `href="/records"`, `href="/sources"`} {
		if !strings.Contains(nav, want) {
			t.Errorf("the navigation lacks %s:\n%s", want, nav)
		}
	}
	// Without a date, or with one that is not, the links are plain.
	for _, q := range []string{"", "?as_of=2019-02-30"} {
		body := page(s, "GET", "/trends"+q, "", nil).Body.String()
		if nav := regexp.MustCompile(`(?s)<nav class="top".*?</nav>`).FindString(body); strings.Contains(nav, "as_of") {
			t.Errorf("/trends%s: the navigation carries a date:\n%s", q, nav)
		}
	}
}

// The time to serve each page over the public series (the overview and
// the report carry a 10,000-sample breakout band; trends renders three
// charts).
func BenchmarkPages(b *testing.B) {
	s := embeddedServer()
	for _, path := range []string{"/?as_of=2025-02-08", "/trends?as_of=2025-11-01", "/what-if?as_of=2025-02-08", "/agreement?as_of=2025-11-01", "/report?as_of=2025-02-08"} {
		name := strings.TrimPrefix(strings.Split(path, "?")[0], "/")
		if name == "" {
			name = "overview"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if rec := page(s, "GET", path, "", nil); rec.Code != 200 {
					b.Fatalf("HTTP %d", rec.Code)
				}
			}
		})
	}
}

// An evidence link reads as the document the figure comes from (an IAEA
// report's symbol), or where it was seen, whether a log record states it
// or a row of the public series does: not as the record's id, which
// names this system's own rows, unless the record says nothing more. It opens the record or the row; the title names both.
func TestEvidenceLinksNameTheDocument(t *testing.T) {
	r := &report.Report{Sources: []report.Source{
		{N: 1, Kind: "record", Ref: "log index 115", Record: "series-iaea-iran-row-33", Document: "IAEA GOV/2025/8", Source: "IAEA GOV/2025/8"},
		{N: 2, Kind: "dataset", Ref: "iaea-iran row 33", Entry: "public series, report of 2025-02-26", Document: "IAEA GOV/2025/8", Source: "IAEA GOV/2025/8"},
		{N: 3, Kind: "record", Ref: "log index 7", Record: "finding-fordow-1", Source: "an inspection"},
		{N: 5, Kind: "record", Ref: "log index 8", Record: "finding-fordow-2"},
		{N: 6, Kind: "agreement", Ref: "jcpoa event implementation-day", Source: "JCPOA para 34 (Implementation Day is the IAEA-verified implementation of Iran's nuclear measures); IAEA report"},
		{N: 4, Kind: "dataset", Ref: "iaea-iran row 20", Document: "IAEA GOV/2021/28 (symbol not checked against the document)", Source: "Janes"},
	}}
	got := string(server.CiteLinks(r, []int{1, 2, 3, 4, 5, 6}))
	for _, want := range []string{
		// What the document's name says of it in parentheses is in the
		// title, not in the link.
		`(symbol not checked against the document), as reported by Janes">IAEA GOV/2021/28</a>`,
		`<a href="/records/115" title="log index 115: IAEA GOV/2025/8`, `>IAEA GOV/2025/8</a>`,
		`<a href="/sources#`, `<a href="/records/7" title="log index 7: `, `>an inspection</a>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the links lack %s:\n%s", want, got)
		}
	}
	if strings.Contains(got, ">series-iaea-iran-row-33<") || strings.Contains(got, ">finding-fordow-1<") {
		t.Errorf("a record with a document or a source is labelled by its id:\n%s", got)
	}
	// Where it was seen, by its name: the rest is in the title.
	if !strings.Contains(got, `">JCPOA para 34</a>`) {
		t.Errorf("a source is not labelled by its name:\n%s", got)
	}
	// With neither, the record's id is all there is.
	if !strings.Contains(got, `<a href="/records/8" title="log index 8: (record finding-fordow-2)">finding-fordow-2</a>`) {
		t.Errorf("a record with no document or source:\n%s", got)
	}
	// Two entries of one document are one link, to the first, whose
	// title names both: "[IAEA GOV/2025/8, IAEA GOV/2025/8]" read as two
	// documents.
	if n := strings.Count(got, ">IAEA GOV/2025/8</a>"); n != 1 {
		t.Errorf("IAEA GOV/2025/8 is cited %d times, want once:\n%s", n, got)
	}
	// The title names a row of the public series as a reader finds it,
	// by its report's date, not by the program's own file and row.
	if !regexp.MustCompile(`title="log index 115: [^"]*; public series, report of 2025-02-26: [^"]*">IAEA GOV/2025/8</a>`).MatchString(got) {
		t.Errorf("the one link to IAEA GOV/2025/8 does not name both entries:\n%s", got)
	}
}

// The report page cites by number to the annex on the page, in its summary
// as everywhere else in it, as the printed report does; the overview names
// the documents.
func TestReportCitesByNumber(t *testing.T) {
	s := embeddedServer()
	body := page(s, "GET", "/report?as_of=2025-02-08", "", nil).Body.String()
	summary := regexp.MustCompile(`(?s)<ul class="summary">.*?</ul>`).FindString(body)
	if !regexp.MustCompile(`<a href="#src-\d+" title="source \d+">\d+</a>`).MatchString(summary) || strings.Contains(summary, `href="/sources#`) {
		t.Errorf("the report's summary does not cite by number:\n%s", summary)
	}
	overview := page(s, "GET", "/?as_of=2025-02-08", "", nil).Body.String()
	if !strings.Contains(overview, `">IAEA GOV/2025/8</a>`) {
		t.Error("the overview does not name the document its stock comes from")
	}
	// Its links to records open for the log's members only: the page
	// says so, and how, rather than promise what a reader then finds shut.
	if !strings.Contains(overview, `its record in the evidence log, which the log's members open after they <a href="/signin">sign in</a>`) {
		t.Error("the overview does not say that records open to the log's members once signed in")
	}
}

// The what-if form, untouched, starts from the state the dated estimate
// is computed from: its estimate is the API's (and the overview's) for the
// same date, or, where the figures are unknown, the last estimate on known
// figures. (The form once put the JCPOA's stock up to 5 % at 5 % rather
// than 3.67 %, and the 2021 stock reported up to 60 % among the 20 %.)
// Where the dated estimate is a bound, the page says so: the form takes
// each figure as given, and its estimate alone read as exact.
func TestWhatIfStartsFromTheDatedEstimate(t *testing.T) {
	s := embeddedServer()
	days := regexp.MustCompile(`id="result-days" data-value="([^"]*)"`)
	bounded := 0
	for _, date := range []string{"2016-06-01", "2017-06-01", "2019-08-01", "2021-03-01", "2021-06-01", "2023-02-26", "2024-06-01", "2025-02-08", "2025-09-01"} {
		rec := page(s, "GET", "/what-if?as_of="+date, "", nil)
		note := regexp.MustCompile(`<p class="note" id="bound-note">([^<]*)</p>`).FindStringSubmatch(rec.Body.String())
		if rec.Code != 200 {
			t.Fatalf("%s: what-if HTTP %d", date, rec.Code)
		}
		m := days.FindStringSubmatch(rec.Body.String())
		if m == nil {
			t.Fatalf("%s: the what-if page has no estimate", date)
		}
		form, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			t.Fatalf("%s: what-if days %q: %v", date, m[1], err)
		}
		rec = page(s, "GET", "/api/v1/breakout?as_of="+date, "", nil)
		var b struct {
			Status    string
			Qualifier string `json:"headline_qualifier"`
			Estimate  *struct {
				HeadlineDays *float64 `json:"headline_days"`
			}
			LastKnown *struct {
				HeadlineDays *float64 `json:"headline_days"`
			} `json:"last_known"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil || rec.Code != 200 {
			t.Fatalf("%s: breakout HTTP %d: %v", date, rec.Code, err)
		}
		want := b.Estimate
		if want == nil {
			want = b.LastKnown
		}
		if want == nil || want.HeadlineDays == nil {
			t.Fatalf("%s: the API gives no estimate (%s)", date, b.Status)
		}
		if math.Abs(form-*want.HeadlineDays) > 1e-9**want.HeadlineDays {
			t.Errorf("%s: the untouched what-if form gives %.2f days, the dated estimate %.2f", date, form, *want.HeadlineDays)
		}
		words := map[string]string{"at_least": "at least ", "at_most": "at most ", "approx": "about "}[b.Qualifier]
		switch {
		case b.Estimate == nil || words == "":
			if note != nil {
				t.Errorf("%s: the dated estimate is %q, but the page says: %s", date, b.Qualifier, note[1])
			}
		case note == nil:
			t.Errorf("%s: the dated estimate is %s, and the what-if page does not say so", date, b.Qualifier)
		default:
			bounded++
			if !strings.Contains(note[1], "the estimate is "+words+report.Num(*b.Estimate.HeadlineDays, 1)+" days") || !strings.Contains(note[1], "band included, for figures it rests on") {
				t.Errorf("%s: the dated estimate is %s; the page says: %s", date, b.Qualifier, note[1])
			}
		}
	}
	if bounded == 0 {
		t.Error("no date's dated estimate is a bound: the test checks nothing")
	}
}

// Any query to the what-if page gets the page or a 400 naming a field;
// nothing panics and nothing else comes back.
func FuzzWhatIfForm(f *testing.F) {
	for _, q := range []string{"as_of=2025-02-08", "stock_60=400&fleet_IR-6=2000", "efficiency=0.5&tails_60=10", "target_pct=60&quantity_sq=3&convention=iaea",
		"fleet_IR-1=1e9", "stock_5=NaN", "tails_nat=0", "target_pct=0.711", "fleet_IR-8=-0"} {
		f.Add(q)
	}
	s := embeddedServer()
	f.Fuzz(func(t *testing.T, query string) {
		if _, err := url.ParseQuery(query); err != nil {
			return
		}
		req := httptest.NewRequest("GET", "/what-if", nil)
		req.URL.RawQuery = query
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		switch rec.Code {
		case 200:
		case 400:
			if !strings.Contains(rec.Body.String(), `role="alert"`) {
				t.Errorf("%q: a 400 without its message", query)
			}
		default:
			t.Errorf("%q: HTTP %d", query, rec.Code)
		}
	})
}

// Sign-in sends the browser back only to a local path: a next that a
// browser would read as another site, spelt however it is, goes to the
// records page instead, on the form and after signing in.
func TestSignInRedirectsOnlyToLocalPaths(t *testing.T) {
	s, tokens := setup(t)
	for _, c := range []struct{ next, want string }{
		{"/records?kind=inspection_finding", "/records?kind=inspection_finding"},
		{"/talks/muscat", "/talks/muscat"},
		{"/\t/evil.example", "/records"},
		{"/\n/evil.example", "/records"},
		{"/\r/evil.example", "/records"},
		{"/%09/evil.example", "/records"},
		{"/%2509/evil.example", "/records"},
		{"//evil.example", "/records"},
		{"/%2Fevil.example", "/records"},
		{"/%252F/evil.example", "/records"},
		{"/\\evil.example", "/records"},
		{"/%5Cevil.example", "/records"},
		{"\\\\evil.example", "/records"},
		{"https://evil.example/", "/records"},
		{"javascript:alert(1)", "/records"},
		{" /records", "/records"},
		{"/\u00a0/evil.example", "/records"},
		{"/%zz", "/records"},
		{"", "/records"},
	} {
		form := url.Values{"token": {tokens["party"]}, "next": {c.next}}.Encode()
		rec := page(s, "POST", "/signin", form, func(r *http.Request) { r.Header.Set("Sec-Fetch-Site", "same-origin") })
		if got := rec.Header().Get("Location"); rec.Code != http.StatusSeeOther || got != c.want {
			t.Errorf("sign-in with next=%q: HTTP %d to %q, want %q", c.next, rec.Code, got, c.want)
		}
		rec = page(s, "GET", "/signin?next="+url.QueryEscape(c.next), "", nil)
		if want := `name="next" value="` + template.HTMLEscapeString(c.want) + `"`; rec.Code != 200 || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("the sign-in form for next=%q: HTTP %d, want %s", c.next, rec.Code, want)
		}
	}
}

// The sign-in page and the pages that send a signed-out reader to it speak
// to people: they offer to sign in with a key file, show the command that
// makes a read token with this server's address as the request reached it,
// and name neither a placeholder address nor an API path.
func TestSignInPageWords(t *testing.T) {
	s, _ := setup(t)
	for _, path := range []string{"/signin", "/balance", "/records", "/talks"} {
		rec := page(s, "GET", path, "", func(r *http.Request) { r.Host = "accord.example:8443" })
		body := rec.Body.String()
		if !strings.Contains(body, `id="key-signin"`) || !strings.Contains(body, `src="/static/key.js"`) {
			t.Errorf("%s: HTTP %d, no sign-in with a key file", path, rec.Code)
		}
		if !strings.Contains(body, "accord token --server http://accord.example:8443 --key") {
			t.Errorf("%s: the command does not name the server as reached", path)
		}
		for _, dev := range []string{"HOST:PORT", "/api/v1/"} {
			if strings.Contains(body, dev) {
				t.Errorf("%s shows %q", path, dev)
			}
		}
	}
	for _, file := range []string{"key.js", "sign.js", "signin.js"} {
		if rec := page(s, "GET", "/static/"+file, "", nil); rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/javascript") {
			t.Errorf("/static/%s: HTTP %d %s", file, rec.Code, rec.Header().Get("Content-Type"))
		}
	}
}

// Before the record of the inspectorate's access begins, the overview
// says there is no report of it, not "unknown since ." with no date.
func TestOverviewAccessBeforeTheRecord(t *testing.T) {
	s := embeddedServer()
	for _, date := range []string{"1950-01-01", "2015-07-14"} {
		rec := page(s, "GET", "/?as_of="+date, "", nil)
		if rec.Code != 200 {
			t.Fatalf("%s: HTTP %d", date, rec.Code)
		}
		text := regexp.MustCompile(`<[^>]+>`).ReplaceAllString(rec.Body.String(), "")
		if m := regexp.MustCompile(`since\s*[.<]|since\s*$|since\s*\n`).FindString(text); m != "" {
			t.Errorf("%s: a \"since\" with no date: %q", date, m)
		}
		if !strings.Contains(text, "no report of the inspectorate's access on or before this date") {
			t.Errorf("%s: the overview does not say that no report of access is on the record", date)
		}
	}
}

// A reading's sources link to the reading on the agreement page, as an
// event's link to the event: no citation on the overview links to the
// sources page without saying where on it.
func TestReadingSourcesLinkToTheReading(t *testing.T) {
	s := embeddedServer()
	for _, date := range []string{"2025-02-08", "2025-11-01"} {
		body := page(s, "GET", "/?as_of="+date, "", nil).Body.String()
		for _, cite := range regexp.MustCompile(`<span class="cite">.*?</span>`).FindAllString(body, -1) {
			if strings.Contains(cite, `href="/sources"`) {
				t.Errorf("%s: a citation links to the sources page with no anchor: %s", date, cite)
			}
		}
	}
	body := page(s, "GET", "/?as_of=2025-02-08", "", nil).Body.String()
	if !strings.Contains(body, `href="/agreement#reading-transition-day-2023"`) {
		t.Error("2025-02-08: the readings of the EU's measures kept past Transition Day do not link to the reading")
	}
	if !strings.Contains(page(s, "GET", "/agreement?as_of=2025-02-08", "", nil).Body.String(), `id="reading-transition-day-2023"`) {
		t.Error("the agreement page has no anchor for the reading")
	}
}

// A level the report of the stock does not give is shown with no figure
// on the what-if form, not as zero: on 2025-06-13 the IAEA gave the total
// and the 60 % level only. The field says so in words short enough for
// it ("not reported" was cut to "not reportec" at 1280 px); its title
// gives the whole reason.
func TestWhatIfShowsNoFigureForALevelNotReported(t *testing.T) {
	s := embeddedServer()
	rec := page(s, "GET", "/what-if?as_of=2025-06-13", "", nil)
	if rec.Code != 200 {
		t.Fatalf("what-if HTTP %d", rec.Code)
	}
	input := func(key string) string {
		return regexp.MustCompile(`<input [^>]*id="stock_` + key + `"[^>]*>`).FindString(rec.Body.String())
	}
	for _, key := range []string{"5", "20"} {
		in := input(key)
		if in == "" || strings.Contains(in, "value=") || !strings.Contains(in, `placeholder="not given"`) || !strings.Contains(in, "not reported by level as of 2025-06-13") {
			t.Errorf("up to %s %%: %s, want no value, and the words that it was not reported", key, in)
		}
	}
	if in := input("60"); !strings.Contains(in, `value="440.9"`) {
		t.Errorf("up to 60 %%: %s, want 440.9", in)
	}
}
