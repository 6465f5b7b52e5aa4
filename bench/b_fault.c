/*
 * b_fault: the fault handler's hot paths beside native Linux.
 *
 *	zerofill	first touch of anonymous memory, one write per page
 *			through copyout (soft pmap -> uvm_fault -> case 2B
 *			zero-fill) vs first touch of mmap'd anonymous memory
 *	cow_break	a child's first write to each page of its parent's
 *			memory after uvmspace_fork (case 1B) vs a Linux
 *			child writing its parent's pages after fork()
 *
 * The machine's memory is warmed first (see warm_arena).  Plus the
 * physical limits the issue measures against: memset and memcpy of one
 * page.  Times are nanoseconds per page.
 */
#include <sys/mman.h>
#include <sys/wait.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Linux's MADV_FREE differs from the seeds'; uvm_param.h has its own. */
#undef MADV_FREE
#include <uvm/uvm.h>

#include "bench.h"

#define ZF_BYTES	((size_t)256 << 20)	/* zero-fill: 256 MiB */
#define COW_BYTES	((size_t)64 << 20)	/* copy-on-write: 64 MiB */
#define UVA		((vaddr_t)0x10000000)

static void
boot(psize_t ram)
{
	struct uvm_machine m;

	uvm_machine_defaults(&m);
	m.m_ramsize = ram;
	m.m_quiet = true;
	if (uvm_machine_boot(&m) != 0) {
		fprintf(stderr, "b_fault: boot failed\n");
		exit(1);
	}
	warm_arena();
}

static struct vmspace *
anon_space(size_t bytes)
{
	struct vmspace *vm = uvmspace_alloc(0x10000, (vaddr_t)1 << 40, false);
	vaddr_t va = UVA;

	if (uvm_map(&vm->vm_map, &va, bytes, NULL, UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_ALL, UVM_INH_COPY,
	    UVM_ADV_NORMAL, UVM_FLAG_FIXED | UVM_FLAG_COPYONW)) != 0) {
		fprintf(stderr, "b_fault: uvm_map failed\n");
		exit(1);
	}
	return vm;
}

static double
touch_ours(struct vmspace *vm, size_t bytes, unsigned char c)
{
	size_t pgsz = (size_t)uvmexp.pagesize;
	double t0 = now_ns();

	for (size_t off = 0; off < bytes; off += pgsz)
		if (copyout_vmspace(vm, &c, (void *)(UVA + off), 1) != 0) {
			fprintf(stderr, "b_fault: copyout failed\n");
			exit(1);
		}
	return (now_ns() - t0) / (double)(bytes / pgsz);
}

static double
touch_linux(volatile unsigned char *p, size_t bytes, unsigned char c)
{
	size_t pgsz = (size_t)sysconf(_SC_PAGESIZE);
	double t0 = now_ns();

	for (size_t off = 0; off < bytes; off += pgsz)
		p[off] = c;
	return (now_ns() - t0) / (double)(bytes / pgsz);
}

static void
zerofill(void)
{
	struct vmspace *vm;
	unsigned char *p;
	double ours, peer;

	boot(ZF_BYTES + ((psize_t)64 << 20));
	/* One pass first so pools and page tables are at steady state. */
	vm = anon_space(ZF_BYTES);
	(void)touch_ours(vm, ZF_BYTES, 1);
	uvmspace_free(vm);
	vm = anon_space(ZF_BYTES);
	ours = touch_ours(vm, ZF_BYTES, 1);
	uvmspace_free(vm);
	uvm_machine_shutdown();

	p = mmap(NULL, ZF_BYTES, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	peer = touch_linux(p, ZF_BYTES, 1);
	munmap(p, ZF_BYTES);
	printf("RESULT fault_zerofill_first_touch %.1f %.1f ns/page\n", ours,
	    peer);
}

static void
cow_break(void)
{
	struct vmspace *vm, *child;
	unsigned char *p;
	double ours, peer;
	int fds[2];
	pid_t pid;

	boot(2 * COW_BYTES + ((psize_t)64 << 20));
	vm = anon_space(COW_BYTES);
	(void)touch_ours(vm, COW_BYTES, 1);
	child = uvmspace_fork(vm);
	ours = touch_ours(child, COW_BYTES, 2);
	uvmspace_free(child);
	uvmspace_free(vm);
	uvm_machine_shutdown();

	p = mmap(NULL, COW_BYTES, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || pipe(fds) != 0) {
		perror("mmap/pipe");
		exit(1);
	}
	(void)touch_linux(p, COW_BYTES, 1);
	pid = fork();
	if (pid == 0) {
		double t = touch_linux(p, COW_BYTES, 2);

		(void)write(fds[1], &t, sizeof(t));
		_exit(0);
	}
	if (read(fds[0], &peer, sizeof(peer)) != sizeof(peer))
		peer = 0;
	waitpid(pid, NULL, 0);
	munmap(p, COW_BYTES);
	close(fds[0]);
	close(fds[1]);
	printf("RESULT fault_cow_break_after_fork %.1f %.1f ns/page\n", ours,
	    peer);
}

/* The physical limits: memset and memcpy of a 4 KiB page. */
static void
limits(double *zero, double *copy)
{
	enum { N = 4096, PG = 4096 };
	unsigned char *a = aligned_alloc(PG, (size_t)N * PG);
	unsigned char *b = aligned_alloc(PG, (size_t)N * PG);
	double t0;

	memset(a, 1, (size_t)N * PG);
	memset(b, 2, (size_t)N * PG);
	t0 = now_ns();
	for (int i = 0; i < N; i++)
		memset(a + (size_t)i * PG, 0, PG);
	*zero = (now_ns() - t0) / N;
	t0 = now_ns();
	for (int i = 0; i < N; i++)
		memcpy(b + (size_t)i * PG, a + (size_t)((i * 7) % N) * PG, PG);
	*copy = (now_ns() - t0) / N;
	if (a[5] + b[7] == 255)		/* keep the work observable */
		printf("#\n");
	free(a);
	free(b);
}

int
main(void)
{
	double z, c;

	zerofill();
	cow_break();
	limits(&z, &c);
	printf("RESULT page_memset %.1f %.1f ns/page\n", z, z);
	printf("RESULT page_memcpy %.1f %.1f ns/page\n", c, c);
	return 0;
}
