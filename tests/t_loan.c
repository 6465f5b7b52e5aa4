/*
 * t_loan: page loanout, uvm_loan(9) and uvm_unloan().
 */
#include "h_machine.h"

#include <string.h>

#define NPG	4

static struct vmspace *vm;
static vaddr_t va;

/* Boot, make a process-like vmspace with NPG pages mapped at va. */
static void
setup(int inh, struct uvm_object *uobj)
{
	int error;

	h_boot(16 << 20, 0);
	vm = uvmspace_alloc(VM_MIN_ADDRESS, VM_MAXUSER_ADDRESS, false);
	va = 0;
	error = uvm_map(&vm->vm_map, &va, ptoa(NPG), uobj,
	    uobj != NULL ? 0 : UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_RW, inh, UVM_ADV_NORMAL, 0));
	ATF_REQUIRE_EQ(error, 0);
	H_CHECK(&vm->vm_map);
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

static void
teardown(void)
{
	uvmspace_free(vm);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(loan_topage_gives_the_pages_bytes);
ATF_TC_BODY(loan_topage_gives_the_pages_bytes, tc)
{
	struct vm_page *pgs[NPG];

	setup(UVM_INH_COPY, NULL);
	fill(va, ptoa(NPG), 0x5a);
	ATF_REQUIRE_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG), pgs,
	    UVM_LOAN_TOPAGE), 0);
	H_CHECK(&vm->vm_map);
	for (int i = 0; i < NPG; i++) {
		paddr_t pa;

		ATF_CHECK_EQ(pgs[i]->loan_count, 1);
		ATF_CHECK(page_holds(pgs[i], 0x5a));
		/* The owner's mapping is the loaned page, now read-only. */
		ATF_REQUIRE(pmap_extract(vm->vm_map.pmap, va + ptoa(i), &pa));
		ATF_CHECK_EQ(pa, VM_PAGE_TO_PHYS(pgs[i]));
	}
	uvm_unloan(pgs, NPG, UVM_LOAN_TOPAGE);
	for (int i = 0; i < NPG; i++)
		ATF_CHECK_EQ(pgs[i]->loan_count, 0);
	H_CHECK(&vm->vm_map);
	ATF_CHECK(holds(va, ptoa(NPG), 0x5a));
	teardown();
}

ATF_TC_WITHOUT_HEAD(loan_topage_owner_write_breaks_loan);
ATF_TC_BODY(loan_topage_owner_write_breaks_loan, tc)
{
	struct vm_page *pgs[NPG];
	int freebefore;

	setup(UVM_INH_COPY, NULL);
	fill(va, ptoa(NPG), 0x11);
	ATF_REQUIRE_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG), pgs,
	    UVM_LOAN_TOPAGE), 0);
	/* The owner writes: it gets a copy, the borrower keeps 0x11. */
	fill(va, ptoa(NPG), 0x22);
	H_CHECK(&vm->vm_map);
	ATF_CHECK(holds(va, ptoa(NPG), 0x22));
	for (int i = 0; i < NPG; i++) {
		paddr_t pa;

		ATF_CHECK(page_holds(pgs[i], 0x11));
		ATF_REQUIRE(pmap_extract(vm->vm_map.pmap, va + ptoa(i), &pa));
		ATF_CHECK(pa != VM_PAGE_TO_PHYS(pgs[i]));
	}
	/* The old pages belong to the loan alone: unloan frees them. */
	freebefore = uvmexp.free;
	uvm_unloan(pgs, NPG, UVM_LOAN_TOPAGE);
	ATF_CHECK_EQ(uvmexp.free, freebefore + NPG);
	H_CHECK(&vm->vm_map);
	teardown();
}

ATF_TC_WITHOUT_HEAD(loan_topage_owner_unmap_leaves_page_to_borrower);
ATF_TC_BODY(loan_topage_owner_unmap_leaves_page_to_borrower, tc)
{
	struct vm_page *pgs[NPG];
	int freebefore;

	setup(UVM_INH_COPY, NULL);
	fill(va, ptoa(NPG), 0x33);
	ATF_REQUIRE_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG), pgs,
	    UVM_LOAN_TOPAGE), 0);
	freebefore = uvmexp.free;
	uvm_unmap(&vm->vm_map, va, va + ptoa(NPG));
	H_CHECK(&vm->vm_map);
	/* Still there, bytes intact, not free. */
	ATF_CHECK(uvmexp.free < freebefore + NPG);
	for (int i = 0; i < NPG; i++)
		ATF_CHECK(page_holds(pgs[i], 0x33));
	uvm_unloan(pgs, NPG, UVM_LOAN_TOPAGE);
	H_CHECK(&vm->vm_map);
	ATF_CHECK(uvmexp.free >= freebefore + NPG);
	teardown();
}

ATF_TC_WITHOUT_HEAD(loan_toanon_shares_anon_copy_on_write);
ATF_TC_BODY(loan_toanon_shares_anon_copy_on_write, tc)
{
	struct vm_anon *anons[NPG];

	setup(UVM_INH_COPY, NULL);
	fill(va, ptoa(NPG), 0x44);
	ATF_REQUIRE_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG), anons,
	    UVM_LOAN_TOANON), 0);
	H_CHECK(&vm->vm_map);
	for (int i = 0; i < NPG; i++) {
		ATF_CHECK_EQ(anons[i]->an_ref, 2);
		ATF_REQUIRE(anons[i]->an_page != NULL);
	}
	fill(va, ptoa(NPG), 0x55);	/* copy-on-write in the owner */
	H_CHECK(&vm->vm_map);
	ATF_CHECK(holds(va, ptoa(NPG), 0x55));
	for (int i = 0; i < NPG; i++) {
		ATF_CHECK_EQ(anons[i]->an_ref, 1);
		ATF_CHECK(page_holds(anons[i]->an_page, 0x44));
	}
	uvm_unloan(anons, NPG, UVM_LOAN_TOANON);
	H_CHECK(&vm->vm_map);
	teardown();
}

ATF_TC_WITHOUT_HEAD(loan_toanon_of_object_page_makes_anon);
ATF_TC_BODY(loan_toanon_of_object_page_makes_anon, tc)
{
	struct vm_anon *anons[NPG];
	struct uvm_object *uobj;
	int nanon;

	h_boot(16 << 20, 0);
	uobj = uao_create(ptoa(NPG), 0);
	ATF_REQUIRE(uobj != NULL);
	vm = uvmspace_alloc(VM_MIN_ADDRESS, VM_MAXUSER_ADDRESS, false);
	va = 0;
	ATF_REQUIRE_EQ(uvm_map(&vm->vm_map, &va, ptoa(NPG), uobj, 0, 0,
	    UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_RW, UVM_INH_SHARE,
	    UVM_ADV_NORMAL, 0)), 0);
	fill(va, ptoa(NPG), 0x66);
	nanon = uvmexp.nanon;
	ATF_REQUIRE_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG), anons,
	    UVM_LOAN_TOANON), 0);
	H_CHECK(&vm->vm_map);
	ATF_CHECK_EQ(uvmexp.nanon, nanon + NPG);
	for (int i = 0; i < NPG; i++) {
		struct vm_page *pg = anons[i]->an_page;

		ATF_REQUIRE(pg != NULL);
		ATF_CHECK_EQ(pg->uobject, uobj);
		ATF_CHECK_EQ(pg->uanon, anons[i]);
		ATF_CHECK_EQ(pg->loan_count, 1);
		ATF_CHECK(page_holds(pg, 0x66));
	}
	/* The object's owner writes: the anons keep the old bytes. */
	fill(va, ptoa(NPG), 0x77);
	H_CHECK(&vm->vm_map);
	ATF_CHECK(holds(va, ptoa(NPG), 0x77));
	for (int i = 0; i < NPG; i++)
		ATF_CHECK(page_holds(anons[i]->an_page, 0x66));
	uvm_unloan(anons, NPG, UVM_LOAN_TOANON);
	ATF_CHECK_EQ(uvmexp.nanon, nanon);
	H_CHECK(&vm->vm_map);
	teardown();
}

ATF_TC_WITHOUT_HEAD(loan_of_wired_page_fails_ebusy);
ATF_TC_BODY(loan_of_wired_page_fails_ebusy, tc)
{
	struct vm_page *pgs[NPG];
	struct vm_page *pg0;
	paddr_t pa;

	setup(UVM_INH_COPY, NULL);
	fill(va, ptoa(NPG), 0x01);
	ATF_REQUIRE_EQ(uvm_map_pageable(&vm->vm_map, va + ptoa(NPG - 1),
	    va + ptoa(NPG), false, 0), 0);
	ATF_REQUIRE(pmap_extract(vm->vm_map.pmap, va, &pa));
	pg0 = PHYS_TO_VM_PAGE(pa);
	ATF_CHECK_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG), pgs,
	    UVM_LOAN_TOPAGE), EBUSY);
	/* The pages loaned before the wired one were given back. */
	ATF_CHECK_EQ(pg0->loan_count, 0);
	H_CHECK(&vm->vm_map);
	teardown();
}

ATF_TC_WITHOUT_HEAD(loan_unmapped_range_fails_efault);
ATF_TC_BODY(loan_unmapped_range_fails_efault, tc)
{
	struct vm_page *pgs[NPG + 1];

	setup(UVM_INH_COPY, NULL);
	fill(va, ptoa(NPG), 0x02);
	ATF_CHECK_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG + 1), pgs,
	    UVM_LOAN_TOPAGE), EFAULT);
	for (int i = 0; i < NPG; i++) {
		paddr_t pa;

		ATF_REQUIRE(pmap_extract(vm->vm_map.pmap, va + ptoa(i), &pa));
		ATF_CHECK_EQ(PHYS_TO_VM_PAGE(pa)->loan_count, 0);
	}
	H_CHECK(&vm->vm_map);
	teardown();
}

ATF_TC_WITHOUT_HEAD(loan_bad_arguments_fail_einval);
ATF_TC_BODY(loan_bad_arguments_fail_einval, tc)
{
	void *v[NPG];

	setup(UVM_INH_COPY, NULL);
	ATF_CHECK_EQ(uvm_loan(&vm->vm_map, va, ptoa(1), v, 0), EINVAL);
	ATF_CHECK_EQ(uvm_loan(&vm->vm_map, va, ptoa(1), v,
	    UVM_LOAN_TOANON | UVM_LOAN_TOPAGE), EINVAL);
	ATF_CHECK_EQ(uvm_loan(&vm->vm_map, va + 1, ptoa(1), v,
	    UVM_LOAN_TOPAGE), EINVAL);
	ATF_CHECK_EQ(uvm_loan(&vm->vm_map, va, 100, v, UVM_LOAN_TOPAGE),
	    EINVAL);
	H_CHECK(&vm->vm_map);
	teardown();
}

ATF_TC_WITHOUT_HEAD(loan_faults_in_missing_pages);
ATF_TC_BODY(loan_faults_in_missing_pages, tc)
{
	struct vm_page *pgs[NPG];
	int faults;

	setup(UVM_INH_COPY, NULL);
	faults = uvmexp.faults;
	ATF_REQUIRE_EQ(uvm_loan(&vm->vm_map, va, ptoa(NPG), pgs,
	    UVM_LOAN_TOPAGE), 0);
	ATF_CHECK(uvmexp.faults > faults);
	for (int i = 0; i < NPG; i++)
		ATF_CHECK(page_holds(pgs[i], 0));
	uvm_unloan(pgs, NPG, UVM_LOAN_TOPAGE);
	H_CHECK(&vm->vm_map);
	teardown();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, loan_topage_gives_the_pages_bytes);
	ATF_TP_ADD_TC(tp, loan_topage_owner_write_breaks_loan);
	ATF_TP_ADD_TC(tp, loan_topage_owner_unmap_leaves_page_to_borrower);
	ATF_TP_ADD_TC(tp, loan_toanon_shares_anon_copy_on_write);
	ATF_TP_ADD_TC(tp, loan_toanon_of_object_page_makes_anon);
	ATF_TP_ADD_TC(tp, loan_of_wired_page_fails_ebusy);
	ATF_TP_ADD_TC(tp, loan_unmapped_range_fails_efault);
	ATF_TP_ADD_TC(tp, loan_bad_arguments_fail_einval);
	ATF_TP_ADD_TC(tp, loan_faults_in_missing_pages);
	return atf_no_error();
}
