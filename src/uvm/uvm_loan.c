/*
 * uvm_loan.c: page loanout, uvm_loan(9).
 *
 * A loan lends the pages of a map, read-only, to someone who did not map
 * them: to the kernel (UVM_LOAN_TOPAGE: the borrower gets vm_page
 * pointers, e.g. for zero-copy I/O) or to anons (UVM_LOAN_TOANON: the
 * borrower gets anons it can put in an amap, so another address space
 * shares the pages copy-on-write).  Three kinds exist, as in NetBSD:
 *
 *	O->K	object page to the kernel	pg->loan_count++
 *	A->K	anon page to the kernel		pg->loan_count++
 *	O->A	object page to an anon		pg->uanon = new anon,
 *						pg->loan_count++
 *	A->A	is no loan at all: the anon just gains a reference and
 *		the normal copy-on-write of shared anons applies.
 *
 * While a page is on loan every mapping of it is read-only
 * (pmap_page_protect(VM_PROT_READ)), so an owner's write faults, and the
 * fault handler breaks the loan (uvm_loanbreak(), uvm_loanbreak_anon()):
 * the owner continues with a copy and the borrower keeps the old bytes.
 * An owner that frees a loaned page only disowns it (uvm_pagefree()); the
 * page is freed when its last loan goes (uvm_unloan()).  Wired pages
 * cannot be loaned.  Loaned pages stay on the paging queues; the
 * pagedaemon leaves pages with loan_count != 0 alone.
 *
 * Locking: pg->loan_count changes with both the page's owner lock and
 * uvm_pageqlock held; a page without an owner (an orphan left by its
 * owner to its borrowers) is protected by uvm_pageqlock alone.
 */

#include "uvm_impl.h"

/*
 * uvm_loan_protect: make every mapping of pg read-only when its first
 * loan starts.  uvm_pageqlock held.
 */
static void
uvm_loan_protect(struct vm_page *pg)
{
	KASSERT(mutex_owned(&uvm_pageqlock));
	if (pg->loan_count == 0)
		pmap_page_protect(pg, VM_PROT_READ);
}

/*
 * uvm_loan_one: loan the page at va of map (one page).
 *
 * => map unlocked; the page has just been faulted in for read, but may
 *    have gone again: ERESTART asks the caller to fault and retry.
 * => on success *out is the anon or the page, per flags.
 * => EBUSY if the page is wired, EFAULT if va is not mapped, ENOMEM if
 *    no anon could be allocated.
 */
static int
uvm_loan_one(struct vm_map *map, vaddr_t va, int flags, void **out)
{
	struct vm_map_entry *entry;
	struct vm_amap *amap;
	struct uvm_object *uobj;
	struct vm_anon *anon = NULL;
	struct vm_page *pg;
	int error = 0;

	vm_map_lock_read(map);
	if (!uvm_map_lookup_entry(map, va, &entry) ||
	    UVM_ET_ISSUBMAP(entry) ||
	    (entry->protection & VM_PROT_READ) == 0) {
		vm_map_unlock_read(map);
		return EFAULT;
	}
	if (VM_MAPENT_ISWIRED(entry)) {
		vm_map_unlock_read(map);
		return EBUSY;
	}
	amap = entry->aref.ar_amap;
	uobj = UVM_ET_ISOBJ(entry) ? entry->object.uvm_obj : NULL;

	if (amap != NULL) {
		amap_lock(amap);
		anon = amap_lookup(&entry->aref, va - entry->start);
	}
	if (anon != NULL) {
		/* The upper layer: an anon's page. */
		pg = anon->an_page;
		if (pg == NULL || (pg->flags & PG_BUSY) != 0) {
			error = ERESTART;
		} else if (pg->wire_count != 0) {
			error = EBUSY;
		} else if (flags & UVM_LOAN_TOANON) {
			/* A->A: share the anon copy-on-write. */
			pmap_page_protect(pg, VM_PROT_READ);
			anon->an_ref++;
			mutex_obj_hold(anon->an_lock);
			*out = anon;
		} else {
			mutex_enter(&uvm_pageqlock);
			uvm_loan_protect(pg);
			pg->loan_count++;
			mutex_exit(&uvm_pageqlock);
			*out = pg;
		}
		amap_unlock(amap);
		vm_map_unlock_read(map);
		return error;
	}
	if (amap != NULL)
		amap_unlock(amap);
	if (uobj == NULL) {
		/* The read fault fills the slot: it went away since. */
		vm_map_unlock_read(map);
		return ERESTART;
	}

	/* The lower layer: the object's page. */
	mutex_enter(uobj->vmobjlock);
	pg = uvm_pagelookup(uobj, va - entry->start + entry->offset);
	if (pg == NULL || (pg->flags & PG_BUSY) != 0) {
		error = ERESTART;
	} else if (pg->wire_count != 0) {
		error = EBUSY;
	} else if ((flags & UVM_LOAN_TOANON) == 0) {
		/* O->K */
		mutex_enter(&uvm_pageqlock);
		uvm_loan_protect(pg);
		pg->loan_count++;
		mutex_exit(&uvm_pageqlock);
		*out = pg;
	} else if (pg->uanon != NULL) {
		/* Already loaned to an anon: share that one. */
		anon = pg->uanon;
		anon->an_ref++;
		mutex_obj_hold(anon->an_lock);
		*out = anon;
	} else {
		/* O->A: a new anon shares the object's lock. */
		anon = uvm_analloc();
		if (anon == NULL) {
			error = ENOMEM;
		} else {
			mutex_obj_hold(uobj->vmobjlock);
			anon->an_lock = uobj->vmobjlock;
			anon->an_page = pg;
			mutex_enter(&uvm_pageqlock);
			uvm_loan_protect(pg);
			pg->uanon = anon;
			pg->loan_count++;
			mutex_exit(&uvm_pageqlock);
			mutex_obj_hold(anon->an_lock);
			*out = anon;
		}
	}
	mutex_exit(uobj->vmobjlock);
	vm_map_unlock_read(map);
	return error;
}

/*
 * uvm_loan: loan the pages of [start, start + len) of map out to anons
 * or to the kernel.
 *
 * => map unlocked; start and len multiples of PAGE_SIZE.
 * => exactly one of UVM_LOAN_TOANON, UVM_LOAN_TOPAGE in flags.
 * => v: array of len / PAGE_SIZE pointers (struct vm_anon * or
 *    struct vm_page *) the caller provides.
 * => returns 0, or an error with no loan left in place: EINVAL (bad
 *    arguments), EFAULT (a page is not mapped or not readable), EBUSY
 *    (a page is wired), ENOMEM.
 */
int
uvm_loan(struct vm_map *map, vaddr_t start, vsize_t len, void *v, int flags)
{
	void **result = v;
	int npages, i, error = 0;

	if (((flags & UVM_LOAN_TOANON) == 0) == ((flags & UVM_LOAN_TOPAGE) == 0) ||
	    (flags & ~(UVM_LOAN_TOANON | UVM_LOAN_TOPAGE)) != 0 ||
	    ((start | len) & PAGE_MASK) != 0 || start + len < start)
		return EINVAL;
	if (len == 0)
		return 0;
	if (start < vm_map_min(map) || start + len > vm_map_max(map))
		return EFAULT;
	npages = (int)atop(len);
	for (i = 0; i < npages; i++) {
		vaddr_t va = start + ptoa((vaddr_t)i);

		for (;;) {
			error = uvm_fault(map, va, VM_PROT_READ);
			if (error)
				break;
			error = uvm_loan_one(map, va, flags, &result[i]);
			if (error != ERESTART)
				break;
			/* Lost a race with the page (busy or gone): again. */
			yield();
		}
		if (error)
			break;
	}
	if (error) {
		if (i > 0)
			uvm_unloan(v, i, flags);
		return error;
	}
	return 0;
}

/*
 * uvm_unloan_page: drop one kernel loan of pg.  An orphan (its owner
 * freed it while on loan) is freed with its last loan.
 */
static void
uvm_unloan_page(struct vm_page *pg)
{
	kmutex_t *olock;

	for (;;) {
		mutex_enter(&uvm_pageqlock);
		KASSERT(pg->loan_count > 0);
		if (pg->uanon != NULL)
			olock = pg->uanon->an_lock;
		else if (pg->uobject != NULL)
			olock = pg->uobject->vmobjlock;
		else
			olock = NULL;
		if (olock == NULL || mutex_tryenter(olock))
			break;
		/* Owner lock before pageq lock: back off and retry. */
		mutex_exit(&uvm_pageqlock);
		yield();
	}
	pg->loan_count--;
	if (olock == NULL) {
		mutex_exit(&uvm_pageqlock);
		if (pg->loan_count == 0)
			uvm_pagefree(pg);
		return;
	}
	mutex_exit(&uvm_pageqlock);
	mutex_exit(olock);
}

/*
 * uvm_unloan_anon: drop the borrower's reference to anon (from a
 * UVM_LOAN_TOANON loan).  The last reference frees the anon; an O->A
 * anon then gives its page back to the object alone.
 */
static void
uvm_unloan_anon(struct vm_anon *anon)
{
	kmutex_t *lock = anon->an_lock;

	mutex_enter(lock);
	KASSERT(anon->an_ref > 0);
	if (--anon->an_ref == 0)
		uvm_anfree(anon);
	mutex_exit(lock);
	mutex_obj_free(lock);
}

/*
 * uvm_unloan: kill the loans uvm_loan() made.
 *
 * => v and npages as filled by uvm_loan(); flags as given to it.
 */
void
uvm_unloan(void *v, int npages, int flags)
{
	void **loans = v;
	int i;

	KASSERT(((flags & UVM_LOAN_TOANON) == 0) !=
	    ((flags & UVM_LOAN_TOPAGE) == 0));
	for (i = 0; i < npages; i++) {
		if (flags & UVM_LOAN_TOANON)
			uvm_unloan_anon(loans[i]);
		else
			uvm_unloan_page(loans[i]);
	}
}

/*
 * uvm_loanbreak: the owner of object page uobjpage wants to write it
 * while it is on loan.  Give the object a copy in its place; the loaned
 * page stays with its borrowers (an O->A anon now owns it alone).
 *
 * => object locked, uobjpage resident, not busy, loan_count > 0.
 * => returns the new page (busy, in the object at the same offset), or
 *    NULL if no page could be allocated (nothing changed).
 */
struct vm_page *
uvm_loanbreak(struct vm_page *uobjpage)
{
	struct uvm_object *uobj = uobjpage->uobject;
	voff_t off = uobjpage->offset;
	struct vm_page *pg;

	KASSERT(uobj != NULL && mutex_owned(uobj->vmobjlock));
	KASSERT(uobjpage->loan_count > 0);
	KASSERT((uobjpage->flags & PG_BUSY) == 0);
	pg = uvm_pagealloc(NULL, 0, NULL, 0);
	if (pg == NULL)
		return NULL;
	uvm_pagecopy(uobjpage, pg);
	/* Owner mappings of the old page go: they will refault. */
	pmap_page_protect(uobjpage, VM_PROT_NONE);
	uvm_loan_disown(uobjpage);
	uvm_pagerealloc(pg, uobj, off);
	pg->flags &= ~PG_CLEAN;
	mutex_enter(&uvm_pageqlock);
	uvm_pageactivate(pg);
	mutex_exit(&uvm_pageqlock);
	return pg;
}

/*
 * uvm_loanbreak_anon: the owner of anon wants to write its page while
 * the page is on loan to the kernel.  Give the anon a copy; the loaned
 * page stays with its borrowers as an orphan (or goes back to the
 * object alone, for an O->A anon).
 *
 * => anon locked, its page resident, not busy, loan_count > 0.
 * => returns 0, or ENOMEM (nothing changed).
 */
int
uvm_loanbreak_anon(struct vm_anon *anon)
{
	struct vm_page *opg = anon->an_page, *pg;

	KASSERT(mutex_owned(anon->an_lock));
	KASSERT(opg != NULL && opg->loan_count > 0);
	pg = uvm_pagealloc(NULL, 0, anon, 0);
	if (pg == NULL)
		return ENOMEM;
	/* uvm_pagealloc made pg the anon's page. */
	uvm_pagecopy(opg, pg);
	pmap_page_protect(opg, VM_PROT_NONE);
	mutex_enter(&uvm_pageqlock);
	if (opg->uobject != NULL) {
		/* O->A: the page is the object's again, one loan less. */
		opg->loan_count--;
	}
	opg->uanon = NULL;
	opg->pqflags &= ~PQ_ANON;
	if (opg->uobject == NULL && opg->loan_count != 0)
		uvm_pagedequeue(opg);
	mutex_exit(&uvm_pageqlock);
	anon->an_page = pg;
	pg->flags &= ~(PG_BUSY | PG_CLEAN | PG_FAKE);
	mutex_enter(&uvm_pageqlock);
	uvm_pageactivate(pg);
	mutex_exit(&uvm_pageqlock);
	return 0;
}
