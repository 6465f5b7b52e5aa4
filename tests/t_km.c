/*
 * t_km: kernel memory (uvm_km.c): uvm_km_alloc/uvm_km_free with every
 * allocation type and operation flag of uvm_km(9), what fails and what
 * sleeps, and uvm_km_suballoc.
 *
 * Each case checks the page counters (uvmexp.free, uvmexp.wired), the
 * kernel pmap (pmap_extract) and the map (entries, size, the checker)
 * before and after, so a failure that leaks a page or an entry shows.
 */
#include "h_machine.h"

#include <uvm/uvm_aobj.h>
#include "uvm/uvm_impl.h"

#include <stdlib.h>
#include <time.h>

#define RAM	((psize_t)8 * 1024 * 1024)

static void
boot(void)
{
	h_boot(RAM, 0);
	H_CHECK(kernel_map);
}

static void
msleep(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Pages of [va, va + size) that the kernel pmap translates. */
static size_t
mapped_pages(vaddr_t va, vsize_t size)
{
	size_t n = 0;
	paddr_t pa;

	for (vsize_t off = 0; off < size; off += PAGE_SIZE)
		if (pmap_extract(pmap_kernel(), va + off, &pa))
			n++;
	return n;
}

/* A snapshot of what an allocation may change. */
struct snap {
	int		free;
	int		wired;
	int		nentries;
	vsize_t		size;
	int		kobj_pages;
};

static void
snap(struct snap *s, struct vm_map *map)
{
	s->free = uvmexp.free;
	s->wired = uvmexp.wired;
	s->nentries = map->nentries;
	s->size = map->size;
	s->kobj_pages = uvm_kernel_object->uo_npages;
}

#define SNAP_EQ(a, b) do {						\
	ATF_CHECK_EQ((a)->free, (b)->free);				\
	ATF_CHECK_EQ((a)->wired, (b)->wired);				\
	ATF_CHECK_EQ((a)->nentries, (b)->nentries);			\
	ATF_CHECK_EQ((a)->size, (b)->size);				\
	ATF_CHECK_EQ((a)->kobj_pages, (b)->kobj_pages);			\
} while (0)

/* ------------------------------------------------------------------ */

ATF_TC_WITHOUT_HEAD(init_builds_kernel_map_and_object);
ATF_TC_BODY(init_builds_kernel_map_and_object, tc)
{
	vaddr_t start, end;

	boot();
	pmap_virtual_space(&start, &end);
	ATF_REQUIRE(kernel_map == &vmspace0.vm_map);
	ATF_CHECK(vm_map_pmap(kernel_map) == pmap_kernel());
	ATF_CHECK_EQ(vm_map_min(kernel_map), start);
	ATF_CHECK_EQ(vm_map_max(kernel_map), end);
	ATF_CHECK(kernel_map->flags & VM_MAP_PAGEABLE);
	ATF_REQUIRE(uvm_kernel_object != NULL);
	ATF_CHECK(UVM_OBJ_IS_KERN_OBJECT(uvm_kernel_object));
	ATF_CHECK(UVM_OBJ_IS_AOBJ(uvm_kernel_object));
	ATF_CHECK_EQ((vsize_t)uao_npages(uvm_kernel_object),
	    (end - start) >> PAGE_SHIFT);
	h_shutdown();
	/* A second machine boots its own kernel map. */
	boot();
	ATF_CHECK(kernel_map == &vmspace0.vm_map);
	ATF_CHECK_EQ(kernel_map->nentries, 1);	/* the UBC windows */
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(wired_alloc_maps_wired_dereferenceable_pages);
ATF_TC_BODY(wired_alloc_maps_wired_dereferenceable_pages, tc)
{
	struct snap a, b;
	vsize_t size;
	vaddr_t va;

	boot();
	size = 5 * PAGE_SIZE;
	snap(&a, kernel_map);
	va = uvm_km_alloc(kernel_map, size, 0, UVM_KMF_WIRED);
	H_CHECK(kernel_map);
	ATF_REQUIRE(va != 0);
	ATF_CHECK_EQ(va & PAGE_MASK, 0);
	ATF_CHECK(va >= vm_map_min(kernel_map) &&
	    va + size <= vm_map_max(kernel_map));
	ATF_CHECK_EQ(uvmexp.free, a.free - 5);
	ATF_CHECK_EQ(uvmexp.wired, a.wired + 5);
	ATF_CHECK_EQ(kernel_map->size, a.size + size);
	ATF_CHECK_EQ(mapped_pages(va, size), 5);
	/* Ordinary memory: store through the VA, see it in the page. */
	for (vsize_t off = 0; off < size; off++)
		((volatile unsigned char *)va)[off] = (unsigned char)(off * 7);
	for (vsize_t off = 0; off < size; off += PAGE_SIZE) {
		paddr_t pa;
		struct vm_page *pg;

		ATF_REQUIRE(pmap_extract(pmap_kernel(), va + off, &pa));
		pg = PHYS_TO_VM_PAGE(pa);
		ATF_REQUIRE(pg != NULL);
		ATF_CHECK(pg->uobject == NULL && pg->uanon == NULL);
		ATF_CHECK(pg->wire_count > 0);
		ATF_CHECK_EQ(pg->pqflags & PQ_QMASK, 0);
		ATF_CHECK_EQ(pg->flags & PG_BUSY, 0);
		ATF_CHECK_EQ(((unsigned char *)PMAP_DIRECT_MAP(pa))[3],
		    (unsigned char)((off + 3) * 7));
	}
	/* No pageable pages came from the kernel object. */
	ATF_CHECK_EQ(uvm_kernel_object->uo_npages, a.kobj_pages);
	uvm_km_free(kernel_map, va, size, UVM_KMF_WIRED);
	H_CHECK(kernel_map);
	snap(&b, kernel_map);
	SNAP_EQ(&a, &b);
	ATF_CHECK_EQ(mapped_pages(va, size), 0);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(wired_size_rounds_up_to_pages);
ATF_TC_BODY(wired_size_rounds_up_to_pages, tc)
{
	int free0;
	vaddr_t va;

	boot();
	free0 = uvmexp.free;
	va = uvm_km_alloc(kernel_map, PAGE_SIZE + 1, 0, UVM_KMF_WIRED);
	H_CHECK(kernel_map);
	ATF_REQUIRE(va != 0);
	ATF_CHECK_EQ(uvmexp.free, free0 - 2);
	ATF_CHECK_EQ(mapped_pages(va, 2 * PAGE_SIZE), 2);
	uvm_km_free(kernel_map, va, PAGE_SIZE + 1, UVM_KMF_WIRED);
	H_CHECK(kernel_map);
	ATF_CHECK_EQ(uvmexp.free, free0);
	h_shutdown();
}

/*
 * UVM_KMF_ZERO: dirty as many pages as possible, give them back, then
 * ask for zeroed memory of the same size: every byte is zero.
 */
ATF_TC_WITHOUT_HEAD(wired_zero_returns_zero_filled_memory);
ATF_TC_BODY(wired_zero_returns_zero_filled_memory, tc)
{
	vsize_t size;
	vaddr_t va;

	boot();
	size = (vsize_t)(uvmexp.free / 2) << PAGE_SHIFT;
	va = uvm_km_alloc(kernel_map, size, 0, UVM_KMF_WIRED);
	ATF_REQUIRE(va != 0);
	memset((void *)va, 0xa5, size);
	uvm_km_free(kernel_map, va, size, UVM_KMF_WIRED);
	H_CHECK(kernel_map);
	va = uvm_km_alloc(kernel_map, size, 0, UVM_KMF_WIRED | UVM_KMF_ZERO);
	H_CHECK(kernel_map);
	ATF_REQUIRE(va != 0);
	for (vsize_t off = 0; off < size; off += sizeof(uint64_t))
		if (*(uint64_t *)(va + off) != 0)
			atf_tc_fail("byte %#jx of zeroed memory is not zero",
			    (uintmax_t)off);
	uvm_km_free(kernel_map, va, size, UVM_KMF_WIRED);
	H_CHECK(kernel_map);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(zero_without_wired_panics);
ATF_TC_BODY(zero_without_wired_panics, tc)
{
	boot();
	ATF_CHECK(H_PANICS(uvm_km_alloc(kernel_map, PAGE_SIZE, 0,
	    UVM_KMF_PAGEABLE | UVM_KMF_ZERO)));
	ATF_CHECK(strstr(h_panic_msg, "ZERO") != NULL);
	ATF_CHECK(H_PANICS(uvm_km_alloc(kernel_map, PAGE_SIZE, 0,
	    UVM_KMF_VAONLY | UVM_KMF_ZERO)));
	ATF_CHECK(strstr(h_panic_msg, "ZERO") != NULL);
}

ATF_TC_WITHOUT_HEAD(type_must_be_exactly_one);
ATF_TC_BODY(type_must_be_exactly_one, tc)
{
	boot();
	ATF_CHECK(H_PANICS(uvm_km_alloc(kernel_map, PAGE_SIZE, 0,
	    UVM_KMF_CANFAIL)));
	ATF_CHECK(H_PANICS(uvm_km_alloc(kernel_map, PAGE_SIZE, 0,
	    UVM_KMF_WIRED | UVM_KMF_PAGEABLE)));
	ATF_CHECK(H_PANICS(uvm_km_free(kernel_map, vm_map_min(kernel_map),
	    PAGE_SIZE, 0)));
}

ATF_TC_WITHOUT_HEAD(vaonly_reserves_va_without_pages);
ATF_TC_BODY(vaonly_reserves_va_without_pages, tc)
{
	struct snap a, b;
	struct vm_map_entry *entry;
	vsize_t size;
	vaddr_t va;

	boot();
	size = 64 * PAGE_SIZE;
	snap(&a, kernel_map);
	va = uvm_km_alloc(kernel_map, size, 0, UVM_KMF_VAONLY);
	H_CHECK(kernel_map);
	ATF_REQUIRE(va != 0);
	ATF_CHECK_EQ(uvmexp.free, a.free);
	ATF_CHECK_EQ(uvmexp.wired, a.wired);
	ATF_CHECK_EQ(mapped_pages(va, size), 0);
	ATF_CHECK_EQ(kernel_map->size, a.size + size);
	ATF_REQUIRE(uvm_map_lookup_entry(kernel_map, va + size - 1, &entry));
	ATF_CHECK(entry->start <= va && entry->end >= va + size);
	ATF_CHECK(entry->object.uvm_obj == NULL);
	ATF_CHECK(entry->aref.ar_amap == NULL);
	/* The caller may enter its own mapping there, and must remove it. */
	{
		struct vm_page *pg = uvm_pagealloc(NULL, 0, NULL, UVM_PGA_ZERO);
		ATF_REQUIRE(pg != NULL);
		pmap_kenter_pa(va, VM_PAGE_TO_PHYS(pg),
		    VM_PROT_READ | VM_PROT_WRITE, 0);
		pmap_update(pmap_kernel());
		*(volatile int *)va = 42;
		ATF_CHECK_EQ(*(int *)PMAP_DIRECT_MAP(VM_PAGE_TO_PHYS(pg)), 42);
		pmap_kremove(va, PAGE_SIZE);
		pmap_update(pmap_kernel());
		uvm_pagefree(pg);
	}
	uvm_km_free(kernel_map, va, size, UVM_KMF_VAONLY);
	H_CHECK(kernel_map);
	ATF_CHECK(!uvm_map_lookup_entry(kernel_map, va, &entry));
	snap(&b, kernel_map);
	SNAP_EQ(&a, &b);
	h_shutdown();
}

/*
 * Pageable memory has no pages until it is touched; a touch (kcopy, the
 * kernel's access that can fault) brings in exactly the pages touched,
 * zero-filled, as pages of the kernel object at va - kernel map min.
 */
ATF_TC_WITHOUT_HEAD(pageable_faults_in_on_access);
ATF_TC_BODY(pageable_faults_in_on_access, tc)
{
	struct snap a, b;
	vsize_t size;
	char buf[64], zero[64];
	struct vm_page *pg;
	vaddr_t va;

	boot();
	size = 8 * PAGE_SIZE;
	snap(&a, kernel_map);
	va = uvm_km_alloc(kernel_map, size, 0, UVM_KMF_PAGEABLE);
	H_CHECK(kernel_map);
	ATF_REQUIRE(va != 0);
	ATF_CHECK_EQ(uvmexp.free, a.free);
	ATF_CHECK_EQ(mapped_pages(va, size), 0);
	ATF_CHECK_EQ(uvm_kernel_object->uo_npages, a.kobj_pages);

	memset(buf, 'k', sizeof(buf));
	ATF_REQUIRE_EQ(kcopy(buf, (void *)(va + 2 * PAGE_SIZE + 10),
	    sizeof(buf)), 0);
	H_CHECK(kernel_map);
	ATF_CHECK_EQ(uvm_kernel_object->uo_npages, a.kobj_pages + 1);
	ATF_CHECK_EQ(uvmexp.free, a.free - 1);
	mutex_enter(uvm_kernel_object->vmobjlock);
	pg = uvm_pagelookup(uvm_kernel_object,
	    (voff_t)(va + 2 * PAGE_SIZE - vm_map_min(kernel_map)));
	mutex_exit(uvm_kernel_object->vmobjlock);
	ATF_REQUIRE(pg != NULL);
	ATF_CHECK_EQ(memcmp((char *)uvm_page_kva(pg) + 10, buf, sizeof(buf)),
	    0);
	memset(buf, 0, sizeof(buf));
	ATF_REQUIRE_EQ(kcopy((void *)(va + 2 * PAGE_SIZE + 10), buf,
	    sizeof(buf)), 0);
	ATF_CHECK_EQ(buf[0], 'k');
	ATF_CHECK_EQ(buf[63], 'k');
	/* An untouched page reads as zero (and is faulted in to do so). */
	memset(zero, 0, sizeof(zero));
	memset(buf, 1, sizeof(buf));
	ATF_REQUIRE_EQ(kcopy((void *)(va + 7 * PAGE_SIZE), buf, sizeof(buf)),
	    0);
	ATF_CHECK_EQ(memcmp(buf, zero, sizeof(buf)), 0);
	ATF_CHECK_EQ(uvm_kernel_object->uo_npages, a.kobj_pages + 2);
	H_CHECK(kernel_map);

	uvm_km_free(kernel_map, va, size, UVM_KMF_PAGEABLE);
	H_CHECK(kernel_map);
	ATF_CHECK_EQ(mapped_pages(va, size), 0);
	snap(&b, kernel_map);
	SNAP_EQ(&a, &b);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(alignment_is_honoured_for_every_type);
ATF_TC_BODY(alignment_is_honoured_for_every_type, tc)
{
	static const uvm_flag_t types[] = {
		UVM_KMF_WIRED, UVM_KMF_PAGEABLE, UVM_KMF_VAONLY
	};
	vaddr_t va[3], pad;
	int n0;

	boot();
	n0 = kernel_map->nentries;
	/* Knock the next free address off any natural alignment. */
	pad = uvm_km_alloc(kernel_map, PAGE_SIZE, 0, UVM_KMF_VAONLY);
	ATF_REQUIRE(pad != 0);
	for (int i = 0; i < 3; i++) {
		vsize_t align = (vsize_t)16 << (PAGE_SHIFT + i);

		va[i] = uvm_km_alloc(kernel_map, 3 * PAGE_SIZE, align,
		    types[i]);
		H_CHECK(kernel_map);
		ATF_REQUIRE(va[i] != 0);
		ATF_CHECK_EQ(va[i] & (align - 1), 0);
	}
	for (int i = 0; i < 3; i++) {
		uvm_km_free(kernel_map, va[i], 3 * PAGE_SIZE, types[i]);
		H_CHECK(kernel_map);
	}
	uvm_km_free(kernel_map, pad, PAGE_SIZE, UVM_KMF_VAONLY);
	H_CHECK(kernel_map);
	ATF_CHECK_EQ(kernel_map->nentries, n0);
	h_shutdown();
}

/*
 * CANFAIL and NOWAIT: when memory runs out in the middle of a wired
 * allocation, it returns 0 and every page it had taken, its mappings and
 * its map entry are gone again.
 */
static void
fails_when_memory_runs_out(uvm_flag_t flag)
{
	struct snap a, b;
	vsize_t size;
	vaddr_t va;

	boot();
	snap(&a, kernel_map);
	size = (vsize_t)(uvmexp.free + 16) << PAGE_SHIFT;
	va = uvm_km_alloc(kernel_map, size, 0, UVM_KMF_WIRED | flag);
	H_CHECK(kernel_map);
	ATF_CHECK_EQ(va, 0);
	snap(&b, kernel_map);
	SNAP_EQ(&a, &b);
	/* And the same through fault injection on the first page. */
	kern_fault_set(KFI_PAGE, 1, 0);
	va = uvm_km_alloc(kernel_map, PAGE_SIZE, 0, UVM_KMF_WIRED | flag);
	kern_fault_clear();
	H_CHECK(kernel_map);
	ATF_CHECK_EQ(va, 0);
	snap(&b, kernel_map);
	SNAP_EQ(&a, &b);
	/* Still works afterwards. */
	va = uvm_km_alloc(kernel_map, PAGE_SIZE, 0, UVM_KMF_WIRED | flag);
	ATF_CHECK(va != 0);
	uvm_km_free(kernel_map, va, PAGE_SIZE, UVM_KMF_WIRED);
	H_CHECK(kernel_map);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(canfail_returns_zero_and_leaks_nothing);
ATF_TC_BODY(canfail_returns_zero_and_leaks_nothing, tc)
{
	fails_when_memory_runs_out(UVM_KMF_CANFAIL);
}

ATF_TC_WITHOUT_HEAD(nowait_returns_zero_and_leaks_nothing);
ATF_TC_BODY(nowait_returns_zero_and_leaks_nothing, tc)
{
	fails_when_memory_runs_out(UVM_KMF_NOWAIT);
}

/*
 * NOWAIT may dip into the kernel reserve (UVM_PGA_USERESERVE), CANFAIL
 * may not.
 */
ATF_TC_WITHOUT_HEAD(nowait_may_use_the_kernel_reserve);
ATF_TC_BODY(nowait_may_use_the_kernel_reserve, tc)
{
	int saved;
	vaddr_t va;

	boot();
	saved = uvmexp.reserve_kernel;
	uvmexp.reserve_kernel = uvmexp.free;
	va = uvm_km_alloc(kernel_map, 2 * PAGE_SIZE, 0,
	    UVM_KMF_WIRED | UVM_KMF_CANFAIL);
	ATF_CHECK_EQ(va, 0);
	va = uvm_km_alloc(kernel_map, 2 * PAGE_SIZE, 0,
	    UVM_KMF_WIRED | UVM_KMF_NOWAIT);
	H_CHECK(kernel_map);
	ATF_CHECK(va != 0);
	if (va != 0)
		uvm_km_free(kernel_map, va, 2 * PAGE_SIZE, UVM_KMF_WIRED);
	uvmexp.reserve_kernel = saved;
	H_CHECK(kernel_map);
	h_shutdown();
}

/* A thread that allocates and reports when it got its memory. */
struct waiter {
	struct vm_map	*map;
	vsize_t		size;
	uvm_flag_t	flags;
	vaddr_t		va;
	volatile bool	done;
};

static void
waiter_main(void *arg)
{
	struct waiter *w = arg;

	w->va = uvm_km_alloc(w->map, w->size, 0, w->flags);
	__atomic_store_n(&w->done, true, __ATOMIC_RELEASE);
	kthread_exit(0);
}

/*
 * Without NOWAIT or CANFAIL a wired allocation never fails: with no page
 * free it sleeps until one is freed, then completes.
 */
ATF_TC_WITHOUT_HEAD(wired_without_canfail_sleeps_for_pages);
ATF_TC_BODY(wired_without_canfail_sleeps_for_pages, tc)
{
	struct waiter w;
	struct lwp *l;
	vaddr_t hog;
	vsize_t hogsize;
	int saved, savedpd;

	boot();
	saved = uvmexp.reserve_kernel;
	savedpd = uvmexp.reserve_pagedaemon;
	uvmexp.reserve_kernel = 0;
	uvmexp.reserve_pagedaemon = 0;
	/* Take every free page. */
	hogsize = (vsize_t)uvmexp.free << PAGE_SHIFT;
	hog = uvm_km_alloc(kernel_map, hogsize, 0,
	    UVM_KMF_WIRED | UVM_KMF_CANFAIL);
	ATF_REQUIRE(hog != 0);
	ATF_REQUIRE_EQ(uvmexp.free, 0);
	H_CHECK(kernel_map);

	memset(&w, 0, sizeof(w));
	w.map = kernel_map;
	w.size = PAGE_SIZE;
	w.flags = UVM_KMF_WIRED | UVM_KMF_WAITVA;
	ATF_REQUIRE_EQ(kthread_create(PRI_NONE, KTHREAD_MUSTJOIN, NULL,
	    waiter_main, &w, &l, "kmwait"), 0);
	msleep(100);
	ATF_CHECK(!__atomic_load_n(&w.done, __ATOMIC_ACQUIRE));
	/* Give one page back: the waiter gets it. */
	uvm_km_free(kernel_map, hog + hogsize - PAGE_SIZE, PAGE_SIZE,
	    UVM_KMF_WIRED);
	ATF_CHECK_EQ(kthread_join(l), 0);
	ATF_REQUIRE(w.done);
	ATF_CHECK(w.va != 0);
	ATF_CHECK_EQ(mapped_pages(w.va, PAGE_SIZE), 1);
	ATF_CHECK_EQ(uvmexp.free, 0);
	H_CHECK(kernel_map);
	uvm_km_free(kernel_map, w.va, PAGE_SIZE, UVM_KMF_WIRED);
	uvm_km_free(kernel_map, hog, hogsize - PAGE_SIZE, UVM_KMF_WIRED);
	uvmexp.reserve_kernel = saved;
	uvmexp.reserve_pagedaemon = savedpd;
	H_CHECK(kernel_map);
	h_shutdown();
}

/* A small submap to run out of VA in. */
static struct vm_map *
small_submap(vaddr_t *minp, vaddr_t *maxp, vsize_t pages)
{
	struct vm_map *sub;

	sub = uvm_km_suballoc(kernel_map, minp, maxp, pages * PAGE_SIZE,
	    false, false, NULL);
	ATF_REQUIRE(sub != NULL);
	H_CHECK(kernel_map);
	H_CHECK(sub);
	return sub;
}

ATF_TC_WITHOUT_HEAD(no_va_fails_without_waitva);
ATF_TC_BODY(no_va_fails_without_waitva, tc)
{
	struct vm_map *sub;
	vaddr_t min, max, va, va2;
	int free0;

	boot();
	sub = small_submap(&min, &max, 8);
	va = uvm_km_alloc(sub, 8 * PAGE_SIZE, 0, UVM_KMF_VAONLY);
	H_CHECK(sub);
	ATF_REQUIRE_EQ(va, min);
	free0 = uvmexp.free;
	ATF_CHECK_EQ(uvm_km_alloc(sub, PAGE_SIZE, 0, UVM_KMF_VAONLY), 0);
	ATF_CHECK_EQ(uvm_km_alloc(sub, PAGE_SIZE, 0, UVM_KMF_WIRED), 0);
	ATF_CHECK_EQ(uvm_km_alloc(sub, PAGE_SIZE, 0, UVM_KMF_WIRED |
	    UVM_KMF_NOWAIT | UVM_KMF_WAITVA), 0);
	ATF_CHECK_EQ(uvmexp.free, free0);
	H_CHECK(sub);
	ATF_CHECK_EQ(sub->nentries, 1);
	/* More than the whole kernel map fails too, even with WAITVA. */
	ATF_CHECK_EQ(uvm_km_alloc(kernel_map, vm_map_max(kernel_map) -
	    vm_map_min(kernel_map) + PAGE_SIZE, 0, UVM_KMF_VAONLY), 0);
	ATF_CHECK_EQ(uvm_km_alloc(kernel_map, SIZE_MAX, 0,
	    UVM_KMF_WIRED | UVM_KMF_WAITVA), 0);
	ATF_CHECK_EQ(uvmexp.free, free0);
	H_CHECK(kernel_map);
	uvm_km_free(sub, va, 8 * PAGE_SIZE, UVM_KMF_VAONLY);
	H_CHECK(sub);
	va2 = uvm_km_alloc(sub, PAGE_SIZE, 0, UVM_KMF_WIRED);
	ATF_CHECK_EQ(va2, min);
	uvm_km_free(sub, va2, PAGE_SIZE, UVM_KMF_WIRED);
	H_CHECK(sub);
	h_shutdown();
}

/* WAITVA sleeps until VA is freed in the map, then completes. */
ATF_TC_WITHOUT_HEAD(waitva_sleeps_until_va_is_freed);
ATF_TC_BODY(waitva_sleeps_until_va_is_freed, tc)
{
	struct vm_map *sub;
	struct waiter w;
	struct lwp *l;
	vaddr_t min, max, va;

	boot();
	sub = small_submap(&min, &max, 4);
	va = uvm_km_alloc(sub, 4 * PAGE_SIZE, 0, UVM_KMF_WIRED);
	ATF_REQUIRE(va != 0);
	memset(&w, 0, sizeof(w));
	w.map = sub;
	w.size = 2 * PAGE_SIZE;
	w.flags = UVM_KMF_WIRED | UVM_KMF_WAITVA;
	ATF_REQUIRE_EQ(kthread_create(PRI_NONE, KTHREAD_MUSTJOIN, NULL,
	    waiter_main, &w, &l, "vawait"), 0);
	msleep(100);
	ATF_CHECK(!__atomic_load_n(&w.done, __ATOMIC_ACQUIRE));
	uvm_km_free(sub, va, 4 * PAGE_SIZE, UVM_KMF_WIRED);
	ATF_CHECK_EQ(kthread_join(l), 0);
	ATF_CHECK(w.va >= min && w.va + 2 * PAGE_SIZE <= max);
	ATF_CHECK_EQ(mapped_pages(w.va, 2 * PAGE_SIZE), 2);
	H_CHECK(sub);
	uvm_km_free(sub, w.va, 2 * PAGE_SIZE, UVM_KMF_WIRED);
	H_CHECK(sub);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(trylock_fails_while_map_is_locked);
ATF_TC_BODY(trylock_fails_while_map_is_locked, tc)
{
	struct snap a, b;
	vaddr_t va;

	boot();
	snap(&a, kernel_map);
	vm_map_lock(kernel_map);
	va = uvm_km_alloc(kernel_map, PAGE_SIZE, 0,
	    UVM_KMF_WIRED | UVM_KMF_TRYLOCK);
	vm_map_unlock(kernel_map);
	ATF_CHECK_EQ(va, 0);
	snap(&b, kernel_map);
	SNAP_EQ(&a, &b);
	va = uvm_km_alloc(kernel_map, PAGE_SIZE, 0,
	    UVM_KMF_WIRED | UVM_KMF_TRYLOCK);
	H_CHECK(kernel_map);
	ATF_CHECK(va != 0);
	uvm_km_free(kernel_map, va, PAGE_SIZE, UVM_KMF_WIRED);
	H_CHECK(kernel_map);
	h_shutdown();
}

/*
 * Every legal combination of type and operation flags allocates and
 * frees cleanly when memory and VA are plentiful.
 */
ATF_TC_WITHOUT_HEAD(every_flag_combination_allocates_and_frees);
ATF_TC_BODY(every_flag_combination_allocates_and_frees, tc)
{
	static const uvm_flag_t types[] = {
		UVM_KMF_WIRED, UVM_KMF_PAGEABLE, UVM_KMF_VAONLY
	};
	static const uvm_flag_t ops[] = {
		UVM_KMF_CANFAIL, UVM_KMF_ZERO, UVM_KMF_TRYLOCK,
		UVM_KMF_NOWAIT, UVM_KMF_WAITVA, UVM_KMF_EXEC
	};
	struct snap a, b;
	int n = 0;

	boot();
	snap(&a, kernel_map);
	for (size_t t = 0; t < __arraycount(types); t++) {
		for (unsigned int m = 0; m < (1u << __arraycount(ops)); m++) {
			uvm_flag_t flags = types[t];
			struct vm_map_entry *e;
			vaddr_t va;

			for (size_t i = 0; i < __arraycount(ops); i++)
				if (m & (1u << i))
					flags |= ops[i];
			if ((flags & UVM_KMF_ZERO) && types[t] != UVM_KMF_WIRED)
				continue;
			va = uvm_km_alloc(kernel_map, 3 * PAGE_SIZE, 0, flags);
			H_CHECK(kernel_map);
			ATF_REQUIRE_MSG(va != 0, "flags %#x", flags);
			ATF_CHECK_EQ_MSG(mapped_pages(va, 3 * PAGE_SIZE),
			    types[t] == UVM_KMF_WIRED ? 3 : 0, "flags %#x",
			    flags);
			ATF_REQUIRE(uvm_map_lookup_entry(kernel_map, va, &e));
			ATF_CHECK_EQ_MSG((e->protection & VM_PROT_EXECUTE) != 0,
			    (flags & UVM_KMF_EXEC) != 0, "flags %#x", flags);
			if (flags & UVM_KMF_ZERO)
				ATF_CHECK_EQ(((uint64_t *)va)[100], 0);
			uvm_km_free(kernel_map, va, 3 * PAGE_SIZE, flags);
			H_CHECK(kernel_map);
			n++;
		}
	}
	ATF_CHECK_EQ(n, 64 + 32 + 32);
	snap(&b, kernel_map);
	SNAP_EQ(&a, &b);
	h_shutdown();
}

/* VA-only with COLORMATCH: align is the virtual colour of the start. */
ATF_TC_WITHOUT_HEAD(colormatch_vaonly_starts_at_the_colour);
ATF_TC_BODY(colormatch_vaonly_starts_at_the_colour, tc)
{
	struct uvm_machine m;
	struct snap a, b;
	vaddr_t va[8];

	uvm_machine_defaults(&m);
	m.m_ramsize = RAM;
	m.m_ncolors = 8;
	m.m_quiet = true;
	h_boot_machine(&m);
	snap(&a, kernel_map);
	for (unsigned int c = 0; c < 8; c++) {
		va[c] = uvm_km_alloc(kernel_map, 3 * PAGE_SIZE, c,
		    UVM_KMF_VAONLY | UVM_KMF_COLORMATCH);
		H_CHECK(kernel_map);
		ATF_REQUIRE(va[c] != 0);
		ATF_CHECK_EQ(atop(va[c]) & 7, c);
		ATF_CHECK_EQ(mapped_pages(va[c], 3 * PAGE_SIZE), 0);
	}
	ATF_CHECK_EQ(kernel_map->size, a.size + 8 * 3 * PAGE_SIZE);
	for (unsigned int c = 0; c < 8; c++) {
		uvm_km_free(kernel_map, va[c], 3 * PAGE_SIZE, UVM_KMF_VAONLY);
		H_CHECK(kernel_map);
	}
	snap(&b, kernel_map);
	SNAP_EQ(&a, &b);
	ATF_CHECK(H_PANICS(uvm_km_alloc(kernel_map, PAGE_SIZE, 8,
	    UVM_KMF_VAONLY | UVM_KMF_COLORMATCH)));
}

ATF_TC_WITHOUT_HEAD(colormatch_without_vaonly_panics);
ATF_TC_BODY(colormatch_without_vaonly_panics, tc)
{
	boot();
	ATF_CHECK(H_PANICS(uvm_km_alloc(kernel_map, PAGE_SIZE, 0,
	    UVM_KMF_WIRED | UVM_KMF_COLORMATCH)));
	ATF_CHECK(strstr(h_panic_msg, "COLORMATCH") != NULL);
}

ATF_TC_WITHOUT_HEAD(suballoc_anywhere_returns_submap_range);
ATF_TC_BODY(suballoc_anywhere_returns_submap_range, tc)
{
	struct vm_map *sub;
	struct vm_map_entry *e;
	vaddr_t min = 0, max = 0, va;
	vsize_t psize;

	boot();
	psize = kernel_map->size;
	sub = uvm_km_suballoc(kernel_map, &min, &max, 100 * PAGE_SIZE + 5,
	    false, false, NULL);
	H_CHECK(kernel_map);
	ATF_REQUIRE(sub != NULL);
	H_CHECK(sub);
	ATF_CHECK_EQ(max - min, 101 * PAGE_SIZE);
	ATF_CHECK_EQ(vm_map_min(sub), min);
	ATF_CHECK_EQ(vm_map_max(sub), max);
	ATF_CHECK(vm_map_pmap(sub) == pmap_kernel());
	ATF_CHECK((sub->flags & VM_MAP_PAGEABLE) == 0);
	ATF_CHECK_EQ(kernel_map->size, psize + 101 * PAGE_SIZE);
	ATF_REQUIRE(uvm_map_lookup_entry(kernel_map, min, &e));
	ATF_CHECK(UVM_ET_ISSUBMAP(e));
	ATF_CHECK(e->object.sub_map == sub);
	ATF_CHECK(e->start == min && e->end == max);
	/* Memory from the submap lies inside it and works. */
	va = uvm_km_alloc(sub, 3 * PAGE_SIZE, 0, UVM_KMF_WIRED | UVM_KMF_ZERO);
	H_CHECK(sub);
	ATF_REQUIRE(va >= min && va + 3 * PAGE_SIZE <= max);
	((volatile char *)va)[5] = 'x';
	ATF_CHECK_EQ(((char *)va)[5], 'x');
	uvm_km_free(sub, va, 3 * PAGE_SIZE, UVM_KMF_WIRED);
	H_CHECK(sub);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(suballoc_fixed_lands_at_min_or_fails);
ATF_TC_BODY(suballoc_fixed_lands_at_min_or_fails, tc)
{
	struct vm_map *sub, *sub2;
	vaddr_t min, max, want, probe;

	boot();
	/* Find a free spot well inside the map. */
	probe = uvm_km_alloc(kernel_map, 64 * PAGE_SIZE, 0, UVM_KMF_VAONLY);
	ATF_REQUIRE(probe != 0);
	uvm_km_free(kernel_map, probe, 64 * PAGE_SIZE, UVM_KMF_VAONLY);
	want = probe + 16 * PAGE_SIZE;
	min = want;
	sub = uvm_km_suballoc(kernel_map, &min, &max, 8 * PAGE_SIZE, true,
	    true, NULL);
	H_CHECK(kernel_map);
	ATF_REQUIRE(sub != NULL);
	H_CHECK(sub);
	ATF_CHECK_EQ(min, want);
	ATF_CHECK_EQ(max, want + 8 * PAGE_SIZE);
	ATF_CHECK(sub->flags & VM_MAP_PAGEABLE);
	/* Fixed over the range it now occupies: refused, nothing changed. */
	min = want + 4 * PAGE_SIZE;
	int n = kernel_map->nentries;
	sub2 = uvm_km_suballoc(kernel_map, &min, &max, 8 * PAGE_SIZE, false,
	    true, NULL);
	ATF_CHECK(sub2 == NULL);
	ATF_CHECK_EQ(kernel_map->nentries, n);
	H_CHECK(kernel_map);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(suballoc_uses_the_given_submap);
ATF_TC_BODY(suballoc_uses_the_given_submap, tc)
{
	static struct vm_map store;
	struct vm_map *sub;
	vaddr_t min, max, va;

	boot();
	memset(&store, 0, sizeof(store));
	sub = uvm_km_suballoc(kernel_map, &min, &max, 16 * PAGE_SIZE, false,
	    false, &store);
	H_CHECK(kernel_map);
	ATF_REQUIRE(sub == &store);
	H_CHECK(sub);
	ATF_CHECK_EQ(vm_map_min(&store), min);
	ATF_CHECK_EQ(vm_map_max(&store), max);
	va = uvm_km_alloc(&store, 16 * PAGE_SIZE, 0, UVM_KMF_WIRED);
	ATF_CHECK_EQ(va, min);
	H_CHECK(sub);
	ATF_CHECK_EQ(mapped_pages(va, 16 * PAGE_SIZE), 16);
	uvm_km_free(&store, va, 16 * PAGE_SIZE, UVM_KMF_WIRED);
	H_CHECK(sub);
	ATF_CHECK_EQ(mapped_pages(va, 16 * PAGE_SIZE), 0);
	h_shutdown();
}

/* Pageable memory in a pageable submap is faulted in through it. */
ATF_TC_WITHOUT_HEAD(suballoc_pageable_submap_faults_in);
ATF_TC_BODY(suballoc_pageable_submap_faults_in, tc)
{
	struct vm_map *sub;
	vaddr_t min, max, va;
	char buf[16] = "pageable-submap", out[16];
	int free0, kobj0;

	boot();
	sub = uvm_km_suballoc(kernel_map, &min, &max, 32 * PAGE_SIZE, true,
	    false, NULL);
	ATF_REQUIRE(sub != NULL);
	H_CHECK(sub);
	free0 = uvmexp.free;
	kobj0 = uvm_kernel_object->uo_npages;
	va = uvm_km_alloc(sub, 4 * PAGE_SIZE, 0, UVM_KMF_PAGEABLE);
	H_CHECK(sub);
	ATF_REQUIRE(va >= min && va < max);
	ATF_CHECK_EQ(uvmexp.free, free0);
	ATF_REQUIRE_EQ(kcopy(buf, (void *)(va + PAGE_SIZE + 100),
	    sizeof(buf)), 0);
	ATF_REQUIRE_EQ(kcopy((void *)(va + PAGE_SIZE + 100), out,
	    sizeof(out)), 0);
	ATF_CHECK_EQ(memcmp(buf, out, sizeof(buf)), 0);
	ATF_CHECK_EQ(uvm_kernel_object->uo_npages, kobj0 + 1);
	H_CHECK(sub);
	uvm_km_free(sub, va, 4 * PAGE_SIZE, UVM_KMF_PAGEABLE);
	H_CHECK(sub);
	ATF_CHECK_EQ(uvmexp.free, free0);
	ATF_CHECK_EQ(uvm_kernel_object->uo_npages, kobj0);
	h_shutdown();
}

/* Many allocations of every type interleaved, freed in a shuffled order. */
ATF_TC_WITHOUT_HEAD(interleaved_allocations_free_back_to_start);
ATF_TC_BODY(interleaved_allocations_free_back_to_start, tc)
{
	enum { N = 300 };
	static const uvm_flag_t types[] = {
		UVM_KMF_WIRED, UVM_KMF_PAGEABLE, UVM_KMF_VAONLY
	};
	struct { vaddr_t va; vsize_t size; uvm_flag_t type; } a[N];
	struct snap s0, s1;

	boot();
	kern_random_seed(7);
	snap(&s0, kernel_map);
	for (int i = 0; i < N; i++) {
		a[i].type = types[cprng_fast32() % 3];
		a[i].size = (1 + cprng_fast32() % 4) * PAGE_SIZE;
		a[i].va = uvm_km_alloc(kernel_map, a[i].size, 0, a[i].type);
		ATF_REQUIRE(a[i].va != 0);
		if (a[i].type == UVM_KMF_PAGEABLE)
			ATF_REQUIRE_EQ(kcopy(&i, (void *)a[i].va, sizeof(i)),
			    0);
		else if (a[i].type == UVM_KMF_WIRED)
			*(int *)a[i].va = i;
	}
	H_CHECK(kernel_map);
	for (int i = N - 1; i > 0; i--) {
		int j = (int)(cprng_fast32() % (unsigned)(i + 1));
		__typeof__(a[0]) t = a[i];
		a[i] = a[j];
		a[j] = t;
	}
	for (int i = 0; i < N; i++) {
		if (a[i].type != UVM_KMF_VAONLY) {
			int v = -1;
			ATF_REQUIRE_EQ(kcopy((void *)a[i].va, &v, sizeof(v)),
			    0);
			ATF_CHECK(v >= 0 && v < N);
		}
		uvm_km_free(kernel_map, a[i].va, a[i].size, a[i].type);
		if (i % 50 == 0)
			H_CHECK(kernel_map);
	}
	H_CHECK(kernel_map);
	snap(&s1, kernel_map);
	SNAP_EQ(&s0, &s1);
	h_shutdown();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, init_builds_kernel_map_and_object);
	ATF_TP_ADD_TC(tp, wired_alloc_maps_wired_dereferenceable_pages);
	ATF_TP_ADD_TC(tp, wired_size_rounds_up_to_pages);
	ATF_TP_ADD_TC(tp, wired_zero_returns_zero_filled_memory);
	ATF_TP_ADD_TC(tp, zero_without_wired_panics);
	ATF_TP_ADD_TC(tp, type_must_be_exactly_one);
	ATF_TP_ADD_TC(tp, vaonly_reserves_va_without_pages);
	ATF_TP_ADD_TC(tp, pageable_faults_in_on_access);
	ATF_TP_ADD_TC(tp, alignment_is_honoured_for_every_type);
	ATF_TP_ADD_TC(tp, canfail_returns_zero_and_leaks_nothing);
	ATF_TP_ADD_TC(tp, nowait_returns_zero_and_leaks_nothing);
	ATF_TP_ADD_TC(tp, nowait_may_use_the_kernel_reserve);
	ATF_TP_ADD_TC(tp, wired_without_canfail_sleeps_for_pages);
	ATF_TP_ADD_TC(tp, no_va_fails_without_waitva);
	ATF_TP_ADD_TC(tp, waitva_sleeps_until_va_is_freed);
	ATF_TP_ADD_TC(tp, trylock_fails_while_map_is_locked);
	ATF_TP_ADD_TC(tp, every_flag_combination_allocates_and_frees);
	ATF_TP_ADD_TC(tp, colormatch_vaonly_starts_at_the_colour);
	ATF_TP_ADD_TC(tp, colormatch_without_vaonly_panics);
	ATF_TP_ADD_TC(tp, suballoc_anywhere_returns_submap_range);
	ATF_TP_ADD_TC(tp, suballoc_fixed_lands_at_min_or_fails);
	ATF_TP_ADD_TC(tp, suballoc_uses_the_given_submap);
	ATF_TP_ADD_TC(tp, suballoc_pageable_submap_faults_in);
	ATF_TP_ADD_TC(tp, interleaved_allocations_free_back_to_start);
	return atf_no_error();
}
