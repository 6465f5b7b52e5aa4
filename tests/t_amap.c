/*
 * t_amap: amaps and anons (uvm_amap.c, uvm_anon.c): references, per-slot
 * references, split, extend, copy-on-write copy and chunking, cow_now,
 * wipeout, and the page and anon counts each step must leave.
 */
#include "h_machine.h"

#define RAM	((psize_t)16 * 1024 * 1024)

/* Run every checker: physical layer, the amap (if any) and all amaps. */
#define A_CHECK(map, am) do {						\
	const char *_w;							\
	H_CHECK(map);							\
	if ((am) != NULL && (_w = uvm_amap_check(am)) != NULL)		\
		atf_tc_fail("%s:%d: amap: %s", __FILE__, __LINE__, _w);	\
	if ((_w = uvm_amap_check(NULL)) != NULL)			\
		atf_tc_fail("%s:%d: amaps: %s", __FILE__, __LINE__, _w);\
} while (0)

static vsize_t
pg(int n)
{
	return ptoa((vsize_t)n);
}

static void
t_activate(struct vm_page *p)
{
	uvm_pageactivate(p);
}

/* An anon with a page full of `fill', entered at `off' of aref's window. */
static struct vm_anon *
t_anon(struct vm_aref *ar, vaddr_t off, int fill)
{
	struct vm_amap *am = ar->ar_amap;
	struct vm_anon *an;
	struct vm_page *p;

	an = uvm_analloc();
	ATF_REQUIRE(an != NULL);
	amap_lock(am);
	an->an_lock = amap_lockptr(am);
	p = uvm_pagealloc(NULL, 0, an, 0);
	ATF_REQUIRE(p != NULL);
	ATF_REQUIRE_EQ(an->an_page, p);
	memset(uvm_page_kva(p), fill, PAGE_SIZE);
	p->flags &= ~(PG_BUSY | PG_FAKE);
	t_activate(p);
	amap_add(ar, off, an, false);
	amap_unlock(am);
	return an;
}

/* Fill slots [0, n) of a fresh amap of n pages; returns its aref. */
static struct vm_aref
t_filled(int n, int pad)
{
	struct vm_aref ar;

	ar.ar_amap = amap_alloc(pg(n), pg(pad), 0);
	ATF_REQUIRE(ar.ar_amap != NULL);
	ar.ar_pageoff = 0;
	for (int i = 0; i < n; i++)
		(void)t_anon(&ar, pg(i), 'a' + i);
	return ar;
}

static struct vm_anon *
t_lookup(struct vm_aref *ar, int page)
{
	struct vm_anon *an;

	amap_lock(ar->ar_amap);
	an = amap_lookup(ar, pg(page));
	amap_unlock(ar->ar_amap);
	return an;
}

static int
t_byte(struct vm_anon *an)
{
	return ((unsigned char *)uvm_page_kva(an->an_page))[PAGE_SIZE - 1];
}

/* ------------------------------------------------------------------ */

ATF_TC_WITHOUT_HEAD(alloc_returns_empty_amap_with_one_reference);
ATF_TC_BODY(alloc_returns_empty_amap_with_one_reference, tc)
{
	struct vm_amap *am;

	h_boot(RAM, 0);
	am = amap_alloc(pg(5), pg(3), 0);
	ATF_REQUIRE(am != NULL);
	ATF_CHECK_EQ(amap_nslot(am), 5);
	ATF_CHECK_EQ(am->am_maxslot, 8);
	ATF_CHECK_EQ(amap_nused(am), 0);
	ATF_CHECK_EQ(amap_refs(am), 1);
	ATF_CHECK_EQ(amap_flags(am), 0);
	ATF_CHECK(am->am_ppref == NULL);
	ATF_CHECK(amap_lockptr(am) != NULL);
	A_CHECK(NULL, am);
	amap_unref(am, 0, pg(5), true);
	A_CHECK(NULL, NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(alloc_nowait_fails_when_injected_and_leaks_nothing);
ATF_TC_BODY(alloc_nowait_fails_when_injected_and_leaks_nothing, tc)
{
	struct vm_amap *am;
	size_t before;

	h_boot(RAM, 0);
	/* Warm the pool so that only the slot arrays come from kmem. */
	am = amap_alloc(pg(4), 0, 0);
	amap_unref(am, 0, pg(4), true);
	before = kmem_inuse();
	kern_fault_set(KFI_AMAP, 1, 0);
	ATF_CHECK(amap_alloc(pg(4), 0, UVM_FLAG_NOWAIT) == NULL);
	kern_fault_clear();
	for (unsigned long nth = 1; nth <= 3; nth++) {
		kern_fault_set(KFI_KMEM, nth, 0);
		ATF_CHECK(amap_alloc(pg(4), 0, UVM_FLAG_NOWAIT) == NULL);
		ATF_CHECK_EQ(kern_fault_hits(KFI_KMEM), 1ul);
		kern_fault_clear();
		ATF_CHECK_EQ(kmem_inuse(), before);
	}
	/* A sleeping allocation does not consult the amap site. */
	kern_fault_set(KFI_AMAP, 1, 0);
	am = amap_alloc(pg(4), 0, 0);
	kern_fault_clear();
	ATF_REQUIRE(am != NULL);
	A_CHECK(NULL, am);
	amap_unref(am, 0, pg(4), true);
	A_CHECK(NULL, NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(analloc_gives_one_reference_and_counts_nanon);
ATF_TC_BODY(analloc_gives_one_reference_and_counts_nanon, tc)
{
	struct vm_anon *an;
	int nanon;

	h_boot(RAM, 0);
	nanon = uvmexp.nanon;
	an = uvm_analloc();
	ATF_REQUIRE(an != NULL);
	ATF_CHECK_EQ(an->an_ref, 1u);
	ATF_CHECK(an->an_page == NULL);
	ATF_CHECK(an->an_lock == NULL);
	ATF_CHECK_EQ(an->an_swslot, 0);
	ATF_CHECK_EQ(uvmexp.nanon, nanon + 1);
	an->an_ref = 0;
	uvm_anfree(an);
	ATF_CHECK_EQ(uvmexp.nanon, nanon);
	kern_fault_set(KFI_ANON, 1, 0);
	ATF_CHECK(uvm_analloc() == NULL);
	kern_fault_clear();
	ATF_CHECK_EQ(uvmexp.nanon, nanon);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(anfree_frees_page);
ATF_TC_BODY(anfree_frees_page, tc)
{
	struct vm_anon *an;
	struct vm_page *p;
	int freepg;

	h_boot(RAM, 0);
	freepg = uvmexp.free;
	an = uvm_analloc();
	ATF_REQUIRE(an != NULL);
	p = uvm_pagealloc(NULL, 0, an, 0);
	ATF_REQUIRE(p != NULL);
	p->flags &= ~(PG_BUSY | PG_FAKE);
	ATF_CHECK_EQ(uvmexp.free, freepg - 1);
	an->an_ref = 0;
	uvm_anfree(an);
	ATF_CHECK_EQ(uvmexp.free, freepg);
	ATF_CHECK((p->pqflags & PQ_FREE) != 0);
	ATF_CHECK_EQ(uvmexp.nanon, 0);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(anfree_leaves_page_loaned_to_kernel_to_borrower);
ATF_TC_BODY(anfree_leaves_page_loaned_to_kernel_to_borrower, tc)
{
	struct vm_anon *an;
	struct vm_page *p;
	int freepg;

	h_boot(RAM, 0);
	freepg = uvmexp.free;
	an = uvm_analloc();
	ATF_REQUIRE(an != NULL);
	p = uvm_pagealloc(NULL, 0, an, 0);
	ATF_REQUIRE(p != NULL);
	p->flags &= ~(PG_BUSY | PG_FAKE);
	p->loan_count = 1;		/* as uvm_loan(TOPAGE) leaves it */
	an->an_ref = 0;
	uvm_anfree(an);
	ATF_CHECK_EQ(uvmexp.free, freepg - 1);
	ATF_CHECK(p->uanon == NULL);
	ATF_CHECK_EQ(p->loan_count, 1);
	ATF_CHECK((p->pqflags & PQ_FREE) == 0);
	/* The borrower drops the loan and frees it. */
	p->loan_count = 0;
	uvm_pagefree(p);
	ATF_CHECK_EQ(uvmexp.free, freepg);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(anfree_returns_loaned_object_page_to_object);
ATF_TC_BODY(anfree_returns_loaned_object_page_to_object, tc)
{
	struct uvm_object obj;
	struct vm_anon *an;
	struct vm_page *p;
	kmutex_t *alock;
	int freepg;

	h_boot(RAM, 0);
	uvm_obj_init(&obj, NULL, true, 1);
	freepg = uvmexp.free;
	mutex_enter(obj.vmobjlock);
	p = uvm_pagealloc(&obj, 0, NULL, 0);
	ATF_REQUIRE(p != NULL);
	p->flags &= ~(PG_BUSY | PG_FAKE);
	mutex_exit(obj.vmobjlock);
	/* Lend it to an anon, as uvm_loan(TOANON) does. */
	an = uvm_analloc();
	ATF_REQUIRE(an != NULL);
	mutex_enter(obj.vmobjlock);
	p->loan_count = 1;
	p->uanon = an;
	an->an_page = p;
	mutex_exit(obj.vmobjlock);
	/* The anon finds its page's owner locked for it. */
	alock = mutex_obj_alloc(MUTEX_DEFAULT, IPL_NONE);
	an->an_lock = alock;
	mutex_enter(alock);
	ATF_CHECK_EQ(uvm_anon_lockloanpg(an), p);
	ATF_CHECK(mutex_owned(obj.vmobjlock));
	mutex_exit(obj.vmobjlock);
	an->an_ref = 0;
	uvm_anfree(an);
	mutex_exit(alock);
	mutex_obj_free(alock);
	ATF_CHECK_EQ(uvmexp.free, freepg - 1);
	ATF_CHECK(p->uanon == NULL);
	ATF_CHECK_EQ(p->uobject, &obj);
	ATF_CHECK_EQ(p->loan_count, 0);
	mutex_enter(obj.vmobjlock);
	ATF_CHECK_EQ(uvm_pagelookup(&obj, 0), p);
	uvm_pagefree(p);
	mutex_exit(obj.vmobjlock);
	ATF_CHECK_EQ(uvmexp.free, freepg);
	H_CHECK(NULL);
	uvm_obj_destroy(&obj, true);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(dropswap_releases_slot_through_swap_layer);
ATF_TC_BODY(dropswap_releases_slot_through_swap_layer, tc)
{
	struct vm_anon *an;
	int n = 1, slot;

	h_boot(RAM, 0);
	ATF_REQUIRE_EQ(uvm_swap_on("amap-swap.img", 16 * PAGE_SIZE, 0), 0);
	an = uvm_analloc();
	ATF_REQUIRE(an != NULL);
	uvm_anon_dropswap(an);			/* no slot: nothing */
	ATF_CHECK_EQ(uvmexp.swpginuse, 0);
	slot = uvm_swap_alloc(&n, false);
	ATF_REQUIRE(slot != 0);
	an->an_swslot = slot;
	ATF_CHECK_EQ(uvmexp.swpginuse, 1);
	uvm_anon_dropswap(an);
	ATF_CHECK_EQ(uvmexp.swpginuse, 0);
	ATF_CHECK_EQ(an->an_swslot, 0);
	n = 1;
	an->an_swslot = uvm_swap_alloc(&n, false);	/* anfree frees it too */
	ATF_REQUIRE(an->an_swslot != 0);
	an->an_ref = 0;
	uvm_anfree(an);
	ATF_CHECK_EQ(uvmexp.swpginuse, 0);
	ATF_CHECK(uvm_swap_check() == NULL);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(ref_whole_keeps_no_per_slot_counts);
ATF_TC_BODY(ref_whole_keeps_no_per_slot_counts, tc)
{
	struct vm_aref ar;

	h_boot(RAM, 0);
	ar = t_filled(4, 0);
	amap_ref(ar.ar_amap, 0, pg(4), 0);
	ATF_CHECK_EQ(amap_refs(ar.ar_amap), 2);
	ATF_CHECK(ar.ar_amap->am_ppref == NULL);
	amap_ref(ar.ar_amap, 0, pg(1), AMAP_REFALL);
	ATF_CHECK_EQ(amap_refs(ar.ar_amap), 3);
	ATF_CHECK(ar.ar_amap->am_ppref == NULL);
	A_CHECK(NULL, ar.ar_amap);
	amap_unref(ar.ar_amap, 0, pg(4), false);
	amap_unref(ar.ar_amap, 0, pg(4), true);
	ATF_CHECK_EQ(amap_refs(ar.ar_amap), 1);
	ATF_CHECK_EQ(amap_nused(ar.ar_amap), 4);
	ATF_CHECK_EQ(uvmexp.nanon, 4);
	A_CHECK(NULL, ar.ar_amap);
	amap_unref(ar.ar_amap, 0, pg(4), false);
	ATF_CHECK_EQ(uvmexp.nanon, 0);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(ref_partial_creates_per_slot_counts);
ATF_TC_BODY(ref_partial_creates_per_slot_counts, tc)
{
	struct vm_aref ar;
	int *pp;

	h_boot(RAM, 0);
	ar = t_filled(6, 0);
	amap_ref(ar.ar_amap, pg(2), pg(3), 0);
	pp = ar.ar_amap->am_ppref;
	ATF_REQUIRE(pp != NULL);
	ATF_CHECK_EQ(amap_refs(ar.ar_amap), 2);
	ATF_CHECK(pp[0] == 1 && pp[1] == 1 && pp[2] == 2 && pp[3] == 2 &&
	    pp[4] == 2 && pp[5] == 1);
	A_CHECK(NULL, ar.ar_amap);
	/* The partial reference goes away: everything survives. */
	amap_unref(ar.ar_amap, pg(2), pg(3), false);
	ATF_CHECK_EQ(amap_refs(ar.ar_amap), 1);
	for (int i = 0; i < 6; i++)
		ATF_CHECK_EQ(ar.ar_amap->am_ppref[i], 1);
	ATF_CHECK_EQ(amap_nused(ar.ar_amap), 6);
	A_CHECK(NULL, ar.ar_amap);
	amap_unref(ar.ar_amap, 0, pg(6), false);
	ATF_CHECK_EQ(uvmexp.nanon, 0);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(shared_flag_set_by_ref_cleared_at_last_sharer);
ATF_TC_BODY(shared_flag_set_by_ref_cleared_at_last_sharer, tc)
{
	struct vm_amap *am;

	h_boot(RAM, 0);
	am = amap_alloc(pg(2), 0, 0);
	amap_ref(am, 0, pg(2), AMAP_SHARED);
	ATF_CHECK((amap_flags(am) & AMAP_SHARED) != 0);
	A_CHECK(NULL, am);
	amap_unref(am, 0, pg(2), false);
	ATF_CHECK((amap_flags(am) & AMAP_SHARED) == 0);
	A_CHECK(NULL, am);
	amap_unref(am, 0, pg(2), false);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(splitref_bumps_reference_and_offsets_window);
ATF_TC_BODY(splitref_bumps_reference_and_offsets_window, tc)
{
	struct vm_aref ar, right;
	struct vm_anon *an4;

	h_boot(RAM, 0);
	ar = t_filled(8, 0);
	an4 = t_lookup(&ar, 4);
	amap_splitref(&ar, &right, pg(3));
	ATF_CHECK_EQ(right.ar_amap, ar.ar_amap);
	ATF_CHECK_EQ(right.ar_pageoff, 3);
	ATF_CHECK_EQ(ar.ar_pageoff, 0);
	ATF_CHECK_EQ(amap_refs(ar.ar_amap), 2);
	ATF_CHECK_EQ(t_lookup(&right, 1), an4);
	ATF_REQUIRE(ar.ar_amap->am_ppref != NULL);
	for (int i = 0; i < 8; i++)
		ATF_CHECK_EQ(ar.ar_amap->am_ppref[i], 1);
	A_CHECK(NULL, ar.ar_amap);
	amap_unref(right.ar_amap, pg(3), pg(5), false);
	amap_unref(ar.ar_amap, 0, pg(3), false);
	ATF_CHECK_EQ(uvmexp.nanon, 0);
	A_CHECK(NULL, NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(splitref_at_window_edge_panics);
ATF_TC_BODY(splitref_at_window_edge_panics, tc)
{
	struct vm_aref ar, right;

	h_boot(RAM, 0);
	ar.ar_amap = amap_alloc(pg(4), 0, 0);
	ar.ar_pageoff = 0;
	ATF_CHECK(H_PANICS(amap_splitref(&ar, &right, 0)));
}

ATF_TC_WITHOUT_HEAD(partial_unref_frees_exactly_the_unmapped_anons);
ATF_TC_BODY(partial_unref_frees_exactly_the_unmapped_anons, tc)
{
	struct vm_aref a, b, c;
	int freepg, nanon;

	h_boot(RAM, 0);
	a = t_filled(8, 0);
	/* Three entries: [0,2) [2,5) [5,8), as two clips leave them. */
	amap_splitref(&a, &b, pg(2));
	amap_splitref(&b, &c, pg(3));
	ATF_CHECK_EQ(amap_refs(a.ar_amap), 3);
	A_CHECK(NULL, a.ar_amap);
	freepg = uvmexp.free;
	nanon = uvmexp.nanon;
	amap_unref(b.ar_amap, pg(2), pg(3), false);
	ATF_CHECK_EQ(uvmexp.free, freepg + 3);
	ATF_CHECK_EQ(uvmexp.nanon, nanon - 3);
	ATF_CHECK_EQ(amap_nused(a.ar_amap), 5);
	for (int i = 0; i < 8; i++)
		ATF_CHECK_EQ(a.ar_amap->am_anon[i] == NULL, i >= 2 && i < 5);
	ATF_CHECK_EQ(t_byte(t_lookup(&c, 0)), 'f');
	ATF_CHECK_EQ(t_byte(t_lookup(&a, 1)), 'b');
	A_CHECK(NULL, a.ar_amap);
	amap_unref(a.ar_amap, 0, pg(2), false);
	ATF_CHECK_EQ(uvmexp.nanon, nanon - 5);
	A_CHECK(NULL, c.ar_amap);
	amap_unref(c.ar_amap, pg(5), pg(3), false);
	ATF_CHECK_EQ(uvmexp.nanon, 0);
	ATF_CHECK_EQ(uvmexp.free, freepg + 8);
	A_CHECK(NULL, NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(last_unref_wipes_out_and_frees_pages);
ATF_TC_BODY(last_unref_wipes_out_and_frees_pages, tc)
{
	struct vm_aref ar;
	int freepg;
	size_t before;

	h_boot(RAM, 0);
	freepg = uvmexp.free;
	before = kmem_inuse();
	ar = t_filled(10, 2);
	ATF_CHECK_EQ(uvmexp.free, freepg - 10);
	ATF_CHECK_EQ(uvmexp.nanon, 10);
	amap_unref(ar.ar_amap, 0, pg(10), false);
	ATF_CHECK_EQ(uvmexp.free, freepg);
	ATF_CHECK_EQ(uvmexp.nanon, 0);
	ATF_CHECK(kmem_inuse() <= before + 2 * sizeof(struct vm_amap) +
	    10 * sizeof(struct vm_anon));	/* pools keep their objects */
	A_CHECK(NULL, NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(wipeout_with_references_left_panics);
ATF_TC_BODY(wipeout_with_references_left_panics, tc)
{
	struct vm_amap *am;

	h_boot(RAM, 0);
	am = amap_alloc(pg(1), 0, 0);
	amap_lock(am);
	ATF_CHECK(H_PANICS(amap_wipeout(am)));
}

ATF_TC_WITHOUT_HEAD(lookups_add_unadd_and_replace);
ATF_TC_BODY(lookups_add_unadd_and_replace, tc)
{
	struct vm_aref ar, win;
	struct vm_anon *v[4], *an, *old;

	h_boot(RAM, 0);
	ar.ar_amap = amap_alloc(pg(6), 0, 0);
	ar.ar_pageoff = 0;
	(void)t_anon(&ar, pg(1), 'x');
	(void)t_anon(&ar, pg(3), 'y');
	win.ar_amap = ar.ar_amap;
	win.ar_pageoff = 1;		/* a window starting at slot 1 */
	amap_lock(ar.ar_amap);
	amap_lookups(&win, 0, v, 4);
	ATF_CHECK(v[0] != NULL && v[1] == NULL && v[2] != NULL && v[3] == NULL);
	ATF_CHECK_EQ(amap_nused(ar.ar_amap), 2);
	amap_unlock(ar.ar_amap);
	A_CHECK(NULL, ar.ar_amap);

	/* Replace slot 3 (window page 2). */
	an = uvm_analloc();
	ATF_REQUIRE(an != NULL);
	amap_lock(ar.ar_amap);
	old = amap_lookup(&win, pg(2));
	amap_add(&win, pg(2), an, true);
	ATF_CHECK_EQ(an->an_lock, amap_lockptr(ar.ar_amap));
	ATF_CHECK_EQ(amap_lookup(&ar, pg(3)), an);
	ATF_CHECK_EQ(amap_nused(ar.ar_amap), 2);
	old->an_ref = 0;
	uvm_anfree(old);
	/* Unadd slot 1: the caller owns the reference. */
	old = amap_lookup(&ar, pg(1));
	amap_unadd(&ar, pg(1));
	ATF_CHECK(amap_lookup(&ar, pg(1)) == NULL);
	ATF_CHECK_EQ(amap_nused(ar.ar_amap), 1);
	old->an_ref = 0;
	uvm_anfree(old);
	amap_unlock(ar.ar_amap);
	A_CHECK(NULL, ar.ar_amap);
	ATF_CHECK_EQ(uvmexp.nanon, 1);
	amap_unref(ar.ar_amap, 0, pg(6), false);
	ATF_CHECK_EQ(uvmexp.nanon, 0);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(add_replace_of_empty_slot_panics);
ATF_TC_BODY(add_replace_of_empty_slot_panics, tc)
{
	struct vm_aref ar;
	struct vm_anon *an;

	h_boot(RAM, 0);
	ar.ar_amap = amap_alloc(pg(2), 0, 0);
	ar.ar_pageoff = 0;
	an = uvm_analloc();
	amap_lock(ar.ar_amap);
	ATF_CHECK(H_PANICS(amap_add(&ar, 0, an, true)));
}

ATF_TC_WITHOUT_HEAD(lookup_outside_amap_panics);
ATF_TC_BODY(lookup_outside_amap_panics, tc)
{
	struct vm_aref ar;

	h_boot(RAM, 0);
	ar.ar_amap = amap_alloc(pg(2), pg(2), 0);
	ar.ar_pageoff = 0;
	amap_lock(ar.ar_amap);
	ATF_CHECK(H_PANICS((void)amap_lookup(&ar, pg(2))));
}

/* A map entry for the extend tests (amap_extend needs no map). */
static void
t_entry(struct vm_map_entry *e, struct vm_aref ar, vaddr_t start, int npages)
{
	memset(e, 0, sizeof(*e));
	e->start = start;
	e->end = start + pg(npages);
	e->aref = ar;
}

ATF_TC_WITHOUT_HEAD(extend_forwards_into_padding);
ATF_TC_BODY(extend_forwards_into_padding, tc)
{
	struct vm_map_entry e;
	struct vm_anon *an;

	h_boot(RAM, 0);
	t_entry(&e, t_filled(3, 4), 0x10000, 3);
	an = t_lookup(&e.aref, 2);
	ATF_REQUIRE_EQ(amap_extend(&e, pg(2), AMAP_EXTEND_FORWARDS), 0);
	e.end += pg(2);
	ATF_CHECK_EQ(amap_nslot(e.aref.ar_amap), 5);
	ATF_CHECK_EQ(e.aref.ar_amap->am_maxslot, 7);
	ATF_CHECK_EQ(t_lookup(&e.aref, 2), an);
	ATF_CHECK(t_lookup(&e.aref, 4) == NULL);
	A_CHECK(NULL, e.aref.ar_amap);
	(void)t_anon(&e.aref, pg(4), 'z');
	A_CHECK(NULL, e.aref.ar_amap);
	amap_unref(e.aref.ar_amap, 0, pg(5), false);
	ATF_CHECK_EQ(uvmexp.nanon, 0);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(extend_forwards_reallocates_keeping_anons);
ATF_TC_BODY(extend_forwards_reallocates_keeping_anons, tc)
{
	struct vm_map_entry e;

	h_boot(RAM, 0);
	t_entry(&e, t_filled(4, 0), 0x10000, 4);
	ATF_REQUIRE_EQ(amap_extend(&e, pg(6), AMAP_EXTEND_FORWARDS), 0);
	e.end += pg(6);
	ATF_CHECK_EQ(amap_nslot(e.aref.ar_amap), 10);
	ATF_CHECK(e.aref.ar_amap->am_maxslot >= 10);
	ATF_CHECK_EQ(e.aref.ar_pageoff, 0);
	for (int i = 0; i < 4; i++)
		ATF_CHECK_EQ(t_byte(t_lookup(&e.aref, i)), 'a' + i);
	ATF_CHECK(t_lookup(&e.aref, 9) == NULL);
	A_CHECK(NULL, e.aref.ar_amap);
	amap_unref(e.aref.ar_amap, 0, pg(10), false);
	ATF_CHECK_EQ(uvmexp.nanon, 0);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(extend_backwards_moves_anons_and_window);
ATF_TC_BODY(extend_backwards_moves_anons_and_window, tc)
{
	struct vm_map_entry e;
	struct vm_amap *am;
	int off;

	h_boot(RAM, 0);
	t_entry(&e, t_filled(4, 0), 0x20000, 4);
	am = e.aref.ar_amap;
	/* 3b: no room: reallocate, mapped slots at the top. */
	ATF_REQUIRE_EQ(amap_extend(&e, pg(2), AMAP_EXTEND_BACKWARDS), 0);
	e.start -= pg(2);
	for (int i = 0; i < 4; i++)
		ATF_CHECK_EQ(t_byte(t_lookup(&e.aref, i + 2)), 'a' + i);
	ATF_CHECK(t_lookup(&e.aref, 0) == NULL);
	ATF_CHECK(t_lookup(&e.aref, 1) == NULL);
	ATF_CHECK_EQ(e.aref.ar_pageoff + 6, amap_nslot(am));
	off = e.aref.ar_pageoff;
	if (off > 0) {
		/* Slots below the window are counted unreferenced. */
		ATF_REQUIRE(am->am_ppref != NULL);
		ATF_CHECK_EQ(am->am_ppref[off - 1], 0);
		ATF_CHECK_EQ(am->am_ppref[off], 1);
	}
	A_CHECK(NULL, am);
	/* 1b or 2b: grow by one more, in place. */
	ATF_REQUIRE_EQ(amap_extend(&e, pg(1), AMAP_EXTEND_BACKWARDS), 0);
	e.start -= pg(1);
	for (int i = 0; i < 4; i++)
		ATF_CHECK_EQ(t_byte(t_lookup(&e.aref, i + 3)), 'a' + i);
	(void)t_anon(&e.aref, 0, 'q');
	A_CHECK(NULL, am);
	amap_unref(am, ptoa((vsize_t)e.aref.ar_pageoff), pg(7), false);
	ATF_CHECK_EQ(uvmexp.nanon, 0);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(extend_backwards_uses_padding_in_place);
ATF_TC_BODY(extend_backwards_uses_padding_in_place, tc)
{
	struct vm_map_entry e;
	struct vm_amap *am;

	h_boot(RAM, 0);
	t_entry(&e, t_filled(2, 6), 0x40000, 2);
	am = e.aref.ar_amap;
	ATF_REQUIRE_EQ(amap_extend(&e, pg(3), AMAP_EXTEND_BACKWARDS), 0);
	e.start -= pg(3);
	ATF_CHECK_EQ(am->am_maxslot, 8);	/* no reallocation */
	ATF_CHECK_EQ(amap_nslot(am), 8);
	ATF_CHECK_EQ(e.aref.ar_pageoff, 3);
	ATF_CHECK_EQ(t_byte(t_lookup(&e.aref, 3)), 'a');
	ATF_CHECK_EQ(t_byte(t_lookup(&e.aref, 4)), 'b');
	ATF_REQUIRE(am->am_ppref != NULL);
	ATF_CHECK(am->am_ppref[2] == 0 && am->am_ppref[3] == 1 &&
	    am->am_ppref[7] == 1);
	A_CHECK(NULL, am);
	/* Case 1b: the three free slots below. */
	ATF_REQUIRE_EQ(amap_extend(&e, pg(3), AMAP_EXTEND_BACKWARDS), 0);
	e.start -= pg(3);
	ATF_CHECK_EQ(e.aref.ar_pageoff, 0);
	ATF_CHECK_EQ(am->am_ppref[0], 1);
	ATF_CHECK_EQ(t_byte(t_lookup(&e.aref, 6)), 'a');
	A_CHECK(NULL, am);
	amap_unref(am, 0, pg(8), false);
	ATF_CHECK_EQ(uvmexp.nanon, 0);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(extend_forwards_reuses_slots_freed_by_partial_unmap);
ATF_TC_BODY(extend_forwards_reuses_slots_freed_by_partial_unmap, tc)
{
	struct vm_map_entry e;
	struct vm_aref tail;
	struct vm_amap *am;

	h_boot(RAM, 0);
	t_entry(&e, t_filled(6, 0), 0x10000, 6);
	am = e.aref.ar_amap;
	/* Clip at 4 and unmap the tail: slots 4, 5 freed. */
	amap_splitref(&e.aref, &tail, pg(4));
	e.end -= pg(2);
	amap_unref(am, pg(4), pg(2), false);
	ATF_CHECK_EQ(uvmexp.nanon, 4);
	ATF_CHECK(am->am_ppref[4] == 0 && am->am_ppref[5] == 0);
	A_CHECK(NULL, am);
	/* Case 1f: the slots are there, now referenced again, empty. */
	ATF_REQUIRE_EQ(amap_extend(&e, pg(2), AMAP_EXTEND_FORWARDS), 0);
	e.end += pg(2);
	ATF_CHECK_EQ(amap_nslot(am), 6);
	ATF_CHECK(am->am_ppref[4] == 1 && am->am_ppref[5] == 1);
	ATF_CHECK(t_lookup(&e.aref, 5) == NULL);
	A_CHECK(NULL, am);
	/* Beyond: padding-less, so reallocate; counts carried over. */
	ATF_REQUIRE_EQ(amap_extend(&e, pg(3), AMAP_EXTEND_FORWARDS), 0);
	e.end += pg(3);
	ATF_CHECK_EQ(amap_nslot(am), 9);
	for (int i = 0; i < 9; i++)
		ATF_CHECK_EQ(am->am_ppref[i], 1);
	A_CHECK(NULL, am);
	amap_unref(am, 0, pg(9), false);
	ATF_CHECK_EQ(uvmexp.nanon, 0);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(extend_nowait_failure_leaves_amap_unchanged);
ATF_TC_BODY(extend_nowait_failure_leaves_amap_unchanged, tc)
{
	struct vm_map_entry e;
	struct vm_amap *am;
	size_t before;

	h_boot(RAM, 0);
	t_entry(&e, t_filled(3, 0), 0x10000, 3);
	am = e.aref.ar_amap;
	before = kmem_inuse();
	kern_fault_set(KFI_KMEM, 2, 0);
	ATF_CHECK_EQ(amap_extend(&e, pg(5), AMAP_EXTEND_FORWARDS |
	    AMAP_EXTEND_NOWAIT), ENOMEM);
	kern_fault_set(KFI_KMEM, 1, 0);
	ATF_CHECK_EQ(amap_extend(&e, pg(5), AMAP_EXTEND_BACKWARDS |
	    AMAP_EXTEND_NOWAIT), ENOMEM);
	kern_fault_clear();
	ATF_CHECK_EQ(kmem_inuse(), before);
	ATF_CHECK_EQ(amap_nslot(am), 3);
	ATF_CHECK_EQ(e.aref.ar_pageoff, 0);
	for (int i = 0; i < 3; i++)
		ATF_CHECK_EQ(t_byte(t_lookup(&e.aref, i)), 'a' + i);
	A_CHECK(NULL, am);
	amap_unref(am, 0, pg(3), false);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(extend_of_shared_amap_panics);
ATF_TC_BODY(extend_of_shared_amap_panics, tc)
{
	struct vm_map_entry e;

	h_boot(RAM, 0);
	t_entry(&e, t_filled(2, 0), 0x10000, 2);
	amap_ref(e.aref.ar_amap, 0, pg(2), 0);
	ATF_CHECK(H_PANICS((void)amap_extend(&e, pg(1),
	    AMAP_EXTEND_FORWARDS)));
}

/* ------------------------------------------------------------------
 * amap_copy and amap_cow_now in a real map.
 */
static struct vmspace *
t_space(void)
{
	struct vmspace *vm = uvmspace_alloc(0x100000, 0x40000000, false);

	ATF_REQUIRE(vm != NULL);
	return vm;
}

static struct vm_map_entry *
t_map(struct vmspace *vm, vaddr_t *va, int npages, uvm_flag_t extra)
{
	struct vm_map_entry *e;
	int error;

	*va = 0;
	error = uvm_map(&vm->vm_map, va, pg(npages), NULL,
	    UVM_UNKNOWN_OFFSET, 0, UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_RW,
	    UVM_INH_COPY, UVM_ADV_NORMAL, extra));
	ATF_REQUIRE_EQ(error, 0);
	H_CHECK(&vm->vm_map);
	vm_map_lock(&vm->vm_map);
	ATF_REQUIRE(uvm_map_lookup_entry(&vm->vm_map, *va, &e));
	vm_map_unlock(&vm->vm_map);
	return e;
}

ATF_TC_WITHOUT_HEAD(copy_gives_needscopy_entry_a_fresh_amap);
ATF_TC_BODY(copy_gives_needscopy_entry_a_fresh_amap, tc)
{
	struct vmspace *vm;
	struct vm_map_entry *e;
	vaddr_t va;

	h_boot(RAM, 0);
	vm = t_space();
	e = t_map(vm, &va, 4, UVM_FLAG_COPYONW);
	ATF_REQUIRE(UVM_ET_ISNEEDSCOPY(e));
	ATF_REQUIRE(e->aref.ar_amap == NULL);
	vm_map_lock(&vm->vm_map);
	amap_copy(&vm->vm_map, e, 0, va, va + pg(1));
	ATF_CHECK(!UVM_ET_ISNEEDSCOPY(e));
	ATF_REQUIRE(e->aref.ar_amap != NULL);
	ATF_CHECK_EQ(amap_nslot(e->aref.ar_amap), 4);
	ATF_CHECK_EQ(amap_refs(e->aref.ar_amap), 1);
	ATF_CHECK_EQ(amap_nused(e->aref.ar_amap), 0);
	ATF_CHECK_EQ(e->start, va);
	ATF_CHECK_EQ(e->end, va + pg(4));
	vm_map_unlock(&vm->vm_map);
	A_CHECK(&vm->vm_map, e->aref.ar_amap);
	uvmspace_free(vm);
	A_CHECK(NULL, NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(copy_takes_over_amap_with_one_reference);
ATF_TC_BODY(copy_takes_over_amap_with_one_reference, tc)
{
	struct vmspace *vm;
	struct vm_map_entry *e;
	struct vm_amap *am;
	vaddr_t va;
	int nanon;

	h_boot(RAM, 0);
	vm = t_space();
	e = t_map(vm, &va, 3, UVM_FLAG_COPYONW | UVM_FLAG_OVERLAY);
	am = e->aref.ar_amap;
	ATF_REQUIRE(am != NULL);
	(void)t_anon(&e->aref, pg(1), 'k');
	nanon = uvmexp.nanon;
	vm_map_lock(&vm->vm_map);
	e->etype |= UVM_ET_NEEDSCOPY;
	amap_copy(&vm->vm_map, e, 0, va, va + pg(3));
	ATF_CHECK(!UVM_ET_ISNEEDSCOPY(e));
	ATF_CHECK_EQ(e->aref.ar_amap, am);
	ATF_CHECK_EQ(uvmexp.nanon, nanon);
	ATF_CHECK_EQ(t_lookup(&e->aref, 1)->an_ref, 1u);
	vm_map_unlock(&vm->vm_map);
	A_CHECK(&vm->vm_map, am);
	uvmspace_free(vm);
	ATF_CHECK_EQ(uvmexp.nanon, 0);
	h_shutdown();
}

/* A parent entry with anons in pages 0 and 2, and a child entry sharing
 * its amap with needs_copy, as a copy-inherit fork leaves them. */
static struct vm_map_entry *
t_forked(struct vmspace *pvm, struct vmspace *cvm, vaddr_t *va,
    struct vm_map_entry **childp)
{
	struct vm_map_entry *pe, *ce;
	vaddr_t cva;

	pe = t_map(pvm, va, 4, UVM_FLAG_COPYONW | UVM_FLAG_OVERLAY);
	(void)t_anon(&pe->aref, pg(0), 'P');
	(void)t_anon(&pe->aref, pg(2), 'Q');
	ce = t_map(cvm, &cva, 4, UVM_FLAG_COPYONW);
	ATF_REQUIRE_EQ(cva, *va);
	amap_ref(pe->aref.ar_amap, 0, pg(4), 0);
	vm_map_lock(&cvm->vm_map);
	ce->aref = pe->aref;
	ce->etype |= UVM_ET_NEEDSCOPY;
	vm_map_unlock(&cvm->vm_map);
	pe->etype |= UVM_ET_NEEDSCOPY;
	*childp = ce;
	return pe;
}

ATF_TC_WITHOUT_HEAD(copy_shares_anons_and_lock_and_bumps_refs);
ATF_TC_BODY(copy_shares_anons_and_lock_and_bumps_refs, tc)
{
	struct vmspace *pvm, *cvm;
	struct vm_map_entry *pe, *ce;
	struct vm_amap *old, *new;
	vaddr_t va;
	int freepg, nanon;

	h_boot(RAM, 0);
	pvm = t_space();
	cvm = t_space();
	pe = t_forked(pvm, cvm, &va, &ce);
	old = pe->aref.ar_amap;
	ATF_CHECK_EQ(amap_refs(old), 2);
	A_CHECK(&cvm->vm_map, old);
	freepg = uvmexp.free;
	nanon = uvmexp.nanon;
	vm_map_lock(&cvm->vm_map);
	amap_copy(&cvm->vm_map, ce, 0, va, va + pg(1));
	vm_map_unlock(&cvm->vm_map);
	new = ce->aref.ar_amap;
	ATF_REQUIRE(new != old);
	ATF_CHECK(!UVM_ET_ISNEEDSCOPY(ce));
	ATF_CHECK(UVM_ET_ISNEEDSCOPY(pe));
	ATF_CHECK_EQ(amap_refs(old), 1);
	ATF_CHECK_EQ(amap_refs(new), 1);
	ATF_CHECK_EQ(amap_nused(new), 2);
	ATF_CHECK_EQ(amap_lockptr(new), amap_lockptr(old));
	ATF_CHECK_EQ(t_lookup(&ce->aref, 0), t_lookup(&pe->aref, 0));
	ATF_CHECK_EQ(t_lookup(&ce->aref, 2), t_lookup(&pe->aref, 2));
	ATF_CHECK_EQ(t_lookup(&ce->aref, 0)->an_ref, 2u);
	ATF_CHECK_EQ(t_byte(t_lookup(&ce->aref, 2)), 'Q');
	ATF_CHECK_EQ(uvmexp.free, freepg);	/* nothing copied yet */
	ATF_CHECK_EQ(uvmexp.nanon, nanon);
	A_CHECK(&cvm->vm_map, new);
	A_CHECK(&pvm->vm_map, old);
	/* The parent now takes its amap over without copying. */
	vm_map_lock(&pvm->vm_map);
	amap_copy(&pvm->vm_map, pe, 0, va, va + pg(1));
	vm_map_unlock(&pvm->vm_map);
	ATF_CHECK_EQ(pe->aref.ar_amap, old);
	ATF_CHECK(!UVM_ET_ISNEEDSCOPY(pe));
	/* Freeing the parent leaves the child's anons, now unshared. */
	uvmspace_free(pvm);
	ATF_CHECK_EQ(uvmexp.nanon, nanon);
	ATF_CHECK_EQ(t_lookup(&ce->aref, 0)->an_ref, 1u);
	A_CHECK(&cvm->vm_map, new);
	uvmspace_free(cvm);
	ATF_CHECK_EQ(uvmexp.nanon, 0);
	ATF_CHECK_EQ(uvmexp.free, freepg + 2);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(copy_of_amap_without_anons_gets_own_lock);
ATF_TC_BODY(copy_of_amap_without_anons_gets_own_lock, tc)
{
	struct vmspace *vm;
	struct vm_map_entry *e;
	struct vm_amap *old;
	vaddr_t va;

	h_boot(RAM, 0);
	vm = t_space();
	e = t_map(vm, &va, 2, UVM_FLAG_COPYONW | UVM_FLAG_OVERLAY);
	old = e->aref.ar_amap;
	amap_ref(old, 0, pg(2), 0);		/* another holder */
	vm_map_lock(&vm->vm_map);
	e->etype |= UVM_ET_NEEDSCOPY;
	amap_copy(&vm->vm_map, e, 0, va, va + pg(2));
	vm_map_unlock(&vm->vm_map);
	ATF_CHECK(e->aref.ar_amap != old);
	ATF_CHECK(amap_lockptr(e->aref.ar_amap) != amap_lockptr(old));
	A_CHECK(&vm->vm_map, e->aref.ar_amap);
	amap_unref(old, 0, pg(2), false);
	uvmspace_free(vm);
	A_CHECK(NULL, NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(copy_chunks_large_entry_around_the_fault);
ATF_TC_BODY(copy_chunks_large_entry_around_the_fault, tc)
{
	struct vmspace *vm;
	struct vm_map_entry *e, *f;
	vaddr_t va, fva;
	int n = 2 * UVM_AMAP_LARGE;

	h_boot(RAM, 0);
	vm = t_space();
	e = t_map(vm, &va, n, UVM_FLAG_COPYONW);
	fva = va + pg(UVM_AMAP_CHUNK * 5 + 3);
	vm_map_lock(&vm->vm_map);
	amap_copy(&vm->vm_map, e, 0, fva, fva + pg(1));
	ATF_REQUIRE(uvm_map_lookup_entry(&vm->vm_map, fva, &f));
	ATF_CHECK_EQ(f->start, va + pg(UVM_AMAP_CHUNK * 5));
	ATF_CHECK_EQ(f->end, va + pg(UVM_AMAP_CHUNK * 6));
	ATF_CHECK(!UVM_ET_ISNEEDSCOPY(f));
	ATF_REQUIRE(f->aref.ar_amap != NULL);
	ATF_CHECK_EQ(amap_nslot(f->aref.ar_amap), UVM_AMAP_CHUNK);
	/* The rest keeps needs_copy and no amap. */
	ATF_REQUIRE(uvm_map_lookup_entry(&vm->vm_map, va, &e));
	ATF_CHECK(UVM_ET_ISNEEDSCOPY(e) && e->aref.ar_amap == NULL);
	ATF_CHECK_EQ(e->end, f->start);
	ATF_REQUIRE(uvm_map_lookup_entry(&vm->vm_map, f->end, &e));
	ATF_CHECK(UVM_ET_ISNEEDSCOPY(e) && e->aref.ar_amap == NULL);
	ATF_CHECK_EQ(e->end, va + pg(n));
	vm_map_unlock(&vm->vm_map);
	A_CHECK(&vm->vm_map, f->aref.ar_amap);
	uvmspace_free(vm);
	A_CHECK(NULL, NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(copy_nochunk_keeps_large_entry_whole);
ATF_TC_BODY(copy_nochunk_keeps_large_entry_whole, tc)
{
	struct vmspace *vm;
	struct vm_map_entry *e;
	vaddr_t va;
	int n = 2 * UVM_AMAP_LARGE;

	h_boot(RAM, 0);
	vm = t_space();
	e = t_map(vm, &va, n, UVM_FLAG_COPYONW);
	vm_map_lock(&vm->vm_map);
	amap_copy(&vm->vm_map, e, AMAP_COPY_NOCHUNK, va + pg(40),
	    va + pg(41));
	ATF_CHECK_EQ(e->start, va);
	ATF_CHECK_EQ(e->end, va + pg(n));
	ATF_REQUIRE(e->aref.ar_amap != NULL);
	ATF_CHECK_EQ(amap_nslot(e->aref.ar_amap), n);
	vm_map_unlock(&vm->vm_map);
	A_CHECK(&vm->vm_map, e->aref.ar_amap);
	uvmspace_free(vm);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(copy_nowait_failure_keeps_needscopy);
ATF_TC_BODY(copy_nowait_failure_keeps_needscopy, tc)
{
	struct vmspace *pvm, *cvm;
	struct vm_map_entry *pe, *ce, *e;
	struct vm_amap *old;
	vaddr_t va;

	h_boot(RAM, 0);
	pvm = t_space();
	cvm = t_space();
	pe = t_forked(pvm, cvm, &va, &ce);
	old = pe->aref.ar_amap;
	vm_map_lock(&cvm->vm_map);
	kern_fault_set(KFI_AMAP, 1, 0);
	amap_copy(&cvm->vm_map, ce, AMAP_COPY_NOWAIT, va, va + pg(1));
	kern_fault_clear();
	ATF_CHECK(UVM_ET_ISNEEDSCOPY(ce));
	ATF_CHECK_EQ(ce->aref.ar_amap, old);
	ATF_CHECK_EQ(amap_refs(old), 2);
	ATF_CHECK_EQ(t_lookup(&pe->aref, 0)->an_ref, 1u);
	vm_map_unlock(&cvm->vm_map);
	A_CHECK(&cvm->vm_map, old);
	/* And for an entry without an amap. */
	e = t_map(pvm, &va, 2, UVM_FLAG_COPYONW);
	vm_map_lock(&pvm->vm_map);
	kern_fault_set(KFI_AMAP, 1, 0);
	amap_copy(&pvm->vm_map, e, AMAP_COPY_NOWAIT, va, va + pg(1));
	kern_fault_clear();
	ATF_CHECK(UVM_ET_ISNEEDSCOPY(e) && e->aref.ar_amap == NULL);
	vm_map_unlock(&pvm->vm_map);
	uvmspace_free(cvm);
	uvmspace_free(pvm);
	ATF_CHECK_EQ(uvmexp.nanon, 0);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(cow_now_copies_every_shared_anon);
ATF_TC_BODY(cow_now_copies_every_shared_anon, tc)
{
	struct vmspace *pvm, *cvm;
	struct vm_map_entry *pe, *ce;
	struct vm_anon *p0, *p2, *c0, *c2, *c1;
	vaddr_t va;
	int freepg, nanon;

	h_boot(RAM, 0);
	pvm = t_space();
	cvm = t_space();
	pe = t_forked(pvm, cvm, &va, &ce);
	vm_map_lock(&cvm->vm_map);
	amap_copy(&cvm->vm_map, ce, AMAP_COPY_NOCHUNK, 0, 0);
	vm_map_unlock(&cvm->vm_map);
	/* One anon only the child has: cow_now must leave it alone. */
	c1 = t_anon(&ce->aref, pg(1), 'C');
	freepg = uvmexp.free;
	nanon = uvmexp.nanon;
	vm_map_lock(&cvm->vm_map);
	amap_cow_now(&cvm->vm_map, ce);
	vm_map_unlock(&cvm->vm_map);
	p0 = t_lookup(&pe->aref, 0);
	p2 = t_lookup(&pe->aref, 2);
	c0 = t_lookup(&ce->aref, 0);
	c2 = t_lookup(&ce->aref, 2);
	ATF_CHECK(c0 != p0 && c2 != p2);
	ATF_CHECK_EQ(t_lookup(&ce->aref, 1), c1);
	ATF_CHECK(p0->an_ref == 1 && p2->an_ref == 1 && c0->an_ref == 1 &&
	    c2->an_ref == 1);
	ATF_CHECK(c0->an_page != p0->an_page);
	ATF_CHECK_EQ(memcmp(uvm_page_kva(c0->an_page),
	    uvm_page_kva(p0->an_page), PAGE_SIZE), 0);
	ATF_CHECK_EQ(t_byte(c2), 'Q');
	ATF_CHECK_EQ(uvmexp.free, freepg - 2);
	ATF_CHECK_EQ(uvmexp.nanon, nanon + 2);
	ATF_CHECK((c0->an_page->flags & PG_BUSY) == 0);
	A_CHECK(&cvm->vm_map, ce->aref.ar_amap);
	/* The copies are private: writing one leaves the other. */
	memset(uvm_page_kva(c0->an_page), 'W', PAGE_SIZE);
	ATF_CHECK_EQ(t_byte(p0), 'P');
	uvmspace_free(cvm);
	uvmspace_free(pvm);
	ATF_CHECK_EQ(uvmexp.nanon, 0);
	ATF_CHECK_EQ(uvmexp.free, freepg + 3);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(cow_now_waits_out_a_page_shortage);
ATF_TC_BODY(cow_now_waits_out_a_page_shortage, tc)
{
	struct vmspace *pvm, *cvm;
	struct vm_map_entry *pe, *ce;
	vaddr_t va;

	h_boot(RAM, 0);
	pvm = t_space();
	cvm = t_space();
	pe = t_forked(pvm, cvm, &va, &ce);
	vm_map_lock(&cvm->vm_map);
	amap_copy(&cvm->vm_map, ce, AMAP_COPY_NOCHUNK, 0, 0);
	kern_fault_set(KFI_PAGE, 1, 0);		/* the first copy fails */
	amap_cow_now(&cvm->vm_map, ce);
	ATF_CHECK_EQ(kern_fault_hits(KFI_PAGE), 1ul);
	kern_fault_clear();
	vm_map_unlock(&cvm->vm_map);
	ATF_CHECK(t_lookup(&ce->aref, 0) != t_lookup(&pe->aref, 0));
	ATF_CHECK(t_lookup(&ce->aref, 2) != t_lookup(&pe->aref, 2));
	ATF_CHECK_EQ(uvmexp.nanon, 4);
	A_CHECK(&cvm->vm_map, ce->aref.ar_amap);
	uvmspace_free(cvm);
	uvmspace_free(pvm);
	ATF_CHECK_EQ(uvmexp.nanon, 0);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(wipeout_keeps_anons_and_lock_another_amap_shares);
ATF_TC_BODY(wipeout_keeps_anons_and_lock_another_amap_shares, tc)
{
	struct vmspace *pvm, *cvm;
	struct vm_map_entry *pe, *ce;
	struct vm_anon *c0;
	vaddr_t va;
	int freepg;

	h_boot(RAM, 0);
	pvm = t_space();
	cvm = t_space();
	pe = t_forked(pvm, cvm, &va, &ce);
	vm_map_lock(&cvm->vm_map);
	amap_copy(&cvm->vm_map, ce, 0, va, va + pg(4));
	vm_map_unlock(&cvm->vm_map);
	/* The parent's amap gets one anon of its own. */
	(void)t_anon(&pe->aref, pg(3), 'R');
	freepg = uvmexp.free;
	uvmspace_free(pvm);		/* wipes the parent's amap out */
	ATF_CHECK_EQ(uvmexp.free, freepg + 1);
	ATF_CHECK_EQ(uvmexp.nanon, 2);
	c0 = t_lookup(&ce->aref, 0);	/* takes the shared lock */
	ATF_CHECK_EQ(c0->an_ref, 1u);
	ATF_CHECK_EQ(c0->an_lock, amap_lockptr(ce->aref.ar_amap));
	ATF_CHECK_EQ(t_byte(c0), 'P');
	A_CHECK(&cvm->vm_map, ce->aref.ar_amap);
	uvmspace_free(cvm);
	ATF_CHECK_EQ(uvmexp.nanon, 0);
	ATF_CHECK_EQ(uvmexp.free, freepg + 3);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(unmap_of_middle_frees_exactly_its_anons);
ATF_TC_BODY(unmap_of_middle_frees_exactly_its_anons, tc)
{
	struct vmspace *vm;
	struct vm_map_entry *e;
	struct vm_amap *am;
	vaddr_t va;
	int freepg;

	h_boot(RAM, 0);
	vm = t_space();
	e = t_map(vm, &va, 8, UVM_FLAG_COPYONW | UVM_FLAG_OVERLAY);
	am = e->aref.ar_amap;
	for (int i = 0; i < 8; i++)
		(void)t_anon(&e->aref, pg(i), '0' + i);
	freepg = uvmexp.free;
	uvm_unmap(&vm->vm_map, va + pg(2), va + pg(5));
	A_CHECK(&vm->vm_map, am);
	ATF_CHECK_EQ(uvmexp.nanon, 5);
	ATF_CHECK_EQ(uvmexp.free, freepg + 3);
	ATF_CHECK_EQ(amap_nused(am), 5);
	ATF_CHECK_EQ(amap_refs(am), 2);
	for (int i = 0; i < 8; i++)
		ATF_CHECK_EQ(am->am_anon[i] == NULL, i >= 2 && i < 5);
	uvm_unmap(&vm->vm_map, va + pg(6), va + pg(7));
	ATF_CHECK_EQ(uvmexp.nanon, 4);
	ATF_CHECK(am->am_anon[6] == NULL && am->am_anon[7] != NULL);
	A_CHECK(&vm->vm_map, am);
	uvmspace_free(vm);
	ATF_CHECK_EQ(uvmexp.nanon, 0);
	ATF_CHECK_EQ(uvmexp.free, freepg + 8);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(check_detects_corrupted_amaps);
ATF_TC_BODY(check_detects_corrupted_amaps, tc)
{
	struct vm_aref ar;
	struct vm_anon *an;

	h_boot(RAM, 0);
	ar = t_filled(3, 0);
	A_CHECK(NULL, ar.ar_amap);
	ar.ar_amap->am_nused--;
	ATF_CHECK(uvm_amap_check(ar.ar_amap) != NULL);
	ar.ar_amap->am_nused++;
	an = t_lookup(&ar, 1);
	an->an_ref = 0;
	ATF_CHECK(uvm_amap_check(ar.ar_amap) != NULL);
	an->an_ref = 1;
	ar.ar_amap->am_bckptr[1] = 2;
	ATF_CHECK(uvm_amap_check(ar.ar_amap) != NULL);
	ar.ar_amap->am_bckptr[1] = 1;
	amap_ref(ar.ar_amap, 0, pg(1), 0);
	ar.ar_amap->am_ppref[2] = 0;	/* an anon no reference covers */
	ATF_CHECK(uvm_amap_check(ar.ar_amap) != NULL);
	ar.ar_amap->am_ppref[2] = 1;
	ATF_CHECK(uvm_amap_check(ar.ar_amap) == NULL);
	/* Two slots holding an anon with one reference. */
	amap_lock(ar.ar_amap);
	an = amap_lookup(&ar, 0);
	amap_unadd(&ar, 0);
	amap_add(&ar, 0, amap_lookup(&ar, pg(1)), false);
	amap_unlock(ar.ar_amap);
	ATF_CHECK(uvm_amap_check(ar.ar_amap) == NULL);
	ATF_CHECK(uvm_amap_check(NULL) != NULL);
	amap_lock(ar.ar_amap);
	amap_unadd(&ar, 0);
	amap_add(&ar, 0, an, false);
	amap_unlock(ar.ar_amap);
	A_CHECK(NULL, ar.ar_amap);
	amap_unref(ar.ar_amap, 0, pg(1), false);
	amap_unref(ar.ar_amap, 0, pg(3), false);
	ATF_CHECK_EQ(uvmexp.nanon, 0);
	h_shutdown();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, alloc_returns_empty_amap_with_one_reference);
	ATF_TP_ADD_TC(tp, alloc_nowait_fails_when_injected_and_leaks_nothing);
	ATF_TP_ADD_TC(tp, analloc_gives_one_reference_and_counts_nanon);
	ATF_TP_ADD_TC(tp, anfree_frees_page);
	ATF_TP_ADD_TC(tp, anfree_leaves_page_loaned_to_kernel_to_borrower);
	ATF_TP_ADD_TC(tp, anfree_returns_loaned_object_page_to_object);
	ATF_TP_ADD_TC(tp, dropswap_releases_slot_through_swap_layer);
	ATF_TP_ADD_TC(tp, ref_whole_keeps_no_per_slot_counts);
	ATF_TP_ADD_TC(tp, ref_partial_creates_per_slot_counts);
	ATF_TP_ADD_TC(tp, shared_flag_set_by_ref_cleared_at_last_sharer);
	ATF_TP_ADD_TC(tp, splitref_bumps_reference_and_offsets_window);
	ATF_TP_ADD_TC(tp, splitref_at_window_edge_panics);
	ATF_TP_ADD_TC(tp, partial_unref_frees_exactly_the_unmapped_anons);
	ATF_TP_ADD_TC(tp, last_unref_wipes_out_and_frees_pages);
	ATF_TP_ADD_TC(tp, wipeout_with_references_left_panics);
	ATF_TP_ADD_TC(tp, lookups_add_unadd_and_replace);
	ATF_TP_ADD_TC(tp, add_replace_of_empty_slot_panics);
	ATF_TP_ADD_TC(tp, lookup_outside_amap_panics);
	ATF_TP_ADD_TC(tp, extend_forwards_into_padding);
	ATF_TP_ADD_TC(tp, extend_forwards_reallocates_keeping_anons);
	ATF_TP_ADD_TC(tp, extend_backwards_moves_anons_and_window);
	ATF_TP_ADD_TC(tp, extend_backwards_uses_padding_in_place);
	ATF_TP_ADD_TC(tp, extend_forwards_reuses_slots_freed_by_partial_unmap);
	ATF_TP_ADD_TC(tp, extend_nowait_failure_leaves_amap_unchanged);
	ATF_TP_ADD_TC(tp, extend_of_shared_amap_panics);
	ATF_TP_ADD_TC(tp, copy_gives_needscopy_entry_a_fresh_amap);
	ATF_TP_ADD_TC(tp, copy_takes_over_amap_with_one_reference);
	ATF_TP_ADD_TC(tp, copy_shares_anons_and_lock_and_bumps_refs);
	ATF_TP_ADD_TC(tp, copy_of_amap_without_anons_gets_own_lock);
	ATF_TP_ADD_TC(tp, copy_chunks_large_entry_around_the_fault);
	ATF_TP_ADD_TC(tp, copy_nochunk_keeps_large_entry_whole);
	ATF_TP_ADD_TC(tp, copy_nowait_failure_keeps_needscopy);
	ATF_TP_ADD_TC(tp, cow_now_copies_every_shared_anon);
	ATF_TP_ADD_TC(tp, cow_now_waits_out_a_page_shortage);
	ATF_TP_ADD_TC(tp, wipeout_keeps_anons_and_lock_another_amap_shares);
	ATF_TP_ADD_TC(tp, unmap_of_middle_frees_exactly_its_anons);
	ATF_TP_ADD_TC(tp, check_detects_corrupted_amaps);
	return atf_no_error();
}
