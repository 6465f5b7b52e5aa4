/*
 * kern_file.c: host files as backing store (swap devices, vnodes).
 *
 * Every transfer is whole: short reads and writes are retried, a read
 * past end of file returns zeroes for the missing part.  Errors are the
 * host's errno values; injected faults (KFI_IO_READ, KFI_IO_WRITE) return
 * EIO.  kfile_readv/kfile_writev move a vector of segments (the pages of
 * a cluster, whose kernel addresses are not contiguous): up to 1 MiB
 * through a per-thread buffer (see KFILE_GATHER), larger ones with
 * preadv/pwritev.
 *
 * Locking: none needed; pread/pwrite are positional, a kfile is not
 * changed after open, and each thread has its own gather buffer.
 */

#include <uvm/uvm_kern.h>

#include <fcntl.h>
#include <pthread.h>
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

/*
 * Vectors up to KFILE_GATHER bytes go through a per-thread buffer:
 * written from it after a gather copy, read into it and scattered.
 * Linux copies between its page cache and a private buffer far faster
 * than straight to or from the shared mapping of the physical-memory
 * file (measured on this project's hosts: b_paging's swap-out fill ran
 * 3x slower with pwritev from the pages themselves, the host's copy out
 * of the arena dominating in perf).  What is slow is the host kernel's
 * first access to each page of the mapping (about 7 us per 4 KiB page
 * on a paravirtualized host; later ones are fast: preadv into pages it
 * has touched ran twice as fast as pread plus scatter), so direct
 * transfers would move that cost into a machine's first paging.  The
 * copy runs in whichever thread does the I/O (an I/O thread, for
 * asynchronous requests).
 */
#define KFILE_GATHER	(1024 * 1024)
static pthread_key_t kfile_gather_key;
static pthread_once_t kfile_gather_once = PTHREAD_ONCE_INIT;

static void
kfile_gather_init(void)
{
	(void)pthread_key_create(&kfile_gather_key, free);
}

/* This thread's gather buffer (KFILE_GATHER bytes), or NULL. */
static char *
kfile_gather_buf(void)
{
	char *buf;

	(void)pthread_once(&kfile_gather_once, kfile_gather_init);
	buf = pthread_getspecific(kfile_gather_key);
	if (buf == NULL) {
		buf = malloc(KFILE_GATHER);
		if (buf != NULL &&
		    pthread_setspecific(kfile_gather_key, buf) != 0) {
			free(buf);
			buf = NULL;
		}
	}
	return buf;
}

static int kfile_pread_all(struct kfile *, void *, size_t, off_t);

/* Bytes in iov[0 .. iovcnt). */
static size_t
kfile_iov_total(const struct iovec *iov, int iovcnt)
{
	size_t total = 0;

	for (int i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	return total;
}

/*
 * Copy between buf and the segments: gather into buf, or scatter (a
 * segment without a base is skipped: its bytes are discarded).
 */
static void
kfile_iov_copy(char *buf, const struct iovec *iov, int iovcnt, bool gather)
{
	for (int i = 0; i < iovcnt; i++) {
		if (gather)
			memcpy(buf, iov[i].iov_base, iov[i].iov_len);
		else if (iov[i].iov_base != NULL)
			memcpy(iov[i].iov_base, buf, iov[i].iov_len);
		buf += iov[i].iov_len;
	}
}

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
 * kfile_readv: read the segments iov[0 .. iovcnt) from off on, as
 * kfile_read (whole, zeroes past end of file).  A segment whose base is
 * NULL is a hole: its part of the file is skipped (read with the rest
 * and discarded, or not read at all).  The vector is used as scratch
 * (it is consumed).
 */
int
kfile_readv(struct kfile *kf, struct iovec *iov, int iovcnt, off_t off)
{
	size_t total = kfile_iov_total(iov, iovcnt);
	ssize_t r;
	char *buf;
	int error, n;

	if (kern_fault_check(KFI_IO_READ))
		return EIO;
	if (total <= KFILE_GATHER && (buf = kfile_gather_buf()) != NULL) {
		if ((error = kfile_pread_all(kf, buf, total, off)) != 0)
			return error;
		kfile_iov_copy(buf, iov, iovcnt, false);
		return 0;
	}
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
	size_t total = kfile_iov_total(iov, iovcnt);
	char *buf;

	if (kern_fault_check(KFI_IO_WRITE))
		return EIO;
	if (total <= KFILE_GATHER && (buf = kfile_gather_buf()) != NULL) {
		kfile_iov_copy(buf, iov, iovcnt, true);
		return kfile_pwrite_all(kf, buf, total, off);
	}
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
