/*
 * uvm_object.c: the generic part of a memory object: initialising and
 * destroying one, choosing its lock, and wiring a range of its pages
 * (uvm_obj_init(9)).
 *
 * Every pager (aobj, vnode, device) embeds a struct uvm_object and calls
 * uvm_obj_init() on it.  The object's lock is a separately allocated,
 * reference-counted mutex (mutex_obj_alloc(9)), so that several objects
 * can share one: an object either allocates its own (alock true) or the
 * caller installs one with uvm_obj_setlock(), whose reference then
 * belongs to the object.
 *
 * Locking: uvm_obj_init/uvm_obj_destroy run on an object nobody else can
 * see.  uvm_obj_wirepages/unwirepages take the object's lock themselves
 * (the pager's get routine drops it, as unlocked pgo_get does); the page
 * queue lock is taken inside the object lock to wire and unwire, the
 * order of uvm_fault.c (object -> page queues).
 */

#include "uvm_impl.h"

/* Pages fetched from the pager per pgo_get call. */
#define FETCH_PAGECOUNT	16

/*
 * uvm_obj_init: initialise a memory object.
 *
 * => alock: allocate the object's own lock; otherwise vmobjlock stays
 *    NULL until the caller installs one with uvm_obj_setlock().
 * => refs: initial reference count (UVM_OBJ_KERN for an object that is
 *    never freed).
 */
void
uvm_obj_init(struct uvm_object *uo, const struct uvm_pagerops *ops,
    bool alock, unsigned int refs)
{
	KASSERT(uo != NULL);
	uo->vmobjlock = alock ? mutex_obj_alloc(MUTEX_DEFAULT, IPL_NONE) : NULL;
	uo->pgops = ops;
	uo->uo_pages.rt_root = NULL;
	uo->uo_pages.rt_height = 0;
	uo->uo_npages = 0;
	uo->uo_refs = refs;
}

/*
 * uvm_obj_setlock: give the object lockptr as its lock.
 *
 * => the caller has a reference to lockptr (mutex_obj_alloc or
 *    mutex_obj_hold) that passes to the object; NULL means "allocate a
 *    fresh lock".
 * => the object's previous lock, if any, loses the object's reference.
 * => the object must have no pages (nobody may be relying on the old
 *    lock to protect them).
 */
void
uvm_obj_setlock(struct uvm_object *uo, kmutex_t *lockptr)
{
	kmutex_t *olock = uo->vmobjlock;

	KASSERT(uo->uo_npages == 0);
	if (lockptr == NULL)
		lockptr = mutex_obj_alloc(MUTEX_DEFAULT, IPL_NONE);
	uo->vmobjlock = lockptr;
	if (olock != NULL)
		mutex_obj_free(olock);
}

/*
 * uvm_obj_destroy: the object is going away; release what uvm_obj_init
 * set up.
 *
 * => the object has no pages left.
 * => dlock: drop the object's reference to its lock.
 */
void
uvm_obj_destroy(struct uvm_object *uo, bool dlock)
{
	KASSERT(uo->uo_npages == 0);
	KASSERT(uvm_radix_empty_p(&uo->uo_pages));
	uvm_radix_fini(&uo->uo_pages);
	if (dlock && uo->vmobjlock != NULL) {
		mutex_obj_free(uo->vmobjlock);
		uo->vmobjlock = NULL;
	}
	uo->pgops = NULL;
}

/*
 * wirepages_abort: give back a batch of busy pages of which the first
 * nwired are wired: queue the others, unbusy all.  Object locked on
 * entry, unlocked on return.
 */
static void
wirepages_abort(struct uvm_object *uobj, struct vm_page **pgs, int nwired,
    int npages)
{
	for (int i = nwired; i < npages; i++) {
		mutex_enter(&uvm_pageqlock);
		uvm_pageactivate(pgs[i]);
		mutex_exit(&uvm_pageqlock);
	}
	uvm_page_unbusy(pgs, npages);
	mutex_exit(uobj->vmobjlock);
}

/*
 * uvm_obj_wirepages: bring pages [start, end) of the object in and wire
 * them.
 *
 * => start and end are page aligned; the object is unlocked.
 * => each page is fetched with the pager's pgo_get (PGO_SYNCIO), so it is
 *    read from backing store or zero-filled as the pager does; it is then
 *    marked dirty (the wired copy is the only good one from now on) and
 *    wired.
 * => if list is not NULL, the pages are appended to it through pageq (a
 *    wired page is on no paging queue, so the link is free).
 * => returns 0, or the pager's error; on error no page of the range is
 *    left wired by this call.
 */
int
uvm_obj_wirepages(struct uvm_object *uobj, off_t start, off_t end,
    struct pglist *list)
{
	struct vm_page *pgs[FETCH_PAGECOUNT];
	off_t offset = start;
	int64_t left;
	int i, npages, error;

	KASSERT(start >= 0 && start <= end);
	KASSERT((start & (off_t)PAGE_MASK) == 0 &&
	    (end & (off_t)PAGE_MASK) == 0);
	KASSERT(uobj->pgops != NULL && uobj->pgops->pgo_get != NULL);

	left = (end - start) >> PAGE_SHIFT;
	mutex_enter(uobj->vmobjlock);
	while (left > 0) {
		npages = (int)MIN(FETCH_PAGECOUNT, left);
		memset(pgs, 0, sizeof(pgs));
		/* An unlocked get: it returns with the object unlocked. */
		error = (*uobj->pgops->pgo_get)(uobj, offset, pgs, &npages, 0,
		    VM_PROT_READ | VM_PROT_WRITE, UVM_ADV_SEQUENTIAL,
		    PGO_SYNCIO);
		if (error != 0) {
			KASSERT(!mutex_owned(uobj->vmobjlock));
			if (offset > start)
				uvm_obj_unwirepages(uobj, start, offset);
			return error;
		}
		mutex_enter(uobj->vmobjlock);
		for (i = 0; i < npages; i++) {
			struct vm_page *pg = pgs[i];

			KASSERT(pg != NULL);
			KASSERT(pg->uobject == uobj);
			KASSERT(pg->offset == offset + ((off_t)i << PAGE_SHIFT));
			KASSERT((pg->flags & (PG_BUSY | PG_RELEASED)) == PG_BUSY);
			if (pg->loan_count != 0) {
				/*
				 * Wired pages are written: the borrowers keep
				 * the old page, the object gets a copy.
				 */
				struct vm_page *npg = uvm_loanbreak(pg);

				if (npg == NULL) {
					error = ENOMEM;
					wirepages_abort(uobj, pgs, i, npages);
					if (offset + ((off_t)i << PAGE_SHIFT) >
					    start)
						uvm_obj_unwirepages(uobj, start,
						    offset + ((off_t)i <<
						    PAGE_SHIFT));
					return error;
				}
				pgs[i] = pg = npg;
			}
			pg->flags &= ~PG_CLEAN;
			pg->flags |= PG_DIRTY;
			uvm_pagewire(pg);
			if (list != NULL)
				TAILQ_INSERT_TAIL(list, pg, pageq);
		}
		uvm_page_unbusy(pgs, npages);
		left -= npages;
		offset += (off_t)npages << PAGE_SHIFT;
	}
	mutex_exit(uobj->vmobjlock);
	return 0;
}

/*
 * uvm_obj_unwirepages: undo uvm_obj_wirepages for [start, end).
 *
 * => every page of the range is resident and wired (by wirepages); the
 *    object is unlocked.  Pages that lose their last wiring go back on a
 *    paging queue.
 */
void
uvm_obj_unwirepages(struct uvm_object *uobj, off_t start, off_t end)
{
	struct vm_page *pg;
	off_t offset;

	KASSERT(start >= 0 && start <= end);
	mutex_enter(uobj->vmobjlock);
	for (offset = start; offset < end; offset += (off_t)PAGE_SIZE) {
		pg = uvm_pagelookup(uobj, offset);
		KASSERT(pg != NULL);
		KASSERT((pg->flags & PG_RELEASED) == 0);
		KASSERT(pg->wire_count > 0);
		uvm_pageunwire(pg);
	}
	mutex_exit(uobj->vmobjlock);
}
