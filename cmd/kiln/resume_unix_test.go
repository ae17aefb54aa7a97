//go:build unix

package main

import (
	"bytes"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

const dropoutModel = `model drop {
  input x: f32[4]
  h = relu(dense(x, 16))
  output logits = dense(dropout(h, 0.3), 3)

  train {
    data = "x.npy,y.npy"
    epochs = 3
    batch = 8
    schedule = cosine
  }
}
`

// TestTrainInterruptAndResume interrupts training with a real SIGINT
// after the first of three epochs: no final file, a checkpoint that says
// where the run stopped, a message saying how to resume; resuming gives
// the very bytes of a run that was never interrupted. For SGD with
// momentum and for Adam, on a model with dropout.
func TestTrainInterruptAndResume(t *testing.T) {
	t.Chdir(t.TempDir())
	os.WriteFile("m.kiln", []byte(dropoutModel), 0o644)
	tinyData(t, ".", nil)
	for _, opt := range []string{"sgd", "adam"} {
		code, _, stderr := kiln("train", "m.kiln", "--optimizer", opt, "-o", "full.safetensors")
		if code != 0 {
			t.Fatalf("%s: uninterrupted run: exit %d\n%s", opt, code, stderr)
		}
		want, _ := os.ReadFile("full.safetensors")

		sent := false
		testHookCheckpoint = func(path string, stopping func() bool) {
			if sent {
				return
			}
			sent = true
			syscall.Kill(os.Getpid(), syscall.SIGINT)
			for deadline := time.Now().Add(10 * time.Second); !stopping(); time.Sleep(time.Millisecond) {
				if time.Now().After(deadline) {
					t.Errorf("%s: the interrupt did not reach the training", opt)
					return
				}
			}
		}
		code, _, stderr = kiln("train", "m.kiln", "--optimizer", opt, "-o", "w.safetensors")
		testHookCheckpoint = nil
		resume := "kiln train m.kiln --optimizer " + opt + " -o w.safetensors --resume w.epoch1.safetensors"
		msg := "training stopped after epoch 1 of 3 (interrupt)\nthe run so far is in w.epoch1.safetensors; to resume it:\n  " + resume + "\n"
		if code != 1 || !strings.HasSuffix(stderr, msg) {
			t.Errorf("%s: interrupted run: exit %d, stderr:\n%s\nwant it to end with:\n%s", opt, code, stderr, msg)
		}
		if _, err := os.Stat("w.safetensors"); !os.IsNotExist(err) {
			t.Errorf("%s: the interrupted run left a file under the final name", opt)
		}
		if _, err := os.Stat("w.epoch1.safetensors"); err != nil {
			t.Fatalf("%s: no checkpoint: %v", opt, err)
		}

		// Starting over would destroy the checkpoint: refused.
		code, _, stderr = kiln("train", "m.kiln", "--optimizer", opt, "-o", "w.safetensors")
		if code != 1 || !strings.Contains(stderr, "w.epoch1.safetensors: a checkpoint of an earlier run of w.safetensors exists: resume that run with --resume w.epoch1.safetensors, or start over with --force") {
			t.Errorf("%s: a new run over a checkpoint: exit %d, stderr %q", opt, code, stderr)
		}
		// Other settings: refused, naming the checkpoint and the setting.
		code, _, stderr = kiln("train", "m.kiln", "--optimizer", opt, "--lr", "0.5", "-o", "w.safetensors", "--resume", "w.epoch1.safetensors")
		if code != 1 || !strings.Contains(stderr, "kiln train: w.epoch1.safetensors: cannot resume: the checkpoint does not fit the settings of this run") || !strings.Contains(stderr, "\nlr: the checkpoint's run has ") {
			t.Errorf("%s: resume with another lr: exit %d, stderr %q", opt, code, stderr)
		}
		// A checkpoint serves as weights.
		if code, _, stderr := kiln("eval", "m.kiln", "-w", "w.epoch1.safetensors"); code != 0 {
			t.Errorf("%s: eval of the checkpoint: exit %d, stderr %q", opt, code, stderr)
		}

		code, stdout, stderr := kiln(strings.Fields(resume)[1:]...)
		if code != 0 || !strings.Contains(stderr, "resuming from w.epoch1.safetensors, after epoch 1 of 3\n") || !strings.Contains(stdout, "trained 3 epochs (resumed after epoch 1 of 3) in ") {
			t.Fatalf("%s: resume: exit %d\n%s%s", opt, code, stdout, stderr)
		}
		if got, _ := os.ReadFile("w.safetensors"); !bytes.Equal(got, want) {
			t.Errorf("%s: the resumed run's weights differ from the uninterrupted run's", opt)
		}
		if left := checkpointsOf("w.safetensors"); len(left) > 0 {
			t.Errorf("%s: checkpoints left after the run finished: %v", opt, left)
		}
		os.Remove("w.safetensors")
	}
}
