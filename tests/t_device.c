/*
 * t_device: the device pager (udv) and the character-device switch:
 * mapping a device whose d_mmap returns physical page frames, faults
 * through its pgo_fault, unmanaged pages, wiring, copy-on-write and
 * withdrawn pages refused, mincore and uvm_map_clean over devices.
 *
 * The test device, tmem, is TMEM_NPAGES pages of the machine's
 * physical memory above the RAM segment (the arena is booted larger
 * than the segment, so UVM does not manage those pages).  Unit 0 is
 * read-write, unit 1 read-only.
 */
#include "h_machine.h"

#include <uvm/uvm_device.h>

#include <stdlib.h>
#include <string.h>

#define TMEM_NPAGES	8

static paddr_t tmem_base;		/* first physical byte */
static volatile bool tmem_gone;		/* the driver withdraws page 2 */
static unsigned long tmem_calls;	/* d_mmap calls */

static paddr_t
tmem_mmap(dev_t dev, off_t off, int prot)
{
	tmem_calls++;
	if (off < 0 || off >= (off_t)(TMEM_NPAGES * PAGE_SIZE))
		return (paddr_t)-1;
	if (udv_minor(dev) == 1 && (prot & VM_PROT_WRITE) != 0)
		return (paddr_t)-1;
	if (udv_minor(dev) > 1)
		return (paddr_t)-1;
	if (tmem_gone && off / (off_t)PAGE_SIZE == 2)
		return (paddr_t)-1;
	return atop(tmem_base + (paddr_t)off);
}

static const struct cdevsw tmem_cdevsw = {
	.d_name = "tmem",
	.d_mmap = tmem_mmap,
};

static devmajor_t tmem_major;

static unsigned char *
tmem_kva(int page)
{
	return (unsigned char *)PMAP_DIRECT_MAP(tmem_base + ptoa(page));
}

static void
setup(void)
{
	struct uvm_machine m;
	psize_t ram = 16 << 20;

	uvm_machine_defaults(&m);
	m.m_ramsize = ram;
	m.m_physmax = ram + (psize_t)TMEM_NPAGES * 4096;
	m.m_quiet = true;
	h_boot_machine(&m);
	tmem_base = ram;
	tmem_gone = false;
	tmem_calls = 0;
	for (int i = 0; i < TMEM_NPAGES; i++)
		memset(tmem_kva(i), 'a' + i, PAGE_SIZE);
	tmem_major = -1;
	ATF_REQUIRE_EQ(cdevsw_attach(&tmem_cdevsw, &tmem_major), 0);
	ATF_REQUIRE(tmem_major >= 0);
	H_CHECK(NULL);
}

static void
teardown(void)
{
	ATF_CHECK_EQ(cdevsw_detach(&tmem_cdevsw), 0);
	H_CHECK(NULL);
	h_shutdown();
}

/* Map npages of unit at device offset off in a new address space. */
static struct vmspace *
map_dev(int unit, voff_t off, int npages, vm_prot_t prot, int flags,
    vaddr_t *vap)
{
	struct vmspace *vm;
	struct uvm_object *uobj;

	vm = uvmspace_alloc(VM_MIN_ADDRESS, VM_MAXUSER_ADDRESS, false);
	uobj = udv_attach(udv_makedev(tmem_major, unit), prot, off,
	    ptoa((vsize_t)npages));
	ATF_REQUIRE(uobj != NULL);
	*vap = 0;
	ATF_REQUIRE_EQ(uvm_map(&vm->vm_map, vap, ptoa((vsize_t)npages), uobj,
	    off, 0, UVM_MAPFLAG(prot, prot, UVM_INH_SHARE, UVM_ADV_RANDOM,
	    flags)), 0);
	H_CHECK(&vm->vm_map);
	return vm;
}

ATF_TC_WITHOUT_HEAD(device_pages_are_unmanaged_memory_outside_uvm);
ATF_TC_BODY(device_pages_are_unmanaged_memory_outside_uvm, tc)
{
	setup();
	for (int i = 0; i < TMEM_NPAGES; i++)
		ATF_CHECK(PHYS_TO_VM_PAGE(tmem_base + ptoa(i)) == NULL);
	ATF_CHECK(PHYS_TO_VM_PAGE(tmem_base - PAGE_SIZE) != NULL);
	teardown();
}

ATF_TC_WITHOUT_HEAD(mapping_reads_and_writes_the_device_memory);
ATF_TC_BODY(mapping_reads_and_writes_the_device_memory, tc)
{
	struct vmspace *vm;
	vaddr_t va;
	unsigned char back[16], out[16];
	paddr_t pa;
	int free0 = uvmexp.free;

	setup();
	free0 = uvmexp.free;
	vm = map_dev(0, ptoa(1), 4, VM_PROT_READ | VM_PROT_WRITE, 0, &va);
	/* Reads see the device's bytes (device page 1 at va). */
	ATF_REQUIRE_EQ(copyin_vmspace(vm, (void *)(va + 10), back, 16), 0);
	for (int i = 0; i < 16; i++)
		ATF_CHECK_EQ(back[i], 'b');
	ATF_REQUIRE_EQ(copyin_vmspace(vm, (void *)(va + ptoa(3)), back, 1),
	    0);
	ATF_CHECK_EQ(back[0], 'e');
	/* Writes land in the device's physical memory. */
	memset(out, 'Z', sizeof(out));
	ATF_REQUIRE_EQ(copyout_vmspace(vm, out, (void *)(va + ptoa(2) + 7),
	    sizeof(out)), 0);
	ATF_CHECK(memcmp(tmem_kva(3) + 7, out, sizeof(out)) == 0);
	ATF_CHECK_EQ(tmem_kva(3)[6], 'd');
	/* The translation is the device page; no managed page was used. */
	ATF_REQUIRE(pmap_extract(vm_map_pmap(&vm->vm_map), va + ptoa(2), &pa));
	ATF_CHECK_EQ(pa, tmem_base + ptoa(3));
	ATF_CHECK_EQ(uvmexp.free >= free0 - 16, true);
	H_CHECK(&vm->vm_map);
	/* Mapped: the driver cannot leave. */
	ATF_CHECK_EQ(cdevsw_detach(&tmem_cdevsw), EBUSY);
	uvmspace_free(vm);
	H_CHECK(NULL);
	teardown();
}

ATF_TC_WITHOUT_HEAD(two_mappings_share_the_device_object_and_bytes);
ATF_TC_BODY(two_mappings_share_the_device_object_and_bytes, tc)
{
	struct vmspace *a, *b;
	vaddr_t va, vb;
	struct vm_map_entry *ea, *eb;
	char c = 'Q', back = 0;

	setup();
	a = map_dev(0, 0, 2, VM_PROT_READ | VM_PROT_WRITE, 0, &va);
	b = map_dev(0, 0, 2, VM_PROT_READ | VM_PROT_WRITE, 0, &vb);
	ATF_REQUIRE(uvm_map_lookup_entry(&a->vm_map, va, &ea));
	ATF_REQUIRE(uvm_map_lookup_entry(&b->vm_map, vb, &eb));
	ATF_CHECK(ea->object.uvm_obj == eb->object.uvm_obj);
	ATF_CHECK_EQ(ea->object.uvm_obj->uo_refs, 2);
	ATF_REQUIRE_EQ(copyin_vmspace(b, (void *)(vb + 5), &back, 1), 0);
	ATF_REQUIRE_EQ(copyout_vmspace(a, &c, (void *)(va + 5), 1), 0);
	ATF_REQUIRE_EQ(copyin_vmspace(b, (void *)(vb + 5), &back, 1), 0);
	ATF_CHECK_EQ(back, 'Q');
	uvmspace_free(a);
	ATF_CHECK_EQ(eb->object.uvm_obj->uo_refs, 1);
	H_CHECK(&b->vm_map);
	uvmspace_free(b);
	teardown();
}

ATF_TC_WITHOUT_HEAD(attach_refuses_what_the_driver_refuses);
ATF_TC_BODY(attach_refuses_what_the_driver_refuses, tc)
{
	dev_t d0, d1;
	struct uvm_object *o1, *o2;

	setup();
	d0 = udv_makedev(tmem_major, 0);
	d1 = udv_makedev(tmem_major, 1);
	/* Past the device's end, in part or whole. */
	ATF_CHECK(udv_attach(d0, VM_PROT_READ, ptoa(6), ptoa(3)) == NULL);
	ATF_CHECK(udv_attach(d0, VM_PROT_READ, ptoa(TMEM_NPAGES),
	    PAGE_SIZE) == NULL);
	/* Negative offsets, unaligned ones, empty ranges. */
	ATF_CHECK(udv_attach(d0, VM_PROT_READ, -(voff_t)PAGE_SIZE,
	    PAGE_SIZE) == NULL);
	ATF_CHECK(udv_attach(d0, VM_PROT_READ, 100, PAGE_SIZE) == NULL);
	ATF_CHECK(udv_attach(d0, VM_PROT_READ, 0, 0) == NULL);
	/* The read-only unit refuses writable mappings. */
	ATF_CHECK(udv_attach(d1, VM_PROT_READ | VM_PROT_WRITE, 0,
	    PAGE_SIZE) == NULL);
	/* No driver at that major. */
	ATF_CHECK(udv_attach(udv_makedev((tmem_major + 1) % UDV_NCDEV, 0),
	    VM_PROT_READ, 0, PAGE_SIZE) == NULL);
	/* One object per device, referenced per attach. */
	o1 = udv_attach(d1, VM_PROT_READ, 0, PAGE_SIZE);
	o2 = udv_attach(d1, VM_PROT_READ, ptoa(1), PAGE_SIZE);
	ATF_REQUIRE(o1 != NULL && o1 == o2);
	ATF_CHECK(UVM_OBJ_IS_DEVICE(o1));
	ATF_CHECK_EQ(o1->uo_refs, 2);
	ATF_CHECK(udv_attach(d0, VM_PROT_READ, 0, PAGE_SIZE) != o1);
	o1->pgops->pgo_detach(o1);
	o2->pgops->pgo_detach(o2);
	/* d0's object, still referenced, holds the driver. */
	ATF_CHECK_EQ(cdevsw_detach(&tmem_cdevsw), EBUSY);
	{
		struct uvm_object *o0 = udv_attach(d0, VM_PROT_READ, 0,
		    PAGE_SIZE);

		ATF_REQUIRE(o0 != NULL);
		ATF_CHECK_EQ(o0->uo_refs, 2);
		o0->pgops->pgo_detach(o0);
		o0->pgops->pgo_detach(o0);
	}
	teardown();
}

ATF_TC_WITHOUT_HEAD(cdevsw_attach_and_detach_errors);
ATF_TC_BODY(cdevsw_attach_and_detach_errors, tc)
{
	static const struct cdevsw other = { "other", tmem_mmap, 0 };
	static const struct cdevsw nommap = { "nommap", NULL, 0 };
	devmajor_t maj;

	setup();
	maj = -1;
	ATF_CHECK_EQ(cdevsw_attach(&tmem_cdevsw, &maj), EEXIST);
	maj = tmem_major;
	ATF_CHECK_EQ(cdevsw_attach(&other, &maj), EEXIST);
	maj = UDV_NCDEV;
	ATF_CHECK_EQ(cdevsw_attach(&other, &maj), EINVAL);
	maj = -1;
	ATF_CHECK_EQ(cdevsw_attach(&nommap, &maj), EINVAL);
	ATF_CHECK_EQ(cdevsw_detach(&other), ENOENT);
	maj = -1;
	ATF_REQUIRE_EQ(cdevsw_attach(&other, &maj), 0);
	ATF_CHECK(maj != tmem_major);
	ATF_CHECK(cdevsw_lookup(udv_makedev(maj, 3)) == &other);
	ATF_CHECK(cdevsw_lookup(udv_makedev(tmem_major, 0)) == &tmem_cdevsw);
	ATF_CHECK_EQ(cdevsw_detach(&other), 0);
	ATF_CHECK(cdevsw_lookup(udv_makedev(maj, 3)) == NULL);
	teardown();
}

ATF_TC_WITHOUT_HEAD(fault_window_enters_neighbours_through_d_mmap);
ATF_TC_BODY(fault_window_enters_neighbours_through_d_mmap, tc)
{
	struct vmspace *vm;
	vaddr_t va;
	paddr_t pa;
	int mapped = 0;

	setup();
	vm = map_dev(0, 0, TMEM_NPAGES, VM_PROT_READ, 0, &va);
	ATF_REQUIRE_EQ(uvm_fault(&vm->vm_map, va + ptoa(4), VM_PROT_READ), 0);
	ATF_REQUIRE(pmap_extract(vm_map_pmap(&vm->vm_map), va + ptoa(4),
	    &pa));
	ATF_CHECK_EQ(pa, tmem_base + ptoa(4));
	for (int i = 0; i < TMEM_NPAGES; i++) {
		if (pmap_extract(vm_map_pmap(&vm->vm_map), va + ptoa(i), &pa)) {
			ATF_CHECK_EQ(pa, tmem_base + ptoa(i));
			mapped++;
		}
	}
	/* The page, and at least one neighbour (random advice: few). */
	ATF_CHECK(mapped >= 1);
	ATF_CHECK((unsigned long)mapped <= tmem_calls);
	/* Writing a read-only mapping: protection, not the device. */
	ATF_CHECK_EQ(uvm_fault(&vm->vm_map, va, VM_PROT_WRITE), EACCES);
	H_CHECK(&vm->vm_map);
	uvmspace_free(vm);
	teardown();
}

ATF_TC_WITHOUT_HEAD(copy_on_write_device_mapping_faults_eio);
ATF_TC_BODY(copy_on_write_device_mapping_faults_eio, tc)
{
	struct vmspace *vm;
	vaddr_t va;

	setup();
	vm = map_dev(0, 0, 2, VM_PROT_READ | VM_PROT_WRITE, UVM_FLAG_COPYONW,
	    &va);
	ATF_CHECK_EQ(uvm_fault(&vm->vm_map, va, VM_PROT_READ), EIO);
	ATF_CHECK_EQ(uvm_fault(&vm->vm_map, va, VM_PROT_WRITE), EIO);
	/* The device memory is untouched. */
	ATF_CHECK_EQ(tmem_kva(0)[0], 'a');
	H_CHECK(&vm->vm_map);
	uvmspace_free(vm);
	teardown();
}

ATF_TC_WITHOUT_HEAD(withdrawn_device_page_faults_eio_others_work);
ATF_TC_BODY(withdrawn_device_page_faults_eio_others_work, tc)
{
	struct vmspace *vm;
	vaddr_t va;
	char back;

	setup();
	vm = map_dev(0, 0, 4, VM_PROT_READ, 0, &va);
	tmem_gone = true;
	ATF_CHECK_EQ(uvm_fault(&vm->vm_map, va + ptoa(2), VM_PROT_READ), EIO);
	ATF_CHECK_EQ(copyin_vmspace(vm, (void *)(va + ptoa(2)), &back, 1),
	    EFAULT);
	ATF_REQUIRE_EQ(copyin_vmspace(vm, (void *)(va + ptoa(3)), &back, 1),
	    0);
	ATF_CHECK_EQ(back, 'd');
	H_CHECK(&vm->vm_map);
	tmem_gone = false;
	ATF_REQUIRE_EQ(copyin_vmspace(vm, (void *)(va + ptoa(2)), &back, 1),
	    0);
	ATF_CHECK_EQ(back, 'c');
	uvmspace_free(vm);
	teardown();
}

ATF_TC_WITHOUT_HEAD(wired_device_mapping_stays_mapped_and_unwires);
ATF_TC_BODY(wired_device_mapping_stays_mapped_and_unwires, tc)
{
	struct vmspace *vm;
	vaddr_t va;
	paddr_t pa;
	char *vec;
	struct pmap *pm;

	setup();
	vm = map_dev(0, 0, 3, VM_PROT_READ | VM_PROT_WRITE, 0, &va);
	pm = vm_map_pmap(&vm->vm_map);
	ATF_REQUIRE_EQ(uvm_map_pageable(&vm->vm_map, va, va + ptoa(3), false,
	    0), 0);
	H_CHECK(&vm->vm_map);
	for (int i = 0; i < 3; i++) {
		ATF_REQUIRE(pmap_extract(pm, va + ptoa(i), &pa));
		ATF_CHECK_EQ(pa, tmem_base + ptoa(i));
	}
	ATF_CHECK_EQ(pmap_wired_count(pm), 3);
	/* Freeing a wired range is refused; cleaning is fine. */
	ATF_CHECK_EQ(uvm_map_clean(&vm->vm_map, va, va + ptoa(3), PGO_FREE),
	    EBUSY);
	ATF_CHECK_EQ(uvm_map_clean(&vm->vm_map, va, va + ptoa(3),
	    PGO_CLEANIT | PGO_SYNCIO), 0);
	/* Device pages are always resident. */
	vec = calloc(3, 1);
	ATF_REQUIRE_EQ(uvm_mincore(&vm->vm_map, va, ptoa(3), vec), 0);
	ATF_CHECK(vec[0] == 1 && vec[1] == 1 && vec[2] == 1);
	free(vec);
	ATF_REQUIRE_EQ(uvm_map_pageable(&vm->vm_map, va, va + ptoa(3), true,
	    0), 0);
	ATF_CHECK_EQ(pmap_wired_count(pm), 0);
	H_CHECK(&vm->vm_map);
	uvmspace_free(vm);
	teardown();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, device_pages_are_unmanaged_memory_outside_uvm);
	ATF_TP_ADD_TC(tp, mapping_reads_and_writes_the_device_memory);
	ATF_TP_ADD_TC(tp, two_mappings_share_the_device_object_and_bytes);
	ATF_TP_ADD_TC(tp, attach_refuses_what_the_driver_refuses);
	ATF_TP_ADD_TC(tp, cdevsw_attach_and_detach_errors);
	ATF_TP_ADD_TC(tp, fault_window_enters_neighbours_through_d_mmap);
	ATF_TP_ADD_TC(tp, copy_on_write_device_mapping_faults_eio);
	ATF_TP_ADD_TC(tp, withdrawn_device_page_faults_eio_others_work);
	ATF_TP_ADD_TC(tp, wired_device_mapping_stays_mapped_and_unwires);
	return atf_no_error();
}
