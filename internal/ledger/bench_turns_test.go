package ledger_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/transparency-dev/tessera"

	"github.com/accordverify/accord/internal/cputime"
	"github.com/accordverify/accord/internal/record"
)

// turnSize is how many entries each side appends in one turn of
// BenchmarkAppendTurns: 16 of tessera's batches, a fraction of a second.
const turnSize = 16 * 256

// BenchmarkAppendTurns measures what BenchmarkAppend does, bare tessera,
// the registry's signature check on both cores and signed appends, but
// in turns of turnSize entries each, one side after the other, so that
// every ratio compares figures measured within the same second or so.
// On these shared machines the speed of the processors drifts by a third
// or more from one minute to the next (steal time, neighbours), which
// sequential sub-benchmarks measure as if it were the code's doing. The
// order of the three rotates from turn to turn. The figures reported are
// the medians over the turns of each turn's ratio or difference
// (x-bare-rate: signed entries a second against bare in the same turn;
// overhead-us/entry: a signed entry's processor time beyond the check's
// and the bare entry's of the same turn), and the rates over all turns.
func BenchmarkAppendTurns(b *testing.B) {
	f := newFixture(b, 0)
	all := records(b, f, b.N+bundleFill)
	fill, entries := all[:bundleFill], all[bundleFill:]
	_, msgs, sigs := signatures(b, f.iaea.vkey, entries)
	v, err := record.NewVerifier(f.iaea.vkey)
	if err != nil {
		b.Fatal(err)
	}

	ctx := context.Background()
	bare := bareAppender(b, f)
	signed := signedLog(b, f, fill, nil)

	type side struct {
		name string
		run  func(lo, hi int) error
	}
	sides := []side{
		{"bare", func(lo, hi int) error {
			return concurrently(entries[lo:hi], func(e []byte) error {
				_, err := bare.Add(ctx, tessera.NewEntry(e))()
				return err
			})
		}},
		{"check", func(lo, hi int) error {
			return onEveryCore(hi-lo, func(i int) error {
				if !v.Verify(msgs[lo+i], sigs[lo+i]) {
					return fmt.Errorf("signature %d does not verify", lo+i)
				}
				return nil
			})
		}},
		{"signed", func(lo, hi int) error {
			return concurrently(entries[lo:hi], func(e []byte) error {
				_, err := signed.Append(ctx, e)
				return err
			})
		}},
	}
	type turn struct{ wall, cpu [3]time.Duration }
	var turns []turn
	var total turn
	b.ResetTimer()
	for lo := 0; lo < len(entries); lo += turnSize {
		hi := min(lo+turnSize, len(entries))
		var t turn
		for k := range sides {
			j := (k + len(turns)) % len(sides)
			start, cpu := time.Now(), cputime.Used()
			if err := sides[j].run(lo, hi); err != nil {
				b.Fatalf("%s: %v", sides[j].name, err)
			}
			t.wall[j], t.cpu[j] = time.Since(start), cputime.Used()-cpu
			total.wall[j] += t.wall[j]
			total.cpu[j] += t.cpu[j]
		}
		// Only whole turns count in the medians.
		if hi-lo == turnSize {
			turns = append(turns, t)
		}
	}
	b.StopTimer()
	if len(turns) == 0 {
		return
	}
	us := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 / turnSize }
	median := func(of func(t turn) float64) float64 {
		xs := make([]float64, len(turns))
		for i, t := range turns {
			xs[i] = of(t)
		}
		return median(xs)
	}
	const bareSide, checkSide, signedSide = 0, 1, 2
	rate := func(j int) float64 { return float64(len(entries)) / total.wall[j].Seconds() }
	b.ReportMetric(rate(bareSide), "bare-entries/s")
	b.ReportMetric(rate(signedSide), "signed-entries/s")
	b.ReportMetric(median(func(t turn) float64 { return us(t.cpu[bareSide]) }), "bare-cpu-us")
	b.ReportMetric(median(func(t turn) float64 { return us(t.cpu[checkSide]) }), "check-cpu-us")
	b.ReportMetric(median(func(t turn) float64 { return us(t.cpu[signedSide]) }), "signed-cpu-us")
	b.ReportMetric(median(func(t turn) float64 {
		return us(t.cpu[signedSide]) - us(t.cpu[checkSide]) - us(t.cpu[bareSide])
	}), "overhead-us/entry")
	b.ReportMetric(median(func(t turn) float64 {
		return t.wall[bareSide].Seconds() / t.wall[signedSide].Seconds()
	}), "x-bare-rate")
	b.ReportMetric(total.cpu[signedSide].Seconds()/total.wall[signedSide].Seconds()/float64(runtime.NumCPU()), "signed-cpu-share")
	b.ReportMetric(float64(len(turns)), "turns")
}

// median is the middle of xs (the upper one of an even count); it sorts xs.
func median(xs []float64) float64 {
	slices.Sort(xs)
	return xs[len(xs)/2]
}
