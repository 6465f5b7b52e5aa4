/*
 * uvm_io.c: uvm_io(9), moving data between a uio and another address
 * space (what ptrace(2) and /proc/<pid>/mem are built on).
 *
 * The data goes through the CPU of the hosted machine, copy(9) on the
 * target map's vmspace, one page-sized bounce at a time: every access
 * takes the path a user access would (translation, faults through
 * uvm_fault(), referenced and modified bits), so nothing here needs to
 * know how the pages are held.
 *
 * Locking: none held on entry or exit; copy(9) takes what faults need.
 */

#include "uvm_impl.h"

/*
 * uvm_io: perform the I/O described by uio on map.
 *
 * => map is the vm_map of a vmspace (a process map or kernel_map);
 *    uio->uio_offset is the virtual address in map where the I/O
 *    starts, uio_resid its length.
 * => UIO_READ reads map into the uio's buffers, UIO_WRITE writes them
 *    into map (a write needs write access in map, as ptrace's does).
 * => returns 0, or EFAULT/EACCES/ENOMEM from the first access that
 *    fails; uio_resid/uio_offset then tell how far it got.
 */
int
uvm_io(struct vm_map *map, struct uio *uio)
{
	struct vmspace *vm = (struct vmspace *)(void *)((char *)map -
	    offsetof(struct vmspace, vm_map));
	char *bounce;
	int error = 0;

	KASSERT(map != NULL);
	if (uio->uio_resid == 0)
		return 0;
	if (uio->uio_offset < 0 ||
	    (vaddr_t)uio->uio_offset < vm_map_min(map) ||
	    (vaddr_t)uio->uio_offset + uio->uio_resid > vm_map_max(map) ||
	    (vaddr_t)uio->uio_offset + uio->uio_resid <
	    (vaddr_t)uio->uio_offset)
		return EFAULT;

	bounce = kmem_alloc(PAGE_SIZE, KM_SLEEP);
	while (uio->uio_resid > 0) {
		struct iovec *iov = uio->uio_iov;
		vaddr_t va = (vaddr_t)uio->uio_offset;
		size_t n;

		KASSERT(uio->uio_iovcnt > 0);
		if (iov->iov_len == 0) {
			uio->uio_iov++;
			uio->uio_iovcnt--;
			continue;
		}
		/*
		 * One piece: inside one page of map and one iovec, so each
		 * step below either moves all of it or nothing.
		 */
		n = MIN(uio->uio_resid, PAGE_SIZE - (va & PAGE_MASK));
		n = MIN(n, iov->iov_len);
		if (uio->uio_rw == UIO_READ) {
			error = copyin_vmspace(vm, (const void *)va, bounce, n);
			if (error == 0)
				error = uiomove(bounce, n, uio);
		} else {
			if (uio->uio_vmspace == NULL)
				memcpy(bounce, iov->iov_base, n);
			else
				error = copyin_vmspace(uio->uio_vmspace,
				    iov->iov_base, bounce, n);
			if (error == 0)
				error = copyout_vmspace(vm, bounce, (void *)va,
				    n);
			if (error == 0) {
				iov->iov_base = (char *)iov->iov_base + n;
				iov->iov_len -= n;
				uio->uio_resid -= n;
				uio->uio_offset += n;
			}
		}
		if (error)
			break;
	}
	kmem_free(bounce, PAGE_SIZE);
	return error;
}
