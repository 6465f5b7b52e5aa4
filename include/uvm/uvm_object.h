/*
 * uvm_object.h: memory objects and their pagers.
 *
 * A uvm_object is a source of pages at offsets: an anonymous object
 * (aobj), a vnode, a device.  Its resident pages are kept in a radix tree
 * keyed by page index (uvm_radix.c), so vm_page needs no linkage for it.
 * The pager operations say how to reference, detach, fault, get and put
 * pages of the object.
 *
 * Locking: vmobjlock (a pointer, so objects can share one lock, as an
 * amap and its anons do) protects uo_pages, uo_npages and the owner
 * fields of the object's pages.  uo_refs is atomic.
 */

#ifndef _UVM_UVM_OBJECT_H_
#define _UVM_UVM_OBJECT_H_

#include <uvm/uvm_extern.h>

struct vm_page;
struct uvm_faultinfo;

/* A radix tree of pages keyed by page index (voff_t >> PAGE_SHIFT). */
struct uvm_radix {
	void		*rt_root;	/* node or leaf */
	unsigned int	rt_height;	/* levels below the root */
};

struct uvm_object {
	kmutex_t		*vmobjlock;	/* lock on object */
	const struct uvm_pagerops *pgops;	/* pager ops */
	struct uvm_radix	uo_pages;	/* o: resident pages */
	int			uo_npages;	/* o: # of pages in uo_pages */
	unsigned int		uo_refs;	/* atomic: reference count */
};

#define UVM_OBJ_KERN		(-2)	/* uo_refs of a never-freed object */
#define UVM_OBJ_IS_KERN_OBJECT(uobj)	((uobj)->uo_refs == (unsigned)UVM_OBJ_KERN)

/* pgo_get/pgo_put flags. */
#define PGO_CLEANIT	0x001	/* write dirty pages to backing store */
#define PGO_SYNCIO	0x002	/* use sync I/O */
#define PGO_DEACTIVATE	0x004	/* deactivate flushed pages */
#define PGO_FREE	0x008	/* free flushed pages */
#define PGO_ALLPAGES	0x010	/* flush whole object / get all pages */
#define PGO_LOCKED	0x040	/* fault data structures are locked [get] */
#define PGO_BUSYFAIL	0x080	/* fail if a page is busy [put] */
#define PGO_OVERWRITE	0x200	/* pages will be overwritten before unlock */
#define PGO_PASTEOF	0x400	/* allow allocation of pages past EOF */
#define PGO_NOBLOCKALLOC 0x800	/* backing block allocation is not needed */
#define PGO_NOWAIT	0x1000	/* do not wait for anything */
#define PGO_RECLAIM	0x2000	/* object is being reclaimed */
#define PGO_JOURNALLOCKED 0x4000 /* journal is already locked [put] */
#define PGO_NOTIMESTAMP	0x8000	/* don't mark object accessed/modified */
#define PGO_READAHEAD	0x10000	/* get: read-ahead, don't fail */

/* Fault-routine return meaning "restart the fault" (host errno.h has it). */
#ifndef ERESTART
#define ERESTART	(-3)
#endif

struct uvm_pagerops {
	/* Add a reference to obj. */
	void	(*pgo_reference)(struct uvm_object *);
	/* Drop a reference to obj (may free it). */
	void	(*pgo_detach)(struct uvm_object *);
	/* Special non-standard fault processing (device pager). */
	int	(*pgo_fault)(struct uvm_faultinfo *, vaddr_t, struct vm_page **,
		    int, int, vm_prot_t, int);
	/* Get/read pages. */
	int	(*pgo_get)(struct uvm_object *, voff_t, struct vm_page **,
		    int *, int, vm_prot_t, int, int);
	/* Put/write pages (called with vmobjlock held, releases it). */
	int	(*pgo_put)(struct uvm_object *, voff_t, voff_t, int);
	/* Name for views. */
	const char *pgo_name;
};

/* Object initialisation and helpers (uvm_object.c). */
void	uvm_obj_init(struct uvm_object *, const struct uvm_pagerops *,
	    bool alock, unsigned int refs);
void	uvm_obj_setlock(struct uvm_object *, kmutex_t *);
void	uvm_obj_destroy(struct uvm_object *, bool dlock);
int	uvm_obj_wirepages(struct uvm_object *, off_t, off_t, struct pglist *);
void	uvm_obj_unwirepages(struct uvm_object *, off_t, off_t);

/* The object's page tree (uvm_radix.c). */
int	uvm_radix_insert(struct uvm_radix *, uint64_t, void *);
void	*uvm_radix_lookup(const struct uvm_radix *, uint64_t);
void	*uvm_radix_remove(struct uvm_radix *, uint64_t);
/* Swap the value at key (which has one) for another; never allocates. */
void	*uvm_radix_replace(struct uvm_radix *, uint64_t, void *);
/* Up to n entries with index >= first (<= first if backward), in order. */
unsigned int uvm_radix_gang_lookup(const struct uvm_radix *, uint64_t first,
	    void **results, uint64_t *indices, unsigned int n, bool backward);
bool	uvm_radix_empty_p(const struct uvm_radix *);
void	uvm_radix_fini(struct uvm_radix *);

#endif /* _UVM_UVM_OBJECT_H_ */
