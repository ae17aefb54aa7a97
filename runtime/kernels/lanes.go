// The portable kernels' lane layout: several outputs' weights in one
// 64-bit word, so that one multiply-add gives two or three int8 products.

package kernels

import "math/bits"

// A lane word holds the weights of two or three outputs at one k as
//
//	w0 + w1<<21 + w2<<42   (signed lanes)
//
// and multiplying it by one activation x gives x*w0 + x*w1<<21 +
// x*w2<<42: the products in three 21-bit lanes. Adding such words adds
// lane by lane, a negative lane borrowing from the one above, so that the
// sum is exactly S0 + S1<<21 + S2<<42 for the lanes' sums S0, S1, S2.
// That holds, and the lanes can be told apart again (unpackLanes), while
// every lane's sum lies in [-2^20, 2^20). Every int8 product lies in
// [-16256, 16384] (-128*127 and -128*-128), so laneSteps = 63 products
// keep a lane within [-1024128, 1032192]; 64 would not (64*16384 =
// 2^20). The kernels therefore add at most laneSteps words, unpack the
// lanes and add them to int32 sums, where wrapping addition gives the
// reference's bits for any k.
//
// The words come in two kinds, so that both of a core's multipliers
// work: int64 words of three outputs, multiplied on the integer
// multiplier (one per cycle on the cores kiln is tuned on), and float64
// words of two outputs (w2 = 0), multiplied on the floating-point ones.
// A float64 word is an integer below 2^29 in magnitude, its product with
// x below 2^36 and a sum of 63 products below 2^42: all integers under
// 2^53, so float64 holds every one exactly, rounds nothing (fused
// multiply-adds neither), and converts back to the int64 sum of the same
// lanes.
//
// A panel covers lanePanel outputs: for each k in turn a laneStep of
// laneFloats float64 words (outputs 2g and 2g+1) and laneInts int64 words
// (outputs 2*laneFloats+3g to +3g+2). Outputs past n have zero weights.
// It takes 72 bytes per k for 21 outputs, 3.4 times the int8 weights.
// Six float64 and three int64 words per step measured fastest here: one
// int64 word fewer gave about 5% less, two float64 words more (which the
// compiler then spills) about 30% less.
const (
	laneBits   = 21
	laneSteps  = 63
	laneFloats = 6
	laneInts   = 3
	lanePanel  = 2*laneFloats + 3*laneInts
)

// laneStep holds one k's words of one panel.
type laneStep struct {
	f [laneFloats]float64
	i [laneInts]int64
}

// useLanes selects the lane kernels where 64-bit multiplies are native;
// 32-bit targets, where they are not, run the plain kernels (and tests
// switch it to run both).
var useLanes = bits.UintSize == 64

// lanePanels returns the number of lane panels for n outputs.
func lanePanels(n int) int { return (n + lanePanel - 1) / lanePanel }

// packLanes lays out the packed weights p in lane panels.
func packLanes(p *PackedWeights) []laneStep {
	k := p.k
	ls := make([]laneStep, lanePanels(p.n)*k)
	for j := range p.n {
		panel := ls[(j/lanePanel)*k:]
		c := j % lanePanel
		for i := range k {
			w := int64(p.w[(j/8)*p.kq*32+(i/4)*32+(j%8)*4+i%4])
			if c < 2*laneFloats {
				panel[i].f[c/2] += float64(w << (c % 2 * laneBits))
			} else {
				c := c - 2*laneFloats
				panel[i].i[c/3] += w << (c % 3 * laneBits)
			}
		}
	}
	return ls
}

// unpackLanes adds the three lane sums of word a to s[0], s[1] and s[2].
func unpackLanes(a int64, s *[3]int32) {
	s0 := a << (64 - laneBits) >> (64 - laneBits) // sign-extended low lane
	a = (a - s0) >> laneBits
	s1 := a << (64 - laneBits) >> (64 - laneBits)
	s2 := (a - s1) >> laneBits
	s[0] += int32(s0)
	s[1] += int32(s1)
	s[2] += int32(s2)
}

// unpackLanes2 adds the two lane sums of a float64 word to s[0] and s[1].
func unpackLanes2(f float64, s *[2]int32) {
	a := int64(f)
	s0 := a << (64 - laneBits) >> (64 - laneBits)
	s1 := (a - s0) >> laneBits
	s[0] += int32(s0)
	s[1] += int32(s1)
}

// activation is an int8 activation, or one held in an int32 (the
// convolutions' gathered columns).
type activation interface{ int8 | int32 }

// dotLanes sets out[c] to the dot product of x (k activations in the int8
// range) with output c of one lane panel (k steps).
func dotLanes[T activation](x []T, panel []laneStep, out *[lanePanel]int32) {
	*out = [lanePanel]int32{}
	for len(x) > 0 {
		n := min(len(x), laneSteps)
		f, i0, i1, i2 := laneSums(x[:n], panel[:n])
		x, panel = x[n:], panel[n:]
		for g, fg := range f {
			unpackLanes2(fg, (*[2]int32)(out[2*g:]))
		}
		unpackLanes(i0, (*[3]int32)(out[2*laneFloats:]))
		unpackLanes(i1, (*[3]int32)(out[2*laneFloats+3:]))
		unpackLanes(i2, (*[3]int32)(out[2*laneFloats+6:]))
	}
}

// laneSums returns the sums of x[i] times the words of step i, for
// len(x) <= laneSteps steps.
func laneSums[T activation](x []T, w []laneStep) (f [laneFloats]float64, i0, i1, i2 int64) {
	w = w[:len(x)]
	var f0, f1, f2, f3, f4, f5 float64
	for i, xi := range x {
		s := &w[i]
		v, iv := float64(xi), int64(xi)
		f0 += s.f[0] * v
		f1 += s.f[1] * v
		f2 += s.f[2] * v
		f3 += s.f[3] * v
		f4 += s.f[4] * v
		f5 += s.f[5] * v
		i0 += s.i[0] * iv
		i1 += s.i[1] * iv
		i2 += s.i[2] * iv
	}
	return [laneFloats]float64{f0, f1, f2, f3, f4, f5}, i0, i1, i2
}
