package server

import (
	"html/template"
	"time"

	"github.com/accordverify/accord/internal/report"
)

// RoomLocksHeld is how many rooms have a lock in use, for tests that check
// that long work holds up no room.
func (s *Server) RoomLocksHeld() int { return s.roomLocks.held() }

// SetStateTTL sets how long a read of the log's state serves the requests
// that follow it (0: every request reads it), for tests that change the
// log between requests.
func (s *Server) SetStateTTL(d time.Duration) { s.memo.ttl = d }

// CiteLinks is the pages' links to the report's sources ns.
func CiteLinks(r *report.Report, ns []int) template.HTML { return citeLinks(r, ns) }
