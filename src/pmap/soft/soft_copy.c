/*
 * soft_copy.c: the soft pmap's CPU: a per-lwp TLB and the copy(9)
 * family that accesses address spaces through it.
 *
 * A hosted machine has no instructions that touch user memory; the only
 * accesses to an address space are copyin(), copyout() and friends.  So
 * they are the CPU here: each access translates its virtual page through
 * the lwp's TLB, on a miss walks the page tables (soft_translate), and on
 * a missing translation or a protection violation takes a "page fault":
 * calls pmap_fault_hook (uvm_fault) and retries, or fails with EFAULT.
 *
 * The TLB is direct mapped by virtual page number, SOFT_TLB_SIZE entries
 * per lwp.  An entry names its pmap and the pmap's generation when it was
 * filled; every change to a pmap that takes a permission away gives the
 * pmap a fresh generation (soft_tlb_shootdown), so stale entries miss.
 * Generations come from one global counter and are never reused, so an
 * entry of a destroyed pmap can never match a new pmap at the same
 * address.
 *
 * The hit path takes no lock.  What stops an lwp from copying through an
 * entry that was valid when it checked it, while another lwp removes the
 * mapping and frees the page, is the shootdown handshake (Dekker style,
 * both sides sequentially consistent):
 *
 *	accessing lwp			changing lwp (soft_lock held)
 *	tl_busy = pm			change the PTE
 *	if (te_gen == pm_gen)		pm_gen = fresh
 *		copy			while (some tl_busy == pm)
 *	tl_busy = NULL				wait
 *
 * Either the accessing lwp sees the fresh generation (and walks the
 * tables again, under soft_lock), or the changing lwp sees it busy and
 * waits for its copy to finish before it returns to its caller.  This
 * is the TLB shootdown a multiprocessor kernel does with IPIs.
 *
 * The accessing side's store-then-load needs a full fence, which costs
 * as much as a 4 KiB copy; where the host has membarrier(2) the fence
 * moves to the shootdown instead (kern_membarrier_sync makes every
 * thread execute one), and is skipped there too when no other thread
 * has a TLB.  Not on a machine with a threaded pagedaemon, whose
 * shootdowns under memory pressure come as often as accesses.
 *
 * Reads (copyin, copyinstr, ufetch) skip the handshake altogether: they
 * read the generation, copy, and read it again, as a seqlock reader
 * does.  If it changed, the bytes may come from a page already taken
 * away, so they are thrown away and the chunk is translated and copied
 * again; nothing read through a stale entry is ever returned.  Writes
 * cannot be undone that way, so copyout and kcopy keep the handshake.
 *
 * Kernel addresses (vm == NULL, or a vmspace on the kernel pmap) outside
 * the kernel window are ordinary host memory (kmem, stacks) and are
 * copied directly; inside the window they are translated through the
 * kernel pmap like user addresses, so kcopy() reports EFAULT for an
 * unmapped kernel address instead of crashing, and pageable kernel
 * memory is faulted in.  copyin/copyout with a kernel buffer inside the
 * window bounce through kcopy() for the same reason.
 *
 * Locking: the TLB belongs to its lwp (tl_busy is atomic); the list of
 * TLBs is under soft_tlb_lock, taken after soft_lock.
 */

#include "soft_pmap.h"

static kmutex_t soft_tlb_lock;
static LIST_HEAD(, soft_tlb) soft_tlbs;
static uint64_t soft_gen_counter;	/* never reset */
static uint64_t soft_epoch;		/* machines booted (see soft_tlb_get) */
static bool soft_asym;			/* kern_membarrier_sync() works */
static unsigned int soft_ntlbs;		/* t: TLBs on soft_tlbs */

/*
 * A fault the handler reports as resolved but that persists is retried
 * this many times for one page before the access fails with EFAULT
 * (the pagedaemon may legitimately take a just-faulted page away again).
 */
#define SOFT_MAX_REFAULTS	64

uint64_t
soft_newgen(void)
{
	return __atomic_add_fetch(&soft_gen_counter, 1, __ATOMIC_SEQ_CST);
}

void
soft_tlb_bootstrap(void)
{
	mutex_init(&soft_tlb_lock, MUTEX_DEFAULT, IPL_VM);
	LIST_INIT(&soft_tlbs);
	soft_ntlbs = 0;
	soft_epoch++;
	/*
	 * The asymmetric barrier pays off only while shootdowns are rare
	 * next to accesses.  A machine with a pagedaemon thread is not
	 * such a machine under memory pressure (the machine says so in
	 * pmap_frequent_shootdowns): the daemon shoots down a page
	 * (clear_reference, page_protect) for about every page an lwp
	 * touches, each membarrier(2) an IPI to every CPU running one of
	 * our threads (b_paging threaded: 3x slower).  There the accessing
	 * side fences instead.  (Chosen at boot: switching with accesses
	 * in flight would not be safe.)
	 */
	soft_asym = !pmap_frequent_shootdowns && kern_membarrier_init();
	kern_lwp_dtor = soft_lwp_fini;
}

void
soft_tlb_shutdown(void)
{
	struct soft_tlb *tl;

	mutex_enter(&soft_tlb_lock);
	while ((tl = LIST_FIRST(&soft_tlbs)) != NULL) {
		LIST_REMOVE(tl, tl_list);
		soft_ntlbs--;
		KASSERT(tl->tl_busy == NULL);
		if (tl->tl_lwp != NULL)
			tl->tl_lwp->l_pmap_tlb = NULL;
		kmem_free(tl, sizeof(*tl));
	}
	mutex_exit(&soft_tlb_lock);
	kern_lwp_dtor = NULL;
	mutex_destroy(&soft_tlb_lock);
}

static struct soft_tlb *soft_tlb_peek(struct lwp *);

/*
 * soft_tlb_shootdown: invalidate every TLB entry of pm.
 *
 * => soft_lock held (the change to pm's tables is already made).
 * => on return, no lwp is using or can use a translation of pm that
 *    predates the call.
 */
void
soft_tlb_shootdown(struct pmap *pm)
{
	struct soft_tlb *tl;

	KASSERT(mutex_owned(&soft_lock));
	__atomic_store_n(&pm->pm_gen, soft_newgen(), __ATOMIC_SEQ_CST);
	mutex_enter(&soft_tlb_lock);
	/*
	 * With the asymmetric barrier, writers publish tl_busy without a
	 * fence of their own; make every thread fence now, unless no other
	 * thread has a TLB (then nobody can be busy but us, and we are not).
	 */
	if (soft_asym && (soft_ntlbs > 1 || (soft_ntlbs == 1 &&
	    LIST_FIRST(&soft_tlbs) != soft_tlb_peek(curlwp))))
		kern_membarrier_sync();
	LIST_FOREACH(tl, &soft_tlbs, tl_list) {
		while (__atomic_load_n(&tl->tl_busy, __ATOMIC_SEQ_CST) == pm)
			yield();
	}
	mutex_exit(&soft_tlb_lock);
}

static struct soft_tlb *
soft_tlb_alloc(struct lwp *l)
{
	struct soft_tlb *tl = kmem_zalloc(sizeof(*tl), KM_SLEEP);

	tl->tl_lwp = l;
	mutex_enter(&soft_tlb_lock);
	LIST_INSERT_HEAD(&soft_tlbs, tl, tl_list);
	soft_ntlbs++;
	mutex_exit(&soft_tlb_lock);
	return tl;
}

void
soft_lwp_init(struct lwp *l)
{
	KASSERT(l != &lwp0);
	KASSERT(l->l_pmap_tlb == NULL);
	l->l_pmap_tlb = soft_tlb_alloc(l);
}

void
soft_lwp_fini(struct lwp *l)
{
	struct soft_tlb *tl = l->l_pmap_tlb;

	if (tl == NULL)
		return;
	KASSERT(tl->tl_busy == NULL);
	if (tl->tl_active != NULL)
		soft_deactivate(l);
	mutex_enter(&soft_tlb_lock);
	LIST_REMOVE(tl, tl_list);
	soft_ntlbs--;
	mutex_exit(&soft_tlb_lock);
	l->l_pmap_tlb = NULL;
	kmem_free(tl, sizeof(*tl));
}

/*
 * Every host thread that has no lwp of its own runs as lwp0, so lwp0
 * may be on several host CPUs at once; each of them gets a TLB of its
 * own (thread-local, valid for the machine it was made in: soft_epoch
 * changes at every bootstrap, when the old ones are freed).
 */
static __thread struct soft_tlb *soft_lwp0_tlb;
static __thread uint64_t soft_lwp0_epoch;

/* l's TLB if it has one already (for lwp0: the calling thread's). */
static struct soft_tlb *
soft_tlb_peek(struct lwp *l)
{
	if (l == &lwp0)
		return soft_lwp0_epoch == __atomic_load_n(&soft_epoch,
		    __ATOMIC_RELAXED) ? soft_lwp0_tlb : NULL;
	return l->l_pmap_tlb;
}

struct soft_tlb *
soft_tlb_get(struct lwp *l)
{
	if (__predict_false(l == &lwp0)) {
		if (soft_lwp0_tlb == NULL ||
		    soft_lwp0_epoch != __atomic_load_n(&soft_epoch,
		    __ATOMIC_RELAXED)) {
			soft_lwp0_tlb = soft_tlb_alloc(NULL);
			soft_lwp0_epoch = soft_epoch;
		}
		return soft_lwp0_tlb;
	}
	if (__predict_false(l->l_pmap_tlb == NULL))
		soft_lwp_init(l);
	return l->l_pmap_tlb;
}

/*
 * pmap_activate: l's process now runs on its vmspace's pmap.  The soft
 * pmap counts the lwps each pmap is active on (a real one would load
 * the MMU's root pointer).  Activating an lwp that is active on another
 * pmap switches it; deactivating one that is active nowhere (an lwp
 * that never ran) does nothing.
 */
void
soft_activate(struct lwp *l)
{
	struct soft_tlb *tl = soft_tlb_get(l);
	struct vmspace *vm = l->l_proc->p_vmspace;

	KASSERT(vm != NULL && vm->vm_map.pmap != NULL);
	mutex_enter(&soft_lock);
	if (tl->tl_active != NULL) {
		KASSERT(tl->tl_active->pm_nactive > 0);
		tl->tl_active->pm_nactive--;
	}
	tl->tl_active = vm->vm_map.pmap;
	tl->tl_active->pm_nactive++;
	mutex_exit(&soft_lock);
}

void
soft_deactivate(struct lwp *l)
{
	struct soft_tlb *tl = soft_tlb_get(l);

	mutex_enter(&soft_lock);
	if (tl->tl_active != NULL) {
		KASSERT(tl->tl_active->pm_nactive > 0);
		tl->tl_active->pm_nactive--;
		tl->tl_active = NULL;
	}
	mutex_exit(&soft_lock);
}

/*
 * soft_tlb_forget: pm is being destroyed while lwps are still active on
 * it (a process torn down without switching away): they are active on
 * nothing now.  soft_lock held.
 */
void
soft_tlb_forget(struct pmap *pm)
{
	struct soft_tlb *tl;

	KASSERT(mutex_owned(&soft_lock));
	mutex_enter(&soft_tlb_lock);
	LIST_FOREACH(tl, &soft_tlbs, tl_list) {
		if (tl->tl_active == pm) {
			tl->tl_active = NULL;
			pm->pm_nactive--;
		}
	}
	mutex_exit(&soft_tlb_lock);
	KASSERT(pm->pm_nactive == 0);
}

/* ---------------------------------------------------------------------
 * Translation.
 */

static inline struct soft_tlbe *
tlb_slot(struct soft_tlb *tl, vaddr_t va)
{
	return &tl->tl_e[(va >> PAGE_SHIFT) & (SOFT_TLB_SIZE - 1)];
}

/*
 * The host address of va for access if te translates it in generation
 * gen of pm, or NULL.
 */
static inline char *
tlb_hit(struct soft_tlbe *te, struct pmap *pm, vaddr_t va, vm_prot_t access,
    uint64_t gen)
{
	vaddr_t pva = trunc_page(va);

	if (te->te_pm == pm && te->te_va == pva && te->te_gen == gen &&
	    (te->te_prot & access) == access)
		return te->te_kva + (va - pva);
	return NULL;
}

/*
 * The miss path, with tl_busy clear: walk the tables into te, or take
 * the fault and let the handler resolve it.  0: retry the access.
 */
static int
tlb_fill(struct soft_tlb *tl, struct soft_tlbe *te, struct vmspace *vm,
    struct pmap *pm, vaddr_t va, vm_prot_t access, int *nfaults)
{
	int (*hook)(struct vmspace *, vaddr_t, vm_prot_t);

	KASSERT(tl->tl_busy == NULL);
	te->te_pm = NULL;
	if (soft_translate(pm, va, access, te) == 0)
		return 0;
	hook = pmap_fault_hook;
	if (hook == NULL || ++*nfaults > SOFT_MAX_REFAULTS)
		return EFAULT;
	if ((*hook)(vm, va, access) != 0)
		return EFAULT;
	return 0;
}

/*
 * Publish that tl is about to access through pm, before reading pm's
 * generation.  A full fence, unless the shootdown side issues one on
 * every thread's behalf (soft_asym): then only the compiler must keep
 * the order.
 */
static inline void
tlb_busy(struct soft_tlb *tl, struct pmap *pm)
{
	if (__predict_true(soft_asym)) {
		__atomic_store_n(&tl->tl_busy, pm, __ATOMIC_RELAXED);
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
	} else {
		__atomic_store_n(&tl->tl_busy, pm, __ATOMIC_SEQ_CST);
	}
}

static inline void
tlb_idle(struct soft_tlb *tl)
{
	__atomic_store_n(&tl->tl_busy, NULL, __ATOMIC_RELEASE);
}

static struct pmap *
vm_pmap(struct vmspace *vm)
{
	struct pmap *pm = vm == NULL ? &soft_kernel_pmap : vm->vm_map.pmap;

	KASSERT(pm != NULL);
	return pm;
}

/* Is [va, va+len) an address range pm can translate at all? */
static bool
range_ok(struct pmap *pm, vaddr_t va, size_t len)
{
	if (va + len < va)
		return false;
	if (pm->pm_kernel)
		return true;
	return va + len <= VM_MAXUSER_ADDRESS;
}

/*
 * soft_access: move len bytes between kernel buffer kbuf and address
 * uva of vm: VM_PROT_READ copies in, VM_PROT_WRITE copies out.  With
 * `str', stop after the first NUL (ENAMETOOLONG if none in len bytes)
 * and report the bytes moved in *donep.
 */
static int
soft_access(struct vmspace *vm, vaddr_t uva, char *kbuf, size_t len,
    vm_prot_t access, bool str, size_t *donep)
{
	struct soft_tlb *tl = soft_tlb_get(curlwp);
	struct pmap *pm = vm_pmap(vm);
	size_t done = 0;
	int nfaults = 0, error = 0;

	if (!str && !range_ok(pm, uva, len))
		return EFAULT;
	while (done < len) {
		vaddr_t va = uva + done;
		size_t off = va & PAGE_MASK;
		size_t n = MIN(len - done, PAGE_SIZE - off);
		const char *src;
		char *dst, *p;

		if (str && !range_ok(pm, va, n)) {
			error = EFAULT;
			break;
		}
		bool found = false, optimistic = false;
		uint64_t gen = 0;

		if (pm->pm_kernel && !soft_kva_p(trunc_page(va), PAGE_SIZE)) {
			/* Plain host memory of the kernel. */
			p = (char *)va;
		} else {
			struct soft_tlbe *te = tlb_slot(tl, va);

			if (access == VM_PROT_READ) {
				/*
				 * A read needs no handshake: it is checked
				 * after the copy, like a seqlock reader, and
				 * redone if the pmap changed meanwhile.
				 */
				optimistic = true;
				gen = __atomic_load_n(&pm->pm_gen,
				    __ATOMIC_ACQUIRE);
			} else {
				tlb_busy(tl, pm);
				gen = __atomic_load_n(&pm->pm_gen,
				    __ATOMIC_SEQ_CST);
			}
			p = tlb_hit(te, pm, va, access, gen);
			if (__predict_false(p == NULL)) {
				if (!optimistic)
					tlb_idle(tl);
				error = tlb_fill(tl, te, vm, pm, va, access,
				    &nfaults);
				if (error)
					break;
				continue;
			}
		}
		if (access == VM_PROT_WRITE) {
			src = kbuf + done;
			dst = p;
		} else {
			src = p;
			dst = kbuf + done;
		}
		if (str) {
			const char *nul = memchr(src, '\0', n);
			if (nul != NULL) {
				n = (size_t)(nul - src) + 1;
				found = true;
			}
		}
		memcpy(dst, src, n);
		if (optimistic) {
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
			if (__predict_false(__atomic_load_n(&pm->pm_gen,
			    __ATOMIC_RELAXED) != gen))
				continue;	/* read through a stale entry */
		} else {
			tlb_idle(tl);
		}
		done += n;
		nfaults = 0;
		if (found) {
			*donep = done;
			return 0;
		}
	}
	if (str) {
		*donep = done;
		if (error == 0)
			error = ENAMETOOLONG;
	}
	return error;
}

/*
 * A kernel buffer inside the kernel window may be pageable kernel memory
 * that is not mapped yet; the host cannot fault it in, so such copies
 * go through a bounce buffer and kcopy(), which translates (and faults)
 * kernel window addresses.
 */
#define SOFT_BOUNCE	512

static bool
kbuf_in_window(const void *kaddr, size_t len)
{
	vaddr_t k = (vaddr_t)kaddr;

	return len > 0 && k < pmap_kva_end && k + len > pmap_kva_start;
}

int
soft_copyin(struct vmspace *vm, const void *uaddr, void *kaddr, size_t len)
{
	char bounce[SOFT_BOUNCE];
	int error;

	if (vm_pmap(vm)->pm_kernel)
		return soft_kcopy(uaddr, kaddr, len);
	if (__predict_true(!kbuf_in_window(kaddr, len)))
		return soft_access(vm, (vaddr_t)uaddr, kaddr, len,
		    VM_PROT_READ, false, NULL);
	if (!range_ok(vm_pmap(vm), (vaddr_t)uaddr, len))
		return EFAULT;
	for (size_t done = 0, n; done < len; done += n) {
		n = MIN(len - done, sizeof(bounce));
		error = soft_access(vm, (vaddr_t)uaddr + done, bounce, n,
		    VM_PROT_READ, false, NULL);
		if (error == 0)
			error = soft_kcopy(bounce, (char *)kaddr + done, n);
		if (error)
			return error;
	}
	return 0;
}

int
soft_copyout(struct vmspace *vm, const void *kaddr, void *uaddr, size_t len)
{
	char bounce[SOFT_BOUNCE];
	int error;

	if (vm_pmap(vm)->pm_kernel)
		return soft_kcopy(kaddr, uaddr, len);
	if (__predict_true(!kbuf_in_window(kaddr, len)))
		return soft_access(vm, (vaddr_t)uaddr,
		    (char *)(uintptr_t)kaddr, len, VM_PROT_WRITE, false, NULL);
	if (!range_ok(vm_pmap(vm), (vaddr_t)uaddr, len))
		return EFAULT;
	for (size_t done = 0, n; done < len; done += n) {
		n = MIN(len - done, sizeof(bounce));
		error = soft_kcopy((const char *)kaddr + done, bounce, n);
		if (error == 0)
			error = soft_access(vm, (vaddr_t)uaddr + done, bounce,
			    n, VM_PROT_WRITE, false, NULL);
		if (error)
			return error;
	}
	return 0;
}

int
soft_copyinstr(struct vmspace *vm, const void *uaddr, void *kaddr, size_t len,
    size_t *donep)
{
	size_t done;
	int error;

	error = soft_access(vm, (vaddr_t)uaddr, kaddr, len, VM_PROT_READ,
	    true, &done);
	if (donep != NULL)
		*donep = done;
	return error;
}

/*
 * copyoutstr: the source is a kernel string; only as much of it as is
 * copied (up to its NUL, or len bytes) is read.
 */
int
soft_copyoutstr(struct vmspace *vm, const void *kaddr, void *uaddr,
    size_t len, size_t *donep)
{
	size_t done;
	int error;

	error = soft_access(vm, (vaddr_t)uaddr, (char *)(uintptr_t)kaddr, len,
	    VM_PROT_WRITE, true, &done);
	if (donep != NULL)
		*donep = done;
	return error;
}

/*
 * kcopy: kernel to kernel, EFAULT (with the bytes before the faulting
 * page copied) if either side touches an unmapped kernel address that
 * the fault handler cannot resolve.  Both sides may need a translation
 * at once, and may fall on the same TLB slot, so kcopy keeps its two
 * translations in entries of its own.
 */
int
soft_kcopy(const void *src, void *dst, size_t len)
{
	struct soft_tlb *tl = soft_tlb_get(curlwp);
	struct pmap *pm = &soft_kernel_pmap;
	struct soft_tlbe ste, dte;
	vaddr_t s = (vaddr_t)src, d = (vaddr_t)dst;
	size_t done = 0;
	uint64_t gen;
	int nfaults = 0, error;

	if (s + len < s || d + len < d)
		return EFAULT;
	ste.te_pm = dte.te_pm = NULL;
	while (done < len) {
		vaddr_t sva = s + done, dva = d + done;
		size_t n = len - done;
		bool sk = soft_kva_p(trunc_page(sva), PAGE_SIZE);
		bool dk = soft_kva_p(trunc_page(dva), PAGE_SIZE);
		char *sp = (char *)sva, *dp = (char *)dva;

		if (sk)
			n = MIN(n, PAGE_SIZE - (sva & PAGE_MASK));
		if (dk)
			n = MIN(n, PAGE_SIZE - (dva & PAGE_MASK));
		tlb_busy(tl, pm);
		gen = __atomic_load_n(&pm->pm_gen, __ATOMIC_SEQ_CST);
		if (sk &&
		    (sp = tlb_hit(&ste, pm, sva, VM_PROT_READ, gen)) == NULL) {
			tlb_idle(tl);
			error = tlb_fill(tl, &ste, NULL, pm, sva, VM_PROT_READ,
			    &nfaults);
			if (error)
				return error;
			continue;
		}
		if (dk &&
		    (dp = tlb_hit(&dte, pm, dva, VM_PROT_WRITE, gen)) == NULL) {
			tlb_idle(tl);
			error = tlb_fill(tl, &dte, NULL, pm, dva,
			    VM_PROT_WRITE, &nfaults);
			if (error)
				return error;
			continue;
		}
		memmove(dp, sp, n);
		tlb_idle(tl);
		done += n;
		nfaults = 0;
	}
	return 0;
}
