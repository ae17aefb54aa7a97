// Package onnxpb is the Go form of ONNX's own protobuf schema
// (onnx.proto3, copied unchanged from github.com/onnx/onnx at commit
// f7546912001bc31e92a238b17068a21b373d882e, IR version 14). The .pb.go
// file is generated and committed; `make onnx-proto` (protoc and
// protoc-gen-go) regenerates it.
package onnxpb

//go:generate protoc --go_out=. --go_opt=paths=source_relative --go_opt=Monnx.proto3=github.com/kiln-nn/kiln/frontend/onnx/onnxpb onnx.proto3
