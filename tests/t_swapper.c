/*
 * t_swapper: the swapper (uvm_scheduler(9)): u-areas swapped out by
 * uvm_swapout_threads(), swapped in by uvm_swapin() and by the
 * scheduler in priority order, stepped and as a thread.
 */
#include "h_machine.h"

#include <uvm/uvm_sysctl.h>

#include <stdio.h>
#include <time.h>

static struct proc *procs[8];
static struct lwp *lwps[8];
static int nl;

/* A user process with one lwp owning a u-area filled with its number. */
static struct lwp *
mklwp(bool runnable, unsigned int slptime, unsigned int swtime, int nice)
{
	char name[16];
	struct proc *p;
	struct lwp *l;

	ATF_REQUIRE(nl < 8);
	snprintf(name, sizeof(name), "p%d", nl);
	p = proc_alloc(name);
	p->p_stat = SACTIVE;
	p->p_nice = nice;
	l = lwp_alloc(p, name);
	ATF_REQUIRE(uvm_uarea_alloc(&l->l_addr));
	memset((void *)l->l_addr, 'a' + nl, USPACE);
	if (runnable)
		l->l_flag |= LW_RUNNABLE;
	l->l_slptime = slptime;
	l->l_swtime = swtime;
	procs[nl] = p;
	lwps[nl++] = l;
	H_CHECK(kernel_map);
	return l;
}

static void
freelwps(void)
{
	for (int i = 0; i < nl; i++) {
		uvm_uarea_free(lwps[i]->l_addr);
		lwp_free(lwps[i]);
		proc_free(procs[i]);
	}
	nl = 0;
	H_CHECK(kernel_map);
}

/* The u-area's pages: are they all wired (true) or all queued (false)? */
static void
check_uarea(struct lwp *l, bool wired)
{
	for (vsize_t off = 0; off < USPACE; off += PAGE_SIZE) {
		struct vm_page *pg;
		paddr_t pa;

		ATF_REQUIRE(pmap_extract(pmap_kernel(), l->l_addr + off, &pa));
		pg = PHYS_TO_VM_PAGE(pa);
		ATF_REQUIRE(pg != NULL);
		if (wired) {
			ATF_CHECK(pg->wire_count > 0);
			ATF_CHECK((pg->pqflags & (PQ_ACTIVE | PQ_INACTIVE))
			    == 0);
		} else {
			ATF_CHECK_EQ(pg->wire_count, 0);
			ATF_CHECK((pg->pqflags & (PQ_ACTIVE | PQ_INACTIVE))
			    != 0);
		}
	}
}

static bool
inmem(struct lwp *l)
{
	bool in = (l->l_flag & LW_INMEM) != 0;

	ATF_CHECK_EQ(in, (l->l_flag & LW_SWAPPED) == 0);
	return in;
}

static void
check_bytes(struct lwp *l, char c)
{
	const char *p = (const char *)l->l_addr;

	for (vsize_t i = 0; i < USPACE; i += 97)
		ATF_CHECK_EQ_MSG(p[i], c, "u-area byte %ju", (uintmax_t)i);
}

ATF_TC_WITHOUT_HEAD(swapout_unwires_idle_uarea_swapin_wires_it_back);
ATF_TC_BODY(swapout_unwires_idle_uarea_swapin_wires_it_back, tc)
{
	struct lwp *l;
	int wired0;

	h_boot(8 << 20, 0);
	l = mklwp(false, MAXSLP, 7, 0);
	ATF_CHECK(inmem(l));
	check_uarea(l, true);
	wired0 = uvmexp.wired;

	ATF_CHECK_EQ(uvm_swapout_threads(), 1);
	H_CHECK(kernel_map);
	ATF_CHECK(!inmem(l));
	ATF_CHECK_EQ(l->l_swtime, 0);
	ATF_CHECK_EQ(uvmexp.swapouts, 1);
	ATF_CHECK_EQ(uvmexp.wired, wired0 - (int)UPAGES);
	check_uarea(l, false);
	/* Nothing more to swap out. */
	ATF_CHECK_EQ(uvm_swapout_threads(), 0);
	ATF_CHECK_EQ(uvmexp.swapouts, 1);

	l->l_swtime = 3;
	uvm_swapin(l);
	H_CHECK(kernel_map);
	ATF_CHECK(inmem(l));
	ATF_CHECK_EQ(l->l_swtime, 0);
	ATF_CHECK_EQ(uvmexp.swapins, 1);
	ATF_CHECK_EQ(uvmexp.wired, wired0);
	check_uarea(l, true);
	check_bytes(l, 'a');
	/* Swapping in an lwp in memory does nothing. */
	uvm_swapin(l);
	ATF_CHECK_EQ(uvmexp.swapins, 1);
	freelwps();
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(swapout_takes_long_sleepers_then_longest_asleep_then_runnable);
ATF_TC_BODY(swapout_takes_long_sleepers_then_longest_asleep_then_runnable, tc)
{
	struct lwp *a, *b, *c, *d, *e, *k;

	h_boot(8 << 20, 0);
	a = mklwp(false, MAXSLP + 5, 0, 0);	/* asleep for long */
	b = mklwp(false, MAXSLP, 0, 0);		/* asleep for long */
	c = mklwp(false, 3, 0, 0);		/* dozing */
	d = mklwp(false, 9, 0, 0);		/* dozing longer */
	e = mklwp(true, 0, 50, 0);		/* runnable */
	/* A kernel lwp with a u-area is never swapped. */
	k = mklwp(false, MAXSLP * 2, 0, 0);
	k->l_flag |= LW_SYSTEM;

	ATF_CHECK_EQ(uvm_swapout_threads(), 2);
	H_CHECK(kernel_map);
	ATF_CHECK(!inmem(a) && !inmem(b));
	ATF_CHECK(inmem(c) && inmem(d) && inmem(e) && inmem(k));
	ATF_CHECK_EQ(uvm_swapout_threads(), 1);
	ATF_CHECK(!inmem(d) && inmem(c));
	ATF_CHECK_EQ(uvm_swapout_threads(), 1);
	ATF_CHECK(!inmem(c) && inmem(e));
	ATF_CHECK_EQ(uvm_swapout_threads(), 1);
	ATF_CHECK(!inmem(e));
	ATF_CHECK_EQ(uvm_swapout_threads(), 0);
	ATF_CHECK(inmem(k));
	ATF_CHECK_EQ(uvmexp.swapouts, 5);
	H_CHECK(kernel_map);
	/* Bring them back for freeing (either state may be freed). */
	uvm_swapin(a);
	check_bytes(a, 'a');
	freelwps();
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(scheduler_swaps_runnable_lwps_in_by_priority);
ATF_TC_BODY(scheduler_swaps_runnable_lwps_in_by_priority, tc)
{
	struct lwp *l1, *l2, *l3, *l4;

	h_boot(8 << 20, 0);
	l1 = mklwp(false, MAXSLP, 0, 0);
	l2 = mklwp(false, MAXSLP, 0, 0);
	l3 = mklwp(false, MAXSLP, 0, 0);
	l4 = mklwp(false, MAXSLP, 0, 0);
	ATF_CHECK_EQ(uvm_swapout_threads(), 4);
	/* Nothing runnable: nothing to do. */
	ATF_CHECK(!uvm_scheduler_step());
	ATF_CHECK_EQ(uvmexp.swapins, 0);

	/* Priorities: swtime + slptime - 8 * nice. */
	l1->l_flag |= LW_RUNNABLE;
	l1->l_swtime = 10;	l1->l_slptime = 0;	/* 10 */
	l2->l_flag |= LW_RUNNABLE;
	l2->l_swtime = 5;	l2->l_slptime = 20;	/* 25 */
	l3->l_flag |= LW_RUNNABLE;
	l3->l_swtime = 40;	l3->l_slptime = 0;
	l3->l_proc->p_nice = 5;				/* 0 */
	l4->l_swtime = 100;	/* asleep: stays out */

	ATF_CHECK(uvm_scheduler_step());
	ATF_CHECK(inmem(l2) && !inmem(l1) && !inmem(l3));
	ATF_CHECK_EQ(uvmexp.swapins, 1);
	H_CHECK(kernel_map);
	ATF_CHECK(uvm_scheduler_step());
	ATF_CHECK(inmem(l1) && !inmem(l3));
	ATF_CHECK(uvm_scheduler_step());
	ATF_CHECK(inmem(l3));
	ATF_CHECK(!uvm_scheduler_step());
	ATF_CHECK(!inmem(l4));
	ATF_CHECK_EQ(uvmexp.swapins, 3);
	check_bytes(l1, 'a');
	check_bytes(l2, 'b');
	check_bytes(l3, 'c');
	H_CHECK(kernel_map);
	freelwps();
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(swapper_thread_swaps_in_when_meter_wakes_it);
ATF_TC_BODY(swapper_thread_swaps_in_when_meter_wakes_it, tc)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	struct lwp *l;
	int i;

	h_boot(8 << 20, 0);
	ATF_REQUIRE_EQ(uvm_scheduler_start(), 0);
	l = mklwp(false, MAXSLP, 0, 0);
	ATF_CHECK_EQ(uvm_swapout_threads(), 1);
	ATF_CHECK(!inmem(l));
	/* It wakes up runnable; the meter notices within a second. */
	mutex_enter(&proc_lock);
	l->l_flag |= LW_RUNNABLE;
	mutex_exit(&proc_lock);
	uvm_meter();
	for (i = 0; i < 500; i++) {
		bool in;

		mutex_enter(&proc_lock);
		in = (l->l_flag & LW_INMEM) != 0;
		mutex_exit(&proc_lock);
		if (in)
			break;
		nanosleep(&ts, NULL);
	}
	ATF_CHECK_MSG(i < 500, "the swapper did not swap the lwp in");
	uvm_scheduler_stop();
	ATF_CHECK_EQ(uvmexp.swapins, 1);
	check_bytes(l, 'a');
	H_CHECK(kernel_map);
	freelwps();
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(threaded_machine_meters_from_clock_and_swaps_in);
ATF_TC_BODY(threaded_machine_meters_from_clock_and_swaps_in, tc)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	struct uvm_machine m;
	struct lwp *l;
	int i;

	uvm_machine_defaults(&m);
	m.m_ramsize = 8 << 20;
	m.m_quiet = true;
	m.m_daemon = UVM_DAEMON_THREADED;
	h_boot_machine(&m);
	l = mklwp(false, MAXSLP, 0, 0);
	ATF_CHECK_EQ(uvm_swapout_threads(), 1);
	mutex_enter(&proc_lock);
	l->l_flag |= LW_RUNNABLE;
	l->l_swtime = 0;
	mutex_exit(&proc_lock);
	/* One second of clock: the meter's callout runs and ages l. */
	hardclock((unsigned int)hz);
	for (i = 0; i < 500; i++) {
		bool in;

		mutex_enter(&proc_lock);
		in = (l->l_flag & LW_INMEM) != 0;
		mutex_exit(&proc_lock);
		if (in)
			break;
		nanosleep(&ts, NULL);
	}
	ATF_CHECK_MSG(i < 500, "the swapper thread did not swap the lwp in");
	ATF_CHECK_EQ(uvmexp.swapins, 1);
	check_bytes(l, 'a');
	H_CHECK(kernel_map);
	freelwps();
	h_shutdown();		/* stops the swapper thread and the meter */
}

ATF_TC_WITHOUT_HEAD(threaded_pagedaemon_swaps_idle_lwps_out_when_short);
ATF_TC_BODY(threaded_pagedaemon_swaps_idle_lwps_out_when_short, tc)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	struct pglist held = TAILQ_HEAD_INITIALIZER(held);
	struct uvm_machine m;
	struct vm_page *pg;
	struct lwp *l;
	int i;

	uvm_machine_defaults(&m);
	m.m_ramsize = 8 << 20;
	m.m_quiet = true;
	m.m_daemon = UVM_DAEMON_THREADED;
	h_boot_machine(&m);
	l = mklwp(false, MAXSLP, 0, 0);
	ATF_REQUIRE((l->l_flag & LW_INMEM) != 0);
	/* Take memory nobody can reclaim until the daemon is short. */
	while (uvmexp.free >= uvmexp.freemin - 1 &&
	    (pg = uvm_pagealloc(NULL, 0, NULL, 0)) != NULL)
		TAILQ_INSERT_TAIL(&held, pg, pageq);
	for (i = 0; i < 500; i++) {
		bool in;

		mutex_enter(&proc_lock);
		in = (l->l_flag & LW_INMEM) != 0;
		mutex_exit(&proc_lock);
		if (!in)
			break;
		nanosleep(&ts, NULL);
	}
	ATF_CHECK_MSG(i < 500, "the pagedaemon did not swap the idle lwp out");
	ATF_CHECK(uvmexp.pdswout > 0);
	ATF_CHECK(uvmexp.swapouts >= 1);
	while ((pg = TAILQ_FIRST(&held)) != NULL) {
		TAILQ_REMOVE(&held, pg, pageq);
		uvm_pagefree(pg);
	}
	/* Its bytes survive, and it comes back when it runs. */
	uvm_swapin(l);
	check_bytes(l, 'a');
	H_CHECK(kernel_map);
	freelwps();
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(uarea_free_of_swapped_out_lwp_gives_everything_back);
ATF_TC_BODY(uarea_free_of_swapped_out_lwp_gives_everything_back, tc)
{
	int free0, wired0, n0;

	h_boot(8 << 20, 0);
	free0 = uvmexp.free;
	wired0 = uvmexp.wired;
	n0 = kernel_map->nentries;
	(void)mklwp(false, MAXSLP, 0, 0);
	(void)mklwp(false, 1, 0, 0);
	ATF_CHECK_EQ(uvm_swapout_threads(), 1);
	H_CHECK(kernel_map);
	freelwps();
	ATF_CHECK_EQ(uvmexp.free, free0);
	ATF_CHECK_EQ(uvmexp.wired, wired0);
	ATF_CHECK_EQ(kernel_map->nentries, n0);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(meter_ages_swap_and_sleep_times);
ATF_TC_BODY(meter_ages_swap_and_sleep_times, tc)
{
	struct lwp *s, *r;

	h_boot(8 << 20, 0);
	s = mklwp(false, 0, 0, 0);
	r = mklwp(true, 4, 0, 0);
	for (int i = 0; i < 3; i++)
		uvm_meter();
	ATF_CHECK_EQ(s->l_slptime, 3);
	ATF_CHECK_EQ(s->l_swtime, 3);
	ATF_CHECK_EQ(r->l_slptime, 0);	/* runnable: not asleep */
	ATF_CHECK_EQ(r->l_swtime, 3);
	freelwps();
	h_shutdown();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, swapout_unwires_idle_uarea_swapin_wires_it_back);
	ATF_TP_ADD_TC(tp,
	    swapout_takes_long_sleepers_then_longest_asleep_then_runnable);
	ATF_TP_ADD_TC(tp, scheduler_swaps_runnable_lwps_in_by_priority);
	ATF_TP_ADD_TC(tp, swapper_thread_swaps_in_when_meter_wakes_it);
	ATF_TP_ADD_TC(tp, threaded_machine_meters_from_clock_and_swaps_in);
	ATF_TP_ADD_TC(tp, threaded_pagedaemon_swaps_idle_lwps_out_when_short);
	ATF_TP_ADD_TC(tp, uarea_free_of_swapped_out_lwp_gives_everything_back);
	ATF_TP_ADD_TC(tp, meter_ages_swap_and_sleep_times);
	return atf_no_error();
}
