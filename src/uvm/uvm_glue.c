/*
 * uvm_glue.c: address spaces as processes see them (uvmspace_alloc(9)):
 * creating, sharing, reusing at exec and freeing a vmspace, and the
 * u-area (kernel stack) of an lwp.
 *
 * A vmspace is a map over a pmap of its own, plus the process-level
 * sizes BSD keeps beside it.  It is reference counted: every process
 * using it (uvmspace_share gives a second process the same one) holds a
 * reference, and the last uvmspace_free tears the map and the pmap down.
 * At exec a process that is the only user of its vmspace keeps it and
 * empties it; a shared one is left to the others and replaced by a new
 * one.  (uvmspace_fork and uvmspace_unshare live with the fault handler
 * in uvm_fork.c, because copying a map is amap work.)
 *
 * A u-area is UPAGES pages of wired kernel memory from the kernel map
 * (USPACE bytes), allocated with uvm_km_alloc.
 *
 * Locking: vm_refcnt is atomic.  uvmspace_exec and uvmspace_free (last
 * reference) run with no other lwp using the vmspace, so they may change
 * the map without racing faults; the map's own lock is taken by the map
 * operations they call.
 */

#include "uvm_impl.h"

/*
 * uvmspace_alloc: a new, empty address space over [vmin, vmax).
 *
 * => topdown: place mappings from the top down (VM_MAP_TOPDOWN).
 * => the vmspace has one reference; its map is pageable.
 */
struct vmspace *
uvmspace_alloc(vaddr_t vmin, vaddr_t vmax, bool topdown)
{
	struct vmspace *vm;

	KASSERT(vmin < vmax);
	vm = kmem_zalloc(sizeof(*vm), KM_SLEEP);
	uvm_map_setup(&vm->vm_map, vmin, vmax,
	    VM_MAP_PAGEABLE | (topdown ? VM_MAP_TOPDOWN : 0));
	vm->vm_map.pmap = pmap_create();
	vm->vm_refcnt = 1;
	return vm;
}

/*
 * uvmspace_addref: one more reference to vm.
 */
void
uvmspace_addref(struct vmspace *vm)
{
	KASSERT(vm != NULL);
	KASSERT(atomic_load_relaxed(&vm->vm_refcnt) > 0);
	atomic_inc_uint(&vm->vm_refcnt);
}

/*
 * uvmspace_free: drop a reference to vm; the last one unmaps everything
 * (freeing the pages and anons only this space held), destroys the pmap
 * and frees the vmspace.
 *
 * => nobody else may be using vm when the last reference goes.
 * => processes sharing vmspace0 (kernel processes) take and drop
 *    references to it like any other; its own never goes.
 */
void
uvmspace_free(struct vmspace *vm)
{
	struct vm_map *map;
	pmap_t pmap;

	KASSERT(vm != NULL);
	KASSERT(atomic_load_relaxed(&vm->vm_refcnt) > 0);
	if (atomic_dec_uint_nv(&vm->vm_refcnt) > 0)
		return;
	/* vmspace0 keeps the reference the kernel map holds on it. */
	KASSERTMSG(vm != &vmspace0, "uvmspace_free: last reference to the"
	    " kernel's vmspace0");

	map = &vm->vm_map;
	pmap = vm_map_pmap(map);
	/*
	 * Empty the pmap in one go first: the unmap below then has no
	 * per-page translations left to remove.
	 */
	map->flags |= VM_MAP_DYING;
	(void)pmap_remove_all(pmap);
	uvm_map_teardown(map);
	pmap_update(pmap);
	pmap_destroy(pmap);
	kmem_free(vm, sizeof(*vm));
}

/*
 * uvmspace_share: make p2 use p1's address space (a reference more).
 *
 * => p2 has no vmspace of its own yet.
 */
void
uvmspace_share(struct proc *p1, struct proc *p2)
{
	KASSERT(p1 != NULL && p2 != NULL && p1 != p2);
	KASSERT(p1->p_vmspace != NULL);
	uvmspace_addref(p1->p_vmspace);
	p2->p_vmspace = p1->p_vmspace;
}

/*
 * uvmspace_exec: give l's process an empty address space over
 * [start, end) for a new program image.
 *
 * => l runs on its process's vmspace (its pmap is active); afterwards it
 *    runs on the one the process has then.
 * => if the process holds the only reference to its vmspace, the vmspace
 *    is reused: everything is unmapped, future-wiring is revoked, and the
 *    bounds become [start, end).  Otherwise a new vmspace (with the old
 *    one's placement direction) replaces it and the old reference is
 *    dropped.
 */
void
uvmspace_exec(struct lwp *l, vaddr_t start, vaddr_t end)
{
	struct proc *p = l->l_proc;
	struct vmspace *ovm = p->p_vmspace, *nvm;
	struct vm_map *map;
	bool topdown;

	KASSERT(ovm != NULL);
	KASSERT(start < end);
	map = &ovm->vm_map;
	topdown = (map->flags & VM_MAP_TOPDOWN) != 0;

	if (atomic_load_acquire(&ovm->vm_refcnt) == 1) {
		pmap_t pmap = vm_map_pmap(map);

		KASSERTMSG(ovm != &vmspace0, "uvmspace_exec: emptying the"
		    " kernel's vmspace0");
		/* mlockall(MCL_FUTURE) does not survive exec. */
		int flags = map->flags & (VM_MAP_PAGEABLE | VM_MAP_TOPDOWN);

		/*
		 * Empty the pmap at once, then rebuild the map over the new
		 * bounds on the same storage and pmap.
		 */
		map->flags |= VM_MAP_DYING;
		(void)pmap_remove_all(pmap);
		uvm_map_teardown(map);
		pmap_update(pmap);
		uvm_map_setup(map, start, end, flags);
		map->pmap = pmap;
		ovm->vm_tsize = ovm->vm_dsize = ovm->vm_ssize = 0;
		ovm->vm_rssize = 0;
		return;
	}

	nvm = uvmspace_alloc(start, end, topdown);
	pmap_deactivate(l);
	p->p_vmspace = nvm;
	pmap_activate(l);
	uvmspace_free(ovm);
}

/*
 * uvm_uarea_alloc: USPACE bytes of wired kernel memory for a u-area.
 *
 * => sleeps for memory and VA if it must; never fails.
 * => returns true: the u-area is already backed by wired pages.
 */
bool
uvm_uarea_alloc(vaddr_t *uaddrp)
{
	vaddr_t va;

	va = uvm_km_alloc(kernel_map, USPACE, 0,
	    UVM_KMF_WIRED | UVM_KMF_WAITVA);
	KASSERT(va != 0);
	*uaddrp = va;
	return true;
}

/*
 * uvm_uarea_free: free a u-area from uvm_uarea_alloc, its pages and VA.
 */
void
uvm_uarea_free(vaddr_t uaddr)
{
	KASSERT(uaddr != 0);
	uvm_km_free(kernel_map, uaddr, USPACE, UVM_KMF_WIRED);
}

/* ---------------------------------------------------------------------
 * Access checks of kernel memory; wiring user memory for I/O.
 */

/*
 * uvm_kernacc: can the kernel access [addr, addr + len) for rw
 * (B_READ: read, B_WRITE: write)?  Looks at the kernel map's entries
 * only; the pages need not be resident.
 */
bool
uvm_kernacc(void *addr, size_t len, int rw)
{
	vm_prot_t prot = (rw & B_READ) ? VM_PROT_READ : VM_PROT_WRITE;
	vaddr_t saddr = trunc_page((vaddr_t)addr);
	vaddr_t eaddr = round_page((vaddr_t)addr + len);
	bool rv;

	if (eaddr < saddr)
		return false;
	vm_map_lock_read(kernel_map);
	rv = uvm_map_checkprot(kernel_map, saddr, eaddr, prot);
	vm_map_unlock_read(kernel_map);
	return rv;
}

/*
 * uvm_vslock: wire the pages of [addr, addr + len) of vs for I/O,
 * faulting them in with access_type.  The map entries are not changed:
 * the wiring belongs to the I/O, and uvm_vsunlock() undoes exactly it.
 * Returns 0, or the fault's error (EFAULT, EACCES, ENOMEM) with nothing
 * left wired.
 */
int
uvm_vslock(struct vmspace *vs, void *addr, size_t len, vm_prot_t access_type)
{
	vaddr_t start = trunc_page((vaddr_t)addr);
	vaddr_t end = round_page((vaddr_t)addr + len);

	if (end < start)
		return EFAULT;
	if (end == start)
		return 0;
	return uvm_fault_wire(&vs->vm_map, start, end, access_type, 0);
}

/*
 * uvm_vsunlock: release the wiring uvm_vslock() made.
 */
void
uvm_vsunlock(struct vmspace *vs, void *addr, size_t len)
{
	vaddr_t start = trunc_page((vaddr_t)addr);
	vaddr_t end = round_page((vaddr_t)addr + len);

	if (end > start)
		uvm_fault_unwire(&vs->vm_map, start, end);
}
