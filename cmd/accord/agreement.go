package main

import (
	"github.com/spf13/cobra"

	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/report"
)

func newAgreementCmd() *cobra.Command {
	return group("agreement", "Agreements as data: show one, or print the built-in JCPOA to start your own", "",
		newAgreementShowCmd(), newAgreementExportCmd())
}

func newAgreementShowCmd() *cobra.Command {
	return sourceCmd(&cobra.Command{
		Use:   "show",
		Short: "The parties, commitments, procedures and events of an agreement",
		Example: `  accord agreement show
  accord agreement show --agreement hypothetical-2025 --json`,
	}, true, (*sourceFlags).loadAgreement, report.TextAgreement)
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
