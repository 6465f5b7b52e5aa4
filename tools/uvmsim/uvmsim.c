/*
 * uvmsim: the command-line machine.
 *
 * Boots a machine described by the command line, prints its physical
 * memory layout and the uvmexp page counters, exercises the page
 * allocator, runs the built-in workload (workload.c: processes that map
 * memory, fork and write copy-on-write, every byte verified), and shuts
 * down.
 *
 * Exit status: 0 on success, 1 if the machine failed to boot or a check
 * failed, 2 for bad usage.
 */

#include <uvm/uvm.h>

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uvmsim.h"

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: uvmsim [-q] [--ram SIZE] [--pagesize SIZE] [--colors N]\n"
	    "              [--seed N] [--help] [--version]\n"
	    "\n"
	    "Boots a libuvm machine and prints its physical memory layout and\n"
	    "page counters.  SIZE takes a K, M or G suffix.\n");
}

static int
parse_size(const char *opt, const char *s, uint64_t *v)
{
	char *end;
	unsigned long long n;

	n = strtoull(s, &end, 0);
	if (end == s)
		goto bad;
	switch (*end) {
	case 'k': case 'K': n <<= 10; end++; break;
	case 'm': case 'M': n <<= 20; end++; break;
	case 'g': case 'G': n <<= 30; end++; break;
	}
	if (*end != '\0')
		goto bad;
	*v = n;
	return 0;
bad:
	fprintf(stderr, "uvmsim: %s: \"%s\" is not a size (e.g. 64M)\n", opt, s);
	return -1;
}

static void
print_layout(void)
{
	uvm_physseg_t seg;

	printf("physical memory: %d pages of %d bytes (%" PRIu64 " KiB)\n",
	    uvmexp.npages, uvmexp.pagesize,
	    (uint64_t)uvmexp.npages * (uint64_t)uvmexp.pagesize / 1024);
	printf("%-4s %-18s %-18s %-18s %-18s %s\n", "seg", "start", "end",
	    "avail_start", "avail_end", "freelist");
	for (seg = uvm_physseg_get_first(); uvm_physseg_valid_p(seg);
	    seg = uvm_physseg_get_next(seg)) {
		printf("%-4d %#-18" PRIx64 " %#-18" PRIx64 " %#-18" PRIx64
		    " %#-18" PRIx64 " %d\n", seg,
		    (uint64_t)ptoa(uvm_physseg_get_start(seg)),
		    (uint64_t)ptoa(uvm_physseg_get_end(seg)),
		    (uint64_t)ptoa(uvm_physseg_get_avail_start(seg)),
		    (uint64_t)ptoa(uvm_physseg_get_avail_end(seg)),
		    uvm_physseg_get_free_list(seg));
	}
}

static void
print_counters(const char *when)
{
	printf("%s:\n", when);
	printf("%12d pages managed\n", uvmexp.npages);
	printf("%12d pages free\n", uvmexp.free);
	printf("%12d pages zeroed on the free lists\n", uvmexp.zeropages);
	printf("%12d pages active\n", uvmexp.active);
	printf("%12d pages inactive\n", uvmexp.inactive);
	printf("%12d pages wired\n", uvmexp.wired);
	printf("%12d reserve pagedaemon pages\n", uvmexp.reserve_pagedaemon);
	printf("%12d reserve kernel pages\n", uvmexp.reserve_kernel);
	printf("%12d zero-pool hits\n", uvmexp.pga_zerohit);
	printf("%12d zero-pool misses\n", uvmexp.pga_zeromiss);
}

/*
 * A small demonstration of the allocator: take half the free pages,
 * zeroing some, give them back (the zeroed ones to the zero pool), and
 * check the counters and the invariants at each step.
 */
static int
exercise(void)
{
	int n = uvmexp.free / 2, got = 0, failures = 0;
	struct vm_page **pgs;
	const char *why;

	pgs = calloc((size_t)n, sizeof(*pgs));
	if (pgs == NULL)
		return 1;
	for (int i = 0; i < n; i++) {
		pgs[i] = uvm_pagealloc(NULL, 0, NULL, (i & 1) ? UVM_PGA_ZERO : 0);
		if (pgs[i] != NULL)
			got++;
	}
	print_counters("after allocating half of memory");
	for (int i = 0; i < n; i++) {
		if (pgs[i] == NULL)
			continue;
		if (i & 1)
			pgs[i]->flags |= PG_ZERO;	/* still zero: pool it */
		uvm_pagefree(pgs[i]);
	}
	free(pgs);
	if (got != n) {
		printf("uvmsim: allocated %d of %d pages\n", got, n);
		failures++;
	}
	if ((why = uvm_page_check()) != NULL) {
		printf("uvmsim: invariant violated: %s\n", why);
		failures++;
	}
	print_counters("after freeing them");
	return failures != 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ram", required_argument, NULL, 'r' },
		{ "pagesize", required_argument, NULL, 'p' },
		{ "colors", required_argument, NULL, 'c' },
		{ "seed", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct uvm_machine m;
	uint64_t v;
	int ch, rv;

	uvm_machine_defaults(&m);
	m.m_quiet = true;
	while ((ch = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			if (parse_size("--ram", optarg, &v) != 0)
				return 2;
			m.m_ramsize = v;
			break;
		case 'p':
			if (parse_size("--pagesize", optarg, &v) != 0)
				return 2;
			m.m_pagesize = (unsigned int)v;
			break;
		case 'c':
			if (parse_size("--colors", optarg, &v) != 0)
				return 2;
			m.m_ncolors = (int)v;
			break;
		case 's':
			if (parse_size("--seed", optarg, &v) != 0)
				return 2;
			m.m_seed = v;
			break;
		case 'q':
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("uvmsim (libuvm) 0.1.0\n");
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "uvmsim: unexpected argument \"%s\"\n",
		    argv[optind]);
		usage(stderr);
		return 2;
	}
	if (uvm_machine_boot(&m) != 0) {
		fprintf(stderr, "uvmsim: the machine did not boot\n");
		return 1;
	}
	print_layout();
	print_counters("after boot");
	rv = exercise();
	printf("\n");
	rv |= uvmsim_workload();
	uvm_machine_shutdown();
	printf("uvmsim: %s\n", rv == 0 ? "all checks passed" : "FAILED");
	return rv;
}
