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

// pageQuery names the query parameters of each page of the dashboard
// that takes any; a page it does not name takes none. A name with a part
// in braces is a family ("stock_{level}": stock_5, stock_60), whose
// members the page checks against what it shows.
var pageQuery = map[string][]string{
	"GET /{$}":       stateQuery,
	"GET /trends":    stateQuery,
	"GET /report":    append(slices.Clone(stateQuery), "format"),
	"GET /what-if":   whatIfQuery,
	"GET /records":   {"kind", "author", "site", "material", "from", "to", "after"},
	"GET /agreement": {"as_of"},
	"GET /knowledge": {"as_of"},
	"GET /balance":   {"mba"},
	"GET /signin":    {"next"},
}

// whatIfQuery: the what-if form's fields, one stock a level and one
// count a machine of those the form shows.
var whatIfQuery = []string{"as_of", "stock_{level}", "fleet_{machine}", "efficiency", "target_pct", "quantity_sq",
	"tails_60", "tails_20", "tails_5", "tails_nat", "cascades", "setup_days", "sq", "convention"}

// lenientQuery are the routes that are neither the API nor a page: the
// service's probes, the log's files and the static files, which answer
// whatever their query.
var lenientQuery = []string{"GET /healthz", "GET /readyz", "GET /metrics", "GET /log/{path...}", "GET /static/{file}"}

// strictQuery reports whether a route refuses query parameters it does
// not take: the API's routes and the dashboard's pages do. A typo on a
// page (asof=2025-02-08) would otherwise show another date than the one
// asked for, as silently as on the API.
func strictQuery(pattern string) bool { return !slices.Contains(lenientQuery, pattern) }

// apiRoute reports whether pattern is a route of the API (/api/v1/).
func apiRoute(pattern string) bool {
	_, path, _ := strings.Cut(pattern, " ")
	return strings.HasPrefix(path, "/api/v1/")
}

// routeQuery is what a route takes and how its errors name it: the API's
// route by its method and path, a page as "the page" and its path.
func routeQuery(pattern string) (takes []string, name string) {
	if apiRoute(pattern) {
		return apiQuery[pattern], pattern
	}
	_, path, _ := strings.Cut(pattern, " ")
	return pageQuery[pattern], "the page " + strings.TrimSuffix(path, "{$}")
}

// checkQuery serves h once the request's query holds only parameters of
// the route's, each once unless it may repeat; otherwise it answers 400
// naming the parameter and the rule, having done nothing: as JSON on the
// API, as a page on the dashboard. A typo (knd=sealed) or a second value
// would otherwise be ignored, and the answer would be for another
// question than the one asked.
func (s *Server) checkQuery(pattern string, h http.HandlerFunc) http.HandlerFunc {
	takes, name := routeQuery(pattern)
	fail := s.fail
	if !apiRoute(pattern) {
		fail = s.pageError
	}
	return func(w http.ResponseWriter, r *http.Request) {
		if err := queryError(name, takes, r.URL.RawQuery); err != nil {
			fail(w, r, err)
			return
		}
		h(w, r)
	}
}

// queryError says what is wrong with the query of the route called name,
// or nil.
func queryError(name string, takes []string, raw string) *Error {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return badRequest("query", "must be name=value pairs joined by &, percent-encoded: %v", err)
	}
	params := make([]string, 0, len(q))
	for param := range q {
		params = append(params, param)
	}
	slices.Sort(params)
	for _, param := range params {
		switch {
		case param == "":
			return badRequest("query", "has a value without a parameter name")
		case slices.Contains(takes, param+"..."):
		case !slices.Contains(takes, param) && !inFamily(takes, param):
			return badRequest(param, "is not a parameter of %s: %s", name, takesWords(takes))
		case len(q[param]) > 1:
			return badRequest(param, "is given %d times: give it once", len(q[param]))
		}
	}
	return nil
}

// inFamily reports whether param is of a family that takes names
// ("stock_{level}" holds stock_60).
func inFamily(takes []string, param string) bool {
	return slices.ContainsFunc(takes, func(t string) bool {
		prefix, _, ok := strings.Cut(t, "{")
		return ok && strings.HasSuffix(t, "}") && len(param) > len(prefix) && strings.HasPrefix(param, prefix)
	})
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
