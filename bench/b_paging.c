/*
 * b_paging: paging throughput with a working set of twice the machine's
 * RAM (32 MiB of RAM, 64 MiB of anonymous memory, 160 MiB of swap in a
 * file of the current directory), stepped pagedaemon.
 *
 *	paging_fill_swapout	first write of every page (zero-fill, and
 *				the daemon pushes the older pages to swap):
 *				MB/s written to swap, vs dd writing a file
 *				of the working set's size on the same
 *				filesystem
 *	paging_seq_swapin	sequential read of every page (each fault
 *				reads a page in and the daemon pages others
 *				out): MB/s read from swap, vs dd reading
 *				that file back
 *	paging_seq_pages	the same sweep in pages/s, vs one 4 KiB
 *				pread plus one pwrite per page on the dd
 *				file (the I/O a perfect pager would do)
 *	paging_random_pages	4 KiB reads at random pages, pages/s, vs
 *				random pread+pwrite on the dd file
 *
 * dd runs through system() in the same run, with the same block sizes
 * the pagedaemon uses at most (64 KiB clusters).
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

int
main(void)
{
	struct uvm_machine m;
	struct vmspace *vm;
	vaddr_t va = UVA;
	size_t npg = WSET / 4096;
	static unsigned char buf[4096];
	char cmd[256];
	double t0, tfill, tseq, trand, ddw, ddr, peerseq, peerrand;
	double mbout, mbin;
	int out0, in0, fd;

	unlink(SWAPFILE);
	uvm_machine_defaults(&m);
	m.m_ramsize = RAM;
	m.m_quiet = true;
	m.m_daemon = UVM_DAEMON_STEPPED;
	m.m_nswap = 1;
	m.m_swap[0].sw_path = SWAPFILE;
	m.m_swap[0].sw_size = SWAP;
	if (uvm_machine_boot(&m) != 0)
		return 1;
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
	tfill = now_s() - t0;
	mbout = (double)(uvmexp.pgswapout - out0) * 4096 / 1e6;

	/* Sequential sweep: every page read (and checked). */
	in0 = uvmexp.pgswapin;
	t0 = now_s();
	for (size_t i = 0; i < npg; i++) {
		if (copyin_vmspace(vm, (void *)(va + i * 4096), buf,
		    sizeof(buf)) != 0 || buf[100] != (unsigned char)(i & 0xff))
			return 1;
	}
	tseq = now_s() - t0;
	mbin = (double)(uvmexp.pgswapin - in0) * 4096 / 1e6;

	/* Random reads. */
	t0 = now_s();
	for (int k = 0; k < NRANDOM; k++) {
		size_t i = (size_t)(xorshift() % npg);

		if (copyin_vmspace(vm, (void *)(va + i * 4096), buf, 64) != 0 ||
		    buf[10] != (unsigned char)(i & 0xff))
			return 1;
	}
	trand = now_s() - t0;
	uvmspace_free(vm);
	uvm_machine_shutdown();
	unlink(SWAPFILE);

	/* The peers: dd on the same filesystem, then 4 KiB host I/O. */
	unlink(DDFILE);
	snprintf(cmd, sizeof(cmd), "dd if=/dev/zero of=%s bs=64k count=%zu"
	    " status=none", DDFILE, WSET / 65536);
	ddw = dd_seconds(cmd);
	snprintf(cmd, sizeof(cmd), "dd if=%s of=/dev/null bs=64k status=none",
	    DDFILE);
	ddr = dd_seconds(cmd);
	fd = open(DDFILE, O_RDWR);
	if (fd < 0)
		return 1;
	t0 = now_s();
	for (size_t i = 0; i < npg; i++) {
		if (pread(fd, buf, 4096, (off_t)(i * 4096)) != 4096 ||
		    pwrite(fd, buf, 4096, (off_t)(((i + npg / 2) % npg) * 4096))
		    != 4096)
			return 1;
	}
	peerseq = now_s() - t0;
	t0 = now_s();
	for (int k = 0; k < NRANDOM; k++) {
		size_t i = (size_t)(xorshift() % npg);
		size_t j = (size_t)(xorshift() % npg);

		if (pread(fd, buf, 4096, (off_t)(i * 4096)) != 4096 ||
		    pwrite(fd, buf, 4096, (off_t)(j * 4096)) != 4096)
			return 1;
	}
	peerrand = now_s() - t0;
	close(fd);
	unlink(DDFILE);

	printf("RESULT paging_fill_swapout %.1f %.1f MB/s\n", mbout / tfill,
	    (double)WSET / 1e6 / ddw);
	printf("RESULT paging_seq_swapin %.1f %.1f MB/s\n", mbin / tseq,
	    (double)WSET / 1e6 / ddr);
	printf("RESULT paging_seq_pages %.0f %.0f pages/s\n",
	    (double)npg / tseq, (double)npg / peerseq);
	printf("RESULT paging_random_pages %.0f %.0f pages/s\n",
	    NRANDOM / trand, NRANDOM / peerrand);
	return 0;
}
