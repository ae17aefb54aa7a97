package frontend

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/kiln-nn/kiln/ir"
	"github.com/kiln-nn/kiln/lang"
	"github.com/kiln-nn/kiln/tensor"
)

// Describe writes a float graph back as a .kiln model: one binding per
// computed value, every layer with the attributes that size its
// parameters, and the weights under the names that file's parameters
// will have (<binding>.<operand>), so that checking the text and binding
// the weights gives the same graph. It is how an imported model (kiln
// import) becomes an editable description. A constant operand must be a
// number: the language has no tensor literals.
func Describe(g *ir.Graph) ([]byte, map[string]*tensor.Tensor, error) {
	var b strings.Builder
	weights := map[string]*tensor.Tensor{}
	names := map[*ir.Value]string{}
	taken := map[string]bool{}
	name := func(v *ir.Value) string {
		n := Identifier(v.Name)
		for k := 1; taken[n]; k++ {
			n = fmt.Sprintf("%s_%d", Identifier(v.Name), k)
		}
		taken[n] = true
		names[v] = n
		return n
	}
	fmt.Fprintf(&b, "model %s {\n", Identifier(g.Name))
	var problems []string
	for _, v := range g.Values {
		switch {
		case v.Op == ir.OpInput:
			dims := make([]string, len(v.Type.Dims))
			for d, n := range v.Type.Dims {
				dims[d] = strconv.Itoa(n)
			}
			fmt.Fprintf(&b, "  input %s: %s[%s]\n", name(v), v.Type.DType, strings.Join(dims, ", "))
		case v.IsSource():
			// Parameters go with their layer; constants are written
			// where they are used.
		default:
			binding := name(v)
			call, err := describeValue(v, binding, names, weights)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s (%s): %v", v.Name, v.Op.Name, err))
				continue
			}
			fmt.Fprintf(&b, "  %s = %s\n", binding, call)
		}
	}
	for _, o := range g.Outputs {
		if o.Op == ir.OpInput {
			problems = append(problems, fmt.Sprintf("output %s is an input", o.Name))
			continue
		}
		fmt.Fprintf(&b, "  output %s\n", names[o])
	}
	b.WriteString("}\n")
	if len(problems) > 0 {
		return nil, nil, fmt.Errorf("the model has no .kiln form:\n  %s", strings.Join(problems, "\n  "))
	}
	return []byte(b.String()), weights, nil
}

// describeValue writes one computed value as a call; its parameters'
// data goes to weights under the names the call will give them.
func describeValue(v *ir.Value, binding string, names map[*ir.Value]string, weights map[string]*tensor.Tensor) (string, error) {
	op := v.Op
	var args []string
	for i, a := range v.Args {
		spec := op.Operands[min(i, len(op.Operands)-1)]
		switch {
		case spec.Param:
			if a.Op != ir.OpParam || a.Data == nil {
				return "", fmt.Errorf("operand %s is not a bound parameter", spec.Name)
			}
			weights[binding+"."+spec.Name] = a.Data
		case a.Op == ir.OpConst:
			if a.Data.Len() != 1 || a.Data.DType != tensor.F32 {
				return "", fmt.Errorf("operand %s is a constant tensor %v; the language writes only number constants", a.Name, a.Type)
			}
			// float32's shortest form reads back as the same float32.
			args = append(args, strconv.FormatFloat(float64(a.Data.F32[0]), 'g', -1, 32))
		case a.Op == ir.OpParam:
			return "", fmt.Errorf("operand %s is a parameter outside a layer", a.Name)
		default:
			args = append(args, names[a])
		}
	}
	for _, spec := range op.Attrs {
		val, ok := v.Attrs[spec.Name]
		if !ok || spec.Default != nil && reflect.DeepEqual(normalise(val), normalise(spec.Default)) {
			continue
		}
		args = append(args, spec.Name+"="+formatAttr(val))
	}
	if op.Layer != nil {
		layer, err := layerAttrsOf(v)
		if err != nil {
			return "", err
		}
		args = append(args, layer...)
	}
	return op.Name + "(" + strings.Join(args, ", ") + ")", nil
}

// layerAttrsOf recovers the layer attributes that size v's parameters.
func layerAttrsOf(v *ir.Value) ([]string, error) {
	hasBias := false
	var weight *ir.Value
	for i, a := range v.Args {
		switch v.Op.Operands[min(i, len(v.Op.Operands)-1)].Name {
		case "bias":
			hasBias = true
		case "weight":
			weight = a
		}
	}
	var out []string
	for _, spec := range v.Op.Layer.Attrs {
		switch spec.Name {
		case "units", "filters":
			out = append(out, fmt.Sprintf("%s=%d", spec.Name, weight.Type.Dims[0]))
		case "kernel":
			out = append(out, "kernel="+formatAttr(weight.Type.Dims[2:]))
		case "vocab":
			out = append(out, fmt.Sprintf("vocab=%d", weight.Type.Dims[0]))
		case "dim":
			out = append(out, fmt.Sprintf("dim=%d", weight.Type.Dims[len(weight.Type.Dims)-1]))
		case "bias":
			if !hasBias {
				out = append(out, "bias=false")
			}
		default:
			return nil, fmt.Errorf("layer attribute %s has no rule to recover it", spec.Name)
		}
	}
	return out, nil
}

// normalise makes an attribute comparable with its default (a one-element
// list default reads as the int it was widened from).
func normalise(v any) any {
	if l, ok := v.([]int); ok && len(l) > 0 {
		same := true
		for _, x := range l {
			same = same && x == l[0]
		}
		if same {
			return l[0]
		}
	}
	return v
}

func formatAttr(v any) string {
	switch x := v.(type) {
	case int:
		return strconv.Itoa(x)
	case []int:
		s := make([]string, len(x))
		for k, n := range x {
			s[k] = strconv.Itoa(n)
		}
		return "[" + strings.Join(s, ", ") + "]"
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case string:
		return strconv.Quote(x)
	}
	return fmt.Sprint(v)
}

// Identifier makes a name a valid identifier of the language: other
// characters become underscores, and a name that starts with a digit, is
// empty or is a reserved word gets a leading v.
func Identifier(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	out := b.String()
	if out == "" || out[0] >= '0' && out[0] <= '9' || lang.IsReserved(out) {
		out = "v" + out
	}
	return out
}
