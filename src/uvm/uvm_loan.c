/*
 * uvm_loan.c: page loanout, uvm_loan(9).
 *
 * A loan lends the pages of a map, read-only, to someone who did not map
 * them: to the kernel (UVM_LOAN_TOPAGE: the borrower gets vm_page
 * pointers, e.g. for zero-copy I/O) or to anons (UVM_LOAN_TOANON: the
 * borrower gets anons, so that the pages can be shared copy-on-write).
 * The kinds, as in NetBSD:
 *
 *	O->K	object page to the kernel	pg->loan_count++
 *	A->K	anon page to the kernel		pg->loan_count++
 *	O->A	object page to an anon		pg->uanon = a new anon (or
 *						the one it already has),
 *						pg->loan_count++ once
 *	A->A	no loan at all: the anon gains a reference (an_ref++) and
 *		the usual copy-on-write of shared anons applies (case 1B
 *		of the fault handler).
 *
 * While a page is on loan every mapping of it is read-only: the first
 * loan does pmap_page_protect(VM_PROT_READ) and the fault handler never
 * maps a loaned page writable.  So an owner's write faults, and the fault
 * breaks the loan (uvm_loanbreak, uvm_loanbreak_anon): the owner goes on
 * with a copy in place of the page, the borrowers keep the old bytes.
 * An owner that frees a page on loan only lets go of it (uvm_pagefree):
 * an anon that borrowed an object's page owns it from then on, a page
 * lent to the kernel becomes an orphan (no owner, only loans, on no
 * paging queue) which the last uvm_unloan() frees.  Wired pages cannot be
 * loaned (EBUSY), nor is anything left on loan when uvm_loan() fails.
 *
 * The anons handed out by UVM_LOAN_TOANON: each reference the borrower
 * gets holds a reference to the anon's lock (mutex_obj_hold), so the lock
 * outlives the amap that made it (an A->A anon's lock is its amap's,
 * freed with the amap); uvm_unloan() drops both.  An O->A anon gets a
 * lock of its own, not its object's: the lock order is anon, then object
 * (uvm_anon_lockloanpg), and the two must differ for that.
 *
 * Locking: a page's loan_count changes with its owner's lock (object or
 * anon) and uvm_pageqlock held, an orphan's with uvm_pageqlock alone.
 * The owner of a loaned page changes only under uvm_pageqlock too, which
 * is how uvm_unloan(), holding nothing but the page, finds the lock to
 * take: it reads the owner under uvm_pageqlock, tries its lock, and if
 * that is busy holds the lock object, sleeps for it, and looks again.
 * uvm_loan() runs with the map read-locked, then the amap, then the
 * object.
 */

#include "uvm_impl.h"

#include <uvm/uvm_amap.h>
#include <uvm/uvm_anon.h>

/*
 * uvm_loan_page: add a loan to pg.  Its first loan makes every mapping of
 * it read-only.
 *
 * => pg's owner locked; pg resident, not busy, not wired.
 */
static void
uvm_loan_page(struct vm_page *pg)
{
	mutex_enter(&uvm_pageqlock);
	if (pg->loan_count == 0)
		pmap_page_protect(pg, VM_PROT_READ);
	KASSERT(pg->loan_count < UINT16_MAX);
	pg->loan_count++;
	mutex_exit(&uvm_pageqlock);
}

/*
 * uvm_loan_anonpage: loan out the anon at the faulted-in va.
 *
 * => amap locked (the anon's lock); stays locked.
 * => 0 (*out set), EBUSY (wired), ERESTART (page gone or busy: fault
 *    and try again).
 */
static int
uvm_loan_anonpage(struct vm_anon *anon, int flags, void **out)
{
	struct vm_page *pg = anon->an_page;

	if (pg == NULL || (pg->flags & PG_BUSY) != 0)
		return ERESTART;
	/* An amap's anon owns its page: only borrowers have loans of it. */
	KASSERT(pg->uobject == NULL && pg->uanon == anon);
	if (pg->wire_count != 0)
		return EBUSY;
	if (flags & UVM_LOAN_TOANON) {
		/* A->A: one more reference, so writes copy (case 1B). */
		pmap_page_protect(pg, VM_PROT_READ);
		anon->an_ref++;
		mutex_obj_hold(anon->an_lock);
		*out = anon;
	} else {
		/* A->K */
		uvm_loan_page(pg);
		*out = pg;
	}
	return 0;
}

/*
 * uvm_loan_objpage: loan out the object's page at offset off.
 *
 * => object locked; stays locked.
 * => 0 (*out set), EBUSY (wired), ENOMEM (no anon), ERESTART (page gone
 *    or busy, or its anon's lock busy: fault and try again).
 */
static int
uvm_loan_objpage(struct uvm_object *uobj, voff_t off, int flags, void **out)
{
	struct vm_anon *anon;
	struct vm_page *pg;

	pg = uvm_pagelookup(uobj, off);
	if (pg == NULL || (pg->flags & PG_BUSY) != 0)
		return ERESTART;
	if (pg->wire_count != 0)
		return EBUSY;
	if ((flags & UVM_LOAN_TOANON) == 0) {
		/* O->K */
		uvm_loan_page(pg);
		*out = pg;
		return 0;
	}
	if ((anon = pg->uanon) != NULL) {
		/*
		 * Already lent to an anon: share that one.  Its lock comes
		 * before ours, so only try it.
		 */
		if (!mutex_tryenter(anon->an_lock))
			return ERESTART;
		KASSERT(anon->an_page == pg && anon->an_ref > 0);
		anon->an_ref++;
		mutex_obj_hold(anon->an_lock);
		mutex_exit(anon->an_lock);
		*out = anon;
		return 0;
	}
	/* O->A: a new anon, with a lock of its own (see the top). */
	anon = uvm_analloc();
	if (anon == NULL)
		return ENOMEM;
	anon->an_lock = mutex_obj_alloc(MUTEX_DEFAULT, IPL_NONE);
	anon->an_page = pg;
	mutex_enter(&uvm_pageqlock);
	if (pg->loan_count == 0)
		pmap_page_protect(pg, VM_PROT_READ);
	KASSERT(pg->loan_count < UINT16_MAX);
	pg->loan_count++;
	pg->uanon = anon;
	mutex_exit(&uvm_pageqlock);
	*out = anon;
	return 0;
}

/*
 * uvm_loan_one: loan the page at va of map (one page) if it is resident.
 *
 * => map unlocked.
 * => 0 and *out; EFAULT (nothing mapped, or device memory), EACCES (not
 *    readable), EBUSY (wired), ENOMEM, or ERESTART: the page is not
 *    resident (or busy), fault it in and try again.
 */
static int
uvm_loan_one(struct vm_map *map, vaddr_t va, int flags, void **out)
{
	struct uvm_faultinfo ufi;
	struct vm_map_entry *entry;
	struct vm_amap *amap;
	struct uvm_object *uobj;
	struct vm_anon *anon = NULL;
	int error;

	ufi.orig_map = map;
	ufi.orig_rvaddr = va;
	ufi.orig_size = PAGE_SIZE;
	if (!uvmfault_lookup(&ufi, false))
		return EFAULT;
	entry = ufi.entry;
	if ((entry->protection & VM_PROT_READ) == 0) {
		/* As the read fault would say. */
		uvmfault_unlockmaps(&ufi, false);
		return EACCES;
	}
	if (VM_MAPENT_ISWIRED(entry)) {
		uvmfault_unlockmaps(&ufi, false);
		return EBUSY;
	}
	amap = entry->aref.ar_amap;
	uobj = UVM_ET_ISOBJ(entry) ? entry->object.uvm_obj : NULL;

	if (amap != NULL) {
		amap_lock(amap);
		anon = amap_lookup(&entry->aref, va - entry->start);
		if (anon != NULL) {
			/* The upper layer: the anon's page. */
			error = uvm_loan_anonpage(anon, flags, out);
			amap_unlock(amap);
			uvmfault_unlockmaps(&ufi, false);
			return error;
		}
		amap_unlock(amap);
	}
	if (uobj == NULL) {
		/* The read fault filled the slot: it went away since. */
		uvmfault_unlockmaps(&ufi, false);
		return ERESTART;
	}
	if (uobj->pgops->pgo_fault != NULL) {
		/* Device memory: no managed pages to lend. */
		uvmfault_unlockmaps(&ufi, false);
		return EFAULT;
	}

	/* The lower layer: the object's page. */
	mutex_enter(uobj->vmobjlock);
	error = uvm_loan_objpage(uobj, entry->offset + (va - entry->start),
	    flags, out);
	mutex_exit(uobj->vmobjlock);
	uvmfault_unlockmaps(&ufi, false);
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
 * => pages not resident are faulted in for reading first.
 * => returns 0, or an error with no loan left in place: EINVAL (bad
 *    arguments), EFAULT (a page is not mapped, or is device memory),
 *    EACCES (a page is not readable), EBUSY (a page is wired), ENOMEM.
 */
int
uvm_loan(struct vm_map *map, vaddr_t start, vsize_t len, void *v, int flags)
{
	void **result = v;
	vaddr_t va;
	int npages, i, error = 0;

	if (map == NULL || v == NULL ||
	    (flags != UVM_LOAN_TOANON && flags != UVM_LOAN_TOPAGE) ||
	    ((start | len) & PAGE_MASK) != 0 || start + len < start ||
	    atop(len) > INT_MAX)
		return EINVAL;
	if (len == 0)
		return 0;
	if (start < vm_map_min(map) || start + len > vm_map_max(map))
		return EFAULT;
	npages = (int)atop(len);
	for (i = 0; i < npages; i++) {
		va = start + ptoa((vaddr_t)i);
		/*
		 * A resident page is lent at once; otherwise (ERESTART)
		 * fault it in for reading and try again, for as long as
		 * the page keeps going away or being busy.
		 */
		for (int tries = 0;; tries++) {
			error = uvm_loan_one(map, va, flags, &result[i]);
			if (error != ERESTART)
				break;
			if (tries > 0)
				yield();
			error = uvm_fault(map, va, VM_PROT_READ);
			if (error != 0)
				break;
		}
		if (error != 0)
			break;
	}
	if (error != 0) {
		if (i > 0)
			uvm_unloan(v, i, flags);
		return error;
	}
	return 0;
}

/*
 * uvm_unloan_page: drop one kernel loan of pg.  An orphan is freed with
 * its last loan.
 *
 * => nothing locked.
 */
static void
uvm_unloan_page(struct vm_page *pg)
{
	kmutex_t *olock;
	bool orphan_freed;

	for (;;) {
		mutex_enter(&uvm_pageqlock);
		KASSERT(pg->loan_count > 0);
		KASSERT((pg->pqflags & PQ_FREE) == 0);
		if (pg->uobject != NULL)
			olock = pg->uobject->vmobjlock;
		else if (pg->uanon != NULL)
			olock = pg->uanon->an_lock;
		else
			olock = NULL;
		if (olock == NULL || mutex_tryenter(olock))
			break;
		/*
		 * Owner lock before uvm_pageqlock: keep the lock alive,
		 * sleep for it, and see whether it is still the owner's.
		 */
		mutex_obj_hold(olock);
		mutex_exit(&uvm_pageqlock);
		mutex_enter(olock);
		mutex_enter(&uvm_pageqlock);
		if ((pg->uobject != NULL && pg->uobject->vmobjlock == olock) ||
		    (pg->uobject == NULL && pg->uanon != NULL &&
		    pg->uanon->an_lock == olock)) {
			/* The owner holds the lock too. */
			mutex_obj_free(olock);
			break;
		}
		mutex_exit(&uvm_pageqlock);
		mutex_exit(olock);
		mutex_obj_free(olock);
	}
	KASSERT(pg->wire_count == 0 || olock != NULL);
	pg->loan_count--;
	orphan_freed = olock == NULL && pg->loan_count == 0;
	mutex_exit(&uvm_pageqlock);
	if (olock != NULL)
		mutex_exit(olock);
	else if (orphan_freed)
		uvm_pagefree(pg);	/* nobody else can reach it now */
}

/*
 * uvm_unloan_anon: drop the borrower's reference to anon (from a
 * UVM_LOAN_TOANON loan), and with it its hold on the anon's lock.  The
 * last reference frees the anon; an O->A anon then gives its page back
 * to the object.
 */
static void
uvm_unloan_anon(struct vm_anon *anon)
{
	kmutex_t *lock = anon->an_lock;

	KASSERT(lock != NULL);
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
 * => nothing locked.
 */
void
uvm_unloan(void *v, int npages, int flags)
{
	void **loans = v;
	int i;

	KASSERT(flags == UVM_LOAN_TOANON || flags == UVM_LOAN_TOPAGE);
	KASSERT(npages >= 0);
	for (i = 0; i < npages; i++) {
		if (flags == UVM_LOAN_TOANON)
			uvm_unloan_anon(loans[i]);
		else
			uvm_unloan_page(loans[i]);
	}
}

/*
 * uvm_loanbreak: the owner of object page uobjpage wants to write it
 * while it is on loan.  Give the object a copy in its place; the loaned
 * page stays with its borrowers (an O->A anon owns it from now on).
 *
 * => object locked; uobjpage resident, on loan, unwired; it may be busy
 *    (ours: it is given up unbusied).
 * => returns the new page, busy, in the object at the same offset, with
 *    the old one's contents and cleanliness and every mapping of the old
 *    one removed; or NULL if no page could be allocated (nothing
 *    changed).
 */
struct vm_page *
uvm_loanbreak(struct vm_page *uobjpage)
{
	struct uvm_object *uobj = uobjpage->uobject;
	struct vm_page *pg;
	uint16_t keep;

	KASSERT(uobj != NULL && mutex_owned(uobj->vmobjlock));
	KASSERT(uobjpage->loan_count > 0 && uobjpage->wire_count == 0);
	pg = uvm_pagealloc(NULL, 0, NULL, 0);
	if (pg == NULL)
		return NULL;
	uvm_pagecopy(uobjpage, pg);
	keep = uobjpage->flags & (PG_CLEAN | PG_DIRTY | PG_RDONLY);
	pg->flags = (uint16_t)((pg->flags & ~(PG_CLEAN | PG_FAKE)) | keep);
	/* The owner's mappings of the old page go: they will refault. */
	pmap_page_protect(uobjpage, VM_PROT_NONE);
	uvm_pagereplace(uobjpage, pg);
	return pg;
}

/*
 * uvm_loanbreak_anon: the owner of anon wants to write its page while the
 * page is on loan (to the kernel, or from an object to this anon).  Give
 * the anon a copy; the old page stays with its borrowers as an orphan,
 * or, lent from an object, goes back to the object with one loan less.
 *
 * => anon locked, and the object if the page is one lent by an object
 *    (uvm_anon_lockloanpg); its page resident, not busy, unwired, on
 *    loan.
 * => returns 0 (the anon's new page active and unbusy, every mapping of
 *    the old page removed), or ENOMEM (nothing changed).
 */
int
uvm_loanbreak_anon(struct vm_anon *anon)
{
	struct vm_page *opg = anon->an_page, *pg;
	struct uvm_object *uobj;

	KASSERT(mutex_owned(anon->an_lock));
	KASSERT(opg != NULL && opg->uanon == anon && opg->loan_count > 0);
	KASSERT((opg->flags & PG_BUSY) == 0 && opg->wire_count == 0);
	uobj = opg->uobject;
	KASSERT(uobj == NULL || mutex_owned(uobj->vmobjlock));

	/* uvm_pagealloc makes the new page the anon's: make room. */
	anon->an_page = NULL;
	pg = uvm_pagealloc(NULL, 0, anon, 0);
	if (pg == NULL) {
		anon->an_page = opg;
		return ENOMEM;
	}
	uvm_pagecopy(opg, pg);
	pmap_page_protect(opg, VM_PROT_NONE);
	if (uobj != NULL) {
		/* O->A: the object's page, one loan less. */
		mutex_enter(&uvm_pageqlock);
		opg->loan_count--;
		opg->uanon = NULL;
		mutex_exit(&uvm_pageqlock);
	} else {
		/* A->K: the anon lets go of it (an orphan now). */
		uvm_pagefree(opg);
	}
	pg->flags = (uint16_t)((pg->flags & ~(PG_BUSY | PG_CLEAN | PG_FAKE)) |
	    PG_DIRTY);
	uvm_pageactivate(pg);
	return 0;
}
