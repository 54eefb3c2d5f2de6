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

// balanceView is the balance page of one material balance area: the
// analysis the balance command prints, with its charts.
type balanceView struct {
	*accountancy.Analysis
	Areas []string
	// AlarmPeriod is the period Page's test alarms in, in words.
	AlarmPeriod string
	Charts      []report.Figured
	Z           float64
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
	mba := r.URL.Query().Get("mba")
	if mba == "" {
		mba = v.Areas[0]
	}
	area, ok := books.Areas[mba]
	if !ok {
		s.pageError(w, r, badRequest("mba", "no material balance area %q (the log holds %s)", mba, strings.Join(v.Areas, ", ")))
		return
	}
	tbl := accountancy.ExampleTable()
	if s.cfg.Uncertainties != nil {
		tbl = *s.cfg.Uncertainties
	}
	if v.Analysis, err = accountancy.Analyze(area, tbl, accountancy.Options{}); err != nil {
		s.pageError(w, r, &Error{Code: "unprocessable", Message: err.Error()})
		return
	}
	v.Z = accountancy.ZQuantile(1 - v.Results.Alpha)
	if p := v.Results.Page.AlarmPeriod; p != nil {
		v.AlarmPeriod = v.Seq.Balances[*p].From.String() + " to " + v.Seq.Balances[*p].To.String()
	}
	for _, ch := range report.BalanceCharts {
		svg, err := report.BalanceSVG(ch.Name, v.Seq, v.Results)
		if err != nil {
			s.pageError(w, r, err)
			return
		}
		narrow, err := report.NarrowBalanceSVG(ch.Name, v.Seq, v.Results)
		if err != nil {
			s.pageError(w, r, err)
			return
		}
		v.Charts = append(v.Charts, report.Figured{Chart: ch, SVG: template.HTML(svg), Narrow: template.HTML(narrow)})
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
	// Access is the inspectorate's access at the date, as the public
	// record gives it: when it is none, every figure it verifies is
	// unknown, whatever the streams below say.
	Access state.Knowledge
}

type knowledgeStream struct {
	accountancy.StreamAt
	Segments []segment
}

// knowledgePage shows each stream's knowledge over time, from the
// monitoring events (the log's, or the embedded public record's when the
// log has none), and the findings that rest on a stream it lost.
func (s *Server) knowledgePage(w http.ResponseWriter, r *http.Request) {
	facts, date, err := s.factsAndDate(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	events, err := s.events(r.Context())
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	v := knowledgeView{AsOf: date}
	// The streams monitored by the date.
	streams := slices.DeleteFunc(accountancy.KnowledgeAt(events, date), func(sa accountancy.StreamAt) bool { return len(sa.Intervals) == 0 })
	for _, sa := range streams {
		if n := len(sa.Intervals); n > 0 && (v.First.IsZero() || sa.Intervals[0].From.Before(v.First)) {
			v.First = sa.Intervals[0].From
		}
	}
	for _, sa := range streams {
		var periods []compliance.Period
		for _, iv := range sa.Intervals {
			periods = append(periods, compliance.Period{Status: compliance.Status(iv.State), From: iv.From, To: iv.To})
		}
		v.Streams = append(v.Streams, knowledgeStream{StreamAt: sa, Segments: strip(periods, v.First, date)})
	}
	st := state.At(facts, date)
	v.Access = st.Knowledge
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
