/*
 * b_map: uvm_map + uvm_unmap of one anonymous page in a map already
 * holding 1k, 10k and 100k entries, against the host's mmap + munmap of
 * one page in this process while it holds the same number of mappings
 * (same run).  The resident entries are single read-write pages with
 * one-page holes between them, so neither side can merge them away.
 *
 *  - map_unmap_1page_*: no hint, as a program's mmap(NULL, ...): each
 *    side places the page where its allocator likes (ours: first fit;
 *    Linux: top-down).  The page is read-only so that it merges with
 *    nothing: one entry in, one entry out.
 *  - map_unmap_1page_scattered_*: the hint walks over the whole address
 *    space, so each pair lands in a different, cache-cold hole and (being
 *    read-write) merges with both neighbours and is clipped out again
 *    (Linux merges adjacent anonymous VMAs the same way).
 *
 * Times are the thread's CPU time (CLOCK_THREAD_CPUTIME_ID: the host's
 * system time included), which other load on the machine does not
 * inflate.
 *
 * Linux limits a process to vm.max_map_count mappings (65530 by
 * default): when the count does not fit, the peer is measured with as
 * many as fit and a NOTE line says so.
 *
 * Prints RESULT lines: ns per map+unmap pair, ours then the peer's; the
 * ratio of our cost at 100k to our cost at 1k; and the bytes of one map
 * entry.
 */
#include <uvm/uvm.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static double
bench_ours(int nentries, int iters, bool scattered)
{
	struct vm_map *map;
	vaddr_t base = 0x10000, va;
	vsize_t pg = PAGE_SIZE;
	uvm_flag_t fl = UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_RWX, UVM_INH_COPY,
	    UVM_ADV_NORMAL, UVM_FLAG_COPYONW);
	uvm_flag_t nfl = scattered ? fl : UVM_MAPFLAG(UVM_PROT_R,
	    UVM_PROT_RWX, UVM_INH_COPY, UVM_ADV_NORMAL, UVM_FLAG_COPYONW);
	uint64_t t0, t1;
	const char *why;
	int i;

	map = uvm_map_create(pmap_create(), base,
	    base + (vsize_t)(4 * nentries + 1024) * pg, 0);
	for (i = 0; i < nentries; i++) {
		va = base + (vsize_t)(2 * i) * pg;
		if (uvm_map(map, &va, pg, NULL, UVM_UNKNOWN_OFFSET, 0,
		    fl | UVM_FLAG_FIXED) != 0) {
			fprintf(stderr, "b_map: cannot fill the map\n");
			exit(1);
		}
	}
	for (i = 0; i < 1000; i++) {			/* warm up */
		va = base;
		(void)uvm_map(map, &va, pg, NULL, UVM_UNKNOWN_OFFSET, 0, nfl);
		uvm_unmap(map, va, va + pg);
	}
	t0 = now_ns();
	for (i = 0; i < iters; i++) {
		va = scattered ? base + (vsize_t)(2 * (i % nentries)) * pg : 0;
		if (uvm_map(map, &va, pg, NULL, UVM_UNKNOWN_OFFSET, 0,
		    nfl) != 0) {
			fprintf(stderr, "b_map: uvm_map failed\n");
			exit(1);
		}
		uvm_unmap(map, va, va + pg);
	}
	t1 = now_ns();
	if ((why = uvm_map_check(map)) != NULL || map->nentries != nentries) {
		fprintf(stderr, "b_map: map damaged: %s\n",
		    why != NULL ? why : "entry count");
		exit(1);
	}
	uvm_map_deallocate(map);
	return (double)(t1 - t0) / iters;
}

static long
host_map_limit(void)
{
	FILE *f = fopen("/proc/sys/vm/max_map_count", "r");
	long n = 65530;

	if (f != NULL) {
		if (fscanf(f, "%ld", &n) != 1)
			n = 65530;
		fclose(f);
	}
	return n;
}

static double
bench_peer(int nentries, int iters, bool scattered)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	size_t len = (size_t)(2 * nentries + 2) * pg;
	uint64_t t0, t1;
	char *region, *p;
	int i;

	/* One region, every other page unmapped: nentries mappings. */
	region = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED) {
		perror("b_map: mmap");
		exit(1);
	}
	for (i = 0; i <= nentries; i++)
		munmap(region + (size_t)(2 * i + 1) * pg, pg);
	for (i = 0; i < 1000; i++) {			/* warm up */
		p = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
		munmap(p, pg);
	}
	t0 = now_ns();
	for (i = 0; i < iters; i++) {
		/* Scattered: the hint puts it into a hole, as ours does. */
		p = mmap(scattered ?
		    region + (size_t)(2 * (i % nentries) + 1) * pg : NULL, pg,
		    scattered ? PROT_READ | PROT_WRITE : PROT_READ,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			perror("b_map: mmap");
			exit(1);
		}
		munmap(p, pg);
	}
	t1 = now_ns();
	munmap(region, len);
	return (double)(t1 - t0) / iters;
}

int
main(void)
{
	static const int counts[] = { 1000, 10000, 100000 };
	static const char *const kind[] = { "", "scattered_" };
	struct uvm_machine m;
	double ours[2][3], peer;
	long limit = host_map_limit();
	int iters = 200000;

	uvm_machine_defaults(&m);
	m.m_quiet = true;
	if (uvm_machine_boot(&m) != 0) {
		fprintf(stderr, "b_map: cannot boot a machine\n");
		return 1;
	}
	for (int sc = 0; sc < 2; sc++) {
		for (int k = 0; k < 3; k++) {
			int n = counts[k], pn = n;

			ours[sc][k] = bench_ours(n, iters, sc);
			if (pn > limit - 1000) {
				pn = (int)(limit - 1000);
				printf("NOTE map_%s%dk: vm.max_map_count is %ld:"
				    " the peer holds %d mappings\n", kind[sc],
				    n / 1000, limit, pn);
			}
			peer = bench_peer(pn, iters, sc);
			printf("RESULT map_unmap_1page_%s%dk_entries %.1f %.1f "
			    "ns\n", kind[sc], n / 1000, ours[sc][k], peer);
		}
	}
	printf("RESULT map_cost_100k_over_1k %.2f 2.00 ratio\n",
	    ours[0][2] / ours[0][0]);
	printf("RESULT map_cost_scattered_100k_over_1k %.2f 2.00 ratio\n",
	    ours[1][2] / ours[1][0]);
	printf("RESULT map_entry_size %zu 128 bytes\n",
	    sizeof(struct vm_map_entry));
	uvm_machine_shutdown();
	return 0;
}
