// Package suggest finds the names closest to a misspelt one, for the "did
// you mean" of an error: undefined names and unknown ops in a .kiln file,
// unknown flags and commands, data set names.
package suggest

import (
	"slices"
	"strings"
)

// maxDistance is the edit distance below which a candidate counts as a
// likely intended name: one or two typos, not a different word.
const maxDistance = 3

// Closest returns the candidates nearest to name by edit distance (case
// ignored), sorted; none when name is shorter than two characters or no
// candidate is within two edits.
func Closest(name string, candidates []string) []string {
	if len(name) < 2 {
		return nil
	}
	best := maxDistance
	var found []string
	for _, cand := range candidates {
		d := Distance(strings.ToLower(name), strings.ToLower(cand))
		switch {
		case d < best:
			best, found = d, []string{cand}
		case d == best && len(found) > 0 && !slices.Contains(found, cand):
			found = append(found, cand)
		}
	}
	slices.Sort(found)
	return found
}

// DidYouMean formats Closest as the end of an error message:
// " (did you mean mnist?)", or "" when nothing is close.
func DidYouMean(name string, candidates []string) string {
	found := Closest(name, candidates)
	if len(found) == 0 {
		return ""
	}
	return " (did you mean " + strings.Join(found, " or ") + "?)"
}

// Distance is the Levenshtein distance between a and b, in bytes.
func Distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
