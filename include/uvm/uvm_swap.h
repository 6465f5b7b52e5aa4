/*
 * uvm_swap.h: swap space, swapctl(2) and uvm_swap_stats(9).
 *
 * Swap devices are host files (or block devices).  Each device's pages
 * are numbered into one global "drum" of swap slots; slot 0 is never
 * handed out, so 0 means "no slot" in an anon or an aobj.  Devices have
 * priorities (lower is used first); devices of equal priority are used
 * round-robin.
 */

#ifndef _UVM_UVM_SWAP_H_
#define _UVM_UVM_SWAP_H_

#include <uvm/uvm_extern.h>

/* swapctl() commands. */
#define SWAP_ON		1	/* begin swapping on a device */
#define SWAP_OFF	2	/* stop swapping on a device */
#define SWAP_NSWAP	3	/* how many swap devices? */
#define SWAP_OSTATS	4	/* get device info, without the path */
#define SWAP_CTL	5	/* change the priority of a device */
#define SWAP_STATS	6	/* get device info */

/* se_flags */
#define SWF_INUSE	0x00000001	/* in use: we have swapped here */
#define SWF_ENABLE	0x00000002	/* enabled: we can swap here */
#define SWF_BUSY	0x00000004	/* busy: I/O happening here */
#define SWF_FAKE	0x00000008	/* fake: still being built */

#define SWAP_PATH_MAX	1024
#define DEV_BSIZE	512		/* se_nblks unit */

struct swapent {
	dev_t	se_dev;			/* device id */
	int	se_flags;		/* SWF_* */
	int	se_nblks;		/* total blocks (DEV_BSIZE) */
	int	se_inuse;		/* blocks in use */
	int	se_priority;		/* priority of this device */
	char	se_path[SWAP_PATH_MAX + 1];	/* path name */
};

/* SWAP_OSTATS: the same without the path. */
struct oswapent {
	dev_t	ose_dev;
	int	ose_flags;
	int	ose_nblks;
	int	ose_inuse;
	int	ose_priority;
};

/*
 * swapctl(2): SWAP_ON (arg: path, misc: priority), SWAP_OFF (arg: path),
 * SWAP_CTL (arg: path, misc: new priority), SWAP_NSWAP, SWAP_STATS and
 * SWAP_OSTATS (arg: array of misc entries).  *retval gets the count for
 * the last three.  Returns 0 or an errno.
 */
int	uvm_swapctl(int cmd, void *arg, int misc, register_t *retval);
/* SWAP_ON with an explicit size in bytes (0: the file's size). */
int	uvm_swap_on(const char *path, off_t size, int priority);

/* Slots (for pagers and the pagedaemon). */
int	uvm_swap_alloc(int *nslots, bool lessok);
void	uvm_swap_free(int startslot, int nslots);
void	uvm_swap_markbad(int startslot, int nslots);
bool	uvm_swap_isbad(int slot);
/* Is slot allocated (bad slots are)?  Bad slots on all devices. */
bool	uvm_swap_slot_inuse(int slot);
int	uvm_swap_nbad(void);
/*
 * Reads: one page, or a run of npages (at most UVM_SWAP_MAXREAD) slots on
 * one device with one I/O; uvm_swap_readahead() trims a read-ahead run
 * around swslot to what one I/O can read (same device, good slots).
 */
#define UVM_SWAP_MAXREAD	64
int	uvm_swap_get(struct vm_page *, int swslot, int flags);
int	uvm_swap_getpages(struct vm_page **, int swslot, int npages, int flags);
void	uvm_swap_readahead(int swslot, int *nbackp, int *nforwp);
int	uvm_swap_put(int swslot, struct vm_page **, int npages, int flags);
/* Number of write I/Os uvm_swap_put() issued (clustering stats). */
extern unsigned long uvm_swap_nwrites;

/* The swap layer's invariant checker: NULL or a description. */
const char *uvm_swap_check(void);

#endif /* _UVM_UVM_SWAP_H_ */
