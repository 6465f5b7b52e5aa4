/*
 * kern_bio.c: buf(9)-shaped I/O requests over host files, and the I/O
 * engine that runs the asynchronous ones.
 *
 * A request (struct buf, uvm_kern.h) names a kfile, a byte offset and a
 * vector of memory segments; kfile_strategy() starts it.  A synchronous
 * request is done in the caller before kfile_strategy() returns
 * (biowait() then just returns b_error).  An asynchronous one (B_ASYNC)
 * goes on the request queue and is completed later by biodone(), which
 * calls its b_iodone in one of two contexts, chosen by kern_bio_start():
 *
 *	threaded	n I/O threads (kthreads "iothread<i>") take requests
 *			off the queue, do the host I/O and call biodone():
 *			b_iodone runs in the I/O thread (NetBSD's aiodone
 *			workqueue) and may take any lock.
 *	deterministic	no thread: requests wait in the queue, in order,
 *			until somebody calls biodrain() (with nothing
 *			locked), which does their I/O and completion in
 *			the caller.  The machine calls it at well defined
 *			points (the end of a pagedaemon pass, the end of a
 *			fault, before sleeping for a busy page), so a
 *			single-threaded program sees the same order every
 *			run.  Queued asynchronous writes that continue each
 *			other in one file (a pagedaemon pass's clusters)
 *			are done there as one host write of up to 1 MiB,
 *			each still completed on its own (biodone), in
 *			order.
 *
 * Either way b_iodone never runs with the submitter's locks held, and
 * kern_bio_stop() (shutdown) completes everything before returning.
 *
 * Test hook: kern_bio_hold(true) keeps queued requests from starting
 * (threads wait, biodrain() in deterministic mode does nothing), so a
 * test sees work in flight; kern_bio_hold(false) lets them go.
 *
 * Locking: bio_lock (a leaf: nothing is called with it held) protects the
 * queue, bio_pending, bio_held and bio_exit; bio_cv wakes the threads,
 * bio_donecv the waiters for completions (biowait, biodrain).  The host
 * I/O and b_iodone run without it.
 */

#include <uvm/uvm_kern.h>

#define BIO_MAXTHREADS	8
#define BIO_STACKSEGS	64	/* segments copied on the stack */
#define BIO_MERGEMAX	(1024 * 1024)	/* bytes of adjacent writes merged */
#define BIO_MERGEBUFS	16	/* requests merged into one host write */
#define BIO_MERGESEGS	256	/* their segments, at most */

static kmutex_t bio_lock;
static kcondvar_t bio_cv;		/* work queued, hold or exit changed */
static kcondvar_t bio_donecv;		/* a request completed */
static TAILQ_HEAD(, buf) bio_queue = TAILQ_HEAD_INITIALIZER(bio_queue);
static bool bio_started;
static bool bio_exit;			/* l: threads must leave */
static bool bio_held;			/* l: test hook */
static unsigned int bio_pending;	/* l: async requests not completed */
static unsigned int bio_nqueued;	/* l: of which still queued */
static int bio_nthreads;
static struct lwp *bio_lwps[BIO_MAXTHREADS];

/*
 * getiobuf: a request for kf with room for maxseg memory segments.
 *
 * => may sleep for memory.
 */
struct buf *
getiobuf(struct kfile *kf, int maxseg)
{
	struct buf *bp;

	KASSERT(maxseg > 0);
	bp = kmem_zalloc(sizeof(*bp), KM_SLEEP);
	bp->b_seg = kmem_alloc((size_t)maxseg * sizeof(struct iovec),
	    KM_SLEEP);
	bp->b_maxseg = maxseg;
	bp->b_kf = kf;
	return bp;
}

/* putiobuf: free a request that is not in flight. */
void
putiobuf(struct buf *bp)
{
	kmem_free(bp->b_seg, (size_t)bp->b_maxseg * sizeof(struct iovec));
	kmem_free(bp, sizeof(*bp));
}

/*
 * bio_addseg: append [kva, kva + len) to bp's memory side; a segment
 * that continues the last one is merged with it.
 */
void
bio_addseg(struct buf *bp, void *kva, size_t len)
{
	struct iovec *last;

	if (len == 0)
		return;
	last = bp->b_nseg > 0 ? &bp->b_seg[bp->b_nseg - 1] : NULL;
	if (last != NULL && (char *)last->iov_base + last->iov_len == kva) {
		last->iov_len += len;
	} else {
		KASSERTMSG(bp->b_nseg < bp->b_maxseg,
		    "bio_addseg: more than %d segments", bp->b_maxseg);
		bp->b_seg[bp->b_nseg].iov_base = kva;
		bp->b_seg[bp->b_nseg].iov_len = len;
		bp->b_nseg++;
	}
	bp->b_bcount += len;
}

/* Do bp's host I/O (nothing locked). */
static void
bio_io(struct buf *bp)
{
	struct iovec stack[BIO_STACKSEGS], *iov = stack;
	int error;

	if (bp->b_nseg > BIO_STACKSEGS)
		iov = kmem_alloc((size_t)bp->b_nseg * sizeof(*iov), KM_SLEEP);
	memcpy(iov, bp->b_seg, (size_t)bp->b_nseg * sizeof(*iov));
	if (bp->b_flags & B_READ)
		error = kfile_readv(bp->b_kf, iov, bp->b_nseg, bp->b_offset);
	else
		error = kfile_writev(bp->b_kf, iov, bp->b_nseg, bp->b_offset);
	if (iov != stack)
		kmem_free(iov, (size_t)bp->b_nseg * sizeof(*iov));
	bp->b_error = error;
	bp->b_resid = error ? bp->b_bcount : 0;
}

/*
 * kfile_strategy: start bp.
 *
 * => b_kf, b_offset, b_flags and the segments set; B_ASYNC requires
 *    b_iodone and a started engine.
 * => synchronous: the transfer is over on return (biowait() for the
 *    error).  Asynchronous: queued; b_iodone completes it.
 */
void
kfile_strategy(struct buf *bp)
{
	KASSERT(bp->b_kf != NULL && bp->b_offset >= 0);
	KASSERT((bp->b_flags & B_DONE) == 0);
	bp->b_error = 0;
	bp->b_resid = bp->b_bcount;
	if ((bp->b_flags & B_ASYNC) == 0) {
		bio_io(bp);
		biodone(bp);
		return;
	}
	KASSERTMSG(bp->b_iodone != NULL, "kfile_strategy: async, no iodone");
	KASSERTMSG(bio_started, "kfile_strategy: async I/O, no I/O engine");
	mutex_enter(&bio_lock);
	TAILQ_INSERT_TAIL(&bio_queue, bp, b_actq);
	bio_pending++;
	bio_nqueued++;
	cv_signal(&bio_cv);
	mutex_exit(&bio_lock);
}

/*
 * biodone: bp's transfer is over.  An asynchronous request is handed to
 * its b_iodone (which owns it from then on); waiters of a synchronous
 * one are woken.
 */
void
biodone(struct buf *bp)
{
	KASSERT((bp->b_flags & B_DONE) == 0);
	if (bp->b_flags & B_ASYNC) {
		bp->b_flags |= B_DONE;
		(*bp->b_iodone)(bp);
		mutex_enter(&bio_lock);
		KASSERT(bio_pending > 0);
		bio_pending--;
		cv_broadcast(&bio_donecv);
		mutex_exit(&bio_lock);
		return;
	}
	if (!bio_started) {
		bp->b_flags |= B_DONE;
		return;
	}
	mutex_enter(&bio_lock);
	bp->b_flags |= B_DONE;
	cv_broadcast(&bio_donecv);
	mutex_exit(&bio_lock);
}

/*
 * biowait: wait for synchronous request bp; returns its b_error.
 */
int
biowait(struct buf *bp)
{
	KASSERT((bp->b_flags & B_ASYNC) == 0);
	if (bio_started) {
		mutex_enter(&bio_lock);
		while ((bp->b_flags & B_DONE) == 0)
			cv_wait(&bio_donecv, &bio_lock);
		mutex_exit(&bio_lock);
	}
	KASSERT(bp->b_flags & B_DONE);
	return bp->b_error;
}

/* Take the next request off the queue (bio_lock held), or NULL. */
static struct buf *
bio_dequeue(void)
{
	struct buf *bp;

	KASSERT(mutex_owned(&bio_lock));
	if (bio_held || (bp = TAILQ_FIRST(&bio_queue)) == NULL)
		return NULL;
	TAILQ_REMOVE(&bio_queue, bp, b_actq);
	bio_nqueued--;
	return bp;
}

/* Can asynchronous write next follow bp's bytes in one host write? */
static bool
bio_follows(const struct buf *bp, const struct buf *next)
{
	return (bp->b_flags & (B_ASYNC | B_READ)) == B_ASYNC &&
	    (next->b_flags & (B_ASYNC | B_READ)) == B_ASYNC &&
	    next->b_kf == bp->b_kf &&
	    next->b_offset == bp->b_offset + (off_t)bp->b_bcount;
}

/*
 * Take the next request off the queue into run[0], and after it the
 * asynchronous writes queued right behind it that continue it in the
 * same file (a pagedaemon pass queues its clusters to consecutive
 * runs of slots), up to BIO_MERGEMAX bytes: they are written with one
 * host write.  Not while faults are injected (each request must meet
 * its own kern_fault_check()).  Returns the number taken (0: none).
 * Only biodrain() merges: an I/O thread takes one request at a time,
 * so each completion (and the memory it frees) comes as early as it
 * can (measured: merging there slowed b_paging's threaded fill).
 *
 * => bio_lock held.
 */
static int
bio_dequeue_run(struct buf **run)
{
	struct buf *bp, *next;
	size_t bytes;
	int n = 0, nseg;

	if ((bp = bio_dequeue()) == NULL)
		return 0;
	run[n++] = bp;
	bytes = bp->b_bcount;
	nseg = bp->b_nseg;
	while (n < BIO_MERGEBUFS && !kern_fault_armed &&
	    (next = TAILQ_FIRST(&bio_queue)) != NULL &&
	    bio_follows(run[n - 1], next) &&
	    bytes + next->b_bcount <= BIO_MERGEMAX &&
	    nseg + next->b_nseg <= BIO_MERGESEGS) {
		TAILQ_REMOVE(&bio_queue, next, b_actq);
		bio_nqueued--;
		run[n++] = next;
		bytes += next->b_bcount;
		nseg += next->b_nseg;
	}
	return n;
}

/*
 * Do the host I/O of run[0 .. n) (nothing locked): one write for a
 * merged run; if it fails, each request is written again on its own so
 * that each gets its own outcome.
 */
static void
bio_io_run(struct buf **run, int n)
{
	struct iovec iov[BIO_MERGESEGS];
	int nseg = 0, error;

	if (n == 1) {
		bio_io(run[0]);
		return;
	}
	for (int i = 0; i < n; i++) {
		memcpy(&iov[nseg], run[i]->b_seg,
		    (size_t)run[i]->b_nseg * sizeof(iov[0]));
		nseg += run[i]->b_nseg;
	}
	error = kfile_writev(run[0]->b_kf, iov, nseg, run[0]->b_offset);
	for (int i = 0; i < n; i++) {
		if (error != 0) {
			bio_io(run[i]);
			continue;
		}
		run[i]->b_error = 0;
		run[i]->b_resid = 0;
	}
}

static void
bio_thread(void *arg)
{
	struct buf *bp;

	(void)arg;
	mutex_enter(&bio_lock);
	for (;;) {
		bp = bio_dequeue();
		if (bp == NULL) {
			if (bio_exit && TAILQ_EMPTY(&bio_queue))
				break;
			cv_wait(&bio_cv, &bio_lock);
			continue;
		}
		mutex_exit(&bio_lock);
		bio_io(bp);
		biodone(bp);
		mutex_enter(&bio_lock);
	}
	mutex_exit(&bio_lock);
	kthread_exit(0);
}

/*
 * biodrain: complete every asynchronous request submitted so far.
 *
 * => nothing locked (completions take the submitters' locks).
 * => deterministic: runs the queued requests, in order, in the caller
 *    (none while held); threaded: waits until the threads completed
 *    them all.  Returns whether there was anything to complete.
 */
bool
biodrain(void)
{
	struct buf *run[BIO_MERGEBUFS];
	bool any = false;
	int n;

	if (!bio_started)
		return false;
	if (bio_nthreads > 0) {
		mutex_enter(&bio_lock);
		while (bio_pending > 0) {
			any = true;
			cv_wait(&bio_donecv, &bio_lock);
		}
		mutex_exit(&bio_lock);
		return any;
	}
	for (;;) {
		mutex_enter(&bio_lock);
		n = bio_dequeue_run(run);
		mutex_exit(&bio_lock);
		if (n == 0)
			break;
		bio_io_run(run, n);
		for (int i = 0; i < n; i++)
			biodone(run[i]);
		any = true;
	}
	return any;
}

/* bio_deferred: do queued requests wait for a biodrain() in the caller? */
bool
bio_deferred(void)
{
	return bio_started && bio_nthreads == 0 &&
	    atomic_load_relaxed(&bio_nqueued) != 0 &&
	    !atomic_load_relaxed(&bio_held);
}

/* bio_inflight: asynchronous requests submitted and not completed. */
unsigned int
bio_inflight(void)
{
	unsigned int n;

	if (!bio_started)
		return 0;
	mutex_enter(&bio_lock);
	n = bio_pending;
	mutex_exit(&bio_lock);
	return n;
}

void
kern_bio_hold(bool hold)
{
	KASSERT(bio_started);
	mutex_enter(&bio_lock);
	bio_held = hold;
	cv_broadcast(&bio_cv);
	mutex_exit(&bio_lock);
}

/*
 * kern_bio_start: start the engine: nthreads I/O threads (at most
 * BIO_MAXTHREADS), or none (0: deterministic).
 *
 * => 0 or kthread_create()'s error (nothing started then).
 */
int
kern_bio_start(int nthreads)
{
	int error;

	KASSERT(!bio_started);
	KASSERT(nthreads >= 0 && nthreads <= BIO_MAXTHREADS);
	mutex_init(&bio_lock, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&bio_cv, "biowork");
	cv_init(&bio_donecv, "biodone");
	TAILQ_INIT(&bio_queue);
	bio_exit = bio_held = false;
	bio_pending = bio_nqueued = 0;
	bio_nthreads = 0;
	bio_started = true;
	for (int i = 0; i < nthreads; i++) {
		error = kthread_create(PRI_NONE, KTHREAD_MUSTJOIN, NULL,
		    bio_thread, NULL, &bio_lwps[i], "iothread%d", i);
		if (error) {
			kern_bio_stop();
			return error;
		}
		bio_nthreads++;
	}
	return 0;
}

/*
 * kern_bio_stop: complete everything in flight, stop the threads.
 *
 * => nothing locked.
 */
void
kern_bio_stop(void)
{
	if (!bio_started)
		return;
	kern_bio_hold(false);
	(void)biodrain();
	mutex_enter(&bio_lock);
	bio_exit = true;
	cv_broadcast(&bio_cv);
	mutex_exit(&bio_lock);
	for (int i = 0; i < bio_nthreads; i++)
		(void)kthread_join(bio_lwps[i]);
	KASSERT(bio_pending == 0 && TAILQ_EMPTY(&bio_queue));
	bio_nthreads = 0;
	bio_started = false;
	cv_destroy(&bio_donecv);
	cv_destroy(&bio_cv);
	mutex_destroy(&bio_lock);
}
