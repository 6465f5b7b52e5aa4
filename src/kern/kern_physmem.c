/*
 * kern_physmem.c: the machine's physical memory, a host memfd.
 *
 * Physical address pa is byte pa of the memfd; the whole file is mapped
 * once as the kernel's direct map (kern_physmem_base() + pa).  The file
 * is sparse: pages nobody touched cost no host memory, so holes between
 * segments and room for hotplug are free.  A host-MMU pmap can map the
 * same pages again through kern_physmem_fd().
 *
 * Locking: created and destroyed by the booting thread only.
 */

#include <uvm/uvm_kern.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

static int physmem_fd = -1;
static void *physmem_base;
static psize_t physmem_size;

int
kern_physmem_create(psize_t size)
{
	void *base;
	int fd;

	KASSERT(physmem_base == NULL);
	if (size == 0 || size > ((psize_t)1 << 46))
		return EINVAL;
#ifdef MFD_CLOEXEC
	fd = memfd_create("uvm-physmem", MFD_CLOEXEC);
#else
	fd = -1;
	errno = ENOSYS;
#endif
	if (fd < 0) {
		/* No memfd: anonymous shared memory works for the soft pmap. */
		base = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	} else {
		if (ftruncate(fd, (off_t)size) != 0) {
			int error = errno;
			close(fd);
			return error;
		}
		base = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_NORESERVE, fd, 0);
	}
	if (base == MAP_FAILED) {
		int error = errno;
		if (fd >= 0)
			close(fd);
		return error;
	}
	physmem_fd = fd;
	physmem_base = base;
	physmem_size = size;
	return 0;
}

void
kern_physmem_destroy(void)
{
	if (physmem_base == NULL)
		return;
	munmap(physmem_base, physmem_size);
	if (physmem_fd >= 0)
		close(physmem_fd);
	physmem_fd = -1;
	physmem_base = NULL;
	physmem_size = 0;
}

void *
kern_physmem_base(void)
{
	return physmem_base;
}

psize_t
kern_physmem_size(void)
{
	return physmem_size;
}

int
kern_physmem_fd(void)
{
	return physmem_fd;
}

void
kern_physmem_discard(paddr_t pa, psize_t len)
{
	KASSERT(pa + len <= physmem_size);
	if (physmem_fd >= 0 &&
	    fallocate(physmem_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
	    (off_t)pa, (off_t)len) == 0)
		return;
	memset((char *)physmem_base + pa, 0, len);
}
