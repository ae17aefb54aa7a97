// The ranker: a loaded model, its vocabulary, a pool of sessions and a
// pool of per-request buffers; one batched Run per request, then top-k.

package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/kiln-nn/kiln/runtime"
)

// ranker scores candidate movies for a user with a click model whose
// inputs are those of the movielens: form: fields: i32[3] (user, movie and
// genre ids), and optionally genres: i32[W] (the movie's genre ids, padded
// with 0) and year: i32[1] (its year bucket).
type ranker struct {
	model    *runtime.Model
	ids      *ids
	inputs   []inputKind // by model input: what fills it
	width    int         // the genres input's width, 0 without it
	year     bool        // the model has the year input
	score    int         // the output ranked by (the logit)
	prob     int         // the output reported as click probability, -1 for none
	fallback int32       // the user index an unknown user is scored as, -1 for none
	// fallbackRaw is that user's raw id.
	fallbackRaw int64
	// sessions holds the sessions; a request takes one for its Run.
	sessions chan *runtime.Session
	// free holds request buffers for reuse, up to maxFree of them.
	free chan *scratch
}

// rankerOptions are the ranker's settings.
type rankerOptions struct {
	Score    string // the output to rank by
	Prob     string // the output to report as "click", "" for none
	ProbSet  bool   // Prob was asked for: its absence is an error
	Fallback string // the raw user id an unknown user is scored as, "" for none
	Sessions int    // how many requests run the model at once
}

// inputKind is one of the inputs the service fills.
type inputKind int

const (
	inFields inputKind = iota
	inGenres
	inYear
)

// modelInputs matches the model's inputs, by name, with those the service
// fills from the vocabulary: fields always, genres and year when the model
// declares them. It returns what fills each input and the genres input's
// width (0 without it).
func modelInputs(m *runtime.Model, v *ids) ([]inputKind, int, error) {
	const fills = "the service fills fields: i32[3], genres: i32[N] and year: i32[1], the movielens: form's inputs"
	var kinds []inputKind
	width, hasFields := 0, false
	for _, in := range m.Inputs() {
		is := func(shape ...int) bool {
			return in.DType == runtime.I32 && (slices.Equal(in.Shape, shape) || shape == nil && len(in.Shape) == 1 && in.Shape[0] >= 1)
		}
		want := ""
		switch in.Name {
		case "fields":
			if want = "i32[3], the user, movie and genre ids"; is(3) {
				kinds, hasFields = append(kinds, inFields), true
				want = ""
			}
		case "genres":
			if want = "i32[N], the movie's genre ids"; is() {
				kinds, width = append(kinds, inGenres), in.Shape[0]
				want = ""
				if width < v.maxGenres {
					return nil, 0, fmt.Errorf("model %s: input genres is i32[%d], but a movie of the vocabulary has %d genres", m.Name(), width, v.maxGenres)
				}
			}
		case "year":
			if want = "i32[1], the movie's year bucket"; is(1) {
				kinds = append(kinds, inYear)
				want = ""
				if v.year == nil {
					return nil, 0, fmt.Errorf("model %s has an input year, but the vocabulary has no movie_years (its data had no year column)", m.Name())
				}
			}
		default:
			return nil, 0, fmt.Errorf("model %s has an input %s %v%v that the service cannot fill (its inputs: %s); %s", m.Name(), in.Name, in.DType, in.Shape, describe(m.Inputs()), fills)
		}
		if want != "" {
			return nil, 0, fmt.Errorf("model %s: input %s is %v%v; want %s", m.Name(), in.Name, in.DType, in.Shape, want)
		}
	}
	if !hasFields {
		return nil, 0, fmt.Errorf("model %s has no input fields: i32[3] (its inputs: %s); %s", m.Name(), describe(m.Inputs()), fills)
	}
	return kinds, width, nil
}

// newRanker checks that the model and the vocabulary fit each other and
// makes the sessions, each for a batch of every movie in the vocabulary.
func newRanker(m *runtime.Model, v *ids, opt rankerOptions) (*ranker, error) {
	kinds, width, err := modelInputs(m, v)
	if err != nil {
		return nil, err
	}
	outs := m.Outputs()
	find := func(name string) int {
		for i, o := range outs {
			if o.Name == name {
				return i
			}
		}
		return -1
	}
	r := &ranker{model: m, ids: v, inputs: kinds, width: width, year: slices.Contains(kinds, inYear), score: find(opt.Score), prob: -1, fallback: -1}
	if r.score < 0 {
		return nil, fmt.Errorf("model %s has no output %q to rank by (its outputs: %s); examples/deepfm.kiln declares output logit, or choose one with -score", m.Name(), opt.Score, describe(outs))
	}
	if opt.Prob != "" {
		if r.prob = find(opt.Prob); r.prob < 0 && opt.ProbSet {
			return nil, fmt.Errorf("model %s has no output %q (its outputs: %s)", m.Name(), opt.Prob, describe(outs))
		}
	}
	for _, k := range []int{r.score, r.prob} {
		if k >= 0 && (outs[k].DType != runtime.F32 || !slices.Equal(outs[k].Shape, []int{1})) {
			return nil, fmt.Errorf("model %s: output %s is %v%v; want one float per example, f32[1]", m.Name(), outs[k].Name, outs[k].DType, outs[k].Shape)
		}
	}
	if opt.Fallback != "" {
		u, err := strconv.ParseInt(opt.Fallback, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("fallback user %q is not an integer id", opt.Fallback)
		}
		i, ok := v.users[u]
		if !ok {
			return nil, fmt.Errorf("fallback user %d is not in the vocabulary", u)
		}
		r.fallback, r.fallbackRaw = i, u
	}
	if opt.Sessions < 1 {
		return nil, fmt.Errorf("%d sessions; want at least 1", opt.Sessions)
	}
	capacity := len(v.movie) // a request scores each known movie at most once
	r.sessions = make(chan *runtime.Session, opt.Sessions)
	r.free = make(chan *scratch, maxFree)
	for range opt.Sessions {
		s, err := m.NewSession(capacity)
		if err != nil {
			r.close()
			return nil, err
		}
		r.sessions <- s
	}
	// One example with the vocabulary's largest id of each kind: the
	// model's embedding tables must hold them.
	st := r.get()
	defer r.put(st)
	r.reserve(st, 1)
	st.fields[0], st.fields[1], st.fields[2] = v.nu-1, v.nu+int32(len(v.movie))-1, v.size()-1
	if width > 0 {
		clear(st.genres[:width])
		st.genres[0] = v.genreNames
	}
	st.year[0] = max(v.maxYear(), 0)
	if err := r.run(context.Background(), st, 1); err != nil {
		r.close()
		return nil, fmt.Errorf("the vocabulary's ids (fields 0 to %d, genres 1 to %d, years 0 to %d) do not fit model %s: %v; were the model and the vocabulary made from the same data?", v.size()-1, v.genreNames, v.maxYear(), m.Name(), err)
	}
	return r, nil
}

// close closes the sessions.
func (r *ranker) close() {
	for {
		select {
		case s := <-r.sessions:
			s.Close()
		default:
			return
		}
	}
}

func describe(ts []runtime.TensorInfo) string {
	var parts []string
	for _, t := range ts {
		parts = append(parts, fmt.Sprintf("%s %v%v", t.Name, t.DType, t.Shape))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// scratch is one request's memory, reused from request to request.
type scratch struct {
	body    []byte  // the request body
	cand    []int64 // the candidate raw movie ids, as the request lists them
	fields  []int32 // the batch: 3 ids per row
	genres  []int32 // the batch's genres input: width ids per row
	year    []int32 // the batch's year input: one id per row
	row     []int32 // each row's movie index
	out     [][]float32
	in      []runtime.Value
	outs    []runtime.Value
	seen    []uint32 // by movie index: the request stamp that scored it
	stamp   uint32
	top     []int32 // the rows of the top k
	unknown []int64
	buf     []byte // the response
}

// maxFree is the most request buffers the pool keeps: more requests than
// that in flight at once make buffers that are dropped after them. A
// buffer grows to the largest request it served (about 90 bytes a movie with a genres input of 10).
const maxFree = 256

// get takes a request buffer from the pool, or makes one.
func (r *ranker) get() *scratch {
	select {
	case st := <-r.free:
		return st
	default:
	}
	n := len(r.model.Outputs())
	return &scratch{out: make([][]float32, n), in: make([]runtime.Value, len(r.inputs)), outs: make([]runtime.Value, n)}
}

// reserve makes room in st for a batch of n rows.
func (r *ranker) reserve(st *scratch, n int) {
	if cap(st.row) >= n {
		return
	}
	st.fields, st.row = make([]int32, 3*n), make([]int32, n)
	st.genres, st.year = make([]int32, r.width*n), make([]int32, n)
	for i := range st.out {
		st.out[i] = make([]float32, n)
	}
}

// fill writes row n of the batch: the inputs for user index u and movie
// index j.
func (r *ranker) fill(st *scratch, n int, u, j int32) {
	r.ids.fields(st.fields[3*n:3*n+3], u, j)
	if r.width > 0 {
		r.ids.genres(st.genres[r.width*n:r.width*(n+1)], j)
	}
	if r.year {
		st.year[n] = r.ids.year[j]
	}
	st.row[n] = j
}

// put returns a request buffer to the pool (or drops it when the pool is
// full).
func (r *ranker) put(st *scratch) {
	select {
	case r.free <- st:
	default:
	}
}

// run scores the first n rows of the batch in one batched Run, on a
// session taken from the pool for it.
func (r *ranker) run(ctx context.Context, st *scratch, n int) error {
	var s *runtime.Session
	select {
	case s = <-r.sessions:
	case <-ctx.Done():
		return ctx.Err()
	}
	for i, k := range r.inputs {
		switch k {
		case inFields:
			st.in[i] = runtime.Value{I32: st.fields[:3*n]}
		case inGenres:
			st.in[i] = runtime.Value{I32: st.genres[:r.width*n]}
		case inYear:
			st.in[i] = runtime.Value{I32: st.year[:n]}
		}
	}
	for i := range st.outs {
		st.outs[i] = runtime.Value{F32: st.out[i][:n]}
	}
	err := s.Run(st.in, st.outs)
	r.sessions <- s
	return err
}

// query is a parsed request: rank the movies (or all of them) for user.
type query struct {
	user int64
	all  bool // every movie in the vocabulary; else st.cand
	k    int
}

// errUnknownUser is rank's error for a user outside the vocabulary when
// there is no fallback.
var errUnknownUser = errors.New("unknown user")

// rank scores the query's candidates for its user in one Run and writes
// the top k as the response's JSON into st.buf. Unknown movies are left
// out and listed as the request lists them; a known movie listed twice is
// scored once.
func (r *ranker) rank(ctx context.Context, st *scratch, q query) error {
	u, known := r.ids.users[q.user]
	if !known {
		if r.fallback < 0 {
			return errUnknownUser
		}
		u = r.fallback
	}
	st.stamp++
	if st.stamp == 0 { // wrapped: forget every stamp
		clear(st.seen)
		st.stamp = 1
	}
	st.unknown = st.unknown[:0]
	n, candidates := 0, len(st.cand)
	if q.all {
		candidates = len(r.ids.movie)
		r.reserve(st, candidates)
		for j := range r.ids.movie {
			r.fill(st, j, u, int32(j))
		}
		n = candidates
	} else {
		r.reserve(st, min(len(st.cand), len(r.ids.movie)))
		if len(st.seen) < len(r.ids.movie) {
			st.seen = make([]uint32, len(r.ids.movie))
		}
		for _, m := range st.cand {
			j, ok := r.ids.movies[m]
			switch {
			case !ok:
				st.unknown = append(st.unknown, m)
			case st.seen[j] != st.stamp:
				st.seen[j] = st.stamp
				r.fill(st, n, u, j)
				n++
			}
		}
	}
	if n > 0 {
		if err := r.run(ctx, st, n); err != nil {
			return err
		}
	}
	r.topK(st, n, q.k)

	b := append(st.buf[:0], `{"user":`...)
	b = strconv.AppendInt(b, q.user, 10)
	if !known {
		b = append(b, `,"fallback_user":`...)
		b = strconv.AppendInt(b, r.fallbackRaw, 10)
	}
	b = append(b, `,"k":`...)
	b = strconv.AppendInt(b, int64(q.k), 10)
	b = append(b, `,"candidates":`...)
	b = strconv.AppendInt(b, int64(candidates), 10)
	b = append(b, `,"scored":`...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, `,"results":[`...)
	score := st.out[r.score]
	for i, row := range st.top {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"movie":`...)
		b = strconv.AppendInt(b, r.ids.movie[st.row[row]], 10)
		b = append(b, `,"score":`...)
		b = strconv.AppendFloat(b, float64(score[row]), 'g', -1, 32)
		if r.prob >= 0 {
			b = append(b, `,"click":`...)
			b = strconv.AppendFloat(b, float64(st.out[r.prob][row]), 'g', -1, 32)
		}
		b = append(b, '}')
	}
	b = append(b, `],"unknown_movies":[`...)
	for i, m := range st.unknown {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, m, 10)
	}
	st.buf = append(b, "]}\n"...)
	return nil
}

// better reports whether row a ranks above row b: the higher score, then,
// for equal scores, the smaller raw movie id, so that the order is total
// and the same on every run.
func (r *ranker) better(st *scratch, a, b int32) bool {
	sa, sb := st.out[r.score][a], st.out[r.score][b]
	if sa != sb {
		return sa > sb
	}
	return r.ids.movie[st.row[a]] < r.ids.movie[st.row[b]]
}

// topK leaves in st.top the k best of the n rows, best first: a heap of
// the k best so far whose root is the worst of them, then sorted.
func (r *ranker) topK(st *scratch, n, k int) {
	k = min(k, n)
	h := st.top[:0]
	for row := range int32(n) {
		if len(h) < k {
			h = append(h, row)
			for c := len(h) - 1; c > 0; { // sift up: a worse child rises
				p := (c - 1) / 2
				if !r.better(st, h[p], h[c]) {
					break
				}
				h[p], h[c] = h[c], h[p]
				c = p
			}
			continue
		}
		if !r.better(st, row, h[0]) {
			continue
		}
		h[0] = row
		for p := 0; ; { // sift down: the worst child rises
			w, c := p, 2*p+1
			if c < k && r.better(st, h[w], h[c]) {
				w = c
			}
			if c+1 < k && r.better(st, h[w], h[c+1]) {
				w = c + 1
			}
			if w == p {
				break
			}
			h[p], h[w] = h[w], h[p]
			p = w
		}
	}
	// Heap sort in place: the worst goes last, k times.
	for end := len(h) - 1; end > 0; end-- {
		h[0], h[end] = h[end], h[0]
		for p := 0; ; {
			w, c := p, 2*p+1
			if c < end && r.better(st, h[w], h[c]) {
				w = c
			}
			if c+1 < end && r.better(st, h[w], h[c+1]) {
				w = c + 1
			}
			if w == p {
				break
			}
			h[p], h[w] = h[w], h[p]
			p = w
		}
	}
	st.top = h // best first: each step above put the worst left at the end
}
