/*
 * t_vmspace: address spaces (uvm_glue.c): uvmspace_alloc, reference
 * counting with uvmspace_addref/uvmspace_free, uvmspace_share,
 * uvmspace_exec reusing an unshared space and replacing a shared one,
 * and u-areas.
 *
 * Processes here are kern's struct proc with one lwp bound to the test's
 * host thread while it touches user memory through copyout/copyin (the
 * CPU of the soft pmap), so faults really allocate pages that the checks
 * can count.
 */
#include "h_machine.h"

#include "uvm/uvm_impl.h"

#define RAM	((psize_t)16 * 1024 * 1024)
#define UMIN	((vaddr_t)0x10000)
#define UMAX	((vaddr_t)0x40000000)

static void
boot(void)
{
	h_boot(RAM, 0);
	H_CHECK(NULL);
}

/*
 * A process with one lwp and the given vmspace; the lwp counts as
 * running on it (its pmap is active), as an lwp inside a process does.
 */
static struct lwp *
mkproc(const char *name, struct vmspace *vm)
{
	struct proc *p = proc_alloc(name);
	struct lwp *l;

	ATF_REQUIRE(p != NULL);
	p->p_vmspace = vm;
	l = lwp_alloc(p, name);
	ATF_REQUIRE(l != NULL);
	if (vm != NULL)
		pmap_activate(l);
	return l;
}

/* uvmspace_share, and the second process's lwp starts running on it. */
static void
share(struct lwp *l1, struct lwp *l2)
{
	uvmspace_share(l1->l_proc, l2->l_proc);
	pmap_activate(l2);
}

static void
rmproc(struct lwp *l)
{
	struct proc *p = l->l_proc;

	pmap_deactivate(l);
	lwp_free(l);
	p->p_vmspace = NULL;
	proc_free(p);
}

/*
 * Map npages of zero-fill anonymous memory, read-write, anywhere (as
 * mmap(MAP_ANON|MAP_PRIVATE) does: copy-on-write, amap made on demand).
 */
static vaddr_t
map_anon(struct vmspace *vm, vsize_t npages)
{
	vaddr_t va = (vm->vm_map.flags & VM_MAP_TOPDOWN) ?
	    vm_map_max(&vm->vm_map) : vm_map_min(&vm->vm_map);

	ATF_REQUIRE_EQ(uvm_map(&vm->vm_map, &va, npages * PAGE_SIZE, NULL,
	    UVM_UNKNOWN_OFFSET, 0, UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_RW,
	    UVM_INH_COPY, UVM_ADV_NORMAL, UVM_FLAG_COPYONW)), 0);
	H_CHECK(&vm->vm_map);
	return va;
}

/* As lwp l, write one byte to each of npages pages from va. */
static void
touch(struct lwp *l, vaddr_t va, vsize_t npages, char c)
{
	kern_lwp_bind(l);
	for (vsize_t i = 0; i < npages; i++)
		ATF_REQUIRE_EQ(copyout(&c, (void *)(va + i * PAGE_SIZE), 1),
		    0);
	kern_lwp_bind(NULL);
}

static char
peek(struct lwp *l, vaddr_t va)
{
	char c = 0;

	kern_lwp_bind(l);
	ATF_REQUIRE_EQ(copyin((void *)va, &c, 1), 0);
	kern_lwp_bind(NULL);
	return c;
}

ATF_TC_WITHOUT_HEAD(alloc_gives_empty_map_with_bounds_and_one_ref);
ATF_TC_BODY(alloc_gives_empty_map_with_bounds_and_one_ref, tc)
{
	struct vmspace *vm, *td;

	boot();
	vm = uvmspace_alloc(UMIN, UMAX, false);
	ATF_REQUIRE(vm != NULL);
	H_CHECK(&vm->vm_map);
	ATF_CHECK_EQ(vm->vm_refcnt, 1);
	ATF_CHECK_EQ(vm_map_min(&vm->vm_map), UMIN);
	ATF_CHECK_EQ(vm_map_max(&vm->vm_map), UMAX);
	ATF_CHECK_EQ(vm->vm_map.nentries, 0);
	ATF_CHECK_EQ(vm->vm_map.size, 0);
	ATF_CHECK(vm->vm_map.flags & VM_MAP_PAGEABLE);
	ATF_CHECK((vm->vm_map.flags & VM_MAP_TOPDOWN) == 0);
	ATF_CHECK(vm_map_pmap(&vm->vm_map) != NULL);
	ATF_CHECK(vm_map_pmap(&vm->vm_map) != pmap_kernel());

	td = uvmspace_alloc(UMIN, UMAX, true);
	H_CHECK(&td->vm_map);
	ATF_CHECK(td->vm_map.flags & VM_MAP_TOPDOWN);
	ATF_CHECK(vm_map_pmap(&td->vm_map) != vm_map_pmap(&vm->vm_map));
	/* Placement follows the direction. */
	ATF_CHECK(map_anon(vm, 1) < map_anon(td, 1));
	uvmspace_free(td);
	uvmspace_free(vm);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(references_keep_the_space_alive);
ATF_TC_BODY(references_keep_the_space_alive, tc)
{
	struct vmspace *vm;
	struct lwp *l;
	vaddr_t va;
	int free0;

	boot();
	free0 = uvmexp.free;
	vm = uvmspace_alloc(UMIN, UMAX, false);
	l = mkproc("refs", vm);
	va = map_anon(vm, 4);
	touch(l, va, 4, 'r');
	H_CHECK(&vm->vm_map);
	ATF_CHECK(uvmexp.free < free0);
	uvmspace_addref(vm);
	uvmspace_addref(vm);
	ATF_CHECK_EQ(vm->vm_refcnt, 3);
	uvmspace_free(vm);
	uvmspace_free(vm);
	ATF_CHECK_EQ(vm->vm_refcnt, 1);
	/* Still whole: the map and its pages are there. */
	H_CHECK(&vm->vm_map);
	ATF_CHECK_EQ(vm->vm_map.nentries, 1);
	ATF_CHECK_EQ(peek(l, va + 3 * PAGE_SIZE), 'r');
	rmproc(l);
	uvmspace_free(vm);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(last_free_releases_pages_and_memory);
ATF_TC_BODY(last_free_releases_pages_and_memory, tc)
{
	struct vmspace *vm;
	struct lwp *l;
	vaddr_t va;
	int free0 = 0;
	size_t kmem0 = 0;

	boot();
	/*
	 * Twice: the first round fills the pools' caches, the second must
	 * give back every page and every byte it took.
	 */
	for (int round = 0; round < 2; round++) {
		free0 = uvmexp.free;
		kmem0 = kmem_inuse();
		vm = uvmspace_alloc(UMIN, UMAX, false);
		l = mkproc("dies", vm);
		va = map_anon(vm, 16);
		touch(l, va, 16, 'd');
		ATF_CHECK(uvmexp.free <= free0 - 16);
		rmproc(l);
		uvmspace_free(vm);
		H_CHECK(NULL);
		ATF_CHECK_EQ(uvmexp.free, free0);
	}
	ATF_CHECK_EQ(kmem_inuse(), kmem0);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(free_with_wired_memory_unwires_and_releases_it);
ATF_TC_BODY(free_with_wired_memory_unwires_and_releases_it, tc)
{
	struct vmspace *vm;
	struct lwp *l;
	vaddr_t va;
	int free0, wired0;

	boot();
	free0 = uvmexp.free;
	wired0 = uvmexp.wired;
	vm = uvmspace_alloc(UMIN, UMAX, false);
	l = mkproc("wired", vm);
	va = map_anon(vm, 8);
	touch(l, va, 8, 'w');
	/* A process exits (or execs) with memory still locked. */
	ATF_REQUIRE_EQ(uvm_map_pageable(&vm->vm_map, va + 2 * PAGE_SIZE,
	    va + 6 * PAGE_SIZE, false, 0), 0);
	ATF_CHECK_EQ(uvmexp.wired, wired0 + 4);
	H_CHECK(&vm->vm_map);
	rmproc(l);
	uvmspace_free(vm);
	H_CHECK(NULL);
	ATF_CHECK_EQ(uvmexp.wired, wired0);
	ATF_CHECK_EQ(uvmexp.free, free0);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(share_gives_second_process_the_same_space);
ATF_TC_BODY(share_gives_second_process_the_same_space, tc)
{
	struct vmspace *vm;
	struct lwp *l1, *l2;
	vaddr_t va;

	boot();
	vm = uvmspace_alloc(UMIN, UMAX, false);
	l1 = mkproc("p1", vm);
	l2 = mkproc("p2", NULL);
	share(l1, l2);
	ATF_CHECK(l2->l_proc->p_vmspace == vm);
	ATF_CHECK_EQ(vm->vm_refcnt, 2);
	/* A mapping and a store by one is seen by the other. */
	va = map_anon(vm, 2);
	touch(l1, va + PAGE_SIZE, 1, 's');
	ATF_CHECK_EQ(peek(l2, va + PAGE_SIZE), 's');
	touch(l2, va, 1, 't');
	ATF_CHECK_EQ(peek(l1, va), 't');
	H_CHECK(&vm->vm_map);
	/* Each exit drops one reference. */
	uvmspace_free(l2->l_proc->p_vmspace);
	rmproc(l2);
	ATF_CHECK_EQ(vm->vm_refcnt, 1);
	ATF_CHECK_EQ(peek(l1, va), 't');
	rmproc(l1);
	uvmspace_free(vm);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(exec_reuses_an_unshared_space);
ATF_TC_BODY(exec_reuses_an_unshared_space, tc)
{
	struct vmspace *vm;
	struct lwp *l;
	vaddr_t va;
	int free0;

	boot();
	free0 = uvmexp.free;
	vm = uvmspace_alloc(UMIN, UMAX, false);
	l = mkproc("exec", vm);
	va = map_anon(vm, 8);
	(void)map_anon(vm, 3);
	touch(l, va, 8, 'e');
	vm->vm_map.flags |= VM_MAP_WIREFUTURE;
	vm->vm_tsize = 5;
	uvmspace_exec(l, 0x2000000, 0x8000000);
	ATF_CHECK(l->l_proc->p_vmspace == vm);		/* same space */
	H_CHECK(&vm->vm_map);
	ATF_CHECK_EQ(vm->vm_refcnt, 1);
	ATF_CHECK_EQ(vm->vm_map.nentries, 0);
	ATF_CHECK_EQ(vm->vm_map.size, 0);
	ATF_CHECK_EQ(vm_map_min(&vm->vm_map), 0x2000000);
	ATF_CHECK_EQ(vm_map_max(&vm->vm_map), 0x8000000);
	ATF_CHECK((vm->vm_map.flags & VM_MAP_WIREFUTURE) == 0);
	ATF_CHECK(vm->vm_map.flags & VM_MAP_PAGEABLE);
	ATF_CHECK_EQ(vm->vm_tsize, 0);
	ATF_CHECK_EQ(pmap_resident_count(vm_map_pmap(&vm->vm_map)), 0);
	ATF_CHECK_EQ(uvmexp.free, free0);		/* pages gone */
	/* The old addresses are gone; the new range works. */
	{
		char c = 'x';
		kern_lwp_bind(l);
		ATF_CHECK_EQ(copyout(&c, (void *)va, 1), EFAULT);
		kern_lwp_bind(NULL);
	}
	va = map_anon(vm, 1);
	ATF_CHECK(va >= 0x2000000 && va < 0x8000000);
	touch(l, va, 1, 'n');
	ATF_CHECK_EQ(peek(l, va), 'n');
	H_CHECK(&vm->vm_map);
	rmproc(l);
	uvmspace_free(vm);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(exec_replaces_a_shared_space);
ATF_TC_BODY(exec_replaces_a_shared_space, tc)
{
	struct vmspace *vm, *nvm;
	struct lwp *l1, *l2;
	vaddr_t va;

	boot();
	vm = uvmspace_alloc(UMIN, UMAX, true);
	l1 = mkproc("p1", vm);
	l2 = mkproc("p2", NULL);
	share(l1, l2);
	va = map_anon(vm, 2);
	touch(l1, va, 2, 'o');
	uvmspace_exec(l1, 0x2000000, 0x8000000);
	nvm = l1->l_proc->p_vmspace;
	ATF_REQUIRE(nvm != vm);
	H_CHECK(&nvm->vm_map);
	H_CHECK(&vm->vm_map);
	ATF_CHECK_EQ(nvm->vm_refcnt, 1);
	ATF_CHECK_EQ(nvm->vm_map.nentries, 0);
	ATF_CHECK_EQ(vm_map_min(&nvm->vm_map), 0x2000000);
	ATF_CHECK_EQ(vm_map_max(&nvm->vm_map), 0x8000000);
	ATF_CHECK(nvm->vm_map.flags & VM_MAP_TOPDOWN);	/* kept */
	/* The other process keeps the old space, intact. */
	ATF_CHECK_EQ(vm->vm_refcnt, 1);
	ATF_CHECK(l2->l_proc->p_vmspace == vm);
	ATF_CHECK_EQ(vm->vm_map.nentries, 1);
	ATF_CHECK_EQ(vm_map_min(&vm->vm_map), UMIN);
	ATF_CHECK_EQ(peek(l2, va + PAGE_SIZE), 'o');
	rmproc(l1);
	rmproc(l2);
	uvmspace_free(nvm);
	uvmspace_free(vm);
	H_CHECK(NULL);
	h_shutdown();
}

/*
 * Two processes sharing a space both exec: the first gets a new space,
 * after which the second is the only user and reuses the old one.
 */
ATF_TC_WITHOUT_HEAD(exec_by_both_sharers_replaces_then_reuses);
ATF_TC_BODY(exec_by_both_sharers_replaces_then_reuses, tc)
{
	struct vmspace *vm, *nvm;
	struct lwp *l1, *l2;
	vaddr_t va;
	int free0;

	boot();
	free0 = uvmexp.free;
	vm = uvmspace_alloc(UMIN, UMAX, false);
	l1 = mkproc("p1", vm);
	l2 = mkproc("p2", NULL);
	share(l1, l2);
	va = map_anon(vm, 4);
	touch(l2, va, 4, 'b');
	uvmspace_exec(l1, UMIN, UMAX);
	nvm = l1->l_proc->p_vmspace;
	ATF_CHECK(nvm != vm);
	ATF_CHECK_EQ(vm->vm_refcnt, 1);
	H_CHECK(&nvm->vm_map);
	uvmspace_exec(l2, UMIN, UMAX);
	ATF_CHECK(l2->l_proc->p_vmspace == vm);		/* reused */
	H_CHECK(&vm->vm_map);
	ATF_CHECK_EQ(vm->vm_map.nentries, 0);
	ATF_CHECK_EQ(uvmexp.free, free0);
	/* Both work independently now. */
	va = map_anon(vm, 1);
	touch(l2, va, 1, '2');
	va = map_anon(nvm, 1);
	touch(l1, va, 1, '1');
	ATF_CHECK_EQ(peek(l1, va), '1');
	rmproc(l1);
	rmproc(l2);
	uvmspace_free(nvm);
	uvmspace_free(vm);
	H_CHECK(NULL);
	ATF_CHECK_EQ(uvmexp.free, free0);
	h_shutdown();
}

/*
 * Kernel processes share vmspace0 and count references to it like any
 * other, but the kernel's own reference never goes.
 */
ATF_TC_WITHOUT_HEAD(vmspace0_is_shared_but_never_freed);
ATF_TC_BODY(vmspace0_is_shared_but_never_freed, tc)
{
	struct vmspace *saved = proc0.p_vmspace;
	struct proc *kp;
	struct lwp *k;

	boot();
	ATF_CHECK_EQ(vmspace0.vm_refcnt, 1);
	k = mkproc("kproc", NULL);
	kp = k->l_proc;
	proc0.p_vmspace = &vmspace0;
	uvmspace_share(&proc0, k->l_proc);
	ATF_CHECK(k->l_proc->p_vmspace == &vmspace0);
	ATF_CHECK_EQ(vmspace0.vm_refcnt, 2);
	uvmspace_free(k->l_proc->p_vmspace);
	k->l_proc->p_vmspace = NULL;
	ATF_CHECK_EQ(vmspace0.vm_refcnt, 1);
	H_CHECK(kernel_map);
	lwp_free(k);
	proc_free(kp);
	proc0.p_vmspace = saved;
	ATF_CHECK(H_PANICS(uvmspace_free(&vmspace0)));
	ATF_CHECK(strstr(h_panic_msg, "vmspace0") != NULL);
}

ATF_TC_WITHOUT_HEAD(uarea_is_wired_usable_kernel_memory);
ATF_TC_BODY(uarea_is_wired_usable_kernel_memory, tc)
{
	vaddr_t ua;
	int free0, wired0;
	paddr_t pa;

	boot();
	free0 = uvmexp.free;
	wired0 = uvmexp.wired;
	ATF_CHECK(uvm_uarea_alloc(&ua));		/* backed already */
	H_CHECK(kernel_map);
	ATF_REQUIRE(ua != 0);
	ATF_CHECK_EQ(ua & PAGE_MASK, 0);
	ATF_CHECK_EQ(USPACE, UPAGES * PAGE_SIZE);
	ATF_CHECK_EQ(uvmexp.free, free0 - UPAGES);
	ATF_CHECK_EQ(uvmexp.wired, wired0 + UPAGES);
	for (vsize_t off = 0; off < USPACE; off += PAGE_SIZE)
		ATF_CHECK(pmap_extract(pmap_kernel(), ua + off, &pa));
	memset((void *)ua, 0x5a, USPACE);		/* a kernel stack */
	ATF_CHECK_EQ(((unsigned char *)ua)[USPACE - 1], 0x5a);
	uvm_uarea_free(ua);
	H_CHECK(kernel_map);
	ATF_CHECK_EQ(uvmexp.free, free0);
	ATF_CHECK_EQ(uvmexp.wired, wired0);
	ATF_CHECK(!pmap_extract(pmap_kernel(), ua, &pa));
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(uareas_are_distinct_and_all_freed);
ATF_TC_BODY(uareas_are_distinct_and_all_freed, tc)
{
	enum { N = 64 };
	vaddr_t ua[N];
	int free0, n0;

	boot();
	free0 = uvmexp.free;
	n0 = kernel_map->nentries;
	for (int i = 0; i < N; i++) {
		ATF_REQUIRE(uvm_uarea_alloc(&ua[i]));
		*(int *)ua[i] = i;
	}
	H_CHECK(kernel_map);
	ATF_CHECK_EQ(uvmexp.free, free0 - N * UPAGES);
	for (int i = 0; i < N; i++) {
		ATF_CHECK_EQ(*(int *)ua[i], i);
		for (int j = 0; j < i; j++)
			ATF_CHECK(ua[i] + USPACE <= ua[j] ||
			    ua[j] + USPACE <= ua[i]);
	}
	for (int i = 0; i < N; i += 2)
		uvm_uarea_free(ua[i]);
	H_CHECK(kernel_map);
	for (int i = 1; i < N; i += 2)
		uvm_uarea_free(ua[i]);
	H_CHECK(kernel_map);
	ATF_CHECK_EQ(uvmexp.free, free0);
	ATF_CHECK_EQ(kernel_map->nentries, n0);
	h_shutdown();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, alloc_gives_empty_map_with_bounds_and_one_ref);
	ATF_TP_ADD_TC(tp, references_keep_the_space_alive);
	ATF_TP_ADD_TC(tp, last_free_releases_pages_and_memory);
	ATF_TP_ADD_TC(tp, free_with_wired_memory_unwires_and_releases_it);
	ATF_TP_ADD_TC(tp, share_gives_second_process_the_same_space);
	ATF_TP_ADD_TC(tp, exec_reuses_an_unshared_space);
	ATF_TP_ADD_TC(tp, exec_replaces_a_shared_space);
	ATF_TP_ADD_TC(tp, exec_by_both_sharers_replaces_then_reuses);
	ATF_TP_ADD_TC(tp, vmspace0_is_shared_but_never_freed);
	ATF_TP_ADD_TC(tp, uarea_is_wired_usable_kernel_memory);
	ATF_TP_ADD_TC(tp, uareas_are_distinct_and_all_freed);
	return atf_no_error();
}
