// Package accountancy keeps material balances the way safeguards
// inspectors do: per material balance area and balance period, the book
// inventory from the beginning physical inventory and the inventory
// changes, the material unaccounted for (MUF) against the ending physical
// inventory, and its standard deviation by error propagation; then the
// sequential tests (CUMUF, SITMUF, Page's test) with thresholds set for a
// target false-alarm probability, and the detection probability of a loss.
//
// The measurement-error model is multiplicative (shared reference
// safeguards-accountancy.md section 2.2): a measured value is
// x(1 + r + s), r a random error drawn for each measurement and s a
// systematic error shared by every measurement of one key measurement
// point, method and calibration period. The covariance of the balances is
// built from that model directly, measurement by measurement, so an
// inventory measured once enters both the balance it ends and the one it
// begins, with its systematic and random terms (the term MAPIT's SEMUF
// leaves out, reference section 3.1 quirk 4).
//
// Everything here is pure and deterministic for a given seed.
package accountancy

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/input"
)

// Line is one measured quantity in a balance: an inventory change or an
// item of a physical inventory.
type Line struct {
	// ID identifies the measurement: a physical inventory measured once
	// ends one balance and begins the next under the same ID.
	ID string `json:"id"`
	// KMP is the key measurement point; Method the measurement method,
	// looked up in the uncertainty table.
	KMP    string  `json:"kmp"`
	Method string  `json:"method"`
	KgU    float64 `json:"kg_u"`
	// Calibration numbers the calibration period of the measurement: the
	// systematic error is shared by the measurements of one KMP, method
	// and calibration period.
	Calibration int `json:"calibration,omitempty"`
}

// Period is one material balance period of one area.
type Period struct {
	From      calendar.Date `json:"from"`
	To        calendar.Date `json:"to"`
	Begin     []Line        `json:"beginning_inventory"`
	Increases []Line        `json:"increases"`
	Decreases []Line        `json:"decreases"`
	End       []Line        `json:"ending_inventory"`
	// SRDKgU is the shipper/receiver difference of the period's receipts:
	// the receiver's measurement minus the shipper's statement, in kg U.
	// Increases are booked at the shipper's figures; the adjusted book
	// inventory adds the difference.
	SRDKgU float64 `json:"srd_kg_u"`
}

// Balance is the material balance of one period.
type Balance struct {
	From            calendar.Date `json:"from"`
	To              calendar.Date `json:"to"`
	BeginKgU        float64       `json:"beginning_kg_u"`
	IncreasesKgU    float64       `json:"increases_kg_u"`
	DecreasesKgU    float64       `json:"decreases_kg_u"`
	BookKgU         float64       `json:"ending_book_kg_u"`
	SRDKgU          float64       `json:"srd_kg_u"`
	AdjustedBookKgU float64       `json:"adjusted_book_kg_u"`
	EndKgU          float64       `json:"ending_physical_kg_u"`
	// MUFKgU is the adjusted book inventory minus the ending physical
	// inventory: positive when material is missing.
	MUFKgU      float64 `json:"muf_kg_u"`
	SigmaMUFKgU float64 `json:"sigma_muf_kg_u"`
}

// Sequence is the balances of one area in order with their covariance.
type Sequence struct {
	Balances []Balance
	// Cov is the covariance of the MUFs, kg U squared.
	Cov *mat.SymDense
}

// MUF returns the MUF of every balance.
func (s *Sequence) MUF() []float64 {
	out := make([]float64, len(s.Balances))
	for i, b := range s.Balances {
		out[i] = b.MUFKgU
	}
	return out
}

// term is one measurement's place in a balance: coefficient +1 (beginning
// inventory, increases) or -1 (decreases, ending inventory).
type term struct {
	line  Line
	coeff float64
	u     Uncertainty
}

type group struct {
	kmp, method string
	cal         int
}

// Evaluate computes the balances of periods (consecutive, one area) and
// their covariance under the uncertainties of t.
func Evaluate(periods []Period, t Table) (*Sequence, error) {
	n := len(periods)
	if n == 0 {
		return nil, input.Errorf("periods", "at least one balance period is needed")
	}
	seq := &Sequence{Balances: make([]Balance, n), Cov: mat.NewSymDense(n, nil)}
	terms := make([][]term, n)
	for i, p := range periods {
		field := func() string { return fmt.Sprintf("periods[%d]", i) }
		if !p.From.Before(p.To) {
			return nil, input.Errorf(field()+".to", "must be after from (%s), got %s", p.From, p.To)
		}
		if i > 0 && !p.From.Equal(periods[i-1].To) {
			return nil, input.Errorf(field()+".from", "must be the previous period's end %s, got %s", periods[i-1].To, p.From)
		}
		if math.IsNaN(p.SRDKgU) || math.IsInf(p.SRDKgU, 0) {
			return nil, input.Errorf(field()+".srd_kg_u", "must be a number, got %v", p.SRDKgU)
		}
		b := Balance{From: p.From, To: p.To, SRDKgU: p.SRDKgU}
		for _, part := range []struct {
			name  string
			lines []Line
			coeff float64
			sum   *float64
		}{{"beginning_inventory", p.Begin, 1, &b.BeginKgU}, {"increases", p.Increases, 1, &b.IncreasesKgU},
			{"decreases", p.Decreases, -1, &b.DecreasesKgU}, {"ending_inventory", p.End, -1, &b.EndKgU}} {
			for j, l := range part.lines {
				lf := func() string { return fmt.Sprintf("%s.%s[%d]", field(), part.name, j) }
				if math.IsNaN(l.KgU) || math.IsInf(l.KgU, 0) || l.KgU < 0 {
					return nil, input.Errorf(lf()+".kg_u", "must be a mass >= 0 kg U, got %v", l.KgU)
				}
				if l.ID == "" || l.KMP == "" {
					return nil, input.Errorf(lf(), "needs an id and a kmp")
				}
				u, ok := t.Methods[l.Method]
				if !ok {
					return nil, input.Errorf(lf()+".method", "no uncertainty for method %q in the table %q", l.Method, t.Name)
				}
				*part.sum += l.KgU
				terms[i] = append(terms[i], term{line: l, coeff: part.coeff, u: u})
			}
		}
		b.BookKgU = b.BeginKgU + b.IncreasesKgU - b.DecreasesKgU
		b.AdjustedBookKgU = b.BookKgU + b.SRDKgU
		b.MUFKgU = b.AdjustedBookKgU - b.EndKgU
		seq.Balances[i] = b
	}
	// Systematic terms: for each group, the vector of its coefficient-
	// weighted masses over the balances; Cov += δS² v vᵀ.
	sys := map[group][]float64{}
	var order []group
	// Random terms: a measurement shared by balances contributes
	// c_i c_j x² δR² to their covariance.
	type shared struct {
		idx   []int
		coeff []float64
		x, rr float64
	}
	meas := map[string]*shared{}
	var measOrder []string
	for i, ts := range terms {
		for _, t := range ts {
			g := group{t.line.KMP, t.line.Method, t.line.Calibration}
			v, ok := sys[g]
			if !ok {
				v = make([]float64, n)
				sys[g] = v
				order = append(order, g)
			}
			v[i] += t.coeff * t.line.KgU * t.u.SystematicRSD
			m, ok := meas[t.line.ID]
			if !ok {
				m = &shared{x: t.line.KgU, rr: t.u.RandomRSD}
				meas[t.line.ID] = m
				measOrder = append(measOrder, t.line.ID)
			} else if m.x != t.line.KgU {
				return nil, input.Errorf(fmt.Sprintf("periods[%d]", i), "measurement %q appears with two masses, %v and %v kg U", t.line.ID, m.x, t.line.KgU)
			}
			m.idx = append(m.idx, i)
			m.coeff = append(m.coeff, t.coeff)
		}
	}
	// Accumulate in a plain array: a group is non-zero only in the
	// balances of its calibration period, so each touches few cells.
	cov := make([]float64, n*n)
	nz := make([]int, 0, n)
	for _, g := range order {
		v := sys[g]
		nz = nz[:0]
		for i := range n {
			if v[i] != 0 {
				nz = append(nz, i)
			}
		}
		for a, i := range nz {
			for _, j := range nz[a:] {
				cov[i*n+j] += v[i] * v[j]
			}
		}
	}
	for _, id := range measOrder {
		m := meas[id]
		r2 := m.x * m.x * m.rr * m.rr
		for a := range m.idx {
			for b := a; b < len(m.idx); b++ {
				i, j := m.idx[a], m.idx[b]
				c := m.coeff[a] * m.coeff[b] * r2
				if i == j && a != b {
					c *= 2 // the same measurement twice in one balance
				}
				if i > j {
					i, j = j, i
				}
				cov[i*n+j] += c
			}
		}
	}
	for i := range n {
		for j := i; j < n; j++ {
			seq.Cov.SetSym(i, j, cov[i*n+j])
		}
	}
	for i := range seq.Balances {
		seq.Balances[i].SigmaMUFKgU = math.Sqrt(seq.Cov.At(i, i))
	}
	return seq, nil
}
