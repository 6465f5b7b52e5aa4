/*
 * t_pmap: the soft pmap (pmap(9)) and its CPU, copy(9): page tables,
 * pv lists, referenced/modified attributes, wired counts, the kernel
 * pmap's real host mappings, and the TLB never using a stale
 * translation.
 */
#include "h_machine.h"
#include "pmap/soft/soft_pmap.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define MB	((psize_t)1024 * 1024)
#define UVA	((vaddr_t)0x10000000)

static struct vmspace t_vm;
static struct pmap *t_pm;
static struct vmspace *t_saved_vm;
static int (*t_saved_hook)(struct vmspace *, vaddr_t, vm_prot_t);

static void
t_setup_machine(unsigned int pagesize, enum uvm_daemon_mode mode)
{
	struct uvm_machine m;

	uvm_machine_defaults(&m);
	m.m_ramsize = 16 * MB;
	if (pagesize != 0)
		m.m_pagesize = pagesize;
	m.m_quiet = true;
	m.m_daemon = mode;
	h_boot_machine(&m);
	memset(&t_vm, 0, sizeof(t_vm));
	t_pm = pmap_create();
	ATF_REQUIRE(t_pm != NULL);
	t_vm.vm_map.pmap = t_pm;
	t_saved_vm = proc0.p_vmspace;
	proc0.p_vmspace = &t_vm;
	/*
	 * t_vm has a pmap but no map: faults must not reach uvm_fault().
	 * Cases that want a fault handler install their own.
	 */
	t_saved_hook = pmap_fault_hook;
	pmap_fault_hook = NULL;
}

static void
t_setup_pagesize(unsigned int pagesize)
{
	t_setup_machine(pagesize, UVM_DAEMON_STEPPED);
}

static void
t_setup(void)
{
	t_setup_pagesize(0);
}

static void
t_teardown(void)
{
	if (t_pm != NULL) {
		pmap_remove_all(t_pm);
		pmap_destroy(t_pm);
		t_pm = NULL;
	}
	proc0.p_vmspace = t_saved_vm;
	pmap_fault_hook = t_saved_hook;
	h_shutdown();
}

/* A fresh page filled with `fill'. */
static struct vm_page *
t_page(int fill)
{
	struct vm_page *pg = uvm_pagealloc(NULL, 0, NULL, 0);

	ATF_REQUIRE(pg != NULL);
	ATF_REQUIRE_EQ(pg->mdpage.mdpg_word, 0);
	memset(PMAP_DIRECT_MAP(VM_PAGE_TO_PHYS(pg)), fill, PAGE_SIZE);
	return pg;
}

static unsigned char *
t_bytes(struct vm_page *pg)
{
	return PMAP_DIRECT_MAP(VM_PAGE_TO_PHYS(pg));
}

static void
t_enter(vaddr_t va, struct vm_page *pg, vm_prot_t prot, unsigned int flags)
{
	ATF_REQUIRE_EQ(pmap_enter(t_pm, va, VM_PAGE_TO_PHYS(pg), prot, flags),
	    0);
	pmap_update(t_pm);
	H_CHECK(NULL);
}

/* ------------------------------------------------------------------ */

ATF_TC_WITHOUT_HEAD(select_unknown_backend_is_einval);
ATF_TC_BODY(select_unknown_backend_is_einval, tc)
{
	struct uvm_machine m;

	ATF_CHECK_EQ(pmap_select("no-such-pmap"), EINVAL);
	ATF_CHECK_EQ(pmap_select(NULL), EINVAL);
	ATF_CHECK_EQ(pmap_select("soft"), 0);
	ATF_CHECK(pmap_backend == &pmap_soft_backend);
	uvm_machine_defaults(&m);
	m.m_quiet = true;
	m.m_ramsize = 16 * MB;
	m.m_pmap = "no-such-pmap";
	kern_console_set(NULL, NULL);
	ATF_CHECK_EQ(uvm_machine_boot(&m), EINVAL);
	ATF_CHECK(uvm_machine_current() == NULL);
}

ATF_TC_WITHOUT_HEAD(virtual_space_is_a_real_host_window);
ATF_TC_BODY(virtual_space_is_a_real_host_window, tc)
{
	vaddr_t s, e;

	t_setup();
	pmap_virtual_space(&s, &e);
	ATF_CHECK(s != 0 && s < e);
	ATF_CHECK_EQ(s, VM_MIN_KERNEL_ADDRESS);
	ATF_CHECK_EQ(e, VM_MAX_KERNEL_ADDRESS);
	ATF_CHECK((s & PAGE_MASK) == 0 && (e & PAGE_MASK) == 0);
	ATF_CHECK(e - s >= 4 * 16 * MB);
	ATF_CHECK(pmap_kernel() != NULL && pmap_kernel() != t_pm);
	t_teardown();
}

ATF_TC_WITHOUT_HEAD(enter_then_extract_gives_pa_and_offset);
ATF_TC_BODY(enter_then_extract_gives_pa_and_offset, tc)
{
	struct vm_page *pg;
	paddr_t pa = 1;

	t_setup();
	pg = t_page(0);
	ATF_CHECK(!pmap_extract(t_pm, UVA, &pa));
	ATF_CHECK_EQ(pa, 1);
	t_enter(UVA, pg, VM_PROT_READ, 0);
	ATF_REQUIRE(pmap_extract(t_pm, UVA + 123, &pa));
	ATF_CHECK_EQ(pa, VM_PAGE_TO_PHYS(pg) + 123);
	ATF_CHECK(pmap_extract(t_pm, UVA, NULL));
	ATF_CHECK(!pmap_extract(t_pm, UVA + PAGE_SIZE, &pa));
	ATF_CHECK(!pmap_extract(t_pm, UVA - PAGE_SIZE, &pa));
	ATF_CHECK_EQ(pmap_resident_count(t_pm), 1);
	ATF_CHECK_EQ(pmap_wired_count(t_pm), 0);
	t_teardown();
}

ATF_TC_WITHOUT_HEAD(wired_counts_follow_enter_and_unwire);
ATF_TC_BODY(wired_counts_follow_enter_and_unwire, tc)
{
	struct vm_page *a, *b;

	t_setup();
	a = t_page(0);
	b = t_page(0);
	t_enter(UVA, a, VM_PROT_ALL, PMAP_WIRED);
	t_enter(UVA + PAGE_SIZE, b, VM_PROT_READ, PMAP_WIRED);
	ATF_CHECK_EQ(pmap_resident_count(t_pm), 2);
	ATF_CHECK_EQ(pmap_wired_count(t_pm), 2);
	pmap_unwire(t_pm, UVA);
	H_CHECK(NULL);
	ATF_CHECK_EQ(pmap_wired_count(t_pm), 1);
	pmap_unwire(t_pm, UVA);		/* already unwired: no change */
	ATF_CHECK_EQ(pmap_wired_count(t_pm), 1);
	ATF_CHECK_EQ(pmap_resident_count(t_pm), 2);
	/* Re-entering without PMAP_WIRED unwires. */
	t_enter(UVA + PAGE_SIZE, b, VM_PROT_READ, 0);
	ATF_CHECK_EQ(pmap_wired_count(t_pm), 0);
	ATF_CHECK_EQ(pmap_resident_count(t_pm), 2);
	/* Removing a wired mapping drops both counts. */
	t_enter(UVA, a, VM_PROT_ALL, PMAP_WIRED);
	ATF_CHECK_EQ(pmap_wired_count(t_pm), 1);
	pmap_remove(t_pm, UVA, UVA + PAGE_SIZE);
	ATF_CHECK_EQ(pmap_wired_count(t_pm), 0);
	ATF_CHECK_EQ(pmap_resident_count(t_pm), 1);
	t_teardown();
}

ATF_TC_WITHOUT_HEAD(unwire_of_unmapped_va_panics);
ATF_TC_BODY(unwire_of_unmapped_va_panics, tc)
{
	t_setup();
	ATF_CHECK(H_PANICS(pmap_unwire(t_pm, UVA)));
	ATF_CHECK(strstr(h_panic_msg, "pmap_unwire") != NULL);
}

ATF_TC_WITHOUT_HEAD(remove_range_drops_only_that_range);
ATF_TC_BODY(remove_range_drops_only_that_range, tc)
{
	struct vm_page *pg[8];

	t_setup();
	for (int i = 0; i < 8; i++) {
		pg[i] = t_page(i);
		t_enter(UVA + i * PAGE_SIZE, pg[i], VM_PROT_READ, 0);
	}
	/* One far away, in another top-level table. */
	t_enter((vaddr_t)1 << 45, t_page(9), VM_PROT_READ, 0);
	ATF_CHECK_EQ(pmap_resident_count(t_pm), 9);
	pmap_remove(t_pm, UVA + 2 * PAGE_SIZE, UVA + 5 * PAGE_SIZE);
	H_CHECK(NULL);
	ATF_CHECK_EQ(pmap_resident_count(t_pm), 6);
	for (int i = 0; i < 8; i++)
		ATF_CHECK_EQ(pmap_extract(t_pm, UVA + i * PAGE_SIZE, NULL),
		    i < 2 || i >= 5);
	for (int i = 2; i < 5; i++)
		ATF_CHECK_EQ(pg[i]->mdpage.mdpg_word, 0);
	ATF_CHECK(pmap_remove_all(t_pm));
	ATF_CHECK_EQ(pmap_resident_count(t_pm), 0);
	for (int i = 0; i < 8; i++)
		ATF_CHECK_EQ(pg[i]->mdpage.mdpg_word, 0);
	t_teardown();
}

ATF_TC_WITHOUT_HEAD(enter_over_mapping_moves_pv_to_new_page);
ATF_TC_BODY(enter_over_mapping_moves_pv_to_new_page, tc)
{
	struct vm_page *a, *b;
	uint32_t v;

	t_setup();
	a = t_page(0xaa);
	b = t_page(0xbb);
	t_enter(UVA, a, VM_PROT_READ, 0);
	ATF_REQUIRE_EQ(copyin((void *)UVA, &v, sizeof(v)), 0);
	ATF_CHECK_EQ(v, 0xaaaaaaaa);
	t_enter(UVA, b, VM_PROT_READ, 0);
	ATF_CHECK_EQ(pmap_resident_count(t_pm), 1);
	/* The TLB entry for a is gone: the read sees b. */
	ATF_REQUIRE_EQ(copyin((void *)UVA, &v, sizeof(v)), 0);
	ATF_CHECK_EQ(v, 0xbbbbbbbb);
	/* a lost its mapping: page_protect(NONE) leaves b's alone. */
	pmap_page_protect(a, VM_PROT_NONE);
	ATF_CHECK(pmap_extract(t_pm, UVA, NULL));
	pmap_page_protect(b, VM_PROT_NONE);
	ATF_CHECK(!pmap_extract(t_pm, UVA, NULL));
	ATF_CHECK_EQ(pmap_resident_count(t_pm), 0);
	t_teardown();
}

ATF_TC_WITHOUT_HEAD(protect_readonly_refuses_writes_keeps_reads);
ATF_TC_BODY(protect_readonly_refuses_writes_keeps_reads, tc)
{
	struct vm_page *pg;
	uint64_t v = 0x1122334455667788ULL, r;

	t_setup();
	pg = t_page(0);
	t_enter(UVA, pg, VM_PROT_READ | VM_PROT_WRITE, 0);
	ATF_REQUIRE_EQ(copyout(&v, (void *)UVA, sizeof(v)), 0);
	pmap_protect(t_pm, UVA, UVA + PAGE_SIZE, VM_PROT_READ);
	H_CHECK(NULL);
	v = 0;
	ATF_CHECK_EQ(copyout(&v, (void *)UVA, sizeof(v)), EFAULT);
	ATF_REQUIRE_EQ(copyin((void *)UVA, &r, sizeof(r)), 0);
	ATF_CHECK_EQ(r, 0x1122334455667788ULL);
	/* pmap_protect never adds permissions. */
	pmap_protect(t_pm, UVA, UVA + PAGE_SIZE, VM_PROT_ALL);
	ATF_CHECK_EQ(copyout(&v, (void *)UVA, sizeof(v)), EFAULT);
	ATF_CHECK_EQ(pmap_resident_count(t_pm), 1);
	t_teardown();
}

ATF_TC_WITHOUT_HEAD(protect_none_removes_mappings);
ATF_TC_BODY(protect_none_removes_mappings, tc)
{
	struct vm_page *pg;

	t_setup();
	pg = t_page(0);
	t_enter(UVA, pg, VM_PROT_READ, PMAP_WIRED);
	pmap_protect(t_pm, UVA, UVA + PAGE_SIZE, VM_PROT_NONE);
	H_CHECK(NULL);
	ATF_CHECK(!pmap_extract(t_pm, UVA, NULL));
	ATF_CHECK_EQ(pmap_resident_count(t_pm), 0);
	ATF_CHECK_EQ(pmap_wired_count(t_pm), 0);
	t_teardown();
}

ATF_TC_WITHOUT_HEAD(page_protect_acts_on_every_pmap);
ATF_TC_BODY(page_protect_acts_on_every_pmap, tc)
{
	struct vmspace vm2;
	struct pmap *pm2;
	struct vm_page *pg;
	uint32_t v = 7;

	t_setup();
	pm2 = pmap_create();
	memset(&vm2, 0, sizeof(vm2));
	vm2.vm_map.pmap = pm2;
	pg = t_page(0);
	t_enter(UVA, pg, VM_PROT_READ | VM_PROT_WRITE, 0);
	t_enter(UVA + 5 * PAGE_SIZE, pg, VM_PROT_READ | VM_PROT_WRITE, 0);
	ATF_REQUIRE_EQ(pmap_enter(pm2, UVA, VM_PAGE_TO_PHYS(pg),
	    VM_PROT_READ | VM_PROT_WRITE, 0), 0);
	ATF_REQUIRE_EQ(copyout_vmspace(&vm2, &v, (void *)UVA, 4), 0);
	ATF_REQUIRE_EQ(copyout(&v, (void *)UVA, 4), 0);

	/* Read-only: every mapping loses write, keeps read. */
	pmap_page_protect(pg, VM_PROT_READ);
	H_CHECK(NULL);
	ATF_CHECK_EQ(copyout(&v, (void *)UVA, 4), EFAULT);
	ATF_CHECK_EQ(copyout(&v, (void *)(UVA + 5 * PAGE_SIZE), 4), EFAULT);
	ATF_CHECK_EQ(copyout_vmspace(&vm2, &v, (void *)UVA, 4), EFAULT);
	ATF_CHECK_EQ(copyin_vmspace(&vm2, (void *)UVA, &v, 4), 0);
	ATF_CHECK_EQ(pmap_resident_count(t_pm), 2);

	/* Write permission left in prot: nothing to take away. */
	pmap_page_protect(pg, VM_PROT_ALL);
	ATF_CHECK_EQ(pmap_resident_count(pm2), 1);

	/* None: every mapping goes. */
	pmap_page_protect(pg, VM_PROT_NONE);
	H_CHECK(NULL);
	ATF_CHECK_EQ(pmap_resident_count(t_pm), 0);
	ATF_CHECK_EQ(pmap_resident_count(pm2), 0);
	ATF_CHECK_EQ(copyin_vmspace(&vm2, (void *)UVA, &v, 4), EFAULT);
	ATF_CHECK_EQ(copyin((void *)(UVA + 5 * PAGE_SIZE), &v, 4), EFAULT);
	/* Only the attributes are left in the page's md word. */
	ATF_CHECK((pg->mdpage.mdpg_word & ~(uintptr_t)3) == 0);
	pmap_destroy(pm2);
	t_teardown();
}

ATF_TC_WITHOUT_HEAD(copyin_sets_referenced_only);
ATF_TC_BODY(copyin_sets_referenced_only, tc)
{
	struct vm_page *pg;
	char buf[16];

	t_setup();
	pg = t_page(0);
	t_enter(UVA, pg, VM_PROT_READ | VM_PROT_WRITE, 0);
	ATF_CHECK(!pmap_is_referenced(pg));
	ATF_CHECK(!pmap_is_modified(pg));
	ATF_REQUIRE_EQ(copyin((void *)UVA, buf, sizeof(buf)), 0);
	ATF_CHECK(pmap_is_referenced(pg));
	ATF_CHECK(!pmap_is_modified(pg));
	/* The TLB now caches a read translation; a write must still mark. */
	ATF_REQUIRE_EQ(copyout(buf, (void *)UVA, sizeof(buf)), 0);
	ATF_CHECK(pmap_is_modified(pg));
	t_teardown();
}

ATF_TC_WITHOUT_HEAD(clear_modify_then_write_sets_it_again);
ATF_TC_BODY(clear_modify_then_write_sets_it_again, tc)
{
	struct vm_page *pg;
	int v = 1;

	t_setup();
	pg = t_page(0);
	t_enter(UVA, pg, VM_PROT_READ | VM_PROT_WRITE, 0);
	ATF_REQUIRE_EQ(copyout(&v, (void *)UVA, sizeof(v)), 0);
	ATF_CHECK(pmap_is_modified(pg));
	ATF_CHECK(pmap_clear_modify(pg));
	ATF_CHECK(!pmap_is_modified(pg));
	ATF_CHECK(!pmap_clear_modify(pg));
	/* The cached writable translation must not bypass the bit. */
	ATF_REQUIRE_EQ(copyin((void *)UVA, &v, sizeof(v)), 0);
	ATF_CHECK(!pmap_is_modified(pg));
	ATF_REQUIRE_EQ(copyout(&v, (void *)UVA, sizeof(v)), 0);
	ATF_CHECK(pmap_is_modified(pg));
	t_teardown();
}

ATF_TC_WITHOUT_HEAD(clear_reference_then_read_sets_it_again);
ATF_TC_BODY(clear_reference_then_read_sets_it_again, tc)
{
	struct vm_page *pg;
	int v;

	t_setup();
	pg = t_page(0);
	t_enter(UVA, pg, VM_PROT_READ, 0);
	ATF_REQUIRE_EQ(copyin((void *)UVA, &v, sizeof(v)), 0);
	ATF_CHECK(pmap_clear_reference(pg));
	ATF_CHECK(!pmap_is_referenced(pg));
	ATF_CHECK(!pmap_clear_reference(pg));
	ATF_REQUIRE_EQ(copyin((void *)UVA, &v, sizeof(v)), 0);
	ATF_CHECK(pmap_is_referenced(pg));
	t_teardown();
}

ATF_TC_WITHOUT_HEAD(enter_access_type_sets_attributes);
ATF_TC_BODY(enter_access_type_sets_attributes, tc)
{
	struct vm_page *a, *b, *c;

	t_setup();
	a = t_page(0);
	b = t_page(0);
	c = t_page(0);
	t_enter(UVA, a, VM_PROT_READ | VM_PROT_WRITE, VM_PROT_WRITE);
	t_enter(UVA + PAGE_SIZE, b, VM_PROT_READ | VM_PROT_WRITE,
	    VM_PROT_READ);
	t_enter(UVA + 2 * PAGE_SIZE, c, VM_PROT_READ | VM_PROT_WRITE, 0);
	ATF_CHECK(pmap_is_referenced(a) && pmap_is_modified(a));
	ATF_CHECK(pmap_is_referenced(b) && !pmap_is_modified(b));
	ATF_CHECK(!pmap_is_referenced(c) && !pmap_is_modified(c));
	ATF_CHECK(H_PANICS(pmap_enter(t_pm, UVA + 3 * PAGE_SIZE,
	    VM_PAGE_TO_PHYS(c), VM_PROT_READ, VM_PROT_WRITE)));
}

ATF_TC_WITHOUT_HEAD(md_word_is_zero_without_mappings_or_attributes);
ATF_TC_BODY(md_word_is_zero_without_mappings_or_attributes, tc)
{
	struct vm_page *pg;
	int v = 3;

	t_setup();
	pg = t_page(0);
	t_enter(UVA, pg, VM_PROT_READ | VM_PROT_WRITE, 0);
	ATF_CHECK(pg->mdpage.mdpg_word != 0);
	ATF_REQUIRE_EQ(copyout(&v, (void *)UVA, sizeof(v)), 0);
	pmap_remove(t_pm, UVA, UVA + PAGE_SIZE);
	/* Attributes outlive the mapping... */
	ATF_CHECK(pmap_is_modified(pg));
	ATF_CHECK(pmap_is_referenced(pg));
	ATF_CHECK(pg->mdpage.mdpg_word != 0);
	/* ...until cleared. */
	pmap_clear_modify(pg);
	pmap_clear_reference(pg);
	ATF_CHECK_EQ(pg->mdpage.mdpg_word, 0);
	t_teardown();
}

ATF_TC_WITHOUT_HEAD(tlb_never_uses_stale_entry_after_remove);
ATF_TC_BODY(tlb_never_uses_stale_entry_after_remove, tc)
{
	struct vm_page *pg;
	int v;

	t_setup();
	pg = t_page(0x11);
	t_enter(UVA, pg, VM_PROT_READ | VM_PROT_WRITE, 0);
	for (int i = 0; i < 3; i++)	/* fill the TLB: hits afterwards */
		ATF_REQUIRE_EQ(copyin((void *)UVA, &v, sizeof(v)), 0);
	pmap_remove(t_pm, UVA, UVA + PAGE_SIZE);
	ATF_CHECK_EQ(copyin((void *)UVA, &v, sizeof(v)), EFAULT);
	ATF_CHECK_EQ(copyout(&v, (void *)UVA, sizeof(v)), EFAULT);
	ATF_CHECK_EQ(t_bytes(pg)[0], 0x11);
	t_teardown();
}

ATF_TC_WITHOUT_HEAD(tlb_never_uses_stale_entry_after_protect);
ATF_TC_BODY(tlb_never_uses_stale_entry_after_protect, tc)
{
	struct vm_page *pg;
	int v = 0x55;

	t_setup();
	pg = t_page(0);
	t_enter(UVA, pg, VM_PROT_READ | VM_PROT_WRITE, 0);
	ATF_REQUIRE_EQ(copyout(&v, (void *)UVA, 1), 0);
	ATF_REQUIRE_EQ(copyout(&v, (void *)UVA, 1), 0);
	pmap_protect(t_pm, UVA, UVA + PAGE_SIZE, VM_PROT_READ);
	v = 0x66;
	ATF_CHECK_EQ(copyout(&v, (void *)UVA, 1), EFAULT);
	ATF_CHECK_EQ(t_bytes(pg)[0], 0x55);
	t_teardown();
}

ATF_TC_WITHOUT_HEAD(tlb_never_uses_stale_entry_after_page_protect);
ATF_TC_BODY(tlb_never_uses_stale_entry_after_page_protect, tc)
{
	struct vm_page *pg;
	int v = 0x55;

	t_setup();
	pg = t_page(0);
	t_enter(UVA, pg, VM_PROT_READ | VM_PROT_WRITE, 0);
	ATF_REQUIRE_EQ(copyout(&v, (void *)UVA, 1), 0);
	pmap_page_protect(pg, VM_PROT_READ);
	v = 0x66;
	ATF_CHECK_EQ(copyout(&v, (void *)UVA, 1), EFAULT);
	ATF_CHECK_EQ(t_bytes(pg)[0], 0x55);
	ATF_CHECK_EQ(copyin((void *)UVA, &v, 1), 0);
	pmap_page_protect(pg, VM_PROT_NONE);
	ATF_CHECK_EQ(copyin((void *)UVA, &v, 1), EFAULT);
	t_teardown();
}

ATF_TC_WITHOUT_HEAD(tlb_entry_of_destroyed_pmap_never_matches_new_one);
ATF_TC_BODY(tlb_entry_of_destroyed_pmap_never_matches_new_one, tc)
{
	struct vm_page *pg;
	int v;

	t_setup();
	pg = t_page(0x22);
	/* Many create/destroy rounds: the allocator reuses addresses. */
	for (int i = 0; i < 50; i++) {
		t_enter(UVA, pg, VM_PROT_READ, 0);
		ATF_REQUIRE_EQ(copyin((void *)UVA, &v, 1), 0);
		pmap_remove_all(t_pm);
		pmap_destroy(t_pm);
		t_pm = pmap_create();
		t_vm.vm_map.pmap = t_pm;
		ATF_REQUIRE_EQ(copyin((void *)UVA, &v, 1), EFAULT);
	}
	t_teardown();
}

ATF_TC_WITHOUT_HEAD(copy_crosses_page_boundaries_of_scattered_pages);
ATF_TC_BODY(copy_crosses_page_boundaries_of_scattered_pages, tc)
{
	struct vm_page *pg[3];
	size_t ps, len;
	unsigned char *out, *in;

	t_setup();
	ps = PAGE_SIZE;
	/* Allocated in an order that makes their frames non-contiguous. */
	pg[2] = t_page(0);
	(void)t_page(0);
	pg[0] = t_page(0);
	pg[1] = t_page(0);
	for (int i = 0; i < 3; i++)
		t_enter(UVA + i * ps, pg[i], VM_PROT_READ | VM_PROT_WRITE, 0);
	len = 2 * ps + 40;	/* 50 bytes, a page, ps - 10 bytes */
	out = malloc(len);
	in = malloc(len);
	for (size_t i = 0; i < len; i++)
		out[i] = (unsigned char)(i * 7 + 3);
	ATF_REQUIRE_EQ(copyout(out, (void *)(UVA + ps - 50), len), 0);
	/* Bytes landed in the right physical pages. */
	ATF_CHECK_EQ(t_bytes(pg[0])[ps - 50], out[0]);
	ATF_CHECK_EQ(t_bytes(pg[1])[0], out[50]);
	ATF_CHECK_EQ(t_bytes(pg[2])[0], out[ps + 50]);
	ATF_CHECK_EQ(t_bytes(pg[2])[ps - 11], out[len - 1]);
	ATF_CHECK_EQ(t_bytes(pg[0])[ps - 51], 0);
	ATF_CHECK_EQ(t_bytes(pg[2])[ps - 10], 0);
	memset(in, 0, len);
	ATF_REQUIRE_EQ(copyin((void *)(UVA + ps - 50), in, len), 0);
	ATF_CHECK(memcmp(in, out, len) == 0);
	free(out);
	free(in);
	t_teardown();
}

ATF_TC_WITHOUT_HEAD(copy_into_hole_faults_after_copying_the_prefix);
ATF_TC_BODY(copy_into_hole_faults_after_copying_the_prefix, tc)
{
	struct vm_page *pg;
	char buf[64];

	t_setup();
	pg = t_page(0x33);
	t_enter(UVA, pg, VM_PROT_READ | VM_PROT_WRITE, 0);
	memset(buf, 0x44, sizeof(buf));
	ATF_CHECK_EQ(copyout(buf, (void *)(UVA + PAGE_SIZE - 32), 64), EFAULT);
	ATF_CHECK_EQ(copyin((void *)(UVA + PAGE_SIZE - 32), buf, 64), EFAULT);
	ATF_CHECK_EQ(copyin((void *)(UVA - 1), buf, 2), EFAULT);
	ATF_CHECK_EQ(pmap_resident_count(t_pm), 1);
	t_teardown();
}

ATF_TC_WITHOUT_HEAD(copy_outside_user_range_is_efault);
ATF_TC_BODY(copy_outside_user_range_is_efault, tc)
{
	char buf[8];

	t_setup();
	ATF_CHECK_EQ(copyin((void *)(VM_MAXUSER_ADDRESS - 4), buf, 8), EFAULT);
	ATF_CHECK_EQ(copyin((void *)~(uintptr_t)3, buf, 8), EFAULT);
	ATF_CHECK_EQ(copyout(buf, (void *)VM_MAXUSER_ADDRESS, 1), EFAULT);
	ATF_CHECK_EQ(copyin((void *)UVA, buf, 0), 0);
	t_teardown();
}

static int t_hook_calls;
static int t_hook_error;
static struct vm_page *t_hook_page;

static int
t_hook(struct vmspace *vm, vaddr_t va, vm_prot_t access)
{
	t_hook_calls++;
	if (t_hook_error)
		return t_hook_error;
	ATF_REQUIRE(vm == &t_vm);
	return pmap_enter(vm->vm_map.pmap, trunc_page(va),
	    VM_PAGE_TO_PHYS(t_hook_page), VM_PROT_READ | VM_PROT_WRITE,
	    access);
}

ATF_TC_WITHOUT_HEAD(fault_hook_resolves_missing_page_and_copy_retries);
ATF_TC_BODY(fault_hook_resolves_missing_page_and_copy_retries, tc)
{
	uint32_t v = 0xdeadbeef, r = 0;

	t_setup();
	t_hook_calls = 0;
	t_hook_error = 0;
	t_hook_page = t_page(0);
	pmap_fault_hook = t_hook;
	ATF_REQUIRE_EQ(copyout(&v, (void *)(UVA + 8), sizeof(v)), 0);
	ATF_CHECK_EQ(t_hook_calls, 1);
	ATF_CHECK(memcmp(t_bytes(t_hook_page) + 8, &v, 4) == 0);
	ATF_CHECK(pmap_is_modified(t_hook_page));
	ATF_REQUIRE_EQ(copyin((void *)(UVA + 8), &r, sizeof(r)), 0);
	ATF_CHECK_EQ(r, v);
	ATF_CHECK_EQ(t_hook_calls, 1);
	pmap_fault_hook = NULL;
	t_teardown();
}

ATF_TC_WITHOUT_HEAD(unresolved_fault_is_efault_and_changes_nothing);
ATF_TC_BODY(unresolved_fault_is_efault_and_changes_nothing, tc)
{
	struct vm_page *pg;
	char buf[32];

	t_setup();
	pg = t_page(0x77);
	t_enter(UVA, pg, VM_PROT_READ, 0);
	/* No hook: EFAULT. */
	pmap_fault_hook = NULL;
	memset(buf, 0x99, sizeof(buf));
	ATF_CHECK_EQ(copyout(buf, (void *)UVA, sizeof(buf)), EFAULT);
	/* A hook that fails: EFAULT, after one call per attempt. */
	t_hook_calls = 0;
	t_hook_error = EACCES;
	pmap_fault_hook = t_hook;
	ATF_CHECK_EQ(copyout(buf, (void *)UVA, sizeof(buf)), EFAULT);
	ATF_CHECK_EQ(t_hook_calls, 1);
	ATF_CHECK_EQ(ufetch_32((void *)(UVA + PAGE_SIZE), (uint32_t *)buf),
	    EFAULT);
	ATF_CHECK_EQ(t_hook_calls, 2);
	pmap_fault_hook = NULL;
	ATF_CHECK_EQ(t_bytes(pg)[0], 0x77);
	ATF_CHECK(!pmap_is_modified(pg));
	ATF_CHECK_EQ(pmap_resident_count(t_pm), 1);
	ATF_CHECK(!pmap_extract(t_pm, UVA + PAGE_SIZE, NULL));
	t_teardown();
}

ATF_TC_WITHOUT_HEAD(copyinstr_stops_at_nul_and_reports_length);
ATF_TC_BODY(copyinstr_stops_at_nul_and_reports_length, tc)
{
	struct vm_page *a, *b;
	char buf[64];
	size_t done;

	t_setup();
	a = t_page('x');
	b = t_page(0);
	t_enter(UVA, a, VM_PROT_READ, 0);
	t_enter(UVA + PAGE_SIZE, b, VM_PROT_READ, 0);
	memcpy(t_bytes(b), "tail", 5);
	/* "xxxxx" + "tail\0" across the boundary. */
	ATF_REQUIRE_EQ(copyinstr((void *)(UVA + PAGE_SIZE - 5), buf,
	    sizeof(buf), &done), 0);
	ATF_CHECK_STREQ(buf, "xxxxxtail");
	ATF_CHECK_EQ(done, 10);
	/* Exactly fits. */
	ATF_CHECK_EQ(copyinstr((void *)(UVA + PAGE_SIZE - 5), buf, 10,
	    &done), 0);
	ATF_CHECK_EQ(done, 10);
	/* One byte short. */
	ATF_CHECK_EQ(copyinstr((void *)(UVA + PAGE_SIZE - 5), buf, 9,
	    &done), ENAMETOOLONG);
	ATF_CHECK_EQ(done, 9);
	ATF_CHECK_EQ(copyinstr((void *)UVA, buf, 0, &done), ENAMETOOLONG);
	ATF_CHECK_EQ(done, 0);
	/* No NUL before the hole after b. */
	memset(t_bytes(b), 'y', PAGE_SIZE);
	ATF_CHECK_EQ(copyinstr((void *)(UVA + 2 * PAGE_SIZE - 3), buf,
	    sizeof(buf), &done), EFAULT);
	ATF_CHECK_EQ(done, 3);
	ATF_CHECK_EQ(copyinstr((void *)(UVA + 2 * PAGE_SIZE - 3), buf,
	    sizeof(buf), NULL), EFAULT);
	t_teardown();
}

ATF_TC_WITHOUT_HEAD(copyoutstr_writes_through_nul_only);
ATF_TC_BODY(copyoutstr_writes_through_nul_only, tc)
{
	struct vm_page *pg;
	size_t done;

	t_setup();
	pg = t_page('z');
	t_enter(UVA, pg, VM_PROT_READ | VM_PROT_WRITE, 0);
	ATF_REQUIRE_EQ(copyoutstr("hello", (void *)(UVA + 4), 100, &done), 0);
	ATF_CHECK_EQ(done, 6);
	ATF_CHECK(memcmp(t_bytes(pg) + 4, "hello", 6) == 0);
	ATF_CHECK_EQ(t_bytes(pg)[10], 'z');
	ATF_CHECK_EQ(copyoutstr("hello", (void *)UVA, 3, &done),
	    ENAMETOOLONG);
	ATF_CHECK_EQ(done, 3);
	ATF_CHECK(memcmp(t_bytes(pg), "hel", 3) == 0);
	ATF_CHECK_EQ(copyoutstr("hello", (void *)(UVA + PAGE_SIZE - 2), 100,
	    &done), EFAULT);
	ATF_CHECK_EQ(done, 2);
	t_teardown();
}

ATF_TC_WITHOUT_HEAD(ufetch_ustore_roundtrip_and_refuse_misalignment);
ATF_TC_BODY(ufetch_ustore_roundtrip_and_refuse_misalignment, tc)
{
	struct vm_page *pg;
	uint8_t v8;
	uint16_t v16;
	uint32_t v32;
	uint64_t v64 = 42;

	t_setup();
	pg = t_page(0);
	t_enter(UVA, pg, VM_PROT_READ | VM_PROT_WRITE, 0);
	ATF_CHECK_EQ(ustore_8((void *)(UVA + 1), 0xab), 0);
	ATF_CHECK_EQ(ustore_16((void *)(UVA + 2), 0xcdef), 0);
	ATF_CHECK_EQ(ustore_32((void *)(UVA + 4), 0x01234567), 0);
	ATF_CHECK_EQ(ustore_64((void *)(UVA + 8), 0x89abcdef01234567ULL), 0);
	ATF_CHECK_EQ(ufetch_8((void *)(UVA + 1), &v8), 0);
	ATF_CHECK_EQ(v8, 0xab);
	ATF_CHECK_EQ(ufetch_16((void *)(UVA + 2), &v16), 0);
	ATF_CHECK_EQ(v16, 0xcdef);
	ATF_CHECK_EQ(ufetch_32((void *)(UVA + 4), &v32), 0);
	ATF_CHECK_EQ(v32, 0x01234567);
	ATF_CHECK_EQ(ufetch_64((void *)(UVA + 8), &v64), 0);
	ATF_CHECK_EQ(v64, 0x89abcdef01234567ULL);
	ATF_CHECK_EQ(t_bytes(pg)[1], 0xab);
	/* Misaligned: EFAULT, nothing stored or fetched. */
	v32 = 5;
	ATF_CHECK_EQ(ufetch_32((void *)(UVA + 2), &v32), EFAULT);
	ATF_CHECK_EQ(v32, 5);
	ATF_CHECK_EQ(ustore_16((void *)(UVA + 1), 1), EFAULT);
	ATF_CHECK_EQ(ustore_64((void *)(UVA + 4), 1), EFAULT);
	ATF_CHECK_EQ(t_bytes(pg)[1], 0xab);
	/* Unmapped: EFAULT. */
	ATF_CHECK_EQ(ufetch_64((void *)(UVA + PAGE_SIZE), &v64), EFAULT);
	ATF_CHECK_EQ(ustore_8((void *)(UVA + PAGE_SIZE), 1), EFAULT);
	t_teardown();
}

ATF_TC_WITHOUT_HEAD(kenter_pa_mapping_is_dereferenceable);
ATF_TC_BODY(kenter_pa_mapping_is_dereferenceable, tc)
{
	struct vm_page *pg;
	vaddr_t kva;
	paddr_t pa;
	char *p;

	t_setup();
	pg = t_page(0x5a);
	kva = VM_MIN_KERNEL_ADDRESS + 7 * PAGE_SIZE;
	pmap_kenter_pa(kva, VM_PAGE_TO_PHYS(pg), VM_PROT_READ | VM_PROT_WRITE,
	    0);
	pmap_update(pmap_kernel());
	p = (char *)kva;
	ATF_CHECK_EQ(p[0], 0x5a);
	p[10] = 'k';		/* a host store, seen through the direct map */
	ATF_CHECK_EQ(t_bytes(pg)[10], 'k');
	t_bytes(pg)[20] = 'd';
	ATF_CHECK_EQ(p[20], 'd');
	ATF_REQUIRE(pmap_extract(pmap_kernel(), kva + 5, &pa));
	ATF_CHECK_EQ(pa, VM_PAGE_TO_PHYS(pg) + 5);
	ATF_CHECK_EQ(pmap_resident_count(pmap_kernel()), 1);
	/* Unmanaged: no pv entry, no attributes. */
	ATF_CHECK_EQ(pg->mdpage.mdpg_word, 0);
	pmap_kremove(kva, PAGE_SIZE);
	ATF_CHECK(!pmap_extract(pmap_kernel(), kva, NULL));
	ATF_CHECK_EQ(pmap_resident_count(pmap_kernel()), 0);
	ATF_CHECK_EQ(t_bytes(pg)[10], 'k');
	t_teardown();
}

ATF_TC_WITHOUT_HEAD(kernel_enter_maps_host_and_pins_attributes);
ATF_TC_BODY(kernel_enter_maps_host_and_pins_attributes, tc)
{
	struct vm_page *pg, *ro;
	vaddr_t kva;
	uint64_t *p;

	t_setup();
	kva = VM_MIN_KERNEL_ADDRESS + 64 * PAGE_SIZE;
	p = (uint64_t *)kva;
	pg = t_page(0);
	ro = t_page(0x12);
	ATF_REQUIRE_EQ(pmap_enter(pmap_kernel(), kva, VM_PAGE_TO_PHYS(pg),
	    VM_PROT_READ | VM_PROT_WRITE, PMAP_WIRED), 0);
	ATF_REQUIRE_EQ(pmap_enter(pmap_kernel(), kva + PAGE_SIZE,
	    VM_PAGE_TO_PHYS(ro), VM_PROT_READ, 0), 0);
	ATF_CHECK_EQ(pmap_wired_count(pmap_kernel()), 1);
	p[3] = 0x0123456789abcdefULL;
	ATF_CHECK(memcmp(t_bytes(pg) + 24, &p[3], 8) == 0);
	/* Host stores are invisible: a writable kernel mapping is modified. */
	ATF_CHECK(pmap_is_modified(pg));
	ATF_CHECK(pmap_clear_modify(pg));
	ATF_CHECK(pmap_is_modified(pg));
	ATF_CHECK(pmap_is_referenced(ro));
	ATF_CHECK(!pmap_is_modified(ro));
	ATF_CHECK_EQ(((unsigned char *)kva)[PAGE_SIZE], 0x12);
	pmap_remove(pmap_kernel(), kva, kva + 2 * PAGE_SIZE);
	ATF_CHECK(!pmap_is_modified(ro));
	ATF_CHECK_EQ(pmap_resident_count(pmap_kernel()), 0);
	ATF_CHECK_EQ(pmap_wired_count(pmap_kernel()), 0);
	ATF_CHECK_EQ(pg->mdpage.mdpg_word, 0);
	t_teardown();
}

ATF_TC_WITHOUT_HEAD(kcopy_copies_and_refuses_unmapped_kernel_va);
ATF_TC_BODY(kcopy_copies_and_refuses_unmapped_kernel_va, tc)
{
	struct vm_page *pg;
	vaddr_t kva;
	char a[32] = "kernel bytes", b[32];

	t_setup();
	kva = VM_MIN_KERNEL_ADDRESS + 3 * PAGE_SIZE;
	memset(b, 0, sizeof(b));
	ATF_CHECK_EQ(kcopy(a, b, sizeof(a)), 0);
	ATF_CHECK_STREQ(b, "kernel bytes");
	pg = t_page(0);
	pmap_kenter_pa(kva, VM_PAGE_TO_PHYS(pg), VM_PROT_READ | VM_PROT_WRITE,
	    0);
	/* Into the window and across its last mapped page: EFAULT. */
	ATF_CHECK_EQ(kcopy(a, (void *)(kva + PAGE_SIZE - 8), 16), EFAULT);
	ATF_CHECK(memcmp(t_bytes(pg) + PAGE_SIZE - 8, a, 8) == 0);
	ATF_CHECK_EQ(kcopy(a, (void *)(kva + 100), sizeof(a)), 0);
	ATF_CHECK_STREQ((char *)kva + 100, "kernel bytes");
	ATF_CHECK_EQ(kcopy((void *)(kva - 4), b, 8), EFAULT);
	pmap_kremove(kva, PAGE_SIZE);
	ATF_CHECK_EQ(kcopy((void *)(kva + 100), b, 4), EFAULT);
	t_teardown();
}

ATF_TC_WITHOUT_HEAD(canfail_enter_injected_enomem_changes_nothing);
ATF_TC_BODY(canfail_enter_injected_enomem_changes_nothing, tc)
{
	struct vm_page *a, *b;
	paddr_t pa;

	t_setup();
	a = t_page(0);
	b = t_page(0);
	t_enter(UVA, a, VM_PROT_READ, 0);
	kern_fault_set(KFI_PMAP_ENTER, 1, 0);
	ATF_CHECK_EQ(pmap_enter(t_pm, UVA, VM_PAGE_TO_PHYS(b), VM_PROT_READ,
	    PMAP_CANFAIL), ENOMEM);
	kern_fault_clear();
	H_CHECK(NULL);
	ATF_REQUIRE(pmap_extract(t_pm, UVA, &pa));
	ATF_CHECK_EQ(pa, VM_PAGE_TO_PHYS(a));
	ATF_CHECK_EQ(b->mdpage.mdpg_word, 0);
	/* A table allocation that fails (kmem) is ENOMEM as well. */
	kern_fault_set(KFI_KMEM, 1, 0);
	ATF_CHECK_EQ(pmap_enter(t_pm, (vaddr_t)1 << 44, VM_PAGE_TO_PHYS(b),
	    VM_PROT_READ, PMAP_CANFAIL), ENOMEM);
	kern_fault_clear();
	ATF_CHECK_EQ(b->mdpage.mdpg_word, 0);
	ATF_CHECK_EQ(pmap_resident_count(t_pm), 1);
	ATF_CHECK_EQ(pmap_enter(t_pm, (vaddr_t)1 << 44, VM_PAGE_TO_PHYS(b),
	    VM_PROT_READ, PMAP_CANFAIL), 0);
	ATF_CHECK_EQ(pmap_resident_count(t_pm), 2);
	t_teardown();
}

ATF_TC_WITHOUT_HEAD(zero_and_copy_page_work_on_physical_bytes);
ATF_TC_BODY(zero_and_copy_page_work_on_physical_bytes, tc)
{
	struct vm_page *a, *b;

	t_setup();
	a = t_page(0x3c);
	b = t_page(0x00);
	pmap_copy_page(VM_PAGE_TO_PHYS(a), VM_PAGE_TO_PHYS(b));
	ATF_CHECK(memcmp(t_bytes(a), t_bytes(b), PAGE_SIZE) == 0);
	pmap_zero_page(VM_PAGE_TO_PHYS(a));
	for (size_t i = 0; i < PAGE_SIZE; i++)
		if (t_bytes(a)[i] != 0)
			atf_tc_fail("byte %zu not zero", i);
	ATF_CHECK_EQ(t_bytes(b)[PAGE_SIZE - 1], 0x3c);
	ATF_CHECK(!pmap_is_referenced(a) && !pmap_is_modified(b));
	t_teardown();
}

ATF_TC_WITHOUT_HEAD(reference_and_destroy_count_references);
ATF_TC_BODY(reference_and_destroy_count_references, tc)
{
	struct pmap *pm;

	t_setup();
	pm = pmap_create();
	pmap_reference(pm);
	pmap_destroy(pm);	/* one reference left */
	ATF_CHECK_EQ(pmap_enter(pm, UVA, VM_PAGE_TO_PHYS(t_page(0)),
	    VM_PROT_READ, 0), 0);
	ATF_CHECK_EQ(pmap_resident_count(pm), 1);
	/* The last reference with mappings left is a contract violation. */
	ATF_CHECK(H_PANICS(pmap_destroy(pm)));
	ATF_CHECK(strstr(h_panic_msg, "still mapped") != NULL);
}

ATF_TC_WITHOUT_HEAD(activate_and_deactivate_track_the_lwp);
ATF_TC_BODY(activate_and_deactivate_track_the_lwp, tc)
{
	struct vmspace vm2;
	struct pmap *pm2;

	t_setup();
	/* An lwp that never ran is active nowhere: deactivating is a no-op. */
	pmap_deactivate(curlwp);
	ATF_CHECK_EQ(t_pm->pm_nactive, 0);
	pmap_activate(curlwp);
	ATF_CHECK_EQ(t_pm->pm_nactive, 1);
	ATF_CHECK(soft_tlb_get(curlwp)->tl_active == t_pm);
	/* Activating on another vmspace switches. */
	pm2 = pmap_create();
	memset(&vm2, 0, sizeof(vm2));
	vm2.vm_map.pmap = pm2;
	proc0.p_vmspace = &vm2;
	pmap_activate(curlwp);
	ATF_CHECK_EQ(t_pm->pm_nactive, 0);
	ATF_CHECK_EQ(pm2->pm_nactive, 1);
	pmap_deactivate(curlwp);
	ATF_CHECK_EQ(pm2->pm_nactive, 0);
	ATF_CHECK(soft_tlb_get(curlwp)->tl_active == NULL);
	/* Destroying a pmap an lwp is still active on leaves it on none. */
	pmap_activate(curlwp);
	pmap_destroy(pm2);
	ATF_CHECK(soft_tlb_get(curlwp)->tl_active == NULL);
	proc0.p_vmspace = &t_vm;
	t_teardown();
}

ATF_TC_WITHOUT_HEAD(pmap_prefer_aligns_to_object_colour);
ATF_TC_BODY(pmap_prefer_aligns_to_object_colour, tc)
{
	vaddr_t va = 0x10000;

	h_boot(16 * MB, 0);
	pmap_prefer_align = 0;
	pmap_prefer(0x3000, &va, 0x1000, 0);
	ATF_CHECK_EQ(va, 0x10000);
	pmap_prefer_align = 0x8000;
	pmap_prefer(0x3000, &va, 0x1000, 0);
	ATF_CHECK_EQ(va, 0x13000);
	va = 0x20000;
	pmap_prefer(0x3000, &va, 0x1000, 1);
	ATF_CHECK_EQ(va, 0x1b000);
	pmap_prefer_align = 0;
	ATF_CHECK_EQ(pmap_phys_address(5), 5 * (paddr_t)uvmexp.pagesize);
	h_shutdown();
}

/*
 * The shootdown handshake: an lwp hammering copyout at a mapping must
 * not write to the page once pmap_remove() has returned.
 */
static volatile bool t_stop;
static struct lwp *t_lwp;
static volatile unsigned long t_ok_writes;

static void *
t_writer(void *arg)
{
	static unsigned char v[65536];

	memset(v, 0xee, sizeof(v));
	kern_lwp_bind(t_lwp);
	while (!t_stop) {
		if (copyout(v, (void *)UVA, PAGE_SIZE) == 0)
			t_ok_writes++;
	}
	kern_lwp_bind(NULL);
	return NULL;
}

/*
 * A stepped machine's writers publish without a fence (the shootdown
 * issues membarrier(2) for them); a machine with a threaded pagedaemon
 * makes the writers fence instead: the handshake must hold both ways.
 */
static void
t_shootdown_vs_writer(enum uvm_daemon_mode mode)
{
	enum { NROUNDS = 1000 };
	static struct vm_page *pgs[NROUNDS];
	struct proc *p;
	pthread_t th;
	int rounds;

	t_setup_machine(0, mode);
	p = proc_alloc("writer");
	p->p_vmspace = &t_vm;
	t_lwp = lwp_alloc(p, "writer");
	t_stop = false;
	ATF_REQUIRE_EQ(pthread_create(&th, NULL, t_writer, NULL), 0);
	/*
	 * A fresh page each round, filled with 0x11 once its mapping is
	 * removed: a write that lands after pmap_remove() returned leaves
	 * 0xee in it, however late the writer gets to run.
	 */
	time_t deadline = time(NULL) + 5;	/* bounded on a loaded host */
	for (rounds = 0; rounds < NROUNDS && time(NULL) < deadline; rounds++) {
		pgs[rounds] = t_page(0);
		t_enter(UVA, pgs[rounds], VM_PROT_READ | VM_PROT_WRITE, 0);
		unsigned long before = t_ok_writes;
		for (int spin = 0; spin < 100000 && t_ok_writes == before;
		    spin++)
			sched_yield();
		pmap_remove(t_pm, UVA, UVA + PAGE_SIZE);
		memset(t_bytes(pgs[rounds]), 0x11, PAGE_SIZE);
	}
	t_stop = true;
	pthread_join(th, NULL);
	for (int i = 0; i < rounds; i++)
		if (memchr(t_bytes(pgs[i]), 0xee, PAGE_SIZE) != NULL)
			atf_tc_fail("round %d: written after pmap_remove", i);
	ATF_CHECK(t_ok_writes > 0);
	lwp_free(t_lwp);
	proc_free(p);
	t_teardown();
}

ATF_TC_WITHOUT_HEAD(shootdown_stops_concurrent_writer_before_remove_returns);
ATF_TC_BODY(shootdown_stops_concurrent_writer_before_remove_returns, tc)
{
	t_shootdown_vs_writer(UVM_DAEMON_STEPPED);
}

ATF_TC_WITHOUT_HEAD(shootdown_stops_concurrent_writer_threaded_machine);
ATF_TC_BODY(shootdown_stops_concurrent_writer_threaded_machine, tc)
{
	t_shootdown_vs_writer(UVM_DAEMON_THREADED);
}

/*
 * The optimistic read path: a reader hammering copyin must never return
 * bytes that were written to the page after pmap_remove() returned
 * (here: the page "reused" and filled with 0xff).
 */
static volatile unsigned long t_bad_reads;

static void *
t_reader(void *arg)
{
	static unsigned char buf[65536];

	kern_lwp_bind(t_lwp);
	while (!t_stop) {
		if (copyin((void *)UVA, buf, PAGE_SIZE) == 0) {
			t_ok_writes++;
			if (memchr(buf, 0xff, PAGE_SIZE) != NULL)
				t_bad_reads++;
		}
	}
	kern_lwp_bind(NULL);
	return NULL;
}

ATF_TC_WITHOUT_HEAD(concurrent_reader_never_sees_bytes_written_after_remove);
ATF_TC_BODY(concurrent_reader_never_sees_bytes_written_after_remove, tc)
{
	struct vm_page *pg;
	struct proc *p;
	pthread_t th;

	t_setup_pagesize(65536);	/* long copies: a wide window */
	p = proc_alloc("reader");
	p->p_vmspace = &t_vm;
	t_lwp = lwp_alloc(p, "reader");
	t_stop = false;
	t_ok_writes = 0;
	t_bad_reads = 0;
	pg = t_page(0);
	ATF_REQUIRE_EQ(pthread_create(&th, NULL, t_reader, NULL), 0);
	time_t deadline = time(NULL) + 3;
	for (int round = 0; round < 2000 && time(NULL) < deadline; round++) {
		memset(t_bytes(pg), round & 0x7f, PAGE_SIZE);
		t_enter(UVA, pg, VM_PROT_READ, 0);
		unsigned long before = t_ok_writes;
		for (int spin = 0; spin < 100000 && t_ok_writes == before;
		    spin++)
			sched_yield();
		pmap_remove(t_pm, UVA, UVA + PAGE_SIZE);
		memset(t_bytes(pg), 0xff, PAGE_SIZE);
	}
	t_stop = true;
	pthread_join(th, NULL);
	ATF_CHECK(t_ok_writes > 0);
	ATF_CHECK_EQ(t_bad_reads, 0);
	lwp_free(t_lwp);
	proc_free(p);
	t_teardown();
}

/*
 * With the whole machine: copy(9) on a real address space faults pages
 * in through uvm_fault(), and kernel memory from uvm_km_alloc() is
 * ordinary host memory.
 */
ATF_TC_WITHOUT_HEAD(copyout_faults_anonymous_memory_in_through_uvm_fault);
ATF_TC_BODY(copyout_faults_anonymous_memory_in_through_uvm_fault, tc)
{
	struct vmspace *vm, *saved;
	vaddr_t va = 0x100000;
	char out[3 * 4096], in[3 * 4096];

	h_boot(16 * MB, 0);
	ATF_REQUIRE(pmap_fault_hook != NULL);	/* uvm_init installed it */
	vm = uvmspace_alloc(0x10000, 0x40000000, false);
	ATF_REQUIRE_EQ(uvm_map(&vm->vm_map, &va, 3 * PAGE_SIZE, NULL,
	    UVM_UNKNOWN_OFFSET, 0, UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_ALL,
	    UVM_INH_COPY, UVM_ADV_NORMAL, UVM_FLAG_FIXED | UVM_FLAG_COPYONW)),
	    0);
	H_CHECK(&vm->vm_map);
	saved = proc0.p_vmspace;
	proc0.p_vmspace = vm;
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (char)(i * 13);
	ATF_REQUIRE_EQ(copyout(out, (void *)(va + 100), sizeof(out) - 200),
	    0);
	H_CHECK(&vm->vm_map);
	ATF_CHECK_EQ(pmap_resident_count(vm_map_pmap(&vm->vm_map)), 3);
	memset(in, 0, sizeof(in));
	ATF_REQUIRE_EQ(copyin((void *)(va + 100), in, sizeof(in) - 200), 0);
	ATF_CHECK(memcmp(in, out, sizeof(in) - 200) == 0);
	/* Outside any map entry: uvm_fault fails, copy(9) says EFAULT. */
	ATF_CHECK_EQ(copyin((void *)(va + 3 * PAGE_SIZE), in, 1), EFAULT);
	/* Unmapping takes the translations away. */
	uvm_unmap(&vm->vm_map, va, va + 3 * PAGE_SIZE);
	H_CHECK(&vm->vm_map);
	ATF_CHECK_EQ(pmap_resident_count(vm_map_pmap(&vm->vm_map)), 0);
	ATF_CHECK_EQ(copyin((void *)(va + 100), in, 1), EFAULT);
	proc0.p_vmspace = saved;
	uvmspace_free(vm);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(uvm_km_alloc_memory_is_ordinary_memory);
ATF_TC_BODY(uvm_km_alloc_memory_is_ordinary_memory, tc)
{
	vaddr_t kva;
	paddr_t pa;
	char *p;

	h_boot(16 * MB, 0);
	kva = uvm_km_alloc(kernel_map, 3 * PAGE_SIZE, 0,
	    UVM_KMF_WIRED | UVM_KMF_ZERO);
	ATF_REQUIRE(kva != 0);
	ATF_CHECK(kva >= VM_MIN_KERNEL_ADDRESS &&
	    kva + 3 * PAGE_SIZE <= VM_MAX_KERNEL_ADDRESS);
	p = (char *)kva;
	for (size_t i = 0; i < 3 * PAGE_SIZE; i++)
		if (p[i] != 0)
			atf_tc_fail("byte %zu not zero", i);
	memset(p, 0x6b, 3 * PAGE_SIZE);
	for (int i = 0; i < 3; i++) {
		ATF_REQUIRE(pmap_extract(pmap_kernel(), kva + i * PAGE_SIZE,
		    &pa));
		ATF_CHECK_EQ(((unsigned char *)PMAP_DIRECT_MAP(pa))[7], 0x6b);
	}
	ATF_CHECK_EQ(kcopy(p, p + PAGE_SIZE - 4, 8), 0);
	uvm_km_free(kernel_map, kva, 3 * PAGE_SIZE, UVM_KMF_WIRED);
	H_CHECK(NULL);
	ATF_CHECK(!pmap_extract(pmap_kernel(), kva, NULL));
	ATF_CHECK_EQ(kcopy((void *)kva, &pa, sizeof(pa)), EFAULT);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(copy_to_pageable_kernel_memory_faults_it_in);
ATF_TC_BODY(copy_to_pageable_kernel_memory_faults_it_in, tc)
{
	struct vmspace *vm, *saved;
	vaddr_t va = 0x100000, kva;
	char pat[1200], back[1200];

	h_boot(16 * MB, 0);
	vm = uvmspace_alloc(0x10000, 0x40000000, false);
	ATF_REQUIRE_EQ(uvm_map(&vm->vm_map, &va, 2 * PAGE_SIZE, NULL,
	    UVM_UNKNOWN_OFFSET, 0, UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_ALL,
	    UVM_INH_COPY, UVM_ADV_NORMAL, UVM_FLAG_FIXED | UVM_FLAG_COPYONW)),
	    0);
	saved = proc0.p_vmspace;
	proc0.p_vmspace = vm;
	for (size_t i = 0; i < sizeof(pat); i++)
		pat[i] = (char)(i * 31 + 1);
	ATF_REQUIRE_EQ(copyout(pat, (void *)va, sizeof(pat)), 0);

	kva = uvm_km_alloc(kernel_map, 2 * PAGE_SIZE, 0, UVM_KMF_PAGEABLE);
	ATF_REQUIRE(kva != 0);
	ATF_CHECK(!pmap_extract(pmap_kernel(), kva, NULL));
	ATF_CHECK(!pmap_extract(pmap_kernel(), kva + PAGE_SIZE, NULL));
	/* Into pageable kernel memory straddling its two pages. */
	ATF_REQUIRE_EQ(copyin((void *)va, (void *)(kva + PAGE_SIZE - 600),
	    sizeof(pat)), 0);
	H_CHECK(&vm->vm_map);
	ATF_CHECK(pmap_extract(pmap_kernel(), kva, NULL));
	ATF_CHECK(pmap_extract(pmap_kernel(), kva + PAGE_SIZE, NULL));
	/* Now mapped in the host too: plain loads see the bytes. */
	ATF_CHECK(memcmp((void *)(kva + PAGE_SIZE - 600), pat,
	    sizeof(pat)) == 0);
	/* And back out to another user address. */
	ATF_REQUIRE_EQ(copyout((void *)(kva + PAGE_SIZE - 600),
	    (void *)(va + PAGE_SIZE), sizeof(pat)), 0);
	ATF_REQUIRE_EQ(copyin((void *)(va + PAGE_SIZE), back, sizeof(back)),
	    0);
	ATF_CHECK(memcmp(back, pat, sizeof(pat)) == 0);
	uvm_km_free(kernel_map, kva, 2 * PAGE_SIZE, UVM_KMF_PAGEABLE);
	H_CHECK(&vm->vm_map);
	ATF_CHECK(!pmap_extract(pmap_kernel(), kva, NULL));
	proc0.p_vmspace = saved;
	uvmspace_free(vm);
	h_shutdown();
}

static struct pmap *t_leftover;	/* reachable: not a leak */

ATF_TC_WITHOUT_HEAD(shutdown_drops_mappings_of_pmaps_never_destroyed);
ATF_TC_BODY(shutdown_drops_mappings_of_pmaps_never_destroyed, tc)
{
	struct vm_page *pg;

	h_boot(16 * MB, 0);
	t_leftover = pmap_create();
	pg = uvm_pagealloc(NULL, 0, NULL, 0);
	ATF_REQUIRE(pg != NULL);
	ATF_REQUIRE_EQ(pmap_enter(t_leftover, UVA, VM_PAGE_TO_PHYS(pg),
	    VM_PROT_READ, PMAP_WIRED), 0);
	ATF_REQUIRE_EQ(pmap_enter(pmap_kernel(), VM_MIN_KERNEL_ADDRESS,
	    VM_PAGE_TO_PHYS(pg), VM_PROT_READ, 0), 0);
	/* Would panic on the pv entries still out if they were kept. */
	h_shutdown();
	ATF_CHECK(t_leftover->pm_root == NULL);
	ATF_CHECK_EQ(t_leftover->pm_stats.resident_count, 0);
	/* The machine boots again cleanly. */
	h_boot(16 * MB, 0);
	ATF_CHECK_EQ(pmap_resident_count(pmap_kernel()), 0);
	h_shutdown();
}

/*
 * Host threads without an lwp all run as lwp0: each must still get a
 * TLB of its own, or one thread's translation would serve another's
 * access (two addresses that share a TLB slot, read at once).
 */
static volatile unsigned long t_mismatch, t_reads;

static void *
t_slot_reader(void *arg)
{
	vaddr_t va = (vaddr_t)arg;
	unsigned char want = va == UVA ? 0xaa : 0xbb;
	unsigned char buf[256];

	while (!t_stop) {
		if (copyin((void *)va, buf, sizeof(buf)) != 0 ||
		    buf[0] != want || buf[sizeof(buf) - 1] != want)
			t_mismatch++;
		t_reads++;
	}
	return NULL;
}

ATF_TC_WITHOUT_HEAD(unbound_threads_get_a_tlb_each);
ATF_TC_BODY(unbound_threads_get_a_tlb_each, tc)
{
	vaddr_t other;	/* shares UVA's TLB slot */
	pthread_t a, b;

	t_setup();
	other = UVA + SOFT_TLB_SIZE * PAGE_SIZE;
	t_enter(UVA, t_page(0xaa), VM_PROT_READ, 0);
	t_enter(other, t_page(0xbb), VM_PROT_READ, 0);
	t_stop = false;
	t_mismatch = t_reads = 0;
	ATF_REQUIRE_EQ(pthread_create(&a, NULL, t_slot_reader, (void *)UVA),
	    0);
	ATF_REQUIRE_EQ(pthread_create(&b, NULL, t_slot_reader,
	    (void *)other), 0);
	time_t deadline = time(NULL) + 2;
	while (time(NULL) < deadline && t_reads < 2000000)
		usleep(10000);
	t_stop = true;
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	ATF_CHECK(t_reads > 0);
	ATF_CHECK_EQ_MSG(t_mismatch, 0, "%lu of %lu reads wrong", t_mismatch,
	    t_reads);
	t_teardown();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, select_unknown_backend_is_einval);
	ATF_TP_ADD_TC(tp, virtual_space_is_a_real_host_window);
	ATF_TP_ADD_TC(tp, enter_then_extract_gives_pa_and_offset);
	ATF_TP_ADD_TC(tp, wired_counts_follow_enter_and_unwire);
	ATF_TP_ADD_TC(tp, unwire_of_unmapped_va_panics);
	ATF_TP_ADD_TC(tp, remove_range_drops_only_that_range);
	ATF_TP_ADD_TC(tp, enter_over_mapping_moves_pv_to_new_page);
	ATF_TP_ADD_TC(tp, protect_readonly_refuses_writes_keeps_reads);
	ATF_TP_ADD_TC(tp, protect_none_removes_mappings);
	ATF_TP_ADD_TC(tp, page_protect_acts_on_every_pmap);
	ATF_TP_ADD_TC(tp, copyin_sets_referenced_only);
	ATF_TP_ADD_TC(tp, clear_modify_then_write_sets_it_again);
	ATF_TP_ADD_TC(tp, clear_reference_then_read_sets_it_again);
	ATF_TP_ADD_TC(tp, enter_access_type_sets_attributes);
	ATF_TP_ADD_TC(tp, md_word_is_zero_without_mappings_or_attributes);
	ATF_TP_ADD_TC(tp, tlb_never_uses_stale_entry_after_remove);
	ATF_TP_ADD_TC(tp, tlb_never_uses_stale_entry_after_protect);
	ATF_TP_ADD_TC(tp, tlb_never_uses_stale_entry_after_page_protect);
	ATF_TP_ADD_TC(tp, tlb_entry_of_destroyed_pmap_never_matches_new_one);
	ATF_TP_ADD_TC(tp, copy_crosses_page_boundaries_of_scattered_pages);
	ATF_TP_ADD_TC(tp, copy_into_hole_faults_after_copying_the_prefix);
	ATF_TP_ADD_TC(tp, copy_outside_user_range_is_efault);
	ATF_TP_ADD_TC(tp, fault_hook_resolves_missing_page_and_copy_retries);
	ATF_TP_ADD_TC(tp, unresolved_fault_is_efault_and_changes_nothing);
	ATF_TP_ADD_TC(tp, copyinstr_stops_at_nul_and_reports_length);
	ATF_TP_ADD_TC(tp, copyoutstr_writes_through_nul_only);
	ATF_TP_ADD_TC(tp, ufetch_ustore_roundtrip_and_refuse_misalignment);
	ATF_TP_ADD_TC(tp, kenter_pa_mapping_is_dereferenceable);
	ATF_TP_ADD_TC(tp, kernel_enter_maps_host_and_pins_attributes);
	ATF_TP_ADD_TC(tp, kcopy_copies_and_refuses_unmapped_kernel_va);
	ATF_TP_ADD_TC(tp, canfail_enter_injected_enomem_changes_nothing);
	ATF_TP_ADD_TC(tp, zero_and_copy_page_work_on_physical_bytes);
	ATF_TP_ADD_TC(tp, reference_and_destroy_count_references);
	ATF_TP_ADD_TC(tp, activate_and_deactivate_track_the_lwp);
	ATF_TP_ADD_TC(tp, pmap_prefer_aligns_to_object_colour);
	ATF_TP_ADD_TC(tp, shootdown_stops_concurrent_writer_before_remove_returns);
	ATF_TP_ADD_TC(tp, shootdown_stops_concurrent_writer_threaded_machine);
	ATF_TP_ADD_TC(tp, concurrent_reader_never_sees_bytes_written_after_remove);
	ATF_TP_ADD_TC(tp, copyout_faults_anonymous_memory_in_through_uvm_fault);
	ATF_TP_ADD_TC(tp, uvm_km_alloc_memory_is_ordinary_memory);
	ATF_TP_ADD_TC(tp, copy_to_pageable_kernel_memory_faults_it_in);
	ATF_TP_ADD_TC(tp, shutdown_drops_mappings_of_pmaps_never_destroyed);
	ATF_TP_ADD_TC(tp, unbound_threads_get_a_tlb_each);
	return atf_no_error();
}
