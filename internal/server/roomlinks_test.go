package server

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/talks"
)

// The pages link to a room and post its forms with its id as one segment
// of the path, whatever the id: an id that climbs out of /talks/, adds a
// query or a fragment, or names two segments never leads to another page.
// Rooms with such ids are refused where they are made; this is the page's
// own defence.
func TestRoomLinksStayInTheirSegment(t *testing.T) {
	d, err := parseDashboard(false)
	if err != nil {
		t.Fatal(err)
	}
	links := regexp.MustCompile(`(?:href|action)="(/talks/[^"]*)"`)
	for _, id := range []string{"../x", "..", ".", "x?y=1", "x#frag", "a/b", "a%2Fb", " ", "x/../../records", `x"y`} {
		pages := map[string]any{
			"talks": view{Page: "talks", Data: map[string]any{"Rooms": []map[string]string{{"id": id, "title": "t", "role": "a party"}}}},
			"talksroom": view{Page: "talksroom", Data: &talksRoomView{Viewer: "oman", View: &talks.View{ID: id, Mediator: "oman", Viewer: "oman",
				Proposals: []talks.ProposalView{{Proposal: talks.Proposal{ID: "p1"}}}}}},
		}
		for page, v := range pages {
			var buf bytes.Buffer
			if err := d.pages[page].ExecuteTemplate(&buf, "layout", v); err != nil {
				t.Fatalf("%s for %q: %v", page, id, err)
			}
			found := links.FindAllStringSubmatch(buf.String(), -1)
			if len(found) == 0 {
				t.Fatalf("%s for %q: no link to the room", page, id)
			}
			for _, m := range found {
				href := strings.ReplaceAll(m[1], "&amp;", "&")
				u, err := url.Parse(href)
				if err != nil {
					t.Errorf("%s for %q: %s: %v", page, id, href, err)
					continue
				}
				ref, _ := url.Parse("https://accord.example/talks/")
				got := ref.ResolveReference(u)
				segs := strings.Split(strings.TrimPrefix(got.EscapedPath(), "/"), "/")
				seg, _ := url.PathUnescape(segs[min(1, len(segs)-1)])
				if got.RawQuery != "" || got.Fragment != "" || segs[0] != "talks" || len(segs) < 2 || id != "." && id != ".." && seg != id {
					t.Errorf("%s for %q links to %s (the room %q, path %s, query %q, fragment %q)", page, id, href, seg, got.EscapedPath(), got.RawQuery, got.Fragment)
				}
			}
		}
	}
}
