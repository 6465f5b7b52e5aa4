/*
 * uvm_meter.c: the once-a-second statistics of the VM system
 * (uvm_meter(9)) and the CTL_VM sysctl nodes.
 *
 * uvm_meter() is the clock's once-a-second call (a callout in a threaded
 * machine, see uvm_meter_start(); a stepped machine calls it itself).
 * Each call ages every lwp's l_swtime and l_slptime by a second (the
 * swapper's priorities are made of them), wakes the swapper if a
 * runnable lwp is swapped out, and every fifth call folds the number of
 * runnable lwps into the load averages (averunnable), exponentially
 * decaying with NetBSD's fixed-point constants: every 5 s,
 *
 *	ldavg[i] = (cexp[i] * ldavg[i] + nrun * FSCALE * (FSCALE - cexp[i]))
 *	    >> FSHIFT,	cexp[i] = exp(-5 s / {1, 5, 15} min) * FSCALE.
 *
 * uvm_total() computes the VM_METER totals on demand: lwps by state,
 * and the virtual and resident sizes of every user address space (each
 * counted once however many processes share it), the "active" ones being
 * those of processes with an lwp that is runnable or slept less than
 * MAXSLP seconds; "shared" memory is what an address space maps through
 * an amap or object someone else references too (counted in each space
 * that maps it).  Sizes are in pages.
 *
 * uvm_sysctl() serves {CTL_VM, VM_*} (sysctl(3) conventions: the value
 * is copied to oldp if there is room; ENOMEM with *oldlenp set to the
 * size needed if not); uvm_sysctl_byname() reads one integer by name.
 *
 * Locking: meter_lock protects averunnable and the five-second count.
 * The lwp fields the swapper uses (l_flag's LW_INMEM/LW_SWAPPED,
 * l_swtime, l_slptime) are changed under proc_lock; the lwps of a
 * process are walked under its p_lock (order: proc_lock -> p_lock ->
 * meter_lock).  Address spaces are measured after proc_lock is dropped,
 * each under its map's read lock, held alive by a reference.  Tunables
 * are plain int stores to uvmexp (the policy reads them at each pass).
 */

#include "uvm_impl.h"
#include <uvm/uvm_sysctl.h>

struct loadavg averunnable;

static kmutex_t meter_lock;
static int meter_count;			/* l: calls since the last fold */
static bool meter_inited;
static callout_t meter_callout;
static bool meter_running;

/* exp(-1/12), exp(-1/60), exp(-1/180): 5 s against 1, 5 and 15 min. */
static const fixpt_t cexp[3] = {
	(fixpt_t)(0.9200444146293232 * FSCALE),
	(fixpt_t)(0.9834714538216174 * FSCALE),
	(fixpt_t)(0.9944598480048967 * FSCALE),
};

/*
 * uvm_meter_init: boot: zero load averages.
 */
void
uvm_meter_init(void)
{
	if (!meter_inited) {
		mutex_init(&meter_lock, MUTEX_DEFAULT, IPL_NONE);
		meter_inited = true;
	}
	mutex_enter(&meter_lock);
	memset(&averunnable, 0, sizeof(averunnable));
	averunnable.fscale = FSCALE;
	meter_count = 0;
	mutex_exit(&meter_lock);
}

static void
uvm_loadav(struct loadavg *avg, unsigned int nrun)
{
	KASSERT(mutex_owned(&meter_lock));
	for (int i = 0; i < 3; i++)
		avg->ldavg[i] = (fixpt_t)(((uint64_t)cexp[i] * avg->ldavg[i] +
		    (uint64_t)nrun * FSCALE * (FSCALE - cexp[i])) >> FSHIFT);
	avg->fscale = FSCALE;
}

/* Is l runnable (wants the CPU)? */
static inline bool
lwp_runnable_p(const struct lwp *l)
{
	return l->l_stat == SACTIVE && (l->l_flag & LW_RUNNABLE) != 0;
}

/*
 * uvm_meter: the once-a-second work: age the lwps' swap and sleep
 * times, wake the swapper for a runnable lwp that is swapped out, and
 * every fifth second update the load averages from the number of
 * runnable lwps.
 */
void
uvm_meter(void)
{
	struct proc *p;
	struct lwp *l;
	unsigned int nrun = 0;
	bool wantin = false;

	if (!meter_inited)
		uvm_meter_init();
	mutex_enter(&proc_lock);
	LIST_FOREACH(p, &allproc, p_list) {
		mutex_enter(&p->p_lock);
		LIST_FOREACH(l, &p->p_lwps, l_sibling) {
			if (l->l_swtime < UINT_MAX)
				l->l_swtime++;
			if (lwp_runnable_p(l)) {
				l->l_slptime = 0;
				nrun++;
				if ((l->l_flag & LW_INMEM) == 0)
					wantin = true;
			} else if (l->l_slptime < UINT_MAX) {
				l->l_slptime++;
			}
		}
		mutex_exit(&p->p_lock);
	}
	mutex_exit(&proc_lock);

	mutex_enter(&meter_lock);
	if (++meter_count >= 5) {
		meter_count = 0;
		uvm_loadav(&averunnable, nrun);
	}
	mutex_exit(&meter_lock);
	if (wantin)
		uvm_scheduler_wakeup();
}

static void
uvm_meter_tick(void *arg)
{
	(void)arg;
	uvm_meter();
	if (meter_running)
		callout_schedule(&meter_callout, hz);
}

/*
 * uvm_meter_start: call uvm_meter() once a second from the clock.
 */
void
uvm_meter_start(void)
{
	KASSERT(!meter_running);
	if (!meter_inited)
		uvm_meter_init();
	callout_init(&meter_callout, 0);
	callout_setfunc(&meter_callout, uvm_meter_tick, NULL);
	meter_running = true;
	callout_schedule(&meter_callout, hz);
}

/*
 * uvm_meter_stop: no more calls from the clock.
 */
void
uvm_meter_stop(void)
{
	if (!meter_running)
		return;
	meter_running = false;
	callout_stop(&meter_callout);
	callout_destroy(&meter_callout);
}

/* ---------------------------------------------------------------------
 * VM_METER.
 */

struct meter_space {
	struct vmspace	*ms_vm;
	bool		ms_active;
};

/* Resident pages of [start, end) of pmap. */
static int32_t
meter_resident(pmap_t pmap, vaddr_t start, vaddr_t end)
{
	int32_t n = 0;
	paddr_t pa;

	for (vaddr_t va = start; va < end; va += PAGE_SIZE)
		if (pmap_extract(pmap, va, &pa))
			n++;
	return n;
}

/* Add what vm maps to *tp.  The caller holds a reference to vm. */
static void
meter_space(struct vmtotal *tp, struct vmspace *vm, bool active)
{
	struct vm_map *map = &vm->vm_map;
	struct vm_map_entry *e;
	pmap_t pmap = vm_map_pmap(map);
	/* Shared by two processes: their references and ours. */
	bool allshared = atomic_load_relaxed(&vm->vm_refcnt) > 2;
	int32_t vm_pages, rm_pages, vmshr = 0, rmshr = 0;

	vm_map_lock_read(map);
	vm_pages = (int32_t)atop(map->size);
	rm_pages = (int32_t)pmap_resident_count(pmap);
	for (e = map->header.next; e != &map->header; e = e->next) {
		struct vm_amap *amap = e->aref.ar_amap;
		struct uvm_object *uobj = UVM_ET_ISOBJ(e) ?
		    e->object.uvm_obj : NULL;
		bool shared = allshared;

		if (amap != NULL && amap_refs(amap) > 1)
			shared = true;
		if (uobj != NULL &&
		    atomic_load_relaxed(&uobj->uo_refs) > 1)
			shared = true;
		if (!shared)
			continue;
		vmshr += (int32_t)atop(e->end - e->start);
		rmshr += meter_resident(pmap, e->start, e->end);
	}
	vm_map_unlock_read(map);

	tp->t_vm += vm_pages;
	tp->t_rm += rm_pages;
	tp->t_vmshr += vmshr;
	tp->t_rmshr += rmshr;
	if (active) {
		tp->t_avm += vm_pages;
		tp->t_arm += rm_pages;
		tp->t_avmshr += vmshr;
		tp->t_armshr += rmshr;
	}
}

/*
 * uvm_total: the VM_METER totals.
 *
 * => lwps of user processes (proc0, the kernel's, is left out), by
 *    state: runnable in memory (t_rq); runnable or asleep with the u-area
 *    swapped out (t_sw); asleep in memory at a kernel priority, an
 *    uninterruptible wait such as for I/O (t_dw); asleep in memory at
 *    user priority for less than MAXSLP seconds (t_sl).  t_pw stays 0,
 *    as in NetBSD: an lwp waiting for memory sleeps like any other.
 * => memory in pages: see the top of the file; t_free is uvmexp.free.
 */
void
uvm_total(struct vmtotal *tp)
{
	struct meter_space *ms = NULL;
	struct proc *p;
	struct lwp *l;
	size_t cap = 0, n;

	memset(tp, 0, sizeof(*tp));
	for (;;) {
		size_t nproc = 0;

		mutex_enter(&proc_lock);
		LIST_FOREACH(p, &allproc, p_list)
			nproc++;
		if (nproc <= cap)
			break;
		mutex_exit(&proc_lock);
		if (ms != NULL)
			kmem_free(ms, cap * sizeof(*ms));
		cap = nproc + 8;
		ms = kmem_alloc(cap * sizeof(*ms), KM_SLEEP);
	}

	n = 0;
	LIST_FOREACH(p, &allproc, p_list) {
		bool active = false;
		size_t i;

		if (p == &proc0)
			continue;
		mutex_enter(&p->p_lock);
		LIST_FOREACH(l, &p->p_lwps, l_sibling) {
			if (l->l_flag & LW_SYSTEM)
				continue;
			if (l->l_stat == SIDL || l->l_stat == SZOMB)
				continue;
			if (lwp_runnable_p(l)) {
				if ((l->l_flag & LW_INMEM) == 0)
					tp->t_sw++;
				else
					tp->t_rq++;
				active = true;
				continue;
			}
			/* Asleep or stopped. */
			if ((l->l_flag & LW_INMEM) == 0)
				tp->t_sw++;
			else if (l->l_priority > 0)
				tp->t_dw++;
			else if (l->l_slptime < MAXSLP)
				tp->t_sl++;
			if (l->l_slptime < MAXSLP)
				active = true;
		}
		mutex_exit(&p->p_lock);
		if (p->p_vmspace == NULL || p->p_vmspace == &vmspace0)
			continue;
		for (i = 0; i < n; i++)
			if (ms[i].ms_vm == p->p_vmspace)
				break;
		if (i < n) {
			ms[i].ms_active |= active;
			continue;
		}
		uvmspace_addref(p->p_vmspace);
		ms[n].ms_vm = p->p_vmspace;
		ms[n].ms_active = active;
		n++;
	}
	mutex_exit(&proc_lock);

	for (size_t i = 0; i < n; i++) {
		meter_space(tp, ms[i].ms_vm, ms[i].ms_active);
		uvmspace_free(ms[i].ms_vm);
	}
	if (ms != NULL)
		kmem_free(ms, cap * sizeof(*ms));
	tp->t_free = uvmexp.free;
}

/* ---------------------------------------------------------------------
 * sysctl.
 */

static void
uvmexp2_fill(struct uvmexp_sysctl *u)
{
	memset(u, 0, sizeof(*u));
#define C(f)	u->f = uvmexp.f
	C(pagesize); C(pagemask); C(pageshift); C(npages); C(free);
	C(active); C(inactive); C(paging); C(wired); C(zeropages);
	C(reserve_pagedaemon); C(reserve_kernel); C(freemin); C(freetarg);
	C(inactarg); C(wiredmax); C(nswapdev); C(swpages); C(swpginuse);
	C(swpgonly); C(nswget); C(nanon); C(nfreeanon); C(faults); C(traps);
	C(intrs); C(swtch); C(softs); C(syscalls); C(pageins); C(swapins);
	C(swapouts); C(pgswapin); C(pgswapout); C(forks); C(forks_ppwait);
	C(forks_sharevm); C(pga_zerohit); C(pga_zeromiss); C(zeroaborts);
	C(fltnoram); C(fltnoanon); C(fltnoamap); C(fltpgwait); C(fltpgrele);
	C(fltrelck); C(fltrelckok); C(fltanget); C(fltanretry); C(fltamcopy);
	C(fltnamap); C(fltnomap); C(fltlget); C(fltget); C(flt_anon);
	C(flt_acow); C(flt_obj); C(flt_prcopy); C(flt_przero); C(pdwoke);
	C(pdrevs); C(pdswout); C(pdfreed); C(pdscans); C(pdanscan);
	C(pdobscan); C(pdreact); C(pdbusy); C(pdpageouts); C(pdpending);
	C(pddeact); C(pdreanon); C(pdrefile); C(pdreexec); C(anonpages);
	C(filepages); C(execpages); C(colorhit); C(colormiss); C(ncolors);
	C(anonmin); C(execmin); C(filemin); C(anonmax); C(execmax);
	C(filemax); C(swpgavail);
#undef C
}

/* Copy the node's value out, sysctl(3) style. */
static int
sysctl_out(const void *val, size_t len, void *oldp, size_t *oldlenp)
{
	size_t have;

	if (oldlenp == NULL)
		return oldp == NULL ? 0 : EINVAL;
	have = *oldlenp;
	*oldlenp = len;
	if (oldp == NULL)
		return 0;
	if (have < len) {
		memcpy(oldp, val, have);
		return ENOMEM;
	}
	memcpy(oldp, val, len);
	return 0;
}

/* The percentage tunable of a node, or NULL. */
static int *
sysctl_pct(int node)
{
	switch (node) {
	case VM_ANONMIN:	return &uvmexp.anonmin;
	case VM_EXECMIN:	return &uvmexp.execmin;
	case VM_FILEMIN:	return &uvmexp.filemin;
	case VM_ANONMAX:	return &uvmexp.anonmax;
	case VM_EXECMAX:	return &uvmexp.execmax;
	case VM_FILEMAX:	return &uvmexp.filemax;
	default:		return NULL;
	}
}

/*
 * uvm_sysctl: the CTL_VM branch of sysctl(3).
 *
 * => name is {CTL_VM, node}.  The node's current value is copied to
 *    oldp (if not NULL) and its size stored in *oldlenp; a buffer too
 *    small gets what fits and ENOMEM, *oldlenp then saying the size
 *    needed.
 * => newp (newlen bytes) sets a tunable: an int percentage 0..100 for
 *    VM_{ANON,EXEC,FILE}{MIN,MAX}; the three minimums may not add up to
 *    more than 95.  EINVAL for a bad value or size (nothing changes),
 *    EPERM for a read-only node.
 * => EINVAL: namelen < 2; EOPNOTSUPP: not CTL_VM; ENOENT: no such
 *    node; ENOTDIR: a name that goes on below a leaf.
 */
int
uvm_sysctl(const int *name, u_int namelen, void *oldp, size_t *oldlenp,
    const void *newp, size_t newlen)
{
	union {
		struct vmtotal t;
		struct loadavg l;
		struct uvmexp u;
		struct uvmexp_sysctl u2;
		int i;
		long lg;
	} v;
	size_t len;
	int *pct, error;

	if (name == NULL || namelen < 2)
		return EINVAL;
	if (name[0] != CTL_VM)
		return EOPNOTSUPP;
	if (name[1] <= 0 || name[1] >= VM_MAXID)
		return ENOENT;
	if (namelen > 2)
		return ENOTDIR;

	pct = sysctl_pct(name[1]);
	if (newp != NULL && pct == NULL)
		return EPERM;

	switch (name[1]) {
	case VM_METER:
		uvm_total(&v.t);
		len = sizeof(v.t);
		break;
	case VM_LOADAVG:
		if (!meter_inited)
			uvm_meter_init();
		mutex_enter(&meter_lock);
		v.l = averunnable;
		mutex_exit(&meter_lock);
		len = sizeof(v.l);
		break;
	case VM_UVMEXP:
		v.u = uvmexp;
		len = sizeof(v.u);
		break;
	case VM_UVMEXP2:
		uvmexp2_fill(&v.u2);
		len = sizeof(v.u2);
		break;
	case VM_NKMEMPAGES:
		v.i = (int)atop(vm_map_max(kernel_map) -
		    vm_map_min(kernel_map));
		len = sizeof(v.i);
		break;
	case VM_MAXSLP:
		v.i = MAXSLP;
		len = sizeof(v.i);
		break;
	case VM_USPACE:
		v.i = (int)USPACE;
		len = sizeof(v.i);
		break;
	case VM_MINADDRESS:
	case VM_MAXADDRESS: {
		struct vmspace *vm = curproc->p_vmspace;
		struct vm_map *map = vm != NULL ? &vm->vm_map : kernel_map;

		v.lg = (long)(name[1] == VM_MINADDRESS ? vm_map_min(map) :
		    vm_map_max(map));
		len = sizeof(v.lg);
		break;
	}
	default:
		KASSERT(pct != NULL);
		v.i = *pct;
		len = sizeof(v.i);
		break;
	}

	error = sysctl_out(&v, len, oldp, oldlenp);
	if (error != 0 || newp == NULL)
		return error;

	/* Setting a percentage. */
	{
		int t, old;

		if (newlen != sizeof(int))
			return EINVAL;
		memcpy(&t, newp, sizeof(t));
		if (t < 0 || t > 100)
			return EINVAL;
		old = *pct;
		*pct = t;
		if (uvmexp.anonmin + uvmexp.execmin + uvmexp.filemin > 95) {
			*pct = old;
			return EINVAL;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * By name.
 */

#define UX(f)	{ #f, offsetof(struct uvmexp_sysctl, f) }
static const struct {
	const char	*name;
	size_t		off;
} uvmexp2_names[] = {
	UX(pagesize), UX(pagemask), UX(pageshift), UX(npages), UX(free),
	UX(active), UX(inactive), UX(paging), UX(wired), UX(zeropages),
	UX(reserve_pagedaemon), UX(reserve_kernel), UX(freemin),
	UX(freetarg), UX(inactarg), UX(wiredmax), UX(nswapdev), UX(swpages),
	UX(swpginuse), UX(swpgonly), UX(nswget), UX(nanon), UX(nfreeanon),
	UX(faults), UX(traps), UX(intrs), UX(swtch), UX(softs), UX(syscalls),
	UX(pageins), UX(swapins), UX(swapouts), UX(pgswapin), UX(pgswapout),
	UX(forks), UX(forks_ppwait), UX(forks_sharevm), UX(pga_zerohit),
	UX(pga_zeromiss), UX(zeroaborts), UX(fltnoram), UX(fltnoanon),
	UX(fltnoamap), UX(fltpgwait), UX(fltpgrele), UX(fltrelck),
	UX(fltrelckok), UX(fltanget), UX(fltanretry), UX(fltamcopy),
	UX(fltnamap), UX(fltnomap), UX(fltlget), UX(fltget), UX(flt_anon),
	UX(flt_acow), UX(flt_obj), UX(flt_prcopy), UX(flt_przero),
	UX(pdwoke), UX(pdrevs), UX(pdswout), UX(pdfreed), UX(pdscans),
	UX(pdanscan), UX(pdobscan), UX(pdreact), UX(pdbusy),
	UX(pdpageouts), UX(pdpending), UX(pddeact), UX(pdreanon),
	UX(pdrefile), UX(pdreexec), UX(anonpages), UX(filepages),
	UX(execpages), UX(colorhit), UX(colormiss), UX(ncolors),
	UX(anonmin), UX(execmin), UX(filemin), UX(anonmax), UX(execmax),
	UX(filemax), UX(swpgavail),
};
#undef UX

#define VT(f)	{ #f, offsetof(struct vmtotal, f), sizeof(((struct vmtotal *)0)->f) }
static const struct {
	const char	*name;
	size_t		off;
	size_t		size;
} vmtotal_names[] = {
	VT(t_rq), VT(t_dw), VT(t_pw), VT(t_sl), VT(t_sw), VT(t_vm),
	VT(t_avm), VT(t_rm), VT(t_arm), VT(t_vmshr), VT(t_avmshr),
	VT(t_rmshr), VT(t_armshr), VT(t_free),
};
#undef VT

static const struct {
	const char	*name;
	int		node;
} int_names[] = {
	{ "anonmin", VM_ANONMIN }, { "execmin", VM_EXECMIN },
	{ "filemin", VM_FILEMIN }, { "anonmax", VM_ANONMAX },
	{ "execmax", VM_EXECMAX }, { "filemax", VM_FILEMAX },
	{ "maxslp", VM_MAXSLP }, { "uspace", VM_USPACE },
	{ "nkmempages", VM_NKMEMPAGES },
};

/* If s starts with prefix, what follows it; else NULL. */
static const char *
after(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

/*
 * uvm_sysctl_byname: the integer node called name, into *valp.
 *
 * => names: "vm.uvmexp.FIELD" (a field of struct uvmexp_sysctl),
 *    "vm.vmmeter.FIELD" (of struct vmtotal), "vm.loadavg.0" .. ".2"
 *    (fixed point, FSCALE = 1.0) and "vm.loadavg.fscale", "vm.minaddress",
 *    "vm.maxaddress", and the int nodes "vm.anonmin" ... "vm.filemax",
 *    "vm.maxslp", "vm.uspace", "vm.nkmempages".
 * => returns 0, or ENOENT (no such name; *valp untouched).
 */
int
uvm_sysctl_byname(const char *name, int64_t *valp)
{
	int mib[2] = { CTL_VM, 0 };
	const char *rest;
	size_t len;

	if (name == NULL || valp == NULL)
		return ENOENT;
	if ((rest = after(name, "vm.uvmexp.")) != NULL) {
		struct uvmexp_sysctl u;

		for (size_t i = 0; i < __arraycount(uvmexp2_names); i++) {
			if (strcmp(rest, uvmexp2_names[i].name) != 0)
				continue;
			uvmexp2_fill(&u);
			memcpy(valp, (const char *)&u + uvmexp2_names[i].off,
			    sizeof(*valp));
			return 0;
		}
		return ENOENT;
	}
	if ((rest = after(name, "vm.vmmeter.")) != NULL) {
		struct vmtotal t;

		for (size_t i = 0; i < __arraycount(vmtotal_names); i++) {
			const char *f;

			if (strcmp(rest, vmtotal_names[i].name) != 0)
				continue;
			uvm_total(&t);
			f = (const char *)&t + vmtotal_names[i].off;
			if (vmtotal_names[i].size == sizeof(int16_t)) {
				int16_t x;

				memcpy(&x, f, sizeof(x));
				*valp = x;
			} else {
				int32_t x;

				memcpy(&x, f, sizeof(x));
				*valp = x;
			}
			return 0;
		}
		return ENOENT;
	}
	if ((rest = after(name, "vm.loadavg.")) != NULL) {
		struct loadavg l;

		mib[1] = VM_LOADAVG;
		len = sizeof(l);
		if (uvm_sysctl(mib, 2, &l, &len, NULL, 0) != 0)
			return ENOENT;
		if (strcmp(rest, "fscale") == 0)
			*valp = l.fscale;
		else if (rest[0] >= '0' && rest[0] <= '2' && rest[1] == '\0')
			*valp = l.ldavg[rest[0] - '0'];
		else
			return ENOENT;
		return 0;
	}
	if (strcmp(name, "vm.minaddress") == 0 ||
	    strcmp(name, "vm.maxaddress") == 0) {
		long lg;

		mib[1] = name[3] == 'm' && name[4] == 'i' ? VM_MINADDRESS :
		    VM_MAXADDRESS;
		len = sizeof(lg);
		if (uvm_sysctl(mib, 2, &lg, &len, NULL, 0) != 0)
			return ENOENT;
		*valp = lg;
		return 0;
	}
	if ((rest = after(name, "vm.")) != NULL) {
		for (size_t i = 0; i < __arraycount(int_names); i++) {
			int x;

			if (strcmp(rest, int_names[i].name) != 0)
				continue;
			mib[1] = int_names[i].node;
			len = sizeof(x);
			if (uvm_sysctl(mib, 2, &x, &len, NULL, 0) != 0)
				return ENOENT;
			*valp = x;
			return 0;
		}
	}
	return ENOENT;
}
