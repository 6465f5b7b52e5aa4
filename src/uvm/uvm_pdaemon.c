/*
 * uvm_pdaemon.c: the pagedaemon: tuning, wakeups, uvm_wait(), the main
 * loop uvm_pageout(), one pass of it (uvm_pageout_step()), pageout of
 * anonymous memory to swap in clusters, and the swap-slot checker.
 *
 * The pagedaemon sleeps until free memory falls below uvmexp.freemin
 * (uvm_kick_pdaemon(), called by the page allocator) or an allocator
 * waits for memory (uvm_wait()).  Each pass then
 *	- retunes the policy's targets (inactarg),
 *	- lets the policy balance its queues (pdp_balancequeue: CLOCK moves
 *	  pages from active to inactive), taking swap slots back from
 *	  resident pages while swap is short (more than 90% used),
 *	- scans the policy's victims until uvmexp.free reaches freetarg:
 *	  referenced pages are reactivated; the rest are unmapped; clean
 *	  pages with a copy in swap (or clean file pages) are freed at once;
 *	  dirty anon and aobj pages are gathered busy into a cluster that
 *	  goes to one contiguous run of swap slots with one uvm_swap_put();
 *	  dirty file pages are written back by their pager (pgo_put
 *	  PGO_CLEANIT | PGO_FREE).  Wired, loaned and busy pages are
 *	  skipped.  When swap is full, dirty swap-backed pages go back to
 *	  the active queue: they are never lost.
 *
 * Two modes, chosen at boot (uvm_machine m_daemon), running the same
 * pass: UVM_DAEMON_THREADED starts a kernel thread running uvm_pageout(),
 * woken by a condition variable; UVM_DAEMON_STEPPED has no thread: a
 * pass runs only when someone calls uvm_pageout_step(), and an allocator
 * that would sleep in uvm_wait() runs one itself, so a single-threaded
 * program is deterministic.
 *
 * Running out: uvm_reclaimable() says whether waiting can help: swap has
 * room, or there are clean pages, and the last passes freed something.
 * The fault handler returns ENOMEM (fltnoram) when it cannot.
 *
 * Locking: pd_lock protects the wakeup state (pd_wanted, pd_passes,
 * pd_exit); pd_passlock serializes passes (held across one; it comes
 * before every other lock).  During a pass the daemon holds
 * uvm_pageqlock while walking the queues and takes owners' locks with
 * mutex_tryenter() only (the lock order is owner -> uvm_pageqlock), so
 * it never waits for an owner while holding anything.  The owners of the
 * pages of a cluster stay locked (and the pages PG_BUSY) until the
 * cluster's write is done: a fault on one of them waits.
 */

#include "uvm_impl.h"
#include "uvm_pdpolicy.h"

#include <uvm/uvm_aobj.h>
#include <uvm/uvm_swap.h>

const struct uvm_pdpolicy *uvmpdpol = &uvm_pdpolicy_clock;

#define UVMPD_CLUSTER		64	/* pages per swap write, at most */
#define UVMPD_FRUITLESS		3	/* passes freeing nothing: give up */
#define UVMPD_SWAPSHORT_PCT	90	/* swap shortage above this use */

static kmutex_t pd_lock;
static kcondvar_t pd_cv;		/* the daemon sleeps here */
static kcondvar_t pd_donecv;		/* a pass ended */
static kmutex_t pd_passlock;		/* one pass at a time */
static bool pd_inited;
static bool pd_wanted;			/* l: someone kicked us */
static bool pd_exit;			/* l: shutdown asked */
static unsigned long pd_passes;		/* l: passes run */
static int pd_fruitless;		/* l: recent passes that freed 0 */
static int pd_fruitless_free;		/* l: uvmexp.free after the last */
static int pd_lastnpages;		/* P: npages at the last tuning */
static struct lwp *pd_lwp;		/* the daemon's thread, or NULL */

/* ---------------------------------------------------------------------
 * Boot: the policy, the tunables, the thread.
 */

/*
 * uvm_pdpolicy_select: make the policy called name the machine's.
 *
 * => before uvm_page_init(); 0 or EINVAL (no such policy).
 */
int
uvm_pdpolicy_select(const char *name)
{
	if (name == NULL || strcmp(name, "clock") == 0) {
		uvmpdpol = &uvm_pdpolicy_clock;
		return 0;
	}
	if (strcmp(name, "clockpro") == 0) {
		uvmpdpol = &uvm_pdpolicy_clockpro;
		return 0;
	}
	return EINVAL;
}

/*
 * uvmpd_tune: NetBSD's tuning: freemin is 5% of memory, at least 16 KiB
 * and at most 512 KiB (and above the reserves); freetarg is 4/3 of it;
 * the policy derives inactarg.  The class limits get NetBSD's defaults
 * the first time.
 */
void
uvmpd_tune(void)
{
	int minpg = (16 * 1024) >> PAGE_SHIFT, maxpg = (512 * 1024) >> PAGE_SHIFT;
	int fm = uvmexp.npages / 20;

	if (minpg < 1)
		minpg = 1;
	if (maxpg < minpg)
		maxpg = minpg;
	fm = MAX(fm, minpg);
	fm = MIN(fm, maxpg);
	if (fm <= uvmexp.reserve_kernel + uvmexp.reserve_pagedaemon)
		fm = uvmexp.reserve_kernel + uvmexp.reserve_pagedaemon + 1;
	uvmexp.freemin = fm;
	uvmexp.freetarg = (fm * 4) / 3;
	if (uvmexp.freetarg <= uvmexp.freemin)
		uvmexp.freetarg = uvmexp.freemin + 1;
	if (uvmexp.anonmax == 0) {
		uvmexp.anonmin = 10;
		uvmexp.filemin = 10;
		uvmexp.execmin = 5;
		uvmexp.anonmax = 80;
		uvmexp.filemax = 50;
		uvmexp.execmax = 30;
	}
	mutex_enter(&uvm_pageqlock);
	uvmpdpol->pdp_tune();
	mutex_exit(&uvm_pageqlock);
	pd_lastnpages = uvmexp.npages;
}

static void
uvm_pageout_thread(void *arg)
{
	(void)arg;
	uvm_pageout();
	kthread_exit(0);
}

/*
 * uvm_pdaemon_start: tune, and in threaded mode start the daemon.
 *
 * => boot, after uvm_init(); 0 or kthread_create()'s error.
 */
int
uvm_pdaemon_start(void)
{
	int error;

	KASSERT(!pd_inited);
	mutex_init(&pd_lock, MUTEX_DEFAULT, IPL_VM);
	mutex_init(&pd_passlock, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&pd_cv, "pgdaemon");
	cv_init(&pd_donecv, "pdpass");
	pd_wanted = pd_exit = false;
	pd_passes = 0;
	pd_fruitless = 0;
	pd_lwp = NULL;
	pd_inited = true;
	uvmpd_tune();
	if (uvm_machine.m_daemon != UVM_DAEMON_THREADED)
		return 0;
	error = kthread_create(PRI_NONE, KTHREAD_MUSTJOIN, NULL,
	    uvm_pageout_thread, NULL, &pd_lwp, "pagedaemon");
	if (error) {
		pd_lwp = NULL;
		return error;
	}
	return 0;
}

/* uvm_pdaemon_stop: shutdown: stop the thread, forget everything. */
void
uvm_pdaemon_stop(void)
{
	if (!pd_inited)
		return;
	if (pd_lwp != NULL) {
		mutex_enter(&pd_lock);
		pd_exit = true;
		cv_broadcast(&pd_cv);
		mutex_exit(&pd_lock);
		(void)kthread_join(pd_lwp);
		pd_lwp = NULL;
	}
	uvm_pagedaemon_lwp = NULL;
	cv_destroy(&pd_donecv);
	cv_destroy(&pd_cv);
	mutex_destroy(&pd_passlock);
	mutex_destroy(&pd_lock);
	pd_inited = false;
}

/* ---------------------------------------------------------------------
 * Wakeups and waiting.
 */

/*
 * uvm_kick_pdaemon: free memory is low: wake the daemon (threaded mode;
 * in stepped mode the request is remembered for the next step).
 *
 * => any context; no locks needed, uvm_fpageqlock must not be held.
 */
void
uvm_kick_pdaemon(void)
{
	if (!pd_inited)
		return;
	mutex_enter(&pd_lock);
	pd_wanted = true;
	cv_signal(&pd_cv);
	mutex_exit(&pd_lock);
}

static bool
uvmpd_swap_full(void)
{
	return uvmexp.swpgavail == 0 || uvmexp.swpginuse >= uvmexp.swpgavail;
}

/*
 * uvm_reclaimable: can waiting for the daemon give memory back?  Not if
 * its last passes freed nothing although memory was short, nor if swap
 * is full (or absent) and no page is clean: no file page and no resident
 * page with a copy in swap.
 */
bool
uvm_reclaimable(void)
{
	bool fruitless;

	if (!pd_inited)
		return false;
	mutex_enter(&pd_lock);
	/* Memory given back since (an exit, an unmap) ends the verdict. */
	fruitless = pd_fruitless >= UVMPD_FRUITLESS &&
	    uvmexp.free <= pd_fruitless_free;
	mutex_exit(&pd_lock);
	if (fruitless)
		return false;
	if (!uvmpd_swap_full())
		return true;
	return uvmexp.filepages > 0 || uvmexp.swpginuse > uvmexp.swpgonly;
}

/*
 * uvm_wait: wait for the pagedaemon to free memory.
 *
 * => nothing locked (the caller retries its allocation afterwards).
 * => threaded: wakes the daemon and sleeps until it ends a pass (at most
 *    a second).  Stepped, or called by the daemon itself: runs a pass.
 */
void
uvm_wait(const char *wmsg)
{
	unsigned long gen;

	KASSERT(pd_inited);
	if (pd_lwp == NULL || curlwp == pd_lwp) {
		(void)uvm_pageout_step();
		return;
	}
	mutex_enter(&pd_lock);
	gen = pd_passes;
	pd_wanted = true;
	cv_signal(&pd_cv);
	while (pd_passes == gen && !pd_exit) {
		if (cv_timedwait(&pd_donecv, &pd_lock, hz) == EWOULDBLOCK)
			break;
	}
	(void)wmsg;
	mutex_exit(&pd_lock);
}

/*
 * uvm_pageout: the pagedaemon's main loop (threaded mode): sleep until
 * kicked or memory is short, run a pass, tell the waiters, and swap out
 * idle processes if memory is still short (pdswout); until shutdown.
 */
void
uvm_pageout(void)
{
	uvm_pagedaemon_lwp = curlwp;
	curlwp->l_flag |= LW_PAGEDAEMON;
	mutex_enter(&pd_lock);
	while (!pd_exit) {
		if (!pd_wanted && uvmexp.free >= uvmexp.freemin) {
			(void)cv_timedwait(&pd_cv, &pd_lock, hz);
			continue;
		}
		pd_wanted = false;
		mutex_exit(&pd_lock);
		(void)uvm_pageout_step();
		/*
		 * Still short after a full pass: swap out idle processes'
		 * u-areas (the daemon's own thread holds no map lock here,
		 * unlike an allocator running a stepped pass).
		 */
		if (uvmexp.free < uvmexp.freemin) {
			uvmexp.pdswout++;
			(void)uvm_swapout_threads();
		}
		mutex_enter(&pd_lock);
	}
	mutex_exit(&pd_lock);
}

/* ---------------------------------------------------------------------
 * Swap slots of pages.
 */

/* The owner's lock of a queued page, or NULL. */
static kmutex_t *
uvmpd_ownerlock(struct vm_page *pg)
{
	if (pg->uobject != NULL)
		return pg->uobject->vmobjlock;
	if (pg->uanon != NULL)
		return pg->uanon->an_lock;
	return NULL;
}

/* The slot of a swap-backed page (owner locked), or 0. */
static int
uvmpd_getslot(struct vm_page *pg)
{
	if (pg->flags & PG_ANON)
		return pg->uanon->an_swslot;
	KASSERT(pg->flags & PG_AOBJ);
	return uao_find_swslot(pg->uobject, (int)(pg->offset >> PAGE_SHIFT));
}

static void
uvmpd_setslot(struct vm_page *pg, int slot)
{
	if (pg->flags & PG_ANON)
		pg->uanon->an_swslot = slot;
	else
		(void)uao_set_swslot(pg->uobject,
		    (int)(pg->offset >> PAGE_SHIFT), slot);
}

/* Free the slot of a resident page (owner locked); it becomes dirty. */
static bool
uvmpd_dropswap(struct vm_page *pg)
{
	int slot = uvmpd_getslot(pg);

	if (slot <= 0)
		return false;
	uvmpd_setslot(pg, 0);
	uvm_swap_free(slot, 1);
	pg->flags = (uint16_t)((pg->flags & ~PG_CLEAN) | PG_DIRTY);
	return true;
}

bool
uvmpd_trydropswap(struct vm_page *pg)
{
	kmutex_t *lock;
	bool dropped;

	KASSERT(mutex_owned(&uvm_pageqlock));
	if ((pg->flags & PG_SWAPBACKED) == 0 || pg->loan_count != 0 ||
	    (lock = uvmpd_ownerlock(pg)) == NULL || mutex_owned(lock) ||
	    !mutex_tryenter(lock))
		return false;
	dropped = (pg->flags & PG_BUSY) == 0 && uvmpd_dropswap(pg);
	mutex_exit(lock);
	return dropped;
}

/*
 * uvmpd_swpgonly: swap pages without a resident copy changed by delta
 * (the daemon freed a page that has a slot: +1; a page was read back or
 * a slot of a non-resident page freed: -1).  The only place that
 * changes uvmexp.swpgonly.
 */
void
uvmpd_swpgonly(int delta)
{
	UVMEXP_ADD(swpgonly, delta);
}

int
uvm_swap_pagein(struct vm_page *pg, int slot)
{
	KASSERT(pg->flags & PG_BUSY);
	KASSERT(slot > 0);
	UVMEXP_INC(nswget);
	if (uvm_swap_isbad(slot))
		return EIO;
	if (uvm_swap_get(pg, slot, PGO_SYNCIO) != 0) {
		uvm_swap_markbad(slot, 1);
		return EIO;
	}
	/* Same bytes as the slot, but may be mapped writable: unknown. */
	pg->flags &= (uint16_t)~(PG_FAKE | PG_CLEAN | PG_DIRTY);
	uvmpd_swpgonly(-1);
	return 0;
}

/* Swap is short: slots to take back from resident pages. */
static int
uvmpd_swap_shortage(void)
{
	int want;

	if (uvmexp.swpgavail == 0)
		return 0;
	if ((int64_t)uvmexp.swpginuse * 100 <
	    (int64_t)uvmexp.swpgavail * UVMPD_SWAPSHORT_PCT)
		return 0;
	want = uvmexp.freetarg - uvmexp.free;
	return want > 0 ? want : 0;
}

/* ---------------------------------------------------------------------
 * One pass.
 */

struct uvmpd_cluster {
	int		c_n;
	struct vm_page	*c_pgs[UVMPD_CLUSTER];
	int		c_nlocks;
	kmutex_t	*c_locks[UVMPD_CLUSTER];
};

struct uvmpd_scanstate {
	int		freed;
	bool		swapfull;	/* no slot could be had this pass */
	int		contended;	/* victims skipped: owner lock held */
};

/* Put pg back on the active queue (uvm_pageqlock held). */
static void
uvmpd_reactivate(struct vm_page *pg)
{
	uvmpdpol->pdp_pageactivate(pg);
	uvmexp.pdreact++;
}

/* A page was freed by the daemon. */
static void
uvmpd_freed(struct uvmpd_scanstate *ss)
{
	ss->freed++;
	uvmexp.pdfreed++;
}

/* Is lock one of the cluster's (held by us for it)? */
static bool
uvmpd_cluster_haslock(struct uvmpd_cluster *cl, kmutex_t *lock)
{
	for (int i = 0; i < cl->c_nlocks; i++)
		if (cl->c_locks[i] == lock)
			return true;
	return false;
}

/*
 * uvmpd_flush: write the cluster's pages to swap, as few runs as the
 * allocator gives (one normally), and free them; pages that could not
 * be written stay dirty and go back to the active queue.
 *
 * => uvm_pageqlock held (dropped during the I/O); the owners' locks held
 *    and released here.
 */
static void
uvmpd_flush(struct uvmpd_cluster *cl, struct uvmpd_scanstate *ss)
{
	int done = 0, n = cl->c_n, nslots, slot, error;
	int written[UVMPD_CLUSTER];

	if (n == 0)
		return;
	uvmexp.paging += n;
	mutex_exit(&uvm_pageqlock);
	for (int i = 0; i < n; i++)
		written[i] = 0;
	while (done < n && !ss->swapfull) {
		nslots = n - done;
		slot = uvm_swap_alloc(&nslots, true);
		if (slot == 0) {
			ss->swapfull = true;
			break;
		}
		uvmexp.pdpageouts++;
		error = uvm_swap_put(slot, &cl->c_pgs[done], nslots, PGO_SYNCIO);
		if (error) {
			/* The run is unusable: never hand it out again. */
			uvm_swap_markbad(slot, nslots);
		} else {
			for (int i = 0; i < nslots; i++)
				written[done + i] = slot + i;
		}
		done += nslots;
	}
	mutex_enter(&uvm_pageqlock);
	for (int i = 0; i < n; i++) {
		struct vm_page *pg = cl->c_pgs[i];

		pg->flags &= (uint16_t)~PG_PAGEOUT;
		if (written[i] != 0) {
			uvmpd_setslot(pg, written[i]);
			pg->flags &= (uint16_t)~PG_BUSY;
			uvm_pagefree(pg);
			uvmpd_swpgonly(1);
			uvmpd_freed(ss);
		} else {
			pg->flags = (uint16_t)((pg->flags & ~PG_CLEAN) |
			    PG_DIRTY);
			uvm_pageunbusy(pg);
			uvmpd_reactivate(pg);
		}
	}
	uvmexp.paging -= n;
	for (int i = 0; i < cl->c_nlocks; i++)
		mutex_exit(cl->c_locks[i]);
	cl->c_n = 0;
	cl->c_nlocks = 0;
}

/*
 * uvmpd_scan_page: decide about one victim, whose owner is locked (lock;
 * it is ours to release unless it joins the cluster).
 */
static void
uvmpd_scan_page(struct vm_page *pg, kmutex_t *lock, bool clusterlock,
    struct uvmpd_cluster *cl, struct uvmpd_scanstate *ss)
{
	struct uvm_object *uobj;
	voff_t off;
	bool dirty;
	int slot, error;

	if (pg->flags & PG_BUSY) {
		uvmexp.pdbusy++;
		if (pg->flags & PG_PAGEOUT)
			uvmexp.pdpending++;
		goto unlock;
	}
	if (pg->wire_count != 0 || pg->loan_count != 0)
		goto unlock;
	if (pmap_is_referenced(pg)) {
		uvmpd_reactivate(pg);
		goto unlock;
	}
	/*
	 * A page marked clean may still have been written through a
	 * writable mapping (the fault handler maps resident neighbours
	 * writable): believe the pmap's modified bit first.
	 */
	if (pmap_is_modified(pg))
		pg->flags = (uint16_t)((pg->flags & ~PG_CLEAN) | PG_DIRTY);
	pmap_page_protect(pg, VM_PROT_NONE);
	dirty = uvm_pagecheckdirty(pg, true);

	if (pg->flags & PG_SWAPBACKED) {
		slot = uvmpd_getslot(pg);
		if (!dirty && slot != 0) {
			/* The copy in swap is good: just free the page. */
			uvm_pagefree(pg);
			uvmpd_swpgonly(1);
			uvmpd_freed(ss);
			goto unlock;
		}
		/* Dirty (or no copy anywhere): its old slot is stale. */
		pg->flags = (uint16_t)((pg->flags & ~PG_CLEAN) | PG_DIRTY);
		if (ss->swapfull || uvmexp.swpgavail == 0) {
			ss->swapfull = true;
			uvmpd_reactivate(pg);
			goto unlock;
		}
		if (slot > 0 && !uvm_swap_isbad(slot)) {
			uvmpd_setslot(pg, 0);
			uvm_swap_free(slot, 1);
		} else if (slot != 0) {
			/* A bad slot stays with nobody. */
			uvmpd_setslot(pg, 0);
		}
		pg->flags |= PG_BUSY | PG_PAGEOUT;
		cl->c_pgs[cl->c_n++] = pg;
		if (!clusterlock)
			cl->c_locks[cl->c_nlocks++] = lock;
		if (cl->c_n == UVMPD_CLUSTER)
			uvmpd_flush(cl, ss);
		return;
	}

	/* A file page. */
	if (!dirty) {
		uvm_pagefree(pg);
		uvmpd_freed(ss);
		goto unlock;
	}
	pg->flags = (uint16_t)((pg->flags & ~PG_CLEAN) | PG_DIRTY);
	uobj = pg->uobject;
	KASSERT(uobj != NULL && !clusterlock);
	if (uobj->pgops->pgo_put == NULL) {
		uvmpd_reactivate(pg);
		goto unlock;
	}
	off = pg->offset;
	/* Not with a cluster's locks held: the pager may sleep. */
	uvmpd_flush(cl, ss);
	mutex_exit(&uvm_pageqlock);
	uvmexp.pdpageouts++;
	error = uobj->pgops->pgo_put(uobj, off, off + PAGE_SIZE,
	    PGO_CLEANIT | PGO_FREE | PGO_SYNCIO);
	/* pgo_put unlocked the object. */
	mutex_enter(&uvm_pageqlock);
	if (error == 0)
		uvmpd_freed(ss);
	return;

unlock:
	if (!clusterlock)
		mutex_exit(lock);
}

/* Scan the policy's victims until free memory reaches freetarg. */
static void
uvmpd_scan(struct uvmpd_scanstate *ss)
{
	struct uvmpd_cluster cl;
	struct vm_page *pg;
	kmutex_t *lock;
	bool clusterlock;

	cl.c_n = 0;
	cl.c_nlocks = 0;
	uvmexp.pdrevs++;
	mutex_enter(&uvm_pageqlock);
	uvmpdpol->pdp_scaninit();
	while (uvmexp.free + cl.c_n < uvmexp.freetarg &&
	    (pg = uvmpdpol->pdp_selectvictim()) != NULL) {
		uvmexp.pdscans++;
		if (pg->flags & PG_ANON)
			uvmexp.pdanscan++;
		else
			uvmexp.pdobscan++;
		if (pg->wire_count != 0 || pg->loan_count != 0)
			continue;
		if ((lock = uvmpd_ownerlock(pg)) == NULL)
			continue;
		clusterlock = uvmpd_cluster_haslock(&cl, lock);
		if (!clusterlock) {
			if (mutex_owned(lock) || !mutex_tryenter(lock)) {
				ss->contended++;
				continue;
			}
			/* Not ours any more, or a moved page? */
			if ((pg->pqflags & PQ_INACTIVE) == 0 ||
			    uvmpd_ownerlock(pg) != lock) {
				mutex_exit(lock);
				continue;
			}
		}
		uvmpd_scan_page(pg, lock, clusterlock, &cl, ss);
	}
	uvmpd_flush(&cl, ss);
	mutex_exit(&uvm_pageqlock);
}

/*
 * uvm_pageout_step: run one pass of the pagedaemon in the calling
 * thread: retune, balance the queues, and (if free memory is below
 * freetarg) scan and page out until it is not.
 *
 * => nothing locked.
 * => returns the number of pages the pass freed.
 */
int
uvm_pageout_step(void)
{
	struct uvmpd_scanstate ss;
	struct lwp *l = curlwp;
	int oflag, swap_shortage;

	KASSERT(pd_inited);
	mutex_enter(&pd_passlock);
	oflag = l->l_flag & LW_PAGEDAEMON;
	l->l_flag |= LW_PAGEDAEMON;
	uvmexp.pdwoke++;
	if (uvmexp.npages != pd_lastnpages)
		uvmpd_tune();
	ss.freed = 0;
	ss.swapfull = false;
	ss.contended = 0;
	for (int round = 0; round < 2; round++) {
		mutex_enter(&uvm_pageqlock);
		uvmpdpol->pdp_tune();
		swap_shortage = uvmpd_swap_shortage();
		if (uvmexp.free < uvmexp.freetarg &&
		    (uvmpdpol->pdp_needsscan_p() || swap_shortage > 0))
			uvmpdpol->pdp_balancequeue(swap_shortage);
		mutex_exit(&uvm_pageqlock);
		if (uvmexp.free >= uvmexp.freetarg)
			break;
		uvmpd_scan(&ss);
	}
	l->l_flag = (l->l_flag & ~LW_PAGEDAEMON) | oflag;

	mutex_enter(&pd_lock);
	pd_passes++;
	if (ss.freed > 0 || uvmexp.free >= uvmexp.freemin)
		pd_fruitless = 0;
	else {
		if (pd_fruitless < UVMPD_FRUITLESS)
			pd_fruitless++;
		pd_fruitless_free = uvmexp.free;
	}
	/*
	 * A pass that had to skip victims whose owners were locked (by
	 * lwps faulting at the same time, or by its caller) says nothing
	 * about whether memory can be reclaimed: the owners are busy, not
	 * stuck.  Only passes that saw every victim count as fruitless.
	 */
	if (ss.contended > 0)
		pd_fruitless = 0;
	cv_broadcast(&pd_donecv);
	mutex_exit(&pd_lock);
	mutex_exit(&pd_passlock);
	return ss.freed;
}

/* ---------------------------------------------------------------------
 * The swap-slot checker.
 */

struct pdck_ent {
	int		slot;
	bool		resident;
	const void	*owner;
	int		idx;
};

struct pdck {
	struct pdck_ent	*v;
	size_t		n, max;
	const char	*why;
	bool		exact;
};

static void
pdck_add(struct pdck *ck, int slot, bool resident, const void *owner,
    int idx)
{
	if (ck->n == ck->max) {
		size_t nmax = ck->max == 0 ? 256 : ck->max * 2;
		struct pdck_ent *nv = kmem_alloc(nmax * sizeof(*nv), KM_SLEEP);

		if (ck->n != 0)
			memcpy(nv, ck->v, ck->n * sizeof(*nv));
		if (ck->v != NULL)
			kmem_free(ck->v, ck->max * sizeof(*nv));
		ck->v = nv;
		ck->max = nmax;
	}
	ck->v[ck->n].slot = slot;
	ck->v[ck->n].resident = resident;
	ck->v[ck->n].owner = owner;
	ck->v[ck->n].idx = idx;
	ck->n++;
}

static void
pdck_anon(struct vm_anon *anon, void *arg)
{
	struct pdck *ck = arg;

	if (anon->an_swslot == 0) {
		if (anon->an_page == NULL && ck->exact && ck->why == NULL)
			ck->why = "pdaemon: an anon has neither page nor slot";
		return;
	}
	if (anon->an_swslot < 0 && ck->why == NULL)
		ck->why = "pdaemon: an anon has a negative slot";
	pdck_add(ck, anon->an_swslot, anon->an_page != NULL, anon, 0);
}

static void
pdck_aobj(struct uvm_object *uobj, int idx, int slot, bool resident,
    void *arg)
{
	pdck_add(arg, slot, resident, uobj, idx);
}

static bool
pdck_less(const struct pdck_ent *a, const struct pdck_ent *b)
{
	if (a->slot != b->slot)
		return a->slot < b->slot;
	if (a->owner != b->owner)
		return (uintptr_t)a->owner < (uintptr_t)b->owner;
	return a->idx < b->idx;
}

/*
 * uvm_pdaemon_check: every swap slot an anon or an aobj page holds is
 * allocated and held by exactly one of them (an anon shared by several
 * amaps is one holder), and they hold no more than uvmexp.swpginuse.
 * With exact (a machine whose slots only the pager layer handed out,
 * not a test building swap states by hand), also: every anon without a
 * page has a slot; the slots held plus the unowned bad ones are exactly
 * swpginuse; the held slots whose page is not resident are swpgonly.
 *
 * => quiescent machine (no pass running); NULL or what is wrong.
 */
const char *
uvm_pdaemon_check(bool exact)
{
	struct pdck ck = { NULL, 0, 0, NULL, exact };
	size_t gap, i, j;
	int distinct = 0, only = 0, ownedbad = 0;

	if (!pd_inited)
		return NULL;
	mutex_enter(&pd_passlock);
	uvm_amap_foreach_anon(pdck_anon, &ck);
	uao_foreach_swslot(pdck_aobj, &ck);
	/* Shell sort by (slot, owner, idx). */
	for (gap = ck.n / 2; gap > 0; gap /= 2)
		for (i = gap; i < ck.n; i++) {
			struct pdck_ent t = ck.v[i];

			for (j = i; j >= gap && pdck_less(&t, &ck.v[j - gap]);
			    j -= gap)
				ck.v[j] = ck.v[j - gap];
			ck.v[j] = t;
		}
	for (i = 0; i < ck.n && ck.why == NULL; i++) {
		const struct pdck_ent *e = &ck.v[i];

		if (i > 0 && e->slot == ck.v[i - 1].slot) {
			if (e->owner != ck.v[i - 1].owner ||
			    e->idx != ck.v[i - 1].idx)
				ck.why = "pdaemon: a swap slot is owned twice";
			continue;
		}
		distinct++;
		if (!e->resident)
			only++;
		if (!uvm_swap_slot_inuse(e->slot))
			ck.why = "pdaemon: an owned swap slot is free";
		else if (uvm_swap_isbad(e->slot))
			ownedbad++;
	}
	if (ck.why == NULL && distinct > uvmexp.swpginuse)
		ck.why = "pdaemon: more slots owned than swpginuse";
	if (ck.why == NULL && exact &&
	    distinct + uvm_swap_nbad() - ownedbad != uvmexp.swpginuse)
		ck.why = "pdaemon: slots owned plus bad ones differ from"
		    " swpginuse";
	if (ck.why == NULL && exact && only != uvmexp.swpgonly)
		ck.why = "pdaemon: non-resident slots differ from swpgonly";
	mutex_exit(&pd_passlock);
	if (ck.v != NULL)
		kmem_free(ck.v, ck.max * sizeof(*ck.v));
	return ck.why;
}
