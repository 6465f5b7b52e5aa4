/*
 * uvm_sysctl.h: the CTL_VM sysctl nodes, load averages and the VM_METER
 * totals (uvm_meter(9)).
 *
 * uvm_sysctl() is the CTL_VM branch of sysctl(3): a name of two integers
 * {CTL_VM, VM_*} selects a node; its value is copied out to oldp (when
 * oldp is not NULL) and, for the tunables, a new value taken from newp.
 * uvm_sysctl_byname() reads one integer by its dotted name, for tools
 * that print statistics ("vm.uvmexp.free").  The node numbers and the
 * layouts of struct loadavg, struct vmtotal and struct uvmexp_sysctl
 * are NetBSD's (sys/sysctl.h, uvm/uvm_param.h, sys/vmmeter.h,
 * uvm/uvm_extern.h).
 */

#ifndef _UVM_UVM_SYSCTL_H_
#define _UVM_UVM_SYSCTL_H_

#include <uvm/uvm_extern.h>

/* Top-level sysctl identifier of the VM branch. */
#define CTL_VM		2

/* CTL_VM identifiers. */
#define VM_METER	1	/* struct vmtotal */
#define VM_LOADAVG	2	/* struct loadavg */
#define VM_UVMEXP	3	/* struct uvmexp */
#define VM_NKMEMPAGES	4	/* kernel map size in pages (int) */
#define VM_UVMEXP2	5	/* struct uvmexp_sysctl */
#define VM_ANONMIN	6	/* int: min % of anon pages (tunable) */
#define VM_EXECMIN	7	/* int: min % of exec pages (tunable) */
#define VM_FILEMIN	8	/* int: min % of file pages (tunable) */
#define VM_MAXSLP	9	/* int: max sleep time before swapout */
#define VM_USPACE	10	/* int: bytes of a u-area */
#define VM_ANONMAX	11	/* int: max % of anon pages (tunable) */
#define VM_EXECMAX	12	/* int: max % of exec pages (tunable) */
#define VM_FILEMAX	13	/* int: max % of file pages (tunable) */
#define VM_MINADDRESS	14	/* long: lowest user address */
#define VM_MAXADDRESS	15	/* long: highest user address */
#define VM_MAXID	16	/* number of valid vm ids */

/* Load averages: fixed point with FSHIFT fraction bits. */
typedef uint32_t fixpt_t;
#define FSHIFT		11
#define FSCALE		(1 << FSHIFT)

struct loadavg {
	fixpt_t	ldavg[3];	/* 1, 5 and 15 minutes */
	long	fscale;		/* FSCALE */
};

/* VM_METER: the system's processes and memory, in pages. */
struct vmtotal {
	int16_t	t_rq;		/* length of the run queue */
	int16_t	t_dw;		/* jobs in ``disk wait'' (neg priority) */
	int16_t	t_pw;		/* jobs in page wait */
	int16_t	t_sl;		/* jobs sleeping in core */
	int16_t	t_sw;		/* swapped out runnable/short block jobs */
	int32_t	t_vm;		/* total virtual memory */
	int32_t	t_avm;		/* active virtual memory */
	int32_t	t_rm;		/* total real memory in use */
	int32_t	t_arm;		/* active real memory */
	int32_t	t_vmshr;	/* shared virtual memory */
	int32_t	t_avmshr;	/* active shared virtual memory */
	int32_t	t_rmshr;	/* shared real memory */
	int32_t	t_armshr;	/* active shared real memory */
	int32_t	t_free;		/* free memory pages */
};

/*
 * VM_UVMEXP2: uvmexp with every field 64 bits wide, so that readers
 * need not match the library's version: fields are only ever appended.
 */
struct uvmexp_sysctl {
	int64_t	pagesize;
	int64_t	pagemask;
	int64_t	pageshift;
	int64_t	npages;
	int64_t	free;
	int64_t	active;
	int64_t	inactive;
	int64_t	paging;
	int64_t	wired;
	int64_t	zeropages;
	int64_t	reserve_pagedaemon;
	int64_t	reserve_kernel;
	int64_t	freemin;
	int64_t	freetarg;
	int64_t	inactarg;
	int64_t	wiredmax;
	int64_t	nswapdev;
	int64_t	swpages;
	int64_t	swpginuse;
	int64_t	swpgonly;
	int64_t	nswget;
	int64_t	nanon;
	int64_t	nfreeanon;
	int64_t	faults;
	int64_t	traps;
	int64_t	intrs;
	int64_t	swtch;
	int64_t	softs;
	int64_t	syscalls;
	int64_t	pageins;
	int64_t	swapins;
	int64_t	swapouts;
	int64_t	pgswapin;
	int64_t	pgswapout;
	int64_t	forks;
	int64_t	forks_ppwait;
	int64_t	forks_sharevm;
	int64_t	pga_zerohit;
	int64_t	pga_zeromiss;
	int64_t	zeroaborts;
	int64_t	fltnoram;
	int64_t	fltnoanon;
	int64_t	fltnoamap;
	int64_t	fltpgwait;
	int64_t	fltpgrele;
	int64_t	fltrelck;
	int64_t	fltrelckok;
	int64_t	fltanget;
	int64_t	fltanretry;
	int64_t	fltamcopy;
	int64_t	fltnamap;
	int64_t	fltnomap;
	int64_t	fltlget;
	int64_t	fltget;
	int64_t	flt_anon;
	int64_t	flt_acow;
	int64_t	flt_obj;
	int64_t	flt_prcopy;
	int64_t	flt_przero;
	int64_t	pdwoke;
	int64_t	pdrevs;
	int64_t	pdswout;
	int64_t	pdfreed;
	int64_t	pdscans;
	int64_t	pdanscan;
	int64_t	pdobscan;
	int64_t	pdreact;
	int64_t	pdbusy;
	int64_t	pdpageouts;
	int64_t	pdpending;
	int64_t	pddeact;
	int64_t	pdreanon;
	int64_t	pdrefile;
	int64_t	pdreexec;
	int64_t	anonpages;
	int64_t	filepages;
	int64_t	execpages;
	int64_t	colorhit;
	int64_t	colormiss;
	int64_t	ncolors;
	int64_t	anonmin;
	int64_t	execmin;
	int64_t	filemin;
	int64_t	anonmax;
	int64_t	execmax;
	int64_t	filemax;
	int64_t	swpgavail;
};

/* Seconds asleep after which an lwp's u-area may be swapped out. */
#define MAXSLP		20

/* The load averages uvm_meter() keeps (VM_LOADAVG). */
extern struct loadavg averunnable;

/* The CTL_VM branch of sysctl(3). */
int	uvm_sysctl(const int *name, u_int namelen, void *oldp,
	    size_t *oldlenp, const void *newp, size_t newlen);
/* Read one integer node by name ("vm.uvmexp.free"): 0 or ENOENT. */
int	uvm_sysctl_byname(const char *name, int64_t *valp);
/* Fill *tp with the VM_METER totals now. */
void	uvm_total(struct vmtotal *tp);

/*
 * The clock's once-a-second call of uvm_meter() (threaded machines):
 * uvm_meter_start() schedules it on a callout, uvm_meter_stop() stops
 * it.  uvm_meter_init() resets the load averages (boot).
 */
void	uvm_meter_init(void);
void	uvm_meter_start(void);
void	uvm_meter_stop(void);

#endif /* _UVM_UVM_SYSCTL_H_ */
