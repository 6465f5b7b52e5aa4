/*
 * uvmsim.h: the parts of uvmsim shared between its files.
 *
 * uvmsim.c	command line, machine boot, running a script, exit codes
 * lua_uvm.c	the `uvm' Lua module: processes, memory, files, swap
 * views.c	vmstat -s, vmstat lines, swapctl -l, map listings, sysctl
 * sample.c	progress line, --stats CSV sampling, --plot with gnuplot
 */
#ifndef _UVMSIM_H_
#define _UVMSIM_H_

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct lua_State;
struct vm_map;

/* Exit codes (uvmsim(1) EXIT STATUS). */
#define UVMSIM_EXIT_OK		0	/* every verification passed */
#define UVMSIM_EXIT_VERIFY	1	/* a verification or invariant failed */
#define UVMSIM_EXIT_USAGE	2	/* bad command line */
#define UVMSIM_EXIT_SCRIPT	3	/* the script failed to load or run */
#define UVMSIM_EXIT_BOOT	4	/* the machine did not boot */

/* State of the run the Lua module reports into. */
struct uvmsim_run {
	const char	*tmpdir;	/* where relative file paths go */
	int		failures;	/* failed verifications and checks */
	bool		quiet;		/* -q: no narrative from uvm.say() */
	bool		threads;	/* --procs threads: uvm.run on threads */
};
extern struct uvmsim_run uvmsim;

/*
 * lua_uvm.c: open the module as package.loaded.uvm and global `uvm'.
 * The calling thread holds the interpreter lock from here until
 * uvmsim_lua_cleanup(), except while it waits in uvm.run or does VM work.
 */
int	luaopen_uvm(struct lua_State *);
/* Free every process and file the script left behind. */
void	uvmsim_lua_cleanup(void);

/* views.c */
struct uvmsim_field {
	const char	*name;		/* vm.uvmexp.<name> */
	size_t		off;		/* offsetof(struct uvmexp, ...) */
	const char	*desc;		/* vmstat -s wording; NULL: not shown */
};
extern const struct uvmsim_field uvmsim_fields[];
/* The field called name, or NULL. */
const struct uvmsim_field *uvmsim_field(const char *name);
int	uvmsim_field_value(const struct uvmsim_field *);
void	uvmsim_vmstat_s(FILE *);
void	uvmsim_vmstat_line(FILE *, bool header);
void	uvmsim_swapctl_l(FILE *);
void	uvmsim_sysctl_vm(FILE *);
/* A procstat -v style listing; verbose: uvm_map_printit()'s. */
void	uvmsim_pmap(FILE *, struct vm_map *, const char *name, int pid,
	    bool verbose);

/* sample.c */
int	uvmsim_sample_open(const char *csvpath, const char *pngpath);
/* Called often: samples (at most every few ms) and draws progress. */
void	uvmsim_tick(void);
/* Erase the progress line before printing to stdout or stderr. */
void	uvmsim_progress_clear(void);
/* Take a sample now (uvm.sample()). */
void	uvmsim_sample_now(void);
/* Final sample, close the CSV, clear the progress line, run gnuplot. */
int	uvmsim_sample_close(void);

#endif /* _UVMSIM_H_ */
