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
 *				the daemon pushes the older pages to swap):
 *				MB/s written to swap, vs dd writing a file
 *				of the working set's size on the same
 *				filesystem
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
 * (a sweep also pushes dirty pages out) is printed as a comment.  The
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

struct phase {
	double	tfill, tseq1, tseq, trand, tcold;
	double	mbout, mbin, mbcold;
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
	double t0;
	unsigned long nw0;
	int out0, in0, io0;

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

	/* Fill: every page written once. */
	out0 = uvmexp.pgswapout;
	t0 = now_s();
	for (size_t i = 0; i < npg; i++) {
		memset(buf, (int)(i & 0xff), sizeof(buf));
		if (copyout_vmspace(vm, buf, (void *)(va + i * 4096),
		    sizeof(buf)) != 0)
			return 1;
	}
	ph->tfill = now_s() - t0;
	ph->mbout = (double)(uvmexp.pgswapout - out0) * 4096 / 1e6;

	printf("# %s fill: %d pages out in %lu writes, %.3f s\n", tag,
	    uvmexp.pgswapout - out0, uvm_swap_nwrites, ph->tfill);

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
	ph->tseq1 = sweep(vm, va, npg);
	printf("# %s seq 1: %d pages in with %d reads, %d pages out in %lu"
	    " writes, %.3f s\n", tag, uvmexp.pgswapin - in0,
	    uvmexp.pageins - io0, uvmexp.pgswapout - out0,
	    uvm_swap_nwrites - nw0, ph->tseq1);
	in0 = uvmexp.pgswapin;
	io0 = uvmexp.pageins;
	out0 = uvmexp.pgswapout;
	ph->tseq = sweep(vm, va, npg);
	ph->mbin = (double)(uvmexp.pgswapin - in0) * 4096 / 1e6;
	printf("# %s seq 2: %d pages in with %d reads, %d pages out,"
	    " %.3f s\n", tag, uvmexp.pgswapin - in0, uvmexp.pageins - io0,
	    uvmexp.pgswapout - out0, ph->tseq);

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
	ph->trand = now_s() - t0;
	printf("# %s random: %d reads, %d pages in with %d reads, %.3f s\n",
	    tag, NRANDOM, uvmexp.pgswapin - in0, uvmexp.pageins - io0,
	    ph->trand);

	/* The same sweep, the swap file out of the host's cache. */
	drop_cache(SWAPFILE);
	in0 = uvmexp.pgswapin;
	io0 = uvmexp.pageins;
	ph->tcold = sweep(vm, va, npg);
	ph->mbcold = (double)(uvmexp.pgswapin - in0) * 4096 / 1e6;
	printf("# %s cold seq: %d pages in with %d reads, %.3f s\n", tag,
	    uvmexp.pgswapin - in0, uvmexp.pageins - io0, ph->tcold);
	printf("# %s: pdwoke %d, pdfreed %d, fltnoram %d, pdpageouts %d\n",
	    tag, uvmexp.pdwoke, uvmexp.pdfreed, uvmexp.fltnoram,
	    uvmexp.pdpageouts);
	uvmspace_free(vm);
	uvm_machine_shutdown();
	unlink(SWAPFILE);
	return 0;
}

static void
report(const char *sfx, const struct phase *ph, size_t npg, double ddw,
    double ddr, double ddcold, double peerseq, double peerrand)
{
	printf("RESULT paging_fill_swapout%s %.1f %.1f MB/s\n", sfx,
	    ph->mbout / ph->tfill, (double)WSET / 1e6 / ddw);
	printf("RESULT paging_seq_swapin%s %.1f %.1f MB/s\n", sfx,
	    ph->mbin / ph->tseq, (double)WSET / 1e6 / ddr);
	printf("RESULT paging_seq_swapin_cold%s %.1f %.1f MB/s\n", sfx,
	    ph->mbcold / ph->tcold, (double)WSET / 1e6 / ddcold);
	printf("RESULT paging_seq_pages%s %.0f %.0f pages/s\n", sfx,
	    (double)npg / ph->tseq1, (double)npg / peerseq);
	printf("RESULT paging_random_pages%s %.0f %.0f pages/s\n", sfx,
	    NRANDOM / ph->trand, NRANDOM / peerrand);
}

int
main(int argc, char **argv)
{
	struct phase st, th;
	size_t npg = WSET / 4096;
	static unsigned char buf[4096];
	char cmd[256];
	double t0, ddw, ddr, ddcold, peerseq, peerrand;
	int fd;

	/* "b_paging stepped|threaded": that machine alone, no RESULT. */
	if (argc > 1)
		return run(strcmp(argv[1], "stepped") == 0 ?
		    UVM_DAEMON_STEPPED : UVM_DAEMON_THREADED, argv[1], &st);
	if (run(UVM_DAEMON_STEPPED, "stepped", &st) != 0 ||
	    run(UVM_DAEMON_THREADED, "threaded", &th) != 0)
		return 1;

	/* The peers: dd on the same filesystem, then 4 KiB host I/O. */
	unlink(DDFILE);
	snprintf(cmd, sizeof(cmd), "dd if=/dev/zero of=%s bs=64k count=%zu"
	    " status=none", DDFILE, WSET / 65536);
	ddw = dd_seconds(cmd);
	snprintf(cmd, sizeof(cmd), "dd if=%s of=/dev/null bs=64k status=none",
	    DDFILE);
	ddr = dd_seconds(cmd);
	drop_cache(DDFILE);
	ddcold = dd_seconds(cmd);
	fd = open(DDFILE, O_RDONLY);
	if (fd < 0)
		return 1;
	t0 = now_s();
	for (size_t i = 0; i < npg; i++) {
		if (pread(fd, buf, 4096, (off_t)(i * 4096)) != 4096)
			return 1;
	}
	peerseq = now_s() - t0;
	t0 = now_s();
	for (int k = 0; k < NRANDOM; k++) {
		size_t i = (size_t)(xorshift() % npg);

		if (pread(fd, buf, 4096, (off_t)(i * 4096)) != 4096)
			return 1;
	}
	peerrand = now_s() - t0;
	close(fd);
	unlink(DDFILE);

	report("", &st, npg, ddw, ddr, ddcold, peerseq, peerrand);
	report("_threaded", &th, npg, ddw, ddr, ddcold, peerseq, peerrand);
	return 0;
}
