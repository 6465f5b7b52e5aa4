/*
 * uvm_fault.c: the page fault handler (uvm_fault(9)) and fault wiring.
 *
 * A word on page faults.  A map entry has two layers:
 *
 *	upper	the amap: anonymous pages (anons) private to the entry or
 *		shared copy-on-write with other entries (after fork)
 *	lower	the object (aobj, vnode, device) with its own pages
 *
 * A fault resolves the page at one virtual address.  If the amap has an
 * anon there, the upper layer handles it; otherwise the lower layer does.
 *
 *	case 1A	upper, the anon's page is mapped in place (read-only if the
 *		anon is shared with another amap)			flt_anon
 *	case 1B	upper, a write to a shared anon (an_ref > 1): copy the
 *		page into a new anon and replace the old anon in our
 *		amap							flt_acow
 *	case 2A	lower, the object's page is mapped directly (read-only if
 *		the entry is copy-on-write)				flt_obj
 *	case 2B	lower, promote: copy the object's page into a new anon
 *		(write to a copy-on-write entry)		flt_prcopy
 *		or zero-fill a new anon (no object at all)	flt_przero
 *
 *	     +--------+  anon at va?  yes  +----------------------------+
 *	     | check  | -----------------> | upper: 1A, or 1B if a write |
 *	     +--------+                    | to a shared anon           |
 *	         | no                       +----------------------------+
 *	         v
 *	  +---------------------------------------------------------+
 *	  | lower: object page (pgo_get locked, then unlocked) -> 2A |
 *	  |        write to COW entry, or no object          -> 2B |
 *	  +---------------------------------------------------------+
 *
 * Loans (uvm_loan.c): a page on loan is only ever mapped read-only.  A
 * write to it breaks the loan before cases 1A and 2A: the anon
 * (uvm_loanbreak_anon) or the object (uvm_loanbreak) gets a copy in its
 * place and the borrowers keep the old page.  A write to a shared anon
 * is case 1B whether or not its page is on loan: the copy is the break.
 *
 * The check phase looks the address up (through submaps), checks the
 * protection (EACCES), clears needs-copy with amap_copy() when the fault
 * writes or the entry has no object (then restarts), and picks the
 * fault-ahead window from the entry's advice: neighbours that are
 * already resident and not busy are mapped too (fltnamap/fltnomap),
 * read-only when sharing or copy-on-write requires it.  A sequential
 * entry deactivates the pages behind the window instead of mapping them.
 *
 * Anything that has to sleep (an unlocked pgo_get, a busy page) drops
 * every lock; afterwards the fault relocks the map and checks its
 * timestamp (fltrelck, fltrelckok).  If the map changed, or the amap slot
 * was filled meanwhile, the fault restarts from the top.
 *
 * The alternative not taken: resolving the fault under the map's write
 * lock.  It would make races impossible but would serialise every fault
 * in an address space; NetBSD's read-lock-and-restart design is kept.
 *
 * Locking order: map (read; write only to clear needs-copy) -> amap (its
 * lock is also every one of its anons' an_lock) -> object -> page
 * queues.  Pages are busied (PG_BUSY) while no lock covers them.
 */

#include "uvm_impl.h"

#include <uvm/uvm_amap.h>
#include <uvm/uvm_anon.h>
#include <uvm/uvm_aobj.h>
#include <uvm/uvm_swap.h>

/* The most pages one fault looks at (back + forward + 1). */
#define UVM_MAXRANGE	16

/*
 * Fault-ahead window per advice: how many pages behind and ahead of the
 * faulting one are mapped if already resident.  A fault that reads its
 * anon from swap also reads the anons up to nback behind it (none with
 * sequential advice: those are behind us) and up to swapra ahead whose
 * slots continue its slot's run, with the same I/O, and leaves them
 * resident but unmapped (uvmfault_anon_readahead), as many as the
 * adaptive window allows (uvm_swap_rawindow: it grows to the whole
 * read-ahead while read-ahead pages get used or the faults continue
 * the last window, so a sequential sweep reads UVM_SWAP_MAXREAD pages
 * at a time); sequential advice asks for the whole read-ahead every
 * time.  A window of UVM_SWAP_RAHOLES pages or more is a sequential
 * access: the pages read ahead of the fault are mapped at once
 * (uvmfault_map_ahead), so the access goes on without a fault per
 * fault-ahead window.
 */
static const struct uvm_advice {
	int	advice;
	int	nback;
	int	nforw;
	int	swapra;
} uvmadvice[] = {
	{ UVM_ADV_NORMAL, 3, 4, UVM_SWAP_MAXREAD - 1 },
	{ UVM_ADV_RANDOM, 0, 0, 0 },
	{ UVM_ADV_SEQUENTIAL, 8, 7, UVM_SWAP_MAXREAD - 1 },
};

/* Internal fault flags. */
#define UVM_FAULT_WIRE		0x1	/* wire the mapping and the page */
#define UVM_FAULT_MAXPROT	0x2	/* check against max_protection */

/*
 * The state of one fault, shared by its stages.
 */
struct uvm_faultctx {
	vm_prot_t	access_type;	/* what the access needs */
	vm_prot_t	enter_prot;	/* protection to enter pages with */
	vaddr_t		startva;	/* first page of the window */
	int		npages;		/* pages in the window */
	int		centeridx;	/* index of the faulting page */
	bool		narrow;		/* window of one page */
	bool		wire_mapping;	/* enter mappings wired */
	bool		wire_paging;	/* wire the page */
	bool		maxprot;	/* check max_protection */
	bool		cow_now;	/* break copy-on-write now */
	bool		promote;	/* lower: promote into an anon */
	struct vm_anon	*anons[UVM_MAXRANGE];
	bool		skip[UVM_MAXRANGE];	/* mapped or shadowed */
};

static void uvm_fault_flush_behind(struct uvm_faultinfo *,
    struct uvm_faultctx *, int);

/*
 * Map anon's page pg at va as a neighbour of the faulting page
 * (fault-ahead, or a sequential read's pages read ahead): with the
 * fault's protection, read-only while the anon is shared.  Not the
 * faulting page: a failure here costs nothing.  fltnamap's one place.
 *
 * => amap locked; the caller calls pmap_update().
 */
static void
uvmfault_enter_neighbour(struct uvm_faultinfo *ufi, struct uvm_faultctx *flt,
    vaddr_t va, struct vm_anon *anon, struct vm_page *pg)
{
	vm_prot_t prot = flt->enter_prot;

	if (anon->an_ref > 1)
		prot &= ~VM_PROT_WRITE;
	UVMEXP_INC(fltnamap);
	(void)pmap_enter(vm_map_pmap(ufi->orig_map), va, VM_PAGE_TO_PHYS(pg),
	    prot, PMAP_CANFAIL | (flt->wire_mapping ? PMAP_WIRED : 0));
}

/* The protection an entry's object pages may be entered with. */
#define MASK(entry) \
	(UVM_ET_ISCOPYONWRITE(entry) ? ~VM_PROT_WRITE : VM_PROT_ALL)

/* ---------------------------------------------------------------------
 * Map lookup and locking.
 */

/*
 * uvmfault_lookup: look up ufi->orig_rvaddr, descending into submaps.
 *
 * => on success the map holding the entry is locked (read, or write if
 *    write_lock) and ufi->map, mapv, entry and size are set.
 * => false if nothing is mapped there; nothing is locked then.
 */
bool
uvmfault_lookup(struct uvm_faultinfo *ufi, bool write_lock)
{
	struct vm_map *tmpmap;

	ufi->map = ufi->orig_map;
	ufi->size = ufi->orig_size;
	for (;;) {
		if (write_lock)
			vm_map_lock(ufi->map);
		else
			vm_map_lock_read(ufi->map);
		if (!uvm_map_lookup_entry(ufi->map, ufi->orig_rvaddr,
		    &ufi->entry)) {
			uvmfault_unlockmaps(ufi, write_lock);
			return false;
		}
		if (ufi->entry->end - ufi->orig_rvaddr < ufi->size)
			ufi->size = ufi->entry->end - ufi->orig_rvaddr;
		if (UVM_ET_ISSUBMAP(ufi->entry)) {
			tmpmap = ufi->entry->object.sub_map;
			uvmfault_unlockmaps(ufi, write_lock);
			ufi->map = tmpmap;
			continue;
		}
		ufi->mapv = ufi->map->timestamp;
		return true;
	}
}

void
uvmfault_unlockmaps(struct uvm_faultinfo *ufi, bool write_locked)
{
	if (ufi == NULL)
		return;
	if (write_locked)
		vm_map_unlock(ufi->map);
	else
		vm_map_unlock_read(ufi->map);
}

/*
 * uvmfault_relock: take the map's read lock again after sleeping.
 *
 * => true if the map has not changed since uvmfault_lookup(), with the
 *    map read-locked; false (nothing locked) if the fault must restart.
 */
bool
uvmfault_relock(struct uvm_faultinfo *ufi)
{
	if (ufi == NULL)
		return true;
	UVMEXP_INC(fltrelck);
	vm_map_lock_read(ufi->map);
	if (ufi->mapv != ufi->map->timestamp) {
		vm_map_unlock_read(ufi->map);
		return false;
	}
	UVMEXP_INC(fltrelckok);
	return true;
}

void
uvmfault_unlockall(struct uvm_faultinfo *ufi, struct vm_amap *amap,
    struct uvm_object *uobj)
{
	if (uobj != NULL)
		mutex_exit(uobj->vmobjlock);
	if (amap != NULL)
		amap_unlock(amap);
	uvmfault_unlockmaps(ufi, false);
}

/*
 * uvmfault_amapcopy: clear the entry's needs-copy with amap_copy() under
 * the map's write lock.
 *
 * => nothing locked on entry or exit.
 * => 0, EFAULT if the address is no longer mapped, or ENOMEM if the amap
 *    could not be allocated (fltnoamap).
 */
static int
uvmfault_amapcopy(struct uvm_faultinfo *ufi)
{
	if (!uvmfault_lookup(ufi, true))
		return EFAULT;
	if (UVM_ET_ISNEEDSCOPY(ufi->entry))
		amap_copy(ufi->map, ufi->entry, AMAP_COPY_NOWAIT,
		    ufi->orig_rvaddr, ufi->orig_rvaddr + 1);
	if (UVM_ET_ISNEEDSCOPY(ufi->entry)) {
		uvmfault_unlockmaps(ufi, true);
		UVMEXP_INC(fltnoamap);
		return ENOMEM;
	}
	uvmfault_unlockmaps(ufi, true);
	return 0;
}

/* ---------------------------------------------------------------------
 * Pages.
 */

/*
 * uvmfault_pagedone: a page the fault has entered goes on the paging
 * queues, or is wired if the fault wires; either way it is no longer
 * busy.
 *
 * => the page's owner is locked.
 */
static void
uvmfault_pagedone(struct uvm_faultctx *flt, struct vm_page *pg)
{
	if (flt->wire_paging) {
		uvm_pagewire(pg);
		/*
		 * A wired anon page is never paged out: give its swap slot
		 * back, and since it no longer has a copy anywhere it is
		 * dirty.
		 */
		if (pg->uanon != NULL && pg->uobject == NULL) {
			pg->flags &= ~PG_CLEAN;
			pg->flags |= PG_DIRTY;
			uvm_anon_dropswap(pg->uanon);
		} else if (pg->uobject != NULL &&
		    UVM_OBJ_IS_AOBJ(pg->uobject)) {
			pg->flags &= ~PG_CLEAN;
			pg->flags |= PG_DIRTY;
			uao_dropswap(pg->uobject,
			    (int)(pg->offset >> PAGE_SHIFT));
		}
	} else if (pg->wire_count == 0) {
		uvm_pageactivate(pg);
	}
	if (pg->flags & PG_BUSY)
		uvm_pageunbusy(pg);
}

/*
 * uvmfault_enter: enter the faulting page.
 *
 * => returns pmap_enter()'s error (ENOMEM only: PMAP_CANFAIL).
 */
static int
uvmfault_enter(struct uvm_faultinfo *ufi, struct uvm_faultctx *flt,
    struct vm_page *pg, vm_prot_t prot)
{
	int flags;

	flags = (flt->access_type & prot) | PMAP_CANFAIL;
	if (flt->wire_mapping)
		flags |= PMAP_WIRED;
	return pmap_enter(vm_map_pmap(ufi->orig_map), ufi->orig_rvaddr,
	    VM_PAGE_TO_PHYS(pg), prot, flags);
}

/*
 * uvmfault_nomem: the fault could not get memory (a page if nopage, an
 * anon, or a pmap resource).  With everything unlocked, wait for the
 * pagedaemon and restart the fault, or fail with ENOMEM if nothing is
 * reclaimable (uvm_wait_nomem), counting fltnoram if it was a page that
 * was missing.
 */
static int
uvmfault_nomem(bool nopage)
{
	if (uvm_wait_nomem("flt_noram") != 0) {
		if (nopage)
			UVMEXP_INC(fltnoram);
		return ENOMEM;
	}
	return ERESTART;
}

/*
 * uvmfault_promote: make a new anon for the faulting address, holding a
 * copy of opg (case 1B, case 2B copy) or zeroes (opg NULL: 2B zero),
 * and put it in the amap, replacing oanon if there is one.
 *
 * => maps, amap (and the object, if uobj != NULL) locked.
 * => on success *nanon and its busy page *npg; everything still locked.
 * => on failure everything is unlocked and the error returned.
 */
static int
uvmfault_promote(struct uvm_faultinfo *ufi, struct vm_anon *oanon,
    struct vm_page *opg, struct uvm_object *uobj, struct vm_anon **nanon,
    struct vm_page **npg)
{
	struct vm_amap *amap = ufi->entry->aref.ar_amap;
	struct vm_anon *anon;
	struct vm_page *pg;

	KASSERT(amap != NULL);
	KASSERT(mutex_owned(amap_lockptr(amap)));

	anon = uvm_analloc();
	if (anon == NULL) {
		UVMEXP_INC(fltnoanon);
		uvmfault_unlockall(ufi, amap, uobj);
		return uvmfault_nomem(false);
	}
	anon->an_lock = amap_lockptr(amap);
	pg = uvm_pagealloc(NULL, 0, anon,
	    opg == NULL ? UVM_PGA_ZERO : 0);
	if (pg == NULL) {
		anon->an_ref = 0;
		uvm_anfree(anon);
		uvmfault_unlockall(ufi, amap, uobj);
		return uvmfault_nomem(true);
	}
	KASSERT(anon->an_page == pg && pg->uanon == anon);
	if (opg != NULL)
		uvm_pagecopy(opg, pg);
	pg->flags &= ~(PG_FAKE | PG_CLEAN);
	pg->flags |= PG_DIRTY;
	amap_add(&ufi->entry->aref, ufi->orig_rvaddr - ufi->entry->start,
	    anon, oanon != NULL);
	*nanon = anon;
	*npg = pg;
	return 0;
}

/* ---------------------------------------------------------------------
 * The check phase.
 */

/*
 * uvm_fault_check: look up and check the faulting address, clear
 * needs-copy, choose the window and collect its anons.
 *
 * => nothing locked on entry.
 * => 0: map read-locked and the amap (if any) locked; ERESTART: nothing
 *    locked, start again; other errors: nothing locked.
 */
static int
uvm_fault_check(struct uvm_faultinfo *ufi, struct uvm_faultctx *flt,
    vm_prot_t access_type)
{
	struct vm_map_entry *entry;
	struct vm_amap *amap;
	struct uvm_object *uobj;
	vm_prot_t check_prot;
	int nback, nforw, error;

	flt->access_type = access_type;
	if (!uvmfault_lookup(ufi, false))
		return EFAULT;
	entry = ufi->entry;

	check_prot = flt->maxprot ? entry->max_protection : entry->protection;
	if ((check_prot & flt->access_type) != flt->access_type) {
		uvmfault_unlockmaps(ufi, false);
		return EACCES;
	}

	/*
	 * A wired entry (or a wiring fault) maps with full protection at
	 * once, so that it never faults again, and breaks copy-on-write now
	 * if the entry may ever be written.
	 */
	flt->enter_prot = entry->protection;
	if (VM_MAPENT_ISWIRED(entry)) {
		flt->wire_mapping = true;
		flt->narrow = true;
	}
	if (flt->wire_mapping) {
		flt->access_type = flt->enter_prot;
		flt->cow_now = (check_prot & VM_PROT_WRITE) != 0;
	} else
		flt->cow_now = (flt->access_type & VM_PROT_WRITE) != 0;

	if (UVM_ET_ISNEEDSCOPY(entry)) {
		if (flt->cow_now || entry->object.uvm_obj == NULL) {
			uvmfault_unlockmaps(ufi, false);
			error = uvmfault_amapcopy(ufi);
			if (error != 0)
				return error;
			UVMEXP_INC(fltamcopy);
			return ERESTART;
		}
		/* Still needs-copy: the page must stay read-only. */
		flt->enter_prot &= ~VM_PROT_WRITE;
	}

	amap = entry->aref.ar_amap;
	uobj = entry->object.uvm_obj;
	if (amap == NULL && uobj == NULL) {
		uvmfault_unlockmaps(ufi, false);
		return EFAULT;
	}

	if (!flt->narrow) {
		KASSERT(entry->advice < __arraycount(uvmadvice));
		KASSERT(uvmadvice[entry->advice].advice == entry->advice);
		nback = MIN(uvmadvice[entry->advice].nback,
		    (int)((ufi->orig_rvaddr - entry->start) >> PAGE_SHIFT));
		nforw = MIN(uvmadvice[entry->advice].nforw,
		    (int)(((entry->end - ufi->orig_rvaddr) >> PAGE_SHIFT) - 1));
		flt->narrow = true;	/* only the first time through */
	} else
		nback = nforw = 0;
	flt->startva = ufi->orig_rvaddr - ((vaddr_t)nback << PAGE_SHIFT);
	flt->npages = nback + nforw + 1;
	flt->centeridx = nback;
	KASSERT(flt->npages <= UVM_MAXRANGE);

	if (amap != NULL) {
		amap_lock(amap);
		amap_lookups(&entry->aref, flt->startva - entry->start,
		    flt->anons, flt->npages);
	} else
		memset(flt->anons, 0, sizeof(flt->anons[0]) * flt->npages);

	/*
	 * Sequential access: what is behind us will not be used again
	 * soon.  Deactivate it and shrink the window to the pages ahead.
	 */
	if (entry->advice == UVM_ADV_SEQUENTIAL && nback != 0) {
		uvm_fault_flush_behind(ufi, flt, nback);
		memmove(flt->anons, flt->anons + nback,
		    sizeof(flt->anons[0]) * (flt->npages - nback));
		flt->startva += (vaddr_t)nback << PAGE_SHIFT;
		flt->npages -= nback;
		flt->centeridx = 0;
	}
	return 0;
}

/*
 * uvm_fault_flush_behind: deactivate the resident pages of the nback
 * pages before the faulting one (sequential advice).
 *
 * => map read-locked, amap (if any) locked; still so on return.
 */
static void
uvm_fault_flush_behind(struct uvm_faultinfo *ufi, struct uvm_faultctx *flt,
    int nback)
{
	struct uvm_object *uobj = ufi->entry->object.uvm_obj;
	struct vm_page *pg;
	voff_t uoff;
	int i;

	for (i = 0; i < nback; i++) {
		if (flt->anons[i] == NULL)
			continue;
		pg = flt->anons[i]->an_page;
		if (pg != NULL && (pg->flags & PG_BUSY) == 0 &&
		    pg->loan_count == 0 && pg->wire_count == 0)
			uvm_pagedeactivate(pg);
	}
	if (uobj != NULL && uobj->pgops->pgo_put != NULL) {
		uoff = ufi->entry->offset + (flt->startva - ufi->entry->start);
		mutex_enter(uobj->vmobjlock);
		/* pgo_put releases the object's lock. */
		(void)uobj->pgops->pgo_put(uobj, uoff,
		    uoff + ((voff_t)nback << PAGE_SHIFT), PGO_DEACTIVATE);
	}
}

/* ---------------------------------------------------------------------
 * The upper layer: anons.
 */

/*
 * uvm_fault_upper_lookup: map the window's resident, unbusy neighbour
 * anons and note which slots the lower layer must leave alone.
 *
 * => map read-locked, amap locked.
 * => true if the faulting page has an anon (the upper layer's case).
 */
static bool
uvm_fault_upper_lookup(struct uvm_faultinfo *ufi, struct uvm_faultctx *flt)
{
	struct pmap *pmap = vm_map_pmap(ufi->orig_map);
	struct vm_anon *anon;
	struct vm_page *pg;
	vaddr_t va;
	paddr_t pa;
	bool shadowed = false, entered = false;
	int i;

	for (i = 0, va = flt->startva; i < flt->npages; i++, va += PAGE_SIZE) {
		flt->skip[i] = false;
		if (i != flt->centeridx && pmap_extract(pmap, va, &pa)) {
			flt->skip[i] = true;	/* already mapped */
			continue;
		}
		anon = flt->anons[i];
		if (anon == NULL)
			continue;
		flt->skip[i] = true;		/* shadows the object */
		if (i == flt->centeridx) {
			shadowed = true;
			continue;
		}
		pg = anon->an_page;
		if (pg == NULL || (pg->flags & PG_BUSY) != 0 ||
		    pg->loan_count != 0)
			continue;
		KASSERT(anon->an_lock == amap_lockptr(ufi->entry->aref.ar_amap));
		/* Used: a read-ahead hit, and active (one queue lock). */
		mutex_enter(&uvm_pageqlock);
		uvm_swap_rahit(pg);
		if (pg->wire_count == 0)
			uvm_pageactivate(pg);
		mutex_exit(&uvm_pageqlock);
		uvmfault_enter_neighbour(ufi, flt, va, anon, pg);
		entered = true;
	}
	if (entered)
		pmap_update(pmap);
	return shadowed;
}

/*
 * uvmfault_lockloanpg: the anon's page, with its owning object locked if
 * it is an object's page on loan to the anon (*uobjp; NULL otherwise).
 *
 * => amap (the anon's lock) locked; it stays locked.
 */
static struct vm_page *
uvmfault_lockloanpg(struct vm_anon *anon, struct uvm_object **uobjp)
{
	struct vm_page *pg;

	pg = uvm_anon_lockloanpg(anon);
	*uobjp = pg != NULL ? pg->uobject : NULL;
	return pg;
}

/*
 * Can nb's slot be read with the faulting anon's run: is it the anon of
 * the same amap paged out to (or, resident, still holding) slot?
 */
static inline bool
uvmfault_swapra_ok(struct vm_anon *nb, struct vm_anon *anon, int slot,
    bool holes)
{
	return nb != NULL && nb != anon && slot > 0 &&
	    nb->an_swslot == slot && nb->an_lock == anon->an_lock &&
	    (holes || nb->an_page == NULL);
}

/*
 * Give each paged-out anon of nbs[0 .. n) a fresh busy page in pgs[];
 * a resident one is a hole (NULL: its slot is read and discarded).
 * Returns how many were done: up to the first for which no page was
 * free, holes at the end not counted.
 */
static int
uvmfault_anon_raalloc(struct vm_anon **nbs, struct vm_page **pgs, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (nbs[i]->an_page != NULL)
			pgs[i] = NULL;
		else if ((pgs[i] = uvm_pagealloc(NULL, 0, nbs[i], 0)) == NULL)
			break;
	}
	while (i > 0 && pgs[i - 1] == NULL)
		i--;
	return i;
}

/*
 * uvmfault_anon_readahead: the faulting anon (anon, with fresh busy
 * page pg) is paged out; gather the anons of the same amap around it
 * whose slots continue its slot's run (within the entry, the advice's
 * read-ahead and the adaptive window, on the same device, none bad) and
 * give each a fresh busy page, for one swap read.  Once the window is
 * UVM_SWAP_RAHOLES pages or more (the access is sequential), an anon of
 * the run that is resident (its slot still its own) is a hole: its slot
 * is read with the others and the bytes discarded, so one I/O goes on
 * past it; the run never ends on a hole.  A smaller window stops at a
 * resident anon.
 *
 * => amap locked.  pps[] gets the pages (NULL for holes) in address
 *    (and slot) order, pg at *centerp; returns their number (1: no
 *    neighbours).
 * => a neighbour for which no page is free ends the run on its side.
 */
static int
uvmfault_anon_readahead(struct uvm_faultinfo *ufi, struct vm_anon *anon,
    struct vm_page *pg, struct vm_page **pps, int *centerp, int *winp)
{
	struct vm_map_entry *entry = ufi->entry;
	const struct uvm_advice *adv = &uvmadvice[entry->advice];
	struct vm_page *back[UVM_SWAP_MAXREAD], *forw[UVM_SWAP_MAXREAD];
	struct vm_anon *nbs[2 * UVM_SWAP_MAXREAD], *bnb[UVM_SWAP_MAXREAD];
	vaddr_t off = trunc_page(ufi->orig_rvaddr) - entry->start;
	int slot = anon->an_swslot, nback, nforw, b, f, n, win;
	bool holes;

	KASSERT(mutex_owned(anon->an_lock));
	KASSERT(entry->advice < __arraycount(uvmadvice));
	nback = entry->advice == UVM_ADV_SEQUENTIAL ? 0 :
	    MIN(adv->nback, (int)(off >> PAGE_SHIFT));
	nforw = MIN(adv->swapra,
	    (int)(((entry->end - entry->start - off) >> PAGE_SHIFT) - 1));
	win = MIN(nback + nforw + 1, UVM_SWAP_MAXREAD);
	if (entry->advice != UVM_ADV_SEQUENTIAL)
		win = uvm_swap_rawindow(slot, win);
	nforw = MIN(nforw, win - 1);
	nback = MIN(nback, win - 1 - nforw);
	holes = win >= UVM_SWAP_RAHOLES;
	*winp = win;
	if (nback + nforw == 0) {
		*centerp = 0;
		pps[0] = pg;
		return 1;
	}
	/* nbs[0 .. nback) the anons behind, then nforw ahead. */
	amap_lookups(&entry->aref, off - ((vaddr_t)nback << PAGE_SHIFT), nbs,
	    nback + nforw + 1);
	for (b = 0; b < nback; b++) {
		bnb[b] = nbs[nback - b - 1];
		if (!uvmfault_swapra_ok(bnb[b], anon, slot - b - 1, holes))
			break;
	}
	for (f = 0; f < nforw; f++) {
		if (!uvmfault_swapra_ok(nbs[nback + 1 + f], anon, slot + f + 1,
		    holes))
			break;
	}
	if (b + f > 0)
		uvm_swap_readahead(slot, &b, &f);
	b = uvmfault_anon_raalloc(bnb, back, b);
	f = uvmfault_anon_raalloc(&nbs[nback + 1], forw, f);
	n = 0;
	while (b > 0)
		pps[n++] = back[--b];
	*centerp = n;
	pps[n++] = pg;
	for (int i = 0; i < f; i++)
		pps[n++] = forw[i];
	return n;
}

/*
 * uvmfault_anonget: make sure the anon's page is resident and not busy.
 *
 * => maps and amap locked (the amap's lock is the anon's).
 * => 0 with everything still locked (and, for a page on loan from an
 *    object, that object locked too: *loanobj); otherwise everything is
 *    unlocked and ERESTART or an error is returned.
 * => a page read from swap brings its read-ahead neighbours in with it
 *    (uvmfault_anon_readahead): resident, unmapped, inactive; with a
 *    sequential window (UVM_SWAP_RAHOLES pages or more) those ahead of
 *    the fault are mapped and active (uvmfault_map_ahead), unless the
 *    fault wires.
 */
/*
 * uvmfault_map_ahead: a sequential read's read-ahead pages ahead of the
 * fault, pgs[i] at va + (i + 1) pages (busy, just read, owners locked;
 * NULL entries skipped), are used soon: activate them with the faulting
 * page pg (one hold of the page queue lock), map them as fault-ahead
 * would (read-only when shared), and unbusy them, so the access does
 * not fault on each.
 *
 * => map read-locked, amap locked.
 */
static void
uvmfault_map_ahead(struct uvm_faultinfo *ufi, struct uvm_faultctx *flt,
    struct vm_page *pg, struct vm_page **pgs, int n)
{
	vaddr_t va = trunc_page(ufi->orig_rvaddr);

	KASSERT(!flt->wire_mapping);
	mutex_enter(&uvm_pageqlock);
	uvm_pageactivate(pg);
	for (int i = 0; i < n; i++)
		if (pgs[i] != NULL)
			uvm_pageactivate(pgs[i]);
	mutex_exit(&uvm_pageqlock);
	for (int i = 0; i < n; i++) {
		if (pgs[i] == NULL)
			continue;
		KASSERT(pgs[i]->uanon != NULL && pgs[i]->loan_count == 0);
		uvmfault_enter_neighbour(ufi, flt, va + ptoa((vaddr_t)(i + 1)),
		    pgs[i]->uanon, pgs[i]);
		uvm_pageunbusy(pgs[i]);
	}
	pmap_update(vm_map_pmap(ufi->orig_map));
}

static int
uvmfault_anonget(struct uvm_faultinfo *ufi, struct uvm_faultctx *flt,
    struct vm_amap *amap, struct vm_anon *anon, struct uvm_object **loanobj)
{
	struct vm_page *pps[UVM_SWAP_MAXREAD];
	struct uvm_object *uobj;
	struct vm_page *pg;
	int error, n, center, win;

	KASSERT(mutex_owned(anon->an_lock));
	UVMEXP_INC(fltanget);
	*loanobj = NULL;
	for (;;) {
		pg = uvmfault_lockloanpg(anon, &uobj);
		if (pg == NULL) {
			/*
			 * Paged out: the pagedaemon left a swap slot.  Read
			 * it back, with its read-ahead neighbours
			 * (everything stays locked: the read is
			 * synchronous).  A failed read marks the slot bad
			 * and fails this fault only; a neighbour that
			 * fails is just not brought in.
			 */
			KASSERTMSG(anon->an_swslot > 0,
			    "anon %p has neither page nor slot", anon);
			pg = uvm_pagealloc(NULL, 0, anon, 0);
			if (pg == NULL) {
				uvmfault_unlockall(ufi, amap, NULL);
				return uvmfault_nomem(true);
			}
			n = uvmfault_anon_readahead(ufi, anon, pg, pps,
			    &center, &win);
			error = uvm_swap_pagein_cluster(pps, n, center,
			    anon->an_swslot);
			if (error != 0) {
				uvm_pagefree(pg);
				uvmfault_unlockall(ufi, amap, NULL);
				return error;
			}
			if (win >= UVM_SWAP_RAHOLES && !flt->wire_mapping) {
				/* Sequential: map the pages ahead now. */
				uvm_swap_raqueue(pps, center, center);
				uvmfault_map_ahead(ufi, flt, pg,
				    &pps[center + 1], n - center - 1);
			} else {
				uvm_swap_raqueue(pps, n, center);
				uvm_pageactivate(pg);
			}
			uvm_pageunbusy(pg);
			continue;
		}
		if ((pg->flags & PG_BUSY) == 0) {
			*loanobj = uobj;
			return 0;
		}
		/* Busy: wait for it with nothing else locked, then retry. */
		UVMEXP_INC(fltpgwait);
		if (uobj != NULL) {
			uvmfault_unlockall(ufi, amap, NULL);
			uvm_pagewait(pg, uobj->vmobjlock, "anonget1");
		} else {
			uvmfault_unlockmaps(ufi, false);
			uvm_pagewait(pg, anon->an_lock, "anonget2");
		}
		if (!uvmfault_relock(ufi))
			return ERESTART;
		amap_lock(amap);
		if (amap_lookup(&ufi->entry->aref,
		    ufi->orig_rvaddr - ufi->entry->start) != anon) {
			uvmfault_unlockall(ufi, amap, NULL);
			return ERESTART;
		}
		UVMEXP_INC(fltanretry);
	}
}

/*
 * uvm_fault_upper: case 1, the faulting page has an anon.
 *
 * => map read-locked, amap locked; everything unlocked on return.
 */
static int
uvm_fault_upper(struct uvm_faultinfo *ufi, struct uvm_faultctx *flt)
{
	struct vm_amap *amap = ufi->entry->aref.ar_amap;
	struct vm_anon *anon = flt->anons[flt->centeridx], *oanon;
	struct uvm_object *loanobj;
	struct vm_page *pg, *opg;
	vm_prot_t prot;
	int error;

	error = uvmfault_anonget(ufi, flt, amap, anon, &loanobj);
	if (error != 0)
		return error;
	opg = anon->an_page;

	if (flt->cow_now && anon->an_ref == 1 && opg->loan_count != 0) {
		/*
		 * Writing our own anon's page while it is on loan (to the
		 * kernel, or from an object): break the loan, the anon gets
		 * a copy and the borrowers keep the old page.  Then it is
		 * case 1A.
		 */
		error = uvm_loanbreak_anon(anon);
		if (error != 0) {
			uvmfault_unlockall(ufi, amap, loanobj);
			return uvmfault_nomem(true);
		}
		if (loanobj != NULL) {
			/* The page was the object's: it keeps it. */
			mutex_exit(loanobj->vmobjlock);
			loanobj = NULL;
		}
		opg = anon->an_page;
	}
	if (flt->cow_now && anon->an_ref > 1) {
		/*
		 * Case 1B: writing a page another amap also sees (or a
		 * borrower of the anon, uvm_loan TOANON): copy it into a
		 * private anon.
		 */
		UVMEXP_INC(flt_acow);
		oanon = anon;
		error = uvmfault_promote(ufi, oanon, opg, loanobj, &anon, &pg);
		if (error != 0)
			return error;
		/* The amap dropped its reference to oanon for ours. */
		if (--oanon->an_ref == 0)
			uvm_anfree(oanon);
		prot = flt->enter_prot;
	} else {
		/* Case 1A: the anon's own page, in place. */
		UVMEXP_INC(flt_anon);
		pg = opg;
		uvm_swap_rahit(pg);
		prot = flt->enter_prot;
		if (anon->an_ref > 1 || pg->loan_count != 0 ||
		    (pg->flags & PG_RDONLY) != 0)
			prot &= ~VM_PROT_WRITE;
	}

	error = uvmfault_enter(ufi, flt, pg, prot);
	if (error != 0) {
		if (pg->flags & PG_BUSY)
			uvm_pageunbusy(pg);
		uvmfault_unlockall(ufi, amap, loanobj);
		return uvmfault_nomem(false);
	}
	if ((flt->access_type & VM_PROT_WRITE) && pg->uanon == anon) {
		pg->flags &= ~PG_CLEAN;
		pg->flags |= PG_DIRTY;
	}
	uvmfault_pagedone(flt, pg);
	uvmfault_unlockall(ufi, amap, loanobj);
	pmap_update(vm_map_pmap(ufi->orig_map));
	return 0;
}

/* ---------------------------------------------------------------------
 * The lower layer: the object, or zero-fill.
 */

/*
 * uvm_fault_lower_lookup: ask the object for its resident pages in the
 * window without sleeping (pgo_get PGO_LOCKED), map the neighbours, and
 * return the faulting page if it is resident.
 *
 * => map read-locked, amap (if any) and object locked; still so after.
 */
static struct vm_page *
uvm_fault_lower_lookup(struct uvm_faultinfo *ufi, struct uvm_faultctx *flt)
{
	struct uvm_object *uobj = ufi->entry->object.uvm_obj;
	struct pmap *pmap = vm_map_pmap(ufi->orig_map);
	struct vm_page *pages[UVM_MAXRANGE], *pg, *center = NULL;
	bool entered = false;
	vm_prot_t prot;
	voff_t uoff;
	vaddr_t va;
	int i, gotpages;

	memset(pages, 0, sizeof(pages[0]) * flt->npages);
	uoff = ufi->entry->offset + (flt->startva - ufi->entry->start);
	gotpages = flt->npages;
	UVMEXP_INC(fltlget);
	(void)uobj->pgops->pgo_get(uobj, uoff, pages, &gotpages,
	    flt->centeridx, flt->access_type & MASK(ufi->entry),
	    ufi->entry->advice, PGO_LOCKED);
	KASSERT(mutex_owned(uobj->vmobjlock));

	for (i = 0, va = flt->startva; i < flt->npages; i++, va += PAGE_SIZE) {
		pg = pages[i];
		if (pg == NULL)
			continue;
		KASSERT(pg->uobject == uobj);
		if (i == flt->centeridx) {
			center = pg;
			continue;
		}
		if (flt->skip[i] || (pg->flags & PG_BUSY) != 0)
			continue;
		prot = flt->enter_prot & MASK(ufi->entry);
		/* Clean: read-only, so the first write marks it dirty. */
		if ((pg->flags & (PG_RDONLY | PG_CLEAN)) != 0 ||
		    pg->loan_count != 0)
			prot &= ~VM_PROT_WRITE;
		if (pg->wire_count == 0)
			uvm_pageactivate(pg);
		UVMEXP_INC(fltnomap);
		(void)pmap_enter(pmap, va, VM_PAGE_TO_PHYS(pg), prot,
		    PMAP_CANFAIL | (flt->wire_mapping ? PMAP_WIRED : 0));
		entered = true;
	}
	if (entered)
		pmap_update(pmap);
	if (center != NULL && (center->flags & PG_BUSY) != 0)
		center = NULL;		/* get it the slow way */
	return center;
}

/*
 * uvm_fault_lower_io: get the faulting page from the object, which may
 * sleep (pgo_get without PGO_LOCKED), then relock.
 *
 * => map read-locked, amap (if any) and object locked on entry.
 * => 0 with map, amap and object locked again and *pgp busy; otherwise
 *    nothing locked and ERESTART or an error.
 */
static int
uvm_fault_lower_io(struct uvm_faultinfo *ufi, struct uvm_faultctx *flt,
    struct vm_page **pgp)
{
	struct vm_amap *amap = ufi->entry->aref.ar_amap;
	struct uvm_object *uobj = ufi->entry->object.uvm_obj;
	struct vm_page *pg = NULL;
	voff_t uoff;
	int error, gotpages;

	uoff = ufi->entry->offset + (ufi->orig_rvaddr - ufi->entry->start);
	uvmfault_unlockall(ufi, amap, NULL);	/* the object stays locked */
	UVMEXP_INC(fltget);
	gotpages = 1;
	error = uobj->pgops->pgo_get(uobj, uoff, &pg, &gotpages, 0,
	    flt->access_type & MASK(ufi->entry), ufi->entry->advice,
	    PGO_SYNCIO);
	/* The object is unlocked now; pg (if any) is busy. */
	if (error != 0) {
		if (error == EAGAIN) {
			kpause("fltagain", false, 1, NULL);
			return ERESTART;
		}
		return error == ENOMEM ? uvmfault_nomem(true) : error;
	}
	KASSERT(pg != NULL && (pg->flags & PG_BUSY) != 0);

	if (!uvmfault_relock(ufi)) {
		mutex_enter(uobj->vmobjlock);
		goto release;
	}
	if (amap != NULL)
		amap_lock(amap);
	mutex_enter(uobj->vmobjlock);
	if ((pg->flags & PG_RELEASED) != 0 || (amap != NULL &&
	    amap_lookup(&ufi->entry->aref,
	    ufi->orig_rvaddr - ufi->entry->start) != NULL)) {
		/* Someone changed things while we slept. */
		if (amap != NULL)
			amap_unlock(amap);
		uvmfault_unlockmaps(ufi, false);
		goto release;
	}
	*pgp = pg;
	return 0;

release:
	/* Object locked, nothing else. */
	if (pg->flags & PG_RELEASED) {
		UVMEXP_INC(fltpgrele);
		uvm_pagefree(pg);
	} else
		uvm_pageunbusy(pg);
	mutex_exit(uobj->vmobjlock);
	return ERESTART;
}

/*
 * uvm_fault_lower: case 2, no anon at the faulting address.
 *
 * => map read-locked, amap (if any) locked; everything unlocked on
 *    return.
 */
static int
uvm_fault_lower(struct uvm_faultinfo *ufi, struct uvm_faultctx *flt)
{
	struct vm_amap *amap = ufi->entry->aref.ar_amap;
	struct uvm_object *uobj = ufi->entry->object.uvm_obj;
	struct vm_page *uobjpage = NULL, *pg;
	struct vm_anon *anon;
	vm_prot_t prot;
	int error;

	if (uobj != NULL) {
		mutex_enter(uobj->vmobjlock);
		uobjpage = uvm_fault_lower_lookup(ufi, flt);
		if (uobjpage == NULL) {
			error = uvm_fault_lower_io(ufi, flt, &uobjpage);
			if (error != 0)
				return error;
		}
	}
	/* Locked: maps, amap (if any), object (if any); uobjpage resident. */

	flt->promote = uobj == NULL ||
	    (flt->cow_now && UVM_ET_ISCOPYONWRITE(ufi->entry));
	if (!flt->promote) {
		/* Case 2A: the object's page itself. */
		UVMEXP_INC(flt_obj);
		pg = uobjpage;
		if (flt->cow_now && pg->loan_count != 0) {
			/*
			 * Writing an object's page that is on loan: the
			 * object gets a copy in its place (busy), the
			 * borrowers keep the old page.
			 */
			pg = uvm_loanbreak(uobjpage);
			if (pg == NULL) {
				if (uobjpage->flags & PG_BUSY)
					uvm_pageunbusy(uobjpage);
				uvmfault_unlockall(ufi, amap, uobj);
				return uvmfault_nomem(true);
			}
		}
		prot = flt->enter_prot & MASK(ufi->entry);
		/* A clean page read: read-only, a write must mark it dirty. */
		if ((pg->flags & PG_RDONLY) != 0 || pg->loan_count != 0 ||
		    ((pg->flags & PG_CLEAN) != 0 &&
		    (flt->access_type & VM_PROT_WRITE) == 0))
			prot &= ~VM_PROT_WRITE;
		error = uvmfault_enter(ufi, flt, pg, prot);
		if (error != 0) {
			if (pg->flags & PG_BUSY)
				uvm_pageunbusy(pg);
			uvmfault_unlockall(ufi, amap, uobj);
			return uvmfault_nomem(false);
		}
		if (flt->access_type & prot & VM_PROT_WRITE) {
			pg->flags &= ~PG_CLEAN;
			pg->flags |= PG_DIRTY;
		}
		pg->flags &= ~PG_FAKE;
		uvmfault_pagedone(flt, pg);
		uvmfault_unlockall(ufi, amap, uobj);
		pmap_update(vm_map_pmap(ufi->orig_map));
		return 0;
	}

	/*
	 * Case 2B: promote into a new anon in our amap, copying the
	 * object's page or zero-filling.
	 */
	KASSERT(amap != NULL);
	if (uobjpage != NULL)
		UVMEXP_INC(flt_prcopy);
	else
		UVMEXP_INC(flt_przero);
	error = uvmfault_promote(ufi, NULL, uobjpage, uobj, &anon, &pg);
	if (error != 0) {
		/* uobjpage may be busy from the unlocked get. */
		if (uobjpage != NULL && (uobjpage->flags & PG_BUSY) != 0) {
			mutex_enter(uobj->vmobjlock);
			uvm_pageunbusy(uobjpage);
			mutex_exit(uobj->vmobjlock);
		}
		return error;
	}
	if (uobjpage != NULL) {
		/* The object's page is no longer needed here. */
		if (uobjpage->flags & PG_BUSY)
			uvm_pageunbusy(uobjpage);
		else if (uobjpage->wire_count == 0)
			uvm_pageactivate(uobjpage);
		mutex_exit(uobj->vmobjlock);
		uobj = NULL;
	}
	error = uvmfault_enter(ufi, flt, pg, flt->enter_prot);
	if (error != 0) {
		uvm_pageactivate(pg);
		uvm_pageunbusy(pg);
		uvmfault_unlockall(ufi, amap, uobj);
		return uvmfault_nomem(false);
	}
	uvmfault_pagedone(flt, pg);
	uvmfault_unlockall(ufi, amap, uobj);
	pmap_update(vm_map_pmap(ufi->orig_map));
	return 0;
}

/* ---------------------------------------------------------------------
 * Entry points.
 */

/*
 * uvm_fault_internal: resolve one fault.
 *
 * => nothing locked on entry or exit; may sleep.
 * => 0, EFAULT (nothing mapped), EACCES (protection) or ENOMEM.
 */
static int
uvm_fault_internal(struct vm_map *orig_map, vaddr_t vaddr,
    vm_prot_t access_type, int fault_flags)
{
	struct uvm_faultinfo ufi;
	struct uvm_faultctx flt;
	struct uvm_object *uobj;
	int error;

	KASSERT((access_type & ~VM_PROT_ALL) == 0);
	UVMEXP_INC(faults);

	memset(&flt, 0, sizeof(flt));
	flt.narrow = (fault_flags & UVM_FAULT_WIRE) != 0;
	flt.wire_mapping = (fault_flags & UVM_FAULT_WIRE) != 0;
	flt.wire_paging = (fault_flags & UVM_FAULT_WIRE) != 0;
	flt.maxprot = (fault_flags & UVM_FAULT_MAXPROT) != 0;

	ufi.orig_map = orig_map;
	ufi.orig_rvaddr = trunc_page(vaddr);
	ufi.orig_size = PAGE_SIZE;

	do {
		error = uvm_fault_check(&ufi, &flt, access_type);
		if (error != 0)
			continue;
		if (uvm_fault_upper_lookup(&ufi, &flt)) {
			error = uvm_fault_upper(&ufi, &flt);
			continue;
		}
		uobj = ufi.entry->object.uvm_obj;
		if (uobj != NULL && uobj->pgops->pgo_fault != NULL) {
			/* The object resolves its own faults (devices). */
			struct vm_page *pages[UVM_MAXRANGE];

			memset(pages, 0, sizeof(pages));
			mutex_enter(uobj->vmobjlock);
			error = uobj->pgops->pgo_fault(&ufi, flt.startva, pages,
			    flt.npages, flt.centeridx, flt.access_type,
			    PGO_LOCKED | PGO_SYNCIO);
			/* pgo_fault unlocked everything. */
			continue;
		}
		error = uvm_fault_lower(&ufi, &flt);
	} while (error == ERESTART);
	return error;
}

/*
 * uvm_fault: the entry point for faults (uvm_fault(9)).
 *
 * => access_type: VM_PROT_* the access needs, optionally VM_FAULT_WIRE.
 * => 0, EFAULT (nothing mapped), EACCES (protection) or ENOMEM.
 */
int
uvm_fault(struct vm_map *orig_map, vaddr_t vaddr, vm_prot_t access_type)
{
	int flags = 0, error;

	KASSERT(orig_map != NULL);
	KASSERTMSG((access_type & ~(VM_PROT_ALL | VM_FAULT_WIRE)) == 0,
	    "uvm_fault: access_type %#x", access_type);
	if (access_type & VM_FAULT_WIRE)
		flags |= UVM_FAULT_WIRE;
	error = uvm_fault_internal(orig_map, vaddr,
	    access_type & VM_PROT_ALL, flags);
	/* The read-ahead this fault started completes (deterministic). */
	uvm_aio_drain();
	return error;
}

/*
 * uvm_fault_wire: fault in and wire [start, end) of map.
 *
 * => the caller has marked the entries wired; the map is unlocked (it
 *    may be busied by the caller).
 * => with maxprot, the protection checked is the entries' maximum (and
 *    copy-on-write is broken if they may ever be written).
 * => 0, or the error of the first failing page, with what was wired
 *    before it unwired again.
 */
int
uvm_fault_wire(struct vm_map *map, vaddr_t start, vaddr_t end,
    vm_prot_t access_type, int maxprot)
{
	vaddr_t va;
	int error;

	KASSERT(start < end);
	KASSERT((start & PAGE_MASK) == 0 && (end & PAGE_MASK) == 0);
	for (va = start; va < end; va += PAGE_SIZE) {
		error = uvm_fault_internal(map, va, access_type & VM_PROT_ALL,
		    UVM_FAULT_WIRE | (maxprot ? UVM_FAULT_MAXPROT : 0));
		if (error != 0) {
			if (va != start)
				uvm_fault_unwire(map, start, va);
			return error;
		}
	}
	return 0;
}

/*
 * uvm_fault_unwire: release the wiring of [start, end) of map.
 *
 * => map unlocked.
 */
void
uvm_fault_unwire(struct vm_map *map, vaddr_t start, vaddr_t end)
{
	vm_map_lock_read(map);
	uvm_fault_unwire_locked(map, start, end);
	vm_map_unlock_read(map);
}

/*
 * uvm_fault_unwire_locked: release the page wiring of [start, end), and
 * the pmap wiring where the entry is no longer wired.
 *
 * => map locked (read or write); every page of the range is mapped
 *    (it was wired).
 */
void
uvm_fault_unwire_locked(struct vm_map *map, vaddr_t start, vaddr_t end)
{
	struct pmap *pmap = vm_map_pmap(map);
	struct vm_map_entry *entry;
	struct vm_page *pg;
	kmutex_t *lock;
	vaddr_t va;
	paddr_t pa;
	bool found;

	KASSERT(start <= end);
	found = uvm_map_lookup_entry(map, start, &entry);
	KASSERTMSG(found || start == end, "unwire of unmapped %#lx",
	    (unsigned long)start);
	for (va = start; va < end; va += PAGE_SIZE) {
		while (va >= entry->end) {
			entry = entry->next;
			KASSERT(entry != &map->header && entry->start <= va);
		}
		KASSERT(!UVM_ET_ISSUBMAP(entry));
		if (!pmap_extract(pmap, va, &pa))
			panic("uvm_fault_unwire_locked: %#lx not mapped",
			    (unsigned long)va);
		if (!VM_MAPENT_ISWIRED(entry))
			pmap_unwire(pmap, va);
		pg = PHYS_TO_VM_PAGE(pa);
		if (pg == NULL)
			continue;	/* unmanaged (device) page */
		lock = pg->uanon != NULL ? pg->uanon->an_lock :
		    pg->uobject->vmobjlock;
		mutex_enter(lock);
		KASSERT(pg->wire_count > 0);
		uvm_pageunwire(pg);
		mutex_exit(lock);
	}
	pmap_update(pmap);
}

/*
 * The CPU's fault hook: the soft pmap's copy(9) calls it when a
 * translation is missing or too weak.
 */
static int
uvm_fault_hook(struct vmspace *vm, vaddr_t va, vm_prot_t access_type)
{
	return uvm_fault(vm != NULL ? &vm->vm_map : kernel_map,
	    trunc_page(va), access_type);
}

void
uvm_fault_init(void)
{
	pmap_fault_hook = uvm_fault_hook;
}
