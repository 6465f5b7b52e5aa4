/*
 * uvm_impl.h: interfaces between UVM's own subsystems (not for outsiders).
 *
 * Boot order (uvm_machine.c):
 *	kern_physmem_create -> uvm_md_init (uvm_setpagesize, uvm_physseg_init)
 *	-> uvm_page_physload per segment -> pmap_select, pmap_bootstrap
 *	-> uvm_init (uvm_page_init, pmap_init, uvm_map_init, uvm_km_init)
 *	-> uvm_init_limits(&lwp0)
 * Shutdown runs the *_fini functions in the reverse order.
 */

#ifndef _UVM_UVM_IMPL_H_
#define _UVM_UVM_IMPL_H_

#include <uvm/uvm.h>

/*
 * Physical memory is split between two files:
 *  - uvm_physseg.c owns the segment table and each segment's vm_page array
 *    (allocated with kmem at uvm_page_physload()/uvm_physseg_plug() time,
 *    every page's phys_addr set, everything else zero);
 *  - uvm_page.c owns what pages are used for: free lists, queues, owners.
 * uvm_page_init() puts every available page of every loaded segment on
 * the free lists once; after that, plug and unplug call back into
 * uvm_page.c to add or withdraw a segment's pages.
 */
/*
 * For functions called both with and without a lock held (a caller
 * working on many pages may hold uvm_pageqlock or uvm_fpageqlock across
 * the batch): take lock unless the caller holds it; true if taken, for
 * uvm_unlock_taken().
 */
static inline bool
uvm_lock_unless_owned(kmutex_t *lock)
{
	if (mutex_owned(lock))
		return false;
	mutex_enter(lock);
	return true;
}

static inline void
uvm_unlock_taken(kmutex_t *lock, bool taken)
{
	if (taken)
		mutex_exit(lock);
}

/* uvm_page.c */
void	uvm_page_init(void);
void	uvm_page_fini(void);
bool	uvm_page_init_done_p(void);
/* Pages [pfn, pfn+npages) of seg have become available: free them. */
void	uvm_page_seg_plugged(uvm_physseg_t, paddr_t pfn, psize_t npages);
/*
 * Withdraw pages [pfn, pfn+npages) of seg from the free lists: all or
 * nothing.  False (and nothing changed) if any of them is not free.
 */
bool	uvm_page_seg_withdraw(uvm_physseg_t, paddr_t pfn, psize_t npages);
/* newpg takes the place of oldpg, on loan, in its object (uvm_loanbreak). */
void	uvm_pagereplace(struct vm_page *, struct vm_page *);
/*
 * The pagedaemon's lwp (set by whoever starts it; NULL: none).  Only it
 * may dig into uvmexp.reserve_pagedaemon (uvm_pagealloc with
 * UVM_PGA_USERESERVE); an lwp with LW_PAGEDAEMON set counts as it too.
 */
extern struct lwp *uvm_pagedaemon_lwp;
/* uvm_physseg.c */
void	uvm_physseg_fini(void);
int	uvm_physseg_count(void);
/* uvm_map.c */
void	uvm_map_init(void);
void	uvm_map_fini(void);
/*
 * Make [start, end) of map, mapped by one plain entry (no object, no
 * amap; uvm_map() it with UVM_FLAG_NOMERGE first), refer to submap.
 * 0 or EINVAL.  Used by uvm_km_suballoc().
 */
int	uvm_map_submap(struct vm_map *, vaddr_t, vaddr_t, struct vm_map *);
/*
 * uvm_fault.c: wiring faults.  uvm_fault_wire() faults in and wires
 * [start, end) of map (whose entries the caller has already marked
 * wired); uvm_fault_unwire() releases the pages' wiring.
 */
int	uvm_fault_wire(struct vm_map *, vaddr_t, vaddr_t, vm_prot_t, int);
void	uvm_fault_unwire(struct vm_map *, vaddr_t, vaddr_t);
void	uvm_fault_unwire_locked(struct vm_map *, vaddr_t, vaddr_t);
/* Install uvm_fault() as the pmap's CPU fault hook (uvm_init). */
void	uvm_fault_init(void);
/*
 * What a fault knows about where it happened (NetBSD's uvm_faultinfo),
 * for pagers with their own fault routine (pgo_fault) and the helpers
 * they use to unlock and relock.
 */
struct uvm_faultinfo {
	struct vm_map		*orig_map;	/* IN: original map */
	vaddr_t			orig_rvaddr;	/* IN: original rounded VA */
	vsize_t			orig_size;	/* IN: original size of interest */
	struct vm_map		*map;		/* map (could be a submap) */
	unsigned int		mapv;		/* map's version number */
	struct vm_map_entry	*entry;		/* map entry (from 'map') */
	vsize_t			size;		/* size of interest */
};
bool	uvmfault_lookup(struct uvm_faultinfo *, bool);
bool	uvmfault_relock(struct uvm_faultinfo *);
void	uvmfault_unlockmaps(struct uvm_faultinfo *, bool);
void	uvmfault_unlockall(struct uvm_faultinfo *, struct vm_amap *,
	    struct uvm_object *);
/*
 * uvm_loan.c: breaking a loan when the owner writes (the fault handler).
 * uvm_loanbreak() gives the locked object a copy of its loaned page in
 * its place (returned busy; NULL: no memory); uvm_loanbreak_anon() gives
 * the locked anon a copy of its loaned page (0 or ENOMEM).
 */
struct vm_page *uvm_loanbreak(struct vm_page *);
int	uvm_loanbreak_anon(struct vm_anon *);
/* uvm_amap.c, uvm_anon.c, uvm_aobj.c: pools and boot. */
void	uvm_amap_init(void);
void	uvm_amap_fini(void);
void	uvm_anon_init(void);
void	uvm_anon_fini(void);
void	uvm_aobj_init(void);
void	uvm_aobj_fini(void);
/* uvm_bio.c: UBC windows (after uvm_km_init), and dropping an object's. */
void	ubc_init(void);
void	ubc_fini(void);
void	ubc_purge(struct uvm_object *);
/* uvm_device.c: the device switch and pager. */
void	udv_init(void);
void	udv_fini(void);
/* uvm_swap.c */
void	uvm_swap_fini(void);
/*
 * uvm_pdaemon.c: the pagedaemon (see uvm_pdpolicy.h for the policies).
 * Boot: uvm_pdpolicy_select() before uvm_init() (EINVAL: no such
 * policy), uvm_pdaemon_start() after swap is on; uvm_pdaemon_stop()
 * first thing at shutdown.
 */
int	uvm_pdpolicy_select(const char *);
int	uvm_pdaemon_start(void);
void	uvm_pdaemon_stop(void);
void	uvmpd_tune(void);
/* Wake the daemon (free memory fell below freemin). */
void	uvm_kick_pdaemon(void);
/* Sleep (or, stepped, run a pass) until the daemon freed memory. */
void	uvm_wait(const char *);
/* Can waiting give memory back?  False: fail with ENOMEM. */
bool	uvm_reclaimable(void);
/* After a failed allocation: 0 once waiting helped (retry) or ENOMEM. */
int	uvm_wait_nomem(const char *);
/* uvmexp.swpgonly changes only through this. */
void	uvmpd_swpgonly(int delta);
/*
 * Read pg (just allocated for its owner, busy, owner locked) from swap
 * slot: 0 (pg valid, state unknown, swpgonly down one) or EIO (the slot
 * is marked bad and stays its owner's; the caller frees pg).  Counts
 * nswget.
 */
int	uvm_swap_pagein(struct vm_page *, int slot);
/*
 * The same for pps[center] from slot with its read-ahead neighbours
 * pps[i] from slot + i - center in one I/O (uvm_swap.c): a neighbour
 * that cannot be read is freed and its entry set to NULL; on EIO every
 * neighbour is.
 */
int	uvm_swap_pagein_cluster(struct vm_page **, int npages, int center,
	    int slot);
/*
 * Swap read-ahead (uvm_swap.c): a swap-backed page being used counts a
 * hit if it was read ahead; the adaptive window for a pagein of slot (at
 * most max pages); the read-ahead pages of a pagein go inactive,
 * unbusied (all but the centre).  A window of UVM_SWAP_RAHOLES pages or
 * more (the access has shown itself sequential) reads past resident
 * pages of the run (holes).
 */
#define UVM_SWAP_RAHOLES	8
void	uvm_swap_rahit(struct vm_page *);
int	uvm_swap_rawindow(int slot, int max);
void	uvm_swap_raqueue(struct vm_page **, int npages, int center);
/*
 * Asynchronous pageout: the write of pages pgs[0 .. npages) (busy, under
 * pageout, owners unlocked) to slots [slot, slot + npages) ended with
 * error (0 or EIO): record the slots or mark them bad, free or unbusy
 * the pages (uvm_pdaemon.c; the swap I/O completion calls it with
 * nothing locked).  uvm_anon_release (uvm_anon.c) frees an anon that
 * was freed while its page was under pageout (PG_RELEASED).
 */
void	uvm_aio_aiodone_pages(struct vm_page **, int npages, int slot,
	    int error);
void	uvm_anon_release(struct vm_anon *);
/*
 * A pager writing pages for the pagedaemon asynchronously: npages go
 * under pageout (uvm_pageout_start, paging counts them); its completion
 * (nothing locked) says how many it freed (uvm_pageout_done).
 */
void	uvm_pageout_start(int npages);
void	uvm_pageout_done(int npages, int nfreed);
/* Complete queued I/O of a deterministic machine (nothing locked). */
void	uvm_aio_drain(void);
/* Walkers for the checker: every anon of every amap (an anon shared by
 * several amaps is visited once per amap), every aobj slot. */
void	uvm_amap_foreach_anon(void (*)(struct vm_anon *, void *), void *);
void	uao_foreach_swslot(void (*)(struct uvm_object *, int idx, int slot,
	    bool resident, void *), void *);
/*
 * SWAP_OFF: page back in every anon (amap_swap_off, uvm_amap.c) and
 * every aobj page (uao_swap_off, uvm_aobj.c) whose swap slot lies in
 * [startslot, endslot), freeing the slots.  0, or ENOMEM, EIO or EBUSY
 * with nothing lost (what was paged in stays in; the rest keep slots).
 */
int	amap_swap_off(int startslot, int endslot);
int	uao_swap_off(int startslot, int endslot);
/* uvm_glue.c: the swapper's boot and shutdown; wake it (uvm_meter). */
void	uvm_scheduler_init(void);
void	uvm_scheduler_fini(void);
void	uvm_scheduler_wakeup(void);
/* uvm_km.c: the kernel map covers [start, end). */
void	uvm_km_init(vaddr_t start, vaddr_t end);
void	uvm_km_fini(void);
/* The aobj behind pageable kernel memory: offset = va - kernel map min. */
extern struct uvm_object *uvm_kernel_object;
/* uvm_init.c: the booted machine's description. */
extern struct uvm_machine uvm_machine;
extern bool uvm_booted;

#endif /* _UVM_UVM_IMPL_H_ */
