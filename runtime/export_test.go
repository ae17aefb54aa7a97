package runtime

// Hooks for the tests of package runtime_test.

// SplitEverything makes every op of m that can be split use all the
// threads it may, however small, so that tests exercise every partition.
// Call it before making sessions.
func SplitEverything(m *Model) { m.minWork = 1 }

// Workers is the number of worker goroutines s has started.
func Workers(s *Session) int {
	if s.pool == nil || !s.pool.started {
		return 0
	}
	return len(s.pool.workers)
}

// SetMinWork sets the least work worth a thread of m's sessions.
func SetMinWork(m *Model, w int) { m.minWork = w }
