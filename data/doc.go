// Package data reads and writes the tensor files kiln's users exchange
// with NumPy and PyTorch — NPY, NPZ and safetensors — safely on hostile
// input: every size a header claims is checked against the bytes actually
// there before anything is allocated, and errors say what is wrong and
// where.
package data
