package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/app"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/state"
)

// sourceFlags are the flags that choose the agreement and the data series.
type sourceFlags struct {
	agreement string
	data      string
}

func (f *sourceFlags) register(cmd *cobra.Command, withAgreement bool) {
	if withAgreement {
		cmd.Flags().StringVar(&f.agreement, "agreement", "jcpoa", "agreement: jcpoa (built in), hypothetical-2025 (a built-in illustration) or a file in the agreement format")
	}
	cmd.Flags().StringVar(&f.data, "data", "", "a series CSV in the columns of the public series (default: the embedded IAEA series)")
}

// sourceCmd completes cmd as a print command (printCmd) of what get reads
// from the sources the flags choose; withAgreement adds --agreement to
// --data.
func sourceCmd[T any](cmd *cobra.Command, withAgreement bool, get func(src *sourceFlags) (T, error), text func(w io.Writer, v T) error) *cobra.Command {
	var src sourceFlags
	printCmd(cmd, func(*cobra.Command) (T, error) { return get(&src) }, text)
	src.register(cmd, withAgreement)
	return cmd
}

func (f *sourceFlags) loadAgreement() (*agreement.Agreement, error) {
	return app.LoadAgreement(f.agreement)
}

func (f *sourceFlags) loadData() (*dataset.Dataset, error) { return app.LoadDataset(f.data) }

// facts are the series' facts, with the continuity of knowledge of its
// public record.
func (f *sourceFlags) facts() ([]state.Fact, error) { return app.PublicFacts(f.data) }

// load reads the agreement and the series' facts.
func (f *sourceFlags) load() (*agreement.Agreement, []state.Fact, error) {
	a, err := f.loadAgreement()
	if err != nil {
		return nil, nil, err
	}
	facts, err := f.facts()
	return a, facts, err
}

// factsAt reads the --as-of date and the series' facts.
func (f *sourceFlags) factsAt(asOf string) (calendar.Date, []state.Fact, error) {
	date, err := asOfFlag("as-of", asOf)
	if err != nil {
		return date, nil, err
	}
	facts, err := f.facts()
	return date, facts, err
}

// dateFlag parses a required --as-of style date flag.
func dateFlag(name, value string) (calendar.Date, error) {
	if value == "" {
		return calendar.Date{}, usageError{fmt.Errorf("--%s is required (YYYY-MM-DD)", name)}
	}
	d, err := calendar.Parse(value)
	if err != nil {
		return d, usageError{fmt.Errorf("--%s: %v", name, err)}
	}
	return d, nil
}

// asOfFlag reads a required date a view is made as of: a date, and not
// after today.
func asOfFlag(name, value string) (calendar.Date, error) {
	d, err := dateFlag(name, value)
	if err != nil {
		return d, err
	}
	if err := calendar.NotAfterToday(d); err != nil {
		return d, usageError{fmt.Errorf("--%s: %v", name, err)}
	}
	return d, nil
}
