package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/accordverify/accord/internal/accountancy"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/state"
)

// publicEvents are the embedded public record of continuity of knowledge
// as monitoring events.
func publicEvents(d *dataset.Dataset) []accountancy.Event {
	var out []accountancy.Event
	for _, e := range d.Knowledge {
		out = append(out, accountancy.Event{Date: e.Date, Site: e.Site, Stream: e.Stream, Device: e.Device, Kind: e.Event, Detail: e.Detail, Evidence: e.Evidence})
	}
	return out
}

// factsOf are a series' facts with the continuity of knowledge its public
// record gives (the embedded series; a user's series has none).
func factsOf(d *dataset.Dataset) []state.Fact {
	return append(d.Facts(), accountancy.Facts(accountancy.Continuity(publicEvents(d)))...)
}

// monitoringEvent turns a monitoring_event record into an event whose
// evidence is its log index.
func monitoringEvent(index uint64, r *record.Record) (accountancy.Event, bool) {
	if r.Kind != record.MonitoringEvent {
		return accountancy.Event{}, false
	}
	b, err := record.DecodeBody[record.MonitoringBody](r)
	if err != nil || b.Stream == "" {
		return accountancy.Event{}, false
	}
	t := b.At.UTC()
	return accountancy.Event{Date: calendar.Of(t.Year(), t.Month(), t.Day()), Site: b.Site, Stream: b.Stream, Device: b.Device, Kind: b.Event, Detail: b.Detail,
		Evidence: state.Evidence{Kind: "record", Ref: fmt.Sprintf("log index %d", index), Document: r.ID, Source: "monitoring event by " + r.Author, Status: state.Sourced, Note: b.Detail}}, true
}

// knowledgeView is the JSON of accord knowledge.
type knowledgeView struct {
	AsOf    calendar.Date `json:"as_of"`
	Source  string        `json:"source"`
	Streams []streamView  `json:"streams"`
}

type streamView struct {
	Site      string                 `json:"site"`
	Stream    string                 `json:"stream"`
	State     string                 `json:"state"`
	Since     calendar.Date          `json:"since,omitzero"`
	Cause     string                 `json:"cause,omitempty"`
	Evidence  []state.Evidence       `json:"evidence"`
	Intervals []accountancy.Interval `json:"intervals"`
}

func newKnowledgeCmd() *cobra.Command {
	var (
		asOf, logDir string
		asJSON       bool
	)
	cmd := &cobra.Command{
		Use:   "knowledge --as-of DATE [--log DIR] [--json]",
		Short: "Continuity of knowledge at a date: each stream maintained, escrowed or lost, since when and why",
		Long: `knowledge derives, from monitoring events, the intervals in which the
inspectorate's knowledge of each material stream or equipment class was
maintained, escrowed (recorded but not accessible) or lost, with the cause
(media not produced, equipment removed or damaged, access denied, knowledge
declared lost), and prints each stream's state at the date with its history.

Without --log it reads the embedded public record for Iran, 2016-2025 (the
JCPOA monitoring in place; data kept by Iran from 23 Feb 2021; cameras and
the online enrichment monitor removed in June 2022; knowledge of centrifuge
components, heavy water and uranium ore concentrate declared lost in 2024;
access lost on 13 June 2025). With --log it audits the log and reads its
monitoring_event records. Findings that rest on a stream (the heavy-water
limit) become unknown while its knowledge is escrowed or lost: see accord
status.`,
		Example: `  accord knowledge --as-of 2021-06-01
  accord knowledge --as-of 2024-06-01 --json
  accord knowledge --as-of 2026-01-01 --log ~/.local/share/accord/demo/log`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			date, err := dateFlag("as-of", asOf)
			if err != nil {
				return err
			}
			v := knowledgeView{AsOf: date, Source: "the embedded public record (" + dataset.KnowledgeName + ")"}
			var events []accountancy.Event
			if logDir == "" {
				events = publicEvents(dataset.Embedded())
			} else {
				v.Source = "the monitoring events of the audited log " + logDir
				if events, err = auditedEvents(cmd.Context(), logDir); err != nil {
					return err
				}
			}
			for _, s := range accountancy.Continuity(events) {
				sv := streamView{Site: s.Site, Stream: s.Stream, State: "not yet monitored", Evidence: []state.Evidence{}}
				for _, iv := range s.Intervals {
					if !iv.From.After(date) {
						sv.Intervals = append(sv.Intervals, iv)
					}
				}
				if iv, ok := s.At(date); ok {
					sv.State, sv.Since, sv.Cause, sv.Evidence = iv.State, iv.From, iv.Cause, iv.Evidence
				}
				if n := len(sv.Intervals); n > 0 && !sv.Intervals[n-1].To.IsZero() && sv.Intervals[n-1].To.After(date) {
					sv.Intervals[n-1].To = calendar.Date{} // as known at the date
				}
				if sv.Intervals == nil {
					sv.Intervals = []accountancy.Interval{}
				}
				v.Streams = append(v.Streams, sv)
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), v)
			}
			return renderKnowledge(cmd.OutOrStdout(), v)
		},
	}
	cmd.Flags().StringVar(&asOf, "as-of", "", "date, YYYY-MM-DD (required)")
	cmd.Flags().StringVar(&logDir, "log", "", "a log directory to read monitoring events from (default: the public record)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// auditedEvents audits the log at dir and returns its monitoring events.
func auditedEvents(ctx context.Context, dir string) ([]accountancy.Event, error) {
	var events []accountancy.Event
	err := auditedRecords(ctx, dir, func(i uint64, s *record.Signed) {
		if e, ok := monitoringEvent(i, s.Record); ok {
			events = append(events, e)
		}
	})
	return events, err
}

func renderKnowledge(w io.Writer, v knowledgeView) error {
	fmt.Fprintf(w, "Continuity of knowledge as of %s, from %s\n\n", v.AsOf, v.Source)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SITE\tSTREAM\tSTATE\tSINCE\tCAUSE")
	for _, s := range v.Streams {
		since := ""
		if !s.Since.IsZero() {
			since = s.Since.String()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.Site, s.Stream, strings.ToUpper(s.State), since, s.Cause)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, s := range v.Streams {
		fmt.Fprintf(w, "\n%s, %s:\n", s.Stream, s.Site)
		for _, iv := range s.Intervals {
			to := "ongoing"
			if !iv.To.IsZero() {
				to = "to " + iv.To.String()
			}
			cause := ""
			if iv.Cause != "" {
				cause = ": " + iv.Cause
			}
			ref := ""
			if len(iv.Evidence) > 0 {
				refs := make([]string, len(iv.Evidence))
				for i, e := range iv.Evidence {
					refs[i] = e.Ref
				}
				ref = " [" + strings.Join(refs, "; ") + "]"
			}
			fmt.Fprintf(w, "  %-10s from %s %s%s%s\n", iv.State, iv.From, to, cause, ref)
		}
	}
	return nil
}
