// Command web serves the gesture page: kiln's VM compiled to WebAssembly
// (./wasm), a gesture model's .kbc, and recordings to replay, on a
// loopback port.
//
//	go run ./examples/web -model bin/gesture.kbc -data gestures:FILE[?OPTIONS] [-addr 127.0.0.1:8080] [-tls] [-o DIR]
//
// It assembles the page in DIR (default a temporary directory): the
// static files (static/, embedded), kiln.wasm (built by the go command
// with GOOS=js GOARCH=wasm), Go's wasm_exec.js, model.kbc, labels.json
// (the gesture names, sorted, as the data form numbers them),
// windows.json (how the page cuts windows: the norm and tempo options of
// -data, which must be those the model trained with) and replay.bin (the
// recordings of the test users, those above data.GestureLastTrainUser,
// or -users). Then it serves DIR until
// interrupted; -prepare stops after assembling it.
//
// A phone's browser gives motion events only to a secure page: -tls
// serves HTTPS with a certificate made at start for this machine's
// addresses (the phone asks once to trust it), and -addr 0.0.0.0:8443
// lets a phone on the same network reach it.
package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"embed"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/runtime"
)

//go:embed static
var static embed.FS

func main() {
	model := flag.String("model", "", "the gesture model's bytecode (.kbc)")
	spec := flag.String("data", "", "the gestures data set whose test users' recordings the page replays, with the options the model trained with (gestures:FILE?OPTIONS)")
	users := flag.String("users", "", "replay these users' recordings (comma-separated) instead of the test part's")
	dir := flag.String("o", "", "assemble the page in this directory (default: a temporary one)")
	addr := flag.String("addr", "127.0.0.1:8080", "serve on this address")
	useTLS := flag.Bool("tls", false, "serve HTTPS with a certificate made at start (phones give motion events only to secure pages)")
	prepare := flag.Bool("prepare", false, "assemble the page and stop")
	flag.Parse()
	if err := run(*model, *spec, *users, *dir, *addr, *useTLS, *prepare); err != nil {
		fmt.Fprintln(os.Stderr, "web:", err)
		os.Exit(1)
	}
}

func run(model, spec, users, dir, addr string, useTLS, prepare bool) error {
	if model == "" || spec == "" {
		return errors.New("-model and -data are required")
	}
	kbc, err := os.ReadFile(model)
	if err != nil {
		return err
	}
	_, o, err := data.ParseGestureSpec(spec)
	if err != nil {
		return fmt.Errorf("-data: %w", err)
	}
	if err := checkModel(kbc, o.Window); err != nil {
		return fmt.Errorf("%s: %w", model, err)
	}
	recs, labels, err := replayRecordings(spec, users)
	if err != nil {
		return err
	}
	if dir == "" {
		if dir, err = os.MkdirTemp("", "kiln-web-*"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	}
	if err := Assemble(dir, kbc, labels, o, recs); err != nil {
		return err
	}
	if prepare {
		fmt.Printf("the page is in %s (%d recordings to replay)\n", dir, len(recs))
		return nil
	}
	srv := &http.Server{Addr: addr, Handler: Handler(dir), ReadHeaderTimeout: 10 * time.Second}
	scheme := "http"
	if useTLS {
		cert, err := selfSigned(addr)
		if err != nil {
			return err
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
		scheme = "https"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Printf("serving the gesture page at %s://%s/ (%d recordings to replay); Ctrl-C stops\n", scheme, ln.Addr(), len(recs))
	if useTLS {
		return srv.ServeTLS(ln, "", "")
	}
	return srv.Serve(ln)
}

// checkModel loads kbc and checks that it is a gesture classifier: one
// f32 input of three axes of window samples, one f32 output.
func checkModel(kbc []byte, window int) error {
	m, err := runtime.Load(kbc, nil)
	if err != nil {
		return err
	}
	in, out := m.Inputs(), m.Outputs()
	if len(in) != 1 || len(out) != 1 || in[0].DType != runtime.F32 || out[0].DType != runtime.F32 || len(in[0].Shape) != 2 || in[0].Shape[0] != 3 {
		return fmt.Errorf("model %s: want one f32 input of three axes [3, n] and one f32 output, as the gesture example", m.Name())
	}
	if in[0].Shape[1] != window {
		return fmt.Errorf("model %s: input [3, %d], but -data cuts windows of %d samples", m.Name(), in[0].Shape[1], window)
	}
	return nil
}

// replayRecordings reads the recordings the page replays: the test
// part's users (or users), and the gesture names, sorted.
func replayRecordings(spec, users string) ([]data.GestureRecording, []string, error) {
	path, _, err := data.ParseGestureSpec(spec)
	if err != nil {
		return nil, nil, fmt.Errorf("-data: %w", err)
	}
	all, err := data.ReadGestureRecordings(spec, path)
	if err != nil {
		return nil, nil, err
	}
	var labels []string
	for _, r := range all {
		if !slices.Contains(labels, r.Gesture) {
			labels = append(labels, r.Gesture)
		}
	}
	slices.Sort(labels)
	keep := func(u int64) bool { return u > data.GestureLastTrainUser }
	if users != "" {
		var list []int64
		for f := range strings.SplitSeq(users, ",") {
			u, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
			if err != nil {
				return nil, nil, fmt.Errorf("-users %q: %v", users, err)
			}
			list = append(list, u)
		}
		keep = func(u int64) bool { return slices.Contains(list, u) }
	}
	var recs []data.GestureRecording
	for _, r := range all {
		if keep(r.User) {
			recs = append(recs, r)
		}
	}
	if len(recs) == 0 {
		return nil, nil, fmt.Errorf("%s: no recordings of the users to replay", path)
	}
	return recs, labels, nil
}

// Assemble writes the page into dir: the static files, kiln.wasm (built
// with the go command), wasm_exec.js, model.kbc, labels.json,
// windows.json (o's norm and tempo) and replay.bin.
func Assemble(dir string, kbc []byte, labels []string, o data.GestureOptions, recs []data.GestureRecording) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	// The static files, replacing those of an earlier page.
	err := fs.WalkDir(static, "static", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := static.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, d.Name()), b, 0o644)
	})
	if err != nil {
		return err
	}
	if err := BuildWasm(filepath.Join(dir, "kiln.wasm")); err != nil {
		return err
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return fmt.Errorf("go env GOROOT: %w", err)
	}
	glue, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		return err
	}
	replay, err := EncodeReplay(labels, recs)
	if err != nil {
		return err
	}
	names, _ := json.Marshal(labels)
	windows, _ := json.Marshal(map[string]any{"norm": o.Norm, "tempo": o.Tempo})
	for name, b := range map[string][]byte{"wasm_exec.js": glue, "model.kbc": kbc, "labels.json": names, "windows.json": windows, "replay.bin": replay} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// BuildWasm builds ./wasm (this command's directory's) for GOOS=js
// GOARCH=wasm into out.
func BuildWasm(out string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, wasmPackage)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("building the wasm VM: %v\n%s", err, stderr.String())
	}
	return nil
}

// wasmPackage is the wasm program.
const wasmPackage = "github.com/kiln-nn/kiln/examples/web/wasm"

// EncodeReplay writes recordings as replay.bin: "KGR1", u32 recordings,
// then per recording u32 label (its gesture's index in labels), u32 user,
// u32 samples n and 3n float32 (x, then y, then z), little-endian.
func EncodeReplay(labels []string, recs []data.GestureRecording) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("KGR1")
	put := func(v uint32) { b.Write(binary.LittleEndian.AppendUint32(nil, v)) }
	put(uint32(len(recs)))
	for _, r := range recs {
		label := slices.Index(labels, r.Gesture)
		if label < 0 {
			return nil, fmt.Errorf("recording %s: gesture %q is not among the labels", r.Name, r.Gesture)
		}
		if r.User < 0 || r.User > math.MaxUint32 {
			return nil, fmt.Errorf("recording %s: user %d does not fit", r.Name, r.User)
		}
		put(uint32(label))
		put(uint32(r.User))
		put(uint32(len(r.XYZ[0])))
		for _, axis := range r.XYZ {
			for _, v := range axis {
				put(math.Float32bits(v))
			}
		}
	}
	return b.Bytes(), nil
}

// contentPolicy lets the page load nothing but its own server's files
// (and compile WebAssembly): it needs no network beyond it, and the
// browser enforces that.
const contentPolicy = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; img-src 'self'; style-src 'self'"

// Handler serves dir with the headers the page needs: no caching (a
// rebuilt model is picked up), the wasm type for instantiateStreaming,
// and contentPolicy.
func Handler(dir string) http.Handler {
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Security-Policy", contentPolicy)
		if strings.HasSuffix(r.URL.Path, ".wasm") {
			w.Header().Set("Content-Type", "application/wasm")
		}
		files.ServeHTTP(w, r)
	})
}

// selfSigned makes a certificate for this machine's addresses and host
// name, valid for a week.
func selfSigned(addr string) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "kiln gesture page"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(7 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
	}
	if h, err := os.Hostname(); err == nil {
		tmpl.DNSNames = append(tmpl.DNSNames, h)
	}
	if ifaces, err := net.InterfaceAddrs(); err == nil {
		for _, a := range ifaces {
			if n, ok := a.(*net.IPNet); ok {
				tmpl.IPAddresses = append(tmpl.IPAddresses, n.IP)
			}
		}
	}
	if host, _, err := net.SplitHostPort(addr); err == nil {
		if ip := net.ParseIP(host); ip != nil && !ip.IsUnspecified() && !slices.ContainsFunc(tmpl.IPAddresses, ip.Equal) {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}
