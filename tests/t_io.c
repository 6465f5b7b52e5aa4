/*
 * t_io: moving data into and out of another address space (uvm_io),
 * wiring for I/O (uvm_vslock, uvm_vsunlock), kernel access checks
 * (uvm_kernacc) and stack growth (uvm_grow).
 */
#include "h_machine.h"

#include <stdlib.h>
#include <string.h>

static struct vmspace *vm;
static vaddr_t va;

/* Boot, and map npages pages with prot (PAGE_SIZE is known only then). */
static void
setup(int npages, vm_prot_t prot)
{
	vsize_t len;

	h_boot(16 << 20, 0);
	len = (vsize_t)npages * PAGE_SIZE;
	vm = uvmspace_alloc(VM_MIN_ADDRESS, VM_MAXUSER_ADDRESS, false);
	va = 0;
	ATF_REQUIRE_EQ(uvm_map(&vm->vm_map, &va, len, NULL,
	    UVM_UNKNOWN_OFFSET, 0, UVM_MAPFLAG(prot, UVM_PROT_ALL,
	    UVM_INH_COPY, UVM_ADV_NORMAL, UVM_FLAG_COPYONW)), 0);
	H_CHECK(&vm->vm_map);
}

static void
teardown(void)
{
	uvmspace_free(vm);
	H_CHECK(NULL);
	h_shutdown();
}

static void
kuio(struct uio *uio, struct iovec *iov, void *buf, size_t len, vaddr_t at,
    enum uio_rw rw)
{
	iov->iov_base = buf;
	iov->iov_len = len;
	uio->uio_iov = iov;
	uio->uio_iovcnt = 1;
	uio->uio_offset = (off_t)at;
	uio->uio_resid = len;
	uio->uio_rw = rw;
	UIO_SETUP_SYSSPACE(uio);
}

ATF_TC_WITHOUT_HEAD(io_write_then_read_round_trips_across_pages);
ATF_TC_BODY(io_write_then_read_round_trips_across_pages, tc)
{
	size_t len;
	char *out, *in;
	struct iovec iov;
	struct uio uio;

	setup(4, UVM_PROT_RW);
	len = 3 * PAGE_SIZE;
	out = malloc(len);
	in = malloc(len);
	for (size_t i = 0; i < len; i++)
		out[i] = (char)(i * 7 + 3);
	/* Unaligned start: the transfer straddles four pages. */
	kuio(&uio, &iov, out, len, va + 100, UIO_WRITE);
	ATF_REQUIRE_EQ(uvm_io(&vm->vm_map, &uio), 0);
	ATF_CHECK_EQ(uio.uio_resid, 0);
	ATF_CHECK_EQ(uio.uio_offset, (off_t)(va + 100 + len));
	H_CHECK(&vm->vm_map);
	memset(in, 0, len);
	kuio(&uio, &iov, in, len, va + 100, UIO_READ);
	ATF_REQUIRE_EQ(uvm_io(&vm->vm_map, &uio), 0);
	ATF_CHECK(memcmp(in, out, len) == 0);
	/* The process sees the same bytes through its own CPU. */
	memset(in, 0, len);
	ATF_REQUIRE_EQ(copyin_vmspace(vm, (void *)(va + 100), in, len), 0);
	ATF_CHECK(memcmp(in, out, len) == 0);
	free(out);
	free(in);
	teardown();
}

ATF_TC_WITHOUT_HEAD(io_scatter_gather_iovecs);
ATF_TC_BODY(io_scatter_gather_iovecs, tc)
{
	char a[10], b[5000], c[3], back[10 + 5000 + 3];
	struct iovec iov[3];
	struct uio uio;

	setup(4, UVM_PROT_RW);
	memset(a, 'a', sizeof(a));
	memset(b, 'b', sizeof(b));
	memset(c, 'c', sizeof(c));
	iov[0].iov_base = a; iov[0].iov_len = sizeof(a);
	iov[1].iov_base = b; iov[1].iov_len = sizeof(b);
	iov[2].iov_base = c; iov[2].iov_len = sizeof(c);
	uio.uio_iov = iov;
	uio.uio_iovcnt = 3;
	uio.uio_offset = (off_t)va;
	uio.uio_resid = sizeof(back);
	uio.uio_rw = UIO_WRITE;
	UIO_SETUP_SYSSPACE(&uio);
	ATF_REQUIRE_EQ(uvm_io(&vm->vm_map, &uio), 0);
	ATF_REQUIRE_EQ(copyin_vmspace(vm, (void *)va, back, sizeof(back)), 0);
	ATF_CHECK(memcmp(back, a, sizeof(a)) == 0);
	ATF_CHECK(memcmp(back + sizeof(a), b, sizeof(b)) == 0);
	ATF_CHECK(memcmp(back + sizeof(a) + sizeof(b), c, sizeof(c)) == 0);
	H_CHECK(&vm->vm_map);
	teardown();
}

ATF_TC_WITHOUT_HEAD(io_stops_at_unmapped_page_with_partial_progress);
ATF_TC_BODY(io_stops_at_unmapped_page_with_partial_progress, tc)
{
	size_t len;
	char *buf;
	struct iovec iov;
	struct uio uio;

	setup(1, UVM_PROT_RW);
	len = 2 * PAGE_SIZE;
	buf = malloc(len);
	memset(buf, 'x', len);
	kuio(&uio, &iov, buf, len, va, UIO_WRITE);
	ATF_CHECK_EQ(uvm_io(&vm->vm_map, &uio), EFAULT);
	/* The mapped page was written, nothing past it. */
	ATF_CHECK_EQ(uio.uio_resid, PAGE_SIZE);
	ATF_CHECK_EQ(uio.uio_offset, (off_t)(va + PAGE_SIZE));
	H_CHECK(&vm->vm_map);
	free(buf);
	teardown();
}

ATF_TC_WITHOUT_HEAD(io_write_to_readonly_mapping_fails_efault);
ATF_TC_BODY(io_write_to_readonly_mapping_fails_efault, tc)
{
	char buf[16] = "hello";
	struct iovec iov;
	struct uio uio;

	setup(1, UVM_PROT_READ);
	kuio(&uio, &iov, buf, sizeof(buf), va, UIO_WRITE);
	/* copy(9) reports every unresolvable fault as EFAULT. */
	ATF_CHECK_EQ(uvm_io(&vm->vm_map, &uio), EFAULT);
	ATF_CHECK_EQ(uio.uio_resid, sizeof(buf));
	/* Reading is allowed and sees zeros. */
	kuio(&uio, &iov, buf, sizeof(buf), va, UIO_READ);
	ATF_CHECK_EQ(uvm_io(&vm->vm_map, &uio), 0);
	ATF_CHECK_EQ(buf[0], 0);
	H_CHECK(&vm->vm_map);
	teardown();
}

ATF_TC_WITHOUT_HEAD(io_outside_map_fails_efault);
ATF_TC_BODY(io_outside_map_fails_efault, tc)
{
	char buf[16];
	struct iovec iov;
	struct uio uio;

	setup(1, UVM_PROT_RW);
	kuio(&uio, &iov, buf, sizeof(buf), VM_MAXUSER_ADDRESS - 8, UIO_READ);
	ATF_CHECK_EQ(uvm_io(&vm->vm_map, &uio), EFAULT);
	ATF_CHECK_EQ(uio.uio_resid, sizeof(buf));
	teardown();
}

ATF_TC_WITHOUT_HEAD(vslock_wires_pages_and_vsunlock_releases_them);
ATF_TC_BODY(vslock_wires_pages_and_vsunlock_releases_them, tc)
{
	int wired;

	setup(4, UVM_PROT_RW);
	wired = uvmexp.wired;
	ATF_REQUIRE_EQ(uvm_vslock(vm, (void *)(va + 10), 2 * PAGE_SIZE,
	    VM_PROT_READ | VM_PROT_WRITE), 0);
	H_CHECK(&vm->vm_map);
	/* [va+10, va+10+2 pages) touches three pages. */
	ATF_CHECK_EQ(uvmexp.wired, wired + 3);
	ATF_CHECK_EQ(pmap_wired_count(vm->vm_map.pmap), 3);
	uvm_vsunlock(vm, (void *)(va + 10), 2 * PAGE_SIZE);
	H_CHECK(&vm->vm_map);
	ATF_CHECK_EQ(uvmexp.wired, wired);
	ATF_CHECK_EQ(pmap_wired_count(vm->vm_map.pmap), 0);
	teardown();
}

ATF_TC_WITHOUT_HEAD(vslock_of_unmapped_range_fails_and_wires_nothing);
ATF_TC_BODY(vslock_of_unmapped_range_fails_and_wires_nothing, tc)
{
	int wired;

	setup(1, UVM_PROT_RW);
	wired = uvmexp.wired;
	ATF_CHECK_EQ(uvm_vslock(vm, (void *)va, 2 * PAGE_SIZE,
	    VM_PROT_READ), EFAULT);
	ATF_CHECK_EQ(uvmexp.wired, wired);
	H_CHECK(&vm->vm_map);
	teardown();
}

ATF_TC_WITHOUT_HEAD(kernacc_checks_kernel_map_protection);
ATF_TC_BODY(kernacc_checks_kernel_map_protection, tc)
{
	vaddr_t kva;

	h_boot(16 << 20, 0);
	kva = uvm_km_alloc(kernel_map, 2 * PAGE_SIZE, 0, UVM_KMF_WIRED);
	ATF_REQUIRE(kva != 0);
	ATF_CHECK(uvm_kernacc((void *)kva, 2 * PAGE_SIZE, B_READ));
	ATF_CHECK(uvm_kernacc((void *)(kva + 5), 100, B_WRITE));
	uvm_km_free(kernel_map, kva, 2 * PAGE_SIZE, UVM_KMF_WIRED);
	ATF_CHECK(!uvm_kernacc((void *)kva, PAGE_SIZE, B_READ));
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(chgkprot_makes_wired_kernel_memory_readonly_and_back);
ATF_TC_BODY(chgkprot_makes_wired_kernel_memory_readonly_and_back, tc)
{
	vaddr_t kva;
	char c = 'x';

	h_boot(16 << 20, 0);
	kva = uvm_km_alloc(kernel_map, 2 * PAGE_SIZE, 0, UVM_KMF_WIRED);
	ATF_REQUIRE(kva != 0);
	memset((void *)kva, 'k', 2 * PAGE_SIZE);
	ATF_REQUIRE(uvm_chgkprot((void *)kva, 2 * PAGE_SIZE, B_READ));
	H_CHECK(kernel_map);
	ATF_CHECK(uvm_kernacc((void *)kva, 2 * PAGE_SIZE, B_READ));
	ATF_CHECK(!uvm_kernacc((void *)kva, 1, B_WRITE));
	/* Reads still work; a write through copy(9) is refused. */
	ATF_CHECK_EQ(((char *)kva)[PAGE_SIZE + 3], 'k');
	ATF_CHECK_EQ(kcopy(&c, (void *)kva, 1), EFAULT);
	ATF_CHECK_EQ(((char *)kva)[0], 'k');
	/* Back to read-write: plain stores work again. */
	ATF_REQUIRE(uvm_chgkprot((void *)kva, 2 * PAGE_SIZE, B_WRITE));
	H_CHECK(kernel_map);
	ATF_CHECK(uvm_kernacc((void *)kva, 2 * PAGE_SIZE, B_WRITE));
	((char *)kva)[5] = 'w';
	ATF_CHECK_EQ(kcopy(&c, (void *)(kva + PAGE_SIZE), 1), 0);
	ATF_CHECK_EQ(((char *)kva)[PAGE_SIZE], 'x');
	uvm_km_free(kernel_map, kva, 2 * PAGE_SIZE, UVM_KMF_WIRED);
	H_CHECK(kernel_map);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(chgkprot_pageable_kernel_memory_and_refusals);
ATF_TC_BODY(chgkprot_pageable_kernel_memory_and_refusals, tc)
{
	vaddr_t kva, hole;
	char c = 'p', back = 0;

	h_boot(16 << 20, 0);
	kva = uvm_km_alloc(kernel_map, 2 * PAGE_SIZE, 0, UVM_KMF_PAGEABLE);
	ATF_REQUIRE(kva != 0);
	/* One page resident, one not. */
	ATF_REQUIRE_EQ(kcopy(&c, (void *)kva, 1), 0);
	ATF_REQUIRE(uvm_chgkprot((void *)kva, 2 * PAGE_SIZE, B_READ));
	H_CHECK(kernel_map);
	ATF_CHECK_EQ(kcopy((void *)kva, &back, 1), 0);
	ATF_CHECK_EQ(back, 'p');
	ATF_CHECK_EQ(kcopy(&c, (void *)kva, 1), EFAULT);
	ATF_CHECK_EQ(kcopy(&c, (void *)(kva + PAGE_SIZE), 1), EFAULT);
	ATF_REQUIRE(uvm_chgkprot((void *)kva, 2 * PAGE_SIZE, B_WRITE));
	ATF_CHECK_EQ(kcopy(&c, (void *)(kva + PAGE_SIZE), 1), 0);
	ATF_CHECK_EQ(kcopy(&c, (void *)kva, 1), 0);
	H_CHECK(kernel_map);
	/* An unmapped range is refused and nothing changes. */
	hole = uvm_km_alloc(kernel_map, PAGE_SIZE, 0, UVM_KMF_VAONLY);
	ATF_REQUIRE(hole != 0);
	uvm_km_free(kernel_map, hole, PAGE_SIZE, UVM_KMF_VAONLY);
	ATF_CHECK(!uvm_chgkprot((void *)hole, PAGE_SIZE, B_READ));
	ATF_CHECK(!uvm_chgkprot((void *)kva, 0, B_READ));
	uvm_km_free(kernel_map, kva, 2 * PAGE_SIZE, UVM_KMF_PAGEABLE);
	H_CHECK(kernel_map);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(grow_extends_stack_within_limit);
ATF_TC_BODY(grow_extends_stack_within_limit, tc)
{
	struct proc p;

	h_boot(16 << 20, 0);
	memset(&p, 0, sizeof(p));
	vm = uvmspace_alloc(VM_MIN_ADDRESS, VM_MAXUSER_ADDRESS, false);
	p.p_vmspace = vm;
	p.p_rlimit[RLIMIT_STACK].rlim_cur = 16 * PAGE_SIZE;
	vm->vm_minsaddr = VM_MAXUSER_ADDRESS;
	vm->vm_maxsaddr = VM_MAXUSER_ADDRESS - 64 * PAGE_SIZE;
	vm->vm_ssize = 1;
	/* Inside the used part. */
	ATF_CHECK_EQ(uvm_grow(&p, VM_MAXUSER_ADDRESS - 8), 1);
	ATF_CHECK_EQ(vm->vm_ssize, 1);
	/* Four pages down: grows to four. */
	ATF_CHECK_EQ(uvm_grow(&p, VM_MAXUSER_ADDRESS - 4 * PAGE_SIZE), 1);
	ATF_CHECK_EQ(vm->vm_ssize, 4);
	/* Beyond the limit: refused, unchanged. */
	ATF_CHECK_EQ(uvm_grow(&p, VM_MAXUSER_ADDRESS - 20 * PAGE_SIZE), 0);
	ATF_CHECK_EQ(vm->vm_ssize, 4);
	/* Below the stack region: not a stack address. */
	ATF_CHECK_EQ(uvm_grow(&p, VM_MAXUSER_ADDRESS - 65 * PAGE_SIZE), 0);
	ATF_CHECK_EQ(vm->vm_ssize, 4);
	uvmspace_free(vm);
	h_shutdown();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, io_write_then_read_round_trips_across_pages);
	ATF_TP_ADD_TC(tp, io_scatter_gather_iovecs);
	ATF_TP_ADD_TC(tp, io_stops_at_unmapped_page_with_partial_progress);
	ATF_TP_ADD_TC(tp, io_write_to_readonly_mapping_fails_efault);
	ATF_TP_ADD_TC(tp, io_outside_map_fails_efault);
	ATF_TP_ADD_TC(tp, vslock_wires_pages_and_vsunlock_releases_them);
	ATF_TP_ADD_TC(tp, vslock_of_unmapped_range_fails_and_wires_nothing);
	ATF_TP_ADD_TC(tp, kernacc_checks_kernel_map_protection);
	ATF_TP_ADD_TC(tp, chgkprot_makes_wired_kernel_memory_readonly_and_back);
	ATF_TP_ADD_TC(tp, chgkprot_pageable_kernel_memory_and_refusals);
	ATF_TP_ADD_TC(tp, grow_extends_stack_within_limit);
	return atf_no_error();
}
