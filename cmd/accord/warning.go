package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/accordverify/accord/internal/app"
	"github.com/accordverify/accord/internal/progress"
	"github.com/accordverify/accord/internal/report"
	"github.com/accordverify/accord/internal/warning"
)

func newWarningCmd() *cobra.Command {
	var logDir string
	cmd := evaluationCmd(&cobra.Command{
		Use:   "warning --as-of DATE [--log DIR] [--json]",
		Short: "Would a breakout be caught before it is done? Breakout time minus time to detect",
		Long: `warning puts the dated breakout estimate beside the verification regime in
force at the same date and answers how much warning verification would give:
the warning time is the breakout time minus the time from the start of a
breakout at the declared plants until the inspectorate could know of it and
report it to the Board, as a distribution (10th, 50th and 90th percentiles)
with the probability that the breakout is done first.

The regime is data: each activity of the agreement and of the safeguards
agreement (online enrichment monitors, daily access, inspections, the
material balance, complementary access) with its provision, its frequency or
latency, its probability of detection, and whether it was in force,
escrowed or lost at the date. Uncertain inputs are ranges drawn by Monte
Carlo with a fixed seed; the IAEA's timeliness goals are printed beside the
result.

Without --log the figures and the monitoring events are the embedded public
record. With --log it audits the log and reads both from its records (the
figures of its verified facts, inventories and centrifuge counts, and its
monitoring events), as the server does: each view at a date cites only what
was published by then.

When the breakout or the regime is unknown the warning is unknown; when no
activity able to see a breakout is in force it is none.`,
		Example: `  accord warning --as-of 2017-05-27
  accord warning --as-of 2024-06-01 --json
  accord warning --as-of 2026-06-01
  accord warning --as-of 2024-06-01 --log ~/.local/share/accord/demo/log`,
		PreRunE: func(cmd *cobra.Command, _ []string) error {
			if data, _ := cmd.Flags().GetString("data"); logDir != "" && data != "" {
				return usageError{errors.New("--log and --data both give the figures: give one")}
			}
			return nil
		},
	}, func(cmd *cobra.Command, e evaluation) (*warning.Estimate, error) {
		if logDir != "" {
			var err error
			if e.facts, err = app.LogFacts(cmd.Context(), logDir); err != nil {
				return nil, err
			}
		}
		stop := progress.Spin(cmd.ErrOrStderr(), "drawing the breakout and the time to detect")
		w, err := warning.At(cmd.Context(), e.facts, e.date, warning.Options{Breakout: e.breakout, Samples: e.breakout.Samples, Seed: e.breakout.Seed, Regime: e.agreement.Verification})
		stop()
		return w, flagError(err)
	}, report.TextWarning)
	cmd.Flags().StringVar(&logDir, "log", "", "a log directory to read the figures and monitoring events from (default: the public record)")
	return cmd
}
