/*
 * uvm_init.c: bringing UVM up: uvm_md_init, uvm_setpagesize, uvm_init,
 * uvm_init_limits, and the uvmexp structure itself.
 *
 * The order is the one a kernel's MD boot code follows (see uvm_impl.h):
 * page size first, then the physical segments, then the pmap, then
 * uvm_init() builds the page, map and kernel-memory layers on top.
 *
 * Locking: boot and shutdown run single-threaded, before any kernel
 * thread starts and after every one has stopped.
 */

#include "uvm_impl.h"

struct uvmexp uvmexp;
bool uvm_booted;

/*
 * uvm_setpagesize: derive pageshift and pagemask from pagesize (which the
 * machine may have set; 4 KiB otherwise).  The page size must be a power
 * of two the pmap supports.
 */
void
uvm_setpagesize(void)
{
	int shift;

	if (uvmexp.pagesize == 0)
		uvmexp.pagesize = UVM_MIN_PAGE_SIZE;
	if (!powerof2(uvmexp.pagesize) ||
	    uvmexp.pagesize < UVM_MIN_PAGE_SIZE ||
	    uvmexp.pagesize > UVM_MAX_PAGE_SIZE)
		panic("uvm_setpagesize: page size %d not a power of two"
		    " in [%d, %d]", uvmexp.pagesize, UVM_MIN_PAGE_SIZE,
		    UVM_MAX_PAGE_SIZE);
	uvmexp.pagemask = uvmexp.pagesize - 1;
	for (shift = 0; (1 << shift) != uvmexp.pagesize; shift++)
		continue;
	uvmexp.pageshift = shift;
}

/*
 * uvm_md_init: early boot: the page size and the hotplug subsystem.
 */
void
uvm_md_init(void)
{
	uvm_setpagesize();
	uvm_physseg_init();
}

/*
 * uvm_init: set up the page layer over the loaded segments, the pmap,
 * maps and kernel virtual memory.
 */
void
uvm_init(void)
{
	vaddr_t kvm_start, kvm_end;

	KASSERT(!uvm_booted);
	uvm_page_init();
	pmap_init();
	uvm_fault_init();
	pmap_virtual_space(&kvm_start, &kvm_end);
	uvm_amap_init();
	uvm_anon_init();
	uvm_map_init();
	uvm_aobj_init();
	uvm_km_init(kvm_start, kvm_end);
	ubc_init();
	udv_init();
	uvm_booted = true;
}

/*
 * uvm_init_limits: process 0's resource limits.  The locked-memory limit
 * is a third of the free memory (the rest of the system must be able to
 * page), as NetBSD's init_main sets it; stack and data get the classic
 * 4.4BSD defaults.
 */
#define DFLSSIZ		((uint64_t)8 * 1024 * 1024)	/* initial stack */
#define MAXSSIZ		((uint64_t)64 * 1024 * 1024)	/* max stack */
#define DFLDSIZ		((uint64_t)256 * 1024 * 1024)	/* initial data */
#define MAXDSIZ		((uint64_t)1024 * 1024 * 1024)	/* max data */

void
uvm_init_limits(struct lwp *l)
{
	struct proc *p = l->l_proc;
	uint64_t freebytes = ptoa((uint64_t)uvmexp.free);

	p->p_rlimit[RLIMIT_STACK].rlim_cur = DFLSSIZ;
	p->p_rlimit[RLIMIT_STACK].rlim_max = MAXSSIZ;
	p->p_rlimit[RLIMIT_DATA].rlim_cur = DFLDSIZ;
	p->p_rlimit[RLIMIT_DATA].rlim_max = MAXDSIZ;
	p->p_rlimit[RLIMIT_MEMLOCK].rlim_cur = freebytes / 3;
	p->p_rlimit[RLIMIT_MEMLOCK].rlim_max = freebytes;
}
