/*
 * uvm_map.c: virtual address space management (uvm_map(9), vm_map(9)).
 *
 * A map is a sorted, non-overlapping set of entries [start, end), each
 * naming an object (or a submap) with an optional amap on top.  Entries
 * sit on a doubly linked list whose head is map->header (FreeBSD's
 * trick: header.end = min_offset and header.start = max_offset, so the
 * free gap after any entry is next->start - end even for the last one)
 * and in a red-black tree keyed by start (libbsd <sys/tree.h>) augmented
 * with, per entry, the free gap that follows it (gap) and the largest gap
 * in its subtree (maxgap).  Lookup and the free-space search are
 * therefore O(log n); the header's own gap (space before the first entry)
 * is kept in header.gap and checked apart from the tree.
 *
 * Every change to the list goes through uvm_map_link()/uvm_map_unlink(),
 * and every change to an entry's bounds is followed by uvm_map_fixgap(),
 * which recomputes the gaps and walks the augmentation to the root.
 * uvm_map_check() re-derives all of it from scratch.
 *
 * Locking:
 *	- map->lock (an rwlock) is taken for writing to change the map and
 *	  for reading to look at it (vm_map_lock, vm_map_lock_read).  Every
 *	  write lock bumps map->timestamp.
 *	- map->busy marks a map whose write-locker dropped the lock but
 *	  must keep other writers out (wiring faults): vm_map_lock() waits
 *	  on map->cv for it; readers do not.  busy and VM_MAP_WANTVA in
 *	  map->flags are protected by misc_lock.
 *	- References the entries hold (objects, amaps, submaps) are dropped
 *	  by uvm_unmap_detach() after the map lock is released, since
 *	  dropping them may sleep or take object locks.
 *	- The entry pool has its own lock.
 */

#include "uvm_impl.h"

/*
 * The augmentation hook of <sys/tree.h>: it was included (via
 * uvm_kern.h) before this definition, which therefore has to replace
 * the empty default before RB_GENERATE expands it.
 */
static inline void uvm_rb_augment(struct vm_map_entry *);
#undef RB_AUGMENT
#define RB_AUGMENT(x)	uvm_rb_augment(x)

/* Pages of amap padding for UVM_FLAG_AMAPPAD (NetBSD's UVM_AMAP_CHUNK). */
#define UVM_MAP_AMAPPAD_PAGES	16

CTASSERT(sizeof(struct vm_map_entry) <= 128);

static struct pool uvm_map_entry_pool;

static int
uvm_map_entry_cmp(const struct vm_map_entry *a, const struct vm_map_entry *b)
{
	if (a->start < b->start)
		return -1;
	return a->start > b->start;
}

RB_GENERATE_STATIC(uvm_map_addr, vm_map_entry, rb_entry, uvm_map_entry_cmp)

static inline void
uvm_rb_augment(struct vm_map_entry *e)
{
	struct vm_map_entry *c;
	vsize_t m = e->gap;

	if ((c = RB_LEFT(e, rb_entry)) != NULL && c->maxgap > m)
		m = c->maxgap;
	if ((c = RB_RIGHT(e, rb_entry)) != NULL && c->maxgap > m)
		m = c->maxgap;
	e->maxgap = m;
}

/* Recompute maxgap from e up to the root. */
static void
uvm_rb_fixup(struct vm_map_entry *e)
{
	for (; e != NULL; e = RB_PARENT(e, rb_entry))
		uvm_rb_augment(e);
}

/*
 * Recompute maxgap from e up to the root; true if the walk passed x
 * (then x's ancestors, whose maxgap x's own change affects, are done).
 */
static bool
uvm_rb_fixup_through(struct vm_map_entry *e, const struct vm_map_entry *x)
{
	bool passed = false;

	for (; e != NULL; e = RB_PARENT(e, rb_entry)) {
		uvm_rb_augment(e);
		passed |= e == x;
	}
	return passed;
}

static inline vsize_t
uvm_map_gap_of(const struct vm_map_entry *e)
{
	return e->next->start - e->end;
}

/*
 * Recompute maxgap from e upwards, stopping at the first node whose
 * value does not change.
 * => the augmentation holds everywhere except at e (a gap change, or a
 *    leaf just attached below e): then an unchanged value means it holds
 *    everywhere again.
 */
static void
uvm_rb_fixup_changed(struct vm_map_entry *e)
{
	vsize_t old;

	for (; e != NULL; e = RB_PARENT(e, rb_entry)) {
		old = e->maxgap;
		uvm_rb_augment(e);
		if (e->maxgap == old)
			break;
	}
}

/*
 * e's gap (and so its subtree maxima) changed: e may be the header.
 * => the augmentation holds everywhere else.
 */
static void
uvm_map_fixgap(struct vm_map *map, struct vm_map_entry *e)
{
	e->gap = uvm_map_gap_of(e);
	if (e != &map->header)
		uvm_rb_fixup_changed(e);
}

/* ---------------------------------------------------------------------
 * Entries.
 */

static struct vm_map_entry *
uvm_mapent_alloc(struct vm_map *map, int flags)
{
	struct vm_map_entry *e;

	e = pool_get(&uvm_map_entry_pool,
	    (flags & UVM_FLAG_NOWAIT) ? PR_NOWAIT : PR_WAITOK);
	if (e == NULL)
		return NULL;
	memset(e, 0, sizeof(*e));
	if (map->pmap != NULL && map->pmap == pmap_kernel())
		e->flags |= UVM_MAP_KERNEL;
	return e;
}

static void
uvm_mapent_free(struct vm_map_entry *e)
{
	pool_put(&uvm_map_entry_pool, e);
}

/* Take the references a copy of an entry needs (clipping). */
static void
uvm_mapent_addref(struct vm_map_entry *e)
{
	if (UVM_ET_ISSUBMAP(e))
		uvm_map_reference(e->object.sub_map);
	else if (UVM_ET_ISOBJ(e) && e->object.uvm_obj != NULL &&
	    e->object.uvm_obj->pgops->pgo_reference != NULL)
		e->object.uvm_obj->pgops->pgo_reference(e->object.uvm_obj);
}

/*
 * Put e in the tree next to its list neighbours without searching from
 * the root: as the right child of its predecessor if that has none, else
 * as the left child of its successor (then the leftmost node of the
 * predecessor's right subtree).  The augmentation is repaired before
 * rebalancing, from the new leaf's parent up while values change; the
 * rotations keep it (RB_AUGMENT).
 */
static void
uvm_map_rb_insert(struct vm_map *map, struct vm_map_entry *after,
    struct vm_map_entry *e)
{
	struct vm_map_entry *parent, *succ = e->next;

	if (after != &map->header && RB_RIGHT(after, rb_entry) == NULL) {
		parent = after;
		RB_SET(e, parent, rb_entry);
		RB_RIGHT(parent, rb_entry) = e;
	} else if (succ != &map->header) {
		parent = succ;
		KASSERT(RB_LEFT(parent, rb_entry) == NULL);
		RB_SET(e, parent, rb_entry);
		RB_LEFT(parent, rb_entry) = e;
	} else {
		KASSERT(RB_EMPTY(&map->rb_head));
		RB_SET(e, NULL, rb_entry);
		RB_ROOT(&map->rb_head) = e;
		parent = NULL;
	}
	uvm_rb_fixup_changed(parent);
	uvm_map_addr_RB_INSERT_COLOR(&map->rb_head, e);
}

/*
 * uvm_map_link: put e on the list after `after' (possibly the header)
 * and in the tree.
 * => map write-locked; e's bounds fall in after's gap.
 */
static void
uvm_map_link(struct vm_map *map, struct vm_map_entry *after,
    struct vm_map_entry *e)
{
	KASSERT(e->start >= after->end || after == &map->header);
	KASSERT(e->end <= after->next->start);

	e->prev = after;
	e->next = after->next;
	after->next->prev = e;
	after->next = e;
	uvm_map_fixgap(map, after);
	e->gap = uvm_map_gap_of(e);
	e->maxgap = e->gap;
	uvm_map_rb_insert(map, after, e);
	map->nentries++;
	map->size += e->end - e->start;
}

/*
 * uvm_map_unlink: take e off the list and out of the tree.
 * => map write-locked.
 */
static void
uvm_map_unlink(struct vm_map *map, struct vm_map_entry *e)
{
	struct vm_map_entry *prev = e->prev, *parent;

	KASSERT(e != &map->header);
	parent = RB_PARENT(e, rb_entry);
	prev->next = e->next;
	e->next->prev = prev;
	prev->gap = uvm_map_gap_of(prev);
	RB_REMOVE(uvm_map_addr, &map->rb_head, e);
	/* As in uvm_map_link: e's old parent's path, and prev's if apart. */
	if ((parent == NULL || !uvm_rb_fixup_through(parent, prev)) &&
	    prev != &map->header)
		uvm_rb_fixup(prev);
	if (map->hint == e)
		map->hint = prev;
	map->nentries--;
	map->size -= e->end - e->start;
}

/* ---------------------------------------------------------------------
 * Boot.
 */

/*
 * uvm_map_init: the entry pool, and the system-wide wiring limit that
 * uvm_map_pageable() enforces: a third of the managed pages, as NetBSD
 * sets uvmexp.wiredmax at boot.
 * => after uvm_page_init() (uvmexp.npages is known).
 */
void
uvm_map_init(void)
{
	uvmexp.wiredmax = uvmexp.npages / 3;
	pool_init(&uvm_map_entry_pool, sizeof(struct vm_map_entry), 0, 0, 0,
	    "vmmpepl", NULL, IPL_VM);
}

void
uvm_map_fini(void)
{
	pool_destroy(&uvm_map_entry_pool);
}

/* ---------------------------------------------------------------------
 * Map creation and references.
 */

/*
 * uvm_map_setup: initialise an empty map covering [vmin, vmax).
 * => the caller sets map->pmap.
 */
void
uvm_map_setup(struct vm_map *map, vaddr_t vmin, vaddr_t vmax, int flags)
{
	KASSERT(vmin <= vmax);

	memset(map, 0, sizeof(*map));
	RB_INIT(&map->rb_head);
	map->header.next = map->header.prev = &map->header;
	map->header.start = vmax;
	map->header.end = vmin;
	map->header.gap = vmax - vmin;
	map->hint = &map->header;
	map->ref_count = 1;
	map->flags = flags;
	map->min_offset = vmin;
	map->max_offset = vmax;
	rw_init(&map->lock);
	mutex_init(&map->misc_lock, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&map->cv, "vmmapva");
}

/* uvm_map_create: allocate a map on `pmap' (whose reference it takes). */
struct vm_map *
uvm_map_create(struct pmap *pmap, vaddr_t vmin, vaddr_t vmax, int flags)
{
	struct vm_map *map;

	map = kmem_alloc(sizeof(*map), KM_SLEEP);
	uvm_map_setup(map, vmin, vmax, flags);
	map->pmap = pmap;
	return map;
}

void
uvm_map_reference(struct vm_map *map)
{
	atomic_inc_uint(&map->ref_count);
}

/*
 * uvm_map_teardown: remove every entry of a map nobody uses any more
 * and destroy its locks.  The structure itself stays the caller's.
 */
void
uvm_map_teardown(struct vm_map *map)
{
	struct vm_map_entry *dead = NULL;

	vm_map_lock(map);
	map->flags |= VM_MAP_DYING;
	uvm_unmap_remove(map, map->min_offset, map->max_offset, &dead, 0);
	vm_map_unlock(map);
	uvm_unmap_detach(dead, 0);
	KASSERT(map->nentries == 0 && map->size == 0);
	cv_destroy(&map->cv);
	mutex_destroy(&map->misc_lock);
	rw_destroy(&map->lock);
}

/*
 * uvm_map_deallocate: drop a reference; the last one tears the map down
 * and releases its pmap (except the kernel pmap, which kernel submaps
 * share and which is never destroyed).
 * => map made by uvm_map_create().
 */
void
uvm_map_deallocate(struct vm_map *map)
{
	KASSERT(map->ref_count > 0);
	if (atomic_dec_uint_nv(&map->ref_count) > 0)
		return;
	uvm_map_teardown(map);
	if (map->pmap != NULL && map->pmap != pmap_kernel())
		pmap_destroy(map->pmap);
	kmem_free(map, sizeof(*map));
}

/* ---------------------------------------------------------------------
 * Locking.
 */

void
vm_map_lock(struct vm_map *map)
{
	for (;;) {
		rw_enter(&map->lock, RW_WRITER);
		if (map->busy == NULL || map->busy == curlwp)
			break;
		mutex_enter(&map->misc_lock);
		rw_exit(&map->lock);
		while (map->busy != NULL && map->busy != curlwp)
			cv_wait(&map->cv, &map->misc_lock);
		mutex_exit(&map->misc_lock);
	}
	map->timestamp++;
}

bool
vm_map_lock_try(struct vm_map *map)
{
	if (!rw_tryenter(&map->lock, RW_WRITER))
		return false;
	if (map->busy != NULL && map->busy != curlwp) {
		rw_exit(&map->lock);
		return false;
	}
	map->timestamp++;
	return true;
}

void
vm_map_unlock(struct vm_map *map)
{
	KASSERT(rw_write_held(&map->lock));
	rw_exit(&map->lock);
}

void
vm_map_lock_read(struct vm_map *map)
{
	rw_enter(&map->lock, RW_READER);
}

void
vm_map_unlock_read(struct vm_map *map)
{
	rw_exit(&map->lock);
}

/* vm_map_busy: keep other writers out after we drop the write lock. */
void
vm_map_busy(struct vm_map *map)
{
	KASSERT(rw_write_held(&map->lock));
	KASSERT(map->busy == NULL);
	mutex_enter(&map->misc_lock);
	map->busy = curlwp;
	mutex_exit(&map->misc_lock);
}

void
vm_map_unbusy(struct vm_map *map)
{
	KASSERT(map->busy == curlwp);
	mutex_enter(&map->misc_lock);
	map->busy = NULL;
	cv_broadcast(&map->cv);
	mutex_exit(&map->misc_lock);
}

bool
vm_map_locked_p(struct vm_map *map)
{
	return rw_write_held(&map->lock);
}

/* ---------------------------------------------------------------------
 * Lookup.
 */

/*
 * uvm_map_lookup_entry: find the entry containing `addr'.
 * => map locked (read or write).
 * => true and *entry = that entry, or false and *entry = the entry
 *    before addr (&map->header if none).
 */
bool
uvm_map_lookup_entry(struct vm_map *map, vaddr_t addr,
    struct vm_map_entry **entry)
{
	struct vm_map_entry *cur, *best;

	cur = map->hint;
	if (cur != &map->header) {
		if (cur->start <= addr && addr < cur->end) {
			*entry = cur;
			return true;
		}
		/* The next entry: sequential walks. */
		if (cur->end <= addr && addr < cur->next->start) {
			*entry = cur;
			return false;
		}
	}
	best = &map->header;
	cur = RB_ROOT(&map->rb_head);
	while (cur != NULL) {
		if (addr < cur->start)
			cur = RB_LEFT(cur, rb_entry);
		else {
			best = cur;
			if (addr < cur->end)
				break;
			cur = RB_RIGHT(cur, rb_entry);
		}
	}
	*entry = best;
	if (best != &map->header && addr < best->end) {
		map->hint = best;
		return true;
	}
	return false;
}

/* ---------------------------------------------------------------------
 * Free space.
 */

struct uvm_findspace_args {
	vaddr_t		fa_bound;	/* lowest start (bu) / highest end (td) */
	vsize_t		fa_length;
	voff_t		fa_uoffset;
	vsize_t		fa_align;
	long		fa_color;	/* page colour to match, or -1 */
	bool		fa_topdown;
};

/*
 * Place fa_length bytes in the free region [rs, re) respecting the
 * bound, PMAP_PREFER and the alignment.  True and *addrp if it fits.
 */
static bool
uvm_map_space_fit(const struct uvm_findspace_args *fa, vaddr_t rs,
    vaddr_t re, vaddr_t *addrp)
{
	vaddr_t a, hi, cmask;
	vsize_t len = fa->fa_length;

	if (!fa->fa_topdown) {
		a = MAX(rs, fa->fa_bound);
		if (fa->fa_uoffset != UVM_UNKNOWN_OFFSET)
			PMAP_PREFER(fa->fa_uoffset, &a, len, 0);
		if (fa->fa_color >= 0) {
			cmask = (vaddr_t)uvmexp.ncolors - 1;
			a += ptoa(((vaddr_t)fa->fa_color - atop(a)) & cmask);
			if (a < rs)
				return false;
		} else if (fa->fa_align > 1) {
			if (a + (fa->fa_align - 1) < a)
				return false;
			a = (a + (fa->fa_align - 1)) & ~(fa->fa_align - 1);
		}
		if (a < rs || a < fa->fa_bound || a + len < a || a + len > re)
			return false;
	} else {
		hi = MIN(re, fa->fa_bound);
		if (hi < rs || hi - rs < len)
			return false;
		a = hi - len;
		if (fa->fa_uoffset != UVM_UNKNOWN_OFFSET)
			PMAP_PREFER(fa->fa_uoffset, &a, len, 1);
		if (fa->fa_color >= 0) {
			cmask = (vaddr_t)uvmexp.ncolors - 1;
			a -= ptoa((atop(a) - (vaddr_t)fa->fa_color) & cmask);
		} else if (fa->fa_align > 1)
			a &= ~(fa->fa_align - 1);
		if (a < rs || a + len < a || a + len > hi)
			return false;
	}
	*addrp = a;
	return true;
}

/* Leftmost entry of subtree n whose gap takes the request at >= bound. */
static struct vm_map_entry *
uvm_map_search_bu(struct vm_map_entry *n, vaddr_t hiend,
    const struct uvm_findspace_args *fa, vaddr_t *addrp)
{
	struct vm_map_entry *r;

	if (n == NULL || n->maxgap < fa->fa_length || hiend <= fa->fa_bound)
		return NULL;
	r = uvm_map_search_bu(RB_LEFT(n, rb_entry), n->start, fa, addrp);
	if (r != NULL)
		return r;
	if (n->gap >= fa->fa_length &&
	    uvm_map_space_fit(fa, n->end, n->end + n->gap, addrp))
		return n;
	return uvm_map_search_bu(RB_RIGHT(n, rb_entry), hiend, fa, addrp);
}

/* Rightmost entry of subtree n whose gap takes the request below bound. */
static struct vm_map_entry *
uvm_map_search_td(struct vm_map_entry *n, vaddr_t loend,
    const struct uvm_findspace_args *fa, vaddr_t *addrp)
{
	struct vm_map_entry *r;

	if (n == NULL || n->maxgap < fa->fa_length ||
	    fa->fa_bound < loend || fa->fa_bound - loend < fa->fa_length)
		return NULL;
	r = uvm_map_search_td(RB_RIGHT(n, rb_entry), n->end, fa, addrp);
	if (r != NULL)
		return r;
	if (n->gap >= fa->fa_length &&
	    uvm_map_space_fit(fa, n->end, n->end + n->gap, addrp))
		return n;
	return uvm_map_search_td(RB_LEFT(n, rb_entry), loend, fa, addrp);
}

static struct vm_map_entry *
uvm_map_search(struct vm_map *map, const struct uvm_findspace_args *fa,
    vaddr_t *addrp)
{
	struct vm_map_entry *hdr = &map->header, *r;
	struct vm_map_entry *root = RB_ROOT(&map->rb_head);

	if (!fa->fa_topdown) {
		if (uvm_map_space_fit(fa, hdr->end, hdr->next->start, addrp))
			return hdr;
		return uvm_map_search_bu(root, map->max_offset, fa, addrp);
	}
	r = uvm_map_search_td(root, map->min_offset, fa, addrp);
	if (r != NULL)
		return r;
	if (uvm_map_space_fit(fa, hdr->end, hdr->next->start, addrp))
		return hdr;
	return NULL;
}

/*
 * uvm_map_findspace: find room for `length' bytes.
 * => map locked.
 * => bottom-up: the lowest fitting address at or above hint (then, if
 *    none, anywhere); top-down (VM_MAP_TOPDOWN): the highest range
 *    ending at or below hint (0: the top of the map; then, if none,
 *    anywhere).  With UVM_FLAG_FIXED the
 *    range [hint, hint + length) itself must be free.
 * => uoffset != UVM_UNKNOWN_OFFSET: PMAP_PREFER the address for it;
 *    align (a power of two, 0 for none) is honoured unless FIXED.  With
 *    UVM_FLAG_COLORMATCH, align is instead the page colour (below
 *    uvmexp.ncolors) that the start's page must have.
 * => returns the entry the new range follows (&map->header if it goes
 *    first) and *result, or NULL if there is no room.
 */
struct vm_map_entry *
uvm_map_findspace(struct vm_map *map, vaddr_t hint, vsize_t length,
    vaddr_t *result, struct uvm_object *uobj, voff_t uoffset, vsize_t align,
    int flags)
{
	struct uvm_findspace_args fa;
	struct vm_map_entry *e;

	KASSERT(rw_lock_held(&map->lock));
	KASSERT((flags & UVM_FLAG_COLORMATCH) != 0 || align == 0 ||
	    powerof2(align));
	KASSERT((flags & UVM_FLAG_COLORMATCH) == 0 ||
	    align < (vsize_t)uvmexp.ncolors);
	(void)uobj;

	if (length == 0 || length > map->max_offset - map->min_offset)
		return NULL;
	if (flags & UVM_FLAG_FIXED) {
		if (hint < map->min_offset || hint > map->max_offset - length)
			return NULL;
		if (uvm_map_lookup_entry(map, hint, &e))
			return NULL;
		if (e->next->start - hint < length)
			return NULL;
		*result = hint;
		return e;
	}
	fa.fa_length = length;
	fa.fa_uoffset = uoffset;
	fa.fa_align = align;
	fa.fa_color = (flags & UVM_FLAG_COLORMATCH) ? (long)align : -1;
	fa.fa_topdown = (map->flags & VM_MAP_TOPDOWN) != 0;
	if (!fa.fa_topdown) {
		fa.fa_bound = MAX(hint, map->min_offset);
		if (fa.fa_bound < map->max_offset &&
		    (e = uvm_map_search(map, &fa, result)) != NULL)
			return e;
		if (fa.fa_bound == map->min_offset)
			return NULL;
		fa.fa_bound = map->min_offset;
	} else {
		if (hint == 0 || hint > map->max_offset)
			hint = map->max_offset;
		fa.fa_bound = MAX(hint, map->min_offset);
		if ((e = uvm_map_search(map, &fa, result)) != NULL)
			return e;
		if (fa.fa_bound == map->max_offset)
			return NULL;
		fa.fa_bound = map->max_offset;
	}
	return uvm_map_search(map, &fa, result);
}

/* ---------------------------------------------------------------------
 * Clipping.
 */

/*
 * uvm_map_clip_start: split entry so that it starts at `start'; the
 * part before becomes a new entry.
 * => map write-locked; start inside entry (no-op at its start).
 */
void
uvm_map_clip_start(struct vm_map *map, struct vm_map_entry *entry,
    vaddr_t start)
{
	struct vm_map_entry *new;
	vsize_t adj;

	KASSERT(rw_write_held(&map->lock));
	if (start <= entry->start)
		return;
	KASSERT(start < entry->end);
	adj = start - entry->start;
	new = uvm_mapent_alloc(map, 0);
	*new = *entry;
	new->end = start;
	if (entry->aref.ar_amap != NULL)
		amap_splitref(&new->aref, &entry->aref, adj);
	entry->offset += adj;
	/* The key grows but stays below the next entry: order holds. */
	entry->start = start;
	map->size -= adj;
	uvm_map_link(map, entry->prev, new);
	uvm_mapent_addref(new);
}

/*
 * uvm_map_clip_end: split entry so that it ends at `end'; the part after
 * becomes a new entry.
 * => map write-locked; end inside entry (no-op at its end).
 */
void
uvm_map_clip_end(struct vm_map *map, struct vm_map_entry *entry, vaddr_t end)
{
	struct vm_map_entry *new;
	vsize_t adj;

	KASSERT(rw_write_held(&map->lock));
	if (end >= entry->end)
		return;
	KASSERT(end > entry->start);
	adj = end - entry->start;
	new = uvm_mapent_alloc(map, 0);
	*new = *entry;
	new->start = end;
	new->offset += adj;
	if (entry->aref.ar_amap != NULL)
		amap_splitref(&entry->aref, &new->aref, adj);
	map->size -= entry->end - end;
	entry->end = end;
	uvm_map_link(map, entry, new);
	uvm_mapent_addref(new);
}

/* ---------------------------------------------------------------------
 * Mapping.
 */

struct uvm_map_args {
	struct uvm_object	*uobj;
	voff_t			uoffset;
	uint8_t			etype;
	uint8_t			prot;
	uint8_t			maxprot;
	uint8_t			inh;
	uint8_t			advice;
};

/* Could entry e absorb the new mapping's attributes? */
static bool
uvm_map_compatible(const struct vm_map_entry *e, const struct uvm_map_args *a)
{
	return e->etype == a->etype &&
	    !UVM_ET_ISSUBMAP(e) &&
	    e->object.uvm_obj == a->uobj &&
	    e->protection == a->prot &&
	    e->max_protection == a->maxprot &&
	    e->inheritance == a->inh &&
	    e->advice == a->advice &&
	    e->wired_count == 0 &&
	    (e->flags & UVM_MAP_NOMERGE) == 0;
}

/* An amap an entry may be grown over: ours alone, not awaiting a copy. */
static bool
uvm_map_amap_growable(const struct vm_map_entry *e)
{
	return e->aref.ar_amap == NULL ||
	    (!UVM_ET_ISNEEDSCOPY(e) && amap_refs(e->aref.ar_amap) == 1);
}

static void
uvm_map_wantva_wakeup(struct vm_map *map)
{
	mutex_enter(&map->misc_lock);
	if (map->flags & VM_MAP_WANTVA) {
		map->flags &= ~VM_MAP_WANTVA;
		cv_broadcast(&map->cv);
	}
	mutex_exit(&map->misc_lock);
}

/*
 * uvm_map: establish a mapping of `size' bytes (see uvm_map(9)).
 * => map unlocked; *startp is the hint (the address with FIXED).
 * => takes over the caller's reference to uobj on success.
 * => 0, EACCES (prot beyond maxprot), ENOMEM (no room, FIXED range
 *    taken, or NOWAIT allocation failure), EAGAIN (TRYLOCK and the map
 *    was locked).
 */
int
uvm_map(struct vm_map *map, vaddr_t *startp, vsize_t size,
    struct uvm_object *uobj, voff_t uoffset, vsize_t align, uvm_flag_t flags)
{
	struct uvm_map_args a;
	struct vm_map_entry *prev, *next, *new = NULL, *dead = NULL;
	struct vm_amap *amap = NULL;
	vaddr_t start = *startp;
	bool merged_back = false, merged_fwd = false;
	int inh;

	KASSERT(size > 0 && (size & PAGE_MASK) == 0);
	KASSERT((flags & UVM_FLAG_COLORMATCH) != 0 || align == 0 ||
	    powerof2(align));
	KASSERT((flags & UVM_FLAG_UNMAP) == 0 || (flags & UVM_FLAG_FIXED));
	KASSERT((flags & UVM_FLAG_FIXED) == 0 || (start & PAGE_MASK) == 0);

	a.prot = UVM_PROTECTION(flags);
	a.maxprot = UVM_MAXPROTECTION(flags);
	inh = UVM_INHERIT(flags);
	a.inh = (inh == UVM_INHERIT(UVM_INH_ZERO)) ? MAP_INHERIT_ZERO : inh;
	a.advice = UVM_ADVICE(flags);
	if ((a.prot & a.maxprot) != a.prot)
		return EACCES;
	a.uobj = uobj;
	a.etype = uobj != NULL ? UVM_ET_OBJ : 0;
	if (flags & UVM_FLAG_COPYONW) {
		a.etype |= UVM_ET_COPYONWRITE;
		if ((flags & UVM_FLAG_OVERLAY) == 0)
			a.etype |= UVM_ET_NEEDSCOPY;
	}

	new = uvm_mapent_alloc(map, flags);
	if (new == NULL)
		return ENOMEM;
	if (flags & UVM_FLAG_OVERLAY) {
		amap = amap_alloc(size, (flags & UVM_FLAG_AMAPPAD) ?
		    ptoa((vsize_t)UVM_MAP_AMAPPAD_PAGES) : 0,
		    flags & UVM_FLAG_NOWAIT);
		if (amap == NULL) {
			uvm_mapent_free(new);
			return ENOMEM;
		}
	}

	if (flags & UVM_FLAG_TRYLOCK) {
		if (!vm_map_lock_try(map)) {
			uvm_mapent_free(new);
			if (amap != NULL)
				amap_unref(amap, 0, size, true);
			return EAGAIN;
		}
	} else
		vm_map_lock(map);

	if ((flags & (UVM_FLAG_FIXED | UVM_FLAG_UNMAP)) ==
	    (UVM_FLAG_FIXED | UVM_FLAG_UNMAP) &&
	    start >= map->min_offset && start <= map->max_offset - size &&
	    size <= map->max_offset - map->min_offset)
		uvm_unmap_remove(map, start, start + size, &dead, 0);

	for (;;) {
		prev = uvm_map_findspace(map, start, size, &start, uobj,
		    uoffset, align, flags);
		if (prev != NULL)
			break;
		if ((flags & (UVM_FLAG_WAITVA | UVM_FLAG_NOWAIT |
		    UVM_FLAG_FIXED)) != UVM_FLAG_WAITVA) {
			vm_map_unlock(map);
			uvm_mapent_free(new);
			if (amap != NULL)
				amap_unref(amap, 0, size, true);
			uvm_unmap_detach(dead, 0);
			return ENOMEM;
		}
		mutex_enter(&map->misc_lock);
		map->flags |= VM_MAP_WANTVA;
		vm_map_unlock(map);
		cv_wait(&map->cv, &map->misc_lock);
		mutex_exit(&map->misc_lock);
		vm_map_lock(map);
		start = *startp;
	}

	if (uobj != NULL && uoffset == UVM_UNKNOWN_OFFSET)
		uoffset = start - (kernel_map != NULL ?
		    vm_map_min(kernel_map) : vm_map_min(map));
	a.uoffset = uobj != NULL ? uoffset : 0;
	next = prev->next;

	/*
	 * Merge with the neighbours when nothing tells them apart: same
	 * attributes, contiguous object offsets, and an amap (if any) that
	 * can grow over the new range.  A new overlay keeps its own amap.
	 */
	if ((flags & (UVM_FLAG_NOMERGE | UVM_FLAG_OVERLAY)) == 0) {
		if (prev != &map->header && prev->end == start &&
		    uvm_map_compatible(prev, &a) &&
		    (uobj == NULL ||
		     prev->offset + (voff_t)(prev->end - prev->start) == a.uoffset) &&
		    uvm_map_amap_growable(prev) &&
		    (prev->aref.ar_amap == NULL ||
		     amap_extend(prev, size, AMAP_EXTEND_FORWARDS |
		     ((flags & UVM_FLAG_NOWAIT) ? AMAP_EXTEND_NOWAIT : 0)) ==
		     0)) {
			prev->end += size;
			map->size += size;
			uvm_map_fixgap(map, prev);
			merged_back = true;
		}
		if (next != &map->header && next->start == start + size &&
		    uvm_map_compatible(next, &a) &&
		    (uobj == NULL || a.uoffset + (voff_t)size == next->offset) &&
		    (!merged_back ||
		     (next->aref.ar_amap == NULL &&
		      prev->aref.ar_amap == NULL &&
		      (uobj == NULL || prev->offset +
		       (voff_t)(prev->end - prev->start) == next->offset)))) {
			if (merged_back) {
				/* prev swallows next. */
				struct vm_map_entry *gone = next;

				uvm_map_unlink(map, gone);
				prev->end = gone->end;
				map->size += gone->end - gone->start;
				uvm_map_fixgap(map, prev);
				gone->next = dead;
				dead = gone;
				merged_fwd = true;
			} else if (uvm_map_amap_growable(next) &&
			    (next->aref.ar_amap == NULL ||
			     amap_extend(next, size, AMAP_EXTEND_BACKWARDS |
			     ((flags & UVM_FLAG_NOWAIT) ?
			     AMAP_EXTEND_NOWAIT : 0)) == 0)) {
				next->start = start;
				next->offset = a.uoffset;
				map->size += size;
				uvm_map_fixgap(map, prev);
				merged_fwd = true;
			}
		}
	}

	if (!merged_back && !merged_fwd) {
		new->start = start;
		new->end = start + size;
		new->object.uvm_obj = uobj;
		new->offset = a.uoffset;
		new->etype = a.etype;
		new->protection = a.prot;
		new->max_protection = a.maxprot;
		new->inheritance = a.inh;
		new->advice = a.advice;
		if (flags & UVM_FLAG_NOMERGE)
			new->flags |= UVM_MAP_NOMERGE;
		new->aref.ar_pageoff = 0;
		new->aref.ar_amap = amap;
		uvm_map_link(map, prev, new);
		map->hint = new;
		new = NULL;
	}
	vm_map_unlock(map);

	/* Merged: the neighbour's reference covers us; drop the caller's. */
	if (new != NULL && uobj != NULL && uobj->pgops->pgo_detach != NULL)
		uobj->pgops->pgo_detach(uobj);

	if (new != NULL)
		uvm_mapent_free(new);
	uvm_unmap_detach(dead, 0);
	*startp = start;
	return 0;
}

/* ---------------------------------------------------------------------
 * Unmapping.
 */

/*
 * uvm_unmap_remove: take [start, end) out of the map, chaining the
 * removed entries on *deadp (through ->next) for uvm_unmap_detach().
 * => map write-locked.
 * => flags: UVM_FLAG_VAONLY: no pages are mapped, skip the pmap.
 */
void
uvm_unmap_remove(struct vm_map *map, vaddr_t start, vaddr_t end,
    struct vm_map_entry **deadp, int flags)
{
	struct vm_map_entry *entry, *next, *dead = *deadp;
	bool removed = false;

	KASSERT(rw_write_held(&map->lock));
	KASSERT(start <= end);
	KASSERT(start >= map->min_offset && end <= map->max_offset);

	if (start == end)
		return;
	if (uvm_map_lookup_entry(map, start, &entry))
		uvm_map_clip_start(map, entry, start);
	else
		entry = entry->next;

	while (entry != &map->header && entry->start < end) {
		uvm_map_clip_end(map, entry, end);
		next = entry->next;
		if (VM_MAPENT_ISWIRED(entry)) {
			uvm_fault_unwire_locked(map, entry->start, entry->end);
			entry->wired_count = 0;
		}
		if ((flags & UVM_FLAG_VAONLY) == 0 && map->pmap != NULL)
			pmap_remove(map->pmap, entry->start, entry->end);
		uvm_map_unlink(map, entry);
		entry->next = dead;
		dead = entry;
		removed = true;
		entry = next;
	}
	if (removed && map->pmap != NULL)
		pmap_update(map->pmap);
	*deadp = dead;
	if (removed)
		uvm_map_wantva_wakeup(map);
}

/*
 * uvm_unmap_detach: drop the references of removed entries and free them.
 * => map unlocked.
 */
void
uvm_unmap_detach(struct vm_map_entry *first, int flags)
{
	struct vm_map_entry *e;

	(void)flags;
	while ((e = first) != NULL) {
		first = e->next;
		if (e->aref.ar_amap != NULL)
			amap_unref(e->aref.ar_amap,
			    ptoa((vsize_t)e->aref.ar_pageoff),
			    e->end - e->start, false);
		if (UVM_ET_ISSUBMAP(e))
			uvm_map_deallocate(e->object.sub_map);
		else if (UVM_ET_ISOBJ(e) && e->object.uvm_obj != NULL &&
		    e->object.uvm_obj->pgops->pgo_detach != NULL)
			e->object.uvm_obj->pgops->pgo_detach(e->object.uvm_obj);
		uvm_mapent_free(e);
	}
}

/*
 * uvm_unmap: remove [start, end) from the map (see uvm_map(9)).
 * => map unlocked; start and end page aligned.
 */
void
uvm_unmap(struct vm_map *map, vaddr_t start, vaddr_t end)
{
	struct vm_map_entry *dead = NULL;

	KASSERT(((start | end) & PAGE_MASK) == 0);
	vm_map_lock(map);
	uvm_unmap_remove(map, start, end, &dead, 0);
	vm_map_unlock(map);
	uvm_unmap_detach(dead, 0);
}

/*
 * uvm_deallocate: unmap [start, start + size), pages rounded outwards.
 * => 0, or EINVAL if the range wraps or leaves the map.
 */
int
uvm_deallocate(struct vm_map *map, vaddr_t start, vsize_t size)
{
	vaddr_t s, e;

	if (size == 0)
		return 0;
	s = trunc_page(start);
	e = round_page(start + size);
	if (start + size < start || e < s || s < map->min_offset ||
	    e > map->max_offset)
		return EINVAL;
	uvm_unmap(map, s, e);
	return 0;
}

/* ---------------------------------------------------------------------
 * Attributes.
 */

/* First entry at or after start, clipped to begin at start. */
static struct vm_map_entry *
uvm_map_range_first(struct vm_map *map, vaddr_t start)
{
	struct vm_map_entry *entry;

	if (uvm_map_lookup_entry(map, start, &entry)) {
		uvm_map_clip_start(map, entry, start);
		return entry;
	}
	return entry->next;
}

/*
 * uvm_map_protect: set the protection of [start, end) (see uvm_map(9)).
 * => map unlocked.
 * => set_max: max_protection becomes new_prot and protection what is
 *    left of it (old & new).  Otherwise new_prot must lie within every
 *    entry's max_protection, else EACCES and nothing changes.  EINVAL for
 *    a range that holds a submap.
 * => the pmap never gets write access to a copy-on-write entry.
 */
int
uvm_map_protect(struct vm_map *map, vaddr_t start, vaddr_t end,
    vm_prot_t new_prot, bool set_max)
{
	struct vm_map_entry *entry, *cur;
	vm_prot_t old, p;

	KASSERT(((start | end) & PAGE_MASK) == 0 && start <= end);
	if ((new_prot & ~VM_PROT_ALL) != 0)
		return EINVAL;
	vm_map_lock(map);
	if (start < map->min_offset || end > map->max_offset) {
		vm_map_unlock(map);
		return EINVAL;
	}
	if (!uvm_map_lookup_entry(map, start, &entry))
		entry = entry->next;
	for (cur = entry; cur != &map->header && cur->start < end;
	    cur = cur->next) {
		if (UVM_ET_ISSUBMAP(cur)) {
			vm_map_unlock(map);
			return EINVAL;
		}
		if ((new_prot & cur->max_protection) != new_prot) {
			vm_map_unlock(map);
			return EACCES;
		}
	}
	if (entry != &map->header && entry->start < start)
		uvm_map_clip_start(map, entry, start);
	for (cur = entry; cur != &map->header && cur->start < end;
	    cur = cur->next) {
		uvm_map_clip_end(map, cur, end);
		old = cur->protection;
		if (set_max)
			cur->protection =
			    (cur->max_protection = new_prot) & old;
		else
			cur->protection = new_prot;
		p = cur->protection;
		if (UVM_ET_ISCOPYONWRITE(cur))
			p &= ~VM_PROT_WRITE;
		if ((old & ~p) != 0 && map->pmap != NULL)
			pmap_protect(map->pmap, cur->start, cur->end, p);
	}
	if (map->pmap != NULL)
		pmap_update(map->pmap);
	vm_map_unlock(map);
	return 0;
}

/*
 * uvm_map_checkprot: does every byte of [start, end) lie in an entry
 * allowing `protection'?
 * => takes the read lock unless the caller holds the map write-locked.
 */
bool
uvm_map_checkprot(struct vm_map *map, vaddr_t start, vaddr_t end,
    vm_prot_t protection)
{
	struct vm_map_entry *entry;
	bool locked = vm_map_locked_p(map), ok = false;

	if (!locked)
		vm_map_lock_read(map);
	if (start >= end || !uvm_map_lookup_entry(map, start, &entry))
		goto out;
	for (;;) {
		if (entry == &map->header || entry->start > start)
			goto out;
		if ((entry->protection & protection) != protection)
			goto out;
		if (entry->end >= end)
			break;
		start = entry->end;
		entry = entry->next;
	}
	ok = true;
out:
	if (!locked)
		vm_map_unlock_read(map);
	return ok;
}

/*
 * uvm_map_inherit: set the inheritance of [start, end).
 * => MAP_INHERIT_NONE, _COPY, _SHARE or _ZERO, else EINVAL.
 */
int
uvm_map_inherit(struct vm_map *map, vaddr_t start, vaddr_t end,
    vm_inherit_t new_inheritance)
{
	struct vm_map_entry *entry;

	switch (new_inheritance) {
	case MAP_INHERIT_NONE:
	case MAP_INHERIT_COPY:
	case MAP_INHERIT_SHARE:
	case MAP_INHERIT_ZERO:
		break;
	default:
		return EINVAL;
	}
	KASSERT(((start | end) & PAGE_MASK) == 0 && start <= end);
	vm_map_lock(map);
	if (start < map->min_offset || end > map->max_offset) {
		vm_map_unlock(map);
		return EINVAL;
	}
	for (entry = uvm_map_range_first(map, start);
	    entry != &map->header && entry->start < end; entry = entry->next) {
		uvm_map_clip_end(map, entry, end);
		entry->inheritance = new_inheritance;
	}
	vm_map_unlock(map);
	return 0;
}

/*
 * uvm_map_advice: set the access advice of [start, end).
 * => MADV_NORMAL, _RANDOM or _SEQUENTIAL (UVM_ADV_*), else EINVAL.
 */
int
uvm_map_advice(struct vm_map *map, vaddr_t start, vaddr_t end, int new_advice)
{
	struct vm_map_entry *entry;

	switch (new_advice) {
	case MADV_NORMAL:
	case MADV_RANDOM:
	case MADV_SEQUENTIAL:
		break;
	default:
		return EINVAL;
	}
	KASSERT(((start | end) & PAGE_MASK) == 0 && start <= end);
	vm_map_lock(map);
	if (start < map->min_offset || end > map->max_offset) {
		vm_map_unlock(map);
		return EINVAL;
	}
	for (entry = uvm_map_range_first(map, start);
	    entry != &map->header && entry->start < end; entry = entry->next) {
		uvm_map_clip_end(map, entry, end);
		entry->advice = new_advice;
	}
	vm_map_unlock(map);
	return 0;
}

/* ---------------------------------------------------------------------
 * Wiring.
 */

/* The process whose address space `map' is, or NULL. */
static struct proc *
uvm_map_owner(struct vm_map *map)
{
	struct proc *p = curproc, *q;

	if (p != NULL && p->p_vmspace != NULL && &p->p_vmspace->vm_map == map)
		return p;
	mutex_enter(&proc_lock);
	LIST_FOREACH(q, &allproc, p_list) {
		if (q->p_vmspace != NULL && &q->p_vmspace->vm_map == map)
			break;
	}
	mutex_exit(&proc_lock);
	return q;
}

static void
uvm_map_pageable_unlock(struct vm_map *map, int lockflags)
{
	if ((lockflags & UVM_LK_EXIT) == 0)
		vm_map_unlock(map);
}

/*
 * uvm_map_pageable: wire (new_pageable false) or unwire [start, end).
 * => lockflags: UVM_LK_ENTER if the caller holds the write lock,
 *    UVM_LK_EXIT to keep it on return.
 * => wiring: EFAULT if the range has a hole or a PROT_NONE entry;
 *    EAGAIN if it would take uvmexp.wired beyond uvmexp.wiredmax or the
 *    owning process beyond RLIMIT_MEMLOCK; the fault handler's error if
 *    faulting in fails (everything is unwound).  Wiring nests.
 * => unwiring: EFAULT for a hole at start, EINVAL if any part of the
 *    range is not wired or has a hole.
 */
int
uvm_map_pageable(struct vm_map *map, vaddr_t start, vaddr_t end,
    bool new_pageable, int lockflags)
{
	struct vm_map_entry *entry, *first, *cur;
	struct proc *p;
	vsize_t npages, locked;
	int rv;

	KASSERT(((start | end) & PAGE_MASK) == 0 && start <= end);
	if ((lockflags & UVM_LK_ENTER) == 0)
		vm_map_lock(map);
	KASSERT(vm_map_locked_p(map));

	if (start == end) {
		uvm_map_pageable_unlock(map, lockflags);
		return 0;
	}
	if (start < map->min_offset || end > map->max_offset ||
	    !uvm_map_lookup_entry(map, start, &entry)) {
		uvm_map_pageable_unlock(map, lockflags);
		return EFAULT;
	}

	if (new_pageable) {
		for (cur = entry; cur != &map->header && cur->start < end;
		    cur = cur->next) {
			if (cur->wired_count == 0 || (cur->end < end &&
			    cur->next->start != cur->end)) {
				uvm_map_pageable_unlock(map, lockflags);
				return EINVAL;
			}
		}
		uvm_map_clip_start(map, entry, start);
		for (cur = entry; cur != &map->header && cur->start < end;
		    cur = cur->next) {
			uvm_map_clip_end(map, cur, end);
			if (--cur->wired_count == 0)
				uvm_fault_unwire_locked(map, cur->start,
				    cur->end);
		}
		uvm_map_pageable_unlock(map, lockflags);
		return 0;
	}

	/* Pass 1: check the range and the limits. */
	npages = 0;
	for (cur = entry; cur != &map->header && cur->start < end;
	    cur = cur->next) {
		if (cur->protection == VM_PROT_NONE || (cur->end < end &&
		    cur->next->start != cur->end)) {
			uvm_map_pageable_unlock(map, lockflags);
			return EFAULT;
		}
		if (cur->wired_count == 0)
			npages += atop(MIN(cur->end, end) -
			    MAX(cur->start, start));
	}
	if (npages > 0 && (uint64_t)uvmexp.wired + npages >
	    (uint64_t)uvmexp.wiredmax) {
		uvm_map_pageable_unlock(map, lockflags);
		return EAGAIN;
	}
	if (npages > 0 && map != kernel_map &&
	    (p = uvm_map_owner(map)) != NULL) {
		locked = 0;
		for (cur = map->header.next; cur != &map->header;
		    cur = cur->next)
			if (VM_MAPENT_ISWIRED(cur))
				locked += cur->end - cur->start;
		if ((uint64_t)locked + ptoa(npages) >
		    p->p_rlimit[RLIMIT_MEMLOCK].rlim_cur) {
			uvm_map_pageable_unlock(map, lockflags);
			return EAGAIN;
		}
	}

	/* Pass 2: clip, resolve copy-on-write, mark wired. */
	uvm_map_clip_start(map, entry, start);
	first = entry;
	for (cur = first; cur != &map->header && cur->start < end;
	    cur = cur->next) {
		uvm_map_clip_end(map, cur, end);
		if (cur->wired_count == 0 && UVM_ET_ISNEEDSCOPY(cur) &&
		    ((cur->max_protection & VM_PROT_WRITE) != 0 ||
		     cur->object.uvm_obj == NULL))
			amap_copy(map, cur, 0, cur->start, cur->end);
		cur->wired_count++;
	}

	/* Pass 3: fault the newly wired entries in, the map busy. */
	vm_map_busy(map);
	vm_map_unlock(map);
	rv = 0;
	for (cur = first; cur != &map->header && cur->start < end;
	    cur = cur->next) {
		if (cur->wired_count == 1) {
			rv = uvm_fault_wire(map, cur->start, cur->end,
			    cur->max_protection, 1);
			if (rv != 0)
				break;
		}
	}
	vm_map_lock(map);
	vm_map_unbusy(map);
	if (rv != 0) {
		/* Unwind: entries before the failure were faulted in. */
		struct vm_map_entry *failed = cur;

		for (cur = first; cur != &map->header && cur->start < end;
		    cur = cur->next) {
			if (cur == failed)
				failed = NULL;
			if (--cur->wired_count == 0 && failed != NULL)
				uvm_fault_unwire_locked(map, cur->start,
				    cur->end);
		}
	}
	uvm_map_pageable_unlock(map, lockflags);
	return rv;
}

/* ---------------------------------------------------------------------
 * Submaps.
 */

/*
 * uvm_map_submap: make [start, end) of map, a range already mapped by
 * one plain entry (no object, no amap), refer to `submap'.
 * => map unlocked; takes a reference to submap.
 * => 0, or EINVAL if the range is not such an entry.
 */
int
uvm_map_submap(struct vm_map *map, vaddr_t start, vaddr_t end,
    struct vm_map *submap)
{
	struct vm_map_entry *entry;
	int rv = EINVAL;

	vm_map_lock(map);
	if (start < end && uvm_map_lookup_entry(map, start, &entry) &&
	    entry->end >= end && entry->object.uvm_obj == NULL &&
	    entry->aref.ar_amap == NULL && entry->etype == 0 &&
	    entry->wired_count == 0) {
		uvm_map_clip_start(map, entry, start);
		uvm_map_clip_end(map, entry, end);
		entry->etype = UVM_ET_SUBMAP;
		entry->object.sub_map = submap;
		entry->offset = 0;
		entry->flags |= UVM_MAP_NOMERGE;
		uvm_map_reference(submap);
		rv = 0;
	}
	vm_map_unlock(map);
	return rv;
}

/* ---------------------------------------------------------------------
 * Checking and printing.
 */

/* Recompute maxgap over a subtree, comparing with what is stored. */
static const char *
uvm_map_check_tree(struct vm_map_entry *n, vsize_t *maxp, int *countp)
{
	struct vm_map_entry *c;
	const char *why;
	vsize_t m = n->gap, cm;

	(*countp)++;
	if ((c = RB_LEFT(n, rb_entry)) != NULL) {
		if (RB_PARENT(c, rb_entry) != n)
			return "tree parent pointer wrong";
		if (c->start >= n->start)
			return "tree order wrong (left)";
		if ((why = uvm_map_check_tree(c, &cm, countp)) != NULL)
			return why;
		m = MAX(m, cm);
	}
	if ((c = RB_RIGHT(n, rb_entry)) != NULL) {
		if (RB_PARENT(c, rb_entry) != n)
			return "tree parent pointer wrong";
		if (c->start <= n->start)
			return "tree order wrong (right)";
		if ((why = uvm_map_check_tree(c, &cm, countp)) != NULL)
			return why;
		m = MAX(m, cm);
	}
	if (n->maxgap != m)
		return "subtree maxgap does not match its recomputation";
	*maxp = m;
	return NULL;
}

static const char *
uvm_map_check_locked(struct vm_map *map)
{
	struct vm_map_entry *e, *t, *root;
	vaddr_t prev_end = map->min_offset;
	vsize_t size = 0, m;
	int n = 0, tn = 0;
	bool hint_seen = map->hint == &map->header;
	const char *why;

	if (map->header.end != map->min_offset ||
	    map->header.start != map->max_offset)
		return "header bounds are not [max, min]";
	if (map->header.gap != map->header.next->start - map->min_offset)
		return "header gap wrong";
	t = RB_MIN(uvm_map_addr, &map->rb_head);
	for (e = map->header.next; e != &map->header; e = e->next) {
		if (e->prev->next != e || e->next->prev != e)
			return "list links broken";
		if (e->start >= e->end)
			return "empty or inverted entry";
		if (((e->start | e->end) & PAGE_MASK) != 0)
			return "entry not page aligned";
		if (e->start < prev_end)
			return "entries unsorted or overlapping";
		if (e->start < map->min_offset || e->end > map->max_offset)
			return "entry outside [min, max]";
		if (e->gap != uvm_map_gap_of(e))
			return "entry gap wrong";
		if (t != e)
			return "tree and list disagree";
		if ((e->protection & ~e->max_protection) != 0)
			return "protection beyond max_protection";
		if (e->inheritance > MAP_INHERIT_ZERO)
			return "bad inheritance";
		if (e->advice > UVM_ADV_MASK)
			return "bad advice";
		if (UVM_ET_ISSUBMAP(e) && UVM_ET_ISOBJ(e))
			return "entry both object and submap";
		if (UVM_ET_ISSUBMAP(e) && e->object.sub_map == NULL)
			return "submap entry without a submap";
		if (!UVM_ET_ISSUBMAP(e) && !UVM_ET_ISOBJ(e) &&
		    e->object.uvm_obj != NULL)
			return "object pointer without UVM_ET_OBJ";
		if (e->aref.ar_amap == NULL && e->aref.ar_pageoff != 0)
			return "amap offset without an amap";
		if (e == map->hint)
			hint_seen = true;
		size += e->end - e->start;
		prev_end = e->end;
		n++;
		t = RB_NEXT(uvm_map_addr, &map->rb_head, t);
	}
	if (t != NULL)
		return "tree holds entries the list does not";
	if (n != map->nentries)
		return "nentries wrong";
	if (size != map->size)
		return "size wrong";
	if (!hint_seen)
		return "hint is not an entry of the map";
	root = RB_ROOT(&map->rb_head);
	if (root != NULL) {
		if (RB_PARENT(root, rb_entry) != NULL)
			return "tree root has a parent";
		if ((why = uvm_map_check_tree(root, &m, &tn)) != NULL)
			return why;
		if (tn != n)
			return "tree size differs from the list";
	}
	return NULL;
}

/*
 * uvm_map_check: verify every invariant of the map (see uvm_map.h).
 * => takes the read lock unless the caller holds the map write-locked.
 */
const char *
uvm_map_check(struct vm_map *map)
{
	const char *why;
	bool locked = vm_map_locked_p(map);

	if (!locked)
		vm_map_lock_read(map);
	why = uvm_map_check_locked(map);
	if (!locked)
		vm_map_unlock_read(map);
	return why;
}

static const char *
uvm_map_protstr(vm_prot_t p, char buf[4])
{
	buf[0] = (p & VM_PROT_READ) ? 'r' : '-';
	buf[1] = (p & VM_PROT_WRITE) ? 'w' : '-';
	buf[2] = (p & VM_PROT_EXECUTE) ? 'x' : '-';
	buf[3] = '\0';
	return buf;
}

/*
 * uvm_map_printit: one line per entry, as pmap(1) / procstat -v:
 * start, end, size in KiB, protection/max, inheritance, advice, wired
 * count, type (obj/anon/submap, cow, nc for needs-copy), object and
 * offset, amap and its page offset.
 */
void
uvm_map_printit(struct vm_map *map, void (*pr)(const char *, ...))
{
	static const char *inh[] = { "share", "copy", "none", "donate",
	    "zero" };
	static const char *adv[] = { "normal", "random", "seq", "willneed",
	    "dontneed", "noreuse", "?", "?" };
	struct vm_map_entry *e;
	bool locked = vm_map_locked_p(map);
	char p1[4], p2[4];

	if (!locked)
		vm_map_lock_read(map);
	pr("MAP %p: [%#lx, %#lx) pmap %p nentries %d size %lu KiB "
	    "flags %#x timestamp %u\n", (void *)map,
	    (unsigned long)map->min_offset, (unsigned long)map->max_offset,
	    (void *)map->pmap, map->nentries,
	    (unsigned long)(map->size >> 10), map->flags, map->timestamp);
	pr("%18s %18s %8s %3s/%3s %6s %8s %5s %-10s %18s %10s %18s %6s\n",
	    "START", "END", "KB", "PRT", "MAX", "INH", "ADV", "WIRED",
	    "TYPE", "OBJECT", "OFFSET", "AMAP", "AMOFF");
	for (e = map->header.next; e != &map->header; e = e->next) {
		pr("%#18lx %#18lx %8lu %3s/%3s %6s %8s %5u %-3s%s%s %18p "
		    "%#10lx %18p %6d\n",
		    (unsigned long)e->start, (unsigned long)e->end,
		    (unsigned long)((e->end - e->start) >> 10),
		    uvm_map_protstr(e->protection, p1),
		    uvm_map_protstr(e->max_protection, p2),
		    e->inheritance < __arraycount(inh) ?
		    inh[e->inheritance] : "?",
		    adv[e->advice & UVM_ADV_MASK], e->wired_count,
		    UVM_ET_ISSUBMAP(e) ? "sub" : UVM_ET_ISOBJ(e) ? "obj" :
		    "anon", UVM_ET_ISCOPYONWRITE(e) ? ",cow" : "",
		    UVM_ET_ISNEEDSCOPY(e) ? ",nc" : "",
		    (void *)e->object.uvm_obj, (unsigned long)e->offset,
		    (void *)e->aref.ar_amap, e->aref.ar_pageoff);
	}
	if (!locked)
		vm_map_unlock_read(map);
}
