/*
 * t_vnode: files: the vnode pager over host files, UBC (ubc_uiomove,
 * ubc_alloc/release), file mappings, truncation, read-ahead,
 * uvn_findpages.
 */
#include "h_machine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>
#include <sys/stat.h>

/* Stack buffers sized for the largest page size the tests boot with. */
#define PAGE_SIZE_MAX_TEST	4096

static struct vnode *vp;

static unsigned char
pat(voff_t off, int seed)
{
	return (unsigned char)(off * 31 + (off >> 12) * 7 + (voff_t)seed);
}

/*
 * Boot and open a fresh file of npages pages plus extra bytes holding
 * pattern seed.  (Sizes are given in pages because PAGE_SIZE is only
 * known once the machine is booted.)
 */
static void
setup(int npages, voff_t extra, int seed)
{
	voff_t size;
	FILE *f;

	h_boot(16 << 20, 0);
	size = (voff_t)npages * (voff_t)PAGE_SIZE + extra;
	unlink("file.dat");
	f = fopen("file.dat", "w");
	ATF_REQUIRE(f != NULL);
	for (voff_t i = 0; i < size; i++)
		fputc(pat(i, seed), f);
	fclose(f);
	ATF_REQUIRE_EQ(vn_open("file.dat", VN_READ | VN_WRITE, &vp), 0);
	ATF_CHECK_EQ(vn_size(vp), size);
	H_CHECK(NULL);
}

static void
teardown(void)
{
	vrele(vp);
	H_CHECK(NULL);
	h_shutdown();
}

static int
kio(struct vnode *v, void *buf, size_t len, voff_t off, enum uio_rw rw)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct uio uio = {
		.uio_iov = &iov, .uio_iovcnt = 1, .uio_offset = off,
		.uio_resid = len, .uio_rw = rw, .uio_vmspace = NULL,
	};

	return rw == UIO_READ ? vn_read(v, &uio, 0) : vn_write(v, &uio, 0);
}

/* Host file bytes [off, off + len) equal pattern seed (or zero: -1)? */
static bool
host_holds(voff_t off, size_t len, int seed)
{
	FILE *f = fopen("file.dat", "r");
	bool ok = true;

	ATF_REQUIRE(f != NULL);
	fseeko(f, off, SEEK_SET);
	for (size_t i = 0; i < len && ok; i++) {
		int c = fgetc(f);
		int want = seed < 0 ? 0 : pat(off + (voff_t)i, seed);

		if (c != want)
			ok = false;
	}
	fclose(f);
	return ok;
}

static struct vmspace *
map_file(vaddr_t *vap, vsize_t len, bool shared)
{
	struct vmspace *vm;

	vm = uvmspace_alloc(VM_MIN_ADDRESS, VM_MAXUSER_ADDRESS, false);
	*vap = 0;
	vref(vp);	/* the mapping's reference */
	ATF_REQUIRE_EQ(uvm_map(&vm->vm_map, vap, len, &vp->v_uobj, 0, 0,
	    UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_RW,
	    shared ? UVM_INH_SHARE : UVM_INH_COPY, UVM_ADV_NORMAL,
	    shared ? 0 : UVM_FLAG_COPYONW)), 0);
	H_CHECK(&vm->vm_map);
	return vm;
}

ATF_TC_WITHOUT_HEAD(vn_open_errors);
ATF_TC_BODY(vn_open_errors, tc)
{
	struct vnode *v;

	h_boot(16 << 20, 0);
	ATF_CHECK_EQ(vn_open("does/not/exist", VN_READ, &v), ENOENT);
	ATF_CHECK_EQ(vn_open("x", 0, &v), EINVAL);
	ATF_CHECK_EQ(vn_open("x", VN_READ | 0x100, &v), EINVAL);
	ATF_CHECK_EQ(vn_open(NULL, VN_READ, &v), EINVAL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(ubc_read_returns_file_bytes_and_stops_at_eof);
ATF_TC_BODY(ubc_read_returns_file_bytes_and_stops_at_eof, tc)
{
	size_t size;
	unsigned char *buf;
	struct iovec iov;
	struct uio uio;

	setup(5, 123, 1);
	size = 5 * PAGE_SIZE + 123;
	buf = malloc(size + 1000);
	ATF_REQUIRE_EQ(kio(vp, buf, size, 0, UIO_READ), 0);
	for (size_t i = 0; i < size; i++)
		if (buf[i] != pat((voff_t)i, 1))
			atf_tc_fail("byte %zu differs", i);
	/* Reads past EOF move nothing. */
	iov.iov_base = buf;
	iov.iov_len = 1000;
	uio = (struct uio){ .uio_iov = &iov, .uio_iovcnt = 1,
	    .uio_offset = (off_t)size - 10, .uio_resid = 1000,
	    .uio_rw = UIO_READ };
	ATF_REQUIRE_EQ(vn_read(vp, &uio, 0), 0);
	ATF_CHECK_EQ(uio.uio_resid, 990);
	H_CHECK(NULL);
	free(buf);
	teardown();
}

ATF_TC_WITHOUT_HEAD(ubc_write_reaches_host_file_after_fsync);
ATF_TC_BODY(ubc_write_reaches_host_file_after_fsync, tc)
{
	unsigned char buf[3000];

	setup(3, 0, 1);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = pat((voff_t)(i + 1000), 2);
	ATF_REQUIRE_EQ(kio(vp, buf, sizeof(buf), 1000, UIO_WRITE), 0);
	H_CHECK(NULL);
	ATF_REQUIRE_EQ(vn_fsync(vp), 0);
	ATF_CHECK(host_holds(0, 1000, 1));
	ATF_CHECK(host_holds(1000, sizeof(buf), 2));
	ATF_CHECK(host_holds(4000, 3 * PAGE_SIZE - 4000, 1));
	teardown();
}

ATF_TC_WITHOUT_HEAD(ubc_write_past_eof_grows_file_with_zero_gap);
ATF_TC_BODY(ubc_write_past_eof_grows_file_with_zero_gap, tc)
{
	unsigned char buf[100], back[100];

	setup(0, 100, 1);
	memset(buf, 0xee, sizeof(buf));
	ATF_REQUIRE_EQ(kio(vp, buf, sizeof(buf), 3 * PAGE_SIZE, UIO_WRITE), 0);
	ATF_CHECK_EQ(vn_size(vp), (voff_t)(3 * PAGE_SIZE + 100));
	ATF_REQUIRE_EQ(kio(vp, back, sizeof(back), 2 * PAGE_SIZE, UIO_READ), 0);
	for (size_t i = 0; i < sizeof(back); i++)
		ATF_REQUIRE_EQ(back[i], 0);
	ATF_REQUIRE_EQ(vn_fsync(vp), 0);
	ATF_CHECK(host_holds(100, 2 * PAGE_SIZE, -1));
	H_CHECK(NULL);
	teardown();
}

ATF_TC_WITHOUT_HEAD(ubc_write_then_mapping_read_sees_it);
ATF_TC_BODY(ubc_write_then_mapping_read_sees_it, tc)
{
	unsigned char buf[64], back[64];
	struct vmspace *vm;
	vaddr_t va;

	setup(2, 0, 1);
	memset(buf, 0x42, sizeof(buf));
	ATF_REQUIRE_EQ(kio(vp, buf, sizeof(buf), PAGE_SIZE + 8, UIO_WRITE), 0);
	vm = map_file(&va, 2 * PAGE_SIZE, true);
	ATF_REQUIRE_EQ(copyin_vmspace(vm, (void *)(va + PAGE_SIZE + 8), back,
	    sizeof(back)), 0);
	ATF_CHECK(memcmp(buf, back, sizeof(buf)) == 0);
	ATF_REQUIRE_EQ(copyin_vmspace(vm, (void *)va, back, 1), 0);
	ATF_CHECK_EQ(back[0], pat(0, 1));
	H_CHECK(&vm->vm_map);
	uvmspace_free(vm);
	teardown();
}

ATF_TC_WITHOUT_HEAD(mapping_write_then_ubc_read_and_host_after_clean);
ATF_TC_BODY(mapping_write_then_ubc_read_and_host_after_clean, tc)
{
	unsigned char buf[64], back[64];
	struct vmspace *vm;
	vaddr_t va;

	setup(2, 0, 1);
	vm = map_file(&va, 2 * PAGE_SIZE, true);
	memset(buf, 0x77, sizeof(buf));
	ATF_REQUIRE_EQ(copyout_vmspace(vm, buf, (void *)(va + 100),
	    sizeof(buf)), 0);
	H_CHECK(&vm->vm_map);
	ATF_REQUIRE_EQ(kio(vp, back, sizeof(back), 100, UIO_READ), 0);
	ATF_CHECK(memcmp(buf, back, sizeof(back)) == 0);
	/* Not in the host file until cleaned. */
	ATF_REQUIRE_EQ(vn_fsync(vp), 0);
	{
		FILE *f = fopen("file.dat", "r");
		unsigned char h[64];

		ATF_REQUIRE(f != NULL);
		fseek(f, 100, SEEK_SET);
		ATF_REQUIRE_EQ(fread(h, 1, sizeof(h), f), sizeof(h));
		fclose(f);
		ATF_CHECK(memcmp(h, buf, sizeof(h)) == 0);
	}
	uvmspace_free(vm);
	teardown();
}

ATF_TC_WITHOUT_HEAD(two_shared_mappings_see_each_other);
ATF_TC_BODY(two_shared_mappings_see_each_other, tc)
{
	struct vmspace *a, *b;
	vaddr_t va, vb;
	char c = 'Q', back = 0;

	setup(1, 0, 1);
	a = map_file(&va, PAGE_SIZE, true);
	b = map_file(&vb, PAGE_SIZE, true);
	ATF_REQUIRE_EQ(copyin_vmspace(b, (void *)(vb + 5), &back, 1), 0);
	ATF_REQUIRE_EQ(copyout_vmspace(a, &c, (void *)(va + 5), 1), 0);
	ATF_REQUIRE_EQ(copyin_vmspace(b, (void *)(vb + 5), &back, 1), 0);
	ATF_CHECK_EQ(back, 'Q');
	H_CHECK(&a->vm_map);
	H_CHECK(&b->vm_map);
	uvmspace_free(a);
	uvmspace_free(b);
	teardown();
}

ATF_TC_WITHOUT_HEAD(changes_survive_unmap_and_remap);
ATF_TC_BODY(changes_survive_unmap_and_remap, tc)
{
	struct vmspace *vm;
	vaddr_t va;
	char c = 'Z', back = 0;

	setup(1, 0, 1);
	vm = map_file(&va, PAGE_SIZE, true);
	ATF_REQUIRE_EQ(copyout_vmspace(vm, &c, (void *)(va + 9), 1), 0);
	uvm_unmap(&vm->vm_map, va, va + PAGE_SIZE);
	H_CHECK(&vm->vm_map);
	uvmspace_free(vm);
	vm = map_file(&va, PAGE_SIZE, true);
	ATF_REQUIRE_EQ(copyin_vmspace(vm, (void *)(va + 9), &back, 1), 0);
	ATF_CHECK_EQ(back, 'Z');
	uvmspace_free(vm);
	teardown();
}

ATF_TC_WITHOUT_HEAD(private_mapping_writes_never_reach_file);
ATF_TC_BODY(private_mapping_writes_never_reach_file, tc)
{
	struct vmspace *priv, *shared;
	vaddr_t vpv, vsh;
	char c = 'P', back = 0;

	setup(1, 0, 1);
	priv = map_file(&vpv, PAGE_SIZE, false);
	shared = map_file(&vsh, PAGE_SIZE, true);
	ATF_REQUIRE_EQ(copyin_vmspace(shared, (void *)vsh, &back, 1), 0);
	ATF_REQUIRE_EQ(copyout_vmspace(priv, &c, (void *)vpv, 1), 0);
	H_CHECK(&priv->vm_map);
	ATF_REQUIRE_EQ(copyin_vmspace(priv, (void *)vpv, &back, 1), 0);
	ATF_CHECK_EQ(back, 'P');
	ATF_REQUIRE_EQ(copyin_vmspace(shared, (void *)vsh, &back, 1), 0);
	ATF_CHECK_EQ((unsigned char)back, pat(0, 1));
	ATF_REQUIRE_EQ(kio(vp, &back, 1, 0, UIO_READ), 0);
	ATF_CHECK_EQ((unsigned char)back, pat(0, 1));
	ATF_REQUIRE_EQ(vn_fsync(vp), 0);
	ATF_CHECK(host_holds(0, PAGE_SIZE, 1));
	uvmspace_free(priv);
	uvmspace_free(shared);
	teardown();
}

ATF_TC_WITHOUT_HEAD(truncate_while_mapped_keeps_head_fails_past_eof_regrow_zero);
ATF_TC_BODY(truncate_while_mapped_keeps_head_fails_past_eof_regrow_zero, tc)
{
	struct vmspace *vm;
	vaddr_t va;
	voff_t half;
	unsigned char back[8];

	setup(3, 0, 1);
	half = PAGE_SIZE + PAGE_SIZE / 2;
	vm = map_file(&va, 3 * PAGE_SIZE, true);
	/* Fault all three pages in. */
	for (int i = 0; i < 3; i++)
		ATF_REQUIRE_EQ(copyin_vmspace(vm, (void *)(va + ptoa(i)),
		    back, 1), 0);
	ATF_REQUIRE_EQ(vn_truncate(vp, half), 0);
	H_CHECK(&vm->vm_map);
	ATF_CHECK_EQ(vn_size(vp), half);
	/* Below the new size: kept. */
	ATF_REQUIRE_EQ(copyin_vmspace(vm, (void *)(va + half - 1), back, 1),
	    0);
	ATF_CHECK_EQ(back[0], pat(half - 1, 1));
	/* The tail of the last page reads as zeros. */
	ATF_REQUIRE_EQ(copyin_vmspace(vm, (void *)(va + half), back, 8), 0);
	for (int i = 0; i < 8; i++)
		ATF_CHECK_EQ(back[i], 0);
	/* Past EOF: the fault fails with the EOF error, not EFAULT. */
	ATF_CHECK_EQ(uvm_fault(&vm->vm_map, va + 2 * PAGE_SIZE,
	    VM_PROT_READ), EINVAL);
	/* Regrow: reads zeros. */
	ATF_REQUIRE_EQ(vn_truncate(vp, 3 * PAGE_SIZE), 0);
	ATF_REQUIRE_EQ(copyin_vmspace(vm, (void *)(va + 2 * PAGE_SIZE + 5),
	    back, 8), 0);
	for (int i = 0; i < 8; i++)
		ATF_CHECK_EQ(back[i], 0);
	H_CHECK(&vm->vm_map);
	uvmspace_free(vm);
	teardown();
}

ATF_TC_WITHOUT_HEAD(offsets_above_4g_do_not_wrap);
ATF_TC_BODY(offsets_above_4g_do_not_wrap, tc)
{
	voff_t big = ((voff_t)5 << 30) + 12345;
	char out[32], back[32];

	setup(1, 0, 1);
	memset(out, 'G', sizeof(out));
	ATF_REQUIRE_EQ(kio(vp, out, sizeof(out), big, UIO_WRITE), 0);
	ATF_CHECK_EQ(vn_size(vp), big + (voff_t)sizeof(out));
	memset(back, 0, sizeof(back));
	ATF_REQUIRE_EQ(kio(vp, back, sizeof(back), big, UIO_READ), 0);
	ATF_CHECK(memcmp(out, back, sizeof(back)) == 0);
	/* The page sits at its own offset, not at big mod 4 GiB. */
	mutex_enter(vp->v_uobj.vmobjlock);
	ATF_CHECK(uvm_pagelookup(&vp->v_uobj, trunc_page(big)) != NULL);
	ATF_CHECK(uvm_pagelookup(&vp->v_uobj,
	    trunc_page(big) & 0xffffffff) == NULL);
	mutex_exit(vp->v_uobj.vmobjlock);
	/* The first page is untouched. */
	ATF_REQUIRE_EQ(kio(vp, back, 1, 0, UIO_READ), 0);
	ATF_CHECK_EQ((unsigned char)back[0], pat(0, 1));
	H_CHECK(NULL);
	teardown();
}

ATF_TC_WITHOUT_HEAD(readahead_grows_on_sequential_not_on_random);
ATF_TC_BODY(readahead_grows_on_sequential_not_on_random, tc)
{
	const int n = 64;
	char c;
	unsigned long ios;

	setup(n, 0, 1);
	/* Sequential, a page at a time: few I/Os. */
	for (int i = 0; i < n; i++) {
		ATF_REQUIRE_EQ(kio(vp, &c, 1, (voff_t)i * PAGE_SIZE, UIO_READ),
		    0);
		ATF_CHECK_EQ((unsigned char)c, pat((voff_t)i * PAGE_SIZE, 1));
	}
	ios = vp->v_nreadio;
	ATF_CHECK_MSG(ios <= (unsigned long)n / 4,
	    "%lu read I/Os for %d sequential pages", ios, n);
	ATF_CHECK_EQ(vp->v_ra_win, UVN_RA_MAXWIN);
	H_CHECK(NULL);
	vrele(vp);
	/* Random: one I/O per page, no read-ahead. */
	ATF_REQUIRE_EQ(vn_open("file.dat", VN_READ, &vp), 0);
	for (int i = 0; i < 16; i++) {
		int pg = (i * 37) % n;

		if (i > 0 && pg == ((i - 1) * 37) % n + 1)
			continue;
		ATF_REQUIRE_EQ(kio(vp, &c, 1, (voff_t)pg * PAGE_SIZE,
		    UIO_READ), 0);
	}
	ATF_CHECK_EQ(vp->v_npagesread, vp->v_nreadio);
	teardown();
}

ATF_TC_WITHOUT_HEAD(host_read_error_gives_eio_and_nothing_breaks);
ATF_TC_BODY(host_read_error_gives_eio_and_nothing_breaks, tc)
{
	char buf[16];

	setup(4, 0, 1);
	kern_fault_set(KFI_IO_READ, 1, 0);
	ATF_CHECK_EQ(kio(vp, buf, sizeof(buf), 0, UIO_READ), EIO);
	kern_fault_clear();
	H_CHECK(NULL);
	ATF_REQUIRE_EQ(kio(vp, buf, sizeof(buf), 0, UIO_READ), 0);
	ATF_CHECK_EQ((unsigned char)buf[3], pat(3, 1));
	teardown();
}

ATF_TC_WITHOUT_HEAD(setsize_shrink_zeroes_tail_and_frees_pages);
ATF_TC_BODY(setsize_shrink_zeroes_tail_and_frees_pages, tc)
{
	char buf[PAGE_SIZE_MAX_TEST];

	(void)buf;
	setup(4, 0, 1);
	ATF_REQUIRE_EQ(kio(vp, buf, 16, 3 * PAGE_SIZE, UIO_READ), 0);
	ATF_REQUIRE_EQ(kio(vp, buf, 16, 0, UIO_READ), 0);
	uvm_vnp_setsize(vp, 100);
	H_CHECK(NULL);
	mutex_enter(vp->v_uobj.vmobjlock);
	ATF_CHECK(uvm_pagelookup(&vp->v_uobj, 3 * PAGE_SIZE) == NULL);
	{
		struct vm_page *pg = uvm_pagelookup(&vp->v_uobj, 0);

		if (pg != NULL) {
			unsigned char *p = uvm_page_kva(pg);
			ATF_CHECK_EQ(p[99], pat(99, 1));
			ATF_CHECK_EQ(p[100], 0);
			ATF_CHECK_EQ(p[PAGE_SIZE - 1], 0);
		}
	}
	mutex_exit(vp->v_uobj.vmobjlock);
	teardown();
}

static int
findpages(voff_t off, int n, struct vm_page **pps, int flags)
{
	int got = n;

	mutex_enter(vp->v_uobj.vmobjlock);
	uvn_findpages(&vp->v_uobj, off, &got, pps, flags);
	mutex_exit(vp->v_uobj.vmobjlock);
	return got;
}

/* Give back what uvn_findpages returned: new (never read) pages go. */
static void
unbusy(struct vm_page **pps, int n)
{
	mutex_enter(vp->v_uobj.vmobjlock);
	for (int i = 0; i < n; i++) {
		if (pps[i] == NULL)
			continue;
		if (pps[i]->flags & PG_FAKE) {
			uvm_pagefree(pps[i]);
		} else {
			mutex_enter(&uvm_pageqlock);
			uvm_pageactivate(pps[i]);
			mutex_exit(&uvm_pageqlock);
			uvm_pageunbusy(pps[i]);
		}
	}
	mutex_exit(vp->v_uobj.vmobjlock);
}

ATF_TC_WITHOUT_HEAD(findpages_every_flag);
ATF_TC_BODY(findpages_every_flag, tc)
{
	struct vm_page *pps[4];
	char c;

	setup(8, 0, 1);
	/* Page 1 resident, the others not. */
	ATF_REQUIRE_EQ(kio(vp, &c, 1, PAGE_SIZE, UIO_READ), 0);
	vp->v_ra_win = 0;

	/* UFP_NOALLOC: only the resident page. */
	ATF_CHECK_EQ(findpages(0, 4, pps, UFP_NOALLOC), 1);
	ATF_CHECK(pps[0] == NULL && pps[1] != NULL && pps[2] == NULL);
	ATF_CHECK(pps[1]->flags & PG_BUSY);
	/* UFP_NOWAIT: the busy one is skipped, the others allocated. */
	{
		struct vm_page *q[4];

		ATF_CHECK_EQ(findpages(0, 3, q, UFP_NOWAIT), 2);
		ATF_CHECK(q[0] != NULL && q[1] == NULL && q[2] != NULL);
		ATF_CHECK(q[0]->flags & PG_FAKE);
		unbusy(q, 3);
	}
	unbusy(pps, 4);
	H_CHECK(NULL);
	/* UFP_NOCACHE: only new pages. */
	ATF_CHECK_EQ(findpages(0, 3, pps, UFP_NOCACHE), 2);
	ATF_CHECK(pps[0] != NULL && pps[1] == NULL && pps[2] != NULL);
	unbusy(pps, 3);
	/* UFP_ALL: every page. */
	ATF_CHECK_EQ(findpages(0, 3, pps, UFP_ALL), 3);
	ATF_CHECK(pps[0] && pps[1] && pps[2]);
	unbusy(pps, 3);
	H_CHECK(NULL);
	/* UFP_NORDONLY: a PG_RDONLY page is skipped. */
	mutex_enter(vp->v_uobj.vmobjlock);
	uvm_pagelookup(&vp->v_uobj, PAGE_SIZE)->flags |= PG_RDONLY;
	mutex_exit(vp->v_uobj.vmobjlock);
	ATF_CHECK_EQ(findpages(PAGE_SIZE, 1, pps, UFP_NORDONLY), 0);
	mutex_enter(vp->v_uobj.vmobjlock);
	uvm_pagelookup(&vp->v_uobj, PAGE_SIZE)->flags &= ~PG_RDONLY;
	mutex_exit(vp->v_uobj.vmobjlock);
	/* UFP_BACKWARD: filled from the end. */
	ATF_CHECK_EQ(findpages(4 * PAGE_SIZE, 4, pps,
	    UFP_BACKWARD | UFP_NOALLOC), 0);
	ATF_CHECK_EQ(findpages(4 * PAGE_SIZE, 4, pps, UFP_BACKWARD), 4);
	ATF_CHECK_EQ(pps[3]->offset, (voff_t)(7 * PAGE_SIZE));
	ATF_CHECK_EQ(pps[0]->offset, (voff_t)(4 * PAGE_SIZE));
	unbusy(pps, 4);
	H_CHECK(NULL);
	/* UFP_DIRTYONLY: stops at the first clean page, yields clean. */
	{
		char w[2 * PAGE_SIZE_MAX_TEST];

		memset(w, 'd', 2 * PAGE_SIZE);
		ATF_REQUIRE_EQ(kio(vp, w, 2 * PAGE_SIZE, 2 * PAGE_SIZE,
		    UIO_WRITE), 0);
		ATF_REQUIRE_EQ(kio(vp, &c, 1, 4 * PAGE_SIZE, UIO_READ), 0);
		ATF_CHECK_EQ(findpages(2 * PAGE_SIZE, 4, pps, UFP_DIRTYONLY),
		    2);
		ATF_CHECK(pps[0] && pps[1] && !pps[2] && !pps[3]);
		ATF_CHECK(pps[0]->flags & PG_CLEAN);
		unbusy(pps, 4);
		/* They are clean now: nothing is dirty any more. */
		ATF_CHECK_EQ(findpages(2 * PAGE_SIZE, 2, pps, UFP_DIRTYONLY),
		    0);
	}
	H_CHECK(NULL);
	teardown();
}

/* Like map_file, with a file offset and advice. */
static struct vmspace *
map_file_at(vaddr_t *vap, vsize_t len, voff_t off, bool shared, int advice)
{
	struct vmspace *vm;

	vm = uvmspace_alloc(VM_MIN_ADDRESS, VM_MAXUSER_ADDRESS, false);
	*vap = 0;
	vref(vp);
	ATF_REQUIRE_EQ(uvm_map(&vm->vm_map, vap, len, &vp->v_uobj, off, 0,
	    UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_RW,
	    shared ? UVM_INH_SHARE : UVM_INH_COPY, advice,
	    shared ? 0 : UVM_FLAG_COPYONW)), 0);
	H_CHECK(&vm->vm_map);
	return vm;
}

static struct vm_page *
lookup(voff_t off)
{
	struct vm_page *pg;

	mutex_enter(vp->v_uobj.vmobjlock);
	pg = uvm_pagelookup(&vp->v_uobj, off);
	mutex_exit(vp->v_uobj.vmobjlock);
	return pg;
}

ATF_TC_WITHOUT_HEAD(map_clean_writes_dirty_mapped_pages_to_host);
ATF_TC_BODY(map_clean_writes_dirty_mapped_pages_to_host, tc)
{
	struct vmspace *vm;
	vaddr_t va;
	char w[8] = "written";
	unsigned long wio;

	setup(4, 0, 1);
	vm = map_file(&va, 4 * PAGE_SIZE, true);
	ATF_REQUIRE_EQ(copyout_vmspace(vm, w, (void *)(va + PAGE_SIZE + 3),
	    sizeof(w)), 0);
	ATF_REQUIRE_EQ(copyout_vmspace(vm, w, (void *)(va + 2 * PAGE_SIZE),
	    sizeof(w)), 0);
	/* Only in memory so far. */
	ATF_CHECK(host_holds(0, 4 * PAGE_SIZE, 1));
	wio = vp->v_nwriteio;
	ATF_REQUIRE_EQ(uvm_map_clean(&vm->vm_map, va, va + 4 * PAGE_SIZE,
	    PGO_CLEANIT | PGO_SYNCIO), 0);
	H_CHECK(&vm->vm_map);
	/* Two contiguous dirty pages: one clustered write. */
	ATF_CHECK_EQ(vp->v_nwriteio, wio + 1);
	ATF_CHECK(host_holds(0, PAGE_SIZE + 3, 1));
	{
		FILE *f = fopen("file.dat", "r");
		char h[8];

		ATF_REQUIRE(f != NULL);
		fseeko(f, PAGE_SIZE + 3, SEEK_SET);
		ATF_REQUIRE_EQ(fread(h, 1, 8, f), 8);
		ATF_CHECK(memcmp(h, w, 8) == 0);
		fseeko(f, 2 * PAGE_SIZE, SEEK_SET);
		ATF_REQUIRE_EQ(fread(h, 1, 8, f), 8);
		ATF_CHECK(memcmp(h, w, 8) == 0);
		fclose(f);
	}
	/* The pages are clean now and still resident: nothing to write. */
	ATF_CHECK(lookup(PAGE_SIZE) != NULL);
	ATF_REQUIRE_EQ(uvm_map_clean(&vm->vm_map, va, va + 4 * PAGE_SIZE,
	    PGO_CLEANIT | PGO_SYNCIO), 0);
	ATF_CHECK_EQ(vp->v_nwriteio, wio + 1);
	uvmspace_free(vm);
	teardown();
}

ATF_TC_WITHOUT_HEAD(map_clean_errors_einval_efault_ebusy);
ATF_TC_BODY(map_clean_errors_einval_efault_ebusy, tc)
{
	struct vmspace *vm;
	vaddr_t va;

	setup(4, 0, 1);
	vm = map_file(&va, 2 * PAGE_SIZE, true);
	ATF_CHECK_EQ(uvm_map_clean(&vm->vm_map, va, va + PAGE_SIZE, 0x100),
	    EINVAL);
	ATF_CHECK_EQ(uvm_map_clean(&vm->vm_map, va, va + PAGE_SIZE,
	    PGO_FREE | PGO_DEACTIVATE), EINVAL);
	ATF_CHECK_EQ(uvm_map_clean(&vm->vm_map, va + 1, va + PAGE_SIZE,
	    PGO_CLEANIT), EINVAL);
	/* Holes: running past the mapping's end, or starting in one. */
	ATF_CHECK_EQ(uvm_map_clean(&vm->vm_map, va, va + 3 * PAGE_SIZE,
	    PGO_CLEANIT), EFAULT);
	ATF_CHECK_EQ(uvm_map_clean(&vm->vm_map, va + 2 * PAGE_SIZE,
	    va + 3 * PAGE_SIZE, PGO_CLEANIT), EFAULT);
	/* Wired: freeing refused, the rest allowed. */
	ATF_REQUIRE_EQ(uvm_map_pageable(&vm->vm_map, va, va + PAGE_SIZE, false,
	    0), 0);
	H_CHECK(&vm->vm_map);
	ATF_CHECK_EQ(uvm_map_clean(&vm->vm_map, va, va + 2 * PAGE_SIZE,
	    PGO_FREE), EBUSY);
	ATF_CHECK(lookup(0) != NULL);
	ATF_CHECK_EQ(uvm_map_clean(&vm->vm_map, va, va + 2 * PAGE_SIZE,
	    PGO_DEACTIVATE), 0);
	/* A wired page is not deactivated. */
	ATF_CHECK((lookup(0)->pqflags & PQ_INACTIVE) == 0);
	ATF_REQUIRE_EQ(uvm_map_pageable(&vm->vm_map, va, va + PAGE_SIZE, true,
	    0), 0);
	H_CHECK(&vm->vm_map);
	uvmspace_free(vm);
	teardown();
}

ATF_TC_WITHOUT_HEAD(map_clean_free_writes_then_frees_object_pages);
ATF_TC_BODY(map_clean_free_writes_then_frees_object_pages, tc)
{
	struct vmspace *vm;
	vaddr_t va;
	char c = 'F', back = 0;

	setup(2, 0, 1);
	vm = map_file(&va, 2 * PAGE_SIZE, true);
	ATF_REQUIRE_EQ(copyout_vmspace(vm, &c, (void *)(va + 17), 1), 0);
	ATF_REQUIRE(lookup(0) != NULL);
	ATF_REQUIRE_EQ(uvm_map_clean(&vm->vm_map, va, va + 2 * PAGE_SIZE,
	    PGO_FREE), 0);
	H_CHECK(&vm->vm_map);
	ATF_CHECK(lookup(0) == NULL);
	ATF_CHECK(host_holds(0, 17, 1));
	ATF_CHECK(host_holds(18, PAGE_SIZE - 18, 1));
	/* The mapping reads the byte back from the file. */
	ATF_REQUIRE_EQ(copyin_vmspace(vm, (void *)(va + 17), &back, 1), 0);
	ATF_CHECK_EQ(back, 'F');
	uvmspace_free(vm);
	teardown();
}

ATF_TC_WITHOUT_HEAD(map_clean_free_discards_private_anon_pages);
ATF_TC_BODY(map_clean_free_discards_private_anon_pages, tc)
{
	struct vmspace *vm;
	vaddr_t va;
	char c = 'P', back = 0, vec[2];
	int nanon;

	setup(2, 0, 1);
	vm = map_file(&va, 2 * PAGE_SIZE, false);
	nanon = uvmexp.nanon;
	ATF_REQUIRE_EQ(copyout_vmspace(vm, &c, (void *)va, 1), 0);
	ATF_CHECK_EQ(uvmexp.nanon, nanon + 1);
	ATF_REQUIRE_EQ(uvm_mincore(&vm->vm_map, va, 2 * PAGE_SIZE, vec), 0);
	ATF_CHECK(vec[0] == 1 && vec[1] == 0);
	/* With CLEANIT, anon pages are only deactivated. */
	ATF_REQUIRE_EQ(uvm_map_clean(&vm->vm_map, va, va + 2 * PAGE_SIZE,
	    PGO_CLEANIT | PGO_FREE), 0);
	ATF_CHECK_EQ(uvmexp.nanon, nanon + 1);
	ATF_REQUIRE_EQ(uvm_map_clean(&vm->vm_map, va, va + 2 * PAGE_SIZE,
	    PGO_FREE), 0);
	H_CHECK(&vm->vm_map);
	ATF_CHECK_EQ(uvmexp.nanon, nanon);
	/* The private copy is gone: the file's byte shows again. */
	ATF_REQUIRE_EQ(copyin_vmspace(vm, (void *)va, &back, 1), 0);
	ATF_CHECK_EQ((unsigned char)back, pat(0, 1));
	ATF_CHECK(host_holds(0, 2 * PAGE_SIZE, 1));
	uvmspace_free(vm);
	teardown();
}

ATF_TC_WITHOUT_HEAD(map_clean_deactivate_moves_pages_to_inactive);
ATF_TC_BODY(map_clean_deactivate_moves_pages_to_inactive, tc)
{
	struct vmspace *vm;
	vaddr_t va;
	char c = 'D', vec[2];
	struct vm_page *pg;

	setup(2, 0, 1);
	vm = map_file(&va, 2 * PAGE_SIZE, false);
	ATF_REQUIRE_EQ(copyin_vmspace(vm, (void *)(va + PAGE_SIZE), &c, 1),
	    0);
	ATF_REQUIRE_EQ(copyout_vmspace(vm, &c, (void *)va, 1), 0);
	pg = lookup(PAGE_SIZE);
	ATF_REQUIRE(pg != NULL);
	ATF_CHECK(pg->pqflags & PQ_ACTIVE);
	ATF_REQUIRE_EQ(uvm_map_clean(&vm->vm_map, va, va + 2 * PAGE_SIZE,
	    PGO_DEACTIVATE), 0);
	H_CHECK(&vm->vm_map);
	ATF_CHECK(pg->pqflags & PQ_INACTIVE);
	/* Deactivated pages stay resident, the anon's too. */
	ATF_REQUIRE_EQ(uvm_mincore(&vm->vm_map, va, 2 * PAGE_SIZE, vec), 0);
	ATF_CHECK(vec[0] == 1 && vec[1] == 1);
	{
		struct vm_map_entry *e;
		struct vm_anon *anon;

		vm_map_lock_read(&vm->vm_map);
		ATF_REQUIRE(uvm_map_lookup_entry(&vm->vm_map, va, &e));
		amap_lock(e->aref.ar_amap);
		anon = amap_lookup(&e->aref, 0);
		ATF_REQUIRE(anon != NULL && anon->an_page != NULL);
		ATF_CHECK(anon->an_page->pqflags & PQ_INACTIVE);
		amap_unlock(e->aref.ar_amap);
		vm_map_unlock_read(&vm->vm_map);
	}
	uvmspace_free(vm);
	teardown();
}

ATF_TC_WITHOUT_HEAD(mincore_reports_residency_per_page);
ATF_TC_BODY(mincore_reports_residency_per_page, tc)
{
	struct vmspace *vm;
	vaddr_t va;
	char c = 0, vec[5];

	setup(4, 0, 1);
	vm = map_file_at(&va, 4 * PAGE_SIZE, 0, true, UVM_ADV_RANDOM);
	memset(vec, 7, sizeof(vec));
	ATF_REQUIRE_EQ(uvm_mincore(&vm->vm_map, va, 4 * PAGE_SIZE, vec), 0);
	ATF_CHECK(vec[0] == 0 && vec[1] == 0 && vec[2] == 0 && vec[3] == 0);
	ATF_CHECK_EQ(vec[4], 7);
	ATF_REQUIRE_EQ(copyin_vmspace(vm, (void *)va, &c, 1), 0);
	ATF_REQUIRE_EQ(copyin_vmspace(vm, (void *)(va + 2 * PAGE_SIZE), &c,
	    1), 0);
	ATF_REQUIRE_EQ(uvm_mincore(&vm->vm_map, va, 4 * PAGE_SIZE, vec), 0);
	ATF_CHECK(vec[0] == 1 && vec[1] == 0 && vec[2] == 1 && vec[3] == 0);
	/* A partial last page counts; a sub-range starts at its page. */
	ATF_REQUIRE_EQ(uvm_mincore(&vm->vm_map, va + 2 * PAGE_SIZE, 1, vec),
	    0);
	ATF_CHECK_EQ(vec[0], 1);
	/* Freed pages are reported gone. */
	ATF_REQUIRE_EQ(uvm_map_clean(&vm->vm_map, va, va + PAGE_SIZE,
	    PGO_FREE), 0);
	ATF_REQUIRE_EQ(uvm_mincore(&vm->vm_map, va, 4 * PAGE_SIZE, vec), 0);
	ATF_CHECK(vec[0] == 0 && vec[2] == 1);
	/* Errors: unaligned start, unmapped pages. */
	ATF_CHECK_EQ(uvm_mincore(&vm->vm_map, va + 1, PAGE_SIZE, vec),
	    EINVAL);
	ATF_CHECK_EQ(uvm_mincore(&vm->vm_map, va, 5 * PAGE_SIZE, vec),
	    ENOMEM);
	ATF_CHECK_EQ(uvm_mincore(&vm->vm_map, va + 4 * PAGE_SIZE, PAGE_SIZE,
	    vec), ENOMEM);
	H_CHECK(&vm->vm_map);
	uvmspace_free(vm);
	teardown();
}

ATF_TC_WITHOUT_HEAD(readahead_grows_on_sequential_mapping_faults);
ATF_TC_BODY(readahead_grows_on_sequential_mapping_faults, tc)
{
	const int n = 128;
	struct vmspace *vm;
	vaddr_t va;
	unsigned char c;

	setup(n, 0, 1);
	vm = map_file(&va, (vsize_t)n * PAGE_SIZE, true);
	for (int i = 0; i < n; i++) {
		ATF_REQUIRE_EQ(copyin_vmspace(vm, (void *)(va + ptoa(i)), &c,
		    1), 0);
		ATF_REQUIRE_EQ(c, pat((voff_t)i * PAGE_SIZE, 1));
	}
	ATF_CHECK_MSG(vp->v_nreadio <= (unsigned long)n / 8,
	    "%lu read I/Os for %d sequentially faulted pages",
	    vp->v_nreadio, n);
	ATF_CHECK_EQ(vp->v_ra_win, UVN_RA_MAXWIN);
	ATF_CHECK_EQ(vp->v_npagesread, (unsigned long)n);
	H_CHECK(&vm->vm_map);
	uvmspace_free(vm);
	vrele(vp);
	/* Random faults (random advice): one page per I/O, no window. */
	ATF_REQUIRE_EQ(vn_open("file.dat", VN_READ | VN_WRITE, &vp), 0);
	vm = map_file_at(&va, (vsize_t)n * PAGE_SIZE, 0, true,
	    UVM_ADV_RANDOM);
	for (int i = 0; i < 16; i++) {
		int pg = (i * 37) % n;

		ATF_REQUIRE_EQ(copyin_vmspace(vm, (void *)(va + ptoa(pg)), &c,
		    1), 0);
		ATF_REQUIRE_EQ(c, pat((voff_t)pg * PAGE_SIZE, 1));
	}
	ATF_CHECK_EQ(vp->v_nreadio, 16);
	ATF_CHECK_EQ(vp->v_npagesread, 16);
	ATF_CHECK_EQ(vp->v_ra_win, 0);
	uvmspace_free(vm);
	teardown();
}

ATF_TC_WITHOUT_HEAD(mapping_fault_host_read_error_gives_eio);
ATF_TC_BODY(mapping_fault_host_read_error_gives_eio, tc)
{
	struct vmspace *vm;
	vaddr_t va;
	unsigned char c;
	int npages;

	setup(4, 0, 1);
	vm = map_file(&va, 4 * PAGE_SIZE, true);
	npages = vp->v_uobj.uo_npages;
	kern_fault_set(KFI_IO_READ, 1, 1);
	ATF_CHECK_EQ(uvm_fault(&vm->vm_map, va + PAGE_SIZE, VM_PROT_READ),
	    EIO);
	ATF_CHECK_EQ(copyin_vmspace(vm, (void *)(va + PAGE_SIZE), &c, 1),
	    EFAULT);
	kern_fault_clear();
	/* No half-read page was left behind, nothing else changed. */
	ATF_CHECK_EQ(vp->v_uobj.uo_npages, npages);
	H_CHECK(&vm->vm_map);
	ATF_REQUIRE_EQ(copyin_vmspace(vm, (void *)(va + PAGE_SIZE + 1), &c, 1),
	    0);
	ATF_CHECK_EQ(c, pat(PAGE_SIZE + 1, 1));
	uvmspace_free(vm);
	teardown();
}

ATF_TC_WITHOUT_HEAD(host_write_error_keeps_pages_dirty_until_it_works);
ATF_TC_BODY(host_write_error_keeps_pages_dirty_until_it_works, tc)
{
	struct vmspace *vm;
	vaddr_t va;
	char c = 'W';

	setup(2, 0, 1);
	vm = map_file(&va, 2 * PAGE_SIZE, true);
	ATF_REQUIRE_EQ(copyout_vmspace(vm, &c, (void *)(va + 3), 1), 0);
	kern_fault_set(KFI_IO_WRITE, 1, 1);
	ATF_CHECK_EQ(vn_fsync(vp), EIO);
	ATF_CHECK_EQ(uvm_map_clean(&vm->vm_map, va, va + 2 * PAGE_SIZE,
	    PGO_CLEANIT | PGO_SYNCIO), EIO);
	/* Freeing would lose the data: the page stays. */
	ATF_CHECK_EQ(uvm_map_clean(&vm->vm_map, va, va + 2 * PAGE_SIZE,
	    PGO_FREE), EIO);
	ATF_CHECK(lookup(0) != NULL);
	kern_fault_clear();
	H_CHECK(&vm->vm_map);
	ATF_CHECK(host_holds(0, PAGE_SIZE, 1));
	ATF_REQUIRE_EQ(vn_fsync(vp), 0);
	ATF_CHECK(host_holds(0, 3, 1));
	ATF_CHECK(host_holds(4, PAGE_SIZE - 4, 1));
	ATF_CHECK(!host_holds(3, 1, 1));
	uvmspace_free(vm);
	teardown();
}

ATF_TC_WITHOUT_HEAD(vrele_with_failing_writes_drops_pages);
ATF_TC_BODY(vrele_with_failing_writes_drops_pages, tc)
{
	char buf[64];
	int freepg;

	setup(2, 0, 1);
	memset(buf, 'x', sizeof(buf));
	freepg = uvmexp.free;
	ATF_REQUIRE_EQ(kio(vp, buf, sizeof(buf), 10, UIO_WRITE), 0);
	kern_fault_set(KFI_IO_WRITE, 1, 1);
	vrele(vp);
	kern_fault_clear();
	H_CHECK(NULL);
	ATF_CHECK_EQ(uvmexp.free, freepg);
	ATF_CHECK(host_holds(0, 2 * PAGE_SIZE, 1));
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(vanished_host_file_gives_eio_resident_pages_stay);
ATF_TC_BODY(vanished_host_file_gives_eio_resident_pages_stay, tc)
{
	struct vmspace *vm;
	vaddr_t va;
	unsigned char c, buf[16];
	int hfd;

	setup(4, 0, 1);
	vm = map_file_at(&va, 4 * PAGE_SIZE, 0, true, UVM_ADV_RANDOM);
	ATF_REQUIRE_EQ(copyin_vmspace(vm, (void *)va, &c, 1), 0);
	hfd = open("file.dat", O_RDWR);
	ATF_REQUIRE(hfd >= 0);
	/* Unlinked: still the same file (it lives while open). */
	ATF_REQUIRE_EQ(unlink("file.dat"), 0);
	ATF_REQUIRE_EQ(kio(vp, buf, 16, 3 * PAGE_SIZE, UIO_READ), 0);
	ATF_CHECK_EQ(buf[0], pat(3 * PAGE_SIZE, 1));
	/* Its contents vanish behind the VM's back. */
	ATF_REQUIRE_EQ(ftruncate(hfd, 0), 0);
	close(hfd);
	ATF_CHECK_EQ(kio(vp, buf, 16, 2 * PAGE_SIZE, UIO_READ), EIO);
	ATF_CHECK_EQ(uvm_fault(&vm->vm_map, va + PAGE_SIZE, VM_PROT_READ),
	    EIO);
	/* What is resident is still there. */
	ATF_REQUIRE_EQ(copyin_vmspace(vm, (void *)(va + 5), &c, 1), 0);
	ATF_CHECK_EQ(c, pat(5, 1));
	ATF_REQUIRE_EQ(kio(vp, buf, 16, 3 * PAGE_SIZE + 16, UIO_READ), 0);
	ATF_CHECK_EQ(buf[0], pat(3 * PAGE_SIZE + 16, 1));
	H_CHECK(&vm->vm_map);
	uvmspace_free(vm);
	teardown();
}

ATF_TC_WITHOUT_HEAD(mapping_at_file_offset_above_4g);
ATF_TC_BODY(mapping_at_file_offset_above_4g, tc)
{
	voff_t big = (voff_t)5 << 30;
	struct vmspace *vm;
	vaddr_t va;
	char out[8] = "bigfile", back[8];

	setup(1, 0, 1);
	ATF_REQUIRE_EQ(vn_truncate(vp, big + 2 * PAGE_SIZE), 0);
	vm = map_file_at(&va, 2 * PAGE_SIZE, big, true, UVM_ADV_NORMAL);
	ATF_REQUIRE_EQ(copyout_vmspace(vm, out, (void *)(va + PAGE_SIZE + 1),
	    8), 0);
	ATF_REQUIRE_EQ(kio(vp, back, 8, big + PAGE_SIZE + 1, UIO_READ), 0);
	ATF_CHECK(memcmp(out, back, 8) == 0);
	ATF_CHECK(lookup(big + PAGE_SIZE) != NULL);
	ATF_CHECK(lookup((big + PAGE_SIZE) & 0xffffffff) == NULL);
	ATF_REQUIRE_EQ(uvm_map_clean(&vm->vm_map, va, va + 2 * PAGE_SIZE,
	    PGO_CLEANIT | PGO_SYNCIO), 0);
	{
		FILE *f = fopen("file.dat", "r");

		ATF_REQUIRE(f != NULL);
		fseeko(f, big + PAGE_SIZE + 1, SEEK_SET);
		ATF_REQUIRE_EQ(fread(back, 1, 8, f), 8);
		fclose(f);
		ATF_CHECK(memcmp(out, back, 8) == 0);
	}
	ATF_CHECK(host_holds(0, PAGE_SIZE, 1));
	H_CHECK(&vm->vm_map);
	uvmspace_free(vm);
	teardown();
}

ATF_TC_WITHOUT_HEAD(ubc_alloc_window_reads_writes_and_stops_at_eof);
ATF_TC_BODY(ubc_alloc_window_reads_writes_and_stops_at_eof, tc)
{
	vsize_t len;
	unsigned char *win;
	struct vm_page *pg;
	struct vmspace *vm;
	vaddr_t va;
	unsigned char back[4];

	setup(3, 100, 1);
	/* A read window holds the file's bytes, busy until released. */
	len = 2 * PAGE_SIZE;
	win = ubc_alloc(&vp->v_uobj, 10, &len, UVM_ADV_NORMAL, UBC_READ);
	ATF_REQUIRE(win != NULL);
	ATF_CHECK_EQ(len, 2 * PAGE_SIZE);
	ATF_CHECK_EQ(win[0], pat(10, 1));
	ATF_CHECK_EQ(win[PAGE_SIZE], pat(PAGE_SIZE + 10, 1));
	pg = lookup(0);
	ATF_REQUIRE(pg != NULL);
	ATF_CHECK(pg->flags & PG_BUSY);
	ubc_release(win, 0);
	ATF_CHECK((pg->flags & PG_BUSY) == 0);
	ATF_CHECK(pg->pqflags & PQ_ACTIVE);
	H_CHECK(NULL);
	/* The window ends at the end of the file's last page. */
	len = 16 * PAGE_SIZE;
	win = ubc_alloc(&vp->v_uobj, 2 * PAGE_SIZE, &len, UVM_ADV_NORMAL,
	    UBC_READ);
	ATF_REQUIRE(win != NULL);
	ATF_CHECK_EQ(len, 2 * PAGE_SIZE);
	ubc_release(win, UBC_UNMAP);
	/* Past EOF: nothing. */
	len = PAGE_SIZE;
	ATF_CHECK(ubc_alloc(&vp->v_uobj, 5 * PAGE_SIZE, &len, UVM_ADV_NORMAL,
	    UBC_READ) == NULL);
	ATF_CHECK_EQ(len, 0);
	/* A FAULTBUSY write window: the page is not read, ends dirty. */
	len = PAGE_SIZE;
	win = ubc_alloc(&vp->v_uobj, 2 * PAGE_SIZE, &len, UVM_ADV_NORMAL,
	    UBC_WRITE | UBC_FAULTBUSY);
	ATF_REQUIRE(win != NULL);
	memset(win, 'u', PAGE_SIZE);
	ubc_release(win, 0);
	pg = lookup(2 * PAGE_SIZE);
	ATF_REQUIRE(pg != NULL);
	ATF_CHECK(pg->flags & PG_DIRTY);
	ATF_CHECK((pg->flags & (PG_BUSY | PG_FAKE)) == 0);
	/* A mapping sees it, and the host file after fsync. */
	vm = map_file(&va, 3 * PAGE_SIZE, true);
	ATF_REQUIRE_EQ(copyin_vmspace(vm, (void *)(va + 2 * PAGE_SIZE + 7),
	    back, 4), 0);
	ATF_CHECK(memcmp(back, "uuuu", 4) == 0);
	ATF_REQUIRE_EQ(vn_fsync(vp), 0);
	ATF_CHECK(!host_holds(2 * PAGE_SIZE, 1, 1));
	ATF_CHECK(host_holds(PAGE_SIZE, PAGE_SIZE, 1));
	H_CHECK(&vm->vm_map);
	uvmspace_free(vm);
	teardown();
}

ATF_TC_WITHOUT_HEAD(map_clean_and_mincore_on_anonymous_memory);
ATF_TC_BODY(map_clean_and_mincore_on_anonymous_memory, tc)
{
	struct vmspace *vm;
	vaddr_t va = 0;
	char c = 'A', back = 1, vec[4];
	int nanon;

	h_boot(16 << 20, 0);
	vm = uvmspace_alloc(VM_MIN_ADDRESS, VM_MAXUSER_ADDRESS, false);
	ATF_REQUIRE_EQ(uvm_map(&vm->vm_map, &va, 4 * PAGE_SIZE, NULL,
	    UVM_UNKNOWN_OFFSET, 0, UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_RW,
	    UVM_INH_COPY, UVM_ADV_NORMAL, UVM_FLAG_COPYONW)), 0);
	nanon = uvmexp.nanon;
	ATF_REQUIRE_EQ(copyout_vmspace(vm, &c, (void *)(va + PAGE_SIZE), 1),
	    0);
	ATF_REQUIRE_EQ(uvm_mincore(&vm->vm_map, va, 4 * PAGE_SIZE, vec), 0);
	ATF_CHECK(vec[0] == 0 && vec[1] == 1 && vec[2] == 0 && vec[3] == 0);
	ATF_REQUIRE_EQ(uvm_map_clean(&vm->vm_map, va, va + 4 * PAGE_SIZE,
	    PGO_DEACTIVATE), 0);
	ATF_REQUIRE_EQ(uvm_mincore(&vm->vm_map, va, 4 * PAGE_SIZE, vec), 0);
	ATF_CHECK_EQ(vec[1], 1);
	ATF_REQUIRE_EQ(uvm_map_clean(&vm->vm_map, va, va + 4 * PAGE_SIZE,
	    PGO_FREE), 0);
	H_CHECK(&vm->vm_map);
	ATF_CHECK_EQ(uvmexp.nanon, nanon);
	ATF_REQUIRE_EQ(uvm_mincore(&vm->vm_map, va, 4 * PAGE_SIZE, vec), 0);
	ATF_CHECK_EQ(vec[1], 0);
	/* Freed anonymous memory reads as zeros again. */
	ATF_REQUIRE_EQ(copyin_vmspace(vm, (void *)(va + PAGE_SIZE), &back, 1),
	    0);
	ATF_CHECK_EQ(back, 0);
	uvmspace_free(vm);
	H_CHECK(NULL);
	h_shutdown();
}

/* Is the page at off resident, and busy?  (0: absent, 1: idle, 2: busy) */
static int
page_state(voff_t off)
{
	struct vm_page *pg;
	int st;

	mutex_enter(vp->v_uobj.vmobjlock);
	pg = uvm_pagelookup(&vp->v_uobj, off);
	st = pg == NULL ? 0 : (pg->flags & PG_BUSY) ? 2 : 1;
	mutex_exit(vp->v_uobj.vmobjlock);
	return st;
}

/*
 * Read-ahead is asynchronous: in a threaded machine whose I/O threads
 * are held, a sequential reader gets its bytes while the next window is
 * still being read (its pages resident but busy, not counted as read);
 * once the I/O completes they are valid and the reader consumes them
 * without another synchronous read.
 */
ATF_TC_WITHOUT_HEAD(readahead_is_asynchronous_threaded);
ATF_TC_BODY(readahead_is_asynchronous_threaded, tc)
{
	struct uvm_machine m;
	unsigned long async0, read0, sync0;
	voff_t rastart = -1;
	char c;
	FILE *f;
	const int n = 64;

	uvm_machine_defaults(&m);
	m.m_ramsize = 16 << 20;
	m.m_quiet = true;
	m.m_daemon = UVM_DAEMON_THREADED;
	h_boot_machine(&m);
	unlink("file.dat");
	f = fopen("file.dat", "w");
	ATF_REQUIRE(f != NULL);
	for (voff_t i = 0; i < (voff_t)n * (voff_t)PAGE_SIZE; i++)
		fputc(pat(i, 3), f);
	fclose(f);
	ATF_REQUIRE_EQ(vn_open("file.dat", VN_READ, &vp), 0);
	kern_bio_hold(true);
	async0 = vp->v_nasyncio;
	for (int i = 0; i < 3; i++) {
		ATF_REQUIRE_EQ(kio(vp, &c, 1, (voff_t)i * PAGE_SIZE, UIO_READ),
		    0);
		ATF_CHECK_EQ((unsigned char)c, pat((voff_t)i * PAGE_SIZE, 3));
	}
	ATF_REQUIRE_MSG(vp->v_nasyncio > async0, "no asynchronous read-ahead");
	ATF_CHECK(bio_inflight() > 0);
	/* The window being read: resident, busy, not read yet. */
	for (int i = 0; i < n && rastart < 0; i++)
		if (page_state((voff_t)i * PAGE_SIZE) == 2)
			rastart = (voff_t)i * PAGE_SIZE;
	ATF_REQUIRE(rastart > 0);
	read0 = vp->v_npagesread;
	H_CHECK(NULL);
	kern_bio_hold(false);
	(void)biodrain();
	ATF_CHECK_EQ(bio_inflight(), 0u);
	ATF_CHECK_EQ(page_state(rastart), 1);
	ATF_CHECK(vp->v_npagesread > read0);
	/* Consuming the window needs no synchronous read. */
	sync0 = vp->v_nreadio - vp->v_nasyncio;
	for (voff_t off = 3 * PAGE_SIZE; off <= rastart; off += PAGE_SIZE) {
		ATF_REQUIRE_EQ(kio(vp, &c, 1, off, UIO_READ), 0);
		ATF_CHECK_EQ((unsigned char)c, pat(off, 3));
	}
	(void)biodrain();
	ATF_CHECK_EQ(vp->v_nreadio - vp->v_nasyncio, sync0);
	/* And the rest of the file reads right. */
	for (int i = 0; i < n; i++) {
		ATF_REQUIRE_EQ(kio(vp, &c, 1, (voff_t)i * PAGE_SIZE, UIO_READ),
		    0);
		ATF_CHECK_EQ((unsigned char)c, pat((voff_t)i * PAGE_SIZE, 3));
	}
	ATF_CHECK(vp->v_nreadio <= (unsigned long)n / 4);
	H_CHECK(NULL);
	teardown();
}

/*
 * A read-ahead that fails does not fail the access that started it: its
 * pages go, and the access that later needs them reads them itself.
 */
ATF_TC_WITHOUT_HEAD(readahead_error_does_not_fail_the_access);
ATF_TC_BODY(readahead_error_does_not_fail_the_access, tc)
{
	unsigned long async0, read0;
	char c;
	int resident = 0;

	setup(64, 0, 4);
	for (int i = 0; i < 2; i++) {
		ATF_REQUIRE_EQ(kio(vp, &c, 1, (voff_t)i * PAGE_SIZE, UIO_READ),
		    0);
		ATF_CHECK_EQ((unsigned char)c, pat((voff_t)i * PAGE_SIZE, 4));
	}
	async0 = vp->v_nasyncio;
	read0 = vp->v_npagesread;
	/* The next read is served from read-ahead; its own read-ahead fails. */
	kern_fault_set(KFI_IO_READ, 1, 0);
	ATF_CHECK_EQ(kio(vp, &c, 1, 2 * PAGE_SIZE, UIO_READ), 0);
	ATF_CHECK_EQ((unsigned char)c, pat(2 * PAGE_SIZE, 4));
	ATF_CHECK_EQ(kern_fault_hits(KFI_IO_READ), 1ul);
	kern_fault_clear();
	ATF_CHECK_EQ(vp->v_nasyncio, async0 + 1);
	ATF_CHECK_EQ(vp->v_npagesread, read0);
	/* Its pages went; nothing is left busy. */
	for (int i = 0; i < 64; i++) {
		int st = page_state((voff_t)i * PAGE_SIZE);

		ATF_CHECK(st != 2);
		resident += st != 0;
	}
	ATF_CHECK(resident <= 6);
	H_CHECK(NULL);
	for (int i = 0; i < 64; i++) {
		ATF_REQUIRE_EQ(kio(vp, &c, 1, (voff_t)i * PAGE_SIZE, UIO_READ),
		    0);
		ATF_CHECK_EQ((unsigned char)c, pat((voff_t)i * PAGE_SIZE, 4));
	}
	H_CHECK(NULL);
	teardown();
}

/*
 * Stepped machines complete read-ahead deterministically (when the read
 * that started it returns): two identical runs count the same.
 */
static void
stepped_reads(unsigned long *out)
{
	char c;

	setup(64, 0, 5);
	for (int i = 0; i < 64; i += (i % 5 == 4) ? 3 : 1)
		ATF_REQUIRE_EQ(kio(vp, &c, 1, (voff_t)i * PAGE_SIZE, UIO_READ),
		    0);
	ATF_CHECK_EQ(bio_inflight(), 0u);
	out[0] = vp->v_nreadio;
	out[1] = vp->v_nasyncio;
	out[2] = vp->v_npagesread;
	out[3] = (unsigned long)vp->v_uobj.uo_npages;
	teardown();
}

ATF_TC_WITHOUT_HEAD(stepped_readahead_is_deterministic);
ATF_TC_BODY(stepped_readahead_is_deterministic, tc)
{
	unsigned long a[4], b[4];

	stepped_reads(a);
	stepped_reads(b);
	ATF_CHECK(a[1] > 0);
	for (int i = 0; i < 4; i++)
		ATF_CHECK_EQ_MSG(a[i], b[i], "counter %d: %lu then %lu", i,
		    a[i], b[i]);
}

/*
 * A sequential reader of a mapping starts read-ahead from the fault
 * handler's locked lookup too: with the I/O threads held, a fault on a
 * page of the window in flight waits for it, then reads the right byte.
 */
struct mreader {
	struct vmspace	*vm;
	vaddr_t		va;
	int		from, to;
	volatile int	done;		/* -1: running, else failures */
};

static void *
mreader_thread(void *arg)
{
	struct mreader *r = arg;
	unsigned char c;
	int bad = 0;

	for (int i = r->from; i < r->to; i++)
		if (copyin_vmspace(r->vm, (void *)(r->va + ptoa(i)), &c, 1) !=
		    0 || c != pat((voff_t)i * PAGE_SIZE, 6))
			bad++;
	r->done = bad;
	return NULL;
}

ATF_TC_WITHOUT_HEAD(mapped_readahead_is_asynchronous_threaded);
ATF_TC_BODY(mapped_readahead_is_asynchronous_threaded, tc)
{
	struct uvm_machine m;
	struct vmspace *vm;
	struct mreader r;
	pthread_t t;
	unsigned long async0;
	vaddr_t va;
	unsigned char c;
	int i, busyat = -1;
	FILE *f;
	const int n = 256;

	uvm_machine_defaults(&m);
	m.m_ramsize = 16 << 20;
	m.m_quiet = true;
	m.m_daemon = UVM_DAEMON_THREADED;
	h_boot_machine(&m);
	unlink("file.dat");
	f = fopen("file.dat", "w");
	ATF_REQUIRE(f != NULL);
	for (voff_t o = 0; o < (voff_t)n * (voff_t)PAGE_SIZE; o++)
		fputc(pat(o, 6), f);
	fclose(f);
	ATF_REQUIRE_EQ(vn_open("file.dat", VN_READ | VN_WRITE, &vp), 0);
	vm = map_file(&va, (vsize_t)n * PAGE_SIZE, true);
	kern_bio_hold(true);
	async0 = vp->v_nasyncio;
	/* Fault sequentially until a read-ahead is in flight. */
	for (i = 0; i < n && vp->v_nasyncio == async0; i++) {
		ATF_REQUIRE_EQ(copyin_vmspace(vm, (void *)(va + ptoa(i)), &c,
		    1), 0);
		ATF_REQUIRE_EQ(c, pat((voff_t)i * PAGE_SIZE, 6));
	}
	ATF_REQUIRE_MSG(vp->v_nasyncio > async0, "no asynchronous read-ahead");
	for (int j = i; j < n && busyat < 0; j++)
		if (page_state((voff_t)j * PAGE_SIZE) == 2)
			busyat = j;
	ATF_REQUIRE(busyat > 0);
	/* A fault there waits for the read. */
	r.vm = vm;
	r.va = va;
	r.from = busyat;
	r.to = busyat + 1;
	r.done = -1;
	ATF_REQUIRE_EQ(pthread_create(&t, NULL, mreader_thread, &r), 0);
	kpause("test", false, hz / 10 + 1, NULL);
	ATF_CHECK_EQ(r.done, -1);
	kern_bio_hold(false);
	ATF_REQUIRE_EQ(pthread_join(t, NULL), 0);
	ATF_CHECK_EQ(r.done, 0);
	/* The rest reads right, with few I/Os. */
	r.from = 0;
	r.to = n;
	mreader_thread(&r);
	ATF_CHECK_EQ(r.done, 0);
	(void)biodrain();
	ATF_CHECK_EQ(vp->v_npagesread, (unsigned long)n);
	ATF_CHECK(vp->v_nreadio <= (unsigned long)n / 8);
	H_CHECK(&vm->vm_map);
	uvmspace_free(vm);
	teardown();
}

/*
 * msync-style writeback: one host write per run of contiguous dirty
 * pages, a run split only at UVN_PUT_MAXPAGES (64) pages; the partial
 * last page is written only up to the end of the file.
 */
ATF_TC_WITHOUT_HEAD(map_clean_writes_one_io_per_run_of_dirty_pages);
ATF_TC_BODY(map_clean_writes_one_io_per_run_of_dirty_pages, tc)
{
	struct vmspace *vm;
	vaddr_t va;
	voff_t size;
	unsigned long wio, wpg;
	struct stat st;
	int n = 200;

	setup(n, 100, 1);
	size = vn_size(vp);
	vm = map_file(&va, (vsize_t)(n + 1) * PAGE_SIZE, true);
	/* Dirty every page but page 100: runs 0..99 and 101..200. */
	for (int p = 0; p <= n; p++) {
		char c = (char)pat(ptoa((voff_t)p), 2);

		if (p == 100)
			continue;
		ATF_REQUIRE_EQ(copyout_vmspace(vm, &c,
		    (void *)(va + ptoa((vaddr_t)p)), 1), 0);
	}
	H_CHECK(&vm->vm_map);
	wio = vp->v_nwriteio;
	wpg = vp->v_npageswritten;
	ATF_REQUIRE_EQ(uvm_map_clean(&vm->vm_map, va,
	    va + ptoa((vaddr_t)(n + 1)), PGO_CLEANIT | PGO_SYNCIO), 0);
	H_CHECK(&vm->vm_map);
	/* 100 pages: 64 + 36; 100 pages (the last partial): 64 + 36. */
	ATF_CHECK_EQ(vp->v_nwriteio, wio + 4);
	ATF_CHECK_EQ(vp->v_npageswritten, wpg + 200);
	ATF_CHECK_EQ(vp->v_nasyncwio, 0ul);
	ATF_REQUIRE_EQ(stat("file.dat", &st), 0);
	ATF_CHECK_EQ((voff_t)st.st_size, size);
	for (int p = 0; p <= n; p++) {
		voff_t off = ptoa((voff_t)p);

		ATF_CHECK_MSG(host_holds(off, 1, p == 100 ? 1 : 2),
		    "page %d", p);
	}
	ATF_CHECK(host_holds(ptoa((voff_t)n) + 1, 99, 1));

	/* Written pages are write-protected: a write dirties them again. */
	for (int p = 5; p < 8; p++) {
		char c = (char)pat(ptoa((voff_t)p), 3);

		ATF_REQUIRE_EQ(copyout_vmspace(vm, &c,
		    (void *)(va + ptoa((vaddr_t)p)), 1), 0);
	}
	H_CHECK(&vm->vm_map);
	wio = vp->v_nwriteio;
	ATF_REQUIRE_EQ(uvm_map_clean(&vm->vm_map, va,
	    va + ptoa((vaddr_t)(n + 1)), PGO_CLEANIT | PGO_SYNCIO), 0);
	H_CHECK(&vm->vm_map);
	ATF_CHECK_EQ(vp->v_nwriteio, wio + 1);
	for (int p = 5; p < 8; p++)
		ATF_CHECK(host_holds(ptoa((voff_t)p), 1, 3));
	ATF_CHECK(host_holds(ptoa((voff_t)8), 1, 2));
	uvmspace_free(vm);
	teardown();
	ATF_REQUIRE_EQ(stat("file.dat", &st), 0);
	ATF_CHECK_EQ((voff_t)st.st_size, size);
}

/*
 * Call the pager as the pagedaemon does for its victim at off: an
 * asynchronous put of one page with PGO_CLEANIT | PGO_FREE; then let
 * the write complete.
 */
static int
daemon_put(voff_t off)
{
	struct lwp *l = curlwp;
	int oflag = l->l_flag & LW_PAGEDAEMON, error;

	l->l_flag |= LW_PAGEDAEMON;
	mutex_enter(vp->v_uobj.vmobjlock);
	error = vp->v_uobj.pgops->pgo_put(&vp->v_uobj, off, off + PAGE_SIZE,
	    PGO_CLEANIT | PGO_FREE);
	l->l_flag = (l->l_flag & ~LW_PAGEDAEMON) | oflag;
	(void)biodrain();
	return error;
}

/* Is the resident page at off dirty (flag or pmap modified bit)? */
static bool
page_dirty(voff_t off)
{
	struct vm_page *pg;
	bool dirty;

	mutex_enter(vp->v_uobj.vmobjlock);
	pg = uvm_pagelookup(&vp->v_uobj, off);
	ATF_REQUIRE(pg != NULL);
	dirty = (pg->flags & PG_CLEAN) == 0 || pmap_is_modified(pg);
	mutex_exit(vp->v_uobj.vmobjlock);
	return dirty;
}

/*
 * The daemon's writeback of a victim is clustered: its dirty
 * neighbours (before and after, up to a clean page, the end of the file
 * or 64 pages) go in the same asynchronous write; only the victim is
 * freed, the neighbours stay, clean and write-protected, so a later
 * write through the mapping dirties them again.  Pages past the end of
 * the file are never written.
 */
ATF_TC_WITHOUT_HEAD(daemon_put_clusters_neighbours_frees_only_victim);
ATF_TC_BODY(daemon_put_clusters_neighbours_frees_only_victim, tc)
{
	struct vmspace *vm;
	vaddr_t va;
	voff_t size;
	unsigned long wio, wpg;
	struct stat st;
	size_t pgsz;
	int n = 100, paging0;

	setup(n, 700, 1);
	size = vn_size(vp);
	vm = map_file(&va, (vsize_t)(n + 1) * PAGE_SIZE, true);
	/* Read page 9 (resident, clean); dirty 0..8, 10..100 whole. */
	{
		char c;

		ATF_REQUIRE_EQ(copyin_vmspace(vm,
		    (void *)(va + ptoa((vaddr_t)9)), &c, 1), 0);
	}
	for (int p = 0; p <= n; p++) {
		unsigned char buf[PAGE_SIZE_MAX_TEST];

		if (p == 9)
			continue;
		for (size_t i = 0; i < PAGE_SIZE; i++)
			buf[i] = pat(ptoa((voff_t)p) + (voff_t)i, 2);
		ATF_REQUIRE_EQ(copyout_vmspace(vm, buf,
		    (void *)(va + ptoa((vaddr_t)p)), PAGE_SIZE), 0);
	}
	H_CHECK(&vm->vm_map);
	wio = vp->v_nwriteio;
	wpg = vp->v_npageswritten;
	paging0 = uvmexp.paging;

	/* Victim 12: cluster 10..73 (a clean page 9 stops it behind). */
	ATF_REQUIRE_EQ(daemon_put(ptoa((voff_t)12)), 0);
	H_CHECK(&vm->vm_map);
	ATF_CHECK_EQ(uvmexp.paging, paging0);
	ATF_CHECK_EQ(vp->v_nwriteio, wio + 1);
	ATF_CHECK_EQ(vp->v_nasyncwio, 1ul);
	ATF_CHECK_EQ(vp->v_npageswritten, wpg + 64);
	ATF_CHECK(lookup(ptoa((voff_t)12)) == NULL);
	for (int p = 10; p < 74; p++) {
		if (p == 12)
			continue;
		ATF_REQUIRE_MSG(lookup(ptoa((voff_t)p)) != NULL, "page %d", p);
		ATF_CHECK_MSG(!page_dirty(ptoa((voff_t)p)), "page %d", p);
		ATF_CHECK_MSG(host_holds(ptoa((voff_t)p), PAGE_SIZE, 2),
		    "page %d", p);
	}
	for (int p = 0; p < 9; p++)
		ATF_CHECK_MSG(page_dirty(ptoa((voff_t)p)), "page %d", p);
	ATF_CHECK(page_dirty(ptoa((voff_t)74)));
	ATF_CHECK(host_holds(ptoa((voff_t)74), PAGE_SIZE, 1));
	ATF_CHECK(host_holds(0, PAGE_SIZE, 1));

	/* Victim 80: cluster 74..100, the last one up to EOF only. */
	wio = vp->v_nwriteio;
	ATF_REQUIRE_EQ(daemon_put(ptoa((voff_t)80)), 0);
	H_CHECK(&vm->vm_map);
	ATF_CHECK_EQ(vp->v_nwriteio, wio + 1);
	ATF_CHECK(host_holds(ptoa((voff_t)74), ptoa((voff_t)(n - 74)) + 700,
	    2));
	ATF_REQUIRE_EQ(stat("file.dat", &st), 0);
	ATF_CHECK_EQ((voff_t)st.st_size, size);

	/* A neighbour written is clean; a write dirties it again. */
	{
		char c = (char)pat(ptoa((voff_t)20), 3);

		ATF_REQUIRE_EQ(copyout_vmspace(vm, &c,
		    (void *)(va + ptoa((vaddr_t)20)), 1), 0);
	}
	H_CHECK(&vm->vm_map);
	ATF_CHECK(page_dirty(ptoa((voff_t)20)));
	ATF_CHECK(!page_dirty(ptoa((voff_t)21)));
	wio = vp->v_nwriteio;
	ATF_REQUIRE_EQ(daemon_put(ptoa((voff_t)20)), 0);
	H_CHECK(&vm->vm_map);
	ATF_CHECK_EQ(vp->v_nwriteio, wio + 1);
	ATF_CHECK(lookup(ptoa((voff_t)20)) == NULL);
	ATF_CHECK(host_holds(ptoa((voff_t)20), 1, 3));
	ATF_CHECK(host_holds(ptoa((voff_t)20) + 1, PAGE_SIZE - 1, 2));

	/* Everything reads back through the mapping. */
	for (int p = 0; p <= n; p++) {
		unsigned char c;

		ATF_REQUIRE_EQ(copyin_vmspace(vm,
		    (void *)(va + ptoa((vaddr_t)p)), &c, 1), 0);
		ATF_CHECK_EQ_MSG(c, pat(ptoa((voff_t)p), p == 9 ? 1 :
		    p == 20 ? 3 : 2), "page %d", p);
	}
	pgsz = PAGE_SIZE;	/* it goes with the machine */
	uvmspace_free(vm);
	teardown();
	ATF_REQUIRE_EQ(stat("file.dat", &st), 0);
	ATF_CHECK_EQ((voff_t)st.st_size, size);
	ATF_CHECK(host_holds(0, pgsz, 2));
}

/*
 * A write error on the daemon's clustered writeback leaves every page
 * of the cluster resident and dirty, victim included: nothing is lost,
 * and a later writeback puts all of it in the file.
 */
ATF_TC_WITHOUT_HEAD(daemon_put_write_error_keeps_whole_cluster_dirty);
ATF_TC_BODY(daemon_put_write_error_keeps_whole_cluster_dirty, tc)
{
	struct vmspace *vm;
	vaddr_t va;
	unsigned long wpg;
	int n = 40;

	setup(n, 0, 1);
	vm = map_file(&va, (vsize_t)n * PAGE_SIZE, true);
	for (int p = 0; p < n; p++) {
		unsigned char buf[PAGE_SIZE_MAX_TEST];

		for (size_t i = 0; i < PAGE_SIZE; i++)
			buf[i] = pat(ptoa((voff_t)p) + (voff_t)i, 2);
		ATF_REQUIRE_EQ(copyout_vmspace(vm, buf,
		    (void *)(va + ptoa((vaddr_t)p)), PAGE_SIZE), 0);
	}
	H_CHECK(&vm->vm_map);
	wpg = vp->v_npageswritten;
	kern_fault_set(KFI_IO_WRITE, 1, 0);
	ATF_REQUIRE_EQ(daemon_put(ptoa((voff_t)5)), 0);
	ATF_CHECK_EQ(kern_fault_hits(KFI_IO_WRITE), 1ul);
	kern_fault_clear();
	H_CHECK(&vm->vm_map);
	ATF_CHECK_EQ(uvmexp.paging, 0);
	ATF_CHECK_EQ(vp->v_npageswritten, wpg);
	ATF_CHECK_EQ(vp->v_uobj.uo_npages, n);
	for (int p = 0; p < n; p++)
		ATF_CHECK_MSG(page_dirty(ptoa((voff_t)p)), "page %d", p);
	ATF_CHECK(host_holds(0, ptoa((voff_t)n), 1));
	/* The next writeback works: all of it reaches the file. */
	ATF_REQUIRE_EQ(daemon_put(ptoa((voff_t)5)), 0);
	H_CHECK(&vm->vm_map);
	ATF_CHECK_EQ(vp->v_npageswritten, wpg + (unsigned long)n);
	ATF_CHECK(lookup(ptoa((voff_t)5)) == NULL);
	ATF_CHECK(host_holds(0, ptoa((voff_t)n), 2));
	for (int p = 0; p < n; p++) {
		unsigned char c;

		ATF_REQUIRE_EQ(copyin_vmspace(vm,
		    (void *)(va + ptoa((vaddr_t)p)), &c, 1), 0);
		ATF_CHECK_EQ(c, pat(ptoa((voff_t)p), 2));
	}
	uvmspace_free(vm);
	teardown();
}

/*
 * The daemon's cluster stops at a busy or wired neighbour (and at a
 * missing or clean one): those pages are left as they were, dirty.
 */
ATF_TC_WITHOUT_HEAD(daemon_put_cluster_stops_at_busy_and_wired_pages);
ATF_TC_BODY(daemon_put_cluster_stops_at_busy_and_wired_pages, tc)
{
	struct vmspace *vm;
	struct vm_page *busy[1];
	vaddr_t va;
	voff_t off20;
	unsigned long wpg, wio;
	int n = 30;

	setup(n, 0, 1);
	vm = map_file(&va, (vsize_t)n * PAGE_SIZE, true);
	for (int p = 0; p < n; p++) {
		char c = (char)pat(ptoa((voff_t)p), 2);

		ATF_REQUIRE_EQ(copyout_vmspace(vm, &c,
		    (void *)(va + ptoa((vaddr_t)p)), 1), 0);
	}
	ATF_REQUIRE_EQ(uvm_map_pageable(&vm->vm_map, va + ptoa((vaddr_t)20),
	    va + ptoa((vaddr_t)21), false, 0), 0);
	ATF_REQUIRE_EQ(findpages(ptoa((voff_t)10), 1, busy, UFP_NOALLOC), 1);
	H_CHECK(&vm->vm_map);
	wpg = vp->v_npageswritten;
	wio = vp->v_nwriteio;
	ATF_REQUIRE_EQ(daemon_put(ptoa((voff_t)15)), 0);
	H_CHECK(&vm->vm_map);
	ATF_CHECK_EQ(vp->v_nwriteio, wio + 1);
	ATF_CHECK_EQ(vp->v_npageswritten, wpg + 9);	/* 11 .. 19 */
	ATF_CHECK(lookup(ptoa((voff_t)15)) == NULL);
	unbusy(busy, 1);
	for (int p = 0; p < n; p++) {
		voff_t off = ptoa((voff_t)p);

		if (p == 15)
			continue;
		ATF_CHECK_EQ_MSG(page_dirty(off), p <= 10 || p >= 20,
		    "page %d", p);
		ATF_CHECK_MSG(host_holds(off, 1, p > 10 && p < 20 ? 2 : 1),
		    "page %d", p);
	}
	ATF_REQUIRE_EQ(uvm_map_pageable(&vm->vm_map, va + ptoa((vaddr_t)20),
	    va + ptoa((vaddr_t)21), true, 0), 0);
	H_CHECK(&vm->vm_map);
	off20 = ptoa((voff_t)20);	/* PAGE_SIZE goes with the machine */
	uvmspace_free(vm);
	teardown();
	ATF_CHECK(host_holds(0, 1, 2));
	ATF_CHECK(host_holds(off20, 1, 2));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, vn_open_errors);
	ATF_TP_ADD_TC(tp, ubc_read_returns_file_bytes_and_stops_at_eof);
	ATF_TP_ADD_TC(tp, ubc_write_reaches_host_file_after_fsync);
	ATF_TP_ADD_TC(tp, ubc_write_past_eof_grows_file_with_zero_gap);
	ATF_TP_ADD_TC(tp, ubc_write_then_mapping_read_sees_it);
	ATF_TP_ADD_TC(tp, mapping_write_then_ubc_read_and_host_after_clean);
	ATF_TP_ADD_TC(tp, two_shared_mappings_see_each_other);
	ATF_TP_ADD_TC(tp, changes_survive_unmap_and_remap);
	ATF_TP_ADD_TC(tp, private_mapping_writes_never_reach_file);
	ATF_TP_ADD_TC(tp,
	    truncate_while_mapped_keeps_head_fails_past_eof_regrow_zero);
	ATF_TP_ADD_TC(tp, offsets_above_4g_do_not_wrap);
	ATF_TP_ADD_TC(tp, readahead_grows_on_sequential_not_on_random);
	ATF_TP_ADD_TC(tp, host_read_error_gives_eio_and_nothing_breaks);
	ATF_TP_ADD_TC(tp, setsize_shrink_zeroes_tail_and_frees_pages);
	ATF_TP_ADD_TC(tp, map_clean_writes_dirty_mapped_pages_to_host);
	ATF_TP_ADD_TC(tp, map_clean_writes_one_io_per_run_of_dirty_pages);
	ATF_TP_ADD_TC(tp, daemon_put_clusters_neighbours_frees_only_victim);
	ATF_TP_ADD_TC(tp, daemon_put_write_error_keeps_whole_cluster_dirty);
	ATF_TP_ADD_TC(tp, daemon_put_cluster_stops_at_busy_and_wired_pages);
	ATF_TP_ADD_TC(tp, map_clean_errors_einval_efault_ebusy);
	ATF_TP_ADD_TC(tp, map_clean_free_writes_then_frees_object_pages);
	ATF_TP_ADD_TC(tp, map_clean_free_discards_private_anon_pages);
	ATF_TP_ADD_TC(tp, map_clean_deactivate_moves_pages_to_inactive);
	ATF_TP_ADD_TC(tp, mincore_reports_residency_per_page);
	ATF_TP_ADD_TC(tp, readahead_grows_on_sequential_mapping_faults);
	ATF_TP_ADD_TC(tp, mapping_fault_host_read_error_gives_eio);
	ATF_TP_ADD_TC(tp, host_write_error_keeps_pages_dirty_until_it_works);
	ATF_TP_ADD_TC(tp, vrele_with_failing_writes_drops_pages);
	ATF_TP_ADD_TC(tp, vanished_host_file_gives_eio_resident_pages_stay);
	ATF_TP_ADD_TC(tp, mapping_at_file_offset_above_4g);
	ATF_TP_ADD_TC(tp, ubc_alloc_window_reads_writes_and_stops_at_eof);
	ATF_TP_ADD_TC(tp, map_clean_and_mincore_on_anonymous_memory);
	ATF_TP_ADD_TC(tp, findpages_every_flag);
	ATF_TP_ADD_TC(tp, readahead_is_asynchronous_threaded);
	ATF_TP_ADD_TC(tp, readahead_error_does_not_fail_the_access);
	ATF_TP_ADD_TC(tp, stepped_readahead_is_deterministic);
	ATF_TP_ADD_TC(tp, mapped_readahead_is_asynchronous_threaded);
	return atf_no_error();
}
