/*
 * uvm_machine.h: describing and booting a machine.
 *
 * What MD boot code does in a kernel: choose the page size, load the
 * physical segments, pick the pmap, call uvm_init(), start the kernel
 * threads and switch on swap.  A host process may boot, use and shut down
 * several machines one after another (the tests do); only one exists at a
 * time.
 */

#ifndef _UVM_UVM_MACHINE_H_
#define _UVM_UVM_MACHINE_H_

#include <uvm/uvm_extern.h>

#define UVM_MACHINE_MAXSEGS	16
#define UVM_MACHINE_MAXSWAP	8

struct uvm_machine_seg {
	paddr_t		ms_start;	/* physical address (bytes) */
	paddr_t		ms_end;
	paddr_t		ms_avail_start;	/* first byte UVM manages */
	paddr_t		ms_avail_end;
	int		ms_freelist;	/* VM_FREELIST_* */
};

struct uvm_machine_swap {
	const char	*sw_path;	/* host file or block device */
	off_t		sw_size;	/* bytes; 0: use the file's size */
	int		sw_priority;	/* lower is used first */
};

enum uvm_daemon_mode {
	UVM_DAEMON_THREADED,	/* kernel threads woken by condvars */
	UVM_DAEMON_STEPPED,	/* run only when the caller steps them */
};

struct uvm_machine {
	unsigned int	m_pagesize;	/* bytes; 0: 4096 */
	int		m_nsegs;	/* 0: one segment of m_ramsize */
	struct uvm_machine_seg m_segs[UVM_MACHINE_MAXSEGS];
	psize_t		m_ramsize;	/* bytes, when m_nsegs == 0 */
	psize_t		m_physmax;	/* arena size (room for hotplug);
					   0: highest segment end */
	const char	*m_pmap;	/* "soft" (default) */
	const char	*m_policy;	/* "clock" (default), "clockpro" */
	enum uvm_daemon_mode m_daemon;
	int		m_nswap;
	struct uvm_machine_swap m_swap[UVM_MACHINE_MAXSWAP];
	uint64_t	m_seed;		/* for cprng_fast() */
	int		m_ncolors;	/* page colours; 0: 1 */
	bool		m_quiet;	/* no boot messages */
};

/* Fill `m' with the defaults: 64 MiB, 4 KiB pages, soft pmap, clock. */
void	uvm_machine_defaults(struct uvm_machine *);
/* Boot: 0, or an errno with a message on the console. */
int	uvm_machine_boot(const struct uvm_machine *);
/* Tear everything down; the host process can boot again afterwards. */
void	uvm_machine_shutdown(void);
/* The machine that is booted, or NULL. */
const struct uvm_machine *uvm_machine_current(void);

#endif /* _UVM_UVM_MACHINE_H_ */
