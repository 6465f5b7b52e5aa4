/*
 * t_physseg: the physical segment layer, uvm_hotplug(9): the segment
 * table before uvm_page_init() (load, unload, plug, unplug only edit it),
 * the lookups (handles, find, PHYS_TO_VM_PAGE) and hotplug on a running
 * machine, where pages reach and leave the free lists.
 */
#include "h_machine.h"

#include <uvm/uvm_impl.h>

#include <pthread.h>

static const unsigned int pagesizes[] = { 4096, 16384, 65536 };

/* Both checkers: the segment table, and the page layer once it runs. */
#define P_CHECK() do {							\
	const char *_why = uvm_physseg_check();				\
	ATF_REQUIRE_MSG(_why == NULL, "%s:%d: segment table: %s",	\
	    __FILE__, __LINE__, _why);					\
	if (uvm_page_init_done_p())					\
		H_CHECK(NULL);						\
} while (0)

/*
 * "Early boot": the kernel environment, an arena of physmax frames and
 * uvm_md_init(), but no uvm_page_init(): what MD code sees when it loads
 * its segments.
 */
static size_t preboot_kmem;

static void
preboot(paddr_t physmax_frames, unsigned int pagesize)
{
	kern_init();
	ATF_REQUIRE_EQ(kern_physmem_create((psize_t)physmax_frames * pagesize),
	    0);
	memset(&uvmexp, 0, sizeof(uvmexp));
	uvmexp.pagesize = (int)pagesize;
	uvmexp.ncolors = 1;
	preboot_kmem = kmem_inuse();
	uvm_md_init();
	ATF_REQUIRE(!uvm_page_init_done_p());
	P_CHECK();
}

static void
preboot_end(void)
{
	uvm_physseg_fini();
	ATF_CHECK_EQ(kmem_inuse(), preboot_kmem);
	kern_physmem_destroy();
	kern_fini();
	memset(&uvmexp, 0, sizeof(uvmexp));
}

/* Every frame of segment h: its vm_page, found both ways, knows its pa. */
static void
check_seg_pages(uvm_physseg_t h)
{
	paddr_t start = uvm_physseg_get_start(h);
	paddr_t end = uvm_physseg_get_end(h);

	ATF_REQUIRE(start < end);
	for (paddr_t f = start; f < end; f++) {
		struct vm_page *pg = uvm_physseg_get_pg(h, f - start);
		psize_t off = ~(psize_t)0;

		ATF_REQUIRE(pg != NULL);
		ATF_REQUIRE_EQ(VM_PAGE_TO_PHYS(pg), ptoa(f));
		ATF_REQUIRE(PHYS_TO_VM_PAGE(ptoa(f)) == pg);
		ATF_REQUIRE(PHYS_TO_VM_PAGE(ptoa(f) + PAGE_SIZE - 1) == pg);
		ATF_REQUIRE_EQ(uvm_physseg_find(f, &off), h);
		ATF_REQUIRE_EQ(off, f - start);
	}
}

/* A segment's four bounds in one assertion. */
#define REQUIRE_SEG(h, s, e, as, ae) do {				\
	ATF_REQUIRE(uvm_physseg_valid_p(h));				\
	ATF_REQUIRE_EQ(uvm_physseg_get_start(h), (paddr_t)(s));		\
	ATF_REQUIRE_EQ(uvm_physseg_get_end(h), (paddr_t)(e));		\
	ATF_REQUIRE_EQ(uvm_physseg_get_avail_start(h), (paddr_t)(as));	\
	ATF_REQUIRE_EQ(uvm_physseg_get_avail_end(h), (paddr_t)(ae));	\
} while (0)

/*
 * Boot a machine whose segments are given in frames {start, end,
 * avail_start, avail_end, free list}, with an arena of physmax frames.
 */
struct fseg {
	paddr_t s, e, as, ae;
	int fl;
};

static void
boot_frames(unsigned int pagesize, paddr_t physmax, int nsegs,
    const struct fseg *segs)
{
	struct uvm_machine m;

	uvm_machine_defaults(&m);
	m.m_quiet = true;
	m.m_pagesize = pagesize;
	m.m_physmax = physmax * pagesize;
	m.m_nsegs = nsegs;
	for (int i = 0; i < nsegs; i++) {
		m.m_segs[i].ms_start = segs[i].s * pagesize;
		m.m_segs[i].ms_end = segs[i].e * pagesize;
		m.m_segs[i].ms_avail_start = segs[i].as * pagesize;
		m.m_segs[i].ms_avail_end = segs[i].ae * pagesize;
		m.m_segs[i].ms_freelist = segs[i].fl;
	}
	h_boot_machine(&m);
	ATF_REQUIRE(uvm_page_init_done_p());
	P_CHECK();
}

/* One segment of frames [0, 64), arena of 256 frames: room to plug. */
static void
boot_small(unsigned int pagesize)
{
	static const struct fseg seg = { 0, 64, 0, 64, VM_FREELIST_DEFAULT };

	boot_frames(pagesize, 256, 1, &seg);
}

/* Allocate every page that can be allocated; returns how many. */
static int
alloc_all(struct vm_page **v, int max)
{
	int n = 0;

	while (n < max) {
		struct vm_page *pg = uvm_pagealloc(NULL, 0, NULL,
		    UVM_PGA_USERESERVE);
		if (pg == NULL)
			break;
		v[n++] = pg;
	}
	return n;
}

/* ---------------------------------------------------------------------
 * The table before uvm_page_init().
 */

ATF_TC_WITHOUT_HEAD(init_leaves_table_empty);
ATF_TC_BODY(init_leaves_table_empty, tc)
{
	preboot(64, 4096);
	ATF_CHECK_EQ(uvm_physseg_count(), 0);
	ATF_CHECK_EQ(uvm_physseg_get_first(), UVM_PHYSSEG_TYPE_INVALID_EMPTY);
	ATF_CHECK_EQ(uvm_physseg_get_last(), UVM_PHYSSEG_TYPE_INVALID_EMPTY);
	ATF_CHECK(!uvm_physseg_valid_p(0));
	ATF_CHECK(!uvm_physseg_valid_p(uvm_physseg_get_first()));
	ATF_CHECK_EQ(uvm_physseg_find(0, NULL), UVM_PHYSSEG_TYPE_INVALID);
	ATF_CHECK(PHYS_TO_VM_PAGE(0) == NULL);
	ATF_CHECK_EQ(uvm_physseg_get_highest_frame(), 0);
	preboot_end();
}

ATF_TC_WITHOUT_HEAD(physload_records_segment_and_zeroed_pages);
ATF_TC_BODY(physload_records_segment_and_zeroed_pages, tc)
{
	static const struct vm_page zero;

	preboot(64, 4096);
	uvm_page_physload(8, 24, 10, 20, 2);
	P_CHECK();
	ATF_REQUIRE_EQ(uvm_physseg_count(), 1);
	REQUIRE_SEG(0, 8, 24, 10, 20);
	ATF_CHECK_EQ(uvm_physseg_get_free_list(0), 2);
	ATF_CHECK_EQ(uvm_physseg_get_start_hint(0), 0);
	ATF_CHECK_EQ(uvm_physseg_get_highest_frame(), 23);
	check_seg_pages(0);
	for (paddr_t i = 0; i < 16; i++) {
		struct vm_page pg = *uvm_physseg_get_pg(0, i);

		pg.phys_addr = 0;
		ATF_CHECK(memcmp(&pg, &zero, sizeof(pg)) == 0);
	}
	/* The page layer has not seen them: nothing is counted. */
	ATF_CHECK_EQ(uvmexp.npages, 0);
	ATF_CHECK_EQ(uvmexp.free, 0);
	ATF_CHECK(PHYS_TO_VM_PAGE(ptoa((paddr_t)7)) == NULL);
	ATF_CHECK(PHYS_TO_VM_PAGE(ptoa((paddr_t)24)) == NULL);
	preboot_end();
}

ATF_TC_WITHOUT_HEAD(physload_keeps_table_sorted_by_start);
ATF_TC_BODY(physload_keeps_table_sorted_by_start, tc)
{
	static const paddr_t starts[] = { 40, 0, 100, 20, 60 };
	paddr_t prev_end = 0;
	uvm_physseg_t h;
	int n = 0;

	preboot(128, 4096);
	for (size_t i = 0; i < __arraycount(starts); i++) {
		uvm_page_physload(starts[i], starts[i] + 10, starts[i],
		    starts[i] + 10, (int)i % VM_NFREELIST);
		P_CHECK();
		ATF_REQUIRE_EQ(uvm_physseg_count(), (int)i + 1);
	}
	for (h = uvm_physseg_get_first(); uvm_physseg_valid_p(h);
	    h = uvm_physseg_get_next(h)) {
		ATF_REQUIRE(uvm_physseg_get_start(h) >= prev_end);
		prev_end = uvm_physseg_get_end(h);
		ATF_REQUIRE_EQ(h, n);
		n++;
	}
	ATF_CHECK_EQ(n, 5);
	ATF_CHECK_EQ(h, UVM_PHYSSEG_TYPE_INVALID_OVERFLOW);
	ATF_CHECK_EQ(uvm_physseg_get_start(0), 0);
	ATF_CHECK_EQ(uvm_physseg_get_start(4), 100);
	/* Each kept its free list through the renumbering. */
	ATF_CHECK_EQ(uvm_physseg_get_free_list(0), 1);
	ATF_CHECK_EQ(uvm_physseg_get_free_list(1), 3);
	ATF_CHECK_EQ(uvm_physseg_get_free_list(2), 0);
	ATF_CHECK_EQ(uvm_physseg_get_free_list(3), 0);
	ATF_CHECK_EQ(uvm_physseg_get_free_list(4), 2);
	ATF_CHECK_EQ(uvm_physseg_get_highest_frame(), 109);
	for (h = 0; h < 5; h++)
		check_seg_pages(h);
	preboot_end();
}

ATF_TC_WITHOUT_HEAD(next_prev_walk_with_sentinels);
ATF_TC_BODY(next_prev_walk_with_sentinels, tc)
{
	uvm_physseg_t h;
	int n = 0;

	preboot(128, 4096);
	uvm_page_physload(50, 60, 50, 60, 0);
	uvm_page_physload(10, 20, 10, 20, 0);
	uvm_page_physload(30, 40, 30, 40, 0);
	P_CHECK();
	ATF_REQUIRE_EQ(uvm_physseg_get_first(), 0);
	ATF_REQUIRE_EQ(uvm_physseg_get_last(), 2);
	for (h = uvm_physseg_get_last(); uvm_physseg_valid_p(h);
	    h = uvm_physseg_get_prev(h))
		n++;
	ATF_CHECK_EQ(n, 3);
	ATF_CHECK_EQ(h, UVM_PHYSSEG_TYPE_INVALID_EMPTY);
	ATF_CHECK_EQ(uvm_physseg_get_prev(0), UVM_PHYSSEG_TYPE_INVALID_EMPTY);
	ATF_CHECK_EQ(uvm_physseg_get_next(2),
	    UVM_PHYSSEG_TYPE_INVALID_OVERFLOW);
	ATF_CHECK_EQ(uvm_physseg_get_next(1), 2);
	ATF_CHECK_EQ(uvm_physseg_get_prev(1), 0);
	ATF_CHECK_EQ(uvm_physseg_get_start(uvm_physseg_get_next(0)), 30);
	preboot_end();
}

ATF_TC_WITHOUT_HEAD(physload_overlap_panics);
ATF_TC_BODY(physload_overlap_panics, tc)
{
	preboot(64, 4096);
	uvm_page_physload(10, 20, 10, 20, 0);
	ATF_REQUIRE(H_PANICS(uvm_page_physload(19, 30, 19, 30, 0)));
	ATF_CHECK(strstr(h_panic_msg, "overlaps") != NULL);
}

ATF_TC_WITHOUT_HEAD(physload_bad_arguments_panic);
ATF_TC_BODY(physload_bad_arguments_panic, tc)
{
	preboot(64, 4096);
	uvm_page_physload(10, 20, 10, 20, 0);
	ATF_CHECK(H_PANICS(uvm_page_physload(30, 40, 30, 40, -1)));
	ATF_CHECK(strstr(h_panic_msg, "free list") != NULL);
	ATF_CHECK(H_PANICS(uvm_page_physload(30, 40, 30, 40,
	    VM_NFREELIST)));
	ATF_CHECK(H_PANICS(uvm_page_physload(30, 30, 30, 30, 0)));
	ATF_CHECK(H_PANICS(uvm_page_physload(40, 30, 40, 30, 0)));
	ATF_CHECK(H_PANICS(uvm_page_physload(30, 40, 29, 40, 0)));
	ATF_CHECK(H_PANICS(uvm_page_physload(30, 40, 30, 41, 0)));
	ATF_CHECK(H_PANICS(uvm_page_physload(30, 40, 35, 34, 0)));
	ATF_CHECK(H_PANICS(uvm_page_physload(60, 65, 60, 65, 0)));
	ATF_CHECK(strstr(h_panic_msg, "beyond physical memory") != NULL);
	/* The refusals happen before anything is touched. */
	ATF_CHECK_EQ(uvm_physseg_count(), 1);
	P_CHECK();
}

ATF_TC_WITHOUT_HEAD(physunload_takes_first_page_of_available_start);
ATF_TC_BODY(physunload_takes_first_page_of_available_start, tc)
{
	paddr_t pa = 0;
	struct vm_page *pg12;

	preboot(64, 4096);
	uvm_page_physload(10, 20, 10, 18, 1);
	pg12 = PHYS_TO_VM_PAGE(ptoa((paddr_t)12));
	ATF_REQUIRE(uvm_page_physunload(0, 1, &pa));
	P_CHECK();
	ATF_CHECK_EQ(pa, ptoa((paddr_t)10));
	REQUIRE_SEG(0, 11, 20, 11, 18);
	ATF_CHECK(PHYS_TO_VM_PAGE(ptoa((paddr_t)10)) == NULL);
	ATF_CHECK(PHYS_TO_VM_PAGE(ptoa((paddr_t)12)) == pg12);
	ATF_REQUIRE(uvm_page_physunload(0, 1, &pa));
	P_CHECK();
	ATF_CHECK_EQ(pa, ptoa((paddr_t)11));
	REQUIRE_SEG(0, 12, 20, 12, 18);
	check_seg_pages(0);
	preboot_end();
}

ATF_TC_WITHOUT_HEAD(physunload_takes_last_page_when_available_ends_segment);
ATF_TC_BODY(physunload_takes_last_page_when_available_ends_segment, tc)
{
	paddr_t pa = 0;

	preboot(64, 4096);
	uvm_page_physload(10, 20, 12, 20, 0);
	ATF_REQUIRE(uvm_page_physunload(0, 0, &pa));
	P_CHECK();
	ATF_CHECK_EQ(pa, ptoa((paddr_t)19));
	REQUIRE_SEG(0, 10, 19, 12, 19);
	ATF_CHECK(PHYS_TO_VM_PAGE(ptoa((paddr_t)19)) == NULL);
	check_seg_pages(0);
	preboot_end();
}

ATF_TC_WITHOUT_HEAD(physunload_refuses_other_free_list);
ATF_TC_BODY(physunload_refuses_other_free_list, tc)
{
	paddr_t pa = 12345;

	preboot(64, 4096);
	uvm_page_physload(10, 20, 10, 20, 1);
	ATF_CHECK(!uvm_page_physunload(0, 0, &pa));
	ATF_CHECK(!uvm_page_physunload(0, 2, &pa));
	ATF_CHECK_EQ(pa, 12345);
	REQUIRE_SEG(0, 10, 20, 10, 20);
	P_CHECK();
	preboot_end();
}

ATF_TC_WITHOUT_HEAD(physunload_refuses_segment_with_unavailable_ends);
ATF_TC_BODY(physunload_refuses_segment_with_unavailable_ends, tc)
{
	paddr_t pa = 12345;

	preboot(64, 4096);
	uvm_page_physload(10, 20, 11, 19, 0);
	uvm_page_physload(30, 40, 35, 35, 0);	/* nothing available */
	ATF_CHECK(!uvm_page_physunload(0, 0, &pa));
	ATF_CHECK(!uvm_page_physunload(1, 0, &pa));
	ATF_CHECK_EQ(pa, 12345);
	REQUIRE_SEG(0, 10, 20, 11, 19);
	REQUIRE_SEG(1, 30, 40, 35, 35);
	P_CHECK();
	preboot_end();
}

ATF_TC_WITHOUT_HEAD(physunload_last_page_removes_segment);
ATF_TC_BODY(physunload_last_page_removes_segment, tc)
{
	paddr_t pa = 0;

	preboot(64, 4096);
	uvm_page_physload(30, 40, 30, 40, 0);
	uvm_page_physload(10, 11, 10, 11, 2);
	ATF_REQUIRE_EQ(uvm_physseg_count(), 2);
	ATF_REQUIRE(uvm_page_physunload(0, 2, &pa));
	P_CHECK();
	ATF_CHECK_EQ(pa, ptoa((paddr_t)10));
	ATF_CHECK_EQ(uvm_physseg_count(), 1);
	/* The other segment moved down to handle 0. */
	REQUIRE_SEG(0, 30, 40, 30, 40);
	ATF_CHECK(!uvm_physseg_valid_p(1));
	ATF_CHECK_EQ(uvm_physseg_find(10, NULL), UVM_PHYSSEG_TYPE_INVALID);
	preboot_end();
}

ATF_TC_WITHOUT_HEAD(physunload_force_ignores_free_list_and_truncates);
ATF_TC_BODY(physunload_force_ignores_free_list_and_truncates, tc)
{
	paddr_t pa = 0;

	preboot(64, 4096);
	uvm_page_physload(10, 20, 13, 15, 3);
	ATF_REQUIRE(!uvm_page_physunload(0, 3, &pa));
	ATF_REQUIRE(uvm_page_physunload_force(0, 0, &pa));
	P_CHECK();
	ATF_CHECK_EQ(pa, ptoa((paddr_t)13));
	REQUIRE_SEG(0, 14, 20, 14, 15);
	ATF_CHECK_EQ(uvm_physseg_get_free_list(0), 3);
	ATF_CHECK(PHYS_TO_VM_PAGE(ptoa((paddr_t)12)) == NULL);
	ATF_REQUIRE(uvm_page_physunload_force(0, 1, &pa));
	P_CHECK();
	ATF_CHECK_EQ(pa, ptoa((paddr_t)14));
	REQUIRE_SEG(0, 15, 20, 15, 15);
	check_seg_pages(0);
	/* Nothing available is left: refused. */
	pa = 12345;
	ATF_CHECK(!uvm_page_physunload_force(0, 3, &pa));
	ATF_CHECK_EQ(pa, 12345);
	preboot_end();
}

ATF_TC_WITHOUT_HEAD(physunload_force_last_page_removes_segment);
ATF_TC_BODY(physunload_force_last_page_removes_segment, tc)
{
	paddr_t pa = 0;

	preboot(64, 4096);
	uvm_page_physload(10, 12, 10, 12, 0);
	ATF_REQUIRE(uvm_page_physunload_force(0, 0, &pa));
	ATF_REQUIRE(uvm_page_physunload_force(0, 0, &pa));
	P_CHECK();
	ATF_CHECK_EQ(pa, ptoa((paddr_t)11));
	ATF_CHECK_EQ(uvm_physseg_count(), 0);
	ATF_CHECK_EQ(uvm_physseg_get_first(), UVM_PHYSSEG_TYPE_INVALID_EMPTY);
	preboot_end();
}

ATF_TC_WITHOUT_HEAD(physunload_invalid_handle_fails);
ATF_TC_BODY(physunload_invalid_handle_fails, tc)
{
	paddr_t pa = 12345;

	preboot(64, 4096);
	uvm_page_physload(10, 20, 10, 20, 0);
	ATF_CHECK(!uvm_page_physunload(1, 0, &pa));
	ATF_CHECK(!uvm_page_physunload(UVM_PHYSSEG_TYPE_INVALID, 0, &pa));
	ATF_CHECK(!uvm_page_physunload_force(1, 0, &pa));
	ATF_CHECK(!uvm_page_physunload_force(-7, 0, &pa));
	ATF_CHECK_EQ(pa, 12345);
	REQUIRE_SEG(0, 10, 20, 10, 20);
	P_CHECK();
	preboot_end();
}

ATF_TC_WITHOUT_HEAD(plug_before_init_only_edits_table);
ATF_TC_BODY(plug_before_init_only_edits_table, tc)
{
	uvm_physseg_t h = -5;

	preboot(64, 4096);
	uvm_page_physload(30, 40, 30, 40, 2);
	ATF_REQUIRE(uvm_physseg_plug(10, 5, &h));
	P_CHECK();
	ATF_CHECK_EQ(h, 0);
	REQUIRE_SEG(h, 10, 15, 10, 15);
	ATF_CHECK_EQ(uvm_physseg_get_free_list(h), VM_FREELIST_DEFAULT);
	ATF_CHECK_EQ(uvm_physseg_get_start(1), 30);
	ATF_CHECK_EQ(uvmexp.npages, 0);
	ATF_CHECK_EQ(uvmexp.free, 0);
	check_seg_pages(h);
	ATF_REQUIRE(uvm_physseg_plug(50, 14, NULL));
	P_CHECK();
	ATF_CHECK_EQ(uvm_physseg_count(), 3);
	ATF_CHECK_EQ(uvm_physseg_get_highest_frame(), 63);
	preboot_end();
}

ATF_TC_WITHOUT_HEAD(plug_refuses_bad_ranges);
ATF_TC_BODY(plug_refuses_bad_ranges, tc)
{
	uvm_physseg_t h = 3;

	preboot(64, 4096);
	uvm_page_physload(10, 20, 10, 20, 0);
	ATF_CHECK(!uvm_physseg_plug(15, 2, &h));	/* inside */
	ATF_CHECK_EQ(h, UVM_PHYSSEG_TYPE_INVALID);
	ATF_CHECK(!uvm_physseg_plug(5, 6, &h));		/* overlaps start */
	ATF_CHECK(!uvm_physseg_plug(19, 6, &h));	/* overlaps end */
	ATF_CHECK(!uvm_physseg_plug(0, 30, &h));	/* covers it */
	ATF_CHECK(!uvm_physseg_plug(30, 0, &h));	/* empty */
	ATF_CHECK(!uvm_physseg_plug(60, 5, &h));	/* beyond memory */
	ATF_CHECK(!uvm_physseg_plug((paddr_t)-2, 4, &h));	/* wraps */
	ATF_CHECK_EQ(uvm_physseg_count(), 1);
	P_CHECK();
	/* Touching is not overlapping. */
	ATF_CHECK(uvm_physseg_plug(5, 5, &h));
	ATF_CHECK(uvm_physseg_plug(20, 44, &h));
	ATF_CHECK_EQ(uvm_physseg_count(), 3);
	P_CHECK();
	preboot_end();
}

ATF_TC_WITHOUT_HEAD(unplug_before_init_splits_and_trims);
ATF_TC_BODY(unplug_before_init_splits_and_trims, tc)
{
	struct vm_page *pg12, *pg18;

	preboot(64, 4096);
	uvm_page_physload(10, 20, 11, 19, 1);
	pg12 = PHYS_TO_VM_PAGE(ptoa((paddr_t)12));
	pg18 = PHYS_TO_VM_PAGE(ptoa((paddr_t)18));
	ATF_REQUIRE(uvm_physseg_unplug(14, 2));
	P_CHECK();
	ATF_REQUIRE_EQ(uvm_physseg_count(), 2);
	REQUIRE_SEG(0, 10, 14, 11, 14);
	REQUIRE_SEG(1, 16, 20, 16, 19);
	ATF_CHECK_EQ(uvm_physseg_get_free_list(0), 1);
	ATF_CHECK_EQ(uvm_physseg_get_free_list(1), 1);
	ATF_CHECK(PHYS_TO_VM_PAGE(ptoa((paddr_t)12)) == pg12);
	ATF_CHECK(PHYS_TO_VM_PAGE(ptoa((paddr_t)18)) == pg18);
	ATF_CHECK(PHYS_TO_VM_PAGE(ptoa((paddr_t)14)) == NULL);
	ATF_CHECK(PHYS_TO_VM_PAGE(ptoa((paddr_t)15)) == NULL);
	check_seg_pages(0);
	check_seg_pages(1);
	/* Trim the head and the tail. */
	ATF_REQUIRE(uvm_physseg_unplug(10, 2));
	P_CHECK();
	REQUIRE_SEG(0, 12, 14, 12, 14);
	ATF_REQUIRE(uvm_physseg_unplug(18, 2));
	P_CHECK();
	REQUIRE_SEG(1, 16, 18, 16, 18);
	/* Whole pieces; the shared array goes with the last of them. */
	ATF_REQUIRE(uvm_physseg_unplug(12, 2));
	P_CHECK();
	ATF_REQUIRE_EQ(uvm_physseg_count(), 1);
	ATF_REQUIRE(uvm_physseg_unplug(16, 2));
	P_CHECK();
	ATF_REQUIRE_EQ(uvm_physseg_count(), 0);
	ATF_CHECK_EQ(kmem_inuse(), preboot_kmem);
	preboot_end();
}

ATF_TC_WITHOUT_HEAD(unplug_refuses_holes_spans_and_empty_ranges);
ATF_TC_BODY(unplug_refuses_holes_spans_and_empty_ranges, tc)
{
	preboot(64, 4096);
	uvm_page_physload(10, 20, 10, 20, 0);
	uvm_page_physload(20, 30, 20, 30, 0);
	uvm_page_physload(40, 50, 40, 50, 0);
	ATF_CHECK(!uvm_physseg_unplug(32, 2));		/* in a hole */
	ATF_CHECK(!uvm_physseg_unplug(5, 10));		/* starts in a hole */
	ATF_CHECK(!uvm_physseg_unplug(18, 4));		/* two segments */
	ATF_CHECK(!uvm_physseg_unplug(45, 10));		/* past the end */
	ATF_CHECK(!uvm_physseg_unplug(12, 0));		/* empty */
	ATF_CHECK(!uvm_physseg_unplug((paddr_t)-2, 4));	/* wraps */
	ATF_CHECK_EQ(uvm_physseg_count(), 3);
	REQUIRE_SEG(0, 10, 20, 10, 20);
	REQUIRE_SEG(1, 20, 30, 20, 30);
	REQUIRE_SEG(2, 40, 50, 40, 50);
	P_CHECK();
	preboot_end();
}

ATF_TC_WITHOUT_HEAD(invalid_handles_return_sentinels);
ATF_TC_BODY(invalid_handles_return_sentinels, tc)
{
	static const uvm_physseg_t bad[] = { -1, -2, 1, 2, 1000 };

	preboot(64, 4096);
	uvm_page_physload(10, 20, 10, 20, 0);
	for (size_t i = 0; i < __arraycount(bad); i++) {
		uvm_physseg_t h = bad[i];

		ATF_CHECK(!uvm_physseg_valid_p(h));
		ATF_CHECK_EQ(uvm_physseg_get_start(h), (paddr_t)-1);
		ATF_CHECK_EQ(uvm_physseg_get_end(h), (paddr_t)-1);
		ATF_CHECK_EQ(uvm_physseg_get_avail_start(h), (paddr_t)-1);
		ATF_CHECK_EQ(uvm_physseg_get_avail_end(h), (paddr_t)-1);
		ATF_CHECK(!uvm_physseg_set_start_hint(h, 3));
		ATF_CHECK_EQ(uvm_physseg_get_next(h), UVM_PHYSSEG_TYPE_INVALID);
		ATF_CHECK_EQ(uvm_physseg_get_prev(h), UVM_PHYSSEG_TYPE_INVALID);
	}
	ATF_CHECK(uvm_physseg_valid_p(0));
	ATF_CHECK(!uvm_physseg_valid_p(UVM_PHYSSEG_TYPE_INVALID_OVERFLOW));
	P_CHECK();
	preboot_end();
}

ATF_TC_WITHOUT_HEAD(invalid_handle_get_free_list_panics);
ATF_TC_BODY(invalid_handle_get_free_list_panics, tc)
{
	preboot(64, 4096);
	uvm_page_physload(10, 20, 10, 20, 0);
	ATF_REQUIRE(H_PANICS(uvm_physseg_get_free_list(1)));
	ATF_CHECK(strstr(h_panic_msg, "invalid handle") != NULL);
}

ATF_TC_WITHOUT_HEAD(invalid_handle_get_start_hint_panics);
ATF_TC_BODY(invalid_handle_get_start_hint_panics, tc)
{
	preboot(64, 4096);
	ATF_REQUIRE(H_PANICS(uvm_physseg_get_start_hint(0)));
	ATF_CHECK(strstr(h_panic_msg, "invalid handle") != NULL);
}

ATF_TC_WITHOUT_HEAD(get_pg_beyond_segment_panics);
ATF_TC_BODY(get_pg_beyond_segment_panics, tc)
{
	preboot(64, 4096);
	uvm_page_physload(10, 20, 10, 20, 0);
	ATF_REQUIRE(uvm_physseg_get_pg(0, 9) ==
	    PHYS_TO_VM_PAGE(ptoa((paddr_t)19)));
	ATF_REQUIRE(H_PANICS(uvm_physseg_get_pg(0, 10)));
	ATF_CHECK(strstr(h_panic_msg, "beyond segment") != NULL);
}

ATF_TC_WITHOUT_HEAD(start_hint_is_kept_per_segment);
ATF_TC_BODY(start_hint_is_kept_per_segment, tc)
{
	preboot(64, 4096);
	uvm_page_physload(10, 20, 10, 20, 0);
	uvm_page_physload(30, 40, 30, 40, 0);
	ATF_REQUIRE(uvm_physseg_set_start_hint(0, 7));
	ATF_REQUIRE(uvm_physseg_set_start_hint(1, 3));
	ATF_CHECK_EQ(uvm_physseg_get_start_hint(0), 7);
	ATF_CHECK_EQ(uvm_physseg_get_start_hint(1), 3);
	/* A new segment in front renumbers; hints move with segments. */
	uvm_page_physload(0, 5, 0, 5, 0);
	P_CHECK();
	ATF_CHECK_EQ(uvm_physseg_get_start_hint(0), 0);
	ATF_CHECK_EQ(uvm_physseg_get_start_hint(1), 7);
	ATF_CHECK_EQ(uvm_physseg_get_start_hint(2), 3);
	/* Changing the available range restarts the hint. */
	ATF_REQUIRE(uvm_physseg_unplug(38, 2));
	P_CHECK();
	ATF_CHECK_EQ(uvm_physseg_get_start_hint(2), 0);
	ATF_CHECK_EQ(uvm_physseg_get_start_hint(1), 7);
	preboot_end();
}

ATF_TC_WITHOUT_HEAD(fini_frees_every_array_and_table);
ATF_TC_BODY(fini_frees_every_array_and_table, tc)
{
	preboot(128, 4096);
	uvm_page_physload(0, 40, 0, 40, 0);
	uvm_page_physload(50, 90, 60, 80, 1);
	ATF_REQUIRE(uvm_physseg_unplug(10, 5));
	ATF_REQUIRE(uvm_physseg_unplug(20, 5));
	ATF_REQUIRE(uvm_physseg_plug(100, 20, NULL));
	ATF_REQUIRE_EQ(uvm_physseg_count(), 5);
	P_CHECK();
	ATF_CHECK(kmem_inuse() > preboot_kmem);
	uvm_physseg_fini();
	ATF_CHECK_EQ(kmem_inuse(), preboot_kmem);
	ATF_CHECK_EQ(uvm_physseg_count(), 0);
	ATF_CHECK(PHYS_TO_VM_PAGE(0) == NULL);
	/* A second boot starts from an empty table. */
	uvm_physseg_init();
	ATF_CHECK_EQ(uvm_physseg_count(), 0);
	P_CHECK();
	preboot_end();
}

ATF_TC_WITHOUT_HEAD(check_reports_a_corrupted_page);
ATF_TC_BODY(check_reports_a_corrupted_page, tc)
{
	struct vm_page *pg;
	const char *why;

	preboot(64, 4096);
	uvm_page_physload(10, 20, 10, 20, 0);
	ATF_REQUIRE(uvm_physseg_check() == NULL);
	pg = uvm_physseg_get_pg(0, 3);
	pg->phys_addr += PAGE_SIZE;
	why = uvm_physseg_check();
	ATF_REQUIRE(why != NULL);
	ATF_CHECK(strstr(why, "phys_addr") != NULL);
	pg->phys_addr -= PAGE_SIZE;
	P_CHECK();
	preboot_end();
}

/* ---------------------------------------------------------------------
 * A running machine.
 */

ATF_TC_WITHOUT_HEAD(boot_single_segment_covers_ram);
ATF_TC_BODY(boot_single_segment_covers_ram, tc)
{
	for (size_t i = 0; i < __arraycount(pagesizes); i++) {
		psize_t ram = (psize_t)128 * pagesizes[i];

		h_boot(ram, pagesizes[i]);
		P_CHECK();
		ATF_REQUIRE_EQ(uvm_physseg_count(), 1);
		REQUIRE_SEG(0, 0, 128, 0, 128);
		ATF_CHECK_EQ(uvmexp.npages, 128);
		ATF_CHECK(uvmexp.free > 0 && uvmexp.free <= 128);
		ATF_CHECK_EQ(uvm_physseg_get_highest_frame(), 127);
		check_seg_pages(0);
		ATF_CHECK(PHYS_TO_VM_PAGE(ram) == NULL);
		ATF_CHECK(PHYS_TO_VM_PAGE(ram + 5 * PAGE_SIZE) == NULL);
		ATF_CHECK(PHYS_TO_VM_PAGE(ptoa((paddr_t)3) + 17)->phys_addr ==
		    ptoa((paddr_t)3));
		h_shutdown();
	}
}

ATF_TC_WITHOUT_HEAD(boot_segments_with_holes_find_and_translate);
ATF_TC_BODY(boot_segments_with_holes_find_and_translate, tc)
{
	static const struct fseg segs[] = {
		{ 0, 32, 0, 32, 0 },
		{ 48, 64, 48, 64, 0 },
		{ 100, 120, 100, 120, 0 },
		{ 121, 160, 121, 160, 0 },
	};
	static const paddr_t holes[] = { 32, 40, 47, 64, 99, 120, 160, 1000 };

	for (size_t i = 0; i < __arraycount(pagesizes); i++) {
		psize_t off = 4242;

		boot_frames(pagesizes[i], 200, 4, segs);
		ATF_REQUIRE_EQ(uvm_physseg_count(), 4);
		ATF_CHECK_EQ(uvmexp.npages, 32 + 16 + 20 + 39);
		for (size_t j = 0; j < __arraycount(holes); j++) {
			ATF_CHECK_EQ(uvm_physseg_find(holes[j], &off),
			    UVM_PHYSSEG_TYPE_INVALID);
			ATF_CHECK(PHYS_TO_VM_PAGE(ptoa(holes[j])) == NULL);
		}
		ATF_CHECK_EQ(off, 4242);
		ATF_CHECK_EQ(uvm_physseg_find(0, &off), 0);
		ATF_CHECK_EQ(off, 0);
		ATF_CHECK_EQ(uvm_physseg_find(63, &off), 1);
		ATF_CHECK_EQ(off, 15);
		ATF_CHECK_EQ(uvm_physseg_find(119, &off), 2);
		ATF_CHECK_EQ(off, 19);
		ATF_CHECK_EQ(uvm_physseg_find(121, &off), 3);
		ATF_CHECK_EQ(off, 0);
		ATF_CHECK_EQ(uvm_physseg_find(130, NULL), 3);
		ATF_CHECK_EQ(uvm_physseg_get_highest_frame(), 159);
		for (uvm_physseg_t h = 0; h < 4; h++)
			check_seg_pages(h);
		h_shutdown();
	}
}

ATF_TC_WITHOUT_HEAD(boot_segments_keep_their_free_lists);
ATF_TC_BODY(boot_segments_keep_their_free_lists, tc)
{
	static const struct fseg segs[] = {
		{ 0, 16, 0, 16, 3 },
		{ 16, 32, 16, 32, 1 },
		{ 40, 56, 40, 56, 0 },
		{ 60, 76, 60, 76, 2 },
	};

	boot_frames(4096, 80, 4, segs);
	for (uvm_physseg_t h = 0; h < 4; h++) {
		ATF_CHECK_EQ(uvm_physseg_get_free_list(h), segs[h].fl);
		for (paddr_t f = segs[h].s; f < segs[h].e; f++) {
			struct vm_page *pg = PHYS_TO_VM_PAGE(ptoa(f));

			ATF_REQUIRE(pg != NULL);
			ATF_CHECK_EQ(uvm_page_lookup_freelist(pg), segs[h].fl);
		}
	}
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(boot_unavailable_frames_have_pages_but_are_not_free);
ATF_TC_BODY(boot_unavailable_frames_have_pages_but_are_not_free, tc)
{
	static const struct fseg segs[] = {
		{ 0, 48, 8, 40, 0 },
		{ 64, 96, 64, 80, 1 },
	};

	boot_frames(4096, 96, 2, segs);
	ATF_CHECK_EQ(uvmexp.npages, 32 + 16);
	for (paddr_t f = 0; f < 96; f++) {
		struct vm_page *pg = PHYS_TO_VM_PAGE(ptoa(f));
		bool avail = (f >= 8 && f < 40) || (f >= 64 && f < 80);

		if (f >= 48 && f < 64) {
			ATF_CHECK(pg == NULL);
			continue;
		}
		ATF_REQUIRE(pg != NULL);
		if (!avail)
			ATF_CHECK_EQ(pg->pqflags & PQ_FREE, 0);
	}
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(physload_after_init_panics);
ATF_TC_BODY(physload_after_init_panics, tc)
{
	boot_small(4096);
	ATF_REQUIRE(H_PANICS(uvm_page_physload(100, 110, 100, 110, 0)));
	ATF_CHECK(strstr(h_panic_msg, "after uvm_page_init") != NULL);
}

ATF_TC_WITHOUT_HEAD(physunload_after_init_panics);
ATF_TC_BODY(physunload_after_init_panics, tc)
{
	paddr_t pa;

	boot_small(4096);
	ATF_REQUIRE(H_PANICS(uvm_page_physunload(0, 0, &pa)));
	ATF_CHECK(strstr(h_panic_msg, "after uvm_page_init") != NULL);
}

ATF_TC_WITHOUT_HEAD(physunload_force_after_init_panics);
ATF_TC_BODY(physunload_force_after_init_panics, tc)
{
	paddr_t pa;

	boot_small(4096);
	ATF_REQUIRE(H_PANICS(uvm_page_physunload_force(0, 0, &pa)));
	ATF_CHECK(strstr(h_panic_msg, "after uvm_page_init") != NULL);
}

ATF_TC_WITHOUT_HEAD(plug_after_boot_frees_new_pages);
ATF_TC_BODY(plug_after_boot_frees_new_pages, tc)
{
	for (size_t i = 0; i < __arraycount(pagesizes); i++) {
		int npages, nfree;
		uvm_physseg_t h = -5;

		boot_small(pagesizes[i]);
		npages = uvmexp.npages;
		nfree = uvmexp.free;
		ATF_REQUIRE(uvm_physseg_plug(100, 20, &h));
		P_CHECK();
		ATF_CHECK_EQ(h, 1);
		REQUIRE_SEG(h, 100, 120, 100, 120);
		ATF_CHECK_EQ(uvm_physseg_get_free_list(h), VM_FREELIST_DEFAULT);
		ATF_CHECK_EQ(uvmexp.npages, npages + 20);
		ATF_CHECK_EQ(uvmexp.free, nfree + 20);
		check_seg_pages(h);
		for (paddr_t f = 100; f < 120; f++) {
			struct vm_page *pg = PHYS_TO_VM_PAGE(ptoa(f));

			ATF_CHECK(pg->pqflags & PQ_FREE);
			ATF_CHECK_EQ(uvm_page_lookup_freelist(pg),
			    VM_FREELIST_DEFAULT);
		}
		/* A segment below it: handles renumber, pages do not move. */
		struct vm_page *pg110 = PHYS_TO_VM_PAGE(ptoa((paddr_t)110));
		ATF_REQUIRE(uvm_physseg_plug(80, 10, &h));
		P_CHECK();
		ATF_CHECK_EQ(h, 1);
		ATF_CHECK_EQ(uvm_physseg_get_start(2), 100);
		ATF_CHECK(PHYS_TO_VM_PAGE(ptoa((paddr_t)110)) == pg110);
		ATF_CHECK_EQ(uvmexp.npages, npages + 30);
		ATF_CHECK_EQ(uvmexp.free, nfree + 30);
		h_shutdown();
	}
}

ATF_TC_WITHOUT_HEAD(plug_after_boot_refuses_bad_ranges);
ATF_TC_BODY(plug_after_boot_refuses_bad_ranges, tc)
{
	int npages, nfree;
	uvm_physseg_t h = 7;

	boot_small(4096);
	npages = uvmexp.npages;
	nfree = uvmexp.free;
	ATF_CHECK(!uvm_physseg_plug(60, 10, &h));
	ATF_CHECK_EQ(h, UVM_PHYSSEG_TYPE_INVALID);
	ATF_CHECK(!uvm_physseg_plug(250, 10, &h));
	ATF_CHECK(!uvm_physseg_plug(100, 0, &h));
	ATF_CHECK_EQ(uvm_physseg_count(), 1);
	ATF_CHECK_EQ(uvmexp.npages, npages);
	ATF_CHECK_EQ(uvmexp.free, nfree);
	P_CHECK();
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(plug_kmem_failure_changes_nothing);
ATF_TC_BODY(plug_kmem_failure_changes_nothing, tc)
{
	int npages, nfree;
	unsigned long nth;
	uvm_physseg_t h;

	boot_small(4096);
	npages = uvmexp.npages;
	nfree = uvmexp.free;
	/* Fail each of plug's allocations in turn. */
	for (nth = 1; nth < 10; nth++) {
		size_t inuse = kmem_inuse();

		bool ok;

		kern_fault_set(KFI_KMEM, nth, 0);
		ok = uvm_physseg_plug(100, 20, &h);
		ATF_CHECK_EQ(kern_fault_hits(KFI_KMEM), ok ? 0 : 1);
		kern_fault_clear();
		if (ok)
			break;
		ATF_CHECK_EQ(h, UVM_PHYSSEG_TYPE_INVALID);
		ATF_CHECK_EQ(kmem_inuse(), inuse);
		ATF_CHECK_EQ(uvm_physseg_count(), 1);
		ATF_CHECK_EQ(uvmexp.npages, npages);
		ATF_CHECK_EQ(uvmexp.free, nfree);
		ATF_CHECK(PHYS_TO_VM_PAGE(ptoa((paddr_t)100)) == NULL);
		P_CHECK();
	}
	/* Three allocations (descriptor, page array, table) can fail. */
	ATF_CHECK_EQ(nth, 4);
	ATF_CHECK_EQ(uvmexp.npages, npages + 20);
	P_CHECK();
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(unplug_whole_segment_after_boot_withdraws_pages);
ATF_TC_BODY(unplug_whole_segment_after_boot_withdraws_pages, tc)
{
	int npages, nfree;

	boot_small(4096);
	ATF_REQUIRE(uvm_physseg_plug(100, 20, NULL));
	npages = uvmexp.npages;
	nfree = uvmexp.free;
	ATF_REQUIRE(uvm_physseg_unplug(100, 20));
	P_CHECK();
	ATF_CHECK_EQ(uvm_physseg_count(), 1);
	ATF_CHECK_EQ(uvmexp.npages, npages - 20);
	ATF_CHECK_EQ(uvmexp.free, nfree - 20);
	ATF_CHECK(PHYS_TO_VM_PAGE(ptoa((paddr_t)100)) == NULL);
	ATF_CHECK_EQ(uvm_physseg_find(110, NULL), UVM_PHYSSEG_TYPE_INVALID);
	/* The same range can come back, with fresh pages. */
	ATF_REQUIRE(uvm_physseg_plug(100, 20, NULL));
	P_CHECK();
	ATF_CHECK_EQ(uvmexp.npages, npages);
	ATF_CHECK_EQ(uvmexp.free, nfree);
	check_seg_pages(1);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(unplug_head_and_tail_shrink_segment);
ATF_TC_BODY(unplug_head_and_tail_shrink_segment, tc)
{
	int npages, nfree;
	struct vm_page *pg110;

	boot_small(4096);
	ATF_REQUIRE(uvm_physseg_plug(100, 20, NULL));
	pg110 = PHYS_TO_VM_PAGE(ptoa((paddr_t)110));
	npages = uvmexp.npages;
	nfree = uvmexp.free;
	ATF_REQUIRE(uvm_physseg_unplug(100, 3));
	P_CHECK();
	REQUIRE_SEG(1, 103, 120, 103, 120);
	ATF_CHECK_EQ(uvmexp.npages, npages - 3);
	ATF_CHECK_EQ(uvmexp.free, nfree - 3);
	ATF_REQUIRE(uvm_physseg_unplug(115, 5));
	P_CHECK();
	REQUIRE_SEG(1, 103, 115, 103, 115);
	ATF_CHECK_EQ(uvmexp.npages, npages - 8);
	ATF_CHECK_EQ(uvmexp.free, nfree - 8);
	ATF_CHECK(PHYS_TO_VM_PAGE(ptoa((paddr_t)110)) == pg110);
	ATF_CHECK(PHYS_TO_VM_PAGE(ptoa((paddr_t)102)) == NULL);
	ATF_CHECK(PHYS_TO_VM_PAGE(ptoa((paddr_t)115)) == NULL);
	check_seg_pages(1);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(unplug_middle_splits_segment_and_keeps_vm_pages);
ATF_TC_BODY(unplug_middle_splits_segment_and_keeps_vm_pages, tc)
{
	static const struct fseg seg = { 0, 32, 0, 32, 2 };
	struct vm_page *v[64], *left = NULL, *right = NULL;
	int n, npages, nfree;

	boot_frames(4096, 64, 1, &seg);
	/* Hold one page on each side of the hole-to-be, free the rest. */
	n = alloc_all(v, 64);
	ATF_REQUIRE(n > 0);
	for (int i = 0; i < n; i++) {
		paddr_t f = atop(v[i]->phys_addr);

		if (left == NULL && f < 10)
			left = v[i];
		else if (right == NULL && f >= 20)
			right = v[i];
		else
			uvm_pagefree(v[i]);
	}
	ATF_REQUIRE(left != NULL && right != NULL);
	P_CHECK();
	npages = uvmexp.npages;
	nfree = uvmexp.free;
	ATF_REQUIRE(uvm_physseg_unplug(10, 10));
	P_CHECK();
	ATF_REQUIRE_EQ(uvm_physseg_count(), 2);
	REQUIRE_SEG(0, 0, 10, 0, 10);
	REQUIRE_SEG(1, 20, 32, 20, 32);
	ATF_CHECK_EQ(uvm_physseg_get_free_list(0), 2);
	ATF_CHECK_EQ(uvm_physseg_get_free_list(1), 2);
	ATF_CHECK_EQ(uvmexp.npages, npages - 10);
	ATF_CHECK_EQ(uvmexp.free, nfree - 10);
	/* The owned pages are where they were, still owned. */
	ATF_CHECK(PHYS_TO_VM_PAGE(left->phys_addr) == left);
	ATF_CHECK(PHYS_TO_VM_PAGE(right->phys_addr) == right);
	ATF_CHECK_EQ(left->pqflags & PQ_FREE, 0);
	ATF_CHECK_EQ(right->pqflags & PQ_FREE, 0);
	check_seg_pages(0);
	check_seg_pages(1);
	/* Pieces go back to the free lists normally. */
	uvm_pagefree(left);
	uvm_pagefree(right);
	P_CHECK();
	ATF_CHECK_EQ(uvmexp.free, nfree - 8);
	ATF_CHECK_EQ(uvm_page_lookup_freelist(right), 2);
	/* Split again inside a piece. */
	ATF_REQUIRE(uvm_physseg_unplug(24, 2));
	P_CHECK();
	ATF_REQUIRE_EQ(uvm_physseg_count(), 3);
	REQUIRE_SEG(1, 20, 24, 20, 24);
	REQUIRE_SEG(2, 26, 32, 26, 32);
	check_seg_pages(2);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(unplug_range_with_allocated_page_fails_and_changes_nothing);
ATF_TC_BODY(unplug_range_with_allocated_page_fails_and_changes_nothing, tc)
{
	struct vm_page *v[128], *held = NULL;
	int n, npages, nfree;
	paddr_t f;

	boot_small(4096);
	ATF_REQUIRE(uvm_physseg_plug(100, 20, NULL));
	n = alloc_all(v, 128);
	for (int i = 0; i < n; i++) {
		f = atop(v[i]->phys_addr);
		if (held == NULL && f >= 105 && f < 115)
			held = v[i];
		else
			uvm_pagefree(v[i]);
	}
	ATF_REQUIRE(held != NULL);
	f = atop(held->phys_addr);
	P_CHECK();
	npages = uvmexp.npages;
	nfree = uvmexp.free;
	ATF_CHECK(!uvm_physseg_unplug(f, 1));
	ATF_CHECK(!uvm_physseg_unplug(100, 20));
	ATF_CHECK(!uvm_physseg_unplug(f - 2, 5));
	P_CHECK();
	ATF_CHECK_EQ(uvm_physseg_count(), 2);
	REQUIRE_SEG(1, 100, 120, 100, 120);
	ATF_CHECK_EQ(uvmexp.npages, npages);
	ATF_CHECK_EQ(uvmexp.free, nfree);
	ATF_CHECK(PHYS_TO_VM_PAGE(ptoa(f)) == held);
	ATF_CHECK_EQ(held->pqflags & PQ_FREE, 0);
	for (paddr_t g = 100; g < 120; g++)
		if (g != f)
			ATF_CHECK(PHYS_TO_VM_PAGE(ptoa(g))->pqflags & PQ_FREE);
	/* Around the held page it works; then, freed, the page can go. */
	ATF_CHECK(uvm_physseg_unplug(f + 1, 120 - (f + 1)));
	P_CHECK();
	uvm_pagefree(held);
	ATF_CHECK(uvm_physseg_unplug(100, f + 1 - 100));
	P_CHECK();
	ATF_CHECK_EQ(uvm_physseg_count(), 1);
	ATF_CHECK_EQ(uvmexp.npages, npages - 20);
	ATF_CHECK_EQ(uvmexp.free, nfree - 19);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(unplug_unavailable_frames_needs_no_withdrawal);
ATF_TC_BODY(unplug_unavailable_frames_needs_no_withdrawal, tc)
{
	static const struct fseg seg = { 0, 40, 8, 32, 0 };
	int npages, nfree;

	boot_frames(4096, 64, 1, &seg);
	npages = uvmexp.npages;
	nfree = uvmexp.free;
	/* Frames the MD code kept: gone without touching the free lists. */
	ATF_REQUIRE(uvm_physseg_unplug(0, 8));
	P_CHECK();
	REQUIRE_SEG(0, 8, 40, 8, 32);
	ATF_CHECK_EQ(uvmexp.npages, npages);
	ATF_CHECK_EQ(uvmexp.free, nfree);
	/* Straddling the available end: only the available part counts. */
	ATF_REQUIRE(uvm_physseg_unplug(30, 10));
	P_CHECK();
	REQUIRE_SEG(0, 8, 30, 8, 30);
	ATF_CHECK_EQ(uvmexp.npages, npages - 2);
	ATF_CHECK_EQ(uvmexp.free, nfree - 2);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(unplug_kmem_failure_changes_nothing);
ATF_TC_BODY(unplug_kmem_failure_changes_nothing, tc)
{
	int npages, nfree;

	boot_small(4096);
	npages = uvmexp.npages;
	nfree = uvmexp.free;
	kern_fault_set(KFI_KMEM, 1, 0);
	ATF_CHECK(!uvm_physseg_unplug(20, 10));
	ATF_CHECK_EQ(kern_fault_hits(KFI_KMEM), 1);
	kern_fault_clear();
	P_CHECK();
	REQUIRE_SEG(0, 0, 64, 0, 64);
	ATF_CHECK_EQ(uvmexp.npages, npages);
	ATF_CHECK_EQ(uvmexp.free, nfree);
	ATF_CHECK(PHYS_TO_VM_PAGE(ptoa((paddr_t)25)) != NULL);
	ATF_CHECK(PHYS_TO_VM_PAGE(ptoa((paddr_t)25))->pqflags & PQ_FREE);
	ATF_CHECK(uvm_physseg_unplug(20, 10));
	P_CHECK();
	ATF_CHECK_EQ(uvmexp.npages, npages - 10);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(hotplug_cycles_at_every_page_size);
ATF_TC_BODY(hotplug_cycles_at_every_page_size, tc)
{
	for (size_t i = 0; i < __arraycount(pagesizes); i++) {
		int npages, nfree;

		boot_small(pagesizes[i]);
		npages = uvmexp.npages;
		nfree = uvmexp.free;
		for (int round = 0; round < 4; round++) {
			paddr_t base = 64 + (paddr_t)round * 40;

			ATF_REQUIRE(uvm_physseg_plug(base, 40, NULL));
			P_CHECK();
			ATF_REQUIRE(uvm_physseg_unplug(base + 10, 10));
			P_CHECK();
			check_seg_pages(uvm_physseg_find(base, NULL));
			check_seg_pages(uvm_physseg_find(base + 39, NULL));
		}
		ATF_CHECK_EQ(uvm_physseg_count(), 1 + 8);
		ATF_CHECK_EQ(uvmexp.npages, npages + 4 * 30);
		ATF_CHECK_EQ(uvmexp.free, nfree + 4 * 30);
		ATF_CHECK_EQ(uvm_physseg_get_highest_frame(), 64 + 160 - 1);
		/* Everything plugged comes back out. */
		while (uvm_physseg_count() > 1) {
			uvm_physseg_t h = uvm_physseg_get_last();

			ATF_REQUIRE(uvm_physseg_unplug(uvm_physseg_get_start(h),
			    uvm_physseg_get_end(h) - uvm_physseg_get_start(h)));
			P_CHECK();
		}
		ATF_CHECK_EQ(uvmexp.npages, npages);
		ATF_CHECK_EQ(uvmexp.free, nfree);
		h_shutdown();
	}
}

/*
 * Lookups take no lock: a thread translating addresses while another
 * plugs and unplugs must always see a consistent table (ASan would catch
 * a freed table or array).  Frames being unplugged may be translated
 * only under uvm_fpageqlock, as the allocator's scans do.
 */
static volatile bool lookup_stop;
static unsigned long lookup_bad, lookup_rounds, lookup_hot;

static void *
lookup_thread(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&lookup_stop, __ATOMIC_ACQUIRE)) {
		for (paddr_t f = 0; f < 160; f++) {
			struct vm_page *pg;
			psize_t off = 0;
			uvm_physseg_t h;

			if (f >= 100) {
				mutex_enter(&uvm_fpageqlock);
				pg = PHYS_TO_VM_PAGE(ptoa(f));
				if (pg != NULL) {
					lookup_hot++;
					if (pg->phys_addr != ptoa(f))
						lookup_bad++;
				}
				mutex_exit(&uvm_fpageqlock);
				continue;
			}
			pg = PHYS_TO_VM_PAGE(ptoa(f));
			h = uvm_physseg_find(f, &off);
			if (f < 64 && (pg == NULL || h != 0 || off != f ||
			    pg->phys_addr != ptoa(f)))
				lookup_bad++;
			if (f >= 64 && (pg != NULL ||
			    h != UVM_PHYSSEG_TYPE_INVALID))
				lookup_bad++;
		}
		/* Under uvm_fpageqlock, handles hold still for a walk. */
		mutex_enter(&uvm_fpageqlock);
		paddr_t prev_end = 0;
		for (uvm_physseg_t h = uvm_physseg_get_first();
		    uvm_physseg_valid_p(h); h = uvm_physseg_get_next(h)) {
			paddr_t s = uvm_physseg_get_start(h);
			paddr_t e = uvm_physseg_get_end(h);
			struct vm_page *pg;

			if (s < prev_end || e <= s) {
				lookup_bad++;
				break;
			}
			prev_end = e;
			pg = uvm_physseg_get_pg(h, e - s - 1);
			if (pg->phys_addr != ptoa(e - 1))
				lookup_bad++;
		}
		mutex_exit(&uvm_fpageqlock);
		lookup_rounds++;
	}
	return NULL;
}

ATF_TC_WITHOUT_HEAD(lookups_run_lock_free_during_hotplug);
ATF_TC_BODY(lookups_run_lock_free_during_hotplug, tc)
{
	pthread_t t;
	int npages, nfree;

	boot_small(4096);
	npages = uvmexp.npages;
	nfree = uvmexp.free;
	lookup_stop = false;
	ATF_REQUIRE_EQ(pthread_create(&t, NULL, lookup_thread, NULL), 0);
	for (int i = 0; i < 300; i++) {
		ATF_REQUIRE(uvm_physseg_plug(150, 10, NULL));
		P_CHECK();
		ATF_REQUIRE(uvm_physseg_plug(100, 50, NULL));
		P_CHECK();
		ATF_REQUIRE(uvm_physseg_unplug(110 + i % 20, 5));
		P_CHECK();
		ATF_REQUIRE(uvm_physseg_unplug(100, 110 + i % 20 - 100));
		P_CHECK();
		ATF_REQUIRE(uvm_physseg_unplug(115 + i % 20,
		    150 - (115 + i % 20)));
		P_CHECK();
		ATF_REQUIRE(uvm_physseg_unplug(150, 10));
		P_CHECK();
		ATF_REQUIRE_EQ(uvm_physseg_count(), 1);
	}
	__atomic_store_n(&lookup_stop, true, __ATOMIC_RELEASE);
	ATF_REQUIRE_EQ(pthread_join(t, NULL), 0);
	ATF_CHECK_EQ(lookup_bad, 0);
	ATF_CHECK(lookup_rounds > 0);
	(void)lookup_hot;	/* how often the race was met: timing only */
	P_CHECK();
	ATF_CHECK_EQ(uvmexp.npages, npages);
	ATF_CHECK_EQ(uvmexp.free, nfree);
	h_shutdown();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, init_leaves_table_empty);
	ATF_TP_ADD_TC(tp, physload_records_segment_and_zeroed_pages);
	ATF_TP_ADD_TC(tp, physload_keeps_table_sorted_by_start);
	ATF_TP_ADD_TC(tp, next_prev_walk_with_sentinels);
	ATF_TP_ADD_TC(tp, physload_overlap_panics);
	ATF_TP_ADD_TC(tp, physload_bad_arguments_panic);
	ATF_TP_ADD_TC(tp, physunload_takes_first_page_of_available_start);
	ATF_TP_ADD_TC(tp, physunload_takes_last_page_when_available_ends_segment);
	ATF_TP_ADD_TC(tp, physunload_refuses_other_free_list);
	ATF_TP_ADD_TC(tp, physunload_refuses_segment_with_unavailable_ends);
	ATF_TP_ADD_TC(tp, physunload_last_page_removes_segment);
	ATF_TP_ADD_TC(tp, physunload_force_ignores_free_list_and_truncates);
	ATF_TP_ADD_TC(tp, physunload_force_last_page_removes_segment);
	ATF_TP_ADD_TC(tp, physunload_invalid_handle_fails);
	ATF_TP_ADD_TC(tp, plug_before_init_only_edits_table);
	ATF_TP_ADD_TC(tp, plug_refuses_bad_ranges);
	ATF_TP_ADD_TC(tp, unplug_before_init_splits_and_trims);
	ATF_TP_ADD_TC(tp, unplug_refuses_holes_spans_and_empty_ranges);
	ATF_TP_ADD_TC(tp, invalid_handles_return_sentinels);
	ATF_TP_ADD_TC(tp, invalid_handle_get_free_list_panics);
	ATF_TP_ADD_TC(tp, invalid_handle_get_start_hint_panics);
	ATF_TP_ADD_TC(tp, get_pg_beyond_segment_panics);
	ATF_TP_ADD_TC(tp, start_hint_is_kept_per_segment);
	ATF_TP_ADD_TC(tp, fini_frees_every_array_and_table);
	ATF_TP_ADD_TC(tp, check_reports_a_corrupted_page);
	ATF_TP_ADD_TC(tp, boot_single_segment_covers_ram);
	ATF_TP_ADD_TC(tp, boot_segments_with_holes_find_and_translate);
	ATF_TP_ADD_TC(tp, boot_segments_keep_their_free_lists);
	ATF_TP_ADD_TC(tp, boot_unavailable_frames_have_pages_but_are_not_free);
	ATF_TP_ADD_TC(tp, physload_after_init_panics);
	ATF_TP_ADD_TC(tp, physunload_after_init_panics);
	ATF_TP_ADD_TC(tp, physunload_force_after_init_panics);
	ATF_TP_ADD_TC(tp, plug_after_boot_frees_new_pages);
	ATF_TP_ADD_TC(tp, plug_after_boot_refuses_bad_ranges);
	ATF_TP_ADD_TC(tp, plug_kmem_failure_changes_nothing);
	ATF_TP_ADD_TC(tp, unplug_whole_segment_after_boot_withdraws_pages);
	ATF_TP_ADD_TC(tp, unplug_head_and_tail_shrink_segment);
	ATF_TP_ADD_TC(tp, unplug_middle_splits_segment_and_keeps_vm_pages);
	ATF_TP_ADD_TC(tp, unplug_range_with_allocated_page_fails_and_changes_nothing);
	ATF_TP_ADD_TC(tp, unplug_unavailable_frames_needs_no_withdrawal);
	ATF_TP_ADD_TC(tp, unplug_kmem_failure_changes_nothing);
	ATF_TP_ADD_TC(tp, hotplug_cycles_at_every_page_size);
	ATF_TP_ADD_TC(tp, lookups_run_lock_free_during_hotplug);
	return atf_no_error();
}
