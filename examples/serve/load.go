// The load test: the service on a loopback port, a fixed number of
// requests from a few concurrent clients, bounded in time; their rate and
// latency percentiles.

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
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
	P50, P99, Max time.Duration
}

func (r loadReport) String() string {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/1e6) }
	s := fmt.Sprintf("%d requests (%s /rank, %d candidates, k=%d) from %d concurrent clients over loopback in %.2f s: %.0f requests/s; latency p50 %s, p99 %s, max %s; %d errors",
		r.Requests, r.opt.Method, r.opt.Candidates, r.opt.K, r.opt.Concurrency, r.Elapsed.Seconds(), r.Rate(), ms(r.P50), ms(r.P99), ms(r.Max), r.Errors)
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
	url := "http://" + ln.Addr().String() + "/rank"

	// A fixed set of requests, sent round robin.
	rng := rand.New(rand.NewPCG(opt.Seed, 0x5e7e))
	type request struct {
		url  string
		body []byte
	}
	reqs := make([]request, min(opt.N, 1024))
	for i := range reqs {
		user := v.user[rng.IntN(len(v.user))]
		movies := rng.Perm(len(v.movie))[:opt.Candidates]
		ids := make([]int64, len(movies))
		for j, m := range movies {
			ids[j] = v.movie[m]
		}
		if opt.Method == http.MethodGet {
			b := fmt.Appendf(nil, "%s?user=%d&k=%d&movies=", url, user, opt.K)
			for j, id := range ids {
				if j > 0 {
					b = append(b, ',')
				}
				b = strconv.AppendInt(b, id, 10)
			}
			reqs[i] = request{url: string(b)}
		} else {
			body, _ := json.Marshal(map[string]any{"user": user, "movies": ids, "k": opt.K})
			reqs[i] = request{url: url, body: body}
		}
	}
	want := []byte(fmt.Sprintf(`"scored":%d,"results":[`, opt.Candidates))

	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: opt.Concurrency, MaxIdleConnsPerHost: opt.Concurrency, DisableCompression: true}}
	defer client.CloseIdleConnections()
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
	start := time.Now()
	stop := start.Add(opt.Time)
	for range opt.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			for {
				i := int(next.Add(1) - 1)
				if i >= opt.N || time.Now().After(stop) {
					return
				}
				rq := reqs[i%len(reqs)]
				var (
					req *http.Request
					err error
				)
				if rq.body != nil {
					req, err = http.NewRequestWithContext(context.Background(), http.MethodPost, rq.url, bytes.NewReader(rq.body))
				} else {
					req, err = http.NewRequestWithContext(context.Background(), http.MethodGet, rq.url, nil)
				}
				if err != nil {
					fail(err.Error())
					lat[i] = -1
					continue
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					fail(err.Error())
					lat[i] = -1
					continue
				}
				buf.Reset()
				_, err = buf.ReadFrom(resp.Body)
				resp.Body.Close()
				lat[i] = time.Since(t0)
				switch {
				case err != nil:
					fail(err.Error())
				case resp.StatusCode != http.StatusOK:
					fail(fmt.Sprintf("status %d: %s", resp.StatusCode, bytes.TrimSpace(buf.Bytes())))
				case !bytes.Contains(buf.Bytes(), want):
					fail(fmt.Sprintf("answer without %s: %.200s", want, buf.Bytes()))
				case i%1000 == 0 && !checkAnswer(buf.Bytes(), min(opt.K, opt.Candidates)):
					fail(fmt.Sprintf("answer without %d results: %.200s", min(opt.K, opt.Candidates), buf.Bytes()))
				default:
					ok[i] = true
				}
			}
		}()
	}
	wg.Wait()
	rep.Elapsed = time.Since(start)
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
