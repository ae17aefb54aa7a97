package train

// The training defaults, in one table: the settings training uses where
// neither a train block nor a flag gives one. The train block's reader and
// the command line's flags (and their --help) both take them from here,
// so that a setting means the same wherever it is given.

// Defaults returns the default settings. The loss is left to the task
// (Loss ""), and Teacher holds the distillation defaults, for a teacher
// graph to be added to.
func Defaults() Config {
	return Config{
		Epochs:    10,
		Batch:     64,
		LR:        0.001, // adam's; SGDLR is sgd's
		Optimizer: "adam",
		Momentum:  0.9,
		Schedule:  Schedule{Kind: "constant"},
		Seed:      1,
		Teacher:   &Teacher{Temperature: 4, Hard: 0.5},
	}
}

const (
	// SGDLR is the learning rate of sgd when none is given.
	SGDLR = 0.01
	// StepDecays is how many times a step schedule without every= decays
	// over a run: every epochs/StepDecays epochs (at least 1).
	StepDecays = 3
	// StepGamma is a step schedule's decay factor without gamma=.
	StepGamma = 0.1
)

// Resolve returns s with the parameters left unset (zero) given their
// defaults for a run of epochs. Only a step schedule has parameters.
func (s Schedule) Resolve(epochs int) Schedule {
	if s.Kind != "step" {
		return Schedule{Kind: s.Kind}
	}
	if s.Every == 0 {
		s.Every = max(1, epochs/StepDecays)
	}
	if s.Gamma == 0 {
		s.Gamma = StepGamma
	}
	return s
}
