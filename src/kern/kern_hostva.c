/*
 * kern_hostva.c: host address space for a pmap whose kernel virtual
 * addresses are real host addresses.
 *
 * The soft pmap reserves one window of host address space at bootstrap
 * (PROT_NONE, no backing, so it costs nothing) and then places physical
 * pages inside it: a mapping is a MAP_FIXED|MAP_SHARED mmap of the page's
 * byte range of the physical memory memfd, so the page has the same bytes
 * through the mapping as through the direct map.  Removing a mapping puts
 * a PROT_NONE reservation back in its place, so the window stays ours and
 * an access to an unmapped kernel address crashes as a stray kernel
 * access should.
 *
 * It also offers the pmap an asymmetric memory barrier: a cheap fast
 * side (a compiler barrier) for the lwps doing copies, and an expensive
 * side (kern_membarrier_sync) that makes every thread of the process
 * execute a full barrier, for the rare TLB shootdown.
 *
 * Locking: none here; the caller (the pmap) serialises changes to one
 * range.  The host's mmap itself is thread safe.
 */

#include <uvm/uvm_kern.h>

#include <linux/membarrier.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static int
hostva_prot(int prot)
{
	int hp = PROT_NONE;

	if (prot & 0x01)		/* VM_PROT_READ */
		hp |= PROT_READ;
	if (prot & 0x02)		/* VM_PROT_WRITE */
		hp |= PROT_READ | PROT_WRITE;
	if (prot & 0x04)		/* VM_PROT_EXECUTE */
		hp |= PROT_READ;	/* never executable on the host */
	return hp;
}

int
kern_hostva_reserve(size_t size, size_t align, vaddr_t *vap)
{
	size_t len;
	char *p;
	uintptr_t start, end;

	KASSERT(align != 0 && powerof2(align));
	if (size == 0 || size + align < size)
		return EINVAL;
	len = size + align;
	p = mmap(NULL, len, PROT_NONE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return ENOMEM;
	start = ((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1);
	end = start + size;
	if (start > (uintptr_t)p)
		munmap(p, start - (uintptr_t)p);
	if ((uintptr_t)p + len > end)
		munmap((void *)end, (uintptr_t)p + len - end);
	*vap = start;
	return 0;
}

void
kern_hostva_release(vaddr_t va, size_t size)
{
	munmap((void *)va, size);
}

int
kern_hostva_map_phys(vaddr_t va, size_t len, paddr_t pa, int prot)
{
	void *p;

	if (kern_physmem_fd() < 0)
		return ENODEV;
	KASSERT(pa + len <= kern_physmem_size());
	p = mmap((void *)va, len, hostva_prot(prot), MAP_FIXED | MAP_SHARED,
	    kern_physmem_fd(), (off_t)pa);
	if (p == MAP_FAILED)
		return ENOMEM;
	KASSERT((vaddr_t)p == va);
	return 0;
}

int
kern_hostva_protect(vaddr_t va, size_t len, int prot)
{
	if (mprotect((void *)va, len, hostva_prot(prot)) != 0)
		return ENOMEM;
	return 0;
}

int
kern_hostva_unmap(vaddr_t va, size_t len)
{
	void *p;

	p = mmap((void *)va, len, PROT_NONE,
	    MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return ENOMEM;
	return 0;
}

/*
 * kern_membarrier_init: true if kern_membarrier_sync() is available (a
 * Linux membarrier(2) with private expedited commands).
 */
bool
kern_membarrier_init(void)
{
#ifdef SYS_membarrier
	long cmds = syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);

	if (cmds < 0 || (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0)
		return false;
	return syscall(SYS_membarrier,
	    MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
#else
	return false;
#endif
}

/*
 * kern_membarrier_sync: every running thread of the process executes a
 * full memory barrier before this returns.  Only after a true
 * kern_membarrier_init().
 */
void
kern_membarrier_sync(void)
{
#ifdef SYS_membarrier
	if (syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0,
	    0) == 0)
		return;
#endif
	panic("kern_membarrier_sync: membarrier failed");
}
