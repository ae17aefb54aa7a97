// The HTTP side: /rank's two request forms (a GET query, a POST JSON
// body), their errors, and the response.

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// defaultK is the number of results a request that gives no k gets.
const defaultK = 10

// jsonType is the responses' Content-Type, shared by every response (no
// handler changes it).
var jsonType = []string{"application/json"}

// handler serves /rank with r; maxBody bounds a POST body.
func handler(r *ranker, maxBody int64) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/rank", func(w http.ResponseWriter, req *http.Request) {
		serveRank(w, req, r, maxBody)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, req *http.Request) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no such path %q; the service answers /rank", req.URL.Path))
	})
	return mux
}

// requestError is a bad request: the client's mistake, answered 400.
type requestError struct{ msg string }

func (e *requestError) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return &requestError{fmt.Sprintf(format, args...)}
}

func serveRank(w http.ResponseWriter, req *http.Request, r *ranker, maxBody int64) {
	st := r.get()
	defer r.put(st)
	var (
		q   query
		err error
	)
	switch req.Method {
	case http.MethodGet:
		q, err = parseQuery(req.URL.RawQuery, st)
	case http.MethodPost:
		q, err = parseBody(http.MaxBytesReader(w, req.Body, maxBody), st)
	default:
		w.Header().Set("Allow", "GET, POST")
		writeError(w, http.StatusMethodNotAllowed, fmt.Sprintf("method %s; /rank takes GET or POST", req.Method))
		return
	}
	if err == nil {
		err = r.rank(req.Context(), st, q)
	}
	var re *requestError
	var tooBig *http.MaxBytesError
	switch {
	case err == nil:
		h := w.Header()
		h["Content-Type"] = jsonType
		h["Content-Length"] = []string{strconv.Itoa(len(st.buf))} // never chunked, however long
		w.Write(st.buf)
	case errors.As(err, &re):
		writeError(w, http.StatusBadRequest, re.msg)
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d bytes", tooBig.Limit))
	case errors.Is(err, errUnknownUser):
		writeError(w, http.StatusNotFound, fmt.Sprintf("user %d is not in the vocabulary (%s); the service has no fallback user (-fallback-user)", q.user, r.ids.source))
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		writeError(w, http.StatusServiceUnavailable, "the request ended while it waited for a session")
	default:
		writeError(w, http.StatusInternalServerError, err.Error())
	}
}

// writeError answers {"error": msg} with status.
func writeError(w http.ResponseWriter, status int, msg string) {
	b, _ := json.Marshal(struct {
		Error string `json:"error"`
	}{msg})
	w.Header()["Content-Type"] = jsonType
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// parseQuery reads GET /rank?user=ID&movies=ID,ID,...|all&k=N, the movie
// ids into st.cand.
func parseQuery(raw string, st *scratch) (query, error) {
	q := query{k: defaultK}
	var haveUser, haveMovies, haveK bool
	st.cand = st.cand[:0]
	for raw != "" {
		var kv string
		kv, raw, _ = strings.Cut(raw, "&")
		if kv == "" {
			continue
		}
		key, val, _ := strings.Cut(kv, "=")
		if strings.ContainsAny(val, "%+") {
			v, err := url.QueryUnescape(val)
			if err != nil {
				return q, badRequest("parameter %s: %v", key, err)
			}
			val = v
		}
		switch key {
		case "user":
			if haveUser {
				return q, badRequest("user given twice")
			}
			haveUser = true
			u, err := strconv.ParseInt(val, 10, 64)
			if err != nil {
				return q, badRequest("user %q is not an integer id", val)
			}
			q.user = u
		case "movies":
			if haveMovies {
				return q, badRequest("movies given twice; list them in one, separated by commas")
			}
			haveMovies = true
			if val == "all" {
				q.all = true
				continue
			}
			for i := 0; val != ""; i++ {
				var s string
				s, val, _ = strings.Cut(val, ",")
				m, err := strconv.ParseInt(s, 10, 64)
				if err != nil {
					return q, badRequest("movies: element %d, %q, is not an integer id", i, s)
				}
				st.cand = append(st.cand, m)
			}
		case "k":
			if haveK {
				return q, badRequest("k given twice")
			}
			haveK = true
			k, err := strconv.Atoi(val)
			if err != nil {
				return q, badRequest("k %q is not an integer", val)
			}
			q.k = k
		default:
			return q, badRequest("unknown parameter %q; /rank takes user, movies and k", key)
		}
	}
	return q, check(q, haveUser, haveMovies, st)
}

// check refuses a query without a user or movies, or with k below 1.
func check(q query, haveUser, haveMovies bool, st *scratch) error {
	switch {
	case !haveUser:
		return badRequest("no user: give user=ID (a raw MovieLens user id)")
	case !haveMovies:
		return badRequest("no movies: give movies=ID,ID,... (raw MovieLens movie ids) or movies=all")
	case !q.all && len(st.cand) == 0:
		return badRequest("movies is empty")
	case q.k < 1:
		return badRequest("k = %d; want at least 1", q.k)
	}
	return nil
}

// body is POST /rank's JSON: {"user": ID, "movies": [ID, ...] or "all",
// "k": N}.
type body struct {
	User   *int64          `json:"user"`
	Movies json.RawMessage `json:"movies"`
	K      *int            `json:"k"`
}

// parseBody reads a POST body, the movie ids into st.cand.
func parseBody(rd io.Reader, st *scratch) (query, error) {
	q := query{k: defaultK}
	buf := bytes.NewBuffer(st.body[:0])
	_, err := buf.ReadFrom(rd)
	st.body = buf.Bytes()
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return q, err
	}
	if err != nil {
		return q, badRequest("reading the body: %v", err)
	}
	var b body
	dec := json.NewDecoder(bytes.NewReader(st.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return q, badRequest("body: %v; want {\"user\": ID, \"movies\": [ID, ...] or \"all\", \"k\": N}", err)
	}
	if dec.More() {
		return q, badRequest("body: more than one JSON value")
	}
	if b.User != nil {
		q.user = *b.User
	}
	if b.K != nil {
		q.k = *b.K
	}
	st.cand = st.cand[:0]
	m := bytes.TrimSpace(b.Movies)
	haveMovies := len(m) > 0 && string(m) != "null"
	switch {
	case !haveMovies:
	case string(m) == `"all"`:
		q.all = true
	case m[0] == '[':
		if err := json.Unmarshal(m, &st.cand); err != nil {
			return q, badRequest("movies: %v; want an array of integer ids or \"all\"", err)
		}
	default:
		return q, badRequest("movies: %s; want an array of integer ids or \"all\"", m)
	}
	return q, check(q, b.User != nil, haveMovies, st)
}
