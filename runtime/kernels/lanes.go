// The portable kernels' lane layout: three outputs' weights in one int64,
// so that one 64-bit multiply-add gives three int8 products.

package kernels

import "math/bits"

// In the lane layout a word holds the weights of outputs 3g, 3g+1 and
// 3g+2 at one k as
//
//	w0 + w1<<21 + w2<<42   (int64, signed lanes)
//
// and multiplying it by one activation x gives x*w0 + x*w1<<21 +
// x*w2<<42: three products in three 21-bit lanes. Adding such words adds
// lane by lane, a negative lane borrowing from the one above, so that the
// int64 sum is exactly S0 + S1<<21 + S2<<42 for the lanes' sums S0, S1,
// S2. That holds, and the lanes can be told apart again (unpackLanes),
// while S0 and S1 lie in [-2^20, 2^20) and S2 in [-2^21, 2^21). Every
// int8 product lies in [-16256, 16384] (-128*127 and -128*-128), so
// laneSteps = 63 products keep a lane within [-1024128, 1032192]; 64
// would not (64*16384 = 2^20). The kernels therefore add at most
// laneSteps words, unpack the lanes and add them to int32 sums, where
// wrapping addition gives the reference's bits for any k.
//
// Words are grouped in panels of laneGroups groups of three outputs
// (lanePanel outputs): panel p holds, for each k in turn, the words of
// its groups, so one activation multiplies laneGroups consecutive words.
// Outputs past n have zero weights.
const (
	laneBits   = 21
	laneSteps  = 63
	laneGroups = 4
	lanePanel  = 3 * laneGroups
)

// useLanes selects the lane kernels where 64-bit multiplies are native;
// 32-bit targets, where they are not, run the plain kernels (and tests
// switch it to run both).
var useLanes = bits.UintSize == 64

// lanePanels returns the number of lane panels for n outputs.
func lanePanels(n int) int { return (n + lanePanel - 1) / lanePanel }

// packLanes lays out the packed weights p in lane panels.
func packLanes(p *PackedWeights) [][laneGroups]int64 {
	k := p.k
	ls := make([][laneGroups]int64, lanePanels(p.n)*k)
	for j := range p.n {
		panel := ls[(j/lanePanel)*k:]
		g, lane := (j%lanePanel)/3, j%3
		for i := range k {
			w := int64(p.w[(j/8)*p.kq*32+(i/4)*32+(j%8)*4+i%4])
			panel[i][g] += w << (lane * laneBits)
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

// dotLanes sets out[c] to the dot product of x (k elements) with output
// c of one lane panel (k steps).
func dotLanes(x []int8, panel [][laneGroups]int64, out *[lanePanel]int32) {
	*out = [lanePanel]int32{}
	for len(x) > 0 {
		n := min(len(x), laneSteps)
		a0, a1, a2, a3 := laneSums(x[:n], panel[:n])
		x, panel = x[n:], panel[n:]
		unpackLanes(a0, (*[3]int32)(out[0:]))
		unpackLanes(a1, (*[3]int32)(out[3:]))
		unpackLanes(a2, (*[3]int32)(out[6:]))
		unpackLanes(a3, (*[3]int32)(out[9:]))
	}
}

// laneSums returns the sums of x[i] times the words of step i, for
// len(x) <= laneSteps steps: one word per group.
func laneSums(x []int8, w [][laneGroups]int64) (a0, a1, a2, a3 int64) {
	w = w[:len(x)]
	for i, xi := range x {
		v := int64(xi)
		a0 += w[i][0] * v
		a1 += w[i][1] * v
		a2 += w[i][2] * v
		a3 += w[i][3] * v
	}
	return
}
