/*
 * b_file: sequential reads of a large file, ours beside native Linux.
 *
 *	mmap_warm	the file mapped (uvm_map of the vnode, a fresh
 *			address space each pass) and copied out 64 KiB at
 *			a time through copyin_vmspace, its pages resident
 *			in the vnode's object, vs Linux mmap + memcpy of
 *			the file in the page cache
 *	mmap_cold	the same with nothing cached: a fresh vnode (its
 *			pages read from the host file by the vnode pager,
 *			with read-ahead) and the host page cache dropped
 *			(posix_fadvise DONTNEED), vs Linux mmap + memcpy
 *			after the same DONTNEED
 *	read_warm	vn_read (ubc_uiomove) 64 KiB at a time, pages
 *			resident, vs read(2) of the cached file
 *	read_cold	vn_read on a fresh vnode after DONTNEED vs read(2)
 *			after DONTNEED
 *	mmap_msync	the file mapped shared and writable, every byte
 *			rewritten through copyout_vmspace 64 KiB at a time,
 *			then uvm_map_clean(PGO_CLEANIT | PGO_SYNCIO) (one
 *			host write per run of 64 dirty pages) and
 *			vn_fsync, vs Linux mmap + memcpy + msync(MS_SYNC);
 *			the host file's bytes are checked after each side
 *
 * The machine's memory is warmed first, as b_fault does.
 * "Cold" on the host depends on the disk under the current directory
 * (on tmpfs DONTNEED drops nothing, and both sides read memory).
 * The file is 256 MiB; the environment variable B_FILE_MIB sets
 * another size (the 1 GiB: B_FILE_MIB=1024).
 * Figures are MB/s (10^6 bytes); higher is better.  Every pass sums a
 * byte per page so that nothing can be skipped, and the sums of the two
 * sides must agree.
 */
#include <sys/mman.h>

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

#define CHUNK		((size_t)64 << 10)
#define PATH		"b_file.dat"

static char chunk[CHUNK];
static size_t FILE_BYTES = (size_t)256 << 20;	/* B_FILE_MIB overrides */

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t
sum_chunk(const char *p, size_t len)
{
	uint64_t s = 0;

	for (size_t i = 0; i < len; i += 4096)
		s += (unsigned char)p[i] + (unsigned char)p[len - 1 - i];
	return s;
}

static void
host_drop_cache(void)
{
	int fd = open(PATH, O_RDONLY);

	if (fd < 0) {
		perror(PATH);
		exit(1);
	}
	fdatasync(fd);
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	close(fd);
}

static void
make_file(void)
{
	int fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0) {
		perror(PATH);
		exit(1);
	}
	for (size_t off = 0; off < FILE_BYTES; off += CHUNK) {
		for (size_t i = 0; i < CHUNK; i += 512)
			chunk[i] = (char)((off + i) / 512 * 7 + 1);
		if (write(fd, chunk, CHUNK) != (ssize_t)CHUNK) {
			perror("write");
			exit(1);
		}
	}
	fsync(fd);
	close(fd);
}

/* ---- ours ---- */

static double
ours_mmap(struct vnode *vp, uint64_t *sump)
{
	struct vmspace *vm;
	vaddr_t va = 0;
	uint64_t sum = 0;
	double t0, t;

	vm = uvmspace_alloc(VM_MIN_ADDRESS, VM_MAXUSER_ADDRESS, false);
	vref(vp);
	if (uvm_map(&vm->vm_map, &va, FILE_BYTES, &vp->v_uobj, 0, 0,
	    UVM_MAPFLAG(UVM_PROT_READ, UVM_PROT_READ, UVM_INH_SHARE,
	    UVM_ADV_NORMAL, 0)) != 0) {
		fprintf(stderr, "b_file: uvm_map failed\n");
		exit(1);
	}
	t0 = now_s();
	for (size_t off = 0; off < FILE_BYTES; off += CHUNK) {
		if (copyin_vmspace(vm, (void *)(va + off), chunk, CHUNK) != 0) {
			fprintf(stderr, "b_file: copyin at %zu failed\n", off);
			exit(1);
		}
		sum += sum_chunk(chunk, CHUNK);
	}
	t = now_s() - t0;
	uvmspace_free(vm);
	*sump = sum;
	return t;
}

static double
ours_read(struct vnode *vp, uint64_t *sump)
{
	uint64_t sum = 0;
	double t0 = now_s();

	for (size_t off = 0; off < FILE_BYTES; off += CHUNK) {
		struct iovec iov = { .iov_base = chunk, .iov_len = CHUNK };
		struct uio uio = {
			.uio_iov = &iov, .uio_iovcnt = 1,
			.uio_offset = (off_t)off, .uio_resid = CHUNK,
			.uio_rw = UIO_READ, .uio_vmspace = NULL,
		};

		if (vn_read(vp, &uio, 0) != 0 || uio.uio_resid != 0) {
			fprintf(stderr, "b_file: vn_read at %zu failed\n", off);
			exit(1);
		}
		sum += sum_chunk(chunk, CHUNK);
	}
	*sump = sum;
	return now_s() - t0;
}

static struct vnode *
fresh_vnode(bool drop)
{
	struct vnode *vp;

	if (drop)
		host_drop_cache();
	if (vn_open(PATH, VN_READ, &vp) != 0) {
		fprintf(stderr, "b_file: vn_open failed\n");
		exit(1);
	}
	return vp;
}

/* The chunk at off as the write passes leave it. */
static void
fill_chunk(size_t off)
{
	for (size_t i = 0; i < CHUNK; i++)
		chunk[i] = (char)((off + i) / 512 * 5 + 3);
}

/* A byte per page of the host file, as sum_chunk sums. */
static uint64_t
host_sum(void)
{
	int fd = open(PATH, O_RDONLY);
	uint64_t sum = 0;

	if (fd < 0) {
		perror(PATH);
		exit(1);
	}
	for (size_t off = 0; off < FILE_BYTES; off += CHUNK) {
		if (pread(fd, chunk, CHUNK, (off_t)off) != (ssize_t)CHUNK) {
			perror("pread");
			exit(1);
		}
		sum += sum_chunk(chunk, CHUNK);
	}
	close(fd);
	return sum;
}

static double
ours_msync(struct vnode *vp)
{
	struct vmspace *vm;
	vaddr_t va = 0;
	double t0, t;

	vm = uvmspace_alloc(VM_MIN_ADDRESS, VM_MAXUSER_ADDRESS, false);
	vref(vp);
	if (uvm_map(&vm->vm_map, &va, FILE_BYTES, &vp->v_uobj, 0, 0,
	    UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_RW, UVM_INH_SHARE,
	    UVM_ADV_NORMAL, 0)) != 0) {
		fprintf(stderr, "b_file: uvm_map failed\n");
		exit(1);
	}
	t0 = now_s();
	for (size_t off = 0; off < FILE_BYTES; off += CHUNK) {
		fill_chunk(off);
		if (copyout_vmspace(vm, chunk, (void *)(va + off), CHUNK) !=
		    0) {
			fprintf(stderr, "b_file: copyout at %zu failed\n", off);
			exit(1);
		}
	}
	if (uvm_map_clean(&vm->vm_map, va, va + FILE_BYTES,
	    PGO_CLEANIT | PGO_SYNCIO) != 0) {
		fprintf(stderr, "b_file: uvm_map_clean failed\n");
		exit(1);
	}
	/* Durable, as MS_SYNC is: the host file flushed too. */
	if (vn_fsync(vp) != 0) {
		fprintf(stderr, "b_file: vn_fsync failed\n");
		exit(1);
	}
	t = now_s() - t0;
	uvmspace_free(vm);
	return t;
}

/* ---- Linux ---- */

static double
linux_mmap(uint64_t *sump)
{
	int fd = open(PATH, O_RDONLY);
	uint64_t sum = 0;
	char *p;
	double t0, t;

	t0 = now_s();
	p = mmap(NULL, FILE_BYTES, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	for (size_t off = 0; off < FILE_BYTES; off += CHUNK) {
		memcpy(chunk, p + off, CHUNK);
		sum += sum_chunk(chunk, CHUNK);
	}
	munmap(p, FILE_BYTES);
	t = now_s() - t0;
	close(fd);
	*sump = sum;
	return t;
}

static double
linux_read(uint64_t *sump)
{
	int fd = open(PATH, O_RDONLY);
	uint64_t sum = 0;
	double t0, t;

	t0 = now_s();
	for (size_t off = 0; off < FILE_BYTES; off += CHUNK) {
		if (read(fd, chunk, CHUNK) != (ssize_t)CHUNK) {
			perror("read");
			exit(1);
		}
		sum += sum_chunk(chunk, CHUNK);
	}
	t = now_s() - t0;
	close(fd);
	*sump = sum;
	return t;
}

static double
linux_msync(void)
{
	int fd = open(PATH, O_RDWR);
	char *p;
	double t0, t;

	t0 = now_s();
	p = mmap(NULL, FILE_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	for (size_t off = 0; off < FILE_BYTES; off += CHUNK) {
		fill_chunk(off);
		memcpy(p + off, chunk, CHUNK);
	}
	if (msync(p, FILE_BYTES, MS_SYNC) != 0) {
		perror("msync");
		exit(1);
	}
	munmap(p, FILE_BYTES);
	t = now_s() - t0;
	close(fd);
	return t;
}

static double
mbs(double secs)
{
	return (double)FILE_BYTES / 1e6 / secs;
}

static void
result(const char *name, double ours, double peer, uint64_t so, uint64_t sp)
{
	if (so != sp) {
		fprintf(stderr, "b_file: %s: sums differ (%ju vs %ju)\n", name,
		    (uintmax_t)so, (uintmax_t)sp);
		exit(1);
	}
	printf("RESULT %s %.0f %.0f MB/s\n", name, mbs(ours), mbs(peer));
	printf("# %s: ours/linux = %.2f\n", name, peer / ours);
}

int
main(void)
{
	struct uvm_machine m;
	struct vnode *vp;
	uint64_t so, sp;
	double t_ours, t_peer;

	if (getenv("B_FILE_MIB") != NULL && atoi(getenv("B_FILE_MIB")) > 0)
		FILE_BYTES = (size_t)atoi(getenv("B_FILE_MIB")) << 20;
	make_file();
	uvm_machine_defaults(&m);
	m.m_ramsize = FILE_BYTES + ((psize_t)128 << 20);
	m.m_quiet = true;
	if (uvm_machine_boot(&m) != 0) {
		fprintf(stderr, "b_file: boot failed\n");
		return 1;
	}
	warm_arena();
	printf("# b_file: %zu MiB file, %zu KiB chunks, %d-byte pages\n",
	    FILE_BYTES >> 20, CHUNK >> 10, uvmexp.pagesize);

	/*
	 * Settle the host first: the file was just written, and the first
	 * cold pass after that pays for its writeback and the file
	 * system's first-time work (a measured 5-20x penalty on whichever
	 * side went first).
	 */
	host_drop_cache();
	(void)linux_read(&sp);

	/* Cold: nothing cached on either side. */
	vp = fresh_vnode(true);
	t_ours = ours_mmap(vp, &so);
	printf("# mmap_cold: %lu read I/Os, %lu pages\n", vp->v_nreadio,
	    vp->v_npagesread);
	/* Warm: the vnode's pages resident, a fresh mapping. */
	{
		uint64_t s2;
		double t2 = ours_mmap(vp, &s2);

		host_drop_cache();
		t_peer = linux_mmap(&sp);
		result("mmap_cold", t_ours, t_peer, so, sp);
		t_peer = linux_mmap(&sp);
		result("mmap_warm", t2, t_peer, s2, sp);
	}
	vrele(vp);

	vp = fresh_vnode(true);
	t_ours = ours_read(vp, &so);
	printf("# read_cold: %lu read I/Os, %lu pages\n", vp->v_nreadio,
	    vp->v_npagesread);
	{
		uint64_t s2;
		double t2 = ours_read(vp, &s2);

		host_drop_cache();
		t_peer = linux_read(&sp);
		result("read_cold", t_ours, t_peer, so, sp);
		t_peer = linux_read(&sp);
		result("read_warm", t2, t_peer, s2, sp);
	}
	vrele(vp);

	/* Writeback: a warm vnode rewritten through a mapping, synced. */
	if (vn_open(PATH, VN_READ | VN_WRITE, &vp) != 0) {
		fprintf(stderr, "b_file: vn_open failed\n");
		exit(1);
	}
	(void)ours_read(vp, &so);
	{
		unsigned long io0 = vp->v_nwriteio;
		unsigned long pg0 = vp->v_npageswritten;

		t_ours = ours_msync(vp);
		so = host_sum();
		printf("# mmap_msync: %lu write I/Os, %lu pages\n",
		    vp->v_nwriteio - io0, vp->v_npageswritten - pg0);
	}
	vrele(vp);
	make_file();
	(void)linux_read(&sp);
	t_peer = linux_msync();
	sp = host_sum();
	result("mmap_msync", t_ours, t_peer, so, sp);

	uvm_machine_shutdown();
	unlink(PATH);
	return 0;
}
