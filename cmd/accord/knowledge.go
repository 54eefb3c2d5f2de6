package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/accordverify/accord/internal/accountancy"
	"github.com/accordverify/accord/internal/app"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/evidence"
)

// knowledgeView is the JSON of accord knowledge.
type knowledgeView struct {
	AsOf    calendar.Date          `json:"as_of"`
	Source  string                 `json:"source"`
	Streams []accountancy.StreamAt `json:"streams"`
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
monitoring_event records. A finding that rests on a stream (the heavy-water
limit) is unknown while its knowledge is escrowed or lost, or, if its last
figure showed a breach, stays a breach last confirmed on that figure: see
accord status.`,
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
				events = evidence.PublicEvents(dataset.Embedded())
			} else {
				v.Source = "the monitoring events of the audited log " + logDir
				l, err := app.ReadLog(cmd.Context(), logDir)
				if err != nil {
					return err
				}
				events = l.Events()
			}
			v.Streams = accountancy.KnowledgeAt(events, date)
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
