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

// TestEvalConfusion: --confusion adds, under a classifier's score, a row
// per label whose counts add up to the examples scored and whose diagonal
// is the accuracy, from the float model and from its bytecode alike;
// without the flag, or for a binary model, there is no table.
func TestEvalConfusion(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "m.kiln")
	os.WriteFile(model, []byte(tinyModel), 0o644)
	tinyData(t, dir, nil)
	spec := filepath.Join(dir, "x.npy") + "," + filepath.Join(dir, "y.npy")
	w, kbcFile := filepath.Join(dir, "w.safetensors"), filepath.Join(dir, "m.kbc")
	if code, _, stderr := kiln("train", model, "-o", w); code != 0 {
		t.Fatalf("train: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := kiln("build", model, "-w", w, "-o", kbcFile); code != 0 {
		t.Fatalf("build: exit %d\n%s", code, stderr)
	}
	for _, args := range [][]string{{model, "-w", w, "--data", spec}, {kbcFile, "--data", spec}} {
		code, stdout, stderr := kiln(append([]string{"eval", "--confusion"}, args...)...)
		lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
		if code != 0 || len(lines) != 5 || !strings.HasPrefix(lines[1], "label \\ chosen") {
			t.Fatalf("eval --confusion %s: exit %d, want a score, a head and 3 rows\n%s%s", args[0], code, stdout, stderr)
		}
		var acc float64
		var n int
		if _, err := fmt.Sscanf(lines[0][strings.Index(lines[0], "accuracy "):], "accuracy %f%% (%d examples)", &acc, &n); err != nil {
			t.Fatalf("score line %q: %v", lines[0], err)
		}
		total, diagonal := 0, 0
		for i, row := range lines[2:] {
			f := strings.Fields(row)
			if len(f) != 5 || f[0] != fmt.Sprint(i) {
				t.Fatalf("row %d: %q", i, row)
			}
			for j, c := range f[1:4] {
				var k int
				fmt.Sscan(c, &k)
				total += k
				if j == i {
					diagonal += k
				}
			}
		}
		if total != n || fmt.Sprintf("%.2f", 100*float64(diagonal)/float64(n)) != fmt.Sprintf("%.2f", acc) {
			t.Errorf("%s: rows add up to %d with %d on the diagonal; the score says %d examples, %.2f%%\n%s", args[0], total, diagonal, n, acc, stdout)
		}
		code, stdout, _ = kiln(append([]string{"eval"}, args...)...)
		if code != 0 || strings.Count(stdout, "\n") != 1 {
			t.Errorf("eval %s without --confusion:\n%s", args[0], stdout)
		}
	}
	clicks := filepath.Join(dir, "clicks.kiln")
	os.WriteFile(clicks, []byte(strings.Replace(clicksModel, "OUTPUT", "output click = sigmoid(dense(h, 1))", 1)), 0o644)
	clicksData(t, dir)
	cw := filepath.Join(dir, "c.safetensors")
	if code, _, stderr := kiln("train", clicks, "-o", cw); code != 0 {
		t.Fatalf("train clicks: exit %d\n%s", code, stderr)
	}
	if code, stdout, stderr := kiln("eval", "--confusion", clicks, "-w", cw); code != 0 || strings.Count(stdout, "\n") != 1 || !strings.Contains(stdout, "AUC ") {
		t.Errorf("eval --confusion of a binary model: exit %d\n%s%s", code, stdout, stderr)
	}
}
