/*
 * uvm_anon.h: anonymous memory, one page at a time.
 *
 * An anon is a page of anonymous memory that may be shared (copy-on-write)
 * by several amaps; it holds its page while resident and its swap slot
 * while paged out.  Locking: an_lock is the lock of the amap(s) that
 * reference it, shared by all of them (see uvm_amap.c); an_ref, an_page
 * and an_swslot are protected by it.  A new anon (uvm_analloc) has no
 * lock until it is entered into an amap: amap_add() gives it the amap's,
 * or the caller sets an_lock to the amap's lock first.
 */

#ifndef _UVM_UVM_ANON_H_
#define _UVM_UVM_ANON_H_

#include <uvm/uvm_extern.h>

struct vm_anon {
	kmutex_t	*an_lock;	/* lock shared with the owning amaps */
	struct vm_page	*an_page;	/* l: resident page, or NULL */
	unsigned int	an_ref;		/* l: reference count */
	int		an_swslot;	/* l: swap slot, or 0 */
};

#endif /* _UVM_UVM_ANON_H_ */
