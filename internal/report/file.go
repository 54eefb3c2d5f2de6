package report

// The report written as a file, in any of its formats.

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/accordverify/accord/internal/calendar"
)

// Formats are the formats a report is written in, by name.
var Formats = []string{"md", "html", "json", "csv"}

// Encode returns the report in format (one of Formats), to be written to
// the file out ("": standard output). Markdown for a file links its charts,
// which Encode writes as SVG files in the charts folder beside it; HTML's
// cover names issuer and today's date of issue.
func (r *Report) Encode(format, out, issuer string) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	switch format {
	case "md":
		mo := MarkdownOptions{}
		if out != "" {
			mo.Charts = "charts"
			if err := r.WriteCharts(filepath.Join(filepath.Dir(out), "charts")); err != nil {
				return nil, err
			}
		}
		err = r.Markdown(&buf, mo)
	case "html":
		err = r.HTML(&buf, HTMLOptions{Issuer: issuer, Issued: calendar.Today()})
	case "json":
		err = r.JSON(&buf)
	case "csv":
		err = r.CSV(&buf)
	default:
		return nil, fmt.Errorf("no report format %q", format)
	}
	return buf.Bytes(), err
}

// WriteFile writes b to the file out, making its folder.
func WriteFile(out string, b []byte) error {
	if dir := filepath.Dir(out); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	return os.WriteFile(out, b, 0o644)
}
