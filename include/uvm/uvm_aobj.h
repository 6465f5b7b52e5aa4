/*
 * uvm_aobj.h: the anonymous object pager (uvm_aobj.c) as other UVM
 * subsystems see it.
 *
 * An aobj is a uvm_object whose pages have no file behind them: they are
 * zero-filled when first touched and, once swap exists, are paged to swap
 * slots recorded per page in the aobj.  uao_create(), uao_reference() and
 * uao_detach() are the seeds' interface (uvm_extern.h); this header adds
 * the pager table, a predicate, and the swap-slot bookkeeping the fault
 * handler and the pagedaemon use.
 *
 * Locking: every function below except uao_reference(), uao_detach() and
 * uao_check() needs the object's vmobjlock held by the caller.
 */

#ifndef _UVM_UVM_AOBJ_H_
#define _UVM_UVM_AOBJ_H_

#include <uvm/uvm_object.h>

/* The aobj pager operations (pgo_reference ... pgo_put). */
extern const struct uvm_pagerops aobj_pager;

/* Is uobj an anonymous object (the kernel object included)? */
#define UVM_OBJ_IS_AOBJ(uobj)	((uobj)->pgops == &aobj_pager)

/*
 * Swap-slot bookkeeping, one slot per page index (offset >> PAGE_SHIFT).
 * Slot 0 means "no slot".  Objects of up to UAO_SWHASH_THRESHOLD pages
 * keep an array of slots; larger ones a hash of 16-page clusters, so a
 * huge sparse object costs memory only where it has slots.  The kernel
 * object has no slots at all until uao_create(size, UAO_FLAG_KERNSWAP).
 */
#define UAO_SWHASH_CLUSTER_SHIFT	4
#define UAO_SWHASH_CLUSTER_SIZE		(1 << UAO_SWHASH_CLUSTER_SHIFT)
#define UAO_SWHASH_THRESHOLD		(UAO_SWHASH_CLUSTER_SIZE * 4)
#define UAO_SWHASH_MAXBUCKETS		256

/* The slot of page pageidx, or 0. */
int	uao_find_swslot(struct uvm_object *, int pageidx);
/* Record slot (0: clear) for page pageidx; returns the previous slot. */
int	uao_set_swslot(struct uvm_object *, int pageidx, int slot);
/* Forget page pageidx's slot. */
void	uao_dropswap(struct uvm_object *, int pageidx);
/* Forget the slots of every page in [start, end) (byte offsets). */
void	uao_dropswap_range(struct uvm_object *, voff_t start, voff_t end);

/* The object's size in pages (the kernel object's too). */
int	uao_npages(struct uvm_object *);
/* Number of pages of the object that have a swap slot. */
int	uao_swslot_count(struct uvm_object *);

/*
 * Invariant checker: NULL, or a description (static storage) of what is
 * wrong with the aobj (page ownership, offsets, slot counts).  Takes and
 * releases the object's lock.
 */
const char *uao_check(struct uvm_object *);

#endif /* _UVM_UVM_AOBJ_H_ */
