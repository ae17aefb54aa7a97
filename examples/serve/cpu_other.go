//go:build !unix

package main

import "time"

// cpuTime is 0 where the process's CPU time is not read: the load test
// then reports none.
func cpuTime() time.Duration { return 0 }
