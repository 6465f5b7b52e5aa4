/*
 * t_clockpro: the CLOCK-Pro replacement policy (uvm_pdpolicy_clockpro.c)
 * on a machine booted with it, on real pages from uvm_pagealloc: cold
 * pages in test, promotion, demotion, ghosts (non-resident history) by
 * object/offset and by anon, the adaptive cold target, the order of
 * victims and the invariant checker.
 *
 * Pages reach the policy through the page layer (uvm_pageactivate,
 * uvm_pagedeactivate, uvm_pagefree, uvm_anfree); the pagedaemon's side
 * (scaninit, selectvictim, balancequeue) is called directly, as the
 * stepped daemon would, so each step can be checked.
 */
#include "h_machine.h"
#include "uvm/uvm_impl.h"
#include "uvm/uvm_pdpolicy.h"

#include <stdlib.h>

#define pol	uvmpdpol

#define CP_TEST		0x0100	/* the policy's private "in test" bit */

struct tobj {
	struct uvm_object o;
	kmutex_t lock;
};

static struct tobj tobj;

/* Free pages held unowned (memory "in use" by nobody on the clock). */
static struct vm_page *held[1024];
static int nheld;

/*
 * Hold free pages until uvmexp.free is freetarg + spare: the memory the
 * policy may still fill (its m beyond the resident pages) is spare.
 */
static void
cp_hold(int spare)
{
	while (uvmexp.free > uvmexp.freetarg + spare) {
		ATF_REQUIRE(nheld < (int)__arraycount(held));
		held[nheld] = uvm_pagealloc(NULL, 0, NULL, 0);
		ATF_REQUIRE(held[nheld] != NULL);
		nheld++;
	}
	ATF_REQUIRE_EQ(uvmexp.free, uvmexp.freetarg + spare);
}

static void
cp_unhold(void)
{
	while (nheld > 0)
		uvm_pagefree(held[--nheld]);
}

/*
 * Boot a 4 MiB machine whose policy is CLOCK-Pro (stepped daemon) with
 * spare pages free above freetarg (the memory not yet filled).
 */
static void
cp_boot_spare(int spare)
{
	struct uvm_machine m;

	uvm_machine_defaults(&m);
	m.m_quiet = true;
	m.m_ramsize = 4 * 1024 * 1024;
	m.m_policy = "clockpro";
	m.m_daemon = UVM_DAEMON_STEPPED;
	h_boot_machine(&m);
	ATF_REQUIRE_EQ(uvmpdpol, &uvm_pdpolicy_clockpro);
	ATF_REQUIRE_STREQ(uvmpdpol->pdp_name, "clockpro");
	/* Nothing of the boot is on the clock: the tests own it. */
	ATF_REQUIRE_EQ(uvmexp.active + uvmexp.inactive, 0);
	memset(&tobj, 0, sizeof(tobj));
	mutex_init(&tobj.lock, MUTEX_DEFAULT, IPL_NONE);
	tobj.o.vmobjlock = &tobj.lock;
	tobj.o.uo_refs = 1;
	cp_hold(spare);
}

/*
 * Boot with the memory full (as under paging, the state the algorithm
 * is about): every page a test adds takes uvmexp.free below freetarg.
 */
static void
cp_boot(void)
{
	cp_boot_spare(0);
}

static void
cp_shutdown(void)
{
	cp_unhold();
	mutex_destroy(&tobj.lock);
	h_shutdown();
}

/* The machine's checkers (which run the policy's) must be happy. */
#define CP_CHECK() do { \
	const char *_why; \
	mutex_enter(&uvm_pageqlock); \
	_why = pol->pdp_check(); \
	mutex_exit(&uvm_pageqlock); \
	ATF_REQUIRE_MSG(_why == NULL, "%s:%d: %s", __FILE__, __LINE__, _why); \
	H_CHECK(NULL); \
} while (0)

static struct uvm_clockpro_stats
stats(void)
{
	struct uvm_clockpro_stats st;

	mutex_enter(&uvm_pageqlock);
	uvm_clockpro_stats(&st);
	mutex_exit(&uvm_pageqlock);
	return st;
}

/* A page of tobj at page index i, not yet queued (the memory is full). */
static struct vm_page *
objpage(int i)
{
	struct vm_page *pg;

	mutex_enter(&tobj.lock);
	pg = uvm_pagealloc(&tobj.o, (voff_t)i * uvmexp.pagesize, NULL,
	    UVM_PGA_USERESERVE);
	mutex_exit(&tobj.lock);
	ATF_REQUIRE(pg != NULL);
	return pg;
}

/* The page layer's calls, under uvm_pageqlock. */
static void
activate(struct vm_page *pg)
{
	uvm_pageactivate(pg);
}

static void
deactivate(struct vm_page *pg)
{
	uvm_pagedeactivate(pg);
}

static struct vm_page *
victim(bool newscan)
{
	struct vm_page *pg;

	mutex_enter(&uvm_pageqlock);
	if (newscan)
		pol->pdp_scaninit();
	pg = pol->pdp_selectvictim();
	mutex_exit(&uvm_pageqlock);
	return pg;
}

static void
balance(void)
{
	mutex_enter(&uvm_pageqlock);
	pol->pdp_balancequeue(0);
	mutex_exit(&uvm_pageqlock);
}

/* Evict an object page: freed (the page layer dequeues it). */
static void
evict(struct vm_page *pg)
{
	mutex_enter(&tobj.lock);
	uvm_pagefree(pg);
	ATF_REQUIRE(!pol->pdp_pageisqueued_p(pg));
	mutex_exit(&tobj.lock);
}

static bool
hot(struct vm_page *pg)
{
	return (pg->pqflags & PQ_QMASK) == PQ_ACTIVE;
}

static bool
cold(struct vm_page *pg)
{
	return (pg->pqflags & PQ_QMASK) == PQ_INACTIVE;
}

static bool
intest(struct vm_page *pg)
{
	return (pg->pqflags & CP_TEST) != 0;
}

ATF_TC_WITHOUT_HEAD(new_pages_enter_cold_in_test);
ATF_TC_BODY(new_pages_enter_cold_in_test, tc)
{
	struct vm_page *pg[8];
	struct uvm_clockpro_stats st;

	cp_boot();
	for (int i = 0; i < 8; i++) {
		pg[i] = objpage(i);
		ATF_REQUIRE(!pol->pdp_pageisqueued_p(pg[i]));
		activate(pg[i]);
		CP_CHECK();
		ATF_REQUIRE(pol->pdp_pageisqueued_p(pg[i]));
		ATF_REQUIRE(cold(pg[i]) && intest(pg[i]));
	}
	st = stats();
	ATF_REQUIRE_EQ(st.cs_npages, 8);
	ATF_REQUIRE_EQ(st.cs_ncold, 8);
	ATF_REQUIRE_EQ(st.cs_nhot, 0);
	ATF_REQUIRE_EQ(st.cs_ntest, 8);
	ATF_REQUIRE_EQ(uvmexp.inactive, 8);
	ATF_REQUIRE_EQ(uvmexp.active, 0);
	for (int i = 0; i < 8; i++) {
		evict(pg[i]);
		CP_CHECK();
	}
	ATF_REQUIRE_EQ(uvmexp.inactive, 0);
	/* Freed without being chosen: no history. */
	ATF_REQUIRE_EQ(stats().cs_nghost, 0);
	cp_shutdown();
}

ATF_TC_WITHOUT_HEAD(victims_come_in_clock_order);
ATF_TC_BODY(victims_come_in_clock_order, tc)
{
	struct vm_page *pg[6], *v;

	cp_boot();
	for (int i = 0; i < 6; i++) {
		pg[i] = objpage(i);
		activate(pg[i]);
	}
	for (int i = 0; i < 6; i++) {
		v = victim(true);
		ATF_REQUIRE_EQ_MSG(v, pg[i], "victim %d out of order", i);
		evict(v);
		CP_CHECK();
	}
	ATF_REQUIRE_EQ(victim(true), NULL);
	cp_shutdown();
}

ATF_TC_WITHOUT_HEAD(referenced_test_page_is_promoted_hot);
ATF_TC_BODY(referenced_test_page_is_promoted_hot, tc)
{
	struct vm_page *pg[4], *v;
	struct uvm_clockpro_stats before, after;

	cp_boot();
	for (int i = 0; i < 4; i++) {
		pg[i] = objpage(i);
		activate(pg[i]);
	}
	/* A fault on resident pg[0]: referenced within its test period. */
	activate(pg[0]);
	ATF_REQUIRE(cold(pg[0]));
	before = stats();
	v = victim(true);
	CP_CHECK();
	ATF_REQUIRE_EQ(v, pg[1]);
	ATF_REQUIRE(hot(pg[0]) && !intest(pg[0]));
	after = stats();
	ATF_REQUIRE_EQ(after.cs_promoted, before.cs_promoted + 1);
	ATF_REQUIRE_EQ(after.cs_testhits, before.cs_testhits + 1);
	ATF_REQUIRE_EQ(after.cs_nhot, 1);
	ATF_REQUIRE_EQ(uvmexp.active, 1);
	ATF_REQUIRE_EQ(uvmexp.inactive, 3);
	for (int i = 0; i < 4; i++)
		evict(pg[i]);
	CP_CHECK();
	cp_shutdown();
}

ATF_TC_WITHOUT_HEAD(pmap_reference_counts_like_a_fault);
ATF_TC_BODY(pmap_reference_counts_like_a_fault, tc)
{
	struct vm_page *pg[3], *v;
	pmap_t pm;
	const vaddr_t va = 0x100000;

	cp_boot();
	pm = pmap_create();
	for (int i = 0; i < 3; i++) {
		pg[i] = objpage(i);
		activate(pg[i]);
	}
	/* An access through a mapping sets the referenced attribute. */
	ATF_REQUIRE_EQ(pmap_enter(pm, va, VM_PAGE_TO_PHYS(pg[0]),
	    VM_PROT_READ, VM_PROT_READ), 0);
	pmap_update(pm);
	ATF_REQUIRE(pmap_is_referenced(pg[0]));
	v = victim(true);
	CP_CHECK();
	ATF_REQUIRE_EQ(v, pg[1]);
	ATF_REQUIRE(hot(pg[0]));
	/* The hand consumed the attribute. */
	ATF_REQUIRE(!pmap_is_referenced(pg[0]));
	pmap_remove(pm, va, va + uvmexp.pagesize);
	pmap_update(pm);
	pmap_destroy(pm);
	for (int i = 0; i < 3; i++)
		evict(pg[i]);
	CP_CHECK();
	cp_shutdown();
}

ATF_TC_WITHOUT_HEAD(initial_reference_does_not_count);
ATF_TC_BODY(initial_reference_does_not_count, tc)
{
	struct vm_page *pg;
	pmap_t pm;
	const vaddr_t va = 0x200000;

	cp_boot();
	pm = pmap_create();
	pg = objpage(0);
	/* The fault maps the page (referenced), then activates it. */
	ATF_REQUIRE_EQ(pmap_enter(pm, va, VM_PAGE_TO_PHYS(pg),
	    VM_PROT_READ, VM_PROT_READ), 0);
	pmap_update(pm);
	activate(pg);
	ATF_REQUIRE(!pmap_is_referenced(pg));
	ATF_REQUIRE_EQ(victim(true), pg);
	ATF_REQUIRE(cold(pg));
	pmap_remove(pm, va, va + uvmexp.pagesize);
	pmap_update(pm);
	pmap_destroy(pm);
	evict(pg);
	CP_CHECK();
	cp_shutdown();
}

ATF_TC_WITHOUT_HEAD(evicted_test_page_returns_hot_from_history);
ATF_TC_BODY(evicted_test_page_returns_hot_from_history, tc)
{
	struct vm_page *pg[4], *v;
	struct uvm_clockpro_stats st;

	cp_boot();
	for (int i = 0; i < 4; i++) {
		pg[i] = objpage(i);
		activate(pg[i]);
	}
	v = victim(true);
	ATF_REQUIRE_EQ(v, pg[0]);
	/* Chosen in test: a pending ghost. */
	st = stats();
	ATF_REQUIRE_EQ(st.cs_nghost, 1);
	ATF_REQUIRE_EQ(st.cs_ghosts, 1);
	evict(v);
	CP_CHECK();
	st = stats();
	ATF_REQUIRE_EQ(st.cs_nghost, 1);
	ATF_REQUIRE_EQ(st.cs_npages, 3);
	/* Faults back in: its ghost is alive, so it comes back hot. */
	pg[0] = objpage(0);
	activate(pg[0]);
	CP_CHECK();
	ATF_REQUIRE(hot(pg[0]));
	st = stats();
	ATF_REQUIRE_EQ(st.cs_ghosthits, 1);
	ATF_REQUIRE_EQ(st.cs_nghost, 0);
	ATF_REQUIRE_EQ(st.cs_testhits, 1);
	/* Another page of the object, never evicted: cold. */
	v = objpage(9);
	activate(v);
	ATF_REQUIRE(cold(v) && intest(v));
	evict(v);
	for (int i = 0; i < 4; i++)
		evict(pg[i]);
	CP_CHECK();
	cp_shutdown();
}

ATF_TC_WITHOUT_HEAD(victim_used_again_keeps_no_ghost);
ATF_TC_BODY(victim_used_again_keeps_no_ghost, tc)
{
	struct vm_page *pg[3], *v;

	cp_boot();
	for (int i = 0; i < 3; i++) {
		pg[i] = objpage(i);
		activate(pg[i]);
	}
	v = victim(true);
	ATF_REQUIRE_EQ(v, pg[0]);
	ATF_REQUIRE_EQ(stats().cs_nghost, 1);
	/* The daemon finds it referenced and reactivates it. */
	activate(v);
	CP_CHECK();
	ATF_REQUIRE_EQ(stats().cs_nghost, 0);
	ATF_REQUIRE(pol->pdp_pageisqueued_p(v));
	/* Next time round the hand it is a re-reference in test: hot. */
	ATF_REQUIRE_EQ(victim(true), pg[1]);
	ATF_REQUIRE_EQ(victim(false), pg[2]);
	ATF_REQUIRE(victim(false) != pg[0]);
	ATF_REQUIRE(hot(pg[0]));
	CP_CHECK();
	for (int i = 0; i < 3; i++)
		evict(pg[i]);
	CP_CHECK();
	cp_shutdown();
}

ATF_TC_WITHOUT_HEAD(referenced_cold_page_out_of_test_starts_test);
ATF_TC_BODY(referenced_cold_page_out_of_test_starts_test, tc)
{
	struct vm_page *pg[3];

	cp_boot();
	for (int i = 0; i < 3; i++) {
		pg[i] = objpage(i);
		activate(pg[i]);
	}
	/* Make pg[0] hot, then deactivate it: cold, out of test. */
	activate(pg[0]);
	ATF_REQUIRE_EQ(victim(true), pg[1]);
	ATF_REQUIRE(hot(pg[0]));
	deactivate(pg[0]);
	CP_CHECK();
	ATF_REQUIRE(cold(pg[0]) && !intest(pg[0]));
	ATF_REQUIRE_EQ(stats().cs_demoted, 1);
	/* Referenced again: a new test period, not promotion. */
	activate(pg[0]);
	for (int i = 0; i < 4; i++)
		(void)victim(i == 0);
	CP_CHECK();
	ATF_REQUIRE(cold(pg[0]) && intest(pg[0]));
	ATF_REQUIRE_EQ(stats().cs_promoted, 1);
	for (int i = 0; i < 3; i++)
		evict(pg[i]);
	cp_shutdown();
}

ATF_TC_WITHOUT_HEAD(hand_hot_demotes_unreferenced_keeps_referenced);
ATF_TC_BODY(hand_hot_demotes_unreferenced_keeps_referenced, tc)
{
	enum { N = 40 };
	struct vm_page *pg[N];
	struct uvm_clockpro_stats st;

	cp_boot();
	for (int i = 0; i < N; i++) {
		pg[i] = objpage(i);
		activate(pg[i]);
	}
	/* p0..p2 re-referenced in test: the cold hand makes them hot. */
	for (int i = 0; i < 3; i++)
		activate(pg[i]);
	ATF_REQUIRE_EQ(victim(true), pg[3]);
	CP_CHECK();
	for (int i = 0; i < 3; i++)
		ATF_REQUIRE(hot(pg[i]));
	st = stats();
	ATF_REQUIRE_EQ(st.cs_promoted, 3);
	ATF_REQUIRE_EQ(st.cs_testhits, 3);
	ATF_REQUIRE_EQ(st.cs_demoted, 0);
	/* p0 used again; every cold page leaves: below the target. */
	activate(pg[0]);
	for (int i = 3; i < N; i++)
		evict(pg[i]);
	CP_CHECK();
	ATF_REQUIRE_EQ(stats().cs_ncold, 0);
	mutex_enter(&uvm_pageqlock);
	ATF_REQUIRE(pol->pdp_needsscan_p());
	mutex_exit(&uvm_pageqlock);
	balance();
	CP_CHECK();
	/* The hot hand spared referenced p0 and demoted p1. */
	ATF_REQUIRE(hot(pg[0]));
	ATF_REQUIRE(cold(pg[1]) && !intest(pg[1]));
	ATF_REQUIRE(hot(pg[2]));
	st = stats();
	ATF_REQUIRE_EQ(st.cs_demoted, 1);
	ATF_REQUIRE_EQ(st.cs_ncold, 1);
	/* It passed p3's ghost on the way: that test period ended. */
	ATF_REQUIRE_EQ(st.cs_nghost, 0);
	ATF_REQUIRE_EQ(st.cs_testexpired, 1);
	mutex_enter(&uvm_pageqlock);
	ATF_REQUIRE(!pol->pdp_needsscan_p());
	mutex_exit(&uvm_pageqlock);
	for (int i = 0; i < 3; i++)
		evict(pg[i]);
	CP_CHECK();
	cp_shutdown();
}

ATF_TC_WITHOUT_HEAD(expired_test_shrinks_cold_target);
ATF_TC_BODY(expired_test_shrinks_cold_target, tc)
{
	enum { N = 64 };
	struct vm_page *pg[N];
	struct uvm_clockpro_stats st0, st;

	cp_boot();
	for (int i = 0; i < N; i++) {
		pg[i] = objpage(i);
		activate(pg[i]);
	}
	/* Half hot. */
	for (int i = 0; i < N / 2; i++)
		activate(pg[i]);
	st0 = stats();
	ATF_REQUIRE_EQ(st0.cs_testexpired, 0);
	mutex_enter(&uvm_pageqlock);
	pol->pdp_scaninit();
	for (int i = 0; i < N / 2; i++)
		(void)pol->pdp_selectvictim();
	mutex_exit(&uvm_pageqlock);
	/* Evict the cold ones in test, leaving ghosts; then balance. */
	for (int i = 0; i < N; i++) {
		if (pg[i] != NULL && cold(pg[i])) {
			evict(pg[i]);
			pg[i] = NULL;
		}
	}
	for (int round = 0; round < 4; round++)
		balance();
	CP_CHECK();
	st = stats();
	/*
	 * The hot hand, run by the promotions and the balancing, ended the
	 * test periods it passed (on its way to the next hot page after
	 * demoting, too): the cold target shrank.
	 */
	ATF_REQUIRE(st.cs_testexpired > st0.cs_testexpired);
	ATF_REQUIRE(st.cs_nghost <= st.cs_npages);
	for (int i = 0; i < N; i++)
		if (pg[i] != NULL)
			evict(pg[i]);
	CP_CHECK();
	cp_shutdown();
}

ATF_TC_WITHOUT_HEAD(ghosts_bounded_by_memory_size);
ATF_TC_BODY(ghosts_bounded_by_memory_size, tc)
{
	enum { N = 16, LOOPS = 200 };
	struct vm_page *pg;
	struct uvm_clockpro_stats st;
	int next = 0;

	cp_boot();
	for (int i = 0; i < N; i++)
		activate(objpage(next++));
	/* A long scan: every page once; the history must stay bounded. */
	for (int i = 0; i < LOOPS; i++) {
		pg = victim(true);
		ATF_REQUIRE(pg != NULL);
		evict(pg);
		activate(objpage(next++));
		st = stats();
		ATF_REQUIRE_EQ(st.cs_memsize, N);
		ATF_REQUIRE(st.cs_nghost <= st.cs_memsize);
	}
	CP_CHECK();
	st = stats();
	ATF_REQUIRE_EQ(st.cs_npages, N);
	/* The history is as long as the paper's bound: m. */
	ATF_REQUIRE_EQ(st.cs_nghost, N);
	ATF_REQUIRE_EQ(st.cs_ghosthits, 0);
	/*
	 * Every ghost made was a victim in test; each one hand_test
	 * removed ended a test period without a re-reference.
	 */
	ATF_REQUIRE_EQ(st.cs_ghosts, (uint64_t)LOOPS);
	ATF_REQUIRE(st.cs_testexpired >= st.cs_ghosts - (uint64_t)N);
	ATF_REQUIRE_EQ(st.cs_coldtarget, 1);
	while ((pg = victim(true)) != NULL)
		evict(pg);
	ATF_REQUIRE_EQ(stats().cs_npages, 0);
	CP_CHECK();
	cp_shutdown();
}

ATF_TC_WITHOUT_HEAD(anfree_forgets_anon_history);
ATF_TC_BODY(anfree_forgets_anon_history, tc)
{
	struct vm_anon *an;
	struct vm_page *pg;

	cp_boot();
	an = uvm_analloc();
	ATF_REQUIRE(an != NULL);
	pg = uvm_pagealloc(NULL, 0, an, 0);
	ATF_REQUIRE(pg != NULL);
	ATF_REQUIRE_EQ(an->an_page, pg);
	activate(pg);
	ATF_REQUIRE_EQ(victim(true), pg);
	uvm_pagefree(pg);
	ATF_REQUIRE_EQ(an->an_page, NULL);
	ATF_REQUIRE_EQ(stats().cs_nghost, 1);
	CP_CHECK();
	/* The anon goes: its ghost can never be hit, so it goes too. */
	an->an_ref = 0;
	uvm_anfree(an);
	CP_CHECK();
	ATF_REQUIRE_EQ(stats().cs_nghost, 0);
	cp_shutdown();
}

ATF_TC_WITHOUT_HEAD(scan_ends_after_two_passes);
ATF_TC_BODY(scan_ends_after_two_passes, tc)
{
	enum { N = 5 };
	struct vm_page *pg[N];
	int n = 0;

	cp_boot();
	ATF_REQUIRE_EQ(victim(true), NULL);
	for (int i = 0; i < N; i++) {
		pg[i] = objpage(i);
		activate(pg[i]);
	}
	/* The daemon keeps none of them (all busy, say): the scan ends. */
	mutex_enter(&uvm_pageqlock);
	pol->pdp_scaninit();
	while (pol->pdp_selectvictim() != NULL)
		n++;
	mutex_exit(&uvm_pageqlock);
	ATF_REQUIRE(n >= N && n <= 2 * N + 1);
	CP_CHECK();
	for (int i = 0; i < N; i++)
		evict(pg[i]);
	cp_shutdown();
}

ATF_TC_WITHOUT_HEAD(estimatepageable_counts_hot_and_cold);
ATF_TC_BODY(estimatepageable_counts_hot_and_cold, tc)
{
	struct vm_page *pg[4];
	int act = -1, inact = -1;

	cp_boot();
	for (int i = 0; i < 4; i++) {
		pg[i] = objpage(i);
		activate(pg[i]);
	}
	activate(pg[0]);
	(void)victim(true);
	mutex_enter(&uvm_pageqlock);
	pol->pdp_estimatepageable(&act, &inact);
	mutex_exit(&uvm_pageqlock);
	ATF_REQUIRE_EQ(act, 1);
	ATF_REQUIRE_EQ(inact, 3);
	for (int i = 0; i < 4; i++)
		evict(pg[i]);
	cp_shutdown();
}

ATF_TC_WITHOUT_HEAD(filling_memory_pages_enter_hot_up_to_m_minus_coldtarget);
ATF_TC_BODY(filling_memory_pages_enter_hot_up_to_m_minus_coldtarget, tc)
{
	enum { S = 20 };
	struct vm_page *pg[S + 1];
	struct uvm_clockpro_stats st;

	/* S pages free above freetarg: m is S before any page comes. */
	cp_boot_spare(S);
	st = stats();
	ATF_REQUIRE_EQ(st.cs_memsize, S);
	ATF_REQUIRE_EQ(st.cs_coldtarget, 1);
	for (int i = 0; i < S; i++) {
		pg[i] = objpage(i);
		activate(pg[i]);
		CP_CHECK();
		st = stats();
		ATF_REQUIRE_EQ(st.cs_memsize, S);
		if (i < S - st.cs_coldtarget)
			ATF_REQUIRE_MSG(hot(pg[i]) && !intest(pg[i]),
			    "page %d not hot while memory fills", i);
		else
			ATF_REQUIRE_MSG(cold(pg[i]) && intest(pg[i]),
			    "page %d not cold in test", i);
	}
	st = stats();
	ATF_REQUIRE_EQ(st.cs_nhot, S - 1);
	ATF_REQUIRE_EQ(st.cs_ncold, 1);
	ATF_REQUIRE_EQ(uvmexp.active, S - 1);
	ATF_REQUIRE_EQ(uvmexp.inactive, 1);
	/* Memory full: a new page is cold in its test period. */
	pg[S] = objpage(S);
	activate(pg[S]);
	CP_CHECK();
	ATF_REQUIRE(cold(pg[S]) && intest(pg[S]));
	st = stats();
	ATF_REQUIRE_EQ(st.cs_memsize, S + 1);
	ATF_REQUIRE_EQ(st.cs_nhot, S - 1);
	mutex_enter(&uvm_pageqlock);
	ATF_REQUIRE(!pol->pdp_needsscan_p());
	mutex_exit(&uvm_pageqlock);
	for (int i = 0; i <= S; i++)
		evict(pg[i]);
	CP_CHECK();
	cp_shutdown();
}

/*
 * Replay a loop of L pages, ROUNDS times, on M frames, as faults do:
 * a resident page's use is a reference, a missing page evicts the
 * policy's victim when the frames are full.  Returns the misses of
 * each round in misses[].
 */
static void
cp_loop(int M, int L, int rounds, long *misses, struct vm_page **res)
{
	int nres = 0;

	for (int r = 0; r < rounds; r++) {
		misses[r] = 0;
		for (int p = 0; p < L; p++) {
			struct vm_page *v;

			if (res[p] != NULL) {
				activate(res[p]);
				continue;
			}
			misses[r]++;
			if (nres == M) {
				if ((v = victim(true)) == NULL) {
					balance();
					v = victim(true);
				}
				ATF_REQUIRE(v != NULL);
				res[v->offset / uvmexp.pagesize] = NULL;
				evict(v);
				nres--;
			}
			res[p] = objpage(p);
			activate(res[p]);
			nres++;
		}
		CP_CHECK();
	}
}

ATF_TC_WITHOUT_HEAD(loop_slightly_larger_than_memory_keeps_hot_set);
ATF_TC_BODY(loop_slightly_larger_than_memory_keeps_hot_set, tc)
{
	enum { M = 32, L = 36, ROUNDS = 20 };
	struct vm_page *res[L];
	long misses[ROUNDS], later = 0;
	struct uvm_clockpro_stats st;
	int nhotres = 0;

	cp_boot_spare(M);
	memset(res, 0, sizeof(res));
	cp_loop(M, L, ROUNDS, misses, res);
	/* LRU and CLOCK miss all L every round; OPT misses L - M + 1. */
	ATF_REQUIRE_EQ(misses[0], L);
	for (int r = 2; r < ROUNDS; r++) {
		ATF_REQUIRE_MSG(misses[r] <= 2 * (L - M),
		    "round %d: %ld misses", r, misses[r]);
		later += misses[r];
	}
	ATF_REQUIRE(later < (long)(ROUNDS - 2) * L / 4);
	st = stats();
	ATF_REQUIRE_EQ(st.cs_npages, M);
	for (int p = 0; p < L; p++)
		if (res[p] != NULL && hot(res[p]))
			nhotres++;
	ATF_REQUIRE_EQ(nhotres, st.cs_nhot);
	ATF_REQUIRE(st.cs_nhot >= M - 2 * (L - M));
	ATF_REQUIRE(st.cs_nghost <= st.cs_memsize);
	for (int p = 0; p < L; p++)
		if (res[p] != NULL)
			evict(res[p]);
	CP_CHECK();
	cp_shutdown();
}

/*
 * With the hot area full (after warm-up), a test-period re-reference
 * promotes the page and grows m_c by exactly one page, and the hot hand
 * demotes an unreferenced hot page so the hot pages are m - m_c again.
 */
ATF_TC_WITHOUT_HEAD(test_hit_grows_coldtarget_one_page_hand_hot_makes_room);
ATF_TC_BODY(test_hit_grows_coldtarget_one_page_hand_hot_makes_room, tc)
{
	enum { S = 20 };
	struct vm_page *pg[S + 1], *v;
	struct uvm_clockpro_stats st0, st;
	int deact0;

	cp_boot_spare(S);
	for (int i = 0; i < S; i++) {
		pg[i] = objpage(i);
		activate(pg[i]);
	}
	ATF_REQUIRE(cold(pg[S - 1]) && intest(pg[S - 1]));
	/* Memory full: one more page, cold in test. */
	pg[S] = objpage(S);
	activate(pg[S]);
	/* pg[S - 1] is used again within its test period. */
	activate(pg[S - 1]);
	CP_CHECK();
	st0 = stats();
	deact0 = uvmexp.pddeact;
	ATF_REQUIRE_EQ(st0.cs_memsize, S + 1);
	ATF_REQUIRE_EQ(st0.cs_coldtarget, 1);
	ATF_REQUIRE_EQ(st0.cs_nhot, S - 1);
	v = victim(true);
	CP_CHECK();
	ATF_REQUIRE_EQ(v, pg[S]);
	ATF_REQUIRE(hot(pg[S - 1]) && !intest(pg[S - 1]));
	st = stats();
	ATF_REQUIRE_EQ(st.cs_promoted, st0.cs_promoted + 1);
	ATF_REQUIRE_EQ(st.cs_testhits, st0.cs_testhits + 1);
	ATF_REQUIRE_EQ(st.cs_coldtarget, st0.cs_coldtarget + 1);
	/* One hot page made room: hot pages are m - m_c. */
	ATF_REQUIRE_EQ(st.cs_demoted, st0.cs_demoted + 1);
	ATF_REQUIRE_EQ(uvmexp.pddeact, deact0 + 1);
	ATF_REQUIRE_EQ(st.cs_nhot, st.cs_memsize - st.cs_coldtarget);
	ATF_REQUIRE(cold(pg[0]) && !intest(pg[0]));
	for (int i = 0; i <= S; i++)
		evict(pg[i]);
	CP_CHECK();
	cp_shutdown();
}

/*
 * hand_cold stays at the oldest resident cold page (the paper's
 * definition) when hand_hot runs past it: hand_hot carries it along.
 * Here hand_cold has stopped among the old pages when two ghost hits
 * make hand_hot demote two pages, passing hand_cold on the way; the
 * next victim is the oldest cold page (the first one hand_hot demoted),
 * not the younger ones hand_hot passed after hand_cold.
 */
ATF_TC_WITHOUT_HEAD(hand_hot_carries_hand_cold_along);
ATF_TC_BODY(hand_hot_carries_hand_cold_along, tc)
{
	enum { S = 10 };
	struct vm_page *pg[S + 1], *v;
	struct uvm_clockpro_stats st;

	/* m = 10, m_c = 1: pg[0..8] fill the hot area, pg[9] cold. */
	cp_boot_spare(S);
	for (int i = 0; i < S; i++) {
		pg[i] = objpage(i);
		activate(pg[i]);
	}
	for (int i = 0; i < S - 1; i++)
		ATF_REQUIRE(hot(pg[i]));
	ATF_REQUIRE(cold(pg[9]) && intest(pg[9]));
	/* pg[9] and then pg[10], both in test, leave ghosts. */
	v = victim(true);
	ATF_REQUIRE_EQ(v, pg[9]);
	evict(v);
	pg[10] = objpage(10);
	activate(pg[10]);
	v = victim(true);
	ATF_REQUIRE_EQ(v, pg[10]);
	evict(v);
	CP_CHECK();
	ATF_REQUIRE_EQ(stats().cs_nghost, 2);
	/* hand_cold wraps and stops at pg[1], among the oldest pages. */
	deactivate(pg[1]);
	v = victim(true);
	ATF_REQUIRE_EQ(v, pg[1]);
	evict(v);
	/* Ahead of hand_cold: pg[6] cold, pg[2..5] referenced hot pages. */
	deactivate(pg[6]);
	for (int i = 2; i <= 5; i++)
		activate(pg[i]);
	CP_CHECK();
	/* Both ghosts hit: m_c grows to 3, hand_hot demotes two. */
	pg[9] = objpage(9);
	activate(pg[9]);
	pg[10] = objpage(10);
	activate(pg[10]);
	CP_CHECK();
	st = stats();
	ATF_REQUIRE_EQ(st.cs_ghosthits, 2);
	ATF_REQUIRE_EQ(st.cs_coldtarget, 3);
	ATF_REQUIRE_EQ(st.cs_nhot, st.cs_memsize - 3);
	ATF_REQUIRE(hot(pg[9]) && hot(pg[10]));
	ATF_REQUIRE(cold(pg[0]) && !intest(pg[0]));
	ATF_REQUIRE(cold(pg[7]) && !intest(pg[7]));
	for (int i = 2; i <= 5; i++)
		ATF_REQUIRE(hot(pg[i]));
	/* Oldest first: pg[0], then pg[6] and pg[7]. */
	v = victim(true);
	ATF_REQUIRE_EQ_MSG(v, pg[0], "victim is page %d, not the oldest 0",
	    (int)(v->offset / uvmexp.pagesize));
	evict(v);
	v = victim(true);
	ATF_REQUIRE_EQ(v, pg[6]);
	evict(v);
	v = victim(true);
	ATF_REQUIRE_EQ(v, pg[7]);
	evict(v);
	CP_CHECK();
	for (int i = 2; i <= 10; i++)
		if (i != 6 && i != 7)
			evict(pg[i]);
	CP_CHECK();
	cp_shutdown();
}

/*
 * After demoting, hand_hot moves on to the next hot page ("finally the
 * hand stops at a hot page"), ending the test periods on the way: a
 * ghost just beyond the last page it demotes is older than every hot
 * page left, and goes.
 */
ATF_TC_WITHOUT_HEAD(hand_hot_stops_at_a_hot_page);
ATF_TC_BODY(hand_hot_stops_at_a_hot_page, tc)
{
	enum { S = 6 };
	struct vm_page *pg[S + 2], *v;
	struct uvm_clockpro_stats st0, st;

	/* m = 6, m_c = 1: pg[0..4] fill the hot area, pg[5] cold. */
	cp_boot_spare(S);
	for (int i = 0; i < S; i++) {
		pg[i] = objpage(i);
		activate(pg[i]);
	}
	ATF_REQUIRE(hot(pg[4]) && cold(pg[5]) && intest(pg[5]));
	/* pg[0] goes (no history), then pg[5] (a ghost in its place). */
	deactivate(pg[0]);
	v = victim(true);
	ATF_REQUIRE_EQ(v, pg[0]);
	evict(v);
	v = victim(true);
	ATF_REQUIRE_EQ(v, pg[5]);
	evict(v);
	/* Memory fills again: pg[6] hot (warm-up), pg[7] cold in test. */
	pg[6] = objpage(6);
	activate(pg[6]);
	pg[7] = objpage(7);
	activate(pg[7]);
	ATF_REQUIRE(hot(pg[6]));
	ATF_REQUIRE(cold(pg[7]) && intest(pg[7]));
	/* pg[7] goes too: its ghost sits just beyond pg[6]. */
	v = victim(true);
	ATF_REQUIRE_EQ(v, pg[7]);
	evict(v);
	for (int i = 1; i <= 3; i++)
		activate(pg[i]);
	CP_CHECK();
	st0 = stats();
	ATF_REQUIRE_EQ(st0.cs_nghost, 2);
	/* pg[5] back: a ghost hit; hand_hot demotes pg[4] and pg[6]. */
	pg[5] = objpage(5);
	activate(pg[5]);
	CP_CHECK();
	st = stats();
	ATF_REQUIRE_EQ(st.cs_ghosthits, st0.cs_ghosthits + 1);
	ATF_REQUIRE_EQ(st.cs_demoted, st0.cs_demoted + 2);
	ATF_REQUIRE(cold(pg[4]) && !intest(pg[4]));
	ATF_REQUIRE(cold(pg[6]) && !intest(pg[6]));
	for (int i = 1; i <= 3; i++)
		ATF_REQUIRE(hot(pg[i]));
	ATF_REQUIRE(hot(pg[5]));
	/* It went on past pg[7]'s ghost to pg[5]: that test period ended. */
	ATF_REQUIRE_EQ(st.cs_nghost, 0);
	ATF_REQUIRE_EQ(st.cs_testexpired, st0.cs_testexpired + 1);
	/* So pg[7] comes back cold. */
	v = victim(true);
	ATF_REQUIRE_EQ(v, pg[4]);
	evict(v);
	pg[7] = objpage(7);
	activate(pg[7]);
	ATF_REQUIRE(cold(pg[7]) && intest(pg[7]));
	CP_CHECK();
	for (int i = 1; i <= 7; i++)
		if (i != 4)
			evict(pg[i]);
	CP_CHECK();
	cp_shutdown();
}

ATF_TC_WITHOUT_HEAD(check_detects_corruption);
ATF_TC_BODY(check_detects_corruption, tc)
{
	struct vm_page *pg[2];
	const char *why;

	cp_boot();
	for (int i = 0; i < 2; i++) {
		pg[i] = objpage(i);
		activate(pg[i]);
	}
	CP_CHECK();
	mutex_enter(&uvm_pageqlock);
	uvmexp.inactive++;
	why = pol->pdp_check();
	uvmexp.inactive--;
	ATF_REQUIRE(why != NULL && strstr(why, "uvmexp") != NULL);
	pg[0]->pqflags |= PQ_ACTIVE;
	why = pol->pdp_check();
	pg[0]->pqflags &= (uint16_t)~PQ_ACTIVE;
	ATF_REQUIRE(why != NULL);
	pg[1]->pqflags &= (uint16_t)~CP_TEST;
	why = pol->pdp_check();
	pg[1]->pqflags |= CP_TEST;
	ATF_REQUIRE(why != NULL && strstr(why, "test") != NULL);
	ATF_REQUIRE_EQ(pol->pdp_check(), NULL);
	mutex_exit(&uvm_pageqlock);
	for (int i = 0; i < 2; i++)
		evict(pg[i]);
	cp_shutdown();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, new_pages_enter_cold_in_test);
	ATF_TP_ADD_TC(tp, victims_come_in_clock_order);
	ATF_TP_ADD_TC(tp, referenced_test_page_is_promoted_hot);
	ATF_TP_ADD_TC(tp, pmap_reference_counts_like_a_fault);
	ATF_TP_ADD_TC(tp, initial_reference_does_not_count);
	ATF_TP_ADD_TC(tp, evicted_test_page_returns_hot_from_history);
	ATF_TP_ADD_TC(tp, victim_used_again_keeps_no_ghost);
	ATF_TP_ADD_TC(tp, referenced_cold_page_out_of_test_starts_test);
	ATF_TP_ADD_TC(tp, hand_hot_demotes_unreferenced_keeps_referenced);
	ATF_TP_ADD_TC(tp, expired_test_shrinks_cold_target);
	ATF_TP_ADD_TC(tp, ghosts_bounded_by_memory_size);
	ATF_TP_ADD_TC(tp, anfree_forgets_anon_history);
	ATF_TP_ADD_TC(tp, scan_ends_after_two_passes);
	ATF_TP_ADD_TC(tp, estimatepageable_counts_hot_and_cold);
	ATF_TP_ADD_TC(tp, check_detects_corruption);
	ATF_TP_ADD_TC(tp, hand_hot_carries_hand_cold_along);
	ATF_TP_ADD_TC(tp, hand_hot_stops_at_a_hot_page);
	ATF_TP_ADD_TC(tp, filling_memory_pages_enter_hot_up_to_m_minus_coldtarget);
	ATF_TP_ADD_TC(tp, loop_slightly_larger_than_memory_keeps_hot_set);
	ATF_TP_ADD_TC(tp,
	    test_hit_grows_coldtarget_one_page_hand_hot_makes_room);
	return atf_no_error();
}
