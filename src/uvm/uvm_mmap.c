/*
 * uvm_mmap.c: msync(2)/madvise(2)/mincore(2) on ranges of a map.
 *
 *	uvm_map_clean	clean (write back), deactivate or free the pages
 *			behind [start, end): an entry's anon pages (amap)
 *			are deactivated or freed here, its object's pages
 *			go through the object's pgo_put (the vnode pager
 *			writes dirty ones to the file; the device pager
 *			has none).
 *	uvm_mincore	one byte per page of a range: resident or not.
 *
 * Locking: the map is read-locked for the whole walk; then, per entry,
 * the amap lock, released before the object lock is taken (pgo_put is
 * called with the object locked and returns with it unlocked, and may
 * sleep for I/O while the map stays read-locked, as in NetBSD).
 */

#include "uvm_impl.h"
#include <uvm/uvm_amap.h>
#include <uvm/uvm_anon.h>
#include <uvm/uvm_device.h>

#define UVM_CLEAN_FLAGS	(PGO_CLEANIT | PGO_SYNCIO | PGO_DEACTIVATE | PGO_FREE)

/*
 * uvm_map_clean_amap: deactivate or free the anon pages of entry in
 * [start, end).
 *
 * => map read-locked; the amap is locked and unlocked here.
 * => PGO_FREE frees anons only this amap reference holds (a shared
 *    amap or anon keeps its pages, which are deactivated instead);
 *    busy, wired and loaned pages are left alone.
 */
static void
uvm_map_clean_amap(struct vm_map_entry *entry, vaddr_t start, vaddr_t end,
    int flags)
{
	struct vm_amap *amap = entry->aref.ar_amap;
	vaddr_t off;

	amap_lock(amap);
	for (off = start - entry->start; off < end - entry->start;
	    off += PAGE_SIZE) {
		struct vm_anon *anon = amap_lookup(&entry->aref, off);
		struct vm_page *pg;

		if (anon == NULL)
			continue;
		KASSERT(anon->an_lock == amap_lockptr(amap));
		pg = anon->an_page;
		if (pg == NULL || (pg->flags & PG_BUSY) != 0)
			continue;
		if ((flags & PGO_FREE) != 0 && (flags & PGO_CLEANIT) == 0 &&
		    amap_refs(amap) == 1 && anon->an_ref == 1) {
			if (pg->wire_count != 0 || pg->loan_count != 0)
				continue;
			amap_unadd(&entry->aref, off);
			anon->an_ref--;
			uvm_anfree(anon);
			continue;
		}
		/* Deactivate (also what freeing a shared anon comes to). */
		if (pg->wire_count != 0 || pg->loan_count != 0)
			continue;
		(void)pmap_clear_reference(pg);
		mutex_enter(&uvm_pageqlock);
		uvm_pagedeactivate(pg);
		mutex_exit(&uvm_pageqlock);
	}
	amap_unlock(amap);
}

/*
 * uvm_map_clean: msync/madvise-style cleaning of [start, end) of map.
 *
 * => flags: PGO_CLEANIT (write dirty object pages back), PGO_SYNCIO
 *    (wait for it), PGO_DEACTIVATE (deactivate the pages), PGO_FREE
 *    (free them; object pages are cleaned first so no file data is
 *    lost; anon pages are discarded unless CLEANIT is given too, in
 *    which case they are only deactivated, as in NetBSD).
 * => map unlocked.
 * => returns 0, EINVAL (flags outside these, both DEACTIVATE and FREE,
 *    an unaligned range or a submap in it), EFAULT (a hole in the
 *    range), EBUSY (PGO_FREE over a wired entry), or the first error
 *    of an object's pgo_put (EIO: the pages stay dirty).
 */
int
uvm_map_clean(struct vm_map *map, vaddr_t start, vaddr_t end, int flags)
{
	struct vm_map_entry *entry, *cur;
	int error = 0;

	KASSERT(map != NULL);
	if ((flags & ~UVM_CLEAN_FLAGS) != 0 ||
	    (flags & (PGO_DEACTIVATE | PGO_FREE)) ==
	    (PGO_DEACTIVATE | PGO_FREE))
		return EINVAL;
	if ((start & PAGE_MASK) != 0 || (end & PAGE_MASK) != 0 || end < start)
		return EINVAL;
	if (start == end)
		return 0;

	vm_map_lock_read(map);
	if (start < vm_map_min(map) || end > vm_map_max(map) ||
	    !uvm_map_lookup_entry(map, start, &entry)) {
		vm_map_unlock_read(map);
		return EFAULT;
	}
	/* First pass: holes, submaps, wired entries. */
	for (cur = entry; cur != &map->header && cur->start < end;
	    cur = cur->next) {
		if (UVM_ET_ISSUBMAP(cur)) {
			vm_map_unlock_read(map);
			return EINVAL;
		}
		if ((flags & PGO_FREE) != 0 && VM_MAPENT_ISWIRED(cur)) {
			vm_map_unlock_read(map);
			return EBUSY;
		}
		if (end <= cur->end)
			break;
		if (cur->next == &map->header || cur->end != cur->next->start) {
			vm_map_unlock_read(map);
			return EFAULT;
		}
	}

	for (cur = entry; start < end; cur = cur->next) {
		struct uvm_object *uobj = cur->object.uvm_obj;
		vaddr_t cend = MIN(end, cur->end);

		KASSERT(cur != &map->header && start >= cur->start);
		if (cur->aref.ar_amap != NULL &&
		    (flags & (PGO_DEACTIVATE | PGO_FREE)) != 0)
			uvm_map_clean_amap(cur, start, cend, flags);
		if (uobj != NULL && uobj->pgops->pgo_put != NULL) {
			voff_t uoff = cur->offset + (voff_t)(start - cur->start);
			int perr;

			/*
			 * Object pages are always cleaned before they are
			 * freed: freeing must never lose file data.
			 */
			mutex_enter(uobj->vmobjlock);
			perr = uobj->pgops->pgo_put(uobj, uoff,
			    uoff + (voff_t)(cend - start),
			    (flags & PGO_FREE) ? flags | PGO_CLEANIT : flags);
			if (perr != 0 && error == 0)
				error = perr;
		}
		start = cend;
	}
	vm_map_unlock_read(map);
	return error;
}

/*
 * uvm_mincore: residency of the pages of [start, start + len) of map.
 *
 * => vec gets one byte per page: 1 if the page a read there would see
 *    is resident (the entry's anon page, else its object's page; a
 *    device's pages always are), 0 if not.
 * => map unlocked.
 * => returns 0, EINVAL (start not page aligned, or the range wraps),
 *    or ENOMEM (part of the range is not mapped), as mincore(2).
 */
int
uvm_mincore(struct vm_map *map, vaddr_t start, vsize_t len, char *vec)
{
	struct vm_map_entry *entry;
	vaddr_t end, va;

	KASSERT(map != NULL && vec != NULL);
	if ((start & PAGE_MASK) != 0)
		return EINVAL;
	end = start + round_page(len);
	if (end < start || (len != 0 && end == start))
		return EINVAL;
	if (start == end)
		return 0;

	vm_map_lock_read(map);
	if (start < vm_map_min(map) || end > vm_map_max(map) ||
	    !uvm_map_lookup_entry(map, start, &entry)) {
		vm_map_unlock_read(map);
		return ENOMEM;
	}
	/* The whole range must be mapped before anything is reported. */
	for (struct vm_map_entry *cur = entry; cur->end < end;
	    cur = cur->next) {
		if (cur->next == &map->header || cur->end != cur->next->start) {
			vm_map_unlock_read(map);
			return ENOMEM;
		}
	}
	for (va = start; va < end; entry = entry->next) {
		struct vm_amap *amap = entry->aref.ar_amap;
		struct uvm_object *uobj = entry->object.uvm_obj;
		vaddr_t eend = MIN(end, entry->end);

		KASSERT(va >= entry->start);
		if (UVM_ET_ISSUBMAP(entry) ||
		    (uobj != NULL && UVM_OBJ_IS_DEVICE(uobj))) {
			/*
			 * A device's memory is always there; a submap's
			 * pages are not this map's to report.
			 */
			char res = !UVM_ET_ISSUBMAP(entry);

			for (; va < eend; va += PAGE_SIZE)
				vec[(va - start) >> PAGE_SHIFT] = res;
			continue;
		}
		if (amap != NULL)
			amap_lock(amap);
		if (uobj != NULL)
			mutex_enter(uobj->vmobjlock);
		for (; va < eend; va += PAGE_SIZE) {
			struct vm_anon *anon = NULL;
			char res = 0;

			if (amap != NULL)
				anon = amap_lookup(&entry->aref,
				    va - entry->start);
			if (anon != NULL) {
				res = anon->an_page != NULL;
			} else if (uobj != NULL) {
				res = uvm_pagelookup(uobj, entry->offset +
				    (voff_t)(va - entry->start)) != NULL;
			}
			vec[(va - start) >> PAGE_SHIFT] = res;
		}
		if (uobj != NULL)
			mutex_exit(uobj->vmobjlock);
		if (amap != NULL)
			amap_unlock(amap);
	}
	vm_map_unlock_read(map);
	return 0;
}
