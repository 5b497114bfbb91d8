package main

//go:redirect-from time.Now

func floating() {}

//go:redirect-from a.B c.D
func twoWords() {}

//go:redirect-from
func none() {}

//go:redirect-from time.Now
func generic[T any](x T) T { return x }

type G[T any] struct{}

//go:redirect-from time.Now
func (g *G[T]) M() {}

//go:redirect-from time.Now
func init() {}

func f() { x := 1 //go:redirect-from time.Now
	_ = x
}
