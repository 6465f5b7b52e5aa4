/*
 * uvm_pmap.h: the machine-dependent physical map interface, pmap(9).
 *
 * UVM calls these functions; a pmap backend implements them.  libuvm
 * ships backends as const tables of functions (struct pmap_backend) and
 * the machine picks one at boot; the pmap_*() functions below dispatch
 * to it.  The contract each backend must meet is written in pmap(9).
 *
 * The "CPU" of a hosted machine is the copy(9) family: copyin(),
 * copyout() and friends access the current lwp's address space through
 * the pmap, and call uvm_fault() when a translation is missing or lacks
 * the access's protection.
 */

#ifndef _UVM_UVM_PMAP_H_
#define _UVM_UVM_PMAP_H_

#include <uvm/uvm_extern.h>

typedef struct pmap *pmap_t;

/*
 * The address space layout.  User addresses are the soft MMU's own
 * (they exist only in page tables); kernel addresses are real host
 * addresses inside a window the pmap reserves at bootstrap, so the
 * library's code dereferences kernel memory directly.  The kernel
 * window is therefore known only once pmap_bootstrap() has run.
 */
#define VM_MIN_ADDRESS		((vaddr_t)0)
#define VM_MAXUSER_ADDRESS	((vaddr_t)0x0000400000000000ULL) /* 64 TiB */
#define VM_MAX_ADDRESS		VM_MAXUSER_ADDRESS
extern vaddr_t pmap_kva_start, pmap_kva_end;
#define VM_MIN_KERNEL_ADDRESS	(pmap_kva_start)
#define VM_MAX_KERNEL_ADDRESS	(pmap_kva_end)

/*
 * The fault hook: copy(9) calls it when a translation is missing or
 * lacks the access's protection, with no pmap lock held.  vm is the
 * address space (NULL: the kernel's).  0 means "resolved: retry the
 * access"; an errno makes the copy fail with EFAULT.  NULL: every such
 * fault fails.  uvm_init() installs uvm_fault() here.
 */
extern int (*pmap_fault_hook)(struct vmspace *vm, vaddr_t va,
    vm_prot_t access);

/* pmap_enter() flags, beyond the access type in VM_PROT_ALL. */
#define PMAP_WIRED	0x00000010	/* wired mapping */
#define PMAP_CANFAIL	0x00000020	/* can fail if resource shortage */
#define PMAP_NOCACHE	0x00000100	/* uncached mapping (ignored) */
#define PMAP_KMPAGE	0x00000200	/* kernel-private page */

/* Statistics a pmap keeps. */
struct pmap_statistics {
	long	resident_count;	/* # of pages mapped (total) */
	long	wired_count;	/* # of pages wired */
};

/*
 * A pmap backend.  Every member must be provided.
 */
struct pmap_backend {
	const char	*pb_name;
	/* Bootstrap and teardown of the whole backend. */
	int	(*pb_bootstrap)(void);
	void	(*pb_shutdown)(void);
	void	(*pb_init)(void);
	void	(*pb_virtual_space)(vaddr_t *, vaddr_t *);
	/* pmaps */
	pmap_t	(*pb_kernel)(void);
	pmap_t	(*pb_create)(void);
	void	(*pb_destroy)(pmap_t);
	void	(*pb_reference)(pmap_t);
	void	(*pb_stats)(pmap_t, struct pmap_statistics *);
	/* mappings */
	int	(*pb_enter)(pmap_t, vaddr_t, paddr_t, vm_prot_t, unsigned int);
	void	(*pb_remove)(pmap_t, vaddr_t, vaddr_t);
	bool	(*pb_remove_all)(pmap_t);
	void	(*pb_protect)(pmap_t, vaddr_t, vaddr_t, vm_prot_t);
	void	(*pb_unwire)(pmap_t, vaddr_t);
	bool	(*pb_extract)(pmap_t, vaddr_t, paddr_t *);
	void	(*pb_kenter_pa)(vaddr_t, paddr_t, vm_prot_t, unsigned int);
	void	(*pb_kremove)(vaddr_t, vsize_t);
	void	(*pb_copy)(pmap_t, pmap_t, vaddr_t, vsize_t, vaddr_t);
	void	(*pb_update)(pmap_t);
	void	(*pb_activate)(struct lwp *);
	void	(*pb_deactivate)(struct lwp *);
	/* physical pages */
	void	(*pb_zero_page)(paddr_t);
	void	(*pb_copy_page)(paddr_t, paddr_t);
	void	(*pb_page_protect)(struct vm_page *, vm_prot_t);
	bool	(*pb_clear_modify)(struct vm_page *);
	bool	(*pb_clear_reference)(struct vm_page *);
	bool	(*pb_is_modified)(struct vm_page *);
	bool	(*pb_is_referenced)(struct vm_page *);
	/* the CPU: copy(9) */
	int	(*pb_copyin)(struct vmspace *, const void *, void *, size_t);
	int	(*pb_copyout)(struct vmspace *, const void *, void *, size_t);
	int	(*pb_copyinstr)(struct vmspace *, const void *, void *, size_t,
		    size_t *);
	int	(*pb_copyoutstr)(struct vmspace *, const void *, void *, size_t,
		    size_t *);
	int	(*pb_kcopy)(const void *, void *, size_t);
	/* per-lwp state (TLB) */
	void	(*pb_lwp_init)(struct lwp *);
	void	(*pb_lwp_fini)(struct lwp *);
};

extern const struct pmap_backend pmap_soft_backend;
extern const struct pmap_backend *pmap_backend;	/* the machine's choice */

/* Select the backend (before pmap_bootstrap()). */
int	pmap_select(const char *name);
/*
 * Set by the machine before pmap_bootstrap(): shootdowns will come about
 * as often as accesses (a pagedaemon thread runs beside the lwps and
 * clears references and protects pages under memory pressure), so a
 * backend that makes accesses cheaper at the price of costlier
 * shootdowns should not.
 */
extern bool pmap_frequent_shootdowns;
int	pmap_bootstrap(void);
void	pmap_shutdown(void);

/* pmap(9) */
void	pmap_init(void);
void	pmap_virtual_space(vaddr_t *, vaddr_t *);
pmap_t	pmap_kernel(void);
pmap_t	pmap_create(void);
void	pmap_destroy(pmap_t);
void	pmap_reference(pmap_t);
long	pmap_resident_count(pmap_t);
long	pmap_wired_count(pmap_t);
int	pmap_enter(pmap_t, vaddr_t, paddr_t, vm_prot_t, unsigned int);
void	pmap_remove(pmap_t, vaddr_t, vaddr_t);
bool	pmap_remove_all(pmap_t);
void	pmap_protect(pmap_t, vaddr_t, vaddr_t, vm_prot_t);
void	pmap_unwire(pmap_t, vaddr_t);
bool	pmap_extract(pmap_t, vaddr_t, paddr_t *);
void	pmap_kenter_pa(vaddr_t, paddr_t, vm_prot_t, unsigned int);
void	pmap_kremove(vaddr_t, vsize_t);
void	pmap_copy(pmap_t, pmap_t, vaddr_t, vsize_t, vaddr_t);
void	pmap_update(pmap_t);
void	pmap_activate(struct lwp *);
void	pmap_deactivate(struct lwp *);
void	pmap_zero_page(paddr_t);
void	pmap_copy_page(paddr_t, paddr_t);
void	pmap_page_protect(struct vm_page *, vm_prot_t);
bool	pmap_clear_modify(struct vm_page *);
bool	pmap_clear_reference(struct vm_page *);
bool	pmap_is_modified(struct vm_page *);
bool	pmap_is_referenced(struct vm_page *);
paddr_t	pmap_phys_address(paddr_t);

/*
 * PMAP_PREFER(foff, vap, sz, td): adjust *vap so that it has the same
 * virtual colour as object offset foff (no-op on a machine without a
 * virtually indexed cache; kept so uvm_map() exercises the path).
 */
#define PMAP_PREFER(foff, vap, sz, td)	pmap_prefer((foff), (vap), (sz), (td))
void	pmap_prefer(voff_t, vaddr_t *, vsize_t, int);
extern vsize_t pmap_prefer_align;	/* 0: no preference (default) */

/* copy(9): the current lwp's address space. */
int	copyin(const void *, void *, size_t);
int	copyout(const void *, void *, size_t);
int	copyinstr(const void *, void *, size_t, size_t *);
int	copyoutstr(const void *, void *, size_t, size_t *);
int	kcopy(const void *, void *, size_t);
int	ufetch_8(const uint8_t *, uint8_t *);
int	ufetch_16(const uint16_t *, uint16_t *);
int	ufetch_32(const uint32_t *, uint32_t *);
int	ufetch_64(const uint64_t *, uint64_t *);
int	ustore_8(uint8_t *, uint8_t);
int	ustore_16(uint16_t *, uint16_t);
int	ustore_32(uint32_t *, uint32_t);
int	ustore_64(uint64_t *, uint64_t);

/* Direct map of physical memory: the kernel's view of a page's bytes. */
#define PMAP_DIRECT_MAP(pa)	((void *)((char *)kern_physmem_base() + (pa)))

#endif /* _UVM_UVM_PMAP_H_ */
