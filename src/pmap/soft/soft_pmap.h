/*
 * soft_pmap.h: the soft pmap's structures, shared by soft_pmap.c (page
 * tables, pv lists, the kernel pmap) and soft_copy.c (the CPU: TLB and
 * copy(9)).  Private to src/pmap/soft.
 *
 * Locking, by the letter at the start of each field's comment:
 *	s	soft_lock (every page table, pv list and mdpage word)
 *	t	soft_tlb_lock (the list of TLBs)
 *	l	the owning lwp only
 *	a	atomic
 *	c	constant while the pmap exists
 */

#ifndef _SOFT_PMAP_H_
#define _SOFT_PMAP_H_

#include <uvm/uvm.h>

/*
 * Page tables: a four-level radix tree indexed by the virtual page
 * number, 512 slots a level (x86-64's shape; with 4 KiB pages it covers
 * 48 bits of address).  A page-table entry is the page's physical
 * address with flags in the low bits (physical addresses are at least
 * 4 KiB aligned).
 */
#define SOFT_PT_BITS	9
#define SOFT_PT_NSLOTS	(1u << SOFT_PT_BITS)
#define SOFT_PT_LEVELS	4
#define SOFT_VPN_BITS	(SOFT_PT_BITS * SOFT_PT_LEVELS)

#define PTE_V		0x001ULL	/* valid */
#define PTE_R		0x002ULL	/* readable */
#define PTE_W		0x004ULL	/* writable */
#define PTE_X		0x008ULL	/* executable */
#define PTE_WIRED	0x010ULL	/* wired (pmap_unwire clears) */
#define PTE_MANAGED	0x020ULL	/* on the page's pv list */
#define PTE_KENTER	0x040ULL	/* pmap_kenter_pa mapping */
#define PTE_PROT	(PTE_R | PTE_W | PTE_X)
#define PTE_PA(pte)	((paddr_t)((pte) & ~0xfffULL))

struct soft_ptp {
	void		*pt_slot[SOFT_PT_NSLOTS];	/* s: next level */
	unsigned int	pt_count;			/* s: used slots */
};
struct soft_ptl {
	uint64_t	pt_pte[SOFT_PT_NSLOTS];		/* s: PTEs */
	unsigned int	pt_count;			/* s: valid PTEs */
};

struct pmap {
	unsigned int	pm_refcnt;	/* a: references */
	uint64_t	pm_gen;		/* a: TLB generation (see soft_copy.c) */
	struct soft_ptp	*pm_root;	/* s: top level, or NULL */
	struct pmap_statistics pm_stats; /* s: resident and wired pages */
	unsigned int	pm_nactive;	/* s: lwps that activated it */
	bool		pm_kernel;	/* c: the kernel pmap */
	LIST_ENTRY(pmap) pm_list;	/* s: soft_pmaps (user pmaps) */
};

/*
 * pv entries: one per managed mapping of a page, listed from the
 * page's mdpage word.  The word is the list head pointer with the
 * page's referenced and modified attributes in its low bits; it is 0
 * when the page has no mapping and no attribute.
 */
struct soft_pv {
	struct soft_pv	*pv_next;	/* s: next mapping of the page */
	struct pmap	*pv_pmap;	/* s: where it is mapped */
	vaddr_t		pv_va;		/* s: and at which address */
};
#define MD_REF		0x1UL
#define MD_MOD		0x2UL
#define MD_ATTRS	(MD_REF | MD_MOD)
#define MD_PV(w)	((struct soft_pv *)((w) & ~MD_ATTRS))

/*
 * The TLB: per lwp, direct mapped by virtual page number.  An entry is
 * valid only while its generation equals its pmap's (soft_copy.c).
 */
#define SOFT_TLB_SIZE	64
struct soft_tlbe {
	vaddr_t		te_va;		/* l: page's virtual address */
	struct pmap	*te_pm;		/* l: pmap, NULL: empty */
	uint64_t	te_gen;		/* l: pm_gen when filled */
	char		*te_kva;	/* l: the page's bytes */
	vm_prot_t	te_prot;	/* l: accesses allowed without a walk */
};
struct soft_tlb {
	struct soft_tlbe tl_e[SOFT_TLB_SIZE];
	struct pmap	*tl_busy;	/* a: pmap being accessed, or NULL */
	struct pmap	*tl_active;	/* l: pmap_activate()d pmap */
	struct lwp	*tl_lwp;	/* c: owner */
	LIST_ENTRY(soft_tlb) tl_list;	/* t: soft_tlbs */
};

extern kmutex_t soft_lock;
extern struct pmap soft_kernel_pmap;

/* soft_pmap.c */
int	soft_translate(struct pmap *, vaddr_t, vm_prot_t, struct soft_tlbe *);
bool	soft_kva_p(vaddr_t va, size_t len);

/* soft_copy.c */
uint64_t soft_newgen(void);
void	soft_tlb_bootstrap(void);
void	soft_tlb_shutdown(void);
void	soft_tlb_shootdown(struct pmap *);
void	soft_tlb_forget(struct pmap *);
struct soft_tlb *soft_tlb_get(struct lwp *);
void	soft_lwp_init(struct lwp *);
void	soft_lwp_fini(struct lwp *);
void	soft_activate(struct lwp *);
void	soft_deactivate(struct lwp *);
int	soft_copyin(struct vmspace *, const void *, void *, size_t);
int	soft_copyout(struct vmspace *, const void *, void *, size_t);
int	soft_copyinstr(struct vmspace *, const void *, void *, size_t, size_t *);
int	soft_copyoutstr(struct vmspace *, const void *, void *, size_t,
	    size_t *);
int	soft_kcopy(const void *, void *, size_t);

#endif /* _SOFT_PMAP_H_ */
