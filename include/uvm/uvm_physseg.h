/*
 * uvm_physseg.h: physical memory segments, uvm_hotplug(9).
 *
 * Physical memory is a set of segments, each a run of page frames
 * [start, end) of which [avail_start, avail_end) is managed by UVM, on one
 * free list.  All addresses in this interface are page frame numbers
 * (atop(pa)), as in NetBSD.  Segments are kept sorted by start; holes
 * between them are simply not managed.  Segments can be added and removed
 * at run time (plug/unplug): a handle stays valid until its segment is
 * unplugged whole.
 *
 * Locking: segments change only under uvm_fpageqlock's protection from
 * the allocator, and the segment table is replaced, never edited in
 * place, so lookups need no lock.
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

#endif /* _UVM_UVM_PHYSSEG_H_ */
