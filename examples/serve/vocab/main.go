// Command vocab writes the id vocabulary of a movielens: data set as the
// JSON sidecar that examples/serve reads beside the model:
//
//	go run ./examples/serve/vocab -o deepfm.vocab.json movielens:FILE
//
// The file is data.MovieLensVocab's JSON form; examples/serve/README.md
// describes it.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/kiln-nn/kiln/data"
)

func main() {
	out := flag.String("o", "", "the JSON file to write")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: vocab -o VOCAB.json movielens:FILE")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *out == "" || flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := write(flag.Arg(0), *out); err != nil {
		fmt.Fprintln(os.Stderr, "vocab:", err)
		os.Exit(1)
	}
}

// write reads the vocabulary of spec (relative paths from the current
// directory) and writes it to path.
func write(spec, path string) error {
	v, err := data.OpenMovieLensVocab(spec, ".")
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := v.WriteJSON(&b); err != nil {
		return err
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		return err
	}
	years := "years"
	if v.MovieYears == nil {
		years = "no years (no year column)"
	}
	fmt.Fprintf(os.Stderr, "wrote %s: %d users, %d movies, %d primary genres (model ids 0 to %d), %d genre ids, %s\n", path, len(v.Users), len(v.Movies), len(v.Genres), v.Size()-1, len(v.GenreNames), years)
	return nil
}
