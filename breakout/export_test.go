package breakout

// Deciles and Percentile are exported for tests.
var (
	Deciles     = deciles
	Percentile  = percentile
	StepFactors = stepFactors
)
