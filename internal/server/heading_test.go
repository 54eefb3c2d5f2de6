package server

import "testing"

// A page's heading marks its dates, which the style keeps whole, and
// escapes the rest.
func TestHeadingMarksDates(t *testing.T) {
	for _, c := range []struct{ title, want string }{
		{"Overview as of 2024-06-01", `Overview as of <time datetime="2024-06-01">2024-06-01</time>`},
		{"Records", "Records"},
		{"A <b> & 2019-11-03 to 2020-01-01", `A &lt;b&gt; &amp; <time datetime="2019-11-03">2019-11-03</time> to <time datetime="2020-01-01">2020-01-01</time>`},
	} {
		if got := string(heading(c.title)); got != c.want {
			t.Errorf("heading(%q) = %s, want %s", c.title, got, c.want)
		}
	}
}
