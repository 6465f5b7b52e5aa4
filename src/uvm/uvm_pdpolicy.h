/*
 * uvm_pdpolicy.h: the page replacement policy interface (NetBSD's
 * uvmpdpol_* shape) between the page layer, the pagedaemon and a
 * policy.
 *
 * A policy owns the paging queues: it decides which queue a page is on
 * (the PQ_ACTIVE/PQ_INACTIVE bits and PQ_PRIVATE of pg->pqflags are
 * its), keeps uvmexp.active and uvmexp.inactive, and chooses victims for
 * the pagedaemon.  The page layer's uvm_pageactivate() and friends call
 * it; nothing else touches the queues.  The machine picks a policy at
 * boot by name (struct uvm_machine m_policy): "clock" (the default) or
 * "clockpro".
 *
 * Locking: every function is called with uvm_pageqlock held, and the
 * page's owner locked where a page is passed in.
 */

#ifndef _UVM_UVM_PDPOLICY_H_
#define _UVM_UVM_PDPOLICY_H_

#include <uvm/uvm.h>

struct uvm_pdpolicy {
	const char *pdp_name;
	/* Boot and shutdown (queues empty at fini). */
	void	(*pdp_init)(void);
	void	(*pdp_fini)(void);
	/* Recompute targets (inactarg ...) after uvmexp tunables change. */
	void	(*pdp_tune)(void);
	/* A page was used / is less useful / leaves the queues / arrives. */
	void	(*pdp_pageactivate)(struct vm_page *);
	void	(*pdp_pagedeactivate)(struct vm_page *);
	void	(*pdp_pagedequeue)(struct vm_page *);
	void	(*pdp_pageenqueue)(struct vm_page *);
	bool	(*pdp_pageisqueued_p)(struct vm_page *);
	/* An anon is freed (CLOCK-Pro keeps history of evicted pages). */
	void	(*pdp_anfree)(struct vm_anon *);
	/* The pagedaemon: should it scan, and which pages to look at. */
	bool	(*pdp_needsscan_p)(void);
	void	(*pdp_scaninit)(void);
	/*
	 * Next page to consider for eviction, or NULL at the end of the
	 * scan.  The page stays queued; the daemon locks its owner and
	 * decides (referenced pages go back through pdp_pageactivate).
	 */
	struct vm_page *(*pdp_selectvictim)(void);
	/* Move pages between queues to meet the targets. */
	void	(*pdp_balancequeue)(int swap_shortage);
	/* Pages the policy could give back (for the daemon's targets). */
	void	(*pdp_estimatepageable)(int *active, int *inactive);
	/* Invariant checker: NULL or a description. */
	const char *(*pdp_check)(void);
};

extern const struct uvm_pdpolicy uvm_pdpolicy_clock;
extern const struct uvm_pdpolicy uvm_pdpolicy_clockpro;
/*
 * CLOCK-Pro's state and event counts (uvm_pdpolicy_clockpro.c), for
 * tests, benchmarks and observers; uvm_pageqlock held.
 */
struct uvm_clockpro_stats {
	int		cs_npages;	/* resident pages on the clock */
	int		cs_nhot;	/* of which hot */
	int		cs_ncold;	/* of which cold */
	int		cs_ntest;	/* cold pages in their test period */
	int		cs_nghost;	/* non-resident pages remembered */
	int		cs_coldtarget;	/* the adaptive cold target m_c */
	int		cs_memsize;	/* m: resident + free above freetarg */
	uint64_t	cs_victims;	/* pages chosen by hand_cold */
	uint64_t	cs_promoted;	/* cold -> hot (test re-reference) */
	uint64_t	cs_demoted;	/* hot -> cold */
	uint64_t	cs_ghosts;	/* ghosts made */
	uint64_t	cs_ghosthits;	/* pages back in while their ghost lived */
	uint64_t	cs_testhits;	/* cold target grown */
	uint64_t	cs_testexpired;	/* cold target shrunk */
};
void	uvm_clockpro_stats(struct uvm_clockpro_stats *);

/* The machine's policy (uvm_pdaemon.c selects it at boot). */
extern const struct uvm_pdpolicy *uvmpdpol;

/*
 * For policies (uvm_pdaemon.c): if pg is a resident swap-backed page
 * with a swap slot and its owner's lock can be had without waiting, free
 * the slot (the page becomes dirty: it is now the only copy).  True if a
 * slot was freed.  uvm_pageqlock held.
 */
bool	uvmpd_trydropswap(struct vm_page *);

#endif /* _UVM_UVM_PDPOLICY_H_ */
