/*
 * uvm_param.h: the basic VM types and page-size arithmetic.
 *
 * The page size is a boot-time choice of the machine (uvm_setpagesize()),
 * not a compile-time constant, exactly as on NetBSD ports that support
 * several page sizes.  PAGE_SIZE, PAGE_SHIFT and PAGE_MASK therefore read
 * uvmexp; they are stable once uvm_md_init() has run.
 */

#ifndef _UVM_UVM_PARAM_H_
#define _UVM_UVM_PARAM_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>		/* off_t, register_t */

typedef uintptr_t	vaddr_t;	/* virtual address */
typedef size_t		vsize_t;	/* virtual size */
typedef uint64_t	paddr_t;	/* physical address */
typedef uint64_t	psize_t;	/* physical size */
typedef int64_t		voff_t;		/* offset into an object */
typedef int		vm_prot_t;	/* VM_PROT_* / UVM_PROT_* */
typedef int		vm_inherit_t;	/* UVM_INH_* / MAP_INHERIT_* */
typedef unsigned int	uvm_flag_t;	/* UVM_MAPFLAG()/UVM_KMF_* flags */

/* Protections (uvm_prot(9) names and the vm(9) ones). */
#define VM_PROT_NONE	0x00
#define VM_PROT_READ	0x01
#define VM_PROT_WRITE	0x02
#define VM_PROT_EXECUTE	0x04
#define VM_PROT_ALL	(VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXECUTE)

/* Inheritance values used by uvm_map_inherit() (MAP_INHERIT_* in mman.h). */
#define MAP_INHERIT_SHARE	0
#define MAP_INHERIT_COPY	1
#define MAP_INHERIT_NONE	2
#define MAP_INHERIT_DONATE_COPY	3
#define MAP_INHERIT_ZERO	4
#define MAP_INHERIT_DEFAULT	MAP_INHERIT_COPY

/* madvise(2)-style advice, used by uvm_map_advice(). */
#define MADV_NORMAL	0
#define MADV_RANDOM	1
#define MADV_SEQUENTIAL	2
#define MADV_WILLNEED	3
#define MADV_DONTNEED	4
#define MADV_FREE	6

/* Page-size arithmetic; uvmexp is declared in <uvm/uvm_extern.h>. */
#define PAGE_SIZE	((vsize_t)uvmexp.pagesize)
#define PAGE_MASK	((vsize_t)uvmexp.pagemask)
#define PAGE_SHIFT	(uvmexp.pageshift)

#define atop(x)		((x) >> PAGE_SHIFT)
#define ptoa(x)		((x) << PAGE_SHIFT)
#define round_page(x)	(((x) + PAGE_MASK) & ~PAGE_MASK)
#define trunc_page(x)	((x) & ~PAGE_MASK)

/* The u-area (kernel stack) of an lwp: uvm_uarea_alloc(). */
#define UPAGES		4			/* pages of u-area */
#define USPACE		(UPAGES * PAGE_SIZE)	/* bytes of u-area */

/* Limits of the pages sizes a machine may choose. */
#define UVM_MIN_PAGE_SIZE	4096
#define UVM_MAX_PAGE_SIZE	(64 * 1024)

#endif /* _UVM_UVM_PARAM_H_ */
