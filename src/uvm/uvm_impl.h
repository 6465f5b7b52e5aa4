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
/* uvm_physseg.c */
void	uvm_physseg_fini(void);
int	uvm_physseg_count(void);
/* uvm_map.c */
void	uvm_map_init(void);
void	uvm_map_fini(void);
/*
 * uvm_fault.c: wiring faults.  uvm_fault_wire() faults in and wires
 * [start, end) of map (whose entries the caller has already marked
 * wired); uvm_fault_unwire() releases the pages' wiring.
 */
int	uvm_fault_wire(struct vm_map *, vaddr_t, vaddr_t, vm_prot_t, int);
void	uvm_fault_unwire(struct vm_map *, vaddr_t, vaddr_t);
void	uvm_fault_unwire_locked(struct vm_map *, vaddr_t, vaddr_t);
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
/* uvm_swap.c */
void	uvm_swap_fini(void);
/* uvm_km.c: the kernel map covers [start, end). */
void	uvm_km_init(vaddr_t start, vaddr_t end);
void	uvm_km_fini(void);
/* uvm_init.c: the booted machine's description. */
extern struct uvm_machine uvm_machine;
extern bool uvm_booted;

#endif /* _UVM_UVM_IMPL_H_ */
