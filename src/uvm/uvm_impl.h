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

/* uvm_page.c: build vm_page arrays and free lists for loaded segments. */
void	uvm_page_init(void);
void	uvm_page_fini(void);
/* uvm_page.c: a segment was plugged/unplugged after boot. */
void	uvm_page_seg_plugged(uvm_physseg_t);
/* uvm_physseg.c */
void	uvm_physseg_fini(void);
/* uvm_map.c */
void	uvm_map_init(void);
void	uvm_map_fini(void);
/* uvm_km.c: the kernel map covers [start, end). */
void	uvm_km_init(vaddr_t start, vaddr_t end);
void	uvm_km_fini(void);
/* uvm_init.c: the booted machine's description. */
extern struct uvm_machine uvm_machine;
extern bool uvm_booted;

#endif /* _UVM_UVM_IMPL_H_ */
