/*
 * uvm_pdpolicy_clock.c: the CLOCK page replacement policy (NetBSD's
 * default), behind the uvmpdpol interface of uvm_pdpolicy.h.
 *
 * Two queues: active and inactive.  Pages arrive on the active queue
 * (uvm_pageactivate/enqueue).  The pagedaemon keeps the inactive queue at
 * its target (inactarg, a third of the queued pages, at least freetarg +
 * 1) by moving pages from the head of the active queue to the tail of the
 * inactive queue, clearing their referenced bit (pddeact); that is the
 * sweep of the clock's first hand.  The second hand is the inactive scan:
 * pdp_selectvictim hands out inactive pages from the head; the daemon
 * reactivates those referenced since their deactivation (second chance)
 * and frees or cleans the others.
 *
 * Page classes: anon (anons and aobjs), file and exec pages have minimum
 * and maximum shares of memory (uvmexp.anonmin ... filemax, percent of
 * the pages in use).  A class under its minimum is not stolen from while
 * some other class is over its maximum (pdreanon/pdrefile/pdreexec count
 * the pages spared that way, which are reactivated).  This machine has no
 * executable mappings of its own kind, so exec pages are the file pages
 * mapped executable: we count them with the file pages (execpages stays
 * 0) and the exec limits apply to nothing.
 *
 * The scan walks the inactive queue with a marker page so that the
 * daemon may drop the queue lock (to write a page) and resume where it
 * was, whatever happened to the queue meanwhile.
 *
 * Locking: everything here runs under uvm_pageqlock (the caller holds
 * it); the policy never takes an owner's lock itself except through
 * uvmpd_trydropswap(), which only tries.
 */

#include "uvm_impl.h"
#include "uvm_pdpolicy.h"

#define CLOCK_INACTIVEPCT	33	/* inactive target: % of queued */

static struct pglist clock_activeq;	/* q */
static struct pglist clock_inactiveq;	/* q */
static struct vm_page clock_marker;	/* q: the scan's position */
static bool clock_scanning;		/* q: marker is on the queue */

static void
clock_remove(struct vm_page *pg)
{
	if (pg->pqflags & PQ_ACTIVE) {
		TAILQ_REMOVE(&clock_activeq, pg, pageq);
		pg->pqflags &= (uint16_t)~PQ_ACTIVE;
		uvmexp.active--;
	} else if (pg->pqflags & PQ_INACTIVE) {
		TAILQ_REMOVE(&clock_inactiveq, pg, pageq);
		pg->pqflags &= (uint16_t)~PQ_INACTIVE;
		uvmexp.inactive--;
	}
}

static void
clock_init(void)
{
	TAILQ_INIT(&clock_activeq);
	TAILQ_INIT(&clock_inactiveq);
	memset(&clock_marker, 0, sizeof(clock_marker));
	clock_marker.flags = PG_MARKER;
	clock_scanning = false;
}

static void
clock_fini(void)
{
	TAILQ_INIT(&clock_activeq);
	TAILQ_INIT(&clock_inactiveq);
	clock_scanning = false;
}

/* inactarg: a third of the queued pages, above freetarg. */
static void
clock_tune(void)
{
	int t = (uvmexp.active + uvmexp.inactive) * CLOCK_INACTIVEPCT / 100;

	if (t <= uvmexp.freetarg)
		t = uvmexp.freetarg + 1;
	uvmexp.inactarg = t;
}

static void
clock_pageactivate(struct vm_page *pg)
{
	KASSERT(mutex_owned(&uvm_pageqlock));
	clock_remove(pg);
	pg->pqflags |= PQ_ACTIVE;
	TAILQ_INSERT_TAIL(&clock_activeq, pg, pageq);
	uvmexp.active++;
}

static void
clock_pagedeactivate(struct vm_page *pg)
{
	KASSERT(mutex_owned(&uvm_pageqlock));
	if (pg->pqflags & PQ_INACTIVE)
		return;
	clock_remove(pg);
	(void)pmap_clear_reference(pg);
	pg->pqflags |= PQ_INACTIVE;
	TAILQ_INSERT_TAIL(&clock_inactiveq, pg, pageq);
	uvmexp.inactive++;
}

static void
clock_pagedequeue(struct vm_page *pg)
{
	KASSERT(mutex_owned(&uvm_pageqlock));
	clock_remove(pg);
}

static void
clock_pageenqueue(struct vm_page *pg)
{
	if ((pg->pqflags & (PQ_ACTIVE | PQ_INACTIVE)) == 0)
		clock_pageactivate(pg);
}

static bool
clock_pageisqueued_p(struct vm_page *pg)
{
	return (pg->pqflags & (PQ_ACTIVE | PQ_INACTIVE)) != 0;
}

static void
clock_anfree(struct vm_anon *anon)
{
	(void)anon;
}

static bool
clock_needsscan_p(void)
{
	return uvmexp.inactive < uvmexp.inactarg;
}

static void
clock_scaninit(void)
{
	KASSERT(mutex_owned(&uvm_pageqlock));
	if (clock_scanning)
		TAILQ_REMOVE(&clock_inactiveq, &clock_marker, pageq);
	TAILQ_INSERT_HEAD(&clock_inactiveq, &clock_marker, pageq);
	clock_scanning = true;
}

/* Share of a class, in percent of the pages in use (not free). */
static int
clock_pct(int n)
{
	int used = uvmexp.npages - uvmexp.free;

	return used <= 0 ? 0 : (int)((int64_t)n * 100 / used);
}

static struct vm_page *
clock_selectvictim(void)
{
	struct vm_page *pg;
	int anonpct, filepct;
	bool anonunder, fileunder, anonover, fileover;

	KASSERT(mutex_owned(&uvm_pageqlock));
	if (!clock_scanning)
		return NULL;
	anonpct = clock_pct(uvmexp.anonpages);
	filepct = clock_pct(uvmexp.filepages);
	anonunder = anonpct <= uvmexp.anonmin;
	fileunder = filepct <= uvmexp.filemin;
	anonover = anonpct > uvmexp.anonmax;
	fileover = filepct > uvmexp.filemax;
	/* Nobody over the limit: the minimums do not bind. */
	if (!anonover && !fileover)
		anonunder = fileunder = false;
	for (;;) {
		pg = TAILQ_NEXT(&clock_marker, pageq);
		if (pg == NULL) {
			TAILQ_REMOVE(&clock_inactiveq, &clock_marker, pageq);
			clock_scanning = false;
			return NULL;
		}
		TAILQ_REMOVE(&clock_inactiveq, &clock_marker, pageq);
		TAILQ_INSERT_AFTER(&clock_inactiveq, pg, &clock_marker, pageq);
		if (pg->flags & (PG_ANON | PG_AOBJ)) {
			if (anonunder) {
				clock_pageactivate(pg);
				uvmexp.pdreanon++;
				continue;
			}
		} else if (pg->flags & PG_FILE) {
			if (fileunder) {
				clock_pageactivate(pg);
				uvmexp.pdrefile++;
				continue;
			}
		}
		return pg;
	}
}

/*
 * Deactivate from the head of the active queue until the inactive target
 * is met; while swap is short, take the slots of active swap-backed
 * pages (they are resident, so the slot only duplicates them).
 */
static void
clock_balancequeue(int swap_shortage)
{
	struct vm_page *pg, *next;
	int want = uvmexp.inactarg - uvmexp.inactive;

	KASSERT(mutex_owned(&uvm_pageqlock));
	for (pg = TAILQ_FIRST(&clock_activeq); pg != NULL &&
	    (want > 0 || swap_shortage > 0); pg = next) {
		next = TAILQ_NEXT(pg, pageq);
		if (swap_shortage > 0 && uvmpd_trydropswap(pg))
			swap_shortage--;
		if (want > 0) {
			clock_pagedeactivate(pg);
			uvmexp.pddeact++;
			want--;
		}
	}
}

static void
clock_estimatepageable(int *active, int *inactive)
{
	if (active != NULL)
		*active = uvmexp.active;
	if (inactive != NULL)
		*inactive = uvmexp.inactive;
}

static const char *
clock_checkq(struct pglist *q, uint16_t which, int expect)
{
	struct vm_page *pg;
	int n = 0;

	TAILQ_FOREACH(pg, q, pageq) {
		if (pg == &clock_marker)
			continue;
		if ((pg->pqflags & PQ_QMASK) != which)
			return "clock: page on a queue it is not marked for";
		if (pg->wire_count != 0)
			return "clock: wired page on a paging queue";
		if (++n > uvmexp.npages)
			return "clock: paging queue longer than memory";
	}
	if (n != expect)
		return which == PQ_ACTIVE ? "clock: uvmexp.active != active"
		    " queue" : "clock: uvmexp.inactive != inactive queue";
	return NULL;
}

static const char *
clock_check(void)
{
	const char *why;

	KASSERT(mutex_owned(&uvm_pageqlock));
	if ((why = clock_checkq(&clock_activeq, PQ_ACTIVE, uvmexp.active))
	    != NULL)
		return why;
	return clock_checkq(&clock_inactiveq, PQ_INACTIVE, uvmexp.inactive);
}

const struct uvm_pdpolicy uvm_pdpolicy_clock = {
	.pdp_name = "clock",
	.pdp_init = clock_init,
	.pdp_fini = clock_fini,
	.pdp_tune = clock_tune,
	.pdp_pageactivate = clock_pageactivate,
	.pdp_pagedeactivate = clock_pagedeactivate,
	.pdp_pagedequeue = clock_pagedequeue,
	.pdp_pageenqueue = clock_pageenqueue,
	.pdp_pageisqueued_p = clock_pageisqueued_p,
	.pdp_anfree = clock_anfree,
	.pdp_needsscan_p = clock_needsscan_p,
	.pdp_scaninit = clock_scaninit,
	.pdp_selectvictim = clock_selectvictim,
	.pdp_balancequeue = clock_balancequeue,
	.pdp_estimatepageable = clock_estimatepageable,
	.pdp_check = clock_check,
};
