/*
 * uvm_kern.h: the kernel environment that machine-independent UVM expects.
 *
 * This header is the one seam a kernel port replaces.  libuvm implements it
 * in src/kern/ over POSIX (pthreads, memfd, pread/pwrite); everything above
 * it (pmap, uvm, tools) calls only what is declared here and never libc or
 * POSIX directly.  The names follow NetBSD's kernel: kmem(9), pool(9),
 * mutex(9), rwlock(9), condvar(9), kthread(9), kpause(9), uiomove(9),
 * callout(9), atomic_ops(3).
 *
 * Locking: every primitive here is safe to call from any lwp.  The hosted
 * implementation keeps its own bookkeeping under private locks that are
 * leaves in every lock order.
 */

#ifndef _UVM_UVM_KERN_H_
#define _UVM_UVM_KERN_H_

#include <uvm/uvm_param.h>

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <string.h>		/* memcpy/memset/memcmp/strlen: libkern */
#include <sys/uio.h>		/* struct iovec */

#include <bsd/sys/queue.h>
#include <bsd/sys/tree.h>

#ifndef __predict_true
#define __predict_true(e)	__builtin_expect(!!(e), 1)
#define __predict_false(e)	__builtin_expect(!!(e), 0)
#endif
#ifndef __unused
#define __unused		__attribute__((__unused__))
#endif
#ifndef __printflike
#define __printflike(a, b)	__attribute__((__format__(__printf__, a, b)))
#endif
#ifndef __noreturn
#define __noreturn		__attribute__((__noreturn__))
#endif

#ifndef MIN
#define MIN(a, b)	((a) < (b) ? (a) : (b))
#define MAX(a, b)	((a) > (b) ? (a) : (b))
#endif
#ifndef howmany
#define howmany(x, y)	(((x) + ((y) - 1)) / (y))
#endif
#ifndef roundup
#define roundup(x, y)	((((x) + ((y) - 1)) / (y)) * (y))
#endif
#ifndef powerof2
#define powerof2(x)	((((x) - 1) & (x)) == 0)
#endif
#ifndef __arraycount
#define __arraycount(a)	(sizeof(a) / sizeof((a)[0]))
#endif

struct vmspace;
struct lwp;
struct proc;

/* ---------------------------------------------------------------------
 * The environment itself: kern_init() before anything else (the machine
 * boot does it), kern_fini() after the machine is gone.
 */
void	kern_init(void);
void	kern_fini(void);

/* ---------------------------------------------------------------------
 * Diagnostics: panic(9), KASSERT(9), console output.
 */
void	panic(const char *, ...) __printflike(1, 2) __noreturn;
void	kprintf(const char *, ...) __printflike(1, 2);
void	vkprintf(const char *, va_list);

/*
 * Console sink: where kprintf() output goes.  NULL restores the default
 * (host stderr).  A tool may capture or silence the console this way.
 */
typedef void (*kern_console_fn)(const char *, size_t, void *);
void	kern_console_set(kern_console_fn, void *);

#ifdef DIAGNOSTIC
#define KASSERTMSG(e, fmt, ...)						\
	do {								\
		if (__predict_false(!(e)))				\
			panic("kernel diagnostic assertion \"%s\" failed:" \
			    " file \"%s\", line %d: " fmt, #e,		\
			    __FILE__, __LINE__, ##__VA_ARGS__);		\
	} while (/*CONSTCOND*/0)
#else
#define KASSERTMSG(e, fmt, ...)	do { (void)sizeof((e)); } while (0)
#endif
#define KASSERT(e)	KASSERTMSG(e, "")

#ifdef DEBUG
#define KDASSERT(e)	KASSERT(e)
#define KDASSERTMSG	KASSERTMSG
#else
#define KDASSERT(e)	do { (void)sizeof((e)); } while (0)
#define KDASSERTMSG(e, fmt, ...) do { (void)sizeof((e)); } while (0)
#endif

#define CTASSERT(e)	_Static_assert((e), #e)

/*
 * panic() normally aborts the host process (so a debugger stops at it).
 * Tests of "the library refuses this" install a handler that longjmps out
 * instead; the handler must not return.
 */
typedef void (*kern_panic_fn)(const char *msg);
void	kern_panic_set(kern_panic_fn);

/* ---------------------------------------------------------------------
 * Fault injection (style: SQLite's test_malloc).  Each site has a stable
 * id; kern_fault_set(site, n, every) makes the nth call at that site fail
 * (and then every `every`th call after it, if every > 0).  With nothing
 * armed, kern_fault_check() is one load and a compare.
 */
enum kern_fault_site {
	KFI_KMEM = 0,		/* kmem_alloc/kmem_zalloc */
	KFI_POOL,		/* pool_get */
	KFI_PAGE,		/* uvm_pagealloc */
	KFI_ANON,		/* uvm_analloc */
	KFI_AMAP,		/* amap_alloc */
	KFI_PMAP_ENTER,		/* pmap_enter with PMAP_CANFAIL */
	KFI_IO_READ,		/* host file read */
	KFI_IO_WRITE,		/* host file write */
	KFI_NSITES
};
extern unsigned int kern_fault_armed;
void	kern_fault_set(enum kern_fault_site, unsigned long nth,
	    unsigned long every);
void	kern_fault_clear(void);
unsigned long kern_fault_hits(enum kern_fault_site);
bool	kern_fault_fire(enum kern_fault_site);
#define kern_fault_check(site)						\
	(__predict_false(kern_fault_armed != 0) && kern_fault_fire(site))

/* ---------------------------------------------------------------------
 * kmem(9) and pool(9).
 */
typedef unsigned int km_flag_t;
#define KM_SLEEP	0x01
#define KM_NOSLEEP	0x02

void	*kmem_alloc(size_t, km_flag_t);
void	*kmem_zalloc(size_t, km_flag_t);
void	kmem_free(void *, size_t);
char	*kmem_strdup(const char *, km_flag_t);
void	kmem_strfree(char *);
/* Bytes currently allocated through kmem (for leak checks in tests). */
size_t	kmem_inuse(void);

#define PR_WAITOK	0x01
#define PR_NOWAIT	0x02
#define PR_ZERO		0x04

struct pool {
	pthread_mutex_t	pr_lock;
	size_t		pr_size;	/* object size */
	size_t		pr_align;
	const char	*pr_wchan;
	void		*pr_freelist;	/* cached free objects */
	unsigned int	pr_nfree;	/* objects on pr_freelist */
	unsigned int	pr_nout;	/* objects handed out */
	unsigned long	pr_nget;	/* statistics */
	unsigned long	pr_nput;
	unsigned long	pr_nfail;
};
void	pool_init(struct pool *, size_t size, size_t align, size_t align_offset,
	    int flags, const char *wchan, void *palloc, int ipl);
void	pool_destroy(struct pool *);
void	*pool_get(struct pool *, int);
void	pool_put(struct pool *, void *);

/* ---------------------------------------------------------------------
 * Locks: mutex(9), rwlock(9), condvar(9).  Owners are tracked so that
 * mutex_owned()/rw_write_held() can back KASSERTs.
 */
typedef enum { MUTEX_DEFAULT, MUTEX_ADAPTIVE, MUTEX_SPIN } kmutex_type_t;
#define IPL_NONE	0
#define IPL_VM		1
#define IPL_SCHED	2
#define IPL_HIGH	3

typedef struct kmutex {
	pthread_mutex_t	mtx_lock;
	const void	*mtx_owner;	/* holding host thread's token */
} kmutex_t;

void	mutex_init(kmutex_t *, kmutex_type_t, int);
void	mutex_destroy(kmutex_t *);
void	mutex_enter(kmutex_t *);
void	mutex_exit(kmutex_t *);
int	mutex_tryenter(kmutex_t *);
int	mutex_owned(const kmutex_t *);
/* Reference-counted, separately allocated mutexes (mutex_obj_alloc(9)). */
kmutex_t *mutex_obj_alloc(kmutex_type_t, int);
void	mutex_obj_hold(kmutex_t *);
bool	mutex_obj_free(kmutex_t *);

typedef enum { RW_READER = 0, RW_WRITER = 1 } krw_t;
typedef struct krwlock {
	pthread_mutex_t	rw_mtx;		/* protects the fields below */
	pthread_cond_t	rw_cv;		/* readers and writers wait here */
	const void	*rw_owner;	/* writer's host thread token */
	unsigned int	rw_readers;	/* number of readers inside */
	unsigned int	rw_wwait;	/* writers waiting (they win) */
} krwlock_t;

void	rw_init(krwlock_t *);
void	rw_destroy(krwlock_t *);
void	rw_enter(krwlock_t *, krw_t);
int	rw_tryenter(krwlock_t *, krw_t);
void	rw_exit(krwlock_t *);
void	rw_downgrade(krwlock_t *);
int	rw_tryupgrade(krwlock_t *);
int	rw_write_held(const krwlock_t *);
int	rw_read_held(const krwlock_t *);
int	rw_lock_held(const krwlock_t *);

typedef struct kcondvar {
	pthread_cond_t	cv_cond;
	const char	*cv_wmesg;
} kcondvar_t;

void	cv_init(kcondvar_t *, const char *);
void	cv_destroy(kcondvar_t *);
void	cv_wait(kcondvar_t *, kmutex_t *);
/* Returns 0 when woken, EWOULDBLOCK when `ticks' clock ticks passed. */
int	cv_timedwait(kcondvar_t *, kmutex_t *, int ticks);
void	cv_signal(kcondvar_t *);
void	cv_broadcast(kcondvar_t *);

/*
 * Sleep and wakeup on an address ("wait channel"), as tsleep(9)/wakeup(9):
 * mtsleep() atomically releases mtx, sleeps until wakeup(chan) (or `ticks'
 * ticks, if non-zero: EWOULDBLOCK), then re-acquires mtx.
 */
int	mtsleep(const void *chan, const char *wmesg, int ticks, kmutex_t *mtx);
void	wakeup(const void *chan);

/* ---------------------------------------------------------------------
 * Atomic operations (atomic_ops(3)) and barriers.
 */
#define atomic_inc_uint(p)	((void)__atomic_add_fetch((p), 1, __ATOMIC_RELAXED))
#define atomic_dec_uint(p)	((void)__atomic_sub_fetch((p), 1, __ATOMIC_RELAXED))
#define atomic_inc_uint_nv(p)	__atomic_add_fetch((p), 1, __ATOMIC_ACQ_REL)
#define atomic_dec_uint_nv(p)	__atomic_sub_fetch((p), 1, __ATOMIC_ACQ_REL)
#define atomic_add_int(p, v)	((void)__atomic_add_fetch((p), (v), __ATOMIC_RELAXED))
#define atomic_add_int_nv(p, v)	__atomic_add_fetch((p), (v), __ATOMIC_ACQ_REL)
#define atomic_load_relaxed(p)	__atomic_load_n((p), __ATOMIC_RELAXED)
#define atomic_store_relaxed(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define atomic_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define atomic_store_release(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define atomic_cas_uint(p, o, n) __extension__({ \
	unsigned int _o = (o); \
	__atomic_compare_exchange_n((p), &_o, (n), false, \
	    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE); _o; })
#define membar_sync()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define membar_producer()	__atomic_thread_fence(__ATOMIC_RELEASE)
#define membar_consumer()	__atomic_thread_fence(__ATOMIC_ACQUIRE)

/* Bump a uvmexp counter: atomic, relaxed (statistics only). */
#define UVMEXP_ADD(field, n)	atomic_add_int(&uvmexp.field, (n))
#define UVMEXP_INC(field)	UVMEXP_ADD(field, 1)

/* ---------------------------------------------------------------------
 * Processes and lwps.  An lwp is a host thread; curlwp is thread-local.
 * A host thread that enters the library without an lwp of its own runs
 * as lwp0 of proc0 (the "boot CPU" context).
 */
struct rlimit_small {
	uint64_t	rlim_cur;
	uint64_t	rlim_max;
};
#define RLIMIT_MEMLOCK	0
#define RLIMIT_STACK	1
#define RLIMIT_DATA	2
#define RLIM_NLIMITS	3
#define RLIM_INFINITY	UINT64_MAX

#define SIDL	1	/* being created */
#define SACTIVE	2	/* runnable or running */
#define SSTOP	3
#define SZOMB	4

struct proc {
	kmutex_t	p_lock;
	int		p_pid;
	int		p_stat;		/* S* */
	int		p_nice;		/* for the swapper's priority */
	struct vmspace	*p_vmspace;	/* address space */
	struct rlimit_small p_rlimit[RLIM_NLIMITS];
	LIST_HEAD(, lwp) p_lwps;
	int		p_nlwps;
	LIST_ENTRY(proc) p_list;	/* allproc */
	char		p_comm[32];
	void		*p_emuldata;	/* owned by the tool running it */
};

#define LW_SYSTEM	0x0001		/* kernel thread */
#define LW_INMEM	0x0002		/* u-area resident */
#define LW_SWAPPED	0x0004		/* u-area swapped out */
#define LW_RUNNABLE	0x0008		/* wants the CPU */
#define LW_PAGEDAEMON	0x0010		/* the pagedaemon itself */

struct lwp {
	struct proc	*l_proc;
	int		l_lid;
	int		l_flag;		/* LW_* */
	int		l_stat;
	int		l_priority;
	unsigned int	l_swtime;	/* seconds since swapped in/out */
	unsigned int	l_slptime;	/* seconds asleep (uvm_meter ages both) */
	vaddr_t		l_addr;		/* u-area (kernel stack) VA */
	void		*l_pmap_tlb;	/* per-lwp state of the pmap (soft TLB) */
	pthread_t	l_thread;	/* host thread */
	bool		l_hosted;	/* l_thread is ours to join */
	void		(*l_func)(void *);
	void		*l_arg;
	LIST_ENTRY(lwp)	l_sibling;
	char		l_name[32];
};
typedef struct lwp lwp_t;

extern struct proc proc0;
extern struct lwp lwp0;

struct lwp *kern_curlwp(void);
#define curlwp		(kern_curlwp())
#define curproc		(curlwp->l_proc)

/* Make the calling host thread run as `l' (NULL: back to lwp0). */
void	kern_lwp_bind(struct lwp *);

struct proc *proc_alloc(const char *comm);
void	proc_free(struct proc *);
struct lwp *lwp_alloc(struct proc *, const char *name);
void	lwp_free(struct lwp *);
/* Called for every lwp as it is freed (the pmap frees its TLB here). */
extern void (*kern_lwp_dtor)(struct lwp *);
/* Iterate over live processes (under proc_lock). */
extern kmutex_t proc_lock;
extern LIST_HEAD(proclist, proc) allproc;

/* kthread(9): run func(arg) in a new host thread as a new kernel lwp. */
#define KTHREAD_MUSTJOIN	0x01
#define PRI_NONE		(-1)
int	kthread_create(int pri, int flags, void *ci, void (*func)(void *),
	    void *arg, struct lwp **lp, const char *fmt, ...)
	    __printflike(7, 8);
void	kthread_exit(int) __noreturn;
int	kthread_join(struct lwp *);

/* Sleep for `ticks' ticks (at least one), releasing mtx if given. */
int	kpause(const char *wmesg, bool intr, int ticks, kmutex_t *mtx);
void	yield(void);

/* ---------------------------------------------------------------------
 * Time: hz ticks per second, a monotonic tick counter, callout(9).
 */
extern int hz;
unsigned int getticks(void);
uint64_t kern_nanouptime(void);		/* ns since boot, monotonic */
/*
 * Advance the clock by n ticks, running due callouts in the caller.
 * In a machine with a clock thread, the thread calls this every 1/hz s;
 * a stepped (deterministic) machine calls it itself.
 */
void	hardclock(unsigned int n);
int	kern_clock_start(void);		/* start the clock thread */
void	kern_clock_stop(void);

typedef struct callout {
	TAILQ_ENTRY(callout) c_link;
	unsigned int	c_time;		/* tick when due */
	void		(*c_func)(void *);
	void		*c_arg;
	bool		c_pending;
} callout_t;
void	callout_init(callout_t *, int);
void	callout_destroy(callout_t *);
void	callout_setfunc(callout_t *, void (*)(void *), void *);
void	callout_schedule(callout_t *, int ticks);
void	callout_reset(callout_t *, int ticks, void (*)(void *), void *);
bool	callout_stop(callout_t *);
bool	callout_pending(callout_t *);

/* ---------------------------------------------------------------------
 * uio(9) and uiomove(9).
 */
enum uio_rw { UIO_READ, UIO_WRITE };
struct uio {
	struct iovec	*uio_iov;	/* scatter/gather list */
	int		uio_iovcnt;
	off_t		uio_offset;
	size_t		uio_resid;	/* bytes remaining */
	enum uio_rw	uio_rw;
	struct vmspace	*uio_vmspace;	/* user space, or NULL: kernel */
};
#define UIO_SETUP_SYSSPACE(uio)	((uio)->uio_vmspace = NULL)

/*
 * Move n bytes between buf and uio.  UIO_READ moves buf -> uio ("read
 * into the caller"), UIO_WRITE uio -> buf.  For a user vmspace the copy
 * goes through copyin_vmspace()/copyout_vmspace() (the pmap's copy(9)).
 */
int	uiomove(void *buf, size_t n, struct uio *);
int	copyin_vmspace(struct vmspace *, const void *uaddr, void *kaddr, size_t);
int	copyout_vmspace(struct vmspace *, const void *kaddr, void *uaddr, size_t);

/* ---------------------------------------------------------------------
 * Host resources a machine is built from.
 */

/*
 * Physical memory: one arena of `size' bytes (sparse: untouched pages cost
 * nothing), addressed by physical address 0..size-1.  It is a memfd so a
 * host-MMU pmap can map its pages more than once.
 */
int	kern_physmem_create(psize_t size);
void	kern_physmem_destroy(void);
void	*kern_physmem_base(void);	/* direct map: kva of pa 0 */
psize_t	kern_physmem_size(void);
int	kern_physmem_fd(void);
/* Give back the host memory behind [pa, pa+len) (it reads as zero after). */
void	kern_physmem_discard(paddr_t pa, psize_t len);

/*
 * Host address space (kern_hostva.c), for a pmap whose kernel addresses
 * are real host addresses: reserve a window nobody else will map, put
 * physical pages (byte ranges of the physmem arena) at fixed addresses
 * inside it with a protection, and put the reservation back.  The
 * protection is VM_PROT_* bits.  Errors are errno values (ENOMEM when
 * the host refuses; ENODEV when physical memory cannot be mapped twice).
 */
int	kern_hostva_reserve(size_t size, size_t align, vaddr_t *vap);
void	kern_hostva_release(vaddr_t va, size_t size);
int	kern_hostva_map_phys(vaddr_t va, size_t len, paddr_t pa, int prot);
int	kern_hostva_protect(vaddr_t va, size_t len, int prot);
int	kern_hostva_unmap(vaddr_t va, size_t len);
/*
 * Asymmetric barrier: after a true kern_membarrier_init(),
 * kern_membarrier_sync() makes every thread of the process execute a full
 * memory barrier, so the other side may use a compiler barrier only.
 */
bool	kern_membarrier_init(void);
void	kern_membarrier_sync(void);

/*
 * Host files: backing store for swap devices and vnodes.  Errors are
 * errno values; short reads past EOF return zeroes.
 */
struct kfile;
#define KF_READ		0x01
#define KF_WRITE	0x02
#define KF_CREAT	0x04
#define KF_TRUNC	0x08
#define KF_TEMP		0x10	/* unlink right after opening */
int	kfile_open(const char *path, int flags, struct kfile **);
int	kfile_close(struct kfile *);
int	kfile_read(struct kfile *, void *, size_t, off_t);
int	kfile_write(struct kfile *, const void *, size_t, off_t);
/* Vectored (no copy); the iovec array is consumed. */
int	kfile_readv(struct kfile *, struct iovec *, int iovcnt, off_t);
int	kfile_writev(struct kfile *, struct iovec *, int iovcnt, off_t);
int	kfile_size(struct kfile *, off_t *);
int	kfile_truncate(struct kfile *, off_t);
int	kfile_sync(struct kfile *);
const char *kfile_path(const struct kfile *);

/*
 * buf(9)-shaped I/O requests over kfiles (kern_bio.c).  A request moves
 * b_bcount bytes between the file at b_offset and a vector of b_nseg
 * (kva, len) segments (the pages of a cluster: their addresses are not
 * contiguous).  kfile_strategy() starts it.  Without B_ASYNC the caller
 * waits with biowait(), which returns b_error.  With B_ASYNC, b_iodone
 * must be set: it is called (by biodone()) once the transfer is over, in
 * the context of an I/O thread, or, in a deterministic machine, of
 * whoever completes queued requests with biodrain(); never with the
 * submitter's locks held.  b_iodone owns the buf (putiobuf() it).
 * b_resid is the part not transferred when b_error is set.
 */
#define B_WRITE		0x0000
#define B_READ		0x0001	/* file -> memory */
#define B_ASYNC		0x0002	/* do not wait: b_iodone completes it */
#define B_DONE		0x0004	/* transfer over (biodone() ran) */

struct buf {
	int		b_flags;	/* B_* */
	int		b_error;	/* 0 or errno */
	struct kfile	*b_kf;		/* the file */
	off_t		b_offset;	/* byte offset in the file */
	size_t		b_bcount;	/* bytes to move (sum of segments) */
	size_t		b_resid;	/* bytes not moved */
	int		b_nseg;		/* segments in use */
	int		b_maxseg;	/* room in b_seg */
	struct iovec	*b_seg;		/* the memory side */
	void		(*b_iodone)(struct buf *);
	void		*b_private;	/* the submitter's */
	TAILQ_ENTRY(buf) b_actq;	/* private: the request queue */
};

struct buf *getiobuf(struct kfile *, int maxseg);
void	putiobuf(struct buf *);
/* Append [kva, kva + len) to the transfer (merged with the last one). */
void	bio_addseg(struct buf *, void *kva, size_t len);
void	kfile_strategy(struct buf *);
int	biowait(struct buf *);
void	biodone(struct buf *);
/*
 * The machine's I/O engine: kern_bio_start(n) with n > 0 starts n I/O
 * threads; n == 0 is deterministic: asynchronous requests wait in a
 * queue until somebody calls biodrain() (or biowait()s one of them).
 * biodrain() (nothing locked) completes every request submitted so far:
 * deterministic mode runs them in the caller, threaded mode waits for
 * the threads; it returns whether there was any.  bio_deferred() says
 * whether a deterministic queue holds requests.  kern_bio_stop() drains
 * and stops.  kern_bio_hold(true) keeps the threads from starting new
 * requests (a test hook: see async work in flight); false lets them go.
 */
int	kern_bio_start(int nthreads);
void	kern_bio_stop(void);
bool	biodrain(void);
bool	bio_deferred(void);
void	kern_bio_hold(bool);
unsigned int bio_inflight(void);	/* asynchronous requests not done */

/* Seeded, per-machine pseudo random numbers (cprng_fast(9)). */
void	kern_random_seed(uint64_t);
uint32_t cprng_fast32(void);
uint64_t cprng_fast64(void);

/* Number of host CPUs the machine models (for per-CPU statistics). */
extern int ncpu;

#endif /* _UVM_UVM_KERN_H_ */
