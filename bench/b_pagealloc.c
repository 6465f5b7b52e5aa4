/*
 * b_pagealloc: the page allocator against its peers in the same run.
 *
 *	pagealloc_free_pair	uvm_pagealloc + uvm_pagefree of one page,
 *				vs malloc + free of a page-sized block
 *	pagealloc_zero_pool	uvm_pagealloc(UVM_PGA_ZERO) served from the
 *				zero pool (+ free back to it), vs memset of
 *				a page
 *	pagealloc_zero_inline	uvm_pagealloc(UVM_PGA_ZERO) that must zero
 *				(pool empty), vs malloc + memset + free
 *	pglistalloc_16_contig	uvm_pglistalloc of 16 contiguous aligned
 *				pages + uvm_pglistfree, vs aligned_alloc +
 *				free of the same size
 *
 * Prints "RESULT name ours peer ns" lines (ns per operation).
 */
#include <uvm/uvm.h>

#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Keep the compiler from dropping peer work. */
static volatile uintptr_t sink;

static double
bench_pair(long n)
{
	double t0 = now_ns();

	for (long i = 0; i < n; i++) {
		struct vm_page *pg = uvm_pagealloc(NULL, 0, NULL, 0);

		uvm_pagefree(pg);
	}
	return (now_ns() - t0) / (double)n;
}

static double
peer_pair(long n, size_t sz)
{
	double t0 = now_ns();

	for (long i = 0; i < n; i++) {
		char *p = malloc(sz);

		sink += (uintptr_t)p;
		free(p);
	}
	return (now_ns() - t0) / (double)n;
}

static double
bench_zero_pool(long n)
{
	double t0 = now_ns();

	for (long i = 0; i < n; i++) {
		struct vm_page *pg = uvm_pagealloc(NULL, 0, NULL, UVM_PGA_ZERO);

		/* Untouched: still zero, back to the pool. */
		pg->flags |= PG_ZERO;
		uvm_pagefree(pg);
	}
	return (now_ns() - t0) / (double)n;
}

static double
peer_memset(long n, size_t sz)
{
	char *buf = malloc(sz);
	double t0 = now_ns();

	for (long i = 0; i < n; i++) {
		memset(buf, 0, sz);
		__asm__ __volatile__("" : : "r"(buf) : "memory");
	}
	t0 = (now_ns() - t0) / (double)n;
	free(buf);
	return t0;
}

static double
bench_zero_inline(long n)
{
	double t0 = now_ns();

	for (long i = 0; i < n; i++) {
		struct vm_page *pg = uvm_pagealloc(NULL, 0, NULL, UVM_PGA_ZERO);

		uvm_pagefree(pg);	/* not PG_ZERO: the pool stays empty */
	}
	return (now_ns() - t0) / (double)n;
}

static double
peer_malloc_memset(long n, size_t sz)
{
	double t0 = now_ns();

	for (long i = 0; i < n; i++) {
		char *p = malloc(sz);

		memset(p, 0, sz);
		__asm__ __volatile__("" : : "r"(p) : "memory");
		free(p);
	}
	return (now_ns() - t0) / (double)n;
}

static double
bench_pglist(long n)
{
	struct pglist rl;
	double t0 = now_ns();

	for (long i = 0; i < n; i++) {
		if (uvm_pglistalloc(16 * PAGE_SIZE, 0, ~(paddr_t)0,
		    16 * PAGE_SIZE, 0, &rl, 1, UVM_PLA_NOWAIT) != 0) {
			fprintf(stderr, "b_pagealloc: uvm_pglistalloc failed\n");
			exit(1);
		}
		uvm_pglistfree(&rl);
	}
	return (now_ns() - t0) / (double)n;
}

static double
peer_aligned(long n, size_t sz)
{
	double t0 = now_ns();

	for (long i = 0; i < n; i++) {
		char *p = aligned_alloc(sz, sz);

		sink += (uintptr_t)p;
		free(p);
	}
	return (now_ns() - t0) / (double)n;
}

int
main(void)
{
	struct uvm_machine m;
	struct vm_page *pg;
	size_t ps;
	long n = 4000000;

	uvm_machine_defaults(&m);
	m.m_quiet = true;
	if (uvm_machine_boot(&m) != 0) {
		fprintf(stderr, "b_pagealloc: cannot boot\n");
		return 1;
	}
	ps = (size_t)uvmexp.pagesize;

	/* Warm up both. */
	(void)bench_pair(n / 10);
	(void)peer_pair(n / 10, ps);
	printf("RESULT pagealloc_free_pair %.1f %.1f ns\n", bench_pair(n),
	    peer_pair(n, ps));

	/* Seed the zero pool with one page, then cycle through it. */
	pg = uvm_pagealloc(NULL, 0, NULL, UVM_PGA_ZERO);
	pg->flags |= PG_ZERO;
	uvm_pagefree(pg);
	printf("RESULT pagealloc_zero_pool %.1f %.1f ns\n",
	    bench_zero_pool(n), peer_memset(n / 4, ps));
	/* Empty the pool again for the in-line case. */
	pg = uvm_pagealloc(NULL, 0, NULL, UVM_PGA_ZERO);
	uvm_pagefree(pg);
	printf("RESULT pagealloc_zero_inline %.1f %.1f ns\n",
	    bench_zero_inline(n / 4), peer_malloc_memset(n / 4, ps));
	printf("RESULT pglistalloc_16_contig %.1f %.1f ns\n",
	    bench_pglist(n / 40), peer_aligned(n / 40, 16 * ps));

	uvm_machine_shutdown();
	return 0;
}
