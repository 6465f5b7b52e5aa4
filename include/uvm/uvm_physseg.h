/*
 * uvm_physseg.h: physical memory segments, uvm_hotplug(9).
 *
 * Physical memory is a set of segments, each a run of page frames
 * [start, end) of which [avail_start, avail_end) is managed by UVM, on one
 * free list.  All addresses in this interface are page frame numbers
 * (atop(pa)), as in NetBSD.  Segments are kept in a table sorted by
 * start; holes between them are simply not managed.  Segments can be
 * added and removed at run time (plug/unplug).
 *
 * A handle (uvm_physseg_t) is the index of a segment in that table, as in
 * NetBSD's static-array implementation, so handles run from
 * uvm_physseg_get_first() to uvm_physseg_get_last() in address order.
 * Any change to the table (uvm_page_physload, uvm_page_physunload*,
 * uvm_physseg_plug, uvm_physseg_unplug) may renumber the segments after
 * the one it touches: look a handle up again (uvm_physseg_find) after one.
 * A vm_page, on the other hand, never moves while its frame stays
 * plugged, even when an unplug splits its segment.
 *
 * Locking: changes to the table are serialised by a private lock taken
 * before uvm_fpageqlock; the table is replaced, never edited in place, so
 * lookups (the getters, uvm_physseg_find, PHYS_TO_VM_PAGE) need no lock.
 * After uvm_page_init() a change is published with uvm_fpageqlock held,
 * so handles do not change under a holder of uvm_fpageqlock.
 */

#ifndef _UVM_UVM_PHYSSEG_H_
#define _UVM_UVM_PHYSSEG_H_

#include <uvm/uvm_extern.h>

typedef int uvm_physseg_t;

#define UVM_PHYSSEG_TYPE_INVALID		(-1)
#define UVM_PHYSSEG_TYPE_INVALID_EMPTY		(-1)
#define UVM_PHYSSEG_TYPE_INVALID_OVERFLOW	(uvm_physseg_get_last() + 1)

void	uvm_physseg_init(void);
bool	uvm_physseg_valid_p(uvm_physseg_t);

paddr_t	uvm_physseg_get_start(uvm_physseg_t);
paddr_t	uvm_physseg_get_end(uvm_physseg_t);
paddr_t	uvm_physseg_get_avail_start(uvm_physseg_t);
paddr_t	uvm_physseg_get_avail_end(uvm_physseg_t);
struct vm_page *uvm_physseg_get_pg(uvm_physseg_t, paddr_t);
int	uvm_physseg_get_free_list(uvm_physseg_t);
unsigned int uvm_physseg_get_start_hint(uvm_physseg_t);
bool	uvm_physseg_set_start_hint(uvm_physseg_t, unsigned int);

uvm_physseg_t uvm_physseg_get_next(uvm_physseg_t);
uvm_physseg_t uvm_physseg_get_prev(uvm_physseg_t);
uvm_physseg_t uvm_physseg_get_first(void);
uvm_physseg_t uvm_physseg_get_last(void);
paddr_t	uvm_physseg_get_highest_frame(void);

uvm_physseg_t uvm_physseg_find(paddr_t pframe, psize_t *offsetp);

bool	uvm_page_physunload(uvm_physseg_t, int, paddr_t *);
bool	uvm_page_physunload_force(uvm_physseg_t, int, paddr_t *);
bool	uvm_physseg_plug(paddr_t, size_t, uvm_physseg_t *);
bool	uvm_physseg_unplug(paddr_t, size_t);

/* The table's invariant checker: NULL, or what is wrong (a constant). */
const char *uvm_physseg_check(void);

#endif /* _UVM_UVM_PHYSSEG_H_ */
