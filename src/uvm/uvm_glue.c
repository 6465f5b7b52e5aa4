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
 * A u-area is UPAGES pages (USPACE bytes) of pageable kernel memory
 * from the kernel map (backed by the kernel object), wired while its lwp
 * is in memory.  The swapper (uvm_scheduler) brings swapped-out runnable
 * lwps back in, the most deserving first; under memory pressure the
 * pagedaemon calls uvm_swapout_threads() to swap idle lwps out: their
 * u-areas are unwired, so their pages can be paged like any others.
 *
 *	in memory:	LW_INMEM, u-area wired
 *	swapped out:	LW_SWAPPED, u-area pageable (resident or not)
 *
 * Locking: vm_refcnt is atomic.  uvmspace_exec and uvmspace_free (last
 * reference) run with no other lwp using the vmspace, so they may change
 * the map without racing faults; the map's own lock is taken by the map
 * operations they call.  swapper_lock serializes swapping in and out
 * (it is held while a u-area is wired or unwired, so it comes before the
 * kernel map's lock); the lwp fields LW_INMEM, LW_SWAPPED, l_swtime and
 * l_slptime change under proc_lock, and lwps are looked at under
 * proc_lock and their process's p_lock.  An lwp being swapped must stay
 * alive meanwhile: whoever frees an lwp frees its u-area first, with no
 * swap of it in progress.  sched_cv (with proc_lock) is where the
 * swapper thread sleeps.
 */

#include "uvm_impl.h"
#include <uvm/uvm_sysctl.h>

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
	 * The unmap removes the translations entry by entry, after it has
	 * unwired wired entries (which finds their pages through them), so
	 * no pmap_remove_all() shortcut here.
	 */
	map->flags |= VM_MAP_DYING;
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
		 * Empty the map (unwiring and removing translations entry by
		 * entry), then rebuild it over the new bounds on the same
		 * storage and pmap.
		 */
		map->flags |= VM_MAP_DYING;
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

/* ---------------------------------------------------------------------
 * U-areas and the swapper.
 */

static kmutex_t swapper_lock;
static kcondvar_t sched_cv;		/* proc_lock: the swapper sleeps */
static bool sched_inited;
static bool sched_exiting;		/* proc_lock */
static struct lwp *sched_lwp;		/* the swapper thread, or NULL */

/* Wire [ua, ua + USPACE): sleep for memory if must, never fail. */
static void
uarea_wire(vaddr_t ua)
{
	int error;

	while ((error = uvm_map_pageable(kernel_map, ua, ua + USPACE, false,
	    0)) != 0) {
		KASSERTMSG(error == ENOMEM || error == EAGAIN,
		    "uarea_wire: %#jx: error %d", (uintmax_t)ua, error);
		kpause("uarea", false, 1, NULL);
	}
}

/* Is the u-area at ua wired? */
static bool
uarea_wired_p(vaddr_t ua)
{
	struct vm_map_entry *e;
	bool wired;

	vm_map_lock_read(kernel_map);
	wired = uvm_map_lookup_entry(kernel_map, ua, &e) &&
	    VM_MAPENT_ISWIRED(e);
	vm_map_unlock_read(kernel_map);
	return wired;
}

/*
 * uvm_uarea_alloc: USPACE bytes of pageable kernel memory for a u-area,
 * wired (the lwp starts in memory).
 *
 * => sleeps for memory and VA if it must; never fails.
 * => returns true: the u-area is already backed by wired pages.
 */
bool
uvm_uarea_alloc(vaddr_t *uaddrp)
{
	vaddr_t va;

	va = uvm_km_alloc(kernel_map, USPACE, 0,
	    UVM_KMF_PAGEABLE | UVM_KMF_WAITVA);
	KASSERT(va != 0);
	uarea_wire(va);
	*uaddrp = va;
	return true;
}

/*
 * uvm_uarea_free: free a u-area from uvm_uarea_alloc, wired (its lwp in
 * memory) or not (swapped out): its pages, swap slots and VA.
 */
void
uvm_uarea_free(vaddr_t uaddr)
{
	KASSERT(uaddr != 0);
	if (uarea_wired_p(uaddr))
		(void)uvm_map_pageable(kernel_map, uaddr, uaddr + USPACE,
		    true, 0);
	uvm_km_free(kernel_map, uaddr, USPACE, UVM_KMF_PAGEABLE);
}

/*
 * uvm_scheduler_init: boot: the swapper's locks.  uvm_scheduler_fini:
 * shutdown (after uvm_scheduler_stop).
 */
void
uvm_scheduler_init(void)
{
	KASSERT(!sched_inited);
	mutex_init(&swapper_lock, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&sched_cv, "swapper");
	sched_exiting = false;
	sched_lwp = NULL;
	sched_inited = true;
}

void
uvm_scheduler_fini(void)
{
	KASSERT(sched_inited);
	KASSERT(sched_lwp == NULL);
	cv_destroy(&sched_cv);
	mutex_destroy(&swapper_lock);
	sched_inited = false;
}

/*
 * uvm_scheduler_wakeup: a runnable lwp may be swapped out: wake the
 * swapper (uvm_meter calls this).
 */
void
uvm_scheduler_wakeup(void)
{
	if (!sched_inited)
		return;
	mutex_enter(&proc_lock);
	cv_broadcast(&sched_cv);
	mutex_exit(&proc_lock);
}

/*
 * uvm_swapin: bring l's u-area back into memory.
 *
 * => l has a u-area (l_addr) and is not the caller; no locks held.
 * => the u-area is wired again (faulting in whatever was paged out,
 *    sleeping for memory if needed); l becomes LW_INMEM, loses
 *    LW_SWAPPED, its l_swtime restarts at 0 and uvmexp.swapins counts
 *    it.  An lwp already in memory is left alone.
 */
void
uvm_swapin(struct lwp *l)
{
	KASSERT(l != NULL && l->l_addr != 0);
	KASSERT(sched_inited);
	mutex_enter(&swapper_lock);
	mutex_enter(&proc_lock);
	if (l->l_flag & LW_INMEM) {
		mutex_exit(&proc_lock);
		mutex_exit(&swapper_lock);
		return;
	}
	KASSERT(l->l_flag & LW_SWAPPED);
	mutex_exit(&proc_lock);

	uarea_wire(l->l_addr);

	mutex_enter(&proc_lock);
	l->l_flag = (l->l_flag & ~LW_SWAPPED) | LW_INMEM;
	l->l_swtime = 0;
	mutex_exit(&proc_lock);
	mutex_exit(&swapper_lock);
	UVMEXP_INC(swapins);
}

/*
 * uvm_swapout: swap l's u-area out: unwire it, so that its pages can be
 * paged out.  swapper_lock held; l is swappable (see below).
 */
static void
uvm_swapout(struct lwp *l)
{
	vaddr_t ua = l->l_addr;
	int error;

	KASSERT(mutex_owned(&swapper_lock));
	mutex_enter(&proc_lock);
	KASSERT((l->l_flag & (LW_INMEM | LW_SWAPPED)) == LW_INMEM);
	l->l_flag = (l->l_flag & ~LW_INMEM) | LW_SWAPPED;
	l->l_swtime = 0;
	mutex_exit(&proc_lock);
	error = uvm_map_pageable(kernel_map, ua, ua + USPACE, true, 0);
	KASSERTMSG(error == 0, "uvm_swapout: u-area %#jx was not wired: %d",
	    (uintmax_t)ua, error);
	UVMEXP_INC(swapouts);
}

/* Can l's u-area be swapped out?  proc_lock held. */
static bool
swappable_p(const struct lwp *l)
{
	KASSERT(mutex_owned(&proc_lock));
	return (l->l_flag & (LW_SYSTEM | LW_INMEM | LW_PAGEDAEMON)) ==
	    LW_INMEM && l->l_addr != 0 && l != curlwp &&
	    l->l_stat != SIDL && l->l_stat != SZOMB;
}

/*
 * uvm_swapout_threads: swap out idle lwps' u-areas (the pagedaemon's
 * call when memory is short).
 *
 * => every swappable lwp asleep (or stopped) for MAXSLP seconds or more
 *    is swapped out.  If there was none, the one asleep the longest is,
 *    or failing that the runnable one in memory the longest.  Swappable:
 *    a user lwp in memory with a u-area, not the caller.
 * => returns the number of lwps swapped out (uvmexp.swapouts counts
 *    them too).
 */
int
uvm_swapout_threads(void)
{
	struct lwp **victims = NULL, *outl = NULL, *outl2 = NULL, *l;
	unsigned int outpri = 0, outpri2 = 0;
	struct proc *p;
	size_t cap = 0, n;
	int didswap = 0;

	KASSERT(sched_inited);
	mutex_enter(&swapper_lock);
	for (;;) {
		size_t nlwp = 0;

		mutex_enter(&proc_lock);
		LIST_FOREACH(p, &allproc, p_list)
			nlwp += (size_t)p->p_nlwps;
		if (nlwp <= cap)
			break;
		mutex_exit(&proc_lock);
		if (victims != NULL)
			kmem_free(victims, cap * sizeof(*victims));
		cap = nlwp + 8;
		victims = kmem_alloc(cap * sizeof(*victims), KM_SLEEP);
	}
	n = 0;
	LIST_FOREACH(p, &allproc, p_list) {
		mutex_enter(&p->p_lock);
		LIST_FOREACH(l, &p->p_lwps, l_sibling) {
			if (!swappable_p(l))
				continue;
			if (l->l_stat == SACTIVE && (l->l_flag & LW_RUNNABLE)) {
				if (outl2 == NULL || l->l_swtime > outpri2) {
					outl2 = l;
					outpri2 = l->l_swtime;
				}
			} else if (l->l_slptime >= MAXSLP) {
				KASSERT(n < cap);
				victims[n++] = l;
			} else if (outl == NULL || l->l_slptime > outpri) {
				outl = l;
				outpri = l->l_slptime;
			}
		}
		mutex_exit(&p->p_lock);
	}
	mutex_exit(&proc_lock);

	for (size_t i = 0; i < n; i++) {
		uvm_swapout(victims[i]);
		didswap++;
	}
	if (didswap == 0 && (outl != NULL || outl2 != NULL)) {
		uvm_swapout(outl != NULL ? outl : outl2);
		didswap++;
	}
	mutex_exit(&swapper_lock);
	if (victims != NULL)
		kmem_free(victims, cap * sizeof(*victims));
	return didswap;
}

/*
 * The swapper's choice: the runnable, swapped-out lwp with the highest
 * priority l_swtime + l_slptime - 8 * p_nice (the longest out, nicest
 * last), or NULL.  proc_lock held.
 */
static struct lwp *
sched_pick(void)
{
	struct lwp *l, *best = NULL;
	struct proc *p;
	long pri, bestpri = 0;

	KASSERT(mutex_owned(&proc_lock));
	LIST_FOREACH(p, &allproc, p_list) {
		mutex_enter(&p->p_lock);
		LIST_FOREACH(l, &p->p_lwps, l_sibling) {
			if (l->l_stat != SACTIVE ||
			    (l->l_flag & LW_RUNNABLE) == 0 ||
			    (l->l_flag & LW_INMEM) != 0 || l->l_addr == 0)
				continue;
			pri = (long)l->l_swtime + (long)l->l_slptime -
			    (long)p->p_nice * 8;
			if (best == NULL || pri > bestpri) {
				best = l;
				bestpri = pri;
			}
		}
		mutex_exit(&p->p_lock);
	}
	return best;
}

/*
 * uvm_scheduler_step: one pass of the swapper: swap in the most
 * deserving runnable swapped-out lwp, if there is one and memory for
 * its u-area.  Returns true if it swapped one in.  (A stepped machine
 * calls this; the swapper thread loops on it.)
 */
bool
uvm_scheduler_step(void)
{
	struct lwp *l;

	KASSERT(sched_inited);
	if (uvmexp.free < (int)UPAGES)
		return false;
	mutex_enter(&swapper_lock);
	mutex_enter(&proc_lock);
	l = sched_pick();
	mutex_exit(&proc_lock);
	mutex_exit(&swapper_lock);
	if (l == NULL)
		return false;
	uvm_swapin(l);
	return true;
}

/*
 * uvm_scheduler: the swapper's main loop (the swapper thread's body):
 * swap runnable swapped-out lwps back in, most deserving first; sleep
 * when there are none (uvm_meter wakes it), or for a second when memory
 * is short.  Returns when uvm_scheduler_stop() asks it to.
 */
void
uvm_scheduler(void)
{
	struct lwp *l;

	KASSERT(sched_inited);
	for (;;) {
		if (uvm_scheduler_step())
			continue;
		mutex_enter(&proc_lock);
		if (sched_exiting) {
			mutex_exit(&proc_lock);
			return;
		}
		l = sched_pick();
		if (l == NULL)
			cv_wait(&sched_cv, &proc_lock);
		else	/* no memory for it yet */
			(void)cv_timedwait(&sched_cv, &proc_lock, hz);
		mutex_exit(&proc_lock);
	}
}

static void
sched_thread(void *arg)
{
	(void)arg;
	uvm_scheduler();
}

/*
 * uvm_scheduler_start: run uvm_scheduler() in a kernel thread (threaded
 * machines).  0 or the error of kthread_create.
 */
int
uvm_scheduler_start(void)
{
	int error;

	KASSERT(sched_inited && sched_lwp == NULL);
	sched_exiting = false;
	error = kthread_create(PRI_NONE, KTHREAD_MUSTJOIN, NULL, sched_thread,
	    NULL, &sched_lwp, "swapper");
	if (error != 0)
		sched_lwp = NULL;
	return error;
}

/*
 * uvm_scheduler_stop: stop the swapper thread and wait for it.
 */
void
uvm_scheduler_stop(void)
{
	if (!sched_inited || sched_lwp == NULL)
		return;
	mutex_enter(&proc_lock);
	sched_exiting = true;
	cv_broadcast(&sched_cv);
	mutex_exit(&proc_lock);
	(void)kthread_join(sched_lwp);
	sched_lwp = NULL;
}

/* ---------------------------------------------------------------------
 * Access checks and protection of kernel memory; wiring user memory for
 * I/O.
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
 * uvm_chgkprot: change the protection of kernel memory [addr, addr+len)
 * to read-only (B_READ) or read-write (B_WRITE), as a kernel debugger
 * does to plant a breakpoint.
 *
 * => the range must be mapped in kernel_map, with a maximum protection
 *    that allows rw; false (nothing changed) otherwise.
 * => the map entries take the new protection (uvm_map_protect), and
 *    resident pages are re-entered with it at once: this kernel reaches
 *    its memory through the host MMU and cannot take a fault to raise
 *    a mapping's protection later.  Wired kernel memory (uvm_km_alloc
 *    UVM_KMF_WIRED) is re-entered with pmap_kenter_pa, pageable kernel
 *    memory with pmap_enter.
 */
bool
uvm_chgkprot(void *addr, size_t len, int rw)
{
	vm_prot_t prot = (rw & B_READ) ? VM_PROT_READ :
	    VM_PROT_READ | VM_PROT_WRITE;
	vaddr_t sva = trunc_page((vaddr_t)addr);
	vaddr_t eva = round_page((vaddr_t)addr + len);
	struct vm_map_entry *entry;

	if (eva <= sva || sva < vm_map_min(kernel_map) ||
	    eva > vm_map_max(kernel_map))
		return false;
	vm_map_lock_read(kernel_map);
	for (vaddr_t va = sva; va < eva; va = entry->end) {
		if (!uvm_map_lookup_entry(kernel_map, va, &entry) ||
		    UVM_ET_ISSUBMAP(entry) ||
		    (entry->max_protection & prot) != prot) {
			vm_map_unlock_read(kernel_map);
			return false;
		}
	}
	vm_map_unlock_read(kernel_map);
	if (uvm_map_protect(kernel_map, sva, eva, prot, false) != 0)
		return false;

	vm_map_lock_read(kernel_map);
	for (vaddr_t va = sva; va < eva; va += PAGE_SIZE) {
		paddr_t pa;

		if (!pmap_extract(pmap_kernel(), va, &pa))
			continue;	/* not resident: faults take prot */
		if (!uvm_map_lookup_entry(kernel_map, va, &entry))
			panic("uvm_chgkprot: %#jx left the kernel map",
			    (uintmax_t)va);
		if (UVM_ET_ISOBJ(entry)) {
			if (pmap_enter(pmap_kernel(), va, pa, prot, prot |
			    (VM_MAPENT_ISWIRED(entry) ? PMAP_WIRED : 0)) != 0)
				panic("uvm_chgkprot: pmap_enter failed");
		} else {
			pmap_kenter_pa(va, pa, prot, PMAP_KMPAGE);
		}
	}
	vm_map_unlock_read(kernel_map);
	pmap_update(pmap_kernel());
	return true;
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
