/*
 * t_pglist: uvm_pglistalloc(9) and uvm_pglistfree(9): argument errors,
 * ENOMEM and waiting, zeroing, and a randomized matrix of constraints
 * checked against an independent exhaustive search (dynamic programming
 * over every aligned run of free frames).
 */
#include "h_machine.h"
#include "uvm/uvm_impl.h"

#include <stdlib.h>

#define NPFN	260

static void
boot_machine(unsigned int ps)
{
	struct uvm_machine m;

	uvm_machine_defaults(&m);
	m.m_quiet = true;
	m.m_pagesize = ps;
	m.m_ncolors = 2;
	m.m_nsegs = 4;
	m.m_segs[0] = (struct uvm_machine_seg){ 0, 64 * (paddr_t)ps,
	    2 * (paddr_t)ps, 64 * (paddr_t)ps, 0 };
	m.m_segs[1] = (struct uvm_machine_seg){ 80 * (paddr_t)ps,
	    128 * (paddr_t)ps, 80 * (paddr_t)ps, 128 * (paddr_t)ps, 1 };
	m.m_segs[2] = (struct uvm_machine_seg){ 128 * (paddr_t)ps,
	    160 * (paddr_t)ps, 128 * (paddr_t)ps, 160 * (paddr_t)ps, 0 };
	m.m_segs[3] = (struct uvm_machine_seg){ 200 * (paddr_t)ps,
	    NPFN * (paddr_t)ps, 200 * (paddr_t)ps, NPFN * (paddr_t)ps, 2 };
	h_boot_machine(&m);
}

/* Which frames are managed, and which of those are free now. */
static void
snapshot(bool managed[NPFN], bool isfree[NPFN])
{
	for (int p = 0; p < NPFN; p++) {
		struct vm_page *pg = PHYS_TO_VM_PAGE(ptoa((paddr_t)p));
		psize_t off;
		uvm_physseg_t s = uvm_physseg_find((paddr_t)p, &off);

		managed[p] = pg != NULL && (paddr_t)p >=
		    uvm_physseg_get_avail_start(s) &&
		    (paddr_t)p < uvm_physseg_get_avail_end(s);
		isfree[p] = managed[p] && (pg->pqflags & PQ_FREE) != 0;
	}
}

struct cons {
	psize_t	npages;
	paddr_t	lo, hi;		/* frames */
	paddr_t	align;		/* frames */
	paddr_t	bound;		/* frames, 0 none */
	int	nsegs;
};

/*
 * The most pages that at most nsegs disjoint runs can hold, each run of
 * free frames in [lo, hi), starting aligned and crossing no boundary.
 */
static psize_t
brute_best(const struct cons *c, const bool isfree[NPFN])
{
	static int dp[8][NPFN + 1];
	psize_t best = 0;

	for (int j = 0; j <= c->nsegs; j++)
		for (int p = 0; p <= NPFN; p++)
			dp[j][p] = -1;
	dp[0][c->lo] = 0;
	for (paddr_t p = c->lo; p < c->hi; p++) {
		int maxl = 0;

		if (p % c->align == 0) {
			paddr_t lim = c->hi;

			if (c->bound != 0)
				lim = MIN(lim, (p / c->bound + 1) * c->bound);
			while (p + (paddr_t)maxl < lim && isfree[p + maxl])
				maxl++;
		}
		for (int j = 0; j <= c->nsegs; j++) {
			if (dp[j][p] < 0)
				continue;
			if (dp[j][p] > dp[j][p + 1])
				dp[j][p + 1] = dp[j][p];
			if (j == c->nsegs)
				continue;
			for (int l = 1; l <= maxl; l++)
				if (dp[j][p] + l > dp[j + 1][p + l])
					dp[j + 1][p + l] = dp[j][p] + l;
		}
	}
	for (int j = 0; j <= c->nsegs; j++)
		if (dp[j][c->hi] > (int)best)
			best = (psize_t)dp[j][c->hi];
	return best;
}

static int
cmp_pfn(const void *a, const void *b)
{
	paddr_t x = *(const paddr_t *)a, y = *(const paddr_t *)b;

	return x < y ? -1 : x > y;
}

/* Check that rlist meets every constraint; fail the case if not. */
static void
check_result(const struct cons *c, struct pglist *rl, const bool wasfree[NPFN])
{
	paddr_t pfns[NPFN];
	struct vm_page *pg;
	size_t n = 0;
	int segs = 0;

	TAILQ_FOREACH(pg, rl, pageq) {
		ATF_REQUIRE(n < NPFN);
		pfns[n++] = atop(VM_PAGE_TO_PHYS(pg));
		ATF_CHECK_EQ(pg->flags, PG_CLEAN);
		ATF_CHECK_EQ(pg->pqflags & PQ_QMASK, 0);
		ATF_CHECK(pg->uobject == NULL && pg->uanon == NULL);
	}
	ATF_REQUIRE_EQ_MSG(n, c->npages, "got %zu pages, wanted %ju", n,
	    (uintmax_t)c->npages);
	qsort(pfns, n, sizeof(pfns[0]), cmp_pfn);
	for (size_t i = 0; i < n; i++) {
		ATF_REQUIRE(pfns[i] < NPFN);
		ATF_CHECK_MSG(wasfree[pfns[i]], "frame %ju was not free",
		    (uintmax_t)pfns[i]);
		ATF_CHECK(pfns[i] >= c->lo && pfns[i] < c->hi);
		if (i > 0)
			ATF_REQUIRE_MSG(pfns[i] != pfns[i - 1], "frame twice");
		if (i == 0 || pfns[i] != pfns[i - 1] + 1 ||
		    (c->bound != 0 && pfns[i] % c->bound == 0)) {
			segs++;
			ATF_CHECK_MSG(pfns[i] % c->align == 0,
			    "segment at %ju not aligned to %ju",
			    (uintmax_t)pfns[i], (uintmax_t)c->align);
		}
	}
	ATF_CHECK_MSG(segs <= c->nsegs, "%d segments > %d", segs, c->nsegs);
}

static int
do_alloc(const struct cons *c, struct pglist *rl, int flags)
{
	return uvm_pglistalloc(ptoa(c->npages), ptoa(c->lo), ptoa(c->hi),
	    ptoa(c->align), ptoa(c->bound), rl, c->nsegs, flags);
}

ATF_TC_WITHOUT_HEAD(pglistalloc_contiguous_run_in_range);
ATF_TC_BODY(pglistalloc_contiguous_run_in_range, tc)
{
	struct cons c = { 8, 80, 160, 8, 0, 1 };
	bool managed[NPFN], isfree[NPFN];
	struct pglist rl;
	int free0;

	boot_machine(4096);
	free0 = uvmexp.free;
	snapshot(managed, isfree);
	ATF_REQUIRE_EQ(do_alloc(&c, &rl, UVM_PLA_NOWAIT), 0);
	check_result(&c, &rl, isfree);
	ATF_CHECK_EQ(uvmexp.free, free0 - 8);
	/* First fit: the lowest aligned frame of the range. */
	ATF_CHECK_EQ(atop(VM_PAGE_TO_PHYS(TAILQ_FIRST(&rl))), 80);
	H_CHECK(NULL);
	uvm_pglistfree(&rl);
	ATF_CHECK(TAILQ_EMPTY(&rl));
	ATF_CHECK_EQ(uvmexp.free, free0);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(pglistalloc_crosses_adjacent_segments);
ATF_TC_BODY(pglistalloc_crosses_adjacent_segments, tc)
{
	/* 40 contiguous frames exist only across the 128 seam. */
	struct cons c = { 40, 100, 160, 1, 0, 1 };
	bool managed[NPFN], isfree[NPFN];
	struct pglist rl;

	boot_machine(4096);
	snapshot(managed, isfree);
	ATF_REQUIRE_EQ(do_alloc(&c, &rl, 0), 0);
	check_result(&c, &rl, isfree);
	ATF_CHECK_EQ(atop(VM_PAGE_TO_PHYS(TAILQ_FIRST(&rl))), 100);
	H_CHECK(NULL);
	uvm_pglistfree(&rl);
	/* A boundary at 128 forbids it; two segments make it again. */
	c.bound = 128;
	ATF_CHECK_EQ(do_alloc(&c, &rl, 0), EINVAL);
	c.nsegs = 2;
	ATF_REQUIRE_EQ(do_alloc(&c, &rl, 0), 0);
	check_result(&c, &rl, isfree);
	uvm_pglistfree(&rl);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(pglistalloc_invalid_arguments_einval);
ATF_TC_BODY(pglistalloc_invalid_arguments_einval, tc)
{
	struct pglist rl;
	const paddr_t ps = 4096;
	int free0;

	boot_machine(4096);
	free0 = uvmexp.free;
	/* size 0, nsegs 0 */
	ATF_CHECK_EQ(uvm_pglistalloc(0, 0, ~(paddr_t)0, 0, 0, &rl, 1, 0),
	    EINVAL);
	ATF_CHECK_EQ(uvm_pglistalloc(ps, 0, ~(paddr_t)0, 0, 0, &rl, 0, 0),
	    EINVAL);
	/* alignment and boundary not powers of two, boundary < page */
	ATF_CHECK_EQ(uvm_pglistalloc(ps, 0, ~(paddr_t)0, 3 * ps, 0, &rl, 1, 0),
	    EINVAL);
	ATF_CHECK_EQ(uvm_pglistalloc(ps, 0, ~(paddr_t)0, 0, 3 * ps, &rl, 1, 0),
	    EINVAL);
	ATF_CHECK_EQ(uvm_pglistalloc(ps, 0, ~(paddr_t)0, 0, 512, &rl, 1, 0),
	    EINVAL);
	/* empty and too small ranges */
	ATF_CHECK_EQ(uvm_pglistalloc(ps, 10 * ps, 10 * ps, 0, 0, &rl, 1, 0),
	    EINVAL);
	ATF_CHECK_EQ(uvm_pglistalloc(ps, 10 * ps, 5 * ps, 0, 0, &rl, 1, 0),
	    EINVAL);
	ATF_CHECK_EQ(uvm_pglistalloc(4 * ps, 10 * ps, 13 * ps, 0, 0, &rl, 4,
	    0), EINVAL);
	/* a boundary that segments cannot cover the size within */
	ATF_CHECK_EQ(uvm_pglistalloc(8 * ps, 0, ~(paddr_t)0, 0, 2 * ps, &rl,
	    3, 0), EINVAL);
	/* a range that lies in a hole, or beyond memory */
	ATF_CHECK_EQ(uvm_pglistalloc(ps, 64 * ps, 80 * ps, 0, 0, &rl, 1, 0),
	    EINVAL);
	ATF_CHECK_EQ(uvm_pglistalloc(ps, 1000 * ps, 2000 * ps, 0, 0, &rl, 1,
	    0), EINVAL);
	/* more than all of memory; an alignment nothing satisfies */
	ATF_CHECK_EQ(uvm_pglistalloc(1000 * ps, 0, ~(paddr_t)0, 0, 0, &rl,
	    1000, 0), EINVAL);
	ATF_CHECK_EQ(uvm_pglistalloc(ps, ps, 200 * ps, 256 * ps, 0, &rl, 1,
	    0), EINVAL);
	/* flags: both WAITOK and NOWAIT, or unknown bits */
	ATF_CHECK_EQ(uvm_pglistalloc(ps, 0, ~(paddr_t)0, 0, 0, &rl, 1,
	    UVM_PLA_WAITOK | UVM_PLA_NOWAIT), EINVAL);
	ATF_CHECK_EQ(uvm_pglistalloc(ps, 0, ~(paddr_t)0, 0, 0, &rl, 1, 0x10),
	    EINVAL);
	ATF_CHECK(TAILQ_EMPTY(&rl));
	ATF_CHECK_EQ(uvmexp.free, free0);
	H_CHECK(NULL);
	/* NetBSD's waitok 1 and OpenBSD's flags are all accepted. */
	ATF_CHECK_EQ(uvm_pglistalloc(ps, 0, ~(paddr_t)0, 0, 0, &rl, 1, 1), 0);
	uvm_pglistfree(&rl);
	ATF_CHECK_EQ(uvm_pglistalloc(ps, 0, ~(paddr_t)0, 0, 0, &rl, 1,
	    UVM_PLA_NOWAIT | UVM_PLA_ZERO), 0);
	uvm_pglistfree(&rl);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(pglistalloc_enomem_when_memory_is_taken);
ATF_TC_BODY(pglistalloc_enomem_when_memory_is_taken, tc)
{
	struct pglist rl, all;
	struct cons c = { 16, 200, NPFN, 16, 0, 1 };
	int free0;

	boot_machine(4096);
	free0 = uvmexp.free;
	/* Take free list 2's segment whole. */
	ATF_REQUIRE_EQ(uvm_pglistalloc(ptoa((paddr_t)60), ptoa((paddr_t)200),
	    ptoa((paddr_t)NPFN), 0, 0, &all, 1, UVM_PLA_NOWAIT), 0);
	ATF_CHECK_EQ(uvmexp.free, free0 - 60);
	ATF_CHECK_EQ(do_alloc(&c, &rl, UVM_PLA_NOWAIT), ENOMEM);
	ATF_CHECK(TAILQ_EMPTY(&rl));
	H_CHECK(NULL);
	uvm_pglistfree(&all);
	ATF_CHECK_EQ(do_alloc(&c, &rl, UVM_PLA_NOWAIT), 0);
	uvm_pglistfree(&rl);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(pglistalloc_leaves_pagedaemon_reserve);
ATF_TC_BODY(pglistalloc_leaves_pagedaemon_reserve, tc)
{
	struct pglist rl, rest;
	int n;

	boot_machine(4096);
	n = uvmexp.free;
	ATF_CHECK_EQ(uvm_pglistalloc(ptoa((paddr_t)n), 0, ~(paddr_t)0, 0, 0,
	    &rl, n, 0), ENOMEM);
	ATF_REQUIRE_EQ(uvm_pglistalloc(ptoa((paddr_t)(n -
	    uvmexp.reserve_pagedaemon)), 0, ~(paddr_t)0, 0, 0, &rest, n, 0), 0);
	ATF_CHECK_EQ(uvmexp.free, uvmexp.reserve_pagedaemon);
	H_CHECK(NULL);
	uvm_pglistfree(&rest);
	ATF_CHECK_EQ(uvmexp.free, n);
	H_CHECK(NULL);
	h_shutdown();
}

static void
freer_main(void *arg)
{
	struct pglist *l = arg;

	kpause("tfree", false, 3, NULL);
	uvm_pglistfree(l);
	kthread_exit(0);
}

ATF_TC_WITHOUT_HEAD(pglistalloc_waitok_waits_for_frees);
ATF_TC_BODY(pglistalloc_waitok_waits_for_frees, tc)
{
	struct pglist rl, all;
	struct cons c = { 4, 200, NPFN, 4, 0, 1 };
	struct lwp *l;

	boot_machine(4096);
	ATF_REQUIRE_EQ(uvm_pglistalloc(ptoa((paddr_t)60), ptoa((paddr_t)200),
	    ptoa((paddr_t)NPFN), 0, 0, &all, 1, UVM_PLA_NOWAIT), 0);
	ATF_REQUIRE_EQ(kthread_create(PRI_NONE, KTHREAD_MUSTJOIN, NULL,
	    freer_main, &all, &l, "freer"), 0);
	ATF_CHECK_EQ(do_alloc(&c, &rl, UVM_PLA_WAITOK), 0);
	kthread_join(l);
	ATF_CHECK_EQ(TAILQ_FIRST(&rl) != NULL, true);
	uvm_pglistfree(&rl);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(pglistalloc_zero_returns_zeroed_pages);
ATF_TC_BODY(pglistalloc_zero_returns_zeroed_pages, tc)
{
	struct pglist rl;
	struct vm_page *pg;
	int z0;

	boot_machine(16384);
	ATF_REQUIRE_EQ(uvm_pglistalloc(ptoa((paddr_t)6), 0, ~(paddr_t)0, 0, 0,
	    &rl, 6, UVM_PLA_NOWAIT), 0);
	TAILQ_FOREACH(pg, &rl, pageq)
		memset(uvm_page_kva(pg), 0xc3, uvmexp.pagesize);
	uvm_pglistfree(&rl);
	ATF_REQUIRE_EQ(uvm_pglistalloc(ptoa((paddr_t)6), 0, ~(paddr_t)0, 0, 0,
	    &rl, 6, UVM_PLA_NOWAIT | UVM_PLA_ZERO), 0);
	TAILQ_FOREACH(pg, &rl, pageq) {
		const unsigned char *p = uvm_page_kva(pg);

		for (int i = 0; i < uvmexp.pagesize; i++)
			if (p[i] != 0)
				atf_tc_fail("byte %d of page %#jx is %#x", i,
				    (uintmax_t)VM_PAGE_TO_PHYS(pg), p[i]);
	}
	/* Freed with PG_ZERO, they join the zero pool. */
	z0 = uvmexp.zeropages;
	TAILQ_FOREACH(pg, &rl, pageq)
		pg->flags |= PG_ZERO;
	uvm_pglistfree(&rl);
	ATF_CHECK_EQ(uvmexp.zeropages, z0 + 6);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(pglistfree_of_queued_page_panics);
ATF_TC_BODY(pglistfree_of_queued_page_panics, tc)
{
	struct pglist rl;
	struct vm_page *pg;

	boot_machine(4096);
	ATF_REQUIRE_EQ(uvm_pglistalloc(ptoa((paddr_t)2), 0, ~(paddr_t)0, 0, 0,
	    &rl, 2, 0), 0);
	pg = TAILQ_FIRST(&rl);
	pg->pqflags |= PQ_ACTIVE;
	ATF_CHECK(H_PANICS(uvm_pglistfree(&rl)));
	mutex_exit(&uvm_fpageqlock);
	h_shutdown();
}

/* The randomized constraint matrix, against the exhaustive search. */
static void
matrix(unsigned int ps, unsigned int seed, int rounds)
{
	bool managed[NPFN], isfree[NPFN], allfree[NPFN];
	struct pglist held[64];
	struct vm_page *frag[NPFN];
	int nheld = 0, nfrag = 0, nok = 0, nnomem = 0, ninval = 0;

	boot_machine(ps);
	srandom(seed);
	/* Fragment memory with single pages here and there. */
	for (int i = 0; i < 60; i++) {
		struct vm_page *pg = uvm_pagealloc(NULL, 0, NULL, 0);

		ATF_REQUIRE(pg != NULL);
		frag[nfrag++] = pg;
	}
	for (int i = 0; i < nfrag; i++)
		if (random() % 3 == 0) {
			uvm_pagefree(frag[i]);
			frag[i] = frag[--nfrag];
			i--;
		}
	snapshot(managed, isfree);
	memcpy(allfree, managed, sizeof(allfree));

	for (int r = 0; r < rounds; r++) {
		struct cons c;
		struct pglist rl;
		psize_t best, bestall;
		int error;
		bool fits;

		c.npages = 1 + (psize_t)(random() % 24);
		c.lo = (paddr_t)(random() % 200);
		c.hi = c.lo + 1 + (paddr_t)(random() % 200);
		if (c.hi > NPFN)
			c.hi = NPFN;
		c.align = (paddr_t)1 << (random() % 5);
		c.bound = (random() % 3) ? 0 : (paddr_t)1 << (random() % 6);
		c.nsegs = 1 + (int)(random() % 6);
		snapshot(managed, isfree);
		best = brute_best(&c, isfree);
		bestall = brute_best(&c, allfree);
		fits = best >= c.npages &&
		    uvmexp.free - (int)c.npages >= uvmexp.reserve_pagedaemon;

		error = do_alloc(&c, &rl, (random() % 2) ? UVM_PLA_NOWAIT : 0);
		if (fits) {
			ATF_REQUIRE_EQ_MSG(error, 0, "round %d: %ju pages"
			    " [%ju, %ju) align %ju bound %ju nsegs %d:"
			    " brute force fits (%ju), we got %d", r,
			    (uintmax_t)c.npages, (uintmax_t)c.lo,
			    (uintmax_t)c.hi, (uintmax_t)c.align,
			    (uintmax_t)c.bound, c.nsegs, (uintmax_t)best,
			    error);
		} else {
			ATF_REQUIRE_MSG(error != 0, "round %d: brute force"
			    " finds no fit but we did", r);
			ATF_CHECK_EQ_MSG(error, bestall >= c.npages ? ENOMEM :
			    EINVAL, "round %d: error %d, brute force %ju of"
			    " %ju now, %ju with all free", r, error,
			    (uintmax_t)best, (uintmax_t)c.npages,
			    (uintmax_t)bestall);
		}
		if (error == 0) {
			check_result(&c, &rl, isfree);
			nok++;
			if (nheld < 64 && random() % 2) {
				TAILQ_INIT(&held[nheld]);
				TAILQ_CONCAT(&held[nheld], &rl, pageq);
				nheld++;
			} else {
				uvm_pglistfree(&rl);
			}
		} else if (error == ENOMEM) {
			nnomem++;
		} else {
			ninval++;
		}
		/* Now and then give memory back. */
		if (nheld > 0 && random() % 4 == 0)
			uvm_pglistfree(&held[--nheld]);
		H_CHECK(NULL);
	}
	/* The matrix exercised every outcome. */
	ATF_CHECK(nok > 0);
	ATF_CHECK(nnomem > 0);
	ATF_CHECK(ninval > 0);
	while (nheld > 0)
		uvm_pglistfree(&held[--nheld]);
	for (int i = 0; i < nfrag; i++)
		uvm_pagefree(frag[i]);
	ATF_CHECK_EQ(uvmexp.free, uvmexp.npages);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(pglistalloc_matches_brute_force_4k);
ATF_TC_BODY(pglistalloc_matches_brute_force_4k, tc)
{
	matrix(4096, 1, 1500);
	matrix(4096, 2, 1500);
}

ATF_TC_WITHOUT_HEAD(pglistalloc_matches_brute_force_16k);
ATF_TC_BODY(pglistalloc_matches_brute_force_16k, tc)
{
	matrix(16384, 3, 1000);
}

ATF_TC_WITHOUT_HEAD(pglistalloc_matches_brute_force_64k);
ATF_TC_BODY(pglistalloc_matches_brute_force_64k, tc)
{
	matrix(65536, 4, 1000);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, pglistalloc_contiguous_run_in_range);
	ATF_TP_ADD_TC(tp, pglistalloc_crosses_adjacent_segments);
	ATF_TP_ADD_TC(tp, pglistalloc_invalid_arguments_einval);
	ATF_TP_ADD_TC(tp, pglistalloc_enomem_when_memory_is_taken);
	ATF_TP_ADD_TC(tp, pglistalloc_leaves_pagedaemon_reserve);
	ATF_TP_ADD_TC(tp, pglistalloc_waitok_waits_for_frees);
	ATF_TP_ADD_TC(tp, pglistalloc_zero_returns_zeroed_pages);
	ATF_TP_ADD_TC(tp, pglistfree_of_queued_page_panics);
	ATF_TP_ADD_TC(tp, pglistalloc_matches_brute_force_4k);
	ATF_TP_ADD_TC(tp, pglistalloc_matches_brute_force_16k);
	ATF_TP_ADD_TC(tp, pglistalloc_matches_brute_force_64k);
	return atf_no_error();
}
