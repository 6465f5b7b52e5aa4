/*
 * t_map: address spaces (uvm_map(9), vm_map(9)): placement, fixed and
 * replacing mappings, merging, clipping, protection, inheritance,
 * advice, unmapping, wiring and its limits, submaps, the map checker,
 * and randomized sequences against an array model of the address space.
 */
#include "h_machine.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/uvm/uvm_impl.h"

#define PG		((vsize_t)PAGE_SIZE)
#define rounddown(x, y)	(((x) / (y)) * (y))
#define MAPMIN		((vaddr_t)0x10000)
#define MAPPAGES	4096

static struct vm_map *
boot_map(int flags)
{
	struct vm_map *map;

	h_boot(64 * 1024 * 1024, 0);
	map = uvm_map_create(pmap_create(), MAPMIN, MAPMIN + MAPPAGES * PG,
	    flags);
	H_CHECK(map);
	return map;
}

static void
done(struct vm_map *map)
{
	H_CHECK(map);
	uvm_map_deallocate(map);
	h_shutdown();
}

#define RW	UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_RWX, UVM_INH_COPY, \
		    UVM_ADV_NORMAL, 0)
#define RWF(f)	UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_RWX, UVM_INH_COPY, \
		    UVM_ADV_NORMAL, (f))

/* Map npages at hint with flags; the test fails unless it works. */
static vaddr_t
mapit(struct vm_map *map, vaddr_t hint, vsize_t npages, uvm_flag_t flags)
{
	vaddr_t va = hint;
	int error;

	error = uvm_map(map, &va, npages * PG, NULL, UVM_UNKNOWN_OFFSET, 0,
	    flags);
	ATF_REQUIRE_EQ_MSG(error, 0, "uvm_map: %d", error);
	H_CHECK(map);
	return va;
}

static struct vm_map_entry *
ent(struct vm_map *map, int i)
{
	struct vm_map_entry *e = map->header.next;

	while (i-- > 0 && e != &map->header)
		e = e->next;
	ATF_REQUIRE(e != &map->header);
	return e;
}

/* A test object counting its references. */
static int tobj_refs;
static void tobj_ref(struct uvm_object *o) { (void)o; tobj_refs++; }
static void tobj_det(struct uvm_object *o) { (void)o; tobj_refs--; }
static const struct uvm_pagerops tobj_ops = {
	.pgo_reference = tobj_ref,
	.pgo_detach = tobj_det,
	.pgo_name = "tobj",
};
static struct uvm_object tobj = { .pgops = &tobj_ops };
static struct uvm_object tobj2 = { .pgops = &tobj_ops };

static int
mapobj(struct vm_map *map, vaddr_t *va, vsize_t npages,
    struct uvm_object *o, voff_t off, uvm_flag_t flags)
{
	int error;

	tobj_refs++;		/* the reference uvm_map() takes over */
	error = uvm_map(map, va, npages * PG, o, off, 0, flags);
	if (error != 0)
		tobj_refs--;
	H_CHECK(map);
	return error;
}

/* ------------------------------------------------------------------ */

ATF_TC_WITHOUT_HEAD(entry_is_at_most_128_bytes);
ATF_TC_BODY(entry_is_at_most_128_bytes, tc)
{
	ATF_CHECK(sizeof(struct vm_map_entry) <= 128);
}

ATF_TC_WITHOUT_HEAD(empty_map_passes_checker);
ATF_TC_BODY(empty_map_passes_checker, tc)
{
	struct vm_map *map = boot_map(0);

	ATF_CHECK_EQ(map->nentries, 0);
	ATF_CHECK_EQ(map->size, 0);
	ATF_CHECK_EQ(vm_map_min(map), MAPMIN);
	ATF_CHECK_EQ(vm_map_max(map), MAPMIN + MAPPAGES * PG);
	ATF_CHECK(uvm_map_check(map) == NULL);
	ATF_CHECK(kernel_map != NULL && uvm_map_check(kernel_map) == NULL);
	done(map);
}

ATF_TC_WITHOUT_HEAD(placement_first_fit_from_min);
ATF_TC_BODY(placement_first_fit_from_min, tc)
{
	struct vm_map *map = boot_map(0);
	unsigned int ts = map->timestamp;

	ATF_CHECK_EQ(mapit(map, 0, 2, RWF(UVM_FLAG_NOMERGE)), MAPMIN);
	ATF_CHECK_EQ(mapit(map, 0, 3, RWF(UVM_FLAG_NOMERGE)), MAPMIN + 2 * PG);
	ATF_CHECK_EQ(mapit(map, 0, 1, RWF(UVM_FLAG_NOMERGE)), MAPMIN + 5 * PG);
	ATF_CHECK_EQ(map->nentries, 3);
	ATF_CHECK_EQ(map->size, 6 * PG);
	ATF_CHECK(map->timestamp != ts);
	done(map);
}

ATF_TC_WITHOUT_HEAD(placement_first_fit_reuses_hole);
ATF_TC_BODY(placement_first_fit_reuses_hole, tc)
{
	struct vm_map *map = boot_map(0);
	vaddr_t a, b, c;

	a = mapit(map, 0, 2, RWF(UVM_FLAG_NOMERGE));
	b = mapit(map, 0, 4, RWF(UVM_FLAG_NOMERGE));
	c = mapit(map, 0, 2, RWF(UVM_FLAG_NOMERGE));
	uvm_unmap(map, b, b + 4 * PG);
	H_CHECK(map);
	/* Too big for the hole: after c. */
	ATF_CHECK_EQ(mapit(map, 0, 5, RWF(UVM_FLAG_NOMERGE)), c + 2 * PG);
	/* Fits: the hole, lowest first. */
	ATF_CHECK_EQ(mapit(map, 0, 3, RWF(UVM_FLAG_NOMERGE)), b);
	ATF_CHECK_EQ(mapit(map, 0, 1, RWF(UVM_FLAG_NOMERGE)), b + 3 * PG);
	ATF_CHECK_EQ(a, MAPMIN);
	done(map);
}

ATF_TC_WITHOUT_HEAD(placement_hint_is_lower_bound);
ATF_TC_BODY(placement_hint_is_lower_bound, tc)
{
	struct vm_map *map = boot_map(0);
	vaddr_t h = MAPMIN + 100 * PG;

	ATF_CHECK_EQ(mapit(map, h, 2, RWF(UVM_FLAG_NOMERGE)), h);
	/* Hint inside a mapping: the first free address above it. */
	ATF_CHECK_EQ(mapit(map, h + PG, 2, RWF(UVM_FLAG_NOMERGE)), h + 2 * PG);
	/* Hint below the map: from min. */
	ATF_CHECK_EQ(mapit(map, 0, 1, RWF(UVM_FLAG_NOMERGE)), MAPMIN);
	done(map);
}

ATF_TC_WITHOUT_HEAD(placement_hint_wraps_when_no_room_above);
ATF_TC_BODY(placement_hint_wraps_when_no_room_above, tc)
{
	struct vm_map *map = boot_map(0);
	vaddr_t top = vm_map_max(map) - 4 * PG;

	ATF_CHECK_EQ(mapit(map, top, 4, RWF(UVM_FLAG_NOMERGE)), top);
	ATF_CHECK_EQ(mapit(map, top, 4, RWF(UVM_FLAG_NOMERGE)), MAPMIN);
	done(map);
}

ATF_TC_WITHOUT_HEAD(placement_topdown_from_max);
ATF_TC_BODY(placement_topdown_from_max, tc)
{
	struct vm_map *map = boot_map(VM_MAP_TOPDOWN);
	vaddr_t max = vm_map_max(map), a, b;

	a = mapit(map, 0, 2, RWF(UVM_FLAG_NOMERGE));
	ATF_CHECK_EQ(a, max - 2 * PG);
	b = mapit(map, 0, 3, RWF(UVM_FLAG_NOMERGE));
	ATF_CHECK_EQ(b, max - 5 * PG);
	/* A hole near the top is reused first. */
	uvm_unmap(map, a, a + 2 * PG);
	H_CHECK(map);
	ATF_CHECK_EQ(mapit(map, 0, 1, RWF(UVM_FLAG_NOMERGE)), max - PG);
	/* Hint: the range ends at or below it. */
	ATF_CHECK_EQ(mapit(map, MAPMIN + 50 * PG, 2, RWF(UVM_FLAG_NOMERGE)),
	    MAPMIN + 48 * PG);
	ATF_CHECK_EQ(mapit(map, MAPMIN + 50 * PG, 2, RWF(UVM_FLAG_NOMERGE)),
	    MAPMIN + 46 * PG);
	/* No room below the hint: from the top again. */
	ATF_CHECK_EQ(mapit(map, MAPMIN, 1, RWF(UVM_FLAG_NOMERGE)),
	    max - 2 * PG);
	done(map);
}

ATF_TC_WITHOUT_HEAD(placement_alignment);
ATF_TC_BODY(placement_alignment, tc)
{
	struct vm_map *map = boot_map(0);
	vaddr_t va;
	vsize_t al = 64 * PG;

	(void)mapit(map, 0, 1, RWF(UVM_FLAG_NOMERGE));
	va = 0;
	ATF_REQUIRE_EQ(uvm_map(map, &va, 2 * PG, NULL, UVM_UNKNOWN_OFFSET,
	    al, RWF(UVM_FLAG_NOMERGE)), 0);
	H_CHECK(map);
	ATF_CHECK_EQ(va % al, 0);
	ATF_CHECK_EQ(va, roundup(MAPMIN + PG, al));
	/* Alignment larger than the map's free space: ENOMEM. */
	va = 0;
	ATF_CHECK_EQ(uvm_map(map, &va, PG, NULL, UVM_UNKNOWN_OFFSET,
	    (vsize_t)1 << 40, RW), ENOMEM);
	H_CHECK(map);
	done(map);
}

ATF_TC_WITHOUT_HEAD(placement_alignment_topdown);
ATF_TC_BODY(placement_alignment_topdown, tc)
{
	struct vm_map *map = boot_map(VM_MAP_TOPDOWN);
	vaddr_t va = 0;
	vsize_t al = 16 * PG;

	(void)mapit(map, 0, 1, RWF(UVM_FLAG_NOMERGE));
	ATF_REQUIRE_EQ(uvm_map(map, &va, 3 * PG, NULL, UVM_UNKNOWN_OFFSET,
	    al, RWF(UVM_FLAG_NOMERGE)), 0);
	H_CHECK(map);
	ATF_CHECK_EQ(va % al, 0);
	ATF_CHECK_EQ(va, rounddown(vm_map_max(map) - PG - 3 * PG, al));
	done(map);
}

ATF_TC_WITHOUT_HEAD(placement_pmap_prefer_uses_uoffset);
ATF_TC_BODY(placement_pmap_prefer_uses_uoffset, tc)
{
	struct vm_map *map = boot_map(0);
	vaddr_t va;
	vsize_t saved = pmap_prefer_align;

	pmap_prefer_align = 8 * PG;
	(void)mapit(map, 0, 1, RWF(UVM_FLAG_NOMERGE));
	/* No object, known offset: the offset is the colour hint. */
	va = 0;
	ATF_REQUIRE_EQ(uvm_map(map, &va, PG, NULL, 3 * PG, 0,
	    RWF(UVM_FLAG_NOMERGE)), 0);
	H_CHECK(map);
	ATF_CHECK_EQ(va % (8 * PG), 3 * PG);
	/* No object, unknown offset: no preference, first fit. */
	va = 0;
	ATF_REQUIRE_EQ(uvm_map(map, &va, PG, NULL, UVM_UNKNOWN_OFFSET, 0,
	    RWF(UVM_FLAG_NOMERGE)), 0);
	ATF_CHECK_EQ(va, MAPMIN + PG);
	/* An object at offset 5 pages. */
	va = 0;
	ATF_REQUIRE_EQ(mapobj(map, &va, 1, &tobj, 5 * PG,
	    RWF(UVM_FLAG_NOMERGE)), 0);
	ATF_CHECK_EQ(va % (8 * PG), 5 * PG);
	pmap_prefer_align = saved;
	done(map);
	ATF_CHECK_EQ(tobj_refs, 0);
}

ATF_TC_WITHOUT_HEAD(placement_colormatch_both_directions);
ATF_TC_BODY(placement_colormatch_both_directions, tc)
{
	struct uvm_machine m;
	int td;

	for (td = 0; td < 2; td++) {
		struct vm_map *map;
		vaddr_t va;
		unsigned int c;

		uvm_machine_defaults(&m);
		m.m_ramsize = 64 * 1024 * 1024;
		m.m_ncolors = 8;
		m.m_quiet = true;
		h_boot_machine(&m);
		map = uvm_map_create(pmap_create(), MAPMIN,
		    MAPMIN + MAPPAGES * PG, td ? VM_MAP_TOPDOWN : 0);
		(void)mapit(map, 0, 1, RWF(UVM_FLAG_NOMERGE));
		for (c = 0; c < 8; c++) {
			va = 0;
			ATF_REQUIRE_EQ(uvm_map(map, &va, 3 * PG, NULL,
			    UVM_UNKNOWN_OFFSET, c,
			    RWF(UVM_FLAG_NOMERGE | UVM_FLAG_COLORMATCH)), 0);
			H_CHECK(map);
			ATF_CHECK_EQ_MSG(atop(va) & 7, c, "td %d colour %u",
			    td, c);
		}
		ATF_CHECK_EQ(map->nentries, 9);
		done(map);
	}
}

ATF_TC_WITHOUT_HEAD(unknown_offset_with_object_follows_va);
ATF_TC_BODY(unknown_offset_with_object_follows_va, tc)
{
	struct vm_map_entry *e;
	vaddr_t va = 0;

	h_boot(64 * 1024 * 1024, 0);
	ATF_REQUIRE_EQ(mapobj(kernel_map, &va, 2, &tobj, UVM_UNKNOWN_OFFSET,
	    RWF(UVM_FLAG_NOMERGE)), 0);
	vm_map_lock_read(kernel_map);
	ATF_REQUIRE(uvm_map_lookup_entry(kernel_map, va, &e));
	vm_map_unlock_read(kernel_map);
	ATF_CHECK_EQ(e->offset, (voff_t)(va - vm_map_min(kernel_map)));
	ATF_CHECK(e->object.uvm_obj == &tobj && UVM_ET_ISOBJ(e));
	uvm_unmap(kernel_map, va, va + 2 * PG);
	H_CHECK(NULL);
	ATF_CHECK_EQ(tobj_refs, 0);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(no_room_is_enomem);
ATF_TC_BODY(no_room_is_enomem, tc)
{
	struct vm_map *map = boot_map(0);
	vaddr_t va = 0;

	ATF_CHECK_EQ(uvm_map(map, &va, (MAPPAGES + 1) * PG, NULL,
	    UVM_UNKNOWN_OFFSET, 0, RW), ENOMEM);
	(void)mapit(map, 0, MAPPAGES - 1, RW);
	va = 0;
	ATF_CHECK_EQ(uvm_map(map, &va, 2 * PG, NULL, UVM_UNKNOWN_OFFSET, 0,
	    RW), ENOMEM);
	ATF_CHECK_EQ(mapit(map, 0, 1, RWF(UVM_FLAG_NOMERGE)),
	    vm_map_max(map) - PG);
	va = 0;
	ATF_CHECK_EQ(uvm_map(map, &va, PG, NULL, UVM_UNKNOWN_OFFSET, 0,
	    RWF(UVM_FLAG_NOWAIT | UVM_FLAG_WAITVA)), ENOMEM);
	done(map);
}

ATF_TC_WITHOUT_HEAD(fixed_maps_exactly_there);
ATF_TC_BODY(fixed_maps_exactly_there, tc)
{
	struct vm_map *map = boot_map(0);
	vaddr_t at = MAPMIN + 77 * PG;

	ATF_CHECK_EQ(mapit(map, at, 3, RWF(UVM_FLAG_FIXED)), at);
	ATF_CHECK_EQ(ent(map, 0)->start, at);
	ATF_CHECK_EQ(ent(map, 0)->end, at + 3 * PG);
	/* Alignment is ignored with FIXED. */
	{
		vaddr_t va = at + 5 * PG;
		ATF_CHECK_EQ(uvm_map(map, &va, PG, NULL, UVM_UNKNOWN_OFFSET,
		    64 * PG, RWF(UVM_FLAG_FIXED)), 0);
		ATF_CHECK_EQ(va, at + 5 * PG);
	}
	done(map);
}

ATF_TC_WITHOUT_HEAD(fixed_over_occupied_range_fails);
ATF_TC_BODY(fixed_over_occupied_range_fails, tc)
{
	struct vm_map *map = boot_map(0);
	vaddr_t at = MAPMIN + 10 * PG, va;
	vaddr_t tries[] = { at - PG, at, at + PG, at + 3 * PG, at - 3 * PG };
	vsize_t lens[] = { 2, 1, 1, 2, 10 };
	unsigned int i;

	(void)mapit(map, at, 4, RWF(UVM_FLAG_FIXED));
	for (i = 0; i < __arraycount(tries); i++) {
		va = tries[i];
		ATF_CHECK_EQ_MSG(uvm_map(map, &va, lens[i] * PG, NULL,
		    UVM_UNKNOWN_OFFSET, 0, RWF(UVM_FLAG_FIXED)), ENOMEM,
		    "try %u", i);
		H_CHECK(map);
	}
	ATF_CHECK_EQ(map->nentries, 1);
	ATF_CHECK_EQ(map->size, 4 * PG);
	/* Outside the map. */
	va = MAPMIN - PG;
	ATF_CHECK_EQ(uvm_map(map, &va, PG, NULL, UVM_UNKNOWN_OFFSET, 0,
	    RWF(UVM_FLAG_FIXED)), ENOMEM);
	va = vm_map_max(map) - PG;
	ATF_CHECK_EQ(uvm_map(map, &va, 2 * PG, NULL, UVM_UNKNOWN_OFFSET, 0,
	    RWF(UVM_FLAG_FIXED)), ENOMEM);
	done(map);
}

ATF_TC_WITHOUT_HEAD(fixed_unmap_replaces_atomically);
ATF_TC_BODY(fixed_unmap_replaces_atomically, tc)
{
	struct vm_map *map = boot_map(0);
	vaddr_t at = MAPMIN + 10 * PG, va;
	struct vm_map_entry *e;

	va = at;
	ATF_REQUIRE_EQ(mapobj(map, &va, 6, &tobj, 0, UVM_MAPFLAG(UVM_PROT_R,
	    UVM_PROT_RWX, UVM_INH_COPY, UVM_ADV_NORMAL, UVM_FLAG_FIXED)), 0);
	ATF_CHECK_EQ(tobj_refs, 1);
	va = at + 2 * PG;
	ATF_REQUIRE_EQ(uvm_map(map, &va, 2 * PG, NULL, UVM_UNKNOWN_OFFSET, 0,
	    RWF(UVM_FLAG_FIXED | UVM_FLAG_UNMAP)), 0);
	H_CHECK(map);
	ATF_CHECK_EQ(va, at + 2 * PG);
	ATF_REQUIRE_EQ(map->nentries, 3);
	e = ent(map, 0);
	ATF_CHECK(e->start == at && e->end == at + 2 * PG &&
	    e->protection == UVM_PROT_R && e->object.uvm_obj == &tobj);
	e = ent(map, 1);
	ATF_CHECK(e->start == at + 2 * PG && e->end == at + 4 * PG &&
	    e->protection == UVM_PROT_RW && e->object.uvm_obj == NULL);
	e = ent(map, 2);
	ATF_CHECK(e->start == at + 4 * PG && e->offset == 4 * (voff_t)PG &&
	    e->object.uvm_obj == &tobj);
	ATF_CHECK_EQ(tobj_refs, 2);
	/* Over a range partly free: also fine. */
	va = at + 5 * PG;
	ATF_REQUIRE_EQ(uvm_map(map, &va, 4 * PG, NULL, UVM_UNKNOWN_OFFSET, 0,
	    RWF(UVM_FLAG_FIXED | UVM_FLAG_UNMAP | UVM_FLAG_NOMERGE)), 0);
	H_CHECK(map);
	ATF_CHECK_EQ(map->size, 9 * PG);
	done(map);
	ATF_CHECK_EQ(tobj_refs, 0);
}

ATF_TC_WITHOUT_HEAD(prot_beyond_maxprot_is_eacces);
ATF_TC_BODY(prot_beyond_maxprot_is_eacces, tc)
{
	struct vm_map *map = boot_map(0);
	vaddr_t va = 0;

	ATF_CHECK_EQ(uvm_map(map, &va, PG, NULL, UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_R, UVM_INH_COPY,
	    UVM_ADV_NORMAL, 0)), EACCES);
	ATF_CHECK_EQ(uvm_map(map, &va, PG, NULL, UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(UVM_PROT_X, UVM_PROT_RW, UVM_INH_COPY,
	    UVM_ADV_NORMAL, 0)), EACCES);
	ATF_CHECK_EQ(map->nentries, 0);
	ATF_CHECK_EQ(uvm_map(map, &va, PG, NULL, UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(UVM_PROT_NONE, UVM_PROT_NONE, UVM_INH_COPY,
	    UVM_ADV_NORMAL, 0)), 0);
	done(map);
}

ATF_TC_WITHOUT_HEAD(attributes_are_recorded);
ATF_TC_BODY(attributes_are_recorded, tc)
{
	struct vm_map *map = boot_map(0);
	struct vm_map_entry *e;

	(void)mapit(map, 0, 1, UVM_MAPFLAG(UVM_PROT_RX, UVM_PROT_RWX,
	    UVM_INH_SHARE, UVM_ADV_RANDOM, UVM_FLAG_NOMERGE));
	(void)mapit(map, 0, 1, UVM_MAPFLAG(UVM_PROT_R, UVM_PROT_R,
	    UVM_INH_NONE, UVM_ADV_SEQUENTIAL, UVM_FLAG_NOMERGE));
	(void)mapit(map, 0, 1, UVM_MAPFLAG(UVM_PROT_R, UVM_PROT_R,
	    UVM_INH_ZERO, UVM_ADV_NORMAL, UVM_FLAG_NOMERGE));
	e = ent(map, 0);
	ATF_CHECK_EQ(e->protection, UVM_PROT_RX);
	ATF_CHECK_EQ(e->max_protection, UVM_PROT_RWX);
	ATF_CHECK_EQ(e->inheritance, MAP_INHERIT_SHARE);
	ATF_CHECK_EQ(e->advice, UVM_ADV_RANDOM);
	ATF_CHECK(e->flags & UVM_MAP_NOMERGE);
	ATF_CHECK_EQ(e->wired_count, 0);
	e = ent(map, 1);
	ATF_CHECK_EQ(e->max_protection, UVM_PROT_R);
	ATF_CHECK_EQ(e->inheritance, MAP_INHERIT_NONE);
	ATF_CHECK_EQ(e->advice, UVM_ADV_SEQUENTIAL);
	ATF_CHECK_EQ(ent(map, 2)->inheritance, MAP_INHERIT_ZERO);
	done(map);
}

ATF_TC_WITHOUT_HEAD(copyonw_sets_cow_and_needscopy);
ATF_TC_BODY(copyonw_sets_cow_and_needscopy, tc)
{
	struct vm_map *map = boot_map(0);
	struct vm_map_entry *e;

	(void)mapit(map, 0, 1, RWF(UVM_FLAG_COPYONW | UVM_FLAG_NOMERGE));
	(void)mapit(map, 0, 1, RWF(UVM_FLAG_COPYONW | UVM_FLAG_OVERLAY));
	e = ent(map, 0);
	ATF_CHECK(UVM_ET_ISCOPYONWRITE(e) && UVM_ET_ISNEEDSCOPY(e));
	ATF_CHECK(e->aref.ar_amap == NULL);
	e = ent(map, 1);
	ATF_CHECK(UVM_ET_ISCOPYONWRITE(e) && !UVM_ET_ISNEEDSCOPY(e));
	ATF_CHECK(e->aref.ar_amap != NULL);
	done(map);
}

ATF_TC_WITHOUT_HEAD(overlay_allocates_amap_now);
ATF_TC_BODY(overlay_allocates_amap_now, tc)
{
	struct vm_map *map = boot_map(0);
	struct vm_map_entry *e;

	(void)mapit(map, 0, 4, RWF(UVM_FLAG_OVERLAY));
	(void)mapit(map, 0, 4, RWF(UVM_FLAG_OVERLAY | UVM_FLAG_AMAPPAD));
	/* Overlays keep their own amaps: no merge. */
	ATF_REQUIRE_EQ(map->nentries, 2);
	e = ent(map, 0);
	ATF_CHECK(e->aref.ar_amap != NULL && e->aref.ar_pageoff == 0);
	ATF_CHECK_EQ(amap_refs(e->aref.ar_amap), 1);
	e = ent(map, 1);
	ATF_CHECK(e->aref.ar_amap != NULL);
	ATF_CHECK(e->aref.ar_amap != ent(map, 0)->aref.ar_amap);
	done(map);
}

ATF_TC_WITHOUT_HEAD(merge_back_forward_and_both);
ATF_TC_BODY(merge_back_forward_and_both, tc)
{
	struct vm_map *map = boot_map(0);
	vaddr_t at = MAPMIN + 20 * PG;

	(void)mapit(map, at, 2, RWF(UVM_FLAG_FIXED));
	(void)mapit(map, at + 2 * PG, 2, RWF(UVM_FLAG_FIXED));	/* back */
	ATF_CHECK_EQ(map->nentries, 1);
	ATF_CHECK_EQ(ent(map, 0)->end, at + 4 * PG);
	(void)mapit(map, at - 3 * PG, 3, RWF(UVM_FLAG_FIXED));	/* forward */
	ATF_CHECK_EQ(map->nentries, 1);
	ATF_CHECK_EQ(ent(map, 0)->start, at - 3 * PG);
	(void)mapit(map, at + 6 * PG, 2, RWF(UVM_FLAG_FIXED));
	ATF_CHECK_EQ(map->nentries, 2);
	(void)mapit(map, at + 4 * PG, 2, RWF(UVM_FLAG_FIXED));	/* both */
	ATF_CHECK_EQ(map->nentries, 1);
	ATF_CHECK_EQ(ent(map, 0)->start, at - 3 * PG);
	ATF_CHECK_EQ(ent(map, 0)->end, at + 8 * PG);
	ATF_CHECK_EQ(map->size, 11 * PG);
	done(map);
}

ATF_TC_WITHOUT_HEAD(merge_object_needs_contiguous_offsets);
ATF_TC_BODY(merge_object_needs_contiguous_offsets, tc)
{
	struct vm_map *map = boot_map(0);
	vaddr_t at = MAPMIN + 20 * PG, va;

	va = at;
	ATF_REQUIRE_EQ(mapobj(map, &va, 2, &tobj, 0, RWF(UVM_FLAG_FIXED)), 0);
	va = at + 2 * PG;
	ATF_REQUIRE_EQ(mapobj(map, &va, 2, &tobj, 2 * PG,
	    RWF(UVM_FLAG_FIXED)), 0);
	ATF_CHECK_EQ(map->nentries, 1);
	ATF_CHECK_EQ(tobj_refs, 1);	/* the merge gave one back */
	va = at + 4 * PG;		/* offset gap: no merge */
	ATF_REQUIRE_EQ(mapobj(map, &va, 1, &tobj, 9 * PG,
	    RWF(UVM_FLAG_FIXED)), 0);
	ATF_CHECK_EQ(map->nentries, 2);
	va = at + 5 * PG;		/* another object: no merge */
	ATF_REQUIRE_EQ(mapobj(map, &va, 1, &tobj2, 10 * PG,
	    RWF(UVM_FLAG_FIXED)), 0);
	ATF_CHECK_EQ(map->nentries, 3);
	va = at - PG;			/* forward merge, offset -1 page? no */
	ATF_REQUIRE_EQ(mapobj(map, &va, 1, &tobj, 5 * PG,
	    RWF(UVM_FLAG_FIXED)), 0);
	ATF_CHECK_EQ(map->nentries, 4);
	ATF_CHECK_EQ(tobj_refs, 4);
	done(map);
	ATF_CHECK_EQ(tobj_refs, 0);
}

ATF_TC_WITHOUT_HEAD(merge_blocked_by_each_difference);
ATF_TC_BODY(merge_blocked_by_each_difference, tc)
{
	static const uvm_flag_t second[] = {
		UVM_MAPFLAG(UVM_PROT_R, UVM_PROT_RWX, UVM_INH_COPY,
		    UVM_ADV_NORMAL, 0),				/* prot */
		UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_RW, UVM_INH_COPY,
		    UVM_ADV_NORMAL, 0),				/* maxprot */
		UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_RWX, UVM_INH_SHARE,
		    UVM_ADV_NORMAL, 0),				/* inherit */
		UVM_MAPFLAG(UVM_PROT_RW, UVM_PROT_RWX, UVM_INH_COPY,
		    UVM_ADV_RANDOM, 0),				/* advice */
		RWF(UVM_FLAG_NOMERGE),				/* nomerge */
		RWF(UVM_FLAG_COPYONW),				/* etype */
		RWF(UVM_FLAG_OVERLAY),				/* overlay */
	};
	unsigned int i;

	for (i = 0; i < __arraycount(second); i++) {
		struct vm_map *map = boot_map(0);
		vaddr_t at = MAPMIN + 20 * PG;

		(void)mapit(map, at, 2, RWF(UVM_FLAG_FIXED));
		(void)mapit(map, at + 2 * PG, 2, second[i] | UVM_FLAG_FIXED);
		ATF_CHECK_EQ_MSG(map->nentries, 2, "case %u (back)", i);
		(void)mapit(map, at - 2 * PG, 2, second[i] | UVM_FLAG_FIXED);
		ATF_CHECK_EQ_MSG(map->nentries, 3, "case %u (forward)", i);
		done(map);
	}
	/* A NOMERGE entry refuses later neighbours too. */
	{
		struct vm_map *map = boot_map(0);
		vaddr_t at = MAPMIN + 20 * PG;

		(void)mapit(map, at, 2, RWF(UVM_FLAG_FIXED | UVM_FLAG_NOMERGE));
		(void)mapit(map, at + 2 * PG, 2, RWF(UVM_FLAG_FIXED));
		ATF_CHECK_EQ(map->nentries, 2);
		done(map);
	}
}

ATF_TC_WITHOUT_HEAD(merge_blocked_by_wiring);
ATF_TC_BODY(merge_blocked_by_wiring, tc)
{
	struct vm_map *map = boot_map(0);
	vaddr_t at = MAPMIN + 20 * PG;

	(void)mapit(map, at, 2, RWF(UVM_FLAG_FIXED | UVM_FLAG_OVERLAY));
	ATF_REQUIRE_EQ(uvm_map_pageable(map, at, at + 2 * PG, false, 0), 0);
	(void)mapit(map, at + 2 * PG, 2, RWF(UVM_FLAG_FIXED));
	ATF_CHECK_EQ(map->nentries, 2);
	ATF_CHECK_EQ(ent(map, 0)->wired_count, 1);
	ATF_CHECK_EQ(ent(map, 1)->wired_count, 0);
	done(map);
}

ATF_TC_WITHOUT_HEAD(merge_extends_amap);
ATF_TC_BODY(merge_extends_amap, tc)
{
	struct vm_map *map = boot_map(0);
	vaddr_t at = MAPMIN + 20 * PG;
	struct vm_amap *am;

	(void)mapit(map, at, 2, RWF(UVM_FLAG_FIXED | UVM_FLAG_OVERLAY));
	am = ent(map, 0)->aref.ar_amap;
	ATF_REQUIRE(am != NULL);
	(void)mapit(map, at + 2 * PG, 3, RWF(UVM_FLAG_FIXED));
	ATF_REQUIRE_EQ(map->nentries, 1);
	ATF_CHECK(ent(map, 0)->aref.ar_amap == am);
	ATF_CHECK_EQ(ent(map, 0)->end, at + 5 * PG);
	ATF_CHECK(amap_nslot(am) >= 5);
	/* Filling a hole: prev grows its amap, next is not swallowed. */
	(void)mapit(map, at + 6 * PG, 2, RWF(UVM_FLAG_FIXED));
	(void)mapit(map, at + 5 * PG, 1, RWF(UVM_FLAG_FIXED));
	ATF_REQUIRE_EQ(map->nentries, 2);
	ATF_CHECK_EQ(ent(map, 0)->end, at + 6 * PG);
	ATF_CHECK(amap_nslot(am) >= 6);
	ATF_CHECK(ent(map, 1)->aref.ar_amap == NULL);
	done(map);
}

/* Clipping: protect a sub-range of a 4-page entry at every edge. */
ATF_TC_WITHOUT_HEAD(clip_at_every_edge);
ATF_TC_BODY(clip_at_every_edge, tc)
{
	static const struct { int s, e, n; } c[] = {
		{ 0, 4, 1 }, { 0, 1, 2 }, { 3, 4, 2 }, { 1, 3, 3 },
		{ 1, 2, 3 }, { 0, 3, 2 }, { 1, 4, 2 },
	};
	unsigned int i;

	for (i = 0; i < __arraycount(c); i++) {
		struct vm_map *map = boot_map(0);
		vaddr_t at = MAPMIN + 8 * PG, va;
		struct vm_map_entry *e;
		int k;

		va = at;
		ATF_REQUIRE_EQ(mapobj(map, &va, 4, &tobj, 0,
		    RWF(UVM_FLAG_FIXED)), 0);
		ATF_REQUIRE_EQ(uvm_map_protect(map, at + c[i].s * PG,
		    at + c[i].e * PG, UVM_PROT_R, false), 0);
		H_CHECK(map);
		ATF_CHECK_EQ_MSG(map->nentries, c[i].n, "case %u", i);
		ATF_CHECK_EQ(tobj_refs, c[i].n);
		for (k = 0; k < 4; k++) {
			bool in = k >= c[i].s && k < c[i].e;
			vm_map_lock_read(map);
			ATF_REQUIRE(uvm_map_lookup_entry(map, at + k * PG, &e));
			vm_map_unlock_read(map);
			ATF_CHECK_EQ_MSG(e->protection,
			    in ? UVM_PROT_R : UVM_PROT_RW, "case %u page %d",
			    i, k);
			ATF_CHECK_EQ(e->offset + (voff_t)(at + k * PG -
			    e->start), (voff_t)(k * PG));
		}
		done(map);
		ATF_CHECK_EQ(tobj_refs, 0);
	}
}

ATF_TC_WITHOUT_HEAD(clip_splits_amap_reference);
ATF_TC_BODY(clip_splits_amap_reference, tc)
{
	struct vm_map *map = boot_map(0);
	vaddr_t at = MAPMIN + 8 * PG;
	struct vm_amap *am;

	(void)mapit(map, at, 4, RWF(UVM_FLAG_FIXED | UVM_FLAG_OVERLAY));
	am = ent(map, 0)->aref.ar_amap;
	ATF_REQUIRE_EQ(uvm_map_protect(map, at + PG, at + 3 * PG, UVM_PROT_R,
	    false), 0);
	H_CHECK(map);
	ATF_REQUIRE_EQ(map->nentries, 3);
	ATF_CHECK(ent(map, 0)->aref.ar_amap == am);
	ATF_CHECK(ent(map, 1)->aref.ar_amap == am);
	ATF_CHECK(ent(map, 2)->aref.ar_amap == am);
	ATF_CHECK_EQ(ent(map, 0)->aref.ar_pageoff, 0);
	ATF_CHECK_EQ(ent(map, 1)->aref.ar_pageoff, 1);
	ATF_CHECK_EQ(ent(map, 2)->aref.ar_pageoff, 3);
	ATF_CHECK_EQ(amap_refs(am), 3);
	uvm_unmap(map, at, at + 2 * PG);
	H_CHECK(map);
	ATF_CHECK_EQ(amap_refs(am), 2);
	done(map);
}

ATF_TC_WITHOUT_HEAD(protect_partial_range_over_many_entries);
ATF_TC_BODY(protect_partial_range_over_many_entries, tc)
{
	struct vm_map *map = boot_map(0);
	vaddr_t at = MAPMIN, va;
	int i;

	for (i = 0; i < 5; i++)
		(void)mapit(map, at + i * 3 * PG, 3,
		    RWF(UVM_FLAG_FIXED | UVM_FLAG_NOMERGE));
	ATF_REQUIRE_EQ(uvm_map_protect(map, at + 2 * PG, at + 13 * PG,
	    UVM_PROT_R, false), 0);
	H_CHECK(map);
	ATF_CHECK_EQ(map->nentries, 7);
	for (va = at; va < at + 15 * PG; va += PG) {
		bool in = va >= at + 2 * PG && va < at + 13 * PG;
		ATF_CHECK_EQ(uvm_map_checkprot(map, va, va + PG,
		    UVM_PROT_RW), !in);
		ATF_CHECK(uvm_map_checkprot(map, va, va + PG, UVM_PROT_R));
	}
	/* A range with holes is fine: the holes are skipped. */
	ATF_CHECK_EQ(uvm_map_protect(map, at, at + 100 * PG, UVM_PROT_NONE,
	    false), 0);
	H_CHECK(map);
	ATF_CHECK(!uvm_map_checkprot(map, at, at + PG, UVM_PROT_R));
	done(map);
}

ATF_TC_WITHOUT_HEAD(protect_beyond_max_is_eacces_and_changes_nothing);
ATF_TC_BODY(protect_beyond_max_is_eacces_and_changes_nothing, tc)
{
	struct vm_map *map = boot_map(0);
	vaddr_t at = MAPMIN;

	(void)mapit(map, at, 2, RWF(UVM_FLAG_FIXED | UVM_FLAG_NOMERGE));
	(void)mapit(map, at + 2 * PG, 2, UVM_MAPFLAG(UVM_PROT_R, UVM_PROT_R,
	    UVM_INH_COPY, UVM_ADV_NORMAL, UVM_FLAG_FIXED));
	ATF_CHECK_EQ(uvm_map_protect(map, at + PG, at + 3 * PG, UVM_PROT_RW,
	    false), EACCES);
	H_CHECK(map);
	ATF_CHECK_EQ(map->nentries, 2);
	ATF_CHECK_EQ(ent(map, 0)->protection, UVM_PROT_RW);
	ATF_CHECK_EQ(ent(map, 1)->protection, UVM_PROT_R);
	ATF_CHECK_EQ(uvm_map_protect(map, at, at + PG, UVM_PROT_RWX, false),
	    0);
	ATF_CHECK_EQ(uvm_map_protect(map, at, at + PG, 0x10, false), EINVAL);
	done(map);
}

ATF_TC_WITHOUT_HEAD(protect_set_max_lowers_both);
ATF_TC_BODY(protect_set_max_lowers_both, tc)
{
	struct vm_map *map = boot_map(0);
	vaddr_t at = MAPMIN;

	(void)mapit(map, at, 3, RWF(UVM_FLAG_FIXED));
	ATF_REQUIRE_EQ(uvm_map_protect(map, at, at + PG, UVM_PROT_RX, true),
	    0);
	H_CHECK(map);
	ATF_REQUIRE_EQ(map->nentries, 2);
	/* max = RX; prot = old (RW) & RX = R. */
	ATF_CHECK_EQ(ent(map, 0)->max_protection, UVM_PROT_RX);
	ATF_CHECK_EQ(ent(map, 0)->protection, UVM_PROT_R);
	ATF_CHECK_EQ(ent(map, 1)->max_protection, UVM_PROT_RWX);
	ATF_CHECK_EQ(uvm_map_protect(map, at, at + PG, UVM_PROT_RW, false),
	    EACCES);
	ATF_CHECK_EQ(uvm_map_protect(map, at, at + PG, UVM_PROT_RX, false), 0);
	ATF_CHECK_EQ(ent(map, 0)->protection, UVM_PROT_RX);
	done(map);
}

ATF_TC_WITHOUT_HEAD(checkprot_needs_full_coverage);
ATF_TC_BODY(checkprot_needs_full_coverage, tc)
{
	struct vm_map *map = boot_map(0);
	vaddr_t at = MAPMIN + 4 * PG;

	(void)mapit(map, at, 2, RWF(UVM_FLAG_FIXED | UVM_FLAG_NOMERGE));
	(void)mapit(map, at + 2 * PG, 2, RWF(UVM_FLAG_FIXED | UVM_FLAG_NOMERGE));
	(void)mapit(map, at + 5 * PG, 1, RWF(UVM_FLAG_FIXED));
	ATF_CHECK(uvm_map_checkprot(map, at, at + 4 * PG, UVM_PROT_RW));
	ATF_CHECK(uvm_map_checkprot(map, at + PG, at + 3 * PG, UVM_PROT_R));
	ATF_CHECK(!uvm_map_checkprot(map, at, at + 4 * PG, UVM_PROT_RWX));
	ATF_CHECK(!uvm_map_checkprot(map, at, at + 6 * PG, UVM_PROT_R));
	ATF_CHECK(!uvm_map_checkprot(map, at - PG, at + PG, UVM_PROT_R));
	ATF_CHECK(!uvm_map_checkprot(map, at + 4 * PG, at + 5 * PG, 0));
	done(map);
}

ATF_TC_WITHOUT_HEAD(inherit_partial_range_and_values);
ATF_TC_BODY(inherit_partial_range_and_values, tc)
{
	struct vm_map *map = boot_map(0);
	vaddr_t at = MAPMIN;

	(void)mapit(map, at, 4, RWF(UVM_FLAG_FIXED));
	ATF_CHECK_EQ(uvm_map_inherit(map, at + PG, at + 2 * PG,
	    MAP_INHERIT_SHARE), 0);
	H_CHECK(map);
	ATF_CHECK_EQ(map->nentries, 3);
	ATF_CHECK_EQ(ent(map, 0)->inheritance, MAP_INHERIT_COPY);
	ATF_CHECK_EQ(ent(map, 1)->inheritance, MAP_INHERIT_SHARE);
	ATF_CHECK_EQ(ent(map, 2)->inheritance, MAP_INHERIT_COPY);
	ATF_CHECK_EQ(uvm_map_inherit(map, at + 2 * PG, at + 4 * PG,
	    MAP_INHERIT_ZERO), 0);
	ATF_CHECK_EQ(ent(map, 2)->inheritance, MAP_INHERIT_ZERO);
	ATF_CHECK_EQ(uvm_map_inherit(map, at, at + PG, MAP_INHERIT_NONE), 0);
	ATF_CHECK_EQ(ent(map, 0)->inheritance, MAP_INHERIT_NONE);
	ATF_CHECK_EQ(uvm_map_inherit(map, at, at + PG,
	    MAP_INHERIT_DONATE_COPY), EINVAL);
	ATF_CHECK_EQ(uvm_map_inherit(map, at, at + PG, 7), EINVAL);
	ATF_CHECK_EQ(uvm_map_inherit(map, at, at + PG, -1), EINVAL);
	ATF_CHECK_EQ(ent(map, 0)->inheritance, MAP_INHERIT_NONE);
	H_CHECK(map);
	done(map);
}

ATF_TC_WITHOUT_HEAD(advice_partial_range_and_values);
ATF_TC_BODY(advice_partial_range_and_values, tc)
{
	struct vm_map *map = boot_map(0);
	vaddr_t at = MAPMIN;

	(void)mapit(map, at, 4, RWF(UVM_FLAG_FIXED));
	ATF_CHECK_EQ(uvm_map_advice(map, at + 3 * PG, at + 4 * PG,
	    MADV_SEQUENTIAL), 0);
	H_CHECK(map);
	ATF_CHECK_EQ(map->nentries, 2);
	ATF_CHECK_EQ(ent(map, 1)->advice, UVM_ADV_SEQUENTIAL);
	ATF_CHECK_EQ(uvm_map_advice(map, at, at + PG, MADV_RANDOM), 0);
	ATF_CHECK_EQ(ent(map, 0)->advice, UVM_ADV_RANDOM);
	ATF_CHECK_EQ(ent(map, 1)->advice, UVM_ADV_NORMAL);
	ATF_CHECK_EQ(uvm_map_advice(map, at, at + PG, MADV_NORMAL), 0);
	ATF_CHECK_EQ(ent(map, 0)->advice, UVM_ADV_NORMAL);
	ATF_CHECK_EQ(uvm_map_advice(map, at, at + 4 * PG, 99), EINVAL);
	ATF_CHECK_EQ(uvm_map_advice(map, at, at + 4 * PG, MADV_WILLNEED),
	    EINVAL);
	ATF_CHECK_EQ(map->nentries, 3);
	ATF_CHECK_EQ(ent(map, 2)->advice, UVM_ADV_SEQUENTIAL);
	done(map);
}

ATF_TC_WITHOUT_HEAD(unmap_spanning_many_entries);
ATF_TC_BODY(unmap_spanning_many_entries, tc)
{
	struct vm_map *map = boot_map(0);
	vaddr_t at = MAPMIN, va;
	int i;

	for (i = 0; i < 10; i++) {
		va = at + i * 4 * PG;
		ATF_REQUIRE_EQ(mapobj(map, &va, 3, &tobj, i * 16 * PG,
		    RWF(UVM_FLAG_FIXED)), 0);
	}
	ATF_CHECK_EQ(tobj_refs, 10);
	/* Entries at [4i, 4i + 3): cut [5, 30) out of them. */
	uvm_unmap(map, at + 5 * PG, at + 30 * PG);
	H_CHECK(map);
	ATF_CHECK_EQ(map->nentries, 5);
	ATF_CHECK_EQ(ent(map, 1)->start, at + 4 * PG);
	ATF_CHECK_EQ(ent(map, 1)->end, at + 5 * PG);
	ATF_CHECK_EQ(ent(map, 2)->start, at + 30 * PG);
	ATF_CHECK_EQ(ent(map, 2)->end, at + 31 * PG);
	ATF_CHECK_EQ(ent(map, 2)->offset, (voff_t)(7 * 16 + 2) * (voff_t)PG);
	ATF_CHECK_EQ(ent(map, 3)->start, at + 32 * PG);
	ATF_CHECK_EQ(map->size, 11 * PG);
	ATF_CHECK_EQ(tobj_refs, 5);
	/* Unmapping a hole does nothing. */
	uvm_unmap(map, at + 10 * PG, at + 20 * PG);
	H_CHECK(map);
	ATF_CHECK_EQ(map->nentries, 5);
	/* Everything. */
	uvm_unmap(map, vm_map_min(map), vm_map_max(map));
	H_CHECK(map);
	ATF_CHECK_EQ(map->nentries, 0);
	ATF_CHECK_EQ(map->size, 0);
	ATF_CHECK_EQ(tobj_refs, 0);
	done(map);
}

ATF_TC_WITHOUT_HEAD(deallocate_rounds_to_pages);
ATF_TC_BODY(deallocate_rounds_to_pages, tc)
{
	struct vm_map *map = boot_map(0);
	vaddr_t at = MAPMIN;

	(void)mapit(map, at, 5, RWF(UVM_FLAG_FIXED));
	ATF_CHECK_EQ(uvm_deallocate(map, at + PG + 10, PG), 0);
	H_CHECK(map);
	ATF_CHECK_EQ(map->size, 3 * PG);
	ATF_CHECK_EQ(ent(map, 0)->end, at + PG);
	ATF_CHECK_EQ(ent(map, 1)->start, at + 3 * PG);
	ATF_CHECK_EQ(uvm_deallocate(map, at, 0), 0);
	ATF_CHECK_EQ(map->size, 3 * PG);
	ATF_CHECK_EQ(uvm_deallocate(map, vm_map_max(map), PG), EINVAL);
	done(map);
}

ATF_TC_WITHOUT_HEAD(unmap_unaligned_panics);
ATF_TC_BODY(unmap_unaligned_panics, tc)
{
	struct vm_map *map = boot_map(0);

	ATF_CHECK(H_PANICS(uvm_unmap(map, MAPMIN + 1, MAPMIN + PG)));
	/* The assertion fires before the map is touched. */
	done(map);
}

ATF_TC_WITHOUT_HEAD(lookup_entry_hit_miss_and_hint);
ATF_TC_BODY(lookup_entry_hit_miss_and_hint, tc)
{
	struct vm_map *map = boot_map(0);
	struct vm_map_entry *e;
	vaddr_t at = MAPMIN + 10 * PG;
	int i;

	for (i = 0; i < 100; i++)
		(void)mapit(map, at + i * 2 * PG, 1,
		    RWF(UVM_FLAG_FIXED | UVM_FLAG_NOMERGE));
	vm_map_lock_read(map);
	ATF_CHECK(!uvm_map_lookup_entry(map, MAPMIN, &e));
	ATF_CHECK(e == &map->header);
	for (i = 0; i < 100; i++) {
		ATF_CHECK(uvm_map_lookup_entry(map, at + i * 2 * PG + 5, &e));
		ATF_CHECK_EQ(e->start, at + i * 2 * PG);
		ATF_CHECK(map->hint == e);
		ATF_CHECK(!uvm_map_lookup_entry(map, at + i * 2 * PG + PG, &e));
		ATF_CHECK_EQ(e->start, at + i * 2 * PG);
	}
	ATF_CHECK(!uvm_map_lookup_entry(map, vm_map_max(map) - 1, &e));
	ATF_CHECK(e == map->header.prev);
	vm_map_unlock_read(map);
	done(map);
}

ATF_TC_WITHOUT_HEAD(findspace_reports_the_preceding_entry);
ATF_TC_BODY(findspace_reports_the_preceding_entry, tc)
{
	struct vm_map *map = boot_map(0);
	struct vm_map_entry *e;
	vaddr_t at = MAPMIN + 4 * PG, va;

	(void)mapit(map, at, 2, RWF(UVM_FLAG_FIXED | UVM_FLAG_NOMERGE));
	(void)mapit(map, at + 3 * PG, 2, RWF(UVM_FLAG_FIXED | UVM_FLAG_NOMERGE));
	vm_map_lock(map);
	e = uvm_map_findspace(map, 0, 4 * PG, &va, NULL, UVM_UNKNOWN_OFFSET,
	    0, 0);
	ATF_CHECK(e == &map->header && va == MAPMIN);
	e = uvm_map_findspace(map, at, PG, &va, NULL, UVM_UNKNOWN_OFFSET,
	    0, 0);
	ATF_CHECK(e == ent(map, 0) && va == at + 2 * PG);
	e = uvm_map_findspace(map, at, 2 * PG, &va, NULL, UVM_UNKNOWN_OFFSET,
	    0, 0);
	ATF_CHECK(e == ent(map, 1) && va == at + 5 * PG);
	e = uvm_map_findspace(map, at + PG, PG, &va, NULL, UVM_UNKNOWN_OFFSET,
	    0, UVM_FLAG_FIXED);
	ATF_CHECK(e == NULL);
	e = uvm_map_findspace(map, at + 2 * PG, PG, &va, NULL,
	    UVM_UNKNOWN_OFFSET, 0, UVM_FLAG_FIXED);
	ATF_CHECK(e == ent(map, 0) && va == at + 2 * PG);
	vm_map_unlock(map);
	done(map);
}

/* ------------------------------------------------------------------ */
/* Randomized sequences against an array model. */

#define RPAGES_MAX	4096
static int RPAGES = 256;

struct model {
	int	prot[RPAGES_MAX];	/* -1: unmapped */
};

static unsigned int rseed;
static unsigned int
rnd(unsigned int n)
{
	rseed = rseed * 1103515245u + 12345u;
	return (rseed >> 8) % n;
}

static void
model_compare(struct vm_map *map, const struct model *m, int step)
{
	struct vm_map_entry *e;
	int i, mapped = 0;

	for (i = 0; i < RPAGES; i++) {
		vaddr_t va = MAPMIN + i * PG;
		bool found;

		vm_map_lock_read(map);
		found = uvm_map_lookup_entry(map, va, &e);
		vm_map_unlock_read(map);
		if (m->prot[i] < 0) {
			if (found)
				atf_tc_fail("step %d: page %d mapped", step, i);
			continue;
		}
		mapped++;
		if (!found)
			atf_tc_fail("step %d: page %d not mapped", step, i);
		if (e->protection != m->prot[i])
			atf_tc_fail("step %d: page %d prot %d model %d", step,
			    i, e->protection, m->prot[i]);
	}
	if (map->size != mapped * PG)
		atf_tc_fail("step %d: size %lu model %d pages", step,
		    (unsigned long)map->size, mapped);
}

/* First (or last) fit in the model, honouring alignment. */
static int
model_fit(const struct model *m, int npages, int alpages, bool topdown)
{
	int s, i, best = -1;

	for (s = 0; s + npages <= RPAGES; s++) {
		if (alpages > 1 && (((MAPMIN / PG) + s) % alpages) != 0)
			continue;
		for (i = 0; i < npages; i++)
			if (m->prot[s + i] >= 0)
				break;
		if (i == npages) {
			best = s;
			if (!topdown)
				break;
		}
	}
	return best;
}

static void
random_run(int flags, unsigned int seed, int steps)
{
	static struct model m_storage;
#define m m_storage
	struct vm_map *map;
	int step, i;

	h_boot(64 * 1024 * 1024, 0);
	map = uvm_map_create(pmap_create(), MAPMIN, MAPMIN + RPAGES * PG,
	    flags);
	for (i = 0; i < RPAGES; i++)
		m.prot[i] = -1;
	rseed = seed;
	for (step = 0; step < steps; step++) {
		int op = rnd(10), s = rnd(RPAGES), n = 1 + rnd(12);
		int prot = rnd(8), al = (rnd(4) == 0) ? 1 << rnd(4) : 0;
		uvm_flag_t f = UVM_MAPFLAG(prot, UVM_PROT_RWX, UVM_INH_COPY,
		    UVM_ADV_NORMAL, rnd(2) ? UVM_FLAG_NOMERGE : 0);
		vaddr_t va;
		int error, want;

		if (s + n > RPAGES)
			n = RPAGES - s;
		if (op < 3) {			/* map anywhere */
			want = model_fit(&m, n, al, (flags & VM_MAP_TOPDOWN));
			va = (flags & VM_MAP_TOPDOWN) ? vm_map_max(map) : 0;
			error = uvm_map(map, &va, n * PG, NULL,
			    UVM_UNKNOWN_OFFSET, al * PG, f);
			if (want < 0) {
				if (error != ENOMEM)
					atf_tc_fail("step %d: want ENOMEM, "
					    "got %d", step, error);
			} else {
				if (error != 0 ||
				    va != MAPMIN + (vaddr_t)want * PG)
					atf_tc_fail("step %d: got %d at %#lx, "
					    "model page %d", step, error,
					    (unsigned long)va, want);
				for (i = 0; i < n; i++)
					m.prot[want + i] = prot;
			}
		} else if (op < 5) {		/* fixed, maybe replacing */
			bool unmap = rnd(2), busy = false;

			for (i = 0; i < n; i++)
				busy |= m.prot[s + i] >= 0;
			va = MAPMIN + s * PG;
			error = uvm_map(map, &va, n * PG, NULL,
			    UVM_UNKNOWN_OFFSET, 0, f | UVM_FLAG_FIXED |
			    (unmap ? UVM_FLAG_UNMAP : 0));
			if (busy && !unmap) {
				if (error != ENOMEM)
					atf_tc_fail("step %d: fixed over "
					    "mapped: %d", step, error);
			} else {
				if (error != 0)
					atf_tc_fail("step %d: fixed: %d", step,
					    error);
				for (i = 0; i < n; i++)
					m.prot[s + i] = prot;
			}
		} else if (op < 8) {		/* unmap */
			uvm_unmap(map, MAPMIN + s * PG, MAPMIN + (s + n) * PG);
			for (i = 0; i < n; i++)
				m.prot[s + i] = -1;
		} else {			/* protect */
			error = uvm_map_protect(map, MAPMIN + s * PG,
			    MAPMIN + (s + n) * PG, prot, false);
			if (error != 0)
				atf_tc_fail("step %d: protect %d", step, error);
			for (i = 0; i < n; i++)
				if (m.prot[s + i] >= 0)
					m.prot[s + i] = prot;
		}
		H_CHECK(map);
		model_compare(map, &m, step);
	}
	uvm_map_deallocate(map);
	h_shutdown();
#undef m
}

ATF_TC_WITHOUT_HEAD(random_ops_match_array_model);
ATF_TC_BODY(random_ops_match_array_model, tc)
{
	random_run(0, 1, 4000);
	random_run(0, 77, 4000);
}

ATF_TC_WITHOUT_HEAD(random_ops_topdown_match_array_model);
ATF_TC_BODY(random_ops_topdown_match_array_model, tc)
{
	random_run(VM_MAP_TOPDOWN, 5, 4000);
}

/* A bigger space: deeper trees, more rotations under the gaps. */
ATF_TC_WITHOUT_HEAD(random_ops_large_map_match_array_model);
ATF_TC_BODY(random_ops_large_map_match_array_model, tc)
{
	RPAGES = 4096;
	random_run(0, 11, 3000);
	random_run(VM_MAP_TOPDOWN, 12, 3000);
}

/* Many entries: the tree (and its gaps) stays right at scale. */
ATF_TC_WITHOUT_HEAD(many_entries_tree_stays_consistent);
ATF_TC_BODY(many_entries_tree_stays_consistent, tc)
{
	struct vm_map *map;
	vaddr_t va;
	int i, n = 20000;

	h_boot(64 * 1024 * 1024, 0);
	map = uvm_map_create(pmap_create(), MAPMIN, MAPMIN + 4 * n * PG, 0);
	for (i = 0; i < n; i++) {
		va = MAPMIN + 2 * i * PG;
		ATF_REQUIRE_EQ(uvm_map(map, &va, PG, NULL, UVM_UNKNOWN_OFFSET,
		    0, RWF(UVM_FLAG_FIXED | UVM_FLAG_NOMERGE)), 0);
		if (i % 1000 == 0)	/* the checker is O(n) */
			H_CHECK(map);
	}
	H_CHECK(map);
	ATF_CHECK_EQ(map->nentries, n);
	/* Every other hole is a page: a 2-page request lands past them. */
	va = 0;
	ATF_REQUIRE_EQ(uvm_map(map, &va, 2 * PG, NULL, UVM_UNKNOWN_OFFSET, 0,
	    RWF(UVM_FLAG_NOMERGE)), 0);
	ATF_CHECK_EQ(va, MAPMIN + 2 * n * PG - PG);
	for (i = 0; i < n; i += 3) {
		uvm_unmap(map, MAPMIN + 2 * i * PG, MAPMIN + 2 * i * PG + PG);
		if (i % 999 == 0)
			H_CHECK(map);
	}
	H_CHECK(map);
	/* The first 3-page hole: entry 3's page and its two neighbours. */
	va = 0;
	ATF_REQUIRE_EQ(uvm_map(map, &va, 3 * PG, NULL, UVM_UNKNOWN_OFFSET, 0,
	    RWF(UVM_FLAG_NOMERGE)), 0);
	ATF_CHECK_EQ(va, MAPMIN + 5 * PG);
	H_CHECK(map);
	uvm_map_deallocate(map);
	h_shutdown();
}

/* ------------------------------------------------------------------ */
/* Wiring. */

ATF_TC_WITHOUT_HEAD(wire_marks_clipped_range_and_unwire_clears);
ATF_TC_BODY(wire_marks_clipped_range_and_unwire_clears, tc)
{
	struct vm_map *map = boot_map(0);
	vaddr_t at = MAPMIN;

	(void)mapit(map, at, 4, RWF(UVM_FLAG_FIXED | UVM_FLAG_COPYONW));
	ATF_REQUIRE_EQ(uvm_map_pageable(map, at + PG, at + 3 * PG, false, 0),
	    0);
	H_CHECK(map);
	ATF_REQUIRE_EQ(map->nentries, 3);
	ATF_CHECK_EQ(ent(map, 0)->wired_count, 0);
	ATF_CHECK_EQ(ent(map, 1)->wired_count, 1);
	ATF_CHECK_EQ(ent(map, 2)->wired_count, 0);
	/* Wiring nests. */
	ATF_REQUIRE_EQ(uvm_map_pageable(map, at + PG, at + 3 * PG, false, 0),
	    0);
	ATF_CHECK_EQ(ent(map, 1)->wired_count, 2);
	ATF_REQUIRE_EQ(uvm_map_pageable(map, at + PG, at + 3 * PG, true, 0),
	    0);
	ATF_CHECK_EQ(ent(map, 1)->wired_count, 1);
	ATF_REQUIRE_EQ(uvm_map_pageable(map, at + PG, at + 3 * PG, true, 0),
	    0);
	H_CHECK(map);
	ATF_CHECK_EQ(ent(map, 1)->wired_count, 0);
	/* Not wired any more: EINVAL. */
	ATF_CHECK_EQ(uvm_map_pageable(map, at + PG, at + 3 * PG, true, 0),
	    EINVAL);
	done(map);
}

ATF_TC_WITHOUT_HEAD(wire_hole_or_prot_none_is_efault);
ATF_TC_BODY(wire_hole_or_prot_none_is_efault, tc)
{
	struct vm_map *map = boot_map(0);
	vaddr_t at = MAPMIN;

	(void)mapit(map, at, 2, RWF(UVM_FLAG_FIXED | UVM_FLAG_NOMERGE));
	(void)mapit(map, at + 3 * PG, 2, RWF(UVM_FLAG_FIXED | UVM_FLAG_NOMERGE));
	(void)mapit(map, at + 5 * PG, 1, UVM_MAPFLAG(UVM_PROT_NONE,
	    UVM_PROT_RWX, UVM_INH_COPY, UVM_ADV_NORMAL, UVM_FLAG_FIXED));
	ATF_CHECK_EQ(uvm_map_pageable(map, at, at + 5 * PG, false, 0), EFAULT);
	ATF_CHECK_EQ(uvm_map_pageable(map, at + 2 * PG, at + 4 * PG, false, 0),
	    EFAULT);
	ATF_CHECK_EQ(uvm_map_pageable(map, at + 3 * PG, at + 6 * PG, false, 0),
	    EFAULT);
	H_CHECK(map);
	ATF_CHECK_EQ(ent(map, 0)->wired_count, 0);
	ATF_CHECK_EQ(ent(map, 1)->wired_count, 0);
	ATF_CHECK_EQ(map->nentries, 3);
	ATF_CHECK_EQ(uvm_map_pageable(map, at, at + 2 * PG, true, 0), EINVAL);
	done(map);
}

ATF_TC_WITHOUT_HEAD(wire_beyond_wiredmax_is_eagain);
ATF_TC_BODY(wire_beyond_wiredmax_is_eagain, tc)
{
	struct vm_map *map = boot_map(0);
	vaddr_t at = MAPMIN;
	int saved = uvmexp.wiredmax;

	(void)mapit(map, at, 4, RWF(UVM_FLAG_FIXED | UVM_FLAG_COPYONW));
	uvmexp.wiredmax = uvmexp.wired + 2;
	ATF_CHECK_EQ(uvm_map_pageable(map, at, at + 3 * PG, false, 0), EAGAIN);
	H_CHECK(map);
	ATF_CHECK_EQ(map->nentries, 1);
	ATF_CHECK_EQ(ent(map, 0)->wired_count, 0);
	ATF_CHECK_EQ(uvm_map_pageable(map, at, at + 2 * PG, false, 0), 0);
	ATF_CHECK_EQ(ent(map, 0)->wired_count, 1);
	uvmexp.wiredmax = saved;
	/* Unmapping a wired range unwires it. */
	uvm_unmap(map, at, at + 4 * PG);
	H_CHECK(map);
	done(map);
}

ATF_TC_WITHOUT_HEAD(wire_beyond_rlimit_memlock_is_eagain);
ATF_TC_BODY(wire_beyond_rlimit_memlock_is_eagain, tc)
{
	struct vmspace vs;
	struct vmspace *savedvs;
	uint64_t savedlim;
	struct vm_map *map = &vs.vm_map;
	vaddr_t at = MAPMIN;

	h_boot(64 * 1024 * 1024, 0);
	memset(&vs, 0, sizeof(vs));
	uvm_map_setup(map, MAPMIN, MAPMIN + MAPPAGES * PG, VM_MAP_PAGEABLE);
	map->pmap = pmap_create();
	savedvs = curproc->p_vmspace;
	savedlim = curproc->p_rlimit[RLIMIT_MEMLOCK].rlim_cur;
	curproc->p_vmspace = &vs;
	curproc->p_rlimit[RLIMIT_MEMLOCK].rlim_cur = 3 * PG;

	(void)mapit(map, at, 8, RWF(UVM_FLAG_FIXED | UVM_FLAG_COPYONW));
	ATF_CHECK_EQ(uvm_map_pageable(map, at, at + 2 * PG, false, 0), 0);
	ATF_CHECK_EQ(uvm_map_pageable(map, at + 2 * PG, at + 4 * PG, false, 0),
	    EAGAIN);
	ATF_CHECK_EQ(uvm_map_pageable(map, at + 2 * PG, at + 3 * PG, false, 0),
	    0);
	/* Re-wiring wired pages adds nothing. */
	ATF_CHECK_EQ(uvm_map_pageable(map, at, at + 3 * PG, false, 0), 0);
	H_CHECK(map);

	curproc->p_vmspace = savedvs;
	curproc->p_rlimit[RLIMIT_MEMLOCK].rlim_cur = savedlim;
	uvm_map_teardown(map);
	pmap_destroy(map->pmap);
	h_shutdown();
}

/* An object whose pages cannot be read: faults on it fail with EIO. */
static int
eio_get(struct uvm_object *o, voff_t off, struct vm_page **pps, int *npp,
    int center, vm_prot_t access, int advice, int flags)
{
	(void)off; (void)pps; (void)center; (void)access; (void)advice;
	if (flags & PGO_LOCKED) {
		*npp = 0;
		return EBUSY;
	}
	mutex_exit(o->vmobjlock);
	return EIO;
}

static void eio_ref(struct uvm_object *o) { (void)o; }
static void eio_det(struct uvm_object *o) { (void)o; }
static const struct uvm_pagerops eio_ops = {
	.pgo_reference = eio_ref,
	.pgo_detach = eio_det,
	.pgo_get = eio_get,
	.pgo_name = "eio",
};

ATF_TC_WITHOUT_HEAD(wire_fault_failure_unwinds_everything);
ATF_TC_BODY(wire_fault_failure_unwinds_everything, tc)
{
	struct vm_map *map = boot_map(0);
	struct uvm_object eobj;
	vaddr_t at = MAPMIN, va;
	int wired0;

	uvm_obj_init(&eobj, &eio_ops, true, 1);
	(void)mapit(map, at, 3, RWF(UVM_FLAG_FIXED | UVM_FLAG_COPYONW));
	va = at + 3 * PG;
	ATF_REQUIRE_EQ(uvm_map(map, &va, 2 * PG, &eobj, 0, 0,
	    UVM_MAPFLAG(UVM_PROT_R, UVM_PROT_R, UVM_INH_COPY, UVM_ADV_NORMAL,
	    UVM_FLAG_FIXED)), 0);
	H_CHECK(map);
	wired0 = uvmexp.wired;
	ATF_CHECK_EQ(uvm_map_pageable(map, at + PG, at + 5 * PG, false, 0),
	    EIO);
	H_CHECK(map);
	ATF_CHECK_EQ(uvmexp.wired, wired0);
	ATF_CHECK_EQ(pmap_wired_count(map->pmap), 0);
	for (va = at; va < at + 5 * PG; va += PG) {
		struct vm_map_entry *e;

		vm_map_lock_read(map);
		ATF_REQUIRE(uvm_map_lookup_entry(map, va, &e));
		vm_map_unlock_read(map);
		ATF_CHECK_EQ_MSG(e->wired_count, 0, "page %d",
		    (int)((va - at) / PG));
	}
	/* The anonymous part alone wires fine. */
	ATF_CHECK_EQ(uvm_map_pageable(map, at, at + 3 * PG, false, 0), 0);
	ATF_CHECK_EQ(uvmexp.wired, wired0 + 3);
	ATF_CHECK_EQ(uvm_map_pageable(map, at, at + 3 * PG, true, 0), 0);
	ATF_CHECK_EQ(uvmexp.wired, wired0);
	uvm_unmap(map, vm_map_min(map), vm_map_max(map));
	done(map);
	uvm_obj_destroy(&eobj, true);
}

ATF_TC_WITHOUT_HEAD(nowait_entry_allocation_failure_is_enomem);
ATF_TC_BODY(nowait_entry_allocation_failure_is_enomem, tc)
{
	struct vm_map *map = boot_map(0);
	vaddr_t va = 0;

	kern_fault_set(KFI_POOL, 1, 0);
	ATF_CHECK_EQ(uvm_map(map, &va, PG, NULL, UVM_UNKNOWN_OFFSET, 0,
	    RWF(UVM_FLAG_NOWAIT)), ENOMEM);
	kern_fault_clear();
	H_CHECK(map);
	ATF_CHECK_EQ(map->nentries, 0);
	ATF_CHECK_EQ(uvm_map(map, &va, PG, NULL, UVM_UNKNOWN_OFFSET, 0,
	    RWF(UVM_FLAG_NOWAIT)), 0);
	done(map);
}

ATF_TC_WITHOUT_HEAD(pageable_lock_flags_keep_lock);
ATF_TC_BODY(pageable_lock_flags_keep_lock, tc)
{
	struct vm_map *map = boot_map(0);
	vaddr_t at = MAPMIN;

	(void)mapit(map, at, 2, RWF(UVM_FLAG_FIXED | UVM_FLAG_COPYONW));
	vm_map_lock(map);
	ATF_CHECK_EQ(uvm_map_pageable(map, at, at + PG, false,
	    UVM_LK_ENTER | UVM_LK_EXIT), 0);
	ATF_CHECK(vm_map_locked_p(map));
	ATF_CHECK_EQ(uvm_map_pageable(map, at, at + PG, true, UVM_LK_ENTER),
	    0);
	ATF_CHECK(!vm_map_locked_p(map));
	done(map);
}

/* ------------------------------------------------------------------ */
/* Locking flags. */

ATF_TC_WITHOUT_HEAD(trylock_on_locked_map_is_eagain);
ATF_TC_BODY(trylock_on_locked_map_is_eagain, tc)
{
	struct vm_map *map = boot_map(0);
	vaddr_t va = 0;

	vm_map_lock(map);
	ATF_CHECK_EQ(uvm_map(map, &va, PG, NULL, UVM_UNKNOWN_OFFSET, 0,
	    RWF(UVM_FLAG_TRYLOCK)), EAGAIN);
	vm_map_unlock(map);
	ATF_CHECK_EQ(map->nentries, 0);
	ATF_CHECK_EQ(uvm_map(map, &va, PG, NULL, UVM_UNKNOWN_OFFSET, 0,
	    RWF(UVM_FLAG_TRYLOCK)), 0);
	done(map);
}

struct waitva_arg {
	struct vm_map	*map;
	vaddr_t		va;
	int		error;
	volatile bool	done;
};

static void
waitva_thread(void *v)
{
	struct waitva_arg *a = v;

	a->va = 0;
	a->error = uvm_map(a->map, &a->va, 2 * PG, NULL, UVM_UNKNOWN_OFFSET,
	    0, RWF(UVM_FLAG_WAITVA | UVM_FLAG_NOMERGE));
	a->done = true;
	kthread_exit(0);
}

ATF_TC_WITHOUT_HEAD(waitva_sleeps_until_space_is_freed);
ATF_TC_BODY(waitva_sleeps_until_space_is_freed, tc)
{
	struct vm_map *map = boot_map(0);
	struct waitva_arg a = { .map = map };
	struct lwp *l;
	int i;

	(void)mapit(map, 0, MAPPAGES, RW);
	ATF_REQUIRE_EQ(kthread_create(PRI_NONE, KTHREAD_MUSTJOIN, NULL,
	    waitva_thread, &a, &l, "waitva"), 0);
	for (i = 0; i < 20 && !a.done; i++)
		usleep(5000);
	ATF_CHECK(!a.done);
	uvm_unmap(map, MAPMIN + 8 * PG, MAPMIN + 10 * PG);
	ATF_REQUIRE_EQ(kthread_join(l), 0);
	ATF_CHECK(a.done);
	ATF_CHECK_EQ(a.error, 0);
	ATF_CHECK_EQ(a.va, MAPMIN + 8 * PG);
	done(map);
}

struct busy_arg {
	struct vm_map	*map;
	volatile bool	locked;
};

static void
busy_writer(void *v)
{
	struct busy_arg *a = v;

	vm_map_lock(a->map);
	a->locked = true;
	vm_map_unlock(a->map);
	kthread_exit(0);
}

ATF_TC_WITHOUT_HEAD(busy_map_keeps_writers_out_not_readers);
ATF_TC_BODY(busy_map_keeps_writers_out_not_readers, tc)
{
	struct vm_map *map = boot_map(0);
	struct busy_arg a = { .map = map };
	struct lwp *l;
	int i;

	vm_map_lock(map);
	vm_map_busy(map);
	vm_map_unlock(map);
	ATF_REQUIRE_EQ(kthread_create(PRI_NONE, KTHREAD_MUSTJOIN, NULL,
	    busy_writer, &a, &l, "busywriter"), 0);
	for (i = 0; i < 20 && !a.locked; i++)
		usleep(5000);
	ATF_CHECK(!a.locked);
	/* Readers are not held up, and the busy owner may write-lock. */
	vm_map_lock_read(map);
	vm_map_unlock_read(map);
	vm_map_lock(map);
	ATF_CHECK(vm_map_locked_p(map));
	vm_map_unbusy(map);
	vm_map_unlock(map);
	ATF_REQUIRE_EQ(kthread_join(l), 0);
	ATF_CHECK(a.locked);
	done(map);
}

/* ------------------------------------------------------------------ */
/* Submaps, references, checker, printer. */

ATF_TC_WITHOUT_HEAD(submap_entry_and_references);
ATF_TC_BODY(submap_entry_and_references, tc)
{
	struct vm_map *map = boot_map(0), *sub;
	struct vm_map_entry *e;
	vaddr_t va = 0;

	ATF_REQUIRE_EQ(uvm_map(map, &va, 16 * PG, NULL, UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(UVM_PROT_ALL, UVM_PROT_ALL, UVM_INH_NONE,
	    UVM_ADV_RANDOM, UVM_FLAG_NOMERGE)), 0);
	sub = uvm_map_create(pmap_create(), va, va + 16 * PG, 0);
	ATF_CHECK_EQ(uvm_map_submap(map, va, va + 8 * PG, sub), 0);
	H_CHECK(map);
	ATF_CHECK_EQ(sub->ref_count, 2);
	ATF_REQUIRE_EQ(map->nentries, 2);
	e = ent(map, 0);
	ATF_CHECK(UVM_ET_ISSUBMAP(e) && e->object.sub_map == sub);
	/* Not a single plain entry: EINVAL. */
	ATF_CHECK_EQ(uvm_map_submap(map, va, va + 16 * PG, sub), EINVAL);
	ATF_CHECK_EQ(uvm_map_submap(map, va + 20 * PG, va + 21 * PG, sub),
	    EINVAL);
	ATF_CHECK_EQ(uvm_map_protect(map, va, va + PG, UVM_PROT_R, false),
	    EINVAL);
	uvm_unmap(map, va, va + 16 * PG);
	H_CHECK(map);
	ATF_CHECK_EQ(sub->ref_count, 1);
	uvm_map_reference(sub);
	ATF_CHECK_EQ(sub->ref_count, 2);
	uvm_map_deallocate(sub);
	uvm_map_deallocate(sub);
	done(map);
}

ATF_TC_WITHOUT_HEAD(checker_catches_corruption);
ATF_TC_BODY(checker_catches_corruption, tc)
{
	struct vm_map *map = boot_map(0);
	struct vm_map_entry *e;
	int i;

	for (i = 0; i < 20; i++)
		(void)mapit(map, MAPMIN + 3 * i * PG, 1,
		    RWF(UVM_FLAG_FIXED | UVM_FLAG_NOMERGE));
	e = ent(map, 7);
	e->maxgap += PG;
	ATF_CHECK(uvm_map_check(map) != NULL);
	e->maxgap -= PG;
	ATF_CHECK(uvm_map_check(map) == NULL);
	e->gap -= PG;
	ATF_CHECK(uvm_map_check(map) != NULL);
	e->gap += PG;
	map->nentries++;
	ATF_CHECK(uvm_map_check(map) != NULL);
	map->nentries--;
	map->size += PG;
	ATF_CHECK(uvm_map_check(map) != NULL);
	map->size -= PG;
	e->end += 3 * PG;
	ATF_CHECK(uvm_map_check(map) != NULL);
	e->end -= 3 * PG;
	e->protection = UVM_PROT_RWX;
	e->max_protection = UVM_PROT_R;
	ATF_CHECK(uvm_map_check(map) != NULL);
	e->max_protection = UVM_PROT_RWX;
	ATF_CHECK(uvm_map_check(map) == NULL);
	done(map);
}

static char prbuf[8192];
static void
pr(const char *fmt, ...)
{
	va_list ap;
	size_t n = strlen(prbuf);

	va_start(ap, fmt);
	vsnprintf(prbuf + n, sizeof(prbuf) - n, fmt, ap);
	va_end(ap);
}

ATF_TC_WITHOUT_HEAD(printit_lists_every_entry);
ATF_TC_BODY(printit_lists_every_entry, tc)
{
	struct vm_map *map = boot_map(0);
	char want[64];

	(void)mapit(map, MAPMIN, 2, RWF(UVM_FLAG_FIXED | UVM_FLAG_NOMERGE));
	(void)mapit(map, MAPMIN + 4 * PG, 1, UVM_MAPFLAG(UVM_PROT_RX,
	    UVM_PROT_RX, UVM_INH_SHARE, UVM_ADV_NORMAL,
	    UVM_FLAG_FIXED | UVM_FLAG_COPYONW));
	prbuf[0] = '\0';
	uvm_map_printit(map, pr);
	ATF_CHECK(strstr(prbuf, "nentries 2") != NULL);
	snprintf(want, sizeof(want), "%#lx", (unsigned long)MAPMIN);
	ATF_CHECK(strstr(prbuf, want) != NULL);
	ATF_CHECK(strstr(prbuf, "rw-/rwx") != NULL);
	ATF_CHECK(strstr(prbuf, "r-x/r-x") != NULL);
	ATF_CHECK(strstr(prbuf, "anon,cow,nc") != NULL);
	ATF_CHECK(strstr(prbuf, "share") != NULL);
	done(map);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, entry_is_at_most_128_bytes);
	ATF_TP_ADD_TC(tp, empty_map_passes_checker);
	ATF_TP_ADD_TC(tp, placement_first_fit_from_min);
	ATF_TP_ADD_TC(tp, placement_first_fit_reuses_hole);
	ATF_TP_ADD_TC(tp, placement_hint_is_lower_bound);
	ATF_TP_ADD_TC(tp, placement_hint_wraps_when_no_room_above);
	ATF_TP_ADD_TC(tp, placement_topdown_from_max);
	ATF_TP_ADD_TC(tp, placement_alignment);
	ATF_TP_ADD_TC(tp, placement_alignment_topdown);
	ATF_TP_ADD_TC(tp, placement_pmap_prefer_uses_uoffset);
	ATF_TP_ADD_TC(tp, placement_colormatch_both_directions);
	ATF_TP_ADD_TC(tp, unknown_offset_with_object_follows_va);
	ATF_TP_ADD_TC(tp, no_room_is_enomem);
	ATF_TP_ADD_TC(tp, fixed_maps_exactly_there);
	ATF_TP_ADD_TC(tp, fixed_over_occupied_range_fails);
	ATF_TP_ADD_TC(tp, fixed_unmap_replaces_atomically);
	ATF_TP_ADD_TC(tp, prot_beyond_maxprot_is_eacces);
	ATF_TP_ADD_TC(tp, attributes_are_recorded);
	ATF_TP_ADD_TC(tp, copyonw_sets_cow_and_needscopy);
	ATF_TP_ADD_TC(tp, overlay_allocates_amap_now);
	ATF_TP_ADD_TC(tp, merge_back_forward_and_both);
	ATF_TP_ADD_TC(tp, merge_object_needs_contiguous_offsets);
	ATF_TP_ADD_TC(tp, merge_blocked_by_each_difference);
	ATF_TP_ADD_TC(tp, merge_blocked_by_wiring);
	ATF_TP_ADD_TC(tp, merge_extends_amap);
	ATF_TP_ADD_TC(tp, clip_at_every_edge);
	ATF_TP_ADD_TC(tp, clip_splits_amap_reference);
	ATF_TP_ADD_TC(tp, protect_partial_range_over_many_entries);
	ATF_TP_ADD_TC(tp, protect_beyond_max_is_eacces_and_changes_nothing);
	ATF_TP_ADD_TC(tp, protect_set_max_lowers_both);
	ATF_TP_ADD_TC(tp, checkprot_needs_full_coverage);
	ATF_TP_ADD_TC(tp, inherit_partial_range_and_values);
	ATF_TP_ADD_TC(tp, advice_partial_range_and_values);
	ATF_TP_ADD_TC(tp, unmap_spanning_many_entries);
	ATF_TP_ADD_TC(tp, deallocate_rounds_to_pages);
	ATF_TP_ADD_TC(tp, unmap_unaligned_panics);
	ATF_TP_ADD_TC(tp, lookup_entry_hit_miss_and_hint);
	ATF_TP_ADD_TC(tp, findspace_reports_the_preceding_entry);
	ATF_TP_ADD_TC(tp, random_ops_match_array_model);
	ATF_TP_ADD_TC(tp, random_ops_topdown_match_array_model);
	ATF_TP_ADD_TC(tp, random_ops_large_map_match_array_model);
	ATF_TP_ADD_TC(tp, many_entries_tree_stays_consistent);
	ATF_TP_ADD_TC(tp, wire_marks_clipped_range_and_unwire_clears);
	ATF_TP_ADD_TC(tp, wire_hole_or_prot_none_is_efault);
	ATF_TP_ADD_TC(tp, wire_beyond_wiredmax_is_eagain);
	ATF_TP_ADD_TC(tp, wire_beyond_rlimit_memlock_is_eagain);
	ATF_TP_ADD_TC(tp, wire_fault_failure_unwinds_everything);
	ATF_TP_ADD_TC(tp, nowait_entry_allocation_failure_is_enomem);
	ATF_TP_ADD_TC(tp, pageable_lock_flags_keep_lock);
	ATF_TP_ADD_TC(tp, trylock_on_locked_map_is_eagain);
	ATF_TP_ADD_TC(tp, waitva_sleeps_until_space_is_freed);
	ATF_TP_ADD_TC(tp, busy_map_keeps_writers_out_not_readers);
	ATF_TP_ADD_TC(tp, submap_entry_and_references);
	ATF_TP_ADD_TC(tp, checker_catches_corruption);
	ATF_TP_ADD_TC(tp, printit_lists_every_entry);
	return atf_no_error();
}
