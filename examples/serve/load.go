// The load test: the service on a loopback port, a fixed number of
// requests from a few concurrent clients, bounded in time; their rate and
// latency percentiles.

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// loadOptions say what runLoad sends.
type loadOptions struct {
	N           int           // requests
	Concurrency int           // requests in flight at once
	Candidates  int           // movies per request
	K           int           // results per request
	Time        time.Duration // no request starts after this
	Method      string        // GET or POST
	Seed        uint64        // the users' and movies' seed
}

// loadReport is what runLoad measured.
type loadReport struct {
	opt           loadOptions
	Requests      int // answered 200 with k results
	Errors        int // anything else
	FirstError    string
	Elapsed       time.Duration
	CPU           time.Duration // the process's CPU time meanwhile, service and clients
	P50, P99, Max time.Duration
}

func (r loadReport) String() string {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/1e6) }
	s := fmt.Sprintf("%d requests (%s /rank, %d candidates, k=%d) from %d concurrent clients over loopback in %.2f s: %.0f requests/s; latency p50 %s, p99 %s, max %s; %d errors",
		r.Requests, r.opt.Method, r.opt.Candidates, r.opt.K, r.opt.Concurrency, r.Elapsed.Seconds(), r.Rate(), ms(r.P50), ms(r.P99), ms(r.Max), r.Errors)
	if r.CPU > 0 && r.Requests+r.Errors > 0 {
		per := r.CPU / time.Duration(r.Requests+r.Errors)
		s += fmt.Sprintf("; CPU time %.2f s, %.0f µs a request (service and clients)", r.CPU.Seconds(), float64(per)/1e3)
	}
	if r.Requests+r.Errors < r.opt.N {
		s += fmt.Sprintf("; stopped at the %v limit after %d of %d", r.opt.Time, r.Requests+r.Errors, r.opt.N)
	}
	if r.FirstError != "" {
		s += "; first error: " + r.FirstError
	}
	return s
}

// Rate is the answered requests per second.
func (r loadReport) Rate() float64 { return float64(r.Requests) / r.Elapsed.Seconds() }

// runLoad serves h on 127.0.0.1 and sends it opt.N requests, each for a
// random user of v and opt.Candidates distinct random movies of it, from
// opt.Concurrency clients, starting none after opt.Time.
func runLoad(h http.Handler, v *ids, opt loadOptions) (loadReport, error) {
	rep := loadReport{opt: opt}
	if opt.N < 1 || opt.Concurrency < 1 || opt.Candidates < 1 || opt.K < 1 || opt.Time <= 0 {
		return rep, fmt.Errorf("load test: requests %d, concurrency %d, candidates %d, k %d and time %v must be positive", opt.N, opt.Concurrency, opt.Candidates, opt.K, opt.Time)
	}
	if opt.Method != http.MethodGet && opt.Method != http.MethodPost {
		return rep, fmt.Errorf("load test: method %q; want GET or POST", opt.Method)
	}
	if opt.Candidates > len(v.movie) {
		return rep, fmt.Errorf("load test: %d candidates per request, but the vocabulary has %d movies", opt.Candidates, len(v.movie))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return rep, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	addr := ln.Addr().String()

	// A fixed set of requests, sent round robin, as the bytes of HTTP/1.1
	// requests on a kept-alive connection.
	rng := rand.New(rand.NewPCG(opt.Seed, 0x5e7e))
	reqs := make([][]byte, min(opt.N, 1024))
	for i := range reqs {
		user := v.user[rng.IntN(len(v.user))]
		movies := rng.Perm(len(v.movie))[:opt.Candidates]
		ids := make([]int64, len(movies))
		for j, m := range movies {
			ids[j] = v.movie[m]
		}
		if opt.Method == http.MethodGet {
			b := fmt.Appendf(nil, "GET /rank?user=%d&k=%d&movies=", user, opt.K)
			for j, id := range ids {
				if j > 0 {
					b = append(b, ',')
				}
				b = strconv.AppendInt(b, id, 10)
			}
			reqs[i] = fmt.Appendf(b, " HTTP/1.1\r\nHost: %s\r\n\r\n", addr)
		} else {
			body, _ := json.Marshal(map[string]any{"user": user, "movies": ids, "k": opt.K})
			reqs[i] = fmt.Appendf(nil, "POST /rank HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", addr, len(body), body)
		}
	}
	want := []byte(fmt.Sprintf(`"scored":%d,"results":[`, opt.Candidates))

	lat := make([]time.Duration, opt.N)
	ok := make([]bool, opt.N)
	var (
		next     atomic.Int64
		mu       sync.Mutex
		firstErr string
		wg       sync.WaitGroup
	)
	fail := func(msg string) {
		mu.Lock()
		if firstErr == "" {
			firstErr = msg
		}
		mu.Unlock()
	}
	start, cpu0 := time.Now(), cpuTime()
	stop := start.Add(opt.Time)
	for range opt.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var c *client
			defer func() { c.close() }()
			for {
				i := int(next.Add(1) - 1)
				if i >= opt.N || time.Now().After(stop) {
					return
				}
				if c == nil {
					var err error
					if c, err = dial(addr); err != nil {
						fail(err.Error())
						lat[i] = -1
						continue
					}
				}
				t0 := time.Now()
				status, body, err := c.do(reqs[i%len(reqs)])
				lat[i] = time.Since(t0)
				switch {
				case err != nil:
					fail(err.Error())
					c.close()
					c = nil
				case status != http.StatusOK:
					fail(fmt.Sprintf("status %d: %s", status, bytes.TrimSpace(body)))
				case !bytes.Contains(body, want):
					fail(fmt.Sprintf("answer without %s: %.200s", want, body))
				case i%1000 == 0 && !checkAnswer(body, min(opt.K, opt.Candidates)):
					fail(fmt.Sprintf("answer without %d results: %.200s", min(opt.K, opt.Candidates), body))
				default:
					ok[i] = true
				}
			}
		}()
	}
	wg.Wait()
	rep.Elapsed = time.Since(start)
	if cpu0 > 0 {
		rep.CPU = cpuTime() - cpu0
	}
	var done []time.Duration
	for i, d := range lat {
		switch {
		case ok[i]:
			done = append(done, d)
			rep.Requests++
		case d != 0:
			rep.Errors++
		}
	}
	rep.FirstError = firstErr
	if len(done) > 0 {
		slices.Sort(done)
		at := func(p float64) time.Duration { return done[min(len(done)-1, int(p*float64(len(done))))] }
		rep.P50, rep.P99, rep.Max = at(0.50), at(0.99), done[len(done)-1]
	}
	return rep, nil
}

// checkAnswer decodes an answer and reports whether it holds k results.
func checkAnswer(b []byte, k int) bool {
	var a struct {
		Results []struct {
			Movie int64   `json:"movie"`
			Score float64 `json:"score"`
		} `json:"results"`
	}
	return json.Unmarshal(b, &a) == nil && len(a.Results) == k
}

// client is one kept-alive HTTP/1.1 connection that sends a request and
// reads its answer: a status line, headers with a Content-Length, a body.
// The load test uses it rather than net/http's client, which costs the
// CPUs the service shares with it several times as much per request.
type client struct {
	conn net.Conn
	r    *bufio.Reader
	body []byte
}

func dial(addr string) (*client, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &client{conn: conn, r: bufio.NewReaderSize(conn, 16<<10)}, nil
}

func (c *client) close() {
	if c != nil {
		c.conn.Close()
	}
}

// do sends req and returns the answer's status and body (valid until the
// next call).
func (c *client) do(req []byte) (int, []byte, error) {
	if _, err := c.conn.Write(req); err != nil {
		return 0, nil, err
	}
	line, err := c.r.ReadSlice('\n')
	if err != nil {
		return 0, nil, err
	}
	// "HTTP/1.1 200 OK\r\n"
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) {
		return 0, nil, fmt.Errorf("status line %q", line)
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, nil, fmt.Errorf("status line %q", line)
	}
	length, closing := -1, false
	for {
		h, err := c.r.ReadSlice('\n')
		if err != nil {
			return 0, nil, err
		}
		h = bytes.TrimRight(h, "\r\n")
		if len(h) == 0 {
			break
		}
		name, val, _ := bytes.Cut(h, []byte(":"))
		val = bytes.TrimSpace(val)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(val)); err != nil {
				return 0, nil, fmt.Errorf("header %q", h)
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			return 0, nil, fmt.Errorf("header %q: the load test reads answers with a Content-Length only", h)
		case bytes.EqualFold(name, []byte("Connection")) && bytes.EqualFold(val, []byte("close")):
			closing = true
		}
	}
	if length < 0 {
		return 0, nil, fmt.Errorf("an answer without Content-Length")
	}
	if cap(c.body) < length {
		c.body = make([]byte, length)
	}
	c.body = c.body[:length]
	if _, err := io.ReadFull(c.r, c.body); err != nil {
		return 0, nil, err
	}
	if closing {
		return status, c.body, fmt.Errorf("the service closed the connection (status %d: %s)", status, bytes.TrimSpace(c.body))
	}
	return status, c.body, nil
}
