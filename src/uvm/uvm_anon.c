/*
 * uvm_anon.c: anons, the pages of anonymous memory.
 *
 * An anon is one page of anonymous memory: its resident page (an_page,
 * whose uanon points back at the anon), or its swap slot (an_swslot)
 * while paged out, or both while a clean copy sits in swap.  Anons are
 * reference counted by the amap slots that hold them (and by loans to
 * the kernel); copy-on-write sharing is an anon with an_ref > 1, and the
 * fault handler gives a writer its own copy of such an anon.
 *
 * Life of an anon:
 *	uvm_analloc		one reference, no page, no slot, no lock
 *	amap_add		an_lock := the amap's lock
 *	uvm_pagealloc(.., anon)	an_page set (the fault handler does this)
 *	... an_ref moves with amap_copy/amap_unref ...
 *	uvm_anfree		an_ref == 0: page and slot released
 *
 * Freeing a loaned page: a page with loan_count > 0 has another owner
 * besides the anon, and the anon leaves the page to it (NetBSD style):
 * an object page loaned to the anon goes back to its object with one loan
 * less; the anon's own page loaned to the kernel (uvm_loan TOPAGE) stays
 * with the borrower, who frees it when the last loan is dropped (that
 * case is uvm_pagefree's: it knows the page classes).  An object that
 * frees a page it lent to an anon gives it to the anon for good.
 *
 * Locking: an_ref, an_page and an_swslot are protected by an_lock (the
 * owning amap's lock).  The lock is kept alive by the amaps that use it
 * (mutex_obj_hold), not by the anons: an anon is reachable only through
 * an amap slot, so while it is, some amap holds its lock; an anon lent
 * out by uvm_loan(UVM_LOAN_TOANON) is reachable through the loan too, and
 * each such reference holds the lock as well.  Lock order: amap/anon
 * lock -> object lock -> uvm_pageqlock.  uvmexp.nanon is atomic.
 */

#include "uvm_impl.h"
#include "uvm_pdpolicy.h"

static struct pool uvm_anon_pool;

/*
 * uvm_anon_init: set up the anon pool (boot).
 */
void
uvm_anon_init(void)
{
	pool_init(&uvm_anon_pool, sizeof(struct vm_anon), 0, 0, 0, "anonpl",
	    NULL, IPL_NONE);
}

/*
 * uvm_anon_fini: tear the pool down (shutdown); every anon is freed.
 */
void
uvm_anon_fini(void)
{
	KASSERTMSG(uvmexp.nanon == 0, "uvm_anon_fini: %d anons left",
	    uvmexp.nanon);
	pool_destroy(&uvm_anon_pool);
}

/*
 * uvm_analloc: allocate an anon.
 *
 * => returns an anon with one reference, no page, no swap slot and no
 *    lock (amap_add gives it its amap's), or NULL if none can be had
 *    without sleeping (the fault handler counts fltnoanon and waits).
 */
struct vm_anon *
uvm_analloc(void)
{
	struct vm_anon *anon;

	if (kern_fault_check(KFI_ANON))
		return NULL;
	anon = pool_get(&uvm_anon_pool, PR_NOWAIT);
	if (anon == NULL)
		return NULL;
	anon->an_lock = NULL;
	anon->an_page = NULL;
	anon->an_ref = 1;
	anon->an_swslot = 0;
	atomic_inc_uint((unsigned int *)&uvmexp.nanon);
	return anon;
}

/*
 * uvm_anon_dropswap: release the anon's swap slot, if it has one.
 *
 * => anon locked (if it has a lock).
 */
void
uvm_anon_dropswap(struct vm_anon *anon)
{
	KASSERT(anon->an_lock == NULL || mutex_owned(anon->an_lock));
	if (anon->an_swslot == 0)
		return;
	if (anon->an_page == NULL)
		uvmpd_swpgonly(-1);	/* it was the only copy */
	uvm_swap_free(anon->an_swslot, 1);
	anon->an_swslot = 0;
}

/*
 * uvm_anon_lockloanpg: lock the other owner of the anon's loaned page.
 *
 * => anon locked; it stays locked throughout (lock order: anon, then
 *    object).
 * => returns the anon's page (NULL if none); if it is an object's page
 *    lent to the anon, that object is locked too, and stays the page's
 *    owner until unlocked.
 * => The object can give the page up (to the anon: uvm_pagefree) until
 *    its lock is held, and only does so under uvm_pageqlock, so the
 *    owner is read under that lock and its lock held (mutex_obj_hold)
 *    across the sleep for it; then we look again.
 */
struct vm_page *
uvm_anon_lockloanpg(struct vm_anon *anon)
{
	struct vm_page *pg;
	kmutex_t *olock;

	KASSERT(anon->an_lock == NULL || mutex_owned(anon->an_lock));
	for (;;) {
		pg = anon->an_page;
		if (pg == NULL)
			return NULL;
		mutex_enter(&uvm_pageqlock);
		if (pg->uobject == NULL) {
			mutex_exit(&uvm_pageqlock);
			return pg;
		}
		KASSERT(pg->loan_count > 0);
		olock = pg->uobject->vmobjlock;
		if (mutex_tryenter(olock)) {
			mutex_exit(&uvm_pageqlock);
			return pg;
		}
		mutex_obj_hold(olock);
		mutex_exit(&uvm_pageqlock);
		mutex_enter(olock);
		mutex_enter(&uvm_pageqlock);
		if (anon->an_page == pg && pg->uobject != NULL &&
		    pg->uobject->vmobjlock == olock) {
			mutex_exit(&uvm_pageqlock);
			mutex_obj_free(olock);	/* the object holds its own */
			return pg;
		}
		/* It changed hands while we slept. */
		mutex_exit(&uvm_pageqlock);
		mutex_exit(olock);
		mutex_obj_free(olock);
	}
}

/*
 * uvm_anon_droppage: give up the anon's resident page.
 *
 * => anon locked.
 */
static void
uvm_anon_droppage(struct vm_anon *anon)
{
	struct vm_page *pg;
	struct uvm_object *uobj;

	pg = uvm_anon_lockloanpg(anon);
	KASSERT(pg != NULL && pg->uanon == anon);
	KASSERTMSG((pg->flags & PG_BUSY) == 0,
	    "uvm_anfree: anon %p page %p busy", anon, pg);
	if ((uobj = pg->uobject) != NULL) {
		/*
		 * An object's page loaned to us (locked for us above): it
		 * goes back to the object with one loan less.
		 */
		mutex_enter(&uvm_pageqlock);
		KASSERT(pg->loan_count > 0);
		pg->loan_count--;
		pg->uanon = NULL;
		mutex_exit(&uvm_pageqlock);
		mutex_exit(uobj->vmobjlock);
		anon->an_page = NULL;
		return;
	}
	/*
	 * Our page (perhaps one its object gave up to us while lending
	 * it).  uvm_pagefree() frees it, or, if the kernel still borrows
	 * it (loan_count > 0), leaves it to the borrower.
	 */
	pmap_page_protect(pg, VM_PROT_NONE);
	uvm_pagefree(pg);
	anon->an_page = NULL;
}

/*
 * uvm_anfree: free an anon that nobody references any more.
 *
 * => an_ref == 0; the anon is out of every amap.
 * => anon locked if it has a lock (it still does after leaving its
 *    amap: amap_unadd does not clear it).
 * => its page is freed (or left to its other owner if loaned), its swap
 *    slot released, and the anon returned to the pool.
 */
static void	anon_free(struct vm_anon *);

void
uvm_anfree(struct vm_anon *anon)
{
	struct vm_page *pg;

	KASSERT(anon->an_ref == 0);
	KASSERT(anon->an_lock == NULL || mutex_owned(anon->an_lock));
	uvm_anon_dropswap(anon);
	pg = anon->an_page;
	if (pg != NULL && (pg->flags & PG_BUSY) != 0) {
		/*
		 * Being paged out (nothing else leaves an anon's page busy
		 * with the anon unlocked): the pageout's completion frees
		 * the page and the anon (uvm_anon_release).
		 */
		KASSERT(pg->flags & PG_PAGEOUT);
		pg->flags |= PG_RELEASED;
		return;
	}
	if (pg != NULL)
		uvm_anon_droppage(anon);
	anon_free(anon);
}

/*
 * uvm_anon_release: the pageout of the page of an anon freed meanwhile
 * (PG_RELEASED) ended: free the page, then the anon.
 *
 * => anon locked (the caller keeps a reference to the lock: it unlocks
 *    it afterwards), uvm_pageqlock may be held; the page's swap slot, if
 *    the write gave it one, is already freed.
 */
void
uvm_anon_release(struct vm_anon *anon)
{
	struct vm_page *pg = anon->an_page;

	KASSERT(anon->an_ref == 0 && anon->an_swslot == 0);
	KASSERT(pg != NULL && pg->uanon == anon);
	KASSERT((pg->flags & (PG_BUSY | PG_RELEASED | PG_PAGEOUT)) ==
	    (PG_BUSY | PG_RELEASED));
	/* Never loaned: the pagedaemon does not page out loaned pages. */
	KASSERT(pg->uobject == NULL && pg->loan_count == 0);
	pg->flags &= (uint16_t)~(PG_BUSY | PG_RELEASED);
	pmap_page_protect(pg, VM_PROT_NONE);
	uvm_pagefree(pg);
	KASSERT(anon->an_page == NULL);
	anon_free(anon);
}

/* Give the anon back (its page and slot gone). */
static void
anon_free(struct vm_anon *anon)
{
	{
		/*
		 * The policy may remember the anon as evicted, or about to
		 * be (CLOCK-Pro's history): it forgets it now.
		 */
		bool taken = !mutex_owned(&uvm_pageqlock);

		if (taken)
			mutex_enter(&uvm_pageqlock);
		uvmpdpol->pdp_anfree(anon);
		if (taken)
			mutex_exit(&uvm_pageqlock);
	}
	anon->an_lock = NULL;
	pool_put(&uvm_anon_pool, anon);
	atomic_dec_uint((unsigned int *)&uvmexp.nanon);
}
