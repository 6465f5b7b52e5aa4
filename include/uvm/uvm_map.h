/*
 * uvm_map.h: address spaces (vm_map(9), uvm_map(9)).
 *
 * A vm_map is a sorted, non-overlapping set of entries, each mapping
 * [start, end) to an object (or a submap) plus an optional amap of
 * anonymous pages on top.  The entries are on a doubly linked list
 * (header is the list head, as in FreeBSD's vm_map(9)) and in a red-black
 * tree (libbsd <sys/tree.h>) augmented with, per entry, the free gap that
 * follows it (gap) and the largest gap in its subtree (maxgap): lookup
 * and free-space search are O(log n).
 *
 * Locking, by letter:
 *	m	the map lock (lock): read to look, write to change
 *	i	misc_lock (busy, flags that change under a read lock)
 *	c	constant after creation
 */

#ifndef _UVM_UVM_MAP_H_
#define _UVM_UVM_MAP_H_

#include <uvm/uvm_extern.h>

struct vm_amap;

/* A reference to (part of) an amap: slot ar_pageoff is the entry's start. */
struct vm_aref {
	int		ar_pageoff;	/* page offset into amap we start */
	struct vm_amap	*ar_amap;	/* pointer to amap */
};

union vm_map_object {
	struct uvm_object *uvm_obj;	/* uvm object */
	struct vm_map	*sub_map;	/* belongs to another map */
};

struct vm_map_entry {
	RB_ENTRY(vm_map_entry)	rb_entry;	/* m: tree linkage */
	vsize_t			gap;		/* m: free space after us */
	vsize_t			maxgap;		/* m: largest gap in subtree */
	struct vm_map_entry	*prev;		/* m: previous entry */
	struct vm_map_entry	*next;		/* m: next entry */
	vaddr_t			start;		/* m: start address */
	vaddr_t			end;		/* m: end address */
	union vm_map_object	object;		/* m: object I point to */
	voff_t			offset;		/* m: offset into object */
	struct vm_aref		aref;		/* m: anonymous overlay */
	uint16_t		wired_count;	/* m: can be paged if == 0 */
	uint8_t			etype;		/* m: UVM_ET_* */
	uint8_t			protection;	/* m: protection code */
	uint8_t			max_protection;	/* m: maximum protection */
	uint8_t			inheritance;	/* m: MAP_INHERIT_* */
	uint8_t			advice;		/* m: UVM_ADV_* */
	uint8_t			flags;		/* m: UVM_MAP_* */
};

/* etype */
#define UVM_ET_OBJ		0x01	/* it is a uvm_object */
#define UVM_ET_SUBMAP		0x02	/* it is a vm_map submap */
#define UVM_ET_COPYONWRITE	0x04	/* copy_on_write */
#define UVM_ET_NEEDSCOPY	0x08	/* needs_copy */
#define UVM_ET_NOCOREDUMP	0x10	/* don't dump this entry */

#define UVM_ET_ISOBJ(E)		(((E)->etype & UVM_ET_OBJ) != 0)
#define UVM_ET_ISSUBMAP(E)	(((E)->etype & UVM_ET_SUBMAP) != 0)
#define UVM_ET_ISCOPYONWRITE(E)	(((E)->etype & UVM_ET_COPYONWRITE) != 0)
#define UVM_ET_ISNEEDSCOPY(E)	(((E)->etype & UVM_ET_NEEDSCOPY) != 0)

/* entry->flags */
#define UVM_MAP_KERNEL		0x01	/* kernel map entry */
#define UVM_MAP_STATIC		0x04	/* static map entry */
#define UVM_MAP_NOMERGE		0x08	/* this entry is not mergable */

#define VM_MAPENT_ISWIRED(entry)	((entry)->wired_count != 0)

RB_HEAD(uvm_map_addr, vm_map_entry);

struct vm_map {
	struct pmap		*pmap;		/* c: physical map */
	krwlock_t		lock;		/* the map lock */
	struct uvm_map_addr	rb_head;	/* m: tree of entries */
	struct vm_map_entry	header;		/* m: list head (and gap
						      before the first entry) */
	int			nentries;	/* m: number of entries */
	vsize_t			size;		/* m: virtual size */
	unsigned int		ref_count;	/* atomic: reference count */
	struct vm_map_entry	*hint;		/* m: last lookup result */
	unsigned int		timestamp;	/* m: version number */
	int			flags;		/* i: VM_MAP_* */
	kmutex_t		misc_lock;	/* lock for busy, flags */
	kcondvar_t		cv;		/* i: waiting for VA/busy */
	struct lwp		*busy;		/* i: lwp holding map busy */
	vaddr_t			min_offset;	/* c: lowest address */
	vaddr_t			max_offset;	/* c: highest address */
};

/* vm_map flags */
#define VM_MAP_PAGEABLE		0x01	/* ro: entries are pageable */
#define VM_MAP_WIREFUTURE	0x04	/* rw: wire future mappings */
#define VM_MAP_DYING		0x20	/* rw: map is being destroyed */
#define VM_MAP_TOPDOWN		0x40	/* ro: arrange map top-down */
#define VM_MAP_WANTVA		0x100	/* rw: want va */

#define vm_map_min(map)		((map)->min_offset)
#define vm_map_max(map)		((map)->max_offset)
#define vm_map_pmap(map)	((map)->pmap)

/*
 * An address space: a map plus the process-level accounting that
 * BSD's struct vmspace carries.
 */
struct vmspace {
	struct vm_map	vm_map;		/* VM address map */
	unsigned int	vm_refcnt;	/* atomic: number of references */
	int		vm_shm;		/* SYS5 shared memory private data */
	size_t		vm_rssize;	/* current resident set size in pages */
	size_t		vm_tsize;	/* text size (pages) */
	size_t		vm_dsize;	/* data size (pages) */
	size_t		vm_ssize;	/* stack size (pages) */
	size_t		vm_issize;	/* initial unmapped stack size (pages) */
	vaddr_t		vm_taddr;	/* user virtual address of text */
	vaddr_t		vm_daddr;	/* user virtual address of data */
	vaddr_t		vm_maxsaddr;	/* user VA at max stack growth */
	vaddr_t		vm_minsaddr;	/* user VA at top of stack */
	size_t		vm_aslr_delta_mmap;
};

/* The kernel's map and the vmspace that holds it. */
extern struct vm_map *kernel_map;
extern struct vmspace vmspace0;

/* ---------------------------------------------------------------------
 * Map operations used across UVM (uvm_map.c).
 */
void	uvm_map_setup(struct vm_map *, vaddr_t, vaddr_t, int);
struct vm_map *uvm_map_create(struct pmap *, vaddr_t, vaddr_t, int);
void	uvm_map_reference(struct vm_map *);
void	uvm_map_deallocate(struct vm_map *);
void	uvm_map_teardown(struct vm_map *);

bool	uvm_map_lookup_entry(struct vm_map *, vaddr_t, struct vm_map_entry **);
/* Find space for length bytes at or after *hint (before, if topdown). */
struct vm_map_entry *uvm_map_findspace(struct vm_map *, vaddr_t, vsize_t,
	    vaddr_t *, struct uvm_object *, voff_t, vsize_t, int);
void	uvm_map_clip_start(struct vm_map *, struct vm_map_entry *, vaddr_t);
void	uvm_map_clip_end(struct vm_map *, struct vm_map_entry *, vaddr_t);

/* Removing: unlink under the map lock, drop references after. */
void	uvm_unmap_remove(struct vm_map *, vaddr_t, vaddr_t,
	    struct vm_map_entry **, int);
void	uvm_unmap_detach(struct vm_map_entry *, int);

void	vm_map_lock(struct vm_map *);
bool	vm_map_lock_try(struct vm_map *);
void	vm_map_unlock(struct vm_map *);
void	vm_map_lock_read(struct vm_map *);
void	vm_map_unlock_read(struct vm_map *);
void	vm_map_busy(struct vm_map *);
void	vm_map_unbusy(struct vm_map *);
bool	vm_map_locked_p(struct vm_map *);

/*
 * The map checker: walks the whole map and verifies every invariant of
 * DESIGN.md (sorted, non-overlapping, inside [min, max], tree and list
 * agree, gaps and maxgaps recomputed from scratch, nentries and size).
 * Returns NULL when all hold, else a static description of the first
 * violation.
 */
const char *uvm_map_check(struct vm_map *);

/* msync/madvise and mincore over a range (uvm_mmap.c). */
int	uvm_map_clean(struct vm_map *, vaddr_t, vaddr_t, int);
int	uvm_mincore(struct vm_map *, vaddr_t, vsize_t, char *);

/* Print the map like pmap(1) / procstat -v. */
void	uvm_map_printit(struct vm_map *, void (*)(const char *, ...));

#endif /* _UVM_UVM_MAP_H_ */
