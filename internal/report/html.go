package report

import (
	"cmp"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/state"
)

//go:embed report.html.tmpl
var reportTmpl string

// Stylesheet is the report's CSS, screen and print; the dashboard uses it
// too.
//
//go:embed style.css
var Stylesheet string

// HTMLOptions set the HTML form.
type HTMLOptions struct {
	// SourceLink, when set, links an annex entry to where its evidence can
	// be read (the dashboard's record and dataset pages).
	SourceLink func(Source) string
	// Stylesheet, when set, is linked instead of inlining the CSS.
	Stylesheet string
	// Home, when set, is a link back to the dashboard.
	Home string
	// Query is the dashboard page's query, which the links to the
	// report's other formats keep: the same date and the same breakout
	// assumptions, in another format.
	Query url.Values
	// Issuer is who issues the report, said on its cover; empty is
	// DefaultIssuer.
	Issuer string
	// Issued is the date of issue on the cover; zero says the report is
	// not dated.
	Issued calendar.Date
}

// DefaultIssuer is the cover's issuer when the options name none.
const DefaultIssuer = "Accord, open verification of the agreement from the public record"

// Funcs are the template functions the report and the dashboard share.
func Funcs() template.FuncMap {
	return template.FuncMap{
		"num":             func(v float64, prec int) string { return Num(v, prec) },
		"nump":            func(v *float64, prec int) string { return opt(v, prec) },
		"days":            Days,
		"accessScope":     state.AccessScope,
		"accessWords":     state.AccessWords,
		"dayNum":          func(v *float64) string { return optDayNum(v) },
		"warnDays":        signedDays,
		"warningSentence": func(w Warning) string { return reportWarningSentence(&w.Estimate) },
		"activityTerms":   ActivityTerms,
		"cite":            citeHTML,
		"citeOne":         func(n int) []int { return []int{n} },
		"linkCites": func(_ *Report, text string) template.HTML {
			return LinkCites(text, citeHTML)
		},
		"merge":  func(a, b []int) []int { return appendNew(slices.Clone(a), b...) },
		"figure": figureCell,
		"level":  level,
		"pct":    func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) },
		"breakoutSentence": func(b Breakout) template.HTML {
			return LinkCites(BreakoutSentence(&b.Breakout, Cite(b.Sources), Cite(b.LastKnownSources)), citeHTML)
		},
		"breakoutDays":    BreakoutDays,
		"seriesDays":      SeriesDays,
		"upperFirst":      upperFirst,
		"join":            strings.Join,
		"provenance":      func() []Term { return Provenance },
		"findingTerms":    func() []Term { return Findings },
		"legendNote":      func() string { return LegendNote },
		"boundKey":        func() string { return BoundKey },
		"sign":            state.Qualifier.Sign,
		"signed":          signedOpt,
		"boundBrief":      BoundBrief,
		"sq":              func(m Figure, v *float64, prec int) string { return sqCellPrec(m, v, prec) },
		"count":           CountCell,
		"otherFormsLabel": func() string { return OtherFormsLabel },
		"otherFormsNote":  func() string { return OtherFormsNote },
	}
}

// citeHTML links annex numbers to the annex entries of the page.
func citeHTML(ns []int) template.HTML {
	return CiteLinks(ns, func(n int) Link {
		return Link{Href: fmt.Sprintf("#src-%d", n), Title: fmt.Sprintf("source %d", n), Label: strconv.Itoa(n)}
	})
}

// Link is one citation's link: its address, title and label, and, for
// evidence published after the page's date, LaterMark with Later saying
// when it was published.
type Link struct {
	Href, Title, Label string
	Later              string
}

// CiteLinks renders annex numbers as "[a, b]" links; link gives each
// number's link. Entries that read the same (two figures of one IAEA
// report) are one link, to the first, whose title names them all: a
// reader sees each document once.
func CiteLinks(ns []int, link func(n int) Link) template.HTML {
	if len(ns) == 0 {
		return ""
	}
	var links []Link
	for _, n := range ns {
		l := link(n)
		if i := slices.IndexFunc(links, func(m Link) bool { return m.Label == l.Label && m.Later == l.Later }); i >= 0 {
			links[i].Title += "; " + l.Title
			continue
		}
		links = append(links, l)
	}
	var b strings.Builder
	b.WriteString(`<span class="cite">[`)
	for i, l := range links {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, `<a href="%s" title="%s">%s</a>`, template.HTMLEscapeString(l.Href), template.HTMLEscapeString(l.Title), template.HTMLEscapeString(l.Label))
		if l.Later != "" {
			fmt.Fprintf(&b, `<span class="later" title="%s">%s</span>`, template.HTMLEscapeString(l.Later), LaterMark)
		}
	}
	b.WriteString("]</span>")
	return template.HTML(b.String())
}

// HTML writes the report as one self-contained HTML page: the charts are
// inline SVG, the styles inline unless o.Stylesheet is set, and print
// styles make a clean PDF from a browser's print.
func (r *Report) HTML(w io.Writer, o HTMLOptions) error {
	t, err := template.New("report").Funcs(Funcs()).Parse(reportTmpl)
	if err != nil {
		return err
	}
	return r.ExecuteHTML(t, w, o)
}

var citation = regexp.MustCompile(`\[(\d+(?:, \d+)*)\]`)

// LinkCites escapes text and renders each of its "[1, 4]" citations with
// link.
func LinkCites(text string, link func(ns []int) template.HTML) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range citation.FindAllStringSubmatchIndex(text, -1) {
		b.WriteString(template.HTMLEscapeString(text[last:m[0]]))
		var ns []int
		for _, f := range strings.Split(text[m[2]:m[3]], ", ") {
			n, _ := strconv.Atoi(f)
			ns = append(ns, n)
		}
		b.WriteString(string(link(ns)))
		last = m[1]
	}
	b.WriteString(template.HTMLEscapeString(text[last:]))
	return template.HTML(b.String())
}

// Page is what the report template is executed with.
type Page struct {
	*Report
	Options HTMLOptions
	CSS     template.CSS
	Figures []Figured
	// Issuer is the cover's issuer.
	Issuer string
	// Data counts the figures by how they are known, for the cover.
	Data DataStatus
	// Annex is the annex of sources by document, each document once.
	Annex []AnnexDocument
	// Findings counts each side's findings by status, for the summary;
	// Headlines are the summary's sentences less the counts it tables.
	Findings  []SideCount
	Headlines []string
}

// Figured is a chart with its number in the report, its SVG, the SVG
// for a phone (shown instead on narrow screens) and the events it
// numbers.
type Figured struct {
	Chart
	N      int
	SVG    template.HTML
	Narrow template.HTML
	// Events are the events numbered above the plot, listed under the
	// first figure only; the later ones point to it (EventsUnder).
	Events      []Event
	EventsUnder *Chart
}

// Catalogue is the annex entry of a machine's catalogue line, cited
// where a table would otherwise repeat the line's text.
func (p Page) Catalogue(source string) []int {
	for _, s := range p.Sources {
		if s.Kind == "catalogue" && s.Source == source {
			return []int{s.N}
		}
	}
	return nil
}

// DataStatus counts the report's figures (the stock, its levels, the
// enrichment level, the centrifuges) by how each is known. A figure
// that is not known counts as unknown, whatever its source.
type DataStatus struct {
	Figures, Sourced, Derived, Unverified, Unknown int
}

// DataStatus counts r's figures by how each is known.
func (r *Report) DataStatus() DataStatus {
	var d DataStatus
	add := func(f Figure) {
		d.Figures++
		switch {
		case f.Value == nil:
			d.Unknown++
		case f.Status == state.Derived:
			d.Derived++
		case f.Status == state.Unverified:
			d.Unverified++
		default:
			d.Sourced++
		}
	}
	add(r.Stockpile.Total)
	for _, l := range r.Stockpile.Levels {
		add(l.Mass)
	}
	add(r.Enrichment.MaxEnrichment)
	for _, c := range r.Enrichment.Centrifuges {
		add(c.Installed)
		add(c.Enriching)
	}
	return d
}

// AnnexDocument is one document of the annex with the entries that cite
// it: the rows, records and events of the data it is read from.
type AnnexDocument struct {
	Cited   string
	Entries []Source
}

// Words says when the document was published, and that this was after
// asOf where it was: the first of its entries that says ("published
// 2025-02-26, after this date"); "" when none does.
func (d AnnexDocument) Words(asOf calendar.Date) string {
	for _, e := range d.Entries {
		if w := e.Words(asOf); w != "" {
			return w
		}
	}
	return ""
}

// Numbers are the annex numbers of the document's entries.
func (d AnnexDocument) Numbers() []int {
	out := make([]int, len(d.Entries))
	for i, e := range d.Entries {
		out[i] = e.N
	}
	return out
}

// AnnexDocuments groups the annex by document as cited (a record by the
// document and source it carries), in the order of each document's first entry: a
// document several figures rest on is listed once, with every entry
// number that cites it.
func (r *Report) AnnexDocuments() []AnnexDocument {
	var out []AnnexDocument
	at := map[string]int{}
	for _, s := range r.Sources {
		doc := s
		doc.Record = "" // the record is named with the entry
		c := doc.Cited()
		i, ok := at[c]
		if !ok {
			i = len(out)
			at[c] = i
			out = append(out, AnnexDocument{Cited: c})
		}
		out[i].Entries = append(out[i].Entries, s)
	}
	return out
}

// SideCount is one side's findings counted by status, in the order of
// compliance.Statuses, and the commitments it is in breach of.
type SideCount struct {
	Name     string
	Counts   []StatusCount
	Breaches []string
}

// Columns is how many columns the side's row of counts spans.
func (s SideCount) Columns() int { return len(s.Counts) + 1 }

// StatusCount is the number of findings with a status.
type StatusCount struct {
	Status compliance.Status
	N      int
}

// FindingCounts counts each side's findings by status.
func (r *Report) FindingCounts() []SideCount {
	var out []SideCount
	for _, s := range r.Sides {
		sc := SideCount{Name: s.Name}
		for _, st := range compliance.Statuses {
			n := 0
			for _, f := range s.Findings {
				if f.Status == st {
					n++
					if st == compliance.Breach {
						sc.Breaches = append(sc.Breaches, f.Title)
					}
				}
			}
			sc.Counts = append(sc.Counts, StatusCount{st, n})
		}
		out = append(out, sc)
	}
	return out
}

// ExecuteHTML executes a template parsed from the report's template (the
// dashboard parses it once at start) for r.
func (r *Report) ExecuteHTML(t *template.Template, w io.Writer, o HTMLOptions) error {
	p := Page{Report: r, Options: o, Issuer: cmp.Or(o.Issuer, DefaultIssuer), Data: r.DataStatus(), Annex: r.AnnexDocuments(), Findings: r.FindingCounts()}
	for _, line := range r.Summary {
		if !slices.ContainsFunc(r.Sides, func(s Side) bool { return strings.HasPrefix(line, s.Name+": ") }) {
			p.Headlines = append(p.Headlines, sectioned(line))
		}
	}
	if o.Stylesheet == "" {
		p.CSS = template.CSS(Stylesheet)
	}
	figs, err := r.Figures()
	if err != nil {
		return err
	}
	p.Figures = figs
	return t.ExecuteTemplate(w, "report", p)
}

// Figures renders every chart.
func (r *Report) Figures() ([]Figured, error) {
	var out []Figured
	for i, c := range r.Charts() {
		svg, err := r.SVG(c.Name)
		if err != nil {
			return nil, err
		}
		narrow, err := r.NarrowSVG(c.Name)
		if err != nil {
			return nil, err
		}
		f := Figured{Chart: c, N: i + 1, SVG: template.HTML(svg), Narrow: template.HTML(narrow)}
		if events := r.ChartEvents(); len(events) > 0 && i == 0 {
			f.Events = events
		} else if len(events) > 0 {
			f.EventsUnder = &out[0].Chart
		}
		out = append(out, f)
	}
	return out, nil
}

// ReportTemplate is the report's HTML template source, for the dashboard
// to parse with its own templates.
func ReportTemplate() string { return reportTmpl }

// Format is the link to the report in format f: the page's query with
// format=f.
func (o HTMLOptions) Format(f string) string {
	q := url.Values{}
	for k, v := range o.Query {
		q[k] = v
	}
	q.Set("format", f)
	return "?" + q.Encode()
}

// Link is the link of an annex entry under o, or "".
func (o HTMLOptions) Link(s Source) string {
	if o.SourceLink == nil {
		return ""
	}
	return o.SourceLink(s)
}
