package main

import (
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/accordverify/accord/internal/progress"
	"github.com/accordverify/accord/internal/report"
)

func newReportCmd() *cobra.Command {
	var (
		f      evaluationFlags
		format string
		out    string
		issuer string
	)
	cmd := &cobra.Command{
		Use:   "report --as-of DATE [--format md|html|json|csv] [--out FILE]",
		Short: "The verification report at a date, shaped like an IAEA quarterly report",
		Long: `report writes the verification report at a date: summary; verification
activities; enrichment and centrifuges; stockpile by level; continuity of
knowledge; findings for each side; breakout; an annex of sources. Every
figure cites the annex by number, and each annex entry names the dataset
row or record it comes from.

HTML is one self-contained page with the charts as inline SVG and print
styles: open it in a browser and print it to PDF (A4); its cover gives
the issuer (--issuer), the date of the figures and today's date of
issue. With --format md and --out FILE, the charts are written as SVG
files beside the Markdown and linked from it.`,
		Example: `  accord report --as-of 2025-02-08
  accord report --as-of 2025-02-08 --format html --out report-2025-02-08.html
  accord report --as-of 2025-02-08 --format md --out report/2025-02-08.md
  accord report --as-of 2019-11-03 --format csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			e, err := f.load()
			if err != nil {
				return err
			}
			stop := progress.Spin(cmd.ErrOrStderr(), "building the report")
			r, err := report.Build(e.agreement, e.facts, e.date, report.Options{BreakoutOptions: e.breakout})
			stop()
			if err != nil {
				return err
			}
			if !slices.Contains(report.Formats, format) {
				return usageError{fmt.Errorf("--format: must be md, html, json or csv, got %q", format)}
			}
			b, err := r.Encode(format, out, issuer)
			if err != nil {
				return err
			}
			if out == "" {
				_, err = cmd.OutOrStdout().Write(b)
				return err
			}
			if err := report.WriteFile(out, b); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s\n", out)
			return nil
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&format, "format", "md", "md, html, json or csv")
	cmd.Flags().StringVar(&issuer, "issuer", "", "who issues the report, for the HTML cover (default \""+report.DefaultIssuer+"\")")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(report.Formats, cobra.ShellCompDirectiveNoFileComp))
	cmd.Flags().StringVarP(&out, "out", "o", "", "write to this file instead of standard output")
	return cmd
}
