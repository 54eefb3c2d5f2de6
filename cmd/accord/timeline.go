package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/compliance"
	"github.com/spf13/cobra"
)

func newTimelineCmd() *cobra.Command {
	var (
		src    sourceFlags
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "timeline",
		Short: "Each commitment's status across every report and event date, and when each breach began and ended",
		Example: `  accord timeline
  accord timeline --json | jq '.[] | select(.breaches | length > 0) | {commitment, breaches}'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := src.loadAgreement()
			if err != nil {
				return err
			}
			d, err := src.loadData()
			if err != nil {
				return err
			}
			facts := factsOf(d)
			tracks := compliance.Timeline(a, facts, compliance.Dates(a, facts))
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), tracks)
			}
			return renderTimeline(cmd.OutOrStdout(), a.Name, tracks)
		},
	}
	src.register(cmd, true)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func renderTimeline(w io.Writer, name string, tracks []compliance.Track) error {
	fmt.Fprintf(w, "%s: status of each commitment over time\n", name)
	for _, t := range tracks {
		fmt.Fprintf(w, "\n%s (%s): %s\n", t.Commitment, t.Obligor, t.Title)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, p := range t.Periods {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", p.From, until(p.To), p.Status)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		for _, b := range t.Breaches {
			end := "ongoing at the last date evaluated"
			if !b.To.IsZero() {
				end = fmt.Sprintf("ended %s (then %s)", b.To, b.Then)
			}
			fmt.Fprintf(w, "  breach began %s, %s\n", b.From, end)
		}
	}
	return nil
}

func until(d calendar.Date) string {
	if d.IsZero() {
		return "onwards"
	}
	return "to " + d.String()
}
