/*
 * workload.c: uvmsim's built-in workload, in C.
 *
 * An init process maps anonymous memory (one private region, one
 * region it shares with its children), fills it with patterns, and
 * forks children; each child writes its own pattern over part of the
 * private region (copy-on-write), one child writes into the shared
 * region, and a grandchild is forked from a child.  Every byte of every
 * process is then verified, through copy(9) as a program would read it,
 * and the invariant checkers run after each step.
 *
 * The narrative goes to stdout; a failed verification names process,
 * address, expected and found bytes.
 */

#include <uvm/uvm.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uvmsim.h"

#define NCHILD		4

struct sproc {
	char		name[16];
	struct vmspace	*vm;
	int		seed;		/* pattern of its private region */
	vsize_t		written;	/* bytes of the region it wrote */
};

static vaddr_t priv_va, shared_va;
static vsize_t region;
static int failures;

static unsigned char
pattern(int seed, vaddr_t off)
{
	return (unsigned char)((off * 131u + (unsigned)seed * 7u + (off >> 12))
	    & 0xff);
}

static int
check(struct vm_map *map)
{
	const char *why;

	if ((why = uvm_page_check()) != NULL ||
	    (why = uvm_map_check(kernel_map)) != NULL ||
	    (map != NULL && (why = uvm_map_check(map)) != NULL)) {
		printf("uvmsim: invariant violated: %s\n", why);
		failures++;
		return -1;
	}
	return 0;
}

/* Fill [va + from, va + to) of vm with pattern seed. */
static int
fill(struct sproc *p, vaddr_t va, vsize_t from, vsize_t to, int seed)
{
	unsigned char *buf = malloc(to - from);
	int error;

	if (buf == NULL)
		return ENOMEM;
	for (vsize_t i = from; i < to; i++)
		buf[i - from] = pattern(seed, i);
	error = copyout_vmspace(p->vm, buf, (void *)(va + from), to - from);
	free(buf);
	if (error)
		printf("uvmsim: %s: writing %#jx: error %d\n", p->name,
		    (uintmax_t)(va + from), error);
	return error;
}

/* Verify [va + from, va + to) of p holds pattern seed. */
static int
verify(struct sproc *p, const char *what, vaddr_t va, vsize_t from,
    vsize_t to, int seed)
{
	unsigned char *buf = malloc(to - from);
	int error;

	if (buf == NULL)
		return ENOMEM;
	error = copyin_vmspace(p->vm, (const void *)(va + from), buf,
	    to - from);
	if (error) {
		printf("uvmsim: %s: reading %s at %#jx: error %d\n", p->name,
		    what, (uintmax_t)(va + from), error);
		failures++;
	} else {
		for (vsize_t i = from; i < to; i++) {
			if (buf[i - from] != pattern(seed, i)) {
				printf("uvmsim: %s: %s byte at %#jx: expected"
				    " %#04x, found %#04x\n", p->name, what,
				    (uintmax_t)(va + i), pattern(seed, i),
				    buf[i - from]);
				failures++;
				error = EIO;
				break;
			}
		}
	}
	free(buf);
	return error;
}

static void
vmstat_s(void)
{
	printf("%12d pages managed\n", uvmexp.npages);
	printf("%12d pages free\n", uvmexp.free);
	printf("%12d pages active\n", uvmexp.active);
	printf("%12d pages inactive\n", uvmexp.inactive);
	printf("%12d pages wired\n", uvmexp.wired);
	printf("%12d anon pages\n", uvmexp.anonpages);
	printf("%12d anons\n", uvmexp.nanon);
	printf("%12d page faults\n", uvmexp.faults);
	printf("%12d faults on anons in place (case 1A)\n", uvmexp.flt_anon);
	printf("%12d copy-on-write faults on anons (case 1B)\n",
	    uvmexp.flt_acow);
	printf("%12d faults on object pages (case 2A)\n", uvmexp.flt_obj);
	printf("%12d zero-fill faults (case 2B)\n", uvmexp.flt_przero);
	printf("%12d object copy-on-write faults (case 2B)\n",
	    uvmexp.flt_prcopy);
	printf("%12d amap copies (needs-copy cleared)\n", uvmexp.fltamcopy);
	printf("%12d neighbouring anon pages mapped\n", uvmexp.fltnamap);
	printf("%12d forks\n", uvmexp.forks);
	printf("%12d zero-pool hits\n", uvmexp.pga_zerohit);
	printf("%12d zero-pool misses\n", uvmexp.pga_zeromiss);
}

static void
map_print(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

int
uvmsim_workload(void)
{
	struct sproc init, child[NCHILD], grand;
	int error;

	failures = 0;
	/* A quarter of memory, split in a private and a shared region. */
	region = round_page((vsize_t)ptoa((vsize_t)uvmexp.free) / 8);

	memset(&init, 0, sizeof(init));
	snprintf(init.name, sizeof(init.name), "init");
	init.vm = uvmspace_alloc(VM_MIN_ADDRESS, VM_MAXUSER_ADDRESS, false);
	init.seed = 1;
	printf("init: mapping %ju KiB private and %ju KiB shared anonymous"
	    " memory\n", (uintmax_t)region / 1024, (uintmax_t)region / 1024);
	priv_va = shared_va = 0;
	/* Private anonymous memory is copy-on-write zero-fill, as mmap does. */
	error = uvm_map(&init.vm->vm_map, &priv_va, region, NULL,
	    UVM_UNKNOWN_OFFSET, 0, UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_RW,
	    UVM_INH_COPY, UVM_ADV_NORMAL, UVM_FLAG_COPYONW));
	/* Shared anonymous memory is an anonymous object (mmap MAP_SHARED). */
	if (error == 0) {
		struct uvm_object *uobj = uao_create(region, 0);

		error = uvm_map(&init.vm->vm_map, &shared_va, region, uobj,
		    0, 0, UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_RW, UVM_INH_SHARE,
		    UVM_ADV_NORMAL, 0));
		if (error)
			uao_detach(uobj);
	}
	if (error) {
		printf("uvmsim: init: uvm_map failed: error %d\n", error);
		uvmspace_free(init.vm);
		return 1;
	}
	if (fill(&init, priv_va, 0, region, init.seed) != 0 ||
	    fill(&init, shared_va, 0, region, 100) != 0) {
		uvmspace_free(init.vm);
		return 1;
	}
	init.written = region;
	check(&init.vm->vm_map);
	printf("init: wrote both regions; %d pages free\n", uvmexp.free);

	for (int i = 0; i < NCHILD; i++) {
		struct sproc *c = &child[i];

		snprintf(c->name, sizeof(c->name), "child%d", i);
		c->vm = uvmspace_fork(init.vm);
		c->seed = 10 + i;
		/* Each child writes a different share of the region. */
		c->written = round_page(region * (vsize_t)(i + 1) /
		    (2 * NCHILD));
		if (fill(c, priv_va, 0, c->written, c->seed) != 0)
			failures++;
		check(&c->vm->vm_map);
		printf("%s: forked, wrote %ju KiB of its copy; %d pages"
		    " free\n", c->name, (uintmax_t)c->written / 1024,
		    uvmexp.free);
	}
	/* child0 writes the shared region: everyone must see it. */
	if (fill(&child[0], shared_va, 0, region / 2, 200) != 0)
		failures++;
	printf("child0: wrote half of the shared region\n");

	snprintf(grand.name, sizeof(grand.name), "grandchild");
	grand.vm = uvmspace_fork(child[1].vm);
	grand.seed = 50;
	grand.written = round_page(region / 3);
	if (fill(&grand, priv_va, region - grand.written, region,
	    grand.seed) != 0)
		failures++;
	check(&grand.vm->vm_map);
	printf("grandchild: forked from child1, wrote the last %ju KiB\n",
	    (uintmax_t)grand.written / 1024);

	printf("verifying every byte of every process\n");
	verify(&init, "private", priv_va, 0, region, init.seed);
	for (int i = 0; i < NCHILD; i++) {
		struct sproc *c = &child[i];

		verify(c, "private", priv_va, 0, c->written, c->seed);
		verify(c, "private", priv_va, c->written, region, init.seed);
	}
	verify(&grand, "private", priv_va, 0, child[1].written,
	    child[1].seed);
	verify(&grand, "private", priv_va, child[1].written,
	    region - grand.written, init.seed);
	verify(&grand, "private", priv_va, region - grand.written, region,
	    grand.seed);
	verify(&init, "shared", shared_va, 0, region / 2, 200);
	verify(&init, "shared", shared_va, region / 2, region, 100);
	verify(&grand, "shared", shared_va, 0, region / 2, 200);
	verify(&child[NCHILD - 1], "shared", shared_va, region / 2, region,
	    100);

	printf("\nmap of child1 (start-end prot/max inh wired object amap):\n");
	uvm_map_printit(&child[1].vm->vm_map, map_print);

	printf("\nvmstat -s:\n");
	vmstat_s();

	uvmspace_free(grand.vm);
	for (int i = 0; i < NCHILD; i++)
		uvmspace_free(child[i].vm);
	uvmspace_free(init.vm);
	check(NULL);
	printf("all processes exited; %d pages free\n", uvmexp.free);
	return failures != 0;
}
