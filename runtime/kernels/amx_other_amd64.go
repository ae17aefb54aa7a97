//go:build !linux

package kernels

// amxPermit: only Linux's permission call is known here.
func amxPermit() bool { return false }
