/*
 * t_fork: forking address spaces: uvmspace_fork by inheritance (NONE,
 * SHARE, COPY, ZERO), copy-on-write isolation in both directions and
 * across generations, wired parents, uvm_fork/uvm_proc_fork and
 * uvmspace_unshare, with their counters.
 */
#include "h_machine.h"

#include <string.h>

#include <uvm/uvm_amap.h>
#include <uvm/uvm_anon.h>

#define MB		((psize_t)1024 * 1024)
#define UMIN		((vaddr_t)0x10000)
#define UMAX		((vaddr_t)0x40000000)
#define VA0		((vaddr_t)0x1000000)

static void
boot(void)
{
	h_boot(16 * MB, 0);
	/* The wiring limit is a tunable; it is not what these cases test. */
	uvmexp.wiredmax = uvmexp.npages / 2;
}

static struct vmspace *
newvm(void)
{
	struct vmspace *vm = uvmspace_alloc(UMIN, UMAX, false);

	ATF_REQUIRE(vm != NULL);
	H_CHECK(&vm->vm_map);
	return vm;
}

static vaddr_t
map_anon(struct vmspace *vm, vaddr_t va, int npages)
{
	int error;

	error = uvm_map(&vm->vm_map, &va, ptoa((vsize_t)npages), NULL,
	    UVM_UNKNOWN_OFFSET, 0, UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_ALL,
	    UVM_INH_COPY, UVM_ADV_NORMAL, UVM_FLAG_FIXED | UVM_FLAG_COPYONW));
	ATF_REQUIRE_EQ_MSG(error, 0, "uvm_map: %d", error);
	H_CHECK(&vm->vm_map);
	return va;
}

static void
put(struct vmspace *vm, vaddr_t va, unsigned char c, size_t len)
{
	unsigned char buf[512];

	ATF_REQUIRE(len <= sizeof(buf));
	memset(buf, c, len);
	ATF_REQUIRE_EQ(copyout_vmspace(vm, buf, (void *)va, len), 0);
	H_CHECK(&vm->vm_map);
}

/* Fill every page of [va, va+npages) with c. */
static void
fill(struct vmspace *vm, vaddr_t va, int npages, unsigned char c)
{
	for (int i = 0; i < npages; i++)
		put(vm, va + ptoa((vsize_t)i), c, 512);
}

/* Do the first 512 bytes of every page read c? */
static bool
reads(struct vmspace *vm, vaddr_t va, int npages, unsigned char c)
{
	unsigned char buf[512];

	for (int i = 0; i < npages; i++) {
		if (copyin_vmspace(vm, (void *)(va + ptoa((vsize_t)i)), buf,
		    sizeof(buf)) != 0)
			return false;
		for (size_t j = 0; j < sizeof(buf); j++)
			if (buf[j] != c)
				return false;
	}
	return true;
}

static int
inherit(struct vmspace *vm, vaddr_t va, int npages, vm_inherit_t inh)
{
	int error = uvm_map_inherit(&vm->vm_map, va,
	    va + ptoa((vsize_t)npages), inh);

	H_CHECK(&vm->vm_map);
	return error;
}

static struct vmspace *
fork_vm(struct vmspace *vm)
{
	struct vmspace *child = uvmspace_fork(vm);

	ATF_REQUIRE(child != NULL && child != vm);
	H_CHECK(&vm->vm_map);
	H_CHECK(&child->vm_map);
	return child;
}

#define D(s, f)	(uvmexp.f - (s).f)

/* ------------------------------------------------------------------ */

ATF_TC_WITHOUT_HEAD(fork_copy_child_sees_parent_bytes);
ATF_TC_BODY(fork_copy_child_sees_parent_bytes, tc)
{
	struct vmspace *p, *c;
	struct uvmexp s;
	vaddr_t va;

	boot();
	p = newvm();
	va = map_anon(p, VA0, 8);
	fill(p, va, 8, 0x41);
	c = fork_vm(p);
	ATF_CHECK_EQ(c->vm_map.nentries, p->vm_map.nentries);
	s = uvmexp;
	ATF_CHECK(reads(c, va, 8, 0x41));
	/* Reads share the parent's pages: no copies. */
	ATF_CHECK_EQ(D(s, flt_acow), 0);
	ATF_CHECK_EQ(D(s, flt_przero), 0);
	uvmspace_free(c);
	uvmspace_free(p);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(fork_copy_child_write_invisible_to_parent);
ATF_TC_BODY(fork_copy_child_write_invisible_to_parent, tc)
{
	struct vmspace *p, *c;
	struct uvmexp s;
	vaddr_t va;

	boot();
	p = newvm();
	va = map_anon(p, VA0, 4);
	fill(p, va, 4, 0x41);
	c = fork_vm(p);
	s = uvmexp;
	fill(c, va, 4, 0x42);
	ATF_CHECK_EQ(D(s, flt_acow), 4);
	ATF_CHECK(reads(c, va, 4, 0x42));
	ATF_CHECK(reads(p, va, 4, 0x41));
	uvmspace_free(c);
	ATF_CHECK(reads(p, va, 4, 0x41));
	uvmspace_free(p);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(fork_copy_parent_write_invisible_to_child);
ATF_TC_BODY(fork_copy_parent_write_invisible_to_child, tc)
{
	struct vmspace *p, *c;
	struct uvmexp s;
	vaddr_t va;

	boot();
	p = newvm();
	va = map_anon(p, VA0, 4);
	fill(p, va, 4, 0x41);
	c = fork_vm(p);
	/* The parent was write-protected: its writes fault and copy. */
	ATF_CHECK(UVM_ET_ISNEEDSCOPY(p->vm_map.header.next));
	s = uvmexp;
	fill(p, va, 4, 0x43);
	ATF_CHECK_EQ(D(s, faults), 4);
	ATF_CHECK_EQ(D(s, flt_acow), 4);
	ATF_CHECK_EQ(D(s, fltamcopy), 1);
	ATF_CHECK(reads(p, va, 4, 0x43));
	ATF_CHECK(reads(c, va, 4, 0x41));
	uvmspace_free(p);
	ATF_CHECK(reads(c, va, 4, 0x41));
	uvmspace_free(c);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(fork_share_both_see_writes);
ATF_TC_BODY(fork_share_both_see_writes, tc)
{
	struct vmspace *p, *c;
	vaddr_t va;

	boot();
	p = newvm();
	va = map_anon(p, VA0, 4);
	put(p, va, 0x10, 1);
	ATF_REQUIRE_EQ(inherit(p, va, 4, MAP_INHERIT_SHARE), 0);
	c = fork_vm(p);
	ATF_CHECK(c->vm_map.header.next->aref.ar_amap ==
	    p->vm_map.header.next->aref.ar_amap);
	ATF_CHECK(!UVM_ET_ISNEEDSCOPY(c->vm_map.header.next));
	fill(c, va, 4, 0x51);
	ATF_CHECK(reads(p, va, 4, 0x51));
	fill(p, va, 4, 0x52);
	ATF_CHECK(reads(c, va, 4, 0x52));
	uvmspace_free(p);
	ATF_CHECK(reads(c, va, 4, 0x52));
	uvmspace_free(c);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(fork_share_of_untouched_memory_makes_amap_first);
ATF_TC_BODY(fork_share_of_untouched_memory_makes_amap_first, tc)
{
	struct vmspace *p, *c;
	vaddr_t va;

	boot();
	p = newvm();
	va = map_anon(p, VA0, 2);
	ATF_REQUIRE_EQ(inherit(p, va, 2, MAP_INHERIT_SHARE), 0);
	ATF_REQUIRE(p->vm_map.header.next->aref.ar_amap == NULL);
	c = fork_vm(p);
	ATF_REQUIRE(p->vm_map.header.next->aref.ar_amap != NULL);
	ATF_CHECK_EQ(amap_refs(p->vm_map.header.next->aref.ar_amap), 2);
	put(c, va + PAGE_SIZE, 0x61, 16);
	ATF_CHECK(reads(p, va + PAGE_SIZE, 1, 0x61) == false);
	{
		unsigned char b;
		ATF_REQUIRE_EQ(copyin_vmspace(p, (void *)(va + PAGE_SIZE),
		    &b, 1), 0);
		ATF_CHECK_EQ(b, 0x61);
	}
	uvmspace_free(c);
	uvmspace_free(p);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(fork_none_leaves_child_unmapped);
ATF_TC_BODY(fork_none_leaves_child_unmapped, tc)
{
	struct vmspace *p, *c;
	unsigned char b;
	vaddr_t va;

	boot();
	p = newvm();
	va = map_anon(p, VA0, 4);
	fill(p, va, 4, 0x71);
	ATF_REQUIRE_EQ(inherit(p, va, 4, MAP_INHERIT_NONE), 0);
	c = fork_vm(p);
	ATF_CHECK_EQ(c->vm_map.nentries, 0);
	ATF_CHECK_EQ(copyin_vmspace(c, (void *)va, &b, 1), EFAULT);
	ATF_CHECK_EQ(uvm_fault(&c->vm_map, va, VM_PROT_READ), EFAULT);
	ATF_CHECK(reads(p, va, 4, 0x71));
	uvmspace_free(c);
	uvmspace_free(p);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(fork_zero_gives_child_fresh_zeroes);
ATF_TC_BODY(fork_zero_gives_child_fresh_zeroes, tc)
{
	struct vmspace *p, *c;
	struct uvmexp s;
	vaddr_t va;

	boot();
	p = newvm();
	va = map_anon(p, VA0, 4);
	fill(p, va, 4, 0x72);
	ATF_REQUIRE_EQ(inherit(p, va, 4, MAP_INHERIT_ZERO), 0);
	c = fork_vm(p);
	ATF_CHECK(c->vm_map.header.next->aref.ar_amap == NULL);
	s = uvmexp;
	ATF_CHECK(reads(c, va, 4, 0));
	ATF_CHECK_EQ(D(s, flt_przero), 4);
	fill(c, va, 4, 0x73);
	ATF_CHECK(reads(p, va, 4, 0x72));
	/* The parent is untouched: no copy-on-write, no fault. */
	s = uvmexp;
	fill(p, va, 4, 0x74);
	ATF_CHECK_EQ(D(s, faults), 0);
	ATF_CHECK(reads(c, va, 4, 0x73));
	uvmspace_free(c);
	uvmspace_free(p);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(fork_wired_parent_never_faults);
ATF_TC_BODY(fork_wired_parent_never_faults, tc)
{
	struct vmspace *p, *c;
	struct uvmexp s;
	vaddr_t va;

	boot();
	p = newvm();
	va = map_anon(p, VA0, 4);
	ATF_REQUIRE_EQ(uvm_map_pageable(&p->vm_map, va, va + ptoa(4), false,
	    0), 0);
	H_CHECK(&p->vm_map);
	fill(p, va, 4, 0x81);
	c = fork_vm(p);
	/* The child has its own copies already; nothing is wired there. */
	ATF_CHECK_EQ(pmap_wired_count(vm_map_pmap(&c->vm_map)), 0);
	ATF_CHECK_EQ(c->vm_map.header.next->wired_count, 0);
	s = uvmexp;
	fill(p, va, 4, 0x82);
	ATF_CHECK_EQ(D(s, faults), 0);
	ATF_CHECK(reads(c, va, 4, 0x81));
	ATF_CHECK(reads(p, va, 4, 0x82));
	/* The child's writes copy nothing: its anons are its own. */
	s = uvmexp;
	fill(c, va, 4, 0x83);
	ATF_CHECK_EQ(D(s, flt_acow), 0);
	ATF_CHECK(reads(p, va, 4, 0x82));
	uvmspace_free(c);
	ATF_REQUIRE_EQ(uvm_map_pageable(&p->vm_map, va, va + ptoa(4), true,
	    0), 0);
	uvmspace_free(p);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(fork_three_generations_isolated);
ATF_TC_BODY(fork_three_generations_isolated, tc)
{
	struct vmspace *g1, *g2, *g3;
	vaddr_t va;

	boot();
	g1 = newvm();
	va = map_anon(g1, VA0, 6);
	fill(g1, va, 6, 1);
	g2 = fork_vm(g1);
	fill(g2, va, 3, 2);
	g3 = fork_vm(g2);
	fill(g3, va + ptoa(2), 4, 3);
	fill(g1, va + ptoa(5), 1, 4);

	ATF_CHECK(reads(g1, va, 5, 1));
	ATF_CHECK(reads(g1, va + ptoa(5), 1, 4));
	ATF_CHECK(reads(g2, va, 3, 2));
	ATF_CHECK(reads(g2, va + ptoa(3), 3, 1));
	ATF_CHECK(reads(g3, va, 2, 2));
	ATF_CHECK(reads(g3, va + ptoa(2), 4, 3));
	uvmspace_free(g2);
	ATF_CHECK(reads(g3, va, 2, 2));
	ATF_CHECK(reads(g1, va, 5, 1));
	uvmspace_free(g1);
	ATF_CHECK(reads(g3, va + ptoa(2), 4, 3));
	uvmspace_free(g3);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(fork_shared_shadow_pattern);
ATF_TC_BODY(fork_shared_shadow_pattern, tc)
{
	struct vmspace *p1, *p2, *p3, *p4;
	vaddr_t va;

	boot();
	p1 = newvm();
	va = map_anon(p1, VA0, 8);
	fill(p1, va, 8, 1);
	p2 = fork_vm(p1);
	ATF_REQUIRE_EQ(inherit(p2, va, 8, MAP_INHERIT_SHARE), 0);
	p3 = fork_vm(p2);
	/* P3 writes half, then all: P2 sees it, P1 keeps its bytes. */
	fill(p3, va, 4, 3);
	ATF_CHECK(reads(p2, va, 4, 3));
	ATF_CHECK(reads(p2, va + ptoa(4), 4, 1));
	fill(p3, va, 8, 5);
	ATF_CHECK(reads(p2, va, 8, 5));
	ATF_CHECK(reads(p1, va, 8, 1));
	/* A copy of the shared region keeps a snapshot. */
	ATF_REQUIRE_EQ(inherit(p2, va, 8, MAP_INHERIT_COPY), 0);
	p4 = fork_vm(p2);
	fill(p3, va, 8, 6);
	ATF_CHECK(reads(p2, va, 8, 6));
	ATF_CHECK(reads(p4, va, 8, 5));
	fill(p2, va, 2, 7);
	ATF_CHECK(reads(p3, va, 2, 7));
	ATF_CHECK(reads(p4, va, 8, 5));
	fill(p4, va, 8, 8);
	ATF_CHECK(reads(p2, va, 2, 7));
	ATF_CHECK(reads(p1, va, 8, 1));
	uvmspace_free(p4);
	uvmspace_free(p3);
	uvmspace_free(p2);
	uvmspace_free(p1);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(fork_partial_inherit_clips_entries);
ATF_TC_BODY(fork_partial_inherit_clips_entries, tc)
{
	struct vmspace *p, *c;
	unsigned char b;
	vaddr_t va;

	boot();
	p = newvm();
	va = map_anon(p, VA0, 6);
	fill(p, va, 6, 0x21);
	ATF_REQUIRE_EQ(inherit(p, va + ptoa(2), 2, MAP_INHERIT_NONE), 0);
	ATF_CHECK_EQ(p->vm_map.nentries, 3);
	c = fork_vm(p);
	ATF_CHECK_EQ(c->vm_map.nentries, 2);
	ATF_CHECK(reads(c, va, 2, 0x21));
	ATF_CHECK(reads(c, va + ptoa(4), 2, 0x21));
	ATF_CHECK_EQ(copyin_vmspace(c, (void *)(va + ptoa(2)), &b, 1),
	    EFAULT);
	fill(c, va, 2, 0x22);
	fill(p, va + ptoa(4), 2, 0x23);
	ATF_CHECK(reads(p, va, 2, 0x21));
	ATF_CHECK(reads(c, va + ptoa(4), 2, 0x21));
	uvmspace_free(c);
	uvmspace_free(p);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(fork_object_mapping_copy_is_cow);
ATF_TC_BODY(fork_object_mapping_copy_is_cow, tc)
{
	struct uvm_object *uobj;
	struct vmspace *p, *c;
	vaddr_t va = VA0;

	boot();
	p = newvm();
	uobj = uao_create(ptoa(2), 0);
	ATF_REQUIRE_EQ(uvm_map(&p->vm_map, &va, ptoa(2), uobj, 0, 0,
	    UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_ALL, UVM_INH_COPY,
	    UVM_ADV_NORMAL, UVM_FLAG_FIXED)), 0);
	H_CHECK(&p->vm_map);
	fill(p, va, 2, 0x31);
	c = fork_vm(p);
	ATF_CHECK(UVM_ET_ISCOPYONWRITE(c->vm_map.header.next));
	ATF_CHECK(c->vm_map.header.next->object.uvm_obj == uobj);
	ATF_CHECK(reads(c, va, 2, 0x31));
	fill(c, va, 2, 0x32);
	ATF_CHECK(reads(p, va, 2, 0x31));
	uvmspace_free(c);
	uvmspace_free(p);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(uvm_proc_fork_counts_forks);
ATF_TC_BODY(uvm_proc_fork_counts_forks, tc)
{
	struct proc *p1, *p2, *p3;
	struct uvmexp s;
	vaddr_t va;

	boot();
	p1 = proc_alloc("p1");
	p2 = proc_alloc("p2");
	p3 = proc_alloc("p3");
	p1->p_vmspace = newvm();
	va = map_anon(p1->p_vmspace, VA0, 2);
	fill(p1->p_vmspace, va, 2, 0x91);
	s = uvmexp;
	uvm_proc_fork(p1, p2, false);
	ATF_CHECK_EQ(D(s, forks), 1);
	ATF_CHECK_EQ(D(s, forks_sharevm), 0);
	ATF_REQUIRE(p2->p_vmspace != NULL && p2->p_vmspace != p1->p_vmspace);
	ATF_CHECK(reads(p2->p_vmspace, va, 2, 0x91));
	uvm_proc_fork(p1, p3, true);
	ATF_CHECK_EQ(D(s, forks), 2);
	ATF_CHECK_EQ(D(s, forks_sharevm), 1);
	ATF_CHECK(p3->p_vmspace == p1->p_vmspace);
	ATF_CHECK_EQ(p1->p_vmspace->vm_refcnt, 2);
	uvmspace_free(p3->p_vmspace);
	uvmspace_free(p2->p_vmspace);
	uvmspace_free(p1->p_vmspace);
	proc_free(p3);
	proc_free(p2);
	proc_free(p1);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(uvm_fork_of_lwps_forks_their_processes);
ATF_TC_BODY(uvm_fork_of_lwps_forks_their_processes, tc)
{
	struct proc *p1, *p2;
	struct lwp *l1, *l2;
	struct uvmexp s;
	vaddr_t va;

	boot();
	p1 = proc_alloc("p1");
	p2 = proc_alloc("p2");
	l1 = lwp_alloc(p1, "l1");
	l2 = lwp_alloc(p2, "l2");
	p1->p_vmspace = newvm();
	va = map_anon(p1->p_vmspace, VA0, 1);
	put(p1->p_vmspace, va, 0x95, 8);
	s = uvmexp;
	uvm_fork(l1, l2, false);
	ATF_CHECK_EQ(D(s, forks), 1);
	ATF_CHECK(reads(p2->p_vmspace, va, 1, 0x95) == false);
	{
		unsigned char b;
		ATF_REQUIRE_EQ(copyin_vmspace(p2->p_vmspace, (void *)va, &b,
		    1), 0);
		ATF_CHECK_EQ(b, 0x95);
	}
	uvmspace_free(p2->p_vmspace);
	uvmspace_free(p1->p_vmspace);
	lwp_free(l2);
	lwp_free(l1);
	proc_free(p2);
	proc_free(p1);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(uvmspace_unshare_gives_private_copy);
ATF_TC_BODY(uvmspace_unshare_gives_private_copy, tc)
{
	struct proc *p1, *p2;
	struct lwp *l2;
	struct vmspace *shared;
	vaddr_t va;

	boot();
	p1 = proc_alloc("p1");
	p2 = proc_alloc("p2");
	l2 = lwp_alloc(p2, "l2");
	p1->p_vmspace = newvm();
	va = map_anon(p1->p_vmspace, VA0, 2);
	fill(p1->p_vmspace, va, 2, 0xa1);
	uvmspace_share(p1, p2);
	shared = p1->p_vmspace;
	ATF_REQUIRE(p2->p_vmspace == shared);
	pmap_activate(l2);		/* l2 runs on the shared space */
	uvmspace_unshare(l2);
	ATF_REQUIRE(p2->p_vmspace != shared);
	ATF_CHECK_EQ(shared->vm_refcnt, 1);
	H_CHECK(&p2->p_vmspace->vm_map);
	fill(p2->p_vmspace, va, 2, 0xa2);
	ATF_CHECK(reads(p1->p_vmspace, va, 2, 0xa1));
	ATF_CHECK(reads(p2->p_vmspace, va, 2, 0xa2));
	/* Unsharing a private vmspace changes nothing. */
	shared = p2->p_vmspace;
	uvmspace_unshare(l2);
	ATF_CHECK(p2->p_vmspace == shared);
	pmap_deactivate(l2);
	uvmspace_free(p2->p_vmspace);
	uvmspace_free(p1->p_vmspace);
	lwp_free(l2);
	proc_free(p2);
	proc_free(p1);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(fork_copies_vmspace_sizes);
ATF_TC_BODY(fork_copies_vmspace_sizes, tc)
{
	struct vmspace *p, *c;

	boot();
	p = newvm();
	p->vm_tsize = 3;
	p->vm_dsize = 5;
	p->vm_ssize = 7;
	p->vm_daddr = 0x200000;
	p->vm_minsaddr = 0x3f000000;
	c = fork_vm(p);
	ATF_CHECK_EQ(c->vm_tsize, 3);
	ATF_CHECK_EQ(c->vm_dsize, 5);
	ATF_CHECK_EQ(c->vm_ssize, 7);
	ATF_CHECK_EQ(c->vm_daddr, 0x200000);
	ATF_CHECK_EQ(c->vm_minsaddr, 0x3f000000);
	ATF_CHECK_EQ(vm_map_min(&c->vm_map), UMIN);
	ATF_CHECK_EQ(vm_map_max(&c->vm_map), UMAX);
	ATF_CHECK_EQ(c->vm_refcnt, 1);
	uvmspace_free(c);
	uvmspace_free(p);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(fork_then_free_returns_every_page);
ATF_TC_BODY(fork_then_free_returns_every_page, tc)
{
	struct vmspace *p, *c;
	int free0;
	vaddr_t va;

	boot();
	free0 = uvmexp.free;
	p = newvm();
	va = map_anon(p, VA0, 16);
	fill(p, va, 16, 1);
	c = fork_vm(p);
	fill(c, va, 8, 2);
	uvmspace_free(c);
	uvmspace_free(p);
	H_CHECK(NULL);
	/* Page-table pages of the pmap may linger in a cache; no anon does. */
	ATF_CHECK_MSG(free0 - uvmexp.free < 8, "free %d -> %d", free0,
	    uvmexp.free);
	ATF_CHECK_EQ(uvmexp.anonpages, 0);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(fork_cow_survives_mprotect_round_trip);
ATF_TC_BODY(fork_cow_survives_mprotect_round_trip, tc)
{
	struct vmspace *p, *c;
	vaddr_t va;

	boot();
	p = newvm();
	va = map_anon(p, VA0, 4);
	fill(p, va, 4, 0x11);
	c = fork_vm(p);
	ATF_CHECK(reads(c, va, 4, 0x11));	/* child maps them, shared */
	for (int i = 0; i < 2; i++) {
		struct vmspace *v = i == 0 ? p : c;

		ATF_REQUIRE_EQ(uvm_map_protect(&v->vm_map, va, va + ptoa(4),
		    UVM_PROT_READ, false), 0);
		H_CHECK(&v->vm_map);
		ATF_REQUIRE_EQ(uvm_map_protect(&v->vm_map, va, va + ptoa(4),
		    UVM_PROT_RW, false), 0);
		H_CHECK(&v->vm_map);
	}
	fill(p, va, 2, 0x12);
	fill(c, va + ptoa(2), 2, 0x13);
	ATF_CHECK(reads(p, va, 2, 0x12));
	ATF_CHECK(reads(p, va + ptoa(2), 2, 0x11));
	ATF_CHECK(reads(c, va, 2, 0x11));
	ATF_CHECK(reads(c, va + ptoa(2), 2, 0x13));
	uvmspace_free(c);
	uvmspace_free(p);
	h_shutdown();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, fork_copy_child_sees_parent_bytes);
	ATF_TP_ADD_TC(tp, fork_copy_child_write_invisible_to_parent);
	ATF_TP_ADD_TC(tp, fork_copy_parent_write_invisible_to_child);
	ATF_TP_ADD_TC(tp, fork_share_both_see_writes);
	ATF_TP_ADD_TC(tp, fork_share_of_untouched_memory_makes_amap_first);
	ATF_TP_ADD_TC(tp, fork_none_leaves_child_unmapped);
	ATF_TP_ADD_TC(tp, fork_zero_gives_child_fresh_zeroes);
	ATF_TP_ADD_TC(tp, fork_wired_parent_never_faults);
	ATF_TP_ADD_TC(tp, fork_three_generations_isolated);
	ATF_TP_ADD_TC(tp, fork_shared_shadow_pattern);
	ATF_TP_ADD_TC(tp, fork_partial_inherit_clips_entries);
	ATF_TP_ADD_TC(tp, fork_cow_survives_mprotect_round_trip);
	ATF_TP_ADD_TC(tp, fork_object_mapping_copy_is_cow);
	ATF_TP_ADD_TC(tp, uvm_proc_fork_counts_forks);
	ATF_TP_ADD_TC(tp, uvm_fork_of_lwps_forks_their_processes);
	ATF_TP_ADD_TC(tp, uvmspace_unshare_gives_private_copy);
	ATF_TP_ADD_TC(tp, fork_copies_vmspace_sizes);
	ATF_TP_ADD_TC(tp, fork_then_free_returns_every_page);
	return atf_no_error();
}
