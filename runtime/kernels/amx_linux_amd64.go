package kernels

import "syscall"

// amxPermit asks Linux for the AMX tile data state (ARCH_REQ_XCOMP_PERM
// for XFEATURE_XTILEDATA), which a process must have before its first
// tile instruction.
func amxPermit() bool {
	const archReqXcompPerm, xfeatureXtiledata = 0x1023, 18
	_, _, errno := syscall.RawSyscall(syscall.SYS_ARCH_PRCTL, archReqXcompPerm, xfeatureXtiledata, 0)
	return errno == 0
}
