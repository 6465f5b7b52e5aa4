/*
 * uvm_pglist.c: uvm_pglistalloc(9) and uvm_pglistfree(9): lists of
 * physical pages under constraints, for DMA-able and other special
 * memory.
 *
 * The constraints: every page inside [low, high); the pages form at most
 * nsegs physically contiguous segments; each segment starts on a
 * multiple of alignment and crosses no multiple of boundary.  (Pages
 * that touch are one segment unless a boundary line separates them.)
 *
 * How we search.  Walk the managed frames of [low, high) in address
 * order and cut the free ones into "windows": maximal runs of free,
 * physically contiguous frames that cross no boundary line.  Inside a
 * window the best single segment starts at its first aligned frame and
 * runs to its end; two segments in one window never beat that one.  So
 * a request is satisfiable exactly when the nsegs most valuable windows
 * hold npages between them:
 *
 *	frames    ..FFFF.FF|FFFFFF..FFF|F..     (| boundary, F free)
 *	windows     [  ] [ ][    ]  [ ] []
 *
 * First we look for one window big enough (first fit: one segment, low
 * addresses used first); failing that, we keep the nsegs largest windows
 * in a min-heap during one walk and take from the largest down, which
 * uses the fewest segments.  The pages go on the list in address order,
 * so a bus_dma-style caller can merge neighbours into segments.
 *
 * Errors: EINVAL when the constraints are impossible on this machine
 * (bad arguments, or no fit even if every managed page were free);
 * ENOMEM when they cannot be met now.  The pagedaemon's reserve is never
 * taken.  With UVM_PLA_WAITOK (NetBSD's waitok 1) we wait for pages to
 * be freed, for up to a second, before giving up with ENOMEM.
 *
 * Locking: the search and the removal from the free lists run under
 * uvm_fpageqlock, so what we found is what we take.
 */

#include "uvm_impl.h"
#include "uvm_pgfl.h"

/* A candidate segment: frames [w_start, w_start + w_len). */
struct pgl_window {
	paddr_t	w_start;
	psize_t	w_len;
};

struct pgl_req {
	psize_t	r_npages;	/* pages wanted */
	paddr_t	r_lo, r_hi;	/* frames [r_lo, r_hi) */
	paddr_t	r_align;	/* frames, power of two >= 1 */
	paddr_t	r_bound;	/* frames, power of two, or 0 */
	bool	r_any;		/* count every managed frame as free */
	/* Search state. */
	struct pgl_window *r_heap;	/* largest windows (min-heap) */
	size_t	r_k;		/* heap capacity */
	size_t	r_n;		/* heap entries */
	bool	r_firstfit;	/* stop at the first window >= npages */
};

/* Heap and sort helpers on windows (no libc qsort in MI code). */
typedef bool (*pgl_less_fn)(const struct pgl_window *,
    const struct pgl_window *);

static bool
pgl_len_less(const struct pgl_window *a, const struct pgl_window *b)
{
	return a->w_len < b->w_len;
}

static bool
pgl_start_greater(const struct pgl_window *a, const struct pgl_window *b)
{
	return a->w_start > b->w_start;
}

/* Sift w[i] down a heap whose root is the "least" by less(). */
static void
pgl_siftdown(struct pgl_window *w, size_t n, size_t i, pgl_less_fn less)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		struct pgl_window t;

		if (l < n && less(&w[l], &w[m]))
			m = l;
		if (l + 1 < n && less(&w[l + 1], &w[m]))
			m = l + 1;
		if (m == i)
			return;
		t = w[i];
		w[i] = w[m];
		w[m] = t;
		i = m;
	}
}

/*
 * Heapsort: build a heap whose root is the least element by less(), then
 * move the root to the end each round, so that w ends sorted from the
 * greatest element down to the least.
 */
static void
pgl_sort(struct pgl_window *w, size_t n, pgl_less_fn less)
{
	for (size_t i = n / 2; i-- > 0;)
		pgl_siftdown(w, n, i, less);
	for (size_t end = n; end > 1; end--) {
		struct pgl_window t = w[0];

		w[0] = w[end - 1];
		w[end - 1] = t;
		pgl_siftdown(w, end - 1, 0, less);
	}
}

/*
 * A window [ws, we) is complete: offer its best segment.  True when the
 * search can stop (first fit found).
 */
static bool
pgl_offer(struct pgl_req *r, paddr_t ws, paddr_t we)
{
	paddr_t a = (ws + r->r_align - 1) & ~(r->r_align - 1);
	struct pgl_window w;

	if (a >= we)
		return false;
	w.w_start = a;
	w.w_len = we - a;
	if (r->r_firstfit) {
		if (w.w_len < r->r_npages)
			return false;
		r->r_heap[0] = w;
		r->r_n = 1;
		return true;
	}
	if (r->r_n < r->r_k) {
		size_t i = r->r_n++;

		/* Sift up. */
		r->r_heap[i] = w;
		while (i > 0 && pgl_len_less(&r->r_heap[i],
		    &r->r_heap[(i - 1) / 2])) {
			struct pgl_window t = r->r_heap[i];

			r->r_heap[i] = r->r_heap[(i - 1) / 2];
			r->r_heap[(i - 1) / 2] = t;
			i = (i - 1) / 2;
		}
	} else if (w.w_len > r->r_heap[0].w_len) {
		r->r_heap[0] = w;
		pgl_siftdown(r->r_heap, r->r_n, 0, pgl_len_less);
	}
	return false;
}

/*
 * Walk the managed frames of [r_lo, r_hi) in address order, cutting the
 * free ones into windows and offering each.
 *
 * => uvm_fpageqlock held (unless r_any).
 */
static void
pgl_scan(struct pgl_req *r)
{
	paddr_t ws = 0, prev = 0;
	bool inrun = false;

	for (uvm_physseg_t seg = uvm_physseg_get_first();
	    uvm_physseg_valid_p(seg); seg = uvm_physseg_get_next(seg)) {
		const paddr_t start = uvm_physseg_get_start(seg);
		paddr_t lo = MAX(uvm_physseg_get_avail_start(seg), r->r_lo);
		paddr_t hi = MIN(uvm_physseg_get_avail_end(seg), r->r_hi);

		for (paddr_t pfn = lo; pfn < hi; pfn++) {
			const struct vm_page *pg =
			    uvm_physseg_get_pg(seg, pfn - start);
			bool isfree = r->r_any || (pg->pqflags & PQ_FREE);

			if (inrun && (!isfree || pfn != prev + 1 ||
			    (r->r_bound != 0 && (pfn & (r->r_bound - 1)) == 0))) {
				inrun = false;
				if (pgl_offer(r, ws, prev + 1))
					return;
			}
			if (isfree) {
				if (!inrun) {
					inrun = true;
					ws = pfn;
				}
				prev = pfn;
				/* First fit need not wait for the run's end. */
				if (r->r_firstfit &&
				    pfn + 1 - ws >= r->r_npages &&
				    pgl_offer(r, ws, pfn + 1))
					return;
			}
		}
	}
	if (inrun)
		(void)pgl_offer(r, ws, prev + 1);
}

/*
 * Find segments for the request: true, with r_heap[0 .. r_n) the
 * segments to take (lengths trimmed to exactly npages in all) in address
 * order, if the constraints can be met.
 */
static bool
pgl_find(struct pgl_req *r)
{
	psize_t left;
	size_t n;

	r->r_n = 0;
	r->r_firstfit = true;
	pgl_scan(r);
	if (r->r_n == 1) {
		r->r_heap[0].w_len = r->r_npages;
		return true;
	}
	if (r->r_k == 1)
		return false;
	r->r_firstfit = false;
	pgl_scan(r);
	/* Largest first (the shortest is "least"); take until covered. */
	pgl_sort(r->r_heap, r->r_n, pgl_len_less);
	left = r->r_npages;
	for (n = 0; n < r->r_n && left > 0; n++) {
		if (r->r_heap[n].w_len > left)
			r->r_heap[n].w_len = left;
		left -= r->r_heap[n].w_len;
	}
	if (left > 0)
		return false;
	r->r_n = n;
	/* The greater start is "least": ascending addresses. */
	pgl_sort(r->r_heap, r->r_n, pgl_start_greater);
	return true;
}

/*
 * Take the pages the search found off the free lists onto rlist.
 *
 * => uvm_fpageqlock held.
 */
static void
pgl_take(struct pgl_req *r, struct pglist *rlist)
{
	for (size_t i = 0; i < r->r_n; i++) {
		const struct pgl_window *w = &r->r_heap[i];

		for (psize_t j = 0; j < w->w_len; j++) {
			struct vm_page *pg =
			    PHYS_TO_VM_PAGE(ptoa(w->w_start + j));

			KASSERT(pg != NULL && (pg->pqflags & PQ_FREE));
			uvm_pgfl_remove(pg);
			TAILQ_INSERT_TAIL(rlist, pg, pageq);
		}
	}
}

/*
 * uvm_pglistalloc: allocate size bytes of pages in [low, high) as at
 * most nsegs segments, each aligned to alignment and crossing no
 * multiple of boundary, onto rlist (which we initialise).
 *
 * => flags: NetBSD's waitok (0 or 1) or OpenBSD's UVM_PLA_WAITOK /
 *    UVM_PLA_NOWAIT, optionally with UVM_PLA_ZERO.
 * => the pages come back unowned, on no queue, PG_CLEAN, not busy.
 * => 0, EINVAL (impossible constraints) or ENOMEM (not now).
 */
int
uvm_pglistalloc(psize_t size, paddr_t low, paddr_t high, paddr_t alignment,
    paddr_t boundary, struct pglist *rlist, int nsegs, int flags)
{
	struct pgl_req r;
	struct vm_page *pg;
	int error, waited = 0;
	bool waitok;

	KASSERT(uvm_page_init_done_p());
	KASSERT(rlist != NULL);
	TAILQ_INIT(rlist);

	if ((flags & ~(UVM_PLA_WAITOK | UVM_PLA_NOWAIT | UVM_PLA_ZERO)) != 0 ||
	    (flags & (UVM_PLA_WAITOK | UVM_PLA_NOWAIT)) ==
	    (UVM_PLA_WAITOK | UVM_PLA_NOWAIT))
		return EINVAL;
	waitok = (flags & UVM_PLA_WAITOK) != 0;
	if (size == 0 || nsegs < 1 || size > ptoa((psize_t)uvmexp.npages))
		return EINVAL;
	if (alignment == 0)
		alignment = PAGE_SIZE;
	if (!powerof2(alignment) || (boundary != 0 && !powerof2(boundary)) ||
	    (boundary != 0 && boundary < PAGE_SIZE))
		return EINVAL;
	if (alignment < PAGE_SIZE)
		alignment = PAGE_SIZE;

	memset(&r, 0, sizeof(r));
	r.r_npages = atop(round_page(size));
	r.r_lo = atop(round_page(low));
	r.r_hi = atop(trunc_page(high));
	r.r_align = atop(alignment);
	r.r_bound = atop(boundary);
	if (r.r_lo >= r.r_hi || r.r_hi - r.r_lo < r.r_npages)
		return EINVAL;
	if (r.r_bound != 0 && r.r_npages > (psize_t)nsegs * r.r_bound)
		return EINVAL;
	r.r_k = (size_t)MIN((psize_t)nsegs, r.r_npages);
	r.r_heap = kmem_alloc(r.r_k * sizeof(struct pgl_window), KM_SLEEP);

	mutex_enter(&uvm_fpageqlock);
	for (;;) {
		if (uvmexp.free >= (int)r.r_npages + uvmexp.reserve_pagedaemon &&
		    pgl_find(&r)) {
			pgl_take(&r, rlist);
			error = 0;
			break;
		}
		/* Would it fit if everything were free? */
		r.r_any = true;
		if (!pgl_find(&r)) {
			error = EINVAL;
			break;
		}
		r.r_any = false;
		error = ENOMEM;
		if (!waitok || waited >= 10)
			break;
		uvm_pgfl.fl_waiters++;
		(void)mtsleep(&uvm_pgfl, "pglalloc", MAX(hz / 10, 1),
		    &uvm_fpageqlock);
		uvm_pgfl.fl_waiters--;
		waited++;
	}
	mutex_exit(&uvm_fpageqlock);
	kmem_free(r.r_heap, r.r_k * sizeof(struct pgl_window));
	if (error)
		return error;

	TAILQ_FOREACH(pg, rlist, pageq) {
		bool wasz = (pg->flags & PG_ZERO) != 0;

		pg->flags = PG_CLEAN;
		pg->uobject = NULL;
		pg->uanon = NULL;
		pg->offset = 0;
		pg->wire_count = 0;
		pg->loan_count = 0;
		pg->pqflags &= PQ_FREELIST;
		pg->mdpage.mdpg_word = 0;
		if ((flags & UVM_PLA_ZERO) && !wasz)
			pmap_zero_page(VM_PAGE_TO_PHYS(pg));
	}
	return 0;
}

/*
 * uvm_pglistfree: free every page of list (which ends up empty).
 *
 * => pages unowned, unwired, on no paging queue; a page with PG_ZERO set
 *    joins the zero pool.
 */
void
uvm_pglistfree(struct pglist *list)
{
	struct vm_page *pg;

	mutex_enter(&uvm_fpageqlock);
	while ((pg = TAILQ_FIRST(list)) != NULL) {
		KASSERTMSG((pg->pqflags & PQ_QMASK) == 0,
		    "uvm_pglistfree: page %p is free or queued", pg);
		KASSERT(pg->uobject == NULL && pg->uanon == NULL);
		KASSERT(pg->wire_count == 0 && pg->loan_count == 0);
		TAILQ_REMOVE(list, pg, pageq);
		uvm_pgfl_insert(pg);
	}
	mutex_exit(&uvm_fpageqlock);
}
