/*
 * uvm_machine.c: describing, booting and shutting down a machine.
 *
 * This is the MD boot code of a hosted machine: it creates the physical
 * memory arena, loads the segments, selects the pmap, runs uvm_init(),
 * and undoes it all at shutdown so the host process can boot another
 * machine (every test case does).
 *
 * Locking: boot and shutdown are single-threaded by contract.
 */

#include "uvm_impl.h"
#include <uvm/uvm_sysctl.h>

struct uvm_machine uvm_machine;

void
uvm_machine_defaults(struct uvm_machine *m)
{
	memset(m, 0, sizeof(*m));
	m->m_pagesize = 4096;
	m->m_ramsize = (psize_t)64 * 1024 * 1024;
	m->m_pmap = "soft";
	m->m_policy = "clock";
	m->m_daemon = UVM_DAEMON_STEPPED;
	m->m_seed = 1;
	m->m_ncolors = 1;
}

/*
 * Check a description before touching anything: a bad one is refused
 * with EINVAL and a console message naming what is wrong.
 */
static int
machine_validate(const struct uvm_machine *m, psize_t *physmaxp)
{
	psize_t pgsz = m->m_pagesize != 0 ? m->m_pagesize : UVM_MIN_PAGE_SIZE;
	psize_t physmax = 0;

	if (!powerof2(pgsz) || pgsz < UVM_MIN_PAGE_SIZE ||
	    pgsz > UVM_MAX_PAGE_SIZE) {
		kprintf("uvm_machine_boot: page size %ju is not a power of"
		    " two in [%d, %d]\n", (uintmax_t)pgsz, UVM_MIN_PAGE_SIZE,
		    UVM_MAX_PAGE_SIZE);
		return EINVAL;
	}
	if (m->m_ncolors < 0 || (m->m_ncolors > 0 && !powerof2(m->m_ncolors))) {
		kprintf("uvm_machine_boot: %d page colours is not a power of"
		    " two\n", m->m_ncolors);
		return EINVAL;
	}
	if (m->m_nsegs < 0 || m->m_nsegs > UVM_MACHINE_MAXSEGS) {
		kprintf("uvm_machine_boot: %d segments (at most %d)\n",
		    m->m_nsegs, UVM_MACHINE_MAXSEGS);
		return EINVAL;
	}
	if (m->m_nswap < 0 || m->m_nswap > UVM_MACHINE_MAXSWAP) {
		kprintf("uvm_machine_boot: %d swap devices (at most %d)\n",
		    m->m_nswap, UVM_MACHINE_MAXSWAP);
		return EINVAL;
	}
	for (int i = 0; i < m->m_nswap; i++) {
		if (m->m_swap[i].sw_path == NULL || m->m_swap[i].sw_size < 0) {
			kprintf("uvm_machine_boot: swap device %d has no path"
			    " or a negative size\n", i);
			return EINVAL;
		}
	}
	if (m->m_nsegs == 0) {
		if (m->m_ramsize < 16 * pgsz || (m->m_ramsize & (pgsz - 1))) {
			kprintf("uvm_machine_boot: RAM size %ju must be a"
			    " multiple of the page size and at least 16 pages\n",
			    (uintmax_t)m->m_ramsize);
			return EINVAL;
		}
		physmax = m->m_ramsize;
	}
	for (int i = 0; i < m->m_nsegs; i++) {
		const struct uvm_machine_seg *s = &m->m_segs[i];

		if (((s->ms_start | s->ms_end | s->ms_avail_start |
		    s->ms_avail_end) & (pgsz - 1)) != 0 ||
		    s->ms_start >= s->ms_end ||
		    s->ms_avail_start < s->ms_start ||
		    s->ms_avail_end > s->ms_end ||
		    s->ms_avail_start > s->ms_avail_end ||
		    s->ms_freelist < 0 || s->ms_freelist >= VM_NFREELIST) {
			kprintf("uvm_machine_boot: segment %d [%#jx, %#jx)"
			    " avail [%#jx, %#jx) free list %d is invalid\n", i,
			    (uintmax_t)s->ms_start, (uintmax_t)s->ms_end,
			    (uintmax_t)s->ms_avail_start,
			    (uintmax_t)s->ms_avail_end, s->ms_freelist);
			return EINVAL;
		}
		for (int j = 0; j < i; j++) {
			const struct uvm_machine_seg *o = &m->m_segs[j];
			if (s->ms_start < o->ms_end && o->ms_start < s->ms_end) {
				kprintf("uvm_machine_boot: segments %d and %d"
				    " overlap\n", j, i);
				return EINVAL;
			}
		}
		if (s->ms_end > physmax)
			physmax = s->ms_end;
	}
	if (m->m_physmax != 0) {
		if (m->m_physmax < physmax || (m->m_physmax & (pgsz - 1))) {
			kprintf("uvm_machine_boot: physmax %#jx below the"
			    " highest segment end %#jx or unaligned\n",
			    (uintmax_t)m->m_physmax, (uintmax_t)physmax);
			return EINVAL;
		}
		physmax = m->m_physmax;
	}
	*physmaxp = physmax;
	return 0;
}

int
uvm_machine_boot(const struct uvm_machine *m)
{
	psize_t physmax;
	int error;

	KASSERTMSG(!uvm_booted, "uvm_machine_boot: a machine is running");
	error = machine_validate(m, &physmax);
	if (error)
		return error;
	uvm_machine = *m;
	if (uvm_machine.m_pmap == NULL)
		uvm_machine.m_pmap = "soft";
	if (uvm_machine.m_policy == NULL)
		uvm_machine.m_policy = "clock";
	if (uvm_pdpolicy_select(uvm_machine.m_policy) != 0) {
		kprintf("uvm_machine_boot: no paging policy named \"%s\"\n",
		    uvm_machine.m_policy);
		return EINVAL;
	}
	if (uvm_machine.m_daemon != UVM_DAEMON_THREADED &&
	    uvm_machine.m_daemon != UVM_DAEMON_STEPPED) {
		kprintf("uvm_machine_boot: daemon mode %d is neither threaded"
		    " nor stepped\n", (int)uvm_machine.m_daemon);
		return EINVAL;
	}

	kern_init();
	kern_random_seed(m->m_seed);
	error = kern_physmem_create(physmax);
	if (error) {
		kprintf("uvm_machine_boot: cannot create %ju bytes of physical"
		    " memory: error %d\n", (uintmax_t)physmax, error);
		kern_fini();
		return error;
	}
	error = pmap_select(uvm_machine.m_pmap);
	if (error) {
		kprintf("uvm_machine_boot: no pmap named \"%s\"\n",
		    uvm_machine.m_pmap);
		kern_physmem_destroy();
		kern_fini();
		return error;
	}

	memset(&uvmexp, 0, sizeof(uvmexp));
	uvmexp.pagesize = (int)(m->m_pagesize != 0 ? m->m_pagesize :
	    UVM_MIN_PAGE_SIZE);
	uvmexp.ncolors = m->m_ncolors > 0 ? m->m_ncolors : 1;
	uvm_md_init();
	if (m->m_nsegs == 0) {
		uvm_page_physload(0, atop(m->m_ramsize), 0, atop(m->m_ramsize),
		    VM_FREELIST_DEFAULT);
	} else {
		for (int i = 0; i < m->m_nsegs; i++) {
			const struct uvm_machine_seg *s = &m->m_segs[i];
			uvm_page_physload(atop(s->ms_start), atop(s->ms_end),
			    atop(s->ms_avail_start), atop(s->ms_avail_end),
			    s->ms_freelist);
		}
	}
	pmap_frequent_shootdowns = m->m_daemon == UVM_DAEMON_THREADED;
	error = pmap_bootstrap();
	if (error) {
		kprintf("uvm_machine_boot: pmap %s failed to start: error"
		    " %d\n", uvm_machine.m_pmap, error);
		uvm_physseg_fini();
		kern_physmem_destroy();
		kern_fini();
		return error;
	}
	uvm_init();
	uvm_init_limits(&lwp0);
	uvm_swap_init();
	uvm_meter_init();
	uvm_scheduler_init();
	for (int i = 0; i < m->m_nswap; i++) {
		const struct uvm_machine_swap *sw = &m->m_swap[i];

		error = uvm_swap_on(sw->sw_path, sw->sw_size, sw->sw_priority);
		if (error) {
			kprintf("uvm_machine_boot: swap device %s: error %d\n",
			    sw->sw_path != NULL ? sw->sw_path : "(null)", error);
			uvm_machine_shutdown();
			return error;
		}
	}
	error = uvm_pdaemon_start();
	if (error) {
		kprintf("uvm_machine_boot: cannot start the pagedaemon: error"
		    " %d\n", error);
		uvm_machine_shutdown();
		return error;
	}
	if (m->m_daemon == UVM_DAEMON_THREADED) {
		error = uvm_scheduler_start();
		if (error) {
			kprintf("uvm_machine_boot: swapper: error %d\n", error);
			uvm_machine_shutdown();
			return error;
		}
		uvm_meter_start();
	}
	if (!m->m_quiet)
		kprintf("uvm: %d pages of %d bytes, %d free, pmap %s\n",
		    uvmexp.npages, uvmexp.pagesize, uvmexp.free,
		    uvm_machine.m_pmap);
	return 0;
}

void
uvm_machine_shutdown(void)
{
	if (!uvm_booted)
		return;
	uvm_pdaemon_stop();
	uvm_meter_stop();
	uvm_scheduler_stop();
	uvm_scheduler_fini();
	ubc_fini();
	udv_fini();
	uvm_km_fini();
	uvm_map_fini();
	uvm_aobj_fini();
	uvm_anon_fini();
	uvm_amap_fini();
	uvm_swap_fini();
	pmap_shutdown();
	uvm_page_fini();
	uvm_physseg_fini();
	kern_physmem_destroy();
	kern_fini();
	memset(&uvmexp, 0, sizeof(uvmexp));
	uvm_booted = false;
}

const struct uvm_machine *
uvm_machine_current(void)
{
	return uvm_booted ? &uvm_machine : NULL;
}
