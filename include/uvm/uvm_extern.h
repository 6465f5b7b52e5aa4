/*
 * uvm_extern.h: UVM's external interface, as uvm(9) describes it.
 *
 * This is the header outsiders include (through <uvm/uvm.h>).  It holds
 * the flags, the uvmexp structure and the prototypes of every function of
 * the seeds: initialization, address spaces, faults, files and devices,
 * uio I/O, kernel memory, physical memory, the two kernel processes, loans
 * and the miscellaneous functions.  Structures live in the per-subsystem
 * headers it includes.
 */

#ifndef _UVM_UVM_EXTERN_H_
#define _UVM_UVM_EXTERN_H_

#include <uvm/uvm_param.h>
#include <uvm/uvm_kern.h>

struct vm_map;
struct vm_map_entry;
struct vm_page;
struct vm_anon;
struct vm_amap;
struct uvm_object;
struct vmspace;
struct vnode;
struct pglist;
struct swapent;
struct pmap;

/* ---------------------------------------------------------------------
 * uvm_map() flags: UVM_MAPFLAG(prot, maxprot, inh, advice, flags).
 */
#define UVM_PROT_MASK	0x07	/* protection mask */
#define UVM_PROT_NONE	0x00	/* protection none */
#define UVM_PROT_ALL	0x07	/* everything */
#define UVM_PROT_READ	0x01	/* read */
#define UVM_PROT_WRITE	0x02	/* write */
#define UVM_PROT_EXEC	0x04	/* exec */
#define UVM_PROT_R	0x01	/* read */
#define UVM_PROT_W	0x02	/* write */
#define UVM_PROT_RW	0x03	/* read-write */
#define UVM_PROT_X	0x04	/* exec */
#define UVM_PROT_RX	0x05	/* read-exec */
#define UVM_PROT_WX	0x06	/* write-exec */
#define UVM_PROT_RWX	0x07	/* read-write-exec */

#define UVM_INH_MASK	0x30	/* inherit mask */
#define UVM_INH_SHARE	0x00	/* "share" */
#define UVM_INH_COPY	0x10	/* "copy" */
#define UVM_INH_NONE	0x20	/* "none" */
#define UVM_INH_DONATE	0x30	/* "donate" << not used */
#define UVM_INH_ZERO	0x30	/* "zero" (OpenBSD; the unused donate slot) */

#define UVM_ADV_NORMAL		0x0	/* 'normal' */
#define UVM_ADV_RANDOM		0x1	/* 'random' */
#define UVM_ADV_SEQUENTIAL	0x2	/* 'sequential' */
#define UVM_ADV_WILLNEED	0x3	/* pages will be needed */
#define UVM_ADV_DONTNEED	0x4	/* pages won't be needed */
#define UVM_ADV_NOREUSE		0x5	/* pages will be used only once */
#define UVM_ADV_MASK		0x7	/* mask */

#define UVM_FLAG_FIXED		0x00010000 /* find space */
#define UVM_FLAG_OVERLAY	0x00020000 /* establish overlay */
#define UVM_FLAG_NOMERGE	0x00040000 /* don't merge map entries */
#define UVM_FLAG_COPYONW	0x00080000 /* set copy_on_write flag */
#define UVM_FLAG_AMAPPAD	0x00100000 /* for bss: pad amap */
#define UVM_FLAG_TRYLOCK	0x00200000 /* fail if we can not lock map */
#define UVM_FLAG_NOWAIT		0x00400000 /* not allowed to sleep */
#define UVM_FLAG_WAITVA		0x00800000 /* wait for va */
#define UVM_FLAG_VAONLY		0x02000000 /* unmap: no pages are mapped */
#define UVM_FLAG_COLORMATCH	0x04000000 /* match color given in off */
#define UVM_FLAG_UNMAP		0x08000000 /* unmap existing entries */

#define UVM_FLAG_MASK		0x0fff0000

#define UVM_MAPFLAG(prot, maxprot, inh, advice, flags)			\
	((prot) | ((maxprot) << 8) | (inh) | ((advice) << 12) | (flags))

#define UVM_PROTECTION(X)	((X) & UVM_PROT_MASK)
#define UVM_INHERIT(X)		(((X) & UVM_INH_MASK) >> 4)
#define UVM_MAXPROTECTION(X)	(((X) >> 8) & UVM_PROT_MASK)
#define UVM_ADVICE(X)		(((X) >> 12) & UVM_ADV_MASK)

/* uvm_map() uoffset that means "no offset known". */
#define UVM_UNKNOWN_OFFSET	((voff_t)-1)

/* uvm_km_alloc()/uvm_km_free() flags. */
#define UVM_KMF_WIRED		0x1	/* allocation type: wired */
#define UVM_KMF_PAGEABLE	0x2	/* allocation type: pageable */
#define UVM_KMF_VAONLY		0x4	/* allocation type: VA only */
#define UVM_KMF_TYPEMASK	(UVM_KMF_VAONLY | UVM_KMF_PAGEABLE | UVM_KMF_WIRED)
#define UVM_KMF_CANFAIL		0x8	/* caller handles failure */
#define UVM_KMF_ZERO		0x10	/* want zero filled memory */
#define UVM_KMF_EXEC		0x20	/* need executable mapping */
#define UVM_KMF_TRYLOCK		UVM_FLAG_TRYLOCK	/* try locking only */
#define UVM_KMF_NOWAIT		UVM_FLAG_NOWAIT		/* not allowed to sleep */
#define UVM_KMF_WAITVA		UVM_FLAG_WAITVA		/* sleep for va */
#define UVM_KMF_COLORMATCH	UVM_FLAG_COLORMATCH	/* start at color in align */

/* uvm_pagealloc() flags. */
#define UVM_PGA_USERESERVE	0x0001	/* ok to use reserve pages */
#define UVM_PGA_ZERO		0x0002	/* returned page must be zero'd */

/* uvm_pagealloc_strat() strategies. */
#define UVM_PGA_STRAT_NORMAL	0	/* priority (low id to high) walk */
#define UVM_PGA_STRAT_ONLY	1	/* only specified free list */
#define UVM_PGA_STRAT_FALLBACK	2	/* ONLY falls back on NORMAL */

/* uvm_pglistalloc() flags (OpenBSD); NetBSD's waitok 0/1 also accepted. */
#define UVM_PLA_WAITOK		0x0001	/* may sleep */
#define UVM_PLA_NOWAIT		0x0002	/* can't sleep */
#define UVM_PLA_ZERO		0x0004	/* zero all pages before returning */

/* uvm_loan() flags. */
#define UVM_LOAN_TOANON		0x01	/* loan to anons */
#define UVM_LOAN_TOPAGE		0x02	/* loan to kernel */

/* uao_create() flags. */
#define UAO_FLAG_KERNOBJ	0x1	/* create kernel object */
#define UAO_FLAG_KERNSWAP	0x2	/* enable kernel swap */

/* uvn_findpages() flags. */
#define UFP_ALL		0x00	/* return all pages requested */
#define UFP_NOWAIT	0x01	/* don't sleep */
#define UFP_NOALLOC	0x02	/* don't allocate new pages */
#define UFP_NOCACHE	0x04	/* don't return pages which already exist */
#define UFP_NORDONLY	0x08	/* don't return PG_READONLY pages */
#define UFP_DIRTYONLY	0x10	/* don't return clean pages */
#define UFP_BACKWARD	0x20	/* traverse pages in reverse order */

/* ubc_alloc()/ubc_release()/ubc_uiomove() flags. */
#define UBC_READ	0x001	/* reading from object */
#define UBC_WRITE	0x002	/* writing to object */
#define UBC_FAULTBUSY	0x004	/* nobody else is using these pages */
#define UBC_UNMAP	0x010	/* unmap pages now -- don't leave cached */
#define UBC_PARTIALOK	0x100	/* return early on error */

/* uvm_kernacc()/uvm_chgkprot() rw: the access, as buf(9)'s b_flags. */
#ifndef B_READ
#define B_READ		0x00100000	/* read access */
#define B_WRITE		0x00000000	/* write access */
#endif

/* uvm_map_pageable() lockflags. */
#define UVM_LK_ENTER	0x1	/* map locked on entry */
#define UVM_LK_EXIT	0x2	/* leave map locked on exit */

/* uvm_fault() flags in access_type beyond VM_PROT_*. */
#define VM_FAULT_WIRE	0x10	/* fault wires the page (internal) */

/* Free lists of physical memory (uvm_page_physload()). */
#define VM_NFREELIST		4
#define VM_FREELIST_DEFAULT	0
#define VM_FREELIST_ANY		(-1)

/* ---------------------------------------------------------------------
 * uvmexp: all global state of UVM (uvm(9) SYSCTL), plus the counters
 * NetBSD keeps beside it (zero pool, colours, page classes).
 * Every counter is bumped in exactly one place.
 */
struct uvmexp {
	/* vm_page constants */
	int pagesize;	/* size of a page (PAGE_SIZE): must be power of 2 */
	int pagemask;	/* page mask */
	int pageshift;	/* page shift */

	/* vm_page counters */
	int npages;	/* number of pages we manage */
	int free;	/* number of free pages */
	int active;	/* number of active pages */
	int inactive;	/* number of pages that we free'd but may want back */
	int paging;	/* number of pages in the process of being paged out */
	int wired;	/* number of wired pages */
	int zeropages;	/* number of zero'd pages on the free lists */
	int reserve_pagedaemon; /* number of pages reserved for pagedaemon */
	int reserve_kernel; /* number of pages reserved for kernel */
	int anonpages;	/* number of pages used by anon mappings */
	int filepages;	/* number of pages used by cached file data */
	int execpages;	/* number of pages used by cached exec data */
	int ncolors;	/* number of page colors */

	/* pageout params */
	int freemin;	/* min number of free pages */
	int freetarg;	/* target number of free pages */
	int inactarg;	/* target number of inactive pages */
	int wiredmax;	/* max number of wired pages */
	int anonmin;	/* min threshold for anon pages (%) */
	int execmin;	/* min threshold for executable pages (%) */
	int filemin;	/* min threshold for file pages (%) */
	int anonmax;	/* max threshold for anon pages (%) */
	int execmax;	/* max threshold for executable pages (%) */
	int filemax;	/* max threshold for file pages (%) */

	/* swap */
	int nswapdev;	/* number of configured swap devices in system */
	int swpages;	/* number of PAGE_SIZE'ed swap pages */
	int swpgavail;	/* number of swap pages currently available */
	int swpginuse;	/* number of swap pages in use */
	int swpgonly;	/* number of swap pages in use, not also in RAM */
	int nswget;	/* number of times fault calls uvm_swap_get() */
	int nanon;	/* number total of anon's in system */
	int nfreeanon;	/* number of free anon's */

	/* stat counters */
	int faults;		/* page fault count */
	int traps;		/* trap count */
	int intrs;		/* interrupt count */
	int swtch;		/* context switch count */
	int softs;		/* software interrupt count */
	int syscalls;		/* system calls */
	int pageins;		/* pagein operation count */
				/* pageouts are in pdpageouts below */
	int swapins;		/* swapins */
	int swapouts;		/* swapouts */
	int pgswapin;		/* pages swapped in */
	int pgswapout;		/* pages swapped out */
	int forks;		/* forks */
	int forks_ppwait;	/* forks where parent waits */
	int forks_sharevm;	/* forks where vmspace is shared */
	int pga_zerohit;	/* pagealloc where zero wanted and zero was there */
	int pga_zeromiss;	/* pagealloc where zero wanted and zero not there */
	int zeroaborts;		/* number of times page zeroing was aborted */
	int colorhit;		/* pagealloc where we got optimal color */
	int colormiss;		/* pagealloc where we didn't */

	/* fault subcounters */
	int fltnoram;	/* number of times fault was out of ram */
	int fltnoanon;	/* number of times fault was out of anons */
	int fltnoamap;	/* number of times fault was out of amap chunks */
	int fltpgwait;	/* number of times fault had to wait on a page */
	int fltpgrele;	/* number of times fault found a released page */
	int fltrelck;	/* number of times fault relock called */
	int fltrelckok;	/* number of times fault relock is a success */
	int fltanget;	/* number of times fault gets anon page */
	int fltanretry;	/* number of times fault retrys an anon get */
	int fltamcopy;	/* number of times fault clears "needs copy" */
	int fltnamap;	/* number of times fault maps a neighbor anon page */
	int fltnomap;	/* number of times fault maps a neighbor obj page */
	int fltlget;	/* number of times fault does a locked pgo_get */
	int fltget;	/* number of times fault does an unlocked get */
	int flt_anon;	/* number of times fault anon (case 1a) */
	int flt_acow;	/* number of times fault anon cow (case 1b) */
	int flt_obj;	/* number of times fault is on object page (2a) */
	int flt_prcopy;	/* number of times fault promotes with copy (2b) */
	int flt_przero;	/* number of times fault promotes with zerofill (2b) */

	/* daemon counters */
	int pdwoke;	/* number of times daemon woke up */
	int pdrevs;	/* number of times daemon rev'd clock hand */
	int pdswout;	/* number of times daemon called for swapout */
	int pdfreed;	/* number of pages daemon freed since boot */
	int pdscans;	/* number of pages daemon scanned since boot */
	int pdanscan;	/* number of anonymous pages scanned by daemon */
	int pdobscan;	/* number of object pages scanned by daemon */
	int pdreact;	/* number of pages daemon reactivated since boot */
	int pdbusy;	/* number of times daemon found a busy page */
	int pdpageouts;	/* number of times daemon started a pageout */
	int pdpending;	/* number of times daemon got a pending pageout */
	int pddeact;	/* number of pages daemon deactivates */
	int pdreanon;	/* anon pages reactivated due to thresholds */
	int pdrefile;	/* file pages reactivated due to thresholds */
	int pdreexec;	/* executable pages reactivated due to thresholds */

	/* kernel memory objects: managed by uvm_km_kmem_alloc() */
	int	unused_kernel_object;
};

extern struct uvmexp uvmexp;

/* ---------------------------------------------------------------------
 * INITIALIZATION (uvm_init.c, uvm_page.c, uvm_physseg.c, uvm_swap.c)
 */
void	uvm_init(void);
void	uvm_init_limits(struct lwp *);
void	uvm_md_init(void);
void	uvm_setpagesize(void);
void	uvm_swap_init(void);

/* ---------------------------------------------------------------------
 * VIRTUAL ADDRESS SPACE MANAGEMENT (uvm_map.c, uvm_glue.c)
 */
int	uvm_map(struct vm_map *, vaddr_t *, vsize_t, struct uvm_object *,
	    voff_t, vsize_t, uvm_flag_t);
void	uvm_unmap(struct vm_map *, vaddr_t, vaddr_t);
int	uvm_map_pageable(struct vm_map *, vaddr_t, vaddr_t, bool, int);
bool	uvm_map_checkprot(struct vm_map *, vaddr_t, vaddr_t, vm_prot_t);
int	uvm_map_protect(struct vm_map *, vaddr_t, vaddr_t, vm_prot_t, bool);
int	uvm_map_inherit(struct vm_map *, vaddr_t, vaddr_t, vm_inherit_t);
int	uvm_map_advice(struct vm_map *, vaddr_t, vaddr_t, int);
int	uvm_deallocate(struct vm_map *, vaddr_t, vsize_t);
struct vmspace *uvmspace_alloc(vaddr_t, vaddr_t, bool);
void	uvmspace_exec(struct lwp *, vaddr_t, vaddr_t);
struct vmspace *uvmspace_fork(struct vmspace *);
void	uvmspace_free(struct vmspace *);
void	uvmspace_addref(struct vmspace *);
void	uvmspace_share(struct proc *, struct proc *);
void	uvmspace_unshare(struct lwp *);
bool	uvm_uarea_alloc(vaddr_t *);
void	uvm_uarea_free(vaddr_t);

/* ---------------------------------------------------------------------
 * PAGE FAULT HANDLING (uvm_fault.c)
 */
int	uvm_fault(struct vm_map *, vaddr_t, vm_prot_t);

/* ---------------------------------------------------------------------
 * MEMORY MAPPING FILES AND DEVICES (uvm_vnode.c, uvm_bio.c)
 */
void	uvm_vnp_setsize(struct vnode *, voff_t);
void	*ubc_alloc(struct uvm_object *, voff_t, vsize_t *, int, int);
void	ubc_release(void *, int);
int	ubc_uiomove(struct uvm_object *, struct uio *, vsize_t, int, int);
void	uvn_findpages(struct uvm_object *, voff_t, int *, struct vm_page **,
	    int);

/* ---------------------------------------------------------------------
 * VIRTUAL MEMORY I/O (uvm_io.c)
 */
int	uvm_io(struct vm_map *, struct uio *);

/* ---------------------------------------------------------------------
 * ALLOCATION OF KERNEL MEMORY (uvm_km.c)
 */
vaddr_t	uvm_km_alloc(struct vm_map *, vsize_t, vsize_t, uvm_flag_t);
void	uvm_km_free(struct vm_map *, vaddr_t, vsize_t, uvm_flag_t);
struct vm_map *uvm_km_suballoc(struct vm_map *, vaddr_t *, vaddr_t *,
	    vsize_t, bool, bool, struct vm_map *);

/* ---------------------------------------------------------------------
 * ALLOCATION OF PHYSICAL MEMORY (uvm_page.c, uvm_pglist.c)
 */
struct vm_page *uvm_pagealloc_strat(struct uvm_object *, voff_t,
	    struct vm_anon *, int, int, int);
#define uvm_pagealloc(obj, off, anon, flags)				\
	uvm_pagealloc_strat((obj), (off), (anon), (flags),		\
	    UVM_PGA_STRAT_NORMAL, 0)
void	uvm_pagerealloc(struct vm_page *, struct uvm_object *, voff_t);
void	uvm_pagefree(struct vm_page *);
int	uvm_pglistalloc(psize_t, paddr_t, paddr_t, paddr_t, paddr_t,
	    struct pglist *, int, int);
void	uvm_pglistfree(struct pglist *);
void	uvm_page_physload(paddr_t, paddr_t, paddr_t, paddr_t, int);

/* ---------------------------------------------------------------------
 * PROCESSES (uvm_pdaemon.c, uvm_glue.c)
 */
void	uvm_pageout(void);
/* One pass of the pagedaemon in the caller's thread: pages freed. */
int	uvm_pageout_step(void);
/*
 * Swap slots vs. anons and aobjs (exact: also vs. swpginuse, swpgonly):
 * NULL if sound, else what is wrong.
 */
const char *uvm_pdaemon_check(bool exact);
void	uvm_scheduler(void);
void	uvm_swapin(struct lwp *);
/* The swapper: one pass (stepped machines), its thread, swapping out. */
bool	uvm_scheduler_step(void);
int	uvm_scheduler_start(void);
void	uvm_scheduler_stop(void);
int	uvm_swapout_threads(void);

/* ---------------------------------------------------------------------
 * PAGE LOAN (uvm_loan.c)
 */
int	uvm_loan(struct vm_map *, vaddr_t, vsize_t, void *, int);
void	uvm_unloan(void *, int, int);

/* ---------------------------------------------------------------------
 * MISCELLANEOUS FUNCTIONS
 */
struct uvm_object *uao_create(vsize_t, int);
void	uao_detach(struct uvm_object *);
void	uao_reference(struct uvm_object *);
bool	uvm_chgkprot(void *, size_t, int);
bool	uvm_kernacc(void *, size_t, int);
int	uvm_vslock(struct vmspace *, void *, size_t, vm_prot_t);
void	uvm_vsunlock(struct vmspace *, void *, size_t);
void	uvm_meter(void);
void	uvm_fork(struct lwp *, struct lwp *, bool);
void	uvm_proc_fork(struct proc *, struct proc *, bool);
int	uvm_grow(struct proc *, vaddr_t);
void	uvm_swap_stats(int, struct swapent *, int, register_t *);

#endif /* _UVM_UVM_EXTERN_H_ */
