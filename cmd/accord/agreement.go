package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/report"
)

func newAgreementCmd() *cobra.Command {
	return group("agreement", "Agreements as data: show one, or print the built-in JCPOA to start your own", "",
		newAgreementShowCmd(), newAgreementExportCmd())
}

func newAgreementShowCmd() *cobra.Command {
	var src sourceFlags
	cmd := printCmd(&cobra.Command{
		Use:   "show",
		Short: "The parties, commitments, procedures and events of an agreement",
		Example: `  accord agreement show
  accord agreement show --agreement hypothetical-2025 --json`,
	}, func(*cobra.Command) (*agreement.Agreement, error) { return src.loadAgreement() }, textAgreement)
	src.register(cmd, true)
	return cmd
}

// textAgreement writes the agreement's commitments and events as tables.
func textAgreement(w io.Writer, a *agreement.Agreement) error {
	fmt.Fprintf(w, "%s (%s, %s)\n\nCommitments\n", a.Name, a.ID, a.Format)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tOBLIGOR\tIN FORCE\tREF\tTITLE")
	for i := range a.Commitments {
		c := &a.Commitments[i]
		win := a.InForce(c)
		fmt.Fprintf(tw, "%s\t%s\t%s %s\t%s\t%s\n", c.ID, c.Obligor, win.Start, report.Until(win.End), c.Ref, c.Title)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nEvents")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, e := range a.Events {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", e.Date, e.Kind, e.Title, e.Status)
	}
	return tw.Flush()
}

func newAgreementExportCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "export-jcpoa",
		Short: "Print the built-in JCPOA file, to copy and edit into an agreement of your own",
		Example: `  accord agreement export-jcpoa > my-agreement.yaml
  accord status --as-of 2025-02-08 --agreement my-agreement.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := cmd.OutOrStdout().Write(agreement.JCPOASource())
			return err
		},
	}
}
