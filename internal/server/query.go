package server

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// apiQuery names the query parameters of each route of the API (/api/v1/)
// that takes any; a route it does not name takes none. A name ending in
// "..." may be given more than once. These are the parameters the OpenAPI
// document describes (TestQueryParametersAreTheDocuments compares them).
var apiQuery = map[string][]string{
	"GET /api/v1/records":       {"kind", "author", "site", "material", "from", "to", "after", "limit"},
	"GET /api/v1/status":        stateQuery,
	"GET /api/v1/breakout":      stateQuery,
	"GET /api/v1/warning":       stateQuery,
	"POST /api/v1/breakout":     breakoutQuery,
	"GET /api/v1/clock":         {"event...", "at"},
	"GET /api/v1/charts/{name}": {"as_of"},
}

var (
	// breakoutQuery: the breakout's assumptions (breakoutOptions).
	breakoutQuery = []string{"convention", "sq", "samples", "seed"}
	// stateQuery: the date and the assumptions of an estimate at it.
	stateQuery = append([]string{"as_of", "machines", "surviving_fleet", "remaining_stock"}, breakoutQuery...)
)

// strictQuery reports whether a route refuses query parameters it does
// not take: the API's routes do; the dashboard's pages take what links and
// browsers add (utm_*, ...) and ignore it.
func strictQuery(pattern string) bool {
	_, path, _ := strings.Cut(pattern, " ")
	return strings.HasPrefix(path, "/api/v1/")
}

// checkQuery serves h once the request's query holds only parameters of
// the route's, each once unless it may repeat; otherwise it answers 400
// naming the parameter and the rule, having done nothing. A typo
// (knd=sealed) or a second value would otherwise be ignored, and the
// answer would be for another question than the one asked.
func (s *Server) checkQuery(pattern string, h http.HandlerFunc) http.HandlerFunc {
	takes := apiQuery[pattern]
	return func(w http.ResponseWriter, r *http.Request) {
		if err := queryError(pattern, takes, r.URL.RawQuery); err != nil {
			s.fail(w, r, err)
			return
		}
		h(w, r)
	}
}

// queryError says what is wrong with a route's query, or nil.
func queryError(pattern string, takes []string, raw string) *Error {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return badRequest("query", "must be name=value pairs joined by &, percent-encoded: %v", err)
	}
	names := make([]string, 0, len(q))
	for name := range q {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		switch {
		case name == "":
			return badRequest("query", "has a value without a parameter name")
		case slices.Contains(takes, name+"..."):
		case !slices.Contains(takes, name):
			return badRequest(name, "is not a parameter of %s: %s", pattern, takesWords(takes))
		case len(q[name]) > 1:
			return badRequest(name, "is given %d times: give it once", len(q[name]))
		}
	}
	return nil
}

// takesWords says which parameters a route takes.
func takesWords(takes []string) string {
	if len(takes) == 0 {
		return "it takes no query parameters"
	}
	words := make([]string, len(takes))
	for i, n := range takes {
		words[i] = strings.TrimSuffix(n, "...")
		if words[i] != n {
			words[i] += " (repeatable)"
		}
	}
	if len(words) == 1 {
		return "it takes " + words[0]
	}
	return "it takes " + strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}
