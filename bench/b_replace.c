/*
 * b_replace: replacement quality.  Replays page-reference traces through
 * the machine-independent policy code (CLOCK and CLOCK-Pro, each the
 * booted machine's uvmpdpol) and counts misses, next to LRU and
 * Belady's OPT (the bound) and LIRS computed here on the same trace, for
 * several memory sizes.
 *
 * How a policy is driven: a "memory" of M frames is simulated with real
 * pages.  A reference to a resident page is an access through a mapping:
 * the page is mapped in a user pmap and, if its referenced attribute is
 * clear, the access sets it (pmap_enter with the access type, as the
 * soft pmap's MMU does).  A miss is a page fault: when M pages are
 * resident, one pagedaemon pass frees one page exactly as
 * uvm_pageout_step/uvmpd_scan do (pdp_tune, pdp_balancequeue when
 * pdp_needsscan_p, pdp_scaninit, pdp_selectvictim until a page that
 * pmap_is_referenced does not call back, which is reactivated with
 * uvm_pageactivate); the victim is unmapped (pmap_page_protect) and
 * freed (uvm_pagefree).  The new page is allocated to an object at the
 * page's offset (so CLOCK-Pro's history knows it by object/offset),
 * mapped with the faulting access and activated (uvm_pageactivate), in
 * the fault handler's order.  Each run boots its own machine (so no
 * state or history carries over) and takes all its free pages but M
 * (held unowned until the run ends, like wired kernel memory), so the
 * machine really has M frames for the trace: uvmexp.free is what a
 * policy sees of the memory not yet filled.  The simulated memory has
 * freetarg 0 and no reserves: one page is freed per miss (demand
 * paging), so CLOCK's inactive target is its third of the queued pages.
 *
 * Traces: synthetic loop, scan and zipf patterns generated here (fixed
 * seeds), and traces of real programs under bench/traces/ (valgrind
 * --tool=lackey --trace-mem=yes, reduced to page numbers: see
 * bench/traces/README).
 *
 * LIRS, which CLOCK-Pro approximates with clocks, is simulated exactly
 * here too (run_lirs), so that each run shows how close the clock
 * approximation comes (the PRO/LI column: CLOCK-Pro's misses over
 * LIRS's).
 *
 * The synthetic zipf and scan traces follow the independent reference
 * model (each reference drawn from fixed page probabilities, which the
 * generator knows; a scan page is referenced once).  For them the A0
 * column (Aho, Denning and Ullman, JACM 1971: replace the resident page
 * of least probability) is what the best online policy achieves in
 * expectation, knowing the probabilities: a bound no policy that sees
 * only the past can beat on average, and the part of the gap to OPT
 * that is the price of not knowing the future.
 *
 * Prints a table, then "RESULT replace_<trace>_<M>_<policy> misses
 * opt_misses misses" per run (ratio: misses over OPT's), and the mean
 * ratios.  Cold misses count for every policy.
 */
#include <uvm/uvm.h>
#include "uvm/uvm_impl.h"
#include "uvm/uvm_pdpolicy.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef SRCDIR
#define SRCDIR "."
#endif

#define MAXSIZES	5
#define MAXTRACES	12

struct trace {
	const char	*name;
	const char	*kind;		/* loop, scan, zipf, real */
	uint32_t	*refs;
	long		nrefs;
	uint32_t	npages;		/* distinct pages: ids 0..npages-1 */
	double		*prob;		/* IRM traces: page probabilities */
	int		sizes[MAXSIZES];
	int		nsizes;
};

/* ---------------------------------------------------------------------
 * Trace generation (deterministic).
 */

static uint64_t rng_state;

static uint64_t
rng(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static void
trace_push(struct trace *t, long *cap, uint32_t page)
{
	if (t->nrefs == *cap) {
		*cap = *cap ? *cap * 2 : 4096;
		t->refs = realloc(t->refs, (size_t)*cap * sizeof(*t->refs));
		if (t->refs == NULL) {
			perror("b_replace");
			exit(1);
		}
	}
	t->refs[t->nrefs++] = page;
	if (page + 1 > t->npages)
		t->npages = page + 1;
}

/* Loop: the same L pages in order, again and again. */
static void
gen_loop(struct trace *t, uint32_t len, int rounds)
{
	long cap = 0;

	for (int r = 0; r < rounds; r++)
		for (uint32_t p = 0; p < len; p++)
			trace_push(t, &cap, p);
}

/*
 * Scan: a hot set used at random, interrupted by long sequential scans
 * of pages read once (a file read through, a table scan).
 */
static void
gen_scan(struct trace *t, uint32_t hot, int phases, int hotrefs,
    uint32_t scanlen)
{
	long cap = 0;
	uint32_t next = hot;

	rng_state = 0x5ca11ab1e;
	for (int ph = 0; ph < phases; ph++) {
		for (int i = 0; i < hotrefs; i++)
			trace_push(t, &cap, (uint32_t)(rng() % hot));
		for (uint32_t i = 0; i < scanlen; i++)
			trace_push(t, &cap, next++);
	}
	/* Hot pages equally likely; a scan page is never seen again. */
	t->prob = calloc(t->npages, sizeof(*t->prob));
	if (t->prob == NULL) {
		perror("b_replace");
		exit(1);
	}
	for (uint32_t p = 0; p < hot; p++)
		t->prob[p] = 1.0 / hot;
}

/* Zipf(alpha) over n pages, ranks scattered over the page numbers. */
static void
gen_zipf(struct trace *t, uint32_t n, double alpha, long nrefs)
{
	double *cdf = malloc(n * sizeof(*cdf));
	uint32_t *perm = malloc(n * sizeof(*perm));
	double sum = 0;
	long cap = 0;

	if (cdf == NULL || perm == NULL) {
		perror("b_replace");
		exit(1);
	}
	for (uint32_t i = 0; i < n; i++) {
		sum += 1.0 / pow((double)(i + 1), alpha);
		cdf[i] = sum;
		perm[i] = i;
	}
	rng_state = 0x21bf0c0ffee;
	for (uint32_t i = n - 1; i > 0; i--) {
		uint32_t j = (uint32_t)(rng() % (i + 1)), tmp = perm[i];

		perm[i] = perm[j];
		perm[j] = tmp;
	}
	for (long k = 0; k < nrefs; k++) {
		double u = (double)(rng() >> 11) / 9007199254740992.0 * sum;
		uint32_t lo = 0, hi = n - 1;

		while (lo < hi) {
			uint32_t mid = (lo + hi) / 2;

			if (cdf[mid] < u)
				lo = mid + 1;
			else
				hi = mid;
		}
		trace_push(t, &cap, perm[lo]);
	}
	t->prob = calloc(t->npages, sizeof(*t->prob));
	if (t->prob == NULL) {
		perror("b_replace");
		exit(1);
	}
	for (uint32_t i = 0; i < n; i++) {
		if (perm[i] < t->npages)
			t->prob[perm[i]] = (cdf[i] - (i > 0 ? cdf[i - 1] : 0)) /
			    sum;
	}
	free(cdf);
	free(perm);
}

/* A real program's trace: gzip'd text, one dense page id per line. */
static bool
load_trace(struct trace *t, const char *file)
{
	char cmd[1024], line[64];
	long cap = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "gzip -dc '%s/bench/traces/%s.trace.gz'",
	    SRCDIR, file);
	if ((f = popen(cmd, "r")) == NULL)
		return false;
	while (fgets(line, sizeof(line), f) != NULL)
		trace_push(t, &cap, (uint32_t)strtoul(line, NULL, 10));
	if (pclose(f) != 0 || t->nrefs == 0) {
		free(t->refs);
		t->refs = NULL;
		t->nrefs = 0;
		return false;
	}
	return true;
}

/* ---------------------------------------------------------------------
 * LRU and OPT, computed here.
 */

static long
run_lru(const struct trace *t, int m)
{
	uint32_t n = t->npages;
	int32_t *prev = malloc(n * sizeof(*prev));
	int32_t *next = malloc(n * sizeof(*next));
	bool *res = calloc(n, sizeof(*res));
	int32_t head = -1, tail = -1;	/* head: most recent */
	long misses = 0;
	int nres = 0;

	for (long i = 0; i < t->nrefs; i++) {
		int32_t p = (int32_t)t->refs[i];

		if (res[p]) {
			if (p == head)
				continue;
			/* unlink */
			next[prev[p]] = next[p];
			if (next[p] >= 0)
				prev[next[p]] = prev[p];
			else
				tail = prev[p];
		} else {
			misses++;
			if (nres == m) {
				int32_t v = tail;

				tail = prev[v];
				if (tail >= 0)
					next[tail] = -1;
				else
					head = -1;
				res[v] = false;
				nres--;
			}
			res[p] = true;
			nres++;
		}
		prev[p] = -1;
		next[p] = head;
		if (head >= 0)
			prev[head] = p;
		head = p;
		if (tail < 0)
			tail = p;
	}
	free(prev);
	free(next);
	free(res);
	return misses;
}

struct hent {
	long		when;		/* next use (LONG_MAX: never) */
	uint32_t	page;
};

static void
heap_push(struct hent *h, long *n, struct hent e)
{
	long i = (*n)++;

	while (i > 0 && h[(i - 1) / 2].when < e.when) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = e;
}

static struct hent
heap_pop(struct hent *h, long *n)
{
	struct hent top = h[0], last = h[--(*n)];
	long i = 0;

	for (;;) {
		long c = 2 * i + 1;

		if (c >= *n)
			break;
		if (c + 1 < *n && h[c + 1].when > h[c].when)
			c++;
		if (h[c].when <= last.when)
			break;
		h[i] = h[c];
		i = c;
	}
	if (*n > 0)
		h[i] = last;
	return top;
}

/* Belady: evict the page whose next use is furthest away. */
static long
run_opt(const struct trace *t, int m)
{
	long *nextuse = malloc((size_t)t->nrefs * sizeof(*nextuse));
	long *last = malloc(t->npages * sizeof(*last));
	long *cur = malloc(t->npages * sizeof(*cur));	/* resident's key */
	bool *res = calloc(t->npages, sizeof(*res));
	struct hent *heap = malloc((size_t)(t->nrefs + 1) * sizeof(*heap));
	long nheap = 0, misses = 0;
	int nres = 0;

	for (uint32_t p = 0; p < t->npages; p++)
		last[p] = LONG_MAX;
	for (long i = t->nrefs - 1; i >= 0; i--) {
		nextuse[i] = last[t->refs[i]];
		last[t->refs[i]] = i;
	}
	for (long i = 0; i < t->nrefs; i++) {
		uint32_t p = t->refs[i];

		if (!res[p]) {
			misses++;
			if (nres == m) {
				for (;;) {
					struct hent e = heap_pop(heap, &nheap);

					if (res[e.page] &&
					    cur[e.page] == e.when) {
						res[e.page] = false;
						break;
					}
				}
				nres--;
			}
			res[p] = true;
			nres++;
		}
		cur[p] = nextuse[i];
		heap_push(heap, &nheap, (struct hent){ nextuse[i], p });
	}
	free(nextuse);
	free(last);
	free(cur);
	free(res);
	free(heap);
	return misses;
}

/*
 * A0 (IRM traces only): on a miss with memory full, replace the resident
 * page of least probability (the first such in residence order).
 */
static long
run_a0(const struct trace *t, int m)
{
	uint32_t *slot = malloc((size_t)m * sizeof(*slot));
	bool *res = calloc(t->npages, sizeof(*res));
	long misses = 0;
	int nres = 0;

	if (slot == NULL || res == NULL) {
		perror("b_replace");
		exit(1);
	}
	for (long i = 0; i < t->nrefs; i++) {
		uint32_t p = t->refs[i];
		int v = nres;

		if (res[p])
			continue;
		misses++;
		if (nres == m) {
			v = 0;
			for (int k = 1; k < m; k++)
				if (t->prob[slot[k]] < t->prob[slot[v]])
					v = k;
			res[slot[v]] = false;
		} else
			nres++;
		slot[v] = p;
		res[p] = true;
	}
	free(slot);
	free(res);
	return misses;
}

/*
 * LIRS (Jiang and Zhang, SIGMETRICS 2002), the policy CLOCK-Pro
 * approximates with clocks, simulated exactly here for comparison: the
 * recency stack S (LIR pages, and HIR pages resident or not, whose
 * recency is below the oldest LIR page's), pruned so that its bottom is
 * LIR, and the queue Q of resident HIR pages, the victims in FIFO order.
 * L_hirs, Q's share of memory, is 1% of m (at least one page), the
 * paper's setting; S is unbounded, as in the paper.
 */
struct lirs {
	int32_t		*sprev, *snext;		/* S: head = most recent */
	int32_t		*qprev, *qnext;		/* Q: head = next victim */
	uint8_t		*st;			/* LIRS_* bits */
	int32_t		shead, stail, qhead, qtail;
};

#define LIRS_RES	0x01
#define LIRS_LIR	0x02
#define LIRS_INS	0x04
#define LIRS_INQ	0x08

static void
lirs_unlink(int32_t *prev, int32_t *next, int32_t *head, int32_t *tail,
    int32_t p)
{
	if (prev[p] >= 0)
		next[prev[p]] = next[p];
	else
		*head = next[p];
	if (next[p] >= 0)
		prev[next[p]] = prev[p];
	else
		*tail = prev[p];
}

/* Insert p at the list's most recent end (S) or tail (Q). */
static void
lirs_push(int32_t *prev, int32_t *next, int32_t *head, int32_t *tail,
    int32_t p, bool athead)
{
	if (athead) {
		prev[p] = -1;
		next[p] = *head;
		if (*head >= 0)
			prev[*head] = p;
		*head = p;
		if (*tail < 0)
			*tail = p;
	} else {
		next[p] = -1;
		prev[p] = *tail;
		if (*tail >= 0)
			next[*tail] = p;
		*tail = p;
		if (*head < 0)
			*head = p;
	}
}

/* Pop HIR entries off S's bottom until an LIR page is there. */
static void
lirs_prune(struct lirs *l)
{
	while (l->stail >= 0 && !(l->st[l->stail] & LIRS_LIR)) {
		int32_t p = l->stail;

		lirs_unlink(l->sprev, l->snext, &l->shead, &l->stail, p);
		l->st[p] &= (uint8_t)~LIRS_INS;
	}
}

/* S's bottom LIR page turns HIR, to Q's tail; S is pruned. */
static void
lirs_demote_bottom(struct lirs *l)
{
	int32_t b = l->stail;

	lirs_unlink(l->sprev, l->snext, &l->shead, &l->stail, b);
	l->st[b] &= (uint8_t)~(LIRS_LIR | LIRS_INS);
	lirs_push(l->qprev, l->qnext, &l->qhead, &l->qtail, b, false);
	l->st[b] |= LIRS_INQ;
	lirs_prune(l);
}

static long
run_lirs(const struct trace *t, int m)
{
	struct lirs l;
	uint32_t n = t->npages;
	int lhirs = m / 100 > 1 ? m / 100 : 1, nlir = 0, nres = 0;
	long misses = 0;

	l.sprev = malloc(n * sizeof(*l.sprev));
	l.snext = malloc(n * sizeof(*l.snext));
	l.qprev = malloc(n * sizeof(*l.qprev));
	l.qnext = malloc(n * sizeof(*l.qnext));
	l.st = calloc(n, sizeof(*l.st));
	if (l.sprev == NULL || l.snext == NULL || l.qprev == NULL ||
	    l.qnext == NULL || l.st == NULL) {
		perror("b_replace");
		exit(1);
	}
	l.shead = l.stail = l.qhead = l.qtail = -1;
	if (lhirs >= m)
		lhirs = m - 1;
	for (long i = 0; i < t->nrefs; i++) {
		int32_t p = (int32_t)t->refs[i];
		uint8_t s = l.st[p];

		if (s & LIRS_LIR) {
			bool bottom = p == l.stail;

			lirs_unlink(l.sprev, l.snext, &l.shead, &l.stail, p);
			lirs_push(l.sprev, l.snext, &l.shead, &l.stail, p,
			    true);
			if (bottom)
				lirs_prune(&l);
			continue;
		}
		if (!(s & LIRS_RES)) {
			misses++;
			if (nres == m) {
				int32_t v = l.qhead;

				lirs_unlink(l.qprev, l.qnext, &l.qhead,
				    &l.qtail, v);
				l.st[v] &= (uint8_t)~(LIRS_INQ | LIRS_RES);
				nres--;
			}
			nres++;
			l.st[p] |= LIRS_RES;
			if (nlir < m - lhirs) {
				/* Warm-up: the first pages are LIR. */
				if (s & LIRS_INS)
					lirs_unlink(l.sprev, l.snext,
					    &l.shead, &l.stail, p);
				l.st[p] |= LIRS_LIR | LIRS_INS;
				lirs_push(l.sprev, l.snext, &l.shead,
				    &l.stail, p, true);
				nlir++;
				continue;
			}
		} else {
			/* A resident HIR page leaves Q (maybe to return). */
			lirs_unlink(l.qprev, l.qnext, &l.qhead, &l.qtail, p);
			l.st[p] &= (uint8_t)~LIRS_INQ;
		}
		if (s & LIRS_INS) {
			/* Reuse distance below the oldest LIR's: LIR. */
			lirs_unlink(l.sprev, l.snext, &l.shead, &l.stail, p);
			lirs_push(l.sprev, l.snext, &l.shead, &l.stail, p,
			    true);
			l.st[p] |= LIRS_LIR;
			lirs_demote_bottom(&l);
		} else {
			lirs_push(l.sprev, l.snext, &l.shead, &l.stail, p,
			    true);
			l.st[p] |= LIRS_INS | LIRS_INQ;
			lirs_push(l.qprev, l.qnext, &l.qhead, &l.qtail, p,
			    false);
		}
	}
	free(l.sprev);
	free(l.snext);
	free(l.qprev);
	free(l.qnext);
	free(l.st);
	return misses;
}

/* ---------------------------------------------------------------------
 * The MI policies, on the booted machine.
 */

struct sobj {
	struct uvm_object o;
	kmutex_t lock;
};

#define SIM_VA(p)	((vaddr_t)0x10000000 + (vaddr_t)(p) * PAGE_SIZE)

/* One pagedaemon pass that frees exactly one page. */
static void
sim_evict(struct sobj *so, pmap_t pm, struct vm_page **resident)
{
	struct vm_page *pg;
	int rounds = 0;

	mutex_enter(&uvm_pageqlock);
	uvmpdpol->pdp_tune();
	if (uvmpdpol->pdp_needsscan_p())
		uvmpdpol->pdp_balancequeue(0);
	uvmpdpol->pdp_scaninit();
	for (;;) {
		pg = uvmpdpol->pdp_selectvictim();
		if (pg == NULL) {
			/* End of this scan: balance and scan once more. */
			if (++rounds > 2)
				panic("b_replace: %s found no victim",
				    uvmpdpol->pdp_name);
			uvmpdpol->pdp_tune();
			uvmpdpol->pdp_balancequeue(0);
			uvmpdpol->pdp_scaninit();
			continue;
		}
		if (pmap_is_referenced(pg)) {
			uvm_pageactivate(pg);
			continue;
		}
		break;
	}
	pmap_page_protect(pg, VM_PROT_NONE);
	mutex_exit(&uvm_pageqlock);
	resident[pg->offset >> PAGE_SHIFT] = NULL;
	mutex_enter(&so->lock);
	uvm_pagefree(pg);
	mutex_exit(&so->lock);
}

static void boot(const char *);

/* Replay t through policy on a freshly booted machine with m frames. */
static long
run_policy(const char *policy, const struct trace *t, int m)
{
	struct vm_page **resident = calloc(t->npages, sizeof(*resident));
	struct vm_page **held;
	struct sobj so;
	pmap_t pm;
	long misses = 0;
	int nres = 0, nheld = 0;

	boot(policy);
	pm = pmap_create();

	/* Leave the trace exactly m free frames. */
	uvmexp.reserve_kernel = 0;
	uvmexp.reserve_pagedaemon = 0;
	held = calloc((size_t)uvmexp.free, sizeof(*held));
	if (resident == NULL || held == NULL || uvmexp.free < m) {
		fprintf(stderr, "b_replace: cannot simulate %d frames\n", m);
		exit(1);
	}
	while (uvmexp.free > m) {
		held[nheld] = uvm_pagealloc(NULL, 0, NULL,
		    UVM_PGA_USERESERVE);
		if (held[nheld] == NULL)
			panic("b_replace: cannot hold free pages");
		nheld++;
	}

	memset(&so, 0, sizeof(so));
	mutex_init(&so.lock, MUTEX_DEFAULT, IPL_NONE);
	so.o.vmobjlock = &so.lock;
	so.o.uo_refs = 1;
	uvmexp.freetarg = 0;

	for (long i = 0; i < t->nrefs; i++) {
		uint32_t p = t->refs[i];
		struct vm_page *pg = resident[p];

		if (pg != NULL) {
			/* An access through the mapping. */
			if (!pmap_is_referenced(pg))
				(void)pmap_enter(pm, SIM_VA(p),
				    VM_PAGE_TO_PHYS(pg), VM_PROT_READ,
				    VM_PROT_READ);
			continue;
		}
		misses++;
		if (nres == m) {
			sim_evict(&so, pm, resident);
			nres--;
		}
		mutex_enter(&so.lock);
		pg = uvm_pagealloc(&so.o, (voff_t)p << PAGE_SHIFT, NULL, 0);
		if (pg == NULL)
			panic("b_replace: out of pages");
		pg->flags &= (uint16_t)~(PG_BUSY | PG_FAKE);
		mutex_exit(&so.lock);
		(void)pmap_enter(pm, SIM_VA(p), VM_PAGE_TO_PHYS(pg),
		    VM_PROT_READ, VM_PROT_READ);
		uvm_pageactivate(pg);
		resident[p] = pg;
		nres++;
	}
	for (uint32_t p = 0; p < t->npages; p++) {
		if (resident[p] == NULL)
			continue;
		pmap_page_protect(resident[p], VM_PROT_NONE);
		mutex_enter(&so.lock);
		uvm_pagefree(resident[p]);
		mutex_exit(&so.lock);
	}
	for (int i = 0; i < nheld; i++)
		uvm_pagefree(held[i]);
	pmap_destroy(pm);
	mutex_destroy(&so.lock);
	free(resident);
	free(held);
	uvm_machine_shutdown();
	return misses;
}

static void
boot(const char *policy)
{
	struct uvm_machine m;

	uvm_machine_defaults(&m);
	m.m_quiet = true;
	m.m_ramsize = 16UL * 1024 * 1024;
	m.m_policy = policy;
	m.m_daemon = UVM_DAEMON_STEPPED;
	if (uvm_machine_boot(&m) != 0) {
		fprintf(stderr, "b_replace: cannot boot with policy %s\n",
		    policy);
		exit(1);
	}
}

/* ---------------------------------------------------------------------
 */

/*
 * The real programs' traces (bench/traces/NAME.trace.gz) and their
 * memory sizes, about 10%, 20%, 40% and 60% of their pages.
 */
static const struct trace realtraces[] = {
	{ .name = "ls", .kind = "real", .sizes = { 32, 64, 128, 192 },
	  .nsizes = 4 },
	{ .name = "cc1", .kind = "real", .sizes = { 64, 128, 256, 512 },
	  .nsizes = 4 },
	{ .name = "sort", .kind = "real", .sizes = { 32, 64, 128, 160 },
	  .nsizes = 4 },
	{ .name = "gzip", .kind = "real", .sizes = { 24, 48, 96, 128 },
	  .nsizes = 4 },
	{ .name = "python", .kind = "real", .sizes = { 56, 112, 232, 344 },
	  .nsizes = 4 },
};

enum { P_OPT, P_LRU, P_LIRS, P_CLOCK, P_CLOCKPRO, NPOL };
static const char *const polname[NPOL] = { "opt", "lru", "lirs", "clock",
    "clockpro" };

int
main(void)
{
	struct trace tr[MAXTRACES];
	long miss[MAXTRACES][MAXSIZES][NPOL];
	long a0[MAXTRACES][MAXSIZES];	/* -1: not an IRM trace */
	int ntr = 0;
	double t0;
	struct timespec ts;

	memset(tr, 0, sizeof(tr));
	tr[ntr] = (struct trace){ .name = "loop", .kind = "loop",
	    .sizes = { 100, 250, 400, 475 }, .nsizes = 4 };
	gen_loop(&tr[ntr++], 500, 40);
	tr[ntr] = (struct trace){ .name = "scan", .kind = "scan",
	    .sizes = { 100, 200, 300, 500 }, .nsizes = 4 };
	gen_scan(&tr[ntr++], 250, 30, 4000, 600);
	tr[ntr] = (struct trace){ .name = "zipf", .kind = "zipf",
	    .sizes = { 50, 200, 500, 1000 }, .nsizes = 4 };
	gen_zipf(&tr[ntr++], 5000, 0.9, 200000);
	for (size_t k = 0; k < __arraycount(realtraces); k++) {
		tr[ntr] = realtraces[k];
		if (load_trace(&tr[ntr], tr[ntr].name))
			ntr++;
		else
			printf("b_replace: no trace %s.trace.gz, skipped\n",
			    tr[ntr].name);
	}

	clock_gettime(CLOCK_MONOTONIC, &ts);
	t0 = (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
	for (int i = 0; i < ntr; i++) {
		for (int s = 0; s < tr[i].nsizes; s++) {
			miss[i][s][P_OPT] = run_opt(&tr[i], tr[i].sizes[s]);
			miss[i][s][P_LRU] = run_lru(&tr[i], tr[i].sizes[s]);
			miss[i][s][P_LIRS] = run_lirs(&tr[i],
			    tr[i].sizes[s]);
			a0[i][s] = tr[i].prob != NULL ?
			    run_a0(&tr[i], tr[i].sizes[s]) : -1;
		}
	}
	for (int p = P_CLOCK; p <= P_CLOCKPRO; p++)
		for (int i = 0; i < ntr; i++)
			for (int s = 0; s < tr[i].nsizes; s++)
				miss[i][s][p] = run_policy(polname[p], &tr[i],
				    tr[i].sizes[s]);
	clock_gettime(CLOCK_MONOTONIC, &ts);

	printf("%-6s %-4s %5s %7s | %6s %6s %6s %6s %6s |"
	    " %6s %6s %6s %6s | %6s | %6s\n", "trace", "kind", "pages", "refs",
	    "OPT", "LRU", "LIRS", "CLOCK", "CLKPRO", "LRU/O", "LIR/O",
	    "CLK/O", "PRO/O", "PRO/LI", "A0/O");
	for (int i = 0; i < ntr; i++) {
		for (int s = 0; s < tr[i].nsizes; s++) {
			long *ms = miss[i][s];
			double o = (double)ms[P_OPT];
			char a0r[16] = "     -";

			if (a0[i][s] >= 0)
				snprintf(a0r, sizeof(a0r), "%6.3f",
				    a0[i][s] / o);
			printf("%-6s %-4s %5d %7ld | %6ld %6ld %6ld %6ld %6ld |"
			    " %6.3f %6.3f %6.3f %6.3f | %6.3f | %s\n",
			    tr[i].name, tr[i].kind, tr[i].sizes[s],
			    tr[i].nrefs, ms[P_OPT], ms[P_LRU], ms[P_LIRS],
			    ms[P_CLOCK], ms[P_CLOCKPRO], ms[P_LRU] / o,
			    ms[P_LIRS] / o, ms[P_CLOCK] / o,
			    ms[P_CLOCKPRO] / o,
			    (double)ms[P_CLOCKPRO] / (double)ms[P_LIRS], a0r);
		}
	}
	printf("(%d traces, %.1f s for the MI policies)\n", ntr,
	    (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9 - t0);

	double sum[NPOL] = { 0 };
	int nrun = 0, prolru_loopscan_worse = 0;

	for (int i = 0; i < ntr; i++) {
		for (int s = 0; s < tr[i].nsizes; s++) {
			long *ms = miss[i][s];

			for (int p = P_LRU; p < NPOL; p++) {
				printf("RESULT replace_%s_%d_%s %ld %ld misses\n",
				    tr[i].name, tr[i].sizes[s], polname[p],
				    ms[p], ms[P_OPT]);
				sum[p] += (double)ms[p] / (double)ms[P_OPT];
			}
			if (a0[i][s] >= 0)
				printf("RESULT replace_%s_%d_a0 %ld %ld misses\n",
				    tr[i].name, tr[i].sizes[s], a0[i][s],
				    ms[P_OPT]);
			nrun++;
			if ((strcmp(tr[i].kind, "loop") == 0 ||
			    strcmp(tr[i].kind, "scan") == 0) &&
			    ms[P_CLOCKPRO] > ms[P_LRU])
				prolru_loopscan_worse++;
		}
	}
	/* Per kind: the mean ratio over OPT of every policy. */
	static const char *const kinds[] = { "loop", "scan", "zipf", "real" };

	printf("%-8s %5s | %6s %6s %6s %6s | %6s\n", "kind", "runs", "LRU/O",
	    "LIR/O", "CLK/O", "PRO/O", "A0/O");
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		double ks[NPOL] = { 0 }, ka0 = 0;
		int kn = 0, kna0 = 0;
		char a0r[16] = "     -";

		for (int i = 0; i < ntr; i++) {
			if (strcmp(tr[i].kind, kinds[k]) != 0)
				continue;
			for (int s = 0; s < tr[i].nsizes; s++, kn++) {
				for (int p = P_LRU; p < NPOL; p++)
					ks[p] += (double)miss[i][s][p] /
					    (double)miss[i][s][P_OPT];
				if (a0[i][s] >= 0) {
					ka0 += (double)a0[i][s] /
					    (double)miss[i][s][P_OPT];
					kna0++;
				}
			}
		}
		if (kna0 > 0)
			snprintf(a0r, sizeof(a0r), "%6.3f", ka0 / kna0);
		if (kn > 0)
			printf("%-8s %5d | %6.3f %6.3f %6.3f %6.3f | %s\n",
			    kinds[k], kn, ks[P_LRU] / kn, ks[P_LIRS] / kn,
			    ks[P_CLOCK] / kn, ks[P_CLOCKPRO] / kn, a0r);
	}
	printf("%-8s %5d | %6.3f %6.3f %6.3f %6.3f\n", "all", nrun,
	    sum[P_LRU] / nrun, sum[P_LIRS] / nrun, sum[P_CLOCK] / nrun,
	    sum[P_CLOCKPRO] / nrun);
	/* Mean ratio over OPT: ours, and LRU's as the peer. */
	printf("RESULT replace_mean_vs_opt_clockpro %.3f %.3f ratio\n",
	    sum[P_CLOCKPRO] / nrun, sum[P_LRU] / nrun);
	printf("RESULT replace_mean_vs_opt_clock %.3f %.3f ratio\n",
	    sum[P_CLOCK] / nrun, sum[P_LRU] / nrun);
	printf("RESULT replace_loopscan_runs_clockpro_worse_than_lru %d 0"
	    " runs\n", prolru_loopscan_worse);
	for (int i = 0; i < ntr; i++) {
		free(tr[i].refs);
		free(tr[i].prob);
	}
	return 0;
}
