/*
 * b_fork: uvmspace_fork of an address space with 1 GiB of resident
 * anonymous memory vs Linux fork() of a process that has touched 1 GiB.
 * The median of several runs, in microseconds per fork.
 */
#include <sys/mman.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Linux's MADV_FREE differs from the seeds'; uvm_param.h has its own. */
#undef MADV_FREE
#include <uvm/uvm.h>

#include "bench.h"

#define BYTES	((size_t)1 << 30)
#define RUNS	5
#define UVA	((vaddr_t)0x10000000)

static double
ours(void)
{
	struct uvm_machine m;
	struct vmspace *vm, *child;
	double t[RUNS], t0;
	unsigned char c = 1;
	vaddr_t va = UVA;

	uvm_machine_defaults(&m);
	m.m_ramsize = BYTES + ((psize_t)64 << 20);
	m.m_quiet = true;
	if (uvm_machine_boot(&m) != 0)
		exit(1);
	warm_arena();
	/*
	 * Every run forks a fresh parent: a second fork of the same parent
	 * finds it already write-protected and needs-copy, which would
	 * measure nothing.  The memory is mapped as mmap(MAP_ANON |
	 * MAP_PRIVATE) maps it (copy-on-write, amap made by the first
	 * faults, which chunk it into UVM_AMAP_CHUNK-page entries as in
	 * NetBSD).
	 */
	for (int i = 0; i < RUNS; i++) {
		va = UVA;
		vm = uvmspace_alloc(0x10000, (vaddr_t)1 << 40, false);
		if (uvm_map(&vm->vm_map, &va, BYTES, NULL, UVM_UNKNOWN_OFFSET,
		    0, UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_ALL, UVM_INH_COPY,
		    UVM_ADV_NORMAL, UVM_FLAG_FIXED | UVM_FLAG_COPYONW)) != 0)
			exit(1);
		for (size_t off = 0; off < BYTES;
		    off += (size_t)uvmexp.pagesize)
			if (copyout_vmspace(vm, &c, (void *)(UVA + off), 1) != 0)
				exit(1);
		t0 = now_ns();
		child = uvmspace_fork(vm);
		t[i] = now_ns() - t0;
		uvmspace_free(child);
		uvmspace_free(vm);
	}
	uvm_machine_shutdown();
	return median(t, RUNS) / 1e3;
}

static double
peer(void)
{
	volatile unsigned char *p;
	double t[RUNS], t0;
	size_t pgsz = (size_t)sysconf(_SC_PAGESIZE);
	pid_t pid;

	p = mmap(NULL, BYTES, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		exit(1);
	for (size_t off = 0; off < BYTES; off += pgsz)
		p[off] = 1;
	for (int i = 0; i < RUNS; i++) {
		t0 = now_ns();
		pid = fork();
		if (pid == 0)
			_exit(0);
		t[i] = now_ns() - t0;
		waitpid(pid, NULL, 0);
	}
	munmap((void *)p, BYTES);
	return median(t, RUNS) / 1e3;
}

int
main(void)
{
	double o = ours(), q = peer();

	printf("RESULT uvmspace_fork_1GiB %.1f %.1f us/fork\n", o, q);
	return 0;
}
