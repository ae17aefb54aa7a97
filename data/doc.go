// Package data holds kiln's data: the tensor files its users exchange with
// NumPy and PyTorch (NPY, NPZ, safetensors) and the data sets models train
// and are evaluated on (MNIST and any IDX pair, NPY/NPZ pairs, CSV,
// MovieLens click and rating sets, accelerometer gestures; see Open and
// DATASETS.md).
//
// Everything here is safe on hostile input: every size a header claims is
// checked against the bytes actually there before anything is allocated,
// and errors say what is wrong and where.
package data
