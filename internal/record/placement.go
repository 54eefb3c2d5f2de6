package record

import (
	"crypto/rand"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/oasisprotocol/curve25519-voi/primitives/ed25519"
)

// Ed25519's vector code on x86 can take half as long again where its
// temporaries on the stack fall at the same offset within 4 KiB as the
// library's static tables: the processor tells a load from an earlier
// store by the low 12 bits of their addresses first ("4K aliasing"), and
// holds back loads that only look alike. Where a check lands depends on
// the call path. Measured on Intel Xeon: 26 us a check at most offsets,
// up to 36-41 us at one in ten; the audit's workers landed on a slow one
// and checked each signature about a fifth slower than a loop of checks
// did (BenchmarkVerifyPlacement shows the spread over offsets).
//
// So the checks are placed: once a process has made calibrateAfter checks
// (a short-lived command is not made to wait), it times the same check at
// every offset within 4 KiB, one frame of verifyAt apart, and from then
// on makes every check through as many frames of verifyAt as bring it,
// from wherever the caller's stack is, to the fastest offset. The tables
// do not move while the process runs, so an offset found fast stays fast.
// The check itself is the same at every depth; only where its frame lies
// changes.
var checks placement

// calibrateAfter is how many checks a process makes before it places
// them: the timing (about 7 ms on one core) then costs under a tenth of
// the checks already made.
const calibrateAfter = 4096

// placement is where a process makes its checks.
type placement struct {
	calls atomic.Uint64
	once  sync.Once
	// ready is set once frame and fast hold the calibration.
	ready atomic.Bool
	// frame is how far down the stack one frame of verifyAt moves a
	// check; fast is the offset within 4 KiB, taken at place's anchor,
	// from which that many bytes per frame reach the fastest check.
	frame, fast uintptr
}

// verify is ed25519.VerifyExpandedWithOptions with the key's rules, made
// at the fastest offset once the process has found it.
func (p *placement) verify(key *ed25519.ExpandedPublicKey, msg, sig []byte) bool {
	return p.place(key, msg, sig, -1, nil)
}

// probe reports, for tests and calibration, where a placed check was
// made: the address of place's anchor and of the frame of verifyAt that
// made the check.
type probe struct{ anchor, check uintptr }

// place makes the check depth frames of verifyAt down from here, or, with
// depth -1, as deep as brings it to the fast offset (not at all before
// the calibration).
//
//go:noinline
func (p *placement) place(key *ed25519.ExpandedPublicKey, msg, sig []byte, depth int, at *probe) bool {
	var anchor byte
	here := uintptr(unsafe.Pointer(&anchor))
	if at != nil {
		at.anchor = here
	}
	if depth < 0 {
		depth = 0
		if p.ready.Load() {
			depth = depthFor(here, p.fast, p.frame)
		} else if p.calls.Add(1) == calibrateAfter {
			p.once.Do(p.calibrate)
		}
	}
	return verifyAt(depth, key, msg, sig, at)
}

// offsetAt is the offset within 4 KiB, in place's terms (its anchor less
// the frames of verifyAt), of the check made depth frames down from the
// anchor at here; depthFor is how many frames down from here bring the
// check to offset fast, or to within a frame past it.
func offsetAt(here uintptr, depth int, frame uintptr) uintptr {
	return (here - uintptr(depth)*frame) & 4095
}

func depthFor(here, fast, frame uintptr) int {
	return int(((here - fast) & 4095) / frame)
}

// verifyAt makes the check depth frames of its own below its caller.
//
//go:noinline
func verifyAt(depth int, key *ed25519.ExpandedPublicKey, msg, sig []byte, at *probe) bool {
	if depth > 0 {
		return verifyAt(depth-1, key, msg, sig, at)
	}
	if at != nil {
		var here byte
		at.check = uintptr(unsafe.Pointer(&here))
	}
	return ed25519.VerifyExpandedWithOptions(key, msg, sig, stdlibRules)
}

// calibrate times a check of its own key's signature at every offset
// within 4 KiB and keeps the fastest: the one whose neighbours, a frame
// up and down, are fast too (so that landing within a frame of it is).
// Each offset keeps its best time of several rounds, which the rest of
// the process's work slows only now and then.
func (p *placement) calibrate() {
	key, msg, sig, err := sampleCheck()
	if err != nil {
		return
	}
	var top, below probe
	p.place(key, msg, sig, 0, &top)
	p.place(key, msg, sig, 1, &below)
	frame := top.check - below.check
	if frame == 0 || frame > 4096 {
		return
	}
	n := depthsIn(frame)
	best := make([]time.Duration, n)
	const rounds, each = 3, 2
	for range rounds {
		for d := range n {
			start := time.Now()
			for range each {
				p.place(key, msg, sig, d, nil)
			}
			if t := time.Since(start); best[d] == 0 || t < best[d] {
				best[d] = t
			}
		}
	}
	p.frame, p.fast = frame, offsetAt(top.anchor, fastest(best), frame)
	p.ready.Store(true)
}

// sampleCheck is a fresh key, a message of a record's size (600 bytes)
// and the key's signature of it: the check calibrate times.
func sampleCheck() (*ed25519.ExpandedPublicKey, []byte, []byte, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	key, err := ed25519.NewExpandedPublicKey(pub)
	if err != nil {
		return nil, nil, nil, err
	}
	msg := make([]byte, 600)
	return key, msg, ed25519.Sign(priv, msg), nil
}

// depthsIn is how many depths, frame bytes apart, reach every offset
// within 4 KiB: depthFor answers from 0 to depthsIn(frame)-1.
func depthsIn(frame uintptr) int {
	return int((4096 + frame - 1) / frame)
}

// fastest returns the depth whose time, and its neighbours' (the depths
// wrap around), are the least at their slowest: landing on it or a frame
// beside it is then fast, and one lucky time beside slow ones is not
// taken.
func fastest(best []time.Duration) int {
	n := len(best)
	at, score := 0, time.Duration(-1)
	for d := range n {
		s := max(best[(d+n-1)%n], best[d], best[(d+1)%n])
		if score < 0 || s < score {
			at, score = d, s
		}
	}
	return at
}
