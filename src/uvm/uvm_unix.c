/*
 * uvm_unix.c: the traditional Unix process memory interfaces that sit on
 * top of the map: uvm_grow(9), the stack's automatic growth.
 *
 * The stack of a vmspace occupies [vm_maxsaddr, vm_minsaddr) and grows
 * down from vm_minsaddr; vm_ssize is how much of it (pages) is in use.
 * The whole range is mapped when the process is set up; growing only
 * moves the accounting, and the pages come from faults as usual.
 *
 * Locking: the caller is the process's own lwp (a fault or sendsig on
 * its behalf); vm_ssize is only written from there.
 */

#include "uvm_impl.h"

/*
 * uvm_grow: make the stack of p include the address sp.
 *
 * => returns 1 if sp is inside the stack after the call (it already was,
 *    or the stack grew to it), 0 if sp is not in the stack region or
 *    reaching it would exceed the RLIMIT_STACK soft limit.
 */
int
uvm_grow(struct proc *p, vaddr_t sp)
{
	struct vmspace *vm = p->p_vmspace;
	vsize_t nss;

	KASSERT(vm != NULL);
	/* Not in the stack region at all (a user-defined stack). */
	if (sp < vm->vm_maxsaddr || sp >= vm->vm_minsaddr)
		return 0;
	/* Already inside the part in use. */
	if (sp >= vm->vm_minsaddr - ptoa((vsize_t)vm->vm_ssize))
		return 1;
	nss = atop(round_page(vm->vm_minsaddr - trunc_page(sp)));
	if (ptoa(nss) > p->p_rlimit[RLIMIT_STACK].rlim_cur)
		return 0;
	vm->vm_ssize = nss;
	return 1;
}
