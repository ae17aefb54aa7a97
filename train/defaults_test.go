package train

import "testing"

func TestScheduleResolve(t *testing.T) {
	for _, c := range []struct {
		in     Schedule
		epochs int
		want   Schedule
	}{
		{Schedule{Kind: "step"}, 10, Schedule{Kind: "step", Every: 3, Gamma: StepGamma}},
		{Schedule{Kind: "step"}, 2, Schedule{Kind: "step", Every: 1, Gamma: StepGamma}},
		{Schedule{Kind: "step", Every: 4, Gamma: 0.5}, 10, Schedule{Kind: "step", Every: 4, Gamma: 0.5}},
		{Schedule{Kind: "cosine", Every: 4}, 10, Schedule{Kind: "cosine"}},
		{Defaults().Schedule, 10, Schedule{Kind: "constant"}},
	} {
		if got := c.in.Resolve(c.epochs); got != c.want {
			t.Errorf("%+v over %d epochs: %+v, want %+v", c.in, c.epochs, got, c.want)
		}
	}
}
