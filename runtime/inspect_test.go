package runtime

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestDisassembleFits: at a width of 100 every line fits, long tensor
// names included (such a name goes alone on its line); the legend
// explains every column; counts have thousands separators. At width 0
// each instruction is one line with its parameters.
func TestDisassembleFits(t *testing.T) {
	for _, file := range []string{"tiny.kbc", "ops.kbc", "coded.kbc"} {
		for _, long := range []bool{false, true} {
			m := loadTestdata(t, file, nil)
			if long {
				for i := range m.tensors {
					m.tensors[i].name = strings.Repeat("long_name_", 4) + m.tensors[i].name
				}
			}
			var b strings.Builder
			m.Disassemble(&b, 100)
			out := b.String()
			for _, line := range strings.Split(out, "\n") {
				f := strings.Fields(line)
				oneName := len(f) == 1 || len(f) == 2 && f[1] == "<-"
				if n := utf8.RuneCountInString(line); n > 100 && !oneName {
					t.Errorf("%s (long names %v): a line of %d runes:\n%s", file, long, n, line)
				}
			}
			for _, want := range []string{"legend:", "\n  q(s, z) ", "zero point", "\n  MACC ", "\n  bytes ", "\n  offset ", "\n  storage ", "\n  parameters ", "\n  source ", "\n  coded "} {
				if !strings.Contains(out, want) {
					t.Errorf("%s: the disassembly lacks %q:\n%s", file, want, out)
				}
			}
			if !regexp.MustCompile(`\n +#  +op  .*\n +parameters\n`).MatchString(out) {
				t.Errorf("%s: the code's heading lacks a line for the parameters:\n%s", file, out)
			}
			var wide strings.Builder
			m.Disassemble(&wide, 0)
			_, code, _ := strings.Cut(wide.String(), "\ncode:\n")
			code, _, _ = strings.Cut(code, "\n\n")
			if lines := strings.Split(code, "\n"); len(lines) != len(m.code)+1 {
				t.Errorf("%s: --wide prints %d code lines for %d instructions:\n%s", file, len(lines)-1, len(m.code), code)
			}
		}
	}
	m := loadTestdata(t, "ops.kbc", nil)
	var b strings.Builder
	m.Disassemble(&b, 100)
	// ops.kbc holds a few thousand bytes of constants and a 4,608-byte
	// tensor: both must be written with a thousands separator.
	for _, want := range []string{`constants: \d,\d{3} bytes`, `  4,608  `} {
		if !regexp.MustCompile(want).MatchString(b.String()) {
			t.Errorf("ops.kbc: no %q in\n%s", want, b.String())
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 7: "7", 999: "999", 1000: "1,000", -1234: "-1,234", 1234567: "1,234,567", -100000: "-100,000"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestDisassembleFileBytes: the listing accounts for every byte of the
// file, its sections and their framing adding up to its size.
func TestDisassembleFileBytes(t *testing.T) {
	for _, name := range []string{"tiny.kbc", "coded.kbc", "ops.kbc"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		m, err := Load(b, nil)
		if err != nil {
			t.Fatal(err)
		}
		var text strings.Builder
		m.Disassemble(&text, 0)
		var line string
		for _, l := range strings.Split(text.String(), "\n") {
			if strings.HasPrefix(l, "file: ") {
				line = l
			}
		}
		total, parts, ok := strings.Cut(strings.TrimPrefix(line, "file: "), " bytes = ")
		if !ok {
			t.Fatalf("%s: no file line in the listing", name)
		}
		number := func(s string) int {
			n, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
			if err != nil {
				t.Fatalf("%s: %q in %q is not a number", name, s, line)
			}
			return n
		}
		sum := 0
		for _, part := range strings.Split(parts, " + ") {
			fields := strings.Fields(part)
			sum += number(fields[len(fields)-1])
		}
		if number(total) != len(b) || sum != len(b) {
			t.Errorf("%s: %q: the file has %d bytes, the parts add up to %d", name, line, len(b), sum)
		}
		for _, sec := range []string{"STRINGS", "MODEL", "TENSORS", "CONST", "CODE", "DEBUG"} {
			if !strings.Contains(line, sec+" ") {
				t.Errorf("%s: section %s missing from %q", name, sec, line)
			}
		}
	}
}

// TestTableOverlongCell: a capped cell that reaches the next column's
// start (no gap left) sends the rest of its row to the next line, never
// glues two cells together.
func TestTableOverlongCell(t *testing.T) {
	// The column is 4 wide ("name"; longer cells exceed the cap of 4), so
	// the next starts at 6: a 5-rune cell leaves one space, a 6-rune one
	// none, a 7-rune one runs past.
	for _, name := range []string{"abcde", "abcdef", "abcdefg"} {
		tb := &table{head: []string{"name", "type"}, caps: []int{0: 4}, rows: []row{{cells: []string{"ab", "i8[1]"}}, {cells: []string{name, "i32[16]"}}}}
		var b strings.Builder
		tb.write(&b, "", 80)
		if strings.Contains(b.String(), name+"i32") || strings.Contains(b.String(), name+" i32") {
			t.Errorf("%s: the cell runs into the next one:\n%s", name, b.String())
		}
		if !strings.Contains(b.String(), name+"\n") {
			t.Errorf("%s: the rest of the row is not on the next line:\n%s", name, b.String())
		}
	}
}
