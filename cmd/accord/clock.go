package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/report"
)

func newClockCmd() *cobra.Command {
	var (
		src    sourceFlags
		events []string
		at     string
	)
	cmd := printCmd(&cobra.Command{
		Use:   "clock --event KIND:DATE ... [--at DATE]",
		Short: "The deadlines that follow from procedural events, and which are overdue",
		Long: `clock runs the agreement's procedures: each --event KIND:DATE starts (or
closes) a procedure, and clock prints every deadline that follows with its
status at --at (default today): pending, overdue, closed (a closing event came
first), done (an event of the agreement records the step, with its date),
took-effect (a step that takes effect by itself once its date has passed, such
as the re-application of measures) or unrecorded (a step whose date passed
with no record of it, when that does not make it late: the parties may extend
it, or it is known only from events not recorded).

JCPOA procedures: access-request (14 + 7 + 3 days, closed by access-granted),
dispute (15 + 15 + 5 days, closed by dispute-resolved), snapback-notification
(10 and 30 days, then the measures re-apply; closed by resolution-adopted).`,
		Example: `  accord clock --event snapback-notification:2025-08-28 --at 2025-09-20
  accord clock --event access-request:2025-01-01 --event access-granted:2025-01-20 --at 2025-02-01 --json`,
	}, func(*cobra.Command) (*report.Clocks, error) {
		if len(events) == 0 {
			return nil, usageError{fmt.Errorf("give at least one --event KIND:YYYY-MM-DD")}
		}
		date := calendar.Today()
		if at != "" {
			var err error
			if date, err = dateFlag("at", at); err != nil {
				return nil, err
			}
		}
		var evs []agreement.ClockEvent
		for _, s := range events {
			e, err := agreement.ParseClockEvent(s)
			if err != nil {
				return nil, usageError{fmt.Errorf("--event: %v", err)}
			}
			evs = append(evs, e)
		}
		a, err := src.loadAgreement()
		if err != nil {
			return nil, err
		}
		ds, err := a.Clocks(evs, date)
		if err != nil {
			return nil, flagError(err)
		}
		return &report.Clocks{At: date, Agreement: a.ID, Deadlines: ds, Name: a.Name}, nil
	}, report.TextClocks)
	cmd.Flags().StringVar(&src.agreement, "agreement", "jcpoa", "agreement: jcpoa (built in), hypothetical-2025 (a built-in illustration) or a file in the agreement format")
	cmd.Flags().StringArrayVar(&events, "event", nil, "procedural event KIND:YYYY-MM-DD (repeatable)")
	cmd.Flags().StringVar(&at, "at", "", "date to judge the deadlines at, YYYY-MM-DD (default today)")
	return cmd
}
