package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// chartTextJS measures every text element of the charts shown on the
// page (inline SVG, and SVG loaded by <object>): its box on the screen
// and its font size as rendered. Hidden variants (display: none) have no
// box and are left out.
const chartTextJS = `(() => {
	const roots = [...document.querySelectorAll("figure.chart svg")];
	for (const o of document.querySelectorAll("figure.chart object")) {
		if (o.contentDocument) roots.push(...o.contentDocument.querySelectorAll("svg"));
	}
	const out = [];
	roots.forEach((svg, chart) => {
		for (const t of svg.querySelectorAll("text")) {
			const r = t.getBoundingClientRect();
			if (r.width === 0 || r.height === 0 || t.textContent.trim() === "") continue;
			const m = t.getScreenCTM();
			const scale = m ? Math.hypot(m.a, m.b) : 1;
			out.push({chart, text: t.textContent, x: r.left, y: r.top, w: r.width, h: r.height,
				px: parseFloat(getComputedStyle(t).fontSize) * scale});
		}
	});
	return out;
})()`

type chartText struct {
	Chart      int
	Text       string
	X, Y, W, H float64
	Px         float64
}

// overlaps lists the pairs of text boxes of one chart that overlap by
// more than a pixel each way.
func overlaps(texts []chartText) []string {
	var out []string
	for i, a := range texts {
		for _, b := range texts[i+1:] {
			if a.Chart != b.Chart {
				continue
			}
			dx := min(a.X+a.W, b.X+b.W) - max(a.X, b.X)
			dy := min(a.Y+a.H, b.Y+b.H) - max(a.Y, b.Y)
			if dx > 1 && dy > 1 {
				out = append(out, fmt.Sprintf("chart %d: %q overlaps %q", a.Chart, a.Text, b.Text))
			}
		}
	}
	return out
}

// The charts read at a glance: on the trends page, the overview, the
// HTML report and the balance page, at laptop and phone widths, no two
// labels of a chart overlap, and on a phone no chart text is drawn
// smaller than 11 px.
func TestChartsInBrowser(t *testing.T) {
	b := newBrowser(t)
	d, base := startDemo(t, t.TempDir())
	shots := screenshotDir(t)
	// The balance page is for signed-in readers.
	if err := b.signIn(base, d.Reader, "/records", "records"); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	pages := []struct {
		name, path, ready string
		charts            int
	}{
		{"trends", "/trends?as_of=2025-11-01", "#chart-warning-days", 4},
		{"overview", "/?as_of=2025-02-08", "#inventory", 0},
		{"report", "/report?as_of=2025-02-08", "#annex", 4},
		{"balance", "/balance", "#balances", 2},
	}
	for _, p := range pages {
		for _, width := range []int64{1280, 390} {
			var texts []chartText
			err := chromedp.Do(b.ctx,
				chromedp.EmulateViewport(width, 900),
				chromedp.Navigate(base+p.path),
				chromedp.WaitReady(chromedp.CSS(p.ready)),
			)
			if err == nil {
				texts, err = chromedp.Run(b.ctx, chromedp.Evaluate[[]chartText](chartTextJS))
			}
			if err != nil {
				t.Errorf("%s at %d px: %v", p.name, width, err)
				continue
			}
			png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(shots, fmt.Sprintf("charts-%s-%d.png", p.name, width)), png, 0o644); err != nil {
				t.Fatal(err)
			}
			charts := map[int]bool{}
			for _, x := range texts {
				charts[x.Chart] = true
			}
			if len(charts) != p.charts {
				t.Errorf("%s at %d px: %d charts with text, want %d", p.name, width, len(charts), p.charts)
			}
			ov := overlaps(texts)
			t.Logf("%s at %d px: %d chart texts, %d overlapping pairs", p.name, width, len(texts), len(ov))
			for _, o := range ov {
				t.Errorf("%s at %d px: %s", p.name, width, o)
			}
			if width == 390 {
				small := 0
				for _, x := range texts {
					if x.Px < 11 {
						if small < 5 {
							t.Errorf("%s at 390 px: %q is drawn at %.1f px, want at least 11", p.name, x.Text, x.Px)
						}
						small++
					}
				}
				if small > 0 {
					t.Logf("%s at 390 px: %d chart texts below 11 px", p.name, small)
				}
			}
		}
	}
}
