/*
 * uvm_amap.c: amaps, the anonymous layer of a map entry.
 *
 * A map entry's upper layer is a window of an amap (its vm_aref: the amap
 * and the slot where the entry starts).  Each slot is one page of virtual
 * space, empty or holding an anon; the fault handler looks there before
 * the object below.  Several entries can refer to one amap:
 *
 *	clip		amap_splitref: both halves keep the amap, each with
 *			its own window
 *	share fork	amap_ref(AMAP_SHARED): parent and child write the
 *			same anons
 *	copy fork	amap_ref, and both entries get needs_copy; the first
 *			write (or amap_cow_now, for wired memory) calls
 *			amap_copy, which gives the entry a new amap holding
 *			the same anons with an_ref bumped: they are now
 *			shared copy-on-write, one page at a time.
 *
 *   entry A ---> amap 1 [ a0 | a1 |    | a3 ]         (after amap_copy
 *                          |    |         |            of entry B: a0, a1,
 *   entry B ---> amap 2 [ a0 | a1 |    | a3 ]          a3 have an_ref 2)
 *
 * References are counted per amap (am_ref: one per vm_aref).  While every
 * reference covers the whole amap that is all we need; once one covers
 * only part of it (a clip, a partial unmap, a partial reference) the amap
 * grows per-slot counts, am_ppref, so that unmapping part of an entry
 * frees exactly the anons nobody maps any more.  NetBSD run-length codes
 * its ppref array to make huge partial references cheap; we keep a plain
 * count per slot, which costs the same memory (one int a slot) and makes
 * every adjustment a simple loop over the range, the same order of work
 * as the anons that range can free.
 *
 * Locking: an amap's lock (am_lock) is a reference-counted mutex from
 * mutex_obj_alloc(9).  Every anon of the amap uses it as its an_lock, and
 * when amap_copy() makes a second amap share anons with the first, the
 * new amap takes a reference to the same lock (as NetBSD 6 and later do):
 * an anon can then be reached from both amaps and is protected by one
 * lock whichever way it is reached.  Two amaps may therefore share a lock;
 * never hold the lock of one while taking the other's.  An amap whose
 * copy got no anons gets a lock of its own.  am_ref changes under am_lock.
 *
 * Lock order: map lock -> amap lock (= anon lock) -> object lock ->
 * uvm_pageqlock.  uvm_amap_list_lock (the list of all amaps, for the
 * checker) is taken with no amap lock held, and before amap locks.
 *
 * Sizes and offsets in the interface are in bytes (multiples of the page
 * size); amap_ref/amap_unref take an offset from the amap's first slot,
 * the aref functions an offset from the aref's first slot.
 */

#include "uvm_impl.h"

static struct pool uvm_amap_pool;
static kmutex_t uvm_amap_list_lock;
static LIST_HEAD(, vm_amap) uvm_amap_list;

/* Bytes to slots, checking alignment. */
static inline int
amap_b2slot(vsize_t bytes)
{
	KASSERTMSG((bytes & PAGE_MASK) == 0, "amap: %#jx bytes not page "
	    "aligned", (uintmax_t)bytes);
	return (int)atop(bytes);
}

/*
 * uvm_amap_init: boot: the amap pool and the list of amaps.
 */
void
uvm_amap_init(void)
{
	mutex_init(&uvm_amap_list_lock, MUTEX_DEFAULT, IPL_NONE);
	LIST_INIT(&uvm_amap_list);
	pool_init(&uvm_amap_pool, sizeof(struct vm_amap), 0, 0, 0, "amappl",
	    NULL, IPL_NONE);
}

/*
 * uvm_amap_fini: shutdown; every amap has been freed.
 */
void
uvm_amap_fini(void)
{
	KASSERTMSG(LIST_EMPTY(&uvm_amap_list), "uvm_amap_fini: amaps left");
	pool_destroy(&uvm_amap_pool);
	mutex_destroy(&uvm_amap_list_lock);
}

static void
amap_list_insert(struct vm_amap *amap)
{
	mutex_enter(&uvm_amap_list_lock);
	LIST_INSERT_HEAD(&uvm_amap_list, amap, am_list);
	mutex_exit(&uvm_amap_list_lock);
}

static void
amap_list_remove(struct vm_amap *amap)
{
	mutex_enter(&uvm_amap_list_lock);
	LIST_REMOVE(amap, am_list);
	mutex_exit(&uvm_amap_list_lock);
}

/*
 * Slot arrays: allocate or free the three arrays of `n' slots together.
 */
struct amap_arrays {
	int		*slots;
	int		*bckptr;
	struct vm_anon	**anon;
};

static bool
amap_arrays_alloc(struct amap_arrays *a, int n, bool nowait)
{
	const km_flag_t kmf = nowait ? KM_NOSLEEP : KM_SLEEP;

	a->slots = kmem_alloc((size_t)n * sizeof(int), kmf);
	a->bckptr = kmem_alloc((size_t)n * sizeof(int), kmf);
	a->anon = kmem_zalloc((size_t)n * sizeof(struct vm_anon *), kmf);
	if (a->slots != NULL && a->bckptr != NULL && a->anon != NULL)
		return true;
	if (a->slots != NULL)
		kmem_free(a->slots, (size_t)n * sizeof(int));
	if (a->bckptr != NULL)
		kmem_free(a->bckptr, (size_t)n * sizeof(int));
	if (a->anon != NULL)
		kmem_free(a->anon, (size_t)n * sizeof(struct vm_anon *));
	return false;
}

static void
amap_arrays_free(int *slots, int *bckptr, struct vm_anon **anon, int *ppref,
    int n)
{
	kmem_free(slots, (size_t)n * sizeof(int));
	kmem_free(bckptr, (size_t)n * sizeof(int));
	kmem_free(anon, (size_t)n * sizeof(struct vm_anon *));
	if (ppref != NULL)
		kmem_free(ppref, (size_t)n * sizeof(int));
}

/*
 * amap_alloc1: a new amap of `slots' usable slots plus `padslots' of
 * padding, one reference, empty, without a lock and not yet listed.
 */
static struct vm_amap *
amap_alloc1(int slots, int padslots, bool nowait)
{
	struct vm_amap *amap;
	struct amap_arrays a;
	int total = slots + padslots;

	KASSERT(slots > 0 && padslots >= 0);
	if (nowait && kern_fault_check(KFI_AMAP))
		return NULL;
	amap = pool_get(&uvm_amap_pool, nowait ? PR_NOWAIT : PR_WAITOK);
	if (amap == NULL)
		return NULL;
	if (!amap_arrays_alloc(&a, total, nowait)) {
		pool_put(&uvm_amap_pool, amap);
		return NULL;
	}
	amap->am_lock = NULL;
	amap->am_ref = 1;
	amap->am_flags = 0;
	amap->am_maxslot = total;
	amap->am_nslot = slots;
	amap->am_nused = 0;
	amap->am_slots = a.slots;
	amap->am_bckptr = a.bckptr;
	amap->am_anon = a.anon;
	amap->am_ppref = NULL;
	return amap;
}

/* amap_dispose: undo amap_alloc1 (an empty amap, never listed). */
static void
amap_dispose(struct vm_amap *amap)
{
	KASSERT(amap->am_nused == 0);
	amap_arrays_free(amap->am_slots, amap->am_bckptr, amap->am_anon,
	    amap->am_ppref, amap->am_maxslot);
	pool_put(&uvm_amap_pool, amap);
}

/*
 * amap_free: release an empty, unreferenced, unlocked amap and its
 * reference to its lock.
 */
static void
amap_free(struct vm_amap *amap)
{
	KASSERT(amap->am_ref == 0 && amap->am_nused == 0);
	amap_list_remove(amap);
	KASSERT(!mutex_owned(amap->am_lock));
	mutex_obj_free(amap->am_lock);
	amap_dispose(amap);
}

/*
 * amap_alloc: allocate an amap for `sz' bytes of virtual space, with room
 * for `padsz' more (UVM_FLAG_AMAPPAD: a bss that will grow).
 *
 * => sz > 0 and padsz are multiples of the page size.
 * => waitf: 0, or UVM_FLAG_NOWAIT (then NULL if memory is short).
 * => the new amap has one reference, no anons and its own lock; it is
 *    returned unlocked.
 */
struct vm_amap *
amap_alloc(vaddr_t sz, vaddr_t padsz, int waitf)
{
	struct vm_amap *amap;

	KASSERT(sz > 0);
	amap = amap_alloc1(amap_b2slot(sz), amap_b2slot(padsz),
	    (waitf & UVM_FLAG_NOWAIT) != 0);
	if (amap == NULL)
		return NULL;
	amap->am_lock = mutex_obj_alloc(MUTEX_DEFAULT, IPL_NONE);
	amap_list_insert(amap);
	return amap;
}

void
amap_lock(struct vm_amap *amap)
{
	mutex_enter(amap->am_lock);
}

void
amap_unlock(struct vm_amap *amap)
{
	mutex_exit(amap->am_lock);
}

kmutex_t *
amap_lockptr(struct vm_amap *amap)
{
	return amap->am_lock;
}

int
amap_nslot(struct vm_amap *amap)
{
	return amap->am_nslot;
}

int
amap_nused(struct vm_amap *amap)
{
	return amap->am_nused;
}

int
amap_refs(struct vm_amap *amap)
{
	return amap->am_ref;
}

int
amap_flags(struct vm_amap *amap)
{
	return amap->am_flags;
}

/* ---------------------------------------------------------------------
 * Slots.
 */

/* Put anon in the empty slot `slot' (locked). */
static void
amap_slot_fill(struct vm_amap *amap, int slot, struct vm_anon *anon)
{
	KASSERT(amap->am_anon[slot] == NULL);
	KASSERT(amap->am_nused < amap->am_nslot);
	amap->am_anon[slot] = anon;
	amap->am_bckptr[slot] = amap->am_nused;
	amap->am_slots[amap->am_nused++] = slot;
}

/* Empty slot `slot' (locked); the last used slot takes its list place. */
static struct vm_anon *
amap_slot_clear(struct vm_amap *amap, int slot)
{
	struct vm_anon *anon = amap->am_anon[slot];
	int idx, last;

	KASSERT(anon != NULL);
	idx = amap->am_bckptr[slot];
	KASSERT(idx < amap->am_nused && amap->am_slots[idx] == slot);
	last = amap->am_slots[--amap->am_nused];
	amap->am_slots[idx] = last;
	amap->am_bckptr[last] = idx;
	amap->am_anon[slot] = NULL;
	return anon;
}

/* Drop a slot's reference to its anon, freeing the anon on the last. */
static void
amap_anon_release(struct vm_amap *amap, int slot)
{
	struct vm_anon *anon = amap_slot_clear(amap, slot);

	KASSERT(anon->an_lock == amap->am_lock);
	KASSERT(anon->an_ref > 0);
	if (--anon->an_ref == 0)
		uvm_anfree(anon);
}

static inline int
amap_aref_slot(struct vm_aref *aref, vaddr_t offset)
{
	struct vm_amap *amap = aref->ar_amap;
	int slot = aref->ar_pageoff + amap_b2slot(offset);

	KASSERT(mutex_owned(amap->am_lock));
	KASSERTMSG(slot >= 0 && slot < amap->am_nslot,
	    "amap %p: slot %d outside [0, %d)", amap, slot, amap->am_nslot);
	return slot;
}

/*
 * amap_lookup: the anon at `offset' bytes into aref's window, or NULL.
 *
 * => amap locked.
 */
struct vm_anon *
amap_lookup(struct vm_aref *aref, vaddr_t offset)
{
	return aref->ar_amap->am_anon[amap_aref_slot(aref, offset)];
}

/*
 * amap_lookups: the anons of `npages' slots from `offset' into anons[].
 *
 * => amap locked; the range lies inside the amap.
 */
void
amap_lookups(struct vm_aref *aref, vaddr_t offset, struct vm_anon **anons,
    int npages)
{
	struct vm_amap *amap = aref->ar_amap;
	int slot = amap_aref_slot(aref, offset);

	KASSERT(npages > 0 && slot + npages <= amap->am_nslot);
	memcpy(anons, &amap->am_anon[slot],
	    (size_t)npages * sizeof(struct vm_anon *));
}

/*
 * amap_add: put anon in the slot at `offset' into aref's window.
 *
 * => amap locked; the anon's lock is the amap's (a lockless new anon is
 *    given it).
 * => replace: the slot holds an anon that `anon' replaces (the fault
 *    handler's copy-on-write); the caller drops the old anon's
 *    reference.  If the amap is shared, the old page is unmapped from
 *    every pmap so that no sharer keeps using it.
 * => !replace: the slot is empty.
 * => the anon's reference now belongs to the slot.
 */
void
amap_add(struct vm_aref *aref, vaddr_t offset, struct vm_anon *anon,
    bool replace)
{
	struct vm_amap *amap = aref->ar_amap;
	int slot = amap_aref_slot(aref, offset);
	struct vm_anon *oanon;

	KASSERT(anon != NULL && anon->an_ref > 0);
	if (anon->an_lock == NULL)
		anon->an_lock = amap->am_lock;
	KASSERTMSG(anon->an_lock == amap->am_lock,
	    "amap_add: anon %p has another lock", anon);
	if (replace) {
		oanon = amap->am_anon[slot];
		KASSERTMSG(oanon != NULL, "amap_add: replacing empty slot %d",
		    slot);
		if (oanon->an_page != NULL &&
		    (amap->am_flags & AMAP_SHARED) != 0)
			pmap_page_protect(oanon->an_page, VM_PROT_NONE);
		amap->am_anon[slot] = anon;
	} else {
		amap_slot_fill(amap, slot, anon);
	}
}

/*
 * amap_unadd: empty the slot at `offset' into aref's window.
 *
 * => amap locked; the slot holds an anon, whose reference the caller
 *    takes over.
 */
void
amap_unadd(struct vm_aref *aref, vaddr_t offset)
{
	struct vm_amap *amap = aref->ar_amap;

	(void)amap_slot_clear(amap, amap_aref_slot(aref, offset));
}

/* ---------------------------------------------------------------------
 * References.
 */

/*
 * amap_pp_establish: start counting references per slot: until now every
 * reference covered every usable slot.
 */
static void
amap_pp_establish(struct vm_amap *amap)
{
	int i;

	KASSERT(amap->am_ppref == NULL);
	amap->am_ppref = kmem_alloc((size_t)amap->am_maxslot * sizeof(int),
	    KM_SLEEP);
	for (i = 0; i < amap->am_nslot; i++)
		amap->am_ppref[i] = amap->am_ref;
	for (; i < amap->am_maxslot; i++)
		amap->am_ppref[i] = 0;
}

/*
 * amap_pp_adjref: add `delta' to the references of slots [slot, slot+n);
 * a slot left without references loses its anon.
 */
static void
amap_pp_adjref(struct vm_amap *amap, int slot, int n, int delta)
{
	int i;

	KASSERT(amap->am_ppref != NULL);
	KASSERT(slot >= 0 && n >= 0 && slot + n <= amap->am_nslot);
	for (i = slot; i < slot + n; i++) {
		amap->am_ppref[i] += delta;
		KASSERTMSG(amap->am_ppref[i] >= 0, "amap %p: slot %d has %d "
		    "references", amap, i, amap->am_ppref[i]);
		if (amap->am_ppref[i] == 0 && amap->am_anon[i] != NULL)
			amap_anon_release(amap, i);
	}
}

/*
 * amap_adjref: add `delta' (+1 or -1) references covering slots
 * [slot, slot+n), or all of them if `all'.  The amap keeps at least one
 * reference.
 */
static void
amap_adjref(struct vm_amap *amap, int slot, int n, int delta, bool all)
{
	KASSERT(mutex_owned(amap->am_lock));
	if (all) {
		slot = 0;
		n = amap->am_nslot;
	}
	KASSERTMSG(slot >= 0 && n > 0 && slot + n <= amap->am_nslot,
	    "amap %p: reference to slots [%d, %d) of %d", amap, slot,
	    slot + n, amap->am_nslot);
	if (amap->am_ppref == NULL && n != amap->am_nslot)
		amap_pp_establish(amap);
	amap->am_ref += delta;
	KASSERT(amap->am_ref > 0);
	if (amap->am_ppref != NULL)
		amap_pp_adjref(amap, slot, n, delta);
}

/*
 * amap_ref: add a reference to the amap, covering `len' bytes from
 * `offset' bytes into it (the whole amap with AMAP_REFALL).
 *
 * => amap unlocked; the caller already holds a reference.
 * => AMAP_SHARED: the new reference writes the same anons (share
 *    inheritance): the amap is marked shared.
 */
void
amap_ref(struct vm_amap *amap, vaddr_t offset, vsize_t len, int flags)
{
	KASSERT((flags & ~(AMAP_SHARED | AMAP_REFALL)) == 0);
	amap_lock(amap);
	KASSERT(amap->am_ref > 0);
	if (flags & AMAP_SHARED)
		amap->am_flags |= AMAP_SHARED;
	amap_adjref(amap, amap_b2slot(offset), amap_b2slot(len), 1,
	    (flags & AMAP_REFALL) != 0);
	amap_unlock(amap);
}

/*
 * amap_unref: drop a reference to the amap that covered `len' bytes from
 * `offset' bytes into it (the whole amap if `all').
 *
 * => amap unlocked.
 * => anons in slots no reference covers any more are released (freed if
 *    that was their last reference); the last reference wipes the amap
 *    out.
 */
void
amap_unref(struct vm_amap *amap, vaddr_t offset, vsize_t len, bool all)
{
	int slot = amap_b2slot(offset), n = amap_b2slot(len);

	amap_lock(amap);
	KASSERT(amap->am_ref > 0);
	if (amap->am_ref == 1) {
		amap->am_ref = 0;
		amap_wipeout(amap);
		return;
	}
	amap_adjref(amap, slot, n, -1, all);
	if (amap->am_ref == 1)
		amap->am_flags &= ~AMAP_SHARED;
	amap_unlock(amap);
}

/*
 * amap_splitref: split a reference in two at `offset' bytes into it (a
 * map entry is being clipped): origref keeps the slots before offset,
 * splitref gets the rest.
 *
 * => amap unlocked; 0 < offset < the window's size.
 */
void
amap_splitref(struct vm_aref *origref, struct vm_aref *splitref,
    vaddr_t offset)
{
	struct vm_amap *amap = origref->ar_amap;
	int leftslots = amap_b2slot(offset);

	KASSERT(leftslots > 0);
	amap_lock(amap);
	KASSERTMSG(origref->ar_pageoff + leftslots < amap->am_nslot,
	    "amap_splitref: split at slot %d of %d",
	    origref->ar_pageoff + leftslots, amap->am_nslot);
	/* Each slot keeps its count; the amap gains a reference. */
	if (amap->am_ppref == NULL)
		amap_pp_establish(amap);
	amap->am_ref++;
	splitref->ar_amap = amap;
	splitref->ar_pageoff = origref->ar_pageoff + leftslots;
	amap_unlock(amap);
}

/*
 * amap_wipeout: free an amap that lost its last reference: release every
 * anon, then the amap itself.
 *
 * => amap locked, am_ref == 0; returns with the lock released (and, if
 *    no other amap shares it, destroyed).
 */
void
amap_wipeout(struct vm_amap *amap)
{
	KASSERT(mutex_owned(amap->am_lock));
	KASSERTMSG(amap->am_ref == 0, "amap_wipeout: amap %p has %d "
	    "references", amap, amap->am_ref);
	while (amap->am_nused > 0)
		amap_anon_release(amap, amap->am_slots[amap->am_nused - 1]);
	amap_unlock(amap);
	amap_free(amap);
}

/* ---------------------------------------------------------------------
 * Growing.
 */

/*
 * amap_extend: grow the amap of `entry' by `addsize' bytes at its end
 * (AMAP_EXTEND_FORWARDS) or its start (AMAP_EXTEND_BACKWARDS), for a map
 * entry that is about to grow by as much (uvm_map merging a new mapping
 * into it, a stack growing down).
 *
 * => the entry's amap has this entry's reference only; unlocked.
 * => AMAP_EXTEND_NOWAIT: return ENOMEM rather than wait for memory (the
 *    amap is then unchanged).  Otherwise returns 0.
 * => backwards, entry->aref.ar_pageoff moves to the new first slot.
 *
 * Three cases, cheapest first: the slots are already there (left over
 * from a partial unmap); the padding past am_nslot (forwards) or the
 * free slots of the allocation (backwards, sliding the mapped slots to
 * its top) has room; or bigger arrays are allocated.  Growing backwards
 * puts the mapped slots at the top of the allocation so that the next
 * backward growth finds room below them.
 */
int
amap_extend(struct vm_map_entry *entry, vsize_t addsize, int flags)
{
	struct vm_amap *amap = entry->aref.ar_amap;
	const bool forwards = (flags & AMAP_EXTEND_FORWARDS) != 0;
	const bool nowait = (flags & AMAP_EXTEND_NOWAIT) != 0;
	int slotoff = entry->aref.ar_pageoff;
	int slotmapped = amap_b2slot(entry->end - entry->start);
	int slotadd = amap_b2slot(addsize);
	int slotneed, total, newoff, first, i;
	struct amap_arrays a;
	int *nppref;

	KASSERT((flags & ~(AMAP_EXTEND_FORWARDS | AMAP_EXTEND_NOWAIT)) == 0);
	KASSERT(slotadd > 0);
	amap_lock(amap);
	KASSERTMSG(amap->am_ref == 1, "amap_extend: amap %p has %d references",
	    amap, amap->am_ref);
	KASSERT(slotoff + slotmapped <= amap->am_nslot);
	/* Without per-slot counts, our one reference covers every slot. */
	KASSERT(amap->am_ppref != NULL ||
	    (slotoff == 0 && slotmapped == amap->am_nslot));

	if (forwards) {
		slotneed = slotoff + slotmapped + slotadd;
		if (slotneed <= amap->am_maxslot) {
			/* Cases 1f, 2f: the slots exist, or the padding. */
			if (slotneed > amap->am_nslot) {
				if (amap->am_ppref != NULL) {
					for (i = amap->am_nslot; i < slotneed;
					    i++)
						amap->am_ppref[i] = 0;
				}
				amap->am_nslot = slotneed;
			}
			if (amap->am_ppref != NULL)
				amap_pp_adjref(amap, slotoff + slotmapped,
				    slotadd, 1);
			amap_unlock(amap);
			return 0;
		}
		/* Case 3f: bigger arrays, same layout. */
		total = slotneed + slotneed / 4;
		if (!amap_arrays_alloc(&a, total, nowait)) {
			amap_unlock(amap);
			return ENOMEM;
		}
		nppref = NULL;
		if (amap->am_ppref != NULL) {
			nppref = kmem_alloc((size_t)total * sizeof(int),
			    nowait ? KM_NOSLEEP : KM_SLEEP);
			if (nppref == NULL) {
				amap_arrays_free(a.slots, a.bckptr, a.anon,
				    NULL, total);
				amap_unlock(amap);
				return ENOMEM;
			}
			memcpy(nppref, amap->am_ppref,
			    (size_t)amap->am_nslot * sizeof(int));
			for (i = amap->am_nslot; i < total; i++)
				nppref[i] = 0;
		}
		memcpy(a.anon, amap->am_anon,
		    (size_t)amap->am_nslot * sizeof(struct vm_anon *));
		memcpy(a.slots, amap->am_slots,
		    (size_t)amap->am_nused * sizeof(int));
		memcpy(a.bckptr, amap->am_bckptr,
		    (size_t)amap->am_nslot * sizeof(int));
		amap_arrays_free(amap->am_slots, amap->am_bckptr,
		    amap->am_anon, amap->am_ppref, amap->am_maxslot);
		amap->am_slots = a.slots;
		amap->am_bckptr = a.bckptr;
		amap->am_anon = a.anon;
		amap->am_ppref = nppref;
		amap->am_maxslot = total;
		amap->am_nslot = slotneed;
		if (nppref != NULL)
			amap_pp_adjref(amap, slotoff + slotmapped, slotadd, 1);
		amap_unlock(amap);
		return 0;
	}

	if (slotadd <= slotoff) {
		/* Case 1b: unreferenced slots below the entry's. */
		KASSERT(amap->am_ppref != NULL);
		amap_pp_adjref(amap, slotoff - slotadd, slotadd, 1);
		entry->aref.ar_pageoff = slotoff - slotadd;
		amap_unlock(amap);
		return 0;
	}

	/*
	 * Cases 2b and 3b: the mapped slots move to the top of the
	 * allocation (the current one if it is large enough, else a new
	 * one); everything outside them is unreferenced (this entry holds
	 * the only reference) and so empty, and is discarded.
	 */
	slotneed = slotadd + slotmapped;
	if (slotneed <= amap->am_maxslot) {
		total = amap->am_maxslot;
		first = total - slotmapped;
		memmove(&amap->am_anon[first], &amap->am_anon[slotoff],
		    (size_t)slotmapped * sizeof(struct vm_anon *));
		for (i = 0; i < first; i++)
			amap->am_anon[i] = NULL;
	} else {
		total = slotneed + slotneed / 4;
		if (!amap_arrays_alloc(&a, total, nowait)) {
			amap_unlock(amap);
			return ENOMEM;
		}
		first = total - slotmapped;
		memcpy(&a.anon[first], &amap->am_anon[slotoff],
		    (size_t)slotmapped * sizeof(struct vm_anon *));
		memcpy(a.slots, amap->am_slots,
		    (size_t)amap->am_nused * sizeof(int));
		amap_arrays_free(amap->am_slots, amap->am_bckptr,
		    amap->am_anon, amap->am_ppref, amap->am_maxslot);
		amap->am_ppref = NULL;
		amap->am_slots = a.slots;
		amap->am_bckptr = a.bckptr;
		amap->am_anon = a.anon;
		amap->am_maxslot = total;
	}
	for (i = 0; i < amap->am_nused; i++) {
		amap->am_slots[i] += first - slotoff;
		amap->am_bckptr[amap->am_slots[i]] = i;
	}
	amap->am_nslot = total;
	newoff = first - slotadd;
	entry->aref.ar_pageoff = newoff;
	if (newoff == 0) {
		/* The entry covers every slot: no per-slot counts needed. */
		if (amap->am_ppref != NULL) {
			kmem_free(amap->am_ppref,
			    (size_t)amap->am_maxslot * sizeof(int));
			amap->am_ppref = NULL;
		}
	} else {
		if (amap->am_ppref == NULL)
			amap->am_ppref = kmem_alloc((size_t)amap->am_maxslot *
			    sizeof(int), KM_SLEEP);
		for (i = 0; i < newoff; i++)
			amap->am_ppref[i] = 0;
		for (; i < total; i++)
			amap->am_ppref[i] = 1;
	}
	amap_unlock(amap);
	return 0;
}

/* ---------------------------------------------------------------------
 * Copy-on-write.
 */

/*
 * amap_copy: resolve an entry's needs_copy: give it an amap of its own.
 *
 * => map write-locked; entry in map with UVM_ET_NEEDSCOPY set.
 * => no amap yet: a fresh empty one is allocated.  If the entry is large
 *    (UVM_AMAP_LARGE pages or more) it is first clipped to the
 *    UVM_AMAP_CHUNK-aligned chunks around [startva, endva) unless
 *    AMAP_COPY_NOCHUNK, so a first touch of a huge mapping does not
 *    pay for all of it.
 * => an amap this entry alone references is simply taken over.
 * => otherwise a new amap receives the entry's window of the old one: the
 *    same anons, each an_ref + 1 (shared copy-on-write from now on), and
 *    the old amap's lock; the entry's reference to the old amap is
 *    dropped.
 * => AMAP_COPY_NOWAIT: do not wait for memory; on failure the entry keeps
 *    needs_copy (the caller tests it).  AMAP_COPY_NOMERGE is accepted
 *    (amap_copy never merges entries).
 */
void
amap_copy(struct vm_map *map, struct vm_map_entry *entry, int flags,
    vaddr_t startva, vaddr_t endva)
{
	const bool nowait = (flags & AMAP_COPY_NOWAIT) != 0;
	const bool canchunk = (flags & AMAP_COPY_NOCHUNK) == 0;
	struct vm_amap *amap, *srcamap;
	struct vm_anon *anon;
	vsize_t chunksize;
	int slots, srcslot, i;

	KASSERT((flags & ~(AMAP_COPY_NOWAIT | AMAP_COPY_NOCHUNK |
	    AMAP_COPY_NOMERGE)) == 0);
	KASSERT(vm_map_locked_p(map));
	KASSERT(UVM_ET_ISNEEDSCOPY(entry));

	srcamap = entry->aref.ar_amap;
	if (srcamap == NULL) {
		if (canchunk &&
		    atop(entry->end - entry->start) >= UVM_AMAP_LARGE) {
			chunksize = ptoa((vsize_t)UVM_AMAP_CHUNK);
			startva = (startva / chunksize) * chunksize;
			endva = roundup(endva, chunksize);
			if (startva > entry->start)
				uvm_map_clip_start(map, entry, startva);
			if (endva > startva && endva < entry->end)
				uvm_map_clip_end(map, entry, endva);
		}
		amap = amap_alloc(entry->end - entry->start, 0,
		    nowait ? UVM_FLAG_NOWAIT : 0);
		if (amap == NULL)
			return;
		entry->aref.ar_pageoff = 0;
		entry->aref.ar_amap = amap;
		entry->etype &= ~UVM_ET_NEEDSCOPY;
		return;
	}

	/*
	 * Only we reference the amap: take it over.  Reading am_ref
	 * unlocked is safe for this test: it can only be 1 if ours is the
	 * only reference, and we hold it under the write-locked map.
	 */
	if (srcamap->am_ref == 1) {
		entry->etype &= ~UVM_ET_NEEDSCOPY;
		return;
	}

	slots = amap_b2slot(entry->end - entry->start);
	amap = amap_alloc1(slots, 0, nowait);
	if (amap == NULL)
		return;
	amap_lock(srcamap);
	if (srcamap->am_ref == 1) {
		/* The other references went away meanwhile. */
		amap_unlock(srcamap);
		entry->etype &= ~UVM_ET_NEEDSCOPY;
		amap_dispose(amap);
		return;
	}
	srcslot = entry->aref.ar_pageoff;
	KASSERT(srcslot + slots <= srcamap->am_nslot);
	for (i = 0; i < slots; i++) {
		anon = srcamap->am_anon[srcslot + i];
		if (anon == NULL)
			continue;
		KASSERT(anon->an_lock == srcamap->am_lock);
		KASSERT(anon->an_ref > 0);
		anon->an_ref++;
		amap_slot_fill(amap, i, anon);
	}
	/* Share the old lock iff we share anons: one lock covers them. */
	if (amap->am_nused > 0) {
		amap->am_lock = srcamap->am_lock;
		mutex_obj_hold(amap->am_lock);
	}
	/* Our reference to the old amap goes; it keeps at least one. */
	amap_adjref(srcamap, srcslot, slots, -1, false);
	if (srcamap->am_ref == 1)
		srcamap->am_flags &= ~AMAP_SHARED;
	amap_unlock(srcamap);
	if (amap->am_lock == NULL)
		amap->am_lock = mutex_obj_alloc(MUTEX_DEFAULT, IPL_NONE);
	amap_list_insert(amap);

	entry->aref.ar_pageoff = 0;
	entry->aref.ar_amap = amap;
	entry->etype &= ~UVM_ET_NEEDSCOPY;
}

/*
 * amap_cow_now: copy now every anon of the entry's window that is shared
 * (an_ref > 1), so that no write to the entry will ever need a
 * copy-on-write fault.  Used by fork for wired entries: the child's
 * entry gets its own copies and the parent's wired pages are never
 * write-protected.
 *
 * => map write-locked; entry has an amap and no needs_copy (amap_copy
 *    ran); none of the entry's pages is mapped in map's pmap yet.
 * => waits for memory when pages or anons are short.
 */
void
amap_cow_now(struct vm_map *map, struct vm_map_entry *entry)
{
	struct vm_amap *amap = entry->aref.ar_amap;
	struct vm_anon *anon, *nanon;
	struct vm_page *pg, *npg;
	int slot, i;

	KASSERT(vm_map_locked_p(map));
	KASSERT(amap != NULL);
	KASSERT(!UVM_ET_ISNEEDSCOPY(entry));

	amap_lock(amap);
restart:
	for (i = 0; i < amap->am_nused; i++) {
		slot = amap->am_slots[i];
		if (slot < entry->aref.ar_pageoff ||
		    slot >= entry->aref.ar_pageoff +
		    (int)atop(entry->end - entry->start))
			continue;
		anon = amap->am_anon[slot];
		KASSERT(anon->an_lock == amap->am_lock);
		if (anon->an_ref == 1)
			continue;
		pg = anon->an_page;
		KASSERTMSG(pg != NULL, "amap_cow_now: anon %p not resident",
		    anon);
		if (pg->flags & PG_BUSY) {
			uvm_pagewait(pg, amap->am_lock, "cownow");
			amap_lock(amap);
			goto restart;
		}
		nanon = uvm_analloc();
		npg = NULL;
		if (nanon != NULL) {
			nanon->an_lock = amap->am_lock;
			npg = uvm_pagealloc(NULL, 0, nanon, 0);
		}
		if (npg == NULL) {
			/* Out of memory: wait for some and start over. */
			if (nanon != NULL) {
				nanon->an_ref = 0;
				uvm_anfree(nanon);
			}
			kpause("cownow", false, 1, amap->am_lock);
			goto restart;
		}
		uvm_pagecopy(pg, npg);
		npg->flags &= ~(PG_BUSY | PG_FAKE);
		uvm_pageactivate(npg);
		amap->am_anon[slot] = nanon;
		anon->an_ref--;
		KASSERT(anon->an_ref > 0);
	}
	amap_unlock(amap);
}

/* ---------------------------------------------------------------------
 * The checker.
 */

/* Sort anon pointers (heapsort: no libc here). */
static void
amap_sort_anons(struct vm_anon **v, size_t n)
{
	size_t start, end, root, child;
	struct vm_anon *t;

	if (n < 2)
		return;
	for (start = n / 2; start-- > 0;) {
		for (root = start; (child = 2 * root + 1) < n; root = child) {
			if (child + 1 < n && v[child] < v[child + 1])
				child++;
			if (v[root] >= v[child])
				break;
			t = v[root]; v[root] = v[child]; v[child] = t;
		}
	}
	for (end = n - 1; end > 0; end--) {
		t = v[0]; v[0] = v[end]; v[end] = t;
		for (root = 0; (child = 2 * root + 1) < end; root = child) {
			if (child + 1 < end && v[child] < v[child + 1])
				child++;
			if (v[root] >= v[child])
				break;
			t = v[root]; v[root] = v[child]; v[child] = t;
		}
	}
}

/* Check one amap (locked). */
static const char *
amap_check1(struct vm_amap *amap)
{
	struct vm_anon *anon;
	int i, slot, used;

	if (amap->am_ref <= 0)
		return "amap without references";
	if (amap->am_nslot <= 0 || amap->am_nslot > amap->am_maxslot)
		return "am_nslot outside (0, am_maxslot]";
	if (amap->am_nused < 0 || amap->am_nused > amap->am_nslot)
		return "am_nused outside [0, am_nslot]";
	for (i = 0; i < amap->am_nused; i++) {
		slot = amap->am_slots[i];
		if (slot < 0 || slot >= amap->am_nslot)
			return "used-slot list names a slot outside the amap";
		if (amap->am_anon[slot] == NULL)
			return "used-slot list names an empty slot";
		if (amap->am_bckptr[slot] != i)
			return "back pointer disagrees with used-slot list";
	}
	used = 0;
	for (slot = 0; slot < amap->am_maxslot; slot++) {
		anon = amap->am_anon[slot];
		if (anon == NULL)
			continue;
		if (slot >= amap->am_nslot)
			return "anon in a padding slot";
		used++;
		if (anon->an_ref == 0)
			return "anon without references in a slot";
		if (anon->an_lock != amap->am_lock)
			return "anon's lock is not its amap's";
		if (anon->an_page != NULL && anon->an_page->uanon != anon)
			return "anon's page does not point back at it";
		if (amap->am_ppref != NULL && amap->am_ppref[slot] == 0)
			return "anon in a slot no reference covers";
	}
	if (used != amap->am_nused)
		return "am_nused is not the number of anons";
	if (amap->am_ppref != NULL) {
		for (slot = 0; slot < amap->am_nslot; slot++) {
			if (amap->am_ppref[slot] < 0 ||
			    amap->am_ppref[slot] > amap->am_ref)
				return "slot references outside [0, am_ref]";
		}
	}
	if ((amap->am_flags & AMAP_SHARED) != 0 && amap->am_ref < 2)
		return "shared amap with one reference";
	return NULL;
}

static const char *
amap_check_locked(struct vm_amap *amap)
{
	const char *why;
	bool mine = mutex_owned(amap->am_lock);

	if (!mine)
		amap_lock(amap);
	why = amap_check1(amap);
	if (!mine)
		amap_unlock(amap);
	return why;
}

/*
 * uvm_amap_check: verify one amap (NULL: all of them, and every anon's
 * reference count: at least the number of slots holding it; loans may
 * hold more).
 *
 * => no amap locked by the caller, except the one being checked.
 */
const char *
uvm_amap_check(struct vm_amap *amap)
{
	struct vm_amap *am;
	struct vm_anon **v;
	const char *why = NULL;
	size_t n, cap, i, j;

	if (amap != NULL)
		return amap_check_locked(amap);

	mutex_enter(&uvm_amap_list_lock);
	cap = 0;
	LIST_FOREACH(am, &uvm_amap_list, am_list) {
		why = amap_check_locked(am);
		if (why != NULL) {
			mutex_exit(&uvm_amap_list_lock);
			return why;
		}
		cap += (size_t)am->am_nused;
	}
	if (cap == 0) {
		mutex_exit(&uvm_amap_list_lock);
		return NULL;
	}
	v = kmem_alloc(cap * sizeof(*v), KM_SLEEP);
	n = 0;
	LIST_FOREACH(am, &uvm_amap_list, am_list) {
		amap_lock(am);
		for (i = 0; i < (size_t)am->am_nused && n < cap; i++)
			v[n++] = am->am_anon[am->am_slots[i]];
		amap_unlock(am);
	}
	amap_sort_anons(v, n);
	for (i = 0; i < n && why == NULL; i = j) {
		for (j = i; j < n && v[j] == v[i]; j++)
			continue;
		if (v[i]->an_ref < j - i)
			why = "anon has fewer references than slots hold it";
	}
	kmem_free(v, cap * sizeof(*v));
	mutex_exit(&uvm_amap_list_lock);
	return why;
}

/* ---------------------------------------------------------------------
 * Swap-off: bringing back every anon paged to a device going away.
 */

/*
 * amap_swap_off_anon: bring anon back from its slot (in range) and
 * release the slot.
 *
 * => anon locked.  Returns 0, ENOMEM (no free page), EIO (the slot is
 *    bad, or the read failed and marked it bad: the anon keeps it) or
 *    EBUSY (its page is busy under pageout).  On error the anon is as it
 *    was.
 * => a resident anon whose page still has a copy on the slot only loses
 *    the slot: its page becomes dirty, so that a later pageout writes it
 *    elsewhere.
 */
static int
amap_swap_off_anon(struct vm_anon *anon)
{
	struct vm_page *pg = anon->an_page;
	int slot = anon->an_swslot;
	int error;

	KASSERT(mutex_owned(anon->an_lock));
	KASSERT(slot != 0);
	if (pg != NULL) {
		if (pg->flags & PG_BUSY)
			return EBUSY;	/* its pageout owns it: later */
		if (pg->uobject == NULL)
			pg->flags = (uint16_t)((pg->flags & ~PG_CLEAN) |
			    PG_DIRTY);
		uvm_anon_dropswap(anon);
		return 0;
	}
	pg = uvm_pagealloc(NULL, 0, anon, 0);
	if (pg == NULL)
		return ENOMEM;
	KASSERT(anon->an_page == pg && (pg->flags & PG_BUSY));
	error = uvm_swap_pagein(pg, slot);	/* swpgonly down one */
	if (error != 0) {
		uvm_pagefree(pg);	/* and the anon forgets it */
		KASSERT(anon->an_page == NULL);
		return EIO;
	}
	/* The bytes are only in memory from now on: dirty. */
	pg->flags = (uint16_t)((pg->flags & ~(PG_CLEAN | PG_FAKE)) | PG_DIRTY);
	uvm_anon_dropswap(anon);
	mutex_enter(&uvm_pageqlock);
	uvm_pageactivate(pg);
	mutex_exit(&uvm_pageqlock);
	uvm_pageunbusy(pg);
	return 0;
}

/*
 * amap_swap_off: page every anon whose swap slot lies in
 * [startslot, endslot) back in, and free the slot (SWAP_OFF).
 *
 * => no amap locked by the caller.  Walks the list of all amaps under
 *    uvm_amap_list_lock, locking each amap (and so its anons) in turn;
 *    reads are synchronous.  An anon shared by several amaps is paged in
 *    once: the next amap finds it resident with no slot.
 * => returns 0 if every such anon was paged in; ENOMEM (no free page),
 *    EIO (a read failed; that slot is marked bad) or EBUSY (a page was
 *    busy under pageout) otherwise.  Anons already paged in stay in,
 *    the others keep their slots: nothing is lost.
 */
int
amap_swap_off(int startslot, int endslot)
{
	struct vm_amap *am;
	int error = 0, busy = 0;

	KASSERT(0 < startslot && startslot <= endslot);
	mutex_enter(&uvm_amap_list_lock);
	LIST_FOREACH(am, &uvm_amap_list, am_list) {
		amap_lock(am);
		for (int i = 0; i < am->am_nused && error == 0; i++) {
			struct vm_anon *anon = am->am_anon[am->am_slots[i]];
			int e;

			if (anon->an_swslot < startslot ||
			    anon->an_swslot >= endslot)
				continue;
			e = amap_swap_off_anon(anon);
			if (e == EBUSY)
				busy++;
			else
				error = e;
		}
		amap_unlock(am);
		if (error != 0)
			break;
	}
	mutex_exit(&uvm_amap_list_lock);
	if (error == 0 && busy != 0)
		error = EBUSY;
	return error;
}

/*
 * uvm_amap_foreach_anon: call fn(anon, arg) for every anon of every
 * amap, with the amap locked (an anon in several amaps is visited once
 * per amap).  For checkers (the pagedaemon's swap-slot checker).
 */
void
uvm_amap_foreach_anon(void (*fn)(struct vm_anon *, void *), void *arg)
{
	struct vm_amap *am;

	mutex_enter(&uvm_amap_list_lock);
	LIST_FOREACH(am, &uvm_amap_list, am_list) {
		amap_lock(am);
		for (int i = 0; i < am->am_nused; i++)
			fn(am->am_anon[am->am_slots[i]], arg);
		amap_unlock(am);
	}
	mutex_exit(&uvm_amap_list_lock);
}
