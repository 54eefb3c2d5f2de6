package record

import (
	"slices"
	"testing"
	"time"

	"github.com/oasisprotocol/curve25519-voi/primitives/ed25519"
)

// placementKey is the check calibrate times: a fresh key, a message of
// a record's size and its signature.
func placementKey(t testing.TB) (*ed25519.ExpandedPublicKey, []byte, []byte) {
	t.Helper()
	key, msg, sig, err := sampleCheck()
	if err != nil {
		t.Fatal(err)
	}
	return key, msg, sig
}

// calibrated returns a placement that has timed the offsets.
func calibrated(t testing.TB) *placement {
	t.Helper()
	p := &placement{}
	p.once.Do(p.calibrate)
	if !p.ready.Load() || p.frame == 0 {
		t.Fatal("the placement did not calibrate")
	}
	return p
}

// fromDepth calls do from depth frames below its caller (frames of
// another size than verifyAt's, so that the callers' offsets vary).
//
//go:noinline
func fromDepth(depth int, do func()) {
	var pad [24]byte
	pad[depth%len(pad)] = 1
	if depth > 0 {
		fromDepth(depth-1, do)
		return
	}
	do()
}

func TestPlacedCheckAnswersAsTheLibrary(t *testing.T) {
	key, msg, sig := placementKey(t)
	bad := slices.Clone(sig)
	bad[10] ^= 1
	other := slices.Clone(msg)
	other[0] = 1
	p := calibrated(t)
	for _, c := range []struct {
		name     string
		msg, sig []byte
	}{{"valid", msg, sig}, {"signature altered", msg, bad}, {"message altered", other, sig}, {"signature short", msg, sig[:63]}} {
		want := ed25519.VerifyExpandedWithOptions(key, c.msg, c.sig, stdlibRules)
		if want != (c.name == "valid") {
			t.Fatalf("%s: the library says %v", c.name, want)
		}
		for d := range depthsIn(p.frame) {
			if got := p.place(key, c.msg, c.sig, d, nil); got != want {
				t.Fatalf("%s at depth %d: %v, the library %v", c.name, d, got, want)
			}
		}
		if got := p.verify(key, c.msg, c.sig); got != want {
			t.Fatalf("%s placed: %v, the library %v", c.name, got, want)
		}
	}
}

// TestPlacedCheckLandsOnTheFastOffset calls the placed check from callers
// at many depths: each check must be made within a frame of the offset
// the calibration found fastest.
func TestPlacedCheckLandsOnTheFastOffset(t *testing.T) {
	key, msg, sig := placementKey(t)
	p := calibrated(t)
	// Where the check lands, in the anchor's terms: the anchor less the
	// frames between the two.
	var top probe
	p.place(key, msg, sig, 0, &top)
	lead := top.anchor - top.check
	offsets := map[uintptr]bool{}
	for depth := range 200 {
		fromDepth(depth, func() {
			var at probe
			if !p.place(key, msg, sig, -1, &at) {
				t.Fatal("does not verify")
			}
			offsets[at.anchor&4095] = true
			if off := (at.check + lead - p.fast) & 4095; off >= p.frame {
				t.Fatalf("from depth %d the check landed %d bytes from the fast offset, more than a frame (%d)", depth, off, p.frame)
			}
		})
	}
	if len(offsets) < 16 {
		t.Fatalf("the callers stood at %d offsets only: the test does not vary them", len(offsets))
	}
}

// TestPlacementGoesWhereItWasTimed: a check placed at the offset of depth
// k, from the anchor it was timed at, is made at depth k.
func TestPlacementGoesWhereItWasTimed(t *testing.T) {
	key, msg, sig := placementKey(t)
	p := calibrated(t)
	n := depthsIn(p.frame)
	at := make([]probe, n)
	for k := range n {
		p.place(key, msg, sig, k, &at[k])
	}
	for k := range n {
		q := &placement{frame: p.frame, fast: offsetAt(at[k].anchor, k, p.frame)}
		q.ready.Store(true)
		var got probe
		q.place(key, msg, sig, -1, &got)
		if got.anchor != at[k].anchor {
			t.Fatalf("the anchor moved: %#x, then %#x", at[k].anchor, got.anchor)
		}
		if got.check != at[k].check {
			t.Fatalf("placed at the offset of depth %d, the check was made at %#x, not %#x", k, got.check, at[k].check)
		}
	}
}

func TestPlacementWaitsForItsChecks(t *testing.T) {
	key, msg, sig := placementKey(t)
	p := &placement{}
	for i := range calibrateAfter - 1 {
		if !p.verify(key, msg, sig) {
			t.Fatal("does not verify")
		}
		if p.ready.Load() {
			t.Fatalf("placed after %d checks, before %d", i+1, calibrateAfter)
		}
	}
	p.verify(key, msg, sig)
	if !p.ready.Load() {
		t.Fatalf("not placed after %d checks", calibrateAfter)
	}
}

func TestFastestTakesADepthWhoseNeighboursAreFast(t *testing.T) {
	us := func(xs ...int) []time.Duration {
		out := make([]time.Duration, len(xs))
		for i, x := range xs {
			out[i] = time.Duration(x) * time.Microsecond
		}
		return out
	}
	for _, c := range []struct {
		name string
		best []time.Duration
		want int
	}{
		// One lucky time among slow ones is not taken.
		{"lucky time between slow ones", us(40, 40, 26, 40, 40, 28, 28, 28, 40), 6},
		{"slow window", us(34, 27, 27, 27, 27, 34, 41, 34, 27), 2},
		// The depths wrap around: the last's neighbour is the first.
		{"wraps", us(26, 40, 40, 40, 40, 40, 40, 26, 26), 8},
	} {
		if got := fastest(c.best); got != c.want {
			t.Errorf("%s: depth %d, want %d", c.name, got, c.want)
		}
	}
}

// BenchmarkVerifyPlacement makes the same check from callers at depths of
// the stack one frame of fromDepth apart, through 4 KiB: "library" calls
// the library directly, "placed" through the calibrated placement. Each
// reports the fastest, median and slowest check over the depths, and the
// share of depths more than 10 % slower than the fastest. On processors
// with 4K aliasing the library's share is well above 0 and its slowest
// check far slower; placed, every depth should be near the fastest.
func BenchmarkVerifyPlacement(b *testing.B) {
	key, msg, sig := placementKey(b)
	p := calibrated(b)
	// fromDepth's frame: how far apart the callers stand.
	var top, below probe
	fromDepth(0, func() { p.place(key, msg, sig, 0, &top) })
	fromDepth(1, func() { p.place(key, msg, sig, 0, &below) })
	depths := 4096/int(top.anchor-below.anchor) + 1
	for _, c := range []struct {
		name  string
		check func() bool
	}{
		{"library", func() bool { return ed25519.VerifyExpandedWithOptions(key, msg, sig, stdlibRules) }},
		{"placed", func() bool { return p.verify(key, msg, sig) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			took := make([]time.Duration, depths)
			for b.Loop() {
				for d := range depths {
					fromDepth(d, func() {
						start := time.Now()
						if !c.check() {
							b.Fatal("does not verify")
						}
						took[d] += time.Since(start)
					})
				}
			}
			us := make([]float64, depths)
			for d, t := range took {
				us[d] = float64(t.Nanoseconds()) / 1e3 / float64(b.N)
			}
			slices.Sort(us)
			slow := 0
			for _, u := range us {
				if u > 1.1*us[0] {
					slow++
				}
			}
			b.ReportMetric(us[0], "fastest-us")
			b.ReportMetric(us[len(us)/2], "median-us")
			b.ReportMetric(us[len(us)-1], "slowest-us")
			b.ReportMetric(float64(slow)/float64(depths), "share-slower-10pct")
		})
	}
}
