package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/report"
)

func newTimelineCmd() *cobra.Command {
	var to, name string
	cmd := sourceCmd(&cobra.Command{
		Use:   "timeline",
		Short: "Each commitment's status across every report and event date, and when each breach began and ended",
		Long: `timeline evaluates every commitment at each date worth evaluating up to --to
(default today): every report and event date, the day each figure stops
deciding, and the start and end of each commitment under every reading of a
disputed event. A breach ends only when a figure shows compliance or the
commitment is no longer in force: when knowledge is lost it stays a breach,
"not ended", last shown by a figure on the date of its last figure (a
breach an event of the agreement shows, such as a withdrawal, is shown by
that event). When the parties dispute whether the commitment still holds,
the breach is "disputed from" that day: ended under some parties' reading,
not under the others'.`,
		Example: `  accord timeline
  accord timeline --to 2021-12-31
  accord timeline --json | jq '.[] | select(.breaches | length > 0) | {commitment, breaches}'`,
	}, true, func(src *sourceFlags) ([]compliance.Track, error) {
		a, facts, err := src.load()
		if err != nil {
			return nil, err
		}
		until := calendar.Today()
		if to != "" {
			if until, err = dateFlag("to", to); err != nil {
				return nil, err
			}
		}
		name = a.Name
		return compliance.TimelineTo(a, facts, until), nil
	}, func(w io.Writer, tracks []compliance.Track) error { return report.TextTimeline(w, name, tracks) })
	cmd.Flags().StringVar(&to, "to", "", "last date evaluated, YYYY-MM-DD (default today)")
	return cmd
}
