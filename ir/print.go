package ir

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"strconv"
	"strings"

	"github.com/kiln-nn/kiln/tensor"
)

// The IR text form. One line per value, in definition order:
//
//	model NAME
//	input %image : f32[N,1,28,28]  // lenet5.kiln:3:9
//	param %c1.weight : f32[6,1,5,5] = data(sha256=4f0c…, min=-0.4, max=0.39)  // lenet5.kiln:4:13
//	%c1.conv2d = conv2d %image, %c1.weight, %c1.bias {pad=[2,2]} : f32[N,6,28,28]  // 117,600 MACC  lenet5.kiln:4:13
//	%c1 = relu %c1.conv2d : f32[N,6,28,28]  // lenet5.kiln:4:8
//	output %logits
//
// Attributes equal to their defaults are left out. A parameter's data is
// summarised (its content hash, min and max) unless PrintOptions.Weights
// asks for it whole; constants are always printed whole. The comment at the
// end of a line is the op's MACC and the value's source position; the
// parser reads the position back, so print -> parse -> print is identical.

// PrintOptions control the text form.
type PrintOptions struct {
	Weights bool // print parameter data whole instead of summarised
}

// DataSummary is what the text form records of a tensor it does not print
// whole: a content hash (the first 16 hex digits of the SHA-256 of its
// little-endian bytes) and its smallest and largest elements.
type DataSummary struct {
	Hash     string
	Min, Max float64
}

// Summarize computes a tensor's summary.
func Summarize(t *tensor.Tensor) DataSummary {
	h := sha256.New()
	var buf [4]byte
	lo, hi := math.Inf(1), math.Inf(-1)
	see := func(x float64) {
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	switch t.DType {
	case tensor.F32:
		for _, x := range t.F32 {
			binary.LittleEndian.PutUint32(buf[:], math.Float32bits(x))
			h.Write(buf[:])
			if x == x {
				see(float64(x))
			}
		}
	case tensor.I32:
		for _, x := range t.I32 {
			binary.LittleEndian.PutUint32(buf[:], uint32(x))
			h.Write(buf[:])
			see(float64(x))
		}
	case tensor.I8:
		for _, x := range t.I8 {
			h.Write([]byte{byte(x)})
			see(float64(x))
		}
	case tensor.U8:
		h.Write(t.U8)
		for _, x := range t.U8 {
			see(float64(x))
		}
	}
	if lo > hi { // empty or all NaN
		lo, hi = 0, 0
	}
	return DataSummary{Hash: hex.EncodeToString(h.Sum(nil))[:16], Min: lo, Max: hi}
}

// String prints the summary as the text form does.
func (s DataSummary) String() string {
	return "data(sha256=" + s.Hash + ", min=" + formatF32(float32(s.Min)) + ", max=" + formatF32(float32(s.Max)) + ")"
}

// String prints the graph in the text form, parameters summarised.
func (g *Graph) String() string { return g.Format(PrintOptions{}) }

// Format prints the graph in the text form.
func (g *Graph) Format(opt PrintOptions) string {
	var b strings.Builder
	b.WriteString("model ")
	b.WriteString(g.Name)
	b.WriteString("\n\n")
	for _, v := range g.Values {
		b.WriteString(FormatValue(v, opt))
		b.WriteByte('\n')
	}
	if len(g.Outputs) > 0 {
		b.WriteByte('\n')
	}
	for _, v := range g.Outputs {
		b.WriteString("output ")
		b.WriteString(valueRef(v.Name))
		b.WriteByte('\n')
	}
	return b.String()
}

// FormatValue prints one value's line of the text form.
func FormatValue(v *Value, opt PrintOptions) string {
	var b strings.Builder
	if v.IsSource() {
		b.WriteString(v.Op.Name)
		b.WriteByte(' ')
		b.WriteString(valueRef(v.Name))
	} else {
		b.WriteString(valueRef(v.Name))
		b.WriteString(" = ")
		b.WriteString(v.Op.Name)
		for i, a := range v.Args {
			if i == 0 {
				b.WriteByte(' ')
			} else {
				b.WriteString(", ")
			}
			b.WriteString(valueRef(a.Name))
		}
		b.WriteString(formatAttrs(v))
	}
	b.WriteString(" : ")
	b.WriteString(v.Type.String())
	if v.Quant != nil {
		b.WriteByte(' ')
		b.WriteString(v.Quant.String())
	}
	switch {
	case v.Data != nil && (v.Op == OpConst || opt.Weights):
		b.WriteString(" = ")
		b.WriteString(formatData(v.Data))
	case v.Data != nil:
		b.WriteString(" = ")
		b.WriteString(Summarize(v.Data).String())
	case v.Summary != nil:
		b.WriteString(" = ")
		b.WriteString(v.Summary.String())
	}
	var comment []string
	if m := MACC(v); m > 0 {
		comment = append(comment, Thousands(m)+" MACC")
	}
	if v.Pos.IsValid() {
		comment = append(comment, formatPos(v.Pos.String(), v.Pos.File))
	}
	if len(comment) > 0 {
		b.WriteString("  // ")
		b.WriteString(strings.Join(comment, "  "))
	}
	return b.String()
}

// formatAttrs prints the non-default attributes in schema order.
func formatAttrs(v *Value) string {
	in := argTypes(v.Args)
	var parts []string
	for i := range v.Op.Attrs {
		s := &v.Op.Attrs[i]
		val, ok := v.Attrs[s.Name]
		if !ok || s.IsDefault(val, in) {
			continue
		}
		parts = append(parts, s.Name+"="+formatAttr(val))
	}
	if len(parts) == 0 {
		return ""
	}
	return " {" + strings.Join(parts, ", ") + "}"
}

// valueRef prints a value name as %name, quoting names with characters
// outside [A-Za-z0-9_.].
func valueRef(name string) string {
	if isPlainName(name) {
		return "%" + name
	}
	return "%" + strconv.Quote(name)
}

func isPlainName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !isNameRune(r) {
			return false
		}
	}
	return true
}

func isNameRune(r rune) bool {
	return r == '_' || r == '.' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// formatPos prints a position for the end-of-line comment, quoting the file
// part when it would not read back as one field.
func formatPos(s, file string) string {
	if file == "" || !strings.ContainsAny(file, " \t\"\\") {
		return s
	}
	return strconv.Quote(file) + strings.TrimPrefix(s, file)
}

func formatData(t *tensor.Tensor) string {
	var b strings.Builder
	b.WriteByte('[')
	n := t.Len()
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		switch t.DType {
		case tensor.F32:
			b.WriteString(formatF32(t.F32[i]))
		case tensor.I32:
			b.WriteString(strconv.Itoa(int(t.I32[i])))
		case tensor.I8:
			b.WriteString(strconv.Itoa(int(t.I8[i])))
		case tensor.U8:
			b.WriteString(strconv.Itoa(int(t.U8[i])))
		}
	}
	b.WriteByte(']')
	return b.String()
}

// Thousands prints n with comma separators: 117,600.
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
