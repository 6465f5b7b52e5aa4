/*
 * t_pdaemon: the pagedaemon and the CLOCK policy: data integrity under
 * heavy paging (private anons, shared aobjs, forks sharing copy-on-write
 * pages) in both daemon modes, clustered pageout, swap full, bad slots
 * on read, ENOMEM when nothing is reclaimable, the reserves, counters,
 * and policy selection.
 */
#include "h_machine.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <uvm/uvm_amap.h>
#include <uvm/uvm_anon.h>
#include <uvm/uvm_aobj.h>
#include <uvm/uvm_swap.h>
#include <uvm/uvm_vnode.h>

#define MB		((psize_t)1024 * 1024)
#define UMIN		((vaddr_t)0x10000)
#define UMAX		((vaddr_t)0x40000000)
#define VA0		((vaddr_t)0x1000000)
#define SWAPFILE	"pdswap.img"

/* UVM's private interface (src/uvm/uvm_impl.h). */
bool	uvm_reclaimable(void);
void	uvm_kick_pdaemon(void);
void	uvm_wait(const char *);

/* Exact checks: every case here lets only the pager layer touch slots. */
#define PD_CHECK(map) do {						\
	const char *_why = uvm_pdaemon_check(true);			\
	ATF_REQUIRE_MSG(_why == NULL, "%s", _why);			\
	H_CHECK(map);							\
} while (0)

static void
boot_pd(psize_t ram, psize_t swap, enum uvm_daemon_mode mode,
    const char *policy)
{
	struct uvm_machine m;

	uvm_machine_defaults(&m);
	m.m_ramsize = ram;
	m.m_quiet = true;
	m.m_daemon = mode;
	m.m_policy = policy;
	if (swap != 0) {
		unlink(SWAPFILE);
		m.m_nswap = 1;
		m.m_swap[0].sw_path = SWAPFILE;
		m.m_swap[0].sw_size = (off_t)swap;
		m.m_swap[0].sw_priority = 0;
	}
	h_boot_machine(&m);
	/* Wiring is not what these cases test. */
	uvmexp.wiredmax = uvmexp.npages / 2;
	PD_CHECK(NULL);
}

static void
shutdown_pd(void)
{
	h_shutdown();
	unlink(SWAPFILE);
}

static struct vmspace *
newvm(void)
{
	struct vmspace *vm = uvmspace_alloc(UMIN, UMAX, false);

	ATF_REQUIRE(vm != NULL);
	return vm;
}

/* Private anonymous memory (copy-on-write, inherited by copy). */
static void
map_anon(struct vmspace *vm, vaddr_t va, int npages)
{
	ATF_REQUIRE_EQ(uvm_map(&vm->vm_map, &va, ptoa((vsize_t)npages), NULL,
	    UVM_UNKNOWN_OFFSET, 0, UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_ALL,
	    UVM_INH_COPY, UVM_ADV_NORMAL, UVM_FLAG_FIXED | UVM_FLAG_COPYONW)),
	    0);
}

/* An aobj mapped shared (the map takes its own reference). */
static void
map_shared(struct vmspace *vm, struct uvm_object *uobj, vaddr_t va,
    int npages)
{
	uao_reference(uobj);
	ATF_REQUIRE_EQ(uvm_map(&vm->vm_map, &va, ptoa((vsize_t)npages), uobj,
	    0, 0, UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_ALL, UVM_INH_SHARE,
	    UVM_ADV_NORMAL, UVM_FLAG_FIXED)), 0);
}

/* The bytes of page `pg' of generation `gen' of owner `who'. */
static void
pattern(unsigned char *buf, unsigned who, unsigned pg, unsigned gen)
{
	uint32_t x = who * 2654435761u ^ pg * 40503u ^ gen * 97u ^ 0x9e3779b9u;

	for (size_t i = 0; i < PAGE_SIZE; i += 4) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		memcpy(buf + i, &x, 4);
	}
}

static int
write_page(struct vmspace *vm, vaddr_t va, unsigned who, unsigned pg,
    unsigned gen)
{
	unsigned char buf[PAGE_SIZE];

	pattern(buf, who, pg, gen);
	return copyout_vmspace(vm, buf, (void *)va, PAGE_SIZE);
}

/* 0 if the page holds its pattern, 1 if it differs, -1 on error. */
static int
check_page(struct vmspace *vm, vaddr_t va, unsigned who, unsigned pg,
    unsigned gen)
{
	static unsigned char want[4096], got[4096];	/* 4 KiB pages */

	if (copyin_vmspace(vm, (void *)va, got, PAGE_SIZE) != 0)
		return -1;
	pattern(want, who, pg, gen);
	return memcmp(want, got, PAGE_SIZE) == 0 ? 0 : 1;
}

/* The anon at va of vm, or NULL. */
static struct vm_anon *
anon_at(struct vmspace *vm, vaddr_t va)
{
	struct vm_map_entry *e;
	struct vm_anon *anon = NULL;

	vm_map_lock_read(&vm->vm_map);
	if (uvm_map_lookup_entry(&vm->vm_map, va, &e) &&
	    e->aref.ar_amap != NULL) {
		amap_lock(e->aref.ar_amap);
		anon = amap_lookup(&e->aref, va - e->start);
		amap_unlock(e->aref.ar_amap);
	}
	vm_map_unlock_read(&vm->vm_map);
	return anon;
}

/*
 * The big one: 3 processes with private memory, one shared aobj mapped
 * in two of them, a fork of the first sharing its pages copy-on-write
 * and rewriting half of them: a working set of 3x RAM on a 4 MiB
 * machine with 16 MiB of swap.  Every byte is checked, twice.
 */
#define NVM		3
#define PRIVPG		800
#define SHPG		320

static void
integrity(enum uvm_daemon_mode mode, const char *policy)
{
	struct vmspace *vm[NVM], *child;
	struct uvm_object *shobj;
	unsigned long nw0;
	int bad = 0, err = 0, total;

	boot_pd(4 * MB, 16 * MB, mode, policy);
	nw0 = uvm_swap_nwrites;
	shobj = uao_create(ptoa((vsize_t)SHPG), 0);
	for (int v = 0; v < NVM; v++) {
		vm[v] = newvm();
		map_anon(vm[v], VA0, PRIVPG);
	}
	map_shared(vm[1], shobj, VA0 + ptoa(PRIVPG), SHPG);
	map_shared(vm[2], shobj, VA0 + ptoa(PRIVPG), SHPG);
	for (int v = 0; v < NVM; v++)
		for (int p = 0; p < PRIVPG; p++)
			err += write_page(vm[v], VA0 + ptoa(p), v, p, 0) != 0;
	for (int p = 0; p < SHPG; p++)
		err += write_page(vm[1], VA0 + ptoa(PRIVPG + p), 99, p, 0) != 0;
	ATF_REQUIRE_EQ_MSG(err, 0, "%d writes failed", err);
	PD_CHECK(&vm[0]->vm_map);

	/* The child shares vm[0]'s pages, then rewrites the odd ones. */
	child = uvmspace_fork(vm[0]);
	for (int p = 1; p < PRIVPG; p += 2)
		err += write_page(child, VA0 + ptoa(p), 50, p, 1) != 0;
	ATF_REQUIRE_EQ(err, 0);
	total = NVM * PRIVPG + SHPG + PRIVPG / 2;
	ATF_CHECK_MSG(total >= 3 * uvmexp.npages * 9 / 10,
	    "working set %d pages, RAM %d", total, uvmexp.npages);
	PD_CHECK(&child->vm_map);

	for (int round = 0; round < 2; round++) {
		for (int v = 0; v < NVM; v++)
			for (int p = 0; p < PRIVPG; p++) {
				int r = check_page(vm[v], VA0 + ptoa(p), v, p,
				    0);
				bad += r > 0;
				err += r < 0;
			}
		for (int p = 0; p < PRIVPG; p++) {
			int r = (p & 1) ?
			    check_page(child, VA0 + ptoa(p), 50, p, 1) :
			    check_page(child, VA0 + ptoa(p), 0, p, 0);
			bad += r > 0;
			err += r < 0;
		}
		for (int p = 0; p < SHPG; p++) {
			int r = check_page(vm[2 - round],
			    VA0 + ptoa(PRIVPG + p), 99, p, 0);
			bad += r > 0;
			err += r < 0;
		}
		ATF_REQUIRE_EQ_MSG(bad, 0, "%d pages differ", bad);
		ATF_REQUIRE_EQ_MSG(err, 0, "%d reads failed", err);
		PD_CHECK(&vm[round]->vm_map);
	}
	/* Paging really happened, both ways, in clusters. */
	ATF_CHECK(uvmexp.pdwoke > 0);
	ATF_CHECK(uvmexp.pdfreed > total - uvmexp.npages);
	ATF_CHECK(uvmexp.pgswapin > 0);
	ATF_CHECK(uvmexp.pgswapout > uvmexp.npages);
	ATF_CHECK_EQ(uvmexp.pageins, uvmexp.nswget);
	ATF_CHECK_MSG(uvmexp.pgswapout >= 2 * (int)(uvm_swap_nwrites - nw0),
	    "%d pages in %lu writes", uvmexp.pgswapout,
	    uvm_swap_nwrites - nw0);
	ATF_CHECK_EQ(uvmexp.fltnoram, 0);

	uvmspace_free(child);
	for (int v = 0; v < NVM; v++)
		uvmspace_free(vm[v]);
	uao_detach(shobj);
	PD_CHECK(NULL);
	/* Everything gone: no slot is left behind. */
	ATF_CHECK_EQ(uvmexp.swpginuse, 0);
	ATF_CHECK_EQ(uvmexp.swpgonly, 0);
	shutdown_pd();
}

ATF_TC(integrity_3x_ram_stepped_clock);
ATF_TC_HEAD(integrity_3x_ram_stepped_clock, tc)
{
	atf_tc_set_md_var(tc, "timeout", "120");
}
ATF_TC_BODY(integrity_3x_ram_stepped_clock, tc)
{
	integrity(UVM_DAEMON_STEPPED, "clock");
}

ATF_TC(integrity_3x_ram_threaded_clock);
ATF_TC_HEAD(integrity_3x_ram_threaded_clock, tc)
{
	atf_tc_set_md_var(tc, "timeout", "120");
}
ATF_TC_BODY(integrity_3x_ram_threaded_clock, tc)
{
	integrity(UVM_DAEMON_THREADED, "clock");
}

/* CLOCK-Pro is a separate file; a library built without it refuses it. */
static void
require_clockpro(void)
{
	struct uvm_machine m;

	uvm_machine_defaults(&m);
	m.m_quiet = true;
	m.m_policy = "clockpro";
	if (uvm_machine_boot(&m) != 0)
		atf_tc_skip("this library has no clockpro policy");
	h_shutdown();
}

ATF_TC(integrity_3x_ram_stepped_clockpro);
ATF_TC_HEAD(integrity_3x_ram_stepped_clockpro, tc)
{
	atf_tc_set_md_var(tc, "timeout", "120");
}
ATF_TC_BODY(integrity_3x_ram_stepped_clockpro, tc)
{
	require_clockpro();
	integrity(UVM_DAEMON_STEPPED, "clockpro");
}

ATF_TC(integrity_3x_ram_threaded_clockpro);
ATF_TC_HEAD(integrity_3x_ram_threaded_clockpro, tc)
{
	atf_tc_set_md_var(tc, "timeout", "120");
}
ATF_TC_BODY(integrity_3x_ram_threaded_clockpro, tc)
{
	require_clockpro();
	integrity(UVM_DAEMON_THREADED, "clockpro");
}

/*
 * Clustering: dirty pages gathered by one pass go to swap in runs:
 * pages written per write I/O well above 1, and one pdpageouts per I/O.
 */
ATF_TC_WITHOUT_HEAD(pageout_clusters_dirty_pages_into_runs);
ATF_TC_BODY(pageout_clusters_dirty_pages_into_runs, tc)
{
	struct vmspace *vm;
	unsigned long nw0;
	int po0, pgs0, n = 1200;

	boot_pd(4 * MB, 16 * MB, UVM_DAEMON_STEPPED, NULL);
	vm = newvm();
	map_anon(vm, VA0, n);
	nw0 = uvm_swap_nwrites;
	po0 = uvmexp.pdpageouts;
	pgs0 = uvmexp.pgswapout;
	for (int p = 0; p < n; p++)
		ATF_REQUIRE_EQ(write_page(vm, VA0 + ptoa(p), 7, p, 0), 0);
	PD_CHECK(&vm->vm_map);
	ATF_REQUIRE(uvm_swap_nwrites > nw0);
	ATF_CHECK_EQ((unsigned long)(uvmexp.pdpageouts - po0),
	    uvm_swap_nwrites - nw0);
	ATF_CHECK_MSG((uvmexp.pgswapout - pgs0) >=
	    8 * (int)(uvm_swap_nwrites - nw0),
	    "%d pages in %lu writes", uvmexp.pgswapout - pgs0,
	    uvm_swap_nwrites - nw0);
	/* Every page that left memory has exactly one slot. */
	for (int p = 0; p < n; p++) {
		struct vm_anon *a = anon_at(vm, VA0 + ptoa(p));

		ATF_REQUIRE(a != NULL);
		ATF_REQUIRE(a->an_page != NULL || a->an_swslot > 0);
	}
	for (int p = 0; p < n; p++)
		ATF_REQUIRE_EQ(check_page(vm, VA0 + ptoa(p), 7, p, 0), 0);
	PD_CHECK(&vm->vm_map);
	uvmspace_free(vm);
	shutdown_pd();
}

/*
 * Swap full: writing more than RAM + swap holds ends in ENOMEM (the
 * fault cannot get a page and nothing is reclaimable), but no page that
 * was written is lost: dirty pages that found no slot were reactivated.
 */
ATF_TC_WITHOUT_HEAD(swap_full_reactivates_dirty_pages_no_data_lost);
ATF_TC_BODY(swap_full_reactivates_dirty_pages_no_data_lost, tc)
{
	struct vmspace *vm;
	int n = 2000, written = 0, react0, nres = 0;

	boot_pd(4 * MB, 1 * MB, UVM_DAEMON_STEPPED, NULL);
	vm = newvm();
	map_anon(vm, VA0, n);
	react0 = uvmexp.pdreact;
	for (int p = 0; p < n; p++) {
		if (write_page(vm, VA0 + ptoa(p), 3, p, 0) != 0)
			break;
		written++;
	}
	ATF_CHECK_MSG(written < n, "all %d pages fit", n);
	ATF_CHECK(written > uvmexp.swpages);
	ATF_CHECK(uvmexp.fltnoram > 0);
	ATF_CHECK(uvmexp.pdreact > react0);
	ATF_CHECK(uvmexp.swpginuse <= uvmexp.swpages);
	PD_CHECK(&vm->vm_map);
	/*
	 * Memory is full of dirty pages and swap of the others.  Check the
	 * resident ones (no memory needed), give them back, then read the
	 * paged-out ones in.
	 */
	for (int p = 0; p < written; p++) {
		struct vm_anon *a = anon_at(vm, VA0 + ptoa(p));

		ATF_REQUIRE(a != NULL);
		ATF_REQUIRE(a->an_page != NULL || a->an_swslot > 0);
		if (a->an_page == NULL)
			continue;
		ATF_REQUIRE_EQ_MSG(check_page(vm, VA0 + ptoa(p), 3, p, 0), 0,
		    "resident page %d", p);
		if (a->an_swslot == 0) {
			uvm_unmap(&vm->vm_map, VA0 + ptoa(p),
			    VA0 + ptoa(p + 1));
			nres++;
		}
	}
	ATF_CHECK(nres > 0);
	PD_CHECK(&vm->vm_map);
	for (int p = 0; p < written; p++) {
		struct vm_anon *a = anon_at(vm, VA0 + ptoa(p));

		if (a != NULL && a->an_page == NULL)
			ATF_REQUIRE_EQ_MSG(check_page(vm, VA0 + ptoa(p), 3, p,
			    0), 0, "paged-out page %d", p);
	}
	PD_CHECK(&vm->vm_map);
	uvmspace_free(vm);
	PD_CHECK(NULL);
	shutdown_pd();
}

/*
 * A read error on a slot marks it bad and fails that access only; the
 * other paged-out pages read back fine, and the bad slot is never handed
 * out again.
 */
ATF_TC_WITHOUT_HEAD(bad_slot_on_read_fails_only_that_access);
ATF_TC_BODY(bad_slot_on_read_fails_only_that_access, tc)
{
	struct vmspace *vm;
	struct vm_anon *a;
	int n = 1500, victim = -1, slot, inuse;

	boot_pd(4 * MB, 16 * MB, UVM_DAEMON_STEPPED, NULL);
	vm = newvm();
	map_anon(vm, VA0, n);
	for (int p = 0; p < n; p++)
		ATF_REQUIRE_EQ(write_page(vm, VA0 + ptoa(p), 5, p, 0), 0);
	for (int p = 0; p < n && victim < 0; p++) {
		a = anon_at(vm, VA0 + ptoa(p));
		if (a != NULL && a->an_page == NULL && a->an_swslot > 0)
			victim = p;
	}
	ATF_REQUIRE_MSG(victim >= 0, "nothing was paged out");
	a = anon_at(vm, VA0 + ptoa(victim));
	slot = a->an_swslot;
	/*
	 * Every read fails: the clustered read, then the victim's own
	 * (a failed cluster is read again page by page, the faulting page
	 * first); its read-ahead neighbours are not brought in.
	 */
	kern_fault_set(KFI_IO_READ, 1, 1);
	ATF_CHECK_EQ(check_page(vm, VA0 + ptoa(victim), 5, victim, 0), -1);
	ATF_CHECK(kern_fault_hits(KFI_IO_READ) >= 1ul);
	ATF_CHECK(kern_fault_hits(KFI_IO_READ) <= 2ul);
	kern_fault_clear();
	ATF_CHECK(uvm_swap_isbad(slot));
	ATF_CHECK_EQ(a->an_swslot, slot);
	ATF_CHECK(a->an_page == NULL);
	PD_CHECK(&vm->vm_map);
	/* Still lost, and only that page. */
	ATF_CHECK_EQ(check_page(vm, VA0 + ptoa(victim), 5, victim, 0), -1);
	for (int p = 0; p < n; p++)
		if (p != victim)
			ATF_REQUIRE_EQ_MSG(check_page(vm, VA0 + ptoa(p), 5, p,
			    0), 0, "page %d", p);
	PD_CHECK(&vm->vm_map);
	/* Freeing the anon leaves the bad slot allocated, to nobody. */
	inuse = uvmexp.swpginuse;
	uvmspace_free(vm);
	PD_CHECK(NULL);
	ATF_CHECK_EQ(uvmexp.swpginuse, 1);
	ATF_CHECK(uvm_swap_isbad(slot));
	ATF_CHECK(uvm_swap_slot_inuse(slot));
	ATF_CHECK(inuse >= 1);
	shutdown_pd();
}

/*
 * No swap and every page dirty: nothing is reclaimable, so the fault
 * fails with ENOMEM (fltnoram) at once instead of waiting forever.
 */
static void
enomem_no_swap(enum uvm_daemon_mode mode)
{
	struct vmspace *vm;
	int n = 1100, written = 0, error = 0;

	boot_pd(4 * MB, 0, mode, NULL);
	vm = newvm();
	map_anon(vm, VA0, n);
	for (int p = 0; p < n; p++) {
		unsigned char buf[PAGE_SIZE];

		pattern(buf, 1, p, 0);
		error = uvm_fault(&vm->vm_map, VA0 + ptoa(p), VM_PROT_WRITE);
		if (error != 0)
			break;
		ATF_REQUIRE_EQ(copyout_vmspace(vm, buf, (void *)(VA0 +
		    ptoa(p)), PAGE_SIZE), 0);
		written++;
	}
	ATF_CHECK_EQ(error, ENOMEM);
	ATF_CHECK_EQ(uvmexp.fltnoram, 1);
	ATF_CHECK(written > uvmexp.npages / 2);
	ATF_CHECK(uvmexp.free <= uvmexp.reserve_kernel);
	PD_CHECK(&vm->vm_map);
	for (int p = 0; p < written; p++)
		ATF_REQUIRE_EQ(check_page(vm, VA0 + ptoa(p), 1, p, 0), 0);
	/* Memory given back: the same fault succeeds. */
	uvm_unmap(&vm->vm_map, VA0, VA0 + ptoa(64));
	ATF_CHECK_EQ(uvm_fault(&vm->vm_map, VA0 + ptoa(written),
	    VM_PROT_WRITE), 0);
	PD_CHECK(&vm->vm_map);
	uvmspace_free(vm);
	shutdown_pd();
}

ATF_TC_WITHOUT_HEAD(nothing_reclaimable_fails_enomem_stepped);
ATF_TC_BODY(nothing_reclaimable_fails_enomem_stepped, tc)
{
	enomem_no_swap(UVM_DAEMON_STEPPED);
}

ATF_TC_WITHOUT_HEAD(nothing_reclaimable_fails_enomem_threaded);
ATF_TC_BODY(nothing_reclaimable_fails_enomem_threaded, tc)
{
	enomem_no_swap(UVM_DAEMON_THREADED);
}

/*
 * A pass that has to skip its victims because their owner is locked
 * (by lwps faulting on the same amap at that moment) proves nothing
 * about what is reclaimable: it must not bring the daemon to the verdict
 * "nothing reclaimable".  It used to, and then concurrent faults failed
 * with ENOMEM (EFAULT to the copy) with swap nearly empty: found by
 * uvmsim --procs threads, twelve lwps faulting on amaps sharing one lock.
 */
ATF_TC_WITHOUT_HEAD(contended_passes_are_not_fruitless);
ATF_TC_BODY(contended_passes_are_not_fruitless, tc)
{
	struct vmspace *vm;
	struct vm_map_entry *e;
	kmutex_t *locks[64];
	int n, written = 0, freed = 0, nlocks = 0;

	boot_pd(4 * MB, 16 * MB, UVM_DAEMON_STEPPED, NULL);
	vm = newvm();
	n = uvmexp.npages * 2;
	map_anon(vm, VA0, n);
	/* Fill until free memory is short; the daemon has not run. */
	while (written < n && uvmexp.free >= uvmexp.freemin) {
		ATF_REQUIRE_EQ(write_page(vm, VA0 + ptoa(written), 3, written,
		    0), 0);
		written++;
	}
	ATF_REQUIRE(uvmexp.free < uvmexp.freemin);
	ATF_REQUIRE(uvm_reclaimable());
	/* The amaps (chunks of the mapping) and their locks. */
	vm_map_lock_read(&vm->vm_map);
	for (e = vm->vm_map.header.next; e != &vm->vm_map.header;
	    e = e->next) {
		kmutex_t *lk = e->aref.ar_amap != NULL ?
		    amap_lockptr(e->aref.ar_amap) : NULL;
		int i;

		for (i = 0; i < nlocks && locks[i] != lk; i++)
			continue;
		if (lk != NULL && i == nlocks) {
			ATF_REQUIRE(nlocks < 64);
			locks[nlocks++] = lk;
		}
	}
	vm_map_unlock_read(&vm->vm_map);
	ATF_REQUIRE(nlocks > 0);

	/* Every victim's owner is busy: passes free nothing ... */
	for (int i = 0; i < nlocks; i++)
		mutex_enter(locks[i]);
	for (int i = 0; i < 4; i++)
		freed += uvm_pageout_step();
	for (int i = 0; i < nlocks; i++)
		mutex_exit(locks[i]);
	ATF_CHECK_EQ(freed, 0);
	ATF_CHECK(uvmexp.free < uvmexp.freemin);
	/* ... and that is no verdict: memory is still reclaimable. */
	ATF_CHECK(uvm_reclaimable());
	/* Indeed: a pass that can take the lock frees pages. */
	ATF_CHECK(uvm_pageout_step() > 0);
	ATF_CHECK(uvmexp.free >= uvmexp.freemin);
	/* And a fault that needs a page gets one. */
	ATF_CHECK_EQ(write_page(vm, VA0 + ptoa(written), 3, written, 0), 0);
	written++;
	ATF_CHECK_EQ(uvmexp.fltnoram, 0);
	for (int p = 0; p < written; p++)
		ATF_REQUIRE_EQ(check_page(vm, VA0 + ptoa(p), 3, p, 0), 0);
	PD_CHECK(&vm->vm_map);
	uvmspace_free(vm);
	shutdown_pd();
}

/*
 * The reserves: with ordinary allocations stopped at reserve_kernel, a
 * daemon pass still runs and frees pages (it needs none to do so).
 */
ATF_TC_WITHOUT_HEAD(reserves_keep_daemon_able_to_run);
ATF_TC_BODY(reserves_keep_daemon_able_to_run, tc)
{
	struct vmspace *vm;
	struct pglist pgl, one;
	int n = 600, freed, woke0;

	boot_pd(4 * MB, 16 * MB, UVM_DAEMON_STEPPED, NULL);
	ATF_CHECK(uvmexp.freemin > uvmexp.reserve_kernel);
	ATF_CHECK(uvmexp.freetarg > uvmexp.freemin);
	ATF_CHECK(uvmexp.reserve_kernel > uvmexp.reserve_pagedaemon);
	vm = newvm();
	map_anon(vm, VA0, n);
	for (int p = 0; p < n; p++)
		ATF_REQUIRE_EQ(write_page(vm, VA0 + ptoa(p), 9, p, 0), 0);
	TAILQ_INIT(&pgl);
	while (uvm_pglistalloc(PAGE_SIZE, 0, ~(paddr_t)0, PAGE_SIZE, 0,
	    &one, 1, 0) == 0)
		TAILQ_CONCAT(&pgl, &one, pageq);
	ATF_CHECK(uvmexp.free <= uvmexp.reserve_kernel);
	woke0 = uvmexp.pdwoke;
	freed = uvm_pageout_step();
	ATF_CHECK_EQ(uvmexp.pdwoke, woke0 + 1);
	ATF_CHECK(freed > 0);
	ATF_CHECK(uvmexp.free >= uvmexp.freetarg);
	PD_CHECK(&vm->vm_map);
	uvm_pglistfree(&pgl);
	for (int p = 0; p < n; p++)
		ATF_REQUIRE_EQ(check_page(vm, VA0 + ptoa(p), 9, p, 0), 0);
	PD_CHECK(&vm->vm_map);
	uvmspace_free(vm);
	shutdown_pd();
}

/*
 * A pass frees a batch, as NetBSD's scan does: started below freemin, it
 * scans until free memory (with the pages in flight, none once a stepped
 * pass returns) reaches four times freetarg, not just freetarg; one pass
 * does it.  A pass started above freetarg frees nothing.
 */
/*
 * Memory held by what cannot be paged out (pages with no owner), below
 * freemin, nobody asking: the threaded daemon sleeps between fruitless
 * passes (one a second, or per kick) instead of spinning.
 */
ATF_TC_WITHOUT_HEAD(threaded_daemon_does_not_spin_when_nothing_reclaimable);
ATF_TC_BODY(threaded_daemon_does_not_spin_when_nothing_reclaimable, tc)
{
	struct pglist held;
	struct vm_page *pg;
	int woke;

	boot_pd(4 * MB, 0, UVM_DAEMON_THREADED, NULL);
	TAILQ_INIT(&held);
	while (uvmexp.free >= uvmexp.freemin / 2 &&
	    (pg = uvm_pagealloc(NULL, 0, NULL, 0)) != NULL)
		TAILQ_INSERT_TAIL(&held, pg, pageq);
	ATF_REQUIRE(uvmexp.free < uvmexp.freemin);
	uvm_kick_pdaemon();
	kpause("test", false, hz / 10 + 1, NULL);
	woke = uvmexp.pdwoke;
	/* Half a second: at most a pass or two, not thousands. */
	kpause("test", false, hz / 2, NULL);
	ATF_CHECK_MSG(uvmexp.pdwoke - woke <= 2, "%d passes in 0.5 s",
	    uvmexp.pdwoke - woke);
	/* A kick still gets a pass at once. */
	woke = uvmexp.pdwoke;
	uvm_kick_pdaemon();
	for (int i = 0; i < 10 * hz && uvmexp.pdwoke == woke; i++)
		kpause("test", false, 1, NULL);
	ATF_CHECK(uvmexp.pdwoke > woke);
	while ((pg = TAILQ_FIRST(&held)) != NULL) {
		TAILQ_REMOVE(&held, pg, pageq);
		uvm_pagefree(pg);
	}
	PD_CHECK(NULL);
	shutdown_pd();
}

ATF_TC_WITHOUT_HEAD(pass_frees_batch_of_four_times_freetarg);
ATF_TC_BODY(pass_frees_batch_of_four_times_freetarg, tc)
{
	struct vmspace *vm;
	struct pglist pgl, one;
	int n = 900, freed, woke0, free0;

	boot_pd(4 * MB, 16 * MB, UVM_DAEMON_STEPPED, NULL);
	vm = newvm();
	map_anon(vm, VA0, n);
	for (int p = 0; p < n; p++)
		ATF_REQUIRE_EQ(write_page(vm, VA0 + ptoa(p), 5, p, 0), 0);
	PD_CHECK(&vm->vm_map);
	TAILQ_INIT(&pgl);
	while (uvmexp.free >= uvmexp.freemin &&
	    uvm_pglistalloc(PAGE_SIZE, 0, ~(paddr_t)0, PAGE_SIZE, 0, &one, 1,
	    0) == 0)
		TAILQ_CONCAT(&pgl, &one, pageq);
	ATF_REQUIRE(uvmexp.free < uvmexp.freemin);
	/* Enough resident pages for a whole batch. */
	ATF_REQUIRE(uvmexp.anonpages > 4 * uvmexp.freetarg);
	free0 = uvmexp.free;
	woke0 = uvmexp.pdwoke;
	freed = uvm_pageout_step();
	ATF_CHECK_EQ(uvmexp.pdwoke, woke0 + 1);
	ATF_CHECK_EQ(uvmexp.paging, 0);
	ATF_CHECK(uvmexp.free >= 4 * uvmexp.freetarg);
	/* It stops at the goal (give or take the last cluster). */
	ATF_CHECK(uvmexp.free < 4 * uvmexp.freetarg + 64);
	ATF_CHECK_EQ(freed, uvmexp.free - free0);
	PD_CHECK(&vm->vm_map);
	/* Above freetarg: the next pass has nothing to do. */
	ATF_CHECK_EQ(uvm_pageout_step(), 0);
	ATF_CHECK(uvmexp.free >= 4 * uvmexp.freetarg);
	PD_CHECK(&vm->vm_map);
	uvm_pglistfree(&pgl);
	PD_CHECK(&vm->vm_map);
	for (int p = 0; p < n; p++)
		ATF_REQUIRE_EQ(check_page(vm, VA0 + ptoa(p), 5, p, 0), 0);
	PD_CHECK(&vm->vm_map);
	uvmspace_free(vm);
	shutdown_pd();
}

/*
 * Counters, in a fully controlled stepped run: pages go out only through
 * explicit steps; then reading them back counts one pagein each.
 */
ATF_TC_WITHOUT_HEAD(counters_match_what_happened);
ATF_TC_BODY(counters_match_what_happened, tc)
{
	struct vmspace *vm;
	struct pglist pgl, one;
	struct uvmexp s;
	unsigned long nw0;
	int n = 400, freed, out, nonres = 0, steps = 0;

	boot_pd(4 * MB, 16 * MB, UVM_DAEMON_STEPPED, NULL);
	vm = newvm();
	map_anon(vm, VA0, n);
	for (int p = 0; p < n; p++)
		ATF_REQUIRE_EQ(write_page(vm, VA0 + ptoa(p), 4, p, 0), 0);
	/* Take free memory below the target with pages nobody can page. */
	TAILQ_INIT(&pgl);
	while (uvmexp.free > uvmexp.freemin &&
	    uvm_pglistalloc(PAGE_SIZE, 0, ~(paddr_t)0, PAGE_SIZE, 0, &one, 1,
	    0) == 0)
		TAILQ_CONCAT(&pgl, &one, pageq);
	s = uvmexp;
	nw0 = uvm_swap_nwrites;
	freed = 0;
	while (uvmexp.free < uvmexp.freetarg && steps < 10) {
		freed += uvm_pageout_step();
		steps++;
	}
	ATF_REQUIRE(freed > 0);
	ATF_CHECK_EQ(uvmexp.pdwoke - s.pdwoke, steps);
	ATF_CHECK_EQ(uvmexp.pdfreed - s.pdfreed, freed);
	/* All of them were dirty anons: each went out through swap. */
	out = uvmexp.pgswapout - s.pgswapout;
	ATF_CHECK_EQ(out, freed);
	ATF_CHECK_EQ(uvmexp.swpginuse - s.swpginuse, out);
	ATF_CHECK_EQ(uvmexp.swpgonly - s.swpgonly, out);
	ATF_CHECK_EQ((unsigned long)(uvmexp.pdpageouts - s.pdpageouts),
	    uvm_swap_nwrites - nw0);
	ATF_CHECK(uvmexp.pdscans - s.pdscans >= freed);
	ATF_CHECK_EQ(uvmexp.pdanscan - s.pdanscan,
	    uvmexp.pdscans - s.pdscans);
	ATF_CHECK(uvmexp.pddeact - s.pddeact > 0);
	ATF_CHECK_EQ(uvmexp.pageins - s.pageins, 0);
	for (int p = 0; p < n; p++) {
		struct vm_anon *a = anon_at(vm, VA0 + ptoa(p));

		nonres += a->an_page == NULL;
	}
	ATF_CHECK_EQ(nonres, out);
	PD_CHECK(&vm->vm_map);
	uvm_pglistfree(&pgl);

	s = uvmexp;
	for (int p = 0; p < n; p++)
		ATF_REQUIRE_EQ(check_page(vm, VA0 + ptoa(p), 4, p, 0), 0);
	/* Clustered: one read per fault that paged in, several pages each. */
	ATF_CHECK(uvmexp.pageins - s.pageins > 0);
	ATF_CHECK(uvmexp.pageins - s.pageins < nonres);
	ATF_CHECK_EQ(uvmexp.pgswapin - s.pgswapin, nonres);
	ATF_CHECK_EQ(uvmexp.nswget - s.nswget, uvmexp.pageins - s.pageins);
	ATF_CHECK_EQ(uvmexp.swpgonly, 0);
	/* Read back, the pages keep their (clean) copies in swap. */
	ATF_CHECK_EQ(uvmexp.swpginuse, s.swpginuse);
	PD_CHECK(&vm->vm_map);
	uvmspace_free(vm);
	PD_CHECK(NULL);
	ATF_CHECK_EQ(uvmexp.swpginuse, 0);
	shutdown_pd();
}

/*
 * CLOCK's second chance: a page referenced after deactivation is
 * reactivated by the scan, not freed; an unreferenced clean page with a
 * copy in swap is freed without I/O.
 */
ATF_TC_WITHOUT_HEAD(clock_reactivates_referenced_frees_clean_without_io);
ATF_TC_BODY(clock_reactivates_referenced_frees_clean_without_io, tc)
{
	struct vmspace *vm;
	struct pglist pgl, one;
	struct vm_anon *a;
	struct uvmexp s;
	unsigned char b;
	int n = 300, p, slot;

	boot_pd(4 * MB, 16 * MB, UVM_DAEMON_STEPPED, NULL);
	vm = newvm();
	map_anon(vm, VA0, n);
	for (p = 0; p < n; p++)
		ATF_REQUIRE_EQ(write_page(vm, VA0 + ptoa(p), 2, p, 0), 0);
	TAILQ_INIT(&pgl);
	while (uvmexp.free > uvmexp.freemin &&
	    uvm_pglistalloc(PAGE_SIZE, 0, ~(paddr_t)0, PAGE_SIZE, 0, &one, 1,
	    0) == 0)
		TAILQ_CONCAT(&pgl, &one, pageq);
	/* First pass: pages go to swap. */
	(void)uvm_pageout_step();
	for (p = 0; p < n; p++) {
		a = anon_at(vm, VA0 + ptoa(p));
		if (a->an_page == NULL)
			break;
	}
	ATF_REQUIRE(p < n);
	/* Read it back: resident again, with a clean copy in swap. */
	ATF_REQUIRE_EQ(check_page(vm, VA0 + ptoa(p), 2, p, 0), 0);
	a = anon_at(vm, VA0 + ptoa(p));
	ATF_REQUIRE(a->an_page != NULL && a->an_swslot > 0);
	uvm_pagedeactivate(a->an_page);
	ATF_CHECK(a->an_page->pqflags & PQ_INACTIVE);
	/* Referenced after deactivation: the scan gives it a second chance. */
	ATF_REQUIRE_EQ(copyin_vmspace(vm, (void *)(VA0 + ptoa(p)), &b, 1), 0);
	s = uvmexp;
	for (int tries = 0; (a->an_page->pqflags & PQ_INACTIVE) != 0 &&
	    tries < 50; tries++) {
		while (uvmexp.free > uvmexp.freemin &&
		    uvm_pglistalloc(PAGE_SIZE, 0, ~(paddr_t)0, PAGE_SIZE, 0,
		    &one, 1, 0) == 0)
			TAILQ_CONCAT(&pgl, &one, pageq);
		(void)uvm_pageout_step();
		ATF_REQUIRE(a->an_page != NULL);
	}
	ATF_CHECK(uvmexp.pdreact > s.pdreact);
	ATF_CHECK(a->an_page != NULL);
	ATF_CHECK(a->an_page == NULL || (a->an_page->pqflags & PQ_ACTIVE));
	PD_CHECK(&vm->vm_map);
	/*
	 * Unreferenced now: when the scan reaches it, it is freed and keeps
	 * its slot (a dirty page would have been given a new one).
	 */
	slot = a->an_swslot;
	uvm_pagedeactivate(a->an_page);
	for (int tries = 0; a->an_page != NULL && tries < 50; tries++) {
		while (uvmexp.free > uvmexp.freemin &&
		    uvm_pglistalloc(PAGE_SIZE, 0, ~(paddr_t)0, PAGE_SIZE, 0,
		    &one, 1, 0) == 0)
			TAILQ_CONCAT(&pgl, &one, pageq);
		(void)uvm_pageout_step();
	}
	ATF_CHECK(a->an_page == NULL);
	ATF_CHECK_EQ(a->an_swslot, slot);
	PD_CHECK(&vm->vm_map);
	uvm_pglistfree(&pgl);
	ATF_REQUIRE_EQ(check_page(vm, VA0 + ptoa(p), 2, p, 0), 0);
	uvmspace_free(vm);
	shutdown_pd();
}

/*
 * File pages: under pressure, dirty pages of a shared file mapping are
 * written back through the vnode pager and freed, clean ones freed; the
 * host file then holds what was written, and the mapping reads it back.
 */
ATF_TC_WITHOUT_HEAD(dirty_file_pages_written_back_and_freed);
ATF_TC_BODY(dirty_file_pages_written_back_and_freed, tc)
{
	struct vmspace *vm, *anonvm;
	struct vnode *vp;
	vaddr_t va = VA0;
	static unsigned char want[4096], got[4096];	/* 4 KiB pages */
	int nf = 200, na = 1200, fd, gone = 0, po0;
	FILE *f;

	boot_pd(4 * MB, 16 * MB, UVM_DAEMON_STEPPED, NULL);
	unlink("pdfile.dat");
	f = fopen("pdfile.dat", "w");
	ATF_REQUIRE(f != NULL);
	memset(got, 0, sizeof(got));
	for (int p = 0; p < nf; p++)
		ATF_REQUIRE_EQ(fwrite(got, 1, PAGE_SIZE, f), PAGE_SIZE);
	fclose(f);
	ATF_REQUIRE_EQ(vn_open("pdfile.dat", VN_READ | VN_WRITE, &vp), 0);
	vm = newvm();
	vref(vp);
	ATF_REQUIRE_EQ(uvm_map(&vm->vm_map, &va, ptoa((vsize_t)nf),
	    &vp->v_uobj, 0, 0, UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_RW,
	    UVM_INH_SHARE, UVM_ADV_NORMAL, UVM_FLAG_FIXED)), 0);
	for (int p = 0; p < nf; p++)
		ATF_REQUIRE_EQ(write_page(vm, VA0 + ptoa(p), 77, p, 0), 0);
	ATF_CHECK_EQ(vp->v_uobj.uo_npages, nf);
	PD_CHECK(&vm->vm_map);

	po0 = uvmexp.pdpageouts;
	anonvm = newvm();
	map_anon(anonvm, VA0, na);
	for (int p = 0; p < na; p++)
		ATF_REQUIRE_EQ(write_page(anonvm, VA0 + ptoa(p), 8, p, 0), 0);
	PD_CHECK(&anonvm->vm_map);
	ATF_CHECK(vp->v_uobj.uo_npages < nf);
	ATF_CHECK(uvmexp.pdobscan > 0);
	ATF_CHECK(uvmexp.pdpageouts > po0);

	/* Pages that left memory are in the host file. */
	fd = open("pdfile.dat", O_RDONLY);
	ATF_REQUIRE(fd >= 0);
	for (int p = 0; p < nf; p++) {
		struct vm_page *pg;

		mutex_enter(vp->v_uobj.vmobjlock);
		pg = uvm_pagelookup(&vp->v_uobj, ptoa((voff_t)p));
		mutex_exit(vp->v_uobj.vmobjlock);
		if (pg != NULL)
			continue;
		gone++;
		pattern(want, 77, p, 0);
		ATF_REQUIRE_EQ(pread(fd, got, PAGE_SIZE, (off_t)ptoa(p)),
		    (ssize_t)PAGE_SIZE);
		ATF_REQUIRE_MSG(memcmp(want, got, PAGE_SIZE) == 0,
		    "file page %d not written back", p);
	}
	close(fd);
	ATF_CHECK(gone > 0);
	for (int p = 0; p < nf; p++)
		ATF_REQUIRE_EQ(check_page(vm, VA0 + ptoa(p), 77, p, 0), 0);
	for (int p = 0; p < na; p++)
		ATF_REQUIRE_EQ(check_page(anonvm, VA0 + ptoa(p), 8, p, 0), 0);
	PD_CHECK(&vm->vm_map);
	uvmspace_free(anonvm);
	uvmspace_free(vm);
	vrele(vp);
	PD_CHECK(NULL);
	shutdown_pd();
	unlink("pdfile.dat");
}

ATF_TC_WITHOUT_HEAD(unknown_policy_fails_boot_einval);
ATF_TC_BODY(unknown_policy_fails_boot_einval, tc)
{
	struct uvm_machine m;

	uvm_machine_defaults(&m);
	m.m_quiet = true;
	m.m_policy = "lru-of-dreams";
	ATF_CHECK_EQ(uvm_machine_boot(&m), EINVAL);
	ATF_CHECK(uvm_machine_current() == NULL);
	m.m_policy = "clock";
	ATF_REQUIRE_EQ(uvm_machine_boot(&m), 0);
	PD_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(tuning_follows_netbsd);
ATF_TC_BODY(tuning_follows_netbsd, tc)
{
	boot_pd(4 * MB, 0, UVM_DAEMON_STEPPED, NULL);
	/* 5% of 1024 pages, within [16 KiB, 512 KiB]. */
	ATF_CHECK_EQ(uvmexp.freemin, uvmexp.npages / 20);
	ATF_CHECK_EQ(uvmexp.freetarg, uvmexp.freemin * 4 / 3);
	ATF_CHECK(uvmexp.inactarg > uvmexp.freetarg);
	ATF_CHECK_EQ(uvmexp.anonmin, 10);
	ATF_CHECK_EQ(uvmexp.filemax, 50);
	shutdown_pd();
	boot_pd(64 * MB, 0, UVM_DAEMON_STEPPED, NULL);
	ATF_CHECK_EQ(uvmexp.freemin, (512 * 1024) / PAGE_SIZE);
	shutdown_pd();
}

/* ---------------------------------------------------------------------
 * Asynchronous pageout.
 */

/* Take free memory down to `level' with pages nobody can page out. */
static void
grab_free(struct pglist *pgl, int level)
{
	struct pglist one;

	while (uvmexp.free > level &&
	    uvm_pglistalloc(PAGE_SIZE, 0, ~(paddr_t)0, PAGE_SIZE, 0, &one, 1,
	    0) == 0)
		TAILQ_CONCAT(pgl, &one, pageq);
}

/* Pages of [VA0, VA0 + n) under pageout (busy, PG_PAGEOUT) right now. */
static int
count_pageout(struct vmspace *vm, int n, int *first)
{
	int busy = 0;

	*first = -1;
	for (int p = 0; p < n; p++) {
		struct vm_anon *a = anon_at(vm, VA0 + ptoa(p));
		struct vm_page *pg;

		ATF_REQUIRE(a != NULL);
		mutex_enter(a->an_lock);
		pg = a->an_page;
		if (pg != NULL && (pg->flags & (PG_BUSY | PG_PAGEOUT)) ==
		    (PG_BUSY | PG_PAGEOUT)) {
			busy++;
			if (*first < 0)
				*first = p;
		}
		mutex_exit(a->an_lock);
	}
	return busy;
}

/*
 * A threaded machine whose I/O threads are held, with n dirty anon pages
 * written (no paging needed for them) and free memory then taken below
 * freemin: the daemon's pass puts pages under pageout and moves on.
 * Returns the vmspace; *pgl holds the memory taken.
 */
static struct vmspace *
held_pageout(int n, struct pglist *pgl)
{
	struct vmspace *vm;

	boot_pd(4 * MB, 16 * MB, UVM_DAEMON_THREADED, NULL);
	kern_bio_hold(true);
	vm = newvm();
	map_anon(vm, VA0, n);
	for (int p = 0; p < n; p++)
		ATF_REQUIRE_EQ(write_page(vm, VA0 + ptoa(p), 11, p, 0), 0);
	ATF_REQUIRE_EQ(uvmexp.paging, 0);
	TAILQ_INIT(pgl);
	grab_free(pgl, uvmexp.freemin - 1);
	/* The daemon's pass (or ours, if it has not run yet). */
	for (int i = 0; i < 200 && uvmexp.paging == 0; i++)
		kpause("test", false, 1, NULL);
	/*
	 * A pass of ours, after the daemon's (passes are serialized): its
	 * writes are all submitted by then (and if it never ran, ours
	 * puts pages under pageout).
	 */
	(void)uvm_pageout_step();
	ATF_REQUIRE_MSG(uvmexp.paging > 0, "nothing went under pageout");
	return vm;
}

/*
 * The end of a held_pageout() case: give back the memory taken, read
 * every page back (all n intact), checking the machine before and
 * after, and free the vmspace.
 */
static void
held_pageout_end(struct vmspace *vm, int n, struct pglist *pgl)
{
	PD_CHECK(&vm->vm_map);
	uvm_pglistfree(pgl);
	for (int p = 0; p < n; p++)
		ATF_REQUIRE_EQ(check_page(vm, VA0 + ptoa(p), 11, p, 0), 0);
	PD_CHECK(&vm->vm_map);
	uvmspace_free(vm);
	PD_CHECK(NULL);
}

struct reader {
	struct vmspace	*vm;
	int		page;
	volatile int	result;		/* 2: running */
};

static void *
reader_thread(void *arg)
{
	struct reader *r = arg;

	r->result = check_page(r->vm, VA0 + ptoa(r->page), 11, r->page, 0);
	return NULL;
}

/*
 * Threaded pageout is asynchronous: with the I/O threads held, the
 * pass returns with pages busy under pageout (paging counts them, the
 * owners are unlocked, and a later scan meeting them counts pdpending);
 * a fault on one waits for the write and then gets the right bytes
 * (the page it waited for stays, clean, with its slot).  When the writes
 * complete the other pages are freed with slots recorded.
 */
ATF_TC_WITHOUT_HEAD(threaded_pageout_is_async_and_fault_waits);
ATF_TC_BODY(threaded_pageout_is_async_and_fault_waits, tc)
{
	struct pglist pgl, more;
	struct vmspace *vm;
	struct reader r;
	pthread_t t;
	struct vm_anon *a;
	int n = 40, busy, first, pending0, nonres = 0, paging;

	/*
	 * Fewer dirty pages than freetarg: a pass scans until free plus
	 * paging reaches four times freetarg, so with more of them the
	 * pages under pageout alone would keep free + paging above
	 * freetarg and no later pass would run while the writes are held.
	 */
	vm = held_pageout(n, &pgl);
	busy = count_pageout(vm, n, &first);
	ATF_REQUIRE(busy > 0 && first >= 0);
	paging = uvmexp.paging;
	ATF_CHECK_EQ(busy, paging);
	ATF_CHECK(bio_inflight() > 0);
	/* Owners unlocked: the checker (it takes every lock) runs. */
	PD_CHECK(&vm->vm_map);

	/* Short again: a pass meets the pages under pageout. */
	pending0 = uvmexp.pdpending;
	TAILQ_INIT(&more);
	ATF_REQUIRE(uvmexp.paging < uvmexp.freetarg);
	grab_free(&more, uvmexp.freetarg - uvmexp.paging - 1);
	ATF_REQUIRE(uvmexp.free + uvmexp.paging < uvmexp.freetarg);
	(void)uvm_pageout_step();
	ATF_CHECK_MSG(uvmexp.pdpending > pending0, "pdpending %d -> %d",
	    pending0, uvmexp.pdpending);
	uvm_pglistfree(&more);

	/* A fault on a page under pageout waits for the write. */
	r.vm = vm;
	r.page = first;
	r.result = 2;
	ATF_REQUIRE_EQ(pthread_create(&t, NULL, reader_thread, &r), 0);
	kpause("test", false, hz / 10 + 1, NULL);
	ATF_CHECK_EQ(r.result, 2);
	kern_bio_hold(false);
	ATF_REQUIRE_EQ(pthread_join(t, NULL), 0);
	ATF_CHECK_EQ(r.result, 0);
	(void)biodrain();
	ATF_CHECK_EQ(uvmexp.paging, 0);
	ATF_CHECK_EQ(bio_inflight(), 0u);
	a = anon_at(vm, VA0 + ptoa(first));
	ATF_CHECK(a->an_page != NULL);
	for (int p = 0; p < n; p++) {
		a = anon_at(vm, VA0 + ptoa(p));
		nonres += a->an_page == NULL;
		ATF_REQUIRE(a->an_page != NULL || a->an_swslot > 0);
	}
	ATF_CHECK(nonres > 0);
	ATF_CHECK(uvmexp.pgswapout >= busy);
	held_pageout_end(vm, n, &pgl);
	ATF_CHECK_EQ(uvmexp.swpginuse, 0);
	shutdown_pd();
}

static volatile int w_state;		/* 1: in uvm_wait, 2: returned */

static void *
waiter_thread(void *arg)
{
	(void)arg;
	w_state = 1;
	uvm_wait("test");
	w_state = 2;
	return NULL;
}

static double
t_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/*
 * A threaded daemon whose pageouts in flight will bring free memory to
 * freetarg runs no pass when kicked, and a uvm_wait() sleeper is woken
 * when those writes free pages, not by the end of a pass that freed
 * nothing (it used to return at once, retry, fail, and wait again);
 * woken, it finds the pages the writes freed, well before the
 * one-second timeout.
 */
ATF_TC_WITHOUT_HEAD(threaded_waiter_woken_by_freed_pages_not_pass_end);
ATF_TC_BODY(threaded_waiter_woken_by_freed_pages_not_pass_end, tc)
{
	struct pglist pgl;
	struct vmspace *vm;
	pthread_t t;
	int n = 500, woke, free0;
	double t0, waited;

	vm = held_pageout(n, &pgl);
	ATF_REQUIRE(uvmexp.free + uvmexp.paging >= uvmexp.freetarg);
	/* The daemon has nothing to do: kicks run no pass. */
	kpause("test", false, hz / 20 + 1, NULL);
	woke = uvmexp.pdwoke;
	for (int i = 0; i < 1000; i++)
		uvm_kick_pdaemon();
	kpause("test", false, hz / 20 + 1, NULL);
	ATF_CHECK_EQ_MSG(uvmexp.pdwoke, woke, "%d passes ran for nothing",
	    uvmexp.pdwoke - woke);

	/* A waiter sleeps while the writes are held. */
	free0 = uvmexp.free;
	w_state = 0;
	ATF_REQUIRE_EQ(pthread_create(&t, NULL, waiter_thread, NULL), 0);
	kpause("test", false, hz / 10 + 1, NULL);
	ATF_CHECK_EQ_MSG(w_state, 1, "uvm_wait returned with no page freed");
	ATF_CHECK_EQ(uvmexp.pdwoke, woke);
	ATF_CHECK(uvmexp.free <= free0);

	/* The writes complete: it is woken at once, pages free. */
	t0 = t_now();
	kern_bio_hold(false);
	ATF_REQUIRE_EQ(pthread_join(t, NULL), 0);
	waited = t_now() - t0;
	ATF_CHECK_EQ(w_state, 2);
	ATF_CHECK_MSG(waited < 0.5, "woken after %.3f s", waited);
	ATF_CHECK(uvmexp.free > free0);
	(void)biodrain();
	ATF_CHECK_EQ(uvmexp.paging, 0);
	held_pageout_end(vm, n, &pgl);
	shutdown_pd();
}

/*
 * Anons freed while their pages are under pageout: the pages are
 * released (PG_RELEASED) and the completion frees page, anon and slot.
 */
ATF_TC_WITHOUT_HEAD(anon_freed_during_pageout_goes_at_completion);
ATF_TC_BODY(anon_freed_during_pageout_goes_at_completion, tc)
{
	struct pglist pgl;
	struct vmspace *vm;
	int n = 500;

	vm = held_pageout(n, &pgl);
	uvmspace_free(vm);
	ATF_CHECK(uvmexp.paging > 0);
	ATF_CHECK(uvmexp.nanon > 0);	/* the released ones wait */
	PD_CHECK(NULL);
	kern_bio_hold(false);
	(void)biodrain();
	ATF_CHECK_EQ(uvmexp.paging, 0);
	ATF_CHECK_EQ(uvmexp.nanon, 0);
	PD_CHECK(NULL);
	ATF_CHECK_EQ(uvmexp.swpginuse, 0);
	ATF_CHECK_EQ(uvmexp.swpgonly, 0);
	uvm_pglistfree(&pgl);
	shutdown_pd();
}

/*
 * Shutdown with writes in flight (threads still held) completes them
 * first (it asserts nothing is left under pageout).
 */
ATF_TC_WITHOUT_HEAD(shutdown_waits_for_pageouts_in_flight);
ATF_TC_BODY(shutdown_waits_for_pageouts_in_flight, tc)
{
	struct pglist pgl;
	struct vmspace *vm;

	vm = held_pageout(500, &pgl);
	uvmspace_free(vm);
	uvm_pglistfree(&pgl);
	ATF_REQUIRE(uvmexp.paging > 0);
	shutdown_pd();
	ATF_CHECK(uvm_machine_current() == NULL);
}

struct swapoffer {
	volatile int	result;		/* -1: running */
};

static void *
swapoff_thread(void *arg)
{
	struct swapoffer *so = arg;
	register_t rv;

	so->result = uvm_swapctl(SWAP_OFF, SWAPFILE, 0, &rv);
	return NULL;
}

/*
 * SWAP_OFF waits for the writes in flight to its device, then pages
 * everything back in: nothing lost, no slot left.
 */
ATF_TC_WITHOUT_HEAD(swapoff_waits_for_pageouts_in_flight);
ATF_TC_BODY(swapoff_waits_for_pageouts_in_flight, tc)
{
	struct pglist pgl;
	struct vmspace *vm;
	struct swapoffer so;
	pthread_t t;
	int n = 500;

	vm = held_pageout(n, &pgl);
	uvm_pglistfree(&pgl);
	so.result = -1;
	ATF_REQUIRE_EQ(pthread_create(&t, NULL, swapoff_thread, &so), 0);
	kpause("test", false, hz / 10 + 1, NULL);
	ATF_CHECK_EQ(so.result, -1);
	ATF_CHECK(uvmexp.paging > 0);
	kern_bio_hold(false);
	ATF_REQUIRE_EQ(pthread_join(t, NULL), 0);
	ATF_CHECK_EQ(so.result, 0);
	ATF_CHECK_EQ(uvmexp.nswapdev, 0);
	ATF_CHECK_EQ(uvmexp.paging, 0);
	ATF_CHECK_EQ(uvmexp.swpginuse, 0);
	PD_CHECK(&vm->vm_map);
	for (int p = 0; p < n; p++)
		ATF_REQUIRE_EQ(check_page(vm, VA0 + ptoa(p), 11, p, 0), 0);
	uvmspace_free(vm);
	shutdown_pd();
}

/*
 * A write that fails at completion marks its run bad (never handed out
 * again) and loses nothing: the pages stay, dirty, and go out later to
 * other slots.  Stepped (completions at the end of the pass) and
 * threaded.
 */
static void
write_error(enum uvm_daemon_mode mode)
{
	struct pglist pgl;
	struct vmspace *vm;
	int n = 400, freed;

	boot_pd(4 * MB, 16 * MB, mode, NULL);
	vm = newvm();
	map_anon(vm, VA0, n);
	for (int p = 0; p < n; p++)
		ATF_REQUIRE_EQ(write_page(vm, VA0 + ptoa(p), 12, p, 0), 0);
	ATF_REQUIRE_EQ(uvm_swap_nbad(), 0);
	kern_fault_set(KFI_IO_WRITE, 1, 0);
	TAILQ_INIT(&pgl);
	grab_free(&pgl, uvmexp.freemin - 1);
	freed = uvm_pageout_step();
	(void)biodrain();
	ATF_CHECK_EQ(kern_fault_hits(KFI_IO_WRITE), 1ul);
	kern_fault_clear();
	ATF_CHECK(uvm_swap_nbad() > 0);
	ATF_CHECK_EQ(uvmexp.paging, 0);
	PD_CHECK(&vm->vm_map);
	if (mode == UVM_DAEMON_STEPPED)
		ATF_CHECK(freed >= 0);
	/* Page out again (to good slots), then read everything back. */
	(void)uvm_pageout_step();
	(void)biodrain();
	PD_CHECK(&vm->vm_map);
	uvm_pglistfree(&pgl);
	for (int p = 0; p < n; p++)
		ATF_REQUIRE_EQ_MSG(check_page(vm, VA0 + ptoa(p), 12, p, 0), 0,
		    "page %d", p);
	PD_CHECK(&vm->vm_map);
	uvmspace_free(vm);
	PD_CHECK(NULL);
	/* Only the bad run is left, owned by nobody. */
	ATF_CHECK_EQ(uvmexp.swpginuse, uvm_swap_nbad());
	shutdown_pd();
}

ATF_TC_WITHOUT_HEAD(async_write_error_marks_run_bad_loses_nothing_stepped);
ATF_TC_BODY(async_write_error_marks_run_bad_loses_nothing_stepped, tc)
{
	write_error(UVM_DAEMON_STEPPED);
}

ATF_TC_WITHOUT_HEAD(async_write_error_marks_run_bad_loses_nothing_threaded);
ATF_TC_BODY(async_write_error_marks_run_bad_loses_nothing_threaded, tc)
{
	write_error(UVM_DAEMON_THREADED);
}

/* One stepped paging workload; its counters. */
static void
stepped_run(int *out)
{
	struct vmspace *vm;
	int n = 1500, k = 0;

	boot_pd(4 * MB, 16 * MB, UVM_DAEMON_STEPPED, NULL);
	vm = newvm();
	map_anon(vm, VA0, n);
	for (int p = 0; p < n; p++)
		ATF_REQUIRE_EQ(write_page(vm, VA0 + ptoa(p), 13, p, 0), 0);
	for (int p = 0; p < n; p += 3)
		ATF_REQUIRE_EQ(check_page(vm, VA0 + ptoa(p), 13, p, 0), 0);
	PD_CHECK(&vm->vm_map);
	ATF_CHECK_EQ(uvmexp.paging, 0);
	out[k++] = uvmexp.pdwoke;
	out[k++] = uvmexp.pdscans;
	out[k++] = uvmexp.pdfreed;
	out[k++] = uvmexp.pdpageouts;
	out[k++] = uvmexp.pdreact;
	out[k++] = uvmexp.pdbusy;
	out[k++] = uvmexp.pgswapout;
	out[k++] = uvmexp.pgswapin;
	out[k++] = uvmexp.swpginuse;
	out[k++] = uvmexp.free;
	out[k++] = (int)uvm_swap_nwrites;
	uvmspace_free(vm);
	shutdown_pd();
}

/*
 * Stepped mode stays deterministic with asynchronous pageout: two
 * identical runs give identical counters.
 */
ATF_TC_WITHOUT_HEAD(stepped_async_pageout_is_deterministic);
ATF_TC_BODY(stepped_async_pageout_is_deterministic, tc)
{
	int a[11], b[11];

	stepped_run(a);
	stepped_run(b);
	ATF_REQUIRE(a[3] > 0);		/* paging happened */
	for (int i = 0; i < 11; i++)
		ATF_CHECK_EQ_MSG(a[i], b[i], "counter %d: %d then %d", i,
		    a[i], b[i]);
}

/*
 * The daemon's writeback of dirty file pages is asynchronous too: in a
 * threaded machine with the I/O threads held the pages wait under
 * pageout (written, not yet counted); when the writes complete they are
 * freed and the host file holds their bytes.
 */
ATF_TC_WITHOUT_HEAD(threaded_file_writeback_is_async);
ATF_TC_BODY(threaded_file_writeback_is_async, tc)
{
	struct pglist pgl;
	struct vmspace *vm;
	struct vnode *vp;
	vaddr_t va = VA0;
	static unsigned char want[4096], got[4096];	/* 4 KiB pages */
	int nf = 300, fd, busy = 0, gone = 0;
	FILE *f;

	boot_pd(4 * MB, 16 * MB, UVM_DAEMON_THREADED, NULL);
	unlink("pdfile.dat");
	f = fopen("pdfile.dat", "w");
	ATF_REQUIRE(f != NULL);
	memset(got, 0, sizeof(got));
	for (int p = 0; p < nf; p++)
		ATF_REQUIRE_EQ(fwrite(got, 1, PAGE_SIZE, f), PAGE_SIZE);
	fclose(f);
	ATF_REQUIRE_EQ(vn_open("pdfile.dat", VN_READ | VN_WRITE, &vp), 0);
	vm = newvm();
	vref(vp);
	ATF_REQUIRE_EQ(uvm_map(&vm->vm_map, &va, ptoa((vsize_t)nf),
	    &vp->v_uobj, 0, 0, UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_RW,
	    UVM_INH_SHARE, UVM_ADV_NORMAL, UVM_FLAG_FIXED)), 0);
	for (int p = 0; p < nf; p++)
		ATF_REQUIRE_EQ(write_page(vm, VA0 + ptoa(p), 78, p, 0), 0);
	ATF_REQUIRE_EQ(vp->v_npageswritten, 0ul);
	kern_bio_hold(true);
	TAILQ_INIT(&pgl);
	grab_free(&pgl, uvmexp.freemin - 1);
	for (int i = 0; i < 200 && uvmexp.paging == 0; i++)
		kpause("test", false, 1, NULL);
	(void)uvm_pageout_step();	/* after the daemon's pass */
	ATF_REQUIRE(uvmexp.paging > 0);
	mutex_enter(vp->v_uobj.vmobjlock);
	for (int p = 0; p < nf; p++) {
		struct vm_page *pg = uvm_pagelookup(&vp->v_uobj,
		    ptoa((voff_t)p));

		if (pg != NULL && (pg->flags & (PG_BUSY | PG_PAGEOUT)) ==
		    (PG_BUSY | PG_PAGEOUT))
			busy++;
	}
	mutex_exit(vp->v_uobj.vmobjlock);
	ATF_CHECK_EQ(busy, uvmexp.paging);
	ATF_CHECK(vp->v_nwriteio > 0);
	ATF_CHECK_EQ(vp->v_npageswritten, 0ul);
	PD_CHECK(&vm->vm_map);
	kern_bio_hold(false);
	(void)biodrain();
	ATF_CHECK_EQ(uvmexp.paging, 0);
	ATF_CHECK((int)vp->v_npageswritten >= busy);
	fd = open("pdfile.dat", O_RDONLY);
	ATF_REQUIRE(fd >= 0);
	for (int p = 0; p < nf; p++) {
		struct vm_page *pg;

		mutex_enter(vp->v_uobj.vmobjlock);
		pg = uvm_pagelookup(&vp->v_uobj, ptoa((voff_t)p));
		mutex_exit(vp->v_uobj.vmobjlock);
		if (pg != NULL)
			continue;
		gone++;
		pattern(want, 78, p, 0);
		ATF_REQUIRE_EQ(pread(fd, got, PAGE_SIZE, (off_t)ptoa(p)),
		    (ssize_t)PAGE_SIZE);
		ATF_REQUIRE_MSG(memcmp(want, got, PAGE_SIZE) == 0,
		    "file page %d not written back", p);
	}
	close(fd);
	ATF_CHECK(gone >= busy);
	uvm_pglistfree(&pgl);
	for (int p = 0; p < nf; p++)
		ATF_REQUIRE_EQ(check_page(vm, VA0 + ptoa(p), 78, p, 0), 0);
	PD_CHECK(&vm->vm_map);
	uvmspace_free(vm);
	vrele(vp);
	PD_CHECK(NULL);
	shutdown_pd();
	unlink("pdfile.dat");
}

/*
 * Memory pressure over a big dirty file mapping (the file's last page
 * partial): the daemon writes the file back in clusters (far fewer
 * writes than pages written), never past the end of the file; every
 * byte reaches the file.  Then a write error on the clustered writeback
 * loses nothing, and pages cleaned as neighbours are dirtied again by a
 * later write through the mapping and written by a second writeback.
 */
static void
file_clusters(enum uvm_daemon_mode mode)
{
	struct pglist pgl;
	struct vmspace *vm, *anonvm;
	struct vnode *vp;
	vaddr_t va = VA0;
	static unsigned char want[4096], got[4096];	/* 4 KiB pages */
	const int nf = 600, na = 900, tail = 1000;
	const off_t size = (off_t)nf * 4096 + tail;
	unsigned long io0, pg0, wio, wpg;
	int po0, fd, clean = 0, regen = -1;
	struct stat st;
	FILE *f;

	boot_pd(4 * MB, 16 * MB, mode, NULL);
	ATF_REQUIRE_EQ(PAGE_SIZE, 4096);
	unlink("pdfile.dat");
	f = fopen("pdfile.dat", "w");
	ATF_REQUIRE(f != NULL);
	memset(got, 0, sizeof(got));
	for (int p = 0; p < nf; p++)
		ATF_REQUIRE_EQ(fwrite(got, 1, PAGE_SIZE, f), PAGE_SIZE);
	ATF_REQUIRE_EQ(fwrite(got, 1, tail, f), (size_t)tail);
	fclose(f);
	ATF_REQUIRE_EQ(vn_open("pdfile.dat", VN_READ | VN_WRITE, &vp), 0);
	vm = newvm();
	vref(vp);
	ATF_REQUIRE_EQ(uvm_map(&vm->vm_map, &va, ptoa((vsize_t)nf + 1),
	    &vp->v_uobj, 0, 0, UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_RW,
	    UVM_INH_SHARE, UVM_ADV_NORMAL, UVM_FLAG_FIXED)), 0);
	/* Every page dirty, the last one whole (its tail is past EOF). */
	for (int p = 0; p <= nf; p++)
		ATF_REQUIRE_EQ(write_page(vm, VA0 + ptoa(p), 79, p, 0), 0);
	PD_CHECK(&vm->vm_map);
	io0 = vp->v_nasyncwio;
	pg0 = vp->v_npageswritten;
	po0 = uvmexp.pdpageouts;

	/* Pressure: anonymous memory pushes the file out. */
	anonvm = newvm();
	map_anon(anonvm, VA0, na);
	for (int p = 0; p < na; p++)
		ATF_REQUIRE_EQ(write_page(anonvm, VA0 + ptoa(p), 9, p, 0), 0);
	(void)biodrain();
	PD_CHECK(&anonvm->vm_map);
	PD_CHECK(&vm->vm_map);
	ATF_CHECK(vp->v_uobj.uo_npages < nf);
	ATF_REQUIRE(vp->v_nasyncwio > io0);
	/* Clustered: one write per 8 pages written at most. */
	ATF_CHECK_MSG((vp->v_npageswritten - pg0) >=
	    8 * (vp->v_nasyncwio - io0), "%lu pages in %lu writes",
	    vp->v_npageswritten - pg0, vp->v_nasyncwio - io0);
	ATF_CHECK((unsigned long)(uvmexp.pdpageouts - po0) >=
	    vp->v_nasyncwio - io0);
	ATF_REQUIRE_EQ(stat("pdfile.dat", &st), 0);
	ATF_CHECK_EQ(st.st_size, size);

	/* Pages cleaned by the daemon's writes: the file holds them. */
	fd = open("pdfile.dat", O_RDONLY);
	ATF_REQUIRE(fd >= 0);
	for (int p = 0; p < nf; p++) {
		struct vm_page *pg;
		bool resident_clean;

		mutex_enter(vp->v_uobj.vmobjlock);
		pg = uvm_pagelookup(&vp->v_uobj, ptoa((voff_t)p));
		resident_clean = pg != NULL && (pg->flags & PG_BUSY) == 0 &&
		    (pg->flags & PG_CLEAN) != 0 && !pmap_is_modified(pg);
		mutex_exit(vp->v_uobj.vmobjlock);
		if (pg != NULL && !resident_clean)
			continue;
		if (resident_clean) {
			clean++;
			if (regen < 0)
				regen = p;
		}
		pattern(want, 79, p, 0);
		ATF_REQUIRE_EQ(pread(fd, got, PAGE_SIZE, (off_t)ptoa(p)),
		    (ssize_t)PAGE_SIZE);
		ATF_REQUIRE_MSG(memcmp(want, got, PAGE_SIZE) == 0,
		    "file page %d not written back", p);
	}

	for (int p = 0; p < na; p++)
		ATF_REQUIRE_EQ(check_page(anonvm, VA0 + ptoa(p), 9, p, 0), 0);
	PD_CHECK(&anonvm->vm_map);
	uvmspace_free(anonvm);
	PD_CHECK(NULL);

	/* A write error on a clustered writeback loses nothing. */
	wpg = vp->v_npageswritten;
	wio = vp->v_nasyncwio;
	for (int p = 0; p < nf; p++)
		ATF_REQUIRE_EQ(write_page(vm, VA0 + ptoa(p), 79, p, 1), 0);
	PD_CHECK(&vm->vm_map);
	if (regen >= 0) {
		/* A neighbour cleaned, written again: dirty again. */
		struct vm_page *pg;

		mutex_enter(vp->v_uobj.vmobjlock);
		pg = uvm_pagelookup(&vp->v_uobj, ptoa((voff_t)regen));
		ATF_CHECK(pg != NULL && ((pg->flags & PG_CLEAN) == 0 ||
		    pmap_is_modified(pg)));
		mutex_exit(vp->v_uobj.vmobjlock);
	}
	kern_fault_set(KFI_IO_WRITE, 1, 1);	/* every write fails */
	TAILQ_INIT(&pgl);
	grab_free(&pgl, uvmexp.freemin - 1);
	(void)uvm_pageout_step();
	(void)biodrain();
	ATF_CHECK(kern_fault_hits(KFI_IO_WRITE) > 0);
	kern_fault_clear();
	PD_CHECK(&vm->vm_map);
	ATF_CHECK_EQ(uvmexp.paging, 0);
	ATF_CHECK(vp->v_nasyncwio > wio);
	ATF_CHECK_EQ(vp->v_npageswritten, wpg);
	uvm_pglistfree(&pgl);
	for (int p = 0; p < nf; p++)
		ATF_REQUIRE_EQ_MSG(check_page(vm, VA0 + ptoa(p), 79, p, 1), 0,
		    "page %d", p);
	PD_CHECK(&vm->vm_map);

	/*
	 * Second writeback (a sync): everything, including the pages the
	 * first one cleaned and the mapping dirtied again, is in the file.
	 */
	ATF_REQUIRE_EQ(vn_fsync(vp), 0);
	PD_CHECK(&vm->vm_map);
	for (int p = 0; p < nf; p++) {
		pattern(want, 79, p, 1);
		ATF_REQUIRE_EQ(pread(fd, got, PAGE_SIZE, (off_t)ptoa(p)),
		    (ssize_t)PAGE_SIZE);
		ATF_REQUIRE_MSG(memcmp(want, got, PAGE_SIZE) == 0,
		    "file page %d not written back (second)", p);
	}
	pattern(want, 79, nf, 0);
	ATF_REQUIRE_EQ(pread(fd, got, PAGE_SIZE, (off_t)ptoa(nf)),
	    (ssize_t)tail);
	ATF_CHECK(memcmp(want, got, (size_t)tail) == 0);
	close(fd);
	ATF_REQUIRE_EQ(stat("pdfile.dat", &st), 0);
	ATF_CHECK_EQ(st.st_size, size);
	/* Some pages were cleaned as neighbours and stayed resident. */
	ATF_CHECK_MSG(clean > 0 && regen >= 0, "no clean neighbours");
	uvmspace_free(vm);
	vrele(vp);
	PD_CHECK(NULL);
	shutdown_pd();
	ATF_REQUIRE_EQ(stat("pdfile.dat", &st), 0);
	ATF_CHECK_EQ(st.st_size, size);
	unlink("pdfile.dat");
}

ATF_TC_WITHOUT_HEAD(file_writeback_clusters_loses_nothing_stepped);
ATF_TC_BODY(file_writeback_clusters_loses_nothing_stepped, tc)
{
	file_clusters(UVM_DAEMON_STEPPED);
}

ATF_TC_WITHOUT_HEAD(file_writeback_clusters_loses_nothing_threaded);
ATF_TC_BODY(file_writeback_clusters_loses_nothing_threaded, tc)
{
	file_clusters(UVM_DAEMON_THREADED);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, integrity_3x_ram_stepped_clock);
	ATF_TP_ADD_TC(tp, integrity_3x_ram_threaded_clock);
	ATF_TP_ADD_TC(tp, integrity_3x_ram_stepped_clockpro);
	ATF_TP_ADD_TC(tp, integrity_3x_ram_threaded_clockpro);
	ATF_TP_ADD_TC(tp, pageout_clusters_dirty_pages_into_runs);
	ATF_TP_ADD_TC(tp, swap_full_reactivates_dirty_pages_no_data_lost);
	ATF_TP_ADD_TC(tp, bad_slot_on_read_fails_only_that_access);
	ATF_TP_ADD_TC(tp, nothing_reclaimable_fails_enomem_stepped);
	ATF_TP_ADD_TC(tp, nothing_reclaimable_fails_enomem_threaded);
	ATF_TP_ADD_TC(tp, contended_passes_are_not_fruitless);
	ATF_TP_ADD_TC(tp, reserves_keep_daemon_able_to_run);
	ATF_TP_ADD_TC(tp, pass_frees_batch_of_four_times_freetarg);
	ATF_TP_ADD_TC(tp, threaded_daemon_does_not_spin_when_nothing_reclaimable);
	ATF_TP_ADD_TC(tp, counters_match_what_happened);
	ATF_TP_ADD_TC(tp, clock_reactivates_referenced_frees_clean_without_io);
	ATF_TP_ADD_TC(tp, dirty_file_pages_written_back_and_freed);
	ATF_TP_ADD_TC(tp, unknown_policy_fails_boot_einval);
	ATF_TP_ADD_TC(tp, tuning_follows_netbsd);
	ATF_TP_ADD_TC(tp, threaded_pageout_is_async_and_fault_waits);
	ATF_TP_ADD_TC(tp, threaded_waiter_woken_by_freed_pages_not_pass_end);
	ATF_TP_ADD_TC(tp, anon_freed_during_pageout_goes_at_completion);
	ATF_TP_ADD_TC(tp, shutdown_waits_for_pageouts_in_flight);
	ATF_TP_ADD_TC(tp, swapoff_waits_for_pageouts_in_flight);
	ATF_TP_ADD_TC(tp, async_write_error_marks_run_bad_loses_nothing_stepped);
	ATF_TP_ADD_TC(tp, async_write_error_marks_run_bad_loses_nothing_threaded);
	ATF_TP_ADD_TC(tp, stepped_async_pageout_is_deterministic);
	ATF_TP_ADD_TC(tp, threaded_file_writeback_is_async);
	ATF_TP_ADD_TC(tp, file_writeback_clusters_loses_nothing_stepped);
	ATF_TP_ADD_TC(tp, file_writeback_clusters_loses_nothing_threaded);
	return atf_no_error();
}
