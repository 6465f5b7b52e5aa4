/*
 * uvm_bio.c: the unified buffer cache, ubc(9).
 *
 * read(2)/write(2)-style I/O on an object (a vnode) goes through
 * windows: ranges of kernel virtual space onto which ubc_alloc() maps
 * the object's pages, so the kernel moves the bytes with plain memory
 * copies, and the pages are the same ones user mappings of the file
 * see.  There are UBC_NWINS windows of UBC_WINPAGES pages each, in one
 * VA-only allocation of kernel_map made at boot.
 *
 * ubc_alloc() gets the window's pages from the pager (reading them if
 * needed), busy, and enters them into the kernel pmap.  The pages stay
 * busy until ubc_release(): the window is their I/O in progress, so
 * user faults on them wait and the pagedaemon leaves them alone (this
 * hosted kernel cannot take a fault on its own memory accesses, so the
 * window is made whole before it is handed out, which is NetBSD's
 * UBC_FAULTBUSY way).  Writes through a window make its pages dirty at
 * release.  A released window stays mapped (cached) for the next
 * ubc_alloc() of the same range unless UBC_UNMAP is given; if its pages
 * go meanwhile (paged out, truncated), their kernel mappings go with
 * them, and the next ubc_alloc() maps them again.
 *
 * ubc_uiomove() (read/write) gets its pages the same way but moves the
 * bytes through the direct map, without a window: mapping and unmapping
 * kernel windows costs host mmap calls here, and NetBSD does the same
 * on machines with a direct map (ubc_direct).
 *
 * Locking: ubc_lock protects the window table; a window in use
 * (refcount > 0) belongs to its user.  The object lock is taken inside
 * ubc_lock's sections only through the pager, never the other way.
 */

#include "uvm_impl.h"
#include <uvm/uvm_vnode.h>

static int	ubc_loanbreak(struct uvm_object *, struct vm_page **, int);
static void	ubc_pages_done(struct uvm_object *, struct vm_page **, int,
		    bool);

#define UBC_NWINS	64
#define UBC_WINPAGES	16

struct ubc_win {
	TAILQ_ENTRY(ubc_win) uw_lru;	/* u: free windows, LRU first */
	struct uvm_object *uw_uobj;	/* u: cached object, or NULL */
	voff_t		uw_offset;	/* u: object offset of the window */
	int		uw_refs;	/* u: users (0 or 1) */
	int		uw_flags;	/* user: UBC_READ/UBC_WRITE */
	int		uw_first;	/* user: first page in use */
	int		uw_npages;	/* user: pages in use */
	struct vm_page	*uw_pgs[UBC_WINPAGES];	/* user: busy pages */
};

static kmutex_t ubc_lock;
static kcondvar_t ubc_cv;		/* a window became free */
static struct ubc_win *ubc_wins;
static TAILQ_HEAD(, ubc_win) ubc_free = TAILQ_HEAD_INITIALIZER(ubc_free);
static vaddr_t ubc_va;
static vsize_t ubc_winsize;

void
ubc_init(void)
{
	mutex_init(&ubc_lock, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&ubc_cv, "ubcwin");
	ubc_winsize = UBC_WINPAGES * PAGE_SIZE;
	ubc_va = uvm_km_alloc(kernel_map, UBC_NWINS * ubc_winsize,
	    ubc_winsize, UVM_KMF_VAONLY);
	if (ubc_va == 0)
		panic("ubc_init: no kernel VA for the windows");
	ubc_wins = kmem_zalloc(UBC_NWINS * sizeof(*ubc_wins), KM_SLEEP);
	TAILQ_INIT(&ubc_free);
	for (int i = 0; i < UBC_NWINS; i++)
		TAILQ_INSERT_TAIL(&ubc_free, &ubc_wins[i], uw_lru);
}

void
ubc_fini(void)
{
	for (int i = 0; i < UBC_NWINS; i++)
		KASSERT(ubc_wins[i].uw_refs == 0);
	pmap_remove(pmap_kernel(), ubc_va, ubc_va + UBC_NWINS * ubc_winsize);
	pmap_update(pmap_kernel());
	uvm_km_free(kernel_map, ubc_va, UBC_NWINS * ubc_winsize,
	    UVM_KMF_VAONLY);
	kmem_free(ubc_wins, UBC_NWINS * sizeof(*ubc_wins));
	ubc_wins = NULL;
	cv_destroy(&ubc_cv);
	mutex_destroy(&ubc_lock);
}

static inline vaddr_t
ubc_win_va(struct ubc_win *uw)
{
	return ubc_va + (vaddr_t)(uw - ubc_wins) * ubc_winsize;
}

/*
 * ubc_purge: an object is going away: drop its cached windows.
 */
void
ubc_purge(struct uvm_object *uobj)
{
	mutex_enter(&ubc_lock);
	for (int i = 0; i < UBC_NWINS; i++) {
		struct ubc_win *uw = &ubc_wins[i];

		if (uw->uw_uobj != uobj)
			continue;
		KASSERT(uw->uw_refs == 0);
		pmap_remove(pmap_kernel(), ubc_win_va(uw),
		    ubc_win_va(uw) + ubc_winsize);
		uw->uw_uobj = NULL;
	}
	pmap_update(pmap_kernel());
	mutex_exit(&ubc_lock);
}

/*
 * ubc_get: ubc_alloc(), and the pager's error when it fails.
 */
static void *
ubc_get(struct uvm_object *uobj, voff_t offset, vsize_t *lenp, int advice,
    int flags, int *errorp)
{
	struct ubc_win *uw;
	voff_t winoff = offset - (offset % (voff_t)ubc_winsize);
	vsize_t slot = (vsize_t)(offset - winoff);
	vsize_t len = MIN(*lenp, ubc_winsize - slot);
	int first, npages, error, getflags = PGO_SYNCIO;
	vm_prot_t prot;
	vaddr_t va;

	KASSERT(len > 0);
	KASSERT((flags & (UBC_READ | UBC_WRITE)) != 0);
	mutex_enter(&ubc_lock);
	for (;;) {
		uw = NULL;
		for (int i = 0; i < UBC_NWINS; i++) {
			if (ubc_wins[i].uw_uobj == uobj &&
			    ubc_wins[i].uw_offset == winoff) {
				uw = &ubc_wins[i];
				break;
			}
		}
		if (uw != NULL && uw->uw_refs == 0)
			break;
		if (uw == NULL && (uw = TAILQ_FIRST(&ubc_free)) != NULL)
			break;
		/* The window is in use, or all are: wait. */
		cv_wait(&ubc_cv, &ubc_lock);
	}
	TAILQ_REMOVE(&ubc_free, uw, uw_lru);
	uw->uw_refs = 1;
	va = ubc_win_va(uw);
	if (uw->uw_uobj != uobj || uw->uw_offset != winoff) {
		/* Evict what the window held. */
		pmap_remove(pmap_kernel(), va, va + ubc_winsize);
		pmap_update(pmap_kernel());
		uw->uw_uobj = uobj;
		uw->uw_offset = winoff;
	}
	mutex_exit(&ubc_lock);

	first = (int)(slot / PAGE_SIZE);
	npages = (int)((round_page(slot + len) - trunc_page(slot)) / PAGE_SIZE);
	if ((flags & UBC_FAULTBUSY) && (slot & PAGE_MASK) == 0 &&
	    (len & PAGE_MASK) == 0)
		getflags |= PGO_OVERWRITE;
	mutex_enter(uobj->vmobjlock);
	{
		int n = npages;

		error = (*uobj->pgops->pgo_get)(uobj,
		    winoff + ptoa((voff_t)first), &uw->uw_pgs[first], &n, 0,
		    (flags & UBC_WRITE) ? VM_PROT_WRITE : VM_PROT_READ, advice,
		    getflags);
	}
	for (int i = first; error == 0 && i < first + npages; i++) {
		if (uw->uw_pgs[i] == NULL) {
			/* Past EOF: the window ends before it. */
			for (int j = i; j < first + npages; j++)
				KASSERT(uw->uw_pgs[j] == NULL);
			npages = i - first;
			len = MIN(len, ptoa((vsize_t)i) - slot);
			break;
		}
	}
	if (error == 0 && npages != 0 && (flags & UBC_WRITE) != 0 &&
	    (error = ubc_loanbreak(uobj, &uw->uw_pgs[first], npages)) != 0) {
		ubc_pages_done(uobj, &uw->uw_pgs[first], npages, false);
		for (int i = first; i < first + npages; i++)
			uw->uw_pgs[i] = NULL;
	}
	if (error != 0 || npages == 0) {
		mutex_enter(&ubc_lock);
		uw->uw_refs = 0;
		uw->uw_uobj = NULL;
		TAILQ_INSERT_HEAD(&ubc_free, uw, uw_lru);
		cv_broadcast(&ubc_cv);
		mutex_exit(&ubc_lock);
		*lenp = 0;
		*errorp = error != 0 ? error : EINVAL;
		return NULL;
	}
	uw->uw_first = first;
	uw->uw_npages = npages;
	uw->uw_flags = flags;
	prot = VM_PROT_READ | ((flags & UBC_WRITE) ? VM_PROT_WRITE : 0);
	for (int i = first; i < first + npages; i++) {
		struct vm_page *pg = uw->uw_pgs[i];

		error = pmap_enter(pmap_kernel(), va + ptoa((vaddr_t)i),
		    VM_PAGE_TO_PHYS(pg), prot, prot | PMAP_WIRED);
		KASSERT(error == 0);
	}
	pmap_update(pmap_kernel());
	*lenp = len;
	*errorp = 0;
	return (void *)(va + slot);
}

/*
 * ubc_alloc: map the part of uobj at offset into a kernel window.
 *
 * => *lenp: bytes wanted; reduced to what fits in the window (and in
 *    the object).
 * => flags: UBC_READ or UBC_WRITE; UBC_FAULTBUSY: whole pages of the
 *    range will be overwritten, so they need not be read first.
 * => returns the kernel address of offset, or NULL with *lenp 0 if the
 *    pages could not be had (past EOF, no memory, I/O error).
 */
void *
ubc_alloc(struct uvm_object *uobj, voff_t offset, vsize_t *lenp, int advice,
    int flags)
{
	int error;

	return ubc_get(uobj, offset, lenp, advice, flags, &error);
}

/*
 * ubc_release: end the use of a window ubc_alloc() returned.
 *
 * => a UBC_WRITE window's pages become dirty (and valid).
 * => UBC_UNMAP: unmap the window now rather than cache it.
 */
void
ubc_release(void *va, int flags)
{
	struct ubc_win *uw;
	struct uvm_object *uobj;
	vaddr_t wva;

	KASSERT((vaddr_t)va >= ubc_va &&
	    (vaddr_t)va < ubc_va + UBC_NWINS * ubc_winsize);
	uw = &ubc_wins[((vaddr_t)va - ubc_va) / ubc_winsize];
	KASSERT(uw->uw_refs == 1);
	uobj = uw->uw_uobj;
	wva = ubc_win_va(uw);

	/* The pages stay mapped but not wired while cached. */
	for (int i = uw->uw_first; i < uw->uw_first + uw->uw_npages; i++)
		pmap_unwire(pmap_kernel(), wva + ptoa((vaddr_t)i));
	if (flags & UBC_UNMAP) {
		pmap_remove(pmap_kernel(), wva, wva + ubc_winsize);
		pmap_update(pmap_kernel());
	}
	ubc_pages_done(uobj, &uw->uw_pgs[uw->uw_first], uw->uw_npages,
	    (uw->uw_flags & UBC_WRITE) != 0);
	for (int i = uw->uw_first; i < uw->uw_first + uw->uw_npages; i++)
		uw->uw_pgs[i] = NULL;

	mutex_enter(&ubc_lock);
	uw->uw_refs = 0;
	if (flags & UBC_UNMAP) {
		uw->uw_uobj = NULL;
		TAILQ_INSERT_HEAD(&ubc_free, uw, uw_lru);
	} else {
		TAILQ_INSERT_TAIL(&ubc_free, uw, uw_lru);
	}
	cv_broadcast(&ubc_cv);
	mutex_exit(&ubc_lock);
}

/*
 * ubc_loanbreak: pages about to be written that are on loan (uvm_loan(9))
 * are replaced in the object by copies, so the borrowers keep the old
 * bytes, as a write fault would do.
 *
 * => pages busy (ours), object unlocked.
 * => 0, or ENOMEM with every page still ours (the ones broken so far
 *    replaced by their copies).
 */
static int
ubc_loanbreak(struct uvm_object *uobj, struct vm_page **pgs, int npages)
{
	int error = 0;

	mutex_enter(uobj->vmobjlock);
	for (int i = 0; i < npages; i++) {
		struct vm_page *npg;

		if (pgs[i] == NULL || pgs[i]->loan_count == 0)
			continue;
		npg = uvm_loanbreak(pgs[i]);
		if (npg == NULL) {
			error = ENOMEM;
			break;
		}
		pgs[i] = npg;
	}
	mutex_exit(uobj->vmobjlock);
	return error;
}

/*
 * ubc_pages_done: give back pages [0, npages) that ubc_uiomove() had
 * busy: a write made them dirty (and valid: what was not written of a
 * page never read was zeroed first), all go to the active queue.
 */
static void
ubc_pages_done(struct uvm_object *uobj, struct vm_page **pgs, int npages,
    bool write)
{
	mutex_enter(uobj->vmobjlock);
	for (int i = 0; i < npages; i++) {
		struct vm_page *pg = pgs[i];

		if (write) {
			pg->flags &= (uint16_t)~(PG_CLEAN | PG_FAKE);
			pg->flags |= PG_DIRTY;
		}
		mutex_enter(&uvm_pageqlock);
		uvm_pageactivate(pg);
		mutex_exit(&uvm_pageqlock);
		uvm_pageunbusy(pg);
	}
	mutex_exit(uobj->vmobjlock);
}

/*
 * ubc_uiomove: move todo bytes between uio (at uio_offset in uobj) and
 * the object's pages, UBC_WINPAGES pages at a time.
 *
 * The pages are had from the pager as ubc_alloc() has them (busy, read
 * unless whole pages are overwritten) but the bytes move through the
 * direct map (uvm_page_kva) instead of a window: no kernel mapping is
 * made or torn down, as NetBSD's UBC does on machines with a direct
 * map (ubc_direct).
 *
 * => flags: UBC_READ or UBC_WRITE, UBC_UNMAP (no window is used, so
 *    nothing stays mapped either way), UBC_PARTIALOK.
 * => returns 0, or the first error, with uio telling how far it got.
 *    With UBC_PARTIALOK, running into pages that cannot be had after
 *    some bytes were moved ends the call early without an error.
 *    On a write error, pages that were new read as zeros past the
 *    point reached, never as stale memory.
 */
int
ubc_uiomove(struct uvm_object *uobj, struct uio *uio, vsize_t todo,
    int advice, int flags)
{
	const bool write = (flags & UBC_WRITE) != 0;
	struct vm_page *pgs[UBC_WINPAGES];
	vsize_t moved = 0;
	int error = 0;

	KASSERT(todo <= uio->uio_resid);
	KASSERT((write && uio->uio_rw == UIO_WRITE) ||
	    ((flags & UBC_READ) != 0 && uio->uio_rw == UIO_READ));
	while (todo > 0) {
		voff_t off = uio->uio_offset;
		voff_t pgoff = trunc_page(off);
		vsize_t slot = (vsize_t)(off - pgoff);
		vsize_t len = MIN(todo, ubc_winsize - slot), done = 0;
		int npages, n, getflags = PGO_SYNCIO;

		/* Whole pages overwritten need not be read. */
		if (write && slot == 0 && len >= PAGE_SIZE) {
			len = trunc_page(len);
			getflags |= PGO_OVERWRITE;
		}
		npages = (int)(round_page(slot + len) / PAGE_SIZE);
		n = npages;
		mutex_enter(uobj->vmobjlock);
		error = (*uobj->pgops->pgo_get)(uobj, pgoff, pgs, &n, 0,
		    write ? VM_PROT_WRITE : VM_PROT_READ, advice, getflags);
		if (error == 0) {
			/* Past EOF: stop before it. */
			for (int i = 0; i < npages; i++) {
				if (pgs[i] == NULL) {
					for (int j = i; j < npages; j++)
						KASSERT(pgs[j] == NULL);
					npages = i;
					len = MIN(len, ptoa((vsize_t)i) - slot);
					break;
				}
			}
			if (npages == 0)
				error = EINVAL;
		}
		if (error == 0 && write &&
		    (error = ubc_loanbreak(uobj, pgs, npages)) != 0)
			ubc_pages_done(uobj, pgs, npages, false);
		if (error != 0) {
			if (moved != 0 && (flags & UBC_PARTIALOK) != 0)
				error = 0;
			return error;
		}
		for (int i = 0; i < npages && done < len; i++) {
			vsize_t po = i == 0 ? slot : 0;
			vsize_t plen = MIN(PAGE_SIZE - po, len - done);
			char *kva = (char *)uvm_page_kva(pgs[i]);
			size_t resid0 = uio->uio_resid;

			error = uiomove(kva + po, plen, uio);
			if (error != 0) {
				vsize_t got = (vsize_t)(resid0 - uio->uio_resid);

				if (!write)
					break;
				/* New pages read as zeros past the point. */
				for (int j = i; j < npages; j++) {
					vsize_t from = j == i ? po + got : 0;

					if (pgs[j]->flags & PG_FAKE)
						memset((char *)uvm_page_kva(pgs[j]) +
						    from, 0, PAGE_SIZE - from);
				}
				break;
			}
			done += plen;
		}
		ubc_pages_done(uobj, pgs, npages, write);
		if (error)
			return error;
		moved += len;
		todo -= len;
	}
	return 0;
}
