package main

import (
	"github.com/spf13/cobra"

	"github.com/accordverify/accord/internal/accountancy"
	"github.com/accordverify/accord/internal/app"
	"github.com/accordverify/accord/internal/report"
)

func newKnowledgeCmd() *cobra.Command {
	var asOf, logDir string
	cmd := printCmd(&cobra.Command{
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
	}, func(cmd *cobra.Command) (report.ContinuityView, error) {
		date, err := asOfFlag("as-of", asOf)
		if err != nil {
			return report.ContinuityView{}, err
		}
		source, events, err := app.MonitoringEvents(cmd.Context(), logDir)
		if err != nil {
			return report.ContinuityView{}, err
		}
		return report.ContinuityView{AsOf: date, Source: source, Streams: accountancy.KnowledgeAt(events, date)}, nil
	}, report.TextKnowledge)
	cmd.Flags().StringVar(&asOf, "as-of", "", "date, YYYY-MM-DD (required)")
	cmd.Flags().StringVar(&logDir, "log", "", "a log directory to read monitoring events from (default: the public record)")
	return cmd
}
