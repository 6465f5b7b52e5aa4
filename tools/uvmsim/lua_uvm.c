/*
 * lua_uvm.c: the `uvm' Lua module, the machine as a workload sees it.
 *
 * Processes are userdata (metatable "uvm.proc") around a struct proc
 * with its own vmspace (proc_alloc + uvmspace_alloc, or uvm_proc_fork);
 * files are userdata ("uvm.file") around a vnode (vn_open).  Memory is
 * read and written the way a program's system calls do it, through
 * copyin_vmspace()/copyout_vmspace(), so every access takes the fault
 * path.  Patterns are a function of (seed, virtual address or file
 * offset), so any sub-range can be verified later; seed 0 is all zeroes.
 *
 * Errors from UVM (an errno) raise a Lua error naming the process, the
 * operation, the address and the errno; scripts that expect one catch
 * it with pcall.  A failed verification does not raise: it prints the
 * process, address, expected and found bytes, counts a failure (uvmsim
 * then exits 1) and returns false.
 *
 * Two parts follow the subsystems they drive and are compiled in when
 * the tree has them (tools/uvmsim/meson.build): uvm.step() runs the
 * pagedaemon (uvm_pdaemon.c) and proc:loan() lends pages to the kernel
 * (uvm_loan.c).
 *
 * uvm.run() runs process bodies in one of two ways (--procs, or the
 * procs= field of uvm.run{...}):
 *
 *  coroutines	round-robin on the interpreter's host thread, each
 *		resumed until it yields or returns: a body that calls
 *		coroutine.yield() lets the others run, which interleaves
 *		the faults of several processes deterministically.
 *  threads	each body on a host thread of its own, in a Lua thread
 *		of its own (lua_newthread, anchored in the registry).
 *		Working on a process, a thread runs as an lwp of that
 *		process (one per thread and process, made on first use:
 *		lwp_alloc + kern_lwp_bind); otherwise as an lwp of proc0
 *		of its own.  So UVM sees real concurrency: parallel faults
 *		on shared amaps and objects, the threaded pagedaemon racing
 *		them, fork and exit while other lwps fault.
 *
 * Locking.  Lua 5.4 as Debian builds it is not thread-safe, so one
 * interpreter lock (ilk, a FIFO ticket lock: waiting threads are served
 * in order) is held by whichever thread runs Lua code or calls the Lua
 * API.  Every call that does VM work (touching memory, fill and verify
 * loops, map, unmap, fork, exec, exit, swapon, swapoff, file I/O, the
 * pagedaemon) leaves the interpreter around that work (vm_enter /
 * vm_exit) and so runs in parallel with the other threads; a count hook
 * hands the lock over every HOOK_COUNT instructions of Lua code when
 * another thread waits.  The lock is outermost: nothing holding a UVM
 * lock ever waits for it.
 *
 * What a thread works on outside the lock is pinned: a process or file
 * counts its users (struct sbusy) and exit, exec and close first drain
 * them (new users wait), so a process's map or a file's vnode never
 * goes away under a thread working on it.  The fields of sproc, sfile
 * and sloan change only under the interpreter lock.  Failure reports
 * (stderr and uvmsim.failures) are under report_lock.
 *
 * In coroutine mode the interpreter's thread holds the lock throughout
 * (it is only released and taken back around VM work, uncontended) and
 * runs as lwp0, as the code that boots a machine does.
 */

#include <uvm/uvm.h>
#include <uvm/uvm_aobj.h>
#include <uvm/uvm_swap.h>
#include <uvm/uvm_vnode.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uvmsim.h"

#define CHUNK	(64 * 1024)	/* bytes per copy between ticks */
#define MAXREPORT 20		/* failed verifications printed in full */
#define HOOK_COUNT 1000		/* Lua instructions between lock handovers */

/* Users of a process or file working on it outside the interpreter lock. */
struct sbusy {
	int		users;		/* threads in vm_enter..vm_exit */
	bool		draining;	/* exit/exec/close waits for users */
	bool		gone;		/* exited or closed */
};

struct sthread;

/* A thread's lwp in a process (threads mode). */
struct slwp {
	struct lwp	*l;
	struct sthread	*owner;
	struct slwp	*next;
};

struct sproc {
	struct proc	*p;		/* NULL once exited */
	struct lwp	*l;		/* for exec on the main thread */
	struct slwp	*lwps;		/* threads' lwps in it */
	struct sbusy	b;
	char		name[32];
	int		pid;
	struct sproc	*next;		/* all processes, for cleanup */
};

struct sfile {
	struct vnode	*vp;		/* NULL once closed */
	struct sbusy	b;
	char		path[256];
	struct sfile	*next;
};

struct srun;

/* A body of uvm.run in threads mode. */
struct sthread {
	struct srun	*run;
	lua_State	*L;		/* its Lua thread */
	int		ref;		/* anchor in the registry */
	int		index;		/* 1.. in the run */
	pthread_t	tid;
	struct lwp	*l;		/* its own lwp, of proc0 */
	char		name[24];	/* "thread<index>" */
	char		proc[32];	/* the process it last worked on */
	int		pid;		/* its pid; 0: none yet */
	char		*error;		/* what it failed with, or NULL */
	bool		stopped;	/* it failed because another did */
};

struct srun {
	struct sthread	*th;
	int		n;
	bool		cancel;		/* a thread failed: the others stop */
	struct srun	*parent;	/* the run of the thread that ran this */
};

static struct sproc *allprocs;
static struct sfile *allfiles;

/* The thread of uvm.run the calling host thread is; NULL: the main one. */
static __thread struct sthread *cur_thread;

/* Is th's run, or a run it is nested in, stopping?  ilk_mtx or lock held. */
static bool
cancelled(const struct sthread *th)
{
	for (const struct srun *r = th != NULL ? th->run : NULL; r != NULL;
	    r = r->parent)
		if (r->cancel)
			return true;
	return false;
}

/* ---------------------------------------------------------------------
 * The interpreter lock: a ticket lock on ilk_mtx.  The holder's ticket
 * is ilk_serving; threads waiting for their turn hold later tickets.
 * ilk_cv also wakes threads waiting for an sbusy to drain.
 */

static pthread_mutex_t ilk_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ilk_cv = PTHREAD_COND_INITIALIZER;
static unsigned long ilk_next, ilk_serving;
static bool ilk_main;			/* the main thread took it at open */

static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;

/* Wait for a turn.  ilk_mtx held. */
static void
ilk_take_locked(void)
{
	unsigned long t = ilk_next++;

	while (ilk_serving != t)
		pthread_cond_wait(&ilk_cv, &ilk_mtx);
}

/* Pass the lock to the next ticket.  ilk_mtx held, the lock ours. */
static void
ilk_give_locked(void)
{
	ilk_serving++;
	pthread_cond_broadcast(&ilk_cv);
}

static void
ilk_take(void)
{
	pthread_mutex_lock(&ilk_mtx);
	ilk_take_locked();
	pthread_mutex_unlock(&ilk_mtx);
}

static void
ilk_give(void)
{
	pthread_mutex_lock(&ilk_mtx);
	ilk_give_locked();
	pthread_mutex_unlock(&ilk_mtx);
}

/* Let the threads waiting for the lock have it first. */
static void
ilk_yield(void)
{
	pthread_mutex_lock(&ilk_mtx);
	if (ilk_next - ilk_serving > 1) {
		ilk_give_locked();
		ilk_take_locked();
	}
	pthread_mutex_unlock(&ilk_mtx);
}

/* The calling thread's lwp in sp, made on first use.  Lock held. */
static struct lwp *
thread_lwp(struct sthread *th, struct sproc *sp)
{
	struct slwp *s;

	for (s = sp->lwps; s != NULL; s = s->next)
		if (s->owner == th)
			return s->l;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		abort();
	s->l = lwp_alloc(sp->p, th->name);
	s->owner = th;
	s->next = sp->lwps;
	sp->lwps = s;
	return s->l;
}

enum vm_mode {
	VM_SHARED,	/* work on it beside other users */
	VM_EXCL,	/* alone on it: exec */
	VM_GONE,	/* alone, and it goes: exit, close */
};

/*
 * vm_enter: leave the interpreter for VM work on b (NULL: on nothing of
 * the script's); vm_exit comes back.
 *
 * => interpreter lock held; no Lua API call until vm_exit().
 * => with sp, a thread of uvm.run runs as its lwp of sp until vm_exit;
 *    otherwise as its own lwp.
 * => waits while b is drained by another thread; VM_EXCL and VM_GONE
 *    drain b (wait for its users to leave).  VM_GONE marks b gone
 *    before the lock is released: the caller then takes apart what it
 *    saved of the object while nobody else can reach it.
 * => returns 0, or with the lock held and nothing entered: ESRCH if b
 *    went while this waited, ECANCELED if another thread of the run
 *    failed (the run is stopping: see stopped()).
 * => keep: keep the interpreter lock (a short read that uses the Lua
 *    API, safe from exec and exit); vm_exit is then told so too.
 */
static int
vm_enter(struct sbusy *b, struct sproc *sp, enum vm_mode mode, bool keep)
{
	struct sthread *th = cur_thread;

	pthread_mutex_lock(&ilk_mtx);
	for (;;) {
		if (cancelled(th)) {
			pthread_mutex_unlock(&ilk_mtx);
			return ECANCELED;
		}
		if (b == NULL)
			break;
		if (b->gone) {
			pthread_mutex_unlock(&ilk_mtx);
			return ESRCH;
		}
		if (!b->draining)
			break;
		ilk_give_locked();
		while (b->draining)
			pthread_cond_wait(&ilk_cv, &ilk_mtx);
		ilk_take_locked();
	}
	if (b != NULL && mode != VM_SHARED) {
		b->draining = true;
		if (b->users > 0) {
			ilk_give_locked();
			while (b->users > 0)
				pthread_cond_wait(&ilk_cv, &ilk_mtx);
			ilk_take_locked();
		}
		if (mode == VM_GONE)
			b->gone = true;
	}
	if (b != NULL)
		b->users++;
	if (th != NULL && sp != NULL && mode != VM_GONE) {
		kern_lwp_bind(thread_lwp(th, sp));
		snprintf(th->proc, sizeof(th->proc), "%s", sp->name);
		th->pid = sp->pid;
	}
	if (!keep)
		ilk_give_locked();
	pthread_mutex_unlock(&ilk_mtx);
	return 0;
}

/* The error of a thread that stops because another one failed. */
static int
stopped(lua_State *L)
{
	cur_thread->stopped = true;
	return luaL_error(L, "stopped: another thread failed");
}

static void
vm_exit(struct sbusy *b, enum vm_mode mode, bool keep)
{
	if (cur_thread != NULL)
		kern_lwp_bind(cur_thread->l);
	pthread_mutex_lock(&ilk_mtx);
	if (b != NULL) {
		b->users--;
		if (mode != VM_SHARED)
			b->draining = false;
		pthread_cond_broadcast(&ilk_cv);
	}
	if (!keep)
		ilk_take_locked();
	pthread_mutex_unlock(&ilk_mtx);
}

/* ---------------------------------------------------------------------
 * Helpers.
 */

static const char *
errname(int e)
{
	static char buf[16];

	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EIO: return "EIO";
	case ENXIO: return "ENXIO";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case EAGAIN: return "EAGAIN";
	case EFBIG: return "EFBIG";
	}
	snprintf(buf, sizeof(buf), "errno %d", e);
	return buf;
}

static int
uerror(lua_State *L, int e, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return luaL_error(L, "%s: %s (%s)", msg, errname(e), strerror(e));
}

/* A size: a number of bytes, or a string with a K, M or G suffix. */
static uint64_t
checksize(lua_State *L, int idx)
{
	const char *s;
	char *end;
	uint64_t n;

	if (lua_type(L, idx) == LUA_TNUMBER) {
		lua_Integer v = luaL_checkinteger(L, idx);

		luaL_argcheck(L, v >= 0, idx, "negative size");
		return (uint64_t)v;
	}
	s = luaL_checkstring(L, idx);
	n = strtoull(s, &end, 0);
	if (end == s)
		luaL_argerror(L, idx, "not a size (e.g. 4096, \"64K\", \"2M\")");
	switch (*end) {
	case 'k': case 'K': n <<= 10; end++; break;
	case 'm': case 'M': n <<= 20; end++; break;
	case 'g': case 'G': n <<= 30; end++; break;
	}
	if (*end != '\0')
		luaL_argerror(L, idx, "not a size (e.g. 4096, \"64K\", \"2M\")");
	return n;
}

static vaddr_t
checkva(lua_State *L, int idx)
{
	lua_Integer v = luaL_checkinteger(L, idx);

	luaL_argcheck(L, v >= 0, idx, "negative address");
	return (vaddr_t)v;
}

/* [va, va + size) page aligned and inside user space, else error. */
static void
checkrange(lua_State *L, vaddr_t va, uint64_t size)
{
	if ((va & PAGE_MASK) != 0 || (size & PAGE_MASK) != 0)
		luaL_error(L, "range %#" PRIx64 "+%#" PRIx64 " is not page"
		    " aligned (pages are %d bytes)", (uint64_t)va, size,
		    (int)PAGE_SIZE);
	if (size == 0 || va + size < va || va + size > VM_MAXUSER_ADDRESS)
		luaL_error(L, "range %#" PRIx64 "+%#" PRIx64 " is empty or"
		    " outside user space", (uint64_t)va, size);
}

static vm_prot_t
checkprot(lua_State *L, int idx, const char *def)
{
	const char *s = luaL_optstring(L, idx, def);
	vm_prot_t p = VM_PROT_NONE;

	for (const char *c = s; *c; c++) {
		switch (*c) {
		case 'r': p |= VM_PROT_READ; break;
		case 'w': p |= VM_PROT_WRITE; break;
		case 'x': p |= VM_PROT_EXECUTE; break;
		case '-': break;
		default:
			luaL_argerror(L, idx, lua_pushfstring(L, "protection"
			    " \"%s\" is not made of r, w, x, -", s));
		}
	}
	return p;
}

static const char *const inh_names[] = { "share", "copy", "none", "zero",
    NULL };
static const int inh_values[] = { MAP_INHERIT_SHARE, MAP_INHERIT_COPY,
    MAP_INHERIT_NONE, MAP_INHERIT_ZERO };
static const char *const adv_names[] = { "normal", "random", "sequential",
    "willneed", "dontneed", "noreuse", NULL };

/* The byte at va of pattern seed (seed 0: zeroes). */
static inline uint64_t
pattern_word(uint64_t seed, uint64_t w)
{
	uint64_t x = (w + 1) * 0x9e3779b97f4a7c15ULL ^ seed * 0xd1b54a32d192ed03ULL;

	if (seed == 0)
		return 0;
	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 29;
	return x;
}

static inline unsigned char
pattern(uint64_t seed, uint64_t va)
{
	return (unsigned char)(pattern_word(seed, va >> 3) >> ((va & 7) * 8));
}

static void
pattern_fill(unsigned char *buf, uint64_t seed, uint64_t va, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (((va + i) & 7) == 0 && i + 8 <= n) {
			uint64_t w = pattern_word(seed, (va + i) >> 3);

			for (int b = 0; b < 8; b++)
				buf[i + (size_t)b] = (unsigned char)(w >> (b * 8));
			i += 7;
		} else
			buf[i] = pattern(seed, va + i);
	}
}

/*
 * Compare buf (n bytes at pattern index va, address origin + va) with
 * the pattern; report the first difference (and how many bytes differ
 * in this chunk) as `who'.  Called with or without the interpreter
 * lock (a fill or verify of a thread runs outside it).
 */
static bool
pattern_check(const unsigned char *buf, uint64_t seed, uint64_t va,
    uint64_t origin, size_t n, const char *who, const char *what)
{
	unsigned char *want = malloc(n);
	size_t bad = 0, first = 0;

	if (want == NULL)
		abort();
	pattern_fill(want, seed, va, n);
	if (memcmp(want, buf, n) != 0) {
		for (size_t i = 0; i < n; i++)
			if (want[i] != buf[i] && bad++ == 0)
				first = i;
		pthread_mutex_lock(&report_lock);
		uvmsim_progress_clear();
		uvmsim.failures++;
		if (uvmsim.failures == MAXREPORT + 1)
			fprintf(stderr, "uvmsim: more verifications failed;"
			    " only the count is reported\n");
		else if (uvmsim.failures <= MAXREPORT)
			fprintf(stderr, "uvmsim: verification failed: %s: %s %#"
			    PRIx64 ": expected 0x%02x, found 0x%02x (pattern %"
			    PRIu64 "; %zu of %zu bytes from there differ)\n",
			    who, what, origin + va + first, want[first],
			    buf[first], seed, bad, n);
		pthread_mutex_unlock(&report_lock);
	}
	free(want);
	return bad == 0;
}

/* ---------------------------------------------------------------------
 * Processes.
 */

static struct sproc *
checkproc(lua_State *L, int idx)
{
	struct sproc **spp = luaL_checkudata(L, idx, "uvm.proc");
	struct sproc *sp = *spp;

	if (sp->p == NULL || sp->b.gone)
		luaL_error(L, "process %s (pid %d) has exited", sp->name,
		    sp->pid);
	return sp;
}

/*
 * Leave the interpreter for work on sp's address space (proc_in ..
 * proc_out), or hold sp still for a read under the interpreter lock
 * (proc_hold .. proc_unhold).  See vm_enter.
 */
static void
proc_enter(lua_State *L, struct sproc *sp, enum vm_mode mode, bool keep)
{
	int error = vm_enter(&sp->b, sp, mode, keep);

	if (error == ECANCELED)
		stopped(L);
	if (error != 0)
		luaL_error(L, "process %s (pid %d) has exited", sp->name,
		    sp->pid);
}

#define proc_in(L, sp)		proc_enter((L), (sp), VM_SHARED, false)
#define proc_out(sp)		vm_exit(&(sp)->b, VM_SHARED, false)
#define proc_hold(L, sp)	proc_enter((L), (sp), VM_SHARED, true)
#define proc_unhold(sp)		vm_exit(&(sp)->b, VM_SHARED, true)
/* VM work on no process or file (swap, the pagedaemon, loans). */
#define vm_in(L)		do {					\
	if (vm_enter(NULL, NULL, VM_SHARED, false) != 0)		\
		stopped(L);						\
} while (0)
#define vm_out()		vm_exit(NULL, VM_SHARED, false)

static struct vm_map *
procmap(struct sproc *sp)
{
	return &sp->p->p_vmspace->vm_map;
}

static void
pushproc(lua_State *L, struct proc *p, const char *name)
{
	struct sproc *sp = calloc(1, sizeof(*sp));
	struct sproc **spp;

	if (sp == NULL)
		luaL_error(L, "out of host memory");
	sp->p = p;
	sp->pid = p->p_pid;
	snprintf(sp->name, sizeof(sp->name), "%s", name);
	sp->next = allprocs;
	allprocs = sp;
	p->p_stat = SACTIVE;
	spp = lua_newuserdatauv(L, sizeof(*spp), 0);
	*spp = sp;
	luaL_setmetatable(L, "uvm.proc");
}

/*
 * Unwire everything the address space has wired, as exit(2) does with
 * mlock()ed memory before the space goes (uvmspace_free() and
 * uvmspace_exec() empty the pmap before they take the map apart, and
 * a wired entry must be unwired while its pages are still mapped).
 * Only for the last reference: a space shared by a vfork()ed child
 * keeps its wiring.
 */
static void
unwire_all(struct vmspace *vm)
{
	struct vm_map *map = &vm->vm_map;
	struct vm_map_entry *e;
	vaddr_t s, end;

	if (atomic_load_acquire(&vm->vm_refcnt) != 1)
		return;
	for (;;) {
		s = end = 0;
		vm_map_lock_read(map);
		for (e = map->header.next; e != &map->header; e = e->next) {
			if (e->wired_count != 0) {
				s = e->start;
				end = e->end;
				break;
			}
		}
		vm_map_unlock_read(map);
		if (s == end)
			break;
		if (uvm_map_pageable(map, s, end, true, 0) != 0)
			break;
	}
}

/*
 * Take apart process p (sp's, saved by the caller), its lwps and its
 * address space.  Nobody else can reach it: the caller marked sp gone
 * (vm_enter VM_GONE), or the run is over.
 */
static void
proc_destroy(struct sproc *sp, struct proc *p)
{
	struct slwp *s;

	while ((s = sp->lwps) != NULL) {
		sp->lwps = s->next;
		lwp_free(s->l);
		free(s);
	}
	if (sp->l != NULL)
		lwp_free(sp->l);
	sp->l = NULL;
	if (p->p_vmspace != NULL) {
		unwire_all(p->p_vmspace);
		uvmspace_free(p->p_vmspace);
	}
	p->p_vmspace = NULL;
	proc_free(p);
}

/* uvm.spawn(name): a new process with an empty address space. */
static int
l_spawn(lua_State *L)
{
	const char *name = luaL_optstring(L, 1, "proc");
	struct proc *p;

	vm_in(L);
	p = proc_alloc(name);
	p->p_vmspace = uvmspace_alloc(VM_MIN_ADDRESS, VM_MAXUSER_ADDRESS,
	    false);
	vm_out();
	pushproc(L, p, name);
	return 1;
}

/* proc:fork([name [, shared]]): uvm_proc_fork. */
static int
p_fork(lua_State *L)
{
	struct sproc *sp = checkproc(L, 1);
	const char *name = luaL_optstring(L, 2, sp->name);
	bool shared = lua_toboolean(L, 3);
	struct proc *p2;

	proc_in(L, sp);
	p2 = proc_alloc(name);
	uvm_proc_fork(sp->p, p2, shared);
	uvmsim_tick();
	proc_out(sp);
	pushproc(L, p2, name);
	return 1;
}

/*
 * proc:exec(): uvmspace_exec over the whole user range, as one of the
 * process's lwps, alone in it (the other threads working on it are
 * waited for, as exec waits for a process's other lwps to exit).
 */
static int
p_exec(lua_State *L)
{
	struct sproc *sp = checkproc(L, 1);
	bool onmain = cur_thread == NULL;

	if (onmain && sp->l == NULL)
		sp->l = lwp_alloc(sp->p, sp->name);
	proc_enter(L, sp, VM_EXCL, false);
	unwire_all(sp->p->p_vmspace);
	if (onmain)
		kern_lwp_bind(sp->l);
	uvmspace_exec(curlwp, VM_MIN_ADDRESS, VM_MAXUSER_ADDRESS);
	if (onmain)
		kern_lwp_bind(NULL);
	vm_exit(&sp->b, VM_EXCL, false);
	return 0;
}

/*
 * proc:exit(): the address space goes (its last reference frees it),
 * once the threads working on the process have left it.
 */
static int
p_exit(lua_State *L)
{
	struct sproc *sp = checkproc(L, 1);
	struct proc *p = sp->p;

	proc_enter(L, sp, VM_GONE, false);
	proc_destroy(sp, p);
	uvmsim_tick();
	vm_exit(&sp->b, VM_GONE, false);
	sp->p = NULL;
	return 0;
}

/*
 * proc:map{size=, file=, shared=, prot=, maxprot=, inherit=, advice=,
 * addr=, fixed=, offset=}: mmap.  Private mappings are copy-on-write
 * (UVM_FLAG_COPYONW); shared anonymous memory is an aobj; a file maps
 * its vnode's object.  Returns the address.
 */
static int
p_map(lua_State *L)
{
	struct sproc *sp = checkproc(L, 1);
	struct uvm_object *uobj = NULL;
	struct sfile *sf = NULL;
	struct vnode *vp = NULL;
	voff_t off = UVM_UNKNOWN_OFFSET;
	vaddr_t va = 0;
	vm_prot_t prot, maxprot;
	uint64_t size;
	bool shared, fixed;
	int inh, adv, flags = 0, error, inhidx;

	luaL_checktype(L, 2, LUA_TTABLE);
	lua_getfield(L, 2, "size");
	size = checksize(L, -1);
	lua_getfield(L, 2, "file");
	if (!lua_isnil(L, -1)) {
		struct sfile **sfp = luaL_testudata(L, -1, "uvm.file");

		if (sfp == NULL || (*sfp)->vp == NULL)
			return luaL_error(L, "map: file= is not an open file");
		sf = *sfp;
	}
	lua_getfield(L, 2, "shared");
	shared = lua_toboolean(L, -1);
	lua_getfield(L, 2, "prot");
	prot = checkprot(L, -1, "rw");
	lua_getfield(L, 2, "maxprot");
	maxprot = checkprot(L, -1, "rwx");
	lua_getfield(L, 2, "inherit");
	inhidx = luaL_checkoption(L, -1, shared ? "share" : "copy",
	    inh_names);
	lua_getfield(L, 2, "advice");
	adv = luaL_checkoption(L, -1, "normal", adv_names);
	lua_getfield(L, 2, "addr");
	if (!lua_isnil(L, -1))
		va = checkva(L, -1);
	lua_getfield(L, 2, "fixed");
	fixed = lua_isnil(L, -1) ? va != 0 : lua_toboolean(L, -1);
	lua_getfield(L, 2, "offset");
	if (sf != NULL)
		off = (voff_t)luaL_optinteger(L, -1, 0);
	lua_settop(L, 2);

	size = (size + PAGE_MASK) & ~(uint64_t)PAGE_MASK;
	if (fixed)
		checkrange(L, va, size);
	else if (size == 0 || size > VM_MAXUSER_ADDRESS)
		return luaL_error(L, "map: size %" PRIu64 " is out of range",
		    size);
	if ((prot & ~maxprot) != 0)
		return uerror(L, EACCES, "map: prot exceeds maxprot");
	if (sf != NULL && (off & PAGE_MASK) != 0)
		return luaL_error(L, "map: offset %jd is not page aligned",
		    (intmax_t)off);
	if (!shared)
		flags |= UVM_FLAG_COPYONW;
	if (fixed)
		flags |= UVM_FLAG_FIXED;
	switch (inh_values[inhidx]) {
	case MAP_INHERIT_SHARE: inh = UVM_INH_SHARE; break;
	case MAP_INHERIT_NONE: inh = UVM_INH_NONE; break;
	default: inh = UVM_INH_COPY; break;
	}
	if (sf != NULL) {
		/* The reference keeps the vnode while the lock is let go. */
		vp = sf->vp;
		vref(vp);
	}
	if ((error = vm_enter(&sp->b, sp, VM_SHARED, false)) != 0) {
		if (vp != NULL)
			vrele(vp);
		if (error == ECANCELED)
			return stopped(L);
		return luaL_error(L, "process %s (pid %d) has exited",
		    sp->name, sp->pid);
	}
	if (vp != NULL)
		uobj = &vp->v_uobj;
	else if (shared) {
		uobj = uao_create((vsize_t)size, 0);
		off = 0;
	}
	error = uvm_map(procmap(sp), &va, (vsize_t)size, uobj, off, 0,
	    UVM_MAPFLAG(prot, maxprot, inh, adv, flags));
	if (error) {
		if (vp != NULL)
			vrele(vp);
		else if (uobj != NULL)
			uao_detach(uobj);
		proc_out(sp);
		return uerror(L, error, "%s: map %" PRIu64 " bytes%s", sp->name,
		    size, vp != NULL ? " of a file" : "");
	}
	if (inh_values[inhidx] == MAP_INHERIT_ZERO)
		error = uvm_map_inherit(procmap(sp), va, va + size,
		    MAP_INHERIT_ZERO);
	proc_out(sp);
	if (error)
		return uerror(L, error, "%s: inherit zero", sp->name);
	lua_pushinteger(L, (lua_Integer)va);
	return 1;
}

static void
getrange(lua_State *L, vaddr_t *va, vaddr_t *end)
{
	uint64_t size;

	*va = checkva(L, 2);
	size = checksize(L, 3);
	checkrange(L, *va, size);
	*end = *va + size;
}

static int
p_unmap(lua_State *L)
{
	struct sproc *sp = checkproc(L, 1);
	vaddr_t va, end;

	getrange(L, &va, &end);
	proc_in(L, sp);
	uvm_unmap(procmap(sp), va, end);
	uvmsim_tick();
	proc_out(sp);
	return 0;
}

/* proc:protect(va, size, prot [, setmax]) */
static int
p_protect(lua_State *L)
{
	struct sproc *sp = checkproc(L, 1);
	vaddr_t va, end;
	vm_prot_t prot;
	bool setmax;
	int error;

	getrange(L, &va, &end);
	prot = checkprot(L, 4, NULL);
	setmax = lua_toboolean(L, 5);
	proc_in(L, sp);
	error = uvm_map_protect(procmap(sp), va, end, prot, setmax);
	proc_out(sp);
	if (error)
		return uerror(L, error, "%s: protect %#lx", sp->name,
		    (unsigned long)va);
	return 0;
}

static int
p_inherit(lua_State *L)
{
	struct sproc *sp = checkproc(L, 1);
	vaddr_t va, end;
	int error, i;

	getrange(L, &va, &end);
	i = luaL_checkoption(L, 4, NULL, inh_names);
	proc_in(L, sp);
	error = uvm_map_inherit(procmap(sp), va, end, inh_values[i]);
	proc_out(sp);
	if (error)
		return uerror(L, error, "%s: inherit %#lx", sp->name,
		    (unsigned long)va);
	return 0;
}

static int
p_advise(lua_State *L)
{
	struct sproc *sp = checkproc(L, 1);
	vaddr_t va, end;
	int adv, error;

	getrange(L, &va, &end);
	adv = luaL_checkoption(L, 4, NULL, adv_names);
	proc_in(L, sp);
	error = uvm_map_advice(procmap(sp), va, end, adv);
	proc_out(sp);
	if (error)
		return uerror(L, error, "%s: advise %#lx", sp->name,
		    (unsigned long)va);
	return 0;
}

static int
wire(lua_State *L, bool pageable)
{
	struct sproc *sp = checkproc(L, 1);
	vaddr_t va, end;
	int error;

	getrange(L, &va, &end);
	proc_in(L, sp);
	error = uvm_map_pageable(procmap(sp), va, end, pageable, 0);
	uvmsim_tick();
	proc_out(sp);
	if (error)
		return uerror(L, error, "%s: %s %#lx", sp->name,
		    pageable ? "unwire" : "wire", (unsigned long)va);
	return 0;
}

static int
p_wire(lua_State *L)
{
	return wire(L, false);
}

static int
p_unwire(lua_State *L)
{
	return wire(L, true);
}

/* proc:write(va, string) */
static int
p_write(lua_State *L)
{
	struct sproc *sp = checkproc(L, 1);
	vaddr_t va = checkva(L, 2);
	size_t n;
	const char *s = luaL_checklstring(L, 3, &n);
	int error;

	proc_in(L, sp);
	error = copyout_vmspace(sp->p->p_vmspace, s, (void *)va, n);
	uvmsim_tick();
	proc_out(sp);
	if (error)
		return uerror(L, error, "%s: write at %#lx", sp->name,
		    (unsigned long)va);
	return 0;
}

/* proc:read(va, n) -> string */
static int
p_read(lua_State *L)
{
	struct sproc *sp = checkproc(L, 1);
	vaddr_t va = checkva(L, 2);
	size_t n = (size_t)checksize(L, 3);
	luaL_Buffer b;
	char *buf;
	int error;

	buf = luaL_buffinitsize(L, &b, n);
	proc_in(L, sp);
	error = copyin_vmspace(sp->p->p_vmspace, (const void *)va, buf, n);
	uvmsim_tick();
	proc_out(sp);
	if (error)
		return uerror(L, error, "%s: read at %#lx", sp->name,
		    (unsigned long)va);
	luaL_pushresultsize(&b, n);
	return 1;
}

/*
 * proc:fill(va, size, seed [, origin]): write the pattern, chunk by
 * chunk.  The byte at address a is pattern(seed, a - origin) (origin 0
 * by default); with origin the start of a file mapping, the bytes are
 * those file:fill(offset, ...) writes at the same file offsets.
 */
static int
p_fill(lua_State *L)
{
	struct sproc *sp = checkproc(L, 1);
	vaddr_t va = checkva(L, 2);
	uint64_t size = checksize(L, 3);
	uint64_t seed = (uint64_t)luaL_checkinteger(L, 4);
	uint64_t origin = (uint64_t)luaL_optinteger(L, 5, 0);
	unsigned char *buf = lua_newuserdatauv(L,
	    (size_t)MIN((uint64_t)CHUNK, size), 0);
	uint64_t done;
	int error = 0;

	/* The whole loop outside the interpreter (buf is on the stack). */
	proc_in(L, sp);
	for (done = 0; done < size && error == 0;) {
		size_t n = (size_t)MIN((uint64_t)CHUNK, size - done);

		pattern_fill(buf, seed, va + done - origin, n);
		error = copyout_vmspace(sp->p->p_vmspace, buf,
		    (void *)(va + done), n);
		if (error == 0)
			done += n;
		uvmsim_tick();
	}
	proc_out(sp);
	if (error)
		return uerror(L, error, "%s: fill at %#lx", sp->name,
		    (unsigned long)(va + done));
	return 0;
}

/* proc:verify(va, size, seed) -> true, or false after reporting */
static int
p_verify(lua_State *L)
{
	struct sproc *sp = checkproc(L, 1);
	vaddr_t va = checkva(L, 2);
	uint64_t size = checksize(L, 3);
	uint64_t seed = (uint64_t)luaL_checkinteger(L, 4);
	uint64_t origin = (uint64_t)luaL_optinteger(L, 5, 0);
	unsigned char *buf = lua_newuserdatauv(L,
	    (size_t)MIN((uint64_t)CHUNK, size), 0);
	char who[64];
	bool ok = true;

	uint64_t done;
	int error = 0;

	snprintf(who, sizeof(who), "%s (pid %d)", sp->name, sp->pid);
	/* The whole loop outside the interpreter (buf is on the stack). */
	proc_in(L, sp);
	for (done = 0; done < size && ok && error == 0;) {
		size_t n = (size_t)MIN((uint64_t)CHUNK, size - done);

		error = copyin_vmspace(sp->p->p_vmspace,
		    (const void *)(va + done), buf, n);
		if (error == 0) {
			ok = pattern_check(buf, seed, va + done - origin,
			    origin, n, who, "address");
			done += n;
		}
		uvmsim_tick();
	}
	proc_out(sp);
	if (error)
		return uerror(L, error, "%s: verify at %#lx", sp->name,
		    (unsigned long)(va + done));
	lua_pushboolean(L, ok);
	return 1;
}

/* proc:check(): the map's invariants. */
static int
p_check(lua_State *L)
{
	struct sproc *sp = checkproc(L, 1);
	const char *why;

	proc_in(L, sp);
	why = uvm_map_check(procmap(sp));
	proc_out(sp);
	if (why != NULL) {
		pthread_mutex_lock(&report_lock);
		uvmsim_progress_clear();
		fprintf(stderr, "uvmsim: %s (pid %d): map invariant violated:"
		    " %s\n", sp->name, sp->pid, why);
		uvmsim.failures++;
		pthread_mutex_unlock(&report_lock);
	}
	lua_pushboolean(L, why == NULL);
	return 1;
}

/* proc:pmap([verbose]): the map listing on stdout. */
static int
p_pmap(lua_State *L)
{
	struct sproc *sp = checkproc(L, 1);
	bool verbose = lua_toboolean(L, 2);

	proc_hold(L, sp);
	uvmsim_progress_clear();
	uvmsim_pmap(stdout, procmap(sp), sp->name, sp->pid, verbose);
	proc_unhold(sp);
	return 0;
}

/* proc:entries(): the map as a list of tables (for scripts to check). */
static int
p_entries(lua_State *L)
{
	struct sproc *sp = checkproc(L, 1);
	struct vm_map *map;
	struct vm_map_entry *e;
	int i = 1;

	lua_newtable(L);
	proc_hold(L, sp);
	map = procmap(sp);
	vm_map_lock_read(map);
	for (e = map->header.next; e != &map->header; e = e->next) {
		lua_createtable(L, 0, 8);
		lua_pushinteger(L, (lua_Integer)e->start);
		lua_setfield(L, -2, "start");
		lua_pushinteger(L, (lua_Integer)e->end);
		lua_setfield(L, -2, "end");
		lua_pushinteger(L, e->protection);
		lua_setfield(L, -2, "prot");
		lua_pushinteger(L, e->max_protection);
		lua_setfield(L, -2, "maxprot");
		lua_pushinteger(L, e->wired_count);
		lua_setfield(L, -2, "wired");
		lua_pushstring(L, e->inheritance == MAP_INHERIT_SHARE ? "share" :
		    e->inheritance == MAP_INHERIT_COPY ? "copy" :
		    e->inheritance == MAP_INHERIT_NONE ? "none" : "zero");
		lua_setfield(L, -2, "inherit");
		lua_pushboolean(L, UVM_ET_ISCOPYONWRITE(e));
		lua_setfield(L, -2, "cow");
		lua_pushboolean(L, UVM_ET_ISNEEDSCOPY(e));
		lua_setfield(L, -2, "needscopy");
		lua_rawseti(L, -2, i++);
	}
	vm_map_unlock_read(map);
	proc_unhold(sp);
	return 1;
}

static int
p_index(lua_State *L)
{
	struct sproc **spp = luaL_checkudata(L, 1, "uvm.proc");
	struct sproc *sp = *spp;
	const char *k = luaL_checkstring(L, 2);
	bool alive = sp->p != NULL && !sp->b.gone;

	if (strcmp(k, "pid") == 0)
		lua_pushinteger(L, sp->pid);
	else if (strcmp(k, "name") == 0)
		lua_pushstring(L, sp->name);
	else if (strcmp(k, "alive") == 0)
		lua_pushboolean(L, alive);
	else if (strcmp(k, "size") == 0) {
		vsize_t size = 0;

		if (alive) {
			proc_hold(L, sp);
			size = procmap(sp)->size;
			proc_unhold(sp);
		}
		lua_pushinteger(L, (lua_Integer)size);
	} else {
		luaL_getmetatable(L, "uvm.proc");
		lua_getfield(L, -1, "methods");
		lua_getfield(L, -1, k);
	}
	return 1;
}

static int
p_tostring(lua_State *L)
{
	struct sproc **spp = luaL_checkudata(L, 1, "uvm.proc");

	lua_pushfstring(L, "%s (pid %d)", (*spp)->name, (*spp)->pid);
	return 1;
}

static int	p_loan(lua_State *);

static const luaL_Reg proc_methods[] = {
	{ "fork", p_fork },
	{ "exec", p_exec },
	{ "exit", p_exit },
	{ "map", p_map },
	{ "unmap", p_unmap },
	{ "protect", p_protect },
	{ "inherit", p_inherit },
	{ "advise", p_advise },
	{ "wire", p_wire },
	{ "unwire", p_unwire },
	{ "write", p_write },
	{ "read", p_read },
	{ "fill", p_fill },
	{ "verify", p_verify },
	{ "check", p_check },
	{ "pmap", p_pmap },
	{ "entries", p_entries },
	{ "loan", p_loan },
	{ NULL, NULL },
};

/* ---------------------------------------------------------------------
 * Files, through the vnode layer and UBC.
 */

static void
hostpath(char *buf, size_t len, const char *path)
{
	if (path[0] == '/' || uvmsim.tmpdir == NULL)
		snprintf(buf, len, "%s", path);
	else
		snprintf(buf, len, "%s/%s", uvmsim.tmpdir, path);
}

static struct sfile *
checkfile(lua_State *L, int idx)
{
	struct sfile **sfp = luaL_checkudata(L, idx, "uvm.file");

	if ((*sfp)->vp == NULL || (*sfp)->b.gone)
		luaL_error(L, "file %s is closed", (*sfp)->path);
	return *sfp;
}

/* As proc_enter, for work on a file's vnode. */
static void
file_enter(lua_State *L, struct sfile *sf, enum vm_mode mode, bool keep)
{
	int error = vm_enter(&sf->b, NULL, mode, keep);

	if (error == ECANCELED)
		stopped(L);
	if (error != 0)
		luaL_error(L, "file %s is closed", sf->path);
}

#define file_in(L, sf)		file_enter((L), (sf), VM_SHARED, false)
#define file_out(sf)		vm_exit(&(sf)->b, VM_SHARED, false)

/*
 * uvm.open(path [, mode]): mode letters r (read), w (write), c (create),
 * t (truncate); default "rwc".  Relative paths are in the run's
 * temporary directory.
 */
static int
l_open(lua_State *L)
{
	const char *path = luaL_checkstring(L, 1);
	const char *mode = luaL_optstring(L, 2, "rwc");
	struct sfile *sf, **sfp;
	char host[1024];
	int flags = 0, error;
	struct vnode *vp;

	for (const char *c = mode; *c; c++) {
		switch (*c) {
		case 'r': flags |= VN_READ; break;
		case 'w': flags |= VN_WRITE; break;
		case 'c': flags |= VN_CREAT; break;
		case 't': flags |= VN_TRUNC; break;
		default:
			return luaL_argerror(L, 2, "mode letters are r, w, c, t");
		}
	}
	hostpath(host, sizeof(host), path);
	vm_in(L);
	error = vn_open(host, flags, &vp);
	vm_out();
	if (error)
		return uerror(L, error, "open %s", path);
	sf = calloc(1, sizeof(*sf));
	if (sf == NULL) {
		vrele(vp);
		return luaL_error(L, "out of host memory");
	}
	sf->vp = vp;
	snprintf(sf->path, sizeof(sf->path), "%s", path);
	sf->next = allfiles;
	allfiles = sf;
	sfp = lua_newuserdatauv(L, sizeof(*sfp), 0);
	*sfp = sf;
	luaL_setmetatable(L, "uvm.file");
	return 1;
}

static int
file_io(struct sfile *sf, enum uio_rw rw, void *buf, size_t n, off_t off,
    size_t *resid)
{
	struct iovec iov = { .iov_base = buf, .iov_len = n };
	struct uio uio = {
		.uio_iov = &iov, .uio_iovcnt = 1, .uio_offset = off,
		.uio_resid = n, .uio_rw = rw,
	};
	int error;

	UIO_SETUP_SYSSPACE(&uio);
	error = rw == UIO_READ ? vn_read(sf->vp, &uio, 0) :
	    vn_write(sf->vp, &uio, 0);
	*resid = uio.uio_resid;
	return error;
}

/* file:write(offset, string) */
static int
f_write(lua_State *L)
{
	struct sfile *sf = checkfile(L, 1);
	lua_Integer off = luaL_checkinteger(L, 2);
	size_t n, resid;
	const char *s = luaL_checklstring(L, 3, &n);
	int error;

	file_in(L, sf);
	error = file_io(sf, UIO_WRITE, (void *)(uintptr_t)s, n, (off_t)off,
	    &resid);
	uvmsim_tick();
	file_out(sf);
	if (error)
		return uerror(L, error, "%s: write at %jd", sf->path,
		    (intmax_t)off);
	return 0;
}

/* file:read(offset, n) -> string (shorter at the end of the file) */
static int
f_read(lua_State *L)
{
	struct sfile *sf = checkfile(L, 1);
	lua_Integer off = luaL_checkinteger(L, 2);
	size_t n = (size_t)checksize(L, 3), resid;
	luaL_Buffer b;
	char *buf = luaL_buffinitsize(L, &b, n);
	int error;

	file_in(L, sf);
	error = file_io(sf, UIO_READ, buf, n, (off_t)off, &resid);
	uvmsim_tick();
	file_out(sf);
	if (error)
		return uerror(L, error, "%s: read at %jd", sf->path,
		    (intmax_t)off);
	luaL_pushresultsize(&b, n - resid);
	return 1;
}

/* file:fill(offset, size, seed) and file:verify(offset, size, seed) */
static int
f_fill(lua_State *L)
{
	struct sfile *sf = checkfile(L, 1);
	uint64_t off = (uint64_t)luaL_checkinteger(L, 2);
	uint64_t size = checksize(L, 3);
	uint64_t seed = (uint64_t)luaL_checkinteger(L, 4);
	unsigned char *buf = lua_newuserdatauv(L,
	    (size_t)MIN((uint64_t)CHUNK, size), 0);
	uint64_t done;
	int error = 0;

	file_in(L, sf);
	for (done = 0; done < size && error == 0;) {
		size_t n = (size_t)MIN((uint64_t)CHUNK, size - done), resid;

		pattern_fill(buf, seed, off + done, n);
		error = file_io(sf, UIO_WRITE, buf, n, (off_t)(off + done),
		    &resid);
		if (error == 0)
			done += n;
		uvmsim_tick();
	}
	file_out(sf);
	if (error)
		return uerror(L, error, "%s: fill at %" PRIu64, sf->path,
		    off + done);
	return 0;
}

static int
f_verify(lua_State *L)
{
	struct sfile *sf = checkfile(L, 1);
	uint64_t off = (uint64_t)luaL_checkinteger(L, 2);
	uint64_t size = checksize(L, 3);
	uint64_t seed = (uint64_t)luaL_checkinteger(L, 4);
	unsigned char *buf = lua_newuserdatauv(L,
	    (size_t)MIN((uint64_t)CHUNK, size), 0);
	char who[300];
	bool ok = true;
	uint64_t done;
	int error = 0;

	snprintf(who, sizeof(who), "file %s", sf->path);
	file_in(L, sf);
	for (done = 0; done < size && ok && error == 0;) {
		size_t n = (size_t)MIN((uint64_t)CHUNK, size - done), resid;

		error = file_io(sf, UIO_READ, buf, n, (off_t)(off + done),
		    &resid);
		if (error != 0)
			break;
		if (resid != 0) {
			pthread_mutex_lock(&report_lock);
			uvmsim_progress_clear();
			fprintf(stderr, "uvmsim: verification failed: file %s"
			    " ends at %" PRIu64 ", before %" PRIu64 "\n",
			    sf->path, off + done + n - resid, off + size);
			uvmsim.failures++;
			pthread_mutex_unlock(&report_lock);
			ok = false;
			break;
		}
		ok = pattern_check(buf, seed, off + done, 0, n, who, "offset");
		done += n;
		uvmsim_tick();
	}
	file_out(sf);
	if (error)
		return uerror(L, error, "%s: verify at %" PRIu64, sf->path,
		    off + done);
	lua_pushboolean(L, ok);
	return 1;
}

static int
f_truncate(lua_State *L)
{
	struct sfile *sf = checkfile(L, 1);
	lua_Integer len = luaL_checkinteger(L, 2);
	int error;

	luaL_argcheck(L, len >= 0, 2, "negative length");
	file_in(L, sf);
	error = vn_truncate(sf->vp, (voff_t)len);
	uvmsim_tick();
	file_out(sf);
	if (error)
		return uerror(L, error, "%s: truncate", sf->path);
	return 0;
}

static int
f_sync(lua_State *L)
{
	struct sfile *sf = checkfile(L, 1);
	int error;

	file_in(L, sf);
	error = vn_fsync(sf->vp);
	uvmsim_tick();
	file_out(sf);
	if (error)
		return uerror(L, error, "%s: fsync", sf->path);
	return 0;
}

static int
f_size(lua_State *L)
{
	struct sfile *sf = checkfile(L, 1);
	voff_t size;

	file_in(L, sf);
	size = vn_size(sf->vp);
	file_out(sf);
	lua_pushinteger(L, (lua_Integer)size);
	return 1;
}

/* file:close(): drop the reference; mappings keep their own. */
static int
f_close(lua_State *L)
{
	struct sfile *sf = checkfile(L, 1);
	struct vnode *vp = sf->vp;

	file_enter(L, sf, VM_GONE, false);
	vrele(vp);
	vm_exit(&sf->b, VM_GONE, false);
	sf->vp = NULL;
	return 0;
}

/* file:stats() -> table of the vnode's I/O counters */
static int
f_stats(lua_State *L)
{
	struct sfile *sf = checkfile(L, 1);
	struct vnode *vp = sf->vp;

	file_enter(L, sf, VM_SHARED, true);
	lua_createtable(L, 0, 7);
	lua_pushinteger(L, (lua_Integer)vp->v_nreadio);
	lua_setfield(L, -2, "readio");
	lua_pushinteger(L, (lua_Integer)vp->v_nasyncio);
	lua_setfield(L, -2, "asyncio");
	lua_pushinteger(L, (lua_Integer)vp->v_nwriteio);
	lua_setfield(L, -2, "writeio");
	lua_pushinteger(L, (lua_Integer)vp->v_nasyncwio);
	lua_setfield(L, -2, "asyncwio");
	lua_pushinteger(L, (lua_Integer)vp->v_npagesread);
	lua_setfield(L, -2, "pagesread");
	lua_pushinteger(L, (lua_Integer)vp->v_npageswritten);
	lua_setfield(L, -2, "pageswritten");
	lua_pushinteger(L, vp->v_uobj.uo_npages);
	lua_setfield(L, -2, "resident");
	vm_exit(&sf->b, VM_SHARED, true);
	return 1;
}

static const luaL_Reg file_methods[] = {
	{ "write", f_write },
	{ "read", f_read },
	{ "fill", f_fill },
	{ "verify", f_verify },
	{ "truncate", f_truncate },
	{ "sync", f_sync },
	{ "size", f_size },
	{ "close", f_close },
	{ "stats", f_stats },
	{ NULL, NULL },
};


/* ---------------------------------------------------------------------
 * Loans to the kernel (uvm_loan(9), UVM_LOAN_TOPAGE): the borrower
 * reads the lent pages through the direct map.
 */

struct sloan {
	struct vm_page	**pgs;		/* NULL once returned */
	int		npages;
	vaddr_t		va;		/* where they were lent from */
	char		who[48];
	struct sloan	*next;
};

static struct sloan *allloans;

static struct sloan *
checkloan(lua_State *L, int idx)
{
	struct sloan **slp = luaL_checkudata(L, idx, "uvm.loan");

	if ((*slp)->pgs == NULL)
		luaL_error(L, "the loan from %s is returned", (*slp)->who);
	return *slp;
}

static void
loan_return(struct sloan *sl)
{
	if (sl->pgs == NULL)
		return;
	uvm_unloan(sl->pgs, sl->npages, UVM_LOAN_TOPAGE);
	free(sl->pgs);
	sl->pgs = NULL;
}

/* proc:loan(va, size) -> loan of the pages to the kernel */
static int
p_loan(lua_State *L)
{
	struct sproc *sp = checkproc(L, 1);
	struct sloan *sl, **slp;
	vaddr_t va, end;
	int error;

	getrange(L, &va, &end);
	sl = calloc(1, sizeof(*sl));
	if (sl == NULL)
		return luaL_error(L, "out of host memory");
	sl->npages = (int)((end - va) >> PAGE_SHIFT);
	sl->pgs = calloc((size_t)sl->npages, sizeof(*sl->pgs));
	if (sl->pgs == NULL) {
		free(sl);
		return luaL_error(L, "out of host memory");
	}
	if ((error = vm_enter(&sp->b, sp, VM_SHARED, false)) != 0) {
		free(sl->pgs);
		free(sl);
		if (error == ECANCELED)
			return stopped(L);
		return luaL_error(L, "process %s (pid %d) has exited",
		    sp->name, sp->pid);
	}
	error = uvm_loan(procmap(sp), va, end - va, sl->pgs, UVM_LOAN_TOPAGE);
	uvmsim_tick();
	proc_out(sp);
	if (error) {
		free(sl->pgs);
		free(sl);
		return uerror(L, error, "%s: loan %#lx", sp->name,
		    (unsigned long)va);
	}
	sl->va = va;
	snprintf(sl->who, sizeof(sl->who), "%s (pid %d)", sp->name, sp->pid);
	sl->next = allloans;
	allloans = sl;
	slp = lua_newuserdatauv(L, sizeof(*slp), 0);
	*slp = sl;
	luaL_setmetatable(L, "uvm.loan");
	return 1;
}

/* Copy n bytes at offset off of the lent range out of the pages. */
static void
loan_copy(struct sloan *sl, uint64_t off, unsigned char *buf, size_t n)
{
	while (n > 0) {
		struct vm_page *pg = sl->pgs[off >> PAGE_SHIFT];
		size_t po = (size_t)(off & PAGE_MASK);
		size_t k = MIN(n, (size_t)PAGE_SIZE - po);

		memcpy(buf, (char *)PMAP_DIRECT_MAP(VM_PAGE_TO_PHYS(pg)) + po,
		    k);
		buf += k;
		off += k;
		n -= k;
	}
}

static void
loan_checkrange(lua_State *L, struct sloan *sl, uint64_t off, uint64_t n)
{
	if (off + n < off || off + n > (uint64_t)sl->npages << PAGE_SHIFT)
		luaL_error(L, "loan: [%" PRIu64 ", +%" PRIu64 ") is outside"
		    " the %d lent pages", off, n, sl->npages);
}

/* loan:read(offset, n) -> string */
static int
ln_read(lua_State *L)
{
	struct sloan *sl = checkloan(L, 1);
	uint64_t off = (uint64_t)luaL_checkinteger(L, 2);
	size_t n = (size_t)checksize(L, 3);
	luaL_Buffer b;
	char *buf;

	loan_checkrange(L, sl, off, n);
	buf = luaL_buffinitsize(L, &b, n);
	loan_copy(sl, off, (unsigned char *)buf, n);
	luaL_pushresultsize(&b, n);
	return 1;
}

/* loan:verify(seed [, origin]): the lent bytes hold the pattern. */
static int
ln_verify(lua_State *L)
{
	struct sloan *sl = checkloan(L, 1);
	uint64_t seed = (uint64_t)luaL_checkinteger(L, 2);
	uint64_t origin = (uint64_t)luaL_optinteger(L, 3, 0);
	size_t n = (size_t)sl->npages << PAGE_SHIFT;
	unsigned char *buf = lua_newuserdatauv(L, n, 0);
	char who[80];

	snprintf(who, sizeof(who), "loan from %s", sl->who);
	loan_copy(sl, 0, buf, n);
	lua_pushboolean(L, pattern_check(buf, seed, sl->va - origin, origin,
	    n, who, "address"));
	return 1;
}

static int
ln_release(lua_State *L)
{
	struct sloan *sl = checkloan(L, 1);
	struct vm_page **pgs = sl->pgs;

	/* Returned as far as the other threads can see. */
	sl->pgs = NULL;
	if (vm_enter(NULL, NULL, VM_SHARED, false) != 0) {
		sl->pgs = pgs;
		return stopped(L);
	}
	uvm_unloan(pgs, sl->npages, UVM_LOAN_TOPAGE);
	vm_out();
	free(pgs);
	return 0;
}

static int
ln_npages(lua_State *L)
{
	lua_pushinteger(L, checkloan(L, 1)->npages);
	return 1;
}

static const luaL_Reg loan_methods[] = {
	{ "read", ln_read },
	{ "verify", ln_verify },
	{ "release", ln_release },
	{ "npages", ln_npages },
	{ NULL, NULL },
};

/* ---------------------------------------------------------------------
 * The machine.
 */

/* uvm.swapon(path, size [, priority]) */
static int
l_swapon(lua_State *L)
{
	const char *path = luaL_checkstring(L, 1);
	uint64_t size = checksize(L, 2);
	int prio = (int)luaL_optinteger(L, 3, 0);
	char host[1024];
	int error;

	hostpath(host, sizeof(host), path);
	vm_in(L);
	error = uvm_swap_on(host, (off_t)size, prio);
	uvmsim_tick();
	vm_out();
	if (error)
		return uerror(L, error, "swapon %s", path);
	return 0;
}

/* uvm.swapoff(path): swapctl(SWAP_OFF); pages in use come back first. */
static int
l_swapoff(lua_State *L)
{
	const char *path = luaL_checkstring(L, 1);
	char host[1024];
	register_t rv;
	int error;

	hostpath(host, sizeof(host), path);
	vm_in(L);
	error = uvm_swapctl(SWAP_OFF, host, 0, &rv);
	uvmsim_tick();
	vm_out();
	if (error)
		return uerror(L, error, "swapoff %s", path);
	return 0;
}

/* uvm.swapctl_l(): print; uvm.swaps(): the same as a list of tables */
static int
l_swapctl_l(lua_State *L)
{
	(void)L;
	fflush(stdout);
	uvmsim_progress_clear();
	uvmsim_swapctl_l(stdout);
	return 0;
}

static int
l_swaps(lua_State *L)
{
	int n = uvmexp.nswapdev;
	struct swapent *se = lua_newuserdatauv(L,
	    sizeof(*se) * (size_t)(n > 0 ? n : 1), 0);
	register_t got = 0;

	if (n > 0)
		uvm_swapctl(SWAP_STATS, se, n, &got);
	lua_createtable(L, (int)got, 0);
	for (int i = 0; i < (int)got; i++) {
		lua_createtable(L, 0, 5);
		lua_pushstring(L, se[i].se_path);
		lua_setfield(L, -2, "path");
		lua_pushinteger(L, se[i].se_nblks);
		lua_setfield(L, -2, "nblks");
		lua_pushinteger(L, se[i].se_inuse);
		lua_setfield(L, -2, "inuse");
		lua_pushinteger(L, se[i].se_priority);
		lua_setfield(L, -2, "priority");
		lua_pushboolean(L, (se[i].se_flags & SWF_ENABLE) != 0);
		lua_setfield(L, -2, "enabled");
		lua_rawseti(L, -2, i + 1);
	}
	return 1;
}

/*
 * uvm.sysctl(name): the value of vm.uvmexp.<field>; uvm.sysctl() a
 * table of them all.
 */
static int
l_sysctl(lua_State *L)
{
	const struct uvmsim_field *f;
	const char *name;

	if (lua_isnoneornil(L, 1)) {
		lua_newtable(L);
		for (f = uvmsim_fields; f->name; f++) {
			lua_pushinteger(L, uvmsim_field_value(f));
			lua_setfield(L, -2, f->name);
		}
		return 1;
	}
	name = luaL_checkstring(L, 1);
	if (strncmp(name, "vm.uvmexp.", 10) != 0 ||
	    (f = uvmsim_field(name + 10)) == NULL)
		return luaL_error(L, "sysctl: unknown name \"%s\" (names are"
		    " vm.uvmexp.<field>, see `sysctl vm')", name);
	lua_pushinteger(L, uvmsim_field_value(f));
	return 1;
}

static int
l_sysctl_vm(lua_State *L)
{
	(void)L;
	fflush(stdout);
	uvmsim_progress_clear();
	uvmsim_sysctl_vm(stdout);
	return 0;
}

static int
l_vmstat_s(lua_State *L)
{
	(void)L;
	fflush(stdout);
	uvmsim_progress_clear();
	uvmsim_vmstat_s(stdout);
	return 0;
}

static int
l_vmstat(lua_State *L)
{
	uvmsim_progress_clear();
	uvmsim_vmstat_line(stdout, lua_toboolean(L, 1));
	return 0;
}

/* uvm.check(): every invariant checker of the machine. */
static int
l_check(lua_State *L)
{
	const char *why;

	if (cur_thread != NULL)
		return luaL_error(L, "uvm.check: the machine is not quiescent"
		    " inside a thread of uvm.run; check after the run");
	vm_in(L);
	if ((why = uvm_page_check()) == NULL &&
	    (why = uvm_map_check(kernel_map)) == NULL)
		why = uvm_swap_check();
	if (why == NULL)
		why = uvm_pdaemon_check(false);
	vm_out();
	if (why != NULL) {
		pthread_mutex_lock(&report_lock);
		uvmsim_progress_clear();
		fprintf(stderr, "uvmsim: invariant violated: %s\n", why);
		uvmsim.failures++;
		pthread_mutex_unlock(&report_lock);
	}
	lua_pushboolean(L, why == NULL);
	return 1;
}

/* uvm.say(fmt, ...): a line of narrative (string.format), unless -q. */
static int
l_say(lua_State *L)
{
	int n = lua_gettop(L);

	lua_getglobal(L, "string");
	lua_getfield(L, -1, "format");
	lua_insert(L, 1);
	lua_pop(L, 1);
	lua_call(L, n, 1);
	if (!uvmsim.quiet) {
		uvmsim_progress_clear();
		printf("%s\n", lua_tostring(L, -1));
	}
	return 0;
}

/*
 * uvm.step([n]): n passes of the pagedaemon in this thread
 * (uvm_pageout_step()); returns the pages they freed.
 */
static int
l_step(lua_State *L)
{
	lua_Integer n = luaL_optinteger(L, 1, 1), freed = 0;

	luaL_argcheck(L, n >= 0, 1, "negative count");
	vm_in(L);
	while (n-- > 0)
		freed += uvm_pageout_step();
	uvmsim_tick();
	vm_out();
	lua_pushinteger(L, freed);
	return 1;
}

static int
l_sample(lua_State *L)
{
	(void)L;
	uvmsim_sample_now();
	return 0;
}

static int
l_tick(lua_State *L)
{
	(void)L;
	uvmsim_tick();
	return 0;
}

static int
l_failures(lua_State *L)
{
	int n;

	pthread_mutex_lock(&report_lock);
	n = uvmsim.failures;
	pthread_mutex_unlock(&report_lock);
	lua_pushinteger(L, n);
	return 1;
}

/* uvm.random(n): 0 .. n-1 from the machine's seeded cprng_fast(). */
static int
l_random(lua_State *L)
{
	lua_Integer n = luaL_checkinteger(L, 1);

	luaL_argcheck(L, n > 0, 1, "must be positive");
	lua_pushinteger(L, (lua_Integer)(cprng_fast64() % (uint64_t)n));
	return 1;
}

static int
l_size(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)checksize(L, 1));
	return 1;
}

/* uvm.pattern(seed, va): the byte fill/verify expect there. */
static int
l_pattern(lua_State *L)
{
	lua_pushinteger(L, pattern((uint64_t)luaL_checkinteger(L, 1),
	    (uint64_t)luaL_checkinteger(L, 2)));
	return 1;
}

static const luaL_Reg uvm_funcs[] = {
	{ "spawn", l_spawn },
	{ "open", l_open },
	{ "swapon", l_swapon },
	{ "swapoff", l_swapoff },
	{ "swapctl_l", l_swapctl_l },
	{ "swaps", l_swaps },
	{ "sysctl", l_sysctl },
	{ "sysctl_vm", l_sysctl_vm },
	{ "vmstat_s", l_vmstat_s },
	{ "vmstat", l_vmstat },
	{ "check", l_check },
	{ "say", l_say },
	{ "sample", l_sample },
	{ "tick", l_tick },
	{ "failures", l_failures },
	{ "random", l_random },
	{ "size", l_size },
	{ "pattern", l_pattern },
	{ "step", l_step },
	{ NULL, NULL },
};

/* print(): the base library's, after erasing the progress line. */
static int
l_print(lua_State *L)
{
	uvmsim_progress_clear();
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 0);
	return 0;
}

/*
 * uvm.run in coroutines mode: the function run_lua returns, called with
 * the bodies; round-robin until all return.
 */
static const char run_lua[] =
    "local uvm = ...\n"
    "return function(...)\n"
    "  local live = {}\n"
    "  for i, f in ipairs({...}) do live[i] = coroutine.create(f) end\n"
    "  while #live > 0 do\n"
    "    local next = {}\n"
    "    for _, co in ipairs(live) do\n"
    "      local ok, err = coroutine.resume(co)\n"
    "      if not ok then error(err, 0) end\n"
    "      if coroutine.status(co) ~= 'dead' then next[#next + 1] = co end\n"
    "      uvm.tick()\n"
    "    end\n"
    "    live = next\n"
    "  end\n"
    "end\n";

/* The message of the error object at the top of L's stack. */
static const char *
errmsg(lua_State *L)
{
	if (lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER)
		return lua_tostring(L, -1);
	return lua_pushfstring(L, "(error object is a %s value)",
	    luaL_typename(L, -1));
}

/*
 * The count hook of a thread's Lua code: stop if another thread of the
 * run failed, and let waiting threads have the interpreter.
 */
static void
thread_hook(lua_State *L, lua_Debug *ar)
{
	struct sthread *th = cur_thread;

	(void)ar;
	if (th == NULL)		/* a coroutine of a thread, resumed on main */
		return;
	if (cancelled(th))
		stopped(L);
	ilk_yield();
}

/*
 * A thread of uvm.run: resume the body until it returns; each
 * coroutine.yield() of the body lets the other threads have the
 * interpreter.  An error is kept for the run to raise, and stops the
 * other threads at their next call into the module or hook.
 */
static void *
thread_main(void *arg)
{
	struct sthread *th = arg;
	lua_State *T = th->L;
	int status, nres;

	cur_thread = th;
	kern_lwp_bind(th->l);
	ilk_take();
	lua_sethook(T, thread_hook, LUA_MASKCOUNT, HOOK_COUNT);
	for (;;) {
		status = lua_resume(T, NULL, 0, &nres);
		if (status != LUA_YIELD)
			break;
		lua_pop(T, nres);
		ilk_yield();
	}
	if (status != LUA_OK) {
		th->error = strdup(errmsg(T));
		if (th->error == NULL)
			abort();
		pthread_mutex_lock(&ilk_mtx);
		th->run->cancel = true;
		pthread_cond_broadcast(&ilk_cv);
		pthread_mutex_unlock(&ilk_mtx);
	}
	lua_settop(T, 0);
	ilk_give();
	kern_lwp_bind(NULL);
	cur_thread = NULL;
	return NULL;
}

/*
 * uvm.run in threads mode: the n functions at first.. of L's stack,
 * each on a host thread of its own; returns when all have returned.
 * Raises the first error of a thread (not one that only stopped because
 * of it), prefixed with the thread and the process it was working on.
 */
static int
run_threads(lua_State *L, int first, int n)
{
	struct srun run = { .n = n, .cancel = false,
	    .parent = cur_thread != NULL ? cur_thread->run : NULL };
	struct sthread *th;
	struct sproc *sp;
	int started = 0, error = 0;
	char *msg = NULL;

	run.th = calloc((size_t)n, sizeof(*run.th));
	if (run.th == NULL)
		return luaL_error(L, "out of host memory");
	for (int i = 0; i < n; i++) {
		th = &run.th[i];
		th->run = &run;
		th->index = i + 1;
		snprintf(th->name, sizeof(th->name), "thread%d", i + 1);
		th->L = lua_newthread(L);
		th->ref = luaL_ref(L, LUA_REGISTRYINDEX);
		lua_pushvalue(L, first + i);
		lua_xmove(L, th->L, 1);
		th->l = lwp_alloc(&proc0, th->name);
		th->l->l_flag |= LW_SYSTEM;
	}
	for (int i = 0; i < n && error == 0; i++) {
		error = pthread_create(&run.th[i].tid, NULL, thread_main,
		    &run.th[i]);
		if (error == 0)
			started++;
		else
			run.cancel = true;
	}

	ilk_give();
	for (int i = 0; i < started; i++)
		pthread_join(run.th[i].tid, NULL);
	ilk_take();

	/* The threads' lwps go with them. */
	for (sp = allprocs; sp != NULL; sp = sp->next) {
		struct slwp **sp_l = &sp->lwps, *s;

		while ((s = *sp_l) != NULL) {
			if (s->owner->run == &run) {
				*sp_l = s->next;
				lwp_free(s->l);
				free(s);
			} else
				sp_l = &s->next;
		}
	}
	for (int i = 0; i < n; i++) {
		th = &run.th[i];
		lwp_free(th->l);
		luaL_unref(L, LUA_REGISTRYINDEX, th->ref);
		if (msg == NULL && th->error != NULL && !th->stopped) {
			msg = th->error;
			th->error = NULL;
			lua_pushfstring(L, "thread %d", th->index);
			if (th->pid != 0)
				lua_pushfstring(L, " (%s, pid %d)", th->proc,
				    th->pid);
			else
				lua_pushliteral(L, "");
			lua_pushfstring(L, ": %s", msg);
			lua_concat(L, 3);
			free(msg);
		}
		free(th->error);
	}
	free(run.th);
	if (msg != NULL)
		return lua_error(L);
	if (error != 0)
		return uerror(L, error, "run: cannot start thread %d",
		    started + 1);
	return 0;
}

static const char *const procs_names[] = { "coroutines", "threads", NULL };

/*
 * uvm.run(f1, f2, ...) or uvm.run{f1, f2, ..., procs = "threads" or
 * "coroutines"}: run the process bodies the machine's way (--procs) or
 * the way procs= says, until all return.  Upvalue 1: the coroutine
 * runner.
 */
static int
l_run(lua_State *L)
{
	bool threads = uvmsim.threads;
	int first = 1, n = lua_gettop(L);

	if (n >= 1 && lua_type(L, 1) == LUA_TTABLE) {
		int m = (int)luaL_len(L, 1), i;

		lua_getfield(L, 1, "procs");
		if (!lua_isnil(L, -1)) {
			const char *v = lua_tostring(L, -1);

			for (i = 0; procs_names[i] != NULL; i++)
				if (v != NULL && strcmp(v, procs_names[i]) == 0)
					break;
			if (procs_names[i] == NULL)
				return luaL_error(L, "run: procs = %s: must be"
				    " \"threads\" or \"coroutines\"",
				    luaL_tolstring(L, -1, NULL));
			threads = i == 1;
		}
		lua_pop(L, 1);
		/* The table's functions, then any after it. */
		luaL_checkstack(L, m, "too many bodies");
		for (i = 1; i <= m; i++)
			lua_rawgeti(L, 1, i);
		for (i = 2; i <= n; i++)
			lua_pushvalue(L, i);
		first = n + 1;
		n = m + n - 1;
	}
	for (int i = first; i < first + n; i++)
		if (lua_type(L, i) != LUA_TFUNCTION)
			return luaL_error(L, "run: body %d is a %s, not a"
			    " function", i - first + 1, luaL_typename(L, i));
	if (threads)
		return run_threads(L, first, n);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, first);
	lua_call(L, n, 0);
	return 0;
}

int
luaopen_uvm(lua_State *L)
{
	const struct uvm_machine *m = uvm_machine_current();

	/* The interpreter's thread holds the lock until the cleanup. */
	if (!ilk_main) {
		ilk_take();
		ilk_main = true;
	}

	luaL_newmetatable(L, "uvm.proc");
	lua_pushcfunction(L, p_index);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, p_tostring);
	lua_setfield(L, -2, "__tostring");
	luaL_newlib(L, proc_methods);
	lua_setfield(L, -2, "methods");
	lua_pop(L, 1);

	luaL_newmetatable(L, "uvm.file");
	luaL_newlib(L, file_methods);
	lua_setfield(L, -2, "__index");
	lua_pop(L, 1);

	luaL_newmetatable(L, "uvm.loan");
	luaL_newlib(L, loan_methods);
	lua_setfield(L, -2, "__index");
	lua_pop(L, 1);

	luaL_newlib(L, uvm_funcs);
	lua_createtable(L, 0, 8);
	lua_pushinteger(L, (lua_Integer)uvmexp.npages * uvmexp.pagesize);
	lua_setfield(L, -2, "ram");
	lua_pushinteger(L, uvmexp.pagesize);
	lua_setfield(L, -2, "pagesize");
	lua_pushinteger(L, uvmexp.npages);
	lua_setfield(L, -2, "npages");
	if (m != NULL) {
		lua_pushstring(L, m->m_pmap);
		lua_setfield(L, -2, "pmap");
		lua_pushstring(L, m->m_policy);
		lua_setfield(L, -2, "policy");
		lua_pushstring(L, m->m_daemon == UVM_DAEMON_THREADED ?
		    "threaded" : "stepped");
		lua_setfield(L, -2, "daemon");
		lua_pushinteger(L, (lua_Integer)m->m_seed);
		lua_setfield(L, -2, "seed");
	}
	lua_pushboolean(L, uvmsim.quiet);
	lua_setfield(L, -2, "quiet");
	lua_pushstring(L, procs_names[uvmsim.threads ? 1 : 0]);
	lua_setfield(L, -2, "procs");
	lua_setfield(L, -2, "machine");
	lua_pushinteger(L, uvmexp.pagesize);
	lua_setfield(L, -2, "pagesize");

	lua_getglobal(L, "print");
	lua_pushcclosure(L, l_print, 1);
	lua_setglobal(L, "print");

	if (luaL_loadbuffer(L, run_lua, sizeof(run_lua) - 1, "=uvm.run") !=
	    LUA_OK)
		return lua_error(L);
	lua_pushvalue(L, -2);
	lua_call(L, 1, 1);
	lua_pushcclosure(L, l_run, 1);
	lua_setfield(L, -2, "run");
	return 1;
}

void
uvmsim_lua_cleanup(void)
{
	struct sproc *sp;
	struct sfile *sf;

	struct sloan *sl;

	while ((sl = allloans) != NULL) {
		allloans = sl->next;
		loan_return(sl);
		free(sl);
	}
	while ((sp = allprocs) != NULL) {
		allprocs = sp->next;
		if (sp->p != NULL)
			proc_destroy(sp, sp->p);
		free(sp);
	}
	while ((sf = allfiles) != NULL) {
		allfiles = sf->next;
		if (sf->vp != NULL)
			vrele(sf->vp);
		free(sf);
	}
	if (ilk_main) {
		ilk_give();
		ilk_main = false;
	}
}
