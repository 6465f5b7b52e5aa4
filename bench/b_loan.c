/*
 * b_loan: page loanout beside copying, its native alternative.
 *
 *	loan_topage	uvm_loan(UVM_LOAN_TOPAGE) + uvm_unloan of resident
 *			anonymous memory (what zero-copy I/O pays to get
 *			the bytes) vs memcpy of the same pages into a
 *			buffer (what a copying I/O path pays)
 *	loan_break	the owner's first write to each page while it is
 *			lent (fault, copy into a new page, map it) vs the
 *			memcpy of a page (the copy it cannot avoid)
 *
 * Times are nanoseconds per page, best of several rounds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Linux's MADV_FREE differs from the seeds'; uvm_param.h has its own. */
#undef MADV_FREE
#include <uvm/uvm.h>

#include "bench.h"

#define BYTES	((size_t)32 << 20)	/* 32 MiB lent at a time */
#define ROUNDS	5
#define UVA	((vaddr_t)0x10000000)

static void
die(const char *what)
{
	fprintf(stderr, "b_loan: %s failed\n", what);
	exit(1);
}

/* Write one byte into every page of [UVA, UVA + BYTES). */
static void
touch(struct vmspace *vm, unsigned char c)
{
	size_t pgsz = (size_t)uvmexp.pagesize;

	for (size_t off = 0; off < BYTES; off += pgsz)
		if (copyout_vmspace(vm, &c, (void *)(UVA + off), 1) != 0)
			die("copyout");
}

int
main(void)
{
	struct uvm_machine m;
	struct vmspace *vm;
	struct vm_page **pgs;
	size_t pgsz, npages;
	char *src, *dst;
	double t0, lend = 1e30, brk = 1e30, copy = 1e30;
	vaddr_t va = UVA;

	uvm_machine_defaults(&m);
	m.m_ramsize = (psize_t)128 << 20;
	m.m_quiet = true;
	if (uvm_machine_boot(&m) != 0)
		die("boot");
	warm_arena();
	pgsz = (size_t)uvmexp.pagesize;
	npages = BYTES / pgsz;
	pgs = malloc(npages * sizeof(*pgs));
	src = malloc(BYTES);
	dst = malloc(BYTES);
	if (pgs == NULL || src == NULL || dst == NULL)
		die("malloc");
	memset(src, 1, BYTES);
	memset(dst, 2, BYTES);

	vm = uvmspace_alloc(0x10000, (vaddr_t)1 << 40, false);
	if (uvm_map(&vm->vm_map, &va, BYTES, NULL, UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_ALL, UVM_INH_COPY,
	    UVM_ADV_NORMAL, UVM_FLAG_FIXED | UVM_FLAG_COPYONW)) != 0)
		die("uvm_map");
	touch(vm, 1);

	for (int r = 0; r < ROUNDS; r++) {
		double t;

		/* Lend and give back: resident, so no fault does work. */
		t0 = now_ns();
		if (uvm_loan(&vm->vm_map, UVA, BYTES, pgs,
		    UVM_LOAN_TOPAGE) != 0)
			die("uvm_loan");
		uvm_unloan(pgs, (int)npages, UVM_LOAN_TOPAGE);
		t = (now_ns() - t0) / (double)npages;
		if (t < lend)
			lend = t;

		/* Lend, then the owner writes every page: loan breaks. */
		if (uvm_loan(&vm->vm_map, UVA, BYTES, pgs,
		    UVM_LOAN_TOPAGE) != 0)
			die("uvm_loan");
		t0 = now_ns();
		touch(vm, (unsigned char)(r + 2));
		t = (now_ns() - t0) / (double)npages;
		if (t < brk)
			brk = t;
		uvm_unloan(pgs, (int)npages, UVM_LOAN_TOPAGE);

		/* The peer: copy the bytes instead. */
		t0 = now_ns();
		memcpy(dst, src, BYTES);
		t = (now_ns() - t0) / (double)npages;
		if (t < copy)
			copy = t;
		src[r] = dst[BYTES - 1 - (size_t)r];	/* keep the copy live */
	}
	printf("RESULT loan_topage_unloan %.1f %.1f ns/page\n", lend, copy);
	printf("RESULT loan_break_owner_write %.1f %.1f ns/page\n", brk, copy);

	uvmspace_free(vm);
	free(pgs);
	free(src);
	free(dst);
	uvm_machine_shutdown();
	return 0;
}
