/*
 * b_paging: paging throughput with a working set of twice the machine's
 * RAM (32 MiB of RAM, 64 MiB of anonymous memory, 160 MiB of swap in a
 * file of the current directory), run twice: with a stepped pagedaemon
 * (the plain names) and with a threaded one (the pagedaemon thread and
 * the I/O threads: names ending in _threaded), against the same peers.
 * "b_paging stepped" or "b_paging threaded" runs that machine alone
 * and prints only its comments (for profiling).
 *
 *	paging_fill_swapout	first write of every page (zero-fill, and
 *				the daemon pushes the older pages to swap),
 *				timed once memory is full: the first RAM's
 *				worth of pages is written untimed, then
 *				every page written displaces one.  MB/s
 *				written to swap in the timed part, vs dd
 *				writing a file of the working set's size
 *				on the same filesystem (the whole fill's
 *				rate is printed as a comment)
 *	paging_seq_swapin	sequential read of every page, the second
 *				such sweep (each fault reads its page and
 *				read-ahead neighbours in; every page the
 *				daemon evicts has a good copy in swap):
 *				MB/s read from swap, vs dd reading that
 *				file back
 *	paging_seq_pages	the first sweep (which also pushes out the
 *				dirty pages the fill left) in pages/s, vs
 *				one 4 KiB pread per page of the dd file
 *				(the I/O a perfect pager would do: the
 *				pages it evicts have a clean copy in swap)
 *	paging_random_pages	reads at random pages, pages/s, vs a 4 KiB
 *				pread at random pages of the dd file
 *	paging_seq_swapin_cold	paging_seq_swapin again with the swap
 *				file out of the host's page cache (synced,
 *				then POSIX_FADV_DONTNEED), vs dd reading its
 *				file cold the same way
 *
 * Swap bandwidth is bytes moved to or from swap (uvmexp.pgswapout,
 * pgswapin) per second of the phase; the phase's other I/O direction
 * (a sweep also pushes dirty pages out) is printed as a comment.  Each
 * machine runs NREP times and each peer NREP times; a RESULT is the
 * median of the rates (a phase is tens of milliseconds, and the host is
 * shared).  The
 * arena is warmed first (bench.h) so the host's first touch of
 * physical memory is not counted.  dd runs through system() in the
 * same run, in 64 KiB blocks (the pagedaemon writes clusters of up to
 * 64 pages; a fault reads its page with its read-ahead neighbours, up
 * to 16 pages), on the same filesystem, its file the working set's
 * size; the warm lines read what was just written (in the host's page
 * cache, as the swap file is).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#undef MADV_FREE
#include <uvm/uvm.h>

#include "bench.h"

#define RAM		((psize_t)32 << 20)
#define WSET		((size_t)64 << 20)
#define SWAP		((off_t)160 << 20)
#define UMIN		((vaddr_t)0x10000)
#define UMAX		((vaddr_t)0x40000000)
#define UVA		((vaddr_t)0x10000000)
#define SWAPFILE	"b_paging.swap"
#define DDFILE		"b_paging.dd"
#define NRANDOM		8192
#define NREP		5

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rng = 88172645463325252ull;

static uint64_t
xorshift(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Write the file back and drop it from the host's page cache. */
static void
drop_cache(const char *path)
{
	int fd = open(path, O_RDWR);

	if (fd < 0 || fdatasync(fd) != 0 ||
	    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) != 0) {
		fprintf(stderr, "b_paging: cannot drop %s from the cache\n",
		    path);
		exit(1);
	}
	close(fd);
}

/* A sequential read of every page (checked); seconds. */
static double
sweep(struct vmspace *vm, vaddr_t va, size_t npg)
{
	static unsigned char buf[4096];
	double t0 = now_s();

	for (size_t i = 0; i < npg; i++) {
		if (copyin_vmspace(vm, (void *)(va + i * 4096), buf,
		    sizeof(buf)) != 0 || buf[100] != (unsigned char)(i & 0xff))
			exit(1);
	}
	return now_s() - t0;
}

static double
dd_seconds(const char *cmd)
{
	double t0 = now_s();

	if (system(cmd) != 0) {
		fprintf(stderr, "b_paging: \"%s\" failed\n", cmd);
		exit(1);
	}
	return now_s() - t0;
}

/* One run's rates (MB/s, pages/s). */
struct phase {
	double	fill, seqin, coldin, seqpages, randpages;
};

/* One machine with the pagedaemon in mode: the five phases; 0 or 1. */
static int
run(int mode, const char *tag, struct phase *ph)
{
	struct uvm_machine m;
	struct vmspace *vm;
	vaddr_t va = UVA;
	size_t npg = WSET / 4096;
	static unsigned char buf[4096];
	double t0 = 0, tfill, tall, tseq1, tseq, trand, tcold;
	unsigned long nw0;
	int out0 = 0, in0, io0, outall;

	rng = 88172645463325252ull;
	unlink(SWAPFILE);
	uvm_machine_defaults(&m);
	m.m_ramsize = RAM;
	m.m_quiet = true;
	m.m_daemon = mode;
	m.m_nswap = 1;
	m.m_swap[0].sw_path = SWAPFILE;
	m.m_swap[0].sw_size = SWAP;
	if (uvm_machine_boot(&m) != 0)
		return 1;
	warm_arena();
	vm = uvmspace_alloc(UMIN, UMAX, false);
	if (uvm_map(&vm->vm_map, &va, WSET, NULL, UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_ALL, UVM_INH_COPY,
	    UVM_ADV_NORMAL, UVM_FLAG_FIXED | UVM_FLAG_COPYONW)) != 0)
		return 1;

	/*
	 * Fill: every page written once; the part after the first RAM's
	 * worth of pages (memory full: each page written displaces one)
	 * is timed.
	 */
	outall = uvmexp.pgswapout;
	tall = now_s();
	for (size_t i = 0; i < npg; i++) {
		if (i == RAM / 4096) {
			out0 = uvmexp.pgswapout;
			t0 = now_s();
		}
		memset(buf, (int)(i & 0xff), sizeof(buf));
		if (copyout_vmspace(vm, buf, (void *)(va + i * 4096),
		    sizeof(buf)) != 0)
			return 1;
	}
	tfill = now_s() - t0;
	tall = now_s() - tall;
	ph->fill = (double)(uvmexp.pgswapout - out0) * 4096 / 1e6 / tfill;

	printf("# %s fill: %d pages out in %lu writes, %.3f s (%.0f MB/s);"
	    " once memory is full %d pages out, %.3f s (%.0f MB/s)\n", tag,
	    uvmexp.pgswapout - outall, uvm_swap_nwrites, tall,
	    (double)(uvmexp.pgswapout - outall) * 4096 / 1e6 / tall,
	    uvmexp.pgswapout - out0, tfill, ph->fill);

	/*
	 * Sequential sweeps: every page read (and checked).  The first
	 * also pushes out the dirty pages the fill left resident; in the
	 * second every page evicted is clean (its swap copy is good), so
	 * it only reads.
	 */
	in0 = uvmexp.pgswapin;
	io0 = uvmexp.pageins;
	out0 = uvmexp.pgswapout;
	nw0 = uvm_swap_nwrites;
	tseq1 = sweep(vm, va, npg);
	ph->seqpages = (double)npg / tseq1;
	printf("# %s seq 1: %d pages in with %d reads, %d pages out in %lu"
	    " writes, %.3f s\n", tag, uvmexp.pgswapin - in0,
	    uvmexp.pageins - io0, uvmexp.pgswapout - out0,
	    uvm_swap_nwrites - nw0, tseq1);
	in0 = uvmexp.pgswapin;
	io0 = uvmexp.pageins;
	out0 = uvmexp.pgswapout;
	tseq = sweep(vm, va, npg);
	ph->seqin = (double)(uvmexp.pgswapin - in0) * 4096 / 1e6 / tseq;
	printf("# %s seq 2: %d pages in with %d reads, %d pages out,"
	    " %.3f s\n", tag, uvmexp.pgswapin - in0, uvmexp.pageins - io0,
	    uvmexp.pgswapout - out0, tseq);

	/* Random reads. */
	in0 = uvmexp.pgswapin;
	io0 = uvmexp.pageins;
	t0 = now_s();
	for (int k = 0; k < NRANDOM; k++) {
		size_t i = (size_t)(xorshift() % npg);

		if (copyin_vmspace(vm, (void *)(va + i * 4096), buf, 64) != 0 ||
		    buf[10] != (unsigned char)(i & 0xff))
			return 1;
	}
	trand = now_s() - t0;
	ph->randpages = NRANDOM / trand;
	printf("# %s random: %d reads, %d pages in with %d reads, %.3f s\n",
	    tag, NRANDOM, uvmexp.pgswapin - in0, uvmexp.pageins - io0,
	    trand);

	/* The same sweep, the swap file out of the host's cache. */
	drop_cache(SWAPFILE);
	in0 = uvmexp.pgswapin;
	io0 = uvmexp.pageins;
	tcold = sweep(vm, va, npg);
	ph->coldin = (double)(uvmexp.pgswapin - in0) * 4096 / 1e6 / tcold;
	printf("# %s cold seq: %d pages in with %d reads, %.3f s\n", tag,
	    uvmexp.pgswapin - in0, uvmexp.pageins - io0, tcold);
	printf("# %s: pdwoke %d, pdfreed %d, fltnoram %d, pdpageouts %d\n",
	    tag, uvmexp.pdwoke, uvmexp.pdfreed, uvmexp.fltnoram,
	    uvmexp.pdpageouts);
	uvmspace_free(vm);
	uvm_machine_shutdown();
	unlink(SWAPFILE);
	return 0;
}

/* The peers' rates for one run (MB/s, pages/s), as struct phase. */
static int
peers(struct phase *pr)
{
	size_t npg = WSET / 4096;
	static unsigned char buf[4096];
	char cmd[256];
	double t0;
	int fd;

	unlink(DDFILE);
	snprintf(cmd, sizeof(cmd), "dd if=/dev/zero of=%s bs=64k count=%zu"
	    " status=none", DDFILE, WSET / 65536);
	pr->fill = (double)WSET / 1e6 / dd_seconds(cmd);
	snprintf(cmd, sizeof(cmd), "dd if=%s of=/dev/null bs=64k status=none",
	    DDFILE);
	pr->seqin = (double)WSET / 1e6 / dd_seconds(cmd);
	drop_cache(DDFILE);
	pr->coldin = (double)WSET / 1e6 / dd_seconds(cmd);
	fd = open(DDFILE, O_RDONLY);
	if (fd < 0)
		return 1;
	t0 = now_s();
	for (size_t i = 0; i < npg; i++) {
		if (pread(fd, buf, 4096, (off_t)(i * 4096)) != 4096)
			return 1;
	}
	pr->seqpages = (double)npg / (now_s() - t0);
	rng = 88172645463325252ull;
	t0 = now_s();
	for (int k = 0; k < NRANDOM; k++) {
		size_t i = (size_t)(xorshift() % npg);

		if (pread(fd, buf, 4096, (off_t)(i * 4096)) != 4096)
			return 1;
	}
	pr->randpages = NRANDOM / (now_s() - t0);
	close(fd);
	unlink(DDFILE);
	return 0;
}

/* The median of each rate over runs ph[0 .. NREP). */
static struct phase
phase_median(const struct phase *ph)
{
	struct phase m;
	double v[NREP];

#define MEDIAN_OF(f) do {						\
	for (int r = 0; r < NREP; r++)					\
		v[r] = ph[r].f;						\
	m.f = median(v, NREP);						\
} while (0)
	MEDIAN_OF(fill);
	MEDIAN_OF(seqin);
	MEDIAN_OF(coldin);
	MEDIAN_OF(seqpages);
	MEDIAN_OF(randpages);
#undef MEDIAN_OF
	return m;
}

static void
report(const char *sfx, const struct phase *ph, const struct phase *pr)
{
	printf("RESULT paging_fill_swapout%s %.1f %.1f MB/s\n", sfx,
	    ph->fill, pr->fill);
	printf("RESULT paging_seq_swapin%s %.1f %.1f MB/s\n", sfx,
	    ph->seqin, pr->seqin);
	printf("RESULT paging_seq_swapin_cold%s %.1f %.1f MB/s\n", sfx,
	    ph->coldin, pr->coldin);
	printf("RESULT paging_seq_pages%s %.0f %.0f pages/s\n", sfx,
	    ph->seqpages, pr->seqpages);
	printf("RESULT paging_random_pages%s %.0f %.0f pages/s\n", sfx,
	    ph->randpages, pr->randpages);
}

int
main(int argc, char **argv)
{
	struct phase st[NREP], th[NREP], pr[NREP], mst, mth, mpr;

	/* "b_paging stepped|threaded": that machine alone, no RESULT. */
	if (argc > 1)
		return run(strcmp(argv[1], "stepped") == 0 ?
		    UVM_DAEMON_STEPPED : UVM_DAEMON_THREADED, argv[1], &st[0]);
	for (int r = 0; r < NREP; r++) {
		if (run(UVM_DAEMON_STEPPED, "stepped", &st[r]) != 0 ||
		    run(UVM_DAEMON_THREADED, "threaded", &th[r]) != 0 ||
		    peers(&pr[r]) != 0)
			return 1;
	}
	mst = phase_median(st);
	mth = phase_median(th);
	mpr = phase_median(pr);
	report("", &mst, &mpr);
	report("_threaded", &mth, &mpr);
	return 0;
}
