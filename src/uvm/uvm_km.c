/*
 * uvm_km.c: kernel virtual memory (uvm_km(9)): the kernel map, and
 * allocating wired, pageable or VA-only ranges of it.
 *
 * The kernel map (vmspace0.vm_map, over pmap_kernel()) covers the range
 * of kernel virtual addresses the pmap offers, [start, end) given to
 * uvm_km_init().  Three kinds of memory live in it:
 *
 *	wired		an entry with no object; every page allocated at
 *			once, owned by nobody, wired, and entered with
 *			pmap_kenter_pa() (never faulted, never paged).
 *	pageable	an entry on the kernel object (an aobj as large as
 *			the kernel map, offset = va - vm_map_min(kernel_map));
 *			pages arrive on demand through uvm_fault() and the
 *			aobj pager, and may be paged out like any others.
 *	VA only		an entry with no object and no pages: the caller
 *			enters and removes its own mappings.  With
 *			UVM_KMF_COLORMATCH it starts at a given page colour.
 *
 *	kernel_map  [ wired | VA only |   pageable   | submap ... ]
 *	                                    |
 *	kernel object (aobj)  offset = va - kmin, pages in its radix tree
 *
 * Failure and sleeping follow uvm_km(9): finding VA fails unless
 * UVM_KMF_WAITVA (then it sleeps for VA to be freed); UVM_KMF_TRYLOCK
 * fails instead of waiting for the map lock; a missing page fails the
 * whole allocation under UVM_KMF_NOWAIT (which may also dip into the
 * kernel reserve) or UVM_KMF_CANFAIL, and otherwise the allocation sleeps
 * until pages are freed.  So WAITVA without NOWAIT or CANFAIL never
 * fails.  A failed allocation returns 0 and leaves nothing behind.
 *
 * Submaps (uvm_km_suballoc) are ranges of a kernel map handed to a map
 * of their own, as NetBSD's exec_map and phys_map are.
 *
 * Locking: the kernel map's own lock (taken inside uvm_map/uvm_unmap);
 * the kernel object's lock around its pages; uvm_pageqlock inside it to
 * wire.  uvm_km_alloc may sleep unless UVM_KMF_NOWAIT, uvm_km_free does
 * not sleep for memory.
 */

#include "uvm_impl.h"

#include <uvm/uvm_aobj.h>

struct vmspace vmspace0;
struct vm_map *kernel_map;
struct uvm_object *uvm_kernel_object;

/*
 * Every submap uvm_km_suballoc made, so that shutdown can dispose of
 * them.  Submaps share the kernel pmap without a reference of their own
 * (it lives as long as the machine), and each keeps the reference it was
 * created with for as long as the machine runs: removing its range from
 * the parent never frees it, exactly as kernel submaps are never freed
 * in a kernel.
 */
struct km_submap {
	LIST_ENTRY(km_submap) ks_list;
	struct vm_map	*ks_map;
	bool		ks_allocated;	/* we allocated the vm_map */
};
static LIST_HEAD(, km_submap) km_submaps;
static kmutex_t km_submap_lock;		/* protects km_submaps */

/* How long a wired allocation waits for free pages before looking again. */
#define KM_PAGEWAIT_TICKS	(hz / 50 > 0 ? hz / 50 : 1)

/*
 * uvm_km_init: set up the kernel map over [start, end) and the kernel
 * object behind its pageable memory.
 *
 * => called once by uvm_init(), after the pmap and uvm_aobj_init().
 */
void
uvm_km_init(vaddr_t start, vaddr_t end)
{
	KASSERT(kernel_map == NULL);
	KASSERT(start < end);
	KASSERT((start & PAGE_MASK) == 0 && (end & PAGE_MASK) == 0);

	uvm_kernel_object = uao_create(end - start, UAO_FLAG_KERNOBJ);
	LIST_INIT(&km_submaps);
	mutex_init(&km_submap_lock, MUTEX_DEFAULT, IPL_NONE);
	memset(&vmspace0, 0, sizeof(vmspace0));
	uvm_map_setup(&vmspace0.vm_map, start, end, VM_MAP_PAGEABLE);
	vmspace0.vm_map.pmap = pmap_kernel();
	vmspace0.vm_refcnt = 1;
	kernel_map = &vmspace0.vm_map;
}

/*
 * uvm_km_fini: tear the kernel map and its submaps down (machine
 * shutdown).  Whatever is still allocated in them goes with them; the
 * kernel pmap is shut down after us, so no translation is removed one by
 * one.  The kernel object itself is the aobj layer's to dispose of
 * (uvm_aobj_fini, after us).
 */
void
uvm_km_fini(void)
{
	struct km_submap *ks;

	if (kernel_map == NULL)
		return;
	kernel_map->pmap = NULL;
	uvm_map_teardown(kernel_map);
	/* Each submap now holds just the reference km_submaps has. */
	while ((ks = LIST_FIRST(&km_submaps)) != NULL) {
		LIST_REMOVE(ks, ks_list);
		ks->ks_map->pmap = NULL;
		if (ks->ks_allocated)
			uvm_map_deallocate(ks->ks_map);
		else
			uvm_map_teardown(ks->ks_map);
		kmem_free(ks, sizeof(*ks));
	}
	mutex_destroy(&km_submap_lock);
	kernel_map = NULL;
	memset(&vmspace0, 0, sizeof(vmspace0));
	uvm_kernel_object = NULL;
}

/*
 * Wait for free pages (uvm_km_alloc without NOWAIT/CANFAIL): sleep on
 * uvmexp.free, which a freeing path may wake, and look again at least
 * every few ticks.
 */
static void
km_pagewait(void)
{
	(void)mtsleep(&uvmexp.free, "km_getwait", KM_PAGEWAIT_TICKS, NULL);
}

/*
 * Free the wired pages behind [start, end) of a kernel map and remove
 * their mappings.  Pages that are not mapped (a partial allocation) are
 * skipped.
 */
static void
km_pgremove_wired(vaddr_t start, vaddr_t end)
{
	vaddr_t va;
	paddr_t pa;

	for (va = start; va < end; va += PAGE_SIZE) {
		struct vm_page *pg;

		if (!pmap_extract(pmap_kernel(), va, &pa))
			continue;
		pg = PHYS_TO_VM_PAGE(pa);
		KASSERT(pg != NULL);
		KASSERT(pg->uobject == NULL && pg->uanon == NULL);
		pmap_kremove(va, PAGE_SIZE);
		uvm_pagefree(pg);
	}
	pmap_update(pmap_kernel());
}

/*
 * Free the kernel object's pages (and swap) behind [start, end) of the
 * kernel map, after removing their mappings.  Busy pages (being paged)
 * are waited for.
 */
static void
km_pgremove_pageable(vaddr_t start, vaddr_t end)
{
	struct uvm_object *uobj = uvm_kernel_object;
	voff_t ostart = (voff_t)(start - vm_map_min(kernel_map));
	voff_t oend = (voff_t)(end - vm_map_min(kernel_map));
	uint64_t idx = (uint64_t)ostart >> PAGE_SHIFT;
	uint64_t endidx = (uint64_t)oend >> PAGE_SHIFT;
	struct vm_page *pgs[16];
	uint64_t idxs[16];
	unsigned int i, n;

	mutex_enter(uobj->vmobjlock);
	pmap_remove(pmap_kernel(), start, end);
	pmap_update(pmap_kernel());
	/* Pages paged out have only their swap copy: forget it. */
	uao_dropswap_range(uobj, ostart, oend);
	while (idx < endidx && (n = uvm_radix_gang_lookup(&uobj->uo_pages,
	    idx, (void **)pgs, idxs, __arraycount(pgs), false)) != 0) {
		for (i = 0; i < n; i++) {
			struct vm_page *pg = pgs[i];

			if (idxs[i] >= endidx) {
				idx = endidx;
				break;
			}
			if (pg->flags & PG_BUSY) {
				/* Look again from this page once it is free. */
				uvm_pagewait(pg, uobj->vmobjlock, "km_pgrm");
				mutex_enter(uobj->vmobjlock);
				break;
			}
			idx = idxs[i] + 1;
			uvm_pagefree(pg);
		}
	}
	mutex_exit(uobj->vmobjlock);
}

/*
 * A VA-only range whose first page has virtual colour `color' (the low
 * bits of its page number, uvmexp.ncolors of them), for a caller that
 * will enter pages of that colour.  The map hands out an aligned range
 * `color' pages longer than asked, and the pages before the coloured
 * start go back.
 */
static vaddr_t
km_alloc_color(struct vm_map *map, vsize_t size, unsigned int color,
    vm_prot_t prot, uvm_flag_t flags)
{
	struct vm_map_entry *dead = NULL;
	vsize_t ncolors = (vsize_t)uvmexp.ncolors;
	vsize_t lead = (vsize_t)color << PAGE_SHIFT;
	vaddr_t kva = vm_map_min(map);

	KASSERTMSG(color < ncolors, "uvm_km_alloc: colour %u of %ju", color,
	    (uintmax_t)ncolors);
	if (uvm_map(map, &kva, size + lead, NULL, UVM_UNKNOWN_OFFSET,
	    ncolors > 1 ? ncolors << PAGE_SHIFT : 0,
	    UVM_MAPFLAG(prot, prot, UVM_INH_NONE, UVM_ADV_RANDOM,
	    UVM_FLAG_NOMERGE |
	    (flags & (UVM_KMF_TRYLOCK | UVM_KMF_NOWAIT | UVM_KMF_WAITVA)))) !=
	    0)
		return 0;
	if (lead != 0) {
		vm_map_lock(map);
		uvm_unmap_remove(map, kva, kva + lead, &dead, UVM_FLAG_VAONLY);
		vm_map_unlock(map);
		uvm_unmap_detach(dead, 0);
	}
	return kva + lead;
}

/*
 * uvm_km_alloc: allocate size bytes of kernel memory in map.
 *
 * => map is kernel_map or a submap of it (its pmap is pmap_kernel()).
 * => flags: exactly one of UVM_KMF_WIRED, _PAGEABLE, _VAONLY, plus
 *    operation flags; _ZERO only with _WIRED, _COLORMATCH only with
 *    _VAONLY (align is then the colour).
 * => align: 0 or a multiple of the page size.
 * => returns the address, or 0 on failure (nothing left allocated).
 */
vaddr_t
uvm_km_alloc(struct vm_map *map, vsize_t size, vsize_t align, uvm_flag_t flags)
{
	uvm_flag_t type = flags & UVM_KMF_TYPEMASK;
	struct uvm_object *obj;
	vm_prot_t prot;
	vaddr_t kva, va;
	vsize_t left;
	int pgaflags;

	KASSERT(map != NULL);
	KASSERT(vm_map_pmap(map) == pmap_kernel());
	KASSERTMSG(type == UVM_KMF_WIRED || type == UVM_KMF_PAGEABLE ||
	    type == UVM_KMF_VAONLY, "uvm_km_alloc: flags %#x: need exactly one"
	    " of WIRED, PAGEABLE, VAONLY", flags);
	KASSERTMSG((flags & UVM_KMF_ZERO) == 0 || type == UVM_KMF_WIRED,
	    "uvm_km_alloc: UVM_KMF_ZERO is only for UVM_KMF_WIRED");
	KASSERTMSG((flags & UVM_KMF_COLORMATCH) == 0 || type == UVM_KMF_VAONLY,
	    "uvm_km_alloc: UVM_KMF_COLORMATCH is only for UVM_KMF_VAONLY");
	KASSERT((flags & UVM_KMF_COLORMATCH) != 0 || (align & PAGE_MASK) == 0);
	KASSERT(size > 0);

	/* More than the map can hold (or so much that rounding wraps). */
	if (size > vm_map_max(map) - vm_map_min(map))
		return 0;
	size = round_page(size);
	kva = vm_map_min(map);
	obj = type == UVM_KMF_PAGEABLE ? uvm_kernel_object : NULL;
	prot = VM_PROT_READ | VM_PROT_WRITE;
	if (flags & UVM_KMF_EXEC)
		prot |= VM_PROT_EXECUTE;

	if (flags & UVM_KMF_COLORMATCH)
		return km_alloc_color(map, size, (unsigned int)align, prot,
		    flags);
	if (uvm_map(map, &kva, size, obj, UVM_UNKNOWN_OFFSET, align,
	    UVM_MAPFLAG(prot, prot, UVM_INH_NONE, UVM_ADV_RANDOM,
	    flags & (UVM_KMF_TRYLOCK | UVM_KMF_NOWAIT | UVM_KMF_WAITVA))) != 0)
		return 0;

	/* Pageable memory is faulted in; VA-only memory stays empty. */
	if (type != UVM_KMF_WIRED)
		return kva;

	pgaflags = 0;
	if (flags & UVM_KMF_NOWAIT)
		pgaflags |= UVM_PGA_USERESERVE;
	if (flags & UVM_KMF_ZERO)
		pgaflags |= UVM_PGA_ZERO;
	for (va = kva, left = size; left > 0; va += PAGE_SIZE,
	    left -= PAGE_SIZE) {
		struct vm_page *pg;

		for (;;) {
			pg = uvm_pagealloc(NULL, va - vm_map_min(kernel_map),
			    NULL, pgaflags);
			if (pg != NULL)
				break;
			if (flags & (UVM_KMF_NOWAIT | UVM_KMF_CANFAIL)) {
				uvm_km_free(map, kva, size, UVM_KMF_WIRED);
				return 0;
			}
			km_pagewait();
		}
		/* A kernel page: owned by nobody, wired, never queued. */
		uvm_pagewire(pg);
		pg->flags &= ~(PG_BUSY | PG_FAKE);
		pmap_kenter_pa(va, VM_PAGE_TO_PHYS(pg), prot, PMAP_KMPAGE);
	}
	pmap_update(pmap_kernel());
	return kva;
}

/*
 * uvm_km_free: free memory that uvm_km_alloc returned.
 *
 * => map, addr, size as given to / returned by uvm_km_alloc; flags is the
 *    allocation type it was given (operation flags are ignored).
 * => for UVM_KMF_VAONLY the caller has removed its mappings already.
 */
void
uvm_km_free(struct vm_map *map, vaddr_t addr, vsize_t size, uvm_flag_t flags)
{
	uvm_flag_t type = flags & UVM_KMF_TYPEMASK;
	struct vm_map_entry *dead = NULL;

	KASSERT(map != NULL);
	KASSERT(vm_map_pmap(map) == pmap_kernel());
	KASSERTMSG(type == UVM_KMF_WIRED || type == UVM_KMF_PAGEABLE ||
	    type == UVM_KMF_VAONLY, "uvm_km_free: flags %#x: need exactly one"
	    " of WIRED, PAGEABLE, VAONLY", flags);
	KASSERT((addr & PAGE_MASK) == 0);
	KASSERT(size > 0);
	KASSERT(addr >= vm_map_min(map) && addr + round_page(size) <=
	    vm_map_max(map));

	size = round_page(size);
	if (type == UVM_KMF_PAGEABLE)
		km_pgremove_pageable(addr, addr + size);
	else if (type == UVM_KMF_WIRED)
		km_pgremove_wired(addr, addr + size);

	/* The translations are gone already: free only the VA. */
	vm_map_lock(map);
	uvm_unmap_remove(map, addr, addr + size, &dead, UVM_FLAG_VAONLY);
	vm_map_unlock(map);
	uvm_unmap_detach(dead, 0);
}

/*
 * uvm_km_suballoc: carve a submap out of map.
 *
 * => fixed: the submap starts at *min; else anywhere, and *min gets the
 *    start.  *max gets the end.
 * => pageable: the submap's entries may be paged (VM_MAP_PAGEABLE).
 * => submap: storage for the new map, or NULL to allocate one.
 * => returns the submap, or NULL if the range could not be had in map.
 */
struct vm_map *
uvm_km_suballoc(struct vm_map *map, vaddr_t *min, vaddr_t *max, vsize_t size,
    bool pageable, bool fixed, struct vm_map *submap)
{
	struct km_submap *ks;

	KASSERT(map != NULL && min != NULL && max != NULL);
	KASSERT(vm_map_pmap(map) == pmap_kernel());
	KASSERT(size > 0);

	size = round_page(size);
	if (!fixed)
		*min = vm_map_min(map);
	if (uvm_map(map, min, size, NULL, UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(UVM_PROT_ALL, UVM_PROT_ALL, UVM_INH_NONE,
	    UVM_ADV_RANDOM, UVM_FLAG_NOMERGE |
	    (fixed ? UVM_FLAG_FIXED : 0))) != 0)
		return NULL;
	*max = *min + size;

	ks = kmem_alloc(sizeof(*ks), KM_SLEEP);
	ks->ks_allocated = submap == NULL;
	if (submap == NULL) {
		submap = uvm_map_create(pmap_kernel(), *min, *max,
		    pageable ? VM_MAP_PAGEABLE : 0);
	} else {
		uvm_map_setup(submap, *min, *max,
		    pageable ? VM_MAP_PAGEABLE : 0);
		submap->pmap = pmap_kernel();
	}
	ks->ks_map = submap;
	if (uvm_map_submap(map, *min, *max, submap) != 0) {
		/* The range is ours and empty: this cannot fail. */
		panic("uvm_km_suballoc: cannot install submap [%#jx, %#jx)",
		    (uintmax_t)*min, (uintmax_t)*max);
	}
	mutex_enter(&km_submap_lock);
	LIST_INSERT_HEAD(&km_submaps, ks, ks_list);
	mutex_exit(&km_submap_lock);
	return submap;
}
