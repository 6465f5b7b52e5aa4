/*
 * uvm_aobj.c: the anonymous object pager.
 *
 * An anonymous object (aobj) is a uvm_object whose pages come from
 * nowhere: a page is zero-filled the first time it is asked for, and
 * lives in the object until the object is flushed or dies.  System V
 * shared memory, the kernel object behind pageable kernel memory
 * (uvm_km.c) and any other "memory with no file" use one.
 *
 * Besides its resident pages (the uvm_object's radix tree), an aobj
 * records, for every page, the swap slot that holds the page's bytes when
 * the page has been paged out.  That record is sized to the object:
 *
 *	<= UAO_SWHASH_THRESHOLD pages	an int per page (u_swslots[])
 *	larger				a hash of 16-page clusters:
 *
 *	u_swhash[(idx >> 4) & mask] -> elt{tag = idx >> 4, count,
 *					   slots[16]} -> elt ...
 *
 * A cluster element exists only while one of its 16 slots is in use, so a
 * huge, sparsely paged object (the kernel object spans all of kernel VA)
 * costs memory in proportion to what is actually on swap.  An array for
 * everything would be simpler but would cost 4 bytes per page of every
 * large object whether it ever pages or not; a hash for everything would
 * make the common small object pay a lookup per page.
 *
 * The pagedaemon (uvm_pdaemon.c) pages aobj pages out: it writes them
 * to swap and records their slots with uao_set_swslot(); uao_get() reads
 * a non-resident page with a slot back, with the object's pages paged
 * out to the slots continuing its run in the same I/O (uao_pagein(),
 * uvm_swap_pagein_cluster()).  A slot
 * freed while its page is not resident was the only copy:
 * uvmexp.swpgonly goes down with it.
 *
 * The kernel object is special: uao_create(size, UAO_FLAG_KERNOBJ) makes
 * it, once per boot, in static storage, with the reference count
 * UVM_OBJ_KERN that marks it immortal (references and detaches of it are
 * not counted: the kernel map's entries reference and detach it through
 * the pager ops like any object).  It starts with no swap-slot record
 * (UAO_FLAG_NOSWAP: setting a slot panics) until uao_create(0,
 * UAO_FLAG_KERNSWAP), again once per boot, gives it one.
 *
 * Locking:
 *	uao_list_lock	the list of all aobjs (u_list): swap-off walks it
 *	vmobjlock	everything else in an aobj: its pages, u_flags, the
 *			slot array or hash; pgo_get and pgo_put are called
 *			with it held (see each for when it is released)
 *	uo_refs		atomic
 * Lock order: vmobjlock, then uvm_pageqlock; uao_list_lock is never
 * held with either.
 */

#include "uvm_impl.h"
#include <uvm/uvm_swap.h>

#include <uvm/uvm_aobj.h>

/* u_flags: the kernel object has no swap-slot record yet. */
#define UAO_FLAG_NOSWAP		0x8

/* Cluster of a page index, and the slot of the index inside it. */
#define UAO_SWHASH_ELT_TAG(idx)		((idx) >> UAO_SWHASH_CLUSTER_SHIFT)
#define UAO_SWHASH_ELT_PAGESLOT_IDX(idx) \
	((idx) & (UAO_SWHASH_CLUSTER_SIZE - 1))

struct uao_swhash_elt {
	LIST_ENTRY(uao_swhash_elt) list;	/* o: bucket chain */
	int		tag;		/* o: page index >> CLUSTER_SHIFT */
	int		count;		/* o: non-zero slots[] */
	int		slots[UAO_SWHASH_CLUSTER_SIZE]; /* o: slot per page */
};

LIST_HEAD(uao_swhash, uao_swhash_elt);

/*
 * An aobj: the uvm_object first, so a uvm_object pointer of an aobj is
 * the aobj's address.  Only one of u_swslots and u_swhash is used, chosen
 * by UAO_USES_SWHASH at creation.
 */
struct uvm_aobj {
	struct uvm_object u_obj;	/* the object (lock, pages, refs) */
	int		u_pages;	/* c: size in pages */
	int		u_flags;	/* o: UAO_FLAG_NOSWAP */
	int		u_nslots;	/* o: pages that have a slot */
	int		*u_swslots;	/* o: slot per page (small object) */
	struct uao_swhash *u_swhash;	/* o: bucket heads (large object) */
	unsigned long	u_swhashmask;	/* c: buckets - 1 */
	LIST_ENTRY(uvm_aobj) u_list;	/* l: uao_list */
};

#define UAO_USES_SWHASH(aobj)	((aobj)->u_pages > UAO_SWHASH_THRESHOLD)

static struct pool uao_pool;		/* struct uvm_aobj */
static struct pool uao_swhash_elt_pool;	/* struct uao_swhash_elt */
static LIST_HEAD(, uvm_aobj) uao_list;
static kmutex_t uao_list_lock;
static bool uao_initialized;

/*
 * The kernel object's home, and which of its two once-per-boot steps
 * have happened (0, UAO_FLAG_KERNOBJ, then UAO_FLAG_KERNSWAP).
 */
static struct uvm_aobj kernel_object_store;
static int kobj_alloced;

static void	uao_reference_op(struct uvm_object *);
static void	uao_detach_op(struct uvm_object *);
static int	uao_get(struct uvm_object *, voff_t, struct vm_page **, int *,
		    int, vm_prot_t, int, int);
static int	uao_put(struct uvm_object *, voff_t, voff_t, int);

const struct uvm_pagerops aobj_pager = {
	.pgo_reference = uao_reference_op,
	.pgo_detach = uao_detach_op,
	.pgo_get = uao_get,
	.pgo_put = uao_put,
	.pgo_name = "aobj",
};

static inline struct uvm_aobj *
uao_of(struct uvm_object *uobj)
{
	KASSERT(UVM_OBJ_IS_AOBJ(uobj));
	return (struct uvm_aobj *)uobj;
}

/* ---------------------------------------------------------------------
 * Page operations, with the queue lock they need.
 */

static void
uao_pg_activate(struct vm_page *pg)
{
	mutex_enter(&uvm_pageqlock);
	if (pg->wire_count == 0)
		uvm_pageactivate(pg);
	mutex_exit(&uvm_pageqlock);
}

static void
uao_pg_deactivate(struct vm_page *pg)
{
	mutex_enter(&uvm_pageqlock);
	if (pg->wire_count == 0)
		uvm_pagedeactivate(pg);
	mutex_exit(&uvm_pageqlock);
}

static void
uao_pg_free(struct vm_page *pg)
{
	mutex_enter(&uvm_pageqlock);
	uvm_pagefree(pg);
	mutex_exit(&uvm_pageqlock);
}

/* ---------------------------------------------------------------------
 * The swap-slot record: array or hash.
 */

/*
 * Allocate an empty record for aobj's u_pages pages.
 */
static void
uao_swslots_alloc(struct uvm_aobj *aobj)
{
	if (UAO_USES_SWHASH(aobj)) {
		unsigned long want, nb;

		want = MIN((unsigned long)aobj->u_pages >>
		    UAO_SWHASH_CLUSTER_SHIFT, UAO_SWHASH_MAXBUCKETS);
		for (nb = 1; nb < want; nb <<= 1)
			continue;
		aobj->u_swhash = kmem_alloc(nb * sizeof(*aobj->u_swhash),
		    KM_SLEEP);
		for (unsigned long i = 0; i < nb; i++)
			LIST_INIT(&aobj->u_swhash[i]);
		aobj->u_swhashmask = nb - 1;
		aobj->u_swslots = NULL;
	} else {
		aobj->u_swhash = NULL;
		aobj->u_swhashmask = 0;
		aobj->u_swslots = aobj->u_pages == 0 ? NULL :
		    kmem_zalloc((size_t)aobj->u_pages * sizeof(int), KM_SLEEP);
	}
	aobj->u_nslots = 0;
}

/*
 * Free the record, forgetting every slot still in it.
 */
static void
uao_swslots_free(struct uvm_aobj *aobj)
{
	/* No page is resident any more: every slot is the only copy. */
	KASSERT(aobj->u_obj.uo_npages == 0);
	if (aobj->u_flags & UAO_FLAG_NOSWAP)
		return;
	if (UAO_USES_SWHASH(aobj)) {
		for (unsigned long i = 0; i <= aobj->u_swhashmask; i++) {
			struct uao_swhash_elt *elt;

			while ((elt = LIST_FIRST(&aobj->u_swhash[i])) != NULL) {
				LIST_REMOVE(elt, list);
				for (int j = 0; j < UAO_SWHASH_CLUSTER_SIZE; j++)
					if (elt->slots[j] != 0) {
						uvmpd_swpgonly(-1);
						uvm_swap_free(elt->slots[j], 1);
					}
				aobj->u_nslots -= elt->count;
				pool_put(&uao_swhash_elt_pool, elt);
			}
		}
		kmem_free(aobj->u_swhash,
		    (aobj->u_swhashmask + 1) * sizeof(*aobj->u_swhash));
		aobj->u_swhash = NULL;
	} else if (aobj->u_swslots != NULL) {
		for (int i = 0; i < aobj->u_pages; i++) {
			if (aobj->u_swslots[i] != 0) {
				uvmpd_swpgonly(-1);
				uvm_swap_free(aobj->u_swslots[i], 1);
				aobj->u_nslots--;
			}
		}
		kmem_free(aobj->u_swslots, (size_t)aobj->u_pages * sizeof(int));
		aobj->u_swslots = NULL;
	}
	KASSERT(aobj->u_nslots == 0);
}

static inline struct uao_swhash *
uao_swhash_bucket(struct uvm_aobj *aobj, int pageidx)
{
	return &aobj->u_swhash[(unsigned long)UAO_SWHASH_ELT_TAG(pageidx) &
	    aobj->u_swhashmask];
}

/*
 * Find the cluster element of pageidx, creating an empty one if asked.
 */
static struct uao_swhash_elt *
uao_find_swhash_elt(struct uvm_aobj *aobj, int pageidx, bool create)
{
	struct uao_swhash *bucket = uao_swhash_bucket(aobj, pageidx);
	struct uao_swhash_elt *elt;
	int tag = UAO_SWHASH_ELT_TAG(pageidx);

	LIST_FOREACH(elt, bucket, list) {
		if (elt->tag == tag)
			return elt;
	}
	if (!create)
		return NULL;
	elt = pool_get(&uao_swhash_elt_pool, PR_WAITOK);
	memset(elt, 0, sizeof(*elt));
	elt->tag = tag;
	LIST_INSERT_HEAD(bucket, elt, list);
	return elt;
}

/*
 * uao_find_swslot: the swap slot of page pageidx of uobj, or 0.
 *
 * => uobj is locked; 0 <= pageidx < the object's size in pages.
 */
int
uao_find_swslot(struct uvm_object *uobj, int pageidx)
{
	struct uvm_aobj *aobj = uao_of(uobj);
	struct uao_swhash_elt *elt;

	KASSERT(mutex_owned(uobj->vmobjlock));
	KASSERTMSG(pageidx >= 0 && pageidx < aobj->u_pages,
	    "uao_find_swslot: page %d outside [0, %d)", pageidx,
	    aobj->u_pages);
	if (aobj->u_flags & UAO_FLAG_NOSWAP)
		return 0;
	if (UAO_USES_SWHASH(aobj)) {
		elt = uao_find_swhash_elt(aobj, pageidx, false);
		return elt == NULL ? 0 :
		    elt->slots[UAO_SWHASH_ELT_PAGESLOT_IDX(pageidx)];
	}
	return aobj->u_swslots[pageidx];
}

/*
 * uao_set_swslot: record slot (0: no slot) for page pageidx of uobj and
 * return the slot recorded before.
 *
 * => uobj is locked; 0 <= pageidx < the object's size; slot >= 0.
 * => setting a non-zero slot on the kernel object before
 *    UAO_FLAG_KERNSWAP panics.
 * => a hash element is created for the first slot of its cluster and
 *    freed with the last.
 */
int
uao_set_swslot(struct uvm_object *uobj, int pageidx, int slot)
{
	struct uvm_aobj *aobj = uao_of(uobj);
	struct uao_swhash_elt *elt;
	int *slotp, oldslot;

	KASSERT(mutex_owned(uobj->vmobjlock));
	KASSERTMSG(pageidx >= 0 && pageidx < aobj->u_pages,
	    "uao_set_swslot: page %d outside [0, %d)", pageidx,
	    aobj->u_pages);
	KASSERT(slot >= 0);
	if (aobj->u_flags & UAO_FLAG_NOSWAP) {
		if (slot == 0)
			return 0;
		panic("uao_set_swslot: slot %d for page %d of the kernel"
		    " object, which has no swap", slot, pageidx);
	}

	if (UAO_USES_SWHASH(aobj)) {
		elt = uao_find_swhash_elt(aobj, pageidx, slot != 0);
		if (elt == NULL)
			return 0;	/* clearing a slot never set */
		slotp = &elt->slots[UAO_SWHASH_ELT_PAGESLOT_IDX(pageidx)];
	} else {
		elt = NULL;
		slotp = &aobj->u_swslots[pageidx];
	}
	oldslot = *slotp;
	*slotp = slot;

	if (oldslot == 0 && slot != 0) {
		aobj->u_nslots++;
		if (elt != NULL)
			elt->count++;
	} else if (oldslot != 0 && slot == 0) {
		aobj->u_nslots--;
		if (elt != NULL)
			elt->count--;
	}
	if (elt != NULL && elt->count == 0) {
		LIST_REMOVE(elt, list);
		pool_put(&uao_swhash_elt_pool, elt);
	}
	return oldslot;
}

/*
 * uao_dropswap: free the swap slot of page pageidx of uobj, if any.
 *
 * => uobj is locked.
 */
void
uao_dropswap(struct uvm_object *uobj, int pageidx)
{
	int slot;

	slot = uao_set_swslot(uobj, pageidx, 0);
	if (slot != 0) {
		if (uvm_pagelookup(uobj, (voff_t)pageidx << PAGE_SHIFT) == NULL)
			uvmpd_swpgonly(-1);
		uvm_swap_free(slot, 1);
	}
}

/*
 * uao_dropswap_range: free the slots of every page in [start, end) of
 * uobj; end 0 means the end of the object.
 *
 * => uobj is locked; start and end are page aligned.
 * => a large object's clusters are visited, not its pages, so dropping
 *    the whole of a huge object costs what it has on swap.
 */
void
uao_dropswap_range(struct uvm_object *uobj, voff_t start, voff_t end)
{
	struct uvm_aobj *aobj = uao_of(uobj);
	int64_t sidx, eidx;

	KASSERT(mutex_owned(uobj->vmobjlock));
	KASSERT((start & PAGE_MASK) == 0 && (end & PAGE_MASK) == 0);
	sidx = (int64_t)(start >> PAGE_SHIFT);
	eidx = end == 0 ? aobj->u_pages : (int64_t)(end >> PAGE_SHIFT);
	KASSERT(sidx <= eidx && eidx <= aobj->u_pages);
	if ((aobj->u_flags & UAO_FLAG_NOSWAP) != 0 || aobj->u_nslots == 0)
		return;

	if (!UAO_USES_SWHASH(aobj)) {
		for (int64_t i = sidx; i < eidx; i++)
			uao_dropswap(uobj, (int)i);
		return;
	}
	for (unsigned long b = 0; b <= aobj->u_swhashmask; b++) {
		struct uao_swhash_elt *elt, *next;

		LIST_FOREACH_SAFE(elt, &aobj->u_swhash[b], list, next) {
			int64_t base = (int64_t)elt->tag <<
			    UAO_SWHASH_CLUSTER_SHIFT;

			if (base >= eidx ||
			    base + UAO_SWHASH_CLUSTER_SIZE <= sidx)
				continue;
			for (int j = 0; j < UAO_SWHASH_CLUSTER_SIZE; j++) {
				if (base + j < sidx || base + j >= eidx ||
				    elt->slots[j] == 0)
					continue;
				if (uvm_pagelookup(uobj,
				    (voff_t)(base + j) << PAGE_SHIFT) == NULL)
					uvmpd_swpgonly(-1);
				uvm_swap_free(elt->slots[j], 1);
				elt->slots[j] = 0;
				elt->count--;
				aobj->u_nslots--;
			}
			if (elt->count == 0) {
				LIST_REMOVE(elt, list);
				pool_put(&uao_swhash_elt_pool, elt);
			}
		}
	}
}

/* ---------------------------------------------------------------------
 * Creating and destroying aobjs.
 */

/*
 * uao_create: a new anonymous object of size bytes (rounded up to pages)
 * with one reference, or the kernel object.
 *
 * => flags is 0, UAO_FLAG_KERNOBJ (make the kernel object: once per boot)
 *    or UAO_FLAG_KERNSWAP (give the kernel object its swap-slot record:
 *    once per boot, after UAO_FLAG_KERNOBJ; size is ignored).
 * => may sleep for memory; never fails.
 */
struct uvm_object *
uao_create(vsize_t size, int flags)
{
	struct uvm_aobj *aobj;
	vsize_t pages;

	KASSERT(uao_initialized);
	KASSERTMSG(flags == 0 || flags == UAO_FLAG_KERNOBJ ||
	    flags == UAO_FLAG_KERNSWAP, "uao_create: flags %#x", flags);

	if (flags == UAO_FLAG_KERNSWAP) {
		KASSERTMSG(kobj_alloced == UAO_FLAG_KERNOBJ,
		    "uao_create: kernel swap enabled twice or before the"
		    " kernel object exists");
		aobj = &kernel_object_store;
		KASSERT(aobj->u_flags & UAO_FLAG_NOSWAP);
		mutex_enter(aobj->u_obj.vmobjlock);
		uao_swslots_alloc(aobj);
		aobj->u_flags &= ~UAO_FLAG_NOSWAP;
		mutex_exit(aobj->u_obj.vmobjlock);
		kobj_alloced = UAO_FLAG_KERNSWAP;
		return &aobj->u_obj;
	}

	KASSERTMSG(size <= (vsize_t)INT_MAX << PAGE_SHIFT,
	    "uao_create: size %#jx too large", (uintmax_t)size);
	pages = round_page(size) >> PAGE_SHIFT;
	if (flags == UAO_FLAG_KERNOBJ) {
		KASSERTMSG(kobj_alloced == 0,
		    "uao_create: kernel object created twice");
		aobj = &kernel_object_store;
		memset(aobj, 0, sizeof(*aobj));
		aobj->u_pages = (int)pages;
		aobj->u_flags = UAO_FLAG_NOSWAP;
		uvm_obj_init(&aobj->u_obj, &aobj_pager, true,
		    (unsigned int)UVM_OBJ_KERN);
		kobj_alloced = UAO_FLAG_KERNOBJ;
	} else {
		aobj = pool_get(&uao_pool, PR_WAITOK);
		memset(aobj, 0, sizeof(*aobj));
		aobj->u_pages = (int)pages;
		uao_swslots_alloc(aobj);
		uvm_obj_init(&aobj->u_obj, &aobj_pager, true, 1);
	}

	mutex_enter(&uao_list_lock);
	LIST_INSERT_HEAD(&uao_list, aobj, u_list);
	mutex_exit(&uao_list_lock);
	return &aobj->u_obj;
}

/*
 * uao_reference: add a reference to uobj.
 *
 * => uobj is unlocked and has at least one reference.
 * => the kernel object's references are not counted.
 */
void
uao_reference(struct uvm_object *uobj)
{
	KASSERT(UVM_OBJ_IS_AOBJ(uobj));
	if (UVM_OBJ_IS_KERN_OBJECT(uobj))
		return;
	KASSERT(atomic_load_relaxed(&uobj->uo_refs) > 0);
	atomic_inc_uint(&uobj->uo_refs);
}

/*
 * uao_detach: drop a reference to uobj; the last one frees every page of
 * the object (waiting for busy ones), its swap-slot record and the
 * object itself.
 *
 * => uobj is unlocked and has at least one reference.
 * => detaching the kernel object does nothing (it is never freed).
 */
void
uao_detach(struct uvm_object *uobj)
{
	struct uvm_aobj *aobj = uao_of(uobj);
	struct vm_page *pgs[16];
	unsigned int n;

	if (UVM_OBJ_IS_KERN_OBJECT(uobj))
		return;
	KASSERT(atomic_load_relaxed(&uobj->uo_refs) > 0);
	if (atomic_dec_uint_nv(&uobj->uo_refs) > 0)
		return;

	mutex_enter(&uao_list_lock);
	LIST_REMOVE(aobj, u_list);
	mutex_exit(&uao_list_lock);

	mutex_enter(uobj->vmobjlock);
	while ((n = uvm_radix_gang_lookup(&uobj->uo_pages, 0, (void **)pgs,
	    NULL, __arraycount(pgs), false)) != 0) {
		for (unsigned int i = 0; i < n; i++) {
			struct vm_page *pg = pgs[i];

			pmap_page_protect(pg, VM_PROT_NONE);
			if (pg->flags & PG_BUSY) {
				/* Its I/O (or its getter) owns it: wait. */
				uvm_pagewait(pg, uobj->vmobjlock, "uao_det");
				mutex_enter(uobj->vmobjlock);
				break;
			}
			uao_dropswap(uobj, (int)(pg->offset >> PAGE_SHIFT));
			uao_pg_free(pg);
		}
	}
	KASSERT(uobj->uo_npages == 0);
	uao_swslots_free(aobj);
	mutex_exit(uobj->vmobjlock);

	uvm_obj_destroy(uobj, true);
	pool_put(&uao_pool, aobj);
}

static void
uao_reference_op(struct uvm_object *uobj)
{
	uao_reference(uobj);
}

static void
uao_detach_op(struct uvm_object *uobj)
{
	uao_detach(uobj);
}

/* ---------------------------------------------------------------------
 * Getting and putting pages.
 */

/* A fresh or reused aobj page has no backing copy: it is dirty. */
static inline void
uao_page_dirty(struct vm_page *pg)
{
	pg->flags = (uint16_t)((pg->flags & ~PG_CLEAN) | PG_DIRTY);
}

/*
 * Can page idx be read ahead from slot: paged out there, or resident
 * with its copy there (a hole: the slot is read and the bytes
 * discarded)?
 */
static inline bool
uao_ra_ok(struct uvm_object *uobj, int idx, int slot, bool holes)
{
	return slot > 0 && uao_find_swslot(uobj, idx) == slot &&
	    (holes || uvm_pagelookup(uobj, (voff_t)idx << PAGE_SHIFT) == NULL);
}

/*
 * Give each paged-out page idx + dir * (i + 1), i < n, a fresh busy page
 * in pgs[i]; a resident one is a hole (NULL).  Returns how many were
 * done: up to the first for which no page was free, holes at the end
 * not counted.
 */
static int
uao_ra_alloc(struct uvm_object *uobj, int idx, int dir,
    struct vm_page **pgs, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		voff_t off = (voff_t)(idx + dir * (i + 1)) << PAGE_SHIFT;

		if (uvm_pagelookup(uobj, off) != NULL)
			pgs[i] = NULL;
		else if ((pgs[i] = uvm_pagealloc(uobj, off, NULL, 0)) == NULL)
			break;
	}
	while (i > 0 && pgs[i - 1] == NULL)
		i--;
	return i;
}

/*
 * uao_pagein: read page idx of uobj (pg: fresh, busy) from its slot,
 * with the read-ahead neighbours: the pages of the object around it (up
 * to 3 behind and UVM_SWAP_MAXREAD - 1 ahead; none behind and
 * UVM_SWAP_MAXREAD - 1 ahead with sequential advice, always; none with
 * random advice; otherwise as many as the adaptive window allows,
 * uvm_swap_rawindow) that are paged out to the slots continuing its
 * slot's run, in one I/O.  With a window of UVM_SWAP_RAHOLES pages or
 * more, a resident page of the run whose copy is there is a hole: its
 * slot is read with the others and the bytes discarded; the run never
 * ends on a hole.  The neighbours stay resident on the inactive queue
 * (PQ_READAHEAD), not busy.
 *
 * => uobj locked.  0, or EIO (the slot is marked bad and stays the
 *    page's; the caller frees pg).  A neighbour that cannot be read is
 *    not brought in.
 */
static int
uao_pagein(struct uvm_object *uobj, int idx, int slot, struct vm_page *pg,
    int advice)
{
	struct vm_page *pps[UVM_SWAP_MAXREAD], *back[UVM_SWAP_MAXREAD];
	struct vm_page *forw[UVM_SWAP_MAXREAD];
	int nback, nforw, b, f, n, center, win, error;
	bool holes;

	KASSERT(mutex_owned(uobj->vmobjlock));
	switch (advice) {
	case UVM_ADV_RANDOM:
		nback = nforw = 0;
		break;
	case UVM_ADV_SEQUENTIAL:
		nback = 0;
		nforw = UVM_SWAP_MAXREAD - 1;
		break;
	default:
		nback = 3;
		nforw = UVM_SWAP_MAXREAD - 1;
		break;
	}
	nback = MIN(nback, idx);
	nforw = MIN(nforw, uao_of(uobj)->u_pages - idx - 1);
	if (nback + nforw > 0 && advice != UVM_ADV_SEQUENTIAL) {
		win = uvm_swap_rawindow(slot,
		    MIN(nback + nforw + 1, UVM_SWAP_MAXREAD));
		nforw = MIN(nforw, win - 1);
		nback = MIN(nback, win - 1 - nforw);
	}
	holes = nback + nforw + 1 >= UVM_SWAP_RAHOLES;
	for (b = 0; b < nback &&
	    uao_ra_ok(uobj, idx - b - 1, slot - b - 1, holes); b++)
		continue;
	for (f = 0; f < nforw &&
	    uao_ra_ok(uobj, idx + f + 1, slot + f + 1, holes); f++)
		continue;
	if (b + f > 0)
		uvm_swap_readahead(slot, &b, &f);
	b = uao_ra_alloc(uobj, idx, -1, back, b);
	f = uao_ra_alloc(uobj, idx, 1, forw, f);
	n = 0;
	while (b > 0)
		pps[n++] = back[--b];
	center = n;
	pps[n++] = pg;
	for (int i = 0; i < f; i++)
		pps[n++] = forw[i];
	error = uvm_swap_pagein_cluster(pps, n, center, slot);
	if (error != 0)
		return error;
	uvm_swap_raqueue(pps, n, center);
	return 0;
}

/*
 * uao_get: the pgo_get of aobjs: pages [offset, offset + *npagesp
 * pages) of uobj into pps[].
 *
 * => uobj is locked; the range lies inside the object; offset is page
 *    aligned; 0 <= centeridx < *npagesp.
 * => PGO_LOCKED: only resident pages that are not busy are returned, the
 *    others' entries set to NULL; nothing sleeps; *npagesp becomes the
 *    number found; the object stays locked.  Returns 0 if the centre page
 *    was found, EBUSY if not.
 * => otherwise every page is returned busy (the caller unbusies and
 *    queues them): resident ones once they are not busy (sleeping for
 *    them), paged-out ones read back from their swap slot (which they
 *    keep: the page's state is "unknown", the pmap tells if it is
 *    modified) together with their read-ahead neighbours (uao_pagein;
 *    those are left resident, not busy, PQ_READAHEAD), missing ones
 *    allocated zero-filled (not zeroed with PGO_OVERWRITE: the caller
 *    overwrites them) and marked dirty.  All I/O is synchronous, so
 *    PGO_SYNCIO changes nothing.  The object is unlocked on return.
 *    Returns 0, ENOMEM (no page was free) or EIO (a swap read failed:
 *    the slot is marked bad); on error the pages gathered so far are
 *    unbusied and queued, pps[] is cleared.
 */
static int
uao_get(struct uvm_object *uobj, voff_t offset, struct vm_page **pps,
    int *npagesp, int centeridx, vm_prot_t access_type, int advice, int flags)
{
	struct uvm_aobj *aobj = uao_of(uobj);
	struct vm_page *pg;
	int maxpages = *npagesp;
	int64_t startidx = (int64_t)(offset >> PAGE_SHIFT);
	int lcv, gotpages, slot, error;

	(void)access_type;
	KASSERT(mutex_owned(uobj->vmobjlock));
	KASSERT((offset & PAGE_MASK) == 0);
	KASSERTMSG(maxpages > 0 && startidx + maxpages <= aobj->u_pages,
	    "uao_get: pages [%jd, %jd) outside [0, %d)", (intmax_t)startidx,
	    (intmax_t)(startidx + maxpages), aobj->u_pages);

	if (flags & PGO_LOCKED) {
		KASSERT(centeridx >= 0 && centeridx < maxpages);
		gotpages = 0;
		for (lcv = 0; lcv < maxpages; lcv++)
			pps[lcv] = NULL;
		for (lcv = 0; lcv < maxpages; ) {
			struct vm_page *found[16];
			uint64_t idx[16];
			unsigned int n, want, i;

			want = (unsigned int)MIN(maxpages - lcv, 16);
			n = uvm_radix_gang_lookup(&uobj->uo_pages,
			    (uint64_t)(startidx + lcv), (void **)found, idx,
			    want, false);
			if (n == 0)
				break;
			for (i = 0; i < n; i++) {
				int64_t rel = (int64_t)idx[i] - startidx;

				if (rel >= maxpages)
					break;
				pg = found[i];
				KASSERT(pg->uobject == uobj);
				if ((pg->flags & PG_BUSY) == 0) {
					uvm_swap_rahit(pg);
					pps[rel] = pg;
					gotpages++;
				}
				lcv = (int)rel + 1;
			}
			if (i < n)
				break;
		}
		*npagesp = gotpages;
		return pps[centeridx] != NULL ? 0 : EBUSY;
	}

	for (lcv = 0; lcv < maxpages; ) {
		voff_t curoff = offset + ((voff_t)lcv << PAGE_SHIFT);

		pg = uvm_pagelookup(uobj, curoff);
		if (pg != NULL) {
			if (pg->flags & PG_BUSY) {
				uvm_pagewait(pg, uobj->vmobjlock, "uao_get");
				mutex_enter(uobj->vmobjlock);
				continue;	/* look again: it may be gone */
			}
			pg->flags |= PG_BUSY;
			uvm_swap_rahit(pg);
			pps[lcv++] = pg;
			continue;
		}

		/*
		 * Not resident: paged out (read it back from its slot) or
		 * never used (zero-fill it).
		 */
		slot = uao_find_swslot(uobj, (int)(curoff >> PAGE_SHIFT));
		pg = uvm_pagealloc(uobj, curoff, NULL,
		    (slot != 0 || (flags & PGO_OVERWRITE)) ? 0 : UVM_PGA_ZERO);
		if (pg == NULL) {
			error = ENOMEM;
			goto fail;
		}
		KASSERT(pg->flags & PG_BUSY);
		if (slot != 0) {
			error = uao_pagein(uobj, (int)(curoff >> PAGE_SHIFT),
			    slot, pg, advice);
			if (error) {
				uvm_pagefree(pg);
				goto fail;
			}
		} else {
			pg->flags &= ~PG_FAKE;
			uao_page_dirty(pg);
		}
		pps[lcv++] = pg;
	}
	mutex_exit(uobj->vmobjlock);
	return 0;

fail:
	for (int i = 0; i < lcv; i++) {
		uao_pg_activate(pps[i]);
		uvm_pageunbusy(pps[i]);
		pps[i] = NULL;
	}
	mutex_exit(uobj->vmobjlock);
	return error;
}

/*
 * uao_put: the pgo_put of aobjs: flush the pages in [start, stop) of
 * uobj (the whole object with PGO_ALLPAGES, or if stop is 0).
 *
 * => uobj is locked; it is unlocked on return.  Returns 0.
 * => PGO_DEACTIVATE moves the resident pages to the inactive queue.
 * => PGO_FREE frees them and forgets their swap slots, discarding their
 *    bytes, unless someone else holds a reference to the object (then
 *    they are deactivated: the other user may still want them; the
 *    kernel object's uncounted references are not "someone else": its
 *    pages are freed).  Wired and loaned pages are left alone.
 * => An aobj page has nowhere to be written but swap, which only the
 *    pagedaemon writes to, so PGO_CLEANIT does not clean: with
 *    PGO_FREE or PGO_DEACTIVATE it deactivates (the pagedaemon will
 *    clean), alone it does nothing.
 * => Busy pages are waited for.
 */
static int
uao_put(struct uvm_object *uobj, voff_t start, voff_t stop, int flags)
{
	struct uvm_aobj *aobj = uao_of(uobj);
	voff_t objend = (voff_t)aobj->u_pages << PAGE_SHIFT;
	struct vm_page *pgs[16];
	uint64_t idx[16];
	uint64_t curidx, endidx;
	unsigned int n, i;
	bool freeit;

	KASSERT(mutex_owned(uobj->vmobjlock));
	KASSERTMSG((flags & (PGO_FREE | PGO_DEACTIVATE)) !=
	    (PGO_FREE | PGO_DEACTIVATE), "uao_put: both FREE and DEACTIVATE");
	if (flags & PGO_ALLPAGES) {
		start = 0;
		stop = objend;
	} else {
		start = (voff_t)trunc_page(start);
		stop = stop == 0 ? objend : (voff_t)round_page(stop);
		if (stop > objend)
			stop = objend;
	}
	if ((flags & (PGO_FREE | PGO_DEACTIVATE)) == 0 || start >= stop) {
		mutex_exit(uobj->vmobjlock);
		return 0;
	}

	curidx = start >> PAGE_SHIFT;
	endidx = stop >> PAGE_SHIFT;
	while ((n = uvm_radix_gang_lookup(&uobj->uo_pages, curidx,
	    (void **)pgs, idx, __arraycount(pgs), false)) != 0) {
		for (i = 0; i < n; i++) {
			struct vm_page *pg = pgs[i];

			if (idx[i] >= endidx)
				break;
			if (pg->flags & PG_BUSY) {
				uvm_pagewait(pg, uobj->vmobjlock, "uao_put");
				mutex_enter(uobj->vmobjlock);
				break;	/* look again from this page */
			}
			curidx = idx[i] + 1;
			freeit = (flags & (PGO_FREE | PGO_CLEANIT)) ==
			    PGO_FREE && (UVM_OBJ_IS_KERN_OBJECT(uobj) ||
			    atomic_load_relaxed(&uobj->uo_refs) <= 1);
			if (!freeit) {
				uao_pg_deactivate(pg);
				continue;
			}
			if (pg->wire_count != 0 || pg->loan_count != 0)
				continue;
			pmap_page_protect(pg, VM_PROT_NONE);
			uao_dropswap(uobj, (int)idx[i]);
			uao_pg_free(pg);
		}
		if (i < n && idx[i] >= endidx)
			break;
	}
	mutex_exit(uobj->vmobjlock);
	return 0;
}

/* ---------------------------------------------------------------------
 * Observation.
 */

int
uao_npages(struct uvm_object *uobj)
{
	return uao_of(uobj)->u_pages;
}

/*
 * uao_swslot_count: pages of uobj that have a swap slot.
 *
 * => uobj is locked.
 */
int
uao_swslot_count(struct uvm_object *uobj)
{
	KASSERT(mutex_owned(uobj->vmobjlock));
	return uao_of(uobj)->u_nslots;
}

/*
 * uao_check: every resident page is the object's, inside it, in the
 * tree at its own index and not free; uo_npages counts them; the swap
 * record's counts equal its non-zero slots and every hash element sits
 * in its bucket with at least one slot in use.
 */
const char *
uao_check(struct uvm_object *uobj)
{
	struct uvm_aobj *aobj;
	struct vm_page *pgs[32];
	uint64_t idx[32], next = 0;
	const char *why = NULL;
	unsigned int n;
	int npages = 0, nslots = 0;

	if (!UVM_OBJ_IS_AOBJ(uobj))
		return "not an aobj";
	aobj = (struct uvm_aobj *)uobj;
	mutex_enter(uobj->vmobjlock);
	while (why == NULL && (n = uvm_radix_gang_lookup(&uobj->uo_pages,
	    next, (void **)pgs, idx, __arraycount(pgs), false)) != 0) {
		for (unsigned int i = 0; i < n && why == NULL; i++) {
			struct vm_page *pg = pgs[i];

			if (pg->uobject != uobj ||
			    (pg->uanon != NULL && pg->loan_count == 0))
				why = "a page in the tree has another owner";
			else if ((pg->offset & PAGE_MASK) != 0 ||
			    (uint64_t)(pg->offset >> PAGE_SHIFT) != idx[i])
				why = "a page is in the tree at another index"
				    " than its offset";
			else if (idx[i] >= (uint64_t)aobj->u_pages)
				why = "a page lies beyond the object's size";
			else if ((pg->pqflags & PQ_FREE) != 0)
				why = "a page of the object is on a free list";
			npages++;
			next = idx[i] + 1;
		}
	}
	if (why == NULL && npages != uobj->uo_npages)
		why = "uo_npages differs from the pages in the tree";
	if (why == NULL && (aobj->u_flags & UAO_FLAG_NOSWAP) == 0) {
		if (UAO_USES_SWHASH(aobj)) {
			for (unsigned long b = 0;
			    b <= aobj->u_swhashmask && why == NULL; b++) {
				struct uao_swhash_elt *elt;

				LIST_FOREACH(elt, &aobj->u_swhash[b], list) {
					int c = 0;

					for (int j = 0;
					    j < UAO_SWHASH_CLUSTER_SIZE; j++)
						if (elt->slots[j] != 0)
							c++;
					if (c != elt->count)
						why = "a hash element's count"
						    " differs from its slots";
					else if (c == 0)
						why = "an empty hash element"
						    " was kept";
					else if (((unsigned long)elt->tag &
					    aobj->u_swhashmask) != b)
						why = "a hash element is in"
						    " the wrong bucket";
					nslots += c;
				}
			}
		} else {
			for (int i = 0; i < aobj->u_pages; i++)
				if (aobj->u_swslots[i] != 0)
					nslots++;
		}
		if (why == NULL && nslots != aobj->u_nslots)
			why = "the slot count differs from the slots recorded";
	}
	mutex_exit(uobj->vmobjlock);
	return why;
}

/* ---------------------------------------------------------------------
 * Boot and shutdown.
 */

/*
 * uvm_aobj_init: the pools and the list of aobjs; the kernel object may
 * be created again (a new machine boots).
 */
void
uvm_aobj_init(void)
{
	KASSERT(!uao_initialized);
	pool_init(&uao_pool, sizeof(struct uvm_aobj), 0, 0, 0, "aobjpl",
	    NULL, IPL_NONE);
	pool_init(&uao_swhash_elt_pool, sizeof(struct uao_swhash_elt), 0, 0,
	    0, "uaoeltpl", NULL, IPL_NONE);
	mutex_init(&uao_list_lock, MUTEX_DEFAULT, IPL_NONE);
	LIST_INIT(&uao_list);
	kobj_alloced = 0;
	uao_initialized = true;
}

/*
 * uvm_aobj_fini: shutdown, after the maps and kernel memory are gone.
 * The kernel object is retired here (its remaining pages freed, its slot
 * record and lock released); any other aobj still alive is a leak.
 */
void
uvm_aobj_fini(void)
{
	struct uvm_aobj *kobj = &kernel_object_store;
	struct uvm_object *uobj = &kobj->u_obj;
	struct vm_page *pgs[16];
	unsigned int n;

	KASSERT(uao_initialized);
	if (kobj_alloced != 0) {
		LIST_REMOVE(kobj, u_list);
		mutex_enter(uobj->vmobjlock);
		while ((n = uvm_radix_gang_lookup(&uobj->uo_pages, 0,
		    (void **)pgs, NULL, __arraycount(pgs), false)) != 0) {
			for (unsigned int i = 0; i < n; i++) {
				KASSERT((pgs[i]->flags & PG_BUSY) == 0);
				pmap_page_protect(pgs[i], VM_PROT_NONE);
				uao_dropswap(uobj,
				    (int)(pgs[i]->offset >> PAGE_SHIFT));
				uao_pg_free(pgs[i]);
			}
		}
		uao_swslots_free(kobj);
		mutex_exit(uobj->vmobjlock);
		uvm_obj_destroy(uobj, true);
		memset(kobj, 0, sizeof(*kobj));
	}
	KASSERTMSG(LIST_EMPTY(&uao_list),
	    "uvm_aobj_fini: anonymous objects still alive");
	kobj_alloced = 0;
	mutex_destroy(&uao_list_lock);
	pool_destroy(&uao_swhash_elt_pool);
	pool_destroy(&uao_pool);
	uao_initialized = false;
}

/* ---------------------------------------------------------------------
 * Swap-off: bringing back every page paged to a device going away.
 */

/*
 * uao_pagein_page: bring page pageidx of uobj back from its slot (in
 * range) and release the slot.
 *
 * => uobj locked.  Returns 0, ENOMEM (no free page), EIO (the slot is
 *    bad, or the read failed and marked it bad: the page keeps it) or
 *    EBUSY (the resident page is busy: try again later).  On error the
 *    page's slot is kept.
 * => a resident page with a copy on the slot only loses the slot and
 *    becomes dirty, so that a later pageout writes it elsewhere.
 */
static int
uao_pagein_page(struct uvm_object *uobj, int pageidx)
{
	voff_t off = (voff_t)pageidx << PAGE_SHIFT;
	int slot = uao_find_swslot(uobj, pageidx);
	struct vm_page *pg;
	int error;

	KASSERT(mutex_owned(uobj->vmobjlock));
	KASSERT(slot != 0);
	pg = uvm_pagelookup(uobj, off);
	if (pg != NULL) {
		if (pg->flags & PG_BUSY)
			return EBUSY;
		uao_page_dirty(pg);
		uao_dropswap(uobj, pageidx);
		return 0;
	}
	pg = uvm_pagealloc(uobj, off, NULL, 0);
	if (pg == NULL)
		return ENOMEM;
	error = uvm_swap_pagein(pg, slot);	/* swpgonly down one */
	if (error != 0) {
		uao_pg_free(pg);
		return EIO;
	}
	pg->flags &= (uint16_t)~PG_FAKE;
	uao_page_dirty(pg);		/* its only copy is in memory now */
	uao_dropswap(uobj, pageidx);
	uao_pg_activate(pg);
	uvm_pageunbusy(pg);
	return 0;
}

/*
 * uao_swap_off1: page in every page of aobj whose slot lies in
 * [startslot, endslot).  *busyp counts pages left for later (busy).
 *
 * => aobj locked.  Returns 0 or the first error of uao_pagein_page
 *    other than EBUSY.
 */
static int
uao_swap_off1(struct uvm_aobj *aobj, int startslot, int endslot, int *busyp)
{
	struct uvm_object *uobj = &aobj->u_obj;
	int error = 0;

	KASSERT(mutex_owned(uobj->vmobjlock));
	if ((aobj->u_flags & UAO_FLAG_NOSWAP) || aobj->u_nslots == 0)
		return 0;
	if (!UAO_USES_SWHASH(aobj)) {
		for (int i = 0; i < aobj->u_pages && error == 0; i++) {
			int slot = aobj->u_swslots[i];

			if (slot < startslot || slot >= endslot)
				continue;
			error = uao_pagein_page(uobj, i);
			if (error == EBUSY) {
				(*busyp)++;
				error = 0;
			}
		}
		return error;
	}
	for (unsigned long b = 0; b <= aobj->u_swhashmask && error == 0; b++) {
		struct uao_swhash_elt *elt, *next;

		LIST_FOREACH_SAFE(elt, &aobj->u_swhash[b], list, next) {
			int slots[UAO_SWHASH_CLUSTER_SIZE];
			int base = elt->tag << UAO_SWHASH_CLUSTER_SHIFT;

			/* Paging the last one in frees elt: copy it. */
			memcpy(slots, elt->slots, sizeof(slots));
			for (int j = 0; j < UAO_SWHASH_CLUSTER_SIZE &&
			    error == 0; j++) {
				if (slots[j] < startslot || slots[j] >= endslot)
					continue;
				error = uao_pagein_page(uobj, base + j);
				if (error == EBUSY) {
					(*busyp)++;
					error = 0;
				}
			}
			if (error != 0)
				break;
		}
	}
	return error;
}

/*
 * uao_swap_off: page every aobj page whose swap slot lies in
 * [startslot, endslot) back in, and free the slot (SWAP_OFF).
 *
 * => nothing locked by the caller.  Walks the list of all aobjs,
 *    holding a reference to the one being worked on (so it stays on the
 *    list) and its lock while its pages are read (synchronously).  An
 *    aobj being destroyed (no references left) is skipped: its slots
 *    are about to be freed anyway.
 * => returns 0 if every such page was paged in; ENOMEM (no free page),
 *    EIO (a read failed; that slot is marked bad) or EBUSY (a page was
 *    busy, or an aobj dying) otherwise.  Pages already paged in stay in,
 *    the others keep their slots: nothing is lost.
 */
int
uao_swap_off(int startslot, int endslot)
{
	struct uvm_aobj *aobj, *prev = NULL;
	int error = 0, busy = 0;

	KASSERT(0 < startslot && startslot <= endslot);
	mutex_enter(&uao_list_lock);
	aobj = LIST_FIRST(&uao_list);
	while (aobj != NULL && error == 0) {
		struct uvm_object *uobj = &aobj->u_obj;
		unsigned int refs = atomic_load_relaxed(&uobj->uo_refs);

		if (!UVM_OBJ_IS_KERN_OBJECT(uobj)) {
			/* Take a reference unless it is already dying. */
			while (refs != 0 && atomic_cas_uint(&uobj->uo_refs,
			    refs, refs + 1) != refs)
				refs = atomic_load_relaxed(&uobj->uo_refs);
			if (refs == 0) {
				busy++;
				aobj = LIST_NEXT(aobj, u_list);
				continue;
			}
		}
		mutex_exit(&uao_list_lock);
		if (prev != NULL)
			uao_detach(&prev->u_obj);
		prev = UVM_OBJ_IS_KERN_OBJECT(uobj) ? NULL : aobj;

		mutex_enter(uobj->vmobjlock);
		error = uao_swap_off1(aobj, startslot, endslot, &busy);
		mutex_exit(uobj->vmobjlock);

		mutex_enter(&uao_list_lock);
		aobj = LIST_NEXT(aobj, u_list);
	}
	mutex_exit(&uao_list_lock);
	if (prev != NULL)
		uao_detach(&prev->u_obj);
	if (error == 0 && busy != 0)
		error = EBUSY;
	return error;
}

/*
 * uao_foreach_swslot: call fn(uobj, idx, slot, resident, arg) for every
 * page of every aobj that has a swap slot, with the object locked.  For
 * the pagedaemon's checker.
 */
void
uao_foreach_swslot(void (*fn)(struct uvm_object *, int, int, bool, void *),
    void *arg)
{
	struct uvm_aobj *aobj;

	mutex_enter(&uao_list_lock);
	LIST_FOREACH(aobj, &uao_list, u_list) {
		struct uvm_object *uobj = &aobj->u_obj;

		mutex_enter(uobj->vmobjlock);
		if ((aobj->u_flags & UAO_FLAG_NOSWAP) == 0 &&
		    aobj->u_nslots != 0) {
			for (int i = 0; i < aobj->u_pages; i++) {
				int slot = uao_find_swslot(uobj, i);

				if (slot != 0)
					fn(uobj, i, slot, uvm_pagelookup(uobj,
					    (voff_t)i << PAGE_SHIFT) != NULL, arg);
			}
		}
		mutex_exit(uobj->vmobjlock);
	}
	mutex_exit(&uao_list_lock);
}
