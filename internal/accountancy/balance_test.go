package accountancy_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/accordverify/accord/internal/accountancy"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/input"
)

// table has one method per KMP so each test sets its own uncertainties.
func table(rr, sr float64) accountancy.Table {
	u := accountancy.Uncertainty{RandomRSD: rr, SystematicRSD: sr}
	return accountancy.Table{Name: "test", Methods: map[string]accountancy.Uncertainty{"in": u, "out": u, "inv": u, "out2": u}}
}

// periods builds n monthly balances with one input, one output and one
// inventory KMP; the inventory measured at the end of a period begins the
// next.
func periods(in, out, inv []float64) []accountancy.Period {
	d := calendar.MustParse("2016-01-01")
	var ps []accountancy.Period
	for i := range in {
		p := accountancy.Period{From: d.AddDays(30 * i), To: d.AddDays(30 * (i + 1)),
			Begin:     []accountancy.Line{{ID: fmt.Sprint("inv-", i), KMP: "C", Method: "inv", KgU: inv[i]}},
			Increases: []accountancy.Line{{ID: fmt.Sprint("in-", i), KMP: "I", Method: "in", KgU: in[i]}},
			Decreases: []accountancy.Line{{ID: fmt.Sprint("out-", i), KMP: "O", Method: "out", KgU: out[i]}},
			End:       []accountancy.Line{{ID: fmt.Sprint("inv-", i+1), KMP: "C", Method: "inv", KgU: inv[i+1]}},
		}
		ps = append(ps, p)
	}
	return ps
}

func evaluate(t *testing.T, ps []accountancy.Period, tb accountancy.Table) *accountancy.Sequence {
	t.Helper()
	s, err := accountancy.Evaluate(ps, tb)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The balance lines follow the MBR's order: book = begin + increases -
// decreases; adjusted book adds the SRD; MUF = adjusted book - ending
// physical (NSSPI MUF page: MUF = (PB + X - Y) - PE).
func TestBalanceArithmetic(t *testing.T) {
	ps := periods([]float64{100}, []float64{90}, []float64{50, 58})
	ps[0].SRDKgU = -1
	b := evaluate(t, ps, table(0.01, 0.01)).Balances[0]
	if b.BookKgU != 60 || b.AdjustedBookKgU != 59 || b.EndKgU != 58 || b.MUFKgU != 1 {
		t.Errorf("book %v, adjusted %v, end %v, MUF %v; want 60, 59, 58, 1", b.BookKgU, b.AdjustedBookKgU, b.EndKgU, b.MUFKgU)
	}
}

// The covariance equals the reference's closed forms (section 2.2) for one
// input, one output and one inventory KMP, systematic errors shared over
// the whole sequence:
//
//	σ_ii = (I_i² + O_i²)(δR²+δS²) + (C_i² + C_(i-1)²)(δR²+δS²) - 2 C_(i-1) C_i δS²
//	σ_ij = I_i I_j δS² + O_i O_j δS² + (C_i C_j + C_(i-1) C_(j-1)) δS²
//	       - C_i C_(j-1) (δS² + [j-1=i] δR²) - C_(i-1) C_j (δS² + [i-1=j] δR²)
func TestCovarianceMatchesTheReference(t *testing.T) {
	in := []float64{100, 120, 90, 110}
	out := []float64{95, 118, 92, 105}
	inv := []float64{50, 55, 57, 55, 60}
	rr, sr := 0.02, 0.01
	s := evaluate(t, periods(in, out, inv), table(rr, sr))
	R, S := rr*rr, sr*sr
	iv := func(b bool) float64 {
		if b {
			return 1
		}
		return 0
	}
	for i := range in {
		for j := range in {
			c, cp := inv[i+1], inv[i]
			d, dp := inv[j+1], inv[j]
			var want float64
			if i == j {
				want = (in[i]*in[i]+out[i]*out[i])*(R+S) + (c*c+cp*cp)*(R+S) - 2*cp*c*S
			} else {
				// The reference's C_i is the ending inventory of balance i.
				want = in[i]*in[j]*S + out[i]*out[j]*S + (c*d+cp*dp)*S - c*dp*(S+iv(j-1 == i)*R) - cp*d*(S+iv(i-1 == j)*R)
			}
			if got := s.Cov.At(i, j); math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
				t.Errorf("cov(%d, %d) = %v, want %v", i, j, got, want)
			}
		}
	}
}

// MAPIT quirk 4: its SEMUF leaves out the shared systematic term of an
// inventory measured at both ends of a balance. With only a constant
// inventory, the systematic errors cancel: σ² = 2 C² δR², not
// 2 C² (δR² + δS²).
func TestInventorySystematicErrorsCancel(t *testing.T) {
	s := evaluate(t, periods([]float64{0}, []float64{0}, []float64{1000, 1000}), table(0.01, 0.05))
	want := math.Sqrt(2 * 1000 * 1000 * 0.01 * 0.01)
	if got := s.Balances[0].SigmaMUFKgU; math.Abs(got-want) > 1e-9 {
		t.Errorf("sigma-MUF = %v, want %v (systematic terms cancel)", got, want)
	}
}

// MAPIT quirk 3: only the last output location counted. Every decrease
// counts, in the balance and in its variance.
func TestEveryOutputCounts(t *testing.T) {
	ps := periods([]float64{100}, []float64{40}, []float64{0, 0})
	ps[0].Decreases = append(ps[0].Decreases, accountancy.Line{ID: "out2-0", KMP: "O2", Method: "out2", KgU: 60})
	s := evaluate(t, ps, table(0.01, 0)) // random only: the lines are independent
	b := s.Balances[0]
	want := math.Sqrt((100*100 + 40*40 + 60*60) * 0.01 * 0.01)
	if b.DecreasesKgU != 100 || b.MUFKgU != 0 || math.Abs(b.SigmaMUFKgU-want) > 1e-9 {
		t.Errorf("decreases %v, MUF %v, sigma %v; want 100, 0, %v", b.DecreasesKgU, b.MUFKgU, b.SigmaMUFKgU, want)
	}
}

// MAPIT quirk 2: with calibration periods, the tail segment kept a 100 %
// systematic error, and δS = 0 left it at 100 % everywhere. Here a zero
// systematic uncertainty adds nothing, and measurements of different
// calibration periods share no systematic error.
func TestCalibrationPeriods(t *testing.T) {
	ps := periods([]float64{100, 100}, []float64{100, 100}, []float64{0, 0, 0})
	none := evaluate(t, ps, table(0.01, 0))
	if c := none.Cov.At(0, 1); c != 0 {
		t.Errorf("δS = 0: cov(0, 1) = %v, want 0", c)
	}
	if v := none.Cov.At(1, 1); math.Abs(v-2*100*100*0.0001) > 1e-9 {
		t.Errorf("δS = 0: var = %v, want the random part %v", v, 2*100*100*0.0001)
	}
	ps[1].Increases[0].Calibration, ps[1].Decreases[0].Calibration = 1, 1
	recal := evaluate(t, ps, table(0.01, 0.02))
	if c := recal.Cov.At(0, 1); c != 0 {
		t.Errorf("recalibrated between the balances: cov(0, 1) = %v, want 0", c)
	}
	same := evaluate(t, periods([]float64{100, 100}, []float64{100, 100}, []float64{0, 0, 0}), table(0.01, 0.02))
	if c := same.Cov.At(0, 1); c <= 0 {
		t.Errorf("one calibration period: cov(0, 1) = %v, want > 0", c)
	}
}

// MAPIT quirk 5: its first balance's MUF was always zero. A loss in the
// first balance shows in the first MUF.
func TestFirstBalanceCounts(t *testing.T) {
	s := evaluate(t, periods([]float64{100, 100}, []float64{100, 100}, []float64{50, 40, 40}), table(0.01, 0.01))
	if m := s.Balances[0].MUFKgU; m != 10 {
		t.Errorf("first MUF = %v, want 10", m)
	}
}

// MAPIT quirk 1 (and the bug fixed in its commit 56774a1): Page's
// statistic starts at S_0 = 0 and subtracts k from the first step too, and
// it accumulates the statistic, not the previous observation.
func TestPageRecursion(t *testing.T) {
	muf := []float64{1, 1, 1, -3, 2}
	s := &accountancy.Sequence{Cov: mat.NewSymDense(5, nil)}
	for i, m := range muf {
		s.Balances = append(s.Balances, accountancy.Balance{MUFKgU: m, SigmaMUFKgU: 1})
		s.Cov.SetSym(i, i, 1)
	}
	r, err := s.Test(accountancy.Options{K: 0.5, Trials: 1000})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0.5, 1, 1.5, 0, 1.5}
	for i, w := range want {
		if math.Abs(r.Page.Statistic[i]-w) > 1e-12 {
			t.Fatalf("Page statistic = %v, want %v", r.Page.Statistic, want)
		}
	}
}

// SITMUF by Cholesky equals the incremental conditional form at every
// prefix (reference section 5.5): itmuf_i = muf_i - σᵀ Σ⁻¹ muf_(1:i-1),
// divided by the square root of its variance.
func TestSITMUFEqualsTheConditionalForm(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	in, out, inv := make([]float64, 8), make([]float64, 8), make([]float64, 9)
	for i := range in {
		in[i], out[i] = 100+20*rng.Float64(), 100+20*rng.Float64()
	}
	for i := range inv {
		inv[i] = 40 + 10*rng.Float64()
	}
	s := evaluate(t, periods(in, out, inv), table(0.01, 0.005))
	sit, err := s.SITMUF()
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Test(accountancy.Options{Trials: 1000})
	if err != nil {
		t.Fatal(err)
	}
	muf := s.MUF()
	for i := range muf {
		var itmuf, v float64
		if i == 0 {
			itmuf, v = muf[0], s.Cov.At(0, 0)
		} else {
			prev := mat.NewSymDense(i, nil)
			sig := mat.NewVecDense(i, nil)
			for a := range i {
				sig.SetVec(a, s.Cov.At(a, i))
				for b := a; b < i; b++ {
					prev.SetSym(a, b, s.Cov.At(a, b))
				}
			}
			var inv mat.Dense
			if err := inv.Inverse(prev); err != nil {
				t.Fatal(err)
			}
			var w mat.VecDense
			w.MulVec(&inv, sig)
			itmuf, v = muf[i]-mat.Dot(&w, mat.NewVecDense(i, muf[:i])), s.Cov.At(i, i)-mat.Dot(&w, sig)
		}
		if want := itmuf / math.Sqrt(v); math.Abs(sit[i]-want) > 1e-9 {
			t.Errorf("sitmuf[%d] = %v, conditional form %v", i, sit[i], want)
		}
		if math.Abs(res.ITMUF[i]-itmuf) > 1e-9*math.Max(1, math.Abs(itmuf)) {
			t.Errorf("itmuf[%d] = %v, conditional form %v", i, res.ITMUF[i], itmuf)
		}
	}
}

// With one balance, Page's test is the one-sided MUF test and the
// detection probability has a closed form: DP = Φ(M/σ - z(1-α)); M = 3.29σ
// gives 95 % at α = 5 % (reference sections 1.9, 5.5).
func TestDetectionProbabilityOneBalance(t *testing.T) {
	s := evaluate(t, periods([]float64{1000}, []float64{1000}, []float64{0, 0}), table(0.01, 0))
	sigma := s.Balances[0].SigmaMUFKgU
	for _, c := range []struct{ m, want float64 }{{3.29, 0.95}, {2.93, 0.90}, {1.645, 0.5}} {
		dp, err := s.DetectionProbability(accountancy.Loss{Kind: "abrupt", KgU: c.m * sigma}, accountancy.Options{Trials: 200_000})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(dp-c.want) > 0.006 {
			t.Errorf("M = %gσ: DP = %.4f, want %.2f", c.m, dp, c.want)
		}
	}
}

// Bad input names the field and the rule.
func TestBadInputNamesTheField(t *testing.T) {
	ps := periods([]float64{1, 1}, []float64{1, 1}, []float64{0, 0, 0})
	cases := map[string]func([]accountancy.Period){
		"periods[1].increases[0].kg_u":   func(p []accountancy.Period) { p[1].Increases[0].KgU = -1 },
		"periods[0].decreases[0].method": func(p []accountancy.Period) { p[0].Decreases[0].Method = "guess" },
		"periods[1].from":                func(p []accountancy.Period) { p[1].From = p[1].From.AddDays(1) },
		"periods[0].to":                  func(p []accountancy.Period) { p[0].To = p[0].From },
		"periods[0].srd_kg_u":            func(p []accountancy.Period) { p[0].SRDKgU = math.NaN() },
	}
	for field, mutate := range cases {
		p := periods([]float64{1, 1}, []float64{1, 1}, []float64{0, 0, 0})
		mutate(p)
		_, err := accountancy.Evaluate(p, table(0.01, 0.01))
		var ie *input.Error
		if !errors.As(err, &ie) || ie.Field != field {
			t.Errorf("%s: got %v", field, err)
		}
	}
	if _, err := accountancy.Evaluate(ps, accountancy.Table{Name: "empty"}); err == nil {
		t.Error("a table without the methods passed")
	}
}
