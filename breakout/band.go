package breakout

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/accordverify/accord/internal/input"
)

// Defaults of the Monte Carlo band.
const (
	DefaultSamples = 10000
	DefaultSeed    = 1
	// MaxSamples bounds the work one band may ask for.
	MaxSamples = 1_000_000
)

// Uncertainty is the Monte Carlo band of a breakout estimate.
type Uncertainty struct {
	Samples int    `json:"samples"`
	Seed    uint64 `json:"seed"`
	// Varied names the inputs drawn from a range.
	Varied       []string `json:"varied"`
	Distribution string   `json:"distribution"`
	// Days to the first significant quantity; nil where that percentile of
	// the samples never reaches it.
	P10Days *float64 `json:"p10_days"`
	P50Days *float64 `json:"p50_days"`
	P90Days *float64 `json:"p90_days"`
	// UnreachedFraction is the share of samples that never reach the first
	// significant quantity.
	UnreachedFraction   float64     `json:"unreached_fraction"`
	CumulativeSQByMonth MonthlyBand `json:"cumulative_sq_by_month"`
}

// MonthlyBand is the 10th, 50th and 90th percentiles of the cumulative
// significant quantities at the end of each month.
type MonthlyBand struct {
	P10 [Months]float64 `json:"p10"`
	P50 [Months]float64 `json:"p50"`
	P90 [Months]float64 `json:"p90"`
}

// Band draws samples scenarios, every ranged input from a triangular
// distribution (low, central value, high), and returns the 10th, 50th and
// 90th percentiles of the days to the first significant quantity and of
// the monthly cumulative counts. Inputs are independent, except the tails
// of feeds in one default band, which move together (one analyst's
// choice). The same seed gives the same band. It returns nil when no input
// has a range.
func Band(s Scenario, samples int, seed uint64) (*Uncertainty, error) {
	return BandContext(context.Background(), s, samples, seed)
}

// cancelEvery is how many samples are drawn between checks of the context.
const cancelEvery = 256

// BandContext is Band, stopping early when ctx is done: it then returns
// an error wrapping ctx.Err(). The context is checked every few hundred
// samples, so a band stops within a fraction of a millisecond.
func BandContext(ctx context.Context, s Scenario, samples int, seed uint64) (*Uncertainty, error) {
	u, _, err := band(ctx, s, samples, seed)
	return u, err
}

// Samples is BandContext that also returns the days to the first
// significant quantity of every sample (+Inf where a sample never reaches
// it), in no particular order: the distribution a later calculation can
// combine with another (the warning time subtracts a time to detect). The
// days are nil, as is the band, when no input has a range.
func Samples(ctx context.Context, s Scenario, samples int, seed uint64) (*Uncertainty, []float64, error) {
	return band(ctx, s, samples, seed)
}

func band(ctx context.Context, s Scenario, samples int, seed uint64) (*Uncertainty, []float64, error) {
	if samples < 1 || samples > MaxSamples {
		return nil, nil, &input.Error{Field: "samples", Rule: "must be in [1, 1000000]"}
	}
	p, err := compile(s)
	if err != nil {
		return nil, nil, err
	}
	if len(p.varied) == 0 {
		return nil, nil, nil
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	in := p.centralInputs()
	tailsVary := false
	for _, t := range p.tails {
		tailsVary = tailsVary || t.choice.r.varies()
	}
	bandDraw := make([]float64, len(DefaultTails))
	coefs := p.coefs(&in, nil)
	var highCascades []int
	typeDraw := map[string]float64{}
	days := make([]float64, samples)
	monthly := make([][]float64, Months)
	for m := range monthly {
		monthly[m] = make([]float64, samples)
	}
	var months [Months]float64
	unreached := 0
	for i := range samples {
		if i%cancelEvery == 0 && ctx.Err() != nil {
			return nil, nil, fmt.Errorf("breakout: band stopped after %d of %d samples: %w", i, samples, context.Cause(ctx))
		}
		massVaries := false
		for j, r := range p.masses {
			if r.varies() {
				in.masses[j], massVaries = r.draw(rng), true
			}
		}
		if tailsVary {
			for b := range bandDraw {
				bandDraw[b] = rng.Float64()
			}
			for j, t := range p.tails {
				if t.choice.band >= 0 {
					in.tailsPct[j] = t.choice.r.quantile(bandDraw[t.choice.band])
				}
			}
		}
		// One draw per machine type: the same machines perform alike at
		// every site.
		clear(typeDraw)
		for j, g := range p.groups {
			u, ok := typeDraw[g.swuKey]
			if !ok && g.swu.varies() {
				u = rng.Float64()
				typeDraw[g.swuKey] = u
			}
			in.rates[j] = g.swu.quantile(u) * g.efficiency.draw(rng)
		}
		in.cascades = int(math.Round(p.cascades.draw(rng)))
		in.setupDays = p.setup.draw(rng)
		if tailsVary || massVaries {
			coefs = p.coefs(&in, coefs)
		}
		cp := p.capacity(&in, highCascades)
		highCascades = cp.highCascades
		days[i] = p.evaluate(coefs, cp, in.setupDays, &months)
		if math.IsInf(days[i], 1) {
			unreached++
		}
		for m := range months {
			monthly[m][i] = months[m]
		}
	}
	u := &Uncertainty{
		Samples:           samples,
		Seed:              seed,
		Varied:            p.varied,
		Distribution:      "triangular (low, central, high); inputs independent except the tails of feeds in one default band, which move together",
		UnreachedFraction: float64(unreached) / float64(samples),
	}
	q := deciles(days)
	u.P10Days, u.P50Days, u.P90Days = finitePtr(q[0]), finitePtr(q[1]), finitePtr(q[2])
	for m := range monthly {
		q := deciles(monthly[m])
		u.CumulativeSQByMonth.P10[m], u.CumulativeSQByMonth.P50[m], u.CumulativeSQByMonth.P90[m] = q[0], q[1], q[2]
	}
	return u, days, nil
}

// draw samples the triangular distribution; a fixed input returns its
// value without consuming randomness.
func (r ranged) draw(rng *rand.Rand) float64 {
	if !r.varies() {
		return r.mode
	}
	return r.quantile(rng.Float64())
}

// quantile is the inverse of the triangular distribution's cumulative
// distribution function at u in [0, 1).
func (r ranged) quantile(u float64) float64 {
	if !r.varies() {
		return r.mode
	}
	width := r.high - r.low
	if u < (r.mode-r.low)/width {
		return r.low + math.Sqrt(u*width*(r.mode-r.low))
	}
	return r.high - math.Sqrt((1-u)*width*(r.high-r.mode))
}

// median is the median of the triangular distribution.
func (r ranged) median() float64 { return r.quantile(0.5) }

// deciles returns the 10th, 50th and 90th percentiles of xs (reordering
// it): the percentile of a sorted copy, found by selecting only the ranks
// it needs, which costs a few passes instead of a sort.
func deciles(xs []float64) [3]float64 {
	var out [3]float64
	from := 0
	for i, q := range []float64{0.10, 0.50, 0.90} {
		h := q * float64(len(xs)-1)
		lo := int(math.Floor(h))
		// Selection leaves xs[from:lo] no larger and xs[lo+1:] no
		// smaller than xs[lo]; the next rank is the least of the rest.
		selectRank(xs[from:], lo-from)
		from = lo + 1
		v := xs[lo]
		if lo+1 < len(xs) && h > float64(lo) {
			next := slices.Min(xs[lo+1:])
			if math.IsInf(v, 1) || math.IsInf(next, 1) {
				v = math.Inf(1)
			} else {
				v += (h - float64(lo)) * (next - v)
			}
		}
		out[i] = v
	}
	return out
}

// selectRank reorders xs so that xs[k] is the value a sort would put there,
// with no larger value before it and no smaller one after (Hoare's
// selection with a median-of-three pivot).
func selectRank(xs []float64, k int) {
	lo, hi := 0, len(xs)-1
	for hi > lo {
		mid := lo + (hi-lo)/2
		if xs[mid] < xs[lo] {
			xs[mid], xs[lo] = xs[lo], xs[mid]
		}
		if xs[hi] < xs[lo] {
			xs[hi], xs[lo] = xs[lo], xs[hi]
		}
		if xs[hi] < xs[mid] {
			xs[hi], xs[mid] = xs[mid], xs[hi]
		}
		pivot := xs[mid]
		i, j := lo, hi
		for i <= j {
			for xs[i] < pivot {
				i++
			}
			for xs[j] > pivot {
				j--
			}
			if i <= j {
				xs[i], xs[j] = xs[j], xs[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return
		}
	}
}

// percentile interpolates linearly between the closest ranks of sorted (the
// "type 7" definition of R and NumPy); sorted need only hold those two
// ranks in place. It is +Inf when a rank it needs is.
func percentile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		panic(errors.New("breakout: percentile of no samples"))
	}
	h := q * float64(len(sorted)-1)
	lo := int(math.Floor(h))
	hi := min(lo+1, len(sorted)-1)
	if math.IsInf(sorted[lo], 1) || math.IsInf(sorted[hi], 1) {
		if h == float64(lo) && !math.IsInf(sorted[lo], 1) {
			return sorted[lo]
		}
		return math.Inf(1)
	}
	return sorted[lo] + (h-float64(lo))*(sorted[hi]-sorted[lo])
}
