// Command serve is an HTTP service that ranks movies for a user with a
// click model built by kiln (examples/deepfm.kiln), embedding kiln's VM:
//
//	go run ./examples/serve -model deepfm.kbc -vocab deepfm.vocab.json [-addr 127.0.0.1:8080]
//	curl '127.0.0.1:8080/rank?user=42&movies=1,32,260,1196&k=3'
//
// GET or POST /rank scores a user's candidate movies (or all movies) in
// one batched Run and answers the top k as JSON, ranked by the model's
// logit. With -load N it instead serves on a loopback port, sends itself N
// requests and reports their rate and latency. README.md describes the
// requests, the answers, the errors and the vocabulary file.
//
// It imports only the runtime and the standard library (the vocabulary
// is JSON): no compiler, no training code.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	goruntime "runtime"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/kiln-nn/kiln/runtime"
)

func main() {
	var (
		modelPath = flag.String("model", "", "the model, a .kbc file (kiln build)")
		vocabPath = flag.String("vocab", "", "its vocabulary, the JSON file go run ./examples/serve/vocab writes")
		addr      = flag.String("addr", "127.0.0.1:8080", "the address to serve on")
		score     = flag.String("score", "logit", "the model output to rank by")
		prob      = flag.String("prob", "click", "the model output to report as each result's click probability (\"\" for none)")
		fallback  = flag.String("fallback-user", "", "a raw user id in the vocabulary to score an unknown user as (default: an unknown user is answered 404)")
		sessions  = flag.Int("sessions", goruntime.GOMAXPROCS(0), "how many requests run the model at once (one session each)")
		maxBody   = flag.Int64("max-body", 1<<20, "the largest POST body, in bytes")
		load      = flag.Int("load", 0, "instead of serving: send N requests to the service on a loopback port and report their rate and latency")
		conc      = flag.Int("concurrency", 8, "with -load: requests in flight at once")
		cands     = flag.Int("candidates", 100, "with -load: movies per request")
		k         = flag.Int("k", defaultK, "with -load: results per request")
		loadTime  = flag.Duration("load-time", time.Minute, "with -load: stop sending after this long")
		method    = flag.String("load-method", "GET", "with -load: GET (a query) or POST (a JSON body)")
		seed      = flag.Uint64("seed", 1, "with -load: the seed of the requests' users and movies")
		cpuProf   = flag.String("cpuprofile", "", "with -load: write a CPU profile of the load test (server and clients) to this file")
	)
	flag.Parse()
	probSet := false
	flag.Visit(func(f *flag.Flag) { probSet = probSet || f.Name == "prob" })
	if *modelPath == "" || *vocabPath == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: serve -model MODEL.kbc -vocab VOCAB.json [-addr HOST:PORT] [flags]; serve -h lists them")
		os.Exit(2)
	}
	r, err := open(*modelPath, *vocabPath, rankerOptions{Score: *score, Prob: *prob, ProbSet: probSet, Fallback: *fallback, Sessions: *sessions})
	if err != nil {
		log.Fatalf("serve: %v", err)
	}
	h := handler(r, *maxBody)
	if *load > 0 {
		if *cpuProf != "" {
			f, err := os.Create(*cpuProf)
			if err != nil {
				log.Fatalf("serve: %v", err)
			}
			if err := pprof.StartCPUProfile(f); err != nil {
				log.Fatalf("serve: %v", err)
			}
		}
		rep, err := runLoad(h, r.ids, loadOptions{N: *load, Concurrency: *conc, Candidates: *cands, K: *k, Time: *loadTime, Method: *method, Seed: *seed})
		if err != nil {
			log.Fatalf("serve: %v", err)
		}
		pprof.StopCPUProfile()
		fmt.Println(rep)
		if rep.Errors > 0 {
			os.Exit(1)
		}
		return
	}
	srv := &http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shut)
	}()
	log.Printf("serving %s (%d users, %d movies; ranked by %s) on http://%s/rank with %d sessions", r.model.Name(), r.ids.nu, len(r.ids.movie), *score, *addr, *sessions)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatalf("serve: %v", err)
	}
}

// open loads the model and the vocabulary and makes the ranker.
func open(modelPath, vocabPath string, opt rankerOptions) (*ranker, error) {
	m, err := runtime.LoadFile(modelPath, nil)
	if err != nil {
		return nil, err
	}
	v, err := readIDs(vocabPath)
	if err != nil {
		return nil, err
	}
	return newRanker(m, v, opt)
}
