package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// fitScript measures the page as laid out: the document's scroll width,
// the window's width, and every visible element that is cut: its right
// edge past the window, or its content wider than a box that hides or
// scrolls what overflows.
const fitScript = `(() => {
  const vw = window.innerWidth, out = [], cut = [];
  const name = e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
    (typeof e.className === "string" && e.className ? "." + e.className.trim().split(/\s+/).join(".") : "") +
    " " + JSON.stringify((e.textContent || "").trim().slice(0, 40));
  for (const e of document.body.querySelectorAll("*")) {
    if (["INPUT", "TEXTAREA", "SELECT", "OPTION", "SCRIPT"].includes(e.tagName)) continue;
    const r = e.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.right < 0) continue; // moved off screen on purpose, as the skip link
    const cs = getComputedStyle(e);
    if (cs.visibility === "hidden") continue;
    if (cut.some(c => c.contains(e))) continue; // named with the box it is in
    if (r.width <= 1 && r.height <= 1) { cut.push(e); continue; } // for screen readers only, as a stacked table's heading
    if (r.right > vw + 1) {
      out.push("past the right edge by " + Math.round(r.right - vw) + " px: " + name(e));
      cut.push(e);
    } else if (cs.overflowX !== "visible" && e.scrollWidth > e.clientWidth + 1 && !(e instanceof SVGElement)) {
      out.push("clipped (" + e.scrollWidth + " > " + e.clientWidth + " px): " + name(e));
      cut.push(e);
    }
  }
  return {scrollWidth: document.scrollingElement.scrollWidth, innerWidth: vw, cut: out};
})()`

// brokenDatesScript lists the dates (YYYY-MM-DD) of the page's main
// heading that the layout breaks over two lines ("2024-06-" / "01").
const brokenDatesScript = `(() => {
  const out = [];
  for (const h of document.querySelectorAll("h1")) {
    const w = document.createTreeWalker(h, NodeFilter.SHOW_TEXT);
    for (let n = w.nextNode(); n; n = w.nextNode()) {
      for (const m of n.textContent.matchAll(/\d{4}-\d{2}-\d{2}/g)) {
        const r = document.createRange();
        r.setStart(n, m.index);
        r.setEnd(n, m.index + m[0].length);
        if (new Set([...r.getClientRects()].map(x => Math.round(x.top))).size > 1) out.push(m[0]);
      }
    }
  }
  return out;
})()`

type fit struct {
	ScrollWidth int      `json:"scrollWidth"`
	InnerWidth  int      `json:"innerWidth"`
	Cut         []string `json:"cut"`
}

// The whole dashboard on a phone (390 x 844) and on a laptop (1280 px):
// on every page, the signed-in talks views among them, nothing scrolls
// sideways and no table, code or box is cut at the right edge; a date in a
// heading stays on one line; every date input takes an ISO date whatever
// the browser's locale.
func TestDashboardOnPhone(t *testing.T) {
	b := newBrowser(t)
	demoDir := t.TempDir()
	d, base := startDemo(t, demoDir)
	shots := screenshotDir(t)

	type page struct {
		name, path, ready string
		dates             bool // the page has a date input
	}
	public := []page{
		{"overview", "/?as_of=2025-02-08", "#inventory", true},
		{"overview-2024", "/?as_of=2024-06-01", "#inventory", true},
		{"overview-2019", "/?as_of=2019-11-03", "#inventory", true},
		{"trends", "/trends?as_of=2025-11-01", "#chart-breakout-days", true},
		{"what-if", "/what-if?as_of=2025-02-08", "#result-days", false},
		{"agreement", "/agreement?as_of=2025-11-01", "#deadlines", true},
		{"report", "/report?as_of=2025-02-08", "#annex", false},
		{"sources", "/sources", "#machines", false},
		{"knowledge", "/knowledge?as_of=2025-11-01", "#streams", true},
		{"signin", "/signin", "#token", false},
	}
	reader := []page{
		{"records", "/records", "#records", true},
		{"record", "/records/5", "#checks", false},
		{"balance", "/balance", "#balances", false},
	}
	talks := []page{
		{"talks", "/talks", "#rooms", false},
		{"talks-room", "/talks/muscat-2025", "#red-lines", false},
		{"talks-room-no-zone", "/talks/muscat-2025-no-zone", "#red-lines", false},
	}

	check := func(who string, p page) {
		for _, size := range [][2]int64{{390, 844}, {1280, 900}} {
			var f fit
			// A page that never shows its ready element fails here, not at
			// the test's deadline.
			ctx, cancel := context.WithTimeout(b.ctx, 2*time.Minute)
			err := chromedp.Do(ctx,
				chromedp.EmulateViewport(size[0], size[1]),
				chromedp.Navigate(base+p.path),
				chromedp.WaitReady(chromedp.CSS(p.ready)),
			)
			if err == nil {
				f, err = chromedp.Run(ctx, chromedp.Evaluate[fit](fitScript))
			}
			cancel()
			if err != nil {
				t.Errorf("%s%s at %d px: %v", p.name, who, size[0], err)
				continue
			}
			t.Logf("%s%s at %d px: scrollWidth %d, %d cut", p.name, who, size[0], f.ScrollWidth, len(f.Cut))
			if f.ScrollWidth > f.InnerWidth {
				t.Errorf("%s%s at %d px: the page scrolls sideways (%d px wide)", p.name, who, size[0], f.ScrollWidth)
			}
			for _, c := range f.Cut {
				t.Errorf("%s%s at %d px: %s", p.name, who, size[0], c)
			}
			// A date in the heading reads whole, never "2024-06-" and
			// "01" on two lines.
			broken, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](brokenDatesScript))
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range broken {
				t.Errorf("%s%s at %d px: the heading breaks the date %s over two lines", p.name, who, size[0], d)
			}
			// Every date input takes an ISO date as typed, not the
			// browser locale's format.
			dates, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("input[type=date], input.date")].map(i => i.id + " " + i.type + " " + i.getAttribute("pattern") + " " + i.getAttribute("inputmode") + " " + i.placeholder)`))
			if err != nil {
				t.Fatal(err)
			}
			if len(dates) == 0 && p.dates {
				t.Errorf("%s%s: no date input", p.name, who)
			}
			for _, in := range dates {
				if f := strings.Fields(in); len(f) != 5 || f[1] != "text" || f[2] != `\d{4}-\d{2}-\d{2}` || f[3] != "numeric" || f[4] != "YYYY-MM-DD" {
					t.Errorf("%s%s: date input %q, want type text, pattern \\d{4}-\\d{2}-\\d{2}, inputmode numeric, placeholder YYYY-MM-DD", p.name, who, in)
				}
			}
			if size[0] == 390 && (p.name == "overview" || p.name == "talks-room" || p.name == "what-if" || p.name == "agreement") {
				png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(shots, fmt.Sprintf("phone-%s%s.png", p.name, strings.ReplaceAll(who, " ", "-"))), png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			b.take()
		}
	}

	for _, p := range public {
		check("", p)
	}
	// A phone cannot hover: a tap on a segment of the agreement's strips
	// writes its status and dates under the strip.
	if err := chromedp.Do(b.ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(base+"/agreement?as_of=2025-11-01"),
		chromedp.WaitReady(chromedp.CSS(".strip span[title]")),
		chromedp.Click(chromedp.CSS(".strip span[title]")),
	); err != nil {
		t.Fatal(err)
	}
	title := browse(t, b, chromedp.Evaluate[string](`document.querySelector(".strip span[title]").title`))
	said := browse(t, b, chromedp.Evaluate[string](`document.querySelector(".strip-said").textContent`))
	if said == "" || said != title {
		t.Errorf("a tap on a segment titled %q shows %q under its strip", title, said)
	}
	b.take()

	if err := b.signIn(base, d.Reader, "/records", "records"); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	for _, p := range reader {
		check("", p)
	}
	for _, key := range []string{"oman", "us"} {
		signer := demoSigner(t, demoDir, key)
		if err := b.signIn(base, signer, "/talks", "rooms"); err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		for _, p := range talks {
			check(" as "+key, p)
		}
		// The answer to a form: the mediator's zone of agreement.
		for _, form := range []string{"form[action$=zone]"} {
			if key != "oman" {
				continue
			}
			ctx, cancel := context.WithTimeout(b.ctx, 2*time.Minute)
			err := chromedp.Do(ctx,
				chromedp.EmulateViewport(390, 844),
				chromedp.Navigate(base+"/talks/muscat-2025"),
				chromedp.WaitReady(chromedp.CSS(form)),
				chromedp.Click(chromedp.CSS(form+" button")),
				chromedp.WaitReady(chromedp.CSS("#answer, #zone, main [role=alert]")),
			)
			var f fit
			if err == nil {
				f, err = chromedp.Run(ctx, chromedp.Evaluate[fit](fitScript))
			}
			cancel()
			if err != nil {
				t.Errorf("talks answer (%s) as %s: %v", form, key, err)
				continue
			}
			t.Logf("talks answer (%s) as %s at 390 px: scrollWidth %d, %d cut", form, key, f.ScrollWidth, len(f.Cut))
			if f.ScrollWidth > f.InnerWidth {
				t.Errorf("talks answer (%s) as %s at 390 px: the page scrolls sideways (%d px wide)", form, key, f.ScrollWidth)
			}
			for _, c := range f.Cut {
				t.Errorf("talks answer (%s) as %s at 390 px: %s", form, key, c)
			}
			b.take()
		}
	}
}
