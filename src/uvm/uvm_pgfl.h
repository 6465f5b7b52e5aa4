/*
 * uvm_pgfl.h: the free page lists, shared by uvm_page.c (single pages)
 * and uvm_pglist.c (constrained runs).  Private to those two files.
 *
 * Free pages are kept per free list (VM_FREELIST_*, the segment's
 * priority) and per page colour (the low bits of the frame number), and
 * within that on one of two queues: pages whose bytes are known to be
 * zero (PG_ZERO, "the zero pool") and all others.
 *
 *	uvm_pgfl.fl_buckets[freelist * ncolors + colour].pgb_queues[q]
 *
 * Locking: everything here is protected by uvm_fpageqlock.
 */

#ifndef _UVM_UVM_PGFL_H_
#define _UVM_UVM_PGFL_H_

#include "uvm_impl.h"

#define PGFL_UNKNOWN	0	/* contents unknown */
#define PGFL_ZEROS	1	/* known zero (PG_ZERO) */
#define PGFL_NQUEUES	2

struct pgflbucket {
	struct pglist	pgb_queues[PGFL_NQUEUES];	/* f: free pages */
};

struct pgfreelists {
	struct pgflbucket *fl_buckets;		/* c: VM_NFREELIST * ncolors */
	int		fl_ncolors;		/* c: colours (power of 2) */
	int		fl_nfree[VM_NFREELIST];	/* f: free pages per list */
	unsigned int	fl_waiters;		/* f: uvm_pglistalloc sleepers */
};

extern struct pgfreelists uvm_pgfl;

/* Take a free page off its free list (uvm_fpageqlock held). */
void	uvm_pgfl_remove(struct vm_page *);
/*
 * Put an unowned, unqueued page on its free list (uvm_fpageqlock held).
 * The page keeps PG_ZERO (and joins the zero pool) if it has it.
 */
void	uvm_pgfl_insert(struct vm_page *);
/* The free list a page was loaded on. */
static inline int
uvm_pgfl_index(const struct vm_page *pg)
{
	return (pg->pqflags & PQ_FREELIST) >> PQ_FREELIST_SHIFT;
}

#endif /* _UVM_UVM_PGFL_H_ */
