package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/progress"
	"github.com/accordverify/accord/internal/report"
	"github.com/accordverify/accord/internal/state"
)

func newDataCmd() *cobra.Command {
	return group("data", "The public series of IAEA-reported figures for Iran, or your own",
		`data lists, shows and exports the series of IAEA-reported figures for Iran
(2015-2025) embedded in Accord, every value with its source and status
(sourced, derived, unverified). --data FILE reads your own series in the same
CSV columns instead; it is validated row by row.`,
		newDataListCmd(), newDataShowCmd(), newDataExportCmd())
}

func newDataListCmd() *cobra.Command {
	return sourceCmd(&cobra.Command{
		Use:   "list",
		Short: "One line per report: dates, document, stock by level, status",
		Example: `  accord data list
  accord data list --json
  accord data list --data my-series.csv`,
	}, false, func(src *sourceFlags) ([]dataset.Report, error) {
		d, err := src.loadData()
		if err != nil {
			return nil, err
		}
		return d.Reports, nil
	}, report.TextReports)
}

func newDataShowCmd() *cobra.Command {
	var asOf string
	cmd := sourceCmd(&cobra.Command{
		Use:   "show --as-of DATE",
		Short: "The state the series gives at a date: stock by level, centrifuges, heavy water, access",
		Example: `  accord data show --as-of 2025-02-08
  accord data show --as-of 2019-08-19 --json`,
	}, false, func(src *sourceFlags) (*state.State, error) {
		date, facts, err := src.factsAt(asOf)
		if err != nil {
			return nil, err
		}
		return state.At(facts, date), nil
	}, report.TextState)
	cmd.Flags().StringVar(&asOf, "as-of", "", "date, YYYY-MM-DD (required)")
	return cmd
}

func newDataExportCmd() *cobra.Command {
	var src sourceFlags
	var format string
	cmd := &cobra.Command{
		Use:   "export --format csv|json",
		Short: "Write the series: CSV byte for byte as read, or JSON with every fact and its evidence",
		Example: `  accord data export > iaea-series.csv
  accord data export --format json > iaea-series.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			defer progress.Spin(cmd.ErrOrStderr(), "reading and writing the series")()
			d, err := src.loadData()
			if err != nil {
				return err
			}
			switch format {
			case "csv":
				return d.WriteCSV(cmd.OutOrStdout())
			case "json":
				return d.WriteJSON(cmd.OutOrStdout())
			}
			return usageError{fmt.Errorf("--format: must be csv or json, got %q", format)}
		},
	}
	src.register(cmd, false)
	cmd.Flags().StringVar(&format, "format", "csv", "csv or json")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"csv", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}
