package server

import (
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/accordverify/accord/internal/accountancy"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/report"
	"github.com/accordverify/accord/internal/state"
)

// balanceView is the balance page of one material balance area.
type balanceView struct {
	Areas         []string
	MBA           string
	Site          string
	Uncertainties string
	Balances      []accountancy.Balance
	Alarms        []bool
	Results       *accountancy.Results
	AlarmPeriod   string
	Reports       []accountancy.ReportCheck
	Differences   []accountancy.Difference
	Unbalanced    int
	Charts        []report.Figured
	Z             float64
}

// balancePage shows the material balances of an area: they rest on the
// operator's declarations, so only the agreement's record readers see
// them.
func (s *Server) balancePage(w http.ResponseWriter, r *http.Request) {
	c := callerOf(r)
	if !s.mayReadRecords(w, r, c) {
		return
	}
	books, err := s.cfg.Index.Books(r.Context())
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	v := balanceView{Areas: books.Names()}
	if len(v.Areas) == 0 {
		s.render(w, r, 200, "balance", "Material balances", v)
		return
	}
	v.MBA = r.URL.Query().Get("mba")
	if v.MBA == "" {
		v.MBA = v.Areas[0]
	}
	area, ok := books.Areas[v.MBA]
	if !ok {
		s.pageError(w, r, badRequest("mba", "no material balance area %q (the log holds %s)", v.MBA, strings.Join(v.Areas, ", ")))
		return
	}
	tbl := accountancy.ExampleTable()
	if s.cfg.Uncertainties != nil {
		tbl = *s.cfg.Uncertainties
	}
	v.Uncertainties = tbl.Name
	if area.Decl != nil {
		v.Site = area.Decl.Site
	}
	periods, unbalanced, err := area.Periods()
	if err != nil {
		s.pageError(w, r, &Error{Code: "unprocessable", Message: err.Error()})
		return
	}
	seq, err := accountancy.Evaluate(periods, tbl)
	if err == nil {
		v.Results, err = seq.Test(accountancy.Options{})
	}
	if err != nil {
		s.pageError(w, r, &Error{Code: "unprocessable", Message: err.Error()})
		return
	}
	v.Balances, v.Alarms, v.Unbalanced, v.Reports = seq.Balances, v.Results.PeriodAlarms, unbalanced, area.CheckReports(seq)
	v.Differences = area.Differences(tbl)
	v.Z = accountancy.ZQuantile(1 - v.Results.Alpha)
	if p := v.Results.Page.AlarmPeriod; p != nil {
		v.AlarmPeriod = seq.Balances[*p].From.String() + " to " + seq.Balances[*p].To.String()
	}
	for _, ch := range report.BalanceCharts {
		svg, err := report.BalanceSVG(ch.Name, seq, v.Results)
		if err != nil {
			s.pageError(w, r, err)
			return
		}
		v.Charts = append(v.Charts, report.Figured{Chart: ch, SVG: template.HTML(svg)})
	}
	s.render(w, r, 200, "balance", "Material balances: "+v.MBA, v)
}

// knowledgeView is the continuity-of-knowledge page at a date.
type knowledgeView struct {
	AsOf    calendar.Date
	First   calendar.Date
	Streams []knowledgeStream
	// Dark are the findings that rest on a stream whose knowledge is
	// escrowed or lost: unknown, or a breach last confirmed before.
	Dark []compliance.Finding
}

type knowledgeStream struct {
	Site, Stream string
	Now          state.Continuity
	Intervals    []knowledgeInterval
	Segments     []segment
}

type knowledgeInterval struct {
	State    string
	From, To calendar.Date
	Cause    string
	Evidence []state.Evidence
}

// knowledgePage shows each stream's knowledge over time from the
// continuity-of-knowledge facts, and the findings it makes unknown.
func (s *Server) knowledgePage(w http.ResponseWriter, r *http.Request) {
	facts, date, err := s.factsAndDate(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	v := knowledgeView{AsOf: date}
	type key struct{ site, stream string }
	by := map[key][]state.Fact{}
	var keys []key
	for _, f := range facts {
		if f.Metric != state.ContinuityOfKnowledge || f.Date.After(date) {
			continue
		}
		k := key{f.Site, f.Stream}
		if _, ok := by[k]; !ok {
			keys = append(keys, k)
		}
		by[k] = append(by[k], f)
		if v.First.IsZero() || f.Date.Before(v.First) {
			v.First = f.Date
		}
	}
	slices.SortFunc(keys, func(a, b key) int { return strings.Compare(a.site+"\x00"+a.stream, b.site+"\x00"+b.stream) })
	st := state.At(facts, date)
	for _, k := range keys {
		fs := by[k]
		slices.SortStableFunc(fs, func(a, b state.Fact) int { return a.Date.Compare(b.Date) })
		ks := knowledgeStream{Site: k.site, Stream: k.stream}
		var periods []compliance.Period
		for i, f := range fs {
			iv := knowledgeInterval{State: f.Text, From: f.Date, Evidence: f.Evidence}
			if f.Text != state.Maintained && len(f.Evidence) > 0 {
				iv.Cause = f.Evidence[0].Note
			}
			if i+1 < len(fs) {
				iv.To = fs[i+1].Date
			}
			ks.Intervals = append(ks.Intervals, iv)
			periods = append(periods, compliance.Period{Status: compliance.Status(f.Text), From: iv.From, To: iv.To})
		}
		ks.Segments = strip(periods, v.First, date)
		for _, c := range st.Continuity {
			if c.Site == k.site && c.Stream == k.stream {
				ks.Now = c
			}
		}
		v.Streams = append(v.Streams, ks)
	}
	for _, c := range s.cfg.Agreement.Commitments {
		if c.Limit == nil || c.Limit.Stream == "" {
			continue
		}
		if _, lost := st.StreamLoss(c.Limit.Stream); !lost {
			continue
		}
		for _, f := range compliance.Evaluate(s.cfg.Agreement, st) {
			// Unknown for it, or a breach last confirmed before it.
			if f.Commitment == c.ID && (f.Status == compliance.Unknown || !f.LastConfirmed.IsZero()) {
				v.Dark = append(v.Dark, f)
			}
		}
	}
	s.render(w, r, 200, "knowledge", "Continuity of knowledge as of "+date.String(), v)
}
