package server_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// A page refuses a query parameter it does not take, as the API does: a
// misspelt as_of would otherwise show today's figures as if they were the
// date asked for. The answer is a 400 page naming the parameter and the
// ones the page takes; a parameter given twice is refused too. What the
// page takes is still answered.
func TestPagesRefuseParametersTheyDoNotTake(t *testing.T) {
	s := embeddedServer()
	for _, c := range []struct {
		url  string
		says []string
	}{
		{"/?asof=2025-02-08", []string{"asof: is not a parameter of the page /: it takes as_of, machines, surviving_fleet, remaining_stock, convention, sq, samples and seed"}},
		{"/?as_of=2025-02-08&foo=1", []string{"foo: is not a parameter of the page /:", "as_of"}},
		{"/trends?as_of=2025-02-08&as_of=2019-01-01", []string{"as_of: is given 2 times: give it once"}},
		{"/report?as_of=2025-02-08&fromat=md", []string{"fromat: is not a parameter of the page /report:", "format"}},
		{"/agreement?date=2025-02-08", []string{"date: is not a parameter of the page /agreement: it takes as_of"}},
		{"/knowledge?as=2025-02-08", []string{"as: is not a parameter of the page /knowledge: it takes as_of"}},
		{"/sources?utm_source=x", []string{"utm_source: is not a parameter of the page /sources: it takes no query parameters"}},
		{"/balance?area=x", []string{"area: is not a parameter of the page /balance: it takes mba"}},
		{"/records?knd=sealed", []string{"knd: is not a parameter of the page /records:", "kind, author, site"}},
		{"/records?kind=sealed&limit=5", []string{"limit: is not a parameter of the page /records"}},
		{"/signin?nxt=/records", []string{"nxt: is not a parameter of the page /signin: it takes next"}},
		{"/talks?room=x", []string{"room: is not a parameter of the page /talks: it takes no query parameters"}},
		// The what-if form's families take only the members the form
		// shows: a stock of a level it has no field for is refused.
		{"/what-if?as_of=2025-02-08&stock_7=100", []string{"stock_7: is not a parameter of the page /what-if:", "stock_60", "fleet_IR-6"}},
		{"/what-if?as_of=2025-02-08&fleet_IR-9=10", []string{"fleet_IR-9: is not a parameter of the page /what-if:"}},
		{"/what-if?as_of=2025-02-08&efficency=0.5", []string{"efficency: is not a parameter of the page /what-if:"}},
	} {
		rec := page(s, "GET", c.url, "", nil)
		body := html.UnescapeString(tags.ReplaceAllString(rec.Body.String(), ""))
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Header().Get("Content-Type"), "text/html") {
			t.Errorf("GET %s: HTTP %d %s, want a 400 page", c.url, rec.Code, rec.Header().Get("Content-Type"))
			continue
		}
		for _, w := range c.says {
			if !strings.Contains(body, w) {
				t.Errorf("GET %s: the page does not say %q", c.url, w)
			}
		}
	}
	for _, u := range []string{
		"/?as_of=2025-02-08&convention=whole-fleet&sq=iaea",
		"/report?as_of=2025-02-08&format=md",
		"/what-if?as_of=2025-02-08&stock_60=100&fleet_IR-6=1000&efficiency=0.9",
		"/agreement?as_of=2025-02-08",
		"/sources",
	} {
		if rec := page(s, "GET", u, "", nil); rec.Code != 200 {
			t.Errorf("GET %s: HTTP %d, want 200", u, rec.Code)
		}
	}
}

var (
	hrefs    = regexp.MustCompile(`href="([^"]*)"`)
	getForms = regexp.MustCompile(`(?s)<form[^>]*method="get"[^>]*action="([^"]*)"[^>]*>(.*?)</form>`)
	fields   = regexp.MustCompile(`<(?:input|select|textarea)\b[^>]*\bname="([^"]*)"[^>]*>`)
	valueOf  = regexp.MustCompile(`\bvalue="([^"]*)"`)
	indexed  = regexp.MustCompile(`/\d+$`)
)

// crawl follows every link and GET form of the pages from starts, on s
// with the request changed by mod, and reports any answer 400: a link a
// page makes is to a question the server takes. Each path with one set
// of parameter names is followed once (the names are what the rule
// checks), so that a page of many dated links is not a crawl of every
// date.
func crawl(t *testing.T, s http.Handler, mod func(*http.Request), starts ...string) (visited int) {
	t.Helper()
	seen := map[string]bool{}
	queue := slices.Clone(starts)
	from := map[string]string{}
	for len(queue) > 0 {
		target := queue[0]
		queue = queue[1:]
		u, err := url.Parse(target)
		if err != nil {
			t.Errorf("%s links to %q, which is not a URL: %v", from[target], target, err)
			continue
		}
		names := []string{}
		for n := range u.Query() {
			names = append(names, n)
		}
		slices.Sort(names)
		key := indexed.ReplaceAllString(u.Path, "/N") + "?" + strings.Join(names, "&")
		if seen[key] {
			continue
		}
		seen[key] = true
		visited++
		rec := page(s, "GET", u.RequestURI(), "", mod)
		if rec.Code == http.StatusBadRequest {
			said := regexp.MustCompile(`(?s)role="alert"[^>]*>(.*?)</p>`).FindStringSubmatch(rec.Body.String())
			if said == nil {
				said = []string{"", rec.Body.String()}
			}
			t.Errorf("GET %s (linked from %s): HTTP 400: %.300s", u.RequestURI(), from[target], html.UnescapeString(tags.ReplaceAllString(said[1], "")))
			continue
		}
		if !strings.Contains(rec.Header().Get("Content-Type"), "text/html") {
			continue
		}
		body := rec.Body.String()
		next := func(ref string) {
			ref = html.UnescapeString(ref)
			if ref == "" || strings.HasPrefix(ref, "#") {
				return
			}
			r, err := u.Parse(ref)
			if err != nil || r.Host != "" || strings.HasPrefix(r.Path, "/static/") {
				return
			}
			r.Fragment = ""
			queue = append(queue, r.String())
			from[r.String()] = u.RequestURI()
		}
		for _, m := range hrefs.FindAllStringSubmatch(body, -1) {
			next(m[1])
		}
		for _, f := range getForms.FindAllStringSubmatch(body, -1) {
			q := url.Values{}
			for _, fm := range fields.FindAllStringSubmatch(f[2], -1) {
				v := ""
				if m := valueOf.FindStringSubmatch(fm[0]); m != nil {
					v = html.UnescapeString(m[1])
				}
				q.Set(html.UnescapeString(fm[1]), v)
			}
			next(html.UnescapeString(f[1]) + "?" + q.Encode())
		}
	}
	return visited
}

// Every link and every GET form of every page (the navigation, the date
// forms, the filters and their pages, the records' kind filter, the
// what-if form, the report's other formats, the charts) asks with only
// parameters its target takes: following them all, none is refused.
func TestEveryLinkOfEveryPageIsTaken(t *testing.T) {
	pages := []string{"/", "/trends", "/what-if", "/records", "/agreement", "/report", "/sources", "/balance", "/knowledge", "/signin", "/talks"}
	dated := []string{}
	for _, p := range []string{"/", "/trends", "/what-if", "/agreement", "/report", "/knowledge"} {
		dated = append(dated, p+"?as_of=2025-02-08")
	}
	public := embeddedServer()
	n := crawl(t, public, nil, slices.Concat(pages, dated)...)
	if n < 2*len(pages) {
		t.Errorf("followed %d pages, want at least %d", n, 2*len(pages))
	}
	t.Logf("followed %d pages and forms", n)
	// Signed in, the records and their filter, a record's page, the
	// talks.
	s, tokens := setup(t)
	signedIn := func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tokens["inspectorate"]) }
	if n := crawl(t, s, signedIn, slices.Concat(pages, dated)...); n < 2*len(pages) {
		t.Errorf("followed %d pages signed in, want at least %d", n, 2*len(pages))
	}
}

// The report page's links to its other formats ask the same question in
// another format: the date and the breakout's assumptions the page was
// asked with, not the defaults.
func TestReportFormatLinksKeepTheQuestion(t *testing.T) {
	s := embeddedServer()
	body := page(s, "GET", "/report?as_of=2025-02-08&convention=whole-fleet&sq=iaea", "", nil).Body.String()
	for _, f := range []string{"md", "json", "csv"} {
		m := regexp.MustCompile(`href="(\?[^"]*format=` + f + `[^"]*)"`).FindStringSubmatch(body)
		if m == nil {
			t.Errorf("the report page has no link to its %s", f)
			continue
		}
		q, _ := url.ParseQuery(html.UnescapeString(m[1])[1:])
		if q.Get("as_of") != "2025-02-08" || q.Get("convention") != "whole-fleet" || q.Get("sq") != "iaea" || q.Get("format") != f {
			t.Errorf("the link to the %s asks %v, want as_of=2025-02-08, convention=whole-fleet, sq=iaea, format=%s", f, q, f)
		}
	}
}
