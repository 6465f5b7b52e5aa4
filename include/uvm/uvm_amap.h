/*
 * uvm_amap.h: anonymous memory maps (amaps), the upper layer of a map
 * entry.  An amap is an array of slots, one per page of virtual space,
 * each empty or pointing to an anon (uvm_anon.h).  Map entries refer to
 * a window of an amap through a vm_aref (uvm_map.h); several entries may
 * share one amap (after a clip, or a share-inherit fork), in which case
 * per-page reference counts are created lazily for partial references.
 *
 * Locking, by letter:
 *	l	am_lock, a reference-counted mutex (mutex_obj_alloc) that the
 *		amap's anons share as an_lock; after amap_copy() the old and
 *		new amap share one lock too (NetBSD 6+), so holding am_lock
 *		covers every anon the amap can reach
 *	g	uvm_amap_list_lock (the list of all amaps)
 * The interface below follows NetBSD's uvm_amap.h.
 */

#ifndef _UVM_UVM_AMAP_H_
#define _UVM_UVM_AMAP_H_

#include <uvm/uvm_extern.h>

struct vm_aref;
struct vm_anon;
struct vm_map;
struct vm_map_entry;

/*
 * An amap.  Slots [0, am_nslot) may be referenced by map entries (slots
 * [am_nslot, am_maxslot) are padding for amap_extend()); am_anon[] says
 * which hold an anon, and the am_nused used slots are also listed densely
 * in am_slots[0 .. am_nused) with am_bckptr[slot] giving each one's index
 * there, so that walking an amap costs what it holds, not its size.
 *
 * Per-page references: while am_ppref is NULL every slot of [0, am_nslot)
 * is referenced by all am_ref references.  The first reference that
 * covers only part of the amap (a partial amap_ref/amap_unref, a split
 * on clip, an extension leaving unreferenced slots) creates am_ppref,
 * one count per slot; a slot whose count drops to zero loses its anon.
 */
struct vm_amap {
	kmutex_t	*am_lock;	/* lock, shared with anons (see above) */
	int		am_ref;		/* l: references (vm_arefs) */
	int		am_flags;	/* l: AMAP_SHARED */
	int		am_maxslot;	/* l: slots allocated */
	int		am_nslot;	/* l: slots usable by references */
	int		am_nused;	/* l: slots holding an anon */
	int		*am_slots;	/* l: the used slots, densely */
	int		*am_bckptr;	/* l: slot -> index in am_slots */
	struct vm_anon	**am_anon;	/* l: slot -> anon, or NULL */
	int		*am_ppref;	/* l: per-slot references, or NULL */
	LIST_ENTRY(vm_amap) am_list;	/* g: all amaps */
};

/*
 * Chunking of amap_copy() for entries without an amap (in pages): a
 * first fault in a large entry gets an amap for the chunk around it
 * only, so touching one page of a huge mapping costs a small amap.
 * NetBSD uses 256 and 16.  Every chunk is a map entry and fork is
 * O(entries): with 16-page chunks a fully touched 1 GiB mapping is 16384
 * entries and fork costs what Linux's page-table copy does.  256-page
 * chunks (of entries of 1024 pages or more) make that 64 times fewer,
 * for at most 256 slots (a few KiB) per touched chunk.
 */
#define UVM_AMAP_LARGE		1024	/* entries this large are chunked */
#define UVM_AMAP_CHUNK		256	/* into pieces this large */

/* amap_ref() flags. */
#define AMAP_SHARED		0x1	/* amap is shared */
#define AMAP_REFALL		0x2	/* amap_ref: reference entire amap */

/* amap_copy() flags. */
#define AMAP_COPY_NOWAIT	0x02	/* not allowed to sleep */
#define AMAP_COPY_NOCHUNK	0x04	/* not allowed to chunk */
#define AMAP_COPY_NOMERGE	0x08	/* not allowed to merge */

/* amap_extend() flags. */
#define AMAP_EXTEND_BACKWARDS	0x00	/* add "size" to start of map */
#define AMAP_EXTEND_FORWARDS	0x01	/* add "size" to end of map */
#define AMAP_EXTEND_NOWAIT	0x02	/* not allowed to sleep */

/*
 * Creation and references.  Sizes and offsets are in bytes (multiples
 * of PAGE_SIZE); `offset' is relative to the aref's start.
 */
struct vm_amap *amap_alloc(vaddr_t sz, vaddr_t padsz, int waitf);
void	amap_ref(struct vm_amap *, vaddr_t offset, vsize_t len, int flags);
void	amap_unref(struct vm_amap *, vaddr_t offset, vsize_t len, bool all);
void	amap_splitref(struct vm_aref *origref, struct vm_aref *splitref,
	    vaddr_t offset);
int	amap_extend(struct vm_map_entry *, vsize_t addsize, int flags);
void	amap_wipeout(struct vm_amap *);

/* Copy-on-write support (entry is in map, which is write-locked). */
void	amap_copy(struct vm_map *, struct vm_map_entry *, int flags,
	    vaddr_t startva, vaddr_t endva);
void	amap_cow_now(struct vm_map *, struct vm_map_entry *);

/* Slots: the amap must be locked. */
struct vm_anon *amap_lookup(struct vm_aref *, vaddr_t offset);
void	amap_lookups(struct vm_aref *, vaddr_t offset, struct vm_anon **,
	    int npages);
void	amap_add(struct vm_aref *, vaddr_t offset, struct vm_anon *,
	    bool replace);
void	amap_unadd(struct vm_aref *, vaddr_t offset);

void	amap_lock(struct vm_amap *);
void	amap_unlock(struct vm_amap *);
kmutex_t *amap_lockptr(struct vm_amap *);
/* Number of slots (pages) of the amap, and of them in use. */
int	amap_nslot(struct vm_amap *);
int	amap_nused(struct vm_amap *);
int	amap_refs(struct vm_amap *);
int	amap_flags(struct vm_amap *);

/* Anons (uvm_anon.c); an anon starts with one reference and no page. */
struct vm_anon *uvm_analloc(void);
void	uvm_anfree(struct vm_anon *);		/* an_ref == 0, locked */
void	uvm_anon_dropswap(struct vm_anon *);	/* locked */
/* Lock the object owning the anon's loaned page (if any); the page. */
struct vm_page *uvm_anon_lockloanpg(struct vm_anon *);
/*
 * The amap/anon layer's invariant checker: NULL or a description of the
 * first violation.  NULL amap: check every amap, and every anon's
 * reference count against the amaps that hold it.
 */
const char *uvm_amap_check(struct vm_amap *);

#endif /* _UVM_UVM_AMAP_H_ */
