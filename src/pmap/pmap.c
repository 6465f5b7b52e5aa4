/*
 * pmap.c: pmap(9) and copy(9) entry points, dispatching to the machine's
 * pmap backend.
 *
 * A backend is a const table of functions (struct pmap_backend); the
 * machine names one at boot (pmap_select()) and every pmap_*() and
 * copy(9) call below goes through it.  What is the same for every
 * backend lives here: the selection, the fault hook, the ufetch/ustore
 * alignment rules, pmap_prefer() and pmap_phys_address().
 *
 * Locking: the backend pointer is set while the machine boots, before any
 * other thread exists, and is constant while it runs.  Everything else is
 * the backend's business.
 */

#include <uvm/uvm.h>

const struct pmap_backend *pmap_backend;
int (*pmap_fault_hook)(struct vmspace *, vaddr_t, vm_prot_t);
vsize_t pmap_prefer_align;
bool pmap_frequent_shootdowns;

static const struct pmap_backend *const pmap_backends[] = {
	&pmap_soft_backend,
};

/*
 * pmap_select: choose the backend called `name'.
 *
 * => called before pmap_bootstrap(), with no machine running.
 * => EINVAL if there is no backend of that name.
 */
int
pmap_select(const char *name)
{
	if (name == NULL)
		return EINVAL;
	for (size_t i = 0; i < __arraycount(pmap_backends); i++) {
		if (strcmp(pmap_backends[i]->pb_name, name) == 0) {
			pmap_backend = pmap_backends[i];
			return 0;
		}
	}
	return EINVAL;
}

int
pmap_bootstrap(void)
{
	KASSERTMSG(pmap_backend != NULL, "pmap_bootstrap: no pmap selected");
	return (*pmap_backend->pb_bootstrap)();
}

void
pmap_shutdown(void)
{
	KASSERT(pmap_backend != NULL);
	(*pmap_backend->pb_shutdown)();
	pmap_fault_hook = NULL;
	pmap_prefer_align = 0;
}

void
pmap_init(void)
{
	(*pmap_backend->pb_init)();
}

void
pmap_virtual_space(vaddr_t *startp, vaddr_t *endp)
{
	(*pmap_backend->pb_virtual_space)(startp, endp);
}

pmap_t
pmap_kernel(void)
{
	return (*pmap_backend->pb_kernel)();
}

pmap_t
pmap_create(void)
{
	return (*pmap_backend->pb_create)();
}

void
pmap_destroy(pmap_t pm)
{
	(*pmap_backend->pb_destroy)(pm);
}

void
pmap_reference(pmap_t pm)
{
	(*pmap_backend->pb_reference)(pm);
}

long
pmap_resident_count(pmap_t pm)
{
	struct pmap_statistics st;

	(*pmap_backend->pb_stats)(pm, &st);
	return st.resident_count;
}

long
pmap_wired_count(pmap_t pm)
{
	struct pmap_statistics st;

	(*pmap_backend->pb_stats)(pm, &st);
	return st.wired_count;
}

int
pmap_enter(pmap_t pm, vaddr_t va, paddr_t pa, vm_prot_t prot,
    unsigned int flags)
{
	return (*pmap_backend->pb_enter)(pm, va, pa, prot, flags);
}

void
pmap_remove(pmap_t pm, vaddr_t sva, vaddr_t eva)
{
	(*pmap_backend->pb_remove)(pm, sva, eva);
}

bool
pmap_remove_all(pmap_t pm)
{
	return (*pmap_backend->pb_remove_all)(pm);
}

void
pmap_protect(pmap_t pm, vaddr_t sva, vaddr_t eva, vm_prot_t prot)
{
	(*pmap_backend->pb_protect)(pm, sva, eva, prot);
}

void
pmap_unwire(pmap_t pm, vaddr_t va)
{
	(*pmap_backend->pb_unwire)(pm, va);
}

bool
pmap_extract(pmap_t pm, vaddr_t va, paddr_t *pap)
{
	return (*pmap_backend->pb_extract)(pm, va, pap);
}

void
pmap_kenter_pa(vaddr_t va, paddr_t pa, vm_prot_t prot, unsigned int flags)
{
	(*pmap_backend->pb_kenter_pa)(va, pa, prot, flags);
}

void
pmap_kremove(vaddr_t va, vsize_t size)
{
	(*pmap_backend->pb_kremove)(va, size);
}

void
pmap_copy(pmap_t dst, pmap_t src, vaddr_t dva, vsize_t len, vaddr_t sva)
{
	(*pmap_backend->pb_copy)(dst, src, dva, len, sva);
}

void
pmap_update(pmap_t pm)
{
	(*pmap_backend->pb_update)(pm);
}

void
pmap_activate(struct lwp *l)
{
	(*pmap_backend->pb_activate)(l);
}

void
pmap_deactivate(struct lwp *l)
{
	(*pmap_backend->pb_deactivate)(l);
}

void
pmap_zero_page(paddr_t pa)
{
	(*pmap_backend->pb_zero_page)(pa);
}

void
pmap_copy_page(paddr_t src, paddr_t dst)
{
	(*pmap_backend->pb_copy_page)(src, dst);
}

void
pmap_page_protect(struct vm_page *pg, vm_prot_t prot)
{
	(*pmap_backend->pb_page_protect)(pg, prot);
}

bool
pmap_clear_modify(struct vm_page *pg)
{
	return (*pmap_backend->pb_clear_modify)(pg);
}

bool
pmap_clear_reference(struct vm_page *pg)
{
	return (*pmap_backend->pb_clear_reference)(pg);
}

bool
pmap_is_modified(struct vm_page *pg)
{
	return (*pmap_backend->pb_is_modified)(pg);
}

bool
pmap_is_referenced(struct vm_page *pg)
{
	return (*pmap_backend->pb_is_referenced)(pg);
}

/*
 * pmap_phys_address: the physical address behind a device's mmap cookie
 * (a page frame number, as d_mmap returns).
 */
paddr_t
pmap_phys_address(paddr_t cookie)
{
	return ptoa(cookie);
}

/*
 * pmap_prefer: move *vap to the nearest address (upwards, or downwards
 * when td is set) with the same colour as object offset foff modulo
 * pmap_prefer_align.  No-op while pmap_prefer_align is 0.
 */
void
pmap_prefer(voff_t foff, vaddr_t *vap, vsize_t sz, int td)
{
	vaddr_t va = *vap, m;

	if (pmap_prefer_align == 0)
		return;
	KASSERT(powerof2(pmap_prefer_align));
	m = pmap_prefer_align - 1;
	if (td)
		va -= (va - (vaddr_t)foff) & m;
	else
		va += ((vaddr_t)foff - va) & m;
	*vap = va;
}

/* ---------------------------------------------------------------------
 * copy(9)
 */

static struct vmspace *
cur_vmspace(void)
{
	return curlwp->l_proc->p_vmspace;
}

int
copyin_vmspace(struct vmspace *vm, const void *uaddr, void *kaddr, size_t len)
{
	return (*pmap_backend->pb_copyin)(vm, uaddr, kaddr, len);
}

int
copyout_vmspace(struct vmspace *vm, const void *kaddr, void *uaddr, size_t len)
{
	return (*pmap_backend->pb_copyout)(vm, kaddr, uaddr, len);
}

int
copyin(const void *uaddr, void *kaddr, size_t len)
{
	struct vmspace *vm = cur_vmspace();

	if (vm == NULL)
		return EFAULT;
	return (*pmap_backend->pb_copyin)(vm, uaddr, kaddr, len);
}

int
copyout(const void *kaddr, void *uaddr, size_t len)
{
	struct vmspace *vm = cur_vmspace();

	if (vm == NULL)
		return EFAULT;
	return (*pmap_backend->pb_copyout)(vm, kaddr, uaddr, len);
}

int
copyinstr(const void *uaddr, void *kaddr, size_t len, size_t *done)
{
	struct vmspace *vm = cur_vmspace();

	if (vm == NULL) {
		if (done != NULL)
			*done = 0;
		return EFAULT;
	}
	return (*pmap_backend->pb_copyinstr)(vm, uaddr, kaddr, len, done);
}

int
copyoutstr(const void *kaddr, void *uaddr, size_t len, size_t *done)
{
	struct vmspace *vm = cur_vmspace();

	if (vm == NULL) {
		if (done != NULL)
			*done = 0;
		return EFAULT;
	}
	return (*pmap_backend->pb_copyoutstr)(vm, kaddr, uaddr, len, done);
}

int
kcopy(const void *src, void *dst, size_t len)
{
	return (*pmap_backend->pb_kcopy)(src, dst, len);
}

/*
 * ufetch/ustore: one naturally aligned datum of the current address
 * space.  A misaligned address is EFAULT, as is one that cannot be
 * accessed; *valp is left alone on failure.
 */
#define UFETCH(bits)							\
int									\
ufetch_##bits(const uint##bits##_t *uaddr, uint##bits##_t *valp)	\
{									\
	uint##bits##_t v;						\
	int error;							\
									\
	if (((uintptr_t)uaddr & (sizeof(v) - 1)) != 0)			\
		return EFAULT;						\
	error = copyin(uaddr, &v, sizeof(v));				\
	if (error == 0)							\
		*valp = v;						\
	return error;							\
}
#define USTORE(bits)							\
int									\
ustore_##bits(uint##bits##_t *uaddr, uint##bits##_t val)		\
{									\
	if (((uintptr_t)uaddr & (sizeof(val) - 1)) != 0)		\
		return EFAULT;						\
	return copyout(&val, uaddr, sizeof(val));			\
}

UFETCH(8)
UFETCH(16)
UFETCH(32)
UFETCH(64)
USTORE(8)
USTORE(16)
USTORE(32)
USTORE(64)
