/*
 * t_swap: swap devices (swapctl), slot allocation, swap I/O,
 * uvm_swap_stats.
 */
#include "h_machine.h"

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

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, swapon_at_boot_counts_pages);
	ATF_TP_ADD_TC(tp, swapon_bad_path_fails_and_boot_refused);
	ATF_TP_ADD_TC(tp, swapctl_on_off_and_errors);
	ATF_TP_ADD_TC(tp, swap_off_with_slots_in_use_fails_ebusy_device_stays);
	ATF_TP_ADD_TC(tp, swap_alloc_returns_contiguous_runs_and_free_reuses);
	ATF_TP_ADD_TC(tp, swap_full_returns_zero);
	ATF_TP_ADD_TC(tp, swap_priorities_lower_first_then_round_robin);
	ATF_TP_ADD_TC(tp, swapctl_ctl_changes_priority_order);
	ATF_TP_ADD_TC(tp, swap_put_get_round_trips_bytes_in_one_io);
	ATF_TP_ADD_TC(tp, swap_read_error_returns_eio_and_markbad_retires_slot);
	ATF_TP_ADD_TC(tp, swap_stats_fill_entries_and_ostats);
	return atf_no_error();
}
