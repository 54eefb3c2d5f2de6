package report

// The deadlines of an agreement's procedures at a date, with their
// heading.

import (
	"fmt"
	"io"

	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/calendar"
)

// Clocks are the deadlines at a date under an agreement (named by its id;
// Name, its full name, is for the text).
type Clocks struct {
	At        calendar.Date        `json:"at"`
	Agreement string               `json:"agreement"`
	Deadlines []agreement.Deadline `json:"deadlines"`
	Name      string               `json:"-"`
}

// TextClocks writes the deadlines under a heading naming the date and the
// agreement.
func TextClocks(w io.Writer, c *Clocks) error {
	fmt.Fprintf(w, "Deadlines at %s (%s)\n", c.At, c.Name)
	return TextDeadlines(w, c.Deadlines)
}
