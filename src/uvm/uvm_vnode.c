/*
 * uvm_vnode.c: the vnode pager and the vnode layer over host files.
 *
 * A vnode is a host file and the uvm_object that caches its pages (see
 * uvm_vnode.h).  The pager moves pages between the object and the file:
 *
 *	uvn_get		resident pages, else allocate and read them (one
 *			host read per run of missing pages), plus
 *			read-ahead for sequential access: once a request
 *			starts where the previous one ended (or the caller
 *			advises UVM_ADV_SEQUENTIAL) the window opens at 4
 *			pages and doubles, to UVN_RA_MAXWIN, with each
 *			further sequential request (one starting where the
 *			last request or the last read-ahead ended); any
 *			other access closes it.  Pages past the end of the
 *			file are never read: a request whose centre page is
 *			past EOF fails with EINVAL (the BSD SIGBUS case).
 *			Holes and the tail of the last page read as zeros.
 *	uvn_put		clean (write back dirty pages, one host write per
 *			run of up to UVN_PUT_MAXPAGES contiguous dirty
 *			pages, never past EOF), deactivate and/or free a
 *			range of pages.  For the pagedaemon the write is
 *			clustered: the victim's dirty neighbours (not busy,
 *			wired or loaned, inside the file) join it, up to
 *			UVN_PUT_MAXPAGES pages in one asynchronous write;
 *			only the victim is freed (NetBSD's
 *			PGO_PDFREECLUST idea), the neighbours become clean.
 *
 * uvn_findpages() and uvm_vnp_setsize() are the seeds' interfaces for
 * file systems; vn_open/vref/vrele/vn_read/vn_write/vn_truncate/vn_fsync
 * are the small vnode layer the tests and uvmsim use.
 *
 * Transfers go straight between the host file and the pages' kernel
 * addresses (kern_bio requests, preadv/pwritev): no bounce buffer.  The
 * pure read-ahead (pages nobody asked for yet) is asynchronous: its pages
 * stay busy until uvn_ra_aiodone() validates them, or frees them after an
 * error (read-ahead never fails an access).  So is the pagedaemon's
 * writeback: uvn_aiodone() cleans and frees the pages.
 *
 * Locking: the object lock (vmobjlock) protects the page tree, v_size
 * and the read-ahead state.  Host I/O runs without it, on pages made
 * PG_BUSY first (busy pages are the I/O interlock, as in NetBSD).
 * pgo_put is called with the lock held and returns with it released;
 * pgo_get (unlocked mode) too.  Asynchronous completions run with
 * nothing else locked, take the object lock (through a reference taken
 * at submission: the vnode may go once its pages are not busy) and
 * touch the vnode only while it is held.
 */

#include "uvm_impl.h"
#include <uvm/uvm_vnode.h>

#define UVN_RA_MINWIN	4
#define UVN_IO_MAXPAGES	(2 * UVN_RA_MAXWIN)	/* a request's run + read-ahead */
#define UVN_PUT_MAXPAGES 64	/* the largest write: a run or a cluster */

static void	uvn_reference(struct uvm_object *);
static void	uvn_detach(struct uvm_object *);
static int	uvn_get(struct uvm_object *, voff_t, struct vm_page **, int *,
		    int, vm_prot_t, int, int);
static int	uvn_put(struct uvm_object *, voff_t, voff_t, int);

const struct uvm_pagerops uvm_vnodeops = {
	.pgo_reference = uvn_reference,
	.pgo_detach = uvn_detach,
	.pgo_get = uvn_get,
	.pgo_put = uvn_put,
	.pgo_name = "vnode",
};

static inline struct vnode *
uvn_vnode(struct uvm_object *uobj)
{
	KASSERT(UVM_OBJ_IS_VNODE(uobj));
	return UVM_OBJ_TO_VNODE(uobj);
}

/* ---------------------------------------------------------------------
 * The vnode layer.
 */

/*
 * vn_open: open the host file path as a vnode with one reference.
 * => flags: VN_READ, VN_WRITE, VN_CREAT, VN_TRUNC.
 * => returns 0, EINVAL, or the host's error (ENOENT, EACCES, ...).
 */
int
vn_open(const char *path, int flags, struct vnode **vpp)
{
	struct vnode *vp;
	struct kfile *kf;
	off_t size;
	int kflags = 0, error;

	if (path == NULL || (flags & ~(VN_READ | VN_WRITE | VN_CREAT |
	    VN_TRUNC)) != 0 || (flags & (VN_READ | VN_WRITE)) == 0)
		return EINVAL;
	if (flags & VN_READ)
		kflags |= KF_READ;
	if (flags & VN_WRITE)
		kflags |= KF_WRITE;
	if (flags & VN_CREAT)
		kflags |= KF_CREAT;
	if (flags & VN_TRUNC)
		kflags |= KF_TRUNC;
	error = kfile_open(path, kflags, &kf);
	if (error)
		return error;
	error = kfile_size(kf, &size);
	if (error) {
		kfile_close(kf);
		return error;
	}
	vp = kmem_zalloc(sizeof(*vp), KM_SLEEP);
	uvm_obj_init(&vp->v_uobj, &uvm_vnodeops, true, 1);
	vp->v_kf = kf;
	vp->v_path = kmem_strdup(path, KM_SLEEP);
	vp->v_size = size;
	vp->v_ra_next = -1;		/* no access yet */
	vp->v_ra_end = -1;
	vp->v_usecount = 1;
	vp->v_flags = flags & (VN_READ | VN_WRITE);
	*vpp = vp;
	return 0;
}

void
vref(struct vnode *vp)
{
	KASSERT(vp->v_usecount > 0);
	atomic_inc_uint(&vp->v_usecount);
}

/*
 * vrele: drop a reference; the last one writes every dirty page back,
 * frees the pages and closes the file.
 */
void
vrele(struct vnode *vp)
{
	KASSERT(vp->v_usecount > 0);
	if (atomic_dec_uint_nv(&vp->v_usecount) != 0)
		return;
	ubc_purge(&vp->v_uobj);
	mutex_enter(vp->v_uobj.vmobjlock);
	if (uvn_put(&vp->v_uobj, 0, 0,
	    PGO_ALLPAGES | PGO_CLEANIT | PGO_FREE | PGO_SYNCIO) != 0) {
		/*
		 * The host file would not take them (EIO): the data is
		 * lost, as a kernel loses it when it must reclaim a
		 * vnode whose writes fail; the pages go all the same.
		 */
		mutex_enter(vp->v_uobj.vmobjlock);
		(void)uvn_put(&vp->v_uobj, 0, 0, PGO_ALLPAGES | PGO_FREE);
	}
	KASSERTMSG(vp->v_uobj.uo_npages == 0,
	    "vrele: %d pages of %s left", vp->v_uobj.uo_npages, vp->v_path);
	uvm_obj_destroy(&vp->v_uobj, true);
	kfile_close(vp->v_kf);
	kmem_strfree(vp->v_path);
	kmem_free(vp, sizeof(*vp));
}

static void
uvn_reference(struct uvm_object *uobj)
{
	vref(uvn_vnode(uobj));
}

static void
uvn_detach(struct uvm_object *uobj)
{
	vrele(uvn_vnode(uobj));
}

voff_t
vn_size(struct vnode *vp)
{
	voff_t size;

	mutex_enter(vp->v_uobj.vmobjlock);
	size = vp->v_size;
	mutex_exit(vp->v_uobj.vmobjlock);
	return size;
}

/*
 * vn_read: read from the file at uio_offset through UBC.  Reads stop at
 * the end of the file.
 */
int
vn_read(struct vnode *vp, struct uio *uio, int ioflag)
{
	voff_t size;
	vsize_t todo;
	int error;

	if ((vp->v_flags & VN_READ) == 0)
		return EBADF;
	if (uio->uio_offset < 0)
		return EINVAL;
	size = vn_size(vp);
	if (uio->uio_offset >= size || uio->uio_resid == 0)
		return 0;
	todo = MIN(uio->uio_resid, (vsize_t)(size - uio->uio_offset));
	error = ubc_uiomove(&vp->v_uobj, uio, todo, UVM_ADV_NORMAL,
	    UBC_READ | UBC_PARTIALOK);
	/* The read-ahead it started completes (deterministic machine). */
	uvm_aio_drain();
	return error;
}

/*
 * vn_write: write to the file at uio_offset (or its end, IO_APPEND)
 * through UBC, growing it as needed; IO_SYNC writes the pages back
 * before returning.
 */
int
vn_write(struct vnode *vp, struct uio *uio, int ioflag)
{
	voff_t oldsize, end;
	vsize_t todo;
	int error;

	if ((vp->v_flags & VN_WRITE) == 0)
		return EBADF;
	if (ioflag & IO_APPEND)
		uio->uio_offset = vn_size(vp);
	if (uio->uio_offset < 0 ||
	    uio->uio_offset + (off_t)uio->uio_resid < uio->uio_offset)
		return EINVAL;
	if (uio->uio_resid == 0)
		return 0;
	todo = uio->uio_resid;
	end = uio->uio_offset + (voff_t)todo;
	oldsize = vn_size(vp);
	if (end > oldsize) {
		error = kfile_truncate(vp->v_kf, end);
		if (error)
			return error;
		uvm_vnp_setsize(vp, end);
	}
	error = ubc_uiomove(&vp->v_uobj, uio, todo, UVM_ADV_NORMAL,
	    UBC_WRITE | UBC_PARTIALOK);
	if (error && uio->uio_offset < end && end > oldsize) {
		/* Give back what was not written. */
		voff_t newsize = MAX(oldsize, uio->uio_offset);

		uvm_vnp_setsize(vp, newsize);
		(void)kfile_truncate(vp->v_kf, newsize);
	}
	if (error == 0 && (ioflag & IO_SYNC))
		error = vn_fsync(vp);
	uvm_aio_drain();
	return error;
}

/*
 * vn_truncate: set the file's size: pages past the new end go, the
 * tail of the last page reads as zeros, a larger size reads as zeros.
 */
int
vn_truncate(struct vnode *vp, voff_t size)
{
	int error;

	if (size < 0)
		return EINVAL;
	if ((vp->v_flags & VN_WRITE) == 0)
		return EBADF;
	if (size < vn_size(vp)) {
		uvm_vnp_setsize(vp, size);
		error = kfile_truncate(vp->v_kf, size);
	} else {
		error = kfile_truncate(vp->v_kf, size);
		if (error == 0)
			uvm_vnp_setsize(vp, size);
	}
	return error;
}

/*
 * vn_fsync: write every dirty page back and flush the host file.
 */
int
vn_fsync(struct vnode *vp)
{
	int error;

	mutex_enter(vp->v_uobj.vmobjlock);
	error = uvn_put(&vp->v_uobj, 0, 0,
	    PGO_ALLPAGES | PGO_CLEANIT | PGO_SYNCIO);
	if (error == 0)
		error = kfile_sync(vp->v_kf);
	return error;
}

/* ---------------------------------------------------------------------
 * The pager.
 */

/*
 * uvn_read_fixup: a read of pages pps[0 .. npages) from off ended: the
 * bytes below the size the VM knows must have come from the file (if
 * the host file lost them, cut short behind our back, the data is gone,
 * and reading zeros would hide it: EIO); the tail past size reads as
 * zeros.  Object unlocked (the pages are busy).
 */
static int
uvn_read_fixup(struct vnode *vp, voff_t off, struct vm_page **pps,
    int npages, voff_t size)
{
	voff_t len = ptoa((voff_t)npages), need = MIN(off + len, size);
	off_t hsize;

	if (kfile_size(vp->v_kf, &hsize) != 0 || (voff_t)hsize < need)
		return EIO;
	for (int i = 0; i < npages; i++) {
		voff_t poff = off + ptoa((voff_t)i);

		if (poff + (voff_t)PAGE_SIZE <= size)
			continue;
		if (poff >= size)
			memset(uvm_page_kva(pps[i]), 0, PAGE_SIZE);
		else
			memset((char *)uvm_page_kva(pps[i]) + (size - poff), 0,
			    (size_t)(poff + (voff_t)PAGE_SIZE - size));
	}
	return 0;
}

/* A request for npages pages from off: their KVAs as its segments. */
static struct buf *
uvn_buf(struct vnode *vp, voff_t off, struct vm_page **pps, int npages,
    size_t len, int flags)
{
	struct buf *bp = getiobuf(vp->v_kf, npages);

	bp->b_flags = flags;
	bp->b_offset = off;
	for (int i = 0; i < npages && len > 0; i++) {
		size_t n = MIN(len, (size_t)PAGE_SIZE);

		bio_addseg(bp, uvm_page_kva(pps[i]), n);
		len -= n;
	}
	return bp;
}

/*
 * uvn_io: read or write npages pages [off, off + npages) of the file
 * to/from pps (busy), in one synchronous host I/O straight to or from
 * the pages (no bounce buffer).  Reads past EOF give zeros; writes stop
 * at EOF.  Object unlocked.
 * => returns 0 or EIO (the host I/O failed, or the host file no longer
 *    holds bytes below size that a read needs).
 */
static int
uvn_io(struct vnode *vp, voff_t off, struct vm_page **pps, int npages,
    voff_t size, bool write)
{
	size_t len = (size_t)npages * PAGE_SIZE;
	struct buf *bp;
	int error;

	if (write && off + (voff_t)len > size)
		len = size > off ? (size_t)(size - off) : 0;
	if (len == 0)
		return 0;
	bp = uvn_buf(vp, off, pps, npages, len, write ? B_WRITE : B_READ);
	kfile_strategy(bp);
	error = biowait(bp);
	putiobuf(bp);
	if (error == 0 && !write)
		error = uvn_read_fixup(vp, off, pps, npages, size);
	return error ? EIO : 0;
}

/*
 * uvn_ra_alloc: allocate the read-ahead pages after a request that ends
 * at end: the run of up to v_ra_win (and max) missing pages there,
 * inside the file.  They are busy and PG_FAKE until uvn_ra_done().
 *
 * => object locked.
 * => returns how many (0 if the page at end is resident or past EOF).
 */
static int
uvn_ra_alloc(struct vnode *vp, voff_t end, struct vm_page **pgs, int max)
{
	struct uvm_object *uobj = &vp->v_uobj;
	voff_t eof = round_page(vp->v_size), off;
	int n = 0;

	KASSERT(mutex_owned(uobj->vmobjlock));
	KASSERT(vp->v_ra_win <= UVN_RA_MAXWIN);
	max = MIN(max, vp->v_ra_win);
	for (off = end; n < max && off < eof; off += PAGE_SIZE) {
		struct vm_page *pg;

		if (uvm_pagelookup(uobj, off) != NULL)
			break;
		pg = uvm_pagealloc(uobj, off, NULL, 0);
		if (pg == NULL)
			break;
		pgs[n++] = pg;
	}
	return n;
}

/*
 * uvn_ra_done: the read of read-ahead pages pgs[0 .. n) ended with
 * error: the pages read wait on the inactive queue (PQ_READAHEAD) for
 * the reader to come; after an error they go (read-ahead is a hint).
 *
 * => object locked.
 */
static void
uvn_ra_done(struct vnode *vp, struct vm_page **pgs, int n, int error)
{
	KASSERT(mutex_owned(vp->v_uobj.vmobjlock));
	for (int i = 0; i < n; i++) {
		struct vm_page *pg = pgs[i];

		if (error) {
			mutex_enter(&uvm_pageqlock);
			uvm_pagefree(pg);
			mutex_exit(&uvm_pageqlock);
			continue;
		}
		pg->flags &= (uint16_t)~PG_FAKE;
		mutex_enter(&uvm_pageqlock);
		uvm_pagedeactivate(pg);
		pg->pqflags |= PQ_READAHEAD;
		mutex_exit(&uvm_pageqlock);
		uvm_pageunbusy(pg);
	}
	if (error == 0)
		vp->v_npagesread += (unsigned long)n;
}

/* An asynchronous read-ahead in flight. */
struct uvn_raio {
	struct vnode	*ra_vp;
	voff_t		ra_size;	/* v_size when it started */
	int		ra_npages;
	struct vm_page	*ra_pgs[UVN_RA_MAXWIN];
};

/*
 * uvn_ra_aiodone: b_iodone of a read-ahead: the pages become valid, or,
 * after an error, go (nobody asked for them: a later access reads them
 * again, synchronously, and gets the error itself).
 *
 * => nothing locked (the I/O engine's completion context).
 */
static void
uvn_ra_aiodone(struct buf *bp)
{
	struct uvn_raio *ra = bp->b_private;
	struct vnode *vp = ra->ra_vp;
	kmutex_t *lock = vp->v_uobj.vmobjlock;
	int error = bp->b_error;

	if (error == 0)
		error = uvn_read_fixup(vp, bp->b_offset, ra->ra_pgs,
		    ra->ra_npages, ra->ra_size);
	putiobuf(bp);
	mutex_enter(lock);
	uvn_ra_done(vp, ra->ra_pgs, ra->ra_npages, error);
	/* The vnode may go once its pages are not busy: no more of it. */
	mutex_exit(lock);
	(void)mutex_obj_free(lock);
	kmem_free(ra, sizeof(*ra));
}

/*
 * uvn_readahead: read the next window of pages at start that are not
 * resident, in one asynchronous I/O (see uvn_ra_alloc and
 * uvn_ra_aiodone): the pages stay busy until it completes, and a reader
 * that comes to them meanwhile waits for them.
 *
 * => object locked throughout (submitting only queues the read: nothing
 *    sleeps), so the fault handler's locked lookup may start one too.
 * => returns the offset just past the pages being read (start if none).
 */
static voff_t
uvn_readahead(struct vnode *vp, voff_t start)
{
	struct uvm_object *uobj = &vp->v_uobj;
	struct uvn_raio *ra;
	struct buf *bp;
	int n;

	KASSERT(mutex_owned(uobj->vmobjlock));
	ra = kmem_alloc(sizeof(*ra), KM_SLEEP);
	n = uvn_ra_alloc(vp, start, ra->ra_pgs, UVN_RA_MAXWIN);
	if (n == 0) {
		kmem_free(ra, sizeof(*ra));
		return start;
	}
	ra->ra_vp = vp;
	ra->ra_size = vp->v_size;
	ra->ra_npages = n;
	vp->v_nreadio++;
	vp->v_nasyncio++;
	bp = uvn_buf(vp, start, ra->ra_pgs, n, (size_t)n * PAGE_SIZE,
	    B_READ | B_ASYNC);
	bp->b_iodone = uvn_ra_aiodone;
	bp->b_private = ra;
	/* Queued only: the completion runs later, without our locks. */
	mutex_obj_hold(uobj->vmobjlock);
	kfile_strategy(bp);
	return start + ptoa((voff_t)n);
}

/*
 * uvn_get: get pages [offset, offset + *npagesp) of the file.
 *
 * => object locked.
 * => PGO_LOCKED: only resident pages that are not busy are returned (not
 *    busied), the others' entries NULL; nothing sleeps, no I/O; the
 *    object stays locked.  0 if the centre page was found, else EBUSY.
 * => otherwise every page inside the file is returned busy (the caller
 *    unbusies and queues them), read from the file if not resident
 *    (unless PGO_OVERWRITE: the caller overwrites them whole); entries
 *    for pages past EOF are NULL.  The object is unlocked on return.
 *    EINVAL if the centre page is past EOF (without PGO_PASTEOF),
 *    ENOMEM if pages ran out, EIO if the host read failed: nothing is
 *    returned then.
 */
static int
uvn_get(struct uvm_object *uobj, voff_t offset, struct vm_page **pps,
    int *npagesp, int centeridx, vm_prot_t access_type, int advice,
    int flags)
{
	struct vnode *vp = uvn_vnode(uobj);
	struct vm_page *rapgs[UVN_RA_MAXWIN];
	int npages = *npagesp, i, error = 0, nra = 0;
	voff_t eof, end, raend, rastart;
	bool seq, merged = false, hitra = false;

	KASSERT(mutex_owned(uobj->vmobjlock));
	KASSERT((offset & PAGE_MASK) == 0 && npages > 0);
	KASSERT(centeridx >= 0 && centeridx < npages);
	eof = (flags & PGO_PASTEOF) ? (voff_t)INT64_MAX :
	    round_page(vp->v_size);

	if (flags & PGO_LOCKED) {
		int found = 0;

		for (i = 0; i < npages; i++) {
			voff_t off = offset + ptoa((voff_t)i);
			struct vm_page *pg = NULL;

			if (off < eof)
				pg = uvm_pagelookup(uobj, off);
			if (pg != NULL && (pg->flags & PG_BUSY) == 0) {
				pps[i] = pg;
				found++;
				if (pg->pqflags & PQ_READAHEAD) {
					hitra = true;
					mutex_enter(&uvm_pageqlock);
					pg->pqflags &= ~PQ_READAHEAD;
					mutex_exit(&uvm_pageqlock);
				}
			} else {
				pps[i] = NULL;
			}
		}
		/*
		 * A reader of mapped pages consuming read-ahead pages less
		 * than a window from their end: start the next window now,
		 * asynchronously (it only queues), so that the fault at its
		 * start finds it read or being read.
		 */
		end = offset + ptoa((voff_t)npages);
		if (hitra && advice != UVM_ADV_RANDOM && vp->v_ra_win > 0 &&
		    vp->v_ra_end > end &&
		    vp->v_ra_end - end <= ptoa((voff_t)vp->v_ra_win)) {
			/* A sequential access: the window grows. */
			vp->v_ra_win = MIN(vp->v_ra_win * 2, UVN_RA_MAXWIN);
			raend = uvn_readahead(vp, vp->v_ra_end);
			if (raend != vp->v_ra_end)
				vp->v_ra_end = raend;
		}
		*npagesp = found;
		return pps[centeridx] != NULL ? 0 : EBUSY;
	}

	if (offset + ptoa((voff_t)centeridx) >= eof) {
		mutex_exit(uobj->vmobjlock);
		return EINVAL;
	}
	/* Busy every page of the request inside the file. */
	for (i = 0; i < npages; i++)
		pps[i] = NULL;
	for (i = 0; i < npages; i++) {
		voff_t off = offset + ptoa((voff_t)i);
		struct vm_page *pg;

		if (off >= eof)
			continue;
again:
		pg = uvm_pagelookup(uobj, off);
		if (pg != NULL && (pg->flags & PG_BUSY) != 0) {
			uvm_pagewait(pg, uobj->vmobjlock, "uvnget");
			mutex_enter(uobj->vmobjlock);
			goto again;
		}
		if (pg == NULL) {
			pg = uvm_pagealloc(uobj, off, NULL, 0);
			if (pg == NULL) {
				error = ENOMEM;
				break;
			}
		} else {
			pg->flags |= PG_BUSY;
			if (pg->pqflags & PQ_READAHEAD) {
				hitra = true;
				mutex_enter(&uvm_pageqlock);
				pg->pqflags &= ~PQ_READAHEAD;
				mutex_exit(&uvm_pageqlock);
			}
		}
		pps[i] = pg;
	}
	/*
	 * Read-ahead for sequential access: a request that starts where
	 * the last one ended, or where the last read-ahead ended (a
	 * reader of mapped pages consumes the read-ahead pages without
	 * calling us, and comes back at its end).  If the request's last
	 * page is read from the file, the read-ahead pages are read with
	 * it, in the same I/O.
	 */
	end = offset + ptoa((voff_t)npages);
	seq = (offset == vp->v_ra_next || offset == vp->v_ra_end ||
	    advice == UVM_ADV_SEQUENTIAL) && advice != UVM_ADV_RANDOM;
	if (seq) {
		vp->v_ra_win = vp->v_ra_win == 0 ? UVN_RA_MINWIN :
		    MIN(vp->v_ra_win * 2, UVN_RA_MAXWIN);
		int nlast = 0;

		/* The run of pages to read that ends the request. */
		while ((flags & PGO_OVERWRITE) == 0 && nlast < npages &&
		    pps[npages - 1 - nlast] != NULL &&
		    (pps[npages - 1 - nlast]->flags & PG_FAKE) != 0)
			nlast++;
		if (nlast > 0 && nlast < UVN_IO_MAXPAGES)
			nra = uvn_ra_alloc(vp, end, rapgs,
			    UVN_IO_MAXPAGES - nlast);
	} else {
		vp->v_ra_win = 0;
		vp->v_ra_end = -1;
	}

	/* Read the runs of pages that are not valid yet. */
	for (i = 0; error == 0 && i < npages; ) {
		struct vm_page *iopgs[UVN_IO_MAXPAGES], **io;
		int n, nio;
		voff_t size;

		if (pps[i] == NULL || (pps[i]->flags & PG_FAKE) == 0 ||
		    (flags & PGO_OVERWRITE) != 0) {
			i++;
			continue;
		}
		for (n = 1; i + n < npages && pps[i + n] != NULL &&
		    (pps[i + n]->flags & PG_FAKE) != 0; n++)
			continue;
		io = &pps[i];
		nio = n;
		if (i + n == npages && nra > 0) {
			KASSERT(n + nra <= UVN_IO_MAXPAGES);
			/* The last run and the read-ahead: one I/O. */
			memcpy(iopgs, &pps[i], sizeof(iopgs[0]) * (size_t)n);
			memcpy(&iopgs[n], rapgs,
			    sizeof(iopgs[0]) * (size_t)nra);
			io = iopgs;
			nio = n + nra;
			merged = true;
		}
		size = vp->v_size;
		vp->v_nreadio++;
		mutex_exit(uobj->vmobjlock);
		error = uvn_io(vp, pps[i]->offset, io, nio, size, false);
		mutex_enter(uobj->vmobjlock);
		if (error == 0) {
			vp->v_npagesread += (unsigned long)n;
			for (int j = i; j < i + n; j++)
				pps[j]->flags &= (uint16_t)~PG_FAKE;
		}
		i += n;
	}
	if (nra > 0 && !merged) {
		/* Not read: an error came first.  They go. */
		KASSERT(error != 0);
		uvn_ra_done(vp, rapgs, nra, error);
		nra = 0;
	}
	if (merged) {
		uvn_ra_done(vp, rapgs, nra, error);
		if (error == 0)
			vp->v_ra_end = end + ptoa((voff_t)nra);
	}
	if (error) {
		for (i = 0; i < npages; i++) {
			struct vm_page *pg = pps[i];

			if (pg == NULL)
				continue;
			if (pg->flags & PG_FAKE) {
				/* Never valid: it goes. */
				uvm_pagefree(pg);
			} else {
				mutex_enter(&uvm_pageqlock);
				uvm_pageenqueue(pg);
				mutex_exit(&uvm_pageqlock);
				uvm_pageunbusy(pg);
			}
			pps[i] = NULL;
		}
		mutex_exit(uobj->vmobjlock);
		return error;
	}
	if (seq && !merged) {
		/*
		 * Asynchronous read-ahead: at the end of the request, or,
		 * if the reader is consuming read-ahead pages and is less
		 * than a window from their end, after them (so that it
		 * finds the next window read, or being read, when it gets
		 * there).
		 */
		rastart = end;
		if (hitra && vp->v_ra_end > end &&
		    vp->v_ra_end - end <= ptoa((voff_t)vp->v_ra_win))
			rastart = vp->v_ra_end;
		raend = uvn_readahead(vp, rastart);
		if (raend != rastart)
			vp->v_ra_end = raend;
	}
	vp->v_ra_next = end;
	mutex_exit(uobj->vmobjlock);
	return 0;
}

/* An asynchronous pageout write in flight. */
struct uvn_wio {
	struct vnode	*wio_vp;
	int		wio_npages;
	int		wio_nvictims;	/* those under PG_PAGEOUT */
	bool		wio_free;	/* PGO_FREE: free the victims */
	struct vm_page	*wio_pgs[];
};

static size_t
uvn_wio_size(int npages)
{
	return sizeof(struct uvn_wio) + (size_t)npages *
	    sizeof(struct vm_page *);
}

/*
 * uvn_aiodone: b_iodone of the pagedaemon's clustered writeback of file
 * pages: written pages are clean; the victims (PG_PAGEOUT) are freed
 * (PGO_FREE) unless somebody waits for them, the neighbours stay,
 * clean.  After an error every page of the cluster stays dirty.  Then
 * the daemon learns how many victims went (uvm_pageout_done).
 *
 * => nothing locked (the I/O engine's completion context).
 */
static void
uvn_aiodone(struct buf *bp)
{
	struct uvn_wio *wio = bp->b_private;
	struct vnode *vp = wio->wio_vp;
	kmutex_t *lock = vp->v_uobj.vmobjlock;
	int error = bp->b_error, npages = wio->wio_npages, nfreed = 0;
	int nvictims = 0;

	putiobuf(bp);
	mutex_enter(lock);
	if (error == 0)
		vp->v_npageswritten += (unsigned long)npages;
	/* Freed under the queue lock, as the daemon frees pages. */
	mutex_enter(&uvm_pageqlock);
	for (int i = 0; i < npages; i++) {
		struct vm_page *pg = wio->wio_pgs[i];
		bool victim = (pg->flags & PG_PAGEOUT) != 0;

		KASSERT((pg->flags & PG_BUSY) != 0);
		pg->flags &= (uint16_t)~PG_PAGEOUT;
		if (victim)
			nvictims++;
		if (error != 0) {
			pg->flags &= (uint16_t)~PG_CLEAN;
			pg->flags |= PG_DIRTY;
			uvm_pageunbusy(pg);
		} else if (victim && wio->wio_free &&
		    (pg->flags & PG_WANTED) == 0 && pg->wire_count == 0 &&
		    pg->loan_count == 0 && (pg->flags & PG_RELEASED) == 0) {
			pmap_page_protect(pg, VM_PROT_NONE);
			pg->flags &= (uint16_t)~PG_BUSY;
			uvm_pagefree(pg);
			nfreed++;
		} else {
			if (victim && (pg->flags & PG_RELEASED) != 0)
				nfreed++;	/* uvm_pageunbusy frees it */
			uvm_pageunbusy(pg);
		}
	}
	KASSERT(nvictims == wio->wio_nvictims);
	mutex_exit(&uvm_pageqlock);
	/* The vnode may go once its pages are not busy: no more of it. */
	mutex_exit(lock);
	(void)mutex_obj_free(lock);
	kmem_free(wio, uvn_wio_size(npages));
	uvm_pageout_done(nvictims, nfreed);
}

/*
 * uvn_put_async: start the pagedaemon's write of the cluster
 * pgs[0 .. npages) (busy, dirty, contiguous), asynchronously: the
 * victims, pgs[v0 .. v1), go under pageout (PG_PAGEOUT, counted in
 * uvmexp.paging); uvn_aiodone finishes them all.
 *
 * => object locked throughout (submitting only queues the write).
 */
static void
uvn_put_async(struct vnode *vp, struct vm_page **pgs, int npages, int v0,
    int v1, int flags)
{
	struct uvm_object *uobj = &vp->v_uobj;
	voff_t off = pgs[0]->offset, size = vp->v_size;
	size_t len = (size_t)npages * PAGE_SIZE;
	struct uvn_wio *wio;
	struct buf *bp;

	KASSERT(mutex_owned(uobj->vmobjlock));
	KASSERT(0 <= v0 && v0 < v1 && v1 <= npages);
	KASSERT(npages <= UVN_PUT_MAXPAGES);
	if (off + (voff_t)len > size)
		len = size > off ? (size_t)(size - off) : 0;
	wio = kmem_alloc(uvn_wio_size(npages), KM_SLEEP);
	wio->wio_vp = vp;
	wio->wio_npages = npages;
	wio->wio_nvictims = v1 - v0;
	wio->wio_free = (flags & PGO_FREE) != 0;
	for (int i = 0; i < npages; i++) {
		KASSERT((pgs[i]->flags & (PG_BUSY | PG_PAGEOUT)) == PG_BUSY);
		KASSERT(i == 0 ||
		    pgs[i]->offset == pgs[i - 1]->offset + (voff_t)PAGE_SIZE);
		if (i >= v0 && i < v1)
			pgs[i]->flags |= PG_PAGEOUT;
		wio->wio_pgs[i] = pgs[i];
	}
	uvm_pageout_start(v1 - v0);
	vp->v_nwriteio++;
	vp->v_nasyncwio++;
	/* A run wholly past EOF writes nothing: an empty transfer. */
	bp = uvn_buf(vp, off, pgs, npages, len, B_WRITE | B_ASYNC);
	bp->b_iodone = uvn_aiodone;
	bp->b_private = wio;
	/* Queued only: the completion runs later, without our locks. */
	mutex_obj_hold(uobj->vmobjlock);
	kfile_strategy(bp);
}

/*
 * uvn_pagedirty: is pg (resident, not busy) modified?  Its writable
 * mappings go first (a later write faults and dirties it again); a
 * page marked clean may have been written through a mapping the fault
 * handler made writable: the pmap's modified bit counts too.  The page
 * is PG_CLEAN afterwards: the caller writes it, or marks it dirty again.
 *
 * => object locked.
 */
static bool
uvn_pagedirty(struct vm_page *pg)
{
	bool dirty;

	KASSERT(mutex_owned(pg->uobject->vmobjlock));
	KASSERT((pg->flags & PG_BUSY) == 0);
	if ((pg->flags & PG_CLEAN) != 0 && pmap_is_modified(pg))
		pg->flags = (uint16_t)((pg->flags & ~PG_CLEAN) | PG_DIRTY);
	pmap_page_protect(pg, VM_PROT_READ);
	dirty = uvm_pagecheckdirty(pg, true);
	/* Read-only now: only a later write sets the bit again. */
	(void)pmap_clear_modify(pg);
	return dirty;
}

/*
 * uvn_cluster_neighbour: the page at off if it may join the daemon's
 * cluster as a neighbour (resident, inside the file, not busy, wired or
 * loaned, and dirty), busied; else NULL.
 *
 * => object locked.
 */
static struct vm_page *
uvn_cluster_neighbour(struct vnode *vp, voff_t off)
{
	struct vm_page *pg;

	if (off < 0 || off >= vp->v_size)
		return NULL;
	pg = uvm_pagelookup(&vp->v_uobj, off);
	if (pg == NULL || (pg->flags & PG_BUSY) != 0 || pg->wire_count != 0 ||
	    pg->loan_count != 0 || !uvn_pagedirty(pg))
		return NULL;
	pg->flags |= PG_BUSY;
	return pg;
}

/*
 * uvn_put_cluster: the pagedaemon's victims run[0 .. nrun) (busy,
 * dirty, contiguous) gather their dirty neighbours outside [start, end)
 * (before them, then after them) up to UVN_PUT_MAXPAGES pages, and go
 * in one asynchronous write.
 *
 * => object locked throughout.
 */
static void
uvn_put_cluster(struct vnode *vp, struct vm_page **run, int nrun,
    voff_t start, voff_t end, int flags)
{
	struct vm_page *cl[UVN_PUT_MAXPAGES], *pg;
	voff_t first = run[0]->offset, last = run[nrun - 1]->offset;
	int n = 0, nback;

	KASSERT(nrun > 0 && nrun <= UVN_PUT_MAXPAGES);
	/* Behind, nearest first, filled from the end of cl. */
	if (first <= start) {
		for (voff_t off = first - (voff_t)PAGE_SIZE;
		    n + nrun < UVN_PUT_MAXPAGES &&
		    (pg = uvn_cluster_neighbour(vp, off)) != NULL;
		    off -= (voff_t)PAGE_SIZE)
			cl[UVN_PUT_MAXPAGES - 1 - n++] = pg;
	}
	nback = n;
	memmove(&cl[0], &cl[UVN_PUT_MAXPAGES - nback],
	    sizeof(cl[0]) * (size_t)nback);
	memcpy(&cl[nback], run, sizeof(cl[0]) * (size_t)nrun);
	n = nback + nrun;
	if (last + (voff_t)PAGE_SIZE >= end) {
		for (voff_t off = last + (voff_t)PAGE_SIZE;
		    n < UVN_PUT_MAXPAGES &&
		    (pg = uvn_cluster_neighbour(vp, off)) != NULL;
		    off += (voff_t)PAGE_SIZE)
			cl[n++] = pg;
	}
	uvn_put_async(vp, cl, n, nback, nback + nrun, flags);
}

/*
 * uvn_put: clean, deactivate and/or free pages [start, end) (end 0 or
 * PGO_ALLPAGES: to the end).
 *
 * => object locked on entry, unlocked on return.
 * => PGO_CLEANIT writes dirty pages back, PGO_DEACTIVATE deactivates,
 *    PGO_FREE frees (dirty ones are written first only with CLEANIT;
 *    wired pages are kept); PGO_BUSYFAIL: EBUSY instead of waiting for a
 *    busy page.  Returns 0 or the first error (EIO: the pages stay
 *    dirty).
 * => for the pagedaemon (LW_PAGEDAEMON) without PGO_SYNCIO the writes
 *    are asynchronous and clustered: each run of dirty pages of
 *    [start, end) (the victims) takes the dirty neighbours next to the
 *    range (not busy, wired or loaned, below the file size) into one
 *    write of up to UVN_PUT_MAXPAGES pages; the victims go under
 *    pageout (PG_BUSY | PG_PAGEOUT), the neighbours are busy, and the
 *    write's completion cleans them all and (PGO_FREE) frees only the
 *    victims.  After a write error every page of the cluster stays dirty.
 * => otherwise one synchronous write per run of up to UVN_PUT_MAXPAGES
 *    contiguous dirty pages.  Pages written are write-protected (a later
 *    write through a mapping faults and dirties them again).
 */
static int
uvn_put(struct uvm_object *uobj, voff_t start, voff_t end, int flags)
{
	struct vnode *vp = uvn_vnode(uobj);
	struct vm_page *run[UVN_PUT_MAXPAGES];
	uint64_t idx[UVN_PUT_MAXPAGES];
	void *found[UVN_PUT_MAXPAGES];
	int error = 0;
	bool async = (flags & PGO_SYNCIO) == 0 &&
	    (curlwp->l_flag & LW_PAGEDAEMON) != 0;

	KASSERT(mutex_owned(uobj->vmobjlock));
	if ((flags & PGO_ALLPAGES) != 0) {
		start = 0;
		end = 0;
	}
	start = trunc_page(start);
	end = end == 0 ? (voff_t)INT64_MAX : round_page(end);

	for (voff_t off = start; off < end; ) {
		unsigned int n, i;
		int nrun = 0;

		n = uvm_radix_gang_lookup(&uobj->uo_pages,
		    (uint64_t)(off >> PAGE_SHIFT), found, idx,
		    UVN_PUT_MAXPAGES, false);
		if (n == 0)
			break;
		for (i = 0; i < n; i++) {
			struct vm_page *pg = found[i];
			voff_t poff = (voff_t)idx[i] << PAGE_SHIFT;

			if (poff >= end)
				break;
			if (pg->flags & PG_BUSY) {
				break;
			}
			/* Dirty pages to clean gather into a run. */
			if ((flags & PGO_CLEANIT) != 0) {
				bool dirty = uvn_pagedirty(pg);

				if (dirty && (nrun == 0 ||
				    run[nrun - 1]->offset + (voff_t)PAGE_SIZE ==
				    poff)) {
					pg->flags |= PG_BUSY;
					run[nrun++] = pg;
					continue;
				}
				if (dirty) {
					/* Not contiguous: next round. */
					pg->flags &= (uint16_t)~PG_CLEAN;
					pg->flags |= PG_DIRTY;
					break;
				}
			}
			if (nrun != 0)
				break;
			off = poff + PAGE_SIZE;
			if (flags & PGO_FREE) {
				if (pg->wire_count != 0)
					continue;
				pmap_page_protect(pg, VM_PROT_NONE);
				uvm_pagefree(pg);
			} else if (flags & PGO_DEACTIVATE) {
				(void)pmap_clear_reference(pg);
				mutex_enter(&uvm_pageqlock);
				uvm_pagedeactivate(pg);
				mutex_exit(&uvm_pageqlock);
			}
		}
		if (nrun != 0 && async) {
			uvn_put_cluster(vp, run, nrun, start, end, flags);
			off = run[nrun - 1]->offset + PAGE_SIZE;
			continue;
		}
		if (nrun != 0) {
			voff_t size = vp->v_size;
			int werror;

			vp->v_nwriteio++;
			mutex_exit(uobj->vmobjlock);
			werror = uvn_io(vp, run[0]->offset, run, nrun, size, true);
			mutex_enter(uobj->vmobjlock);
			if (werror == 0)
				vp->v_npageswritten += (unsigned long)nrun;
			for (int j = 0; j < nrun; j++) {
				struct vm_page *pg = run[j];

				if (werror) {
					pg->flags &= (uint16_t)~PG_CLEAN;
					pg->flags |= PG_DIRTY;
				}
				uvm_pageunbusy(pg);
			}
			if (werror) {
				if (error == 0)
					error = werror;
				off = run[nrun - 1]->offset + PAGE_SIZE;
			} else if (flags & (PGO_FREE | PGO_DEACTIVATE)) {
				/* Clean now: look at them again to free. */
				off = run[0]->offset;
			} else {
				off = run[nrun - 1]->offset + PAGE_SIZE;
			}
			continue;
		}
		if (i < n) {
			struct vm_page *pg = found[i];
			voff_t poff = (voff_t)idx[i] << PAGE_SHIFT;

			if (poff >= end)
				break;
			if (pg->flags & PG_BUSY) {
				if (flags & PGO_BUSYFAIL) {
					error = EBUSY;
					break;
				}
				uvm_pagewait(pg, uobj->vmobjlock, "uvnput");
				mutex_enter(uobj->vmobjlock);
				off = poff;
			}
		}
	}
	mutex_exit(uobj->vmobjlock);
	return error;
}

/* ---------------------------------------------------------------------
 * Interfaces for file systems.
 */

/*
 * uvm_vnp_setsize: the file's size is now newsize.  Shrinking frees the
 * pages past the new end (unmapping them: a later fault there fails with
 * EINVAL) and zeroes the tail of the last partial page.
 */
void
uvm_vnp_setsize(struct vnode *vp, voff_t newsize)
{
	struct uvm_object *uobj = &vp->v_uobj;
	voff_t pgend = round_page(newsize);

	KASSERT(newsize >= 0);
	mutex_enter(uobj->vmobjlock);
	if (newsize >= vp->v_size) {
		vp->v_size = newsize;
		mutex_exit(uobj->vmobjlock);
		return;
	}
	vp->v_size = newsize;
	if (newsize != pgend) {
		struct vm_page *pg;

		while ((pg = uvm_pagelookup(uobj, trunc_page(newsize))) !=
		    NULL && (pg->flags & PG_BUSY) != 0) {
			uvm_pagewait(pg, uobj->vmobjlock, "uvnsetsz");
			mutex_enter(uobj->vmobjlock);
		}
		if (pg != NULL) {
			memset((char *)uvm_page_kva(pg) + (newsize & PAGE_MASK),
			    0, (size_t)(pgend - newsize));
			pg->flags &= (uint16_t)~PG_CLEAN;
			pg->flags |= PG_DIRTY;
		}
	}
	(void)uvn_put(uobj, pgend, 0, PGO_FREE);
}

/*
 * uvn_findpages: look up or create pages [offset, offset + *npagesp) of
 * uobj (a vnode), mark them busy and return them in pps; *npagesp gets
 * the number returned.  Entries for skipped pages are NULL.
 *
 * => object locked (it may be dropped and retaken while waiting).
 * => flags: UFP_ALL (every page), UFP_NOWAIT (skip pages that are busy
 *    or cannot be allocated now), UFP_NOALLOC (skip missing pages),
 *    UFP_NOCACHE (skip resident pages), UFP_NORDONLY (skip PG_RDONLY
 *    pages), UFP_DIRTYONLY (stop at the first clean or missing page;
 *    the pages returned are marked clean, for the caller writes them
 *    out), UFP_BACKWARD (fill from the end).
 */
void
uvn_findpages(struct uvm_object *uobj, voff_t offset, int *npagesp,
    struct vm_page **pps, int flags)
{
	int npages = *npagesp, found = 0, i, step;

	KASSERT(mutex_owned(uobj->vmobjlock));
	KASSERT((offset & PAGE_MASK) == 0);
	i = (flags & UFP_BACKWARD) ? npages - 1 : 0;
	step = (flags & UFP_BACKWARD) ? -1 : 1;
	for (int k = 0; k < npages; k++)
		pps[k] = NULL;
	for (; i >= 0 && i < npages; i += step) {
		voff_t off = offset + ptoa((voff_t)i);
		struct vm_page *pg;

again:
		pg = uvm_pagelookup(uobj, off);
		if (pg == NULL) {
			if (flags & (UFP_NOALLOC | UFP_DIRTYONLY)) {
				if (flags & UFP_DIRTYONLY)
					break;
				continue;
			}
			pg = uvm_pagealloc(uobj, off, NULL, 0);
			if (pg == NULL) {
				if (flags & UFP_NOWAIT)
					continue;
				/* Out of pages: return what we have. */
				break;
			}
			pps[i] = pg;
			found++;
			continue;
		}
		if (flags & UFP_NOCACHE)
			continue;
		if (pg->flags & PG_BUSY) {
			if (flags & UFP_NOWAIT) {
				if (flags & UFP_DIRTYONLY)
					break;
				continue;
			}
			uvm_pagewait(pg, uobj->vmobjlock, "uvnfp");
			mutex_enter(uobj->vmobjlock);
			goto again;
		}
		if ((flags & UFP_NORDONLY) && (pg->flags & PG_RDONLY))
			continue;
		if (flags & UFP_DIRTYONLY) {
			pmap_page_protect(pg, VM_PROT_READ);
			if (!uvm_pagecheckdirty(pg, true))
				break;
		}
		pg->flags |= PG_BUSY;
		pps[i] = pg;
		found++;
	}
	*npagesp = found;
}
