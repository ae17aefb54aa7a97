package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/internal/kbc"
	"github.com/kiln-nn/kiln/tensor"
)

// clicksModel is a MovieLens click model; OUTPUT is its last line.
const clicksModel = `model clicks {
  input fields: i32[3]
  emb = embedding(fields, vocab=11, dim=4)
  h = relu(dense(flatten(emb), 8))
  OUTPUT

  train {
    data = "movielens:r.csv"
    epochs = 3
    batch = 4
  }
}
`

// clicksData writes a MovieLens file of 4 users who each rate 5 movies of
// 2 genres; each user's last rating, the held-out part, is positive for
// two users and negative for the other two.
func clicksData(t *testing.T, dir string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("movieId,genres,userId,rating,timestamp\n")
	for u := 1; u <= 4; u++ {
		for m := 1; m <= 5; m++ {
			genre := "Action"
			if m%2 == 0 {
				genre = "Drama"
			}
			fmt.Fprintf(&b, "%d,%s,%d,%d,%d\n", m, genre, u, (u+m)%5+1, m)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "r.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestEvalKBC: kiln eval on a .kbc scores it on the VM exactly as kiln
// build --eval does, for every task, and a binary model's output is read
// as a probability after a sigmoid and as a logit otherwise.
func TestEvalKBC(t *testing.T) {
	cases := []struct {
		name, model string
		setup       func(t *testing.T, dir string) (spec string)
		metric      string
	}{
		{"classes", tinyModel, func(t *testing.T, dir string) string {
			tinyData(t, dir, nil)
			return filepath.Join(dir, "x.npy") + "," + filepath.Join(dir, "y.npy")
		}, "accuracy "},
		{"probability", strings.Replace(clicksModel, "OUTPUT", "output click = sigmoid(dense(h, 1))", 1), func(t *testing.T, dir string) string {
			clicksData(t, dir)
			return "movielens:" + filepath.Join(dir, "r.csv")
		}, "AUC "},
		{"logit", strings.Replace(clicksModel, "OUTPUT", "output click = dense(h, 1)", 1), func(t *testing.T, dir string) string {
			clicksData(t, dir)
			return "movielens:" + filepath.Join(dir, "r.csv")
		}, "AUC "},
		{"regression", strings.Replace(tinyModel, "output logits = dense(h, 3)", "output y = dense(h, 2)", 1), func(t *testing.T, dir string) string {
			tinyData(t, dir, nil)
			y := tensor.New(tensor.F32, 48, 2)
			for i := range y.F32 {
				y.F32[i] = float32(i%5) / 4
			}
			if err := data.SaveNPY(filepath.Join(dir, "y.npy"), y); err != nil {
				t.Fatal(err)
			}
			return filepath.Join(dir, "x.npy") + "," + filepath.Join(dir, "y.npy")
		}, "RMSE "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			model := filepath.Join(dir, "m.kiln")
			os.WriteFile(model, []byte(c.model), 0o644)
			spec := c.setup(t, dir)
			w, kbc := filepath.Join(dir, "w.safetensors"), filepath.Join(dir, "m.kbc")
			if code, _, stderr := kiln("train", model, "-o", w); code != 0 {
				t.Fatalf("train: exit %d\n%s", code, stderr)
			}
			code, stdout, stderr := kiln("build", model, "-w", w, "-o", kbc, "--eval")
			_, built, _ := strings.Cut(stdout, "int8  ")
			if code != 0 || !strings.HasPrefix(built, c.metric) {
				t.Fatalf("build --eval: exit %d\n%s%s", code, stdout, stderr)
			}
			code, stdout, stderr = kiln("eval", kbc, "--data", spec)
			name := strings.Fields(c.model)[1]
			head, score, _ := strings.Cut(stdout, ": ")
			if code != 0 || !strings.HasPrefix(head, name+" on "+spec+", ") || score != built {
				t.Errorf("eval MODEL.kbc: exit %d\n%s%s\nwant the score of build --eval: %s", code, stdout, stderr, built)
			}
		})
	}
}

// TestEvalKBCUsage: a .kbc holds its weights and names no data set. The
// usage is checked before the file is loaded: it need only be recognized as
// a .kbc, by its magic.
func TestEvalKBCUsage(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.WriteFile("m.kbc", []byte(kbc.Magic+"not loaded"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"eval", "m.kbc"},
		{"eval", "m.kbc", "--data", "x.npy,y.npy", "-w", "w.safetensors"},
		{"run", "m.kbc", "--input", "x.npy", "-w", "w.safetensors"},
	} {
		code, _, stderr := kiln(args...)
		if code != 2 || !strings.Contains(stderr, "usage: kiln "+args[0]) {
			t.Errorf("%q: exit %d, stderr %q", args, code, stderr)
		}
	}
}
