package ir

import (
	"fmt"
	"math"
	"strings"

	"github.com/kiln-nn/kiln/tensor"
)

// The parameterised layers: dense, conv1d, conv2d, embedding,
// embedding_bag, score_items, batchnorm.

var biasAttr = AttrSpec{Name: "bias", Kind: AttrBool, Default: true, Doc: "whether the layer has a bias"}

// OpDense is PyTorch's Linear over the last dimension: y = x W^T + b, with
// W of shape [units, in].
var OpDense = Register(&Op{
	Name:     "dense",
	Doc:      "fully connected layer over the last dimension: y = x W^T + b, W [units, in]",
	Operands: []Operand{{Name: "x"}, {Name: "weight", Param: true, Init: InitUniformFanIn}, {Name: "bias", Param: true, Optional: true, Init: InitUniformFanIn}},
	Attrs:    []AttrSpec{actAttr},
	Layer: &Layer{
		Attrs: []AttrSpec{
			{Name: "units", Kind: AttrInt, Required: true, Doc: "output features"},
			biasAttr,
		},
		Params: func(data []Type, a Attrs) ([]ParamSpec, error) {
			x := data[0]
			if x.Rank() < 1 {
				return nil, fmt.Errorf("dense: input must have at least one dimension per sample, got %v", x)
			}
			units := a.Int("units")
			if units < 1 {
				return nil, fmt.Errorf("dense: units must be positive, got %d", units)
			}
			in := x.Dims[x.Rank()-1]
			ps := []ParamSpec{{Suffix: "weight", Type: Unbatched(tensor.F32, units, in)}}
			if a.Bool("bias") {
				ps = append(ps, ParamSpec{Suffix: "bias", Type: Unbatched(tensor.F32, units)})
			}
			return ps, nil
		},
	},
	Positional: []string{"units"},
	Infer: func(in []Type, a Attrs) (Type, error) {
		x, w := in[0], in[1]
		if err := needF32("dense", "input", x); err != nil {
			return Type{}, err
		}
		if x.Rank() < 1 {
			return Type{}, fmt.Errorf("dense: input must have at least one dimension per sample, got %v", x)
		}
		if w.Rank() != 2 || w.DType != tensor.F32 {
			return Type{}, fmt.Errorf("dense: weight must be f32[units,in], got %v", w)
		}
		if f := x.Dims[x.Rank()-1]; f != w.Dims[1] {
			return Type{}, fmt.Errorf("dense: input %v has %d features, weight %v expects %d", x, f, w, w.Dims[1])
		}
		if len(in) == 3 && (in[2].DType != tensor.F32 || in[2].Rank() != 1 || in[2].Dims[0] != w.Dims[0]) {
			return Type{}, fmt.Errorf("dense: bias must be f32[%d], got %v", w.Dims[0], in[2])
		}
		out := x.WithDType(tensor.F32)
		out.Dims[out.Rank()-1] = w.Dims[0]
		return out, nil
	},
	MACC: func(in []Type, out Type, a Attrs) int64 {
		return int64(out.Elems()) * int64(in[1].Dims[1])
	},
	Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		x, w := in[0].F32, in[1].F32
		units, k := in[1].Shape[0], in[1].Shape[1]
		rows := len(x) / max(k, 1)
		for r := 0; r < rows; r++ {
			xr := x[r*k : (r+1)*k]
			for u := 0; u < units; u++ {
				acc := 0.0
				if len(in) == 3 {
					acc = float64(in[2].F32[u])
				}
				wr := w[u*k : (u+1)*k]
				for i := range xr {
					acc += float64(xr[i]) * float64(wr[i])
				}
				out.F32[r*units+u] = float32(acc)
			}
		}
		ApplyAct(v.Attrs.String("act"), out.F32)
		return nil
	},
})

// convAttrs are the IR attributes of conv1d and conv2d; lists have one
// entry per spatial dimension, and a single number given in the language
// applies to all of them.
var convAttrs = []AttrSpec{
	{Name: "stride", Kind: AttrInts, Len: PerSpatialDim, Default: []int{1}},
	{Name: "pad", Kind: AttrInts, Len: PerSpatialDim, Default: []int{0}, Doc: "zero padding on both sides"},
	{Name: "dilation", Kind: AttrInts, Len: PerSpatialDim, Default: []int{1}},
	{Name: "groups", Kind: AttrInt, Default: 1, Doc: "channel groups; groups = channels is depthwise"},
	actAttr,
}

var convLayerAttrs = []AttrSpec{
	{Name: "filters", Kind: AttrInt, Required: true, Doc: "output channels"},
	{Name: "kernel", Kind: AttrInts, Len: PerSpatialDim, Required: true},
	biasAttr,
}

// ConvGeom is a convolution's geometry, with a 1-D convolution seen as a
// 2-D one of height 1.
type ConvGeom struct {
	C, H, W    int // input channels and size
	F, KH, KW  int // filters and kernel size
	SH, SW     int // stride
	PH, PW     int // padding
	DH, DW     int // dilation
	G          int // groups
	OH, OW     int // output size
	CinPerG    int
	FPerG      int
	spatialDim int
}

// ConvGeometry reads a convolution's geometry from its input and weight
// types and its attributes, for kernels outside this package. It assumes a
// verified value.
func ConvGeometry(x, w Type, a Attrs) ConvGeom { return geometry(x, w, a) }

// geometry reads a convolution's geometry from its input and weight
// types. It assumes ranks already checked.
func geometry(x, w Type, a Attrs) ConvGeom {
	g := ConvGeom{C: x.Dims[0], F: w.Dims[0], G: a.Int("groups"), spatialDim: x.Rank() - 1}
	stride, pad, dil := a.Ints("stride"), a.Ints("pad"), a.Ints("dilation")
	if g.spatialDim == 1 {
		g.H, g.W = 1, x.Dims[1]
		g.KH, g.KW = 1, w.Dims[2]
		g.SH, g.SW, g.PH, g.PW, g.DH, g.DW = 1, stride[0], 0, pad[0], 1, dil[0]
	} else {
		g.H, g.W = x.Dims[1], x.Dims[2]
		g.KH, g.KW = w.Dims[2], w.Dims[3]
		g.SH, g.SW, g.PH, g.PW, g.DH, g.DW = stride[0], stride[1], pad[0], pad[1], dil[0], dil[1]
	}
	g.OH = convOut(g.H, g.KH, g.SH, g.PH, g.DH)
	g.OW = convOut(g.W, g.KW, g.SW, g.PW, g.DW)
	if g.G > 0 {
		g.CinPerG, g.FPerG = g.C/g.G, g.F/g.G
	}
	return g
}

func newConv(name string, spatial int) *Op {
	rank := spatial + 1
	layout := "[filters, in/groups, k]"
	if spatial == 2 {
		layout = "[filters, in/groups, kh, kw]"
	}
	return &Op{
		Name:     name,
		Doc:      fmt.Sprintf("%d-D convolution over channel-first input; weight %s", spatial, layout),
		Operands: []Operand{{Name: "x"}, {Name: "weight", Param: true, Init: InitUniformFanIn}, {Name: "bias", Param: true, Optional: true, Init: InitUniformFanIn}},
		Attrs:    convAttrs,
		Layer: &Layer{
			Attrs: convLayerAttrs,
			Params: func(data []Type, a Attrs) ([]ParamSpec, error) {
				x := data[0]
				if err := needRank(name, "input", x, rank); err != nil {
					return nil, err
				}
				f, groups, kernel := a.Int("filters"), a.Int("groups"), a.Ints("kernel")
				if f < 1 {
					return nil, fmt.Errorf("%s: filters must be positive, got %d", name, f)
				}
				if err := checkGroups(name, x.Dims[0], f, groups); err != nil {
					return nil, err
				}
				dims := []int{f, x.Dims[0] / groups}
				for _, k := range kernel {
					if k < 1 {
						return nil, fmt.Errorf("%s: kernel size must be positive, got %s", name, formatAttr(kernel))
					}
					dims = append(dims, k)
				}
				ps := []ParamSpec{{Suffix: "weight", Type: Unbatched(tensor.F32, dims...)}}
				if a.Bool("bias") {
					ps = append(ps, ParamSpec{Suffix: "bias", Type: Unbatched(tensor.F32, f)})
				}
				return ps, nil
			},
		},
		Positional: []string{"filters"},
		Infer: func(in []Type, a Attrs) (Type, error) {
			x, w := in[0], in[1]
			if err := needF32(name, "input", x); err != nil {
				return Type{}, err
			}
			if err := needRank(name, "input", x, rank); err != nil {
				return Type{}, err
			}
			if w.DType != tensor.F32 || w.Rank() != rank+1 {
				return Type{}, fmt.Errorf("%s: weight must be f32 %s, got %v", name, layout, w)
			}
			for _, l := range []string{"stride", "dilation"} {
				for _, s := range a.Ints(l) {
					if s < 1 {
						return Type{}, fmt.Errorf("%s: %s must be positive, got %s", name, l, formatAttr(a.Ints(l)))
					}
				}
			}
			for _, p := range a.Ints("pad") {
				if p < 0 {
					return Type{}, fmt.Errorf("%s: pad must not be negative, got %s", name, formatAttr(a.Ints("pad")))
				}
			}
			g := geometry(x, w, a)
			if err := checkGroups(name, g.C, g.F, g.G); err != nil {
				return Type{}, err
			}
			if w.Dims[1] != g.CinPerG {
				return Type{}, fmt.Errorf("%s: input %v has %d channels (%d per group), weight %v expects %d per group", name, x, g.C, g.CinPerG, w, w.Dims[1])
			}
			if len(in) == 3 && (in[2].DType != tensor.F32 || in[2].Rank() != 1 || in[2].Dims[0] != g.F) {
				return Type{}, fmt.Errorf("%s: bias must be f32[%d], got %v", name, g.F, in[2])
			}
			if g.OH < 1 || g.OW < 1 {
				return Type{}, fmt.Errorf("%s: input %v is smaller than the kernel %s (padding %s, dilation %s)", name, x, formatAttr(w.Dims[2:]), formatAttr(a.Ints("pad")), formatAttr(a.Ints("dilation")))
			}
			if spatial == 1 {
				return Batched(tensor.F32, g.F, g.OW), nil
			}
			return Batched(tensor.F32, g.F, g.OH, g.OW), nil
		},
		MACC: func(in []Type, out Type, a Attrs) int64 {
			taps := int64(1)
			for _, d := range in[1].Dims[1:] {
				taps *= int64(d)
			}
			return int64(out.Elems()) * taps
		},
		Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
			g := geometry(v.Args[0].Type, v.Args[1].Type, v.Attrs)
			x, w := in[0].F32, in[1].F32
			n := in[0].Shape[0]
			for b := 0; b < n; b++ {
				xb := x[b*g.C*g.H*g.W:]
				ob := out.F32[b*g.F*g.OH*g.OW:]
				for f := 0; f < g.F; f++ {
					grp := f / g.FPerG
					for oy := 0; oy < g.OH; oy++ {
						for ox := 0; ox < g.OW; ox++ {
							acc := 0.0
							if len(in) == 3 {
								acc = float64(in[2].F32[f])
							}
							for ci := 0; ci < g.CinPerG; ci++ {
								c := grp*g.CinPerG + ci
								for ky := 0; ky < g.KH; ky++ {
									iy := oy*g.SH - g.PH + ky*g.DH
									if iy < 0 || iy >= g.H {
										continue
									}
									for kx := 0; kx < g.KW; kx++ {
										ix := ox*g.SW - g.PW + kx*g.DW
										if ix < 0 || ix >= g.W {
											continue
										}
										wv := w[((f*g.CinPerG+ci)*g.KH+ky)*g.KW+kx]
										acc += float64(xb[(c*g.H+iy)*g.W+ix]) * float64(wv)
									}
								}
							}
							ob[(f*g.OH+oy)*g.OW+ox] = float32(acc)
						}
					}
				}
			}
			ApplyAct(v.Attrs.String("act"), out.F32)
			return nil
		},
	}
}

func checkGroups(op string, channels, filters, groups int) error {
	if groups < 1 {
		return fmt.Errorf("%s: groups must be positive, got %d", op, groups)
	}
	if channels%groups != 0 || filters%groups != 0 {
		return fmt.Errorf("%s: groups=%d must divide both the input channels (%d) and the filters (%d)", op, groups, channels, filters)
	}
	return nil
}

// OpConv1D and OpConv2D are PyTorch's Conv1d and Conv2d.
var (
	OpConv1D = Register(newConv("conv1d", 1))
	OpConv2D = Register(newConv("conv2d", 2))
)

// OpEmbedding looks ids up in one table: every id field of the input
// indexes the same [vocab, dim] table (fields are offset into one id space).
var OpEmbedding = Register(&Op{
	Name:     "embedding",
	Doc:      "table lookup: i32 ids [...] -> f32 [..., dim], one [vocab, dim] table for all fields",
	Operands: []Operand{{Name: "ids"}, {Name: "weight", Param: true, Init: InitNormal}},
	Layer: &Layer{
		Attrs: []AttrSpec{
			{Name: "vocab", Kind: AttrInt, Required: true, Doc: "number of ids"},
			{Name: "dim", Kind: AttrInt, Required: true, Doc: "embedding width"},
		},
		Params: func(data []Type, a Attrs) ([]ParamSpec, error) {
			vocab, dim := a.Int("vocab"), a.Int("dim")
			if vocab < 1 || dim < 1 {
				return nil, fmt.Errorf("embedding: vocab and dim must be positive, got vocab=%d dim=%d", vocab, dim)
			}
			return []ParamSpec{{Suffix: "weight", Type: Unbatched(tensor.F32, vocab, dim)}}, nil
		},
	},
	Infer: func(in []Type, a Attrs) (Type, error) {
		ids, w := in[0], in[1]
		if ids.DType != tensor.I32 {
			return Type{}, fmt.Errorf("embedding: ids must be i32, got %v", ids)
		}
		if w.DType != tensor.F32 || w.Rank() != 2 {
			return Type{}, fmt.Errorf("embedding: weight must be f32[vocab,dim], got %v", w)
		}
		out := Type{DType: tensor.F32, Batched: ids.Batched, Dims: append(append([]int{}, ids.Dims...), w.Dims[1])}
		return out, nil
	},
	Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		vocab, dim := in[1].Shape[0], in[1].Shape[1]
		for i, id := range in[0].I32 {
			if id < 0 || int(id) >= vocab {
				return fmt.Errorf("embedding %%%s: id %d at index %d is out of range [0, %d)", v.Name, id, i, vocab)
			}
			copy(out.F32[i*dim:(i+1)*dim], in[1].F32[int(id)*dim:(int(id)+1)*dim])
		}
		return nil
	},
})

// OpEmbeddingBag pools a bag of ids per example: the mean (or sum) of the
// rows of the ids along the last axis that are not pad, PyTorch's
// EmbeddingBag with padding_idx over fixed-length, padded lists. A list of
// pad alone gives zeros.
var OpEmbeddingBag = Register(&Op{
	Name:     "embedding_bag",
	Doc:      "pooled table lookup: i32 ids [..., L] -> f32 [..., dim], the mean (or sum) of the rows of the ids that are not pad; zeros for a list of pad alone",
	Operands: []Operand{{Name: "ids"}, {Name: "weight", Param: true, Init: InitNormal}},
	Attrs: []AttrSpec{
		{Name: "pad", Kind: AttrInt, Default: 0, Doc: "the id that fills a short list: no row, not counted (it may lie outside [0, vocab))"},
		{Name: "mode", Kind: AttrString, Default: "mean", Enum: []string{"mean", "sum"}, Doc: "mean or sum of the rows"},
	},
	Layer: &Layer{
		Attrs: []AttrSpec{
			{Name: "vocab", Kind: AttrInt, Required: true, Doc: "number of ids"},
			{Name: "dim", Kind: AttrInt, Required: true, Doc: "embedding width"},
		},
		Params: func(data []Type, a Attrs) ([]ParamSpec, error) {
			vocab, dim := a.Int("vocab"), a.Int("dim")
			if vocab < 1 || dim < 1 {
				return nil, fmt.Errorf("embedding_bag: vocab and dim must be positive, got vocab=%d dim=%d", vocab, dim)
			}
			return []ParamSpec{{Suffix: "weight", Type: Unbatched(tensor.F32, vocab, dim)}}, nil
		},
	},
	Infer: func(in []Type, a Attrs) (Type, error) {
		ids, w := in[0], in[1]
		if ids.DType != tensor.I32 || ids.Rank() < 1 {
			return Type{}, fmt.Errorf("embedding_bag: ids must be i32 [..., L] with the lists along the last axis, got %v", ids)
		}
		if w.DType != tensor.F32 || w.Rank() != 2 {
			return Type{}, fmt.Errorf("embedding_bag: weight must be f32[vocab,dim], got %v", w)
		}
		dims := append([]int{}, ids.Dims...)
		dims[len(dims)-1] = w.Dims[1]
		return Type{DType: tensor.F32, Batched: ids.Batched, Dims: dims}, nil
	},
	// One add per id and column (and a division per column for the mean).
	MACC: func(in []Type, out Type, a Attrs) int64 { return int64(in[0].Elems()) * int64(in[1].Dims[1]) },
	Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		vocab, dim := in[1].Shape[0], in[1].Shape[1]
		l := v.Args[0].Type.Dims[v.Args[0].Type.Rank()-1]
		pad, mean := int32(v.Attrs.Int("pad")), v.Attrs.String("mode") != "sum"
		ids, w := in[0].I32, in[1].F32
		if err := CheckBagIDs(v.Name, ids, int32(vocab), pad); err != nil {
			return err
		}
		acc := make([]float64, dim)
		for b := range len(ids) / max(l, 1) {
			clear(acc)
			count := 0
			for _, id := range ids[b*l : (b+1)*l] {
				if id == pad {
					continue
				}
				count++
				for d, x := range w[int(id)*dim : (int(id)+1)*dim] {
					acc[d] += float64(x)
				}
			}
			dst := out.F32[b*dim : (b+1)*dim]
			for d, s := range acc {
				if mean && count > 0 {
					s /= float64(count)
				}
				dst[d] = float32(s)
			}
		}
		return nil
	},
})

// OpScoreItems scores a vector against every row of an item table: the
// dot products u . W[v], a recommender's retrieval or ranking head
// (YouTube's candidate generation scores the user vector against every
// video's). It is a dense layer without bias over a [vocab, dim] table, and
// runs as one: its float kernel, gradient and int8 form (qdense, one scale
// per item row) are dense's. Ranking the scores (a top-k) is the caller's:
// dequantization is increasing, so the int8 scores rank the items as the
// float ones do.
var OpScoreItems = Register(&Op{
	Name:     "score_items",
	Doc:      "dot-product scores against an item table: f32 u [..., dim] -> [..., vocab], s[v] = u . W[v] (a dense layer without bias over a [vocab, dim] table; rank them outside the graph)",
	Operands: []Operand{{Name: "u"}, {Name: "weight", Param: true, Init: InitNormal}},
	Layer: &Layer{
		Attrs: []AttrSpec{
			{Name: "vocab", Kind: AttrInt, Required: true, Doc: "number of items"},
			{Name: "dim", Kind: AttrInt, Doc: "item vector width: u's last dimension (checked when given)"},
		},
		Params: func(data []Type, a Attrs) ([]ParamSpec, error) {
			u := data[0]
			if u.Rank() < 1 {
				return nil, fmt.Errorf("score_items: u must have at least one dimension per sample, got %v", u)
			}
			vocab, dim := a.Int("vocab"), u.Dims[u.Rank()-1]
			if vocab < 1 {
				return nil, fmt.Errorf("score_items: vocab must be positive, got %d", vocab)
			}
			if d, ok := a["dim"]; ok && d.(int) != dim {
				return nil, fmt.Errorf("score_items: dim=%d, but u %v has %d features", d, u, dim)
			}
			return []ParamSpec{{Suffix: "weight", Type: Unbatched(tensor.F32, vocab, dim)}}, nil
		},
	},
	Infer: func(in []Type, a Attrs) (Type, error) {
		t, err := OpDense.Infer(in, a)
		if err != nil {
			return Type{}, fmt.Errorf("score_items%s", strings.TrimPrefix(err.Error(), "dense"))
		}
		return t, nil
	},
	MACC: OpDense.MACC,
	Eval: OpDense.Eval,
})

// CheckBagIDs checks that every id of an embedding bag that is not pad is
// in [0, vocab), the error naming the first that is not.
func CheckBagIDs(name string, ids []int32, vocab, pad int32) error {
	for i, id := range ids {
		if id != pad && (id < 0 || id >= vocab) {
			return fmt.Errorf("embedding_bag %%%s: id %d at index %d is out of range [0, %d)", name, id, i, vocab)
		}
	}
	return nil
}

// OpBatchNorm is inference-mode batch normalisation over the channel
// dimension (the first per-sample dimension), PyTorch's BatchNorm1d/2d:
// y = (x - running_mean) / sqrt(running_var + eps) * weight + bias.
var OpBatchNorm = Register(&Op{
	Name: "batchnorm",
	Doc:  "batch normalisation over the channel (first per-sample) dimension; at inference fold-batchnorm folds it into the dense or convolution next to it where it can, and it runs as qbatchnorm where it cannot",
	Operands: []Operand{{Name: "x"}, {Name: "weight", Param: true, Init: InitOnes}, {Name: "bias", Param: true, Init: InitZeros},
		{Name: "running_mean", Param: true, State: true, Init: InitZeros}, {Name: "running_var", Param: true, State: true, Init: InitOnes}},
	Attrs: []AttrSpec{
		{Name: "eps", Kind: AttrFloat, Default: 1e-5},
		{Name: "momentum", Kind: AttrFloat, Default: 0.1, Doc: "running statistics update in training"},
		{Name: "frozen", Kind: AttrBool, Default: false, Doc: "in training too, normalise with the running statistics and leave them as they are: the fixed affine op inference runs, with weight and bias still trained"},
	},
	Layer: &Layer{
		Params: func(data []Type, a Attrs) ([]ParamSpec, error) {
			x := data[0]
			if x.Rank() < 1 {
				return nil, fmt.Errorf("batchnorm: input must have a channel dimension, got %v", x)
			}
			c := Unbatched(tensor.F32, x.Dims[0])
			return []ParamSpec{
				{Suffix: "weight", Type: c},
				{Suffix: "bias", Type: c},
				{Suffix: "running_mean", Type: c},
				{Suffix: "running_var", Type: c},
			}, nil
		},
	},
	Infer: func(in []Type, a Attrs) (Type, error) {
		x := in[0]
		if err := needF32("batchnorm", "input", x); err != nil {
			return Type{}, err
		}
		if x.Rank() < 1 {
			return Type{}, fmt.Errorf("batchnorm: input must have a channel dimension, got %v", x)
		}
		for i, p := range in[1:] {
			if p.DType != tensor.F32 || p.Rank() != 1 || p.Dims[0] != x.Dims[0] {
				return Type{}, fmt.Errorf("batchnorm: %s must be f32[%d], got %v", batchNormOperands[i], x.Dims[0], p)
			}
		}
		if eps := a.Float("eps"); !(eps > 0) {
			return Type{}, fmt.Errorf("batchnorm: eps must be positive, got %s", formatF64(eps))
		}
		return x, nil
	},
	Eval: func(v *Value, in []*tensor.Tensor, out *tensor.Tensor) error {
		x := in[0]
		c := v.Args[0].Type.Dims[0]
		inner := v.Args[0].Type.Elems() / max(c, 1)
		eps := v.Attrs.Float("eps")
		gamma, beta, mean, variance := in[1].F32, in[2].F32, in[3].F32, in[4].F32
		for i, xv := range x.F32 {
			ch := (i / inner) % c
			inv := 1 / math.Sqrt(float64(variance[ch])+eps)
			out.F32[i] = float32((float64(xv)-float64(mean[ch]))*inv*float64(gamma[ch]) + float64(beta[ch]))
		}
		return nil
	},
})

var batchNormOperands = []string{"weight", "bias", "running_mean", "running_var"}

// BatchNormAffine returns an inference batch norm's per-channel scale a
// and shift b, bn(x) = a*x + b: a = gamma / sqrt(var + eps) and
// b = beta - mean*a, in float64 from its bound parameters. The
// fold-batchnorm pass folds them into a neighbouring layer; the quantize
// pass quantizes them as qbatchnorm's weight and bias.
func BatchNormAffine(bn *Value) (a, b []float64) {
	gamma, beta, mean, variance := bn.Args[1].Data.F32, bn.Args[2].Data.F32, bn.Args[3].Data.F32, bn.Args[4].Data.F32
	eps := bn.Attrs.Float("eps")
	a, b = make([]float64, len(gamma)), make([]float64, len(gamma))
	for c := range gamma {
		a[c] = float64(gamma[c]) / math.Sqrt(float64(variance[c])+eps)
		b[c] = float64(beta[c]) - float64(mean[c])*a[c]
	}
	return a, b
}
