/*
 * uvm_physseg.c: the segments of physical memory, uvm_hotplug(9).
 *
 * Physical memory is described by a table of segments sorted by start
 * frame.  A segment is a run of page frames [start, end), of which
 * [avail_start, avail_end) is handed to the page allocator, on one free
 * list.  Between segments there may be holes: frames that no segment
 * covers have no vm_page, and PHYS_TO_VM_PAGE() returns NULL for them.
 *
 *	table (sorted by start)              vm_page arrays (kmem)
 *	+---------------------------+
 *	| 0  [0x000,0x400)  list 0  |--pgs--> [ 0x400 vm_pages        ]
 *	|    (hole 0x400..0x800)    |
 *	| 1  [0x800,0x880)  list 1  |--pgs--> [ 0x80 live | dead | 0x60 live ]
 *	| 2  [0x8a0,0x900)  list 1  |--pgs-----------------------^
 *	+---------------------------+        (segments 1 and 2 came from
 *	                                      one plug, split by an unplug)
 *
 * Handles are indices into the table, as in NetBSD's static-array
 * implementation; O(log n) lookups are a binary search.  Each segment's
 * vm_page array is allocated with kmem when the segment is loaded or
 * plugged: every page has phys_addr set and every other field zero.
 *
 * Unplugging the middle of a segment splits it in two.  Pages on either
 * side may be owned by objects and anons that hold pointers to their
 * vm_pages, so the pieces keep pointing into the original array rather
 * than getting copies; the array is reference counted by the segments
 * that use it and freed when the last of them goes.  The alternative,
 * copying the surviving pages into fresh arrays, would move vm_pages
 * that owners and paging queues still link to.
 *
 * Boot and run time.  Before uvm_page_init() (uvm_page_init_done_p()
 * false), uvm_page_physload(), uvm_page_physunload*(), plug and unplug
 * only edit the table: uvm_page_init() later frees every available page
 * of every segment once.  After it, uvm_physseg_plug() hands the new
 * pages to the page layer (uvm_page_seg_plugged()) and
 * uvm_physseg_unplug() first withdraws the available pages in the range
 * from the free lists (uvm_page_seg_withdraw(), all or nothing), failing
 * and changing nothing if any of them is in use.  The legacy
 * uvm_page_physload()/uvm_page_physunload*() interfaces must never be
 * used after uvm_page_init(): they panic.
 *
 * Locking:
 *	l	physseg_lock: serialises every change to the table (load,
 *		unload, plug, unplug, fini) and the array reference counts.
 *		It is taken before uvm_fpageqlock (the page layer takes that
 *		inside the plug/withdraw callbacks, which must not call back
 *		into plug or unplug).
 *	r	the table is never edited in place: a change builds a new
 *		table and publishes it with a release store, so lookups
 *		(uvm_physseg_find, PHYS_TO_VM_PAGE and every getter) take no
 *		lock.  After uvm_page_init() a replaced table is kept until
 *		uvm_physseg_fini(), since a lookup may still be reading it;
 *		before that, boot is single-threaded and it is freed at once.
 *		After uvm_page_init(), plug and unplug publish the new table
 *		and free the vm_pages of unplugged frames with uvm_fpageqlock
 *		held too.  So a holder of uvm_fpageqlock (the allocator
 *		walking the segments by handle, uvm_page_check) sees stable
 *		handles, and may look at free pages of any segment.  Without
 *		it, a handle may be renumbered between two calls, and the
 *		frames being unplugged must not be looked at: they are free,
 *		so nobody owns them.
 *	f	start_hint is an allocator hint written under
 *		uvm_fpageqlock; a write that races with a table change may be
 *		lost, which costs only a longer search.
 *	c	constant while the segment exists.
 */

#include "uvm_impl.h"

/* A vm_page array, shared by the pieces of a split segment. */
struct physseg_pages {
	struct vm_page	*pp_pgs;	/* c: pp_npages pages */
	psize_t		pp_npages;	/* c: length of pp_pgs */
	paddr_t		pp_start;	/* c: frame of pp_pgs[0] */
	unsigned int	pp_refs;	/* l: segments pointing into pp_pgs */
};

/* One segment; lives in a table. */
struct uvm_physseg {
	paddr_t		start;		/* c: first frame */
	paddr_t		end;		/* c: last frame + 1 */
	paddr_t		avail_start;	/* c: first frame UVM manages */
	paddr_t		avail_end;	/* c: last frame UVM manages + 1 */
	struct vm_page	*pgs;		/* c: vm_page of frame `start' */
	struct physseg_pages *pages;	/* c: the array pgs points into */
	int		free_list;	/* c: VM_FREELIST_* */
	unsigned int	start_hint;	/* f: where to start looking */
};

/* The segment table: a snapshot, replaced as a whole on every change. */
struct physseg_table {
	int			pt_nsegs;	/* c: entries in pt_segs */
	struct physseg_table	*pt_retired;	/* l: next replaced table */
	struct uvm_physseg	pt_segs[];	/* c: sorted by start */
};

static kmutex_t physseg_lock;
static bool physseg_inited;
static struct physseg_table physseg_empty;	/* the table with no segment */
static struct physseg_table *physseg_tab = &physseg_empty;	/* r */
static struct physseg_table *physseg_retired;	/* l: replaced tables */

/* ---------------------------------------------------------------------
 * The table.
 */

static inline struct physseg_table *
physseg_table(void)
{
	return atomic_load_acquire(&physseg_tab);
}

static inline struct uvm_physseg *
physseg_get(uvm_physseg_t upm)
{
	struct physseg_table *t = physseg_table();

	if (upm < 0 || upm >= t->pt_nsegs)
		return NULL;
	return &t->pt_segs[upm];
}

static inline size_t
physseg_table_size(int nsegs)
{
	return sizeof(struct physseg_table) +
	    (size_t)nsegs * sizeof(struct uvm_physseg);
}

/* Frames the physical memory arena has room for. */
static inline paddr_t
physseg_maxframe(void)
{
	return atop((paddr_t)kern_physmem_size());
}

/*
 * Binary search: the index of the segment containing frame pf, or
 * UVM_PHYSSEG_TYPE_INVALID.
 */
static int
physseg_search(const struct physseg_table *t, paddr_t pf)
{
	int lo = 0, hi = t->pt_nsegs;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		const struct uvm_physseg *ps = &t->pt_segs[mid];

		if (pf < ps->start)
			hi = mid;
		else if (pf >= ps->end)
			lo = mid + 1;
		else
			return mid;
	}
	return UVM_PHYSSEG_TYPE_INVALID;
}

/* The index at which a segment starting at frame pf is to be inserted. */
static int
physseg_insertion_point(const struct physseg_table *t, paddr_t pf)
{
	int lo = 0, hi = t->pt_nsegs;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (t->pt_segs[mid].start < pf)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Does [start, end) overlap a segment of t?  idx: its insertion point. */
static bool
physseg_overlaps(const struct physseg_table *t, int idx, paddr_t start,
    paddr_t end)
{
	if (idx > 0 && t->pt_segs[idx - 1].end > start)
		return true;
	if (idx < t->pt_nsegs && t->pt_segs[idx].start < end)
		return true;
	return false;
}

/*
 * A copy of `old' in which the nremove entries at idx are replaced by
 * the nins entries of `ins'.  NULL if kmem fails (KM_NOSLEEP only).
 */
static struct physseg_table *
physseg_table_edit(const struct physseg_table *old, int idx, int nremove,
    const struct uvm_physseg *ins, int nins, km_flag_t kmflags)
{
	struct physseg_table *t;
	int n = old->pt_nsegs - nremove + nins;
	int tail = old->pt_nsegs - idx - nremove;

	KASSERT(idx >= 0 && nremove >= 0 && tail >= 0 && n >= 0);
	if (n == 0)
		return &physseg_empty;
	t = kmem_alloc(physseg_table_size(n), kmflags);
	if (t == NULL)
		return NULL;
	t->pt_nsegs = n;
	t->pt_retired = NULL;
	if (idx > 0)
		memcpy(t->pt_segs, old->pt_segs, idx * sizeof(t->pt_segs[0]));
	if (nins > 0)
		memcpy(&t->pt_segs[idx], ins, nins * sizeof(t->pt_segs[0]));
	if (tail > 0)
		memcpy(&t->pt_segs[idx + nins], &old->pt_segs[idx + nremove],
		    tail * sizeof(t->pt_segs[0]));
	return t;
}

static void
physseg_table_free(struct physseg_table *t)
{
	if (t != &physseg_empty)
		kmem_free(t, physseg_table_size(t->pt_nsegs));
}

/*
 * Make `t' the current table.
 * => physseg_lock held
 */
static void
physseg_publish(struct physseg_table *t)
{
	struct physseg_table *old = physseg_tab;

	KASSERT(mutex_owned(&physseg_lock));
	atomic_store_release(&physseg_tab, t);
	if (old == &physseg_empty)
		return;
	if (uvm_page_init_done_p()) {
		old->pt_retired = physseg_retired;
		physseg_retired = old;
	} else
		physseg_table_free(old);
}

/* ---------------------------------------------------------------------
 * vm_page arrays.
 */

/*
 * A new array of vm_pages for frames [start, end), every page's phys_addr
 * set and everything else zero, with no reference yet.
 */
static struct physseg_pages *
physseg_pages_alloc(paddr_t start, paddr_t end, km_flag_t kmflags)
{
	struct physseg_pages *pp;
	psize_t i, n = end - start;

	KASSERT(start < end);
	pp = kmem_alloc(sizeof(*pp), kmflags);
	if (pp == NULL)
		return NULL;
	pp->pp_pgs = kmem_zalloc(n * sizeof(struct vm_page), kmflags);
	if (pp->pp_pgs == NULL) {
		kmem_free(pp, sizeof(*pp));
		return NULL;
	}
	pp->pp_npages = n;
	pp->pp_start = start;
	pp->pp_refs = 0;
	for (i = 0; i < n; i++)
		pp->pp_pgs[i].phys_addr = ptoa(start + i);
	return pp;
}

static void
physseg_pages_free(struct physseg_pages *pp)
{
	KASSERT(pp->pp_refs == 0);
	kmem_free(pp->pp_pgs, pp->pp_npages * sizeof(struct vm_page));
	kmem_free(pp, sizeof(*pp));
}

/* Drop one segment's reference to its array. */
static void
physseg_pages_release(struct physseg_pages *pp)
{
	KASSERT(pp->pp_refs > 0);
	if (--pp->pp_refs == 0)
		physseg_pages_free(pp);
}

/*
 * Fill in `ps' as the frames [start, end) of `orig' (a segment or a
 * fresh one): the available range is clipped to it, and the start hint,
 * an offset into the available range, restarts at 0 if it changed.
 */
static void
physseg_piece(struct uvm_physseg *ps, const struct uvm_physseg *orig,
    paddr_t start, paddr_t end)
{
	KASSERT(orig->start <= start && start < end && end <= orig->end);
	*ps = *orig;
	ps->start = start;
	ps->end = end;
	ps->pgs = orig->pgs + (start - orig->start);
	ps->avail_start = MIN(MAX(orig->avail_start, start), end);
	ps->avail_end = MAX(MIN(orig->avail_end, end), ps->avail_start);
	if (ps->avail_start != orig->avail_start ||
	    ps->avail_end != orig->avail_end)
		ps->start_hint = 0;
}

/* ---------------------------------------------------------------------
 * Initialisation.
 */

/*
 * uvm_physseg_init: set up an empty segment table.
 * => called once per boot by uvm_md_init(), before any segment is loaded
 */
void
uvm_physseg_init(void)
{
	KASSERTMSG(!physseg_inited, "uvm_physseg_init: already initialised");
	mutex_init(&physseg_lock, MUTEX_DEFAULT, IPL_VM);
	physseg_tab = &physseg_empty;
	physseg_retired = NULL;
	physseg_inited = true;
}

/*
 * uvm_physseg_fini: forget every segment and free the vm_page arrays and
 * tables.
 * => the page layer is gone (uvm_page_fini) or never started
 */
void
uvm_physseg_fini(void)
{
	struct physseg_table *t, *next;

	if (!physseg_inited)
		return;
	mutex_enter(&physseg_lock);
	t = physseg_tab;
	for (int i = 0; i < t->pt_nsegs; i++)
		physseg_pages_release(t->pt_segs[i].pages);
	atomic_store_release(&physseg_tab, &physseg_empty);
	physseg_table_free(t);
	for (t = physseg_retired; t != NULL; t = next) {
		next = t->pt_retired;
		physseg_table_free(t);
	}
	physseg_retired = NULL;
	mutex_exit(&physseg_lock);
	mutex_destroy(&physseg_lock);
	physseg_inited = false;
}

/* ---------------------------------------------------------------------
 * Loading and unloading at boot (the legacy interface).
 */

/*
 * uvm_page_physload: load frames [start, end) as a segment on free_list;
 * [avail_start, avail_end) will go to the free lists at uvm_page_init().
 * => all arguments but free_list are page frame numbers
 * => boot only, before uvm_page_init(); bad arguments panic, as in NetBSD
 */
void
uvm_page_physload(paddr_t start, paddr_t end, paddr_t avail_start,
    paddr_t avail_end, int free_list)
{
	struct physseg_table *t;
	struct uvm_physseg ps;
	int idx;

	if (uvm_page_init_done_p())
		panic("uvm_page_physload: called after uvm_page_init()");
	if (!physseg_inited || uvmexp.pagesize == 0)
		panic("uvm_page_physload: uvm_md_init() has not run");
	if (free_list < 0 || free_list >= VM_NFREELIST)
		panic("uvm_page_physload: bad free list %d", free_list);
	if (start >= end)
		panic("uvm_page_physload: start %#jx >= end %#jx",
		    (uintmax_t)start, (uintmax_t)end);
	if (avail_start < start || avail_start > avail_end || avail_end > end)
		panic("uvm_page_physload: available [%#jx, %#jx) not inside"
		    " [%#jx, %#jx)", (uintmax_t)avail_start,
		    (uintmax_t)avail_end, (uintmax_t)start, (uintmax_t)end);
	if (end > physseg_maxframe())
		panic("uvm_page_physload: end %#jx beyond physical memory"
		    " (%#jx frames)", (uintmax_t)end,
		    (uintmax_t)physseg_maxframe());

	mutex_enter(&physseg_lock);
	t = physseg_tab;
	idx = physseg_insertion_point(t, start);
	if (physseg_overlaps(t, idx, start, end))
		panic("uvm_page_physload: [%#jx, %#jx) overlaps a loaded"
		    " segment", (uintmax_t)start, (uintmax_t)end);
	memset(&ps, 0, sizeof(ps));
	ps.pages = physseg_pages_alloc(start, end, KM_SLEEP);
	ps.pages->pp_refs = 1;
	ps.pgs = ps.pages->pp_pgs;
	ps.start = start;
	ps.end = end;
	ps.avail_start = avail_start;
	ps.avail_end = avail_end;
	ps.free_list = free_list;
	physseg_publish(physseg_table_edit(t, idx, 0, &ps, 1, KM_SLEEP));
	mutex_exit(&physseg_lock);
}

/*
 * Replace segment idx by its frames [start, end), or remove it if that
 * range is empty.
 * => physseg_lock held; boot time (the table may be edited with KM_SLEEP)
 */
static void
physseg_shrink(int idx, paddr_t start, paddr_t end)
{
	struct physseg_table *t = physseg_tab;
	struct uvm_physseg *ps = &t->pt_segs[idx];
	struct uvm_physseg piece;
	struct physseg_pages *drop = NULL;

	KASSERT(mutex_owned(&physseg_lock));
	if (start < end) {
		physseg_piece(&piece, ps, start, end);
		t = physseg_table_edit(t, idx, 1, &piece, 1, KM_SLEEP);
	} else {
		drop = ps->pages;
		t = physseg_table_edit(t, idx, 1, NULL, 0, KM_SLEEP);
	}
	physseg_publish(t);
	if (drop != NULL)
		physseg_pages_release(drop);
}

/*
 * uvm_page_physunload: take one available page from the front or the
 * back of segment upm (the first or last frame of the segment, which
 * must be available) for the caller, who owns it from then on.  The
 * segment shrinks by that page and disappears with its last page.
 * => false, and *paddrp untouched, if upm is invalid, is not on
 *    free_list, or has no available page at either end
 * => boot only, before uvm_page_init()
 */
bool
uvm_page_physunload(uvm_physseg_t upm, int free_list, paddr_t *paddrp)
{
	struct uvm_physseg *ps;
	bool ok = false;

	if (uvm_page_init_done_p())
		panic("uvm_page_physunload: called after uvm_page_init()");
	KASSERT(paddrp != NULL);
	if (!physseg_inited)
		return false;
	mutex_enter(&physseg_lock);
	ps = physseg_get(upm);
	if (ps == NULL || ps->free_list != free_list ||
	    ps->avail_start >= ps->avail_end)
		goto out;
	if (ps->avail_start == ps->start) {
		*paddrp = ptoa(ps->start);
		physseg_shrink(upm, ps->start + 1, ps->end);
		ok = true;
	} else if (ps->avail_end == ps->end) {
		*paddrp = ptoa(ps->end - 1);
		physseg_shrink(upm, ps->start, ps->end - 1);
		ok = true;
	}
out:
	mutex_exit(&physseg_lock);
	return ok;
}

/*
 * uvm_page_physunload_force: take the first available page of segment
 * upm whatever its free list and position; the segment is truncated to
 * start after it (frames below it that were not available go too, as in
 * NetBSD), and disappears with its last page.
 * => false, and *paddrp untouched, if upm is invalid or has no available
 *    page
 * => boot only, before uvm_page_init()
 */
bool
uvm_page_physunload_force(uvm_physseg_t upm, int free_list, paddr_t *paddrp)
{
	struct uvm_physseg *ps;
	bool ok = false;

	if (uvm_page_init_done_p())
		panic("uvm_page_physunload_force: called after"
		    " uvm_page_init()");
	KASSERT(paddrp != NULL);
	if (!physseg_inited)
		return false;
	mutex_enter(&physseg_lock);
	ps = physseg_get(upm);
	if (ps != NULL && ps->avail_start < ps->avail_end) {
		*paddrp = ptoa(ps->avail_start);
		physseg_shrink(upm, ps->avail_start + 1, ps->end);
		ok = true;
	}
	mutex_exit(&physseg_lock);
	return ok;
}

/* ---------------------------------------------------------------------
 * Hotplug.
 */

/*
 * uvm_physseg_plug: add frames [pfn, pfn + npages) as a new segment on
 * VM_FREELIST_DEFAULT, all of it available.  After uvm_page_init() its
 * pages go straight to the free lists.
 * => true and *upmp (if not NULL) set to the new segment's handle; false
 *    (*upmp = UVM_PHYSSEG_TYPE_INVALID) if the range is empty, wraps,
 *    lies beyond physical memory or overlaps a segment, or kmem fails
 */
bool
uvm_physseg_plug(paddr_t pfn, size_t npages, uvm_physseg_t *upmp)
{
	struct physseg_table *t;
	struct uvm_physseg ps;
	paddr_t end = pfn + npages;
	int idx = UVM_PHYSSEG_TYPE_INVALID;

	if (upmp != NULL)
		*upmp = UVM_PHYSSEG_TYPE_INVALID;
	if (!physseg_inited || npages == 0 || end < pfn ||
	    end > physseg_maxframe())
		return false;

	mutex_enter(&physseg_lock);
	t = physseg_tab;
	idx = physseg_insertion_point(t, pfn);
	if (physseg_overlaps(t, idx, pfn, end))
		goto fail;
	memset(&ps, 0, sizeof(ps));
	ps.pages = physseg_pages_alloc(pfn, end, KM_NOSLEEP);
	if (ps.pages == NULL)
		goto fail;
	ps.pgs = ps.pages->pp_pgs;
	ps.start = ps.avail_start = pfn;
	ps.end = ps.avail_end = end;
	ps.free_list = VM_FREELIST_DEFAULT;
	t = physseg_table_edit(t, idx, 0, &ps, 1, KM_NOSLEEP);
	if (t == NULL) {
		physseg_pages_free(ps.pages);
		goto fail;
	}
	ps.pages->pp_refs = 1;
	if (uvm_page_init_done_p()) {
		/* Handles renumber: only where uvm_fpageqlock says so. */
		mutex_enter(&uvm_fpageqlock);
		physseg_publish(t);
		mutex_exit(&uvm_fpageqlock);
		/* The pages must be findable before they are freed. */
		uvm_page_seg_plugged(idx, pfn, npages);
	} else
		physseg_publish(t);
	mutex_exit(&physseg_lock);
	if (upmp != NULL)
		*upmp = idx;
	return true;
fail:
	mutex_exit(&physseg_lock);
	return false;
}

/*
 * uvm_physseg_unplug: remove frames [pfn, pfn + npages), which must lie
 * in one segment.  Unplugging the middle of a segment splits it; pages
 * that stay keep their vm_pages.  After uvm_page_init() the available
 * pages of the range are withdrawn from the free lists first: if any of
 * them is in use, nothing changes.
 * => true on success; false if the range is empty, not inside one
 *    segment, holds a page in use, or kmem fails
 * => every handle may change
 */
bool
uvm_physseg_unplug(paddr_t pfn, size_t npages)
{
	struct physseg_table *t, *nt;
	struct uvm_physseg *ps, pieces[2];
	struct physseg_pages *pp;
	paddr_t end = pfn + npages, wstart, wend;
	int idx, n = 0;

	if (!physseg_inited || npages == 0 || end < pfn)
		return false;

	mutex_enter(&physseg_lock);
	t = physseg_tab;
	idx = physseg_search(t, pfn);
	if (idx == UVM_PHYSSEG_TYPE_INVALID)
		goto fail;
	ps = &t->pt_segs[idx];
	if (end > ps->end)
		goto fail;
	if (ps->start < pfn)
		physseg_piece(&pieces[n++], ps, ps->start, pfn);
	if (end < ps->end)
		physseg_piece(&pieces[n++], ps, end, ps->end);
	nt = physseg_table_edit(t, idx, 1, pieces, n, KM_NOSLEEP);
	if (nt == NULL)
		goto fail;
	if (uvm_page_init_done_p()) {
		wstart = MAX(pfn, ps->avail_start);
		wend = MIN(end, ps->avail_end);
		if (wstart < wend &&
		    !uvm_page_seg_withdraw(idx, wstart, wend - wstart)) {
			physseg_table_free(nt);
			goto fail;
		}
	}
	/*
	 * The allocator walks the segments under uvm_fpageqlock: renumber
	 * the handles and free the array only with it held.
	 */
	pp = ps->pages;
	pp->pp_refs += n;
	if (uvm_page_init_done_p())
		mutex_enter(&uvm_fpageqlock);
	physseg_publish(nt);
	physseg_pages_release(pp);
	if (uvm_page_init_done_p())
		mutex_exit(&uvm_fpageqlock);
	mutex_exit(&physseg_lock);
	return true;
fail:
	mutex_exit(&physseg_lock);
	return false;
}

/* ---------------------------------------------------------------------
 * Lookups.  No lock: see the top of the file.
 */

bool
uvm_physseg_valid_p(uvm_physseg_t upm)
{
	return physseg_get(upm) != NULL;
}

int
uvm_physseg_count(void)
{
	return physseg_table()->pt_nsegs;
}

paddr_t
uvm_physseg_get_start(uvm_physseg_t upm)
{
	struct uvm_physseg *ps = physseg_get(upm);

	return ps != NULL ? ps->start : (paddr_t)-1;
}

paddr_t
uvm_physseg_get_end(uvm_physseg_t upm)
{
	struct uvm_physseg *ps = physseg_get(upm);

	return ps != NULL ? ps->end : (paddr_t)-1;
}

paddr_t
uvm_physseg_get_avail_start(uvm_physseg_t upm)
{
	struct uvm_physseg *ps = physseg_get(upm);

	return ps != NULL ? ps->avail_start : (paddr_t)-1;
}

paddr_t
uvm_physseg_get_avail_end(uvm_physseg_t upm)
{
	struct uvm_physseg *ps = physseg_get(upm);

	return ps != NULL ? ps->avail_end : (paddr_t)-1;
}

/*
 * uvm_physseg_get_pg: the vm_page of frame start + idx of segment upm.
 * => upm valid and idx < end - start
 */
struct vm_page *
uvm_physseg_get_pg(uvm_physseg_t upm, paddr_t idx)
{
	struct uvm_physseg *ps = physseg_get(upm);

	KASSERTMSG(ps != NULL, "uvm_physseg_get_pg: invalid handle %d", upm);
	KASSERTMSG(ps == NULL || idx < ps->end - ps->start,
	    "uvm_physseg_get_pg: index %#jx beyond segment %d",
	    (uintmax_t)idx, upm);
	if (ps == NULL || idx >= ps->end - ps->start)
		return NULL;
	return &ps->pgs[idx];
}

/* => upm valid */
int
uvm_physseg_get_free_list(uvm_physseg_t upm)
{
	struct uvm_physseg *ps = physseg_get(upm);

	KASSERTMSG(ps != NULL, "uvm_physseg_get_free_list: invalid handle %d",
	    upm);
	return ps != NULL ? ps->free_list : VM_FREELIST_ANY;
}

/* => upm valid */
unsigned int
uvm_physseg_get_start_hint(uvm_physseg_t upm)
{
	struct uvm_physseg *ps = physseg_get(upm);

	KASSERTMSG(ps != NULL, "uvm_physseg_get_start_hint: invalid handle"
	    " %d", upm);
	return ps != NULL ? ps->start_hint : 0;
}

bool
uvm_physseg_set_start_hint(uvm_physseg_t upm, unsigned int start_hint)
{
	struct uvm_physseg *ps = physseg_get(upm);

	if (ps == NULL)
		return false;
	ps->start_hint = start_hint;
	return true;
}

uvm_physseg_t
uvm_physseg_get_next(uvm_physseg_t upm)
{
	if (!uvm_physseg_valid_p(upm))
		return UVM_PHYSSEG_TYPE_INVALID;
	return upm + 1;		/* past the last: ..._INVALID_OVERFLOW */
}

uvm_physseg_t
uvm_physseg_get_prev(uvm_physseg_t upm)
{
	if (!uvm_physseg_valid_p(upm))
		return UVM_PHYSSEG_TYPE_INVALID;
	return upm - 1;		/* before the first: ..._INVALID_EMPTY */
}

uvm_physseg_t
uvm_physseg_get_first(void)
{
	return physseg_table()->pt_nsegs > 0 ? 0 :
	    UVM_PHYSSEG_TYPE_INVALID_EMPTY;
}

uvm_physseg_t
uvm_physseg_get_last(void)
{
	int n = physseg_table()->pt_nsegs;

	return n > 0 ? n - 1 : UVM_PHYSSEG_TYPE_INVALID_EMPTY;
}

/* The highest frame any segment covers; 0 if there is no segment. */
paddr_t
uvm_physseg_get_highest_frame(void)
{
	struct physseg_table *t = physseg_table();

	if (t->pt_nsegs == 0)
		return 0;
	return t->pt_segs[t->pt_nsegs - 1].end - 1;
}

/*
 * uvm_physseg_find: the segment containing frame pframe, and in *offp
 * (if not NULL) pframe's offset from the segment's start; or
 * UVM_PHYSSEG_TYPE_INVALID (*offp untouched) if pframe is in a hole.
 */
uvm_physseg_t
uvm_physseg_find(paddr_t pframe, psize_t *offp)
{
	struct physseg_table *t = physseg_table();
	int idx = physseg_search(t, pframe);

	if (idx != UVM_PHYSSEG_TYPE_INVALID && offp != NULL)
		*offp = pframe - t->pt_segs[idx].start;
	return idx;
}

/*
 * uvm_phys_to_vm_page (PHYS_TO_VM_PAGE): the vm_page of physical address
 * pa, or NULL if no segment covers it.  O(log number of segments).
 */
struct vm_page *
uvm_phys_to_vm_page(paddr_t pa)
{
	struct physseg_table *t = physseg_table();
	paddr_t pf = atop(pa);
	int idx = physseg_search(t, pf);

	if (idx == UVM_PHYSSEG_TYPE_INVALID)
		return NULL;
	return &t->pt_segs[idx].pgs[pf - t->pt_segs[idx].start];
}

/* ---------------------------------------------------------------------
 * The invariant checker.
 */

/*
 * uvm_physseg_check: NULL if the table is consistent, else a description
 * of the first problem found (a constant string).
 */
const char *
uvm_physseg_check(void)
{
	struct physseg_table *t;
	const struct uvm_physseg *ps, *qs;
	paddr_t maxframe = physseg_maxframe();
	const char *bad = NULL;
	int i, j, refs;

	if (!physseg_inited)
		return physseg_tab == &physseg_empty ? NULL :
		    "a segment table exists without uvm_physseg_init()";
	mutex_enter(&physseg_lock);
	t = physseg_tab;
	for (i = 0; i < t->pt_nsegs && bad == NULL; i++) {
		ps = &t->pt_segs[i];
		if (ps->start >= ps->end)
			bad = "empty segment";
		else if (ps->avail_start < ps->start ||
		    ps->avail_start > ps->avail_end ||
		    ps->avail_end > ps->end)
			bad = "available range outside the segment";
		else if (ps->free_list < 0 || ps->free_list >= VM_NFREELIST)
			bad = "bad free list";
		else if (ps->end > maxframe)
			bad = "segment beyond physical memory";
		else if (i > 0 && t->pt_segs[i - 1].end > ps->start)
			bad = "segments unsorted or overlapping";
		else if (ps->pages == NULL || ps->pgs == NULL ||
		    ps->start < ps->pages->pp_start ||
		    ps->end > ps->pages->pp_start + ps->pages->pp_npages ||
		    ps->pgs != ps->pages->pp_pgs +
		    (ps->start - ps->pages->pp_start))
			bad = "vm_pages outside the segment's array";
		if (bad != NULL)
			break;
		for (paddr_t pf = ps->start; pf < ps->end; pf++) {
			if (ps->pgs[pf - ps->start].phys_addr != ptoa(pf)) {
				bad = "vm_page with the wrong phys_addr";
				break;
			}
		}
		if (bad != NULL)
			break;
		for (refs = 0, j = 0; j < t->pt_nsegs; j++) {
			qs = &t->pt_segs[j];
			if (qs->pages == ps->pages)
				refs++;
		}
		if ((unsigned int)refs != ps->pages->pp_refs)
			bad = "vm_page array reference count is wrong";
	}
	mutex_exit(&physseg_lock);
	return bad;
}
