package store_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/store"
	"github.com/accordverify/accord/internal/store/storetest"
)

// proxy forwards TCP connections to target until stopped; stop closes the
// listener and every connection, as a database that goes down would.
type proxy struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func newProxy(t *testing.T, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, u)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(u, c); u.Close() }()
			go func() { _, _ = io.Copy(c, u); c.Close() }()
		}
	}()
	t.Cleanup(p.stop)
	return p
}

func (p *proxy) stop() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
}

// When the database goes away, every method of the store says so the same
// way: an outage (ErrorCode "unavailable"), never a bare driver error that
// a caller would take for a bug.
func TestEveryMethodMarksAnOutage(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	p := newProxy(t, u.Host)
	u.Host = p.ln.Addr().String()
	q := u.Query()
	q.Set("connect_timeout", "1")
	u.RawQuery = q.Encode()
	ctx := context.Background()
	s, err := store.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p.stop()

	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	calls := map[string]func() error{
		"SaveChallenge":       func() error { return s.SaveChallenge(ctx, "n", time.Now().Add(time.Minute)) },
		"TakeChallenge":       func() error { _, err := s.TakeChallenge(ctx, "n", time.Now()); return err },
		"SaveToken":           func() error { return s.SaveToken(ctx, record.ReadToken{SHA256: "x", Expires: time.Now()}) },
		"LookupToken":         func() error { _, err := s.LookupToken(ctx, "x"); return err },
		"Index":               func() error { return s.Index(ctx, nil) },
		"Size":                func() error { _, err := s.Size(ctx); return err },
		"Query":               func() error { _, err := s.Query(ctx, record.Filter{}); return err },
		"Get":                 func() error { _, err := s.Get(ctx, 0); return err },
		"All":                 func() error { _, err := s.All(ctx); return err },
		"Reset":               func() error { return s.Reset(ctx) },
		"Reserve":             func() error { _, err := s.Reserve(ctx, record.Claim{ID: "x", SHA256: "x", Token: "x"}); return err },
		"Release":             func() error { return s.Release(ctx, record.Claim{ID: "x", Token: "x"}) },
		"ReleaseReservations": func() error { return s.ReleaseReservations(ctx) },
		"Reservations":        func() error { _, err := s.Reservations(ctx); return err },
		"ProbeWrite":          func() error { return s.ProbeWrite(ctx) },
		"Facts":               func() error { _, err := s.Facts(ctx); return err },
		"SaveRoom":            func() error { return s.SaveRoom(ctx, "r", []byte("{}")) },
		"LoadRoom":            func() error { _, err := s.LoadRoom(ctx, "r"); return err },
		"RoomIDs":             func() error { _, err := s.RoomIDs(ctx); return err },
		"AddMessage":          func() error { return s.AddMessage(ctx, "r", "m1", "us", 1, []byte("{}")) },
		"UpdateMessages": func() error {
			return s.UpdateMessages(ctx, "r", map[string][]byte{"m1": []byte("{}")})
		},
		"Messages":      func() error { _, err := s.Messages(ctx, "r", nil); return err },
		"CountMessages": func() error { _, _, err := s.CountMessages(ctx, "r", "us", 1); return err },
	}
	for name, call := range calls {
		err := call()
		var ue *store.UnavailableError
		if !errors.As(err, &ue) || ue.ErrorCode() != "unavailable" {
			t.Errorf("%s with the database down: %v (%T), want an outage", name, err, err)
		}
	}
}
