/*
 * b_km: uvm_km_alloc + uvm_km_free of one wired page (VA from the kernel
 * map, a page from the free lists, pmap_kenter_pa, and all of it undone)
 * against the host's mmap + munmap of one page that is touched once (so
 * the host too allocates and frees a physical page), in the same run.
 *
 * Prints RESULT lines: ns per alloc+free pair, ours then the peer's.
 */
#include <uvm/uvm.h>

#include <stdio.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static double
bench_ours(int iters, uvm_flag_t flags)
{
	uvm_flag_t type = flags & UVM_KMF_TYPEMASK;
	uint64_t t0, t1;
	vaddr_t va;

	for (int i = 0; i < 1000; i++) {		/* warm up */
		va = uvm_km_alloc(kernel_map, PAGE_SIZE, 0, flags);
		uvm_km_free(kernel_map, va, PAGE_SIZE, type);
	}
	t0 = now_ns();
	for (int i = 0; i < iters; i++) {
		va = uvm_km_alloc(kernel_map, PAGE_SIZE, 0, flags);
		if (type == UVM_KMF_WIRED)
			*(volatile char *)va = (char)i;
		uvm_km_free(kernel_map, va, PAGE_SIZE, type);
	}
	t1 = now_ns();
	return (double)(t1 - t0) / iters;
}

static double
bench_peer(int iters)
{
	size_t pgsz = (size_t)sysconf(_SC_PAGESIZE);
	uint64_t t0, t1;
	void *p;

	for (int i = 0; i < 1000; i++) {
		p = mmap(NULL, pgsz, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		*(volatile char *)p = 1;
		munmap(p, pgsz);
	}
	t0 = now_ns();
	for (int i = 0; i < iters; i++) {
		p = mmap(NULL, pgsz, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			perror("mmap");
			return 0;
		}
		*(volatile char *)p = (char)i;
		munmap(p, pgsz);
	}
	t1 = now_ns();
	return (double)(t1 - t0) / iters;
}

int
main(void)
{
	struct uvm_machine m;
	const int iters = 20000;
	double ours, ourszero, vaonly, peer;

	uvm_machine_defaults(&m);
	m.m_quiet = true;
	if (uvm_machine_boot(&m) != 0) {
		fprintf(stderr, "b_km: cannot boot a machine\n");
		return 1;
	}
	ours = bench_ours(iters, UVM_KMF_WIRED);
	ourszero = bench_ours(iters, UVM_KMF_WIRED | UVM_KMF_ZERO);
	vaonly = bench_ours(iters, UVM_KMF_VAONLY);
	peer = bench_peer(iters);
	uvm_machine_shutdown();
	printf("RESULT km_alloc_free_wired_page %.1f %.1f ns\n", ours, peer);
	printf("RESULT km_alloc_free_wired_zero_page %.1f %.1f ns\n", ourszero,
	    peer);
	/* VA only: the map work alone, against the same peer. */
	printf("RESULT km_alloc_free_vaonly_page %.1f %.1f ns\n", vaonly, peer);
	return 0;
}
