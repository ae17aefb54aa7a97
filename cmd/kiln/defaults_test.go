package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/pflag"

	"github.com/kiln-nn/kiln/frontend"
	"github.com/kiln-nn/kiln/train"
)

// configFor reads the train configuration of a model whose train block
// holds lines, with the command line args.
func configFor(t *testing.T, lines string, args ...string) (train.Config, error) {
	t.Helper()
	src := "model m {\n  input x: f32[4]\n  output y = dense(x, 3)\n\n  train {\n    data = \"x.npy,y.npy\"\n" + lines + "\n  }\n}\n"
	prog, err := frontend.Compile("m.kiln", []byte(src))
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	fs := pflag.NewFlagSet("train", pflag.ContinueOnError)
	commands["train"].flags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	cfg, _, _, err := trainConfig(prog, fs)
	return cfg, err
}

// TestTrainBlockAndFlagsAgree: a setting means the same in the train block
// and as a flag (defaults included: train.Defaults is the one table both
// read), and a flag given its --help default changes nothing.
func TestTrainBlockAndFlagsAgree(t *testing.T) {
	cases := []struct {
		block string
		flags []string
	}{
		{"", nil},
		{"schedule = step", []string{"--schedule", "step"}},
		{"schedule = step\n    epochs = 9", []string{"--schedule", "step", "--epochs", "9"}},
		{"schedule = cosine", []string{"--schedule", "cosine"}},
		{"schedule = constant", []string{"--schedule", "constant"}},
		{"optimizer = sgd", []string{"--optimizer", "sgd"}},
		{"optimizer = sgd(lr=0.2, momentum=0.5)", []string{"--optimizer", "sgd", "--lr", "0.2", "--momentum", "0.5"}},
		{"lr = 0.05", []string{"--lr", "0.05"}},
		{"epochs = 4", []string{"--epochs", "4"}},
		{"batch = 16", []string{"--batch", "16"}},
		{"seed = 7", []string{"--seed", "7"}},
		{"weight_decay = 0.01", []string{"--weight-decay", "0.01"}},
		{"l1 = 0.001", []string{"--l1", "0.001"}},
		{"validation = 0.2", []string{"--validation", "0.2"}},
		{"validation = 0.2\n    validation_by = time\n    patience = 3\n    metric = logloss", []string{"--validation", "0.2", "--validation-by", "time", "--patience", "3", "--metric", "logloss"}},
		{"validation = 0.2\n    refit = true", []string{"--validation", "0.2", "--refit"}},
		{"validation = 0.2\n    refit = false", []string{"--validation", "0.2"}},
	}
	for _, c := range cases {
		block, err := configFor(t, "    "+c.block)
		if err != nil {
			t.Fatalf("block %q: %v", c.block, err)
		}
		flags, err := configFor(t, "", c.flags...)
		if err != nil {
			t.Fatalf("flags %q: %v", c.flags, err)
		}
		if d := cmp.Diff(block, flags); d != "" {
			t.Errorf("block %q and flags %q differ (-block +flags):\n%s", c.block, strings.Join(c.flags, " "), d)
		}
	}

	step, _ := configFor(t, "    schedule = step\n    epochs = 9")
	if want := (train.Schedule{Kind: "step", Every: 3, Gamma: train.StepGamma}); step.Schedule != want {
		t.Errorf("schedule = step over 9 epochs: %+v, want %+v", step.Schedule, want)
	}
	given, _ := configFor(t, "    schedule = step(every=2, gamma=0.5)", "--epochs", "9")
	if want := (train.Schedule{Kind: "step", Every: 2, Gamma: 0.5}); given.Schedule != want {
		t.Errorf("schedule = step(every=2, gamma=0.5): %+v, want %+v", given.Schedule, want)
	}

	none, _ := configFor(t, "")
	fs := pflag.NewFlagSet("train", pflag.ContinueOnError)
	commands["train"].flags(fs)
	fs.VisitAll(func(f *pflag.Flag) {
		if f.DefValue == "" || f.Name == "workers" {
			return
		}
		cfg, err := configFor(t, "", "--"+f.Name+"="+f.DefValue)
		if err != nil {
			t.Errorf("--%s %s: %v", f.Name, f.DefValue, err)
		} else if d := cmp.Diff(none, cfg); d != "" {
			t.Errorf("--%s %s, its default, changes the configuration:\n%s", f.Name, f.DefValue, d)
		}
	})

	if v, _ := configFor(t, "    validation = 0.25\n    validation_by = time\n    patience = 2\n    metric = auc"); v.Validation != (train.Validation{Fraction: 0.25, ByTime: true, Patience: 2, Metric: "auc"}) {
		t.Errorf("validation settings: %+v", v.Validation)
	}
	// The commands that retrain to prune, share or distil keep the last
	// epoch: they read no validation from the block.
	prog, err := frontend.Compile("m.kiln", []byte("model m {\n  input x: f32[4]\n  output y = dense(x, 3)\n\n  train {\n    data = \"x.npy,y.npy\"\n    validation = 0.2\n    patience = 2\n  }\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	pfs := pflag.NewFlagSet("prune", pflag.ContinueOnError)
	commands["prune"].flags(pfs)
	if cfg, _, _, err := trainConfig(prog, pfs); err != nil || cfg.Validation != (train.Validation{}) {
		t.Errorf("kiln prune's retraining: validation %+v, err %v; want none", cfg.Validation, err)
	}
	for _, c := range []struct {
		block string
		flags []string
		want  string
	}{
		{"validation = 1.5", nil, "validation must be a fraction between 0 and 1"},
		{"", []string{"--validation", "-0.1"}, "validation must be a fraction between 0 and 1"},
		{"patience = 3", nil, "patience, metric, validation_by and refit go with a validation fraction"},
		{"", []string{"--metric", "auc"}, "patience, metric, validation_by and refit go with a validation fraction"},
		{"validation = 0.1", []string{"--validation-by", "users"}, "--validation-by must be random or time"},
		{"validation = 0.1\n    patience = -1", nil, "patience must not be negative"},
		{"refit = true", nil, "patience, metric, validation_by and refit go with a validation fraction"},
		{"", []string{"--refit"}, "patience, metric, validation_by and refit go with a validation fraction"},
	} {
		if _, err := configFor(t, "    "+c.block, c.flags...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("block %q, flags %q: err = %v, want %q", c.block, c.flags, err, c.want)
		}
	}

	for _, bad := range []string{"schedule = step(every=0)", "schedule = step(gamma=0)", "schedule = step(gamma=-1)"} {
		if _, err := configFor(t, "    "+bad); err == nil || !strings.Contains(err.Error(), "m.kiln:7:") {
			t.Errorf("%s: got %v, want a positioned error", bad, err)
		}
	}
}
