/*
 * t_aobj: the anonymous object pager (uvm_aobj.c): uao_create,
 * uao_reference, uao_detach, the pager's get and put, the swap-slot
 * record, and the kernel object's once-per-boot flags.
 */
#include "h_machine.h"

#include <uvm/uvm_aobj.h>

#define RAMSIZE		((psize_t)1 << 20)	/* 256 pages of 4 KiB */

/* Every checker: the physical layer and the object's own. */
#define A_CHECK(uobj) do {						\
	const char *_why;						\
	H_CHECK(NULL);							\
	if ((uobj) != NULL && (_why = uao_check(uobj)) != NULL)		\
		atf_tc_fail("%s:%d: aobj: %s", __FILE__, __LINE__, _why); \
} while (0)

/*
 * Boot with a swap device, so the slots the tests give pages are real
 * ones (the aobj frees a page's slot when the page's record goes).
 */
static void
boot(void)
{
	h_boot(RAMSIZE, 4096);
	ATF_REQUIRE_EQ(uvm_swap_on("aobj-swap.img", (off_t)8192 * 4096, 0), 0);
}

/* A fresh swap slot for a test to record. */
static int
newslot(void)
{
	int n = 1, slot;

	slot = uvm_swap_alloc(&n, false);
	ATF_REQUIRE(slot != 0);
	return slot;
}

/*
 * Fault pages [first, first + n) of uobj in, the way the fault handler
 * does: an unlocked get, then activate and unbusy what it returned.
 */
static void
fill(struct uvm_object *uobj, int first, int n, struct vm_page **out)
{
	struct vm_page *pgs[64];
	int npages = n, error;

	ATF_REQUIRE(n <= 64);
	mutex_enter(uobj->vmobjlock);
	error = uobj->pgops->pgo_get(uobj, (voff_t)first * PAGE_SIZE, pgs,
	    &npages, 0, VM_PROT_READ | VM_PROT_WRITE, UVM_ADV_NORMAL,
	    PGO_SYNCIO);
	ATF_REQUIRE_EQ(error, 0);
	ATF_REQUIRE(!mutex_owned(uobj->vmobjlock));
	mutex_enter(uobj->vmobjlock);
	mutex_enter(&uvm_pageqlock);
	for (int i = 0; i < n; i++) {
		ATF_REQUIRE(pgs[i] != NULL);
		uvm_pageactivate(pgs[i]);
	}
	mutex_exit(&uvm_pageqlock);
	for (int i = 0; i < n; i++) {
		uvm_pageunbusy(pgs[i]);
		if (out != NULL)
			out[i] = pgs[i];
	}
	mutex_exit(uobj->vmobjlock);
}

static struct vm_page *
lookup(struct uvm_object *uobj, int idx)
{
	struct vm_page *pg;

	mutex_enter(uobj->vmobjlock);
	pg = uvm_pagelookup(uobj, (voff_t)idx * PAGE_SIZE);
	mutex_exit(uobj->vmobjlock);
	return pg;
}

static int
put(struct uvm_object *uobj, voff_t start, voff_t stop, int flags)
{
	int error;

	mutex_enter(uobj->vmobjlock);
	error = uobj->pgops->pgo_put(uobj, start, stop, flags);
	ATF_REQUIRE(!mutex_owned(uobj->vmobjlock));
	return error;
}

static int
setslot(struct uvm_object *uobj, int idx, int slot)
{
	int old;

	mutex_enter(uobj->vmobjlock);
	old = uao_set_swslot(uobj, idx, slot);
	mutex_exit(uobj->vmobjlock);
	return old;
}

static int
findslot(struct uvm_object *uobj, int idx)
{
	int slot;

	mutex_enter(uobj->vmobjlock);
	slot = uao_find_swslot(uobj, idx);
	mutex_exit(uobj->vmobjlock);
	return slot;
}

static int
nslots(struct uvm_object *uobj)
{
	int n;

	mutex_enter(uobj->vmobjlock);
	n = uao_swslot_count(uobj);
	mutex_exit(uobj->vmobjlock);
	return n;
}

/* Make every free page's bytes non-zero, so zero-fill is observable. */
static void
dirty_free_memory(void)
{
	struct pglist l = TAILQ_HEAD_INITIALIZER(l);
	struct vm_page *pg;

	while ((pg = uvm_pagealloc(NULL, 0, NULL, 0)) != NULL) {
		memset(uvm_page_kva(pg), 0xa5, PAGE_SIZE);
		TAILQ_INSERT_TAIL(&l, pg, pageq);
	}
	mutex_enter(&uvm_pageqlock);
	while ((pg = TAILQ_FIRST(&l)) != NULL) {
		TAILQ_REMOVE(&l, pg, pageq);
		uvm_pagefree(pg);
	}
	mutex_exit(&uvm_pageqlock);
}

static bool
page_is_zero(struct vm_page *pg)
{
	const unsigned char *p = uvm_page_kva(pg);

	for (vsize_t i = 0; i < PAGE_SIZE; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/* ------------------------------------------------------------------ */

ATF_TC_WITHOUT_HEAD(create_has_one_reference_and_rounded_size);
ATF_TC_BODY(create_has_one_reference_and_rounded_size, tc)
{
	struct uvm_object *a, *b;

	boot();
	a = uao_create(1, 0);
	b = uao_create(3 * PAGE_SIZE + 1, 0);
	A_CHECK(a);
	A_CHECK(b);
	ATF_CHECK(a != b);
	ATF_CHECK(UVM_OBJ_IS_AOBJ(a));
	ATF_CHECK(a->pgops == &aobj_pager);
	ATF_CHECK_EQ(a->uo_refs, 1);
	ATF_CHECK(!UVM_OBJ_IS_KERN_OBJECT(a));
	ATF_CHECK_EQ(a->uo_npages, 0);
	ATF_CHECK_EQ(uao_npages(a), 1);
	ATF_CHECK_EQ(uao_npages(b), 4);
	ATF_CHECK(a->vmobjlock != b->vmobjlock);
	uao_detach(a);
	uao_detach(b);
	A_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(create_bad_flags_panics);
ATF_TC_BODY(create_bad_flags_panics, tc)
{
	boot();
	ATF_CHECK(H_PANICS(uao_create(PAGE_SIZE,
	    UAO_FLAG_KERNOBJ | UAO_FLAG_KERNSWAP)));
	ATF_CHECK(H_PANICS(uao_create(PAGE_SIZE, 0x4)));
}

ATF_TC_WITHOUT_HEAD(reference_and_detach_count);
ATF_TC_BODY(reference_and_detach_count, tc)
{
	struct uvm_object *uobj;
	size_t before;

	boot();
	/* Warm the pools so the second round allocates only kmem. */
	uao_detach(uao_create(8 * PAGE_SIZE, 0));
	before = kmem_inuse();
	uobj = uao_create(8 * PAGE_SIZE, 0);
	uao_reference(uobj);
	uobj->pgops->pgo_reference(uobj);
	ATF_CHECK_EQ(uobj->uo_refs, 3);
	A_CHECK(uobj);
	uao_detach(uobj);
	ATF_CHECK_EQ(uobj->uo_refs, 2);
	uobj->pgops->pgo_detach(uobj);
	ATF_CHECK_EQ(uobj->uo_refs, 1);
	A_CHECK(uobj);
	uao_detach(uobj);
	ATF_CHECK_EQ(kmem_inuse(), before);
	A_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(reference_of_dead_object_panics);
ATF_TC_BODY(reference_of_dead_object_panics, tc)
{
	struct uvm_object *uobj;

	boot();
	uobj = uao_create(PAGE_SIZE, 0);
	uao_reference(uobj);
	uao_detach(uobj);
	uao_detach(uobj);
	/* The pool keeps the freed object's memory: refs read as 0. */
	ATF_CHECK(H_PANICS(uao_reference(uobj)));
}

ATF_TC_WITHOUT_HEAD(last_detach_frees_every_page);
ATF_TC_BODY(last_detach_frees_every_page, tc)
{
	struct uvm_object *uobj;
	int free0, active0;

	boot();
	free0 = uvmexp.free;
	active0 = uvmexp.active;
	uobj = uao_create(100 * PAGE_SIZE, 0);
	fill(uobj, 0, 10, NULL);
	fill(uobj, 90, 10, NULL);
	A_CHECK(uobj);
	ATF_CHECK_EQ(uobj->uo_npages, 20);
	ATF_CHECK_EQ(uvmexp.free, free0 - 20);
	ATF_CHECK_EQ(uvmexp.active, active0 + 20);
	uao_reference(uobj);
	uao_detach(uobj);
	A_CHECK(uobj);
	ATF_CHECK_EQ(uobj->uo_npages, 20);
	ATF_CHECK_EQ(uvmexp.free, free0 - 20);
	uao_detach(uobj);
	A_CHECK(NULL);
	ATF_CHECK_EQ(uvmexp.free, free0);
	ATF_CHECK_EQ(uvmexp.active, active0);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(last_detach_frees_swap_record);
ATF_TC_BODY(last_detach_frees_swap_record, tc)
{
	struct uvm_object *small, *large;
	size_t before;

	boot();
	small = uao_create(16 * PAGE_SIZE, 0);
	large = uao_create(4096 * PAGE_SIZE, 0);
	for (int i = 0; i < 16; i++)
		setslot(small, i, newslot());
	for (int i = 0; i < 4096; i += 7)
		setslot(large, i, newslot());
	A_CHECK(small);
	A_CHECK(large);
	ATF_CHECK_EQ(uvmexp.swpginuse, 16 + (4096 + 6) / 7);
	uao_detach(small);
	uao_detach(large);
	A_CHECK(NULL);
	/* Every slot went back to the swap device. */
	ATF_CHECK_EQ(uvmexp.swpginuse, 0);
	/* Same shapes again: nothing more may stay allocated. */
	before = kmem_inuse();
	small = uao_create(16 * PAGE_SIZE, 0);
	large = uao_create(4096 * PAGE_SIZE, 0);
	for (int i = 0; i < 16; i++)
		setslot(small, i, newslot());
	for (int i = 0; i < 4096; i += 7)
		setslot(large, i, newslot());
	uao_detach(small);
	uao_detach(large);
	ATF_CHECK_EQ(kmem_inuse(), before);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(get_unlocked_zero_fills_busy_dirty_pages);
ATF_TC_BODY(get_unlocked_zero_fills_busy_dirty_pages, tc)
{
	struct uvm_object *uobj;
	struct vm_page *pgs[4];
	int npages = 4, free0;

	boot();
	dirty_free_memory();
	A_CHECK(NULL);
	free0 = uvmexp.free;
	uobj = uao_create(8 * PAGE_SIZE, 0);
	mutex_enter(uobj->vmobjlock);
	ATF_REQUIRE_EQ(uobj->pgops->pgo_get(uobj, 2 * PAGE_SIZE, pgs, &npages,
	    0, VM_PROT_WRITE, UVM_ADV_NORMAL, PGO_SYNCIO), 0);
	ATF_CHECK(!mutex_owned(uobj->vmobjlock));
	ATF_CHECK_EQ(uvmexp.free, free0 - 4);
	mutex_enter(uobj->vmobjlock);
	for (int i = 0; i < 4; i++) {
		ATF_CHECK(pgs[i]->uobject == uobj);
		ATF_CHECK_EQ(pgs[i]->offset, (voff_t)((2 + i) * PAGE_SIZE));
		ATF_CHECK(pgs[i]->flags & PG_BUSY);
		ATF_CHECK((pgs[i]->flags & (PG_FAKE | PG_CLEAN)) == 0);
		ATF_CHECK(pgs[i]->flags & PG_DIRTY);
		ATF_CHECK(page_is_zero(pgs[i]));
		ATF_CHECK(uvm_pagelookup(uobj, pgs[i]->offset) == pgs[i]);
	}
	ATF_CHECK_EQ(uobj->uo_npages, 4);
	mutex_enter(&uvm_pageqlock);
	for (int i = 0; i < 4; i++)
		uvm_pageactivate(pgs[i]);
	mutex_exit(&uvm_pageqlock);
	uvm_page_unbusy(pgs, 4);
	mutex_exit(uobj->vmobjlock);
	A_CHECK(uobj);
	uao_detach(uobj);
	ATF_CHECK_EQ(uvmexp.free, free0);
	A_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(get_unlocked_returns_resident_page_with_its_bytes);
ATF_TC_BODY(get_unlocked_returns_resident_page_with_its_bytes, tc)
{
	struct uvm_object *uobj;
	struct vm_page *first[2], *pgs[2];
	int npages = 2, free0;

	boot();
	uobj = uao_create(2 * PAGE_SIZE, 0);
	fill(uobj, 0, 2, first);
	memset(uvm_page_kva(first[0]), 'x', PAGE_SIZE);
	memset(uvm_page_kva(first[1]), 'y', PAGE_SIZE);
	free0 = uvmexp.free;
	mutex_enter(uobj->vmobjlock);
	ATF_REQUIRE_EQ(uobj->pgops->pgo_get(uobj, 0, pgs, &npages, 0,
	    VM_PROT_READ, UVM_ADV_NORMAL, PGO_SYNCIO), 0);
	ATF_CHECK(pgs[0] == first[0] && pgs[1] == first[1]);
	ATF_CHECK_EQ(uvmexp.free, free0);
	ATF_CHECK(pgs[0]->flags & PG_BUSY);
	ATF_CHECK_EQ(((char *)uvm_page_kva(pgs[0]))[0], 'x');
	ATF_CHECK_EQ(((char *)uvm_page_kva(pgs[1]))[PAGE_SIZE - 1], 'y');
	mutex_enter(uobj->vmobjlock);
	uvm_page_unbusy(pgs, 2);
	mutex_exit(uobj->vmobjlock);
	A_CHECK(uobj);
	uao_detach(uobj);
	A_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(get_locked_returns_resident_unbusy_pages_only);
ATF_TC_BODY(get_locked_returns_resident_unbusy_pages_only, tc)
{
	struct uvm_object *uobj;
	struct vm_page *p[6], *pgs[5];
	int npages, free0;

	boot();
	uobj = uao_create(8 * PAGE_SIZE, 0);
	fill(uobj, 1, 1, &p[1]);
	fill(uobj, 3, 3, &p[3]);
	mutex_enter(uobj->vmobjlock);
	p[4]->flags |= PG_BUSY;		/* someone else owns page 4 */
	free0 = uvmexp.free;

	/* Pages 1..5: 2 is missing, 4 busy. */
	for (int i = 0; i < 5; i++)
		pgs[i] = (struct vm_page *)&pgs;	/* garbage */
	npages = 5;
	ATF_CHECK_EQ(uobj->pgops->pgo_get(uobj, 1 * PAGE_SIZE, pgs, &npages,
	    0, VM_PROT_READ, UVM_ADV_NORMAL, PGO_LOCKED), 0);
	ATF_CHECK(mutex_owned(uobj->vmobjlock));
	ATF_CHECK_EQ(npages, 3);
	ATF_CHECK(pgs[0] == p[1]);
	ATF_CHECK(pgs[1] == NULL);
	ATF_CHECK(pgs[2] == p[3]);
	ATF_CHECK(pgs[3] == NULL);
	ATF_CHECK(pgs[4] == p[5]);
	for (int i = 0; i < 5; i++)
		if (pgs[i] != NULL && pgs[i] != p[4])
			ATF_CHECK((pgs[i]->flags & PG_BUSY) == 0);
	ATF_CHECK_EQ(uvmexp.free, free0);

	/* The centre page missing or busy: EBUSY. */
	npages = 5;
	ATF_CHECK_EQ(uobj->pgops->pgo_get(uobj, 1 * PAGE_SIZE, pgs, &npages,
	    1, VM_PROT_READ, UVM_ADV_NORMAL, PGO_LOCKED), EBUSY);
	npages = 5;
	ATF_CHECK_EQ(uobj->pgops->pgo_get(uobj, 1 * PAGE_SIZE, pgs, &npages,
	    3, VM_PROT_READ, UVM_ADV_NORMAL, PGO_LOCKED), EBUSY);
	ATF_CHECK_EQ(npages, 3);
	ATF_CHECK(mutex_owned(uobj->vmobjlock));
	ATF_CHECK_EQ(uvmexp.free, free0);
	ATF_CHECK_EQ(uobj->uo_npages, 4);
	p[4]->flags &= ~PG_BUSY;
	mutex_exit(uobj->vmobjlock);
	A_CHECK(uobj);
	uao_detach(uobj);
	A_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(get_locked_on_empty_object_allocates_nothing);
ATF_TC_BODY(get_locked_on_empty_object_allocates_nothing, tc)
{
	struct uvm_object *uobj;
	struct vm_page *pgs[3];
	int npages = 3, free0;

	boot();
	uobj = uao_create(100 * PAGE_SIZE, 0);
	free0 = uvmexp.free;
	mutex_enter(uobj->vmobjlock);
	ATF_CHECK_EQ(uobj->pgops->pgo_get(uobj, 97 * PAGE_SIZE, pgs, &npages,
	    2, VM_PROT_READ, UVM_ADV_NORMAL, PGO_LOCKED), EBUSY);
	ATF_CHECK(mutex_owned(uobj->vmobjlock));
	mutex_exit(uobj->vmobjlock);
	ATF_CHECK_EQ(npages, 0);
	ATF_CHECK(pgs[0] == NULL && pgs[1] == NULL && pgs[2] == NULL);
	ATF_CHECK_EQ(uvmexp.free, free0);
	ATF_CHECK_EQ(uobj->uo_npages, 0);
	A_CHECK(uobj);
	uao_detach(uobj);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(get_out_of_memory_returns_enomem_and_unbusies);
ATF_TC_BODY(get_out_of_memory_returns_enomem_and_unbusies, tc)
{
	struct uvm_object *uobj;
	struct vm_page *pgs[5];
	int npages = 5, free0, active0;

	boot();
	uobj = uao_create(5 * PAGE_SIZE, 0);
	fill(uobj, 1, 1, NULL);
	free0 = uvmexp.free;
	active0 = uvmexp.active;
	/* Page 0 is allocated, page 1 is resident, page 2 fails. */
	kern_fault_set(KFI_PAGE, 2, 0);
	mutex_enter(uobj->vmobjlock);
	ATF_CHECK_EQ(uobj->pgops->pgo_get(uobj, 0, pgs, &npages, 0,
	    VM_PROT_WRITE, UVM_ADV_NORMAL, PGO_SYNCIO), ENOMEM);
	kern_fault_clear();
	ATF_CHECK(!mutex_owned(uobj->vmobjlock));
	ATF_CHECK(pgs[0] == NULL && pgs[1] == NULL);
	ATF_CHECK_EQ(uobj->uo_npages, 2);
	ATF_CHECK_EQ(uvmexp.free, free0 - 1);
	ATF_CHECK_EQ(uvmexp.active, active0 + 1);
	ATF_CHECK((lookup(uobj, 0)->flags & PG_BUSY) == 0);
	ATF_CHECK((lookup(uobj, 1)->flags & PG_BUSY) == 0);
	ATF_CHECK(lookup(uobj, 2) == NULL);
	A_CHECK(uobj);
	/* Memory is back: the same get now succeeds. */
	fill(uobj, 0, 5, NULL);
	ATF_CHECK_EQ(uobj->uo_npages, 5);
	A_CHECK(uobj);
	uao_detach(uobj);
	A_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(get_outside_object_panics);
ATF_TC_BODY(get_outside_object_panics, tc)
{
	struct uvm_object *uobj;
	struct vm_page *pgs[2];
	int npages = 2;

	boot();
	uobj = uao_create(4 * PAGE_SIZE, 0);
	mutex_enter(uobj->vmobjlock);
	ATF_CHECK(H_PANICS(uobj->pgops->pgo_get(uobj, 3 * PAGE_SIZE, pgs,
	    &npages, 0, VM_PROT_READ, UVM_ADV_NORMAL, PGO_LOCKED)));
}

ATF_TC_WITHOUT_HEAD(put_free_frees_exactly_the_range);
ATF_TC_BODY(put_free_frees_exactly_the_range, tc)
{
	struct uvm_object *uobj;
	int free0, s6;

	boot();
	uobj = uao_create(8 * PAGE_SIZE, 0);
	fill(uobj, 0, 8, NULL);
	setslot(uobj, 3, newslot());
	setslot(uobj, 6, s6 = newslot());
	free0 = uvmexp.free;
	/* Unaligned bounds cover the pages they touch: [2, 5). */
	ATF_CHECK_EQ(put(uobj, 2 * PAGE_SIZE + 100, 4 * PAGE_SIZE + 1,
	    PGO_FREE), 0);
	A_CHECK(uobj);
	ATF_CHECK_EQ(uvmexp.free, free0 + 3);
	ATF_CHECK_EQ(uobj->uo_npages, 5);
	for (int i = 0; i < 8; i++)
		ATF_CHECK_EQ(lookup(uobj, i) == NULL, i >= 2 && i < 5);
	ATF_CHECK_EQ(findslot(uobj, 3), 0);
	ATF_CHECK_EQ(findslot(uobj, 6), s6);
	ATF_CHECK_EQ(nslots(uobj), 1);
	ATF_CHECK_EQ(uvmexp.swpginuse, 1);	/* page 3's slot was freed */
	/* A freed page comes back zero-filled. */
	fill(uobj, 2, 1, NULL);
	ATF_CHECK(page_is_zero(lookup(uobj, 2)));
	uao_detach(uobj);
	A_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(put_free_with_stop_zero_runs_to_the_end);
ATF_TC_BODY(put_free_with_stop_zero_runs_to_the_end, tc)
{
	struct uvm_object *uobj;

	boot();
	uobj = uao_create(6 * PAGE_SIZE, 0);
	fill(uobj, 0, 6, NULL);
	ATF_CHECK_EQ(put(uobj, 4 * PAGE_SIZE, 0, PGO_FREE), 0);
	ATF_CHECK_EQ(uobj->uo_npages, 4);
	ATF_CHECK(lookup(uobj, 3) != NULL && lookup(uobj, 4) == NULL);
	A_CHECK(uobj);
	/* A stop past the end is clipped to it. */
	ATF_CHECK_EQ(put(uobj, 2 * PAGE_SIZE, 100 * PAGE_SIZE, PGO_FREE), 0);
	ATF_CHECK_EQ(uobj->uo_npages, 2);
	A_CHECK(uobj);
	uao_detach(uobj);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(put_allpages_free_empties_object);
ATF_TC_BODY(put_allpages_free_empties_object, tc)
{
	struct uvm_object *uobj;
	int free0;

	boot();
	free0 = uvmexp.free;
	uobj = uao_create(200 * PAGE_SIZE, 0);
	fill(uobj, 0, 40, NULL);
	fill(uobj, 150, 50, NULL);
	ATF_CHECK_EQ(put(uobj, 5 * PAGE_SIZE, 6 * PAGE_SIZE,
	    PGO_ALLPAGES | PGO_FREE), 0);
	ATF_CHECK_EQ(uobj->uo_npages, 0);
	ATF_CHECK_EQ(uvmexp.free, free0);
	A_CHECK(uobj);
	uao_detach(uobj);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(put_deactivate_moves_range_to_inactive);
ATF_TC_BODY(put_deactivate_moves_range_to_inactive, tc)
{
	struct uvm_object *uobj;
	int free0, active0, inactive0;

	boot();
	uobj = uao_create(8 * PAGE_SIZE, 0);
	fill(uobj, 0, 8, NULL);
	free0 = uvmexp.free;
	active0 = uvmexp.active;
	inactive0 = uvmexp.inactive;
	ATF_CHECK_EQ(put(uobj, PAGE_SIZE, 5 * PAGE_SIZE, PGO_DEACTIVATE), 0);
	A_CHECK(uobj);
	ATF_CHECK_EQ(uvmexp.free, free0);
	ATF_CHECK_EQ(uvmexp.active, active0 - 4);
	ATF_CHECK_EQ(uvmexp.inactive, inactive0 + 4);
	for (int i = 0; i < 8; i++) {
		struct vm_page *pg = lookup(uobj, i);

		ATF_REQUIRE(pg != NULL);
		ATF_CHECK_EQ((pg->pqflags & PQ_INACTIVE) != 0, i >= 1 && i < 5);
		ATF_CHECK_EQ((pg->pqflags & PQ_ACTIVE) != 0, i < 1 || i >= 5);
	}
	uao_detach(uobj);
	A_CHECK(NULL);
	ATF_CHECK_EQ(uvmexp.inactive, inactive0);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(put_free_of_shared_object_deactivates);
ATF_TC_BODY(put_free_of_shared_object_deactivates, tc)
{
	struct uvm_object *uobj;
	int free0, inactive0;

	boot();
	uobj = uao_create(4 * PAGE_SIZE, 0);
	fill(uobj, 0, 4, NULL);
	uao_reference(uobj);
	free0 = uvmexp.free;
	inactive0 = uvmexp.inactive;
	ATF_CHECK_EQ(put(uobj, 0, 0, PGO_ALLPAGES | PGO_FREE), 0);
	A_CHECK(uobj);
	ATF_CHECK_EQ(uobj->uo_npages, 4);
	ATF_CHECK_EQ(uvmexp.free, free0);
	ATF_CHECK_EQ(uvmexp.inactive, inactive0 + 4);
	uao_detach(uobj);
	ATF_CHECK_EQ(put(uobj, 0, 0, PGO_ALLPAGES | PGO_FREE), 0);
	ATF_CHECK_EQ(uobj->uo_npages, 0);
	ATF_CHECK_EQ(uvmexp.free, free0 + 4);
	ATF_CHECK_EQ(uvmexp.inactive, inactive0);
	A_CHECK(uobj);
	uao_detach(uobj);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(put_cleanit_does_not_free);
ATF_TC_BODY(put_cleanit_does_not_free, tc)
{
	struct uvm_object *uobj;
	int free0, active0, inactive0;

	boot();
	uobj = uao_create(4 * PAGE_SIZE, 0);
	fill(uobj, 0, 4, NULL);
	free0 = uvmexp.free;
	active0 = uvmexp.active;
	inactive0 = uvmexp.inactive;
	/* CLEANIT alone: nowhere to clean to but swap; nothing happens. */
	ATF_CHECK_EQ(put(uobj, 0, 0, PGO_ALLPAGES | PGO_CLEANIT |
	    PGO_SYNCIO), 0);
	ATF_CHECK_EQ(uvmexp.active, active0);
	ATF_CHECK_EQ(uvmexp.inactive, inactive0);
	A_CHECK(uobj);
	/* CLEANIT|FREE keeps the bytes: the pages are only deactivated. */
	ATF_CHECK_EQ(put(uobj, 0, 2 * PAGE_SIZE, PGO_CLEANIT | PGO_FREE), 0);
	ATF_CHECK_EQ(uvmexp.free, free0);
	ATF_CHECK_EQ(uvmexp.inactive, inactive0 + 2);
	ATF_CHECK_EQ(uobj->uo_npages, 4);
	A_CHECK(uobj);
	uao_detach(uobj);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(put_free_leaves_wired_pages);
ATF_TC_BODY(put_free_leaves_wired_pages, tc)
{
	struct uvm_object *uobj;
	struct vm_page *pgs[3];
	int free0;

	boot();
	uobj = uao_create(3 * PAGE_SIZE, 0);
	fill(uobj, 0, 3, pgs);
	mutex_enter(uobj->vmobjlock);
	mutex_enter(&uvm_pageqlock);
	uvm_pagewire(pgs[1]);
	mutex_exit(&uvm_pageqlock);
	mutex_exit(uobj->vmobjlock);
	free0 = uvmexp.free;
	ATF_CHECK_EQ(put(uobj, 0, 0, PGO_ALLPAGES | PGO_FREE), 0);
	ATF_CHECK_EQ(uvmexp.free, free0 + 2);
	ATF_CHECK(lookup(uobj, 1) == pgs[1]);
	ATF_CHECK_EQ(pgs[1]->wire_count, 1);
	A_CHECK(uobj);
	mutex_enter(uobj->vmobjlock);
	mutex_enter(&uvm_pageqlock);
	uvm_pageunwire(pgs[1]);
	mutex_exit(&uvm_pageqlock);
	mutex_exit(uobj->vmobjlock);
	uao_detach(uobj);
	A_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(put_free_and_deactivate_together_panics);
ATF_TC_BODY(put_free_and_deactivate_together_panics, tc)
{
	struct uvm_object *uobj;

	boot();
	uobj = uao_create(PAGE_SIZE, 0);
	mutex_enter(uobj->vmobjlock);
	ATF_CHECK(H_PANICS(uobj->pgops->pgo_put(uobj, 0, 0,
	    PGO_ALLPAGES | PGO_FREE | PGO_DEACTIVATE)));
}

/* Set, find, replace and drop slots at the edges of an object. */
static void
swslot_edges(int npages)
{
	struct uvm_object *uobj;
	int idx[3] = { 0, npages / 2, npages - 1 };
	int slot[3] = { 0, 0, 0 }, repl;
	int n = 0;

	uobj = uao_create((vsize_t)npages * PAGE_SIZE, 0);
	for (int i = 0; i < 3; i++)
		ATF_CHECK_EQ(findslot(uobj, idx[i]), 0);
	for (int i = 0; i < 3; i++) {
		if (i > 0 && idx[i] == idx[i - 1]) {
			slot[i] = slot[i - 1];
			continue;
		}
		slot[i] = newslot();
		ATF_CHECK_EQ(setslot(uobj, idx[i], slot[i]), 0);
		n++;
	}
	A_CHECK(uobj);
	ATF_CHECK_EQ(nslots(uobj), n);
	for (int i = 0; i < 3; i++)
		ATF_CHECK_EQ(findslot(uobj, idx[i]), slot[i]);
	if (npages > 2)
		ATF_CHECK_EQ(findslot(uobj, 1), 0);
	/* Replacing returns the old slot (now the caller's) and does not
	 * count twice. */
	repl = newslot();
	ATF_CHECK_EQ(setslot(uobj, idx[2], repl), slot[2]);
	uvm_swap_free(slot[2], 1);
	ATF_CHECK_EQ(findslot(uobj, idx[2]), repl);
	ATF_CHECK_EQ(nslots(uobj), n);
	mutex_enter(uobj->vmobjlock);
	uao_dropswap(uobj, idx[2]);	/* frees repl */
	uao_dropswap(uobj, idx[2]);	/* dropping nothing is fine */
	mutex_exit(uobj->vmobjlock);
	ATF_CHECK_EQ(findslot(uobj, idx[2]), 0);
	ATF_CHECK_EQ(nslots(uobj), n - 1);
	A_CHECK(uobj);
	for (int i = 0; i < 2; i++) {
		int old = setslot(uobj, idx[i], 0);

		if (old != 0)
			uvm_swap_free(old, 1);
	}
	ATF_CHECK_EQ(nslots(uobj), 0);
	for (int i = 0; i < 3; i++)
		ATF_CHECK_EQ(findslot(uobj, idx[i]), 0);
	A_CHECK(uobj);
	uao_detach(uobj);
	ATF_CHECK_EQ(uvmexp.swpginuse, 0);
}

ATF_TC_WITHOUT_HEAD(swslot_array_set_find_drop);
ATF_TC_BODY(swslot_array_set_find_drop, tc)
{
	boot();
	swslot_edges(1);
	swslot_edges(2);
	swslot_edges(17);
	swslot_edges(UAO_SWHASH_THRESHOLD - 1);
	swslot_edges(UAO_SWHASH_THRESHOLD);	/* largest array */
	A_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(swslot_hash_set_find_drop);
ATF_TC_BODY(swslot_hash_set_find_drop, tc)
{
	boot();
	swslot_edges(UAO_SWHASH_THRESHOLD + 1);	/* smallest hash */
	swslot_edges(UAO_SWHASH_CLUSTER_SIZE * UAO_SWHASH_MAXBUCKETS);
	swslot_edges(UAO_SWHASH_CLUSTER_SIZE * UAO_SWHASH_MAXBUCKETS + 1);
	swslot_edges(1 << 24);				/* 64 GiB object */
	A_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(swslot_hash_many_slots_and_collisions);
ATF_TC_BODY(swslot_hash_many_slots_and_collisions, tc)
{
	struct uvm_object *uobj;
	const int npages = 1 << 16, step = 37;
	static int slots[(1 << 16) / 37 + 1];
	int n = 0;

	boot();
	uobj = uao_create((vsize_t)npages * PAGE_SIZE, 0);
	for (int i = 0; i < npages; i += step, n++)
		ATF_REQUIRE_EQ(setslot(uobj, i, slots[i / step] = newslot()), 0);
	A_CHECK(uobj);
	ATF_CHECK_EQ(nslots(uobj), n);
	for (int i = 0; i < npages; i++)
		if (findslot(uobj, i) != (i % step == 0 ? slots[i / step] : 0))
			atf_tc_fail("page %d: slot %d", i, findslot(uobj, i));
	/* Clear every other one; the rest must be unaffected. */
	for (int i = 0; i < npages; i += 2 * step, n--) {
		ATF_REQUIRE_EQ(setslot(uobj, i, 0), slots[i / step]);
		uvm_swap_free(slots[i / step], 1);
	}
	ATF_CHECK_EQ(nslots(uobj), n);
	A_CHECK(uobj);
	for (int i = step; i < npages; i += 2 * step)
		ATF_CHECK_EQ(findslot(uobj, i), slots[i / step]);
	uao_detach(uobj);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(swslot_dropswap_range_array_and_hash);
ATF_TC_BODY(swslot_dropswap_range_array_and_hash, tc)
{
	int sizes[] = { 40, 5000 };

	boot();
	for (size_t s = 0; s < __arraycount(sizes); s++) {
		int np = sizes[s];
		struct uvm_object *uobj = uao_create((vsize_t)np * PAGE_SIZE,
		    0);

		static int slots[5000];

		for (int i = 0; i < np; i++)
			setslot(uobj, i, slots[i] = newslot());
		mutex_enter(uobj->vmobjlock);
		uao_dropswap_range(uobj, 10 * PAGE_SIZE, 30 * PAGE_SIZE);
		mutex_exit(uobj->vmobjlock);
		A_CHECK(uobj);
		ATF_CHECK_EQ(nslots(uobj), np - 20);
		ATF_CHECK_EQ(uvmexp.swpginuse, np - 20);
		for (int i = 0; i < np; i++)
			ATF_CHECK_EQ(findslot(uobj, i),
			    i >= 10 && i < 30 ? 0 : slots[i]);
		mutex_enter(uobj->vmobjlock);
		uao_dropswap_range(uobj, 35 * PAGE_SIZE, 0);
		mutex_exit(uobj->vmobjlock);
		A_CHECK(uobj);
		ATF_CHECK_EQ(nslots(uobj), 35 - 20);
		ATF_CHECK_EQ(uvmexp.swpginuse, 35 - 20);
		ATF_CHECK_EQ(findslot(uobj, 34), slots[34]);
		ATF_CHECK_EQ(findslot(uobj, 35), 0);
		uao_detach(uobj);
		ATF_CHECK_EQ(uvmexp.swpginuse, 0);
	}
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(swslot_outside_object_panics);
ATF_TC_BODY(swslot_outside_object_panics, tc)
{
	struct uvm_object *uobj;

	boot();
	uobj = uao_create((UAO_SWHASH_THRESHOLD + 1) * PAGE_SIZE, 0);
	mutex_enter(uobj->vmobjlock);
	ATF_CHECK(H_PANICS(uao_set_swslot(uobj, UAO_SWHASH_THRESHOLD + 1,
	    1)));
}

ATF_TC_WITHOUT_HEAD(swslot_needs_object_lock);
ATF_TC_BODY(swslot_needs_object_lock, tc)
{
	struct uvm_object *uobj;

	boot();
	uobj = uao_create(4 * PAGE_SIZE, 0);
	ATF_CHECK(H_PANICS(uao_find_swslot(uobj, 0)));
}

ATF_TC_WITHOUT_HEAD(kernobj_only_once_per_boot);
ATF_TC_BODY(kernobj_only_once_per_boot, tc)
{
	/* uvm_km_init() made the kernel object at boot. */
	boot();
	ATF_CHECK(H_PANICS(uao_create(PAGE_SIZE, UAO_FLAG_KERNOBJ)));
}

ATF_TC_WITHOUT_HEAD(kernobj_is_immortal_and_noswap_until_kernswap);
ATF_TC_BODY(kernobj_is_immortal_and_noswap_until_kernswap, tc)
{
	struct uvm_object *kobj;
	vaddr_t kvs, kve;

	boot();
	kobj = uao_create(0, UAO_FLAG_KERNSWAP);
	ATF_REQUIRE(kobj != NULL);
	ATF_CHECK(UVM_OBJ_IS_KERN_OBJECT(kobj));
	ATF_CHECK(UVM_OBJ_IS_AOBJ(kobj));
	pmap_virtual_space(&kvs, &kve);
	ATF_CHECK_EQ((vsize_t)uao_npages(kobj), atop(round_page(kve - kvs)));
	/* Its references are not counted; detaching it does nothing. */
	uao_reference(kobj);
	uao_detach(kobj);
	uao_detach(kobj);
	ATF_CHECK(UVM_OBJ_IS_KERN_OBJECT(kobj));
	A_CHECK(kobj);
	/* Swap enabled: slots can be recorded (a hash: it is large). */
	ATF_CHECK_EQ(setslot(kobj, 12345, 99), 0);
	ATF_CHECK_EQ(findslot(kobj, 12345), 99);
	ATF_CHECK_EQ(setslot(kobj, 12345, 0), 99);
	A_CHECK(kobj);
	ATF_CHECK(H_PANICS(uao_create(0, UAO_FLAG_KERNSWAP)));
}

ATF_TC_WITHOUT_HEAD(kernobj_without_kernswap_refuses_slots);
ATF_TC_BODY(kernobj_without_kernswap_refuses_slots, tc)
{
	struct uvm_object *kobj;

	/*
	 * The kernel object lives in static storage, the same every boot:
	 * learn its address on one boot and look at it, before
	 * UAO_FLAG_KERNSWAP, on the next.
	 */
	boot();
	kobj = uao_create(0, UAO_FLAG_KERNSWAP);
	h_shutdown();
	boot();
	ATF_REQUIRE(UVM_OBJ_IS_KERN_OBJECT(kobj));
	A_CHECK(kobj);
	ATF_CHECK_EQ(findslot(kobj, 5), 0);
	ATF_CHECK_EQ(setslot(kobj, 5, 0), 0);	/* a clear is accepted */
	mutex_enter(kobj->vmobjlock);
	ATF_CHECK(H_PANICS(uao_set_swslot(kobj, 5, 1)));
}

ATF_TC_WITHOUT_HEAD(kernobj_flags_reset_for_next_boot);
ATF_TC_BODY(kernobj_flags_reset_for_next_boot, tc)
{
	struct uvm_object *kobj1, *kobj2;

	boot();
	kobj1 = uao_create(0, UAO_FLAG_KERNSWAP);
	ATF_CHECK(UVM_OBJ_IS_KERN_OBJECT(kobj1));
	setslot(kobj1, 7, newslot());	/* left behind: shutdown frees it */
	h_shutdown();
	boot();
	kobj2 = uao_create(0, UAO_FLAG_KERNSWAP);
	ATF_CHECK(UVM_OBJ_IS_KERN_OBJECT(kobj2));
	ATF_CHECK_EQ(findslot(kobj2, 7), 0);
	A_CHECK(kobj2);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(kernobj_put_free_frees_pages);
ATF_TC_BODY(kernobj_put_free_frees_pages, tc)
{
	struct uvm_object *kobj;
	int free0;

	boot();
	kobj = uao_create(0, UAO_FLAG_KERNSWAP);
	free0 = uvmexp.free;
	fill(kobj, 1000, 8, NULL);
	ATF_CHECK_EQ(uvmexp.free, free0 - 8);
	A_CHECK(kobj);
	/* Its references are uncounted, not shared: the pages go. */
	ATF_CHECK_EQ(put(kobj, 1002 * PAGE_SIZE, 1006 * PAGE_SIZE, PGO_FREE),
	    0);
	ATF_CHECK_EQ(uvmexp.free, free0 - 4);
	ATF_CHECK(lookup(kobj, 1001) != NULL && lookup(kobj, 1002) == NULL);
	ATF_CHECK(lookup(kobj, 1005) == NULL && lookup(kobj, 1006) != NULL);
	A_CHECK(kobj);
	/* The rest are left for shutdown, which must free them. */
	h_shutdown();
	boot();
	A_CHECK(NULL);
	h_shutdown();
}

/*
 * Busy pages are waited for: a kernel thread runs an operation that
 * meets a page we hold busy; it must sleep (PG_WANTED appears, the page
 * stays) until we unbusy the page, then finish.
 */
struct busy_op {
	struct uvm_object *uobj;
	int		op;		/* 0: detach, 1: put FREE, 2: get */
	volatile int	done;
	struct vm_page	*got;
};

static void
busy_op_main(void *arg)
{
	struct busy_op *b = arg;
	int npages = 1;

	switch (b->op) {
	case 0:
		uao_detach(b->uobj);
		break;
	case 1:
		mutex_enter(b->uobj->vmobjlock);
		(void)b->uobj->pgops->pgo_put(b->uobj, 0, 0,
		    PGO_ALLPAGES | PGO_FREE);
		break;
	case 2:
		mutex_enter(b->uobj->vmobjlock);
		if (b->uobj->pgops->pgo_get(b->uobj, 0, &b->got, &npages, 0,
		    VM_PROT_READ, UVM_ADV_NORMAL, PGO_SYNCIO) == 0) {
			mutex_enter(b->uobj->vmobjlock);
			uvm_pageunbusy(b->got);
			mutex_exit(b->uobj->vmobjlock);
		}
		break;
	}
	b->done = 1;
}

static void
busy_wait_case(int op)
{
	struct busy_op b;
	struct vm_page *pg;
	struct lwp *l;
	int npages = 1, free0, tries;
	bool wanted = false;

	boot();
	free0 = uvmexp.free;
	memset(&b, 0, sizeof(b));
	b.op = op;
	b.uobj = uao_create(2 * PAGE_SIZE, 0);
	fill(b.uobj, 1, 1, NULL);
	mutex_enter(b.uobj->vmobjlock);
	ATF_REQUIRE_EQ(b.uobj->pgops->pgo_get(b.uobj, 0, &pg, &npages, 0,
	    VM_PROT_WRITE, UVM_ADV_NORMAL, PGO_SYNCIO), 0);
	memset(uvm_page_kva(pg), 'b', PAGE_SIZE);
	ATF_REQUIRE_EQ(kthread_create(PRI_NONE, KTHREAD_MUSTJOIN, NULL,
	    busy_op_main, &b, &l, "busyop"), 0);
	for (tries = 0; tries < 2000 && !wanted; tries++) {
		kpause("busyop", false, 1, NULL);
		mutex_enter(b.uobj->vmobjlock);
		wanted = (pg->flags & PG_WANTED) != 0;
		mutex_exit(b.uobj->vmobjlock);
	}
	ATF_CHECK_MSG(wanted, "the operation did not wait for the page");
	ATF_CHECK_EQ(b.done, 0);
	mutex_enter(b.uobj->vmobjlock);
	ATF_CHECK(pg->uobject == b.uobj && (pg->flags & PG_BUSY) != 0);
	mutex_enter(&uvm_pageqlock);
	uvm_pageactivate(pg);
	mutex_exit(&uvm_pageqlock);
	uvm_pageunbusy(pg);
	mutex_exit(b.uobj->vmobjlock);
	ATF_CHECK_EQ(kthread_join(l), 0);
	ATF_CHECK_EQ(b.done, 1);
	if (op == 2) {
		/* The getter got our page, with our bytes. */
		ATF_CHECK(b.got == pg);
		ATF_CHECK_EQ(((char *)uvm_page_kva(pg))[7], 'b');
		A_CHECK(b.uobj);
		uao_detach(b.uobj);
	} else if (op == 1) {
		ATF_CHECK_EQ(b.uobj->uo_npages, 0);
		A_CHECK(b.uobj);
		uao_detach(b.uobj);
	}
	A_CHECK(NULL);
	ATF_CHECK_EQ(uvmexp.free, free0);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(detach_waits_for_busy_page);
ATF_TC_BODY(detach_waits_for_busy_page, tc)
{
	busy_wait_case(0);
}

ATF_TC_WITHOUT_HEAD(put_free_waits_for_busy_page);
ATF_TC_BODY(put_free_waits_for_busy_page, tc)
{
	busy_wait_case(1);
}

ATF_TC_WITHOUT_HEAD(get_unlocked_waits_for_busy_page);
ATF_TC_BODY(get_unlocked_waits_for_busy_page, tc)
{
	busy_wait_case(2);
}

ATF_TC_WITHOUT_HEAD(shutdown_with_live_aobj_panics);
ATF_TC_BODY(shutdown_with_live_aobj_panics, tc)
{
	boot();
	(void)uao_create(PAGE_SIZE, 0);
	ATF_CHECK(H_PANICS(h_shutdown()));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, create_has_one_reference_and_rounded_size);
	ATF_TP_ADD_TC(tp, create_bad_flags_panics);
	ATF_TP_ADD_TC(tp, reference_and_detach_count);
	ATF_TP_ADD_TC(tp, reference_of_dead_object_panics);
	ATF_TP_ADD_TC(tp, last_detach_frees_every_page);
	ATF_TP_ADD_TC(tp, last_detach_frees_swap_record);
	ATF_TP_ADD_TC(tp, get_unlocked_zero_fills_busy_dirty_pages);
	ATF_TP_ADD_TC(tp, get_unlocked_returns_resident_page_with_its_bytes);
	ATF_TP_ADD_TC(tp, get_locked_returns_resident_unbusy_pages_only);
	ATF_TP_ADD_TC(tp, get_locked_on_empty_object_allocates_nothing);
	ATF_TP_ADD_TC(tp, get_out_of_memory_returns_enomem_and_unbusies);
	ATF_TP_ADD_TC(tp, get_outside_object_panics);
	ATF_TP_ADD_TC(tp, put_free_frees_exactly_the_range);
	ATF_TP_ADD_TC(tp, put_free_with_stop_zero_runs_to_the_end);
	ATF_TP_ADD_TC(tp, put_allpages_free_empties_object);
	ATF_TP_ADD_TC(tp, put_deactivate_moves_range_to_inactive);
	ATF_TP_ADD_TC(tp, put_free_of_shared_object_deactivates);
	ATF_TP_ADD_TC(tp, put_cleanit_does_not_free);
	ATF_TP_ADD_TC(tp, put_free_leaves_wired_pages);
	ATF_TP_ADD_TC(tp, put_free_and_deactivate_together_panics);
	ATF_TP_ADD_TC(tp, swslot_array_set_find_drop);
	ATF_TP_ADD_TC(tp, swslot_hash_set_find_drop);
	ATF_TP_ADD_TC(tp, swslot_hash_many_slots_and_collisions);
	ATF_TP_ADD_TC(tp, swslot_dropswap_range_array_and_hash);
	ATF_TP_ADD_TC(tp, swslot_outside_object_panics);
	ATF_TP_ADD_TC(tp, swslot_needs_object_lock);
	ATF_TP_ADD_TC(tp, kernobj_only_once_per_boot);
	ATF_TP_ADD_TC(tp, kernobj_is_immortal_and_noswap_until_kernswap);
	ATF_TP_ADD_TC(tp, kernobj_without_kernswap_refuses_slots);
	ATF_TP_ADD_TC(tp, kernobj_flags_reset_for_next_boot);
	ATF_TP_ADD_TC(tp, kernobj_put_free_frees_pages);
	ATF_TP_ADD_TC(tp, detach_waits_for_busy_page);
	ATF_TP_ADD_TC(tp, put_free_waits_for_busy_page);
	ATF_TP_ADD_TC(tp, get_unlocked_waits_for_busy_page);
	ATF_TP_ADD_TC(tp, shutdown_with_live_aobj_panics);
	return atf_no_error();
}
