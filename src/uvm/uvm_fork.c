/*
 * uvm_fork.c: forking address spaces: uvmspace_fork, uvm_fork,
 * uvm_proc_fork, uvmspace_unshare.
 *
 * uvmspace_fork() builds the child's map entry by entry, by each entry's
 * inheritance:
 *
 *	NONE	the child gets nothing there
 *	SHARE	the child's entry refers to the same amap (shared: both
 *		see each other's writes) and the same object
 *	COPY	copy-on-write: the child's entry refers to the same amap
 *		and object with COPYONWRITE|NEEDSCOPY; the parent's entry
 *		becomes NEEDSCOPY and its pmap read-only, so the first
 *		write on either side copies (uvm_fault.c, cases 1B/2B)
 *	ZERO	the child's entry is fresh zero-fill memory
 *
 * Two COPY cases cannot be left to the faults.  A wired parent entry
 * must never fault, so the child copies its anons at once
 * (amap_cow_now).  An amap that other entries also refer to (shared
 * with another address space, AMAP_SHARED) must not become NEEDSCOPY
 * in the parent, since a later write fault would give the parent a
 * private amap and break the sharing; the child takes its own copy of
 * the amap now and the shared anons' pages are write-protected in every
 * pmap, so whoever writes first copies the page (case 1B) and the other
 * sharers see that copy through the amap they share.
 *
 * Locking: the parent's map is write-locked for the whole fork; the
 * child's map is new and private until uvmspace_fork() returns, and is
 * locked around each change as the map layer expects.
 */

#include "uvm_impl.h"

#include <uvm/uvm_amap.h>
#include <uvm/uvm_anon.h>

/*
 * uvm_fork_newentry: create in new_map an entry covering the same range
 * as old_entry, with the same object reference (which the caller has
 * taken) and attributes, no amap and no wiring.
 *
 * => new_map unlocked; on success it is returned write-locked with the
 *    entry in *entryp.
 */
static int
uvm_fork_newentry(struct vm_map *new_map, struct vm_map_entry *old_entry,
    struct uvm_object *uobj, struct vm_map_entry **entryp)
{
	vaddr_t va = old_entry->start;
	int error;
	bool found;

	error = uvm_map(new_map, &va, old_entry->end - old_entry->start,
	    uobj, uobj != NULL ? old_entry->offset : UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(old_entry->protection, old_entry->max_protection,
	    UVM_INH_COPY, old_entry->advice,
	    UVM_FLAG_FIXED | UVM_FLAG_NOMERGE));
	if (error != 0)
		return error;
	KASSERT(va == old_entry->start);
	vm_map_lock(new_map);
	found = uvm_map_lookup_entry(new_map, old_entry->start, entryp);
	KASSERT(found);
	KASSERT((*entryp)->start == old_entry->start &&
	    (*entryp)->end == old_entry->end);
	(*entryp)->etype = old_entry->etype;
	(*entryp)->offset = old_entry->offset;
	(*entryp)->inheritance = old_entry->inheritance;
	(*entryp)->flags = old_entry->flags;
	(*entryp)->wired_count = 0;	/* the child has nothing wired */
	(*entryp)->aref.ar_amap = NULL;
	(*entryp)->aref.ar_pageoff = 0;
	return 0;
}

/* Take a reference to the entry's object for a second entry. */
static struct uvm_object *
uvm_fork_objref(struct vm_map_entry *entry)
{
	struct uvm_object *uobj = entry->object.uvm_obj;

	if (uobj != NULL && uobj->pgops->pgo_reference != NULL)
		uobj->pgops->pgo_reference(uobj);
	return uobj;
}

static void
uvm_fork_objrele(struct uvm_object *uobj)
{
	if (uobj != NULL && uobj->pgops->pgo_detach != NULL)
		uobj->pgops->pgo_detach(uobj);
}

/*
 * Write-protect every resident page of the entry's amap, in every pmap
 * that maps it.
 *
 * => the entry's map locked; the amap unlocked.
 */
static void
uvm_fork_protect_anons(struct vm_map_entry *entry)
{
	struct vm_amap *amap = entry->aref.ar_amap;
	struct vm_anon *anons[16];
	vaddr_t off, len;
	int i, n;

	len = entry->end - entry->start;
	amap_lock(amap);
	for (off = 0; off < len; off += (vaddr_t)n << PAGE_SHIFT) {
		n = (int)MIN(__arraycount(anons), (len - off) >> PAGE_SHIFT);
		amap_lookups(&entry->aref, off, anons, n);
		for (i = 0; i < n; i++)
			if (anons[i] != NULL && anons[i]->an_page != NULL)
				pmap_page_protect(anons[i]->an_page,
				    VM_PROT_READ | VM_PROT_EXECUTE);
	}
	amap_unlock(amap);
}

/*
 * SHARE: the child refers to the parent's amap (made first if the
 * parent still needs one) and object.
 */
static int
uvm_fork_share(struct vm_map *old_map, struct vm_map_entry *old_entry,
    struct vm_map *new_map)
{
	struct vm_map_entry *new_entry;
	struct uvm_object *uobj;
	int error;

	if (UVM_ET_ISNEEDSCOPY(old_entry)) {
		amap_copy(old_map, old_entry, AMAP_COPY_NOCHUNK, 0, 0);
		if (UVM_ET_ISNEEDSCOPY(old_entry))
			return ENOMEM;
	}
	uobj = uvm_fork_objref(old_entry);
	error = uvm_fork_newentry(new_map, old_entry, uobj, &new_entry);
	if (error != 0) {
		uvm_fork_objrele(uobj);
		return error;
	}
	if (old_entry->aref.ar_amap != NULL) {
		new_entry->aref = old_entry->aref;
		amap_ref(new_entry->aref.ar_amap,
		    (vaddr_t)new_entry->aref.ar_pageoff << PAGE_SHIFT,
		    new_entry->end - new_entry->start, AMAP_SHARED);
	}
	vm_map_unlock(new_map);
	return 0;
}

/*
 * COPY: copy-on-write between parent and child.
 */
static int
uvm_fork_copy(struct vm_map *old_map, struct vm_map_entry *old_entry,
    struct vm_map *new_map)
{
	struct vm_map_entry *new_entry;
	struct vm_amap *amap = old_entry->aref.ar_amap;
	struct uvm_object *uobj;
	bool eager;
	int error;

	uobj = uvm_fork_objref(old_entry);
	error = uvm_fork_newentry(new_map, old_entry, uobj, &new_entry);
	if (error != 0) {
		uvm_fork_objrele(uobj);
		return error;
	}
	new_entry->etype |= UVM_ET_COPYONWRITE | UVM_ET_NEEDSCOPY;
	if (amap == NULL) {
		/* Nothing anonymous yet: both sides fault on the object. */
		vm_map_unlock(new_map);
		return 0;
	}

	eager = (amap_flags(amap) & AMAP_SHARED) != 0 ||
	    VM_MAPENT_ISWIRED(old_entry);
	new_entry->aref = old_entry->aref;
	amap_ref(amap, (vaddr_t)new_entry->aref.ar_pageoff << PAGE_SHIFT,
	    new_entry->end - new_entry->start, 0);
	if (eager) {
		amap_copy(new_map, new_entry, AMAP_COPY_NOCHUNK, 0, 0);
		if (UVM_ET_ISNEEDSCOPY(new_entry)) {
			vm_map_unlock(new_map);
			return ENOMEM;
		}
	}

	if (VM_MAPENT_ISWIRED(old_entry)) {
		/* The parent must never fault: the child copies now. */
		amap_cow_now(new_map, new_entry);
	} else if (eager) {
		/* Whoever writes a shared anon first gets a copy (1B). */
		uvm_fork_protect_anons(new_entry);
	} else if (!UVM_ET_ISNEEDSCOPY(old_entry)) {
		/*
		 * An earlier fork already write-protected a needs-copy
		 * parent; otherwise do it now.
		 */
		if (old_entry->max_protection & VM_PROT_WRITE)
			pmap_protect(vm_map_pmap(old_map), old_entry->start,
			    old_entry->end,
			    old_entry->protection & ~VM_PROT_WRITE);
		old_entry->etype |= UVM_ET_NEEDSCOPY;
	}
	vm_map_unlock(new_map);
	return 0;
}

/*
 * ZERO: the child gets fresh zero-fill memory over the same range.
 */
static int
uvm_fork_zero(struct vm_map_entry *old_entry, struct vm_map *new_map)
{
	struct vm_map_entry *new_entry;
	int error;

	error = uvm_fork_newentry(new_map, old_entry, NULL, &new_entry);
	if (error != 0)
		return error;
	new_entry->etype &= ~UVM_ET_OBJ;
	new_entry->object.uvm_obj = NULL;
	new_entry->offset = 0;
	new_entry->etype |= UVM_ET_COPYONWRITE | UVM_ET_NEEDSCOPY;
	vm_map_unlock(new_map);
	return 0;
}

/*
 * uvmspace_fork: a new address space for a child of vm1's process.
 *
 * => vm1's map unlocked on entry and exit.
 * => always returns a vmspace (uvm_fork(9) cannot fail).
 */
struct vmspace *
uvmspace_fork(struct vmspace *vm1)
{
	struct vm_map *old_map = &vm1->vm_map, *new_map;
	struct vm_map_entry *old_entry;
	struct vmspace *vm2;
	int error = 0;

	vm_map_lock(old_map);
	vm2 = uvmspace_alloc(vm_map_min(old_map), vm_map_max(old_map),
	    (old_map->flags & VM_MAP_TOPDOWN) != 0);
	new_map = &vm2->vm_map;
	vm2->vm_tsize = vm1->vm_tsize;
	vm2->vm_dsize = vm1->vm_dsize;
	vm2->vm_ssize = vm1->vm_ssize;
	vm2->vm_issize = vm1->vm_issize;
	vm2->vm_taddr = vm1->vm_taddr;
	vm2->vm_daddr = vm1->vm_daddr;
	vm2->vm_maxsaddr = vm1->vm_maxsaddr;
	vm2->vm_minsaddr = vm1->vm_minsaddr;
	vm2->vm_aslr_delta_mmap = vm1->vm_aslr_delta_mmap;

	for (old_entry = old_map->header.next; old_entry != &old_map->header;
	    old_entry = old_entry->next) {
		KASSERTMSG(!UVM_ET_ISSUBMAP(old_entry),
		    "uvmspace_fork: submap in a user map");
		switch (old_entry->inheritance) {
		case MAP_INHERIT_NONE:
			break;
		case MAP_INHERIT_SHARE:
			error = uvm_fork_share(old_map, old_entry, new_map);
			break;
		case MAP_INHERIT_COPY:
		case MAP_INHERIT_DONATE_COPY:
			error = uvm_fork_copy(old_map, old_entry, new_map);
			break;
		case MAP_INHERIT_ZERO:
			error = uvm_fork_zero(old_entry, new_map);
			break;
		default:
			panic("uvmspace_fork: inheritance %d",
			    old_entry->inheritance);
		}
		/*
		 * The allocations here may sleep and so do not fail; an
		 * injected failure leaves the child without that entry,
		 * as with inheritance NONE, and the parent consistent.
		 */
		(void)error;
	}
	pmap_update(vm_map_pmap(old_map));
	vm_map_unlock(old_map);
	return vm2;
}

/*
 * uvm_proc_fork: give p2 an address space from p1: p1's own, shared
 * (shared), or a fork of it.
 */
void
uvm_proc_fork(struct proc *p1, struct proc *p2, bool shared)
{
	KASSERT(p1 != p2);
	KASSERT(p1->p_vmspace != NULL);
	UVMEXP_INC(forks);
	if (shared) {
		UVMEXP_INC(forks_sharevm);
		uvmspace_share(p1, p2);
	} else
		p2->p_vmspace = uvmspace_fork(p1->p_vmspace);
}

/*
 * uvm_fork: the address space part of forking l1's process into l2's.
 */
void
uvm_fork(struct lwp *l1, struct lwp *l2, bool shared)
{
	KASSERT(l1->l_proc != l2->l_proc);
	uvm_proc_fork(l1->l_proc, l2->l_proc, shared);
}

/*
 * uvmspace_unshare: make sure l's process has an address space of its
 * own, forking the shared one if needed.
 *
 * => l is running: its pmap is active, and is switched to the new one.
 */
void
uvmspace_unshare(struct lwp *l)
{
	struct proc *p = l->l_proc;
	struct vmspace *ovm = p->p_vmspace, *nvm;

	if (atomic_load_relaxed(&ovm->vm_refcnt) == 1)
		return;
	nvm = uvmspace_fork(ovm);
	pmap_deactivate(l);
	p->p_vmspace = nvm;
	pmap_activate(l);
	uvmspace_free(ovm);
}
