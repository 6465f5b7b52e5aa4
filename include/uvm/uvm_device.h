/*
 * uvm_device.h: the device pager (udv) and the character-device switch
 * it maps devices through.
 *
 * A driver that lets its memory be mapped registers a cdevsw whose
 * d_mmap(dev, off, prot) returns the page frame cookie of the physical
 * page at byte offset off of the device (what pmap_phys_address()
 * turns into a physical address), or -1 if there is none there or prot
 * is not allowed.  udv_attach() gives the device's uvm_object, which
 * uvm_map() maps like any other; faults on the mapping go to the
 * object's pgo_fault (udv_fault in uvm_device.c), which enters the
 * device's pages with pmap_enter().  The pages are unmanaged: they are
 * physical memory of the machine that UVM does not manage (outside
 * every segment's available range), never paged, never copied.
 *
 * Locking: udv_lock (in uvm_device.c) protects the switch, the list of
 * device objects and their reference counts.
 */

#ifndef _UVM_UVM_DEVICE_H_
#define _UVM_UVM_DEVICE_H_

#include <uvm/uvm_extern.h>
#include <uvm/uvm_object.h>

typedef int devmajor_t;

/* Device numbers: a major (the switch slot) and a minor (the unit). */
#define UDV_MINORBITS		20
#define udv_makedev(maj, min)	(((dev_t)(maj) << UDV_MINORBITS) | \
				    (dev_t)(min))
#define udv_major(dev)		((devmajor_t)((dev) >> UDV_MINORBITS))
#define udv_minor(dev)		((int)((dev) & ((1u << UDV_MINORBITS) - 1)))

#define UDV_NCDEV	16	/* slots in the character-device switch */

struct cdevsw {
	const char	*d_name;
	/* Page frame cookie of the device page at off, or -1. */
	paddr_t		(*d_mmap)(dev_t, off_t, int);
	int		d_flag;		/* D_* */
};

#define D_NEGOFFSAFE	0x0100	/* negative offsets are meaningful */

/* The device object: one per device number, shared by its mappings. */
struct uvm_device {
	struct uvm_object u_obj;	/* the object (first member) */
	dev_t		u_device;	/* c: its device */
	LIST_ENTRY(uvm_device) u_list;	/* udv_lock: all device objects */
};

extern const struct uvm_pagerops uvm_deviceops;
#define UVM_OBJ_IS_DEVICE(uobj)	((uobj)->pgops == &uvm_deviceops)

/* The switch. */
int	cdevsw_attach(const struct cdevsw *, devmajor_t *);
int	cdevsw_detach(const struct cdevsw *);
const struct cdevsw *cdevsw_lookup(dev_t);

/* The pager. */
struct uvm_object *udv_attach(dev_t, vm_prot_t, voff_t, vsize_t);

#endif /* _UVM_UVM_DEVICE_H_ */
