package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/kiln-nn/kiln/data"
	"github.com/kiln-nn/kiln/internal/testbuild"
	"github.com/kiln-nn/kiln/runtime"
)

// fixture is a model with random weights, built to bytecode, and a
// generated vocabulary of sparse raw ids, both written to files.
type fixture struct {
	model, vocab string // the files
	m            *runtime.Model
	v            *data.MovieLensVocab
	unknownUsers []int64 // raw ids in neither list
	unknownMovie []int64
}

// fieldsOnlyKiln is a click model of the fields input alone, the form of
// deepfm.kiln before it took the movie's genres and year.
const fieldsOnlyKiln = `model fieldsonly {
  input fields: i32[3]
  emb = embedding(fields, vocab=10000, dim=8)
  wf = sum(embedding(fields, vocab=10000, dim=1))
  d1 = relu(dense(flatten(emb), 16))
  logit = wf + dense(d1, 1)
  output click = sigmoid(logit)
  output logit
}
`

var (
	fixtureOnce sync.Once
	fix, fix1   *fixture
	fixErr      error
)

// getFixture returns examples/deepfm.kiln (inputs fields, genres and
// year) with the generated vocabulary.
func getFixture(t testing.TB) *fixture {
	fixtureOnce.Do(func() {
		src, err := os.ReadFile("../deepfm.kiln")
		if err != nil {
			fixErr = err
			return
		}
		if fix, fixErr = makeFixture("deepfm.kiln", src); fixErr == nil {
			fix1, fixErr = makeFixture("fieldsonly.kiln", []byte(fieldsOnlyKiln))
		}
	})
	if fixErr != nil {
		t.Fatal(fixErr)
	}
	return fix
}

// getFixtures returns both models: deepfm.kiln's and the fields-only one.
func getFixtures(t testing.TB) []*fixture {
	getFixture(t)
	return []*fixture{fix, fix1}
}

// buildModel compiles a .kiln source with random weights and writes its
// bytecode to dir.
func buildModel(dir, name string, src []byte) (string, *runtime.Model, error) {
	r, err := testbuild.Compile(name, src, nil)
	if err != nil {
		return "", nil, err
	}
	path := filepath.Join(dir, strings.TrimSuffix(name, ".kiln")+".kbc")
	if err := os.WriteFile(path, r.Bytecode, 0o644); err != nil {
		return "", nil, err
	}
	m, err := runtime.Load(r.Bytecode, nil)
	return path, m, err
}

func makeFixture(name string, src []byte) (*fixture, error) {
	dir, err := os.MkdirTemp("", "serve-test")
	if err != nil {
		return nil, err
	}
	f := &fixture{vocab: filepath.Join(dir, "vocab.json")}
	if f.model, f.m, err = buildModel(dir, name, src); err != nil {
		return nil, err
	}
	// 40 users and 300 movies with gaps between their raw ids; 7 primary
	// genres of 9, each movie with 1 to 4 of them; years in all 20
	// buckets.
	rng := rand.New(rand.NewPCG(3, 4))
	v := &data.MovieLensVocab{Format: data.MovieLensVocabFormat, Version: data.MovieLensVocabVersion, Source: "movielens:generated.csv",
		Genres:     []string{"(no genres listed)", "Action", "Comedy", "Drama", "Horror", "Romance", "Western"},
		GenreNames: []string{"(no genres listed)", "Action", "Adventure", "Comedy", "Drama", "Horror", "Romance", "Sci-Fi", "Western"}}
	for i := range 40 {
		v.Users = append(v.Users, int64(3*i+1))
		f.unknownUsers = append(f.unknownUsers, int64(3*i+2))
	}
	for j := range 300 {
		v.Movies = append(v.Movies, int64(10*j+5))
		g := int32(rng.IntN(len(v.Genres)))
		v.MovieGenre = append(v.MovieGenre, g)
		gs := []int32{int32(slices.Index(v.GenreNames, v.Genres[g]) + 1)}
		for range rng.IntN(4) {
			if id := int32(1 + rng.IntN(len(v.GenreNames))); !slices.Contains(gs, id) {
				gs = append(gs, id)
			}
		}
		v.MovieGenres = append(v.MovieGenres, gs)
		v.MovieYears = append(v.MovieYears, int32(rng.IntN(data.YearBuckets)))
		f.unknownMovie = append(f.unknownMovie, int64(10*j+6))
	}
	f.v = v
	var b bytes.Buffer
	if err := v.WriteJSON(&b); err != nil {
		return nil, err
	}
	return f, os.WriteFile(f.vocab, b.Bytes(), 0o644)
}

// scored is one movie's outputs, as the VM gives them run alone.
type scored struct {
	Movie int64   `json:"movie"`
	Score float32 `json:"score"`
	Click float32 `json:"click"`
}

// oracle scores each known movie of movies for user on its own (batch 1,
// a session of its own), with each input the model declares computed from
// the vocabulary here (the genres padded with 0 to the input's width),
// and returns the k best by logit, ties by smaller raw movie id; each known
// movie once.
func (f *fixture) oracle(t *testing.T, user int64, movies []int64, k int) []scored {
	t.Helper()
	s, err := f.m.NewSession(1)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	u, ok := slices.BinarySearch(f.v.Users, user)
	if !ok {
		t.Fatalf("oracle: user %d unknown", user)
	}
	nu, nm := len(f.v.Users), len(f.v.Movies)
	var all []scored
	seen := map[int64]bool{}
	for _, m := range movies {
		j, ok := slices.BinarySearch(f.v.Movies, m)
		if !ok || seen[m] {
			continue
		}
		seen[m] = true
		click, logit := make([]float32, 1), make([]float32, 1)
		var in []runtime.Value
		for _, info := range f.m.Inputs() {
			switch info.Name {
			case "fields":
				in = append(in, runtime.Value{I32: []int32{int32(u), int32(nu + j), int32(nu + nm + int(f.v.MovieGenre[j]))}})
			case "genres":
				gs := make([]int32, info.Shape[0])
				copy(gs, f.v.MovieGenres[j])
				in = append(in, runtime.Value{I32: gs})
			case "year":
				in = append(in, runtime.Value{I32: []int32{f.v.MovieYears[j]}})
			default:
				t.Fatalf("oracle: input %s", info.Name)
			}
		}
		// The model's outputs: click, then logit.
		if err := s.Run(in, []runtime.Value{{F32: click}, {F32: logit}}); err != nil {
			t.Fatal(err)
		}
		all = append(all, scored{m, logit[0], click[0]})
	}
	slices.SortFunc(all, func(a, b scored) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.Movie, b.Movie)
	})
	return all[:min(k, len(all))]
}

// answer is a /rank response.
type answer struct {
	User         int64    `json:"user"`
	FallbackUser *int64   `json:"fallback_user"`
	K            int      `json:"k"`
	Candidates   int      `json:"candidates"`
	Scored       int      `json:"scored"`
	Results      []scored `json:"results"`
	Unknown      []int64  `json:"unknown_movies"`
	Error        string   `json:"error"`
}

// server starts the service on a loopback port.
func (f *fixture) server(t *testing.T, opt rankerOptions, maxBody int64) *httptest.Server {
	t.Helper()
	if opt.Score == "" {
		opt.Score, opt.Prob = "logit", "click"
	}
	if opt.Sessions == 0 {
		opt.Sessions = 2
	}
	r, err := open(f.model, f.vocab, opt)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handler(r, maxBody))
	t.Cleanup(func() { srv.Close(); r.close() })
	return srv
}

// get and post send a request and decode the answer; raw is its body.
func get(t *testing.T, srv *httptest.Server, query string) (int, answer, string) {
	t.Helper()
	resp, err := http.Get(srv.URL + "/rank?" + query)
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, resp)
}

func post(t *testing.T, srv *httptest.Server, body string) (int, answer, string) {
	t.Helper()
	resp, err := http.Post(srv.URL+"/rank", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, resp)
}

func decode(t *testing.T, resp *http.Response) (int, answer, string) {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	var a answer
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		t.Fatalf("status %d, body %s is not an answer: %v", resp.StatusCode, b, err)
	}
	return resp.StatusCode, a, string(b)
}

func join(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = fmt.Sprint(id)
	}
	return strings.Join(s, ",")
}

// TestRank checks ranked answers against the oracle: a candidate list with
// unknown and repeated movies, by GET and by POST, every movie, the
// default k, and a k past the candidates.
func TestRank(t *testing.T) {
	for _, f := range getFixtures(t) {
		t.Run(f.m.Name(), func(t *testing.T) { testRank(t, f) })
	}
}

func testRank(t *testing.T, f *fixture) {
	srv := f.server(t, rankerOptions{}, 1<<20)
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 5 {
		user := f.v.Users[rng.IntN(len(f.v.Users))]
		var movies, unknown []int64
		for range 60 {
			movies = append(movies, f.v.Movies[rng.IntN(len(f.v.Movies))]) // repeats likely
		}
		for i := range 4 {
			m := f.unknownMovie[rng.IntN(len(f.unknownMovie))]
			movies = slices.Insert(movies, 7*i+3, m)
			unknown = append(unknown, m)
		}
		known := map[int64]bool{}
		for _, m := range movies {
			if _, ok := slices.BinarySearch(f.v.Movies, m); ok {
				known[m] = true
			}
		}
		k := 1 + trial*4
		want := f.oracle(t, user, movies, k)
		status, a, raw := get(t, srv, fmt.Sprintf("user=%d&movies=%s&k=%d", user, join(movies), k))
		if status != http.StatusOK {
			t.Fatalf("status %d: %s", status, raw)
		}
		if a.User != user || a.FallbackUser != nil || a.K != k || a.Candidates != len(movies) || a.Scored != len(known) {
			t.Errorf("answer header %+v; want user %d, k %d, %d candidates, %d scored", a, user, k, len(movies), len(known))
		}
		if !slices.Equal(a.Results, want) {
			t.Errorf("user %d, k %d: results\n%v\nwant\n%v", user, k, a.Results, want)
		}
		if !slices.Equal(a.Unknown, unknown) {
			t.Errorf("unknown movies %v, want %v", a.Unknown, unknown)
		}
		body, _ := json.Marshal(map[string]any{"user": user, "movies": movies, "k": k})
		status, _, raw2 := post(t, srv, string(body))
		if status != http.StatusOK || raw2 != raw {
			t.Errorf("POST: status %d, answer\n%s\nthe GET's\n%s", status, raw2, raw)
		}
	}

	// Every movie: ties in the logit must come out by raw movie id.
	user := f.v.Users[7]
	want := f.oracle(t, user, f.v.Movies, len(f.v.Movies)+5)
	ties := 0
	for i := 1; i < len(want); i++ {
		if want[i].Score == want[i-1].Score {
			ties++
		}
	}
	if ties == 0 || want[0].Score == want[len(want)-1].Score {
		t.Fatalf("the model's logits have %d ties over %d movies, from %v to %v: the test needs both ties and different scores", ties, len(want), want[0].Score, want[len(want)-1].Score)
	}
	status, a, raw := get(t, srv, fmt.Sprintf("movies=all&user=%d&k=%d", user, len(f.v.Movies)+5))
	if status != http.StatusOK || a.Candidates != len(f.v.Movies) || a.Scored != len(f.v.Movies) || !slices.Equal(a.Results, want) || len(a.Unknown) != 0 {
		t.Errorf("all movies: status %d, %d candidates, %d scored, %d results; want the oracle's %d:\n%.300s", status, a.Candidates, a.Scored, len(a.Results), len(want), raw)
	}
	status, a, _ = post(t, srv, fmt.Sprintf(`{"movies": "all", "user": %d}`, user))
	if status != http.StatusOK || a.K != defaultK || !slices.Equal(a.Results, want[:defaultK]) {
		t.Errorf("POST all, default k: status %d, k %d, results %v; want %v", status, a.K, a.Results, want[:defaultK])
	}

	// Only unknown movies: nothing to score, an empty answer.
	status, a, raw = get(t, srv, fmt.Sprintf("user=%d&movies=%d,%d", user, f.unknownMovie[0], f.unknownMovie[1]))
	if status != http.StatusOK || a.Scored != 0 || len(a.Results) != 0 || !slices.Equal(a.Unknown, f.unknownMovie[:2]) || !strings.Contains(raw, `"results":[]`) {
		t.Errorf("unknown movies only: status %d, %s", status, raw)
	}
	// Percent-encoded commas.
	status, a, _ = get(t, srv, fmt.Sprintf("user=%d&movies=%d%%2C%d&k=2", user, f.v.Movies[3], f.v.Movies[4]))
	if want := f.oracle(t, user, f.v.Movies[3:5], 2); status != http.StatusOK || !slices.Equal(a.Results, want) {
		t.Errorf("encoded commas: status %d, results %v, want %v", status, a.Results, want)
	}
}

// TestUnknownUser checks both rules for a user outside the vocabulary: 404
// by default, the fallback user's ranking with -fallback-user.
func TestUnknownUser(t *testing.T) {
	f := getFixture(t)
	srv := f.server(t, rankerOptions{}, 1<<20)
	movies := f.v.Movies[10:40]
	status, a, raw := get(t, srv, fmt.Sprintf("user=%d&movies=%s", f.unknownUsers[3], join(movies)))
	if status != http.StatusNotFound || !strings.Contains(a.Error, fmt.Sprintf("user %d is not in the vocabulary", f.unknownUsers[3])) {
		t.Errorf("unknown user: status %d, %s", status, raw)
	}
	fb := f.v.Users[5]
	srv = f.server(t, rankerOptions{Fallback: fmt.Sprint(fb)}, 1<<20)
	status, a, raw = get(t, srv, fmt.Sprintf("user=%d&movies=%s&k=7", f.unknownUsers[3], join(movies)))
	if want := f.oracle(t, fb, movies, 7); status != http.StatusOK || a.User != f.unknownUsers[3] || a.FallbackUser == nil || *a.FallbackUser != fb || !slices.Equal(a.Results, want) {
		t.Errorf("fallback: status %d, %s; want user %d's results %v", status, raw, fb, want)
	}
	// A known user is still scored as itself.
	status, a, _ = get(t, srv, fmt.Sprintf("user=%d&movies=%s&k=7", f.v.Users[9], join(movies)))
	if want := f.oracle(t, f.v.Users[9], movies, 7); status != http.StatusOK || a.FallbackUser != nil || !slices.Equal(a.Results, want) {
		t.Errorf("known user with a fallback set: status %d, %+v; want %v", status, a, want)
	}
}

// TestRequestErrors checks that bad requests get a JSON error with a
// status that says whose mistake it was.
func TestRequestErrors(t *testing.T) {
	f := getFixture(t)
	srv := f.server(t, rankerOptions{}, 200)
	user, m := f.v.Users[0], f.v.Movies[0]
	for _, c := range []struct {
		query string // GET, or POST when it starts with {
		code  int
		want  string
	}{
		{fmt.Sprintf("movies=%d", m), 400, "no user"},
		{fmt.Sprintf("user=%d", user), 400, "no movies"},
		{fmt.Sprintf("user=%d&movies=", user), 400, "movies is empty"},
		{fmt.Sprintf("user=abc&movies=%d", m), 400, `user "abc" is not an integer id`},
		{fmt.Sprintf("user=%d&movies=%d,,%d", user, m, m), 400, `movies: element 1, "", is not an integer id`},
		{fmt.Sprintf("user=%d&movies=%d,x", user, m), 400, `element 1, "x"`},
		{fmt.Sprintf("user=%d&movies=%d&k=0", user, m), 400, "k = 0; want at least 1"},
		{fmt.Sprintf("user=%d&movies=%d&k=-3", user, m), 400, "k = -3"},
		{fmt.Sprintf("user=%d&movies=%d&k=ten", user, m), 400, `k "ten" is not an integer`},
		{fmt.Sprintf("user=%d&user=%d&movies=%d", user, user, m), 400, "user given twice"},
		{fmt.Sprintf("user=%d&movies=%d&movies=%d", user, m, m), 400, "movies given twice"},
		{fmt.Sprintf("user=%d&movie=%d", user, m), 400, `unknown parameter "movie"`},
		{fmt.Sprintf("user=%d&movies=%%zz", user), 400, "parameter movies"},
		{fmt.Sprintf(`{"user": %d, "movies": [%d], "k": 2`, user, m), 400, "body:"},
		{fmt.Sprintf(`{"user": %d, "movie": [%d]}`, user, m), 400, `unknown field "movie"`},
		{fmt.Sprintf(`{"user": %d, "movies": "some"}`, user), 400, `movies: "some"; want an array of integer ids or "all"`},
		{fmt.Sprintf(`{"user": %d, "movies": [1.5]}`, user), 400, "movies: json: cannot unmarshal number 1.5"},
		{fmt.Sprintf(`{"user": %d, "movies": []}`, user), 400, "movies is empty"},
		{fmt.Sprintf(`{"user": %d}`, user), 400, "no movies"},
		{fmt.Sprintf(`{"movies": [%d]}`, m), 400, "no user"},
		{fmt.Sprintf(`{"user": "x", "movies": [%d]}`, m), 400, "body: json: cannot unmarshal string"},
		{fmt.Sprintf(`{"user": %d, "movies": [%d]} {}`, user, m), 400, "more than one JSON value"},
		{fmt.Sprintf(`{"user": %d, "movies": [%d], "k": 0}`, user, m), 400, "k = 0"},
		{`{"user": 1, "movies": [` + strings.Repeat("1,", 200) + `1]}`, 413, "request body over 200 bytes"},
		{fmt.Sprintf(`{"user": %d, "movies": "all"}`, f.unknownUsers[0]), 404, "not in the vocabulary"},
	} {
		var (
			status int
			a      answer
			raw    string
		)
		if strings.HasPrefix(c.query, "{") {
			status, a, raw = post(t, srv, c.query)
		} else {
			status, a, raw = get(t, srv, c.query)
		}
		if status != c.code || !strings.Contains(a.Error, c.want) || len(a.Results) != 0 {
			t.Errorf("%s: status %d, %s; want %d and an error saying %q", c.query, status, strings.TrimSpace(raw), c.code, c.want)
		}
	}
	resp, err := http.Get(srv.URL + "/ranking?user=1")
	if err != nil {
		t.Fatal(err)
	}
	if status, a, _ := decode(t, resp); status != http.StatusNotFound || !strings.Contains(a.Error, `no such path "/ranking"`) {
		t.Errorf("GET /ranking: status %d, %q", status, a.Error)
	}
	req, _ := http.NewRequest(http.MethodPut, srv.URL+"/rank", nil)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if status, a, _ := decode(t, resp); status != http.StatusMethodNotAllowed || !strings.Contains(a.Error, "method PUT") || resp.Header.Get("Allow") != "GET, POST" {
		t.Errorf("PUT: status %d, %q, Allow %q", status, a.Error, resp.Header.Get("Allow"))
	}
}

// TestStartErrors checks that a model and vocabulary that do not fit, or
// a bad setting, stop the service before it serves, saying why.
func TestStartErrors(t *testing.T) {
	f := getFixture(t)
	dir := t.TempDir()
	vocab := func(name string, edit func(v *data.MovieLensVocab)) string {
		v := *f.v
		v.Users, v.Movies, v.MovieGenre = slices.Clone(v.Users), slices.Clone(v.Movies), slices.Clone(v.MovieGenre)
		v.GenreNames, v.MovieGenres, v.MovieYears = slices.Clone(v.GenreNames), slices.Clone(v.MovieGenres), slices.Clone(v.MovieYears)
		edit(&v)
		var b bytes.Buffer
		if err := v.WriteJSON(&b); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	big := vocab("big.json", func(v *data.MovieLensVocab) {
		for i := range 10000 { // the model's embeddings hold 10,000 ids
			v.Users = append(v.Users, int64(1000+i))
		}
	})
	unsorted := vocab("unsorted.json", func(v *data.MovieLensVocab) { v.Movies[4], v.Movies[5] = v.Movies[5], v.Movies[4] })
	genre := vocab("genre.json", func(v *data.MovieLensVocab) { v.MovieGenre[9] = 7 })
	short := vocab("short.json", func(v *data.MovieLensVocab) { v.MovieGenre = v.MovieGenre[1:] })
	format := vocab("format.json", func(v *data.MovieLensVocab) { v.Version = 1 })
	genreID := vocab("genreid.json", func(v *data.MovieLensVocab) { v.MovieGenres[9] = []int32{3, 10} })
	noGenres := vocab("nogenres.json", func(v *data.MovieLensVocab) { v.MovieGenres[9] = nil })
	shortIDs := vocab("shortids.json", func(v *data.MovieLensVocab) { v.MovieGenres = v.MovieGenres[1:] })
	shortYears := vocab("shortyears.json", func(v *data.MovieLensVocab) { v.MovieYears = v.MovieYears[1:] })
	wide := vocab("wide.json", func(v *data.MovieLensVocab) { v.MovieGenres[4] = slices.Repeat([]int32{1}, 11) })
	noYears := vocab("noyears.json", func(v *data.MovieLensVocab) { v.MovieYears = nil })
	manyGenres := vocab("manygenres.json", func(v *data.MovieLensVocab) { // the model's genres embedding holds 21 ids
		for i := range 16 {
			v.GenreNames = append(v.GenreNames, fmt.Sprint("Genre", i))
		}
		v.MovieGenres[0] = []int32{25}
	})
	lateYear := vocab("lateyear.json", func(v *data.MovieLensVocab) { v.MovieYears[0] = data.YearBuckets }) // past the year embedding
	dir2 := t.TempDir()
	models := map[string]string{}
	for name, src := range map[string]string{
		"age":     strings.Replace(strings.Replace(fieldsOnlyKiln, "logit = wf +", "logit = wf + wa +", 1), "input fields: i32[3]", "input fields: i32[3]\n  input age: i32[1]\n  wa = sum(embedding(age, vocab=10, dim=1))", 1),
		"fields4": strings.Replace(fieldsOnlyKiln, "input fields: i32[3]", "input fields: i32[4]", 1),
	} {
		p, _, err := buildModel(dir2, name+".kiln", []byte(src))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		models[name] = p
	}
	notJSON := filepath.Join(dir, "x.json")
	if err := os.WriteFile(notJSON, []byte(`{"users": [1], "extra": 2}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		vocab string
		opt   rankerOptions
		want  string
		model string // f.model if empty
	}{
		{big, rankerOptions{}, "the vocabulary's ids (fields 0 to 10346, genres 1 to 9, years 0 to 19) do not fit model deepfm", ""},
		{manyGenres, rankerOptions{}, "(fields 0 to 346, genres 1 to 25, years 0 to 19) do not fit model deepfm: gbag.embedding_bag.q", ""},
		{lateYear, rankerOptions{}, "years 0 to 20) do not fit model deepfm", ""},
		{genreID, rankerOptions{}, "movie_genre_ids[9] (movie 95) holds 10, outside the ids 1 to 9 of the 9 genre_names", ""},
		{noGenres, rankerOptions{}, "movie_genre_ids[9] (movie 95) is empty", ""},
		{shortIDs, rankerOptions{}, "299 movie_genre_ids for 300 movies", ""},
		{shortYears, rankerOptions{}, "299 movie_years for 300 movies", ""},
		{wide, rankerOptions{}, "model deepfm: input genres is i32[10], but a movie of the vocabulary has 11 genres", ""},
		{noYears, rankerOptions{}, "model deepfm has an input year, but the vocabulary has no movie_years", ""},
		{f.vocab, rankerOptions{}, "model fieldsonly has an input age i32[1] that the service cannot fill (its inputs: fields i32[3], age i32[1])", models["age"]},
		{f.vocab, rankerOptions{}, "model fieldsonly: input fields is i32[4]; want i32[3]", models["fields4"]},
		{unsorted, rankerOptions{}, "movies[5] = 45 after 55: raw movie ids must be strictly increasing", ""},
		{genre, rankerOptions{}, "movie_genres[9] (movie 95) = 7, outside the 7 genres", ""},
		{short, rankerOptions{}, "299 movie_genres for 300 movies", ""},
		{format, rankerOptions{}, `version 1, want "kiln movielens vocabulary" version 2`, ""},
		{notJSON, rankerOptions{}, `not a vocabulary file: json: unknown field "extra"`, ""},
		{f.vocab, rankerOptions{Score: "score"}, `no output "score" to rank by (its outputs: click f32[1], logit f32[1])`, ""},
		{f.vocab, rankerOptions{Score: "logit", Prob: "p", ProbSet: true}, `no output "p"`, ""},
		{f.vocab, rankerOptions{Fallback: "2"}, "fallback user 2 is not in the vocabulary", ""},
		{f.vocab, rankerOptions{Fallback: "me"}, `fallback user "me" is not an integer id`, ""},
		{f.vocab, rankerOptions{Sessions: -1}, "-1 sessions", ""},
	} {
		opt := c.opt
		if opt.Score == "" {
			opt.Score = "logit"
		}
		if opt.Sessions == 0 {
			opt.Sessions = 1
		}
		model := f.model
		if c.model != "" {
			model = c.model
		}
		_, err := open(model, c.vocab, opt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %+v: error %v, want one saying %q", filepath.Base(c.vocab), c.opt, err, c.want)
		}
	}
	// A default -prob that the model lacks is left out of the answers.
	r, err := open(f.model, f.vocab, rankerOptions{Score: "click", Prob: "p", Sessions: 1})
	if err != nil || r.prob != -1 {
		t.Errorf("absent default prob: %v, prob %d", err, r.prob)
	}
	if vocabFormat != data.MovieLensVocabFormat || vocabVersion != data.MovieLensVocabVersion {
		t.Errorf("the service reads %q version %d; package data writes %q version %d", vocabFormat, vocabVersion, data.MovieLensVocabFormat, data.MovieLensVocabVersion)
	}
}

// TestConcurrent sends requests from 8 goroutines to a service of 2
// sessions; every answer must be the oracle's.
func TestConcurrent(t *testing.T) {
	f := getFixture(t)
	srv := f.server(t, rankerOptions{Sessions: 2}, 1<<20)
	type job struct {
		query string
		want  []scored
	}
	rng := rand.New(rand.NewPCG(9, 10))
	var jobs []job
	for range 16 {
		user := f.v.Users[rng.IntN(len(f.v.Users))]
		movies := f.v.Movies[rng.IntN(100):][:50+rng.IntN(100)]
		jobs = append(jobs, job{fmt.Sprintf("user=%d&movies=%s&k=5", user, join(movies)), f.oracle(t, user, movies, 5)})
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8*40)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 40 {
				j := jobs[(g*7+i)%len(jobs)]
				resp, err := http.Get(srv.URL + "/rank?" + j.query)
				if err != nil {
					errs <- err.Error()
					return
				}
				var a answer
				err = json.NewDecoder(resp.Body).Decode(&a)
				resp.Body.Close()
				if err != nil || resp.StatusCode != 200 || !slices.Equal(a.Results, j.want) {
					errs <- fmt.Sprintf("%s: status %d, %v, results %v, want %v", j.query, resp.StatusCode, err, a.Results, j.want)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestRankAllocs checks that scoring, ranking and writing an answer with
// a warm request buffer allocates nothing: the sessions and buffers are
// pooled, and only parsing a request and the HTTP server allocate.
func TestRankAllocs(t *testing.T) {
	f := getFixture(t)
	r, err := open(f.model, f.vocab, rankerOptions{Score: "logit", Prob: "click", Sessions: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer r.close()
	st := r.get()
	query := fmt.Sprintf("user=%d&movies=%s,%d&k=10", f.v.Users[3], join(f.v.Movies[20:120]), f.unknownMovie[0])
	ctx := context.Background()
	run := func() {
		q, err := parseQuery(query, st)
		if err == nil {
			err = r.rank(ctx, st, q)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	run()
	if n := testing.AllocsPerRun(50, run); n != 0 {
		t.Errorf("%v allocations per parsed, scored and answered GET query", n)
	}
	if !bytes.Contains(st.buf, []byte(`"scored":100,`)) {
		t.Errorf("answer %.200s", st.buf)
	}
}

// TestLoad runs a small load test: every request must be answered.
func TestLoad(t *testing.T) {
	f := getFixture(t)
	r, err := open(f.model, f.vocab, rankerOptions{Score: "logit", Prob: "click", Sessions: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer r.close()
	for _, method := range []string{"GET", "POST"} {
		rep, err := runLoad(handler(r, 1<<20), r.ids, loadOptions{N: 200, Concurrency: 4, Candidates: 100, K: 10, Time: 30e9, Method: method, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Requests != 200 || rep.Errors != 0 || rep.P50 <= 0 || rep.P99 < rep.P50 || rep.Max < rep.P99 || rep.Rate() <= 0 {
			t.Errorf("%s: %v", method, rep)
		}
	}
	// Answers that are not the ranking count as errors.
	for name, h := range map[string]http.HandlerFunc{
		"404": func(w http.ResponseWriter, _ *http.Request) { writeError(w, http.StatusNotFound, "no such thing") },
		"short": func(w http.ResponseWriter, _ *http.Request) {
			w.Write([]byte(`{"user":1,"k":10,"candidates":100,"scored":99,"results":[]}`))
		},
		"chunked": func(w http.ResponseWriter, _ *http.Request) {
			w.Write(bytes.Repeat([]byte(" "), 5000))
		},
	} {
		rep, err := runLoad(h, r.ids, loadOptions{N: 20, Concurrency: 2, Candidates: 100, K: 10, Time: 30e9, Method: "GET", Seed: 1})
		if err != nil || rep.Requests != 0 || rep.Errors != 20 || rep.FirstError == "" {
			t.Errorf("%s: %v, %v", name, rep, err)
		}
	}
	if _, err := runLoad(handler(r, 1<<20), r.ids, loadOptions{N: 10, Concurrency: 1, Candidates: 301, K: 10, Time: 1e9, Method: "GET"}); err == nil || !strings.Contains(err.Error(), "the vocabulary has 300 movies") {
		t.Errorf("too many candidates: %v", err)
	}
}

// TestImportsOnlyTheRuntime holds the service to what it claims: of kiln's
// packages it depends on the runtime and the runtime's own packages only.
func TestImportsOnlyTheRuntime(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	const kiln = "github.com/kiln-nn/kiln/"
	n := 0
	for _, pkg := range strings.Fields(string(out)) {
		rest, ok := strings.CutPrefix(pkg, kiln)
		switch {
		case !ok || pkg == kiln+"examples/serve":
		case rest == "runtime" || strings.HasPrefix(rest, "runtime/") || rest == "internal/kbc":
			n++
		default:
			t.Errorf("the service depends on %s", pkg)
		}
	}
	if n == 0 {
		t.Errorf("go list -deps lists no runtime package:\n%s", out)
	}
}
