/*
 * soft_pmap.c: the software MMU's page tables, pv lists and kernel pmap.
 *
 * Every pmap is a four-level radix tree of page-table entries keyed by
 * virtual page number (soft_pmap.h).  Nothing but copy(9) ever walks a
 * user pmap's tables: user addresses exist only here.  The kernel pmap
 * is different: its addresses are host addresses inside a window
 * reserved at bootstrap, and every kernel mapping is also made real, by
 * mapping the physical page's bytes of the physmem memfd at that host
 * address (kern_hostva_map_phys), so the library dereferences kernel
 * memory as ordinary memory.  The kernel pmap still keeps its table, so
 * that pmap_extract(), the statistics and pv lists work the same way.
 *
 *	pmap_enter(pm, va, pa)                     copy(9) on pm
 *	  |                                          |
 *	  v                                          v  TLB miss
 *	pm_root -> L3 -> L2 -> L1 -> leaf PTE <-- soft_translate()
 *	                              |              sets REF/MOD
 *	                              v
 *	         PHYS_TO_VM_PAGE(pa)->mdpage.mdpg_word = pv list | REF | MOD
 *
 * Managed pages (those with a vm_page) carry a pv list, one entry per
 * mapping, so pmap_page_protect() can find every mapping of a page, and
 * the page's referenced/modified attributes.  The attributes are set as
 * an MMU sets them: by the accesses copy(9) makes (a read sets
 * referenced, a write modified), and by pmap_enter()'s access type.  A
 * TLB entry only grants a write once the page is marked modified, so
 * clearing an attribute (which shoots down every TLB entry for the
 * page's mappings) makes the next access set it again.  Accesses to
 * kernel mappings bypass the TLB (they are plain host loads and stores),
 * so a page mapped by pmap_enter() into the kernel pmap is always
 * reported referenced, and modified if the mapping is writable.
 *
 * Unmanaged mappings (pmap_kenter_pa(), or a pa without a vm_page) have
 * no pv entry and no attributes, as pmap(9) says.
 *
 * Every change that takes a permission away (remove, protect,
 * page_protect, clear_reference/modify) bumps the pmap's TLB generation
 * and waits until no lwp is in the middle of an access through a stale
 * entry (soft_tlb_shootdown), before the operation returns.  Afterwards
 * no stale translation can be used, so the caller may free the page.
 *
 * Locking: one lock, soft_lock, covers every page table, every pv list,
 * the list of free pv entries and every page's mdpage word, so the
 * usual pmap/pv lock order problem does not arise.  The TLB fast path
 * takes no lock (soft_copy.c).
 * soft_lock is a leaf with respect to UVM's locks: the pmap calls nothing
 * in UVM while holding it except PHYS_TO_VM_PAGE.
 */

#include "soft_pmap.h"

kmutex_t soft_lock;
struct pmap soft_kernel_pmap;
vaddr_t pmap_kva_start, pmap_kva_end;

static LIST_HEAD(, pmap) soft_pmaps;	/* s: every user pmap */
static struct pool soft_pv_pool;
static bool soft_pv_pool_ready;

/* The kernel window: 4x physical memory, at least 1 GiB, at most 16 TiB. */
#define SOFT_KVA_MIN	((vsize_t)1 << 30)
#define SOFT_KVA_MAX	((vsize_t)1 << 44)
#define SOFT_KVA_ALIGN	((vsize_t)2 << 20)

static inline uint64_t
va_to_vpn(vaddr_t va)
{
	return (uint64_t)va >> PAGE_SHIFT;
}

static inline unsigned int
vpn_index(uint64_t vpn, int level)
{
	return (unsigned int)(vpn >> (SOFT_PT_BITS * level)) &
	    (SOFT_PT_NSLOTS - 1);
}

static uint64_t
prot_to_pte(vm_prot_t prot)
{
	uint64_t pte = 0;

	if (prot & VM_PROT_READ)
		pte |= PTE_R;
	if (prot & VM_PROT_WRITE)
		pte |= PTE_W | PTE_R;
	if (prot & VM_PROT_EXECUTE)
		pte |= PTE_X | PTE_R;
	return pte;
}

static vm_prot_t
pte_to_prot(uint64_t pte)
{
	vm_prot_t prot = VM_PROT_NONE;

	if (pte & PTE_R)
		prot |= VM_PROT_READ;
	if (pte & PTE_W)
		prot |= VM_PROT_WRITE;
	if (pte & PTE_X)
		prot |= VM_PROT_EXECUTE;
	return prot;
}

bool
soft_kva_p(vaddr_t va, size_t len)
{
	return va >= pmap_kva_start && va < pmap_kva_end &&
	    len <= pmap_kva_end - va;
}

static bool __unused
soft_va_ok(struct pmap *pm, vaddr_t va)
{
	if (pm->pm_kernel)
		return soft_kva_p(va, PAGE_SIZE);
	return va < VM_MAXUSER_ADDRESS;
}

/* ---------------------------------------------------------------------
 * Page tables.
 */

/* The PTE for va, or NULL if no table covers it.  soft_lock held. */
static uint64_t *
pte_lookup(struct pmap *pm, vaddr_t va)
{
	uint64_t vpn = va_to_vpn(va);
	struct soft_ptp *p = pm->pm_root;
	struct soft_ptl *leaf;

	KASSERT(mutex_owned(&soft_lock));
	for (int level = SOFT_PT_LEVELS - 1; level > 1; level--) {
		if (p == NULL)
			return NULL;
		p = p->pt_slot[vpn_index(vpn, level)];
	}
	if (p == NULL)
		return NULL;
	leaf = p->pt_slot[vpn_index(vpn, 1)];
	if (leaf == NULL)
		return NULL;
	return &leaf->pt_pte[vpn_index(vpn, 0)];
}

/*
 * The PTE slot for va, allocating tables on the way down.  NULL only if
 * canfail and memory is short (tables already allocated stay, empty,
 * and are freed by the next walk over them).  soft_lock held.
 */
static uint64_t *
pte_alloc(struct pmap *pm, vaddr_t va, bool canfail)
{
	km_flag_t kmf = canfail ? KM_NOSLEEP : KM_SLEEP;
	uint64_t vpn = va_to_vpn(va);
	struct soft_ptp *p;
	struct soft_ptl *leaf;
	unsigned int i;

	KASSERT(mutex_owned(&soft_lock));
	KASSERT(vpn < ((uint64_t)1 << SOFT_VPN_BITS));
	if (pm->pm_root == NULL) {
		pm->pm_root = kmem_zalloc(sizeof(struct soft_ptp), kmf);
		if (pm->pm_root == NULL)
			return NULL;
	}
	p = pm->pm_root;
	for (int level = SOFT_PT_LEVELS - 1; level > 1; level--) {
		i = vpn_index(vpn, level);
		if (p->pt_slot[i] == NULL) {
			p->pt_slot[i] = kmem_zalloc(sizeof(struct soft_ptp),
			    kmf);
			if (p->pt_slot[i] == NULL)
				return NULL;
			p->pt_count++;
		}
		p = p->pt_slot[i];
	}
	i = vpn_index(vpn, 1);
	if (p->pt_slot[i] == NULL) {
		p->pt_slot[i] = kmem_zalloc(sizeof(struct soft_ptl), kmf);
		if (p->pt_slot[i] == NULL)
			return NULL;
		p->pt_count++;
	}
	leaf = p->pt_slot[i];
	return &leaf->pt_pte[vpn_index(vpn, 0)];
}

/*
 * Walk the valid PTEs of [svpn, evpn), calling fn on each; fn returns
 * true if it invalidated the PTE.  Tables left empty are freed.
 */
typedef bool (*pte_fn)(struct pmap *, vaddr_t, uint64_t *, void *);

/* pmap_protect's PTE function and its argument (see soft_protect). */
struct protect_arg {
	uint64_t	keep;
	bool		changed;
};
static bool	pte_protect(struct pmap *, vaddr_t, uint64_t *, void *);

static void
pt_walk(struct pmap *pm, void **slotp, int level, uint64_t base,
    uint64_t svpn, uint64_t evpn, pte_fn fn, void *arg,
    unsigned int *parentcount)
{
	uint64_t span = (uint64_t)1 << (SOFT_PT_BITS * level);
	uint64_t i0, i1;

	i0 = svpn > base ? (svpn - base) / span : 0;
	i1 = (evpn - base + span - 1) / span;
	if (i1 > SOFT_PT_NSLOTS)
		i1 = SOFT_PT_NSLOTS;
	if (level == 0) {
		struct soft_ptl *leaf = *slotp;

		if (fn == pte_protect && !pm->pm_kernel) {
			/*
			 * Write-protecting a user range (every fork does
			 * it over all of a process's private memory): a
			 * tight loop the compiler can vectorize instead of
			 * a call per PTE.
			 */
			struct protect_arg *pa = arg;
			uint64_t clear = PTE_PROT & ~pa->keep, any = 0;

			for (uint64_t i = i0; i < i1; i++) {
				uint64_t pte = leaf->pt_pte[i];
				uint64_t hit = (pte & PTE_V) != 0 ?
				    pte & clear : 0;

				any |= hit;
				leaf->pt_pte[i] = pte & ~hit;
			}
			if (any != 0)
				pa->changed = true;
			return;
		}
		for (uint64_t i = i0; i < i1; i++) {
			if ((leaf->pt_pte[i] & PTE_V) == 0)
				continue;
			if ((*fn)(pm, (vaddr_t)((base + i) << PAGE_SHIFT),
			    &leaf->pt_pte[i], arg))
				leaf->pt_count--;
		}
		if (leaf->pt_count == 0) {
			kmem_free(leaf, sizeof(*leaf));
			*slotp = NULL;
			if (parentcount != NULL)
				(*parentcount)--;
		}
		return;
	}
	struct soft_ptp *p = *slotp;
	for (uint64_t i = i0; i < i1; i++) {
		if (p->pt_slot[i] == NULL)
			continue;
		pt_walk(pm, &p->pt_slot[i], level - 1, base + i * span,
		    svpn, evpn, fn, arg, &p->pt_count);
	}
	if (p->pt_count == 0) {
		kmem_free(p, sizeof(*p));
		*slotp = NULL;
		if (parentcount != NULL)
			(*parentcount)--;
	}
}

static void
pt_range(struct pmap *pm, vaddr_t sva, vaddr_t eva, pte_fn fn, void *arg)
{
	uint64_t evpn;

	KASSERT(mutex_owned(&soft_lock));
	if (pm->pm_root == NULL || eva <= sva)
		return;
	evpn = va_to_vpn(eva - 1) + 1;
	pt_walk(pm, (void **)&pm->pm_root, SOFT_PT_LEVELS - 1, 0,
	    va_to_vpn(sva), evpn, fn, arg, NULL);
}

/* ---------------------------------------------------------------------
 * pv lists and page attributes.
 */

/*
 * Free pv entries are kept on a list under soft_lock (at most
 * SOFT_PVCACHE of them) before going back to the pool: pmap_enter
 * takes one with the lock it takes anyway, instead of a round trip
 * through the pool's own lock, which the pagedaemon freeing entries on
 * another CPU (pmap_page_protect) would otherwise bounce with every
 * fault.
 */
#define SOFT_PVCACHE	256
static struct soft_pv *soft_pvcache;	/* s: free entries, by pv_next */
static int soft_pvcache_n;		/* s: how many */

/* A free pv entry from the pool (nothing locked), or NULL (canfail). */
static struct soft_pv *
pv_alloc(bool canfail)
{
	KASSERT(soft_pv_pool_ready);
	return pool_get(&soft_pv_pool, canfail ? PR_NOWAIT : PR_WAITOK);
}

/* A free pv entry from the list, or NULL (soft_lock held). */
static struct soft_pv *
pv_alloc_cached(void)
{
	struct soft_pv *pv = soft_pvcache;

	KASSERT(mutex_owned(&soft_lock));
	if (pv != NULL) {
		soft_pvcache = pv->pv_next;
		soft_pvcache_n--;
	}
	return pv;
}

/* Free pv (soft_lock held). */
static void
pv_free(struct soft_pv *pv)
{
	KASSERT(mutex_owned(&soft_lock));
	if (soft_pvcache_n < SOFT_PVCACHE) {
		pv->pv_next = soft_pvcache;
		soft_pvcache = pv;
		soft_pvcache_n++;
		return;
	}
	pool_put(&soft_pv_pool, pv);
}

static void
pv_insert(struct vm_page *pg, struct soft_pv *pv, struct pmap *pm,
    vaddr_t va)
{
	uintptr_t w = pg->mdpage.mdpg_word;

	KASSERT(((uintptr_t)pv & MD_ATTRS) == 0);
	pv->pv_pmap = pm;
	pv->pv_va = va;
	pv->pv_next = MD_PV(w);
	pg->mdpage.mdpg_word = (uintptr_t)pv | (w & MD_ATTRS);
}

static void
pv_remove(struct vm_page *pg, struct pmap *pm, vaddr_t va)
{
	uintptr_t w = pg->mdpage.mdpg_word;
	struct soft_pv *pv, **pvp;
	struct soft_pv *head = MD_PV(w);

	for (pvp = &head; (pv = *pvp) != NULL; pvp = &pv->pv_next) {
		if (pv->pv_pmap == pm && pv->pv_va == va)
			break;
	}
	KASSERTMSG(pv != NULL, "pv_remove: pa %#jx not mapped at %#jx",
	    (uintmax_t)VM_PAGE_TO_PHYS(pg), (uintmax_t)va);
	*pvp = pv->pv_next;
	pg->mdpage.mdpg_word = (uintptr_t)head | (w & MD_ATTRS);
	pv_free(pv);
}

/*
 * Attributes the kernel pmap pins: its mappings are accessed by host
 * loads and stores that the pmap cannot see.
 */
static uintptr_t
pg_kernel_attrs(struct vm_page *pg)
{
	uintptr_t attrs = 0;

	for (struct soft_pv *pv = MD_PV(pg->mdpage.mdpg_word); pv != NULL;
	    pv = pv->pv_next) {
		if (!pv->pv_pmap->pm_kernel)
			continue;
		uint64_t *ptep = pte_lookup(pv->pv_pmap, pv->pv_va);
		KASSERT(ptep != NULL && (*ptep & PTE_V));
		attrs |= MD_REF;
		if (*ptep & PTE_W)
			attrs |= MD_MOD;
	}
	return attrs;
}

static void
pg_shootdown(struct vm_page *pg)
{
	for (struct soft_pv *pv = MD_PV(pg->mdpage.mdpg_word); pv != NULL;
	    pv = pv->pv_next)
		soft_tlb_shootdown(pv->pv_pmap);
}

/* ---------------------------------------------------------------------
 * Removing one mapping.
 */

/* Invalidate one PTE: pv, statistics, the host mapping.  soft_lock held. */
static bool
pte_zap(struct pmap *pm, vaddr_t va, uint64_t *ptep, void *arg)
{
	uint64_t pte = *ptep;
	bool *changed = arg;

	KASSERT(pte & PTE_V);
	if (pte & PTE_MANAGED)
		pv_remove(PHYS_TO_VM_PAGE(PTE_PA(pte)), pm, va);
	if (pte & PTE_WIRED)
		pm->pm_stats.wired_count--;
	pm->pm_stats.resident_count--;
	if (pm->pm_kernel && kern_hostva_unmap(va, PAGE_SIZE) != 0)
		panic("soft pmap: cannot unmap kernel va %#jx",
		    (uintmax_t)va);
	*ptep = 0;
	if (changed != NULL)
		*changed = true;
	return true;
}

static bool
pte_zap_kenter(struct pmap *pm, vaddr_t va, uint64_t *ptep, void *arg)
{
	KASSERTMSG((*ptep & PTE_KENTER) != 0,
	    "pmap_kremove: va %#jx was not entered by pmap_kenter_pa",
	    (uintmax_t)va);
	return pte_zap(pm, va, ptep, arg);
}

/* ---------------------------------------------------------------------
 * pmap(9)
 */

static struct pmap *
soft_kernel(void)
{
	return &soft_kernel_pmap;
}

static struct pmap *
soft_create(void)
{
	struct pmap *pm = kmem_zalloc(sizeof(*pm), KM_SLEEP);

	pm->pm_refcnt = 1;
	pm->pm_gen = soft_newgen();
	mutex_enter(&soft_lock);
	LIST_INSERT_HEAD(&soft_pmaps, pm, pm_list);
	mutex_exit(&soft_lock);
	return pm;
}

static void
soft_reference(struct pmap *pm)
{
	atomic_inc_uint(&pm->pm_refcnt);
}

/* Free a tree whose PTEs are all invalid. */
static void
pt_free(void *node, int level)
{
	if (level == 0) {
		kmem_free(node, sizeof(struct soft_ptl));
		return;
	}
	struct soft_ptp *p = node;
	for (unsigned int i = 0; i < SOFT_PT_NSLOTS; i++)
		if (p->pt_slot[i] != NULL)
			pt_free(p->pt_slot[i], level - 1);
	kmem_free(p, sizeof(*p));
}

/*
 * soft_destroy: drop a reference; the last one frees the pmap.
 *
 * => the pmap must have no mappings left by then (UVM removes them
 *    first, with pmap_remove or pmap_remove_all).
 */
static void
soft_destroy(struct pmap *pm)
{
	KASSERT(pm != &soft_kernel_pmap);
	KASSERT(pm->pm_refcnt > 0);
	if (atomic_dec_uint_nv(&pm->pm_refcnt) > 0)
		return;
	KASSERTMSG(pm->pm_stats.resident_count == 0,
	    "pmap_destroy: %ld pages still mapped",
	    pm->pm_stats.resident_count);
	mutex_enter(&soft_lock);
	KASSERTMSG(pm->pm_list.le_prev != NULL, "pmap_destroy: pmap %p"
	    " outlived its machine", pm);
	LIST_REMOVE(pm, pm_list);
	if (pm->pm_nactive > 0)
		soft_tlb_forget(pm);
	mutex_exit(&soft_lock);
	if (pm->pm_root != NULL)
		pt_free(pm->pm_root, SOFT_PT_LEVELS - 1);
	kmem_free(pm, sizeof(*pm));
}

static void
soft_stats(struct pmap *pm, struct pmap_statistics *st)
{
	mutex_enter(&soft_lock);
	*st = pm->pm_stats;
	mutex_exit(&soft_lock);
}

/*
 * soft_enter: map pa at va in pm with protection prot.
 *
 * => flags: the access type that caused the mapping (VM_PROT_*, at most
 *    prot: it sets the page's referenced/modified attributes), PMAP_WIRED,
 *    PMAP_CANFAIL.
 * => an existing mapping at va is replaced; the same page keeps its pv
 *    entry, and the wired bit becomes PMAP_WIRED's.
 * => ENOMEM (and nothing changed) only with PMAP_CANFAIL; without it the
 *    pmap sleeps for memory and never fails.
 */
static int
soft_enter(struct pmap *pm, vaddr_t va, paddr_t pa, vm_prot_t prot,
    unsigned int flags)
{
	bool canfail = (flags & PMAP_CANFAIL) != 0;
	vm_prot_t access = flags & VM_PROT_ALL;
	struct vm_page *pg;
	struct soft_pv *pv = NULL;
	uint64_t *ptep, opte, npte;

	KASSERT((va & PAGE_MASK) == 0 && (pa & PAGE_MASK) == 0);
	KASSERTMSG(soft_va_ok(pm, va), "pmap_enter: va %#jx outside the"
	    " pmap's range", (uintmax_t)va);
	KASSERTMSG(pa + PAGE_SIZE <= kern_physmem_size(),
	    "pmap_enter: pa %#jx beyond physical memory", (uintmax_t)pa);
	KASSERTMSG((access & ~prot) == 0, "pmap_enter: access %#x beyond"
	    " protection %#x", access, prot);

	if (canfail && kern_fault_check(KFI_PMAP_ENTER))
		return ENOMEM;
	pg = PHYS_TO_VM_PAGE(pa);
	npte = pa | PTE_V | prot_to_pte(prot);
	if (flags & PMAP_WIRED)
		npte |= PTE_WIRED;
	if (pg != NULL)
		npte |= PTE_MANAGED;

	mutex_enter(&soft_lock);
	if (pg != NULL && (pv = pv_alloc_cached()) == NULL) {
		mutex_exit(&soft_lock);
		pv = pv_alloc(canfail);
		if (pv == NULL)
			return ENOMEM;
		mutex_enter(&soft_lock);
	}
	ptep = pte_alloc(pm, va, canfail);
	if (ptep == NULL) {
		if (pv != NULL)
			pv_free(pv);
		mutex_exit(&soft_lock);
		return ENOMEM;
	}
	opte = *ptep;
	KASSERTMSG((opte & PTE_KENTER) == 0, "pmap_enter: va %#jx has a"
	    " pmap_kenter_pa mapping", (uintmax_t)va);
	if (pm->pm_kernel) {
		/* Make the mapping real first: a failure changes nothing. */
		int error = kern_hostva_map_phys(va, PAGE_SIZE, pa, prot);
		if (error != 0) {
			if (!canfail)
				panic("pmap_enter: kernel va %#jx: error %d",
				    (uintmax_t)va, error);
			if (pv != NULL)
				pv_free(pv);
			mutex_exit(&soft_lock);
			return ENOMEM;
		}
	}
	if (opte & PTE_V) {
		if (PTE_PA(opte) == pa && (opte & PTE_MANAGED)) {
			/* Same page: keep its pv entry. */
			pv_free(pv);
			pv = NULL;
		} else if (opte & PTE_MANAGED) {
			pv_remove(PHYS_TO_VM_PAGE(PTE_PA(opte)), pm, va);
		}
		if (opte & PTE_WIRED)
			pm->pm_stats.wired_count--;
		pm->pm_stats.resident_count--;
	} else {
		struct soft_ptp *p = pm->pm_root;
		uint64_t vpn = va_to_vpn(va);
		for (int level = SOFT_PT_LEVELS - 1; level > 1; level--)
			p = p->pt_slot[vpn_index(vpn, level)];
		((struct soft_ptl *)p->pt_slot[vpn_index(vpn, 1)])->pt_count++;
	}
	if (pv != NULL)
		pv_insert(pg, pv, pm, va);
	if (pg != NULL) {
		if (access & VM_PROT_WRITE)
			pg->mdpage.mdpg_word |= MD_REF | MD_MOD;
		else if (access != VM_PROT_NONE)
			pg->mdpage.mdpg_word |= MD_REF;
	}
	*ptep = npte;
	pm->pm_stats.resident_count++;
	if (npte & PTE_WIRED)
		pm->pm_stats.wired_count++;
	if (opte & PTE_V)
		soft_tlb_shootdown(pm);
	mutex_exit(&soft_lock);
	return 0;
}

static void
soft_remove(struct pmap *pm, vaddr_t sva, vaddr_t eva)
{
	bool changed = false;

	KASSERT(sva <= eva);
	mutex_enter(&soft_lock);
	pt_range(pm, sva, eva, pte_zap, &changed);
	if (changed)
		soft_tlb_shootdown(pm);
	mutex_exit(&soft_lock);
}

/*
 * soft_remove_all: remove every mapping of a user pmap that is going
 * away.  Returns true: the pmap is empty, so UVM need not pmap_remove()
 * the entries it is about to unmap.
 */
static bool
soft_remove_all(struct pmap *pm)
{
	KASSERT(pm != &soft_kernel_pmap);
	soft_remove(pm, VM_MIN_ADDRESS, VM_MAXUSER_ADDRESS);
	KASSERT(pm->pm_stats.resident_count == 0);
	return true;
}


static bool
pte_protect(struct pmap *pm, vaddr_t va, uint64_t *ptep, void *arg)
{
	struct protect_arg *pa = arg;
	uint64_t opte = *ptep, npte;

	npte = opte & ~(PTE_PROT & ~pa->keep);
	if (npte == opte)
		return false;
	if (pm->pm_kernel &&
	    kern_hostva_protect(va, PAGE_SIZE, pte_to_prot(npte)) != 0)
		panic("soft pmap: cannot protect kernel va %#jx",
		    (uintmax_t)va);
	*ptep = npte;
	pa->changed = true;
	return false;
}

/*
 * soft_protect: take permissions away from [sva, eva).  A protection
 * without VM_PROT_READ removes the mappings; permissions are never
 * added here (that is pmap_enter's job).
 */
static void
soft_protect(struct pmap *pm, vaddr_t sva, vaddr_t eva, vm_prot_t prot)
{
	struct protect_arg arg;

	if ((prot & VM_PROT_READ) == 0) {
		soft_remove(pm, sva, eva);
		return;
	}
	arg.keep = prot_to_pte(prot);
	arg.changed = false;
	mutex_enter(&soft_lock);
	pt_range(pm, sva, eva, pte_protect, &arg);
	if (arg.changed)
		soft_tlb_shootdown(pm);
	mutex_exit(&soft_lock);
}

static void
soft_unwire(struct pmap *pm, vaddr_t va)
{
	uint64_t *ptep;

	mutex_enter(&soft_lock);
	ptep = pte_lookup(pm, va);
	KASSERTMSG(ptep != NULL && (*ptep & PTE_V),
	    "pmap_unwire: va %#jx not mapped", (uintmax_t)va);
	if (*ptep & PTE_WIRED) {
		*ptep &= ~PTE_WIRED;
		pm->pm_stats.wired_count--;
	}
	mutex_exit(&soft_lock);
}

static bool
soft_extract(struct pmap *pm, vaddr_t va, paddr_t *pap)
{
	uint64_t *ptep;
	bool rv = false;

	mutex_enter(&soft_lock);
	ptep = pte_lookup(pm, va);
	if (ptep != NULL && (*ptep & PTE_V)) {
		if (pap != NULL)
			*pap = PTE_PA(*ptep) | (va & PAGE_MASK);
		rv = true;
	}
	mutex_exit(&soft_lock);
	return rv;
}

/*
 * soft_kenter_pa: an unmanaged, wired-by-nature kernel mapping.  No pv
 * entry, no attributes; it may replace another pmap_kenter_pa mapping.
 */
static void
soft_kenter_pa(vaddr_t va, paddr_t pa, vm_prot_t prot, unsigned int flags)
{
	struct pmap *pm = &soft_kernel_pmap;
	uint64_t *ptep, opte;
	int error;

	KASSERT((va & PAGE_MASK) == 0 && (pa & PAGE_MASK) == 0);
	KASSERTMSG(soft_kva_p(va, PAGE_SIZE), "pmap_kenter_pa: va %#jx is"
	    " not a kernel address", (uintmax_t)va);
	KASSERT(pa + PAGE_SIZE <= kern_physmem_size());
	mutex_enter(&soft_lock);
	ptep = pte_alloc(pm, va, false);
	opte = *ptep;
	KASSERTMSG((opte & PTE_V) == 0 || (opte & PTE_KENTER) != 0,
	    "pmap_kenter_pa: va %#jx has a managed mapping", (uintmax_t)va);
	error = kern_hostva_map_phys(va, PAGE_SIZE, pa, prot);
	if (error != 0)
		panic("pmap_kenter_pa: va %#jx: error %d", (uintmax_t)va,
		    error);
	*ptep = pa | PTE_V | PTE_KENTER | prot_to_pte(prot);
	if (opte & PTE_V) {
		soft_tlb_shootdown(pm);
	} else {
		struct soft_ptp *p = pm->pm_root;
		uint64_t vpn = va_to_vpn(va);
		for (int level = SOFT_PT_LEVELS - 1; level > 1; level--)
			p = p->pt_slot[vpn_index(vpn, level)];
		((struct soft_ptl *)p->pt_slot[vpn_index(vpn, 1)])->pt_count++;
		pm->pm_stats.resident_count++;
	}
	mutex_exit(&soft_lock);
}

static void
soft_kremove(vaddr_t va, vsize_t size)
{
	bool changed = false;

	KASSERT(((va | size) & PAGE_MASK) == 0);
	KASSERT(soft_kva_p(va, size));
	mutex_enter(&soft_lock);
	pt_range(&soft_kernel_pmap, va, va + size, pte_zap_kenter, &changed);
	if (changed)
		soft_tlb_shootdown(&soft_kernel_pmap);
	mutex_exit(&soft_lock);
}

/* pmap_copy is advisory (pmap(9)); the soft pmap does not pre-copy. */
static void
soft_copy(struct pmap *dst, struct pmap *src, vaddr_t dva, vsize_t len,
    vaddr_t sva)
{
	(void)dst; (void)src; (void)dva; (void)len; (void)sva;
}

/* Every change takes effect before its function returns. */
static void
soft_update(struct pmap *pm)
{
	(void)pm;
}

static void
soft_zero_page(paddr_t pa)
{
	KASSERT((pa & PAGE_MASK) == 0 && pa + PAGE_SIZE <= kern_physmem_size());
	memset(PMAP_DIRECT_MAP(pa), 0, PAGE_SIZE);
}

static void
soft_copy_page(paddr_t src, paddr_t dst)
{
	KASSERT(((src | dst) & PAGE_MASK) == 0);
	KASSERT(src + PAGE_SIZE <= kern_physmem_size());
	KASSERT(dst + PAGE_SIZE <= kern_physmem_size());
	memcpy(PMAP_DIRECT_MAP(dst), PMAP_DIRECT_MAP(src), PAGE_SIZE);
}

/*
 * soft_page_protect: lower the permission of every mapping of pg to
 * prot: VM_PROT_NONE removes them all, read-only write-protects them,
 * anything with write leaves them be.
 */
static void
soft_page_protect(struct vm_page *pg, vm_prot_t prot)
{
	struct soft_pv *pv;

	if (prot & VM_PROT_WRITE)
		return;
	mutex_enter(&soft_lock);
	if ((prot & (VM_PROT_READ | VM_PROT_EXECUTE)) == 0) {
		while ((pv = MD_PV(pg->mdpage.mdpg_word)) != NULL) {
			struct pmap *pm = pv->pv_pmap;
			vaddr_t va = pv->pv_va;

			pt_range(pm, va, va + PAGE_SIZE, pte_zap, NULL);
			soft_tlb_shootdown(pm);
		}
	} else {
		struct protect_arg arg;

		arg.keep = prot_to_pte(prot);
		for (pv = MD_PV(pg->mdpage.mdpg_word); pv != NULL;
		    pv = pv->pv_next) {
			arg.changed = false;
			pt_range(pv->pv_pmap, pv->pv_va, pv->pv_va + PAGE_SIZE,
			    pte_protect, &arg);
			if (arg.changed)
				soft_tlb_shootdown(pv->pv_pmap);
		}
	}
	mutex_exit(&soft_lock);
}

static bool
soft_test_attr(struct vm_page *pg, uintptr_t bit)
{
	bool rv;

	mutex_enter(&soft_lock);
	rv = ((pg->mdpage.mdpg_word | pg_kernel_attrs(pg)) & bit) != 0;
	mutex_exit(&soft_lock);
	return rv;
}

/*
 * Clearing an attribute shoots down the TLB entries of every mapping of
 * the page, so the next access through one of them sets it again.
 */
static bool
soft_clear_attr(struct vm_page *pg, uintptr_t bit)
{
	bool rv;

	mutex_enter(&soft_lock);
	rv = ((pg->mdpage.mdpg_word | pg_kernel_attrs(pg)) & bit) != 0;
	if (pg->mdpage.mdpg_word & bit) {
		pg->mdpage.mdpg_word &= ~bit;
		pg_shootdown(pg);
	}
	mutex_exit(&soft_lock);
	return rv;
}

static bool
soft_clear_modify(struct vm_page *pg)
{
	return soft_clear_attr(pg, MD_MOD);
}

static bool
soft_clear_reference(struct vm_page *pg)
{
	return soft_clear_attr(pg, MD_REF);
}

static bool
soft_is_modified(struct vm_page *pg)
{
	return soft_test_attr(pg, MD_MOD);
}

static bool
soft_is_referenced(struct vm_page *pg)
{
	return soft_test_attr(pg, MD_REF);
}

/*
 * soft_translate: the page-table walk behind a TLB miss.
 *
 * => EFAULT if va has no valid mapping or lacks `access'.
 * => otherwise sets the page's attributes as the access does, fills te
 *    and returns 0.  te grants write only once the page is modified.
 */
int
soft_translate(struct pmap *pm, vaddr_t va, vm_prot_t access,
    struct soft_tlbe *te)
{
	uint64_t *ptep, pte;
	vm_prot_t prot;

	mutex_enter(&soft_lock);
	ptep = pte_lookup(pm, va);
	if (ptep == NULL || ((pte = *ptep) & PTE_V) == 0 ||
	    (access & ~pte_to_prot(pte)) != 0) {
		mutex_exit(&soft_lock);
		return EFAULT;
	}
	prot = pte_to_prot(pte);
	if (pte & PTE_MANAGED) {
		struct vm_page *pg = PHYS_TO_VM_PAGE(PTE_PA(pte));

		KASSERT(pg != NULL);
		pg->mdpage.mdpg_word |= MD_REF;
		if (access & VM_PROT_WRITE)
			pg->mdpage.mdpg_word |= MD_MOD;
		if ((pg->mdpage.mdpg_word & MD_MOD) == 0)
			prot &= ~VM_PROT_WRITE;
	}
	te->te_va = trunc_page(va);
	te->te_pm = pm;
	te->te_gen = __atomic_load_n(&pm->pm_gen, __ATOMIC_RELAXED);
	te->te_kva = PMAP_DIRECT_MAP(PTE_PA(pte));
	te->te_prot = prot;
	mutex_exit(&soft_lock);
	return 0;
}

/* ---------------------------------------------------------------------
 * Bootstrap and shutdown.
 */

static int
soft_bootstrap(void)
{
	vsize_t size;
	vaddr_t va;
	int error;

	if (kern_physmem_fd() < 0)
		return ENODEV;	/* kernel pages cannot be mapped twice */
	size = (vsize_t)kern_physmem_size() * 4;
	if (size < SOFT_KVA_MIN)
		size = SOFT_KVA_MIN;
	if (size > SOFT_KVA_MAX)
		size = SOFT_KVA_MAX;
	size = roundup(size, SOFT_KVA_ALIGN);
	error = kern_hostva_reserve(size, SOFT_KVA_ALIGN, &va);
	if (error != 0)
		return error;
	pmap_kva_start = va;
	pmap_kva_end = va + size;
	mutex_init(&soft_lock, MUTEX_DEFAULT, IPL_VM);
	memset(&soft_kernel_pmap, 0, sizeof(soft_kernel_pmap));
	soft_kernel_pmap.pm_refcnt = 1;
	soft_kernel_pmap.pm_kernel = true;
	soft_kernel_pmap.pm_gen = soft_newgen();
	LIST_INIT(&soft_pmaps);
	soft_tlb_bootstrap();
	return 0;
}

static void
soft_init(void)
{
	pool_init(&soft_pv_pool, sizeof(struct soft_pv), 8, 0, 0, "pvpl",
	    NULL, IPL_VM);
	soft_pvcache = NULL;
	soft_pvcache_n = 0;
	soft_pv_pool_ready = true;
}

static bool
pte_drop(struct pmap *pm, vaddr_t va, uint64_t *ptep, void *arg)
{
	uint64_t pte = *ptep;

	if (pte & PTE_MANAGED)
		pv_remove(PHYS_TO_VM_PAGE(PTE_PA(pte)), pm, va);
	*ptep = 0;
	return true;
}

/*
 * soft_shutdown: the machine is going away.  The kernel pmap's mappings
 * are dropped with the window (the host address space is given back in
 * one piece) and every lwp's TLB is freed.  A user pmap still alive (its
 * vmspace was never freed) loses its mappings and tables, so nothing
 * refers to the machine's pages any more; the pmap itself stays its
 * owner's to destroy.
 */
static void
soft_shutdown(void)
{
	struct pmap *pm;

	mutex_enter(&soft_lock);
	while ((pm = LIST_FIRST(&soft_pmaps)) != NULL) {
		LIST_REMOVE(pm, pm_list);
		pt_range(pm, VM_MIN_ADDRESS, VM_MAXUSER_ADDRESS, pte_drop,
		    NULL);
		if (pm->pm_root != NULL)
			pt_free(pm->pm_root, SOFT_PT_LEVELS - 1);
		pm->pm_root = NULL;
		memset(&pm->pm_stats, 0, sizeof(pm->pm_stats));
		pm->pm_nactive = 0;
		pm->pm_list.le_prev = NULL;
	}
	pt_range(&soft_kernel_pmap, pmap_kva_start, pmap_kva_end, pte_drop,
	    NULL);
	if (soft_kernel_pmap.pm_root != NULL)
		pt_free(soft_kernel_pmap.pm_root, SOFT_PT_LEVELS - 1);
	soft_kernel_pmap.pm_root = NULL;
	mutex_exit(&soft_lock);
	kern_hostva_release(pmap_kva_start, pmap_kva_end - pmap_kva_start);
	pmap_kva_start = pmap_kva_end = 0;
	soft_tlb_shutdown();
	if (soft_pv_pool_ready) {
		while (soft_pvcache != NULL) {
			struct soft_pv *pv = soft_pvcache;

			soft_pvcache = pv->pv_next;
			pool_put(&soft_pv_pool, pv);
		}
		soft_pvcache_n = 0;
		pool_destroy(&soft_pv_pool);
		soft_pv_pool_ready = false;
	}
	mutex_destroy(&soft_lock);
}

static void
soft_virtual_space(vaddr_t *startp, vaddr_t *endp)
{
	*startp = pmap_kva_start;
	*endp = pmap_kva_end;
}

const struct pmap_backend pmap_soft_backend = {
	.pb_name = "soft",
	.pb_bootstrap = soft_bootstrap,
	.pb_shutdown = soft_shutdown,
	.pb_init = soft_init,
	.pb_virtual_space = soft_virtual_space,
	.pb_kernel = soft_kernel,
	.pb_create = soft_create,
	.pb_destroy = soft_destroy,
	.pb_reference = soft_reference,
	.pb_stats = soft_stats,
	.pb_enter = soft_enter,
	.pb_remove = soft_remove,
	.pb_remove_all = soft_remove_all,
	.pb_protect = soft_protect,
	.pb_unwire = soft_unwire,
	.pb_extract = soft_extract,
	.pb_kenter_pa = soft_kenter_pa,
	.pb_kremove = soft_kremove,
	.pb_copy = soft_copy,
	.pb_update = soft_update,
	.pb_activate = soft_activate,
	.pb_deactivate = soft_deactivate,
	.pb_zero_page = soft_zero_page,
	.pb_copy_page = soft_copy_page,
	.pb_page_protect = soft_page_protect,
	.pb_clear_modify = soft_clear_modify,
	.pb_clear_reference = soft_clear_reference,
	.pb_is_modified = soft_is_modified,
	.pb_is_referenced = soft_is_referenced,
	.pb_copyin = soft_copyin,
	.pb_copyout = soft_copyout,
	.pb_copyinstr = soft_copyinstr,
	.pb_copyoutstr = soft_copyoutstr,
	.pb_kcopy = soft_kcopy,
	.pb_lwp_init = soft_lwp_init,
	.pb_lwp_fini = soft_lwp_fini,
};
