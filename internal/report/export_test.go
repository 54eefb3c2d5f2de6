package report

// ChartAxes builds the named chart as drawn on a page and returns the
// end of its time axis and the labels of its y axis ticks.
func (r *Report) ChartAxes(name string) (xmax float64, yticks []string, err error) {
	c, err := r.chart(name, false)
	if err != nil {
		return 0, nil, err
	}
	p := c.p
	for _, t := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
		if t.Label != "" {
			yticks = append(yticks, t.Label)
		}
	}
	return p.X.Max, yticks, nil
}
