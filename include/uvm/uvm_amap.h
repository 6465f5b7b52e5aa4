/*
 * uvm_amap.h: anonymous memory maps (amaps), the upper layer of a map
 * entry.  An amap is an array of slots, one per page of virtual space,
 * each empty or pointing to an anon (uvm_anon.h).  Map entries refer to
 * a window of an amap through a vm_aref (uvm_map.h); several entries may
 * share one amap (after a clip, or a share-inherit fork), in which case
 * per-page reference counts are created lazily for partial references.
 *
 * Locking: am_lock (a pointer: the amap's anons share it, see
 * uvm_anon.h) protects every field except am_ref changes made under the
 * map lock of the referring entries, as in NetBSD.  The interface below
 * follows NetBSD's uvm_amap.h.
 */

#ifndef _UVM_UVM_AMAP_H_
#define _UVM_UVM_AMAP_H_

#include <uvm/uvm_extern.h>

struct vm_amap;
struct vm_aref;
struct vm_anon;
struct vm_map;
struct vm_map_entry;

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

/* Page in everything swapped to slots [startslot, endslot) (swapoff). */
bool	amap_swap_off(int startslot, int endslot);

/* Anons (uvm_anon.c); an anon starts with one reference and no page. */
struct vm_anon *uvm_analloc(void);
void	uvm_anfree(struct vm_anon *);		/* an_ref == 0, locked */
void	uvm_anon_dropswap(struct vm_anon *);
struct vm_page *uvm_anon_lockloanpg(struct vm_anon *);
/* The amap/anon layer's invariant checker: NULL or a description. */
const char *uvm_amap_check(struct vm_amap *);

#endif /* _UVM_UVM_AMAP_H_ */
