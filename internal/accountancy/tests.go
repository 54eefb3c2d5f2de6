package accountancy

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/mat"

	"github.com/accordverify/accord/internal/input"
)

// Options set the statistical tests.
type Options struct {
	// Alpha is the target false-alarm probability of each test over the
	// whole sequence (default 0.05).
	Alpha float64
	// K is the reference value of Page's test in standard deviations of
	// SITMUF (default 0.5, the rule of thumb for a loss of one standard
	// deviation; reference section 2.4).
	K float64
	// Trials and Seed set the simulations: the threshold of Page's test
	// and the detection probability (defaults 100,000 and 1).
	Trials int
	Seed   uint64
}

func (o Options) withDefaults() Options {
	if o.Alpha == 0 {
		o.Alpha = 0.05
	}
	if o.K == 0 {
		o.K = 0.5
	}
	if o.Trials == 0 {
		o.Trials = 100_000
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	return o
}

// Validate checks the options, with the defaults of those left zero.
func (o Options) Validate() error { return o.withDefaults().check() }

func (o Options) check() error {
	switch {
	case !(o.Alpha > 0 && o.Alpha < 0.5):
		return input.Errorf("alpha", "must be in (0, 0.5), got %v", o.Alpha)
	case !(o.K >= 0 && o.K < 10):
		return input.Errorf("k", "must be in [0, 10), got %v", o.K)
	case o.Trials < 100 || o.Trials > 10_000_000:
		return input.Errorf("trials", "must be in [100, 10000000], got %d", o.Trials)
	}
	return nil
}

// Results are the tests over one sequence of balances.
type Results struct {
	Alpha float64 `json:"alpha"`
	// PeriodAlarms: each balance's MUF test, MUF > z(1-alpha) sigma-MUF.
	PeriodAlarms []bool `json:"-"`
	CUMUF        CUMUF  `json:"cumuf"`
	// ITMUF is each MUF less its expectation given the earlier ones, kg U;
	// SITMUF the same divided by its standard deviation.
	ITMUF  []float64 `json:"itmuf_kg_u"`
	SITMUF []float64 `json:"sitmuf"`
	Page   Page      `json:"page"`
}

// CUMUF is the cumulative MUF at each balance with its standard deviation
// (1ᵀ Σ 1 over the balances so far), and the test of the last one.
type CUMUF struct {
	KgU      []float64 `json:"kg_u"`
	SigmaKgU []float64 `json:"sigma_kg_u"`
	// Alarm: the last CUMUF exceeds z(1-alpha) times its sigma.
	Alarm bool `json:"alarm"`
}

// Page is Page's test (one-sided CUSUM) on SITMUF:
// S_0 = 0, S_i = max(0, S_(i-1) + y_i - k), alarm when S_i > h.
type Page struct {
	K         float64   `json:"k"`
	Threshold float64   `json:"threshold"`
	Statistic []float64 `json:"statistic"`
	// AlarmPeriod is the first balance (0-based) whose statistic exceeds
	// the threshold, nil when none does.
	AlarmPeriod *int `json:"alarm_period"`
}

// ZQuantile is the standard normal quantile of p.
func ZQuantile(p float64) float64 { return math.Sqrt2 * math.Erfinv(2*p-1) }

// BalanceDetectionProbability is the probability that one material
// balance's one-sided MUF test at false-alarm probability alpha alarms
// when lossKg is missing and MUF is normal with standard deviation
// sigmaKg: Φ(loss/σ − z(1−α)), the IAEA's 1 − β for one balance period.
func BalanceDetectionProbability(lossKg, sigmaKg, alpha float64) (float64, error) {
	switch {
	case !(lossKg >= 0) || math.IsInf(lossKg, 0):
		return 0, input.Errorf("loss_kg", "must be a finite mass of 0 kg or more, got %v", lossKg)
	case !(sigmaKg > 0) || math.IsInf(sigmaKg, 0):
		return 0, input.Errorf("sigma_muf_kg", "must be a finite standard deviation above 0 kg, got %v", sigmaKg)
	case !(alpha > 0 && alpha < 1):
		return 0, input.Errorf("alpha", "must be a probability in (0, 1), got %v", alpha)
	}
	z := lossKg/sigmaKg - ZQuantile(1-alpha)
	return 0.5 * math.Erfc(-z/math.Sqrt2), nil
}

// Test runs the tests on s.
func (s *Sequence) Test(o Options) (*Results, error) {
	o = o.withDefaults()
	if err := o.check(); err != nil {
		return nil, err
	}
	muf := s.MUF()
	n := len(muf)
	z := ZQuantile(1 - o.Alpha)
	r := &Results{Alpha: o.Alpha, PeriodAlarms: make([]bool, n)}
	for i, b := range s.Balances {
		r.PeriodAlarms[i] = b.SigmaMUFKgU > 0 && b.MUFKgU > z*b.SigmaMUFKgU
	}
	var cum, varSum float64
	for i := range n {
		cum += muf[i]
		for j := range i + 1 {
			c := s.Cov.At(i, j)
			if j < i {
				c *= 2
			}
			varSum += c
		}
		r.CUMUF.KgU = append(r.CUMUF.KgU, cum)
		r.CUMUF.SigmaKgU = append(r.CUMUF.SigmaKgU, math.Sqrt(varSum))
	}
	r.CUMUF.Alarm = varSum > 0 && cum > z*math.Sqrt(varSum)
	l, err := s.cholesky()
	if err != nil {
		return nil, err
	}
	sit := forward(l, muf)
	r.SITMUF = sit
	// Var(itmuf_i) is the square of the Cholesky factor's diagonal.
	for i, y := range sit {
		r.ITMUF = append(r.ITMUF, y*l.At(i, i))
	}
	h := PageThreshold(n, o.K, o.Alpha, o.Trials, o.Seed)
	r.Page = Page{K: o.K, Threshold: h, Statistic: pageStatistic(sit, o.K)}
	for i, v := range r.Page.Statistic {
		if v > h {
			i := i
			r.Page.AlarmPeriod = &i
			break
		}
	}
	return r, nil
}

// cholesky factors the covariance, naming the balance that has no
// variance when it fails.
func (s *Sequence) cholesky() (*mat.TriDense, error) {
	var ch mat.Cholesky
	if ok := ch.Factorize(s.Cov); !ok {
		for i, b := range s.Balances {
			if b.SigmaMUFKgU == 0 {
				return nil, input.Errorf(fmt.Sprintf("periods[%d]", i), "sigma-MUF is 0: every line of the balance needs a measurement uncertainty")
			}
		}
		return nil, input.Errorf("periods", "the covariance of the balances is not positive definite")
	}
	var l mat.TriDense
	ch.LTo(&l)
	return &l, nil
}

// SITMUF returns the standardized independently transformed MUF: with
// Σ = L Lᵀ, sitmuf = L⁻¹ muf, independent N(0, 1) under no loss (reference
// section 2.3, Picard's Cholesky form). Each value depends only on the
// balances up to it.
func (s *Sequence) SITMUF() ([]float64, error) {
	l, err := s.cholesky()
	if err != nil {
		return nil, err
	}
	return forward(l, s.MUF()), nil
}

// forward solves L y = b for lower-triangular L.
func forward(l *mat.TriDense, b []float64) []float64 {
	n := len(b)
	y := make([]float64, n)
	for i := range n {
		v := b[i]
		for j := range i {
			v -= l.At(i, j) * y[j]
		}
		y[i] = v / l.At(i, i)
	}
	return y
}

func pageStatistic(y []float64, k float64) []float64 {
	out := make([]float64, len(y))
	s := 0.0 // S_0 = 0, and k is subtracted from the first step too
	for i, v := range y {
		s = max(0, s+v-k)
		out[i] = s
	}
	return out
}

type thresholdKey struct {
	n        int
	k, alpha float64
	trials   int
	seed     uint64
}

// thresholds memoizes PageThreshold, a pure function of its key, for the
// process; at most maxThresholds keys are kept, so that callers who vary
// the options cannot grow it without bound.
var (
	thresholds    sync.Map // thresholdKey -> float64
	thresholdsN   atomic.Int64
	maxThresholds int64 = 256
)

// PageThreshold returns h such that Page's test with reference value k on
// n independent N(0, 1) values (SITMUF with no loss) alarms with
// probability alpha: the 1-alpha quantile of max_i S_i over trials
// simulated sequences. Results are cached for the process.
func PageThreshold(n int, k, alpha float64, trials int, seed uint64) float64 {
	key := thresholdKey{n, k, alpha, trials, seed}
	if h, ok := thresholds.Load(key); ok {
		return h.(float64)
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	maxes := make([]float64, trials)
	for t := range maxes {
		s, m := 0.0, 0.0
		for range n {
			s = max(0, s+rng.NormFloat64()-k)
			m = max(m, s)
		}
		maxes[t] = m
	}
	slices.Sort(maxes)
	h := quantile(maxes, 1-alpha)
	if thresholdsN.Add(1) <= maxThresholds {
		thresholds.Store(key, h)
	}
	return h
}

// quantile of sorted values, linear between order statistics.
func quantile(sorted []float64, p float64) float64 {
	pos := p * float64(len(sorted)-1)
	i := int(pos)
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (pos-float64(i))*(sorted[i+1]-sorted[i])
}

// Loss is a diversion to detect: abrupt (all of KgU taken in balance
// Period) or protracted (KgU spread evenly over every balance).
type Loss struct {
	Kind   string  `json:"kind"`
	KgU    float64 `json:"kg_u"`
	Period int     `json:"period,omitempty"`
}

// ParseLoss reads a loss to detect: abrupt:KG_U@PERIOD (periods count
// from 1) or protracted:KG_U, in kg U (not significant quantities). Bad
// input is an *input.Error of the field detect, the flag that takes it.
func ParseLoss(s string) (Loss, error) {
	d, err := ParseDiversion(s)
	if err != nil || d.SQ > 0 {
		return Loss{}, input.Errorf("detect", "want abrupt:KG_U@PERIOD or protracted:KG_U in kg U, got %q", s)
	}
	return Loss{Kind: d.Kind, KgU: d.KgU, Period: max(d.Month-1, 0)}, nil
}

// Vector is the loss's expected MUF in each of n balances.
func (l Loss) Vector(n int) ([]float64, error) {
	if math.IsNaN(l.KgU) || l.KgU <= 0 || math.IsInf(l.KgU, 0) {
		return nil, input.Errorf("loss.kg_u", "must be a mass > 0 kg U, got %v", l.KgU)
	}
	v := make([]float64, n)
	switch l.Kind {
	case "abrupt":
		if l.Period < 0 || l.Period >= n {
			return nil, input.Errorf("loss.period", "must be a balance in [0, %d], got %d", n-1, l.Period)
		}
		v[l.Period] = l.KgU
	case "protracted":
		for i := range v {
			v[i] = l.KgU / float64(n)
		}
	default:
		return nil, input.Errorf("loss.kind", "must be abrupt or protracted, got %q", l.Kind)
	}
	return v, nil
}

// DetectionProbability is the probability that Page's test on SITMUF
// alarms within the sequence when loss is taken, by Monte Carlo: under
// the loss, sitmuf = z + L⁻¹ loss with z independent N(0, 1).
func (s *Sequence) DetectionProbability(loss Loss, o Options) (float64, error) {
	o = o.withDefaults()
	if err := o.check(); err != nil {
		return 0, err
	}
	n := len(s.Balances)
	v, err := loss.Vector(n)
	if err != nil {
		return 0, err
	}
	l, err := s.cholesky()
	if err != nil {
		return 0, err
	}
	w := forward(l, v)
	h := PageThreshold(n, o.K, o.Alpha, o.Trials, o.Seed)
	rng := rand.New(rand.NewPCG(o.Seed, 0xd7))
	hits := 0
	for range o.Trials {
		st := 0.0
		for i := range n {
			st = max(0, st+rng.NormFloat64()+w[i]-o.K)
			if st > h {
				hits++
				break
			}
		}
	}
	return float64(hits) / float64(o.Trials), nil
}
