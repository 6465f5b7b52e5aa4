/*
 * uvm_page.c: what physical pages are used for: the free lists and the
 * zero pool, allocation and freeing of single pages (uvm_pagealloc(9)),
 * ownership by objects and anons, the busy/wanted protocol, the paging
 * queues, and the checker of all of it.
 *
 * A word on the design.  uvm_physseg.c owns the segments and their
 * vm_page arrays; this file owns every page's life after boot:
 *
 *	      uvm_pagealloc                uvm_pageactivate
 *	FREE ---------------> UNQUEUED <------------------> ACTIVE/INACTIVE
 *	  ^   (PG_BUSY, owned)    |  ^    uvm_pagedequeue          |
 *	  |                       |  |                              |
 *	  |        uvm_pagewire   v  | uvm_pageunwire (-> ACTIVE)   |
 *	  |                     WIRED <-----------------------------+
 *	  +------------------ uvm_pagefree (from any owned state)
 *
 * Free pages sit on uvm_pgfl (see uvm_pgfl.h): one queue pair per free
 * list and page colour, one queue for pages known to be zero (the "zero
 * pool", filled by whoever frees a page with PG_ZERO set) and one for
 * the rest.  An allocation walks the free lists in priority order (or
 * only the one asked for), starting at the colour after the last one
 * handed out (NetBSD's global round robin), so consecutive allocations
 * get consecutive colours; getting the colour it started at is a
 * colour hit.  A UVM_PGA_ZERO request looks at the zero queue first and
 * zeroes in line only on a miss; other requests take the unknown queue
 * first so the zero pool is kept for those who need it.
 *
 * We keep no per-CPU free page caches: the fast path is one lock round
 * trip and a TAILQ operation on each side (allocate, free), measured by
 * bench/b_pagealloc beside malloc+free of a page; a cache would add a
 * state to every page's life for a gain we have not measured.
 *
 * The paging queues belong to the machine's replacement policy
 * (uvm_pdpolicy.h, `uvmpdpol'): uvm_pageactivate() and friends check the
 * page and dispatch to it; it keeps uvmexp.active and inactive, and
 * uvm_page_check() asks its pdp_check.  An allocation that leaves free
 * memory below uvmexp.freemin, or finds none, kicks the pagedaemon
 * (uvm_kick_pdaemon()).
 *
 * The two reserves: when uvmexp.free is at or below reserve_kernel, only
 * allocations with UVM_PGA_USERESERVE or for the kernel object succeed;
 * at or below reserve_pagedaemon, only the pagedaemon's reserve
 * allocations do, so the daemon can always get the pages it needs to
 * free others.
 *
 * Page classes: a page owned by an anon or an aobj counts in
 * uvmexp.anonpages, a vnode's page in uvmexp.filepages.  An object's
 * class is known by its pager ops (aobj_pager, uvm_vnodeops), which are
 * weak references here so that the page layer links without the pagers.
 *
 * Locking (see uvm_page.h for the per-field letters):
 *	- the owner's lock (uobject->vmobjlock or anon->an_lock) covers the
 *	  page's identity and flags: uvm_pagealloc, uvm_pagefree,
 *	  uvm_pagerealloc, uvm_pagelookup and the busy protocol require it;
 *	- uvm_pageqlock covers the paging queues, pqflags' queue bits,
 *	  wire_count and the active/inactive/wired counters.  The queue
 *	  functions take it themselves unless the caller holds it;
 *	- uvm_fpageqlock covers the free lists, PQ_FREE, and the
 *	  free/zeropages counters;
 *	- order: owner -> uvm_pageqlock -> uvm_fpageqlock.
 */

#include "uvm_impl.h"
#include "uvm_pgfl.h"
#include "uvm_pdpolicy.h"

kmutex_t uvm_pageqlock;
kmutex_t uvm_fpageqlock;
struct lwp *uvm_pagedaemon_lwp;
struct pgfreelists uvm_pgfl;

/* The pagers whose pages we classify (weak: they may not be linked). */
extern const struct uvm_pagerops aobj_pager __attribute__((__weak__));
extern const struct uvm_pagerops uvm_vnodeops __attribute__((__weak__));

static unsigned int uvm_pgfl_nextcolor;	/* f: next colour to hand out */
static bool uvm_page_inited;

/* Initial reserves, in pages (NetBSD's defaults). */
#define UVM_RESERVE_PAGEDAEMON	1
#define UVM_RESERVE_KERNEL	5

/* ---------------------------------------------------------------------
 * Counters: each uvmexp counter of this file changes in one function.
 */

/* free, zeropages (and the per-free-list count), under uvm_fpageqlock. */
static inline void
pgfl_account(const struct vm_page *pg, int delta)
{
	KASSERT(mutex_owned(&uvm_fpageqlock));
	uvmexp.free += delta;
	uvm_pgfl.fl_nfree[uvm_pgfl_index(pg)] += delta;
	if (pg->flags & PG_ZERO)
		uvmexp.zeropages += delta;
}

/* wired, under uvm_pageqlock. */
static inline void
wired_account(int delta)
{
	KASSERT(mutex_owned(&uvm_pageqlock));
	uvmexp.wired += delta;
}

/* anonpages, filepages: owners' locks differ, so atomically. */
static inline void
class_account(const struct vm_page *pg, int delta)
{
	if (pg->flags & (PG_ANON | PG_AOBJ))
		UVMEXP_ADD(anonpages, delta);
	else if (pg->flags & PG_FILE)
		UVMEXP_ADD(filepages, delta);
}

/* npages: pages managed (boot, plug, withdraw). */
static inline void
npages_account(int delta)
{
	UVMEXP_ADD(npages, delta);
}

static inline bool __unused
owner_locked_p(const struct vm_page *pg)
{
	if (pg->uobject != NULL)
		return mutex_owned(pg->uobject->vmobjlock);
	if (pg->uanon != NULL)
		return pg->uanon->an_lock == NULL ||
		    mutex_owned(pg->uanon->an_lock);
	return true;
}

/* ---------------------------------------------------------------------
 * Free lists (shared with uvm_pglist.c through uvm_pgfl.h).
 */

static inline struct pglist *
pgfl_queue(int fl, unsigned int color, int q)
{
	return &uvm_pgfl.fl_buckets[(unsigned)fl * (unsigned)uvm_pgfl.fl_ncolors
	    + color].pgb_queues[q];
}

/*
 * uvm_pgfl_insert: put pg on its free list.
 *
 * => uvm_fpageqlock held; pg unowned, on no queue, unwired.
 */
void
uvm_pgfl_insert(struct vm_page *pg)
{
	int q = (pg->flags & PG_ZERO) ? PGFL_ZEROS : PGFL_UNKNOWN;

	KASSERT(mutex_owned(&uvm_fpageqlock));
	KASSERT(pg->uobject == NULL && pg->uanon == NULL);
	KASSERT(pg->wire_count == 0 && pg->loan_count == 0);
	KASSERT((pg->pqflags & PQ_QMASK) == 0);
	pg->flags &= PG_ZERO;
	pg->pqflags = (uint16_t)((pg->pqflags & PQ_FREELIST) | PQ_FREE);
	pg->offset = 0;
	/* Hot pages are reused first: LIFO. */
	TAILQ_INSERT_HEAD(pgfl_queue(uvm_pgfl_index(pg), VM_PGCOLOR(pg), q),
	    pg, pageq);
	pgfl_account(pg, 1);
	if (__predict_false(uvm_pgfl.fl_waiters != 0))
		wakeup(&uvm_pgfl);
}

/*
 * uvm_pgfl_remove: take a free page off its free list.  It keeps
 * PG_ZERO so the caller knows whether it came from the zero pool.
 *
 * => uvm_fpageqlock held; pg free.
 */
void
uvm_pgfl_remove(struct vm_page *pg)
{
	int q = (pg->flags & PG_ZERO) ? PGFL_ZEROS : PGFL_UNKNOWN;

	KASSERT(mutex_owned(&uvm_fpageqlock));
	KASSERT(pg->pqflags & PQ_FREE);
	TAILQ_REMOVE(pgfl_queue(uvm_pgfl_index(pg), VM_PGCOLOR(pg), q),
	    pg, pageq);
	pgfl_account(pg, -1);
	pg->pqflags &= (uint16_t)~PQ_FREE;
}

/*
 * pgfl_get: the first page of free list fl, trying queue try1 then try2
 * of colour *colorp, then of the following colours.  *colorp becomes the
 * colour found.
 */
static inline struct vm_page *
pgfl_get(int fl, int try1, int try2, unsigned int *colorp)
{
	const unsigned int mask = (unsigned)uvm_pgfl.fl_ncolors - 1;
	unsigned int color = *colorp;
	struct vm_page *pg;

	if (uvm_pgfl.fl_nfree[fl] == 0)
		return NULL;
	do {
		if ((pg = TAILQ_FIRST(pgfl_queue(fl, color, try1))) != NULL ||
		    (pg = TAILQ_FIRST(pgfl_queue(fl, color, try2))) != NULL) {
			*colorp = color;
			return pg;
		}
		color = (color + 1) & mask;
	} while (color != *colorp);
	panic("uvm_pagealloc: free list %d counts %d free pages but has none",
	    fl, uvm_pgfl.fl_nfree[fl]);
}

/* ---------------------------------------------------------------------
 * Boot, hotplug, shutdown.
 */

static void
page_seg_free(uvm_physseg_t seg, paddr_t pfn, psize_t npages)
{
	const paddr_t start = uvm_physseg_get_start(seg);
	const int fl = uvm_physseg_get_free_list(seg);

	KASSERT(fl >= 0 && fl < VM_NFREELIST);
	KASSERT(pfn >= uvm_physseg_get_avail_start(seg));
	KASSERT(pfn + npages <= uvm_physseg_get_avail_end(seg));
	for (psize_t i = 0; i < npages; i++) {
		struct vm_page *pg = uvm_physseg_get_pg(seg, pfn - start + i);

		KASSERT(VM_PAGE_TO_PHYS(pg) == ptoa(pfn + i));
		pg->flags = 0;
		pg->pqflags = (uint16_t)(fl << PQ_FREELIST_SHIFT);
		pg->uobject = NULL;
		pg->uanon = NULL;
		pg->wire_count = 0;
		pg->loan_count = 0;
		pg->mdpage.mdpg_word = 0;
		uvm_pgfl_insert(pg);
	}
	npages_account((int)npages);
}

/*
 * uvm_page_init: build the free lists and free every available page of
 * every loaded segment.
 *
 * => boot only (single-threaded); uvmexp.ncolors set (0 means 1).
 */
void
uvm_page_init(void)
{
	size_t nb;

	KASSERT(!uvm_page_inited);
	mutex_init(&uvm_pageqlock, MUTEX_DEFAULT, IPL_VM);
	mutex_init(&uvm_fpageqlock, MUTEX_SPIN, IPL_VM);
	if (uvmexp.ncolors <= 0)
		uvmexp.ncolors = 1;
	KASSERTMSG(powerof2(uvmexp.ncolors), "%d colours", uvmexp.ncolors);
	memset(&uvm_pgfl, 0, sizeof(uvm_pgfl));
	uvm_pgfl.fl_ncolors = uvmexp.ncolors;
	nb = (size_t)VM_NFREELIST * (size_t)uvmexp.ncolors;
	uvm_pgfl.fl_buckets = kmem_zalloc(nb * sizeof(struct pgflbucket),
	    KM_SLEEP);
	for (size_t b = 0; b < nb; b++)
		for (int q = 0; q < PGFL_NQUEUES; q++)
			TAILQ_INIT(&uvm_pgfl.fl_buckets[b].pgb_queues[q]);
	uvmpdpol->pdp_init();
	uvm_pgfl_nextcolor = 0;
	uvmexp.reserve_pagedaemon = UVM_RESERVE_PAGEDAEMON;
	uvmexp.reserve_kernel = UVM_RESERVE_KERNEL;

	mutex_enter(&uvm_fpageqlock);
	for (uvm_physseg_t seg = uvm_physseg_get_first();
	    uvm_physseg_valid_p(seg); seg = uvm_physseg_get_next(seg)) {
		paddr_t as = uvm_physseg_get_avail_start(seg);
		paddr_t ae = uvm_physseg_get_avail_end(seg);

		page_seg_free(seg, as, ae - as);
	}
	mutex_exit(&uvm_fpageqlock);
	uvm_page_inited = true;
}

/*
 * uvm_page_fini: forget the free lists and queues (shutdown: nothing
 * runs any more; the pages go away with their segments).
 */
void
uvm_page_fini(void)
{
	if (!uvm_page_inited)
		return;
	kmem_free(uvm_pgfl.fl_buckets, (size_t)VM_NFREELIST *
	    (size_t)uvm_pgfl.fl_ncolors * sizeof(struct pgflbucket));
	memset(&uvm_pgfl, 0, sizeof(uvm_pgfl));
	uvmpdpol->pdp_fini();
	mutex_destroy(&uvm_fpageqlock);
	mutex_destroy(&uvm_pageqlock);
	uvm_pagedaemon_lwp = NULL;
	uvm_page_inited = false;
}

bool
uvm_page_init_done_p(void)
{
	return uvm_page_inited;
}

/*
 * uvm_page_seg_plugged: pages [pfn, pfn+npages) of seg became available.
 *
 * => the pages are inside seg's available range and not yet managed.
 */
void
uvm_page_seg_plugged(uvm_physseg_t seg, paddr_t pfn, psize_t npages)
{
	bool taken;

	KASSERT(uvm_page_inited);
	KASSERT(uvm_physseg_valid_p(seg));
	taken = uvm_lock_unless_owned(&uvm_fpageqlock);
	page_seg_free(seg, pfn, npages);
	uvm_unlock_taken(&uvm_fpageqlock, taken);
}

/*
 * uvm_page_seg_withdraw: take pages [pfn, pfn+npages) of seg off the free
 * lists, all or nothing.
 *
 * => false, and nothing changed, if any page of the range is not free.
 */
bool
uvm_page_seg_withdraw(uvm_physseg_t seg, paddr_t pfn, psize_t npages)
{
	const paddr_t start = uvm_physseg_get_start(seg);
	bool taken;

	KASSERT(uvm_page_inited);
	KASSERT(uvm_physseg_valid_p(seg));
	KASSERT(pfn >= uvm_physseg_get_avail_start(seg));
	KASSERT(pfn + npages <= uvm_physseg_get_avail_end(seg));
	taken = uvm_lock_unless_owned(&uvm_fpageqlock);
	for (psize_t i = 0; i < npages; i++) {
		struct vm_page *pg = uvm_physseg_get_pg(seg, pfn - start + i);

		if ((pg->pqflags & PQ_FREE) == 0) {
			uvm_unlock_taken(&uvm_fpageqlock, taken);
			return false;
		}
	}
	for (psize_t i = 0; i < npages; i++) {
		struct vm_page *pg = uvm_physseg_get_pg(seg, pfn - start + i);

		uvm_pgfl_remove(pg);
		pg->flags = 0;
	}
	npages_account(-(int)npages);
	uvm_unlock_taken(&uvm_fpageqlock, taken);
	return true;
}

/* ---------------------------------------------------------------------
 * Pages and their memory (PHYS_TO_VM_PAGE lives in uvm_physseg.c).
 */

int
uvm_page_lookup_freelist(struct vm_page *pg)
{
	return uvm_pgfl_index(pg);
}

void *
uvm_page_kva(struct vm_page *pg)
{
	return PMAP_DIRECT_MAP(VM_PAGE_TO_PHYS(pg));
}

/* ---------------------------------------------------------------------
 * Owners: objects (radix tree) and anons.
 */

static int
obj_pgflags(const struct uvm_object *obj)
{
	if (&aobj_pager != NULL && obj->pgops == &aobj_pager)
		return PG_AOBJ;
	if (&uvm_vnodeops != NULL && obj->pgops == &uvm_vnodeops)
		return PG_FILE;
	return 0;
}

/*
 * uvm_pageinsert: enter pg into obj's page tree at pg->offset.
 *
 * => obj locked; nothing at that offset yet.
 */
static int
uvm_pageinsert(struct uvm_object *obj, struct vm_page *pg)
{
	int error;

	KASSERT(mutex_owned(obj->vmobjlock));
	KASSERT((pg->flags & PG_TABLED) == 0);
	KASSERTMSG(uvm_radix_lookup(&obj->uo_pages, (uint64_t)atop(pg->offset))
	    == NULL, "uvm_pageinsert: offset %#jx of %p is taken",
	    (uintmax_t)pg->offset, obj);
	error = uvm_radix_insert(&obj->uo_pages, (uint64_t)atop(pg->offset),
	    pg);
	if (error)
		return error;
	pg->uobject = obj;
	pg->flags |= (uint16_t)(PG_TABLED | obj_pgflags(obj));
	obj->uo_npages++;
	class_account(pg, 1);
	return 0;
}

/*
 * uvm_pageremove: take pg out of its object.
 *
 * => object locked.
 */
static void
uvm_pageremove(struct vm_page *pg)
{
	struct uvm_object *obj = pg->uobject;
	void *old;

	KASSERT(obj != NULL && (pg->flags & PG_TABLED));
	KASSERT(mutex_owned(obj->vmobjlock));
	old = uvm_radix_remove(&obj->uo_pages, (uint64_t)atop(pg->offset));
	KASSERTMSG(old == pg, "uvm_pageremove: tree had %p, not %p", old, pg);
	(void)old;
	class_account(pg, -1);
	obj->uo_npages--;
	pg->flags &= (uint16_t)~(PG_TABLED | PG_AOBJ | PG_FILE);
	pg->uobject = NULL;
}

/*
 * uvm_pagelookup: the page of obj at offset off, or NULL.
 *
 * => obj locked.
 */
struct vm_page *
uvm_pagelookup(struct uvm_object *obj, voff_t off)
{
	struct vm_page *pg;

	KASSERT(mutex_owned(obj->vmobjlock));
	KASSERT(off >= 0 && (off & (voff_t)PAGE_MASK) == 0);
	pg = uvm_radix_lookup(&obj->uo_pages, (uint64_t)atop(off));
	KASSERT(pg == NULL || (pg->uobject == obj && pg->offset == off));
	return pg;
}

/* ---------------------------------------------------------------------
 * Allocation and freeing.
 */

static inline void pq_remove(struct vm_page *);

static inline bool
uvm_pagedaemon_p(void)
{
	struct lwp *l = curlwp;

	return l == uvm_pagedaemon_lwp || (l->l_flag & LW_PAGEDAEMON) != 0;
}

/*
 * uvm_pagealloc_strat: allocate a page for obj at off, or for anon.
 *
 * => at most one of obj and anon; its lock held (an anon not yet in an
 *    amap may have no lock).
 * => strat UVM_PGA_STRAT_NORMAL walks the free lists in priority order;
 *    _ONLY takes free_list only; _FALLBACK tries free_list, then NORMAL.
 * => returns a page PG_BUSY, owned, on no queue, with a zeroed pmap
 *    word, or NULL if no page may be had now.
 */
struct vm_page *
uvm_pagealloc_strat(struct uvm_object *obj, voff_t off, struct vm_anon *anon,
    int flags, int strat, int free_list)
{
	struct vm_page *pg;
	unsigned int color, wantcolor;
	int try1, try2, fl;
	bool use_reserve, wasz, kick;

	KASSERT(uvm_page_inited);
	KASSERT(obj == NULL || anon == NULL);
	KASSERT(anon == NULL || off == 0);
	KASSERT(off >= 0 && (off & (voff_t)PAGE_MASK) == 0);
	KASSERT(obj == NULL || mutex_owned(obj->vmobjlock));
	KASSERT(anon == NULL || anon->an_lock == NULL ||
	    mutex_owned(anon->an_lock));
	KASSERT((flags & ~(UVM_PGA_USERESERVE | UVM_PGA_ZERO)) == 0);
	KASSERTMSG(strat == UVM_PGA_STRAT_NORMAL ||
	    strat == UVM_PGA_STRAT_ONLY || strat == UVM_PGA_STRAT_FALLBACK,
	    "uvm_pagealloc_strat: bad strategy %d", strat);
	KASSERTMSG(strat == UVM_PGA_STRAT_NORMAL ||
	    (free_list >= 0 && free_list < VM_NFREELIST),
	    "uvm_pagealloc_strat: bad free list %d", free_list);

	if (kern_fault_check(KFI_PAGE))
		return NULL;

	use_reserve = (flags & UVM_PGA_USERESERVE) != 0 ||
	    (obj != NULL && UVM_OBJ_IS_KERN_OBJECT(obj));
	if (flags & UVM_PGA_ZERO) {
		try1 = PGFL_ZEROS;
		try2 = PGFL_UNKNOWN;
	} else {
		try1 = PGFL_UNKNOWN;
		try2 = PGFL_ZEROS;
	}

	mutex_enter(&uvm_fpageqlock);
	if (__predict_false(uvmexp.free <= uvmexp.reserve_kernel ||
	    uvmexp.free <= uvmexp.reserve_pagedaemon) &&
	    ((uvmexp.free <= uvmexp.reserve_kernel && !use_reserve) ||
	    (uvmexp.free <= uvmexp.reserve_pagedaemon &&
	    !(use_reserve && uvm_pagedaemon_p())))) {
		mutex_exit(&uvm_fpageqlock);
		uvm_kick_pdaemon();
		return NULL;
	}
	wantcolor = color = uvm_pgfl_nextcolor;
	pg = NULL;
	if (strat != UVM_PGA_STRAT_NORMAL) {
		pg = pgfl_get(free_list, try1, try2, &color);
		if (pg == NULL && strat == UVM_PGA_STRAT_ONLY) {
			mutex_exit(&uvm_fpageqlock);
			return NULL;
		}
	}
	for (fl = 0; pg == NULL && fl < VM_NFREELIST; fl++)
		pg = pgfl_get(fl, try1, try2, &color);
	if (pg == NULL) {
		mutex_exit(&uvm_fpageqlock);
		uvm_kick_pdaemon();
		return NULL;
	}
	wasz = (pg->flags & PG_ZERO) != 0;
	uvm_pgfl_remove(pg);
	uvm_pgfl_nextcolor = (color + 1) & ((unsigned)uvm_pgfl.fl_ncolors - 1);
	/* Statistics of the pick, under the lock rather than atomically. */
	if (color == wantcolor)
		uvmexp.colorhit++;
	else
		uvmexp.colormiss++;
	if (flags & UVM_PGA_ZERO) {
		if (wasz)
			uvmexp.pga_zerohit++;
		else
			uvmexp.pga_zeromiss++;
	}
	kick = uvmexp.free < uvmexp.freemin;
	mutex_exit(&uvm_fpageqlock);
	if (__predict_false(kick))
		uvm_kick_pdaemon();

	pg->offset = off;
	pg->uobject = NULL;
	pg->uanon = NULL;
	pg->flags = PG_BUSY | PG_CLEAN | PG_FAKE;
	pg->pqflags &= PQ_FREELIST;
	pg->wire_count = 0;
	pg->loan_count = 0;
	pg->mdpage.mdpg_word = 0;
	if (obj != NULL) {
		if (uvm_pageinsert(obj, pg) != 0) {
			pg->flags = wasz ? PG_ZERO : 0;
			mutex_enter(&uvm_fpageqlock);
			uvm_pgfl_insert(pg);
			mutex_exit(&uvm_fpageqlock);
			return NULL;
		}
	} else if (anon != NULL) {
		KASSERT(anon->an_page == NULL);
		anon->an_page = pg;
		pg->uanon = anon;
		pg->flags |= PG_ANON;
		class_account(pg, 1);
	}

	if (flags & UVM_PGA_ZERO) {
		if (!wasz)
			pmap_zero_page(VM_PAGE_TO_PHYS(pg));
		/* Zero-filled is not clean: no backing store has it yet. */
		pg->flags = (uint16_t)((pg->flags & ~(PG_CLEAN | PG_FAKE)) |
		    PG_DIRTY);
	}
	return pg;
}

/*
 * uvm_pagerealloc: move pg to newobj at newoff (newobj NULL: leave it
 * unowned).
 *
 * => pg owned by an object or by nobody, not by an anon; both objects
 *    locked; nothing at newoff in newobj.
 */
void
uvm_pagerealloc(struct vm_page *pg, struct uvm_object *newobj, voff_t newoff)
{
	int error;

	KASSERT(pg != NULL && (pg->pqflags & PQ_FREE) == 0);
	KASSERT(pg->uanon == NULL);
	KASSERT(newoff >= 0 && (newoff & (voff_t)PAGE_MASK) == 0);
	if (pg->uobject != NULL)
		uvm_pageremove(pg);
	pg->offset = newoff;
	if (newobj != NULL) {
		error = uvm_pageinsert(newobj, pg);
		if (error)
			panic("uvm_pagerealloc: cannot insert page %p into"
			    " object %p: error %d", pg, newobj, error);
	}
}

/*
 * page_loan_disown: a page on loan has just lost its owner: its object
 * freed it or replaced it (uvm_pagereplace), or its anon freed it.  It
 * stays with its borrowers (uvm_loan(9)):
 *
 *	left an object, lent to an anon	the anon owns it now (its loan
 *					becomes ownership: one loan less)
 *	left an object, lent to the kernel	an orphan
 *	left its anon, lent to the kernel	an orphan
 *
 * An orphan has no owner, only loans; it is on no paging queue (nobody
 * could page it) and the last uvm_unloan() frees it.  Pages that left an
 * object count as dirty: no backing store has the borrowers' copy.
 *
 * => uvm_pageqlock held (owners of loaned pages change only under it, so
 *    a borrower holding it can find and lock the owner: uvm_unloan); the
 *    old owner locked; the object already gone (uvm_pageremove); the
 *    page unwired.
 */
static void
page_loan_disown(struct vm_page *pg)
{
	struct vm_anon *anon = pg->uanon;

	KASSERT(mutex_owned(&uvm_pageqlock));
	KASSERT(pg->loan_count > 0 && pg->wire_count == 0);
	KASSERT(pg->uobject == NULL);
	if ((pg->flags & PG_ANON) != 0) {
		/* Its anon lets go of it: an orphan. */
		KASSERT(anon != NULL);
		class_account(pg, -1);
		pg->flags &= (uint16_t)~PG_ANON;
		if (anon->an_page == pg)
			anon->an_page = NULL;
		pg->uanon = NULL;
	} else if (anon != NULL) {
		/*
		 * Its object let go of it: the borrowing anon takes it,
		 * queued afresh as the anon page it now is.
		 */
		uvm_pagedequeue(pg);
		pg->loan_count--;
		pg->flags |= PG_ANON;
		class_account(pg, 1);
	}
	pg->flags = (uint16_t)((pg->flags & ~(PG_CLEAN | PG_BUSY |
	    PG_RELEASED)) | PG_DIRTY);
	uvm_pagewakeup(pg);
	pg->pqflags &= (uint16_t)~PQ_ANON;
	if (pg->uanon == NULL)
		uvm_pagedequeue(pg);
	else
		uvm_pageactivate(pg);
}

/*
 * uvm_pagereplace: newpg takes the place of oldpg, which is on loan, in
 * oldpg's object (the loan break of a write fault: uvm_loanbreak).
 *
 * => the object locked; oldpg in it, on loan, unwired; newpg unowned
 *    (uvm_pagealloc(NULL, 0, NULL, ...)), its contents the caller's.
 * => newpg gets oldpg's offset; oldpg stays with its borrowers as if
 *    its object had freed it (see page_loan_disown).  Nothing is
 *    allocated, so this cannot fail.
 */
void
uvm_pagereplace(struct vm_page *oldpg, struct vm_page *newpg)
{
	struct uvm_object *obj = oldpg->uobject;
	void *old;
	bool taken;

	KASSERT(obj != NULL && mutex_owned(obj->vmobjlock));
	KASSERT((oldpg->flags & PG_TABLED) != 0);
	KASSERT(oldpg->loan_count > 0 && oldpg->wire_count == 0);
	KASSERT(newpg->uobject == NULL && newpg->uanon == NULL);
	KASSERT((newpg->pqflags & PQ_FREE) == 0);

	taken = uvm_lock_unless_owned(&uvm_pageqlock);
	old = uvm_radix_replace(&obj->uo_pages,
	    (uint64_t)atop(oldpg->offset), newpg);
	KASSERT(old == oldpg);
	(void)old;
	class_account(oldpg, -1);
	oldpg->flags &= (uint16_t)~(PG_TABLED | PG_AOBJ | PG_FILE);
	oldpg->uobject = NULL;
	newpg->offset = oldpg->offset;
	newpg->uobject = obj;
	newpg->flags |= (uint16_t)(PG_TABLED | obj_pgflags(obj));
	class_account(newpg, 1);
	page_loan_disown(oldpg);
	uvm_unlock_taken(&uvm_pageqlock, taken);
}

/*
 * uvm_pagefree: free pg.
 *
 * => the owner (if any) locked; pg unmapped, not being paged out.
 * => uvm_pageqlock and uvm_fpageqlock may be held (a caller freeing a
 *    batch takes them once: the pageout completion); taken otherwise.
 * => a wired page is unwired, a queued one dequeued, a PG_WANTED one's
 *    sleepers woken.
 * => a loaned page (loan_count > 0) is not freed: it loses its owner and
 *    stays with its borrowers (an anon that borrowed an object's page
 *    owns it now; otherwise the last uvm_unloan frees it): see
 *    page_loan_disown.
 * => PG_ZERO in pg->flags says the bytes are zero: the page joins the
 *    zero pool.
 */
void
uvm_pagefree(struct vm_page *pg)
{
	bool taken;

	KASSERT(pg != NULL);
	KASSERTMSG((pg->pqflags & PQ_FREE) == 0,
	    "uvm_pagefree: page %p is already free", pg);
	KASSERT((pg->flags & PG_PAGEOUT) == 0);
	KASSERT(owner_locked_p(pg));

	if (pg->loan_count != 0) {
		KASSERT(pg->wire_count == 0);
		KASSERT(pg->uobject != NULL || (pg->flags & PG_ANON) != 0);
		taken = uvm_lock_unless_owned(&uvm_pageqlock);
		if (pg->uobject != NULL)
			uvm_pageremove(pg);
		page_loan_disown(pg);
		uvm_unlock_taken(&uvm_pageqlock, taken);
		return;
	}

	if (pg->uobject != NULL) {
		uvm_pageremove(pg);
	} else if (pg->uanon != NULL) {
		KASSERT(pg->uanon->an_page == pg);
		class_account(pg, -1);
		pg->uanon->an_page = NULL;
		pg->uanon = NULL;
	}
	uvm_pagewakeup(pg);

	/*
	 * Only a queued or wired page needs the queue lock: nobody can put
	 * an unqueued page we own on a queue behind our back (the
	 * pagedaemon finds pages through the queues).
	 */
	if ((pg->pqflags & (PQ_ACTIVE | PQ_INACTIVE)) != 0 ||
	    pg->wire_count != 0) {
		taken = uvm_lock_unless_owned(&uvm_pageqlock);
		pq_remove(pg);
		if (pg->wire_count != 0) {
			pg->wire_count = 0;
			wired_account(-1);
		}
		uvm_unlock_taken(&uvm_pageqlock, taken);
	}
	pg->pqflags &= PQ_FREELIST;
	taken = uvm_lock_unless_owned(&uvm_fpageqlock);
	uvm_pgfl_insert(pg);
	uvm_unlock_taken(&uvm_fpageqlock, taken);
}

/* ---------------------------------------------------------------------
 * The busy/wanted protocol.  A PG_BUSY page belongs to whoever set the
 * bit; others set PG_WANTED and sleep on the page until it is unbusied.
 */

/*
 * uvm_pagewait: sleep until busy pg is unbusied (or freed).
 *
 * => lock (the owner's) held on entry, released on return: the caller
 *    must look the page up again.
 * => in a deterministic machine with I/O queued, completes the queue
 *    instead of sleeping (the caller looks again, and waits again if
 *    the page is still busy).
 */
void
uvm_pagewait(struct vm_page *pg, kmutex_t *lock, const char *wmesg)
{
	KASSERT(mutex_owned(lock));
	KASSERT(pg->flags & PG_BUSY);
	if (bio_deferred()) {
		/*
		 * A deterministic machine's queued I/O (perhaps the one
		 * pg waits for) completes in the thread about to sleep.
		 * Wanted, as a sleeper would have it: a pageout's
		 * completion then leaves the page resident for us.
		 */
		pg->flags |= PG_WANTED;
		mutex_exit(lock);
		(void)biodrain();
		return;
	}
	pg->flags |= PG_WANTED;
	(void)mtsleep(pg, wmesg, 0, lock);
	mutex_exit(lock);
}

/*
 * uvm_pagewakeup: wake whoever waits for pg.
 *
 * => owner locked.
 */
void
uvm_pagewakeup(struct vm_page *pg)
{
	if (pg->flags & PG_WANTED) {
		pg->flags &= (uint16_t)~PG_WANTED;
		wakeup(pg);
	}
}

/*
 * uvm_pageunbusy: end our use of busy pg: wake its waiters and, if it
 * was released meanwhile (PG_RELEASED), free it.
 *
 * => owner locked; pg PG_BUSY.
 */
void
uvm_pageunbusy(struct vm_page *pg)
{
	KASSERT(pg->flags & PG_BUSY);
	KASSERT(owner_locked_p(pg));
	uvm_pagewakeup(pg);
	if (pg->flags & PG_RELEASED) {
		KASSERT(pg->uobject != NULL ||
		    (pg->uanon != NULL && pg->uanon->an_ref > 0));
		pg->flags &= (uint16_t)~(PG_BUSY | PG_RELEASED);
		uvm_pagefree(pg);
		return;
	}
	pg->flags &= (uint16_t)~PG_BUSY;
}

/*
 * uvm_page_unbusy: uvm_pageunbusy() each of npgs pages (NULL entries
 * are skipped).
 */
void
uvm_page_unbusy(struct vm_page **pgs, int npgs)
{
	for (int i = 0; i < npgs; i++)
		if (pgs[i] != NULL)
			uvm_pageunbusy(pgs[i]);
}

/*
 * uvm_pagecheckdirty: is pg modified?  If pgprotected (no writable
 * mapping can exist any more), it becomes PG_CLEAN; otherwise a dirty
 * page goes to unknown state (neither flag) with its pmap modified bit
 * cleared, so a later write shows.
 *
 * => owner locked.
 */
bool
uvm_pagecheckdirty(struct vm_page *pg, bool pgprotected)
{
	const uint16_t st = pg->flags & (PG_CLEAN | PG_DIRTY);
	bool modified;

	KASSERT(owner_locked_p(pg));
	KASSERT(st != (PG_CLEAN | PG_DIRTY));
	if (st == PG_CLEAN)
		return false;
	if (st == PG_DIRTY) {
		modified = true;
		if (!pgprotected)
			(void)pmap_clear_modify(pg);
	} else {
		modified = pmap_clear_modify(pg);
	}
	pg->flags &= (uint16_t)~(PG_CLEAN | PG_DIRTY);
	if (pgprotected)
		pg->flags |= PG_CLEAN;
	return modified;
}

/* ---------------------------------------------------------------------
 * Paging queues.  A wired page is on no queue; queue moves of a wired
 * page are ignored, as in NetBSD.
 */

static inline void
pq_remove(struct vm_page *pg)
{
	if (pg->pqflags & (PQ_ACTIVE | PQ_INACTIVE))
		uvmpdpol->pdp_pagedequeue(pg);
}

#define PQ_CHECK(pg) \
	KASSERTMSG(((pg)->pqflags & PQ_FREE) == 0, \
	    "page %p is free", (pg))

/* uvm_pageactivate: the policy's "pg was used" (CLOCK: active tail). */
void
uvm_pageactivate(struct vm_page *pg)
{
	bool taken = uvm_lock_unless_owned(&uvm_pageqlock);

	PQ_CHECK(pg);
	if (pg->wire_count == 0)
		uvmpdpol->pdp_pageactivate(pg);
	uvm_unlock_taken(&uvm_pageqlock, taken);
}

/*
 * uvm_pagedeactivate: the policy's "pg is less useful" (CLOCK: inactive
 * tail, referenced bit cleared: the second chance starts now).
 */
void
uvm_pagedeactivate(struct vm_page *pg)
{
	bool taken = uvm_lock_unless_owned(&uvm_pageqlock);

	PQ_CHECK(pg);
	if (pg->wire_count == 0)
		uvmpdpol->pdp_pagedeactivate(pg);
	uvm_unlock_taken(&uvm_pageqlock, taken);
}

/* uvm_pagedequeue: take pg off whichever paging queue it is on. */
void
uvm_pagedequeue(struct vm_page *pg)
{
	bool taken = uvm_lock_unless_owned(&uvm_pageqlock);

	PQ_CHECK(pg);
	pq_remove(pg);
	uvm_unlock_taken(&uvm_pageqlock, taken);
}

/* uvm_pageenqueue: queue pg unless it is wired or already queued. */
void
uvm_pageenqueue(struct vm_page *pg)
{
	bool taken = uvm_lock_unless_owned(&uvm_pageqlock);

	PQ_CHECK(pg);
	if (pg->wire_count == 0 && !uvmpdpol->pdp_pageisqueued_p(pg))
		uvmpdpol->pdp_pageenqueue(pg);
	uvm_unlock_taken(&uvm_pageqlock, taken);
}

/* uvm_pagewire: wire pg (once more); the first wiring dequeues it. */
void
uvm_pagewire(struct vm_page *pg)
{
	bool taken = uvm_lock_unless_owned(&uvm_pageqlock);

	PQ_CHECK(pg);
	KASSERT(pg->wire_count < UINT16_MAX);
	if (pg->wire_count == 0) {
		pq_remove(pg);
		wired_account(1);
	}
	pg->wire_count++;
	uvm_unlock_taken(&uvm_pageqlock, taken);
}

/* uvm_pageunwire: drop one wiring; the last one activates the page. */
void
uvm_pageunwire(struct vm_page *pg)
{
	bool taken = uvm_lock_unless_owned(&uvm_pageqlock);

	PQ_CHECK(pg);
	KASSERTMSG(pg->wire_count > 0, "uvm_pageunwire: page %p not wired",
	    pg);
	if (--pg->wire_count == 0) {
		wired_account(-1);
		uvmpdpol->pdp_pageactivate(pg);
	}
	uvm_unlock_taken(&uvm_pageqlock, taken);
}

/* ---------------------------------------------------------------------
 * Contents.
 */

/* uvm_pagezero: zero pg's bytes; it is then dirty. */
void
uvm_pagezero(struct vm_page *pg)
{
	PQ_CHECK(pg);
	pg->flags = (uint16_t)((pg->flags & ~PG_CLEAN) | PG_DIRTY);
	pmap_zero_page(VM_PAGE_TO_PHYS(pg));
}

/* uvm_pagecopy: copy src's bytes to dst; dst is then dirty. */
void
uvm_pagecopy(struct vm_page *src, struct vm_page *dst)
{
	PQ_CHECK(src);
	PQ_CHECK(dst);
	dst->flags = (uint16_t)((dst->flags & ~PG_CLEAN) | PG_DIRTY);
	pmap_copy_page(VM_PAGE_TO_PHYS(src), VM_PAGE_TO_PHYS(dst));
}

/*
 * uvm_pageidlezero: move up to n free pages of unknown contents to the
 * zero pool, zeroing them, so that later UVM_PGA_ZERO requests need not.
 * Each page is off the free lists while it is zeroed, so we stop (and
 * count a uvmexp.zeroaborts) when memory is down to the kernel reserve.
 *
 * => no locks held; may be called from any thread (an idle loop).
 * => returns the number of pages zeroed.
 */
int
uvm_pageidlezero(int n)
{
	struct vm_page *pg;
	int done = 0;

	KASSERT(uvm_page_inited);
	while (done < n) {
		pg = NULL;
		mutex_enter(&uvm_fpageqlock);
		if (uvmexp.free <= uvmexp.reserve_kernel) {
			uvmexp.zeroaborts++;
			mutex_exit(&uvm_fpageqlock);
			break;
		}
		for (int fl = 0; pg == NULL && fl < VM_NFREELIST; fl++) {
			if (uvm_pgfl.fl_nfree[fl] == 0)
				continue;
			for (unsigned c = 0; pg == NULL &&
			    c < (unsigned)uvm_pgfl.fl_ncolors; c++)
				pg = TAILQ_FIRST(pgfl_queue(fl, c, PGFL_UNKNOWN));
		}
		if (pg == NULL) {
			mutex_exit(&uvm_fpageqlock);
			break;
		}
		uvm_pgfl_remove(pg);
		mutex_exit(&uvm_fpageqlock);

		pmap_zero_page(VM_PAGE_TO_PHYS(pg));
		pg->flags = PG_ZERO;
		mutex_enter(&uvm_fpageqlock);
		uvm_pgfl_insert(pg);
		mutex_exit(&uvm_fpageqlock);
		done++;
	}
	return done;
}

/* ---------------------------------------------------------------------
 * The checker.
 */

/* Check one page's own state; NULL or what is wrong. */
static const char *
check_page(const struct vm_page *pg, int segfl)
{
	const unsigned int q = pg->pqflags & PQ_QMASK;

	if (uvm_pgfl_index(pg) != segfl)
		return "page's free list differs from its segment's";
	if (q != 0 && q != PQ_FREE && q != PQ_ACTIVE && q != PQ_INACTIVE)
		return "page on more than one queue";
	if (q == PQ_FREE) {
		if (pg->uobject != NULL || pg->uanon != NULL ||
		    pg->wire_count != 0 || pg->loan_count != 0 ||
		    (pg->flags & ~PG_ZERO) != 0)
			return "free page is owned, wired, loaned or flagged";
		return NULL;
	}
	if (q != 0 && pg->wire_count != 0)
		return "wired page on a paging queue";
	if (pg->uobject != NULL) {
		if ((pg->flags & PG_TABLED) == 0)
			return "object page not PG_TABLED";
		if (uvm_radix_lookup(&pg->uobject->uo_pages,
		    (uint64_t)atop(pg->offset)) != pg)
			return "object page not in its object's tree";
	} else if (pg->flags & PG_TABLED) {
		return "PG_TABLED page without an object";
	}
	if (pg->uanon != NULL && pg->uobject == NULL &&
	    pg->uanon->an_page != pg && pg->loan_count == 0)
		return "anon page whose anon does not point back";
	if ((pg->flags & PG_ANON) && pg->uanon == NULL)
		return "PG_ANON page without an anon";
	/* Loans (uvm_loan.c): an object's page lent to an anon ... */
	if (pg->uobject != NULL && pg->uanon != NULL &&
	    (pg->loan_count == 0 || (pg->flags & PG_ANON) != 0 ||
	    pg->uanon->an_page != pg))
		return "object page lent to an anon without a loan";
	/* ... and an orphan: no owner, only loans, on no queue. */
	if (pg->uobject == NULL && pg->uanon == NULL && pg->loan_count != 0 &&
	    (q != 0 || pg->wire_count != 0 ||
	    (pg->flags & (PG_AOBJ | PG_FILE)) != 0))
		return "orphaned loaned page queued, wired or classed";
	return NULL;
}

/*
 * uvm_page_check: verify the physical layer: every managed page in
 * exactly one state, every free page on the right free list, and every
 * counter equal to what it counts.
 *
 * => quiescent machine (nobody else inside UVM); NULL if all is well.
 */
const char *
uvm_page_check(void)
{
	int nfree[VM_NFREELIST] = { 0 };
	int free = 0, zero = 0, wired = 0, act = 0, inact = 0;
	int anon = 0, file = 0, managed = 0;
	const char *why = NULL;

	if (!uvm_page_inited)
		return NULL;
	mutex_enter(&uvm_pageqlock);
	mutex_enter(&uvm_fpageqlock);

	/* Every free list queue: right list, colour, pool; counted. */
	for (int fl = 0; fl < VM_NFREELIST && why == NULL; fl++) {
		for (unsigned c = 0; c < (unsigned)uvm_pgfl.fl_ncolors; c++) {
			for (int q = 0; q < PGFL_NQUEUES; q++) {
				const struct vm_page *pg;

				TAILQ_FOREACH(pg, pgfl_queue(fl, c, q), pageq) {
					if ((pg->pqflags & PQ_QMASK) != PQ_FREE)
						why = "page on a free list is"
						    " not PQ_FREE";
					else if (uvm_pgfl_index(pg) != fl)
						why = "free page on another"
						    " free list";
					else if (VM_PGCOLOR(pg) != c)
						why = "free page in the wrong"
						    " colour bucket";
					else if (((pg->flags & PG_ZERO) != 0) !=
					    (q == PGFL_ZEROS))
						why = "PG_ZERO page outside the"
						    " zero pool or vice versa";
					if (why != NULL ||
					    ++free > uvmexp.npages) {
						if (why == NULL)
							why = "free lists longer"
							    " than memory";
						goto out;
					}
					nfree[fl]++;
					if (pg->flags & PG_ZERO)
						zero++;
				}
			}
		}
		if (nfree[fl] != uvm_pgfl.fl_nfree[fl])
			why = "free list count differs from its length";
	}
	if (why != NULL)
		goto out;
	if (free != uvmexp.free) {
		why = "uvmexp.free differs from the free lists' length";
		goto out;
	}
	if (zero != uvmexp.zeropages) {
		why = "uvmexp.zeropages differs from the zero pool's size";
		goto out;
	}
	if ((why = uvmpdpol->pdp_check()) != NULL)
		goto out;

	/* Every managed page, segment by segment. */
	memset(nfree, 0, sizeof(nfree));
	for (uvm_physseg_t seg = uvm_physseg_get_first();
	    uvm_physseg_valid_p(seg); seg = uvm_physseg_get_next(seg)) {
		const paddr_t start = uvm_physseg_get_start(seg);
		const paddr_t as = uvm_physseg_get_avail_start(seg);
		const paddr_t ae = uvm_physseg_get_avail_end(seg);
		const int segfl = uvm_physseg_get_free_list(seg);
		int segfree = 0;

		for (paddr_t pfn = as; pfn < ae; pfn++) {
			const struct vm_page *pg =
			    uvm_physseg_get_pg(seg, pfn - start);

			if (VM_PAGE_TO_PHYS(pg) != ptoa(pfn)) {
				why = "page's physical address is wrong";
				goto out;
			}
			if ((why = check_page(pg, segfl)) != NULL)
				goto out;
			managed++;
			if (pg->pqflags & PQ_FREE)
				segfree++;
			if (pg->pqflags & PQ_ACTIVE)
				act++;
			if (pg->pqflags & PQ_INACTIVE)
				inact++;
			if (pg->wire_count != 0)
				wired++;
			if ((pg->pqflags & PQ_FREE) == 0) {
				if (pg->flags & (PG_ANON | PG_AOBJ))
					anon++;
				else if (pg->flags & PG_FILE)
					file++;
			}
		}
		nfree[segfl] += segfree;
	}
	for (int fl = 0; fl < VM_NFREELIST; fl++)
		if (nfree[fl] != uvm_pgfl.fl_nfree[fl]) {
			why = "free pages of a free list's segments differ from"
			    " the free list";
			goto out;
		}
	if (managed != uvmexp.npages)
		why = "uvmexp.npages differs from the segments' pages";
	else if (act != uvmexp.active)
		why = "uvmexp.active differs from the active pages";
	else if (inact != uvmexp.inactive)
		why = "uvmexp.inactive differs from the inactive pages";
	else if (wired != uvmexp.wired)
		why = "uvmexp.wired differs from the wired pages";
	else if (anon != uvmexp.anonpages)
		why = "uvmexp.anonpages differs from the anon pages";
	else if (file != uvmexp.filepages)
		why = "uvmexp.filepages differs from the file pages";
out:
	mutex_exit(&uvm_fpageqlock);
	mutex_exit(&uvm_pageqlock);
	return why;
}
