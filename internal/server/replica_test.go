package server_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/server"
)

// reader is a server that reads a log another writes.
type reader struct{}

func (reader) Writer() (bool, string) { return false, "http://writer.test:8080" }

// A reader answers every route that would change the log or a talks room
// with 503 not_writer, Retry-After and the writer's address, before
// anything else; the zone explorer, which changes nothing, and the reads
// are served; /readyz says it reads and names the writer.
func TestReaderSendsChangesToTheWriter(t *testing.T) {
	s := server.New(server.Config{Log: fake{}, Index: fake{}, Agreement: agreement.JCPOA(), Replica: reader{}})
	changes := 0
	for _, r := range s.Routes() {
		method, path, _ := strings.Cut(r, " ")
		if method != "POST" || strings.HasPrefix(path, "/api/v1/auth/") || path == "/signin" || path == "/signout" || path == "/api/v1/breakout" {
			continue
		}
		path = strings.NewReplacer("{room}", "r1", "{proposal}", "p1", "{version}", "1").Replace(path)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(method, path, strings.NewReader("{}")))
		var body struct{ Error server.Error }
		_ = json.Unmarshal(rec.Body.Bytes(), &body)
		isNotWriter := rec.Code == 503 && body.Error.Code == "not_writer"
		if strings.HasSuffix(path, "/zone") {
			if isNotWriter {
				t.Errorf("%s: the zone explorer changes nothing, yet a reader refuses it", r)
			}
			continue
		}
		changes++
		if !isNotWriter || body.Error.Writer != "http://writer.test:8080" || rec.Header().Get("Retry-After") == "" || !strings.Contains(body.Error.Message, "http://writer.test:8080") {
			t.Errorf("%s on a reader: %d Retry-After %q %+v; want 503 not_writer naming the writer", r, rec.Code, rec.Header().Get("Retry-After"), body.Error)
		}
	}
	if changes < 15 {
		t.Errorf("only %d routes that change something were tried", changes)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	var ready map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &ready); err != nil || rec.Code != 200 || ready["role"] != "reader" || ready["writer"] != "http://writer.test:8080" {
		t.Errorf("/readyz of a reader: %d %s", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	newServer().ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	if err := json.Unmarshal(rec.Body.Bytes(), &ready); err != nil || ready["role"] != "writer" {
		t.Errorf("/readyz of a writer: %d %s", rec.Code, rec.Body)
	}
}
