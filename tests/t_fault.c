/*
 * t_fault: the page fault handler, uvm_fault(9): every case with its
 * counter, the error returns, the fault-ahead window per advice,
 * copy-on-write, wiring, memory exhaustion and copy(9) through the CPU
 * hook.
 */
#include "h_machine.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uvm/uvm_amap.h>
#include <uvm/uvm_anon.h>

#define MB		((psize_t)1024 * 1024)
#define UMIN		((vaddr_t)0x10000)
#define UMAX		((vaddr_t)0x40000000)
#define VA0		((vaddr_t)0x1000000)

/* UVM's private wiring interface (src/uvm/uvm_impl.h). */
int	uvm_fault_wire(struct vm_map *, vaddr_t, vaddr_t, vm_prot_t, int);
int	uvm_map_submap(struct vm_map *, vaddr_t, vaddr_t, struct vm_map *);
void	uvm_fault_unwire(struct vm_map *, vaddr_t, vaddr_t);

static struct vmspace *vm;

static void
boot(psize_t ram)
{
	h_boot(ram, 0);
	/* The wiring limit is a tunable; it is not what these cases test. */
	uvmexp.wiredmax = uvmexp.npages / 2;
	vm = uvmspace_alloc(UMIN, UMAX, false);
	ATF_REQUIRE(vm != NULL);
	H_CHECK(&vm->vm_map);
}

static void
shutdown(void)
{
	H_CHECK(&vm->vm_map);
	uvmspace_free(vm);
	vm = NULL;
	h_shutdown();
}

#define MAP	(&vm->vm_map)
#define PMAP	(vm_map_pmap(MAP))

/* Private anonymous memory (mmap MAP_PRIVATE|MAP_ANON). */
static vaddr_t
map_anon(vaddr_t va, int npages, vm_prot_t prot, int advice)
{
	int error;

	error = uvm_map(MAP, &va, ptoa((vsize_t)npages), NULL,
	    UVM_UNKNOWN_OFFSET, 0, UVM_MAPFLAG(prot, UVM_PROT_ALL,
	    UVM_INH_COPY, advice, UVM_FLAG_FIXED | UVM_FLAG_COPYONW));
	ATF_REQUIRE_EQ_MSG(error, 0, "uvm_map: %d", error);
	H_CHECK(MAP);
	return va;
}

/* An aobj mapped shared, or copy-on-write (the map takes a reference). */
static vaddr_t
map_obj(struct uvm_object *uobj, vaddr_t va, int npages, bool cow,
    int advice)
{
	int error;

	uao_reference(uobj);
	error = uvm_map(MAP, &va, ptoa((vsize_t)npages), uobj, 0, 0,
	    UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_ALL, UVM_INH_COPY, advice,
	    UVM_FLAG_FIXED | (cow ? UVM_FLAG_COPYONW : 0)));
	ATF_REQUIRE_EQ_MSG(error, 0, "uvm_map: %d", error);
	H_CHECK(MAP);
	return va;
}

static struct vm_page *
page_at(struct vmspace *v, vaddr_t va)
{
	paddr_t pa;

	if (!pmap_extract(vm_map_pmap(&v->vm_map), va, &pa))
		return NULL;
	return PHYS_TO_VM_PAGE(pa);
}

static unsigned char *
bytes_at(struct vmspace *v, vaddr_t va)
{
	paddr_t pa;

	ATF_REQUIRE(pmap_extract(vm_map_pmap(&v->vm_map), va, &pa));
	return PMAP_DIRECT_MAP(pa);
}

static void
put(vaddr_t va, unsigned char c, size_t len)
{
	unsigned char buf[256];

	ATF_REQUIRE(len <= sizeof(buf));
	memset(buf, c, len);
	ATF_REQUIRE_EQ(copyout_vmspace(vm, buf, (void *)va, len), 0);
	H_CHECK(MAP);
}

static unsigned char
get(vaddr_t va)
{
	unsigned char c;

	ATF_REQUIRE_EQ(copyin_vmspace(vm, (const void *)va, &c, 1), 0);
	return c;
}

/*
 * The five case counters, and the fault count: assert each delta since
 * snapshot s.
 */
#define D(s, f)	(uvmexp.f - (s).f)
static void
cases(const struct uvmexp *s, int faults, int anon, int acow, int obj,
    int prcopy, int przero)
{
	ATF_CHECK_EQ_MSG(D(*s, faults), faults, "faults %d", D(*s, faults));
	ATF_CHECK_EQ_MSG(D(*s, flt_anon), anon, "flt_anon %d", D(*s, flt_anon));
	ATF_CHECK_EQ_MSG(D(*s, flt_acow), acow, "flt_acow %d", D(*s, flt_acow));
	ATF_CHECK_EQ_MSG(D(*s, flt_obj), obj, "flt_obj %d", D(*s, flt_obj));
	ATF_CHECK_EQ_MSG(D(*s, flt_prcopy), prcopy, "flt_prcopy %d",
	    D(*s, flt_prcopy));
	ATF_CHECK_EQ_MSG(D(*s, flt_przero), przero, "flt_przero %d",
	    D(*s, flt_przero));
}

static bool
all_bytes(const unsigned char *p, unsigned char c, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != c)
			return false;
	return true;
}

/* Does a write at va fault (i.e. is it mapped read-only or not at all)? */
static bool
write_faults(vaddr_t va, unsigned char c)
{
	int before = uvmexp.faults;

	put(va, c, 1);
	return uvmexp.faults != before;
}

/* ------------------------------------------------------------------ */

ATF_TC_WITHOUT_HEAD(fault_unmapped_returns_efault);
ATF_TC_BODY(fault_unmapped_returns_efault, tc)
{
	struct uvmexp s;

	boot(16 * MB);
	s = uvmexp;
	ATF_CHECK_EQ(uvm_fault(MAP, VA0, VM_PROT_READ), EFAULT);
	ATF_CHECK_EQ(uvm_fault(MAP, VA0 + 12345, VM_PROT_WRITE), EFAULT);
	cases(&s, 2, 0, 0, 0, 0, 0);
	ATF_CHECK(page_at(vm, VA0) == NULL);
	shutdown();
}

ATF_TC_WITHOUT_HEAD(fault_protection_returns_eacces);
ATF_TC_BODY(fault_protection_returns_eacces, tc)
{
	struct uvmexp s;
	vaddr_t va;

	boot(16 * MB);
	va = map_anon(VA0, 4, UVM_PROT_READ, UVM_ADV_NORMAL);
	s = uvmexp;
	ATF_CHECK_EQ(uvm_fault(MAP, va, VM_PROT_WRITE), EACCES);
	ATF_CHECK_EQ(uvm_fault(MAP, va, VM_PROT_EXECUTE), EACCES);
	H_CHECK(MAP);
	/* Refused before anything was touched. */
	cases(&s, 2, 0, 0, 0, 0, 0);
	ATF_CHECK_EQ(D(s, fltamcopy), 0);
	ATF_CHECK(MAP->header.next->aref.ar_amap == NULL);
	ATF_CHECK(page_at(vm, va) == NULL);
	shutdown();
}

ATF_TC_WITHOUT_HEAD(fault_prot_none_refuses_read);
ATF_TC_BODY(fault_prot_none_refuses_read, tc)
{
	vaddr_t va;

	boot(16 * MB);
	va = map_anon(VA0, 1, UVM_PROT_NONE, UVM_ADV_NORMAL);
	ATF_CHECK_EQ(uvm_fault(MAP, va, VM_PROT_READ), EACCES);
	ATF_CHECK(page_at(vm, va) == NULL);
	shutdown();
}

ATF_TC_WITHOUT_HEAD(zerofill_read_promotes_zero_page_case_2b);
ATF_TC_BODY(zerofill_read_promotes_zero_page_case_2b, tc)
{
	struct uvmexp s;
	struct vm_page *pg;
	vaddr_t va;

	boot(16 * MB);
	va = map_anon(VA0, 4, UVM_PROT_RW, UVM_ADV_RANDOM);
	s = uvmexp;
	ATF_REQUIRE_EQ(uvm_fault(MAP, va + PAGE_SIZE, VM_PROT_READ), 0);
	H_CHECK(MAP);
	cases(&s, 1, 0, 0, 0, 0, 1);
	/* An object-less entry clears needs-copy even on a read. */
	ATF_CHECK_EQ(D(s, fltamcopy), 1);
	ATF_CHECK(!UVM_ET_ISNEEDSCOPY(MAP->header.next));
	ATF_REQUIRE(MAP->header.next->aref.ar_amap != NULL);
	ATF_CHECK_EQ(amap_nused(MAP->header.next->aref.ar_amap), 1);
	pg = page_at(vm, va + PAGE_SIZE);
	ATF_REQUIRE(pg != NULL);
	ATF_CHECK(pg->uanon != NULL && pg->uanon->an_page == pg);
	ATF_CHECK(pg->uobject == NULL);
	ATF_CHECK((pg->flags & PG_BUSY) == 0);
	ATF_CHECK(pg->pqflags & PQ_ACTIVE);
	ATF_CHECK(all_bytes(bytes_at(vm, va + PAGE_SIZE), 0, PAGE_SIZE));
	/* The sole owner may write without another fault. */
	ATF_CHECK(!write_faults(va + PAGE_SIZE, 7));
	ATF_CHECK(page_at(vm, va) == NULL);
	shutdown();
}

ATF_TC_WITHOUT_HEAD(anon_refault_maps_in_place_case_1a);
ATF_TC_BODY(anon_refault_maps_in_place_case_1a, tc)
{
	struct uvmexp s;
	struct vm_page *pg;
	vaddr_t va;

	boot(16 * MB);
	va = map_anon(VA0, 2, UVM_PROT_RW, UVM_ADV_RANDOM);
	put(va, 0x5a, 100);
	pg = page_at(vm, va);
	ATF_REQUIRE(pg != NULL);
	pmap_remove(PMAP, va, va + PAGE_SIZE);
	pmap_update(PMAP);
	ATF_REQUIRE(page_at(vm, va) == NULL);
	s = uvmexp;
	ATF_REQUIRE_EQ(uvm_fault(MAP, va, VM_PROT_WRITE), 0);
	H_CHECK(MAP);
	cases(&s, 1, 1, 0, 0, 0, 0);
	ATF_CHECK_EQ(D(s, fltanget), 1);
	ATF_CHECK_EQ(D(s, fltamcopy), 0);
	ATF_CHECK(page_at(vm, va) == pg);
	ATF_CHECK(all_bytes(bytes_at(vm, va), 0x5a, 100));
	shutdown();
}

ATF_TC_WITHOUT_HEAD(write_to_shared_anon_copies_case_1b);
ATF_TC_BODY(write_to_shared_anon_copies_case_1b, tc)
{
	struct vmspace *child;
	struct uvmexp s;
	struct vm_page *ppg, *cpg;
	vaddr_t va;

	boot(16 * MB);
	va = map_anon(VA0, 1, UVM_PROT_RW, UVM_ADV_RANDOM);
	put(va, 0x11, 64);
	ppg = page_at(vm, va);
	child = uvmspace_fork(vm);
	H_CHECK(&child->vm_map);
	H_CHECK(MAP);
	/* Both entries refer to one amap until someone writes. */
	ATF_CHECK(child->vm_map.header.next->aref.ar_amap ==
	    MAP->header.next->aref.ar_amap);
	ATF_CHECK_EQ(amap_refs(MAP->header.next->aref.ar_amap), 2);
	ATF_CHECK_EQ(ppg->uanon->an_ref, 1);

	/* Child writes: needs-copy first, then the shared anon is copied. */
	s = uvmexp;
	ATF_REQUIRE_EQ(uvm_fault(&child->vm_map, va, VM_PROT_WRITE), 0);
	H_CHECK(&child->vm_map);
	cases(&s, 1, 0, 1, 0, 0, 0);
	ATF_CHECK_EQ(D(s, fltamcopy), 1);
	cpg = page_at(child, va);
	ATF_REQUIRE(cpg != NULL && cpg != ppg);
	ATF_CHECK_EQ(ppg->uanon->an_ref, 1);
	ATF_CHECK_EQ(cpg->uanon->an_ref, 1);
	ATF_CHECK(all_bytes(bytes_at(child, va), 0x11, 64));
	bytes_at(child, va)[0] = 0x22;
	ATF_CHECK_EQ(get(va), 0x11);
	uvmspace_free(child);
	shutdown();
}

ATF_TC_WITHOUT_HEAD(read_of_shared_anon_maps_readonly);
ATF_TC_BODY(read_of_shared_anon_maps_readonly, tc)
{
	struct vmspace *child;
	struct uvmexp s;
	vaddr_t va;

	boot(16 * MB);
	va = map_anon(VA0, 1, UVM_PROT_RW, UVM_ADV_RANDOM);
	put(va, 0x33, 8);
	child = uvmspace_fork(vm);
	H_CHECK(&child->vm_map);
	s = uvmexp;
	ATF_REQUIRE_EQ(uvm_fault(&child->vm_map, va, VM_PROT_READ), 0);
	/*
	 * An object-less entry clears needs-copy even on a read: the
	 * child's new amap shares the anon, which is mapped in place.
	 */
	cases(&s, 1, 1, 0, 0, 0, 0);
	ATF_CHECK_EQ(D(s, fltamcopy), 1);
	ATF_CHECK_EQ(page_at(vm, va)->uanon->an_ref, 2);
	ATF_CHECK(page_at(child, va) == page_at(vm, va));
	/* The parent is write-protected too: its write copies (1B). */
	s = uvmexp;
	ATF_CHECK(write_faults(va, 0x44));
	cases(&s, 1, 0, 1, 0, 0, 0);
	ATF_CHECK(page_at(child, va) != page_at(vm, va));
	ATF_CHECK(all_bytes(bytes_at(child, va), 0x33, 8));
	ATF_CHECK_EQ(get(va), 0x44);
	uvmspace_free(child);
	shutdown();
}

ATF_TC_WITHOUT_HEAD(object_page_mapped_directly_case_2a);
ATF_TC_BODY(object_page_mapped_directly_case_2a, tc)
{
	struct uvm_object *uobj;
	struct uvmexp s;
	struct vm_page *pg;
	vaddr_t va;

	boot(16 * MB);
	uobj = uao_create(ptoa(4), 0);
	va = map_obj(uobj, VA0, 4, false, UVM_ADV_RANDOM);
	s = uvmexp;
	ATF_REQUIRE_EQ(uvm_fault(MAP, va + PAGE_SIZE, VM_PROT_WRITE), 0);
	H_CHECK(MAP);
	cases(&s, 1, 0, 0, 1, 0, 0);
	/* Not resident: the locked get finds nothing, the unlocked one
	 * creates it. */
	ATF_CHECK_EQ(D(s, fltlget), 1);
	ATF_CHECK_EQ(D(s, fltget), 1);
	ATF_CHECK_EQ(D(s, fltrelck), 1);
	ATF_CHECK_EQ(D(s, fltrelckok), 1);
	pg = page_at(vm, va + PAGE_SIZE);
	ATF_REQUIRE(pg != NULL);
	ATF_CHECK(pg->uobject == uobj && pg->offset == (voff_t)PAGE_SIZE);
	ATF_CHECK((pg->flags & PG_BUSY) == 0);
	ATF_CHECK(MAP->header.next->aref.ar_amap == NULL);
	/* Writes land in the object itself. */
	ATF_CHECK(!write_faults(va + PAGE_SIZE, 0x66));
	mutex_enter(uobj->vmobjlock);
	ATF_CHECK(uvm_pagelookup(uobj, PAGE_SIZE) == pg);
	ATF_CHECK_EQ(((unsigned char *)uvm_page_kva(pg))[0], 0x66);
	mutex_exit(uobj->vmobjlock);

	/* Resident now: one locked get, no unlocked one. */
	pmap_remove(PMAP, va, va + ptoa(4));
	s = uvmexp;
	ATF_REQUIRE_EQ(uvm_fault(MAP, va + PAGE_SIZE, VM_PROT_READ), 0);
	cases(&s, 1, 0, 0, 1, 0, 0);
	ATF_CHECK_EQ(D(s, fltlget), 1);
	ATF_CHECK_EQ(D(s, fltget), 0);
	uao_detach(uobj);
	shutdown();
}

ATF_TC_WITHOUT_HEAD(cow_object_write_promotes_copy_case_2b);
ATF_TC_BODY(cow_object_write_promotes_copy_case_2b, tc)
{
	struct uvm_object *uobj;
	struct uvmexp s;
	struct vm_page *opg, *pg;
	vaddr_t sva, cva;

	boot(16 * MB);
	uobj = uao_create(ptoa(2), 0);
	sva = map_obj(uobj, VA0, 2, false, UVM_ADV_RANDOM);
	cva = map_obj(uobj, VA0 + 0x100000, 2, true, UVM_ADV_RANDOM);
	put(sva, 0x77, 32);
	opg = page_at(vm, sva);

	/* A read of the COW mapping sees the object page, read-only. */
	s = uvmexp;
	ATF_REQUIRE_EQ(uvm_fault(MAP, cva, VM_PROT_READ), 0);
	cases(&s, 1, 0, 0, 1, 0, 0);
	ATF_CHECK(page_at(vm, cva) == opg);
	/* ... and leaves needs-copy alone (the entry has an object). */
	ATF_CHECK_EQ(D(s, fltamcopy), 0);

	s = uvmexp;
	ATF_CHECK(write_faults(cva, 0x88));
	cases(&s, 1, 0, 0, 0, 1, 0);
	ATF_CHECK_EQ(D(s, fltamcopy), 1);
	pg = page_at(vm, cva);
	ATF_REQUIRE(pg != NULL && pg != opg);
	ATF_CHECK(pg->uanon != NULL && pg->uobject == NULL);
	ATF_CHECK_EQ(bytes_at(vm, cva)[0], 0x88);
	ATF_CHECK(all_bytes(bytes_at(vm, cva) + 1, 0x77, 31));
	/* The object keeps its bytes. */
	ATF_CHECK(all_bytes(bytes_at(vm, sva), 0x77, 32));
	uao_detach(uobj);
	shutdown();
}

ATF_TC_WITHOUT_HEAD(cow_object_untouched_page_promotes_zero_copy);
ATF_TC_BODY(cow_object_untouched_page_promotes_zero_copy, tc)
{
	struct uvm_object *uobj;
	struct uvmexp s;
	vaddr_t cva;

	boot(16 * MB);
	uobj = uao_create(ptoa(1), 0);
	cva = map_obj(uobj, VA0, 1, true, UVM_ADV_RANDOM);
	/* The aobj zero-fills its page and the fault copies it. */
	s = uvmexp;
	ATF_REQUIRE_EQ(uvm_fault(MAP, cva, VM_PROT_WRITE), 0);
	cases(&s, 1, 0, 0, 0, 1, 0);
	ATF_CHECK_EQ(D(s, fltget), 1);
	ATF_CHECK(all_bytes(bytes_at(vm, cva), 0, PAGE_SIZE));
	mutex_enter(uobj->vmobjlock);
	ATF_CHECK(uvm_pagelookup(uobj, 0) != NULL);
	mutex_exit(uobj->vmobjlock);
	uao_detach(uobj);
	shutdown();
}

/* Fill npages, then drop every mapping so residency is all that is left. */
static vaddr_t
populate(int npages, int advice)
{
	vaddr_t va = map_anon(VA0, npages, UVM_PROT_RW, advice);

	for (int i = 0; i < npages; i++)
		put(va + ptoa((vsize_t)i), (unsigned char)i, 1);
	pmap_remove(PMAP, va, va + ptoa((vsize_t)npages));
	pmap_update(PMAP);
	return va;
}

ATF_TC_WITHOUT_HEAD(faultahead_normal_maps_3_back_4_forward);
ATF_TC_BODY(faultahead_normal_maps_3_back_4_forward, tc)
{
	struct uvmexp s;
	vaddr_t va;

	boot(16 * MB);
	va = populate(16, UVM_ADV_NORMAL);
	s = uvmexp;
	ATF_REQUIRE_EQ(uvm_fault(MAP, va + ptoa(8), VM_PROT_READ), 0);
	cases(&s, 1, 1, 0, 0, 0, 0);
	ATF_CHECK_EQ(D(s, fltnamap), 7);
	for (int i = 0; i < 16; i++)
		ATF_CHECK_EQ_MSG(page_at(vm, va + ptoa((vsize_t)i)) != NULL,
		    i >= 5 && i <= 12, "page %d", i);
	/* Neighbours hold their own bytes. */
	ATF_CHECK_EQ(bytes_at(vm, va + ptoa(5))[0], 5);
	ATF_CHECK_EQ(bytes_at(vm, va + ptoa(12))[0], 12);
	shutdown();
}

ATF_TC_WITHOUT_HEAD(faultahead_clipped_to_entry);
ATF_TC_BODY(faultahead_clipped_to_entry, tc)
{
	struct uvmexp s;
	vaddr_t va;

	boot(16 * MB);
	va = populate(3, UVM_ADV_NORMAL);
	s = uvmexp;
	ATF_REQUIRE_EQ(uvm_fault(MAP, va, VM_PROT_READ), 0);
	ATF_CHECK_EQ(D(s, fltnamap), 2);
	shutdown();
}

ATF_TC_WITHOUT_HEAD(faultahead_random_maps_nothing_else);
ATF_TC_BODY(faultahead_random_maps_nothing_else, tc)
{
	struct uvmexp s;
	vaddr_t va;

	boot(16 * MB);
	va = populate(16, UVM_ADV_RANDOM);
	s = uvmexp;
	ATF_REQUIRE_EQ(uvm_fault(MAP, va + ptoa(8), VM_PROT_READ), 0);
	ATF_CHECK_EQ(D(s, fltnamap), 0);
	for (int i = 0; i < 16; i++)
		ATF_CHECK_EQ_MSG(page_at(vm, va + ptoa((vsize_t)i)) != NULL,
		    i == 8, "page %d", i);
	shutdown();
}

ATF_TC_WITHOUT_HEAD(faultahead_sequential_maps_ahead_deactivates_behind);
ATF_TC_BODY(faultahead_sequential_maps_ahead_deactivates_behind, tc)
{
	struct uvmexp s;
	struct vm_page *pgs[20];
	vaddr_t va;

	boot(16 * MB);
	va = map_anon(VA0, 20, UVM_PROT_RW, UVM_ADV_SEQUENTIAL);
	for (int i = 0; i < 20; i++) {
		put(va + ptoa((vsize_t)i), (unsigned char)i, 1);
		pgs[i] = page_at(vm, va + ptoa((vsize_t)i));
		ATF_REQUIRE(pgs[i] != NULL);
	}
	pmap_remove(PMAP, va, va + ptoa(20));
	pmap_update(PMAP);
	for (int i = 0; i < 20; i++)
		uvm_pageactivate(pgs[i]);
	s = uvmexp;
	ATF_REQUIRE_EQ(uvm_fault(MAP, va + ptoa(10), VM_PROT_READ), 0);
	H_CHECK(MAP);
	ATF_CHECK_EQ(D(s, fltnamap), 7);
	for (int i = 0; i < 20; i++) {
		bool mapped = page_at(vm, va + ptoa((vsize_t)i)) != NULL;
		ATF_CHECK_EQ_MSG(mapped, i >= 10 && i <= 17, "page %d", i);
		/* The 8 pages behind went to the inactive queue. */
		ATF_CHECK_EQ_MSG((pgs[i]->pqflags & PQ_INACTIVE) != 0,
		    i >= 2 && i <= 9, "page %d pqflags %#x", i,
		    pgs[i]->pqflags);
	}
	shutdown();
}

ATF_TC_WITHOUT_HEAD(faultahead_neighbours_readonly_under_cow);
ATF_TC_BODY(faultahead_neighbours_readonly_under_cow, tc)
{
	struct vmspace *child;
	struct uvmexp s;
	vaddr_t va;

	boot(16 * MB);
	va = map_anon(VA0, 8, UVM_PROT_RW, UVM_ADV_NORMAL);
	for (int i = 0; i < 8; i++)
		put(va + ptoa((vsize_t)i), (unsigned char)(0x80 + i), 1);
	child = uvmspace_fork(vm);
	H_CHECK(&child->vm_map);
	/* The child's write at page 3 copies it and maps 2 back, 4 ahead. */
	s = uvmexp;
	ATF_REQUIRE_EQ(uvm_fault(&child->vm_map, va + ptoa(3),
	    VM_PROT_WRITE), 0);
	cases(&s, 1, 0, 1, 0, 0, 0);
	ATF_CHECK_EQ(D(s, fltnamap), 7);
	for (int i = 0; i < 8; i++)
		ATF_CHECK(page_at(child, va + ptoa((vsize_t)i)) != NULL);
	/* The neighbours are shared with the parent: read-only. */
	ATF_CHECK(page_at(child, va + ptoa(4)) == page_at(vm, va + ptoa(4)));
	s = uvmexp;
	ATF_REQUIRE_EQ(uvm_fault(&child->vm_map, va + ptoa(4),
	    VM_PROT_WRITE), 0);
	cases(&s, 1, 0, 1, 0, 0, 0);
	ATF_CHECK(page_at(child, va + ptoa(4)) != page_at(vm, va + ptoa(4)));
	ATF_CHECK_EQ(bytes_at(child, va + ptoa(4))[0], 0x84);
	uvmspace_free(child);
	shutdown();
}

ATF_TC_WITHOUT_HEAD(faultahead_object_neighbours_count_fltnomap);
ATF_TC_BODY(faultahead_object_neighbours_count_fltnomap, tc)
{
	struct uvm_object *uobj;
	struct uvmexp s;
	vaddr_t sva, cva;

	boot(16 * MB);
	uobj = uao_create(ptoa(8), 0);
	sva = map_obj(uobj, VA0, 8, false, UVM_ADV_RANDOM);
	for (int i = 0; i < 8; i++)
		put(sva + ptoa((vsize_t)i), (unsigned char)i, 1);
	cva = map_obj(uobj, VA0 + 0x100000, 8, true, UVM_ADV_NORMAL);
	s = uvmexp;
	ATF_REQUIRE_EQ(uvm_fault(MAP, cva + ptoa(3), VM_PROT_READ), 0);
	cases(&s, 1, 0, 0, 1, 0, 0);
	ATF_CHECK_EQ(D(s, fltnomap), 7);
	ATF_CHECK_EQ(D(s, fltget), 0);
	for (int i = 0; i < 8; i++)
		ATF_CHECK(page_at(vm, cva + ptoa((vsize_t)i)) ==
		    page_at(vm, sva + ptoa((vsize_t)i)));
	/* Copy-on-write: a write to a neighbour faults and copies. */
	s = uvmexp;
	ATF_CHECK(write_faults(cva + ptoa(5), 0xee));
	cases(&s, 1, 0, 0, 0, 1, 0);
	ATF_CHECK_EQ(bytes_at(vm, sva + ptoa(5))[0], 5);
	uao_detach(uobj);
	shutdown();
}

ATF_TC_WITHOUT_HEAD(cow_keeps_both_sides_bytes);
ATF_TC_BODY(cow_keeps_both_sides_bytes, tc)
{
	struct vmspace *child;
	unsigned char buf[64];
	vaddr_t va;

	boot(16 * MB);
	va = map_anon(VA0, 4, UVM_PROT_RW, UVM_ADV_NORMAL);
	for (int i = 0; i < 4; i++)
		put(va + ptoa((vsize_t)i), 0x10, 64);
	child = uvmspace_fork(vm);
	memset(buf, 0x20, sizeof(buf));
	ATF_REQUIRE_EQ(copyout_vmspace(child, buf, (void *)(va + ptoa(1)),
	    64), 0);
	H_CHECK(&child->vm_map);
	put(va + ptoa(2), 0x30, 64);
	for (int i = 0; i < 4; i++) {
		unsigned char p, c;

		ATF_REQUIRE_EQ(copyin_vmspace(child,
		    (void *)(va + ptoa((vsize_t)i)), &c, 1), 0);
		p = get(va + ptoa((vsize_t)i));
		ATF_CHECK_EQ_MSG(p, i == 2 ? 0x30 : 0x10, "parent page %d", i);
		ATF_CHECK_EQ_MSG(c, i == 1 ? 0x20 : 0x10, "child page %d", i);
	}
	uvmspace_free(child);
	/* With the child gone the parent's pages are its own again. */
	ATF_CHECK_EQ(page_at(vm, va + ptoa(3)) == NULL ||
	    page_at(vm, va + ptoa(3))->uanon->an_ref == 1, true);
	shutdown();
}

ATF_TC_WITHOUT_HEAD(wire_fault_gives_full_protection);
ATF_TC_BODY(wire_fault_gives_full_protection, tc)
{
	struct uvmexp s;
	struct vm_page *pg;
	vaddr_t va;

	boot(16 * MB);
	va = map_anon(VA0, 4, UVM_PROT_RW, UVM_ADV_NORMAL);
	s = uvmexp;
	/* A read that wires enters the page writable, and only it. */
	ATF_REQUIRE_EQ(uvm_fault(MAP, va + ptoa(1),
	    VM_PROT_READ | VM_FAULT_WIRE), 0);
	H_CHECK(MAP);
	cases(&s, 1, 0, 0, 0, 0, 1);
	ATF_CHECK_EQ(D(s, fltnamap), 0);
	pg = page_at(vm, va + ptoa(1));
	ATF_REQUIRE(pg != NULL);
	ATF_CHECK_EQ(pg->wire_count, 1);
	ATF_CHECK_EQ(D(s, wired), 1);
	ATF_CHECK_EQ(pmap_wired_count(PMAP), 1);
	ATF_CHECK(!write_faults(va + ptoa(1), 1));
	uvm_fault_unwire(MAP, va + ptoa(1), va + ptoa(2));
	H_CHECK(MAP);
	ATF_CHECK_EQ(pg->wire_count, 0);
	ATF_CHECK_EQ(D(s, wired), 0);
	ATF_CHECK_EQ(pmap_wired_count(PMAP), 0);
	shutdown();
}

ATF_TC_WITHOUT_HEAD(map_pageable_wires_and_unwire_releases);
ATF_TC_BODY(map_pageable_wires_and_unwire_releases, tc)
{
	struct uvmexp s;
	vaddr_t va;

	boot(16 * MB);
	va = map_anon(VA0, 8, UVM_PROT_RW, UVM_ADV_NORMAL);
	s = uvmexp;
	ATF_REQUIRE_EQ(uvm_map_pageable(MAP, va + ptoa(2), va + ptoa(6),
	    false, 0), 0);
	H_CHECK(MAP);
	ATF_CHECK_EQ(D(s, wired), 4);
	ATF_CHECK_EQ(D(s, flt_przero), 4);
	ATF_CHECK_EQ(pmap_wired_count(PMAP), 4);
	for (int i = 0; i < 8; i++) {
		struct vm_page *pg = page_at(vm, va + ptoa((vsize_t)i));

		if (i < 2 || i >= 6) {
			ATF_CHECK_MSG(pg == NULL, "page %d", i);
			continue;
		}
		ATF_REQUIRE_MSG(pg != NULL, "page %d", i);
		ATF_CHECK_EQ(pg->wire_count, 1);
		ATF_CHECK((pg->pqflags & PQ_QMASK) == 0);
	}
	/* Wired memory never faults. */
	s = uvmexp;
	for (int i = 2; i < 6; i++)
		put(va + ptoa((vsize_t)i), 9, 16);
	ATF_CHECK_EQ(D(s, faults), 0);

	ATF_REQUIRE_EQ(uvm_map_pageable(MAP, va + ptoa(2), va + ptoa(6),
	    true, 0), 0);
	H_CHECK(MAP);
	ATF_CHECK_EQ(pmap_wired_count(PMAP), 0);
	for (int i = 2; i < 6; i++) {
		struct vm_page *pg = page_at(vm, va + ptoa((vsize_t)i));

		ATF_REQUIRE(pg != NULL);
		ATF_CHECK_EQ(pg->wire_count, 0);
		ATF_CHECK(pg->pqflags & (PQ_ACTIVE | PQ_INACTIVE));
		ATF_CHECK_EQ(bytes_at(vm, va + ptoa((vsize_t)i))[0], 9);
	}
	ATF_CHECK_EQ(uvmexp.wired, s.wired - 4);
	shutdown();
}

ATF_TC_WITHOUT_HEAD(wire_readonly_cow_object_breaks_cow_with_maxprot);
ATF_TC_BODY(wire_readonly_cow_object_breaks_cow_with_maxprot, tc)
{
	struct uvm_object *uobj;
	struct uvmexp s;
	vaddr_t cva;

	boot(16 * MB);
	uobj = uao_create(ptoa(2), 0);
	cva = map_obj(uobj, VA0, 2, true, UVM_ADV_NORMAL);
	s = uvmexp;
	/* Wiring for the maximum protection copies now, not later. */
	ATF_REQUIRE_EQ(uvm_fault_wire(MAP, cva, cva + ptoa(2),
	    VM_PROT_READ, 1), 0);
	H_CHECK(MAP);
	cases(&s, 2, 0, 0, 0, 2, 0);
	ATF_CHECK_EQ(pmap_wired_count(PMAP), 2);
	ATF_CHECK(page_at(vm, cva)->uanon != NULL);
	uvm_fault_unwire(MAP, cva, cva + ptoa(2));
	ATF_CHECK_EQ(pmap_wired_count(PMAP), 0);
	ATF_CHECK_EQ(D(s, wired), 0);
	uao_detach(uobj);
	shutdown();
}

ATF_TC_WITHOUT_HEAD(fault_wire_failure_unwires_what_it_wired);
ATF_TC_BODY(fault_wire_failure_unwires_what_it_wired, tc)
{
	struct uvmexp s;
	vaddr_t va;

	boot(16 * MB);
	va = map_anon(VA0, 2, UVM_PROT_RW, UVM_ADV_NORMAL);
	/* The third page is not mapped: EFAULT after wiring two. */
	s = uvmexp;
	ATF_CHECK_EQ(uvm_fault_wire(MAP, va, va + ptoa(3), VM_PROT_READ, 0),
	    EFAULT);
	H_CHECK(MAP);
	ATF_CHECK_EQ(D(s, wired), 0);
	ATF_CHECK_EQ(pmap_wired_count(PMAP), 0);
	ATF_CHECK_EQ(page_at(vm, va)->wire_count, 0);
	shutdown();
}

ATF_TC_WITHOUT_HEAD(exhausted_machine_fails_enomem_fltnoram);
ATF_TC_BODY(exhausted_machine_fails_enomem_fltnoram, tc)
{
	struct pglist pgl, one;
	struct uvmexp s;
	vaddr_t va;
	int n = 0;

	boot(8 * MB);
	va = map_anon(VA0, 2, UVM_PROT_RW, UVM_ADV_NORMAL);
	put(va, 1, 1);		/* amap and page tables exist */
	TAILQ_INIT(&pgl);
	for (;;) {
		if (uvm_pglistalloc(PAGE_SIZE, 0, ~(paddr_t)0, PAGE_SIZE, 0,
		    &one, 1, 0) != 0)
			break;
		TAILQ_CONCAT(&pgl, &one, pageq);
		n++;
	}
	ATF_REQUIRE(n > 0);
	s = uvmexp;
	ATF_CHECK_EQ(uvm_fault(MAP, va + PAGE_SIZE, VM_PROT_WRITE), ENOMEM);
	H_CHECK(MAP);
	ATF_CHECK_EQ(D(s, fltnoram), 1);
	ATF_CHECK_EQ(D(s, flt_przero), 1);
	ATF_CHECK(page_at(vm, va + PAGE_SIZE) == NULL);
	ATF_CHECK_EQ(amap_nused(MAP->header.next->aref.ar_amap), 1);
	/* copy(9) reports the failure as EFAULT. */
	ATF_CHECK_EQ(copyout_vmspace(vm, &n, (void *)(va + PAGE_SIZE), 1),
	    EFAULT);
	uvm_pglistfree(&pgl);
	H_CHECK(MAP);
	/* With memory back the same fault succeeds. */
	ATF_CHECK_EQ(uvm_fault(MAP, va + PAGE_SIZE, VM_PROT_WRITE), 0);
	shutdown();
}

/*
 * A transient allocation failure with memory not short: the fault waits
 * for a pagedaemon pass (uvm_wait) and restarts, as NetBSD's does; it
 * fails with ENOMEM only when nothing is reclaimable (t_pdaemon).
 */
ATF_TC_WITHOUT_HEAD(anon_alloc_failure_counts_fltnoanon_waits_and_restarts);
ATF_TC_BODY(anon_alloc_failure_counts_fltnoanon_waits_and_restarts, tc)
{
	struct uvmexp s;
	vaddr_t va;

	boot(16 * MB);
	va = map_anon(VA0, 2, UVM_PROT_RW, UVM_ADV_NORMAL);
	put(va, 1, 1);
	s = uvmexp;
	kern_fault_set(KFI_ANON, 1, 0);
	ATF_CHECK_EQ(uvm_fault(MAP, va + PAGE_SIZE, VM_PROT_WRITE), 0);
	ATF_CHECK_EQ(kern_fault_hits(KFI_ANON), 1ul);
	kern_fault_clear();
	H_CHECK(MAP);
	ATF_CHECK_EQ(D(s, fltnoanon), 1);
	ATF_CHECK_EQ(D(s, fltnoram), 0);
	ATF_CHECK(D(s, pdwoke) >= 1);
	/*
	 * One fault; each attempt counts a promotion, as NetBSD's does;
	 * the failed attempt left nothing behind.
	 */
	ATF_CHECK_EQ(D(s, faults), 1);
	ATF_CHECK_EQ(D(s, flt_przero), 2);
	ATF_CHECK_EQ(amap_nused(MAP->header.next->aref.ar_amap), 2);
	ATF_REQUIRE(page_at(vm, va + PAGE_SIZE) != NULL);
	ATF_CHECK(all_bytes(bytes_at(vm, va + PAGE_SIZE), 0, PAGE_SIZE));
	shutdown();
}

ATF_TC_WITHOUT_HEAD(amap_alloc_failure_counts_fltnoamap);
ATF_TC_BODY(amap_alloc_failure_counts_fltnoamap, tc)
{
	struct uvmexp s;
	vaddr_t va;

	boot(16 * MB);
	va = map_anon(VA0, 2, UVM_PROT_RW, UVM_ADV_NORMAL);
	s = uvmexp;
	kern_fault_set(KFI_AMAP, 1, 0);
	ATF_CHECK_EQ(uvm_fault(MAP, va, VM_PROT_WRITE), ENOMEM);
	kern_fault_clear();
	H_CHECK(MAP);
	ATF_CHECK_EQ(D(s, fltnoamap), 1);
	ATF_CHECK_EQ(D(s, fltamcopy), 0);
	ATF_CHECK(UVM_ET_ISNEEDSCOPY(MAP->header.next));
	ATF_CHECK_EQ(uvm_fault(MAP, va, VM_PROT_WRITE), 0);
	ATF_CHECK_EQ(D(s, fltamcopy), 1);
	shutdown();
}

ATF_TC_WITHOUT_HEAD(copyout_through_hook_faults_in_pages);
ATF_TC_BODY(copyout_through_hook_faults_in_pages, tc)
{
	unsigned char out[3 * 4096], in[3 * 4096];
	struct uvmexp s;
	vaddr_t va;

	boot(16 * MB);
	va = map_anon(VA0, 4, UVM_PROT_RW, UVM_ADV_RANDOM);
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (unsigned char)(i * 7);
	s = uvmexp;
	/* Straddles three pages, starting mid-page. */
	ATF_REQUIRE_EQ(copyout_vmspace(vm, out, (void *)(va + 100),
	    2 * PAGE_SIZE), 0);
	H_CHECK(MAP);
	cases(&s, 3, 0, 0, 0, 0, 3);
	ATF_REQUIRE_EQ(copyin_vmspace(vm, (void *)(va + 100), in,
	    2 * PAGE_SIZE), 0);
	ATF_CHECK(memcmp(in, out, 2 * PAGE_SIZE) == 0);
	ATF_CHECK_EQ(D(s, faults), 3);	/* the reads did not fault */
	shutdown();
}

ATF_TC_WITHOUT_HEAD(copy_errors_surface_as_efault_without_side_effects);
ATF_TC_BODY(copy_errors_surface_as_efault_without_side_effects, tc)
{
	unsigned char buf[16] = { 0 };
	struct uvmexp s;
	vaddr_t ro;

	boot(16 * MB);
	ro = map_anon(VA0, 1, UVM_PROT_READ, UVM_ADV_NORMAL);
	s = uvmexp;
	ATF_CHECK_EQ(copyout_vmspace(vm, buf, (void *)ro, sizeof(buf)),
	    EFAULT);
	ATF_CHECK_EQ(copyout_vmspace(vm, buf, (void *)(VA0 + 0x800000),
	    sizeof(buf)), EFAULT);
	ATF_CHECK_EQ(copyin_vmspace(vm, (void *)(VA0 + 0x800000), buf,
	    sizeof(buf)), EFAULT);
	H_CHECK(MAP);
	ATF_CHECK_EQ(D(s, faults), 3);
	cases(&s, 3, 0, 0, 0, 0, 0);
	ATF_CHECK(MAP->header.next->aref.ar_amap == NULL);
	ATF_CHECK(page_at(vm, ro) == NULL);
	/* Reading the read-only page is fine: zeroes. */
	ATF_CHECK_EQ(copyin_vmspace(vm, (void *)ro, buf, sizeof(buf)), 0);
	ATF_CHECK(all_bytes(buf, 0, sizeof(buf)));
	shutdown();
}

ATF_TC_WITHOUT_HEAD(mprotect_readonly_then_rw_round_trip);
ATF_TC_BODY(mprotect_readonly_then_rw_round_trip, tc)
{
	struct uvmexp s;
	vaddr_t va;

	boot(16 * MB);
	va = map_anon(VA0, 2, UVM_PROT_RW, UVM_ADV_NORMAL);
	put(va, 0xab, 4);
	ATF_REQUIRE_EQ(uvm_map_protect(MAP, va, va + ptoa(2), UVM_PROT_READ,
	    false), 0);
	H_CHECK(MAP);
	ATF_CHECK_EQ(uvm_fault(MAP, va, VM_PROT_WRITE), EACCES);
	ATF_CHECK_EQ(get(va), 0xab);
	ATF_REQUIRE_EQ(uvm_map_protect(MAP, va, va + ptoa(2), UVM_PROT_RW,
	    false), 0);
	H_CHECK(MAP);
	s = uvmexp;
	put(va, 0xcd, 1);
	/* The anon is ours alone: in place (1A), no copy. */
	ATF_CHECK_EQ(D(s, flt_acow), 0);
	ATF_CHECK_EQ(get(va), 0xcd);
	ATF_CHECK_EQ(get(va + 1), 0xab);
	shutdown();
}

ATF_TC_WITHOUT_HEAD(fault_bad_access_type_panics);
ATF_TC_BODY(fault_bad_access_type_panics, tc)
{
	boot(16 * MB);
	map_anon(VA0, 1, UVM_PROT_RW, UVM_ADV_NORMAL);
	ATF_CHECK(H_PANICS(uvm_fault(MAP, VA0, 0x100)));
	shutdown();
}

ATF_TC_WITHOUT_HEAD(unmap_after_fault_frees_pages);
ATF_TC_BODY(unmap_after_fault_frees_pages, tc)
{
	int free0;
	vaddr_t va;

	boot(16 * MB);
	va = map_anon(VA0, 8, UVM_PROT_RW, UVM_ADV_NORMAL);
	free0 = uvmexp.free;
	for (int i = 0; i < 8; i++)
		put(va + ptoa((vsize_t)i), 1, 1);
	ATF_CHECK(uvmexp.free <= free0 - 8);
	uvm_unmap(MAP, va, va + ptoa(8));
	H_CHECK(MAP);
	ATF_CHECK(page_at(vm, va) == NULL);
	ATF_CHECK_EQ(uvm_fault(MAP, va, VM_PROT_READ), EFAULT);
	ATF_CHECK(uvmexp.free >= free0 - 2);
	shutdown();
}

ATF_TC_WITHOUT_HEAD(fault_through_submap_enters_in_parent_pmap);
ATF_TC_BODY(fault_through_submap_enters_in_parent_pmap, tc)
{
	struct vm_map *sub;
	struct uvmexp s;
	vaddr_t va = VA0, sva = VA0;

	boot(16 * MB);
	ATF_REQUIRE_EQ(uvm_map(MAP, &va, ptoa(4), NULL, UVM_UNKNOWN_OFFSET,
	    0, UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_ALL, UVM_INH_NONE,
	    UVM_ADV_NORMAL, UVM_FLAG_FIXED)), 0);
	/* A submap shares its parent's pmap (and holds a reference). */
	pmap_reference(PMAP);
	sub = uvm_map_create(PMAP, VA0, VA0 + ptoa(4), VM_MAP_PAGEABLE);
	ATF_REQUIRE(sub != NULL);
	ATF_REQUIRE_EQ(uvm_map(sub, &sva, ptoa(4), NULL, UVM_UNKNOWN_OFFSET,
	    0, UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_ALL, UVM_INH_COPY,
	    UVM_ADV_RANDOM, UVM_FLAG_FIXED | UVM_FLAG_COPYONW)), 0);
	ATF_REQUIRE_EQ(uvm_map_submap(MAP, VA0, VA0 + ptoa(4), sub), 0);
	H_CHECK(MAP);
	H_CHECK(sub);
	s = uvmexp;
	ATF_REQUIRE_EQ(uvm_fault(MAP, VA0 + ptoa(2), VM_PROT_WRITE), 0);
	H_CHECK(sub);
	cases(&s, 1, 0, 0, 0, 0, 1);
	/* The submap's entry got the amap; the page is in our pmap. */
	ATF_CHECK(sub->header.next->aref.ar_amap != NULL);
	ATF_CHECK(MAP->header.next->aref.ar_amap == NULL);
	ATF_CHECK(page_at(vm, VA0 + ptoa(2)) != NULL);
	/* The submap's entry's protection is the one checked. */
	ATF_CHECK_EQ(uvm_fault(MAP, VA0 + ptoa(2), VM_PROT_EXECUTE), EACCES);
	uvm_map_deallocate(sub);
	shutdown();
}

ATF_TC_WITHOUT_HEAD(fault_on_kernel_map_pageable_memory);
ATF_TC_BODY(fault_on_kernel_map_pageable_memory, tc)
{
	struct uvmexp s;
	vaddr_t kva;
	paddr_t pa;

	boot(16 * MB);
	kva = uvm_km_alloc(kernel_map, ptoa(4), 0, UVM_KMF_PAGEABLE);
	ATF_REQUIRE(kva != 0);
	H_CHECK(kernel_map);
	s = uvmexp;
	ATF_REQUIRE_EQ(uvm_fault(kernel_map, kva + ptoa(1) + 8,
	    VM_PROT_WRITE), 0);
	H_CHECK(kernel_map);
	/* The kernel object's page, mapped directly (case 2A). */
	cases(&s, 1, 0, 0, 1, 0, 0);
	ATF_REQUIRE(pmap_extract(pmap_kernel(), kva + ptoa(1), &pa));
	ATF_CHECK(PHYS_TO_VM_PAGE(pa)->uobject != NULL);
	ATF_CHECK(!pmap_extract(pmap_kernel(), kva, &pa));
	uvm_km_free(kernel_map, kva, ptoa(4), UVM_KMF_PAGEABLE);
	H_CHECK(kernel_map);
	shutdown();
}

struct faulter {
	struct vm_map	*map;
	vaddr_t		va;
	int		error;
};

static void
faulter_run(void *arg)
{
	struct faulter *f = arg;

	f->error = uvm_fault(f->map, f->va, VM_PROT_READ);
	kthread_exit(0);
}

/*
 * Make the anon's page at va busy, start a fault on it in another
 * thread, and wait until that thread sleeps for the page; then, if
 * change_map, change the map behind its back; then unbusy the page.
 */
static void
fault_on_busy_anon(vaddr_t va, bool change_map)
{
	struct vm_amap *amap = MAP->header.next->aref.ar_amap;
	struct faulter f = { MAP, va, -1 };
	struct vm_page *pg = page_at(vm, va);
	struct lwp *l;
	int waits = uvmexp.fltpgwait;

	ATF_REQUIRE(pg != NULL && amap != NULL);
	pmap_remove(PMAP, va, va + PAGE_SIZE);
	amap_lock(amap);
	pg->flags |= PG_BUSY;
	amap_unlock(amap);
	ATF_REQUIRE_EQ(kthread_create(PRI_NONE, KTHREAD_MUSTJOIN, NULL,
	    faulter_run, &f, &l, "faulter"), 0);
	while (atomic_load_relaxed(&uvmexp.fltpgwait) == waits)
		yield();
	if (change_map) {
		vm_map_lock(MAP);	/* a new map version */
		vm_map_unlock(MAP);
	}
	/* The faulter released the amap's lock only by sleeping. */
	amap_lock(amap);
	uvm_pageunbusy(pg);
	amap_unlock(amap);
	ATF_REQUIRE_EQ(kthread_join(l), 0);
	ATF_CHECK_EQ(f.error, 0);
	ATF_CHECK(page_at(vm, va) == pg);
}

ATF_TC_WITHOUT_HEAD(busy_anon_page_waits_then_retries);
ATF_TC_BODY(busy_anon_page_waits_then_retries, tc)
{
	struct uvmexp s;
	vaddr_t va;

	boot(16 * MB);
	va = map_anon(VA0, 1, UVM_PROT_RW, UVM_ADV_NORMAL);
	put(va, 3, 1);
	s = uvmexp;
	fault_on_busy_anon(va, false);
	H_CHECK(MAP);
	cases(&s, 1, 1, 0, 0, 0, 0);
	ATF_CHECK_EQ(D(s, fltpgwait), 1);
	ATF_CHECK_EQ(D(s, fltrelck), 1);
	ATF_CHECK_EQ(D(s, fltrelckok), 1);
	ATF_CHECK_EQ(D(s, fltanretry), 1);
	ATF_CHECK_EQ(D(s, fltanget), 1);
	shutdown();
}

ATF_TC_WITHOUT_HEAD(busy_anon_page_and_changed_map_restart_fault);
ATF_TC_BODY(busy_anon_page_and_changed_map_restart_fault, tc)
{
	struct uvmexp s;
	vaddr_t va;

	boot(16 * MB);
	va = map_anon(VA0, 1, UVM_PROT_RW, UVM_ADV_NORMAL);
	put(va, 3, 1);
	s = uvmexp;
	fault_on_busy_anon(va, true);
	H_CHECK(MAP);
	/* The relock failed: the whole fault ran again (and only once). */
	cases(&s, 1, 1, 0, 0, 0, 0);
	ATF_CHECK_EQ(D(s, fltpgwait), 1);
	ATF_CHECK_EQ(D(s, fltrelck), 1);
	ATF_CHECK_EQ(D(s, fltrelckok), 0);
	ATF_CHECK_EQ(D(s, fltanretry), 0);
	ATF_CHECK_EQ(D(s, fltanget), 2);
	shutdown();
}

/*
 * pmap_enter fails (a pmap resource shortage): the fault waits for the
 * pagedaemon and restarts; the anon it made stays in the amap and the
 * restarted fault maps it (no second zero-fill).
 */
ATF_TC_WITHOUT_HEAD(pmap_enter_failure_waits_and_restart_maps_same_anon);
ATF_TC_BODY(pmap_enter_failure_waits_and_restart_maps_same_anon, tc)
{
	struct uvmexp s;
	vaddr_t va;

	boot(16 * MB);
	va = map_anon(VA0, 1, UVM_PROT_RW, UVM_ADV_RANDOM);
	s = uvmexp;
	kern_fault_set(KFI_PMAP_ENTER, 1, 0);
	ATF_CHECK_EQ(uvm_fault(MAP, va, VM_PROT_WRITE), 0);
	ATF_CHECK_EQ(kern_fault_hits(KFI_PMAP_ENTER), 1ul);
	kern_fault_clear();
	H_CHECK(MAP);
	ATF_CHECK(D(s, pdwoke) >= 1);
	/* Zero-filled once, then found in the amap by the restart. */
	cases(&s, 1, 1, 0, 0, 0, 1);
	ATF_REQUIRE_EQ(amap_nused(MAP->header.next->aref.ar_amap), 1);
	ATF_REQUIRE(page_at(vm, va) != NULL);
	ATF_CHECK((page_at(vm, va)->flags & PG_BUSY) == 0);
	ATF_CHECK(all_bytes(bytes_at(vm, va), 0, PAGE_SIZE));
	shutdown();
}

/*
 * Paging for real (the pagedaemon writes, faults read): a sequential
 * sweep over twice RAM reads its pages back clustered, with each fault
 * reading its read-ahead neighbours in the same I/O (pageins well under
 * pgswapin, one nswget per read), every byte right and every slot owned
 * once; both daemon modes.
 */
#define SWAPIN_FILE	"faultswap.img"

static void
swapin_sweep(enum uvm_daemon_mode mode)
{
	struct uvm_machine m;
	struct uvmexp s;
	unsigned char *buf;
	vaddr_t va = VA0;
	const char *why;
	int npages, in, io;

	uvm_machine_defaults(&m);
	m.m_ramsize = 4 * MB;
	m.m_quiet = true;
	m.m_daemon = mode;
	unlink(SWAPIN_FILE);
	m.m_nswap = 1;
	m.m_swap[0].sw_path = SWAPIN_FILE;
	m.m_swap[0].sw_size = (off_t)(16 * MB);
	h_boot_machine(&m);
	buf = malloc(PAGE_SIZE);
	vm = uvmspace_alloc(UMIN, UMAX, false);
	npages = (int)(2 * uvmexp.npages);
	ATF_REQUIRE_EQ(uvm_map(&vm->vm_map, &va, ptoa((vsize_t)npages), NULL,
	    UVM_UNKNOWN_OFFSET, 0, UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_ALL,
	    UVM_INH_COPY, UVM_ADV_NORMAL, UVM_FLAG_FIXED | UVM_FLAG_COPYONW)),
	    0);
	for (int i = 0; i < npages; i++) {
		memset(buf, i * 7 + 1, PAGE_SIZE);
		ATF_REQUIRE_EQ(copyout_vmspace(vm, buf,
		    (void *)(VA0 + ptoa((vaddr_t)i)), PAGE_SIZE), 0);
	}
	H_CHECK(&vm->vm_map);
	why = uvm_pdaemon_check(true);
	ATF_REQUIRE_MSG(why == NULL, "%s", why);
	ATF_REQUIRE(uvmexp.pgswapout > 0);
	s = uvmexp;
	for (int i = 0; i < npages; i++) {
		ATF_REQUIRE_EQ(copyin_vmspace(vm,
		    (void *)(VA0 + ptoa((vaddr_t)i)), buf, PAGE_SIZE), 0);
		ATF_REQUIRE_EQ_MSG(buf[0], (unsigned char)(i * 7 + 1),
		    "page %d", i);
		ATF_REQUIRE_EQ_MSG(buf[PAGE_SIZE - 1],
		    (unsigned char)(i * 7 + 1), "page %d", i);
	}
	in = uvmexp.pgswapin - s.pgswapin;
	io = uvmexp.pageins - s.pageins;
	ATF_CHECK_MSG(in >= npages / 4, "%d pages read in", in);
	ATF_CHECK_MSG(io > 0 && io * 3 <= in, "%d pages in %d reads", in, io);
	ATF_CHECK_EQ(uvmexp.nswget - s.nswget, io);
	H_CHECK(&vm->vm_map);
	why = uvm_pdaemon_check(true);
	ATF_CHECK_MSG(why == NULL, "%s", why);
	uvmspace_free(vm);
	vm = NULL;
	why = uvm_pdaemon_check(true);
	ATF_CHECK_MSG(why == NULL, "%s", why);
	ATF_CHECK_EQ(uvmexp.swpginuse, 0);
	free(buf);
	h_shutdown();
	unlink(SWAPIN_FILE);
}

ATF_TC_WITHOUT_HEAD(swapin_sweep_reads_clusters_stepped);
ATF_TC_BODY(swapin_sweep_reads_clusters_stepped, tc)
{
	swapin_sweep(UVM_DAEMON_STEPPED);
}

ATF_TC_WITHOUT_HEAD(swapin_sweep_reads_clusters_threaded);
ATF_TC_BODY(swapin_sweep_reads_clusters_threaded, tc)
{
	swapin_sweep(UVM_DAEMON_THREADED);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, fault_unmapped_returns_efault);
	ATF_TP_ADD_TC(tp, fault_protection_returns_eacces);
	ATF_TP_ADD_TC(tp, fault_prot_none_refuses_read);
	ATF_TP_ADD_TC(tp, zerofill_read_promotes_zero_page_case_2b);
	ATF_TP_ADD_TC(tp, anon_refault_maps_in_place_case_1a);
	ATF_TP_ADD_TC(tp, write_to_shared_anon_copies_case_1b);
	ATF_TP_ADD_TC(tp, read_of_shared_anon_maps_readonly);
	ATF_TP_ADD_TC(tp, object_page_mapped_directly_case_2a);
	ATF_TP_ADD_TC(tp, cow_object_write_promotes_copy_case_2b);
	ATF_TP_ADD_TC(tp, cow_object_untouched_page_promotes_zero_copy);
	ATF_TP_ADD_TC(tp, faultahead_normal_maps_3_back_4_forward);
	ATF_TP_ADD_TC(tp, faultahead_clipped_to_entry);
	ATF_TP_ADD_TC(tp, faultahead_random_maps_nothing_else);
	ATF_TP_ADD_TC(tp, faultahead_sequential_maps_ahead_deactivates_behind);
	ATF_TP_ADD_TC(tp, faultahead_neighbours_readonly_under_cow);
	ATF_TP_ADD_TC(tp, faultahead_object_neighbours_count_fltnomap);
	ATF_TP_ADD_TC(tp, cow_keeps_both_sides_bytes);
	ATF_TP_ADD_TC(tp, wire_fault_gives_full_protection);
	ATF_TP_ADD_TC(tp, map_pageable_wires_and_unwire_releases);
	ATF_TP_ADD_TC(tp, wire_readonly_cow_object_breaks_cow_with_maxprot);
	ATF_TP_ADD_TC(tp, fault_wire_failure_unwires_what_it_wired);
	ATF_TP_ADD_TC(tp, exhausted_machine_fails_enomem_fltnoram);
	ATF_TP_ADD_TC(tp, anon_alloc_failure_counts_fltnoanon_waits_and_restarts);
	ATF_TP_ADD_TC(tp, pmap_enter_failure_waits_and_restart_maps_same_anon);
	ATF_TP_ADD_TC(tp, amap_alloc_failure_counts_fltnoamap);
	ATF_TP_ADD_TC(tp, copyout_through_hook_faults_in_pages);
	ATF_TP_ADD_TC(tp, copy_errors_surface_as_efault_without_side_effects);
	ATF_TP_ADD_TC(tp, mprotect_readonly_then_rw_round_trip);
	ATF_TP_ADD_TC(tp, fault_bad_access_type_panics);
	ATF_TP_ADD_TC(tp, unmap_after_fault_frees_pages);
	ATF_TP_ADD_TC(tp, fault_through_submap_enters_in_parent_pmap);
	ATF_TP_ADD_TC(tp, fault_on_kernel_map_pageable_memory);
	ATF_TP_ADD_TC(tp, busy_anon_page_waits_then_retries);
	ATF_TP_ADD_TC(tp, busy_anon_page_and_changed_map_restart_fault);
	ATF_TP_ADD_TC(tp, swapin_sweep_reads_clusters_stepped);
	ATF_TP_ADD_TC(tp, swapin_sweep_reads_clusters_threaded);
	return atf_no_error();
}
