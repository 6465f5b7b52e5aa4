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
 * uvm.run() runs functions as coroutines, round-robin, each resumed
 * until it returns: a process body that calls coroutine.yield() lets the
 * others run, which interleaves faults of several processes.
 *
 * Locking: everything runs on the interpreter's host thread, as lwp0;
 * UVM does its own locking.
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uvmsim.h"

#define CHUNK	(64 * 1024)	/* bytes per copy between ticks */
#define MAXREPORT 20		/* failed verifications printed in full */

struct sproc {
	struct proc	*p;		/* NULL once exited */
	struct lwp	*l;		/* for exec, made on first use */
	char		name[32];
	int		pid;
	struct sproc	*next;		/* all processes, for cleanup */
};

struct sfile {
	struct vnode	*vp;		/* NULL once closed */
	char		path[256];
	struct sfile	*next;
};

static struct sproc *allprocs;
static struct sfile *allfiles;

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
 * the pattern; report the first
 * difference (and how many bytes differ in this chunk) as `who'.
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
		uvmsim_progress_clear();
		for (size_t i = 0; i < n; i++)
			if (want[i] != buf[i] && bad++ == 0)
				first = i;
		uvmsim.failures++;
		if (uvmsim.failures > MAXREPORT) {
			if (uvmsim.failures == MAXREPORT + 1)
				fprintf(stderr, "uvmsim: more verifications"
				    " failed; only the count is reported\n");
			free(want);
			return false;
		}
		fprintf(stderr, "uvmsim: verification failed: %s: %s %#" PRIx64
		    ": expected 0x%02x, found 0x%02x (pattern %" PRIu64 "; %zu"
		    " of %zu bytes from there differ)\n", who, what,
		    origin + va + first, want[first], buf[first], seed, bad,
		    n);
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

	if (sp->p == NULL)
		luaL_error(L, "process %s (pid %d) has exited", sp->name,
		    sp->pid);
	return sp;
}

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

	if (vm->vm_refcnt != 1)
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

static void
proc_destroy(struct sproc *sp)
{
	if (sp->p == NULL)
		return;
	if (sp->l != NULL)
		lwp_free(sp->l);
	if (sp->p->p_vmspace != NULL) {
		unwire_all(sp->p->p_vmspace);
		uvmspace_free(sp->p->p_vmspace);
	}
	sp->p->p_vmspace = NULL;
	proc_free(sp->p);
	sp->p = NULL;
	sp->l = NULL;
}

/* uvm.spawn(name): a new process with an empty address space. */
static int
l_spawn(lua_State *L)
{
	const char *name = luaL_optstring(L, 1, "proc");
	struct proc *p = proc_alloc(name);

	p->p_vmspace = uvmspace_alloc(VM_MIN_ADDRESS, VM_MAXUSER_ADDRESS,
	    false);
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
	struct proc *p2 = proc_alloc(name);

	uvm_proc_fork(sp->p, p2, shared);
	pushproc(L, p2, name);
	uvmsim_tick();
	return 1;
}

/* proc:exec(): uvmspace_exec over the whole user range. */
static int
p_exec(lua_State *L)
{
	struct sproc *sp = checkproc(L, 1);

	if (sp->l == NULL)
		sp->l = lwp_alloc(sp->p, sp->name);
	unwire_all(sp->p->p_vmspace);
	kern_lwp_bind(sp->l);
	uvmspace_exec(sp->l, VM_MIN_ADDRESS, VM_MAXUSER_ADDRESS);
	kern_lwp_bind(NULL);
	return 0;
}

/* proc:exit(): the address space goes (its last reference frees it). */
static int
p_exit(lua_State *L)
{
	proc_destroy(checkproc(L, 1));
	uvmsim_tick();
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
		vref(sf->vp);
		uobj = &sf->vp->v_uobj;
	} else if (shared) {
		uobj = uao_create((vsize_t)size, 0);
		off = 0;
	}
	error = uvm_map(procmap(sp), &va, (vsize_t)size, uobj, off, 0,
	    UVM_MAPFLAG(prot, maxprot, inh, adv, flags));
	if (error) {
		if (sf != NULL)
			vrele(sf->vp);
		else if (uobj != NULL)
			uao_detach(uobj);
		return uerror(L, error, "%s: map %" PRIu64 " bytes%s", sp->name,
		    size, sf != NULL ? " of a file" : "");
	}
	if (inh_values[inhidx] == MAP_INHERIT_ZERO) {
		error = uvm_map_inherit(procmap(sp), va, va + size,
		    MAP_INHERIT_ZERO);
		if (error)
			return uerror(L, error, "%s: inherit zero", sp->name);
	}
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
	uvm_unmap(procmap(sp), va, end);
	uvmsim_tick();
	return 0;
}

/* proc:protect(va, size, prot [, setmax]) */
static int
p_protect(lua_State *L)
{
	struct sproc *sp = checkproc(L, 1);
	vaddr_t va, end;
	vm_prot_t prot;
	int error;

	getrange(L, &va, &end);
	prot = checkprot(L, 4, NULL);
	error = uvm_map_protect(procmap(sp), va, end, prot,
	    lua_toboolean(L, 5));
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
	error = uvm_map_inherit(procmap(sp), va, end, inh_values[i]);
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
	int error;

	getrange(L, &va, &end);
	error = uvm_map_advice(procmap(sp), va, end,
	    luaL_checkoption(L, 4, NULL, adv_names));
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
	error = uvm_map_pageable(procmap(sp), va, end, pageable, 0);
	if (error)
		return uerror(L, error, "%s: %s %#lx", sp->name,
		    pageable ? "unwire" : "wire", (unsigned long)va);
	uvmsim_tick();
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

	error = copyout_vmspace(sp->p->p_vmspace, s, (void *)va, n);
	if (error)
		return uerror(L, error, "%s: write at %#lx", sp->name,
		    (unsigned long)va);
	uvmsim_tick();
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
	error = copyin_vmspace(sp->p->p_vmspace, (const void *)va, buf, n);
	if (error)
		return uerror(L, error, "%s: read at %#lx", sp->name,
		    (unsigned long)va);
	luaL_pushresultsize(&b, n);
	uvmsim_tick();
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

	for (uint64_t done = 0; done < size;) {
		size_t n = (size_t)MIN((uint64_t)CHUNK, size - done);
		int error;

		pattern_fill(buf, seed, va + done - origin, n);
		error = copyout_vmspace(sp->p->p_vmspace, buf,
		    (void *)(va + done), n);
		if (error)
			return uerror(L, error, "%s: fill at %#lx", sp->name,
			    (unsigned long)(va + done));
		done += n;
		uvmsim_tick();
	}
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

	snprintf(who, sizeof(who), "%s (pid %d)", sp->name, sp->pid);
	for (uint64_t done = 0; done < size && ok;) {
		size_t n = (size_t)MIN((uint64_t)CHUNK, size - done);
		int error;

		error = copyin_vmspace(sp->p->p_vmspace,
		    (const void *)(va + done), buf, n);
		if (error)
			return uerror(L, error, "%s: verify at %#lx", sp->name,
			    (unsigned long)(va + done));
		ok = pattern_check(buf, seed, va + done - origin, origin, n,
		    who, "address");
		done += n;
		uvmsim_tick();
	}
	lua_pushboolean(L, ok);
	return 1;
}

/* proc:check(): the map's invariants. */
static int
p_check(lua_State *L)
{
	struct sproc *sp = checkproc(L, 1);
	const char *why = uvm_map_check(procmap(sp));

	if (why != NULL) {
		uvmsim_progress_clear();
		fprintf(stderr, "uvmsim: %s (pid %d): map invariant violated:"
		    " %s\n", sp->name, sp->pid, why);
		uvmsim.failures++;
	}
	lua_pushboolean(L, why == NULL);
	return 1;
}

/* proc:pmap([verbose]): the map listing on stdout. */
static int
p_pmap(lua_State *L)
{
	struct sproc *sp = checkproc(L, 1);

	uvmsim_progress_clear();
	uvmsim_pmap(stdout, procmap(sp), sp->name, sp->pid,
	    lua_toboolean(L, 2));
	return 0;
}

/* proc:entries(): the map as a list of tables (for scripts to check). */
static int
p_entries(lua_State *L)
{
	struct sproc *sp = checkproc(L, 1);
	struct vm_map *map = procmap(sp);
	struct vm_map_entry *e;
	int i = 1;

	lua_newtable(L);
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
	return 1;
}

static int
p_index(lua_State *L)
{
	struct sproc **spp = luaL_checkudata(L, 1, "uvm.proc");
	const char *k = luaL_checkstring(L, 2);

	if (strcmp(k, "pid") == 0)
		lua_pushinteger(L, (*spp)->pid);
	else if (strcmp(k, "name") == 0)
		lua_pushstring(L, (*spp)->name);
	else if (strcmp(k, "alive") == 0)
		lua_pushboolean(L, (*spp)->p != NULL);
	else if (strcmp(k, "size") == 0)
		lua_pushinteger(L, (*spp)->p == NULL ? 0 :
		    (lua_Integer)procmap(*spp)->size);
	else {
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

	if ((*sfp)->vp == NULL)
		luaL_error(L, "file %s is closed", (*sfp)->path);
	return *sfp;
}

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
	error = vn_open(host, flags, &vp);
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

	error = file_io(sf, UIO_WRITE, (void *)(uintptr_t)s, n, (off_t)off,
	    &resid);
	if (error)
		return uerror(L, error, "%s: write at %jd", sf->path,
		    (intmax_t)off);
	uvmsim_tick();
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

	error = file_io(sf, UIO_READ, buf, n, (off_t)off, &resid);
	if (error)
		return uerror(L, error, "%s: read at %jd", sf->path,
		    (intmax_t)off);
	luaL_pushresultsize(&b, n - resid);
	uvmsim_tick();
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

	for (uint64_t done = 0; done < size;) {
		size_t n = (size_t)MIN((uint64_t)CHUNK, size - done), resid;
		int error;

		pattern_fill(buf, seed, off + done, n);
		error = file_io(sf, UIO_WRITE, buf, n, (off_t)(off + done),
		    &resid);
		if (error)
			return uerror(L, error, "%s: fill at %" PRIu64,
			    sf->path, off + done);
		done += n;
		uvmsim_tick();
	}
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

	snprintf(who, sizeof(who), "file %s", sf->path);
	for (uint64_t done = 0; done < size && ok;) {
		size_t n = (size_t)MIN((uint64_t)CHUNK, size - done), resid;
		int error;

		error = file_io(sf, UIO_READ, buf, n, (off_t)(off + done),
		    &resid);
		if (error)
			return uerror(L, error, "%s: verify at %" PRIu64,
			    sf->path, off + done);
		if (resid != 0) {
			uvmsim_progress_clear();
			fprintf(stderr, "uvmsim: verification failed: file %s"
			    " ends at %" PRIu64 ", before %" PRIu64 "\n",
			    sf->path, off + done + n - resid, off + size);
			uvmsim.failures++;
			ok = false;
			break;
		}
		ok = pattern_check(buf, seed, off + done, 0, n, who, "offset");
		done += n;
		uvmsim_tick();
	}
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
	error = vn_truncate(sf->vp, (voff_t)len);
	if (error)
		return uerror(L, error, "%s: truncate", sf->path);
	return 0;
}

static int
f_sync(lua_State *L)
{
	struct sfile *sf = checkfile(L, 1);
	int error = vn_fsync(sf->vp);

	if (error)
		return uerror(L, error, "%s: fsync", sf->path);
	return 0;
}

static int
f_size(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)vn_size(checkfile(L, 1)->vp));
	return 1;
}

/* file:close(): drop the reference; mappings keep their own. */
static int
f_close(lua_State *L)
{
	struct sfile *sf = checkfile(L, 1);

	vrele(sf->vp);
	sf->vp = NULL;
	return 0;
}

/* file:stats() -> table of the vnode's I/O counters */
static int
f_stats(lua_State *L)
{
	struct vnode *vp = checkfile(L, 1)->vp;

	lua_createtable(L, 0, 5);
	lua_pushinteger(L, (lua_Integer)vp->v_nreadio);
	lua_setfield(L, -2, "readio");
	lua_pushinteger(L, (lua_Integer)vp->v_nwriteio);
	lua_setfield(L, -2, "writeio");
	lua_pushinteger(L, (lua_Integer)vp->v_npagesread);
	lua_setfield(L, -2, "pagesread");
	lua_pushinteger(L, (lua_Integer)vp->v_npageswritten);
	lua_setfield(L, -2, "pageswritten");
	lua_pushinteger(L, vp->v_uobj.uo_npages);
	lua_setfield(L, -2, "resident");
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
	error = uvm_loan(procmap(sp), va, end - va, sl->pgs, UVM_LOAN_TOPAGE);
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
	uvmsim_tick();
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
	loan_return(checkloan(L, 1));
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
	error = uvm_swap_on(host, (off_t)size, prio);
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
	error = uvm_swapctl(SWAP_OFF, host, 0, &rv);
	if (error)
		return uerror(L, error, "swapoff %s", path);
	uvmsim_tick();
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

	if ((why = uvm_page_check()) == NULL &&
	    (why = uvm_map_check(kernel_map)) == NULL)
		why = uvm_swap_check();
	if (why == NULL)
		why = uvm_pdaemon_check(false);
	if (why != NULL) {
		uvmsim_progress_clear();
		fprintf(stderr, "uvmsim: invariant violated: %s\n", why);
		uvmsim.failures++;
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
	while (n-- > 0)
		freed += uvm_pageout_step();
	uvmsim_tick();
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
	lua_pushinteger(L, uvmsim.failures);
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

/* uvm.run(f1, f2, ...): coroutines, round-robin, until all return. */
static const char run_lua[] =
    "local uvm = ...\n"
    "function uvm.run(...)\n"
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

int
luaopen_uvm(lua_State *L)
{
	const struct uvm_machine *m = uvm_machine_current();

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
	lua_call(L, 1, 0);
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
		proc_destroy(sp);
		free(sp);
	}
	while ((sf = allfiles) != NULL) {
		allfiles = sf->next;
		if (sf->vp != NULL)
			vrele(sf->vp);
		free(sf);
	}
}
