//go:build !amd64

package kernels

// packForSelected: no kernel set here has a layout of its own beyond the
// portable lanes, which Pack builds itself.
func packForSelected(p *PackedWeights) {}

// amxScratchSize: no AMX here.
func amxScratchSize(p *PackedWeights, m int) int { return 0 }
