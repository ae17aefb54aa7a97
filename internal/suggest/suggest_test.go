package suggest

import (
	"slices"
	"testing"
)

func TestClosest(t *testing.T) {
	sets := []string{"mnist", "fashion-mnist"}
	for _, tc := range []struct {
		name       string
		candidates []string
		want       []string
	}{
		{"mnistt", sets, []string{"mnist"}},
		{"MNIST", sets, []string{"mnist"}},
		{"fashion_mnist", sets, []string{"fashion-mnist"}},
		{"cifar10", sets, nil},
		{"x", []string{"y"}, nil}, // too short to guess
		{"formt", []string{"format", "force", "format"}, []string{"format"}},
		{"relu6", []string{"relu", "relu6x", "gelu"}, []string{"relu", "relu6x"}},
	} {
		if got := Closest(tc.name, tc.candidates); !slices.Equal(got, tc.want) {
			t.Errorf("Closest(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := DidYouMean("mnistt", sets); got != " (did you mean mnist?)" {
		t.Errorf("DidYouMean = %q", got)
	}
	if got := DidYouMean("cifar10", sets); got != "" {
		t.Errorf("DidYouMean with nothing close = %q", got)
	}
}
