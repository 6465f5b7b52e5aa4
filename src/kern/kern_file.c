/*
 * kern_file.c: host files as backing store (swap devices, vnodes).
 *
 * Every transfer is whole: short reads and writes are retried, a read
 * past end of file returns zeroes for the missing part.  Errors are the
 * host's errno values; injected faults (KFI_IO_READ, KFI_IO_WRITE) return
 * EIO.  kfile_readv/kfile_writev move a vector of segments (the pages of
 * a cluster, whose kernel addresses are not contiguous) with one
 * preadv/pwritev straight to or from the pages, as a disk controller's
 * scatter/gather DMA would: no bounce copy.
 *
 * On a paravirtualized host the host kernel's first access to each page
 * of the physical-memory mapping is slow (about 7 us per 4 KiB page
 * measured on this project's hosts, later ones at full speed: preadv
 * into touched pages ran twice as fast as pread into a private buffer
 * plus a scatter copy).  So a machine's first I/O to each physical page
 * pays that once; benchmarks warm the arena from the host kernel's side
 * as well (bench/bench.h).
 *
 * Locking: none needed; pread/pwrite are positional and a kfile is not
 * changed after open.
 */

#include <uvm/uvm_kern.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

struct kfile {
	int	kf_fd;
	char	*kf_path;
};

int
kfile_open(const char *path, int flags, struct kfile **kfp)
{
	struct kfile *kf;
	int oflags, fd;

	if ((flags & (KF_READ | KF_WRITE)) == (KF_READ | KF_WRITE))
		oflags = O_RDWR;
	else if (flags & KF_WRITE)
		oflags = O_WRONLY;
	else
		oflags = O_RDONLY;
	if (flags & KF_CREAT)
		oflags |= O_CREAT;
	if (flags & KF_TRUNC)
		oflags |= O_TRUNC;
	fd = open(path, oflags | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno;
	if (flags & KF_TEMP)
		(void)unlink(path);
	kf = kmem_zalloc(sizeof(*kf), KM_SLEEP);
	kf->kf_fd = fd;
	kf->kf_path = kmem_strdup(path, KM_SLEEP);
	*kfp = kf;
	return 0;
}

int
kfile_close(struct kfile *kf)
{
	int error = 0;

	if (close(kf->kf_fd) != 0)
		error = errno;
	kmem_strfree(kf->kf_path);
	kmem_free(kf, sizeof(*kf));
	return error;
}

static int kfile_pread_all(struct kfile *, void *, size_t, off_t);

int
kfile_read(struct kfile *kf, void *buf, size_t len, off_t off)
{
	if (kern_fault_check(KFI_IO_READ))
		return EIO;
	return kfile_pread_all(kf, buf, len, off);
}

/* Read all of len at off into buf; zeroes past end of file. */
static int
kfile_pread_all(struct kfile *kf, void *buf, size_t len, off_t off)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = pread(kf->kf_fd, p, len, off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		if (n == 0) {
			memset(p, 0, len);	/* past end of file */
			break;
		}
		p += n;
		off += n;
		len -= (size_t)n;
	}
	return 0;
}

static int kfile_pwrite_all(struct kfile *, const void *, size_t, off_t);

int
kfile_write(struct kfile *kf, const void *buf, size_t len, off_t off)
{
	if (kern_fault_check(KFI_IO_WRITE))
		return EIO;
	return kfile_pwrite_all(kf, buf, len, off);
}

/* Write all of buf at off (short writes and EINTR retried). */
static int
kfile_pwrite_all(struct kfile *kf, const void *buf, size_t len, off_t off)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = pwrite(kf->kf_fd, p, len, off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		p += n;
		off += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Advance the vector iov[0 .. *cntp) past n bytes (a short transfer);
 * segments used up are skipped, a partly used one is trimmed.
 */
static struct iovec *
kfile_iov_advance(struct iovec *iov, int *cntp, size_t n)
{
	while (n > 0 && *cntp > 0) {
		if (n < iov->iov_len) {
			iov->iov_base = (char *)iov->iov_base + n;
			iov->iov_len -= n;
			break;
		}
		n -= iov->iov_len;
		iov++;
		(*cntp)--;
	}
	return iov;
}

/*
 * Where kfile_readv reads the holes of a vector: bytes nobody looks at
 * (any thread may write them at any time).
 */
static char kfile_sink[64 * 1024];

/*
 * kfile_readv: read the segments iov[0 .. iovcnt) from off on, as
 * kfile_read (whole, zeroes past end of file).  A segment whose base is
 * NULL is a hole: its part of the file is skipped (read with the rest
 * and discarded, or not read at all).  The vector is used as scratch
 * (it is consumed).
 */
int
kfile_readv(struct kfile *kf, struct iovec *iov, int iovcnt, off_t off)
{
	ssize_t r;
	int n;

	if (kern_fault_check(KFI_IO_READ))
		return EIO;
	/* Holes of a page or so are read into the sink: one preadv. */
	for (int i = 0; i < iovcnt; i++)
		if (iov[i].iov_base == NULL &&
		    iov[i].iov_len <= sizeof(kfile_sink))
			iov[i].iov_base = kfile_sink;
	while (iovcnt > 0) {
		if (iov->iov_base == NULL || iov->iov_len == 0) {
			off += (off_t)iov->iov_len;
			iov++;
			iovcnt--;
			continue;
		}
		for (n = 1; n < MIN(iovcnt, IOV_MAX) &&
		    iov[n].iov_base != NULL; n++)
			continue;
		r = preadv(kf->kf_fd, iov, n, off);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		if (r == 0) {
			/* Past end of file. */
			for (int i = 0; i < iovcnt; i++)
				if (iov[i].iov_base != NULL)
					memset(iov[i].iov_base, 0,
					    iov[i].iov_len);
			break;
		}
		off += r;
		iov = kfile_iov_advance(iov, &iovcnt, (size_t)r);
	}
	return 0;
}

/*
 * kfile_writev: write the segments iov[0 .. iovcnt) from off on, whole.
 * The vector is used as scratch (it is consumed).
 */
int
kfile_writev(struct kfile *kf, struct iovec *iov, int iovcnt, off_t off)
{
	if (kern_fault_check(KFI_IO_WRITE))
		return EIO;
	while (iovcnt > 0 && iov->iov_len == 0) {
		iov++;
		iovcnt--;
	}
	while (iovcnt > 0) {
		ssize_t n = pwritev(kf->kf_fd, iov, MIN(iovcnt, IOV_MAX), off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		off += n;
		iov = kfile_iov_advance(iov, &iovcnt, (size_t)n);
	}
	return 0;
}

int
kfile_size(struct kfile *kf, off_t *sizep)
{
	struct stat st;

	if (fstat(kf->kf_fd, &st) != 0)
		return errno;
	if (S_ISBLK(st.st_mode)) {
		off_t end = lseek(kf->kf_fd, 0, SEEK_END);
		if (end < 0)
			return errno;
		*sizep = end;
	} else
		*sizep = st.st_size;
	return 0;
}

int
kfile_truncate(struct kfile *kf, off_t size)
{
	return ftruncate(kf->kf_fd, size) == 0 ? 0 : errno;
}

int
kfile_sync(struct kfile *kf)
{
	return fsync(kf->kf_fd) == 0 ? 0 : errno;
}

const char *
kfile_path(const struct kfile *kf)
{
	return kf->kf_path;
}
