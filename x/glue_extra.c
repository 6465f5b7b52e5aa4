
/* ---------------------------------------------------------------------
 * Access checks and protection of kernel memory; wiring user memory for
 * I/O.
 */

/*
 * uvm_kernacc: can the kernel access [addr, addr + len) for rw
 * (B_READ: read, B_WRITE: write)?  Looks at the kernel map's entries
 * only; the pages need not be resident.
 */
bool
uvm_kernacc(void *addr, size_t len, int rw)
{
	vm_prot_t prot = (rw & B_READ) ? VM_PROT_READ : VM_PROT_WRITE;
	vaddr_t saddr = trunc_page((vaddr_t)addr);
	vaddr_t eaddr = round_page((vaddr_t)addr + len);
	bool rv;

	if (eaddr < saddr)
		return false;
	vm_map_lock_read(kernel_map);
	rv = uvm_map_checkprot(kernel_map, saddr, eaddr, prot);
	vm_map_unlock_read(kernel_map);
	return rv;
}

/*
 * uvm_chgkprot: change the protection of kernel memory [addr, addr+len)
 * to read-only (B_READ) or read-write (B_WRITE), as a debugger does to
 * plant a breakpoint.  The range must be mapped in kernel_map with that
 * maximum protection; resident pages change at once.  Returns true on
 * success, false (nothing changed) otherwise.
 */
bool
uvm_chgkprot(void *addr, size_t len, int rw)
{
	vm_prot_t prot = (rw & B_READ) ? VM_PROT_READ :
	    VM_PROT_READ | VM_PROT_WRITE;
	vaddr_t sva = trunc_page((vaddr_t)addr);
	vaddr_t eva = round_page((vaddr_t)addr + len);

	if (eva <= sva)
		return false;
	return uvm_map_protect(kernel_map, sva, eva, prot, false) == 0;
}

/*
 * uvm_vslock: wire the pages of [addr, addr + len) of vs for I/O,
 * faulting them in with access_type.  The map entries are not changed:
 * the wiring belongs to the I/O, and uvm_vsunlock() undoes exactly it.
 * Returns 0, or the fault's error (EFAULT, EACCES, ENOMEM) with nothing
 * left wired.
 */
int
uvm_vslock(struct vmspace *vs, void *addr, size_t len, vm_prot_t access_type)
{
	vaddr_t start = trunc_page((vaddr_t)addr);
	vaddr_t end = round_page((vaddr_t)addr + len);

	if (end < start)
		return EFAULT;
	if (end == start)
		return 0;
	return uvm_fault_wire(&vs->vm_map, start, end, access_type, 0);
}

/*
 * uvm_vsunlock: release the wiring uvm_vslock() made.
 */
void
uvm_vsunlock(struct vmspace *vs, void *addr, size_t len)
{
	vaddr_t start = trunc_page((vaddr_t)addr);
	vaddr_t end = round_page((vaddr_t)addr + len);

	if (end > start)
		uvm_fault_unwire(&vs->vm_map, start, end);
}
