/*
 * uvm_page.h: the physical page (struct vm_page) and its states.
 *
 * Every managed physical page has one vm_page, kept in its physical
 * segment's array (uvm_physseg.c).  A page is always in exactly one of
 * these states:
 *
 *	free		on a free list (pqflags PQ_FREE), owned by nobody;
 *			PG_ZERO set iff its bytes are known to be zero
 *	queued		owned by an object or an anon, on the active or
 *			inactive paging queue (PQ_ACTIVE / PQ_INACTIVE)
 *	wired		owned, wire_count > 0, on no paging queue
 *	unqueued	owned, freshly allocated or being paged (PG_BUSY):
 *			on no queue until the owner activates it
 *
 * Legal transitions: free -> unqueued (uvm_pagealloc); unqueued <->
 * queued (uvm_pageactivate/deactivate/dequeue); queued/unqueued <-> wired
 * (uvm_pagewire/unwire); any owned state -> free (uvm_pagefree).
 *
 * Locking, by the letter at the start of each field's comment:
 *	o	owner's lock (uobject->vmobjlock, or the anon's lock)
 *	f	uvm_fpageqlock (free lists)
 *	q	uvm_pageqlock (paging queues)
 *	m	the pmap's own locks (machine-dependent part)
 *	c	constant after boot
 */

#ifndef _UVM_UVM_PAGE_H_
#define _UVM_UVM_PAGE_H_

#include <uvm/uvm_extern.h>

/*
 * The machine-dependent part of a page: one word that the pmap owns
 * (the soft pmap keeps its pv list head and referenced/modified bits in
 * it).
 */
struct vm_page_md {
	uintptr_t	mdpg_word;	/* m: pmap private */
};

struct vm_page {
	TAILQ_ENTRY(vm_page) pageq;	/* f,q: free list or paging queue */
	struct uvm_object *uobject;	/* o: object (O), or NULL */
	struct vm_anon	*uanon;		/* o: anon (A), or NULL */
	voff_t		offset;		/* o: offset into object (O) */
	paddr_t		phys_addr;	/* c: physical address of page */
	uint16_t	flags;		/* o: PG_* */
	uint16_t	pqflags;	/* q: PQ_* (paging queue state) */
	uint16_t	wire_count;	/* o,q: wired down map refs */
	uint16_t	loan_count;	/* o,q: number of active loans */
	struct vm_page_md mdpage;	/* m: pmap specific data */
};

TAILQ_HEAD(pglist, vm_page);

/* pg->flags: owner state (locked by the owner). */
#define PG_CLEAN	0x0001	/* page has not been modified */
#define PG_DIRTY	0x0002	/* page is known to be modified */
#define PG_BUSY		0x0004	/* page is locked (I/O, being set up) */
#define PG_WANTED	0x0008	/* someone sleeps for PG_BUSY to clear */
#define PG_TABLED	0x0010	/* page is in its object's page tree */
#define PG_FAKE		0x0020	/* page contents not yet valid */
#define PG_RELEASED	0x0040	/* free the page when unbusied */
#define PG_RDONLY	0x0080	/* page must be mapped read-only */
#define PG_READONLY	PG_RDONLY
#define PG_ZERO		0x0100	/* page is known to be zero filled */
#define PG_MARKER	0x0200	/* dummy marker page (queue scans) */
#define PG_PAGEOUT	0x0400	/* page is being paged out */
#define PG_AOBJ		0x0800	/* page belongs to an aobj */
#define PG_FILE		0x1000	/* page belongs to a vnode */
#define PG_ANON		0x2000	/* page is owned by an anon */
#define PG_SWAPBACKED	(PG_ANON | PG_AOBJ)

#define UVM_PGFLAGBITS \
	"\20\1CLEAN\2DIRTY\3BUSY\4WANTED\5TABLED\6FAKE\7RELEASED" \
	"\10RDONLY\11ZERO\12MARKER\13PAGEOUT\14AOBJ\15FILE\16ANON"

/* pg->pqflags: queue state (locked by the page queue lock). */
#define PQ_FREE		0x0001	/* page is on a free list */
#define PQ_ACTIVE	0x0002	/* page is on the active queue */
#define PQ_INACTIVE	0x0004	/* page is on the inactive queue */
#define PQ_QMASK	(PQ_FREE | PQ_ACTIVE | PQ_INACTIVE)
#define PQ_ANON		0x0010	/* loaned-out object page is now an anon's */
#define PQ_READAHEAD	0x0020	/* read-ahead but not yet used */
#define PQ_FREELIST	0x00c0	/* c: the page's free list (VM_FREELIST_*) */
#define PQ_FREELIST_SHIFT 6
#define PQ_PRIVATE	0xff00	/* bits the paging policy may use */
/* Code that rewrites pqflags must keep PQ_FREELIST (set once at boot). */

/* Translating between pages and physical addresses. */
#define VM_PAGE_TO_PHYS(pg)	((pg)->phys_addr)
struct vm_page *uvm_phys_to_vm_page(paddr_t);
#define PHYS_TO_VM_PAGE(pa)	uvm_phys_to_vm_page(pa)

CTASSERT(sizeof(struct vm_page) <= 64 || sizeof(void *) != 8);
CTASSERT(VM_NFREELIST <= (PQ_FREELIST >> PQ_FREELIST_SHIFT) + 1);

/* Page colour of a page (the low bits of its frame number). */
#define VM_PGCOLOR(pg) \
	((unsigned)atop(VM_PAGE_TO_PHYS(pg)) & (unsigned)(uvmexp.ncolors - 1))

/* ---------------------------------------------------------------------
 * Operations on pages (uvm_page.c).
 */
/* Page queues: see the state list above. */
void	uvm_pageactivate(struct vm_page *);
void	uvm_pagedeactivate(struct vm_page *);
void	uvm_pagedequeue(struct vm_page *);
void	uvm_pageenqueue(struct vm_page *);
void	uvm_pagewire(struct vm_page *);
void	uvm_pageunwire(struct vm_page *);
void	uvm_pagezero(struct vm_page *);
void	uvm_pagecopy(struct vm_page *, struct vm_page *);
/* Busy/wanted protocol. */
void	uvm_pagewait(struct vm_page *, kmutex_t *, const char *);
void	uvm_pageunbusy(struct vm_page *);
void	uvm_page_unbusy(struct vm_page **, int);
void	uvm_pagewakeup(struct vm_page *);
bool	uvm_pagecheckdirty(struct vm_page *, bool);
/* Lookup in an object. */
struct vm_page *uvm_pagelookup(struct uvm_object *, voff_t);
/* The page's contents as the kernel sees them (direct map). */
void	*uvm_page_kva(struct vm_page *);
/*
 * Fill the zero pool: zero up to n free pages of unknown contents (an
 * idle loop's work); returns how many it zeroed.
 */
int	uvm_pageidlezero(int n);
/* Which free list a page belongs to. */
int	uvm_page_lookup_freelist(struct vm_page *);

/*
 * Global page locks.  Lock order: owner (object or anon) -> uvm_pageqlock
 * -> uvm_fpageqlock.  The queue functions above take uvm_pageqlock
 * themselves unless the caller already holds it (a caller working on many
 * pages, such as the pagedaemon, may hold it across the batch).
 */
extern kmutex_t uvm_pageqlock;		/* paging queues */
extern kmutex_t uvm_fpageqlock;		/* free lists */

/* The physical layer's invariant checker: 0 or a description (static). */
const char *uvm_page_check(void);

#endif /* _UVM_UVM_PAGE_H_ */
