package warning

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/accordverify/accord/internal/accountancy"
	"github.com/accordverify/accord/internal/input"
)

// ModelVersion names the time-to-detect model; every estimate carries it
// so that a figure can be recomputed and contested.
const ModelVersion = "accord.warning.time-to-detect/v1"

// DefaultConfirm is the time from a detection to a report the Board of
// Governors can act on.
var DefaultConfirm = Range{Low: 1, High: 14}

// ConfirmBasis is where DefaultConfirm comes from.
const ConfirmBasis = "from detection to a report to the IAEA Board of Governors: 1 to 14 days (assumed range); in the public case of an unannounced inspection at Fordow on 21 January 2023, the report to the Board followed on 1 February 2023, 11 days later (reported by AFP and Reuters)"

// DefaultAlpha is the false-alarm probability of a material balance test
// (safeguards tests are commonly tuned to 5 % a year).
const DefaultAlpha = 0.05

// Defaults of the Monte Carlo.
const (
	DefaultSamples = 10000
	DefaultSeed    = 1
	MaxSamples     = 1_000_000
)

// DetectOptions set the time-to-detect model.
type DetectOptions struct {
	Samples int
	Seed    uint64
	// Confirm is the time from detection to a report; nil is
	// DefaultConfirm.
	Confirm *Range
	// LossKgU is the material a breakout takes out of the balance (its
	// feed); 0 or less leaves accountancy activities out, since their
	// probability cannot be computed.
	LossKgU float64
	// Alpha is the balance test's false-alarm probability; 0 is
	// DefaultAlpha.
	Alpha float64
}

func (o DetectOptions) normalize() (DetectOptions, error) {
	if o.Samples == 0 {
		o.Samples = DefaultSamples
	}
	if o.Samples < 1 || o.Samples > MaxSamples {
		return o, input.Errorf("samples", "must be in [1, %d], got %d", MaxSamples, o.Samples)
	}
	if o.Confirm == nil {
		c := DefaultConfirm
		o.Confirm = &c
	}
	if !(o.Confirm.Low >= 0 && o.Confirm.High >= o.Confirm.Low) || math.IsInf(o.Confirm.High, 0) {
		return o, input.Errorf("confirm_days", "must be a range of days with 0 <= low <= high, got %v to %v", o.Confirm.Low, o.Confirm.High)
	}
	if o.Alpha == 0 {
		o.Alpha = DefaultAlpha
	}
	return o, nil
}

// Quantiles are the 10th, 50th and 90th percentiles of a distribution of
// days; nil where that percentile is infinite (never detected, or no
// warning at all).
type Quantiles struct {
	P10 *float64 `json:"p10"`
	P50 *float64 `json:"p50"`
	P90 *float64 `json:"p90"`
}

// Detection is the distribution of the time to detect a breakout at the
// declared plants, from its start to a report to the Board.
type Detection struct {
	Quantiles
	// NeverFraction is the share of samples in which no activity in force
	// detects the breakout.
	NeverFraction float64 `json:"never_fraction"`
	// Activities are the activities counted, with their state and, for
	// accountancy, the computed probability.
	Activities []ActivityAt `json:"activities"`
	Confirm    Range        `json:"confirm_days"`
	Samples    int          `json:"samples"`
	Seed       uint64       `json:"seed"`
	// days are the samples, +Inf where nothing detects.
	days []float64
}

// Detect draws the time to detect under the activities of r that can see
// a breakout at the declared plants. For each sample and activity: a
// continuous activity sees the breakout after its latency with its
// probability (else never); a periodic one at its next occurrence, a
// uniform phase within its period, then one period more for each
// occurrence that misses it. The time to detect is the earliest of them
// plus the time to confirm and report.
//
// Each activity draws from its own random stream (seeded by the seed and
// its id), and its draws do not depend on its inputs' values: so the same
// seed compares regimes sample by sample, and a more frequent or more
// capable activity never detects later, a lost one never earlier.
func Detect(r Regime, o DetectOptions) (*Detection, error) {
	o, err := o.normalize()
	if err != nil {
		return nil, err
	}
	d := &Detection{Confirm: *o.Confirm, Samples: o.Samples, Seed: o.Seed, Activities: []ActivityAt{}}
	type counted struct {
		act ActivityAt
		p   float64 // fixed probability (accountancy), else -1
		rng *rand.Rand
	}
	var acts []counted
	for _, a := range r.InForce() {
		c := counted{act: a, p: -1, rng: rand.New(rand.NewPCG(o.Seed, streamOf(a.ID)))}
		if a.Kind == Accountancy {
			if o.LossKgU <= 0 {
				continue
			}
			p, err := accountancy.BalanceDetectionProbability(o.LossKgU, a.SigmaMUFKgU, o.Alpha)
			if err != nil {
				return nil, err
			}
			c.p, c.act.Probability = p, &p
		}
		acts = append(acts, c)
		d.Activities = append(d.Activities, c.act)
	}
	confirm := rand.New(rand.NewPCG(o.Seed, streamOf("confirm")))
	d.days = make([]float64, o.Samples)
	never := 0
	for i := range d.days {
		best := math.Inf(1)
		for _, c := range acts {
			// Four draws per activity and sample, whatever its kind.
			u1, u2, u3, u4 := c.rng.Float64(), c.rng.Float64(), c.rng.Float64(), 1-c.rng.Float64()
			p := c.p
			if p < 0 {
				p = draw(*c.act.Detect, u2)
			}
			var t float64
			switch c.act.Kind {
			case Continuous:
				if u3 >= p {
					continue
				}
				t = draw(*c.act.Latency, u1)
			default:
				period := draw(*c.act.Period, u1)
				misses := 0.0
				switch {
				case p <= 0:
					continue
				case p < 1:
					misses = math.Floor(math.Log(u4) / math.Log1p(-p))
				}
				t = u3*period + misses*period
			}
			best = min(best, t)
		}
		c := confirm.Float64()
		if math.IsInf(best, 1) {
			never++
			d.days[i] = best
			continue
		}
		d.days[i] = best + draw(*o.Confirm, c)
	}
	d.NeverFraction = float64(never) / float64(o.Samples)
	d.Quantiles = quantiles(d.days)
	return d, nil
}

// Mean is the mean time to detect, or nil when some sample never detects.
func (d *Detection) Mean() *float64 {
	sum := 0.0
	for _, v := range d.days {
		sum += v
	}
	return finite(sum / float64(len(d.days)))
}

func streamOf(id string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return h.Sum64()
}

// quantiles are the type-7 percentiles of xs (sorting a copy).
func quantiles(xs []float64) Quantiles {
	s := slices.Clone(xs)
	slices.Sort(s)
	at := func(q float64) *float64 {
		h := q * float64(len(s)-1)
		lo := int(math.Floor(h))
		hi := min(lo+1, len(s)-1)
		if h == float64(lo) {
			return finite(s[lo])
		}
		return finite(s[lo] + (h-float64(lo))*(s[hi]-s[lo]))
	}
	return Quantiles{P10: at(0.1), P50: at(0.5), P90: at(0.9)}
}

func finite(v float64) *float64 {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return nil
	}
	return &v
}
