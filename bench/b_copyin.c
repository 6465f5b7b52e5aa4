/*
 * b_copyin: copyin(9) of 4 KiB from a mapped user page whose translation
 * is in the TLB, against memcpy(3) of the same 4 KiB between the same
 * kinds of buffers (the peer: what a native kernel's copyin costs over a
 * plain copy is close to nothing).  Also copyout, and a TLB-miss copyin
 * (a page-table walk per page) for reference.
 *
 * RESULT lines: ns per 4 KiB copy, ours then the peer's.
 */
#include <uvm/uvm.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define UVA	((vaddr_t)0x10000000)
#define NPAGES	256		/* more than the TLB holds */

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/*
 * Best of 41 runs of n iterations of each of two bodies, interleaved so
 * that both see the same machine load; ns per iteration.
 */
#define MEASURE2(ours, peer, n, body1, body2) do {			\
	double _b1 = 1e30, _b2 = 1e30, _t0, _t;				\
	for (int _r = 0; _r < 41; _r++) {				\
		_t0 = now_ns();						\
		for (long _i = 0; _i < (n); _i++) {			\
			body1;						\
		}							\
		_t = (now_ns() - _t0) / (n);				\
		if (_t < _b1)						\
			_b1 = _t;					\
		_t0 = now_ns();						\
		for (long _i = 0; _i < (n); _i++) {			\
			body2;						\
		}							\
		_t = (now_ns() - _t0) / (n);				\
		if (_t < _b2)						\
			_b2 = _t;					\
	}								\
	(ours) = _b1;							\
	(peer) = _b2;							\
} while (0)

int
main(void)
{
	struct uvm_machine m;
	struct vmspace vm;
	struct pmap *pm;
	struct vm_page *pg;
	unsigned char *kbuf, *src;
	double ours, peer;
	long n = 20000;
	int error = 0;

	uvm_machine_defaults(&m);
	m.m_quiet = true;
	m.m_ramsize = (psize_t)64 * 1024 * 1024;
	if (uvm_machine_boot(&m) != 0) {
		fprintf(stderr, "b_copyin: cannot boot\n");
		return 1;
	}
	memset(&vm, 0, sizeof(vm));
	pm = pmap_create();
	vm.vm_map.pmap = pm;
	proc0.p_vmspace = &vm;
	for (int i = 0; i < NPAGES; i++) {
		pg = uvm_pagealloc(NULL, 0, NULL, 0);
		if (pg == NULL)
			return 1;
		memset(PMAP_DIRECT_MAP(VM_PAGE_TO_PHYS(pg)), i, PAGE_SIZE);
		pmap_enter(pm, UVA + i * PAGE_SIZE, VM_PAGE_TO_PHYS(pg),
		    VM_PROT_READ | VM_PROT_WRITE, VM_PROT_WRITE);
	}
	if (posix_memalign((void **)&kbuf, 64, PAGE_SIZE) != 0)
		return 1;
	/* The peer copies out of the same physical page the TLB points at. */
	{
		paddr_t pa;

		if (!pmap_extract(pm, UVA, &pa))
			return 1;
		src = PMAP_DIRECT_MAP(pa);
	}

	MEASURE2(ours, peer, n,
	    error |= copyin((void *)UVA, kbuf, PAGE_SIZE),
	    memcpy(kbuf, src, PAGE_SIZE);
	    __asm__ volatile("" : : "r"(kbuf), "r"(src) : "memory"));
	printf("RESULT copyin_4k_tlb_hit %.1f %.1f ns\n", ours, peer);

	MEASURE2(ours, peer, n,
	    error |= copyout(kbuf, (void *)UVA, PAGE_SIZE),
	    memcpy(src, kbuf, PAGE_SIZE);
	    __asm__ volatile("" : : "r"(kbuf), "r"(src) : "memory"));
	printf("RESULT copyout_4k_tlb_hit %.1f %.1f ns\n", ours, peer);

	/* Strided over 256 pages: every access misses the 64-entry TLB. */
	MEASURE2(ours, peer, n,
	    error |= copyin((void *)(UVA + (_i * 65 % NPAGES) * PAGE_SIZE),
	    kbuf, PAGE_SIZE),
	    memcpy(kbuf, src, PAGE_SIZE);
	    __asm__ volatile("" : : "r"(kbuf), "r"(src) : "memory"));
	printf("RESULT copyin_4k_tlb_miss %.1f %.1f ns\n", ours, peer);

	if (error)
		fprintf(stderr, "b_copyin: a copy failed: %d\n", error);
	free(kbuf);
	pmap_remove_all(pm);
	pmap_destroy(pm);
	proc0.p_vmspace = NULL;
	uvm_machine_shutdown();
	return error != 0;
}
