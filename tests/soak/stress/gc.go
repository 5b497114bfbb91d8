package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// gc: heavy allocation in a small memory (tests/soak/run.sh boots it with
// --mem 64M and GOGC=25), so the collector must reclaim and the scavenger
// return pages. Each round builds maps, slices, trees and byte buffers from
// a seeded generator, keeps a bounded window of them alive, checks each
// structure's checksum when it is dropped, and sometimes calls runtime.GC
// or debug.FreeOSMemory.
//
//	stress gc [ROUNDS [MB_PER_ROUND]]   (default 40 rounds of about 64 MiB)
//
// Last line: "gc ok: rounds=R allocated>=A MiB checksum=C" where C is the
// xor of every structure's checksum, the same on every run and version;
// it fails unless the program allocated 90 % of ROUNDS*MB_PER_ROUND or
// more (by default 2.3 GiB, 36 times the 64 MiB it is booted with) and
// collected at least once a round.
func gcMain() {
	rounds := arg(0, 40)
	mb := arg(1, 64)
	h := newHeap()
	for r := 1; r <= rounds; r++ {
		h.round(r, mb)
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Printf("round %d: allocated %d MiB, heap %d MiB, held %d MiB, gc %d\n", r,
			ms.TotalAlloc>>20, ms.HeapAlloc>>20, (ms.HeapSys-ms.HeapReleased)>>20, ms.NumGC)
	}
	checksum := h.drain()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	// Many times the memory the test gives it (--mem 64M): the collector
	// had to reclaim.
	want := uint64(rounds) * uint64(mb) << 20 * 9 / 10
	if ms.TotalAlloc < want {
		fail("allocated %d MiB, want at least %d", ms.TotalAlloc>>20, want>>20)
	}
	if ms.NumGC < uint32(rounds) {
		fail("%d collections in %d rounds", ms.NumGC, rounds)
	}
	fmt.Printf("gc ok: rounds=%d allocated>=%d MiB checksum=%016x\n", rounds, want>>20, checksum)
}

const (
	heapWindow   = 4  // live structures
	heapPerRound = 16 // structures built a round
)

// heap is the gc workload's state: the structures alive, the xor of the
// checksums of those dropped, and the last seed.
type heap struct {
	live     [heapWindow]*thing
	checksum uint64
	seed     uint64
}

func newHeap() *heap {
	return &heap{seed: 0x9e3779b97f4a7c15}
}

// round is round r: heapPerRound structures of mb/heapPerRound MiB each,
// every one replacing (and checking) the oldest alive; then runtime.GC or
// debug.FreeOSMemory every other round.
func (h *heap) round(r, mb int) {
	size := mb << 20 / heapPerRound
	for i := 0; i < heapPerRound; i++ {
		h.seed += 0x9e3779b97f4a7c15
		slot := (r*heapPerRound + i) % heapWindow
		if old := h.live[slot]; old != nil {
			h.checksum ^= old.check()
		}
		h.live[slot] = build(h.seed, size)
	}
	switch r % 4 {
	case 1:
		runtime.GC()
	case 3:
		debug.FreeOSMemory()
	}
}

// drain checks and drops the structures still alive and returns the xor
// of every structure's checksum.
func (h *heap) drain() uint64 {
	for i, th := range h.live {
		if th != nil {
			h.checksum ^= th.check()
			h.live[i] = nil
		}
	}
	return h.checksum
}

// xorshift64*: the same numbers on every run.
type rng uint64

func (r *rng) next() uint64 {
	x := uint64(*r)
	x ^= x >> 12
	x ^= x << 25
	x ^= x >> 27
	*r = rng(x)
	return x * 2685821657736338717
}

type node struct {
	left, right *node
	val         uint64
	pad         [4]uint64
}

func tree(r *rng, depth int) *node {
	if depth == 0 {
		return nil
	}
	return &node{left: tree(r, depth-1), right: tree(r, depth-1), val: r.next()}
}

func (n *node) sum() uint64 {
	if n == nil {
		return 0
	}
	return n.val + n.left.sum()*3 + n.right.sum()*5
}

// thing is one live structure and what its checksum was when built.
type thing struct {
	m    map[uint64][]byte
	s    [][]uint64
	t    *node
	buf  []byte
	want uint64
}

func build(seed uint64, size int) *thing {
	r := rng(seed | 1)
	th := &thing{m: make(map[uint64][]byte)}
	var sum uint64
	// A map of small byte slices, a slice of slices, a tree, one big buffer:
	// about size bytes in all.
	for used := 0; used < size/4; {
		k := r.next()
		v := make([]byte, 16+int(k%200))
		for i := range v {
			v[i] = byte(k >> (i % 8 * 8))
		}
		th.m[k] = v
		sum += k + uint64(len(v))
		used += len(v) + 48
	}
	for used := 0; used < size/4; {
		n := 1 + int(r.next()%512)
		s := make([]uint64, n)
		for i := range s {
			s[i] = r.next()
			sum ^= s[i]
		}
		th.s = append(th.s, s)
		used += n * 8
	}
	depth := 1
	for (1<<depth)*64 < size/4 {
		depth++
	}
	th.t = tree(&r, depth)
	sum += th.t.sum()
	th.buf = make([]byte, size/4)
	x := r.next()
	for i := range th.buf {
		th.buf[i] = byte(x >> (i % 8 * 8))
	}
	sum += uint64(th.buf[len(th.buf)-1])
	th.want = sum
	return th
}

func (th *thing) check() uint64 {
	var sum uint64
	for k, v := range th.m {
		for i := range v {
			if v[i] != byte(k>>(i%8*8)) {
				fail("map value corrupted")
			}
		}
		sum += k + uint64(len(v))
	}
	for _, s := range th.s {
		for _, x := range s {
			sum ^= x
		}
	}
	sum += th.t.sum()
	sum += uint64(th.buf[len(th.buf)-1])
	if sum != th.want {
		fail("checksum %x, want %x", sum, th.want)
	}
	return sum
}
