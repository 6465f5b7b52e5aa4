/*
 * t_loan: page loanout, uvm_loan(9) and uvm_unloan(): the pages lent,
 * their bytes on both sides of a loan break, who owns what afterwards,
 * the counters, and the errors.
 */
#include "h_machine.h"
#include "uvm/uvm_impl.h"	/* uvm_loanbreak, uvm_loanbreak_anon */

#include <uvm/uvm_amap.h>
#include <uvm/uvm_anon.h>
#include <uvm/uvm_aobj.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NPG	4

static struct vmspace *vm;
static vaddr_t va;

/*
 * Boot and make a process-like vmspace with NPG pages at va: private
 * anonymous memory (uobj NULL: copy-on-write zero-fill, as a process's
 * heap), or uobj mapped shared (flags 0) or private (UVM_FLAG_COPYONW).
 */
static void
setup_map(struct uvm_object *uobj, int flags)
{
	int error;

	vm = uvmspace_alloc(VM_MIN_ADDRESS, VM_MAXUSER_ADDRESS, false);
	va = 0;
	error = uvm_map(&vm->vm_map, &va, ptoa(NPG), uobj,
	    uobj != NULL ? 0 : UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_RW,
	    uobj != NULL && flags == 0 ? UVM_INH_SHARE : UVM_INH_COPY,
	    UVM_ADV_NORMAL, flags));
	ATF_REQUIRE_EQ(error, 0);
	H_CHECK(&vm->vm_map);
}

/* Private anonymous memory. */
static void
setup(void)
{
	h_boot(16 << 20, 0);
	setup_map(NULL, UVM_FLAG_COPYONW);
}

/* An aobj of NPG pages mapped shared (cow false) or private (cow true). */
static struct uvm_object *
setup_obj(bool cow)
{
	struct uvm_object *uobj;

	h_boot(16 << 20, 0);
	uobj = uao_create(ptoa(NPG), 0);
	ATF_REQUIRE(uobj != NULL);
	setup_map(uobj, cow ? UVM_FLAG_COPYONW : 0);
	return uobj;
}

static void
fill(vaddr_t at, size_t len, int c)
{
	char buf[len];

	memset(buf, c, len);
	ATF_REQUIRE_EQ(copyout_vmspace(vm, buf, (void *)at, len), 0);
}

static bool
holds(vaddr_t at, size_t len, int c)
{
	char buf[len];

	ATF_REQUIRE_EQ(copyin_vmspace(vm, (const void *)at, buf, len), 0);
	for (size_t i = 0; i < len; i++)
		if (buf[i] != (char)c)
			return false;
	return true;
}

static bool
page_holds(struct vm_page *pg, int c)
{
	const char *p = uvm_page_kva(pg);

	for (size_t i = 0; i < PAGE_SIZE; i++)
		if (p[i] != (char)c)
			return false;
	return true;
}

/* The page mapped at at, or NULL. */
static struct vm_page *
mapped_page(vaddr_t at)
{
	paddr_t pa;

	if (!pmap_extract(vm->vm_map.pmap, at, &pa))
		return NULL;
	return PHYS_TO_VM_PAGE(pa);
}

static void
check_obj(struct uvm_object *uobj)
{
	const char *why = uao_check(uobj);

	ATF_CHECK_MSG(why == NULL, "uao_check: %s", why);
}

static void
check_all(void)
{
	const char *why = uvm_amap_check(NULL);

	ATF_CHECK_MSG(why == NULL, "uvm_amap_check: %s", why);
	H_CHECK(&vm->vm_map);
}

static void
teardown(void)
{
	uvmspace_free(vm);
	H_CHECK(NULL);
	ATF_CHECK(uvm_amap_check(NULL) == NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(loan_topage_gives_the_pages_bytes_mapped_readonly);
ATF_TC_BODY(loan_topage_gives_the_pages_bytes_mapped_readonly, tc)
{
	struct vm_page *pgs[NPG];
	int faults;

	setup();
	fill(va, ptoa(NPG), 0x5a);
	/* Writable before the loan: writing again does not fault. */
	faults = uvmexp.faults;
	fill(va, ptoa(NPG), 0x5a);
	ATF_CHECK_EQ(uvmexp.faults, faults);
	ATF_REQUIRE_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG), pgs,
	    UVM_LOAN_TOPAGE), 0);
	check_all();
	for (int i = 0; i < NPG; i++) {
		ATF_CHECK_EQ(pgs[i]->loan_count, 1);
		ATF_CHECK(pgs[i]->uanon != NULL && pgs[i]->uobject == NULL);
		ATF_CHECK(page_holds(pgs[i], 0x5a));
		/* The owner still maps the loaned page... */
		ATF_CHECK_EQ(mapped_page(va + ptoa(i)), pgs[i]);
	}
	/* ... read-only: reading does not fault. */
	faults = uvmexp.faults;
	ATF_CHECK(holds(va, ptoa(NPG), 0x5a));
	ATF_CHECK_EQ(uvmexp.faults, faults);
	uvm_unloan(pgs, NPG, UVM_LOAN_TOPAGE);
	for (int i = 0; i < NPG; i++) {
		ATF_CHECK_EQ(pgs[i]->loan_count, 0);
		ATF_CHECK_EQ(mapped_page(va + ptoa(i)), pgs[i]);
	}
	check_all();
	ATF_CHECK(holds(va, ptoa(NPG), 0x5a));
	teardown();
}

ATF_TC_WITHOUT_HEAD(loan_topage_anon_owner_write_breaks_loan);
ATF_TC_BODY(loan_topage_anon_owner_write_breaks_loan, tc)
{
	struct vm_page *pgs[NPG];
	struct vm_anon *anons[NPG];
	int freebefore, faults, acow, anon, nanon, apages;

	setup();
	fill(va, ptoa(NPG), 0x11);
	ATF_REQUIRE_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG), pgs,
	    UVM_LOAN_TOPAGE), 0);
	for (int i = 0; i < NPG; i++)
		anons[i] = pgs[i]->uanon;
	faults = uvmexp.faults;
	acow = uvmexp.flt_acow;
	anon = uvmexp.flt_anon;
	nanon = uvmexp.nanon;
	apages = uvmexp.anonpages;
	/* The owner writes: it gets a copy, the borrower keeps 0x11. */
	fill(va, ptoa(NPG), 0x22);
	check_all();
	/* One fault a page, each breaking the loan in place (case 1A). */
	ATF_CHECK_EQ(uvmexp.faults, faults + NPG);
	ATF_CHECK_EQ(uvmexp.flt_anon, anon + NPG);
	ATF_CHECK_EQ(uvmexp.flt_acow, acow);
	ATF_CHECK_EQ(uvmexp.nanon, nanon);
	ATF_CHECK(holds(va, ptoa(NPG), 0x22));
	for (int i = 0; i < NPG; i++) {
		struct vm_page *now = mapped_page(va + ptoa(i));

		ATF_CHECK(page_holds(pgs[i], 0x11));
		ATF_REQUIRE(now != NULL);
		ATF_CHECK(now != pgs[i]);
		/* Same anon, new page; the old one is an orphan. */
		ATF_CHECK_EQ(now->uanon, anons[i]);
		ATF_CHECK_EQ(anons[i]->an_page, now);
		ATF_CHECK(pgs[i]->uanon == NULL && pgs[i]->uobject == NULL);
		ATF_CHECK_EQ(pgs[i]->loan_count, 1);
		ATF_CHECK((pgs[i]->pqflags & (PQ_ACTIVE | PQ_INACTIVE)) == 0);
	}
	/* Orphans are no anon's pages. */
	ATF_CHECK_EQ(uvmexp.anonpages, apages);
	/* The old pages belong to the loan alone: unloan frees them. */
	freebefore = uvmexp.free;
	uvm_unloan(pgs, NPG, UVM_LOAN_TOPAGE);
	ATF_CHECK_EQ(uvmexp.free, freebefore + NPG);
	check_all();
	ATF_CHECK(holds(va, ptoa(NPG), 0x22));
	teardown();
}

ATF_TC_WITHOUT_HEAD(loan_topage_owner_unmap_leaves_page_to_borrower);
ATF_TC_BODY(loan_topage_owner_unmap_leaves_page_to_borrower, tc)
{
	struct vm_page *pgs[NPG];
	int freebefore, apages;

	setup();
	fill(va, ptoa(NPG), 0x33);
	ATF_REQUIRE_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG), pgs,
	    UVM_LOAN_TOPAGE), 0);
	freebefore = uvmexp.free;
	apages = uvmexp.anonpages;
	uvm_unmap(&vm->vm_map, va, va + ptoa(NPG));
	check_all();
	/* Still there, bytes intact, not free, nobody's. */
	ATF_CHECK_EQ(uvmexp.free, freebefore);
	ATF_CHECK_EQ(uvmexp.anonpages, apages - NPG);
	for (int i = 0; i < NPG; i++) {
		ATF_CHECK(page_holds(pgs[i], 0x33));
		ATF_CHECK(pgs[i]->uanon == NULL && pgs[i]->uobject == NULL);
		ATF_CHECK_EQ(pgs[i]->loan_count, 1);
	}
	uvm_unloan(pgs, NPG, UVM_LOAN_TOPAGE);
	check_all();
	ATF_CHECK_EQ(uvmexp.free, freebefore + NPG);
	teardown();
}

ATF_TC_WITHOUT_HEAD(loan_topage_twice_needs_two_unloans);
ATF_TC_BODY(loan_topage_twice_needs_two_unloans, tc)
{
	struct vm_page *a[NPG], *b[NPG];
	int freebefore;

	setup();
	fill(va, ptoa(NPG), 0x3c);
	ATF_REQUIRE_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG), a,
	    UVM_LOAN_TOPAGE), 0);
	ATF_REQUIRE_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG), b,
	    UVM_LOAN_TOPAGE), 0);
	for (int i = 0; i < NPG; i++) {
		ATF_CHECK_EQ(a[i], b[i]);
		ATF_CHECK_EQ(a[i]->loan_count, 2);
	}
	uvm_unmap(&vm->vm_map, va, va + ptoa(NPG));
	check_all();
	freebefore = uvmexp.free;
	uvm_unloan(a, NPG, UVM_LOAN_TOPAGE);
	ATF_CHECK_EQ(uvmexp.free, freebefore);
	for (int i = 0; i < NPG; i++)
		ATF_CHECK(page_holds(b[i], 0x3c));
	check_all();
	uvm_unloan(b, NPG, UVM_LOAN_TOPAGE);
	ATF_CHECK_EQ(uvmexp.free, freebefore + NPG);
	check_all();
	teardown();
}

ATF_TC_WITHOUT_HEAD(loan_toanon_shares_anon_copy_on_write);
ATF_TC_BODY(loan_toanon_shares_anon_copy_on_write, tc)
{
	struct vm_anon *anons[NPG];
	int nanon, acow;

	setup();
	fill(va, ptoa(NPG), 0x44);
	nanon = uvmexp.nanon;
	ATF_REQUIRE_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG), anons,
	    UVM_LOAN_TOANON), 0);
	check_all();
	/* No new anons: the owner's, with one more reference each. */
	ATF_CHECK_EQ(uvmexp.nanon, nanon);
	for (int i = 0; i < NPG; i++) {
		ATF_CHECK_EQ(anons[i]->an_ref, 2);
		ATF_REQUIRE(anons[i]->an_page != NULL);
		ATF_CHECK_EQ(anons[i]->an_page->loan_count, 0);
		ATF_CHECK_EQ(mapped_page(va + ptoa(i)), anons[i]->an_page);
	}
	acow = uvmexp.flt_acow;
	fill(va, ptoa(NPG), 0x55);	/* copy-on-write in the owner */
	check_all();
	ATF_CHECK_EQ(uvmexp.flt_acow, acow + NPG);
	ATF_CHECK_EQ(uvmexp.nanon, nanon + NPG);
	ATF_CHECK(holds(va, ptoa(NPG), 0x55));
	for (int i = 0; i < NPG; i++) {
		ATF_CHECK_EQ(anons[i]->an_ref, 1);
		ATF_CHECK(page_holds(anons[i]->an_page, 0x44));
		ATF_CHECK(mapped_page(va + ptoa(i)) != anons[i]->an_page);
	}
	uvm_unloan(anons, NPG, UVM_LOAN_TOANON);
	ATF_CHECK_EQ(uvmexp.nanon, nanon);
	check_all();
	teardown();
}

ATF_TC_WITHOUT_HEAD(loan_toanon_outlives_owner_unmap);
ATF_TC_BODY(loan_toanon_outlives_owner_unmap, tc)
{
	struct vm_anon *anons[NPG];
	int nanon, freebefore;

	setup();
	fill(va, ptoa(NPG), 0x4b);
	nanon = uvmexp.nanon;
	ATF_REQUIRE_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG), anons,
	    UVM_LOAN_TOANON), 0);
	/* The amap (and the lock it made) goes; the anons stay. */
	uvm_unmap(&vm->vm_map, va, va + ptoa(NPG));
	check_all();
	ATF_CHECK_EQ(uvmexp.nanon, nanon);
	for (int i = 0; i < NPG; i++) {
		ATF_CHECK_EQ(anons[i]->an_ref, 1);
		mutex_enter(anons[i]->an_lock);
		ATF_CHECK(page_holds(anons[i]->an_page, 0x4b));
		mutex_exit(anons[i]->an_lock);
	}
	freebefore = uvmexp.free;
	uvm_unloan(anons, NPG, UVM_LOAN_TOANON);
	ATF_CHECK_EQ(uvmexp.nanon, nanon - NPG);
	ATF_CHECK_EQ(uvmexp.free, freebefore + NPG);
	check_all();
	teardown();
}

ATF_TC_WITHOUT_HEAD(loan_toanon_of_object_page_makes_anon);
ATF_TC_BODY(loan_toanon_of_object_page_makes_anon, tc)
{
	struct vm_anon *anons[NPG];
	struct vm_page *old[NPG];
	struct uvm_object *uobj;
	int nanon, obj;

	uobj = setup_obj(false);
	fill(va, ptoa(NPG), 0x66);
	nanon = uvmexp.nanon;
	ATF_REQUIRE_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG), anons,
	    UVM_LOAN_TOANON), 0);
	check_all();
	check_obj(uobj);
	ATF_CHECK_EQ(uvmexp.nanon, nanon + NPG);
	for (int i = 0; i < NPG; i++) {
		struct vm_page *pg = anons[i]->an_page;

		ATF_REQUIRE(pg != NULL);
		old[i] = pg;
		ATF_CHECK_EQ(anons[i]->an_ref, 1);
		ATF_CHECK(anons[i]->an_lock != uobj->vmobjlock);
		ATF_CHECK_EQ(pg->uobject, uobj);
		ATF_CHECK_EQ(pg->uanon, anons[i]);
		ATF_CHECK_EQ(pg->loan_count, 1);
		ATF_CHECK(page_holds(pg, 0x66));
	}
	/* The object's owner writes: the anons keep the old bytes. */
	obj = uvmexp.flt_obj;
	fill(va, ptoa(NPG), 0x77);
	check_all();
	check_obj(uobj);
	ATF_CHECK_EQ(uvmexp.flt_obj, obj + NPG);
	ATF_CHECK(holds(va, ptoa(NPG), 0x77));
	for (int i = 0; i < NPG; i++) {
		struct vm_page *now;

		/* The anon owns the old page now, no loan left. */
		ATF_CHECK_EQ(anons[i]->an_page, old[i]);
		ATF_CHECK(page_holds(old[i], 0x66));
		ATF_CHECK(old[i]->uobject == NULL);
		ATF_CHECK((old[i]->flags & PG_ANON) != 0);
		ATF_CHECK_EQ(old[i]->loan_count, 0);
		/* The object has a new page with the new bytes. */
		mutex_enter(uobj->vmobjlock);
		now = uvm_pagelookup(uobj, ptoa(i));
		mutex_exit(uobj->vmobjlock);
		ATF_REQUIRE(now != NULL);
		ATF_CHECK(now != old[i]);
		ATF_CHECK(page_holds(now, 0x77));
	}
	uvm_unloan(anons, NPG, UVM_LOAN_TOANON);
	ATF_CHECK_EQ(uvmexp.nanon, nanon);
	check_all();
	check_obj(uobj);
	teardown();
}

ATF_TC_WITHOUT_HEAD(loan_toanon_of_object_page_unloan_returns_page);
ATF_TC_BODY(loan_toanon_of_object_page_unloan_returns_page, tc)
{
	struct vm_anon *a[NPG], *b[NPG];
	struct uvm_object *uobj;
	int nanon, freebefore;

	uobj = setup_obj(false);
	fill(va, ptoa(NPG), 0x67);
	nanon = uvmexp.nanon;
	ATF_REQUIRE_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG), a,
	    UVM_LOAN_TOANON), 0);
	/* A second loan to anons shares the first one's anons. */
	ATF_REQUIRE_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG), b,
	    UVM_LOAN_TOANON), 0);
	ATF_CHECK_EQ(uvmexp.nanon, nanon + NPG);
	for (int i = 0; i < NPG; i++) {
		ATF_CHECK_EQ(a[i], b[i]);
		ATF_CHECK_EQ(a[i]->an_ref, 2);
		ATF_CHECK_EQ(a[i]->an_page->loan_count, 1);
	}
	check_all();
	check_obj(uobj);
	freebefore = uvmexp.free;
	uvm_unloan(a, NPG, UVM_LOAN_TOANON);
	uvm_unloan(b, NPG, UVM_LOAN_TOANON);
	/* The pages are the object's alone again, nothing freed. */
	ATF_CHECK_EQ(uvmexp.nanon, nanon);
	ATF_CHECK_EQ(uvmexp.free, freebefore);
	for (int i = 0; i < NPG; i++) {
		struct vm_page *pg = mapped_page(va + ptoa(i));

		ATF_REQUIRE(pg != NULL);
		ATF_CHECK_EQ(pg->uobject, uobj);
		ATF_CHECK(pg->uanon == NULL);
		ATF_CHECK_EQ(pg->loan_count, 0);
	}
	check_all();
	check_obj(uobj);
	/* The owner writes in place: no loan to break any more. */
	fill(va, ptoa(NPG), 0x68);
	ATF_CHECK(holds(va, ptoa(NPG), 0x68));
	teardown();
}

ATF_TC_WITHOUT_HEAD(loan_toanon_object_freed_gives_page_to_anon);
ATF_TC_BODY(loan_toanon_object_freed_gives_page_to_anon, tc)
{
	struct vm_anon *anons[NPG];
	struct vm_page *old[NPG];
	int nanon, apages, freebefore;

	(void)setup_obj(false);
	fill(va, ptoa(NPG), 0x69);
	ATF_REQUIRE_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG), anons,
	    UVM_LOAN_TOANON), 0);
	for (int i = 0; i < NPG; i++)
		old[i] = anons[i]->an_page;
	nanon = uvmexp.nanon;
	apages = uvmexp.anonpages;
	freebefore = uvmexp.free;
	/* The map held the object's only reference: it dies. */
	uvm_unmap(&vm->vm_map, va, va + ptoa(NPG));
	check_all();
	ATF_CHECK_EQ(uvmexp.free, freebefore);
	/* aobj pages counted as anon pages before and after. */
	ATF_CHECK_EQ(uvmexp.anonpages, apages);
	for (int i = 0; i < NPG; i++) {
		ATF_CHECK_EQ(anons[i]->an_page, old[i]);
		ATF_CHECK(old[i]->uobject == NULL);
		ATF_CHECK_EQ(old[i]->uanon, anons[i]);
		ATF_CHECK((old[i]->flags & PG_ANON) != 0);
		ATF_CHECK_EQ(old[i]->loan_count, 0);
		ATF_CHECK(page_holds(old[i], 0x69));
	}
	uvm_unloan(anons, NPG, UVM_LOAN_TOANON);
	ATF_CHECK_EQ(uvmexp.nanon, nanon - NPG);
	ATF_CHECK_EQ(uvmexp.free, freebefore + NPG);
	check_all();
	teardown();
}

ATF_TC_WITHOUT_HEAD(loan_topage_object_owner_write_breaks_loan);
ATF_TC_BODY(loan_topage_object_owner_write_breaks_loan, tc)
{
	struct vm_page *pgs[NPG];
	struct uvm_object *uobj;
	int freebefore, npages;

	uobj = setup_obj(false);
	fill(va, ptoa(NPG), 0x12);
	ATF_REQUIRE_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG), pgs,
	    UVM_LOAN_TOPAGE), 0);
	for (int i = 0; i < NPG; i++) {
		ATF_CHECK_EQ(pgs[i]->uobject, uobj);
		ATF_CHECK_EQ(pgs[i]->loan_count, 1);
	}
	npages = uobj->uo_npages;
	fill(va, ptoa(NPG), 0x13);
	check_all();
	check_obj(uobj);
	ATF_CHECK_EQ(uobj->uo_npages, npages);
	ATF_CHECK(holds(va, ptoa(NPG), 0x13));
	for (int i = 0; i < NPG; i++) {
		struct vm_page *now;

		ATF_CHECK(page_holds(pgs[i], 0x12));
		ATF_CHECK(pgs[i]->uobject == NULL && pgs[i]->uanon == NULL);
		mutex_enter(uobj->vmobjlock);
		now = uvm_pagelookup(uobj, ptoa(i));
		mutex_exit(uobj->vmobjlock);
		ATF_CHECK(now != NULL && now != pgs[i]);
		ATF_CHECK_EQ(mapped_page(va + ptoa(i)), now);
	}
	freebefore = uvmexp.free;
	uvm_unloan(pgs, NPG, UVM_LOAN_TOPAGE);
	ATF_CHECK_EQ(uvmexp.free, freebefore + NPG);
	check_all();
	teardown();
}

ATF_TC_WITHOUT_HEAD(obj_wirepages_breaks_loans_first);
ATF_TC_BODY(obj_wirepages_breaks_loans_first, tc)
{
	struct vm_page *pgs[NPG];
	struct uvm_object *uobj;
	int wired0;

	uobj = setup_obj(false);
	fill(va, ptoa(NPG), 0x21);
	ATF_REQUIRE_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG), pgs,
	    UVM_LOAN_TOPAGE), 0);
	wired0 = uvmexp.wired;
	ATF_REQUIRE_EQ(uvm_obj_wirepages(uobj, 0, ptoa(NPG), NULL), 0);
	check_all();
	check_obj(uobj);
	ATF_CHECK_EQ(uvmexp.wired, wired0 + NPG);
	for (int i = 0; i < NPG; i++) {
		struct vm_page *now;

		/* The borrower keeps the lent page, the object a copy. */
		ATF_CHECK(page_holds(pgs[i], 0x21));
		ATF_CHECK(pgs[i]->uobject == NULL);
		ATF_CHECK_EQ(pgs[i]->wire_count, 0);
		mutex_enter(uobj->vmobjlock);
		now = uvm_pagelookup(uobj, ptoa(i));
		mutex_exit(uobj->vmobjlock);
		ATF_REQUIRE(now != NULL && now != pgs[i]);
		ATF_CHECK_EQ(now->wire_count, 1);
		ATF_CHECK(page_holds(now, 0x21));
	}
	uvm_obj_unwirepages(uobj, 0, ptoa(NPG));
	ATF_CHECK_EQ(uvmexp.wired, wired0);
	uvm_unloan(pgs, NPG, UVM_LOAN_TOPAGE);
	check_all();
	teardown();
}

ATF_TC_WITHOUT_HEAD(loan_topage_object_freed_leaves_orphan);
ATF_TC_BODY(loan_topage_object_freed_leaves_orphan, tc)
{
	struct vm_page *pgs[NPG];
	int freebefore;

	(void)setup_obj(false);
	fill(va, ptoa(NPG), 0x14);
	ATF_REQUIRE_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG), pgs,
	    UVM_LOAN_TOPAGE), 0);
	freebefore = uvmexp.free;
	uvm_unmap(&vm->vm_map, va, va + ptoa(NPG));	/* the aobj dies */
	check_all();
	ATF_CHECK_EQ(uvmexp.free, freebefore);
	for (int i = 0; i < NPG; i++) {
		ATF_CHECK(pgs[i]->uobject == NULL && pgs[i]->uanon == NULL);
		ATF_CHECK(page_holds(pgs[i], 0x14));
	}
	uvm_unloan(pgs, NPG, UVM_LOAN_TOPAGE);
	ATF_CHECK_EQ(uvmexp.free, freebefore + NPG);
	check_all();
	teardown();
}

ATF_TC_WITHOUT_HEAD(loan_topage_and_toanon_of_object_page_then_write);
ATF_TC_BODY(loan_topage_and_toanon_of_object_page_then_write, tc)
{
	struct vm_page *pgs[NPG];
	struct vm_anon *anons[NPG];
	struct uvm_object *uobj;
	int freebefore, nanon;

	uobj = setup_obj(false);
	fill(va, ptoa(NPG), 0x15);
	nanon = uvmexp.nanon;
	ATF_REQUIRE_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG), pgs,
	    UVM_LOAN_TOPAGE), 0);
	ATF_REQUIRE_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG), anons,
	    UVM_LOAN_TOANON), 0);
	for (int i = 0; i < NPG; i++) {
		ATF_CHECK_EQ(anons[i]->an_page, pgs[i]);
		ATF_CHECK_EQ(pgs[i]->loan_count, 2);
	}
	fill(va, ptoa(NPG), 0x16);	/* the object's loan break */
	check_all();
	check_obj(uobj);
	for (int i = 0; i < NPG; i++) {
		/* The anon owns the old page; the kernel still borrows it. */
		ATF_CHECK(pgs[i]->uobject == NULL);
		ATF_CHECK_EQ(pgs[i]->uanon, anons[i]);
		ATF_CHECK_EQ(pgs[i]->loan_count, 1);
		ATF_CHECK(page_holds(pgs[i], 0x15));
	}
	/* The anon goes first: the page is an orphan of the kernel loan. */
	freebefore = uvmexp.free;
	uvm_unloan(anons, NPG, UVM_LOAN_TOANON);
	ATF_CHECK_EQ(uvmexp.nanon, nanon);
	ATF_CHECK_EQ(uvmexp.free, freebefore);
	check_all();
	for (int i = 0; i < NPG; i++) {
		ATF_CHECK(pgs[i]->uanon == NULL && pgs[i]->uobject == NULL);
		ATF_CHECK(page_holds(pgs[i], 0x15));
	}
	uvm_unloan(pgs, NPG, UVM_LOAN_TOPAGE);
	ATF_CHECK_EQ(uvmexp.free, freebefore + NPG);
	check_all();
	ATF_CHECK(holds(va, ptoa(NPG), 0x16));
	teardown();
}

ATF_TC_WITHOUT_HEAD(loan_topage_private_object_write_promotes);
ATF_TC_BODY(loan_topage_private_object_write_promotes, tc)
{
	struct vm_page *pgs[NPG];
	struct uvm_object *uobj;
	int prcopy;

	h_boot(16 << 20, 0);
	uobj = uao_create(ptoa(NPG), 0);
	ATF_REQUIRE(uobj != NULL);
	/* Put bytes in the object through a shared mapping first. */
	setup_map(uobj, 0);
	uao_reference(uobj);
	fill(va, ptoa(NPG), 0x17);
	uvmspace_free(vm);
	setup_map(uobj, UVM_FLAG_COPYONW);
	ATF_REQUIRE_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG), pgs,
	    UVM_LOAN_TOPAGE), 0);
	for (int i = 0; i < NPG; i++)
		ATF_CHECK_EQ(pgs[i]->uobject, uobj);
	prcopy = uvmexp.flt_prcopy;
	fill(va, ptoa(NPG), 0x18);	/* private copies; the object keeps */
	check_all();
	ATF_CHECK_EQ(uvmexp.flt_prcopy, prcopy + NPG);
	ATF_CHECK(holds(va, ptoa(NPG), 0x18));
	for (int i = 0; i < NPG; i++) {
		ATF_CHECK_EQ(pgs[i]->uobject, uobj);
		ATF_CHECK_EQ(pgs[i]->loan_count, 1);
		ATF_CHECK(page_holds(pgs[i], 0x17));
	}
	uvm_unloan(pgs, NPG, UVM_LOAN_TOPAGE);
	check_all();
	check_obj(uobj);
	teardown();
}

ATF_TC_WITHOUT_HEAD(loan_of_wired_page_fails_ebusy);
ATF_TC_BODY(loan_of_wired_page_fails_ebusy, tc)
{
	struct vm_page *pgs[NPG];
	struct vm_page *pg[NPG];

	setup();
	fill(va, ptoa(NPG), 0x01);
	ATF_REQUIRE_EQ(uvm_map_pageable(&vm->vm_map, va + ptoa(NPG - 1),
	    va + ptoa(NPG), false, 0), 0);
	for (int i = 0; i < NPG; i++)
		ATF_REQUIRE((pg[i] = mapped_page(va + ptoa(i))) != NULL);
	ATF_CHECK_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG), pgs,
	    UVM_LOAN_TOPAGE), EBUSY);
	ATF_CHECK_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG), pgs,
	    UVM_LOAN_TOANON), EBUSY);
	/* The pages loaned before the wired one were given back. */
	for (int i = 0; i < NPG; i++) {
		ATF_CHECK_EQ(pg[i]->loan_count, 0);
		ATF_CHECK_EQ(pg[i]->uanon->an_ref, 1);
	}
	check_all();
	/* The wired page alone, too; the others can be lent. */
	ATF_CHECK_EQ(uvm_loan(&vm->vm_map, va + ptoa(NPG - 1), ptoa(1), pgs,
	    UVM_LOAN_TOPAGE), EBUSY);
	ATF_CHECK_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG - 1), pgs,
	    UVM_LOAN_TOPAGE), 0);
	uvm_unloan(pgs, NPG - 1, UVM_LOAN_TOPAGE);
	check_all();
	/* Unwired again, it can be lent like the others. */
	ATF_REQUIRE_EQ(uvm_map_pageable(&vm->vm_map, va + ptoa(NPG - 1),
	    va + ptoa(NPG), true, 0), 0);
	ATF_CHECK_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG), pgs,
	    UVM_LOAN_TOPAGE), 0);
	ATF_CHECK_EQ(pgs[NPG - 1], pg[NPG - 1]);
	uvm_unloan(pgs, NPG, UVM_LOAN_TOPAGE);
	check_all();
	teardown();
}

ATF_TC_WITHOUT_HEAD(loan_unmapped_range_fails_efault);
ATF_TC_BODY(loan_unmapped_range_fails_efault, tc)
{
	struct vm_page *pgs[NPG + 1];

	setup();
	fill(va, ptoa(NPG), 0x02);
	ATF_CHECK_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG + 1), pgs,
	    UVM_LOAN_TOPAGE), EFAULT);
	for (int i = 0; i < NPG; i++) {
		struct vm_page *pg = mapped_page(va + ptoa(i));

		ATF_REQUIRE(pg != NULL);
		ATF_CHECK_EQ(pg->loan_count, 0);
	}
	/* Beyond the map altogether. */
	ATF_CHECK_EQ(uvm_loan(&vm->vm_map, VM_MAXUSER_ADDRESS, ptoa(1), pgs,
	    UVM_LOAN_TOPAGE), EFAULT);
	check_all();
	teardown();
}

ATF_TC_WITHOUT_HEAD(loan_unreadable_range_fails_eacces);
ATF_TC_BODY(loan_unreadable_range_fails_eacces, tc)
{
	struct vm_page *pgs[NPG];

	setup();
	fill(va, ptoa(NPG), 0x03);
	ATF_REQUIRE_EQ(uvm_map_protect(&vm->vm_map, va + ptoa(1),
	    va + ptoa(2), VM_PROT_NONE, false), 0);
	ATF_CHECK_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG), pgs,
	    UVM_LOAN_TOPAGE), EACCES);
	ATF_CHECK_EQ(mapped_page(va)->loan_count, 0);
	check_all();
	teardown();
}

ATF_TC_WITHOUT_HEAD(loan_bad_arguments_fail_einval);
ATF_TC_BODY(loan_bad_arguments_fail_einval, tc)
{
	void *v[NPG];

	setup();
	ATF_CHECK_EQ(uvm_loan(&vm->vm_map, va, ptoa(1), v, 0), EINVAL);
	ATF_CHECK_EQ(uvm_loan(&vm->vm_map, va, ptoa(1), v,
	    UVM_LOAN_TOANON | UVM_LOAN_TOPAGE), EINVAL);
	ATF_CHECK_EQ(uvm_loan(&vm->vm_map, va, ptoa(1), v, 0x4), EINVAL);
	ATF_CHECK_EQ(uvm_loan(&vm->vm_map, va + 1, ptoa(1), v,
	    UVM_LOAN_TOPAGE), EINVAL);
	ATF_CHECK_EQ(uvm_loan(&vm->vm_map, va, 100, v, UVM_LOAN_TOPAGE),
	    EINVAL);
	ATF_CHECK_EQ(uvm_loan(&vm->vm_map, va, ptoa(1), NULL,
	    UVM_LOAN_TOPAGE), EINVAL);
	/* Nothing was faulted in or lent. */
	ATF_CHECK(mapped_page(va) == NULL);
	check_all();
	teardown();
}

ATF_TC_WITHOUT_HEAD(loan_faults_in_missing_pages);
ATF_TC_BODY(loan_faults_in_missing_pages, tc)
{
	struct vm_page *pgs[NPG];
	int faults;

	setup();
	faults = uvmexp.faults;
	ATF_REQUIRE_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG), pgs,
	    UVM_LOAN_TOPAGE), 0);
	ATF_CHECK(uvmexp.faults >= faults + NPG);
	for (int i = 0; i < NPG; i++) {
		ATF_CHECK(page_holds(pgs[i], 0));
		ATF_CHECK_EQ(mapped_page(va + ptoa(i)), pgs[i]);
	}
	check_all();
	/* The owner's first write breaks the loan of the zero page. */
	fill(va, ptoa(NPG), 0x04);
	for (int i = 0; i < NPG; i++)
		ATF_CHECK(page_holds(pgs[i], 0));
	uvm_unloan(pgs, NPG, UVM_LOAN_TOPAGE);
	check_all();
	teardown();
}

ATF_TC_WITHOUT_HEAD(loan_zero_length_lends_nothing);
ATF_TC_BODY(loan_zero_length_lends_nothing, tc)
{
	void *v[1] = { NULL };

	setup();
	ATF_CHECK_EQ(uvm_loan(&vm->vm_map, va, 0, v, UVM_LOAN_TOPAGE), 0);
	ATF_CHECK(v[0] == NULL);
	ATF_CHECK(mapped_page(va) == NULL);
	uvm_unloan(v, 0, UVM_LOAN_TOPAGE);
	check_all();
	teardown();
}

/* uvm_unloan() in another thread. */
struct unloader {
	struct vm_page	*pg;
	volatile int	done;
};

static void
unloader_run(void *arg)
{
	struct unloader *u = arg;

	uvm_unloan(&u->pg, 1, UVM_LOAN_TOPAGE);
	u->done = 1;
	kthread_exit(0);
}

ATF_TC_WITHOUT_HEAD(unloan_waits_for_the_owners_lock);
ATF_TC_BODY(unloan_waits_for_the_owners_lock, tc)
{
	struct unloader u = { NULL, 0 };
	struct vm_page *pg;
	struct lwp *l;
	kmutex_t *lock;

	setup();
	fill(va, ptoa(1), 0x21);
	ATF_REQUIRE_EQ(uvm_loan(&vm->vm_map, va, ptoa(1), &pg,
	    UVM_LOAN_TOPAGE), 0);
	u.pg = pg;
	lock = pg->uanon->an_lock;
	mutex_enter(lock);
	ATF_REQUIRE_EQ(kthread_create(PRI_NONE, KTHREAD_MUSTJOIN, NULL,
	    unloader_run, &u, &l, "unloader"), 0);
	for (int i = 0; i < 20; i++)
		kpause("unloan", false, 1, NULL);
	/* The owner's lock is ours: the loan cannot have gone yet. */
	ATF_CHECK_EQ(u.done, 0);
	ATF_CHECK_EQ(pg->loan_count, 1);
	mutex_exit(lock);
	ATF_REQUIRE_EQ(kthread_join(l), 0);
	ATF_CHECK_EQ(u.done, 1);
	ATF_CHECK_EQ(pg->loan_count, 0);
	check_all();
	teardown();
}

/* Lending and writing the same pages from two threads. */
#define STRESS_ROUNDS	300

struct writer {
	volatile int	stop;
	int		error;
};

static void
writer_run(void *arg)
{
	struct writer *w = arg;

	for (int k = 0; !w->stop && w->error == 0; k++) {
		for (int i = 0; i < NPG && w->error == 0; i++) {
			/* Each page holds one byte value throughout. */
			char page[PAGE_SIZE];

			memset(page, (k + i) & 0x7f, PAGE_SIZE);
			w->error = copyout_vmspace(vm, page,
			    (void *)(va + ptoa(i)), PAGE_SIZE);
		}
	}
	kthread_exit(0);
}

static bool
page_uniform(struct vm_page *pg)
{
	const char *p = uvm_page_kva(pg);

	for (size_t i = 1; i < PAGE_SIZE; i++)
		if (p[i] != p[0])
			return false;
	return true;
}

ATF_TC_WITHOUT_HEAD(loan_races_owner_writes_keeps_invariants);
ATF_TC_BODY(loan_races_owner_writes_keeps_invariants, tc)
{
	struct writer w = { 0, 0 };
	struct vm_page *pgs[NPG];
	struct vm_anon *anons[NPG];
	struct lwp *l;
	int freebefore, nanon, bad = 0;

	setup();
	fill(va, ptoa(NPG), 0);
	freebefore = uvmexp.free;
	nanon = uvmexp.nanon;
	ATF_REQUIRE_EQ(kthread_create(PRI_NONE, KTHREAD_MUSTJOIN, NULL,
	    writer_run, &w, &l, "writer"), 0);
	for (int r = 0; r < STRESS_ROUNDS; r++) {
		if ((r & 1) == 0) {
			ATF_REQUIRE_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG),
			    pgs, UVM_LOAN_TOPAGE), 0);
			yield();	/* let the writer at them */
			/* A borrowed page never changes under the borrower. */
			for (int i = 0; i < NPG; i++)
				if (!page_uniform(pgs[i]))
					bad++;
			uvm_unloan(pgs, NPG, UVM_LOAN_TOPAGE);
		} else {
			ATF_REQUIRE_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG),
			    anons, UVM_LOAN_TOANON), 0);
			yield();
			for (int i = 0; i < NPG; i++) {
				mutex_enter(anons[i]->an_lock);
				if (!page_uniform(anons[i]->an_page))
					bad++;
				mutex_exit(anons[i]->an_lock);
			}
			uvm_unloan(anons, NPG, UVM_LOAN_TOANON);
		}
	}
	w.stop = 1;
	ATF_REQUIRE_EQ(kthread_join(l), 0);
	ATF_CHECK_EQ(w.error, 0);
	ATF_CHECK_EQ(bad, 0);
	check_all();
	/* Every orphan and every borrowed anon went back. */
	ATF_CHECK_EQ(uvmexp.free, freebefore);
	ATF_CHECK_EQ(uvmexp.nanon, nanon);
	teardown();
}

ATF_TC_WITHOUT_HEAD(loanbreak_anon_without_memory_changes_nothing);
ATF_TC_BODY(loanbreak_anon_without_memory_changes_nothing, tc)
{
	struct vm_page *pg;
	struct vm_anon *anon;

	setup();
	fill(va, ptoa(1), 0x31);
	ATF_REQUIRE_EQ(uvm_loan(&vm->vm_map, va, ptoa(1), &pg,
	    UVM_LOAN_TOPAGE), 0);
	anon = pg->uanon;
	mutex_enter(anon->an_lock);
	kern_fault_set(KFI_PAGE, 1, 0);
	ATF_CHECK_EQ(uvm_loanbreak_anon(anon), ENOMEM);
	kern_fault_clear();
	ATF_CHECK_EQ(anon->an_page, pg);
	ATF_CHECK_EQ(pg->uanon, anon);
	ATF_CHECK_EQ(pg->loan_count, 1);
	/* With memory it works: the anon has a copy, pg is an orphan. */
	ATF_CHECK_EQ(uvm_loanbreak_anon(anon), 0);
	ATF_CHECK(anon->an_page != pg && anon->an_page != NULL);
	ATF_CHECK(page_holds(anon->an_page, 0x31));
	ATF_CHECK(pg->uanon == NULL);
	mutex_exit(anon->an_lock);
	check_all();
	/* No mapping of the old page is left. */
	ATF_CHECK(mapped_page(va) == NULL);
	ATF_CHECK(holds(va, ptoa(1), 0x31));
	ATF_CHECK_EQ(mapped_page(va), anon->an_page);
	uvm_unloan(&pg, 1, UVM_LOAN_TOPAGE);
	check_all();
	teardown();
}

ATF_TC_WITHOUT_HEAD(loanbreak_without_memory_changes_nothing);
ATF_TC_BODY(loanbreak_without_memory_changes_nothing, tc)
{
	struct uvm_object *uobj;
	struct vm_page *pg, *npg;

	uobj = setup_obj(false);
	fill(va, ptoa(1), 0x32);
	ATF_REQUIRE_EQ(uvm_loan(&vm->vm_map, va, ptoa(1), &pg,
	    UVM_LOAN_TOPAGE), 0);
	mutex_enter(uobj->vmobjlock);
	kern_fault_set(KFI_PAGE, 1, 0);
	ATF_CHECK(uvm_loanbreak(pg) == NULL);
	kern_fault_clear();
	ATF_CHECK_EQ(uvm_pagelookup(uobj, 0), pg);
	ATF_CHECK_EQ(pg->uobject, uobj);
	ATF_CHECK_EQ(pg->loan_count, 1);
	npg = uvm_loanbreak(pg);
	ATF_REQUIRE(npg != NULL);
	ATF_CHECK((npg->flags & PG_BUSY) != 0);
	ATF_CHECK_EQ(uvm_pagelookup(uobj, 0), npg);
	ATF_CHECK(page_holds(npg, 0x32));
	ATF_CHECK(pg->uobject == NULL && pg->uanon == NULL);
	npg->flags &= ~PG_FAKE;
	uvm_pageactivate(npg);
	uvm_pageunbusy(npg);
	mutex_exit(uobj->vmobjlock);
	check_all();
	check_obj(uobj);
	ATF_CHECK(mapped_page(va) == NULL);
	ATF_CHECK(holds(va, ptoa(1), 0x32));
	ATF_CHECK_EQ(mapped_page(va), npg);
	uvm_unloan(&pg, 1, UVM_LOAN_TOPAGE);
	check_all();
	teardown();
}

/* Read the host file's byte at off. */
static int
host_byte(const char *path, off_t off)
{
	FILE *f = fopen(path, "r");
	int c;

	ATF_REQUIRE(f != NULL);
	ATF_REQUIRE_EQ(fseeko(f, off, SEEK_SET), 0);
	c = fgetc(f);
	fclose(f);
	return c;
}

ATF_TC_WITHOUT_HEAD(loan_topage_file_page_owner_write_breaks_loan);
ATF_TC_BODY(loan_topage_file_page_owner_write_breaks_loan, tc)
{
	struct vm_page *pgs[NPG];
	struct vnode *vp;
	FILE *f;
	int fpages, freebefore;

	h_boot(16 << 20, 0);
	unlink("loan.dat");
	f = fopen("loan.dat", "w");
	ATF_REQUIRE(f != NULL);
	for (long i = 0; i < (long)ptoa(NPG); i++)
		fputc(0x41, f);
	fclose(f);
	ATF_REQUIRE_EQ(vn_open("loan.dat", VN_READ | VN_WRITE, &vp), 0);
	vref(vp);	/* the mapping's reference */
	setup_map(&vp->v_uobj, 0);
	ATF_REQUIRE_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG), pgs,
	    UVM_LOAN_TOPAGE), 0);
	for (int i = 0; i < NPG; i++) {
		ATF_CHECK_EQ(pgs[i]->uobject, &vp->v_uobj);
		ATF_CHECK((pgs[i]->flags & PG_FILE) != 0);
		ATF_CHECK(page_holds(pgs[i], 0x41));
	}
	check_all();
	fpages = uvmexp.filepages;
	fill(va, ptoa(NPG), 0x42);
	check_all();
	/* The file has new pages (counted), the borrower the old ones. */
	ATF_CHECK_EQ(uvmexp.filepages, fpages);
	for (int i = 0; i < NPG; i++) {
		ATF_CHECK(page_holds(pgs[i], 0x41));
		ATF_CHECK(pgs[i]->uobject == NULL);
		ATF_CHECK((pgs[i]->flags & PG_FILE) == 0);
		ATF_CHECK(mapped_page(va + ptoa(i)) != pgs[i]);
	}
	/* The new bytes reach the file; the borrower's do not. */
	uvmspace_free(vm);
	vm = NULL;
	ATF_CHECK_EQ(vn_fsync(vp), 0);
	for (int i = 0; i < NPG; i++)
		ATF_CHECK_EQ(host_byte("loan.dat", (off_t)ptoa(i) + 7), 0x42);
	ATF_CHECK(page_holds(pgs[0], 0x41));
	freebefore = uvmexp.free;
	uvm_unloan(pgs, NPG, UVM_LOAN_TOPAGE);
	ATF_CHECK_EQ(uvmexp.free, freebefore + NPG);
	vrele(vp);
	H_CHECK(NULL);
	h_shutdown();
	unlink("loan.dat");
}

ATF_TC_WITHOUT_HEAD(loan_topage_file_page_write_through_ubc_breaks_loan);
ATF_TC_BODY(loan_topage_file_page_write_through_ubc_breaks_loan, tc)
{
	struct vm_page *pgs[NPG];
	struct vnode *vp;
	struct iovec iov;
	struct uio uio;
	char *buf;
	FILE *f;

	h_boot(16 << 20, 0);
	unlink("loan.dat");
	f = fopen("loan.dat", "w");
	ATF_REQUIRE(f != NULL);
	for (long i = 0; i < (long)ptoa(NPG); i++)
		fputc(0x41, f);
	fclose(f);
	ATF_REQUIRE_EQ(vn_open("loan.dat", VN_READ | VN_WRITE, &vp), 0);
	vref(vp);	/* the mapping's reference */
	setup_map(&vp->v_uobj, 0);
	ATF_REQUIRE_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG), pgs,
	    UVM_LOAN_TOPAGE), 0);
	/* write(2) over the lent pages: partly, then whole pages. */
	buf = malloc(ptoa(NPG));
	ATF_REQUIRE(buf != NULL);
	memset(buf, 0x43, ptoa(NPG));
	iov.iov_base = buf;
	iov.iov_len = ptoa(NPG) - 100;
	uio = (struct uio){ .uio_iov = &iov, .uio_iovcnt = 1,
	    .uio_offset = 100, .uio_resid = ptoa(NPG) - 100,
	    .uio_rw = UIO_WRITE, .uio_vmspace = NULL };
	ATF_REQUIRE_EQ(vn_write(vp, &uio, 0), 0);
	check_all();
	/* The borrower keeps the old bytes; the file and mapping see new. */
	for (int i = 0; i < NPG; i++) {
		ATF_CHECK(page_holds(pgs[i], 0x41));
		ATF_CHECK(pgs[i]->uobject == NULL);
	}
	ATF_CHECK(holds(va + ptoa(1), PAGE_SIZE, 0x43));
	uvm_unloan(pgs, NPG, UVM_LOAN_TOPAGE);
	free(buf);
	uvmspace_free(vm);
	vm = NULL;
	vrele(vp);
	H_CHECK(NULL);
	h_shutdown();
	unlink("loan.dat");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, loan_topage_gives_the_pages_bytes_mapped_readonly);
	ATF_TP_ADD_TC(tp, obj_wirepages_breaks_loans_first);
	ATF_TP_ADD_TC(tp, loan_topage_file_page_write_through_ubc_breaks_loan);
	ATF_TP_ADD_TC(tp, loan_topage_anon_owner_write_breaks_loan);
	ATF_TP_ADD_TC(tp, loan_topage_owner_unmap_leaves_page_to_borrower);
	ATF_TP_ADD_TC(tp, loan_topage_twice_needs_two_unloans);
	ATF_TP_ADD_TC(tp, loan_toanon_shares_anon_copy_on_write);
	ATF_TP_ADD_TC(tp, loan_toanon_outlives_owner_unmap);
	ATF_TP_ADD_TC(tp, loan_toanon_of_object_page_makes_anon);
	ATF_TP_ADD_TC(tp, loan_toanon_of_object_page_unloan_returns_page);
	ATF_TP_ADD_TC(tp, loan_toanon_object_freed_gives_page_to_anon);
	ATF_TP_ADD_TC(tp, loan_topage_object_owner_write_breaks_loan);
	ATF_TP_ADD_TC(tp, loan_topage_object_freed_leaves_orphan);
	ATF_TP_ADD_TC(tp, loan_topage_and_toanon_of_object_page_then_write);
	ATF_TP_ADD_TC(tp, loan_topage_private_object_write_promotes);
	ATF_TP_ADD_TC(tp, loan_topage_file_page_owner_write_breaks_loan);
	ATF_TP_ADD_TC(tp, loan_of_wired_page_fails_ebusy);
	ATF_TP_ADD_TC(tp, loan_unmapped_range_fails_efault);
	ATF_TP_ADD_TC(tp, loan_unreadable_range_fails_eacces);
	ATF_TP_ADD_TC(tp, loan_bad_arguments_fail_einval);
	ATF_TP_ADD_TC(tp, loan_faults_in_missing_pages);
	ATF_TP_ADD_TC(tp, loan_zero_length_lends_nothing);
	ATF_TP_ADD_TC(tp, unloan_waits_for_the_owners_lock);
	ATF_TP_ADD_TC(tp, loanbreak_anon_without_memory_changes_nothing);
	ATF_TP_ADD_TC(tp, loanbreak_without_memory_changes_nothing);
	ATF_TP_ADD_TC(tp, loan_races_owner_writes_keeps_invariants);
	return atf_no_error();
}
