/*
 * t_uvmsim: the uvmsim command, run as a user runs it.
 *
 * Each case runs the built uvmsim binary (UVMSIM, set by the build) with
 * a script written on the spot or one of examples/, captures stdout and
 * stderr, and checks the exit status (uvmsim(1): 0 ok, 1 verification
 * failed, 2 usage, 3 script error, 4 no boot) and what was printed.
 */
#include <atf-c.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef UVMSIM
#error "UVMSIM (the uvmsim binary) must be defined by the build"
#endif

static char out[1 << 20], err[1 << 16];

static void
slurp(const char *path, char *buf, size_t len)
{
	FILE *fp = fopen(path, "r");
	size_t n = 0;

	buf[0] = '\0';
	if (fp == NULL)
		return;
	n = fread(buf, 1, len - 1, fp);
	buf[n] = '\0';
	fclose(fp);
}

/*
 * Run uvmsim with the NULL-terminated arguments; return its exit status
 * with its stdout in out[] and its stderr in err[].
 */
static int
uvmsim(const char *arg, ...)
{
	const char *argv[32];
	va_list ap;
	int n = 0, st;
	pid_t pid;

	argv[n++] = UVMSIM;
	va_start(ap, arg);
	for (const char *a = arg; a != NULL && n < 31; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	pid = fork();
	ATF_REQUIRE(pid >= 0);
	if (pid == 0) {
		if (freopen("uvmsim.out", "w", stdout) == NULL ||
		    freopen("uvmsim.err", "w", stderr) == NULL)
			_exit(99);
		execv(UVMSIM, (char *const *)argv);
		_exit(98);
	}
	ATF_REQUIRE(waitpid(pid, &st, 0) == pid);
	slurp("uvmsim.out", out, sizeof(out));
	slurp("uvmsim.err", err, sizeof(err));
	if (!WIFEXITED(st)) {
		fprintf(stderr, "uvmsim died: status %#x\n%s", st, err);
		return -1;
	}
	return WEXITSTATUS(st);
}

/*
 * Run uvmsim with its stderr on a pseudo-terminal (stdout to a file, in
 * out[]); return its exit status with what the terminal got in err[].
 */
static int
uvmsim_tty(const char *arg, ...)
{
	const char *argv[32];
	va_list ap;
	int n = 0, st, master;
	size_t got = 0;
	pid_t pid;
	char *slave;

	argv[n++] = UVMSIM;
	va_start(ap, arg);
	for (const char *a = arg; a != NULL && n < 31; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	master = posix_openpt(O_RDWR | O_NOCTTY);
	ATF_REQUIRE(master >= 0);
	ATF_REQUIRE(grantpt(master) == 0 && unlockpt(master) == 0);
	ATF_REQUIRE((slave = ptsname(master)) != NULL);
	pid = fork();
	ATF_REQUIRE(pid >= 0);
	if (pid == 0) {
		int fd = open(slave, O_RDWR | O_NOCTTY);

		if (fd < 0 || dup2(fd, STDERR_FILENO) < 0 ||
		    freopen("uvmsim.out", "w", stdout) == NULL)
			_exit(99);
		close(master);
		execv(UVMSIM, (char *const *)argv);
		_exit(98);
	}
	ATF_REQUIRE(fcntl(master, F_SETFL, O_NONBLOCK) == 0);
	for (;;) {
		ssize_t r = read(master, err + got, sizeof(err) - 1 - got);
		pid_t w;

		if (r > 0) {
			got += (size_t)r;
			continue;
		}
		w = waitpid(pid, &st, WNOHANG);
		ATF_REQUIRE(w >= 0);
		if (w == pid && (r == 0 || errno == EIO || errno == EAGAIN))
			break;
		usleep(10000);
	}
	/* What is left after the exit. */
	for (ssize_t r; (r = read(master, err + got,
	    sizeof(err) - 1 - got)) > 0;)
		got += (size_t)r;
	err[got] = '\0';
	close(master);
	slurp("uvmsim.out", out, sizeof(out));
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Write a script file and return its name. */
static const char *
script(const char *name, const char *text)
{
	FILE *fp = fopen(name, "w");

	ATF_REQUIRE(fp != NULL);
	fputs(text, fp);
	ATF_REQUIRE(fclose(fp) == 0);
	return name;
}

#define HAS(buf, s)							\
	ATF_CHECK_MSG(strstr((buf), (s)) != NULL,			\
	    "\"%s\" not in:\n%s", (s), (buf))

#define EXAMPLE(f)	SRCDIR "/examples/" f

/* The value printed before `desc' on a vmstat -s line. */
static long
vmstat_value(const char *desc)
{
	char pat[128];
	const char *p;

	snprintf(pat, sizeof(pat), " %s\n", desc);
	p = strstr(out, pat);
	ATF_REQUIRE_MSG(p != NULL, "no vmstat -s line \"%s\"", desc);
	while (p > out && p[-1] != '\n')
		p--;
	return strtol(p, NULL, 10);
}

/* The number after "key=" in out. */
static long
keyed(const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "%s=", key);
	p = strstr(out, pat);
	ATF_REQUIRE_MSG(p != NULL, "no \"%s\" in output", pat);
	return strtol(p + strlen(pat), NULL, 10);
}

/* ------------------------------------------------------------------ */

ATF_TC_WITHOUT_HEAD(default_workload_verifies_every_byte);
ATF_TC_BODY(default_workload_verifies_every_byte, tc)
{
	ATF_CHECK_EQ(uvmsim(NULL), 0);
	HAS(out, "every byte verified");
	HAS(out, "vmstat -s (before the processes exit):");
	HAS(out, "all processes exited; 16384 pages free");
	HAS(out, "swap0");
	ATF_CHECK_EQ(vmstat_value("forks total"), 8);
	ATF_CHECK(vmstat_value("anon copy on write faults") > 0);
	ATF_CHECK_EQ(vmstat_value("pages managed"), 16384);
	/* Not a terminal: no progress line, nothing on stderr. */
	ATF_CHECK_STREQ(err, "");
}

ATF_TC_WITHOUT_HEAD(default_workload_small_pages_and_ram);
ATF_TC_BODY(default_workload_small_pages_and_ram, tc)
{
	ATF_CHECK_EQ(uvmsim("--ram", "16M", "--pagesize", "16K", "-q", NULL), 0);
	ATF_CHECK_EQ(vmstat_value("pages managed"), 1024);
	ATF_CHECK_EQ(vmstat_value("bytes per page"), 16384);
	ATF_CHECK(strstr(out, "every byte verified") == NULL);	/* -q */
}

ATF_TC_WITHOUT_HEAD(example_forkstorm_verifies);
ATF_TC_BODY(example_forkstorm_verifies, tc)
{
	ATF_CHECK_EQ(uvmsim("run", EXAMPLE("forkstorm.lua"), "2", "3", "256K",
	    NULL), 0);
	HAS(out, "13 processes");
	HAS(out, "verified 13 processes: ok");
}

ATF_TC_WITHOUT_HEAD(example_memhog_verifies);
ATF_TC_BODY(example_memhog_verifies, tc)
{
	ATF_CHECK_EQ(uvmsim("--ram", "16M", "run", EXAMPLE("memhog.lua"),
	    "0.5", "4", NULL), 0);
	HAS(out, "hog: 8192 KiB of anonymous memory on a 16384 KiB machine");
	HAS(out, "every byte verified");
}

ATF_TC_WITHOUT_HEAD(example_filemap_coherent);
ATF_TC_BODY(example_filemap_coherent, tc)
{
	ATF_CHECK_EQ(uvmsim("run", EXAMPLE("filemap.lua"), "128K", NULL), 0);
	HAS(out, "mappings and read/write agree");
	HAS(out, "file: 128 KiB");
}

ATF_TC_WITHOUT_HEAD(example_swapoff_verifies);
ATF_TC_BODY(example_swapoff_verifies, tc)
{
	ATF_CHECK_EQ(uvmsim("--no-swap", "--ram", "16M", "run",
	    EXAMPLE("swapoff.lua"), NULL), 0);
	HAS(out, "after swapoff fast: verified");
	HAS(out, "after swapon fast: verified");
	HAS(out, "fast             16384");
}

ATF_TC_WITHOUT_HEAD(example_policy_reports);
ATF_TC_BODY(example_policy_reports, tc)
{
	ATF_CHECK_EQ(uvmsim("--ram", "8M", "--policy", "clock", "run",
	    EXAMPLE("policy.lua"), NULL), 0);
	HAS(out, "policy clock    faults ");
}

ATF_TC_WITHOUT_HEAD(script_syntax_error_names_line);
ATF_TC_BODY(script_syntax_error_names_line, tc)
{
	script("bad.lua", "local x = 1\nx = = 2\n");
	ATF_CHECK_EQ(uvmsim("run", "bad.lua", NULL), 3);
	HAS(err, "uvmsim: bad.lua:2: unexpected symbol near '='");
}

ATF_TC_WITHOUT_HEAD(script_runtime_error_names_line_and_errno);
ATF_TC_BODY(script_runtime_error_names_line_and_errno, tc)
{
	script("fault.lua", "local uvm = require 'uvm'\n"
	    "local p = uvm.spawn('lonely')\n"
	    "p:write(0x10000, 'x')\n");
	ATF_CHECK_EQ(uvmsim("run", "fault.lua", NULL), 3);
	HAS(err, "fault.lua:3: lonely: write at 0x10000: EFAULT");
	script("err.lua", "\n\nerror('boom')\n");
	ATF_CHECK_EQ(uvmsim("run", "err.lua", NULL), 3);
	HAS(err, "uvmsim: err.lua:3: boom");
	script("arg.lua", "local uvm = require 'uvm'\n"
	    "uvm.spawn('p'):map{size = 4096, prot = 'rq'}\n");
	ATF_CHECK_EQ(uvmsim("run", "arg.lua", NULL), 3);
	HAS(err, "arg.lua:2:");
	HAS(err, "is not made of r, w, x, -");
}

ATF_TC_WITHOUT_HEAD(missing_script_exits_3);
ATF_TC_BODY(missing_script_exits_3, tc)
{
	ATF_CHECK_EQ(uvmsim("run", "no-such-script.lua", NULL), 3);
	HAS(err, "cannot open no-such-script.lua");
}

ATF_TC_WITHOUT_HEAD(verification_failure_names_process_and_bytes);
ATF_TC_BODY(verification_failure_names_process_and_bytes, tc)
{
	script("v.lua", "local uvm = require 'uvm'\n"
	    "local p = uvm.spawn('victim')\n"
	    "local va = p:map{size = '64K'}\n"
	    "p:fill(va, '64K', 5)\n"
	    "local want = uvm.pattern(5, va + 4097)\n"
	    "p:write(va + 4097, string.char(want ~ 0xff))\n"
	    "print('result=' .. tostring(p:verify(va, '64K', 5)))\n"
	    "print(string.format('want=%d found=%d', want, want ~ 0xff))\n");
	ATF_CHECK_EQ(uvmsim("run", "v.lua", NULL), 1);
	HAS(out, "result=false");
	HAS(err, "verification failed: victim (pid 1): address 0x1001:");
	{
		char want[64];

		snprintf(want, sizeof(want), "expected 0x%02lx, found 0x%02lx",
		    keyed("want"), keyed("found"));
		HAS(err, want);
	}
	HAS(err, "1 of 65536 bytes from there differ");
	HAS(err, "uvmsim: 1 verification failed");
}

ATF_TC_WITHOUT_HEAD(bad_options_say_which_and_exit_2);
ATF_TC_BODY(bad_options_say_which_and_exit_2, tc)
{
	ATF_CHECK_EQ(uvmsim("--ram", "lots", NULL), 2);
	HAS(err, "--ram lots: not a size");
	ATF_CHECK_EQ(uvmsim("--ram", "12345", NULL), 2);
	HAS(err, "--ram 12345: must be a multiple of the page size");
	ATF_CHECK_EQ(uvmsim("--pagesize", "3K", NULL), 2);
	HAS(err, "--pagesize 3K: not a power of two");
	ATF_CHECK_EQ(uvmsim("--daemon", "lazy", NULL), 2);
	HAS(err, "--daemon lazy: must be threaded or stepped");
	ATF_CHECK_EQ(uvmsim("--policy", "fifo", NULL), 2);
	HAS(err, "--policy fifo: unknown policy");
	ATF_CHECK_EQ(uvmsim("--seed", "-3", NULL), 2);
	HAS(err, "--seed -3: out of range");
	ATF_CHECK_EQ(uvmsim("--colors", "3", NULL), 2);
	HAS(err, "--colors 3: not a power of two");
	ATF_CHECK_EQ(uvmsim("--swap", "s:1K", NULL), 2);
	HAS(err, "--swap 1K: smaller than two pages");
	ATF_CHECK_EQ(uvmsim("--swap", "s:1M:high", NULL), 2);
	HAS(err, "--swap priority high: not a number");
	ATF_CHECK_EQ(uvmsim("--pmap", "hardware", NULL), 2);
	HAS(err, "no pmap named \"hardware\"");
	ATF_CHECK_EQ(uvmsim("--frobnicate", NULL), 2);
	HAS(err, "usage: uvmsim");
	ATF_CHECK_EQ(uvmsim("walk", NULL), 2);
	HAS(err, "unknown command \"walk\"");
	ATF_CHECK_EQ(uvmsim("run", NULL), 2);
	HAS(err, "run: no script given");
}

ATF_TC_WITHOUT_HEAD(machine_that_cannot_boot_exits_4);
ATF_TC_BODY(machine_that_cannot_boot_exits_4, tc)
{
	ATF_CHECK_EQ(uvmsim("--swap", "/nonexistent-dir/s:1M", NULL), 4);
	HAS(err, "uvmsim: the machine did not boot: No such file or directory");
	ATF_CHECK_STREQ(out, "");
}

ATF_TC_WITHOUT_HEAD(help_and_version_exit_0);
ATF_TC_BODY(help_and_version_exit_0, tc)
{
	ATF_CHECK_EQ(uvmsim("--help", NULL), 0);
	HAS(out, "uvmsim [options] run SCRIPT.lua [args]");
	HAS(out, "--policy NAME");
	ATF_CHECK_EQ(uvmsim("--version", NULL), 0);
	HAS(out, "uvmsim (libuvm) ");
	HAS(out, "Lua 5.4");
}

ATF_TC_WITHOUT_HEAD(script_gets_arguments);
ATF_TC_BODY(script_gets_arguments, tc)
{
	script("a.lua", "local a, b = ...\n"
	    "print('args=' .. a .. ',' .. b .. ',' .. arg[0] .. ',' .. #arg)\n");
	ATF_CHECK_EQ(uvmsim("run", "a.lua", "one", "two", NULL), 0);
	HAS(out, "args=one,two,a.lua,2");
}

ATF_TC_WITHOUT_HEAD(vmstat_s_and_sysctl_agree);
ATF_TC_BODY(vmstat_s_and_sysctl_agree, tc)
{
	static const struct { const char *key, *desc; } f[] = {
		{ "free", "pages free" }, { "active", "pages active" },
		{ "npages", "pages managed" }, { "faults", "page faults" },
		{ "forks", "forks total" }, { "swpages", "swap pages" },
		{ "flt_acow", "anon copy on write faults" },
		{ "flt_przero", "promote zero fill faults" },
	};
	char line[128];

	script("s.lua", "local uvm = require 'uvm'\n"
	    "local p = uvm.spawn('p')\n"
	    "local va = p:map{size = '1M'}\n"
	    "p:fill(va, '1M', 9)\n"
	    "local c = p:fork('c')\n"
	    "c:fill(va, '256K', 10)\n"
	    "uvm.vmstat_s()\n"
	    "uvm.sysctl_vm()\n"
	    "for _, k in ipairs{'free', 'active', 'npages', 'faults',"
	    " 'forks', 'swpages', 'flt_acow', 'flt_przero'} do\n"
	    "  print(k .. '=' .. uvm.sysctl('vm.uvmexp.' .. k))\n"
	    "end\n");
	ATF_CHECK_EQ(uvmsim("--swap", "sw:8M", "run", "s.lua", NULL), 0);
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		ATF_CHECK_EQ_MSG(vmstat_value(f[i].desc), keyed(f[i].key),
		    "%s", f[i].key);
		snprintf(line, sizeof(line), "vm.uvmexp.%s = %ld\n", f[i].key,
		    keyed(f[i].key));
		HAS(out, line);
	}
	/* And the values are the workload's: 256 zero fills, 64 CoW. */
	ATF_CHECK_EQ(keyed("flt_przero"), 256);
	ATF_CHECK_EQ(keyed("flt_acow"), 64);
	ATF_CHECK_EQ(keyed("forks"), 1);
	ATF_CHECK_EQ(keyed("swpages"), 2048);
}

ATF_TC_WITHOUT_HEAD(vmstat_line_and_sysctl_vm_show_the_counters);
ATF_TC_BODY(vmstat_line_and_sysctl_vm_show_the_counters, tc)
{
	long got[11], want[11];
	const char *p, *q;
	int nlines = 0, nfields;

	/* Beyond RAM, so that the paging columns are not all 0. */
	script("vl.lua", "local uvm = require 'uvm'\n"
	    "local p = uvm.spawn('p')\n"
	    "local va = p:map{size = '12M'}\n"
	    "p:fill(va, '12M', 1)\n"
	    "local c = p:fork('c'); c:fill(va, '1M', 2)\n"
	    "assert(p:verify(va, '12M', 1))\n"
	    "local function s(n) return uvm.sysctl('vm.uvmexp.' .. n) end\n"
	    "uvm.vmstat(true)\n"
	    "print('want=' .. table.concat({s'free', s'active', s'inactive',"
	    " s'wired', s'swpginuse', s'faults', s'flt_acow' + s'flt_prcopy',"
	    " s'flt_przero', s'pgswapin', s'pgswapout', s'forks'}, ' '))\n"
	    "uvm.sysctl_vm()\n"
	    "local n = 0\n"
	    "for k, v in pairs(uvm.sysctl()) do\n"
	    "  print('k:' .. k .. '=' .. v); n = n + 1\n"
	    "end\n"
	    "print('nfields=' .. n)\n");
	ATF_CHECK_EQ(uvmsim("--ram", "8M", "run", "vl.lua", NULL), 0);
	p = strstr(out, " forks\n");
	ATF_REQUIRE_MSG(p != NULL, "no vmstat header in:\n%s", out);
	p += strlen(" forks\n");
	ATF_REQUIRE_EQ(sscanf(p, "%ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld",
	    &got[0], &got[1], &got[2], &got[3], &got[4], &got[5], &got[6],
	    &got[7], &got[8], &got[9], &got[10]), 11);
	p = strstr(out, "want=");
	ATF_REQUIRE(p != NULL);
	ATF_REQUIRE_EQ(sscanf(p + 5, "%ld %ld %ld %ld %ld %ld %ld %ld %ld %ld"
	    " %ld", &want[0], &want[1], &want[2], &want[3], &want[4], &want[5],
	    &want[6], &want[7], &want[8], &want[9], &want[10]), 11);
	for (int i = 0; i < 11; i++)
		ATF_CHECK_EQ_MSG(got[i], want[i], "vmstat column %d", i + 1);
	ATF_CHECK(got[8] > 0 && got[9] > 0);	/* pgin, pgout */
	/* Every sysctl vm line is a field with the value sysctl reads. */
	for (p = out; (p = strstr(p, "vm.uvmexp.")) != NULL; p = q) {
		char name[64], line[128];
		long v;

		q = strchr(p, '\n');
		ATF_REQUIRE(q != NULL);
		ATF_REQUIRE_EQ(sscanf(p, "vm.uvmexp.%63s = %ld", name, &v), 2);
		snprintf(line, sizeof(line), "k:%s=%ld\n", name, v);
		HAS(out, line);
		nlines++;
	}
	nfields = (int)keyed("nfields");
	ATF_CHECK(nfields > 50);
	ATF_CHECK_EQ(nlines, nfields);
}

ATF_TC_WITHOUT_HEAD(sysctl_unknown_name_is_an_error);
ATF_TC_BODY(sysctl_unknown_name_is_an_error, tc)
{
	script("u.lua", "local uvm = require 'uvm'\nuvm.sysctl('vm.nope')\n");
	ATF_CHECK_EQ(uvmsim("run", "u.lua", NULL), 3);
	HAS(err, "u.lua:2: sysctl: unknown name \"vm.nope\"");
}

/* Check the swapctl -l line starting with (or containing) `dev'. */
static void
swapline(const char *dev, int blocks, int used, int prio)
{
	const char *p = strstr(out, dev);
	int b, u, a, cap, pr = -1, n;

	ATF_REQUIRE_MSG(p != NULL, "no swapctl line for %s in:\n%s", dev, out);
	p += strlen(dev);
	n = sscanf(p, "%d %d %d %d%% %d", &b, &u, &a, &cap, &pr);
	ATF_REQUIRE_MSG(n >= 4, "cannot parse the line of %s", dev);
	ATF_CHECK_EQ(b, blocks);
	ATF_CHECK_EQ(u, used);
	ATF_CHECK_EQ(a, blocks - used);
	ATF_CHECK_EQ(cap, used * 100 / blocks);
	if (prio >= 0)
		ATF_CHECK_EQ(pr, prio);
}

ATF_TC_WITHOUT_HEAD(swapctl_l_lists_devices);
ATF_TC_BODY(swapctl_l_lists_devices, tc)
{
	script("w.lua", "local uvm = require 'uvm'\n"
	    "uvm.swapon('extra', '4M', 5)\n"
	    "uvm.swapctl_l()\n"
	    "local s = uvm.swaps()\n"
	    "print('n=' .. #s)\n"
	    "print('blks=' .. s[2].nblks)\n"
	    "print('sw=' .. uvm.sysctl('vm.uvmexp.nswapdev'))\n"
	    "uvm.swapoff('extra')\n"
	    "print('after=' .. #uvm.swaps())\n"
	    "local ok, e = pcall(uvm.swapoff, 'extra')\n"
	    "print(e)\n");
	ATF_CHECK_EQ(uvmsim("--swap", "main:8M:1", "run", "w.lua", NULL), 0);
	HAS(out, "Device");
	swapline("/main ", 8192, 0, 1);
	swapline("/extra ", 4096, 0, 5);
	swapline("Total ", 12288, 0, -1);
	ATF_CHECK_EQ(keyed("n"), 2);
	ATF_CHECK_EQ(keyed("blks"), 8192);
	ATF_CHECK_EQ(keyed("sw"), 2);
	ATF_CHECK_EQ(keyed("after"), 1);
	HAS(out, "swapoff extra: ENXIO");
}

ATF_TC_WITHOUT_HEAD(pmap_lists_entries);
ATF_TC_BODY(pmap_lists_entries, tc)
{
	script("m.lua", "local uvm = require 'uvm'\n"
	    "local p = uvm.spawn('lister')\n"
	    "local a = p:map{size = '64K', addr = 0x100000, prot = 'r',"
	    " maxprot = 'rw', inherit = 'none'}\n"
	    "local b = p:map{size = '32K', addr = 0x200000, shared = true}\n"
	    "p:fill(b, '16K', 3)\n"
	    "p:wire(b, '32K')\n"
	    "p:pmap()\n"
	    "print('wired=' .. uvm.sysctl('vm.uvmexp.wired'))\n"
	    "local e = p:entries()\n"
	    "print('entries=' .. #e .. ' w=' .. e[2].wired)\n");
	ATF_CHECK_EQ(uvmsim("run", "m.lua", NULL), 0);
	HAS(out, "    1 lister         0x100000     0x110000      64 r--/rw- none"
	    "      0      0      0 cow,nc anon\n");
	HAS(out, "    1 lister         0x200000     0x208000      32 rw-/rwx"
	    " share     1      0      8 -      aobj\n");
	ATF_CHECK_EQ(keyed("wired"), 8);
	HAS(out, "entries=2 w=1");
}

ATF_TC_WITHOUT_HEAD(api_protect_inherit_exec_exit);
ATF_TC_BODY(api_protect_inherit_exec_exit, tc)
{
	script("api.lua", "local uvm = require 'uvm'\n"
	    "local p = uvm.spawn('p')\n"
	    "local none = p:map{size = '8K', inherit = 'none'}\n"
	    "local zero = p:map{size = '8K', inherit = 'zero'}\n"
	    "local shr = p:map{size = '8K', inherit = 'share',"
	    " maxprot = 'rw'}\n"
	    "p:fill(none, '8K', 1); p:fill(zero, '8K', 2); p:fill(shr, '8K', 3)\n"
	    "local c = p:fork('c')\n"
	    "local ok, e = pcall(c.read, c, none, 1)\n"
	    "print('none=' .. tostring(e):match('E%u+'))\n"
	    "print('zero=' .. tostring(c:verify(zero, '8K', 0)))\n"
	    "c:fill(shr, '4K', 4)\n"
	    "print('share=' .. tostring(p:verify(shr, '4K', 4)))\n"
	    "p:protect(shr, '8K', 'r')\n"
	    "ok, e = pcall(p.write, p, shr, 'x')\n"
	    "print('ro=' .. tostring(e):match('E%u+'))\n"
	    "ok, e = pcall(p.protect, p, shr, '8K', 'rwx')\n"
	    "print('max=' .. tostring(ok))\n"
	    "p:advise(shr, '8K', 'sequential')\n"
	    "p:inherit(none, '8K', 'copy')\n"
	    "c:exec()\n"
	    "print('exec=' .. #c:entries())\n"
	    "ok, e = pcall(c.read, c, shr, 1)\n"
	    "print('gone=' .. tostring(e):match('E%u+'))\n"
	    "c:exit()\n"
	    "ok, e = pcall(c.read, c, shr, 1)\n"
	    "print('exited=' .. tostring(e):match('has exited') )\n"
	    "p:unmap(zero, '8K')\n"
	    "print('unmapped=' .. #p:entries())\n"
	    "local t = p:fork('t', true)\n"
	    "t:fill(none, '4K', 7)\n"
	    "print('vfork=' .. tostring(p:verify(none, '4K', 7)))\n"
	    "print('sharevm=' .. uvm.sysctl('vm.uvmexp.forks_sharevm'))\n");
	ATF_CHECK_EQ(uvmsim("run", "api.lua", NULL), 0);
	HAS(out, "none=EFAULT");
	HAS(out, "zero=true");
	HAS(out, "share=true");
	HAS(out, "ro=EFAULT");
	HAS(out, "max=false");
	HAS(out, "exec=0");
	HAS(out, "gone=EFAULT");
	HAS(out, "exited=has exited");
	HAS(out, "unmapped=2");
	HAS(out, "vfork=true");
	HAS(out, "sharevm=1");
}

ATF_TC_WITHOUT_HEAD(files_read_write_truncate);
ATF_TC_BODY(files_read_write_truncate, tc)
{
	script("f.lua", "local uvm = require 'uvm'\n"
	    "local f = uvm.open('x.dat', 'rwct')\n"
	    "f:write(0, 'hello, world')\n"
	    "print('read=' .. f:read(7, 5))\n"
	    "f:truncate(5)\n"
	    "print('size=' .. f:size() .. ' tail=' .. #f:read(0, 100))\n"
	    "f:sync()\n"
	    "print('wio=' .. f:stats().writeio)\n"
	    "print('awio=' .. f:stats().asyncwio .. ' aio=' .. "
	    "f:stats().asyncio)\n"
	    "f:close()\n"
	    "local ok, e = pcall(uvm.open, 'missing.dat', 'r')\n"
	    "print(e)\n");
	ATF_CHECK_EQ(uvmsim("run", "f.lua", NULL), 0);
	HAS(out, "read=world");
	HAS(out, "size=5 tail=5");
	ATF_CHECK(keyed("wio") >= 1);
	/* A sync's writes are synchronous; no read-ahead here. */
	HAS(out, "awio=0 aio=0");
	HAS(out, "open missing.dat: ENOENT");
}

ATF_TC_WITHOUT_HEAD(coroutines_interleave);
ATF_TC_BODY(coroutines_interleave, tc)
{
	script("co.lua", "local uvm = require 'uvm'\n"
	    "local log = {}\n"
	    "local function body(n) return function()\n"
	    "  for i = 1, 3 do log[#log + 1] = n .. i; coroutine.yield() end\n"
	    "end end\n"
	    "uvm.run(body('a'), body('b'))\n"
	    "print('order=' .. table.concat(log, ','))\n"
	    "uvm.run(function() error('inside') end)\n");
	ATF_CHECK_EQ(uvmsim("run", "co.lua", NULL), 3);
	HAS(out, "order=a1,b1,a2,b2,a3,b3");
	HAS(err, "co.lua:8: inside");
}

ATF_TC_WITHOUT_HEAD(progress_line_only_on_a_tty);
ATF_TC_BODY(progress_line_only_on_a_tty, tc)
{
	/* A run of well over PROGRESS_MS (200 ms): paging beyond RAM. */
	ATF_CHECK_EQ(uvmsim_tty("--ram", "16M", "run", EXAMPLE("memhog.lua"),
	    "2", "4", NULL), 0);
	HAS(out, "every byte verified");
	HAS(err, "flt/s");
	HAS(err, " free ");
	HAS(err, " swap ");
	/* Redrawn in place and erased before the narrative and at exit. */
	HAS(err, "\r");
	HAS(err, "\r\033[K");
	ATF_CHECK(strstr(out, "\033[") == NULL);
	ATF_CHECK(strstr(out, "flt/s") == NULL);
	/* The same run, stderr not a terminal: nothing at all. */
	ATF_CHECK_EQ(uvmsim("--ram", "16M", "run", EXAMPLE("memhog.lua"), "2",
	    "4", NULL), 0);
	ATF_CHECK_STREQ(err, "");
}

ATF_TC_WITHOUT_HEAD(stats_csv_and_plot);
ATF_TC_BODY(stats_csv_and_plot, tc)
{
	unsigned char png[24];
	struct stat st;
	int lines = 0, forks = -1, faults = -1;
	double t, tprev = -1;
	bool monotonic = true;
	FILE *fp;
	char buf[512];

	script("st.lua", "local uvm = require 'uvm'\n"
	    "local p = uvm.spawn('p')\n"
	    "local va = p:map{size = '2M'}\n"
	    "p:fill(va, '2M', 1)\n"
	    "uvm.sample()\n"
	    "local c = p:fork('c'); c:fill(va, '1M', 2)\n"
	    "local g = c:fork('g'); g:fill(va, '512K', 3)\n"
	    "print('forks=' .. uvm.sysctl('vm.uvmexp.forks'))\n"
	    "print('faults=' .. uvm.sysctl('vm.uvmexp.faults'))\n");
	ATF_CHECK_EQ(uvmsim("-q", "--stats", "s.csv", "run", "st.lua", NULL),
	    0);
	fp = fopen("s.csv", "r");
	ATF_REQUIRE(fp != NULL);
	ATF_REQUIRE(fgets(buf, sizeof(buf), fp) != NULL);
	ATF_CHECK(strncmp(buf, "time,free,active,inactive,wired,swpginuse,"
	    "anonpages,filepages,faults,flt_acow,flt_przero,flt_anon,flt_obj,"
	    "pgswapin,pgswapout,pdfreed,pdscans,forks,fault_rate,cow_rate,"
	    "pgin_rate,pgout_rate\n", 200) == 0);
	while (fgets(buf, sizeof(buf), fp) != NULL) {
		int n = 0, f = 0, fl = 0;

		lines++;
		t = strtod(buf, NULL);
		monotonic = monotonic && t >= tprev;
		tprev = t;
		/* columns 9 (faults) and 18 (forks) */
		for (char *c = buf; *c != '\0'; c++) {
			if (*c != ',')
				continue;
			n++;
			if (n == 8)
				fl = atoi(c + 1);
			if (n == 17)
				f = atoi(c + 1);
		}
		ATF_CHECK_EQ_MSG(n, 21, "row %d has %d columns", lines, n + 1);
		forks = f;
		faults = fl;
	}
	fclose(fp);
	ATF_CHECK(lines >= 2);	/* uvm.sample() and the final one */
	ATF_CHECK(monotonic);
	/* The last row is the machine at the end. */
	ATF_CHECK_EQ(forks, keyed("forks"));
	ATF_CHECK_EQ(faults, keyed("faults"));
	if (system("command -v gnuplot >/dev/null 2>&1") != 0)
		atf_tc_skip("gnuplot is not installed");
	ATF_CHECK_EQ(uvmsim("-q", "--plot", "p.png", "run", "st.lua", NULL),
	    0);
	ATF_REQUIRE(stat("p.png", &st) == 0);
	ATF_CHECK(st.st_size > 10000);
	/* A PNG of 1100 x 800 pixels. */
	fp = fopen("p.png", "rb");
	ATF_REQUIRE(fp != NULL);
	ATF_REQUIRE_EQ(fread(png, 1, sizeof(png), fp), sizeof(png));
	fclose(fp);
	ATF_CHECK(memcmp(png, "\x89PNG\r\n\x1a\n", 8) == 0);
	ATF_CHECK(memcmp(png + 12, "IHDR", 4) == 0);
	ATF_CHECK_EQ((png[16] << 24) | (png[17] << 16) | (png[18] << 8) |
	    png[19], 1100);
	ATF_CHECK_EQ((png[20] << 24) | (png[21] << 16) | (png[22] << 8) |
	    png[23], 800);
	/* A gnuplot that fails is reported, not ignored. */
	ATF_CHECK_EQ(uvmsim("-q", "--plot", "/nonexistent-dir/p.png", "run",
	    "st.lua", NULL), 2);
	HAS(err, "--plot: gnuplot failed");
}

/* Skip unless the binary has the binding (its subsystem is in the tree). */
static void
require_binding(const char *expr, const char *why)
{
	char text[256];

	snprintf(text, sizeof(text), "local uvm = require 'uvm'\n"
	    "print('have=' .. tostring(%s ~= nil))\n", expr);
	script("have.lua", text);
	ATF_REQUIRE_EQ(uvmsim("run", "have.lua", NULL), 0);
	ATF_REQUIRE_MSG(strstr(out, "have=true") != NULL, "%s", why);
}

ATF_TC_WITHOUT_HEAD(step_pages_out_beyond_ram);
ATF_TC_BODY(step_pages_out_beyond_ram, tc)
{
	require_binding("uvm.step", "this tree has no pagedaemon");
	script("step.lua", "local uvm = require 'uvm'\n"
	    "local p = uvm.spawn('p')\n"
	    "local va = p:map{size = '12M'}\n"
	    "p:fill(va, '12M', 3)\n"
	    "print('out=' .. uvm.sysctl('vm.uvmexp.pgswapout'))\n"
	    "print('freed=' .. uvm.step(2))\n"
	    "print('ok=' .. tostring(p:verify(va, '12M', 3)))\n"
	    "print('in=' .. uvm.sysctl('vm.uvmexp.pgswapin'))\n");
	ATF_CHECK_EQ(uvmsim("--ram", "8M", "run", "step.lua", NULL), 0);
	ATF_CHECK(keyed("out") > 0);
	ATF_CHECK(keyed("freed") >= 0);
	HAS(out, "ok=true");
	ATF_CHECK(keyed("in") > 0);
	/* The memory hog beyond RAM, as the example documents. */
	ATF_CHECK_EQ(uvmsim("--ram", "8M", "run", EXAMPLE("memhog.lua"), "2",
	    "4", NULL), 0);
	HAS(out, "every byte verified");
}

ATF_TC_WITHOUT_HEAD(loan_lends_pages_to_the_kernel);
ATF_TC_BODY(loan_lends_pages_to_the_kernel, tc)
{
	require_binding("uvm.spawn('x').loan", "this tree has no uvm_loan");
	script("loan.lua", "local uvm = require 'uvm'\n"
	    "local p = uvm.spawn('lender')\n"
	    "local va = p:map{size = '64K'}\n"
	    "p:fill(va, '64K', 3)\n"
	    "local l = p:loan(va, '64K')\n"
	    "print('n=' .. l:npages())\n"
	    "print('lent=' .. tostring(l:verify(3)))\n"
	    "p:fill(va, '4K', 9)\n"
	    "print('kept=' .. tostring(l:verify(3)))\n"
	    "print('own=' .. tostring(p:verify(va, '4K', 9)))\n"
	    "print('same=' .. tostring(l:read(4096, 16) == p:read(va + 4096, 16)))\n"
	    "l:release()\n"
	    "print(select(2, pcall(l.read, l, 0, 1)))\n");
	ATF_CHECK_EQ(uvmsim("run", "loan.lua", NULL), 0);
	ATF_CHECK_EQ(keyed("n"), 16);
	HAS(out, "lent=true");
	HAS(out, "kept=true");
	HAS(out, "own=true");
	HAS(out, "same=true");
	HAS(out, "the loan from lender (pid 1) is returned");
}


/* ------------------------------------------------------------------
 * Process bodies on threads (--procs threads, uvm.run{procs = ...}).
 */

/*
 * Each side raises its flag in shared memory and then waits to read
 * the other's.  Under coroutines nothing yields, so the first body
 * spins alone and gives up after `limit' reads (arg 1); only bodies that
 * really run at the same time both get past the wait.  (As threads the
 * limit is only there for a broken build: the wait ends when the other
 * thread is scheduled.)
 */
static const char handshake_lua[] =
    "local uvm = require 'uvm'\n"
    "local p = uvm.spawn('left')\n"
    "local va = p:map{size = '8K', shared = true}\n"
    "local q = p:fork('right')\n"
    "local limit = tonumber(arg[1])\n"
    "local function side(me, mine, theirs) return function()\n"
    "  me:write(va + mine, '\\1')\n"
    "  local n = 0\n"
    "  while me:read(va + theirs, 1) ~= '\\1' do\n"
    "    n = n + 1\n"
    "    if n > limit then error(me.name .. ' saw no progress') end\n"
    "  end\n"
    "  print(me.name .. '=saw')\n"
    "end end\n"
    "print('procs=' .. uvm.machine.procs)\n"
    "uvm.run(side(p, 0, 4096), side(q, 4096, 0))\n"
    "print('handshake=done')\n";

ATF_TC_WITHOUT_HEAD(threads_run_concurrently);
ATF_TC_BODY(threads_run_concurrently, tc)
{
	script("hs.lua", handshake_lua);
	ATF_CHECK_EQ(uvmsim("--procs", "threads", "run", "hs.lua", "5000000",
	    NULL), 0);
	HAS(out, "procs=threads");
	HAS(out, "left=saw");
	HAS(out, "right=saw");
	HAS(out, "handshake=done");
	ATF_CHECK_STREQ(err, "");
	/* The same script deadlocks (and gives up) as coroutines. */
	ATF_CHECK_EQ(uvmsim("--procs", "coroutines", "run", "hs.lua", "20000",
	    NULL), 3);
	HAS(out, "procs=coroutines");
	HAS(err, "hs.lua:11: left saw no progress");
	ATF_CHECK(strstr(out, "handshake=done") == NULL);
	/* procs= in uvm.run overrides the machine's mode. */
	script("hs2.lua", "local uvm = require 'uvm'\n"
	    "local run = uvm.run\n"
	    "uvm.run = function(...) return run({procs = 'threads'}, ...) end\n"
	    "assert(loadfile('hs.lua'))(...)\n");
	ATF_CHECK_EQ(uvmsim("run", "hs2.lua", "5000000", NULL), 0);
	HAS(out, "handshake=done");
}

ATF_TC_WITHOUT_HEAD(thread_error_names_thread_process_and_line);
ATF_TC_BODY(thread_error_names_thread_process_and_line, tc)
{
	/*
	 * Thread 2 faults on an unmapped address; thread 1, filling in a
	 * loop, and thread 3, spinning in plain Lua, are stopped.
	 */
	script("te.lua", "local uvm = require 'uvm'\n"
	    "local p = uvm.spawn('worker')\n"
	    "local va = p:map{size = '256K'}\n"
	    "local q = p:fork('crasher')\n"
	    "uvm.run(function()\n"
	    "  while true do p:fill(va, '256K', 3) end\n"
	    "end, function()\n"
	    "  q:fill(va, '64K', 4)\n"
	    "  q:write(0x7f000000, 'x')\n"
	    "end, function()\n"
	    "  local x = 0\n"
	    "  while true do x = x + 1 end\n"
	    "end)\n"
	    "print('not reached')\n");
	ATF_CHECK_EQ(uvmsim("--procs", "threads", "run", "te.lua", NULL), 3);
	HAS(err, "uvmsim: thread 2 (crasher, pid 2): te.lua:9: crasher: write"
	    " at 0x7f000000: EFAULT");
	ATF_CHECK(strstr(err, "stopped") == NULL);	/* only the cause */
	ATF_CHECK(strstr(out, "not reached") == NULL);
	/* A plain error(), before the thread touched any process. */
	script("te2.lua", "local uvm = require 'uvm'\n"
	    "uvm.run(function() end,\n"
	    "  function() error('plain') end)\n");
	ATF_CHECK_EQ(uvmsim("--procs", "threads", "run", "te2.lua", NULL), 3);
	HAS(err, "uvmsim: thread 2: te2.lua:3: plain\n");
	/* A nested run's threads are stopped too (this one never ends). */
	script("te4.lua", "local uvm = require 'uvm'\n"
	    "local p = uvm.spawn('a')\n"
	    "local va = p:map{size = '64K', shared = true}\n"
	    "uvm.run{procs = 'threads', function()\n"
	    "  uvm.run{procs = 'threads', function()\n"
	    "    while p:read(va, 1) ~= '\\1' do end\n"
	    "  end}\n"
	    "end, function()\n"
	    "  p:read(va, 1)\n"
	    "  error('outer fails')\n"
	    "end}\n");
	ATF_CHECK_EQ(uvmsim("run", "te4.lua", NULL), 3);
	HAS(err, "uvmsim: thread 2 (a, pid 1): te4.lua:10: outer fails\n");
	/* Not quiescent: uvm.check() belongs after the run. */
	script("te3.lua", "local uvm = require 'uvm'\n"
	    "uvm.run(function() uvm.check() end)\n");
	ATF_CHECK_EQ(uvmsim("--procs", "threads", "run", "te3.lua", NULL), 3);
	HAS(err, "te3.lua:2: uvm.check: the machine is not quiescent");
}

ATF_TC_WITHOUT_HEAD(procs_bad_values_give_documented_errors);
ATF_TC_BODY(procs_bad_values_give_documented_errors, tc)
{
	ATF_CHECK_EQ(uvmsim("--procs", "fibres", NULL), 2);
	HAS(err, "uvmsim: --procs fibres: must be threads or coroutines");
	script("b1.lua", "require('uvm').run{procs = 'fibres', function() end}\n");
	ATF_CHECK_EQ(uvmsim("run", "b1.lua", NULL), 3);
	HAS(err, "b1.lua:1: run: procs = fibres: must be \"threads\" or"
	    " \"coroutines\"");
	script("b2.lua", "local uvm = require 'uvm'\n"
	    "uvm.run(function() end, 42)\n");
	ATF_CHECK_EQ(uvmsim("--procs", "threads", "run", "b2.lua", NULL), 3);
	HAS(err, "b2.lua:2: run: body 2 is a number, not a function");
	ATF_CHECK_EQ(uvmsim("--help", NULL), 0);
	HAS(out, "--procs MODE");
}

ATF_TC_WITHOUT_HEAD(exit_waits_for_threads_in_the_process);
ATF_TC_BODY(exit_waits_for_threads_in_the_process, tc)
{
	/*
	 * Thread 1 fills 4 MiB of p outside the interpreter lock; thread 2
	 * sees the fill begin, exits p in the middle of it and must wait
	 * for the fill (which completes, every byte) before p goes.
	 * Thread 1's next call finds p gone.
	 */
	script("ex.lua", "local uvm = require 'uvm'\n"
	    "local p = uvm.spawn('victim')\n"
	    "local va = p:map{size = '4M'}\n"
	    "local filled, after\n"
	    "uvm.run(function()\n"
	    "  p:fill(va, '4M', 6)\n"
	    "  filled = uvm.failures()\n"
	    "  after = select(2, pcall(p.read, p, va, 1))\n"
	    "end, function()\n"
	    "  while p:read(va, 1) == '\\0' do coroutine.yield() end\n"
	    "  p:exit()\n"
	    "  print('exited=' .. tostring(not p.alive))\n"
	    "end)\n"
	    "print('fill=' .. filled)\n"
	    "print('after=' .. after)\n");
	ATF_CHECK_EQ(uvmsim("--procs", "threads", "run", "ex.lua", NULL), 0);
	HAS(out, "exited=true");
	HAS(out, "fill=0");
	HAS(out, "after=process victim (pid 1) has exited");
	ATF_CHECK_STREQ(err, "");
}

ATF_TC_WITHOUT_HEAD(thread_verification_failure_names_process_and_bytes);
ATF_TC_BODY(thread_verification_failure_names_process_and_bytes, tc)
{
	script("tv.lua", "local uvm = require 'uvm'\n"
	    "local p = uvm.spawn('victim')\n"
	    "local va = p:map{size = '1M', shared = true}\n"
	    "local q = p:fork('twin')\n"
	    "p:fill(va, '1M', 5)\n"
	    "local want = uvm.pattern(5, va + 300000)\n"
	    "print(string.format('want=%d found=%d', want, want ~ 0x5a))\n"
	    "local r = {}\n"
	    "uvm.run(function() q:write(va + 300000, string.char(want ~ 0x5a))"
	    " end)\n"
	    "uvm.run(function() r[1] = p:verify(va, '1M', 5) end,\n"
	    "  function() r[2] = q:verify(va, '512K', 5) end)\n"
	    "print('r=' .. tostring(r[1]) .. ',' .. tostring(r[2]))\n");
	ATF_CHECK_EQ(uvmsim("--procs", "threads", "run", "tv.lua", NULL), 1);
	HAS(out, "r=false,false");
	HAS(err, "verification failed: victim (pid 1): address 0x493e0:");
	HAS(err, "verification failed: twin (pid 2): address 0x493e0:");
	{
		char want[64];

		snprintf(want, sizeof(want), "expected 0x%02lx, found 0x%02lx",
		    keyed("want"), keyed("found"));
		HAS(err, want);
	}
	HAS(err, "uvmsim: 2 verifications failed");
}

ATF_TC_WITHOUT_HEAD(example_threads_verifies_in_both_modes);
ATF_TC_BODY(example_threads_verifies_in_both_modes, tc)
{
	ATF_CHECK_EQ(uvmsim("--procs", "threads", "--daemon", "threaded",
	    "--ram", "8M", "run", EXAMPLE("threads.lua"), "4", "0.3", NULL), 0);
	HAS(out, "4 children on threads, pagedaemon threaded");
	HAS(out, "verified 9 processes: ok");
	HAS(out, "all processes exited; 2048 pages free");
	ATF_CHECK_STREQ(err, "");
	ATF_CHECK_EQ(uvmsim("--procs", "threads", "--ram", "8M", "run",
	    EXAMPLE("threads.lua"), "3", "0.3", NULL), 0);
	HAS(out, "verified 7 processes: ok");
	ATF_CHECK_EQ(uvmsim("--procs", "coroutines", "--daemon", "threaded",
	    "--ram", "8M", "run", EXAMPLE("threads.lua"), "4", "0.3", NULL), 0);
	HAS(out, "4 children on coroutines");
	HAS(out, "verified 9 processes: ok");
}

ATF_TC_WITHOUT_HEAD(default_and_examples_verify_as_threads);
ATF_TC_BODY(default_and_examples_verify_as_threads, tc)
{
	ATF_CHECK_EQ(uvmsim("--procs", "threads", "--daemon", "threaded",
	    "--ram", "16M", NULL), 0);
	HAS(out, "every byte verified");
	HAS(out, "all processes exited; 4096 pages free");
	ATF_CHECK_EQ(vmstat_value("forks total"), 8);
	ATF_CHECK_STREQ(err, "");
	ATF_CHECK_EQ(uvmsim("--procs", "threads", "run",
	    EXAMPLE("forkstorm.lua"), "2", "3", "256K", NULL), 0);
	HAS(out, "verified 13 processes: ok");
	ATF_CHECK_EQ(uvmsim("--procs", "threads", "--daemon", "threaded",
	    "--no-swap", "--ram", "16M", "run", EXAMPLE("swapoff.lua"), NULL),
	    0);
	HAS(out, "after swapoff fast: verified");
	HAS(out, "after swapon fast: verified");
	ATF_CHECK_EQ(uvmsim("--procs", "threads", "--ram", "16M", "run",
	    EXAMPLE("memhog.lua"), "0.5", "4", NULL), 0);
	HAS(out, "every byte verified");
	ATF_CHECK_EQ(uvmsim("--procs", "threads", "run",
	    EXAMPLE("filemap.lua"), "128K", NULL), 0);
	HAS(out, "mappings and read/write agree");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, default_workload_verifies_every_byte);
	ATF_TP_ADD_TC(tp, default_workload_small_pages_and_ram);
	ATF_TP_ADD_TC(tp, example_forkstorm_verifies);
	ATF_TP_ADD_TC(tp, example_memhog_verifies);
	ATF_TP_ADD_TC(tp, example_filemap_coherent);
	ATF_TP_ADD_TC(tp, example_swapoff_verifies);
	ATF_TP_ADD_TC(tp, example_policy_reports);
	ATF_TP_ADD_TC(tp, script_syntax_error_names_line);
	ATF_TP_ADD_TC(tp, script_runtime_error_names_line_and_errno);
	ATF_TP_ADD_TC(tp, missing_script_exits_3);
	ATF_TP_ADD_TC(tp, verification_failure_names_process_and_bytes);
	ATF_TP_ADD_TC(tp, bad_options_say_which_and_exit_2);
	ATF_TP_ADD_TC(tp, machine_that_cannot_boot_exits_4);
	ATF_TP_ADD_TC(tp, help_and_version_exit_0);
	ATF_TP_ADD_TC(tp, script_gets_arguments);
	ATF_TP_ADD_TC(tp, vmstat_s_and_sysctl_agree);
	ATF_TP_ADD_TC(tp, vmstat_line_and_sysctl_vm_show_the_counters);
	ATF_TP_ADD_TC(tp, sysctl_unknown_name_is_an_error);
	ATF_TP_ADD_TC(tp, swapctl_l_lists_devices);
	ATF_TP_ADD_TC(tp, pmap_lists_entries);
	ATF_TP_ADD_TC(tp, api_protect_inherit_exec_exit);
	ATF_TP_ADD_TC(tp, files_read_write_truncate);
	ATF_TP_ADD_TC(tp, coroutines_interleave);
	ATF_TP_ADD_TC(tp, progress_line_only_on_a_tty);
	ATF_TP_ADD_TC(tp, stats_csv_and_plot);
	ATF_TP_ADD_TC(tp, step_pages_out_beyond_ram);
	ATF_TP_ADD_TC(tp, loan_lends_pages_to_the_kernel);
	ATF_TP_ADD_TC(tp, threads_run_concurrently);
	ATF_TP_ADD_TC(tp, thread_error_names_thread_process_and_line);
	ATF_TP_ADD_TC(tp, procs_bad_values_give_documented_errors);
	ATF_TP_ADD_TC(tp, exit_waits_for_threads_in_the_process);
	ATF_TP_ADD_TC(tp, thread_verification_failure_names_process_and_bytes);
	ATF_TP_ADD_TC(tp, example_threads_verifies_in_both_modes);
	ATF_TP_ADD_TC(tp, default_and_examples_verify_as_threads);
	return atf_no_error();
}
