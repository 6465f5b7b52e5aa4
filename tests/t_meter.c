/*
 * t_meter: uvm_meter(9): load averages, the VM_METER totals and the
 * CTL_VM sysctl nodes (uvm_sysctl, uvm_sysctl_byname).
 */
#include "h_machine.h"

#include <uvm/uvm_sysctl.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct proc *procs[8];
static struct lwp *lwps[8];
static int nl;

static struct lwp *
mklwp(bool runnable)
{
	char name[16];

	ATF_REQUIRE(nl < 8);
	snprintf(name, sizeof(name), "m%d", nl);
	procs[nl] = proc_alloc(name);
	procs[nl]->p_stat = SACTIVE;
	lwps[nl] = lwp_alloc(procs[nl], name);
	if (runnable)
		lwps[nl]->l_flag |= LW_RUNNABLE;
	return lwps[nl++];
}

static void
freelwps(void)
{
	for (int i = 0; i < nl; i++) {
		lwp_free(lwps[i]);
		if (procs[i]->p_vmspace != NULL)
			uvmspace_free(procs[i]->p_vmspace);
		procs[i]->p_vmspace = NULL;
		proc_free(procs[i]);
	}
	nl = 0;
}

/* The decay, computed here from exp(3) rather than the library's table. */
static uint32_t
next_avg(uint32_t avg, int nrun, double minutes)
{
	uint64_t c = (uint64_t)(exp(-5.0 / (minutes * 60.0)) * FSCALE);

	return (uint32_t)((c * avg + (uint64_t)nrun * FSCALE *
	    (FSCALE - c)) >> FSHIFT);
}

static struct loadavg
getload(void)
{
	int mib[2] = { CTL_VM, VM_LOADAVG };
	struct loadavg l;
	size_t len = sizeof(l);

	ATF_REQUIRE_EQ(uvm_sysctl(mib, 2, &l, &len, NULL, 0), 0);
	ATF_CHECK_EQ(len, sizeof(l));
	return l;
}

ATF_TC_WITHOUT_HEAD(loadavg_decays_toward_runnable_count_every_five_seconds);
ATF_TC_BODY(loadavg_decays_toward_runnable_count_every_five_seconds, tc)
{
	static const double mins[3] = { 1, 5, 15 };
	uint32_t want[3] = { 0, 0, 0 };
	struct loadavg l;
	int64_t v;

	h_boot(8 << 20, 0);
	for (int i = 0; i < 3; i++)
		(void)mklwp(true);
	(void)mklwp(false);			/* asleep: not counted */
	for (int i = 0; i < 4; i++)
		uvm_meter();
	l = getload();
	ATF_CHECK_EQ(l.fscale, FSCALE);
	ATF_CHECK_EQ(l.ldavg[0], 0);		/* not yet five seconds */
	uvm_meter();
	l = getload();
	for (int i = 0; i < 3; i++) {
		want[i] = next_avg(0, 3, mins[i]);
		ATF_CHECK_EQ_MSG(l.ldavg[i], want[i], "ldavg[%d] %u want %u",
		    i, l.ldavg[i], want[i]);
	}
	ATF_CHECK(l.ldavg[0] > l.ldavg[1] && l.ldavg[1] > l.ldavg[2]);
	/* Ten minutes of three runnable lwps. */
	for (int t = 0; t < 120; t++) {
		for (int i = 0; i < 5; i++)
			uvm_meter();
		for (int i = 0; i < 3; i++)
			want[i] = next_avg(want[i], 3, mins[i]);
	}
	l = getload();
	for (int i = 0; i < 3; i++)
		ATF_CHECK_EQ(l.ldavg[i], want[i]);
	ATF_CHECK(fabs(l.ldavg[0] / (double)FSCALE - 3.0) < 0.02);
	ATF_CHECK(l.ldavg[2] < l.ldavg[0]);
	ATF_REQUIRE_EQ(uvm_sysctl_byname("vm.loadavg.0", &v), 0);
	ATF_CHECK_EQ(v, l.ldavg[0]);
	ATF_REQUIRE_EQ(uvm_sysctl_byname("vm.loadavg.fscale", &v), 0);
	ATF_CHECK_EQ(v, FSCALE);

	/* Everybody goes to sleep: the averages decay toward 0. */
	for (int i = 0; i < nl; i++)
		lwps[i]->l_flag &= ~LW_RUNNABLE;
	for (int i = 0; i < 5; i++)
		uvm_meter();
	l = getload();
	for (int i = 0; i < 3; i++) {
		want[i] = next_avg(want[i], 0, mins[i]);
		ATF_CHECK_EQ(l.ldavg[i], want[i]);
	}
	freelwps();
	h_shutdown();
}

#define VA	((vaddr_t)0x1000000)

static struct vmspace *
space_with(int mapped, int touched)
{
	struct vmspace *vm = uvmspace_alloc(0x10000, 0x40000000, false);
	vaddr_t va = VA;
	char c = 'x';

	ATF_REQUIRE_EQ(uvm_map(&vm->vm_map, &va, ptoa((vsize_t)mapped),
	    NULL, UVM_UNKNOWN_OFFSET, 0, UVM_MAPFLAG(UVM_PROT_RW,
	    UVM_PROT_RW, UVM_INH_COPY, UVM_ADV_NORMAL,
	    UVM_FLAG_FIXED | UVM_FLAG_COPYONW)), 0);
	for (int i = 0; i < touched; i++)
		ATF_REQUIRE_EQ(copyout_vmspace(vm, &c,
		    (void *)(VA + ptoa((vaddr_t)i)), 1), 0);
	H_CHECK(&vm->vm_map);
	return vm;
}

ATF_TC_WITHOUT_HEAD(vmtotal_counts_lwps_by_state_and_mapped_memory);
ATF_TC_BODY(vmtotal_counts_lwps_by_state_and_mapped_memory, tc)
{
	struct lwp *run, *nap, *old, *io, *out;
	struct vmtotal t;
	int mib[2] = { CTL_VM, VM_METER };
	size_t len = sizeof(t);
	int64_t v;

	h_boot(8 << 20, 0);
	run = mklwp(true);		/* runnable, in memory */
	nap = mklwp(false);		/* asleep 2 s, shares run's space */
	nap->l_slptime = 2;
	old = mklwp(false);		/* asleep for long: inactive */
	old->l_slptime = MAXSLP + 1;
	io = mklwp(false);		/* asleep at a kernel priority */
	io->l_priority = 10;
	out = mklwp(true);		/* runnable, swapped out */
	out->l_flag = (out->l_flag & ~LW_INMEM) | LW_SWAPPED;

	run->l_proc->p_vmspace = space_with(10, 4);
	uvmspace_share(run->l_proc, nap->l_proc);
	old->l_proc->p_vmspace = space_with(5, 0);
	io->l_proc->p_vmspace = space_with(3, 3);

	ATF_REQUIRE_EQ(uvm_sysctl(mib, 2, &t, &len, NULL, 0), 0);
	ATF_CHECK_EQ(len, sizeof(t));
	ATF_CHECK_EQ(t.t_rq, 1);
	ATF_CHECK_EQ(t.t_sl, 1);
	ATF_CHECK_EQ(t.t_dw, 1);
	ATF_CHECK_EQ(t.t_sw, 1);
	ATF_CHECK_EQ(t.t_pw, 0);
	/* The shared space counts once; old's is inactive. */
	ATF_CHECK_EQ(t.t_vm, 10 + 5 + 3);
	ATF_CHECK_EQ(t.t_avm, 10 + 3);
	ATF_CHECK_EQ(t.t_rm, 4 + 3);
	ATF_CHECK_EQ(t.t_arm, 4 + 3);
	ATF_CHECK_EQ(t.t_vmshr, 10);
	ATF_CHECK_EQ(t.t_avmshr, 10);
	ATF_CHECK_EQ(t.t_rmshr, 4);
	ATF_CHECK_EQ(t.t_armshr, 4);
	ATF_CHECK_EQ(t.t_free, uvmexp.free);
	ATF_REQUIRE_EQ(uvm_sysctl_byname("vm.vmmeter.t_vm", &v), 0);
	ATF_CHECK_EQ(v, 18);
	ATF_REQUIRE_EQ(uvm_sysctl_byname("vm.vmmeter.t_sw", &v), 0);
	ATF_CHECK_EQ(v, 1);

	/* old wakes up: its space becomes active. */
	old->l_slptime = 0;
	old->l_flag |= LW_RUNNABLE;
	uvm_total(&t);
	ATF_CHECK_EQ(t.t_rq, 2);
	ATF_CHECK_EQ(t.t_avm, 18);
	H_CHECK(NULL);
	freelwps();
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(vmtotal_counts_fork_shared_amap_as_shared_until_written);
ATF_TC_BODY(vmtotal_counts_fork_shared_amap_as_shared_until_written, tc)
{
	struct lwp *parent, *child;
	struct vmtotal t;
	char c = 'y';

	h_boot(8 << 20, 0);
	parent = mklwp(true);
	child = mklwp(true);
	parent->l_proc->p_vmspace = space_with(8, 8);
	uvm_total(&t);
	ATF_CHECK_EQ(t.t_vm, 8);
	ATF_CHECK_EQ(t.t_vmshr, 0);
	ATF_CHECK_EQ(t.t_rmshr, 0);

	/* fork: both map the parent's anons through one amap. */
	child->l_proc->p_vmspace = uvmspace_fork(parent->l_proc->p_vmspace);
	H_CHECK(&child->l_proc->p_vmspace->vm_map);
	uvm_total(&t);
	ATF_CHECK_EQ(t.t_vm, 16);
	ATF_CHECK_EQ(t.t_vmshr, 16);
	ATF_CHECK_EQ(t.t_avmshr, 16);
	ATF_CHECK_EQ(t.t_rmshr, t.t_rm);
	ATF_CHECK_EQ(t.t_armshr, t.t_arm);
	ATF_CHECK_EQ(t.t_rm, pmap_resident_count(vm_map_pmap(
	    &parent->l_proc->p_vmspace->vm_map)) + pmap_resident_count(
	    vm_map_pmap(&child->l_proc->p_vmspace->vm_map)));

	/* The child writes: it gets an amap of its own. */
	ATF_REQUIRE_EQ(copyout_vmspace(child->l_proc->p_vmspace, &c,
	    (void *)VA, 1), 0);
	H_CHECK(&child->l_proc->p_vmspace->vm_map);
	uvm_total(&t);
	ATF_CHECK_EQ(t.t_vm, 16);
	ATF_CHECK_EQ(t.t_vmshr, 0);	/* anons shared, amaps not */
	freelwps();
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(sysctl_nodes_copy_out_and_short_buffers_get_enomem);
ATF_TC_BODY(sysctl_nodes_copy_out_and_short_buffers_get_enomem, tc)
{
	int mib[2] = { CTL_VM, 0 };
	struct uvmexp u, pre;
	struct uvmexp_sysctl u2;
	size_t len;
	int x;
	long lo, hi;
	int64_t v;

	h_boot(8 << 20, 0);
	/* Size query. */
	mib[1] = VM_UVMEXP;
	len = 0;
	ATF_CHECK_EQ(uvm_sysctl(mib, 2, NULL, &len, NULL, 0), 0);
	ATF_CHECK_EQ(len, sizeof(struct uvmexp));
	len = sizeof(u);
	ATF_REQUIRE_EQ(uvm_sysctl(mib, 2, &u, &len, NULL, 0), 0);
	ATF_CHECK_EQ(u.npages, uvmexp.npages);
	ATF_CHECK_EQ(u.pagesize, 4096);
	/* Short: what fits, ENOMEM, and the size needed. */
	memset(&pre, 0xee, sizeof(pre));
	len = 3 * sizeof(int);
	ATF_CHECK_EQ(uvm_sysctl(mib, 2, &pre, &len, NULL, 0), ENOMEM);
	ATF_CHECK_EQ(len, sizeof(struct uvmexp));
	ATF_CHECK_EQ(pre.pagesize, 4096);
	ATF_CHECK_EQ(pre.pageshift, 12);
	ATF_CHECK_EQ(pre.npages, (int)0xeeeeeeee);	/* untouched */

	mib[1] = VM_UVMEXP2;
	len = sizeof(u2);
	ATF_REQUIRE_EQ(uvm_sysctl(mib, 2, &u2, &len, NULL, 0), 0);
	ATF_CHECK_EQ(u2.npages, uvmexp.npages);
	ATF_CHECK_EQ(u2.free, uvmexp.free);
	ATF_CHECK_EQ(u2.pagesize, 4096);
	ATF_CHECK_EQ(u2.wiredmax, uvmexp.wiredmax);
	len = sizeof(u2) - 8;
	ATF_CHECK_EQ(uvm_sysctl(mib, 2, &u2, &len, NULL, 0), ENOMEM);
	ATF_CHECK_EQ(len, sizeof(u2));
	ATF_REQUIRE_EQ(uvm_sysctl_byname("vm.uvmexp.free", &v), 0);
	ATF_CHECK_EQ(v, uvmexp.free);
	ATF_REQUIRE_EQ(uvm_sysctl_byname("vm.uvmexp.npages", &v), 0);
	ATF_CHECK_EQ(v, uvmexp.npages);

	mib[1] = VM_METER;
	len = 1;
	ATF_CHECK_EQ(uvm_sysctl(mib, 2, &x, &len, NULL, 0), ENOMEM);
	ATF_CHECK_EQ(len, sizeof(struct vmtotal));
	mib[1] = VM_LOADAVG;
	len = 4;
	ATF_CHECK_EQ(uvm_sysctl(mib, 2, &x, &len, NULL, 0), ENOMEM);
	ATF_CHECK_EQ(len, sizeof(struct loadavg));

	mib[1] = VM_MAXSLP;
	len = sizeof(x);
	ATF_REQUIRE_EQ(uvm_sysctl(mib, 2, &x, &len, NULL, 0), 0);
	ATF_CHECK_EQ(x, MAXSLP);
	mib[1] = VM_USPACE;
	ATF_REQUIRE_EQ(uvm_sysctl(mib, 2, &x, &len, NULL, 0), 0);
	ATF_CHECK_EQ(x, (int)USPACE);
	mib[1] = VM_NKMEMPAGES;
	ATF_REQUIRE_EQ(uvm_sysctl(mib, 2, &x, &len, NULL, 0), 0);
	ATF_CHECK_EQ(x, (int)atop(vm_map_max(kernel_map) -
	    vm_map_min(kernel_map)));
	len = 2;
	ATF_CHECK_EQ(uvm_sysctl(mib, 2, &x, &len, NULL, 0), ENOMEM);
	ATF_CHECK_EQ(len, sizeof(int));

	mib[1] = VM_MINADDRESS;
	len = sizeof(lo);
	ATF_REQUIRE_EQ(uvm_sysctl(mib, 2, &lo, &len, NULL, 0), 0);
	mib[1] = VM_MAXADDRESS;
	ATF_REQUIRE_EQ(uvm_sysctl(mib, 2, &hi, &len, NULL, 0), 0);
	ATF_CHECK(lo < hi);
	ATF_CHECK_EQ((vaddr_t)hi, vm_map_max(curproc->p_vmspace != NULL ?
	    &curproc->p_vmspace->vm_map : kernel_map));
	ATF_REQUIRE_EQ(uvm_sysctl_byname("vm.maxaddress", &v), 0);
	ATF_CHECK_EQ(v, hi);
	ATF_REQUIRE_EQ(uvm_sysctl_byname("vm.uspace", &v), 0);
	ATF_CHECK_EQ(v, (int64_t)USPACE);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(sysctl_unknown_names_and_readonly_nodes_fail);
ATF_TC_BODY(sysctl_unknown_names_and_readonly_nodes_fail, tc)
{
	int mib[3] = { CTL_VM, VM_UVMEXP, 0 };
	struct uvmexp u;
	size_t len = sizeof(u);
	int x = 5;
	int64_t v = 42;

	h_boot(8 << 20, 0);
	ATF_CHECK_EQ(uvm_sysctl(mib, 1, &u, &len, NULL, 0), EINVAL);
	ATF_CHECK_EQ(uvm_sysctl(NULL, 2, &u, &len, NULL, 0), EINVAL);
	mib[0] = 1;					/* CTL_KERN */
	ATF_CHECK_EQ(uvm_sysctl(mib, 2, &u, &len, NULL, 0), EOPNOTSUPP);
	mib[0] = CTL_VM;
	mib[1] = 0;
	ATF_CHECK_EQ(uvm_sysctl(mib, 2, &u, &len, NULL, 0), ENOENT);
	mib[1] = VM_MAXID;
	ATF_CHECK_EQ(uvm_sysctl(mib, 2, &u, &len, NULL, 0), ENOENT);
	mib[1] = VM_UVMEXP;
	ATF_CHECK_EQ(uvm_sysctl(mib, 3, &u, &len, NULL, 0), ENOTDIR);
	len = sizeof(x);
	ATF_CHECK_EQ(uvm_sysctl(mib, 2, NULL, NULL, &x, sizeof(x)), EPERM);
	mib[1] = VM_MAXSLP;
	ATF_CHECK_EQ(uvm_sysctl(mib, 2, NULL, NULL, &x, sizeof(x)), EPERM);
	ATF_CHECK_EQ(uvm_sysctl_byname("vm.nothing", &v), ENOENT);
	ATF_CHECK_EQ(uvm_sysctl_byname("vm.uvmexp.nothing", &v), ENOENT);
	ATF_CHECK_EQ(uvm_sysctl_byname("vm.loadavg.3", &v), ENOENT);
	ATF_CHECK_EQ(uvm_sysctl_byname("kern.hz", &v), ENOENT);
	ATF_CHECK_EQ(v, 42);
	h_shutdown();
}

static int
setpct(int node, int val, int *oldp)
{
	int mib[2] = { CTL_VM, node };
	size_t len = sizeof(int);

	return uvm_sysctl(mib, 2, oldp, oldp != NULL ? &len : NULL, &val,
	    sizeof(val));
}

ATF_TC_WITHOUT_HEAD(sysctl_tunables_set_and_bad_values_change_nothing);
ATF_TC_BODY(sysctl_tunables_set_and_bad_values_change_nothing, tc)
{
	int mib[2] = { CTL_VM, VM_ANONMIN };
	int old = -1, bad = 50;
	int64_t v;

	h_boot(8 << 20, 0);
	uvmexp.anonmin = 10;
	uvmexp.filemin = 10;
	uvmexp.execmin = 5;
	/* The old value comes back, the new one is in place. */
	ATF_CHECK_EQ(setpct(VM_ANONMIN, 20, &old), 0);
	ATF_CHECK_EQ(old, 10);
	ATF_CHECK_EQ(uvmexp.anonmin, 20);
	ATF_REQUIRE_EQ(uvm_sysctl_byname("vm.anonmin", &v), 0);
	ATF_CHECK_EQ(v, 20);
	ATF_CHECK_EQ(setpct(VM_FILEMAX, 100, NULL), 0);
	ATF_CHECK_EQ(uvmexp.filemax, 100);
	ATF_CHECK_EQ(setpct(VM_EXECMAX, 0, NULL), 0);
	ATF_CHECK_EQ(uvmexp.execmax, 0);
	ATF_CHECK_EQ(setpct(VM_ANONMAX, 80, NULL), 0);
	ATF_CHECK_EQ(uvmexp.anonmax, 80);
	ATF_CHECK_EQ(setpct(VM_FILEMIN, 30, NULL), 0);
	ATF_CHECK_EQ(setpct(VM_EXECMIN, 15, NULL), 0);
	ATF_CHECK_EQ(uvmexp.filemin, 30);
	ATF_CHECK_EQ(uvmexp.execmin, 15);

	/* Out of range. */
	ATF_CHECK_EQ(setpct(VM_ANONMIN, -1, NULL), EINVAL);
	ATF_CHECK_EQ(setpct(VM_FILEMAX, 101, NULL), EINVAL);
	ATF_CHECK_EQ(uvmexp.anonmin, 20);
	ATF_CHECK_EQ(uvmexp.filemax, 100);
	/* The minimums may not add up to more than 95: 20 + 30 + 50. */
	ATF_CHECK_EQ(setpct(VM_EXECMIN, 50, NULL), EINVAL);
	ATF_CHECK_EQ(uvmexp.execmin, 15);
	ATF_CHECK_EQ(setpct(VM_EXECMIN, 45, NULL), 0);	/* exactly 95 */
	/* A value of the wrong size. */
	ATF_CHECK_EQ(uvm_sysctl(mib, 2, NULL, NULL, &bad, 2), EINVAL);
	ATF_CHECK_EQ(uvmexp.anonmin, 20);
	h_shutdown();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp,
	    loadavg_decays_toward_runnable_count_every_five_seconds);
	ATF_TP_ADD_TC(tp, vmtotal_counts_lwps_by_state_and_mapped_memory);
	ATF_TP_ADD_TC(tp,
	    vmtotal_counts_fork_shared_amap_as_shared_until_written);
	ATF_TP_ADD_TC(tp, sysctl_nodes_copy_out_and_short_buffers_get_enomem);
	ATF_TP_ADD_TC(tp, sysctl_unknown_names_and_readonly_nodes_fail);
	ATF_TP_ADD_TC(tp, sysctl_tunables_set_and_bad_values_change_nothing);
	return atf_no_error();
}
