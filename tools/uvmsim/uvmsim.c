/*
 * uvmsim: the command-line machine.
 *
 *	uvmsim [options]			the built-in workload
 *	uvmsim [options] run SCRIPT.lua [args]	a Lua workload
 *
 * Boots a machine described by the options (RAM, page size, swap files,
 * pmap, policy, daemon mode, seed), opens the `uvm' Lua module over it
 * (lua_uvm.c), runs the workload, runs the invariant checkers, prints
 * nothing more unless asked, and shuts the machine down.  The built-in
 * workload is default.lua, compiled into the binary.
 *
 * Exit status (uvmsim(1)): 0 every verification passed, 1 a
 * verification or invariant check failed, 2 bad usage, 3 the script
 * failed (syntax or run-time error: file:line and the message), 4 the
 * machine did not boot (2 if it refused the description: EINVAL).
 *
 * Locking: the Lua interpreter runs under lua_uvm.c's interpreter lock;
 * with --procs threads, uvm.run's bodies run on threads of their own
 * (lua_uvm.c); the machine's daemons, when threaded, run on their own
 * lwps.
 */

#include <uvm/uvm.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "default_lua.h"
#include "uvmsim.h"

#define UVMSIM_VERSION	"0.2.0"
#define DEFAULT_SWAP	((off_t)128 << 20)

struct uvmsim_run uvmsim;

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: uvmsim [options]                      run the built-in"
	    " workload\n"
	    "       uvmsim [options] run SCRIPT.lua [args]  run a Lua"
	    " workload\n"
	    "\n"
	    "machine:\n"
	    "  --ram SIZE           physical memory (default 64M)\n"
	    "  --pagesize SIZE      page size, a power of two in 4K..64K"
	    " (default 4K)\n"
	    "  --colors N           page colours, a power of two (default 1)\n"
	    "  --swap PATH[:SIZE[:PRIO]]  a swap file (repeatable; relative"
	    " paths are\n"
	    "                       in a temporary directory; default one"
	    " 128M file)\n"
	    "  --no-swap            no swap at all\n"
	    "  --pmap NAME          pmap backend (default soft)\n"
	    "  --policy NAME        page replacement policy (default clock)\n"
	    "  --daemon MODE        threaded or stepped (default stepped)\n"
	    "  --seed N             seed of the machine's random numbers"
	    " (default 1)\n"
	    "  --procs MODE         uvm.run's process bodies as coroutines or"
	    " threads\n"
	    "                       (default coroutines)\n"
	    "output:\n"
	    "  -q, --quiet          no narrative (uvm.say)\n"
	    "  --stats FILE.csv     sample the counters over time\n"
	    "  --plot FILE.png      plot memory and fault rates (gnuplot)\n"
	    "  -h, --help           this text\n"
	    "  -V, --version        the version\n"
	    "\n"
	    "SIZE takes a K, M or G suffix.  Exit status: 0 ok, 1 a"
	    " verification failed,\n"
	    "2 usage, 3 script error, 4 the machine did not boot."
	    "  See uvmsim(1).\n");
}

static int
bad(const char *opt, const char *val, const char *why)
{
	fprintf(stderr, "uvmsim: %s %s: %s\n", opt, val, why);
	return -1;
}

static int
parse_size(const char *opt, const char *s, uint64_t *v)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(s, &end, 0);
	if (end == s || s[0] == '-' || errno != 0)
		return bad(opt, s, "not a size (e.g. 4096, 64K, 2M, 1G)");
	switch (*end) {
	case 'k': case 'K': n <<= 10; end++; break;
	case 'm': case 'M': n <<= 20; end++; break;
	case 'g': case 'G': n <<= 30; end++; break;
	}
	if (*end != '\0')
		return bad(opt, s, "not a size (e.g. 4096, 64K, 2M, 1G)");
	*v = n;
	return 0;
}

static int
parse_int(const char *opt, const char *s, long long lo, long long hi,
    long long *v)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(s, &end, 0);
	if (end == s || *end != '\0' || errno != 0)
		return bad(opt, s, "not a number");
	if (n < lo || n > hi) {
		char why[80];

		snprintf(why, sizeof(why), "out of range [%lld, %lld]", lo, hi);
		return bad(opt, s, why);
	}
	*v = n;
	return 0;
}

/* --swap PATH[:SIZE[:PRIO]] */
static int
parse_swap(struct uvm_machine *m, char *spec, char **paths)
{
	struct uvm_machine_swap *sw;
	char *size, *prio, *path;
	uint64_t v = DEFAULT_SWAP;
	long long p = 0;

	if (m->m_nswap >= UVM_MACHINE_MAXSWAP)
		return bad("--swap", spec, "too many swap files (at most 8)");
	path = spec;
	if ((size = strchr(spec, ':')) != NULL) {
		*size++ = '\0';
		if ((prio = strchr(size, ':')) != NULL) {
			*prio++ = '\0';
			if (parse_int("--swap priority", prio, -1000, 1000, &p))
				return -1;
		}
		if (*size != '\0' && parse_size("--swap size", size, &v))
			return -1;
	}
	if (*path == '\0')
		return bad("--swap", "\"\"", "no path");
	if (v < (uint64_t)UVM_MAX_PAGE_SIZE * 2)
		return bad("--swap", size, "smaller than two pages");
	sw = &m->m_swap[m->m_nswap];
	paths[m->m_nswap] = path;
	sw->sw_size = (off_t)v;
	sw->sw_priority = (int)p;
	m->m_nswap++;
	return 0;
}

static void
rmtree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[1024];

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

/* Message handler: keep Lua's "file:line: message" as it is. */
static int
msghandler(lua_State *L)
{
	if (lua_type(L, 1) != LUA_TSTRING) {
		if (luaL_callmeta(L, 1, "__tostring") &&
		    lua_type(L, -1) == LUA_TSTRING)
			return 1;
		lua_pushfstring(L, "(error object is a %s value)",
		    luaL_typename(L, 1));
	}
	return 1;
}

/*
 * Load and run the workload: the built-in one (script NULL) or a file,
 * with args as `arg' (arg[0] the script) and as the chunk's `...'.
 */
static int
run_script(const char *script, int argc, char **argv)
{
	lua_State *L = luaL_newstate();
	int status, rv = UVMSIM_EXIT_OK;

	if (L == NULL) {
		fprintf(stderr, "uvmsim: cannot create a Lua state\n");
		return UVMSIM_EXIT_SCRIPT;
	}
	luaL_openlibs(L);
	luaL_requiref(L, "uvm", luaopen_uvm, 1);
	lua_pop(L, 1);

	lua_createtable(L, argc, 1);
	lua_pushstring(L, script != NULL ? script : "default.lua");
	lua_rawseti(L, -2, 0);
	for (int i = 0; i < argc; i++) {
		lua_pushstring(L, argv[i]);
		lua_rawseti(L, -2, i + 1);
	}
	lua_setglobal(L, "arg");

	lua_pushcfunction(L, msghandler);
	if (script != NULL)
		status = luaL_loadfile(L, script);
	else
		status = luaL_loadbuffer(L, uvmsim_default_lua,
		    sizeof(uvmsim_default_lua) - 1, "@default.lua");
	if (status == LUA_OK) {
		for (int i = 0; i < argc; i++)
			lua_pushstring(L, argv[i]);
		status = lua_pcall(L, argc, 0, -2 - argc);
	}
	if (status != LUA_OK) {
		fflush(stdout);
		uvmsim_progress_clear();
		fprintf(stderr, "uvmsim: %s\n", lua_tostring(L, -1));
		rv = UVMSIM_EXIT_SCRIPT;
	}
	lua_close(L);
	fflush(stdout);
	return rv;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ram", required_argument, NULL, 'r' },
		{ "pagesize", required_argument, NULL, 'p' },
		{ "colors", required_argument, NULL, 'c' },
		{ "swap", required_argument, NULL, 'w' },
		{ "no-swap", no_argument, NULL, 'W' },
		{ "pmap", required_argument, NULL, 'm' },
		{ "policy", required_argument, NULL, 'P' },
		{ "daemon", required_argument, NULL, 'd' },
		{ "seed", required_argument, NULL, 's' },
		{ "procs", required_argument, NULL, 'T' },
		{ "stats", required_argument, NULL, 'S' },
		{ "plot", required_argument, NULL, 'G' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char tmpl[] = "/tmp/uvmsim.XXXXXX";
	char swpath[UVM_MACHINE_MAXSWAP][1024];
	char *swspec[UVM_MACHINE_MAXSWAP];
	const char *stats = NULL, *plot = NULL, *script = NULL;
	struct uvm_machine m;
	bool noswap = false;
	uint64_t v;
	long long n;
	int ch, rv, error;

	uvm_machine_defaults(&m);
	m.m_quiet = true;
	while ((ch = getopt_long(argc, argv, "+qhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			if (parse_size("--ram", optarg, &v) != 0)
				return UVMSIM_EXIT_USAGE;
			m.m_ramsize = v;
			break;
		case 'p':
			if (parse_size("--pagesize", optarg, &v) != 0)
				return UVMSIM_EXIT_USAGE;
			if (v < UVM_MIN_PAGE_SIZE || v > UVM_MAX_PAGE_SIZE ||
			    (v & (v - 1)) != 0) {
				bad("--pagesize", optarg, "not a power of two"
				    " between 4K and 64K");
				return UVMSIM_EXIT_USAGE;
			}
			m.m_pagesize = (unsigned int)v;
			break;
		case 'c':
			if (parse_int("--colors", optarg, 1, 1024, &n) != 0)
				return UVMSIM_EXIT_USAGE;
			if ((n & (n - 1)) != 0) {
				bad("--colors", optarg, "not a power of two");
				return UVMSIM_EXIT_USAGE;
			}
			m.m_ncolors = (int)n;
			break;
		case 'w':
			if (parse_swap(&m, optarg, swspec) != 0)
				return UVMSIM_EXIT_USAGE;
			break;
		case 'W':
			noswap = true;
			break;
		case 'm':
			m.m_pmap = optarg;
			break;
		case 'P':
			if (strcmp(optarg, "clock") != 0 &&
			    strcmp(optarg, "clockpro") != 0) {
				bad("--policy", optarg, "unknown policy (there"
				    " are: clock, clockpro)");
				return UVMSIM_EXIT_USAGE;
			}
			m.m_policy = optarg;
			break;
		case 'd':
			if (strcmp(optarg, "threaded") == 0)
				m.m_daemon = UVM_DAEMON_THREADED;
			else if (strcmp(optarg, "stepped") == 0)
				m.m_daemon = UVM_DAEMON_STEPPED;
			else {
				bad("--daemon", optarg, "must be threaded or"
				    " stepped");
				return UVMSIM_EXIT_USAGE;
			}
			break;
		case 's':
			if (parse_int("--seed", optarg, 0, INT64_MAX, &n) != 0)
				return UVMSIM_EXIT_USAGE;
			m.m_seed = (uint64_t)n;
			break;
		case 'T':
			if (strcmp(optarg, "threads") == 0)
				uvmsim.threads = true;
			else if (strcmp(optarg, "coroutines") == 0)
				uvmsim.threads = false;
			else {
				bad("--procs", optarg, "must be threads or"
				    " coroutines");
				return UVMSIM_EXIT_USAGE;
			}
			break;
		case 'S':
			stats = optarg;
			break;
		case 'G':
			plot = optarg;
			break;
		case 'q':
			uvmsim.quiet = true;
			break;
		case 'h':
			usage(stdout);
			return UVMSIM_EXIT_OK;
		case 'V':
			printf("uvmsim (libuvm) " UVMSIM_VERSION ", %s\n",
			    LUA_RELEASE);
			return UVMSIM_EXIT_OK;
		default:
			usage(stderr);
			return UVMSIM_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		if (strcmp(argv[optind], "run") != 0) {
			fprintf(stderr, "uvmsim: unknown command \"%s\" (did you"
			    " mean: uvmsim run %s?)\n", argv[optind],
			    argv[optind]);
			usage(stderr);
			return UVMSIM_EXIT_USAGE;
		}
		if (optind + 1 >= argc) {
			fprintf(stderr, "uvmsim: run: no script given\n");
			usage(stderr);
			return UVMSIM_EXIT_USAGE;
		}
		script = argv[optind + 1];
		optind += 2;
		if (access(script, R_OK) != 0) {
			fprintf(stderr, "uvmsim: cannot open %s: %s\n", script,
			    strerror(errno));
			return UVMSIM_EXIT_SCRIPT;
		}
	}
	{
		uint64_t pg = m.m_pagesize;

		if (m.m_ramsize % pg != 0 || m.m_ramsize < 16 * pg) {
			char val[32];

			snprintf(val, sizeof(val), "%ju",
			    (uintmax_t)m.m_ramsize);
			bad("--ram", val, "must be a multiple of the page size"
			    " and at least 16 pages");
			return UVMSIM_EXIT_USAGE;
		}
	}
	if (noswap && m.m_nswap > 0) {
		fprintf(stderr, "uvmsim: --no-swap and --swap together\n");
		return UVMSIM_EXIT_USAGE;
	}

	if (mkdtemp(tmpl) == NULL) {
		fprintf(stderr, "uvmsim: cannot create a temporary directory:"
		    " %s\n", strerror(errno));
		return UVMSIM_EXIT_BOOT;
	}
	uvmsim.tmpdir = tmpl;
	if (!noswap && m.m_nswap == 0) {
		swspec[0] = "swap0";
		m.m_swap[0].sw_size = DEFAULT_SWAP;
		m.m_swap[0].sw_priority = 0;
		m.m_nswap = 1;
	}
	for (int i = 0; i < m.m_nswap; i++) {
		if (swspec[i][0] == '/')
			snprintf(swpath[i], sizeof(swpath[i]), "%s", swspec[i]);
		else
			snprintf(swpath[i], sizeof(swpath[i]), "%s/%s", tmpl,
			    swspec[i]);
		m.m_swap[i].sw_path = swpath[i];
	}

	if ((error = uvm_machine_boot(&m)) != 0) {
		fprintf(stderr, "uvmsim: the machine did not boot: %s\n",
		    strerror(error));
		rmtree(tmpl);
		/* EINVAL: the description itself (the message says why). */
		return error == EINVAL ? UVMSIM_EXIT_USAGE : UVMSIM_EXIT_BOOT;
	}
	if (uvmsim_sample_open(stats, plot) != 0) {
		uvm_machine_shutdown();
		rmtree(tmpl);
		return UVMSIM_EXIT_USAGE;
	}

	rv = run_script(script, argc - optind, argv + optind);
	uvmsim_lua_cleanup();
	if (rv == UVMSIM_EXIT_OK) {
		const char *why;

		if ((why = uvm_page_check()) != NULL ||
		    (why = uvm_map_check(kernel_map)) != NULL ||
		    (why = uvm_swap_check()) != NULL) {
			fprintf(stderr, "uvmsim: invariant violated: %s\n",
			    why);
			uvmsim.failures++;
		}
		if (uvmsim.failures > 0) {
			fprintf(stderr, "uvmsim: %d verification%s failed\n",
			    uvmsim.failures, uvmsim.failures == 1 ? "" : "s");
			rv = UVMSIM_EXIT_VERIFY;
		}
	}
	if (uvmsim_sample_close() != 0 && rv == UVMSIM_EXIT_OK)
		rv = UVMSIM_EXIT_USAGE;
	uvm_machine_shutdown();
	rmtree(tmpl);
	return rv;
}
