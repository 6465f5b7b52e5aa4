/*
 * t_swap: swap devices (swapctl), slot allocation, swap I/O,
 * uvm_swap_stats.
 */
#include "h_machine.h"

#include <uvm/uvm_aobj.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define S_CHECK() do {							\
	const char *_why = uvm_swap_check();				\
	ATF_CHECK_MSG(_why == NULL, "%s", _why);			\
	H_CHECK(NULL);							\
} while (0)

static char paths[3][64];

/* Boot with `n' swap files of `pages' pages each at the priorities. */
static void
boot_with_swap(int n, int pages, const int *prio)
{
	struct uvm_machine m;

	uvm_machine_defaults(&m);
	m.m_ramsize = 8 << 20;
	m.m_quiet = true;
	m.m_nswap = n;
	for (int i = 0; i < n; i++) {
		snprintf(paths[i], sizeof(paths[i]), "swap%d.img", i);
		unlink(paths[i]);
		m.m_swap[i].sw_path = paths[i];
		m.m_swap[i].sw_size = (off_t)pages * 4096;
		m.m_swap[i].sw_priority = prio != NULL ? prio[i] : 0;
	}
	h_boot_machine(&m);
	S_CHECK();
}

static int
dev_of(int slot)
{
	struct swapent se[3];
	register_t n;
	int first = 1;

	uvm_swap_stats(SWAP_STATS, se, 3, &n);
	/* Devices get drum ranges in the order they were switched on. */
	for (int i = 0; i < 3; i++) {
		struct swapent *e = NULL;
		for (int j = 0; j < (int)n; j++)
			if (strcmp(se[j].se_path, paths[i]) == 0)
				e = &se[j];
		if (e == NULL)
			continue;
		int npg = e->se_nblks / (PAGE_SIZE / DEV_BSIZE);
		if (slot >= first && slot < first + npg)
			return i;
		first += npg;
	}
	return -1;
}

ATF_TC_WITHOUT_HEAD(swapon_at_boot_counts_pages);
ATF_TC_BODY(swapon_at_boot_counts_pages, tc)
{
	register_t n;

	boot_with_swap(2, 64, NULL);
	ATF_CHECK_EQ(uvmexp.nswapdev, 2);
	ATF_CHECK_EQ(uvmexp.swpages, 128);
	ATF_CHECK_EQ(uvmexp.swpgavail, 128);
	ATF_CHECK_EQ(uvmexp.swpginuse, 0);
	ATF_REQUIRE_EQ(uvm_swapctl(SWAP_NSWAP, NULL, 0, &n), 0);
	ATF_CHECK_EQ(n, 2);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(swapon_bad_path_fails_and_boot_refused);
ATF_TC_BODY(swapon_bad_path_fails_and_boot_refused, tc)
{
	struct uvm_machine m;

	uvm_machine_defaults(&m);
	m.m_ramsize = 8 << 20;
	m.m_quiet = true;
	m.m_nswap = 1;
	m.m_swap[0].sw_path = "/nonexistent-dir/swap.img";
	m.m_swap[0].sw_size = 0;
	ATF_CHECK_EQ(uvm_machine_boot(&m), ENOENT);
	ATF_CHECK(uvm_machine_current() == NULL);
	/* The host process can boot again. */
	h_boot(8 << 20, 0);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(swapctl_on_off_and_errors);
ATF_TC_BODY(swapctl_on_off_and_errors, tc)
{
	register_t n;
	FILE *f;

	boot_with_swap(0, 0, NULL);
	unlink("extra.img");
	/* A missing file, an empty file, then a real one. */
	ATF_CHECK_EQ(uvm_swapctl(SWAP_ON, "extra.img", 0, &n), ENOENT);
	f = fopen("extra.img", "w");
	ATF_REQUIRE(f != NULL);
	fclose(f);
	ATF_CHECK_EQ(uvm_swapctl(SWAP_ON, "extra.img", 0, &n), EINVAL);
	ATF_REQUIRE_EQ(truncate("extra.img", 32 * PAGE_SIZE + 100), 0);
	ATF_CHECK_EQ(uvm_swapctl(SWAP_ON, "extra.img", 3, &n), 0);
	S_CHECK();
	ATF_CHECK_EQ(uvmexp.swpages, 32);
	ATF_CHECK_EQ(uvm_swapctl(SWAP_ON, "extra.img", 3, &n), EBUSY);
	ATF_CHECK_EQ(uvm_swapctl(SWAP_ON, NULL, 0, &n), EINVAL);
	ATF_CHECK_EQ(uvm_swapctl(SWAP_OFF, "nothere.img", 0, &n), ENXIO);
	ATF_CHECK_EQ(uvm_swapctl(99, NULL, 0, &n), EINVAL);
	ATF_CHECK_EQ(uvm_swapctl(SWAP_OFF, "extra.img", 0, &n), 0);
	S_CHECK();
	ATF_CHECK_EQ(uvmexp.nswapdev, 0);
	ATF_CHECK_EQ(uvmexp.swpages, 0);
	unlink("extra.img");
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(swap_off_with_slots_in_use_fails_ebusy_device_stays);
ATF_TC_BODY(swap_off_with_slots_in_use_fails_ebusy_device_stays, tc)
{
	register_t n;
	int ns = 4, slot;

	boot_with_swap(1, 16, NULL);
	slot = uvm_swap_alloc(&ns, false);
	ATF_REQUIRE(slot != 0);
	ATF_CHECK_EQ(uvm_swapctl(SWAP_OFF, paths[0], 0, &n), EBUSY);
	S_CHECK();
	ATF_CHECK_EQ(uvmexp.nswapdev, 1);
	ATF_CHECK_EQ(uvmexp.swpginuse, 4);
	/* Still usable. */
	ns = 1;
	ATF_CHECK(uvm_swap_alloc(&ns, false) != 0);
	uvm_swap_free(slot, 4);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(swap_alloc_returns_contiguous_runs_and_free_reuses);
ATF_TC_BODY(swap_alloc_returns_contiguous_runs_and_free_reuses, tc)
{
	int ns, a, b, c;

	boot_with_swap(1, 32, NULL);
	ns = 8;
	a = uvm_swap_alloc(&ns, false);
	ATF_REQUIRE(a != 0);
	ATF_CHECK_EQ(ns, 8);
	ns = 8;
	b = uvm_swap_alloc(&ns, false);
	ATF_REQUIRE(b != 0);
	ATF_CHECK(b >= a + 8 || b + 8 <= a);	/* no overlap */
	ATF_CHECK_EQ(uvmexp.swpginuse, 16);
	S_CHECK();
	uvm_swap_free(a, 8);
	ATF_CHECK_EQ(uvmexp.swpginuse, 8);
	S_CHECK();
	/* 24 free, but only as 8 + 16: a run of 16 still fits. */
	ns = 16;
	c = uvm_swap_alloc(&ns, false);
	ATF_REQUIRE(c != 0);
	ATF_CHECK(c >= b + 8 || c + 16 <= b);
	/* Now 8 free: 9 does not fit without lessok... */
	ns = 9;
	ATF_CHECK_EQ(uvm_swap_alloc(&ns, false), 0);
	/* ...and with lessok gives a smaller run. */
	ns = 9;
	a = uvm_swap_alloc(&ns, true);
	ATF_REQUIRE(a != 0);
	ATF_CHECK(ns >= 1 && ns <= 8);
	S_CHECK();
	uvm_swap_free(a, ns);
	uvm_swap_free(b, 8);
	uvm_swap_free(c, 16);
	ATF_CHECK_EQ(uvmexp.swpginuse, 0);
	S_CHECK();
	h_shutdown();
}

/*
 * A fragmented device: runs are found across bitmap words, next fit
 * from the rotor, else from the start, and only where they fit.
 */
ATF_TC_WITHOUT_HEAD(swap_alloc_finds_runs_across_words_in_fragmented_device);
ATF_TC_BODY(swap_alloc_finds_runs_across_words_in_fragmented_device, tc)
{
	int first = 0, ns, slot;

	boot_with_swap(1, 256, NULL);
	for (int i = 0; i < 256; i++) {
		ns = 1;
		slot = uvm_swap_alloc(&ns, false);
		ATF_REQUIRE(slot != 0);
		if (i == 0)
			first = slot;
		ATF_REQUIRE_EQ(slot, first + i);
	}
	ns = 1;
	ATF_CHECK_EQ(uvm_swap_alloc(&ns, false), 0);
	/*
	 * Free every third slot, and [62, 67) and [130, 137): with 129
	 * and 135 the free runs are [62, 67) (5, across words 0 and 1)
	 * and [129, 137) (8, across words 1 and 2); the rest are single.
	 */
	for (int i = 0; i < 256; i += 3)
		uvm_swap_free(first + i, 1);
	for (int i = 62; i < 67; i++)
		if (i % 3 != 0)
			uvm_swap_free(first + i, 1);
	for (int i = 130; i < 137; i++)
		if (i % 3 != 0)
			uvm_swap_free(first + i, 1);
	S_CHECK();
	/* The rotor is at the end: wraps to the first run that fits. */
	ns = 5;
	ATF_CHECK_EQ(uvm_swap_alloc(&ns, false), first + 62);
	ns = 6;
	ATF_CHECK_EQ(uvm_swap_alloc(&ns, false), first + 129);
	ns = 3;
	ATF_CHECK_EQ(uvm_swap_alloc(&ns, false), 0);
	/* lessok: 6, 3, then 1 fits: [135, 137) is left, at the rotor. */
	ns = 6;
	slot = uvm_swap_alloc(&ns, true);
	ATF_CHECK_EQ(ns, 1);
	ATF_CHECK_EQ(slot, first + 135);
	S_CHECK();
	h_shutdown();
}

/*
 * Runs of 16 slots or more (the pagedaemon's clusters) start at a
 * multiple of the largest power of two not above their length (at most
 * 64), so their writes cover aligned blocks of the file; smaller runs
 * are next fit; a run with no aligned place left is placed anywhere.
 */
ATF_TC_WITHOUT_HEAD(swap_alloc_aligns_runs_of_sixteen_or_more);
ATF_TC_BODY(swap_alloc_aligns_runs_of_sixteen_or_more, tc)
{
	int first, ns, a, b, c, d, e;

	boot_with_swap(1, 256, NULL);
	ns = 1;
	first = uvm_swap_alloc(&ns, false);
	ATF_REQUIRE(first != 0);
	/* 64 after slot 0: at 64, not 1. */
	ns = 64;
	a = uvm_swap_alloc(&ns, false);
	ATF_CHECK_EQ(a, first + 64);
	/* 20: a multiple of 16 (the rotor is at 128). */
	ns = 20;
	b = uvm_swap_alloc(&ns, false);
	ATF_CHECK_EQ(b, first + 128);
	/* 3: right after, next fit. */
	ns = 3;
	c = uvm_swap_alloc(&ns, false);
	ATF_CHECK_EQ(c, first + 148);
	/* 37: a multiple of 32. */
	ns = 37;
	d = uvm_swap_alloc(&ns, false);
	ATF_CHECK_EQ(d, first + 160);
	ATF_CHECK_EQ(uvmexp.swpginuse, 1 + 64 + 20 + 3 + 37);
	S_CHECK();
	/*
	 * 40 (alignment 32): free are [1, 64), [151, 160) and [197, 256);
	 * no multiple of 32 starts 40 free slots, so next fit: 197.
	 */
	ns = 40;
	e = uvm_swap_alloc(&ns, false);
	ATF_CHECK_EQ(e, first + 197);
	ATF_CHECK_EQ(ns, 40);
	S_CHECK();
	uvm_swap_free(first, 1);
	uvm_swap_free(a, 64);
	uvm_swap_free(b, 20);
	uvm_swap_free(c, 3);
	uvm_swap_free(d, 37);
	uvm_swap_free(e, 40);
	ATF_CHECK_EQ(uvmexp.swpginuse, 0);
	S_CHECK();
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(swap_full_returns_zero);
ATF_TC_BODY(swap_full_returns_zero, tc)
{
	int ns = 16, s, one = 1;

	boot_with_swap(1, 16, NULL);
	s = uvm_swap_alloc(&ns, false);
	ATF_REQUIRE(s != 0);
	ATF_CHECK_EQ(uvm_swap_alloc(&one, true), 0);
	ATF_CHECK_EQ(uvmexp.swpginuse, 16);
	uvm_swap_free(s, 16);
	S_CHECK();
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(swap_priorities_lower_first_then_round_robin);
ATF_TC_BODY(swap_priorities_lower_first_then_round_robin, tc)
{
	static const int prio[3] = { 5, 1, 1 };
	int used[3] = { 0, 0, 0 };
	int slots[20];

	boot_with_swap(3, 16, prio);
	/* Devices 1 and 2 (priority 1) alternate; device 0 is untouched. */
	for (int i = 0; i < 20; i++) {
		int ns = 1, d;

		slots[i] = uvm_swap_alloc(&ns, false);
		ATF_REQUIRE(slots[i] != 0);
		d = dev_of(slots[i]);
		ATF_REQUIRE(d >= 0);
		used[d]++;
	}
	ATF_CHECK_EQ(used[0], 0);
	ATF_CHECK_EQ(used[1], 10);
	ATF_CHECK_EQ(used[2], 10);
	S_CHECK();
	/* Fill the rest of 1 and 2: then device 0 serves. */
	for (int i = 0; i < 12; i++) {
		int ns = 1;
		ATF_REQUIRE(uvm_swap_alloc(&ns, false) != 0);
	}
	{
		int ns = 1, s = uvm_swap_alloc(&ns, false);
		ATF_REQUIRE(s != 0);
		ATF_CHECK_EQ(dev_of(s), 0);
	}
	S_CHECK();
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(swapctl_ctl_changes_priority_order);
ATF_TC_BODY(swapctl_ctl_changes_priority_order, tc)
{
	static const int prio[2] = { 1, 2 };
	register_t n;
	int ns = 1, s;

	boot_with_swap(2, 16, prio);
	s = uvm_swap_alloc(&ns, false);
	ATF_CHECK_EQ(dev_of(s), 0);
	ATF_REQUIRE_EQ(uvm_swapctl(SWAP_CTL, paths[1], 0, &n), 0);
	S_CHECK();
	ns = 1;
	s = uvm_swap_alloc(&ns, false);
	ATF_CHECK_EQ(dev_of(s), 1);
	ATF_CHECK_EQ(uvm_swapctl(SWAP_CTL, "nothere", 0, &n), ENXIO);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(swap_put_get_round_trips_bytes_in_one_io);
ATF_TC_BODY(swap_put_get_round_trips_bytes_in_one_io, tc)
{
	struct vm_page *pgs[8], *in;
	unsigned long writes;
	int ns = 8, slot;

	boot_with_swap(1, 64, NULL);
	for (int i = 0; i < 8; i++) {
		pgs[i] = uvm_pagealloc(NULL, 0, NULL, 0);
		ATF_REQUIRE(pgs[i] != NULL);
		memset(uvm_page_kva(pgs[i]), 'A' + i, PAGE_SIZE);
	}
	slot = uvm_swap_alloc(&ns, false);
	ATF_REQUIRE(slot != 0);
	writes = uvm_swap_nwrites;
	ATF_REQUIRE_EQ(uvm_swap_put(slot, pgs, 8, PGO_SYNCIO), 0);
	ATF_CHECK_EQ(uvm_swap_nwrites, writes + 1);
	ATF_CHECK_EQ(uvmexp.pgswapout, 8);
	in = uvm_pagealloc(NULL, 0, NULL, 0);
	ATF_REQUIRE(in != NULL);
	for (int i = 0; i < 8; i++) {
		char *p = uvm_page_kva(in);

		memset(p, 0, PAGE_SIZE);
		ATF_REQUIRE_EQ(uvm_swap_get(in, slot + i, PGO_SYNCIO), 0);
		ATF_CHECK_EQ(p[0], 'A' + i);
		ATF_CHECK_EQ(p[PAGE_SIZE - 1], 'A' + i);
	}
	ATF_CHECK_EQ(uvmexp.pgswapin, 8);
	ATF_CHECK_EQ(uvmexp.pageins, 8);
	uvm_swap_free(slot, 8);
	for (int i = 0; i < 8; i++)
		uvm_pagefree(pgs[i]);
	uvm_pagefree(in);
	S_CHECK();
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(swap_read_error_returns_eio_and_markbad_retires_slot);
ATF_TC_BODY(swap_read_error_returns_eio_and_markbad_retires_slot, tc)
{
	struct vm_page *pg;
	int ns = 1, slot, all = 16;

	boot_with_swap(1, 16, NULL);
	pg = uvm_pagealloc(NULL, 0, NULL, 0);
	ATF_REQUIRE(pg != NULL);
	slot = uvm_swap_alloc(&ns, false);
	ATF_REQUIRE(slot != 0);
	ATF_REQUIRE_EQ(uvm_swap_put(slot, &pg, 1, PGO_SYNCIO), 0);
	kern_fault_set(KFI_IO_READ, 1, 0);
	ATF_CHECK_EQ(uvm_swap_get(pg, slot, PGO_SYNCIO), EIO);
	kern_fault_clear();
	uvm_swap_markbad(slot, 1);
	ATF_CHECK(uvm_swap_isbad(slot));
	S_CHECK();
	/* Freeing a bad slot keeps it allocated: never handed out again. */
	uvm_swap_free(slot, 1);
	ATF_CHECK_EQ(uvmexp.swpginuse, 1);
	S_CHECK();
	all = 16;
	ATF_CHECK_EQ(uvm_swap_alloc(&all, false), 0);
	all = 15;
	ATF_CHECK(uvm_swap_alloc(&all, false) != 0);
	uvm_pagefree(pg);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(swap_stats_fill_entries_and_ostats);
ATF_TC_BODY(swap_stats_fill_entries_and_ostats, tc)
{
	static const int prio[2] = { 7, 3 };
	struct swapent se[4];
	struct oswapent ose[4];
	register_t n;
	int ns = 3;

	boot_with_swap(2, 32, prio);
	ATF_REQUIRE(uvm_swap_alloc(&ns, false) != 0);
	uvm_swap_stats(SWAP_STATS, se, 4, &n);
	ATF_REQUIRE_EQ(n, 2);
	/* In priority order: paths[1] (3) first. */
	ATF_CHECK_STREQ(se[0].se_path, paths[1]);
	ATF_CHECK_EQ(se[0].se_priority, 3);
	ATF_CHECK_EQ(se[0].se_nblks, 32 * (int)(PAGE_SIZE / DEV_BSIZE));
	ATF_CHECK_EQ(se[0].se_inuse, 3 * (int)(PAGE_SIZE / DEV_BSIZE));
	ATF_CHECK(se[0].se_flags & SWF_ENABLE);
	ATF_CHECK(se[0].se_flags & SWF_INUSE);
	ATF_CHECK_STREQ(se[1].se_path, paths[0]);
	ATF_CHECK_EQ(se[1].se_inuse, 0);
	/* At most sec entries. */
	uvm_swap_stats(SWAP_STATS, se, 1, &n);
	ATF_CHECK_EQ(n, 1);
	ATF_REQUIRE_EQ(uvm_swapctl(SWAP_OSTATS, ose, 4, &n), 0);
	ATF_CHECK_EQ(n, 2);
	ATF_CHECK_EQ(ose[0].ose_priority, 3);
	ATF_CHECK_EQ(ose[1].ose_priority, 7);
	h_shutdown();
}

/* ---------------------------------------------------------------------
 * SWAP_OFF with pages on the device.  Pages go to swap here the way
 * pageout sends them: a slot, uvm_swap_put, the owner records the slot,
 * the page is freed.
 */

#define SO_VA	0x10000000UL

/* From src/uvm/uvm_impl.h: what pageout does to swpgonly. */
void	uvmpd_swpgonly(int delta);

/* Swap slots against their owners, exactly (counts included). */
#define SO_EXACT() do {							\
	const char *_w = uvm_pdaemon_check(true);			\
	ATF_CHECK_MSG(_w == NULL, "%s", _w);				\
} while (0)

/* Since snapshot s: nio read I/Os (pageins) bringing npages in. */
#define SO_READS(s, nio, npages) do {					\
	ATF_CHECK_EQ(uvmexp.pageins - (s).pageins, (nio));		\
	ATF_CHECK_EQ(uvmexp.pgswapin - (s).pgswapin, (npages));	\
} while (0)

/* Map npages of anonymous memory at SO_VA in vm: 0 or uvm_map's error. */
static int
so_anon_space_map(struct vmspace *vm, int npages)
{
	vaddr_t va = SO_VA;

	return uvm_map(&vm->vm_map, &va, ptoa((vsize_t)npages), NULL,
	    UVM_UNKNOWN_OFFSET, 0, UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_RW,
	    UVM_INH_COPY, UVM_ADV_NORMAL, UVM_FLAG_FIXED | UVM_FLAG_COPYONW));
}

/*
 * A new vmspace; with npages > 0, npages of anonymous memory mapped
 * at SO_VA, page i filled with 'a' + i.
 */
static struct vmspace *
so_anon_space(int npages)
{
	struct vmspace *vm;
	char *buf;

	vm = uvmspace_alloc(0x1000000UL, 0x40000000UL, false);
	if (npages == 0)
		return vm;
	ATF_REQUIRE_EQ(so_anon_space_map(vm, npages), 0);
	buf = malloc(PAGE_SIZE);
	for (int i = 0; i < npages; i++) {
		memset(buf, 'a' + i, PAGE_SIZE);
		ATF_REQUIRE_EQ(copyout_vmspace(vm, buf,
		    (void *)(SO_VA + ptoa((vaddr_t)i)), PAGE_SIZE), 0);
	}
	free(buf);
	H_CHECK(&vm->vm_map);
	return vm;
}

/* Page out the anon behind page i of the space (as pageout does). */
static int
so_anon_pageout(struct vmspace *vm, int i)
{
	struct vm_map_entry *e;
	struct vm_anon *anon;
	struct vm_page *pg;
	vaddr_t va = SO_VA + ptoa((vaddr_t)i);
	int ns = 1, slot;

	vm_map_lock_read(&vm->vm_map);
	ATF_REQUIRE(uvm_map_lookup_entry(&vm->vm_map, va, &e));
	ATF_REQUIRE(e->aref.ar_amap != NULL);
	amap_lock(e->aref.ar_amap);
	anon = amap_lookup(&e->aref, va - e->start);
	ATF_REQUIRE(anon != NULL && anon->an_page != NULL);
	pg = anon->an_page;
	slot = uvm_swap_alloc(&ns, false);
	ATF_REQUIRE(slot != 0);
	pg->flags |= PG_BUSY;
	ATF_REQUIRE_EQ(uvm_swap_put(slot, &pg, 1, PGO_SYNCIO), 0);
	pg->flags &= ~PG_BUSY;
	anon->an_swslot = slot;
	pmap_page_protect(pg, VM_PROT_NONE);
	uvm_pagefree(pg);
	uvmpd_swpgonly(1);		/* the slot is the only copy now */
	ATF_CHECK(anon->an_page == NULL);
	amap_unlock(e->aref.ar_amap);
	vm_map_unlock_read(&vm->vm_map);
	return slot;
}

/* The anon behind page i: resident, no slot, page has its bytes. */
static void
so_anon_check(struct vmspace *vm, int i)
{
	struct vm_map_entry *e;
	struct vm_anon *anon;
	vaddr_t va = SO_VA + ptoa((vaddr_t)i);
	char *buf = malloc(PAGE_SIZE);

	vm_map_lock_read(&vm->vm_map);
	ATF_REQUIRE(uvm_map_lookup_entry(&vm->vm_map, va, &e));
	amap_lock(e->aref.ar_amap);
	anon = amap_lookup(&e->aref, va - e->start);
	ATF_REQUIRE(anon != NULL);
	ATF_CHECK(anon->an_page != NULL);
	ATF_CHECK_EQ(anon->an_swslot, 0);
	amap_unlock(e->aref.ar_amap);
	vm_map_unlock_read(&vm->vm_map);
	ATF_REQUIRE_EQ(copyin_vmspace(vm, (const void *)va, buf, PAGE_SIZE), 0);
	for (int j = 0; j < (int)PAGE_SIZE; j += 511)
		ATF_CHECK_EQ_MSG(buf[j], 'a' + i, "page %d byte %d", i, j);
	free(buf);
}

/* An aobj of npages whose page i holds 'A' + i % 26. */
static struct uvm_object *
so_aobj(int npages)
{
	struct uvm_object *uobj = uao_create(ptoa((vsize_t)npages), 0);

	for (int i = 0; i < npages; i++) {
		struct vm_page *pg;
		int n = 1;

		mutex_enter(uobj->vmobjlock);
		ATF_REQUIRE_EQ(uobj->pgops->pgo_get(uobj, ptoa((voff_t)i), &pg,
		    &n, 0, VM_PROT_WRITE, 0, PGO_SYNCIO), 0);
		memset(uvm_page_kva(pg), 'A' + i % 26, PAGE_SIZE);
		mutex_enter(uobj->vmobjlock);
		uvm_pageactivate(pg);
		uvm_pageunbusy(pg);
		mutex_exit(uobj->vmobjlock);
	}
	return uobj;
}

static int
so_aobj_pageout(struct uvm_object *uobj, int i)
{
	struct vm_page *pg;
	int ns = 1, slot;

	mutex_enter(uobj->vmobjlock);
	pg = uvm_pagelookup(uobj, ptoa((voff_t)i));
	ATF_REQUIRE(pg != NULL);
	slot = uvm_swap_alloc(&ns, false);
	ATF_REQUIRE(slot != 0);
	pg->flags |= PG_BUSY;
	ATF_REQUIRE_EQ(uvm_swap_put(slot, &pg, 1, PGO_SYNCIO), 0);
	pg->flags &= ~PG_BUSY;
	ATF_CHECK_EQ(uao_set_swslot(uobj, i, slot), 0);
	pmap_page_protect(pg, VM_PROT_NONE);
	uvm_pagefree(pg);
	uvmpd_swpgonly(1);		/* the slot is the only copy now */
	ATF_CHECK(uvm_pagelookup(uobj, ptoa((voff_t)i)) == NULL);
	mutex_exit(uobj->vmobjlock);
	return slot;
}

static void
so_aobj_check(struct uvm_object *uobj, int i)
{
	struct vm_page *pg;
	const char *p;

	mutex_enter(uobj->vmobjlock);
	pg = uvm_pagelookup(uobj, ptoa((voff_t)i));
	ATF_REQUIRE_MSG(pg != NULL, "aobj page %d not resident", i);
	ATF_CHECK_EQ(uao_find_swslot(uobj, i), 0);
	ATF_CHECK((pg->flags & (PG_BUSY | PG_CLEAN)) == 0);
	p = uvm_page_kva(pg);
	for (int j = 0; j < (int)PAGE_SIZE; j += 511)
		ATF_CHECK_EQ_MSG(p[j], 'A' + i % 26, "page %d byte %d", i, j);
	mutex_exit(uobj->vmobjlock);
	ATF_CHECK(uao_check(uobj) == NULL);
}

static int
so_nslots(struct uvm_object *uobj)
{
	int n;

	mutex_enter(uobj->vmobjlock);
	n = uao_swslot_count(uobj);
	mutex_exit(uobj->vmobjlock);
	return n;
}

static bool
so_device_on(const char *path)
{
	struct swapent se[3];
	register_t n;

	uvm_swap_stats(SWAP_STATS, se, 3, &n);
	for (int i = 0; i < (int)n; i++)
		if (strcmp(se[i].se_path, path) == 0)
			return (se[i].se_flags & SWF_ENABLE) != 0;
	return false;
}

ATF_TC_WITHOUT_HEAD(swap_off_pages_anons_and_aobjs_back_in_with_their_bytes);
ATF_TC_BODY(swap_off_pages_anons_and_aobjs_back_in_with_their_bytes, tc)
{
	struct uvm_object *small, *big;
	struct vmspace *vm;
	register_t n;
	int in0;

	boot_with_swap(1, 64, NULL);
	vm = so_anon_space(6);
	small = so_aobj(8);
	big = so_aobj(200);		/* large: slots kept in the hash */
	for (int i = 0; i < 6; i += 2)
		so_anon_pageout(vm, i);
	so_aobj_pageout(small, 1);
	so_aobj_pageout(small, 7);
	so_aobj_pageout(big, 3);
	so_aobj_pageout(big, 17);
	so_aobj_pageout(big, 18);
	so_aobj_pageout(big, 199);
	S_CHECK();
	SO_EXACT();
	ATF_CHECK_EQ(uvmexp.swpginuse, 9);
	ATF_CHECK_EQ(uvmexp.swpgonly, 9);
	ATF_CHECK_EQ(so_nslots(big), 4);
	in0 = uvmexp.pgswapin;

	ATF_REQUIRE_EQ(uvm_swapctl(SWAP_OFF, paths[0], 0, &n), 0);
	S_CHECK();
	ATF_CHECK_EQ(uvmexp.nswapdev, 0);
	ATF_CHECK_EQ(uvmexp.swpages, 0);
	ATF_CHECK_EQ(uvmexp.swpginuse, 0);
	ATF_CHECK_EQ(uvmexp.swpgonly, 0);
	SO_EXACT();
	ATF_CHECK_EQ(uvmexp.pgswapin - in0, 9);
	ATF_CHECK_EQ(so_nslots(small), 0);
	ATF_CHECK_EQ(so_nslots(big), 0);
	for (int i = 0; i < 6; i++)
		so_anon_check(vm, i);
	for (int i = 0; i < 8; i++)
		so_aobj_check(small, i);
	for (int i = 0; i < 200; i++)
		so_aobj_check(big, i);
	H_CHECK(&vm->vm_map);
	uao_detach(small);
	uao_detach(big);
	uvmspace_free(vm);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(swap_off_resident_page_with_swap_copy_loses_slot_becomes_dirty);
ATF_TC_BODY(swap_off_resident_page_with_swap_copy_loses_slot_becomes_dirty,
    tc)
{
	struct uvm_object *uobj;
	struct vm_page *pg;
	register_t n;
	int ns = 1, slot, in0;

	boot_with_swap(1, 16, NULL);
	uobj = so_aobj(4);
	/* Page 2 is resident and clean, with a copy in a slot. */
	mutex_enter(uobj->vmobjlock);
	pg = uvm_pagelookup(uobj, ptoa(2));
	slot = uvm_swap_alloc(&ns, false);
	pg->flags |= PG_BUSY;
	ATF_REQUIRE_EQ(uvm_swap_put(slot, &pg, 1, PGO_SYNCIO), 0);
	pg->flags = (uint16_t)((pg->flags & ~(PG_BUSY | PG_DIRTY)) | PG_CLEAN);
	uao_set_swslot(uobj, 2, slot);
	mutex_exit(uobj->vmobjlock);
	in0 = uvmexp.pgswapin;
	ATF_REQUIRE_EQ(uvm_swapctl(SWAP_OFF, paths[0], 0, &n), 0);
	S_CHECK();
	/* No read was needed; the page is the only copy now. */
	ATF_CHECK_EQ(uvmexp.pgswapin, in0);
	ATF_CHECK_EQ(uvmexp.swpginuse, 0);
	so_aobj_check(uobj, 2);
	mutex_enter(uobj->vmobjlock);
	ATF_CHECK(pg->flags & PG_DIRTY);
	mutex_exit(uobj->vmobjlock);
	uao_detach(uobj);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(swap_off_read_error_fails_eio_device_stays_nothing_lost);
ATF_TC_BODY(swap_off_read_error_fails_eio_device_stays_nothing_lost, tc)
{
	struct uvm_object *uobj;
	struct vmspace *vm;
	register_t n;
	int aslot, oslot;

	boot_with_swap(1, 32, NULL);
	vm = so_anon_space(2);
	uobj = so_aobj(2);
	aslot = so_anon_pageout(vm, 1);
	oslot = so_aobj_pageout(uobj, 0);
	S_CHECK();
	SO_EXACT();

	kern_fault_set(KFI_IO_READ, 1, 0);	/* the first read fails */
	ATF_CHECK_EQ(uvm_swapctl(SWAP_OFF, paths[0], 0, &n), EIO);
	kern_fault_clear();
	S_CHECK();
	SO_EXACT();
	ATF_CHECK_EQ(uvmexp.nswapdev, 1);
	ATF_CHECK_EQ(uvmexp.swpgavail, 32);
	ATF_CHECK(so_device_on(paths[0]));
	ATF_CHECK(uvm_swap_isbad(aslot));	/* the anon is read first */
	mutex_enter(uobj->vmobjlock);
	ATF_CHECK_EQ(uao_find_swslot(uobj, 0), oslot);
	mutex_exit(uobj->vmobjlock);
	ATF_CHECK_EQ(uvmexp.swpginuse, 2);
	ATF_CHECK_EQ(uvmexp.swpgonly, 2);
	/* The device still takes slots. */
	{
		int ns = 1, s = uvm_swap_alloc(&ns, false);

		ATF_CHECK(s != 0);
		uvm_swap_free(s, 1);
	}
	/* A bad slot is not read again: its owner keeps the device on. */
	ATF_CHECK_EQ(uvm_swapctl(SWAP_OFF, paths[0], 0, &n), EIO);
	ATF_CHECK(so_device_on(paths[0]));
	S_CHECK();

	/* Its owner goes away: the rest comes back and the device goes. */
	uvmspace_free(vm);
	ATF_CHECK_EQ(uvmexp.swpgonly, 1);
	ATF_REQUIRE_EQ(uvm_swapctl(SWAP_OFF, paths[0], 0, &n), 0);
	S_CHECK();
	SO_EXACT();
	ATF_CHECK_EQ(uvmexp.nswapdev, 0);
	ATF_CHECK_EQ(uvmexp.swpginuse, 0);
	ATF_CHECK_EQ(uvmexp.swpgonly, 0);
	so_aobj_check(uobj, 0);
	so_aobj_check(uobj, 1);
	uao_detach(uobj);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(swap_off_page_shortage_waits_for_pagedaemon_and_finishes);
ATF_TC_BODY(swap_off_page_shortage_waits_for_pagedaemon_and_finishes, tc)
{
	struct uvm_object *uobj;
	register_t n;
	int woke;
	int error;

	boot_with_swap(1, 32, NULL);
	uobj = so_aobj(4);
	so_aobj_pageout(uobj, 1);
	so_aobj_pageout(uobj, 3);
	S_CHECK();
	/*
	 * The second page allocation fails: page 1 comes in, then SWAP_OFF
	 * waits for a pagedaemon pass (as a fault would) and brings 3 in.
	 */
	woke = uvmexp.pdwoke;
	kern_fault_set(KFI_PAGE, 2, 0);
	error = uvm_swapctl(SWAP_OFF, paths[0], 0, &n);
	ATF_CHECK_EQ_MSG(error, 0, "SWAP_OFF: %d", error);
	ATF_CHECK_EQ(kern_fault_hits(KFI_PAGE), 1ul);
	kern_fault_clear();
	ATF_CHECK(uvmexp.pdwoke > woke);
	S_CHECK();
	SO_EXACT();
	ATF_CHECK(!so_device_on(paths[0]));
	ATF_CHECK_EQ(uvmexp.nswapdev, 0);
	ATF_CHECK_EQ(uvmexp.swpginuse, 0);
	ATF_CHECK_EQ(uvmexp.swpgonly, 0);
	for (int i = 0; i < 4; i++)
		so_aobj_check(uobj, i);
	uao_detach(uobj);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(swap_off_twice_second_is_enxio);
ATF_TC_BODY(swap_off_twice_second_is_enxio, tc)
{
	register_t n;

	boot_with_swap(2, 16, NULL);
	ATF_CHECK_EQ(uvm_swapctl(SWAP_OFF, paths[1], 0, &n), 0);
	ATF_CHECK_EQ(uvm_swapctl(SWAP_OFF, paths[1], 0, &n), ENXIO);
	S_CHECK();
	ATF_CHECK_EQ(uvmexp.nswapdev, 1);
	ATF_CHECK(so_device_on(paths[0]));
	h_shutdown();
}

/* The bytes of page i of owner who. */
static void
so_fill(unsigned char *buf, unsigned who, unsigned i)
{
	uint32_t x = who * 2654435761u ^ i * 40503u ^ 0x9e3779b9u;

	for (size_t k = 0; k < PAGE_SIZE; k += 4) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		memcpy(buf + k, &x, 4);
	}
}

static void
so_write(struct vmspace *vm, unsigned who, int from, int to)
{
	unsigned char *buf = malloc(PAGE_SIZE);

	for (int i = from; i < to; i++) {
		so_fill(buf, who, (unsigned)i);
		ATF_REQUIRE_EQ(copyout_vmspace(vm, buf,
		    (void *)(SO_VA + ptoa((vaddr_t)i)), PAGE_SIZE), 0);
	}
	free(buf);
}

/* Pages of [from, to) of vm that do not hold who's bytes. */
static int
so_verify(struct vmspace *vm, unsigned who, int from, int to)
{
	unsigned char *want = malloc(PAGE_SIZE), *got = malloc(PAGE_SIZE);
	int bad = 0;

	for (int i = from; i < to; i++) {
		so_fill(want, who, (unsigned)i);
		if (copyin_vmspace(vm, (const void *)(SO_VA +
		    ptoa((vaddr_t)i)), got, PAGE_SIZE) != 0 ||
		    memcmp(want, got, PAGE_SIZE) != 0)
			bad++;
	}
	free(want);
	free(got);
	return bad;
}

/* Anons of [0, n) of vm with a slot, and resident. */
static void
so_count(struct vmspace *vm, int n, int *onswap, int *resident)
{
	struct vm_map_entry *e;

	*onswap = *resident = 0;
	vm_map_lock_read(&vm->vm_map);
	for (int i = 0; i < n; i++) {
		vaddr_t va = SO_VA + ptoa((vaddr_t)i);
		struct vm_anon *a;

		ATF_REQUIRE(uvm_map_lookup_entry(&vm->vm_map, va, &e));
		if (e->aref.ar_amap == NULL)
			continue;
		amap_lock(e->aref.ar_amap);
		a = amap_lookup(&e->aref, va - e->start);
		if (a != NULL && a->an_swslot != 0)
			(*onswap)++;
		if (a != NULL && a->an_page != NULL)
			(*resident)++;
		amap_unlock(e->aref.ar_amap);
	}
	vm_map_unlock_read(&vm->vm_map);
}

ATF_TC_WITHOUT_HEAD(swap_off_after_pagedaemon_paging_brings_cow_pages_back);
ATF_TC_BODY(swap_off_after_pagedaemon_paging_brings_cow_pages_back, tc)
{
	struct vmspace *a, *child, *c;
	int na, nc, onswap, res;
	register_t n;

	boot_with_swap(1, 4096, NULL);
	na = uvmexp.npages * 2 / 5;
	nc = uvmexp.npages * 7 / 10;
	a = so_anon_space(0);
	ATF_REQUIRE(so_anon_space_map(a, na) == 0);
	so_write(a, 1, 0, na);
	/* A child shares a's pages copy-on-write, then writes half. */
	child = uvmspace_fork(a);
	so_write(child, 2, 0, na / 2);
	H_CHECK(&child->vm_map);
	/* A third space pushes most of them out to swap. */
	c = so_anon_space(0);
	ATF_REQUIRE(so_anon_space_map(c, nc) == 0);
	so_write(c, 3, 0, nc);
	ATF_CHECK(uvmexp.pdpageouts > 0);
	so_count(a, na, &onswap, &res);
	ATF_CHECK_MSG(onswap > na / 4, "only %d of %d pages on swap",
	    onswap, na);
	uvmspace_free(c);
	S_CHECK();
	SO_EXACT();
	ATF_CHECK(uvmexp.swpgonly > 0);

	ATF_REQUIRE_EQ(uvm_swapctl(SWAP_OFF, paths[0], 0, &n), 0);
	S_CHECK();
	SO_EXACT();
	ATF_CHECK_EQ(uvmexp.nswapdev, 0);
	ATF_CHECK_EQ(uvmexp.swpginuse, 0);
	ATF_CHECK_EQ(uvmexp.swpgonly, 0);
	so_count(a, na, &onswap, &res);
	ATF_CHECK_EQ(onswap, 0);
	ATF_CHECK_EQ(res, na);
	so_count(child, na, &onswap, &res);
	ATF_CHECK_EQ(onswap, 0);
	ATF_CHECK_EQ(res, na);
	/* Every byte, without swap. */
	ATF_CHECK_EQ(so_verify(a, 1, 0, na), 0);
	ATF_CHECK_EQ(so_verify(child, 2, 0, na / 2), 0);
	ATF_CHECK_EQ(so_verify(child, 1, na / 2, na), 0);
	H_CHECK(&a->vm_map);
	H_CHECK(&child->vm_map);
	uvmspace_free(child);
	uvmspace_free(a);
	H_CHECK(NULL);
	h_shutdown();
}

/* Boot 8 MiB with n swap files of pages pages (priority i), daemon mode. */
static void
so_boot_mode(enum uvm_daemon_mode mode, int n, int pages)
{
	struct uvm_machine m;

	uvm_machine_defaults(&m);
	m.m_ramsize = 8 << 20;
	m.m_quiet = true;
	m.m_daemon = mode;
	m.m_nswap = n;
	for (int i = 0; i < n; i++) {
		snprintf(paths[i], sizeof(paths[i]), "swap%d.img", i);
		unlink(paths[i]);
		m.m_swap[i].sw_path = paths[i];
		m.m_swap[i].sw_size = (off_t)pages * 4096;
		m.m_swap[i].sw_priority = i;
	}
	h_boot_machine(&m);
	S_CHECK();
}

/* Pages in use on the device at path (-1: not on). */
static int
so_inuse(const char *path)
{
	struct swapent se[3];
	register_t n;

	uvm_swap_stats(SWAP_STATS, se, 3, &n);
	for (int j = 0; j < (int)n; j++)
		if (strcmp(se[j].se_path, path) == 0)
			return se[j].se_inuse / (int)(PAGE_SIZE / DEV_BSIZE);
	return -1;
}

static const enum uvm_daemon_mode so_modes[] = {
	UVM_DAEMON_STEPPED, UVM_DAEMON_THREADED
};

/*
 * SWAP_OFF of a device holding more pages than there is free memory:
 * the pagedaemon makes room by paging out to the other device, and the
 * device goes with every byte kept.
 */
ATF_TC_WITHOUT_HEAD(swap_off_more_than_free_memory_moves_pages_to_other_device);
ATF_TC_BODY(swap_off_more_than_free_memory_moves_pages_to_other_device, tc)
{
	for (size_t k = 0; k < __arraycount(so_modes); k++) {
		struct vmspace *a;
		int outs;
		int na, on0, onswap, res;
		register_t n;

		so_boot_mode(so_modes[k], 2, 4096);
		na = uvmexp.npages * 3 / 2;
		a = so_anon_space(0);
		ATF_REQUIRE(so_anon_space_map(a, na) == 0);
		so_write(a, 7, 0, na);
		/* Device 0 (priority 0) took the pageouts. */
		on0 = so_inuse(paths[0]);
		ATF_CHECK_MSG(on0 > uvmexp.free, "mode %zu: %d pages on "
		    "swap0, %d free", k, on0, uvmexp.free);
		S_CHECK();
		SO_EXACT();

		outs = uvmexp.pdpageouts;
		ATF_REQUIRE_EQ(uvm_swapctl(SWAP_OFF, paths[0], 0, &n), 0);
		S_CHECK();
		SO_EXACT();
		ATF_CHECK(uvmexp.pdpageouts > outs);
		ATF_CHECK_EQ(uvmexp.nswapdev, 1);
		ATF_CHECK_EQ(so_inuse(paths[0]), -1);
		ATF_CHECK(so_inuse(paths[1]) > 0);
		ATF_CHECK_EQ(uvmexp.swpginuse, so_inuse(paths[1]));
		so_count(a, na, &onswap, &res);
		ATF_CHECK_EQ(onswap + res >= na, true);
		ATF_CHECK_EQ(so_verify(a, 7, 0, na), 0);
		H_CHECK(&a->vm_map);
		uvmspace_free(a);
		H_CHECK(NULL);
		h_shutdown();
	}
}

/*
 * SWAP_OFF with no room anywhere (one device, memory full of dirty
 * anonymous pages): ENOMEM once the pagedaemon has nothing to reclaim,
 * not a hang; the device is back on and nothing is lost.
 */
ATF_TC_WITHOUT_HEAD(swap_off_without_room_fails_enomem_device_stays);
ATF_TC_BODY(swap_off_without_room_fails_enomem_device_stays, tc)
{
	for (size_t k = 0; k < __arraycount(so_modes); k++) {
		struct vmspace *a;
		int na, on0;
		register_t n;

		so_boot_mode(so_modes[k], 1, 4096);
		na = uvmexp.npages * 3 / 2;
		a = so_anon_space(0);
		ATF_REQUIRE(so_anon_space_map(a, na) == 0);
		so_write(a, 9, 0, na);
		on0 = so_inuse(paths[0]);
		ATF_CHECK(on0 > uvmexp.free);
		S_CHECK();

		ATF_CHECK_EQ(uvm_swapctl(SWAP_OFF, paths[0], 0, &n), ENOMEM);
		S_CHECK();
		SO_EXACT();
		ATF_CHECK(so_device_on(paths[0]));
		ATF_CHECK_EQ(uvmexp.nswapdev, 1);
		ATF_CHECK_EQ(uvmexp.swpgavail, 4096);
		ATF_CHECK(so_inuse(paths[0]) > 0);
		/* The device takes pages again: every byte is there. */
		ATF_CHECK_EQ(so_verify(a, 9, 0, na), 0);
		S_CHECK();
		SO_EXACT();
		H_CHECK(&a->vm_map);
		uvmspace_free(a);
		H_CHECK(NULL);
		h_shutdown();
	}
}

/* ---------------------------------------------------------------------
 * Swap-in clustering: a fault (or uao_get) that reads a page from swap
 * also reads the neighbours whose slots continue its run, in one I/O.
 * Pages go out here as one run in address order, the way a pageout
 * cluster writes them.
 */

static const enum uvm_daemon_mode ra_modes[] = {
	UVM_DAEMON_STEPPED, UVM_DAEMON_THREADED
};

/* Boot with one swap file of 256 pages and the daemon in mode. */
static void
ra_boot(enum uvm_daemon_mode mode)
{
	struct uvm_machine m;

	uvm_machine_defaults(&m);
	m.m_ramsize = 8 << 20;
	m.m_quiet = true;
	m.m_daemon = mode;
	m.m_nswap = 1;
	snprintf(paths[0], sizeof(paths[0]), "swap0.img");
	unlink(paths[0]);
	m.m_swap[0].sw_path = paths[0];
	m.m_swap[0].sw_size = (off_t)256 * 4096;
	h_boot_machine(&m);
	S_CHECK();
}

/* n pages of anonymous memory at SO_VA with advice, page i 'a' + i. */
static struct vmspace *
ra_space(int n, int advice)
{
	struct vmspace *vm;
	vaddr_t va = SO_VA;
	char *buf = malloc(PAGE_SIZE);

	vm = uvmspace_alloc(0x1000000UL, 0x40000000UL, false);
	ATF_REQUIRE_EQ(uvm_map(&vm->vm_map, &va, ptoa((vsize_t)n), NULL,
	    UVM_UNKNOWN_OFFSET, 0, UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_RW,
	    UVM_INH_COPY, advice, UVM_FLAG_FIXED | UVM_FLAG_COPYONW)), 0);
	for (int i = 0; i < n; i++) {
		memset(buf, 'a' + i, PAGE_SIZE);
		ATF_REQUIRE_EQ(copyout_vmspace(vm, buf,
		    (void *)(SO_VA + ptoa((vaddr_t)i)), PAGE_SIZE), 0);
	}
	free(buf);
	H_CHECK(&vm->vm_map);
	return vm;
}

/* Page out the anons of pages [0, n) to one run of slots, one write. */
static int
ra_pageout_run(struct vmspace *vm, int n)
{
	struct vm_map_entry *e;
	struct vm_page *pgs[32];
	struct vm_anon *an[32];
	unsigned long w0 = uvm_swap_nwrites;
	int ns = n, slot;

	ATF_REQUIRE(n <= 32);
	vm_map_lock_read(&vm->vm_map);
	ATF_REQUIRE(uvm_map_lookup_entry(&vm->vm_map, SO_VA, &e));
	amap_lock(e->aref.ar_amap);
	for (int i = 0; i < n; i++) {
		an[i] = amap_lookup(&e->aref, ptoa((vaddr_t)i));
		ATF_REQUIRE(an[i] != NULL && an[i]->an_page != NULL);
		pgs[i] = an[i]->an_page;
		pgs[i]->flags |= PG_BUSY;
	}
	slot = uvm_swap_alloc(&ns, false);
	ATF_REQUIRE(slot != 0);
	ATF_REQUIRE_EQ(uvm_swap_put(slot, pgs, n, PGO_SYNCIO), 0);
	for (int i = 0; i < n; i++) {
		pgs[i]->flags &= ~PG_BUSY;
		an[i]->an_swslot = slot + i;
		pmap_page_protect(pgs[i], VM_PROT_NONE);
		uvm_pagefree(pgs[i]);
		uvmpd_swpgonly(1);
	}
	amap_unlock(e->aref.ar_amap);
	vm_map_unlock_read(&vm->vm_map);
	ATF_CHECK_EQ(uvm_swap_nwrites, w0 + 1);
	H_CHECK(&vm->vm_map);
	SO_EXACT();
	return slot;
}

/* What page i's anon looks like. */
struct ra_state {
	bool	resident, mapped, readahead, inactive;
	int	slot;
};

static struct ra_state
ra_state(struct vmspace *vm, int i)
{
	struct vm_map_entry *e;
	struct vm_anon *a;
	struct ra_state st;
	vaddr_t va = SO_VA + ptoa((vaddr_t)i);
	paddr_t pa;

	memset(&st, 0, sizeof(st));
	vm_map_lock_read(&vm->vm_map);
	ATF_REQUIRE(uvm_map_lookup_entry(&vm->vm_map, va, &e));
	amap_lock(e->aref.ar_amap);
	a = amap_lookup(&e->aref, va - e->start);
	ATF_REQUIRE(a != NULL);
	st.slot = a->an_swslot;
	if (a->an_page != NULL) {
		st.resident = true;
		st.readahead = (a->an_page->pqflags & PQ_READAHEAD) != 0;
		st.inactive = (a->an_page->pqflags & PQ_INACTIVE) != 0;
	}
	st.mapped = pmap_extract(vm_map_pmap(&vm->vm_map), va, &pa);
	amap_unlock(e->aref.ar_amap);
	vm_map_unlock_read(&vm->vm_map);
	return st;
}

/* Read page i through the fault handler: 0 with its bytes, or -1. */
static int
ra_read(struct vmspace *vm, int i)
{
	char *buf = malloc(PAGE_SIZE);
	int bad = 0;

	if (copyin_vmspace(vm, (const void *)(SO_VA + ptoa((vaddr_t)i)), buf,
	    PAGE_SIZE) != 0) {
		free(buf);
		return -1;
	}
	for (int j = 0; j < (int)PAGE_SIZE; j += 511)
		bad += buf[j] != 'a' + i;
	free(buf);
	ATF_CHECK_EQ_MSG(bad, 0, "page %d has wrong bytes", i);
	return 0;
}

ATF_TC_WITHOUT_HEAD(swapin_cluster_reads_run_in_one_io_neighbours_resident);
ATF_TC_BODY(swapin_cluster_reads_run_in_one_io_neighbours_resident, tc)
{
	for (size_t m = 0; m < __arraycount(ra_modes); m++) {
		struct vmspace *vm;
		struct uvmexp s;
		int slot;

		ra_boot(ra_modes[m]);
		vm = ra_space(16, UVM_ADV_SEQUENTIAL);
		slot = ra_pageout_run(vm, 16);
		s = uvmexp;
		/* Page 4: it and the 11 after it (read-ahead 15, entry end). */
		ATF_REQUIRE_EQ(ra_read(vm, 4), 0);
		SO_READS(s, 1, 12);
		ATF_CHECK_EQ(uvmexp.nswget - s.nswget, 1);
		ATF_CHECK_EQ(uvmexp.swpgonly - s.swpgonly, -12);
		H_CHECK(&vm->vm_map);
		SO_EXACT();
		for (int i = 0; i < 16; i++) {
			struct ra_state st = ra_state(vm, i);

			/* Every slot stays its anon's: the copies are good. */
			ATF_CHECK_EQ_MSG(st.slot, slot + i, "page %d", i);
			ATF_CHECK_EQ_MSG(st.resident, i >= 4, "page %d", i);
			/*
			 * A sequential window: the pages ahead are mapped
			 * and active at once (the access goes on there).
			 */
			ATF_CHECK_EQ_MSG(st.mapped, i >= 4, "page %d", i);
			ATF_CHECK_MSG(!st.readahead, "page %d", i);
			if (i > 4)
				ATF_CHECK_MSG(!st.inactive, "page %d", i);
		}
		/* The neighbours need no I/O. */
		s = uvmexp;
		for (int i = 5; i < 16; i++) {
			ATF_REQUIRE_EQ(ra_read(vm, i), 0);
			ATF_CHECK(!ra_state(vm, i).readahead);
		}
		ATF_CHECK_EQ(uvmexp.faults - s.faults, 0);
		SO_READS(s, 0, 0);
		H_CHECK(&vm->vm_map);
		SO_EXACT();
		/* Sequential: nothing behind is read ahead. */
		ATF_REQUIRE_EQ(ra_read(vm, 3), 0);
		SO_READS(s, 1, 1);
		ATF_CHECK(!ra_state(vm, 2).resident);
		SO_EXACT();
		uvmspace_free(vm);
		SO_EXACT();
		S_CHECK();
		ATF_CHECK_EQ(uvmexp.swpginuse, 0);
		h_shutdown();
	}
}

/*
 * Normal advice: the read-ahead window starts at one page and grows as
 * read-ahead pages are used (and never reads behind what is resident).
 */
ATF_TC_WITHOUT_HEAD(swapin_cluster_window_grows_with_hits);
ATF_TC_BODY(swapin_cluster_window_grows_with_hits, tc)
{
	for (size_t m = 0; m < __arraycount(ra_modes); m++) {
		struct vmspace *vm;
		struct uvmexp s;

		ra_boot(ra_modes[m]);
		vm = ra_space(24, UVM_ADV_NORMAL);
		(void)ra_pageout_run(vm, 24);
		/* No history: one page. */
		s = uvmexp;
		ATF_REQUIRE_EQ(ra_read(vm, 8), 0);
		SO_READS(s, 1, 1);
		/* The next slot: two. */
		s = uvmexp;
		ATF_REQUIRE_EQ(ra_read(vm, 9), 0);
		SO_READS(s, 1, 2);
		ATF_CHECK(ra_state(vm, 10).readahead);
		/* Page 10 was read ahead: a hit, no I/O; then four. */
		s = uvmexp;
		ATF_REQUIRE_EQ(ra_read(vm, 10), 0);
		ATF_CHECK_EQ(uvmexp.pageins - s.pageins, 0);
		ATF_REQUIRE_EQ(ra_read(vm, 11), 0);
		SO_READS(s, 1, 4);
		for (int i = 0; i < 24; i++)
			ATF_CHECK_EQ_MSG(ra_state(vm, i).resident,
			    i >= 8 && i < 15, "page %d", i);
		H_CHECK(&vm->vm_map);
		SO_EXACT();
		for (int i = 0; i < 24; i++)
			ATF_REQUIRE_EQ(ra_read(vm, i), 0);
		SO_EXACT();
		uvmspace_free(vm);
		SO_EXACT();
		S_CHECK();
		h_shutdown();
	}
}

/*
 * Normal advice, a sequential sweep: each read continues the last one's
 * window, so the window doubles (1, 2, 4, 8, 16 pages, cut at the
 * entry's end), even where a page of the window was resident already
 * (page 9 here: used, but no hit) or the read stopped short.
 */
ATF_TC_WITHOUT_HEAD(swapin_cluster_sequential_sweep_window_doubles);
ATF_TC_BODY(swapin_cluster_sequential_sweep_window_doubles, tc)
{
	/* 7's window of 4 stops at resident 9 (no holes under 8). */
	static const int reads[] = { 4, 5, 7, 10, 18 };
	static const int npages[] = { 1, 2, 2, 8, 13 };

	for (size_t m = 0; m < __arraycount(ra_modes); m++) {
		struct vmspace *vm;
		struct uvmexp s;
		size_t r = 0;

		ra_boot(ra_modes[m]);
		vm = ra_space(31, UVM_ADV_NORMAL);
		(void)ra_pageout_run(vm, 31);
		ATF_REQUIRE_EQ(uvm_map_advice(&vm->vm_map, SO_VA,
		    SO_VA + ptoa((vaddr_t)31), UVM_ADV_RANDOM), 0);
		ATF_REQUIRE_EQ(ra_read(vm, 9), 0);
		ATF_REQUIRE_EQ(uvm_map_advice(&vm->vm_map, SO_VA,
		    SO_VA + ptoa((vaddr_t)31), UVM_ADV_NORMAL), 0);
		for (int i = 4; i < 31; i++) {
			bool io = r < __arraycount(reads) && reads[r] == i;

			s = uvmexp;
			ATF_REQUIRE_EQ(ra_read(vm, i), 0);
			ATF_CHECK_EQ_MSG(uvmexp.pageins - s.pageins, io ? 1 : 0,
			    "page %d", i);
			if (io) {
				ATF_CHECK_EQ_MSG(uvmexp.pgswapin - s.pgswapin,
				    npages[r], "page %d", i);
				r++;
			}
		}
		ATF_CHECK_EQ(r, __arraycount(reads));
		for (int i = 0; i < 4; i++)
			ATF_REQUIRE_EQ(ra_read(vm, i), 0);
		H_CHECK(&vm->vm_map);
		SO_EXACT();
		uvmspace_free(vm);
		SO_EXACT();
		S_CHECK();
		h_shutdown();
	}
}

/*
 * The pages a sequential window maps ahead are mapped as fault-ahead
 * maps neighbours: read-only where the anon is shared (after fork), so
 * a write to one still copies it and the other space keeps its bytes.
 */
ATF_TC_WITHOUT_HEAD(swapin_cluster_mapped_ahead_shared_pages_stay_cow);
ATF_TC_BODY(swapin_cluster_mapped_ahead_shared_pages_stay_cow, tc)
{
	for (size_t m = 0; m < __arraycount(ra_modes); m++) {
		struct vmspace *vm, *child;
		char *buf;

		ra_boot(ra_modes[m]);
		buf = malloc(PAGE_SIZE);
		vm = ra_space(16, UVM_ADV_SEQUENTIAL);
		(void)ra_pageout_run(vm, 16);
		child = uvmspace_fork(vm);
		H_CHECK(&vm->vm_map);
		H_CHECK(&child->vm_map);
		ATF_REQUIRE_EQ(ra_read(vm, 0), 0);
		ATF_CHECK(ra_state(vm, 5).mapped);
		memset(buf, 'Z', PAGE_SIZE);
		ATF_REQUIRE_EQ(copyout_vmspace(vm, buf,
		    (void *)(SO_VA + ptoa((vaddr_t)5)), PAGE_SIZE), 0);
		ATF_REQUIRE_EQ(copyin_vmspace(vm,
		    (const void *)(SO_VA + ptoa((vaddr_t)5)), buf, PAGE_SIZE), 0);
		ATF_CHECK_EQ(buf[0], 'Z');
		ATF_CHECK_EQ(buf[PAGE_SIZE - 1], 'Z');
		for (int i = 0; i < 16; i++)
			ATF_CHECK_EQ_MSG(ra_read(child, i), 0, "page %d", i);
		for (int i = 0; i < 16; i++)
			if (i != 5)
				ATF_CHECK_EQ_MSG(ra_read(vm, i), 0, "page %d", i);
		H_CHECK(&vm->vm_map);
		H_CHECK(&child->vm_map);
		SO_EXACT();
		uvmspace_free(child);
		uvmspace_free(vm);
		SO_EXACT();
		S_CHECK();
		ATF_CHECK_EQ(uvmexp.swpginuse, 0);
		free(buf);
		h_shutdown();
	}
}

/*
 * A window under UVM_SWAP_RAHOLES pages stops at a resident page of the
 * run (no holes: the access has not shown itself sequential).
 */
ATF_TC_WITHOUT_HEAD(swapin_cluster_small_window_stops_at_resident_page);
ATF_TC_BODY(swapin_cluster_small_window_stops_at_resident_page, tc)
{
	for (size_t m = 0; m < __arraycount(ra_modes); m++) {
		struct vmspace *vm;
		struct uvmexp s;

		ra_boot(ra_modes[m]);
		vm = ra_space(16, UVM_ADV_NORMAL);
		(void)ra_pageout_run(vm, 16);
		ATF_REQUIRE_EQ(uvm_map_advice(&vm->vm_map, SO_VA,
		    SO_VA + ptoa((vaddr_t)16), UVM_ADV_RANDOM), 0);
		ATF_REQUIRE_EQ(ra_read(vm, 6), 0);
		ATF_REQUIRE_EQ(uvm_map_advice(&vm->vm_map, SO_VA,
		    SO_VA + ptoa((vaddr_t)16), UVM_ADV_NORMAL), 0);
		/* 0: one page; 1: two (1, 2); 2 used: a hit. */
		ATF_REQUIRE_EQ(ra_read(vm, 0), 0);
		ATF_REQUIRE_EQ(ra_read(vm, 1), 0);
		ATF_REQUIRE_EQ(ra_read(vm, 2), 0);
		/* 4 (not the continuation of 1's window): four, 4 .. 7. */
		s = uvmexp;
		ATF_REQUIRE_EQ(ra_read(vm, 4), 0);
		SO_READS(s, 1, 2);
		ATF_CHECK(ra_state(vm, 5).resident);
		ATF_CHECK(!ra_state(vm, 7).resident);
		for (int i = 0; i < 16; i++)
			ATF_CHECK_EQ_MSG(ra_read(vm, i), 0, "page %d", i);
		H_CHECK(&vm->vm_map);
		SO_EXACT();
		uvmspace_free(vm);
		SO_EXACT();
		S_CHECK();
		h_shutdown();
	}
}

/*
 * A read error on read-ahead neighbours: the fault succeeds; the failed
 * run is read again page by page; neighbours whose own read fails are
 * not brought in and their slots are marked bad (a fault on them then
 * fails); the others are brought in.
 */
ATF_TC_WITHOUT_HEAD(swapin_cluster_neighbour_read_error_does_not_fail_fault);
ATF_TC_BODY(swapin_cluster_neighbour_read_error_does_not_fail_fault, tc)
{
	for (size_t m = 0; m < __arraycount(ra_modes); m++) {
		struct vmspace *vm;
		struct uvmexp s;
		int slot;

		ra_boot(ra_modes[m]);
		vm = ra_space(8, UVM_ADV_SEQUENTIAL);
		slot = ra_pageout_run(vm, 8);
		s = uvmexp;
		/*
		 * Every other read fails, from the first: the run (read 1)
		 * fails, page 0 alone (read 2) succeeds, then pages 1 to 7
		 * alone (reads 3 to 9): 1, 3, 5, 7 fail, 2, 4, 6 succeed.
		 */
		kern_fault_set(KFI_IO_READ, 1, 2);
		ATF_CHECK_EQ(ra_read(vm, 0), 0);
		ATF_CHECK_EQ(kern_fault_hits(KFI_IO_READ), 5ul);
		kern_fault_clear();
		SO_READS(s, 4, 4);
		ATF_CHECK_EQ(uvmexp.nswget - s.nswget, 1);
		ATF_CHECK_EQ(uvm_swap_nbad(), 4);
		H_CHECK(&vm->vm_map);
		SO_EXACT();
		for (int i = 0; i < 8; i++) {
			struct ra_state st = ra_state(vm, i);

			ATF_CHECK_EQ_MSG(st.slot, slot + i, "page %d", i);
			ATF_CHECK_EQ_MSG(st.resident, i % 2 == 0, "page %d", i);
			ATF_CHECK_EQ_MSG(uvm_swap_isbad(slot + i), i % 2 == 1,
			    "page %d", i);
		}
		for (int i = 0; i < 8; i++)
			ATF_CHECK_EQ_MSG(ra_read(vm, i), i % 2 == 0 ? 0 : -1,
			    "page %d", i);
		H_CHECK(&vm->vm_map);
		SO_EXACT();
		uvmspace_free(vm);
		SO_EXACT();
		S_CHECK();
		/* The bad slots stay allocated, to nobody. */
		ATF_CHECK_EQ(uvmexp.swpginuse, 4);
		h_shutdown();
	}
}

/*
 * A read error on the faulting page fails that fault only: its slot is
 * marked bad, the neighbours are not brought in and not marked bad, and
 * a later fault on a neighbour reads it (and its run) fine.
 */
ATF_TC_WITHOUT_HEAD(swapin_cluster_center_read_error_fails_only_that_fault);
ATF_TC_BODY(swapin_cluster_center_read_error_fails_only_that_fault, tc)
{
	for (size_t m = 0; m < __arraycount(ra_modes); m++) {
		struct vmspace *vm;
		struct uvmexp s;
		int slot;

		ra_boot(ra_modes[m]);
		vm = ra_space(8, UVM_ADV_SEQUENTIAL);
		slot = ra_pageout_run(vm, 8);
		s = uvmexp;
		kern_fault_set(KFI_IO_READ, 1, 1);
		ATF_CHECK_EQ(ra_read(vm, 0), -1);
		ATF_CHECK_EQ(kern_fault_hits(KFI_IO_READ), 2ul);
		kern_fault_clear();
		SO_READS(s, 0, 0);
		ATF_CHECK(uvm_swap_isbad(slot));
		ATF_CHECK_EQ(uvm_swap_nbad(), 1);
		H_CHECK(&vm->vm_map);
		SO_EXACT();
		for (int i = 0; i < 8; i++)
			ATF_CHECK_MSG(!ra_state(vm, i).resident, "page %d", i);
		/* Page 1 and its run (to the end) in one read. */
		s = uvmexp;
		ATF_CHECK_EQ(ra_read(vm, 1), 0);
		SO_READS(s, 1, 7);
		for (int i = 1; i < 8; i++)
			ATF_CHECK_EQ_MSG(ra_read(vm, i), 0, "page %d", i);
		ATF_CHECK_EQ(ra_read(vm, 0), -1);
		H_CHECK(&vm->vm_map);
		SO_EXACT();
		uvmspace_free(vm);
		SO_EXACT();
		S_CHECK();
		ATF_CHECK_EQ(uvmexp.swpginuse, 1);
		h_shutdown();
	}
}

/*
 * A resident page in the middle of a run (it keeps its slot: its copy
 * is good) does not split the read: one I/O reads the whole run, the
 * resident page's slot is read and its bytes discarded (the page is
 * left alone, whatever it holds), and it counts no pgswapin.
 */
ATF_TC_WITHOUT_HEAD(swapin_cluster_reads_past_resident_page_in_one_io);
ATF_TC_BODY(swapin_cluster_reads_past_resident_page_in_one_io, tc)
{
	for (size_t m = 0; m < __arraycount(ra_modes); m++) {
		struct vm_map_entry *e;
		struct vm_anon *a6;
		struct vm_page *pg6;
		struct vmspace *vm;
		struct uvmexp s;
		int slot;

		ra_boot(ra_modes[m]);
		vm = ra_space(16, UVM_ADV_SEQUENTIAL);
		slot = ra_pageout_run(vm, 16);
		/* Page 6 alone comes back (random advice: no read-ahead). */
		ATF_REQUIRE_EQ(uvm_map_advice(&vm->vm_map, SO_VA,
		    SO_VA + ptoa((vaddr_t)16), UVM_ADV_RANDOM), 0);
		ATF_REQUIRE_EQ(ra_read(vm, 6), 0);
		ATF_REQUIRE_EQ(uvm_map_advice(&vm->vm_map, SO_VA,
		    SO_VA + ptoa((vaddr_t)16), UVM_ADV_SEQUENTIAL), 0);
		ATF_REQUIRE(ra_state(vm, 6).resident);
		ATF_REQUIRE(!ra_state(vm, 5).resident);
		ATF_REQUIRE(!ra_state(vm, 7).resident);
		/*
		 * Mark its bytes in memory (its slot still holds 'a' + 6):
		 * a read that wrote the slot's bytes into it would show.
		 */
		vm_map_lock_read(&vm->vm_map);
		ATF_REQUIRE(uvm_map_lookup_entry(&vm->vm_map, SO_VA, &e));
		amap_lock(e->aref.ar_amap);
		a6 = amap_lookup(&e->aref, ptoa((vaddr_t)6));
		pg6 = a6->an_page;
		memset(uvm_page_kva(pg6), 'Z', PAGE_SIZE);
		amap_unlock(e->aref.ar_amap);
		vm_map_unlock_read(&vm->vm_map);

		s = uvmexp;
		ATF_REQUIRE_EQ(ra_read(vm, 0), 0);
		SO_READS(s, 1, 15);
		ATF_CHECK_EQ(uvmexp.nswget - s.nswget, 1);
		ATF_CHECK_EQ(uvmexp.swpgonly - s.swpgonly, -15);
		H_CHECK(&vm->vm_map);
		SO_EXACT();
		for (int i = 0; i < 16; i++) {
			struct ra_state st = ra_state(vm, i);

			ATF_CHECK_EQ_MSG(st.slot, slot + i, "page %d", i);
			ATF_CHECK_MSG(st.resident, "page %d", i);
			ATF_CHECK_MSG(st.mapped, "page %d", i);
			ATF_CHECK_MSG(!st.readahead, "page %d", i);
		}
		/* Page 6 is the same page, its bytes untouched. */
		vm_map_lock_read(&vm->vm_map);
		amap_lock(e->aref.ar_amap);
		ATF_CHECK(a6->an_page == pg6);
		ATF_CHECK((pg6->flags & PG_BUSY) == 0);
		ATF_CHECK_EQ(((const char *)uvm_page_kva(pg6))[0], 'Z');
		ATF_CHECK_EQ(((const char *)uvm_page_kva(pg6))[4095], 'Z');
		amap_unlock(e->aref.ar_amap);
		vm_map_unlock_read(&vm->vm_map);
		s = uvmexp;
		for (int i = 0; i < 16; i++)
			if (i != 6)
				ATF_CHECK_EQ_MSG(ra_read(vm, i), 0, "page %d", i);
		ATF_CHECK_EQ(uvmexp.pageins - s.pageins, 0);
		H_CHECK(&vm->vm_map);
		SO_EXACT();
		uvmspace_free(vm);
		SO_EXACT();
		S_CHECK();
		ATF_CHECK_EQ(uvmexp.swpginuse, 0);
		h_shutdown();
	}
}

/* Page out aobj pages [0, n) (resident, 'A' + i) to one run; the slot. */
static int
ra_aobj_pageout_run(struct uvm_object *uobj, int n)
{
	struct vm_page *pgs[16];
	int slot, ns = n;

	ATF_REQUIRE(n <= 16);
	mutex_enter(uobj->vmobjlock);
	for (int i = 0; i < n; i++) {
		pgs[i] = uvm_pagelookup(uobj, ptoa((voff_t)i));
		ATF_REQUIRE(pgs[i] != NULL);
		pgs[i]->flags |= PG_BUSY;
	}
	slot = uvm_swap_alloc(&ns, false);
	ATF_REQUIRE(slot != 0);
	ATF_REQUIRE_EQ(uvm_swap_put(slot, pgs, n, PGO_SYNCIO), 0);
	for (int i = 0; i < n; i++) {
		pgs[i]->flags &= ~PG_BUSY;
		ATF_CHECK_EQ(uao_set_swslot(uobj, i, slot + i), 0);
		pmap_page_protect(pgs[i], VM_PROT_NONE);
		uvm_pagefree(pgs[i]);
		uvmpd_swpgonly(1);
	}
	mutex_exit(uobj->vmobjlock);
	return slot;
}

/* uao_get of page i with advice (busy page back, then queued). */
static struct vm_page *
ra_aobj_get(struct uvm_object *uobj, int i, int advice)
{
	struct vm_page *pg;
	int n = 1;

	mutex_enter(uobj->vmobjlock);
	ATF_REQUIRE_EQ(uobj->pgops->pgo_get(uobj, ptoa((voff_t)i), &pg, &n,
	    0, VM_PROT_READ, advice, PGO_SYNCIO), 0);
	mutex_enter(uobj->vmobjlock);
	uvm_pageactivate(pg);
	uvm_pageunbusy(pg);
	mutex_exit(uobj->vmobjlock);
	return pg;
}

/*
 * The same for aobj pages: a resident page in the run is read past (its
 * slot's bytes discarded, the page left alone) in the one I/O.
 */
ATF_TC_WITHOUT_HEAD(swapin_cluster_aobj_reads_past_resident_page);
ATF_TC_BODY(swapin_cluster_aobj_reads_past_resident_page, tc)
{
	for (size_t m = 0; m < __arraycount(ra_modes); m++) {
		struct uvm_object *uobj;
		struct vm_page *pg5, *pg;
		struct uvmexp s;
		int slot;

		ra_boot(ra_modes[m]);
		uobj = so_aobj(12);
		slot = ra_aobj_pageout_run(uobj, 12);
		SO_EXACT();
		pg5 = ra_aobj_get(uobj, 5, UVM_ADV_RANDOM);
		mutex_enter(uobj->vmobjlock);
		ATF_REQUIRE(uvm_pagelookup(uobj, ptoa((voff_t)4)) == NULL);
		ATF_REQUIRE(uvm_pagelookup(uobj, ptoa((voff_t)6)) == NULL);
		memset(uvm_page_kva(pg5), 'Z', PAGE_SIZE);
		mutex_exit(uobj->vmobjlock);
		s = uvmexp;
		pg = ra_aobj_get(uobj, 2, UVM_ADV_SEQUENTIAL);
		ATF_CHECK_EQ(((const char *)uvm_page_kva(pg))[100], 'A' + 2);
		SO_READS(s, 1, 9);
		mutex_enter(uobj->vmobjlock);
		for (int i = 0; i < 12; i++) {
			pg = uvm_pagelookup(uobj, ptoa((voff_t)i));
			ATF_CHECK_EQ_MSG(uao_find_swslot(uobj, i), slot + i,
			    "page %d", i);
			ATF_CHECK_EQ_MSG(pg != NULL, i >= 2, "page %d", i);
			if (pg == NULL)
				continue;
			ATF_CHECK((pg->flags & PG_BUSY) == 0);
			ATF_CHECK_EQ_MSG((pg->pqflags & PQ_READAHEAD) != 0,
			    i > 2 && i != 5, "page %d", i);
			ATF_CHECK_EQ_MSG(((const char *)uvm_page_kva(pg))[4000],
			    i == 5 ? 'Z' : 'A' + i, "page %d", i);
		}
		ATF_CHECK(uvm_pagelookup(uobj, ptoa((voff_t)5)) == pg5);
		mutex_exit(uobj->vmobjlock);
		ATF_CHECK(uao_check(uobj) == NULL);
		SO_EXACT();
		uao_detach(uobj);
		SO_EXACT();
		S_CHECK();
		ATF_CHECK_EQ(uvmexp.swpginuse, 0);
		h_shutdown();
	}
}

/*
 * The same for aobj pages: uao_get reading a page from swap reads its
 * run with it; the neighbours are resident, not busy, read-ahead, with
 * their slots; a locked get counts them used.
 */
ATF_TC_WITHOUT_HEAD(swapin_cluster_aobj_reads_run_in_one_io);
ATF_TC_BODY(swapin_cluster_aobj_reads_run_in_one_io, tc)
{
	for (size_t m = 0; m < __arraycount(ra_modes); m++) {
		struct uvm_object *uobj;
		struct vm_page *pgs[16], *pg;
		struct uvmexp s;
		int slot, ns = 12, n;

		ra_boot(ra_modes[m]);
		uobj = so_aobj(12);
		mutex_enter(uobj->vmobjlock);
		for (int i = 0; i < 12; i++) {
			pgs[i] = uvm_pagelookup(uobj, ptoa((voff_t)i));
			ATF_REQUIRE(pgs[i] != NULL);
			pgs[i]->flags |= PG_BUSY;
		}
		slot = uvm_swap_alloc(&ns, false);
		ATF_REQUIRE(slot != 0);
		ATF_REQUIRE_EQ(uvm_swap_put(slot, pgs, 12, PGO_SYNCIO), 0);
		for (int i = 0; i < 12; i++) {
			pgs[i]->flags &= ~PG_BUSY;
			ATF_CHECK_EQ(uao_set_swslot(uobj, i, slot + i), 0);
			pmap_page_protect(pgs[i], VM_PROT_NONE);
			uvm_pagefree(pgs[i]);
			uvmpd_swpgonly(1);
		}
		mutex_exit(uobj->vmobjlock);
		SO_EXACT();

		s = uvmexp;
		n = 1;
		mutex_enter(uobj->vmobjlock);
		ATF_REQUIRE_EQ(uobj->pgops->pgo_get(uobj, ptoa((voff_t)2), &pg,
		    &n, 0, VM_PROT_READ, UVM_ADV_SEQUENTIAL, PGO_SYNCIO), 0);
		ATF_CHECK_EQ(((const char *)uvm_page_kva(pg))[100], 'A' + 2);
		mutex_enter(uobj->vmobjlock);
		uvm_pageactivate(pg);
		uvm_pageunbusy(pg);
		SO_READS(s, 1, 10);
		for (int i = 0; i < 12; i++) {
			pg = uvm_pagelookup(uobj, ptoa((voff_t)i));
			ATF_CHECK_EQ_MSG(uao_find_swslot(uobj, i), slot + i,
			    "page %d", i);
			ATF_CHECK_EQ_MSG(pg != NULL, i >= 2, "page %d", i);
			if (pg == NULL)
				continue;
			ATF_CHECK((pg->flags & PG_BUSY) == 0);
			ATF_CHECK_EQ_MSG((pg->pqflags & PQ_READAHEAD) != 0,
			    i > 2, "page %d", i);
			ATF_CHECK_EQ(((const char *)uvm_page_kva(pg))[4000],
			    'A' + i);
		}
		mutex_exit(uobj->vmobjlock);
		ATF_CHECK(uao_check(uobj) == NULL);
		SO_EXACT();
		/* A locked get of a read-ahead page uses it: no I/O. */
		s = uvmexp;
		n = 1;
		mutex_enter(uobj->vmobjlock);
		ATF_CHECK_EQ(uobj->pgops->pgo_get(uobj, ptoa((voff_t)5), &pg,
		    &n, 0, VM_PROT_READ, UVM_ADV_SEQUENTIAL, PGO_LOCKED), 0);
		ATF_CHECK((pg->pqflags & PQ_READAHEAD) == 0);
		mutex_exit(uobj->vmobjlock);
		ATF_CHECK_EQ(uvmexp.pageins - s.pageins, 0);
		SO_EXACT();
		uao_detach(uobj);
		SO_EXACT();
		S_CHECK();
		ATF_CHECK_EQ(uvmexp.swpginuse, 0);
		h_shutdown();
	}
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, swapon_at_boot_counts_pages);
	ATF_TP_ADD_TC(tp, swapon_bad_path_fails_and_boot_refused);
	ATF_TP_ADD_TC(tp, swapctl_on_off_and_errors);
	ATF_TP_ADD_TC(tp, swap_off_with_slots_in_use_fails_ebusy_device_stays);
	ATF_TP_ADD_TC(tp, swap_alloc_returns_contiguous_runs_and_free_reuses);
	ATF_TP_ADD_TC(tp, swap_full_returns_zero);
	ATF_TP_ADD_TC(tp,
	    swap_alloc_finds_runs_across_words_in_fragmented_device);
	ATF_TP_ADD_TC(tp, swap_alloc_aligns_runs_of_sixteen_or_more);
	ATF_TP_ADD_TC(tp, swap_priorities_lower_first_then_round_robin);
	ATF_TP_ADD_TC(tp, swapctl_ctl_changes_priority_order);
	ATF_TP_ADD_TC(tp, swap_put_get_round_trips_bytes_in_one_io);
	ATF_TP_ADD_TC(tp, swap_read_error_returns_eio_and_markbad_retires_slot);
	ATF_TP_ADD_TC(tp, swap_stats_fill_entries_and_ostats);
	ATF_TP_ADD_TC(tp,
	    swap_off_pages_anons_and_aobjs_back_in_with_their_bytes);
	ATF_TP_ADD_TC(tp,
	    swap_off_resident_page_with_swap_copy_loses_slot_becomes_dirty);
	ATF_TP_ADD_TC(tp,
	    swap_off_read_error_fails_eio_device_stays_nothing_lost);
	ATF_TP_ADD_TC(tp, swap_off_page_shortage_waits_for_pagedaemon_and_finishes);
	ATF_TP_ADD_TC(tp, swap_off_more_than_free_memory_moves_pages_to_other_device);
	ATF_TP_ADD_TC(tp, swap_off_without_room_fails_enomem_device_stays);
	ATF_TP_ADD_TC(tp, swap_off_twice_second_is_enxio);
	ATF_TP_ADD_TC(tp,
	    swapin_cluster_reads_run_in_one_io_neighbours_resident);
	ATF_TP_ADD_TC(tp, swapin_cluster_window_grows_with_hits);
	ATF_TP_ADD_TC(tp, swapin_cluster_sequential_sweep_window_doubles);
	ATF_TP_ADD_TC(tp, swapin_cluster_small_window_stops_at_resident_page);
	ATF_TP_ADD_TC(tp, swapin_cluster_mapped_ahead_shared_pages_stay_cow);
	ATF_TP_ADD_TC(tp,
	    swapin_cluster_neighbour_read_error_does_not_fail_fault);
	ATF_TP_ADD_TC(tp,
	    swapin_cluster_center_read_error_fails_only_that_fault);
	ATF_TP_ADD_TC(tp, swapin_cluster_reads_past_resident_page_in_one_io);
	ATF_TP_ADD_TC(tp, swapin_cluster_aobj_reads_past_resident_page);
	ATF_TP_ADD_TC(tp, swapin_cluster_aobj_reads_run_in_one_io);
	ATF_TP_ADD_TC(tp,
	    swap_off_after_pagedaemon_paging_brings_cow_pages_back);
	return atf_no_error();
}
