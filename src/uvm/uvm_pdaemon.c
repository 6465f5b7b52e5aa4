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
 *	- scans the policy's victims until uvmexp.free reaches four times
 *	  freetarg (NetBSD's batch; a pass starts below freetarg):
 *	  referenced pages are reactivated; the rest are unmapped; clean
 *	  pages with a copy in swap (or clean file pages) are freed at once;
 *	  dirty anon and aobj pages are gathered busy into a cluster that
 *	  goes to one contiguous run of swap slots with one asynchronous
 *	  uvm_swap_put(); dirty file pages are written back by their pager
 *	  (pgo_put PGO_CLEANIT | PGO_FREE, asynchronous for the daemon).
 *	  Wired, loaned and busy pages are skipped.  When swap is full,
 *	  dirty swap-backed pages go back to the active queue: they are
 *	  never lost.
 *
 * Asynchronous pageout (NetBSD's shape): the pages of a cluster are
 * marked PG_BUSY | PG_PAGEOUT, the owners' locks and the page queue lock
 * are released, one write per run of slots is queued to the I/O engine
 * (kern_bio), and the scan moves on; uvmexp.paging counts the pages in
 * flight (the scan stops when free + paging reaches 4 * freetarg).  The
 * write's completion, uvm_aio_aiodone_pages(), runs with nothing locked
 * (in an I/O thread, or in a stepped machine at the end of each scan):
 * it relocks the owners (once per run of pages sharing a lock), records
 * each slot (or, after an error, marks the run bad and keeps the page
 * dirty), frees the page unless somebody waits for it (PG_WANTED) or
 * its anon went meanwhile (PG_RELEASED: page, slot and anon go), and
 * wakes uvm_wait() sleepers.
 *
 * Two modes, chosen at boot (uvm_machine m_daemon), running the same
 * pass: UVM_DAEMON_THREADED starts a kernel thread running uvm_pageout(),
 * woken by a condition variable; it runs ahead of demand (kicked by
 * every allocation that leaves less than freemin, it runs a pass, whose
 * scan goes on until free plus paging reaches four times freetarg;
 * kicked while the writes in flight will bring free up to freetarg, it
 * runs no pass), and an allocator waits in uvm_wait()
 * only when uvm_pagealloc() refused it a page (memory down to the
 * reserves): it sleeps until pages are freed (a pass wakes it as soon
 * as it has freed some above reserve_kernel, a write's completion when
 * it frees its pages) or a pass ends.  UVM_DAEMON_STEPPED has no
 * thread: a pass runs only when someone calls uvm_pageout_step(), and
 * an allocator that would sleep in uvm_wait() runs one itself, so a
 * single-threaded program is deterministic.
 *
 * Running out: uvm_reclaimable() says whether waiting can help: pages
 * are under pageout, or swap has room, or there are clean pages, and the
 * last passes freed something (putting pages under pageout counts).
 * The fault handler returns ENOMEM (fltnoram) when it cannot.
 *
 * Locking: pd_lock (a leaf: taken under any lock, even by a scan holding
 * uvm_pageqlock) protects the wakeup state (pd_wanted, pd_passes,
 * pd_exit, pd_aiodone, pd_aiofreed, pd_freegen, pd_waiters; pd_wanted
 * and pd_waiters are also read unlocked as hints); pd_passlock
 * serializes passes (held across one; it comes before every other lock).
 * During a pass the daemon holds uvm_pageqlock while walking the queues
 * and takes owners' locks with mutex_tryenter() only (the lock order is
 * owner -> uvm_pageqlock), so it never waits for an owner while holding
 * anything.  The owners of the pages of a cluster stay locked until the
 * cluster has its slots; then they are unlocked, the writes queued, and
 * only PG_BUSY | PG_PAGEOUT protects the pages (a fault on one waits);
 * each page's owner lock holds a reference (mutex_obj_hold) until the
 * completion has used it (the owner may go meanwhile).  pd_aiolock
 * serializes completions against the checker (it comes before the
 * owners' locks; a completion takes it first): pd_aioslots, the slots
 * allocated to writes in flight and owned by nobody yet, changes under
 * it.
 */

#include "uvm_impl.h"
#include "uvm_pdpolicy.h"

#include <uvm/uvm_aobj.h>
#include <uvm/uvm_swap.h>

const struct uvm_pdpolicy *uvmpdpol = &uvm_pdpolicy_clock;

#define UVMPD_CLUSTER		64	/* pages per swap write, at most */
#define UVMPD_FRUITLESS		3	/* passes freeing nothing: give up */
#define UVMPD_SWAPSHORT_PCT	90	/* swap shortage above this use */
#define UVMPD_IOTHREADS		2	/* I/O threads of a threaded machine */

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
static unsigned long pd_aiodone;	/* l: pageout writes completed */
static unsigned long pd_freegen;	/* l: a pass freed pages for waiters */
static int pd_waiters;			/* l: uvm_wait() sleepers not woken */
static unsigned long pd_aiofreed;	/* l: pages their completions freed */
static kmutex_t pd_aiolock;		/* one pageout completion at a time */
static int pd_aioslots;			/* a: slots of writes in flight */
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
	mutex_init(&pd_aiolock, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&pd_cv, "pgdaemon");
	cv_init(&pd_donecv, "pdpass");
	pd_wanted = pd_exit = false;
	pd_passes = 0;
	pd_fruitless = 0;
	pd_aiodone = pd_aiofreed = 0;
	pd_freegen = 0;
	pd_waiters = 0;
	pd_aioslots = 0;
	pd_lwp = NULL;
	pd_inited = true;
	uvmpd_tune();
	/*
	 * The I/O engine: threads for a threaded machine, none (queued
	 * requests complete at well defined points) for a stepped one.
	 */
	error = kern_bio_start(uvm_machine.m_daemon == UVM_DAEMON_THREADED ?
	    UVMPD_IOTHREADS : 0);
	if (error)
		return error;
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
	/* Complete every write and read in flight, stop the I/O threads. */
	kern_bio_stop();
	KASSERT(uvmexp.paging == 0 && pd_aioslots == 0);
	uvm_pagedaemon_lwp = NULL;
	cv_destroy(&pd_donecv);
	cv_destroy(&pd_cv);
	mutex_destroy(&pd_aiolock);
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
	/*
	 * Already kicked and not yet run: the daemon clears pd_wanted
	 * before it looks at memory, so this kick is not lost.  (Every
	 * allocation below freemin kicks: without this, each took pd_lock
	 * and signalled a daemon that was already busy.)
	 */
	if (atomic_load_relaxed(&pd_wanted))
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
 * uvm_reclaimable: can waiting for the daemon give memory back?  Yes
 * while free memory is above freemin.  Not if its last passes freed
 * nothing although memory was short, nor if swap is full (or absent)
 * and no page is clean: no file page and no resident page with a copy
 * in swap.
 */
bool
uvm_reclaimable(void)
{
	bool fruitless;

	if (!pd_inited)
		return false;
	/*
	 * Memory is not short (the allocation failed for another reason,
	 * or memory came back since): trying again can succeed.
	 */
	if (uvmexp.free > uvmexp.freemin)
		return true;
	/* Pageouts in flight will give memory back. */
	if (atomic_load_relaxed(&uvmexp.paging) > 0)
		return true;
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
 * uvmpd_wakewaiters: a pass freed pages: wake the uvm_wait() sleepers
 * now rather than at the end of the pass (NetBSD wakes them as soon as
 * memory is there); the pass counts as fruitful already.
 *
 * => any locks (pd_lock is a leaf).
 */
static void
uvmpd_wakewaiters(void)
{
	mutex_enter(&pd_lock);
	if (pd_waiters > 0) {
		pd_waiters = 0;
		pd_freegen++;
		pd_fruitless = 0;
		cv_broadcast(&pd_donecv);
	}
	mutex_exit(&pd_lock);
}

/*
 * uvm_wait: wait for the pagedaemon to free memory.
 *
 * => nothing locked (the caller retries its allocation afterwards).
 * => threaded: wakes the daemon and sleeps until pages are freed (by
 *    the pass, as soon as it frees some above the kernel's reserve, or
 *    by a pageout's completion) or a pass ends, at most a second.  A
 *    daemon whose pageouts in flight will reach freetarg runs no pass:
 *    the waiter sleeps until they complete.  Stepped, or called by the
 *    daemon itself: runs a pass.
 */
void
uvm_wait(const char *wmsg)
{
	unsigned long gen, aiogen, freegen;

	KASSERT(pd_inited);
	if (pd_lwp == NULL || curlwp == pd_lwp) {
		(void)uvm_pageout_step();
		return;
	}
	mutex_enter(&pd_lock);
	gen = pd_passes;
	aiogen = pd_aiodone;
	freegen = pd_freegen;
	pd_wanted = true;
	pd_waiters++;
	cv_signal(&pd_cv);
	/* Until pages are freed, a pageout write completes, a pass ends. */
	while (pd_passes == gen && pd_aiodone == aiogen &&
	    pd_freegen == freegen && !pd_exit) {
		if (cv_timedwait(&pd_donecv, &pd_lock, hz) == EWOULDBLOCK)
			break;
	}
	if (pd_freegen == freegen && pd_waiters > 0)
		pd_waiters--;
	(void)wmsg;
	mutex_exit(&pd_lock);
}

/*
 * uvm_wait_nomem: an allocation failed; with everything unlocked, decide
 * as NetBSD's fault handler does: if the daemon can reclaim something,
 * wait for it (uvm_wait) and tell the caller to retry (0); if nothing is
 * reclaimable, ENOMEM instead of waiting forever.
 *
 * => nothing locked.
 * => waits for a pass even when the daemon's last passes freed nothing:
 *    they may have run while the caller held an owner's lock they
 *    needed.  ENOMEM only if a pass that began with everything unlocked
 *    (the second to end from now) agrees.
 */
int
uvm_wait_nomem(const char *wmsg)
{
	bool hopeless = !uvm_reclaimable();

	uvm_wait(wmsg);
	if (hopeless)
		uvm_wait(wmsg);
	if (hopeless && !uvm_reclaimable())
		return ENOMEM;
	return 0;
}

/*
 * uvm_pageout: the pagedaemon's main loop (threaded mode): sleep until
 * kicked or memory is short, run a pass, tell the waiters, and swap out
 * idle processes if memory is still short (pdswout); until shutdown.
 */
void
uvm_pageout(void)
{
	int freed;

	uvm_pagedaemon_lwp = curlwp;
	curlwp->l_flag |= LW_PAGEDAEMON;
	mutex_enter(&pd_lock);
	while (!pd_exit) {
		/* Pages under pageout will be free soon. */
		if (!pd_wanted &&
		    uvmexp.free + uvmexp.paging >= uvmexp.freemin) {
			(void)cv_timedwait(&pd_cv, &pd_lock, hz);
			continue;
		}
		pd_wanted = false;
		/*
		 * Pageouts in flight will bring free memory up to the
		 * target: a pass would find nothing to do, and a waiter is
		 * woken by their completions (uvm_pageout_done), as soon
		 * as pages are free, not by the end of a pass that freed
		 * none.
		 */
		if (uvmexp.paging > 0 &&
		    uvmexp.free + uvmexp.paging >= uvmexp.freetarg)
			continue;
		mutex_exit(&pd_lock);
		freed = uvm_pageout_step();
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
		/*
		 * A pass that freed nothing and started no pageout: another
		 * one right away would find the same (memory held by what
		 * cannot be paged out).  Sleep until kicked (an allocator
		 * wants memory) or a second passes, instead of spinning.
		 */
		if (freed == 0 && uvmexp.paging == 0 && !pd_wanted && !pd_exit)
			(void)cv_timedwait(&pd_cv, &pd_lock, hz);
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
	int		queued;		/* pages put under pageout */
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

/* n pages were freed by the daemon (ss NULL: by a pageout's completion). */
static void
uvmpd_freed(struct uvmpd_scanstate *ss, int n)
{
	if (ss != NULL)
		ss->freed += n;
	UVMEXP_ADD(pdfreed, n);
	if (ss != NULL && atomic_load_relaxed(&pd_waiters) > 0 &&
	    uvmexp.free > uvmexp.reserve_kernel)
		uvmpd_wakewaiters();
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

/* The daemon started a pageout write: uvmexp.pdpageouts's one place. */
static void
uvmpd_pageout_io(void)
{
	uvmexp.pdpageouts++;
}

/* Pages under pageout changed by delta: uvmexp.paging's one place. */
static void
uvmpd_paging(int delta)
{
	UVMEXP_ADD(paging, delta);
}

/*
 * uvmpd_flush: start the writes of the cluster's pages to swap, one
 * asynchronous write per contiguous run of slots the allocator gives
 * (one normally), and let go of the pages: they stay PG_BUSY |
 * PG_PAGEOUT until uvm_aio_aiodone_pages() sees the outcome.  Pages no
 * slot could be found for stay dirty and go back to the active queue.
 *
 * => uvm_pageqlock held (dropped while submitting); the owners' locks
 *    held and released here (each page's owner lock gains a reference
 *    that its completion drops: the owner may go away meanwhile).
 */
static void
uvmpd_flush(struct uvmpd_cluster *cl, struct uvmpd_scanstate *ss)
{
	int done = 0, n = cl->c_n, nslots, slot, nruns = 0;
	int runslot[UVMPD_CLUSTER], runstart[UVMPD_CLUSTER];
	int runlen[UVMPD_CLUSTER];

	if (n == 0)
		return;
	KASSERT(mutex_owned(&uvm_pageqlock));
	while (done < n && !ss->swapfull) {
		nslots = n - done;
		slot = uvm_swap_alloc(&nslots, true);
		if (slot == 0) {
			ss->swapfull = true;
			break;
		}
		runslot[nruns] = slot;
		runstart[nruns] = done;
		runlen[nruns] = nslots;
		nruns++;
		done += nslots;
	}
	/* Those that got no slot: back to the active queue, dirty. */
	for (int i = done; i < n; i++) {
		struct vm_page *pg = cl->c_pgs[i];

		pg->flags &= (uint16_t)~PG_PAGEOUT;
		pg->flags = (uint16_t)((pg->flags & ~PG_CLEAN) | PG_DIRTY);
		uvm_pageunbusy(pg);
		uvmpd_reactivate(pg);
	}
	for (int i = 0; i < done; i++)
		mutex_obj_hold(uvmpd_ownerlock(cl->c_pgs[i]));
	if (done > 0) {
		uvm_pageout_start(done);
		atomic_add_int(&pd_aioslots, done);
		ss->queued += done;
	}
	mutex_exit(&uvm_pageqlock);
	for (int i = 0; i < cl->c_nlocks; i++)
		mutex_exit(cl->c_locks[i]);
	cl->c_n = 0;
	cl->c_nlocks = 0;
	for (int r = 0; r < nruns; r++) {
		uvmpd_pageout_io();
		(void)uvm_swap_put(runslot[r], &cl->c_pgs[runstart[r]],
		    runlen[r], 0);
	}
	mutex_enter(&uvm_pageqlock);
}

/*
 * uvmpd_aiodone_page: the outcome of pg's pageout to slot (see
 * uvm_aio_aiodone_pages); 1 if pg, clean now with its slot recorded,
 * is to be freed (by the caller).
 *
 * => owner and uvm_pageqlock locked.
 */
static int
uvmpd_aiodone_page(struct vm_page *pg, int slot, int error)
{
	struct vm_anon *anon;

	KASSERT((pg->flags & (PG_BUSY | PG_PAGEOUT)) ==
	    (PG_BUSY | PG_PAGEOUT));
	pg->flags &= (uint16_t)~PG_PAGEOUT;
	if (pg->flags & PG_RELEASED) {
		/* Its anon was freed meanwhile. */
		KASSERT(pg->uanon != NULL && pg->uobject == NULL);
		anon = pg->uanon;
		if (error == 0)
			uvm_swap_free(slot, 1);
		uvm_anon_release(anon);
	} else if (error != 0) {
		pg->flags = (uint16_t)((pg->flags & ~PG_CLEAN) | PG_DIRTY);
		uvmpd_reactivate(pg);
		uvm_pageunbusy(pg);
	} else if (pg->flags & PG_WANTED) {
		/* A waiter gets the page back: clean, with a copy. */
		uvmpd_setslot(pg, slot);
		pg->flags = (uint16_t)((pg->flags & ~PG_DIRTY) | PG_CLEAN);
		uvm_pageunbusy(pg);
	} else {
		/* The caller frees it. */
		uvmpd_setslot(pg, slot);
		pg->flags &= (uint16_t)~PG_BUSY;
		return 1;
	}
	return 0;
}

/*
 * uvm_aio_aiodone_pages: the write of a pageout run ended (NetBSD's
 * uvm_aio_aiodone_pages for pageouts).  For each page, with its owner
 * locked: if the owner was freed meanwhile (PG_RELEASED: an anon), the
 * page and the anon go and the slot is freed; on error the page stays,
 * dirty, and goes back to the active queue (the run is marked bad: it
 * is never handed out again, and nothing is lost); otherwise the owner
 * records the slot and the page, clean now, is freed, unless somebody
 * waits for it (PG_WANTED: a fault on it): then it stays, clean, with
 * its slot, and the waiter is woken.  Finally uvm_wait() sleepers are
 * woken.
 *
 * => nothing locked (the I/O engine's completion context).
 */
void
uvm_aio_aiodone_pages(struct vm_page **pgs, int npages, int slot, int error)
{
	struct vm_page *tofree[UVMPD_CLUSTER];
	int freed = 0, i, j, nfree;
	kmutex_t *lock;

	KASSERT(npages > 0 && npages <= UVMPD_CLUSTER && slot > 0);
	mutex_enter(&pd_aiolock);
	if (error != 0)
		uvm_swap_markbad(slot, npages);
	/*
	 * A run of pages with the same owner lock (the pages of one amap
	 * or object, normally the whole write) is done under one hold of
	 * that lock and of the queue lock, not one per page: the faults
	 * running meanwhile on the other CPUs want both.
	 */
	for (i = 0; i < npages; i = j) {
		lock = uvmpd_ownerlock(pgs[i]);
		KASSERT(lock != NULL);
		for (j = i + 1; j < npages && uvmpd_ownerlock(pgs[j]) == lock;
		    j++)
			continue;
		mutex_enter(lock);
		/*
		 * The queue lock too, as the daemon holds it when it frees
		 * pages (the page checker sees no half-freed page).
		 */
		mutex_enter(&uvm_pageqlock);
		nfree = 0;
		for (int k = i; k < j; k++)
			if (uvmpd_aiodone_page(pgs[k], slot + k, error))
				tofree[nfree++] = pgs[k];
		if (nfree > 0) {
			/* The free list lock once for them all. */
			mutex_enter(&uvm_fpageqlock);
			for (int f = 0; f < nfree; f++)
				uvm_pagefree(tofree[f]);
			mutex_exit(&uvm_fpageqlock);
			uvmpd_swpgonly(nfree);
			freed += nfree;
		}
		mutex_exit(&uvm_pageqlock);
		mutex_exit(lock);
		/* Each page held a reference to the lock (uvmpd_flush). */
		for (int k = i; k < j; k++)
			(void)mutex_obj_free(lock);
	}
	atomic_add_int(&pd_aioslots, -npages);
	mutex_exit(&pd_aiolock);
	uvm_pageout_done(npages, freed);
}

/*
 * uvm_pageout_start: npages pages go under pageout (PG_PAGEOUT) for an
 * asynchronous write (a pager's, for the daemon).
 */
void
uvm_pageout_start(int npages)
{
	uvmpd_paging(npages);
}

/*
 * uvm_pageout_done: the asynchronous write of npages pages under
 * pageout completed, and nfreed of them were freed: count them and
 * wake uvm_wait() sleepers.
 *
 * => nothing locked.
 */
void
uvm_pageout_done(int npages, int nfreed)
{
	if (nfreed > 0)
		uvmpd_freed(NULL, nfreed);
	uvmpd_paging(-npages);
	mutex_enter(&pd_lock);
	pd_aiofreed += (unsigned long)nfreed;
	pd_aiodone++;
	pd_waiters = 0;
	cv_broadcast(&pd_donecv);
	mutex_exit(&pd_lock);
}

/*
 * uvm_aio_drain: a deterministic machine's queued I/O completes here
 * (the end of a pass, of a fault, of a file read or write); threaded
 * machines' I/O threads need no help.
 *
 * => nothing locked.
 */
void
uvm_aio_drain(void)
{
	if (bio_deferred())
		(void)biodrain();
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
	 * writable): believe the pmap's modified bit first.  (A page
	 * already PG_DIRTY is dirty whatever it says, and one in neither
	 * state is asked by uvm_pagecheckdirty.)
	 */
	if ((pg->flags & PG_CLEAN) != 0 && pmap_is_modified(pg))
		pg->flags = (uint16_t)((pg->flags & ~PG_CLEAN) | PG_DIRTY);
	pmap_page_protect(pg, VM_PROT_NONE);
	dirty = uvm_pagecheckdirty(pg, true);

	if (pg->flags & PG_SWAPBACKED) {
		slot = uvmpd_getslot(pg);
		if (!dirty && slot != 0) {
			/* The copy in swap is good: just free the page. */
			uvm_pagefree(pg);
			uvmpd_swpgonly(1);
			uvmpd_freed(ss, 1);
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
		uvmpd_freed(ss, 1);
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
	uvmpd_pageout_io();
	/*
	 * Asynchronous: the pager puts the page under pageout and its
	 * completion frees it (uvm_pageout_done counts it).  The vnode
	 * pager clusters the write with the page's dirty neighbours
	 * (one write, pdpageouts once); they become clean, not freed:
	 * a later scan frees them without I/O.
	 */
	error = uobj->pgops->pgo_put(uobj, off, off + PAGE_SIZE,
	    PGO_CLEANIT | PGO_FREE);
	/* pgo_put unlocked the object. */
	mutex_enter(&uvm_pageqlock);
	if (error == 0)
		ss->queued++;
	return;

unlock:
	if (!clusterlock)
		mutex_exit(lock);
}

/*
 * The scan's goal: free memory (with the pages in flight) at four times
 * freetarg, as NetBSD's uvmpd_scan_queue().  A pass starts below
 * freetarg (kicked below freemin) and frees a batch, not the few pages
 * between freemin and freetarg: far fewer passes (and, threaded, daemon
 * wakeups) for the same pages.
 */
#define UVMPD_SCANTARG()	(uvmexp.freetarg << 2)

/* Scan the policy's victims until free memory reaches UVMPD_SCANTARG. */
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
	while (uvmexp.free + uvmexp.paging + cl.c_n < UVMPD_SCANTARG() &&
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
	unsigned long aiofreed;

	KASSERT(pd_inited);
	mutex_enter(&pd_passlock);
	mutex_enter(&pd_lock);
	aiofreed = pd_aiofreed;
	mutex_exit(&pd_lock);
	oflag = l->l_flag & LW_PAGEDAEMON;
	l->l_flag |= LW_PAGEDAEMON;
	uvmexp.pdwoke++;
	if (uvmexp.npages != pd_lastnpages)
		uvmpd_tune();
	ss.freed = 0;
	ss.queued = 0;
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
		if (uvmexp.free + uvmexp.paging >= uvmexp.freetarg)
			break;
		uvmpd_scan(&ss);
		/* A deterministic machine's pageouts complete here. */
		uvm_aio_drain();
	}
	l->l_flag = (l->l_flag & ~LW_PAGEDAEMON) | oflag;

	mutex_enter(&pd_lock);
	pd_passes++;
	/* Pages its (or earlier passes') writes freed count as its own. */
	ss.freed += (int)(pd_aiofreed - aiofreed);
	/* Pageouts in flight are progress, not fruitlessness. */
	if (ss.freed > 0 || ss.queued > 0 || uvmexp.paging > 0 ||
	    uvmexp.free >= uvmexp.freemin)
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
	pd_waiters = 0;
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
	int distinct = 0, only = 0, ownedbad = 0, inflight;

	if (!pd_inited)
		return NULL;
	mutex_enter(&pd_passlock);
	/* No completion changes slots while we count (they take it first). */
	mutex_enter(&pd_aiolock);
	inflight = pd_aioslots;
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
	if (ck.why == NULL && distinct + inflight > uvmexp.swpginuse)
		ck.why = "pdaemon: more slots owned than swpginuse";
	if (ck.why == NULL && inflight > uvmexp.paging)
		ck.why = "pdaemon: more slots being written than pages";
	if (ck.why == NULL && exact && distinct + inflight +
	    uvm_swap_nbad() - ownedbad != uvmexp.swpginuse)
		ck.why = "pdaemon: slots owned plus bad ones differ from"
		    " swpginuse";
	if (ck.why == NULL && exact && only != uvmexp.swpgonly)
		ck.why = "pdaemon: non-resident slots differ from swpgonly";
	mutex_exit(&pd_aiolock);
	mutex_exit(&pd_passlock);
	if (ck.v != NULL)
		kmem_free(ck.v, ck.max * sizeof(*ck.v));
	return ck.why;
}
