// gc: binary-trees (the Benchmarks Game's allocation and GC test) at
// depth 16: total time and the GC cycles it took.
package main

import (
	"runtime"
	"time"

	"rewire.example/bench/internal/measure"
)

type node struct{ left, right *node }

func tree(depth int) *node {
	if depth == 0 {
		return &node{}
	}
	return &node{tree(depth - 1), tree(depth - 1)}
}

func (n *node) check() int {
	if n.left == nil {
		return 1
	}
	return 1 + n.left.check() + n.right.check()
}

const maxDepth = 16

func main() {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	sum := tree(maxDepth + 1).check()
	long := tree(maxDepth)
	for d := 4; d <= maxDepth; d += 2 {
		for i := 0; i < 1<<(maxDepth-d+4); i++ {
			sum += tree(d).check()
		}
	}
	sum += long.check()
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	if sum == 0 {
		panic("no trees")
	}
	measure.Report("binary_trees", float64(took.Milliseconds()), "ms")
	measure.Report("gc_cycles", float64(after.NumGC-before.NumGC), "cycles")
}
