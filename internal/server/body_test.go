package server_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
)

// A JSON body is refused by the field at fault and the rule, in JSON's
// words: a key given twice (which would be read as its last value), a
// value of the wrong type, an unknown field, an empty or broken body.
// The room is not created.
func TestBodiesAreRefusedByTheField(t *testing.T) {
	s, tokens := setup(t)
	for _, c := range []struct{ body, field, words string }{
		{`{"id":"r1","id":"r2","title":"x","parties":[{"party":"us","name":"US"},{"party":"iran","name":"Iran"}]}`, "id", `the key "id" appears twice in one object`},
		{`{"id":"r1","title":"x","parties":[{"party":"us","name":"US"},{"party":"iran","name":"Iran"}],"policy":{"a":1,"a":2}}`, "policy.a", "appears twice"},
		{`{"id":"r1","title":"x","parties":"us"}`, "parties", "must be an array, got a JSON string"},
		{`{"id":"r1","title":7,"parties":[{"party":"us","name":"US"},{"party":"iran","name":"Iran"}]}`, "title", "must be a string, got a JSON number"},
		{`{"id":"r1","title":"x","parties":[{"party":"us","name":"US"},{"party":"iran","name":"Iran"}],"colour":"red"}`, "colour", "is not a field of this request"},
		{``, "body", "is empty"},
		{`{"id":"r1",`, "body", "ends before its JSON value does"},
		{`{"id":"r1"}}`, "body", "must be one JSON value"},
	} {
		req := httptest.NewRequest("POST", "/api/v1/talks/rooms", strings.NewReader(c.body))
		req.Header.Set("Authorization", "Bearer "+tokens["mediator"])
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		var e struct {
			Error struct{ Field, Message string }
		}
		_ = json.Unmarshal(rec.Body.Bytes(), &e)
		if rec.Code != 400 || e.Error.Field != c.field || !strings.Contains(e.Error.Message, c.words) || strings.Contains(e.Error.Message, "Go ") {
			t.Errorf("%s: HTTP %d %s, want 400 naming %s: %s", c.body, rec.Code, rec.Body, c.field, c.words)
		}
	}
	if code, m := call(t, s, tokens, "mediator", "GET", "/api/v1/talks/rooms", nil); code != 200 || len(m["rooms"].([]any)) != 0 {
		t.Errorf("after the refusals: HTTP %d, rooms %v", code, m["rooms"])
	}
}
