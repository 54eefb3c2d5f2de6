package server

import (
	"bytes"
	"cmp"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"maps"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/enrich"
	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/input"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/report"
	"github.com/accordverify/accord/internal/state"
	"github.com/accordverify/accord/internal/warning"
)

// The dashboard: server-rendered pages over the same data as the API.
// Templates are embedded and parsed once, in New; every asset is served
// from the binary, so a page makes no request to any other host.

//go:embed web
var web embed.FS

// phoneCSS follows the report's stylesheet: the dashboard on a narrow
// screen (stacked tables, the what-if estimate above its form, long
// hashes that wrap).
//
//go:embed web/phone.css
var phoneCSS []byte

// pageNames are the dashboard's pages, each web/NAME.html defining
// "content" inside web/layout.html.
var pageNames = []string{"overview", "trends", "whatif", "records", "record", "agreement", "sources", "signin", "error", "balance", "knowledge", "talks", "talksroom"}

// navItem is a page in the navigation bar; Dated pages show the state at
// a date (as_of), which the bar keeps from page to page.
type navItem struct {
	Page, Path, Label string
	Dated             bool
}

// navItems are the pages in the navigation bar.
var navItems = []navItem{
	{"overview", "/", "Overview", true},
	{"trends", "/trends", "Trends", true},
	{"whatif", "/what-if", "What-if", true},
	{"records", "/records", "Records", false},
	{"agreement", "/agreement", "Agreement", true},
	{"knowledge", "/knowledge", "Knowledge", true},
	{"balance", "/balance", "Balance", false},
	{"talks", "/talks", "Talks", false},
	{"report", "/report", "Report", true},
	{"sources", "/sources", "Sources", false},
}

// nav is the navigation bar for r: a dated page's link keeps the date r
// shows, if it names a valid one.
func nav(r *http.Request) []navItem {
	d, err := calendar.Parse(r.URL.Query().Get("as_of"))
	if err != nil {
		return navItems
	}
	items := slices.Clone(navItems)
	for i := range items {
		if items[i].Dated {
			items[i].Path += "?as_of=" + d.String()
		}
	}
	return items
}

type dashboard struct {
	pages  map[string]*template.Template
	report *template.Template
}

// parseDashboard parses the pages; demo marks every page and key as the
// demonstration's.
func parseDashboard(demo bool) (*dashboard, error) {
	funcs := report.Funcs()
	funcs["demo"] = func() bool { return demo }
	funcs["keyLabel"] = func() string {
		if demo {
			return "demo key"
		}
		return ""
	}
	funcs["heading"] = heading
	funcs["pathSegment"] = pathSegment
	funcs["anchor"] = anchor
	funcs["fmtTime"] = func(t time.Time) string { return t.UTC().Format(time.DateTime) + " UTC" }
	funcs["src"] = func(r *report.Report, ns []int) template.HTML { return citeLinks(r, ns) }
	funcs["linkCites"] = linkCites
	funcs["summaryLine"] = summaryLine
	funcs["otherFormsLabel"] = func() string { return report.OtherFormsLabel }
	funcs["otherFormsNote"] = func() string { return report.OtherFormsNote }
	funcs["laterNotes"] = func(b report.Breakout) []string { return compliance.LaterNotes(b.Evidence, b.AsOf) }
	funcs["laterMark"] = func() string { return report.LaterMark }
	funcs["dec"] = func(n int) int { return n - 1 }
	funcs["age"] = state.Age
	funcs["deref1"] = func(b *bool) bool { return b != nil && *b }
	funcs["deref2"] = func(n *int) int {
		if n == nil {
			return 0
		}
		return *n
	}
	funcs["i2f"] = func(n int) float64 { return float64(n) }
	funcs["plural"] = pluralWord
	// kindWords says an event kind of the agreement format in words:
	// "access-request" as "access request".
	funcs["kindWords"] = func(kind string) string { return strings.NewReplacer("-", " ", "_", " ").Replace(kind) }
	funcs["trimIndex"] = func(ref string) string { return strings.TrimPrefix(ref, "log index ") }
	funcs["evidenceHref"] = func(e state.Evidence) string { return sourceLink(report.Source{Kind: e.Kind, Ref: e.Ref}) }
	funcs["evidenceLabel"] = state.Evidence.Label
	funcs["barPct"] = func(v, max float64) string {
		if max <= 0 {
			return "0"
		}
		return strconv.FormatFloat(min(100, 100*v/max), 'f', 1, 64)
	}
	funcs["deref"] = func(v *float64) float64 {
		if v == nil {
			return 0
		}
		return *v
	}
	base, err := template.New("layout").Funcs(funcs).ParseFS(web, "web/layout.html")
	if err != nil {
		return nil, err
	}
	d := &dashboard{pages: map[string]*template.Template{}}
	for _, name := range pageNames {
		t, err := template.Must(base.Clone()).ParseFS(web, "web/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("dashboard page %s: %w", name, err)
		}
		d.pages[name] = t
	}
	// The report cites by number, every figure to the annex on its page,
	// as the printed report does; the other pages name the documents.
	reportFuncs := maps.Clone(funcs)
	reportFuncs["linkCites"] = report.Funcs()["linkCites"]
	if d.report, err = template.New("report").Funcs(reportFuncs).Parse(report.ReportTemplate()); err != nil {
		return nil, err
	}
	return d, nil
}

// view is what every page template receives.
type view struct {
	Page   string
	Title  string
	Nav    any
	Caller caller
	Data   any
}

// securePage sets the headers of an HTML page: no framing, no scripts or
// styles from elsewhere, nothing fetched from another host.
func securePage(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cache-Control", "no-store")
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page, title string, data any) {
	var buf bytes.Buffer
	v := view{Page: page, Title: title, Nav: nav(r), Caller: callerOf(r), Data: data}
	if err := s.dash.pages[page].ExecuteTemplate(&buf, "layout", v); err != nil {
		s.cfg.Logger.Error("render", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	securePage(w)
	retryAfter(w, status)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// pageError renders an error as a page: the field and the rule for bad
// input, a plain message otherwise.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, err error) {
	e := problem(s.cfg.Logger, r.URL.Path, err)
	s.render(w, r, e.status(), "error", "Error", e)
}

// pathSegment escapes s as one segment of a URL's path, for links built
// from ids (a room's): no character of s ends the segment or starts a
// query or a fragment. A dot segment, which a browser resolves to the
// directory above whatever its escaping, becomes "". The ids are checked
// where they are made; this is the page's own defence.
func pathSegment(s string) string {
	if s == "." || s == ".." {
		return ""
	}
	return url.PathEscape(s)
}

var nonAnchor = regexp.MustCompile(`[^A-Za-z0-9]+`)

// anchor turns a reference ("iaea-iran row 33") into an HTML id
// ("iaea-iran-row-33").
func anchor(ref string) string {
	return strings.Trim(nonAnchor.ReplaceAllString(strings.TrimSuffix(ref, " notes"), "-"), "-")
}

// sourceLink is the dashboard page that shows an annex entry's evidence.
func sourceLink(s report.Source) string {
	switch s.Kind {
	case "record":
		if n, ok := strings.CutPrefix(s.Ref, "log index "); ok {
			return "/records/" + n
		}
	case "dataset":
		return "/sources#" + anchor(s.Ref)
	case "agreement":
		if _, id, ok := strings.Cut(s.Ref, " event "); ok {
			return "/agreement#event-" + anchor(id)
		}
		// A reading's view: "jcpoa reading transition-day-2023 (e3, eu)".
		if _, rest, ok := strings.Cut(s.Ref, " reading "); ok {
			id, _, _ := strings.Cut(rest, " (")
			return "/agreement#reading-" + anchor(id)
		}
		switch {
		case strings.HasSuffix(s.Ref, " breakout goal"):
			return "/agreement#breakout-goal"
		case strings.HasSuffix(s.Ref, " limits"):
			return "/agreement#commitments"
		}
	case "catalogue":
		return "/sources#" + anchor(s.Ref)
	}
	if id, ok := strings.CutPrefix(s.Ref, report.RegimeRef); ok {
		return "/sources#" + anchor("regime "+id)
	}
	return "/sources"
}

// isoDate is a date as a page's title writes it.
var isoDate = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b`)

// heading is a page's title with each date marked as one (a time
// element, which the style keeps on one line).
func heading(title string) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range isoDate.FindAllStringIndex(title, -1) {
		d := template.HTMLEscapeString(title[m[0]:m[1]])
		b.WriteString(template.HTMLEscapeString(title[last:m[0]]) + `<time datetime="` + d + `">` + d + `</time>`)
		last = m[1]
	}
	b.WriteString(template.HTMLEscapeString(title[last:]))
	return template.HTML(b.String())
}

// citeLinks renders annex numbers as links straight to their evidence,
// labelled with the document.
func citeLinks(r *report.Report, ns []int) template.HTML {
	return report.CiteLinks(ns, func(n int) report.Link {
		if n < 1 || n > len(r.Sources) {
			return report.Link{Href: "/sources", Title: "unknown source", Label: strconv.Itoa(n)}
		}
		src := r.Sources[n-1]
		title := src.Where() + ": " + strings.TrimSpace(src.Cited())
		// Evidence is labelled by the document it comes from (an IAEA
		// report's symbol), whether a log record states it or a row of
		// the public series; without one, by where it was seen; never by
		// the record's id if it has either. The link opens the record or
		// the row; the title says both.
		label := src.Label()
		if id, ok := strings.CutPrefix(src.Ref, report.RegimeRef); ok {
			label = "regime: " + id // the provision is the title; too long a label
		}
		// Evidence published after the page's date is marked; the page's
		// key says when each such document was published.
		return report.Link{Href: sourceLink(src), Title: title, Label: label, Later: src.Hindsight(r.AsOf)}
	})
}

// linkCites turns the "[1, 4]" citations of a report's text into links to
// their evidence.
func linkCites(r *report.Report, text string) template.HTML {
	return report.LinkCites(text, func(ns []int) template.HTML { return citeLinks(r, ns) })
}

// sectionRef is a reference of a summary's line to a section of the
// report ("section 6 gives the status under each reading", "(section 7)").
var sectionRef = regexp.MustCompile(`\bsection ([1-9])\b`)

// summaryLine is a line of the report's summary as the overview gives it:
// its citations linked to their evidence, and each section it refers to
// named as the report's and linked to it, at the page's date and under
// its assumptions (the overview has no numbered sections).
func summaryLine(r *report.Report, text string) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range sectionRef.FindAllStringSubmatchIndex(text, -1) {
		b.WriteString(string(linkCites(r, text[last:m[0]])))
		n := text[m[2]:m[3]]
		q := url.Values{"as_of": {r.AsOf.String()}, "convention": {string(r.Convention)}, "sq": {string(r.SQ)}}
		fmt.Fprintf(&b, `<a href="/report?%s#s%s">the report's section %s</a>`, template.HTMLEscapeString(q.Encode()), n, n)
		last = m[1]
	}
	b.WriteString(string(linkCites(r, text[last:])))
	return template.HTML(b.String())
}

// latestStock is the date of the latest reported stock, or today when
// there is none.
func latestStock(facts []state.Fact) calendar.Date {
	var latest calendar.Date
	for _, f := range facts {
		if f.Metric == state.EnrichedUraniumKgU && f.Date.After(latest) {
			latest = f.Date
		}
	}
	if latest.IsZero() {
		return calendar.Today()
	}
	return latest
}

// dateOrToday reads the optional as_of of a page; the default is today.
func dateOrToday(r *http.Request) (calendar.Date, error) {
	v := r.URL.Query().Get("as_of")
	if v == "" {
		return calendar.Today(), nil
	}
	return parseAsOf(v)
}

// reportAt builds the report the overview, trends and report pages show;
// samples is the size of the breakout band (0: none).
func (s *Server) reportAt(r *http.Request, samples int, skipSeries bool) (*report.Report, error) {
	facts, date, err := s.factsAndDate(r)
	if err != nil {
		return nil, err
	}
	opt, err := breakoutOptions(r.URL.Query(), samples)
	if err != nil {
		return nil, err
	}
	return report.Build(s.cfg.Agreement, facts, date, report.Options{BreakoutOptions: opt, SkipSeries: skipSeries})
}

func (s *Server) overviewPage(w http.ResponseWriter, r *http.Request) {
	rep, err := s.reportAt(r, breakout.DefaultSamples, true) // the overview shows no chart
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, 200, "overview", "Overview as of "+rep.AsOf.String(), rep)
}

// trendsView is the trends page: the report's charts and the breaches with
// the dates they began.
type trendsView struct {
	*report.Report
	Figures  []report.Figured
	Breaches []breachLine
}

// breachLine is one period of breach of the timeline. Now is the
// overview's finding at the page's date for a breach not ended: what the
// page says of it (a breach, unknown or disputed with each reading) is
// that finding, so that the trends page and the overview cannot disagree.
type breachLine struct {
	Commitment, Title, Obligor string
	From, To, Confirmed        calendar.Date
	ConfirmedPrecision         state.DatePrecision
	DisputedFrom               calendar.Date
	Then                       compliance.Status
	Now                        *report.Finding
}

// Status is what the line says of the breach at the page's date: the
// overview's status for a breach not ended, "ended" otherwise.
func (b breachLine) Status() string {
	switch {
	case b.Now != nil:
	case b.To.IsZero():
		return string(compliance.Breach)
	default:
		return "ended"
	}
	return string(b.Now.Status)
}

// breachLines are the breaches of tracks, the earliest first, each not
// ended with the finding of rep (the overview's) for its commitment.
func breachLines(rep *report.Report, tracks []compliance.Track) []breachLine {
	findings := map[string]*report.Finding{}
	for i := range rep.Sides {
		for j := range rep.Sides[i].Findings {
			f := &rep.Sides[i].Findings[j]
			findings[f.Commitment] = f
		}
	}
	var out []breachLine
	for _, t := range tracks {
		for _, b := range t.Breaches {
			l := breachLine{Commitment: t.Commitment, Title: t.Title, Obligor: t.Obligor, From: b.From, To: b.To, Then: b.Then, Confirmed: b.ConfirmedUntil, ConfirmedPrecision: b.ConfirmedPrecision, DisputedFrom: b.DisputedFrom}
			if b.To.IsZero() {
				l.Now = findings[t.Commitment]
			}
			out = append(out, l)
		}
	}
	slices.SortStableFunc(out, func(a, b breachLine) int { return a.From.Compare(b.From) })
	return out
}

func (s *Server) trendsPage(w http.ResponseWriter, r *http.Request) {
	rep, err := s.reportAt(r, breakout.DefaultSamples, false)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	figs, err := rep.Figures()
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	facts, err := s.facts(r.Context())
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	v := trendsView{Report: rep, Figures: figs}
	v.Breaches = breachLines(rep, compliance.TimelineTo(s.cfg.Agreement, facts, rep.AsOf))
	s.render(w, r, 200, "trends", "Trends to "+rep.AsOf.String(), v)
}

// pageQueryOf is the report page's query for its links to the other
// formats: as asked, with the date it shows (today, where none was asked).
func pageQueryOf(r *http.Request, asOf calendar.Date) url.Values {
	q := r.URL.Query()
	q.Set("as_of", asOf.String())
	return q
}

// reportPage serves the report at a date in any of its formats.
func (s *Server) reportPage(w http.ResponseWriter, r *http.Request) {
	rep, err := s.reportAt(r, breakout.DefaultSamples, false)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	var buf bytes.Buffer
	ctype := "text/html; charset=utf-8"
	switch f := r.URL.Query().Get("format"); f {
	case "", "html":
		err = rep.ExecuteHTML(s.dash.report, &buf, report.HTMLOptions{SourceLink: sourceLink, Stylesheet: "/static/style.css", Home: "/", Issued: calendar.Today(), Query: pageQueryOf(r, rep.AsOf)})
		securePage(w)
	case "md":
		ctype = "text/markdown; charset=utf-8"
		err = rep.Markdown(&buf, report.MarkdownOptions{})
	case "json":
		ctype = "application/json"
		err = rep.JSON(&buf)
	case "csv":
		ctype = "text/csv; charset=utf-8"
		w.Header().Set("Content-Disposition", `attachment; filename="accord-report-`+rep.AsOf.String()+`.csv"`)
		err = rep.CSV(&buf)
	default:
		s.pageError(w, r, badRequest("format", "must be html, md, json or csv, got %q", f))
		return
	}
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", ctype)
	_, _ = w.Write(buf.Bytes())
}

func (s *Server) chartSVG(w http.ResponseWriter, r *http.Request) {
	rep, err := s.reportAt(r, breakout.DefaultSamples, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name := strings.TrimSuffix(r.PathValue("name"), ".svg")
	if !slices.ContainsFunc(rep.Charts(), func(c report.Chart) bool { return c.Name == name }) {
		s.fail(w, r, &Error{Code: "not_found", Field: "name", Message: "no chart " + name})
		return
	}
	svg, err := rep.SVG(name)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	_, _ = w.Write(svg)
}

func (s *Server) static(w http.ResponseWriter, r *http.Request) {
	switch r.PathValue("file") {
	case "style.css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=300")
		_, _ = w.Write([]byte(report.Stylesheet))
		_, _ = w.Write(phoneCSS)
	case "whatif.js", "page.js", "key.js", "sign.js", "signin.js":
		b, _ := web.ReadFile("web/" + r.PathValue("file"))
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=300")
		_, _ = w.Write(b)
	default:
		s.fail(w, r, &Error{Code: "not_found", Message: "no such file"})
	}
}

// whatIfView is the what-if form and its estimate.
type whatIfView struct {
	AsOf calendar.Date
	// From is the date of the state the form starts from: AsOf, or the
	// last date with known figures when they are unknown at AsOf; Note
	// says so.
	From calendar.Date
	Note string
	// Bound says how the figures the form starts from bound the estimate
	// made on them, where some were reported only as bounds ("up to
	// 1,724 IR-6") or long before the date: the overview's "at least" or
	// "about", which the form's figures, taken as they are, cannot say.
	Bound      string
	Levels     []whatIfLevel
	Machines   []whatIfMachine
	Efficiency float64
	Tails60    string
	Tails20    string
	Tails5     string
	TailsNat   string
	// DefaultTails are the default tails of each feed (percent), keyed
	// by the form field.
	DefaultTails map[string]float64
	TargetPct    float64
	Quantity     float64
	SQ           string
	Convention   string
	Conventions  []breakout.Convention
	// Cascades and SetupDays are blank for the convention's defaults.
	Cascades  string
	SetupDays string
	// BaseFleet is the fleet of the state, by site and cascade, as JSON:
	// a type whose count is unchanged keeps it.
	BaseFleet string
	base      []breakout.Group
	Scenario  string
	Result    *breakout.Result
	Err       *Error
}

type whatIfLevel struct {
	Key      string
	Label    string
	AssayPct float64
	MassKgU  float64
	// NotReported, when set, says why the state gives the level no
	// figure: the form shows none rather than a zero, and the estimate
	// leaves the level out until one is entered.
	NotReported string
}

type whatIfMachine struct {
	Machine    string
	Count      int
	SWUPerYear float64
	Status     string
}

// whatIfLevels are the stock levels of the what-if form at their nominal
// assays: those of a level the state does not report (see formLevels).
var whatIfLevels = []whatIfLevel{{Key: "5", Label: "up to 5 %", AssayPct: 5}, {Key: "20", Label: "up to 20 %", AssayPct: 19.75}, {Key: "60", Label: "up to 60 %", AssayPct: 60}}

func (s *Server) whatIfPage(w http.ResponseWriter, r *http.Request) {
	facts, date, err := s.factsAndDate(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	// The defaults are the state at the date, or the last known one.
	v := whatIfView{AsOf: date, From: date, Efficiency: 1, TargetPct: 90, Quantity: 1, SQ: string(enrich.WGU25),
		Convention: string(breakout.DefaultConvention), Conventions: breakout.Conventions(), DefaultTails: map[string]float64{}}
	opt, _ := compliance.BreakoutOptions{}.Normalize()
	st := state.At(facts, date)
	sc, _, _, unknown := compliance.BreakoutScenario(st, opt)
	// The dated estimate as the overview and the API give it, with its
	// band, whose median is the headline the untouched form's result is.
	banded := opt
	banded.Samples, banded.Seed = breakout.DefaultSamples, breakout.DefaultSeed
	dated, err := compliance.BreakoutAt(facts, date, banded)
	switch {
	case len(unknown) == 0:
		if err == nil && dated.Estimate != nil && dated.Estimate.HeadlineDays != nil {
			if brief := report.BoundBrief(dated.HeadlineQualifier, dated.Bounds); brief != "" {
				v.Bound = fmt.Sprintf("On the figures as reported at %s, the estimate is %s%s days: %s. The form takes each such figure as it was given.",
					date, dated.HeadlineQualifier.Words(), report.Num(*dated.Estimate.HeadlineDays, 1), brief)
			}
		}
	case err == nil && dated.LastKnown != nil:
		v.From = dated.LastKnown.AsOf
		st = state.At(facts, v.From)
		sc, _, _, _ = compliance.BreakoutScenario(st, opt)
		v.Note = fmt.Sprintf("The figures at %s are unknown (%s); the form starts from the last known state, as of %s.", date, dated.Reason, v.From)
	default:
		v.Note = fmt.Sprintf("The figures at %s are unknown: %s. Enter a stock and a fleet.", date, unknown[0])
		st, sc = nil, breakout.Scenario{}
	}
	for field, feed := range map[string]float64{"tails_60": 60, "tails_20": 19.75, "tails_5": 5, "tails_nat": 0.711} {
		if t, _, ok := breakout.DefaultTailsFor(enrich.MustPercent(feed)); ok {
			v.DefaultTails[field] = t.Percent()
		}
	}
	v.Levels = formLevels(st)
	v.base = sc.Fleet
	for _, m := range breakout.Catalogue() {
		wm := whatIfMachine{Machine: m.Type, SWUPerYear: m.SWUPerYear, Status: string(m.Status)}
		for _, g := range sc.Fleet {
			if g.Machine == m.Type {
				wm.Count += g.Count
			}
		}
		v.Machines = append(v.Machines, wm)
	}
	base, _ := json.Marshal(v.base)
	v.BaseFleet = string(base)
	if err := queryError("the page /what-if", v.fields(), r.URL.RawQuery); err != nil {
		v.Err = err
		s.render(w, r, http.StatusBadRequest, "whatif", "What-if", v)
		return
	}
	q := r.URL.Query()
	if err := v.read(q.Get, q.Has); err != nil {
		v.Err = err
		s.render(w, r, http.StatusBadRequest, "whatif", "What-if", v)
		return
	}
	scenario := v.scenario()
	res, err := breakout.RunContext(r.Context(), scenario, breakout.DefaultSamples, breakout.DefaultSeed)
	if err != nil {
		var fe *input.Error
		if errors.As(err, &fe) {
			v.Err = badRequest(fe.Field, "%s", fe.Rule)
			s.render(w, r, http.StatusBadRequest, "whatif", "What-if", v)
			return
		}
		s.pageError(w, r, err)
		return
	}
	v.Result = res
	b, _ := json.Marshal(scenario)
	v.Scenario = string(b)
	s.render(w, r, 200, "whatif", "What-if", v)
}

// formLevels are the what-if form's stock levels for the state st (nil:
// none known): each level the state reports, at the assay the dated
// estimate computes it at (the JCPOA's stock up to 5 % is counted at
// 3.67 %, and the stock reported up to 60 % before any was made at 60 %
// at the highest level made), so that the untouched form gives the
// overview's estimate; the levels it does not report, empty, at their
// nominal assays.
func formLevels(st *state.State) []whatIfLevel {
	levels := slices.Clone(whatIfLevels)
	if st == nil {
		return levels
	}
	for _, l := range st.Inventory.ByLevel {
		if !l.Mass.Known && !l.NotReported {
			continue
		}
		key := strconv.FormatFloat(l.MaxAssayPct, 'g', -1, 64)
		i := slices.IndexFunc(levels, func(w whatIfLevel) bool { return w.Key == key })
		if i < 0 {
			levels = append(levels, whatIfLevel{Key: key, Label: "up to " + key + " %"})
			i = len(levels) - 1
		}
		if !l.Mass.Known {
			levels[i].AssayPct, levels[i].NotReported = l.AssayPct, l.Mass.Unknown
			continue
		}
		levels[i].AssayPct, levels[i].MassKgU = l.AssayPct, l.Mass.Value
	}
	slices.SortStableFunc(levels, func(a, b whatIfLevel) int {
		x, _ := strconv.ParseFloat(a.Key, 64)
		y, _ := strconv.ParseFloat(b.Key, 64)
		return cmp.Compare(x, y)
	})
	return levels
}

// fields are the names of the form's fields: those of whatIfQuery, with
// each family's members the form shows (stock_5 and stock_60, not
// stock_{level}), which are all read takes.
func (v *whatIfView) fields() []string {
	var out []string
	for _, f := range whatIfQuery {
		switch f {
		case "stock_{level}":
			for _, l := range v.Levels {
				out = append(out, "stock_"+l.Key)
			}
		case "fleet_{machine}":
			for _, m := range v.Machines {
				out = append(out, "fleet_"+m.Machine)
			}
		default:
			out = append(out, f)
		}
	}
	return out
}

// read takes the form's values over the defaults; a bad value is an
// error naming the field.
func (v *whatIfView) read(get func(string) string, has func(string) bool) *Error {
	num := func(field string, dst *float64, lo, hi float64, loOpen bool) *Error {
		if !has(field) || strings.TrimSpace(get(field)) == "" {
			return nil
		}
		x, err := strconv.ParseFloat(strings.TrimSpace(get(field)), 64)
		if err != nil || math.IsNaN(x) || x < lo || x > hi || (loOpen && x == lo) {
			open := "["
			if loOpen {
				open = "("
			}
			return badRequest(field, "must be a number in %s%g, %g], got %q", open, lo, hi, get(field))
		}
		*dst = x
		return nil
	}
	for i := range v.Levels {
		if err := num("stock_"+v.Levels[i].Key, &v.Levels[i].MassKgU, 0, 1e6, false); err != nil {
			return err
		}
	}
	for i := range v.Machines {
		c := float64(v.Machines[i].Count)
		if err := num("fleet_"+v.Machines[i].Machine, &c, 0, 1e6, false); err != nil {
			return err
		}
		if c != float64(int(c)) {
			return badRequest("fleet_"+v.Machines[i].Machine, "must be a whole number of machines, got %q", get("fleet_"+v.Machines[i].Machine))
		}
		v.Machines[i].Count = int(c)
	}
	if err := num("efficiency", &v.Efficiency, 0, 1, true); err != nil {
		return err
	}
	if err := num("target_pct", &v.TargetPct, 0.711, 100, true); err != nil {
		return err
	}
	if err := num("quantity_sq", &v.Quantity, 0, 1000, true); err != nil {
		return err
	}
	for _, t := range []struct {
		field string
		feed  float64
		dst   *string
	}{{"tails_60", 60, &v.Tails60}, {"tails_20", 19.75, &v.Tails20}, {"tails_5", 5, &v.Tails5}, {"tails_nat", 0.711, &v.TailsNat}} {
		x := -1.0
		if err := num(t.field, &x, 0, t.feed, true); err != nil {
			return err
		}
		if x == t.feed {
			return badRequest(t.field, "must be below the feed assay of %g %%, got %q", t.feed, get(t.field))
		}
		if x >= 0 {
			*t.dst = strings.TrimSpace(get(t.field))
		}
	}
	x := -1.0
	if err := num("cascades", &x, 1, 10000, false); err != nil {
		return err
	}
	if x >= 0 {
		if x != math.Trunc(x) {
			return badRequest("cascades", "must be a whole number of cascades, got %q", get("cascades"))
		}
		v.Cascades = strings.TrimSpace(get("cascades"))
	}
	x = -1
	if err := num("setup_days", &x, 0, 3650, false); err != nil {
		return err
	}
	if x >= 0 {
		v.SetupDays = strings.TrimSpace(get("setup_days"))
	}
	if c := get("sq"); c != "" {
		if _, err := enrich.ParseConvention(c); err != nil {
			return badRequest("sq", "must be wgu25 or iaea, got %q", c)
		}
		v.SQ = c
	}
	if c := get("convention"); c != "" {
		if _, err := breakout.ParseConvention(c); err != nil {
			return badRequest("convention", "%v", err)
		}
		v.Convention = c
	}
	return nil
}

// scenario is the breakout scenario the form describes; whatif.js builds
// the same JSON in the browser. A machine type whose count is the state's
// keeps the state's groups (sites and cascades), in the state's order, so
// that the untouched form is the dated estimate's scenario, band and all;
// a changed count is one group in cascades of the default size, after
// them.
func (v *whatIfView) scenario() breakout.Scenario {
	sc := breakout.Scenario{Name: "what-if from the dashboard", Convention: breakout.Convention(v.Convention),
		Target:   breakout.Target{AssayPct: v.TargetPct, QuantitySQ: v.Quantity, SQ: enrich.Convention(v.SQ)},
		TailsPct: map[string]float64{}}
	for _, l := range v.Levels {
		if l.MassKgU > 0 {
			sc.Inventory = append(sc.Inventory, breakout.Lot{Label: l.Label, MassKgU: l.MassKgU, AssayPct: l.AssayPct})
		}
	}
	eff := v.Efficiency
	stateCount := map[string]int{}
	for _, g := range v.base {
		stateCount[g.Machine] += g.Count
	}
	count := map[string]int{}
	for _, m := range v.Machines {
		count[m.Machine] = m.Count
	}
	for _, g := range v.base {
		if c := count[g.Machine]; c > 0 && c == stateCount[g.Machine] {
			g.Efficiency = &eff
			sc.Fleet = append(sc.Fleet, g)
		}
	}
	for _, m := range v.Machines {
		if m.Count > 0 && m.Count != stateCount[m.Machine] {
			sc.Fleet = append(sc.Fleet, breakout.Group{Machine: m.Machine, Count: m.Count, Efficiency: &eff})
		}
	}
	for _, t := range []struct{ feed, v string }{{"60", v.Tails60}, {"19.75", v.Tails20}, {"5", v.Tails5}, {"0.711", v.TailsNat}} {
		if x, err := strconv.ParseFloat(t.v, 64); err == nil {
			sc.TailsPct[t.feed] = x
		}
	}
	if n, err := strconv.Atoi(v.Cascades); err == nil {
		sc.Cascades.Max = &n
	}
	if d, err := strconv.ParseFloat(v.SetupDays, 64); err == nil {
		sc.SetupDays = &d
	}
	return sc
}

// recordsView is the records page: a filtered page of the log.
type recordsView struct {
	Filter record.Filter
	Rows   []record.Row
	Next   *uint64
	Kinds  []string
}

func (s *Server) recordsPage(w http.ResponseWriter, r *http.Request) {
	c := callerOf(r)
	if !s.mayReadRecords(w, r, c) {
		return
	}
	f, err := parseFilter(r.URL.Query())
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	f.Limit = 50
	rows, err := s.readableRows(r.Context(), c, f)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	v := recordsView{Filter: f, Kinds: record.KindNames(), Rows: rows}
	if len(rows) == f.Limit {
		last := rows[len(rows)-1].Index
		v.Next = &last
	}
	s.render(w, r, 200, "records", "Records", v)
}

// mayReadRecords lets record readers through; it sends anyone else to
// the sign-in page (anonymous) or an error page (a role that does not read
// records).
func (s *Server) mayReadRecords(w http.ResponseWriter, r *http.Request, c caller) bool {
	err := requireRecordReader(c, true)
	switch {
	case err == nil:
		return true
	case c.anonymous():
		s.signinAgain(w, r, http.StatusUnauthorized, signinView{Next: r.URL.RequestURI(), Reason: "This page shows the agreement's records, which its parties, its state and the inspectorate read once signed in"})
	default:
		s.pageError(w, r, err)
	}
	return false
}

// recordView is one record with its checks.
type recordView struct {
	Row    record.Row
	Pretty string
	Check  *RecordCheck
	Err    string
	// Series is the dataset row a verified_facts record was loaded from.
	Series string
	// SealedTo are a sealed record's recipients; Opened is what it hides,
	// for a recipient when the server is one too.
	SealedTo []string
	Opened   string
}

func (s *Server) recordPage(w http.ResponseWriter, r *http.Request) {
	c := callerOf(r)
	if !s.mayReadRecords(w, r, c) {
		return
	}
	row, err := s.readableRecord(r, c)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	v := recordView{Row: row, SealedTo: sealedTo(row)}
	var pretty bytes.Buffer
	if json.Indent(&pretty, row.Record, "", "  ") == nil {
		v.Pretty = pretty.String()
	}
	if inner := s.opened(r.Context(), c, row); inner != nil {
		if b, err := json.MarshalIndent(inner, "", "  "); err == nil {
			v.Opened = string(b)
		}
	}
	var body struct {
		Body struct {
			Source string `json:"source"`
		} `json:"body"`
	}
	if json.Unmarshal(row.Record, &body) == nil {
		if ref, ok := strings.CutPrefix(body.Body.Source, "public series "); ok {
			v.Series = ref
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	check, err := s.cfg.Log.Check(ctx, row.Index)
	if err != nil {
		v.Err = err.Error()
	} else {
		v.Check = &check
	}
	if err != nil || !check.InclusionOK {
		transient(r) // the check may pass a moment later (it timed out, or a checkpoint was on its way)
	}
	s.render(w, r, 200, "record", fmt.Sprintf("Record %d", row.Index), v)
}

// agreementView is the agreement page.
type agreementView struct {
	A         *agreement.Agreement
	AsOf      calendar.Date
	First     calendar.Date
	Sides     []agreementSide
	Deadlines []agreement.Deadline
	// Events are the agreement's events up to AsOf, and Readings the
	// disputed readings of those: the page at a date shows what had
	// happened by then. Later counts the events after it.
	Events   []agreement.Event
	Readings []agreement.Reading
	Later    int
}

type agreementSide struct {
	Party  agreement.Party
	Tracks []trackView
}

// trackView is a commitment's periods drawn as a strip: each period a
// segment whose left edge and width are percentages of the time shown.
type trackView struct {
	compliance.Track
	Segments []segment
}

type segment struct {
	compliance.Period
	Left, Width string
}

// strip lays out periods between from and to.
func strip(periods []compliance.Period, from, to calendar.Date) []segment {
	span := float64(from.DaysUntil(to))
	if span <= 0 {
		return nil
	}
	pct := func(d calendar.Date) float64 { return min(100, max(0, 100*float64(from.DaysUntil(d))/span)) }
	var out []segment
	for _, p := range periods {
		end := to
		if !p.To.IsZero() {
			end = p.To
		}
		l, r := pct(p.From), pct(end)
		if r <= l {
			continue
		}
		out = append(out, segment{Period: p, Left: strconv.FormatFloat(l, 'f', 2, 64), Width: strconv.FormatFloat(r-l, 'f', 2, 64)})
	}
	return out
}

// factsAndDate reads what the report, agreement and knowledge pages
// share: the facts and the optional date (default today).
func (s *Server) factsAndDate(r *http.Request) ([]state.Fact, calendar.Date, error) {
	facts, err := s.facts(r.Context())
	if err != nil {
		return nil, calendar.Date{}, err
	}
	date, err := dateOrToday(r)
	return facts, date, err
}

func (s *Server) agreementPage(w http.ResponseWriter, r *http.Request) {
	facts, date, err := s.factsAndDate(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	a := s.cfg.Agreement
	dates := compliance.Dates(a, facts, date)
	v := agreementView{A: a, AsOf: date}
	if len(dates) > 0 {
		v.First = dates[0]
	}
	for _, t := range compliance.Timeline(a, facts, dates) {
		i := slices.IndexFunc(v.Sides, func(sd agreementSide) bool { return sd.Party.ID == t.Obligor })
		if i < 0 {
			p := agreement.Party{ID: t.Obligor, Name: t.Obligor}
			if ap := a.Party(t.Obligor); ap != nil {
				p = *ap
			}
			v.Sides = append(v.Sides, agreementSide{Party: p})
			i = len(v.Sides) - 1
		}
		t.Points = nil // the page shows the periods
		v.Sides[i].Tracks = append(v.Sides[i].Tracks, trackView{Track: t, Segments: strip(t.Periods, v.First, date)})
	}
	for _, e := range a.Events {
		if e.Date.After(date) {
			v.Later++
			continue
		}
		v.Events = append(v.Events, e)
	}
	for _, rd := range a.Readings {
		if slices.ContainsFunc(v.Events, func(e agreement.Event) bool { return e.ID == rd.Event }) {
			v.Readings = append(v.Readings, rd)
		}
	}
	var clocks []agreement.ClockEvent
	for _, ce := range a.EventClocks() {
		if !ce.Date.After(date) {
			clocks = append(clocks, ce)
		}
	}
	if v.Deadlines, err = a.Clocks(clocks, date); err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, 200, "agreement", "Agreement", v)
}

// sourcesView is the sources page: every dataset row, the facts read from
// its notes, and the machine catalogue, each with its anchor.
type sourcesView struct {
	Name      string
	Reports   []dataset.Report
	Notes     []state.Fact
	Knowledge []dataset.KnowledgeEvent
	Machines  []breakout.Machine
	// Regime is the verification regime the warning time counts.
	Regime []warning.Activity
}

// ReportsKey, NotesKey and KnowledgeKey explain the short forms of the
// dates not known to the day in each table ("by 2021-09-07", "2024-03
// (month)"); empty when all are days.
func (v sourcesView) ReportsKey() string {
	var ps []state.DatePrecision
	for _, r := range v.Reports {
		ps = append(ps, r.AsOfPrecision)
	}
	return state.Key(ps...)
}

func (v sourcesView) NotesKey() string {
	var ps []state.DatePrecision
	for _, f := range v.Notes {
		ps = append(ps, f.DatePrecision)
	}
	return state.Key(ps...)
}

func (v sourcesView) KnowledgeKey() string {
	var ps []state.DatePrecision
	for _, e := range v.Knowledge {
		ps = append(ps, e.DatePrecision)
	}
	return state.ChangeKey(ps...)
}

func (s *Server) sourcesPage(w http.ResponseWriter, r *http.Request) {
	v := sourcesView{Machines: breakout.Catalogue(), Regime: s.cfg.Agreement.Verification}
	if s.cfg.Dataset != nil {
		v.Name, v.Reports, v.Notes, v.Knowledge = s.cfg.Dataset.Name, s.cfg.Dataset.Reports, s.cfg.Dataset.NoteFacts, s.cfg.Dataset.Knowledge
	}
	s.render(w, r, 200, "sources", "Sources", v)
}

// The read-token cookie: HttpOnly, SameSite Strict, and honoured only on
// safe methods, so that a cookie never authorizes a change.
const tokenCookie = "accord_token"

type signinView struct {
	Next   string
	Reason string
	Err    string
	// Server is this server's address as the request reached it, for
	// the command that makes a read token.
	Server string
}

func (s *Server) signinPage(w http.ResponseWriter, r *http.Request) {
	s.signinAgain(w, r, 200, signinView{Next: safeNext(r.URL.Query().Get("next"))})
}

// signinAgain renders the sign-in page with code.
func (s *Server) signinAgain(w http.ResponseWriter, r *http.Request, code int, v signinView) {
	v.Server = baseURL(r)
	s.render(w, r, code, "signin", "Sign in", v)
}

// safeNext keeps a redirect on this site: next must be a clean local path,
// a single '/' and then no '/' or '\', with no control characters or
// spaces but ' ', and no scheme or host, as given and after each decoding
// (browsers drop tabs and newlines, so "/\t/evil.example" would leave the
// site). Anything else goes to the records page.
func safeNext(next string) string {
	const home = "/records"
	for s, i := next, 0; ; i++ {
		if !localPath(s) {
			return home
		}
		d, err := url.PathUnescape(s)
		if err != nil || i == 3 && d != s {
			return home // malformed, or encoded over and over
		}
		if d == s {
			break
		}
		s = d
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return home
	}
	return next
}

// localPath reports whether s starts with a single '/' and holds no
// backslash, control character or space other than ' '.
func localPath(s string) bool {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") {
		return false
	}
	for _, r := range s {
		if r == '\\' || unicode.IsControl(r) || unicode.IsSpace(r) && r != ' ' || r == utf8.RuneError {
			return false
		}
	}
	return true
}

func (s *Server) signin(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(r); err != nil {
		s.pageError(w, r, err)
		return
	}
	tok := strings.TrimSpace(r.PostForm.Get("token"))
	next := safeNext(r.PostForm.Get("next"))
	if _, err := s.tokenCaller(r.Context(), tok); tok == "" || err != nil {
		s.signinAgain(w, r, http.StatusUnauthorized, signinView{Next: next, Err: "token: unknown, expired or revoked; make one with accord token, or sign in with your key file"})
		return
	}
	// The cookie lasts no longer than a token can (the token's own expiry
	// is checked on every request).
	http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: tok, Path: "/", MaxAge: int(tokenTTL / time.Second), HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) signout(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// pluralWord is the word for a count: one when the count is 1, many
// otherwise. The count is an integer, a float or a figure as shown
// ("1", "1,024").
func pluralWord(n any, one, many string) string {
	var isOne bool
	switch n := n.(type) {
	case int:
		isOne = n == 1
	case int64:
		isOne = n == 1
	case uint64:
		isOne = n == 1
	case float64:
		isOne = n == 1
	case *int:
		isOne = n != nil && *n == 1
	case string:
		isOne = strings.TrimSpace(n) == "1"
	}
	if isOne {
		return one
	}
	return many
}
