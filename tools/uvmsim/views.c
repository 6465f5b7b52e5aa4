/*
 * views.c: the machine as BSD tools show it.
 *
 *	vmstat -s	uvmsim_vmstat_s(): every uvmexp counter with a wording
 *	vmstat 1	uvmsim_vmstat_line(): one line of the main gauges
 *	swapctl -l	uvmsim_swapctl_l(): uvm_swap_stats()
 *	procstat -v	uvmsim_pmap(): one line per map entry
 *	sysctl vm	uvmsim_sysctl_vm(): vm.uvmexp.<field> = value
 *
 * All of them read the uvmexp fields through the one table below, so a
 * view and a sysctl read of the same name always agree.
 *
 * Locking: the views read uvmexp without locks (the counters are ints
 * updated atomically); the map listing read-locks the map and locks
 * each amap while it counts its anons.
 */

#include <uvm/uvm.h>
#include <uvm/uvm_amap.h>
#include <uvm/uvm_swap.h>
#include <uvm/uvm_vnode.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uvmsim.h"

#define F(n, d)	{ #n, offsetof(struct uvmexp, n), d }

const struct uvmsim_field uvmsim_fields[] = {
	F(pagesize, "bytes per page"),
	F(pagemask, NULL),
	F(pageshift, NULL),
	F(npages, "pages managed"),
	F(free, "pages free"),
	F(active, "pages active"),
	F(inactive, "pages inactive"),
	F(paging, "pages paging"),
	F(wired, "pages wired"),
	F(zeropages, "zero pages"),
	F(reserve_pagedaemon, "reserve pagedaemon pages"),
	F(reserve_kernel, "reserve kernel pages"),
	F(anonpages, "anonymous pages"),
	F(filepages, "cached file pages"),
	F(execpages, "cached executable pages"),
	F(ncolors, "page colors"),
	F(freemin, "minimum free pages"),
	F(freetarg, "target free pages"),
	F(inactarg, "target inactive pages"),
	F(wiredmax, "maximum wired pages"),
	F(anonmin, NULL),
	F(execmin, NULL),
	F(filemin, NULL),
	F(anonmax, NULL),
	F(execmax, NULL),
	F(filemax, NULL),
	F(nswapdev, "swap devices"),
	F(swpages, "swap pages"),
	F(swpgavail, "swap pages available"),
	F(swpginuse, "swap pages in use"),
	F(swpgonly, "swap pages in use, not in RAM"),
	F(nswget, "swap gets by the fault handler"),
	F(nanon, "anons"),
	F(nfreeanon, "free anons"),
	F(faults, "page faults"),
	F(traps, "traps"),
	F(intrs, "interrupts"),
	F(swtch, "cpu context switches"),
	F(softs, "software interrupts"),
	F(syscalls, "system calls"),
	F(pageins, "pagein operations"),
	F(swapins, "swapins"),
	F(swapouts, "swapouts"),
	F(pgswapin, "pages swapped in"),
	F(pgswapout, "pages swapped out"),
	F(forks, "forks total"),
	F(forks_ppwait, "forks blocked parent"),
	F(forks_sharevm, "forks shared address space with parent"),
	F(pga_zerohit, "pagealloc zero wanted and avail"),
	F(pga_zeromiss, "pagealloc zero wanted and not avail"),
	F(zeroaborts, "aborts of idle page zeroing"),
	F(colorhit, "pagealloc desired color avail"),
	F(colormiss, "pagealloc desired color not avail"),
	F(fltnoram, "faults with no memory"),
	F(fltnoanon, "faults with no anons"),
	F(fltnoamap, "faults with no amaps"),
	F(fltpgwait, "faults had to wait on pages"),
	F(fltpgrele, "faults found released page"),
	F(fltrelck, "faults relock"),
	F(fltrelckok, "faults relock ok"),
	F(fltanget, "anon page faults"),
	F(fltanretry, "anon retry faults"),
	F(fltamcopy, "amap copy faults"),
	F(fltnamap, "neighbour anon page faults"),
	F(fltnomap, "neighbour object page faults"),
	F(fltlget, "locked pager get faults"),
	F(fltget, "unlocked pager get faults"),
	F(flt_anon, "anon faults"),
	F(flt_acow, "anon copy on write faults"),
	F(flt_obj, "object faults"),
	F(flt_prcopy, "promote copy faults"),
	F(flt_przero, "promote zero fill faults"),
	F(pdwoke, "times daemon wokeup"),
	F(pdrevs, "revolutions of the clock hand"),
	F(pdswout, "times daemon called for swapout"),
	F(pdfreed, "pages freed by daemon"),
	F(pdscans, "pages scanned by daemon"),
	F(pdanscan, "anonymous pages scanned by daemon"),
	F(pdobscan, "object pages scanned by daemon"),
	F(pdreact, "pages reactivated"),
	F(pdbusy, "busy pages found by daemon"),
	F(pdpageouts, "total pending pageouts"),
	F(pdpending, "pending pageouts found by daemon"),
	F(pddeact, "pages deactivated"),
	F(pdreanon, "anon pages reactivated by thresholds"),
	F(pdrefile, "file pages reactivated by thresholds"),
	F(pdreexec, "exec pages reactivated by thresholds"),
	{ NULL, 0, NULL },
};

#undef F

const struct uvmsim_field *
uvmsim_field(const char *name)
{
	for (const struct uvmsim_field *f = uvmsim_fields; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

int
uvmsim_field_value(const struct uvmsim_field *f)
{
	int v;

	memcpy(&v, (const char *)&uvmexp + f->off, sizeof(v));
	return v;
}

void
uvmsim_vmstat_s(FILE *fp)
{
	for (const struct uvmsim_field *f = uvmsim_fields; f->name; f++)
		if (f->desc != NULL)
			fprintf(fp, "%12d %s\n", uvmsim_field_value(f), f->desc);
}

/*
 * One vmstat-like line: memory in pages (free, active, inactive, wired,
 * swap in use) and the event totals (faults, CoW faults, zero fills,
 * pages swapped in and out, forks).
 */
void
uvmsim_vmstat_line(FILE *fp, bool header)
{
	if (header)
		fprintf(fp, "%8s %8s %8s %8s %8s %9s %8s %8s %7s %7s %6s\n",
		    "free", "act", "inact", "wired", "swpinuse", "flt", "cow",
		    "zfod", "pgin", "pgout", "forks");
	fprintf(fp, "%8d %8d %8d %8d %8d %9d %8d %8d %7d %7d %6d\n",
	    uvmexp.free, uvmexp.active, uvmexp.inactive, uvmexp.wired,
	    uvmexp.swpginuse, uvmexp.faults, uvmexp.flt_acow + uvmexp.flt_prcopy,
	    uvmexp.flt_przero, uvmexp.pgswapin, uvmexp.pgswapout,
	    uvmexp.forks);
}

/* swapctl -l: sizes in KiB blocks, as swapctl -k prints them. */
void
uvmsim_swapctl_l(FILE *fp)
{
	struct swapent *se;
	register_t n = 0;
	int nswap = uvmexp.nswapdev;
	long long tot = 0, used = 0;

	fprintf(fp, "%-30s %10s %10s %10s %8s %s\n", "Device", "1K-blocks",
	    "Used", "Avail", "Capacity", "Priority");
	if (nswap <= 0)
		return;
	se = calloc((size_t)nswap, sizeof(*se));
	if (se == NULL)
		return;
	if (uvm_swapctl(SWAP_STATS, se, nswap, &n) != 0)
		n = 0;
	for (int i = 0; i < (int)n; i++) {
		long long b = se[i].se_nblks / 2, u = se[i].se_inuse / 2;

		tot += b;
		used += u;
		fprintf(fp, "%-30s %10lld %10lld %10lld %7lld%% %d%s\n",
		    se[i].se_path, b, u, b - u, b ? u * 100 / b : 0,
		    se[i].se_priority,
		    (se[i].se_flags & SWF_ENABLE) ? "" : " (off)");
	}
	if (n > 1)
		fprintf(fp, "%-30s %10lld %10lld %10lld %7lld%%\n", "Total",
		    tot, used, tot - used, tot ? used * 100 / tot : 0);
	free(se);
}

void
uvmsim_sysctl_vm(FILE *fp)
{
	for (const struct uvmsim_field *f = uvmsim_fields; f->name; f++)
		fprintf(fp, "vm.uvmexp.%s = %d\n", f->name,
		    uvmsim_field_value(f));
}

static const char *
protstr(vm_prot_t p, char buf[4])
{
	buf[0] = (p & VM_PROT_READ) ? 'r' : '-';
	buf[1] = (p & VM_PROT_WRITE) ? 'w' : '-';
	buf[2] = (p & VM_PROT_EXECUTE) ? 'x' : '-';
	buf[3] = '\0';
	return buf;
}

/* Anons the entry's amap holds in the entry's range. */
static int
entry_anons(struct vm_map_entry *e)
{
	struct vm_anon *an[64];
	vaddr_t off, len = e->end - e->start;
	int n, count = 0;

	if (e->aref.ar_amap == NULL)
		return 0;
	amap_lock(e->aref.ar_amap);
	for (off = 0; off < len; off += (vaddr_t)n << PAGE_SHIFT) {
		n = (int)MIN(__arraycount(an), (len - off) >> PAGE_SHIFT);
		amap_lookups(&e->aref, off, an, n);
		for (int i = 0; i < n; i++)
			if (an[i] != NULL)
				count++;
	}
	amap_unlock(e->aref.ar_amap);
	return count;
}

static void
pmap_pr(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

/*
 * procstat -v: START END PRT/MAX INH WIRED ANON (anons in the range),
 * RES (resident pages of the object), FLAGS (cow, nc: needs copy) and
 * the backing: anon, aobj or the vnode's path.
 */
void
uvmsim_pmap(FILE *fp, struct vm_map *map, const char *name, int pid,
    bool verbose)
{
	static const char *inh[] = { "share", "copy", "none", "donate",
	    "zero" };
	struct vm_map_entry *e;
	char p1[4], p2[4];

	if (verbose) {
		fflush(fp);
		uvm_map_printit(map, pmap_pr);
		fflush(stdout);
		return;
	}
	vm_map_lock_read(map);
	fprintf(fp, "%5s %-10s %12s %12s %7s %-7s %-5s %5s %6s %6s %-6s %s\n",
	    "PID", "COMM", "START", "END", "KB", "PRT/MAX", "INH", "WIRED",
	    "ANON", "RES", "FLAGS", "BACKING");
	for (e = map->header.next; e != &map->header; e = e->next) {
		struct uvm_object *uo = e->object.uvm_obj;
		const char *back = "anon";
		char flags[8];

		if (UVM_ET_ISSUBMAP(e))
			back = "submap";
		else if (uo != NULL && UVM_OBJ_IS_VNODE(uo))
			back = UVM_OBJ_TO_VNODE(uo)->v_path;
		else if (uo != NULL)
			back = "aobj";
		snprintf(flags, sizeof(flags), "%s%s",
		    UVM_ET_ISCOPYONWRITE(e) ? "cow" : "-",
		    UVM_ET_ISNEEDSCOPY(e) ? ",nc" : "");
		fprintf(fp, "%5d %-10.10s %#12lx %#12lx %7lu %s/%s %-5s %5u %6d"
		    " %6d %-6s %s\n", pid, name, (unsigned long)e->start,
		    (unsigned long)e->end,
		    (unsigned long)((e->end - e->start) >> 10),
		    protstr(e->protection, p1), protstr(e->max_protection, p2),
		    e->inheritance < __arraycount(inh) ? inh[e->inheritance] :
		    "?", e->wired_count, entry_anons(e),
		    uo != NULL ? uo->uo_npages : 0, flags, back);
	}
	vm_map_unlock_read(map);
}
