package ir

// MACC is the multiply-accumulate count of one value per sample.
func MACC(v *Value) int64 {
	if v.Op.Kind != Compute || v.Op.MACC == nil {
		return 0
	}
	return v.Op.MACC(argTypes(v.Args), v.Type, v.Attrs)
}

// OpStats are one computed value's costs, per sample.
type OpStats struct {
	Value       *Value
	Params      int64 // elements of the parameters it is the first to use
	MACC        int64
	WeightBytes int64 // bytes of those parameters
	ActBytes    int64 // bytes of its result
}

// Stats are a graph's per-op costs and totals.
type Stats struct {
	Ops   []OpStats // one per computed value, in order
	Total OpStats   // sums (Total.Value is nil); ActBytes sums every result, inputs included
}

// Stats computes per-op parameters, MACC, weight bytes and activation
// bytes. A parameter shared by several ops counts once, at its first use.
func (g *Graph) Stats() Stats {
	var s Stats
	counted := map[*Value]bool{}
	for _, v := range g.Values {
		switch {
		case v.Op == OpInput:
			s.Total.ActBytes += v.Type.Bytes()
			continue
		case v.IsSource():
			continue
		}
		o := OpStats{Value: v, MACC: MACC(v), ActBytes: v.Type.Bytes()}
		for i, a := range v.Args {
			for a.Op.WeightView {
				a = a.Args[0] // the parameter it stands for
			}
			if !v.Op.operand(i).Param || counted[a] || v.Op.WeightView {
				continue
			}
			counted[a] = true
			o.Params += int64(a.Type.Elems())
			o.WeightBytes += a.Type.Bytes()
		}
		s.Ops = append(s.Ops, o)
		s.Total.Params += o.Params
		s.Total.MACC += o.MACC
		s.Total.WeightBytes += o.WeightBytes
		s.Total.ActBytes += o.ActBytes
	}
	return s
}
