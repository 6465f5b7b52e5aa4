/*
 * uvm_device.c: the device pager (udv) and the character-device switch.
 *
 * Mapping a device: udv_attach(dev, prot, off, size) asks the driver's
 * d_mmap entry point whether every page of [off, off + size) may be
 * mapped with prot and returns the device's uvm_object (one per device
 * number, reference counted, shared by all its mappings).  The object
 * has no pages of its own: faults on a mapping of it go to udv_fault
 * (pgo_fault), which asks d_mmap for the page frame of each page of the
 * fault window and enters it with pmap_enter().  The physical pages are
 * unmanaged (no vm_page): memory of the machine outside UVM's segments.
 * Device mappings are never copy-on-write (there is no page to copy
 * from), so udv_fault refuses those with EIO, as NetBSD's does, and
 * there is nothing to clean or free (udv_put).
 *
 * Locking: udv_lock protects the switch (udv_cdevsw), the list of
 * device objects and their uo_refs.  udv_fault runs with the fault's
 * locks (map read-locked, amap and object locked) and drops them all;
 * it never takes udv_lock (the mapping holds a reference, so the
 * object cannot go, and a driver stays in the switch while its device
 * is mapped: cdevsw_detach fails with EBUSY then).
 */

#include "uvm_impl.h"
#include <uvm/uvm_device.h>
#include <uvm/uvm_map.h>

static void	udv_reference(struct uvm_object *);
static void	udv_detach(struct uvm_object *);
static int	udv_fault(struct uvm_faultinfo *, vaddr_t, struct vm_page **,
		    int, int, vm_prot_t, int);
static int	udv_put(struct uvm_object *, voff_t, voff_t, int);

const struct uvm_pagerops uvm_deviceops = {
	.pgo_reference = udv_reference,
	.pgo_detach = udv_detach,
	.pgo_fault = udv_fault,
	.pgo_put = udv_put,
	.pgo_name = "device",
};

static kmutex_t udv_lock;
static const struct cdevsw *udv_cdevsw[UDV_NCDEV];
static LIST_HEAD(, uvm_device) udv_list = LIST_HEAD_INITIALIZER(udv_list);

void
udv_init(void)
{
	mutex_init(&udv_lock, MUTEX_DEFAULT, IPL_NONE);
	LIST_INIT(&udv_list);
	for (int i = 0; i < UDV_NCDEV; i++)
		udv_cdevsw[i] = NULL;
}

/*
 * udv_fini: the machine is going away; every mapping of a device went
 * with its map.
 */
void
udv_fini(void)
{
	KASSERTMSG(LIST_EMPTY(&udv_list), "udv_fini: a device is still "
	    "attached");
	mutex_destroy(&udv_lock);
}

/* ---------------------------------------------------------------------
 * The switch.
 */

/*
 * cdevsw_attach: enter a driver into the switch.
 * => *majorp: the slot wanted, or -1 for any free one; set to the slot.
 * => returns 0, EINVAL (no d_mmap, bad slot), EEXIST (the slot is
 *    taken, or the driver is in already) or ENOSPC (the switch is full).
 */
int
cdevsw_attach(const struct cdevsw *cdev, devmajor_t *majorp)
{
	devmajor_t maj = *majorp;
	int error = 0;

	if (cdev == NULL || cdev->d_mmap == NULL || maj < -1 ||
	    maj >= UDV_NCDEV)
		return EINVAL;
	mutex_enter(&udv_lock);
	for (int i = 0; i < UDV_NCDEV; i++) {
		if (udv_cdevsw[i] == cdev) {
			error = EEXIST;
			goto out;
		}
	}
	if (maj == -1) {
		for (maj = 0; maj < UDV_NCDEV && udv_cdevsw[maj] != NULL;
		    maj++)
			continue;
		if (maj == UDV_NCDEV) {
			error = ENOSPC;
			goto out;
		}
	} else if (udv_cdevsw[maj] != NULL) {
		error = EEXIST;
		goto out;
	}
	udv_cdevsw[maj] = cdev;
	*majorp = maj;
out:
	mutex_exit(&udv_lock);
	return error;
}

/*
 * cdevsw_detach: take a driver out of the switch.
 * => returns 0, ENOENT (it is not in), or EBUSY (one of its devices is
 *    still attached to a mapping).
 */
int
cdevsw_detach(const struct cdevsw *cdev)
{
	struct uvm_device *udv;
	int error = ENOENT;

	mutex_enter(&udv_lock);
	for (devmajor_t maj = 0; maj < UDV_NCDEV; maj++) {
		if (udv_cdevsw[maj] != cdev)
			continue;
		error = 0;
		LIST_FOREACH(udv, &udv_list, u_list) {
			if (udv_major(udv->u_device) == maj)
				error = EBUSY;
		}
		if (error == 0)
			udv_cdevsw[maj] = NULL;
		break;
	}
	mutex_exit(&udv_lock);
	return error;
}

static const struct cdevsw *
cdevsw_lookup_locked(dev_t dev)
{
	devmajor_t maj = udv_major(dev);

	KASSERT(mutex_owned(&udv_lock));
	if (maj < 0 || maj >= UDV_NCDEV)
		return NULL;
	return udv_cdevsw[maj];
}

/*
 * cdevsw_lookup: the driver of dev, or NULL.
 */
const struct cdevsw *
cdevsw_lookup(dev_t dev)
{
	const struct cdevsw *cdev;

	mutex_enter(&udv_lock);
	cdev = cdevsw_lookup_locked(dev);
	mutex_exit(&udv_lock);
	return cdev;
}

/* ---------------------------------------------------------------------
 * The pager.
 */

static inline struct uvm_device *
udv_of(struct uvm_object *uobj)
{
	KASSERT(UVM_OBJ_IS_DEVICE(uobj));
	return (struct uvm_device *)(void *)uobj;
}

/*
 * udv_attach: the uvm_object of device dev, for a mapping of bytes
 * [off, off + size) of it with protection accessprot.
 *
 * => returns the object with a reference for the caller (the mapping),
 *    or NULL if dev has no driver in the switch, off is negative
 *    (unless the driver says D_NEGOFFSAFE), the range wraps, or the
 *    driver refuses a page of it (d_mmap returns -1).
 */
struct uvm_object *
udv_attach(dev_t dev, vm_prot_t accessprot, voff_t off, vsize_t size)
{
	const struct cdevsw *cdev;
	struct uvm_device *udv, *nudv;
	voff_t end;

	KASSERT((accessprot & ~VM_PROT_ALL) == 0);
	if ((off & PAGE_MASK) != 0 || size == 0)
		return NULL;
	end = off + (voff_t)round_page(size);
	mutex_enter(&udv_lock);
	cdev = cdevsw_lookup_locked(dev);
	mutex_exit(&udv_lock);
	if (cdev == NULL)
		return NULL;
	if (end <= off || (off < 0 && (cdev->d_flag & D_NEGOFFSAFE) == 0))
		return NULL;
	/* Every page of the range must be mappable. */
	for (voff_t o = off; o < end; o += PAGE_SIZE) {
		if (cdev->d_mmap(dev, (off_t)o, accessprot) == (paddr_t)-1)
			return NULL;
	}

	nudv = kmem_zalloc(sizeof(*nudv), KM_SLEEP);
	mutex_enter(&udv_lock);
	LIST_FOREACH(udv, &udv_list, u_list) {
		if (udv->u_device == dev)
			break;
	}
	if (udv != NULL) {
		udv->u_obj.uo_refs++;
		mutex_exit(&udv_lock);
		kmem_free(nudv, sizeof(*nudv));
		return &udv->u_obj;
	}
	uvm_obj_init(&nudv->u_obj, &uvm_deviceops, true, 1);
	nudv->u_device = dev;
	LIST_INSERT_HEAD(&udv_list, nudv, u_list);
	mutex_exit(&udv_lock);
	return &nudv->u_obj;
}

static void
udv_reference(struct uvm_object *uobj)
{
	mutex_enter(&udv_lock);
	KASSERT(uobj->uo_refs > 0);
	uobj->uo_refs++;
	mutex_exit(&udv_lock);
}

/*
 * udv_detach: drop a reference; the last one frees the object.
 */
static void
udv_detach(struct uvm_object *uobj)
{
	struct uvm_device *udv = udv_of(uobj);

	mutex_enter(&udv_lock);
	KASSERT(uobj->uo_refs > 0);
	if (--uobj->uo_refs > 0) {
		mutex_exit(&udv_lock);
		return;
	}
	LIST_REMOVE(udv, u_list);
	mutex_exit(&udv_lock);
	KASSERT(uobj->uo_npages == 0);
	uvm_obj_destroy(uobj, true);
	kmem_free(udv, sizeof(*udv));
}

/*
 * udv_put: a device has no pages to clean or free.
 * => object locked on entry, unlocked on return; returns 0.
 */
static int
udv_put(struct uvm_object *uobj, voff_t start, voff_t end, int flags)
{
	KASSERT(mutex_owned(uobj->vmobjlock));
	mutex_exit(uobj->vmobjlock);
	return 0;
}

/*
 * udv_fault: enter the device's pages for a fault at vaddr: the
 * faulting page (pps[centeridx]) and its npages-window neighbours.
 *
 * => map read-locked, the entry's amap (if any) and the object locked;
 *    all unlocked on return.
 * => returns 0, EIO (a copy-on-write mapping, or the driver has no
 *    page there any more, or gives one outside the machine's physical
 *    memory or inside UVM's managed memory), or ENOMEM (the pmap had
 *    no memory for the faulting page).
 */
static int
udv_fault(struct uvm_faultinfo *ufi, vaddr_t vaddr, struct vm_page **pps,
    int npages, int centeridx, vm_prot_t access_type, int flags)
{
	struct vm_map_entry *entry = ufi->entry;
	struct uvm_object *uobj = entry->object.uvm_obj;
	struct vm_amap *amap = entry->aref.ar_amap;
	struct pmap *pmap = vm_map_pmap(ufi->orig_map);
	struct uvm_device *udv = udv_of(uobj);
	const struct cdevsw *cdev;
	vm_prot_t mapprot = entry->protection;
	int error = 0, first = 0, last = npages;

	KASSERT(mutex_owned(uobj->vmobjlock));
	KASSERT(centeridx >= 0 && centeridx < npages);
	if (UVM_ET_ISCOPYONWRITE(entry)) {
		uvmfault_unlockall(ufi, amap, uobj);
		return EIO;
	}
	/* The mapping's reference keeps the driver in the switch. */
	mutex_enter(&udv_lock);
	cdev = cdevsw_lookup_locked(udv->u_device);
	mutex_exit(&udv_lock);
	KASSERT(cdev != NULL);
	if (amap != NULL) {
		/* Anons may hide the neighbours: the faulting page only. */
		first = centeridx;
		last = centeridx + 1;
	}
	for (int i = first; i < last; i++) {
		vaddr_t va = vaddr + ptoa((vaddr_t)i);
		voff_t off = entry->offset + (voff_t)(va - entry->start);
		paddr_t cookie, pa;
		int perr;

		if (va < entry->start || va >= entry->end)
			continue;
		cookie = cdev->d_mmap(udv->u_device, (off_t)off, access_type);
		if (cookie == (paddr_t)-1) {
			if (i == centeridx)
				error = EIO;
			continue;
		}
		pa = pmap_phys_address(cookie);
		if (pa + PAGE_SIZE > kern_physmem_size() || pa + PAGE_SIZE < pa ||
		    PHYS_TO_VM_PAGE(pa) != NULL) {
			if (i == centeridx)
				error = EIO;
			continue;
		}
		perr = pmap_enter(pmap, va, pa, mapprot, PMAP_CANFAIL |
		    (i == centeridx ? access_type : VM_PROT_NONE) |
		    (VM_MAPENT_ISWIRED(entry) ? PMAP_WIRED : 0));
		if (perr != 0 && i == centeridx)
			error = ENOMEM;
	}
	uvmfault_unlockall(ufi, amap, uobj);
	pmap_update(pmap);
	return error;
}
