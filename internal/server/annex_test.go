package server_test

import (
	"html"
	"regexp"
	"strings"
	"testing"
)

// The program's own locators of a figure: a file and its row, or an id of
// the agreement's data. A reader holding the printed report can look none
// of them up.
var ownLocator = regexp.MustCompile(`iaea-iran|row \d+ notes|monitoring event \d|jcpoa (event|reading|limits|breakout)|machine IR-|verification regime: `)

// elementText is the text of the element with id in body, or ok false
// when body has none.
func elementText(body, id string) (text string, ok bool) {
	i := strings.Index(body, ` id="`+id+`"`)
	if i < 0 {
		return "", false
	}
	start := strings.LastIndex(body[:i], "<")
	name := regexp.MustCompile(`^<(\w+)`).FindStringSubmatch(body[start:])
	if name == nil {
		return "", false
	}
	end := strings.Index(body[start:], "</"+name[1]+">")
	if end < 0 {
		return "", false
	}
	return html.UnescapeString(tags.ReplaceAllString(body[start:start+end], " ")), true
}

// Every entry of the report's annex says where a reader looks its figure
// up in words a reader can use (the public series's report of a date, a
// fact or a monitoring event by the number the Sources page gives it, the
// agreement's event of a date, a machine of the catalogue), never as the
// program's own file and row; and it stays traceable: its link opens an
// element of the page it names whose text holds what the words point at.
func TestAnnexEntriesSayWhereToLookThemUp(t *testing.T) {
	s := embeddedServer()
	bodies := map[string]string{}
	body := func(path string) string {
		if b, ok := bodies[path]; ok {
			return b
		}
		rec := page(s, "GET", path, "", nil)
		if rec.Code != 200 {
			t.Fatalf("%s: HTTP %d", path, rec.Code)
		}
		bodies[path] = rec.Body.String()
		return bodies[path]
	}
	link := regexp.MustCompile(`<a href="([^"#]*)#([^"]+)">([^<]*)</a>`)
	for _, date := range []string{"2017-05-27", "2025-02-08", "2025-11-01"} {
		b := body("/report?as_of=" + date)
		i := strings.Index(b, `id="annex-documents"`)
		if i < 0 {
			t.Fatalf("%s: the report page has no annex", date)
		}
		annex := b[i:]
		annex = annex[:strings.Index(annex, "</ol>")]
		entries := regexp.MustCompile(`<small class="refs">\((.*?)\)</small>`).FindAllStringSubmatch(annex, -1)
		if len(entries) < 20 {
			t.Fatalf("%s: the annex has %d entries, want at least 20", date, len(entries))
		}
		for _, e := range entries {
			if words := html.UnescapeString(tags.ReplaceAllString(e[1], "")); ownLocator.MatchString(words) {
				t.Errorf("%s: an annex entry names the program's own locator: %q", date, words)
			}
		}
		for _, m := range link.FindAllStringSubmatch(annex, -1) {
			path, id, words := html.UnescapeString(m[1]), m[2], html.UnescapeString(m[3])
			text, ok := elementText(body(path), id)
			if !ok {
				t.Errorf("%s: the annex entry %q links to %s#%s, which is not on that page", date, words, path, id)
				continue
			}
			// The last words say which entry of the page: "report of
			// 2025-02-26" (the report's date), "fact 62", "event 12",
			// "IR-1", "2021-02-23"; a name alone ("agreement
			// commitments") names a part of the page.
			parts := strings.Split(words, ", ")
			if len(parts) < 2 {
				continue
			}
			key := parts[len(parts)-1]
			if key == "notes" {
				key = parts[len(parts)-2]
			}
			key = strings.TrimPrefix(key, "report of ")
			if !strings.Contains(text, key) {
				t.Errorf("%s: the annex entry %q links to %s#%s, whose text does not hold %q:\n%s", date, words, path, id, key, text)
			}
		}
	}
}
