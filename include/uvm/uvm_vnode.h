/*
 * uvm_vnode.h: files, the vnode pager and the unified buffer cache.
 *
 * A vnode here is a host file (kfile) plus the uvm_object that caches
 * its pages: file data lives in VM pages, and read/write (through UBC,
 * ubc_uiomove()) and mmap (uvm_map() of &vp->v_uobj) see the same bytes.
 * The object's pager is the vnode pager (uvm_vnode.c): it reads pages
 * from the host file and writes dirty ones back.
 *
 * Locking: v_uobj.vmobjlock protects every field but v_usecount
 * (atomic) and the constants; the host file does its own.
 */

#ifndef _UVM_UVM_VNODE_H_
#define _UVM_UVM_VNODE_H_

#include <uvm/uvm_extern.h>
#include <uvm/uvm_object.h>

struct vnode {
	struct uvm_object v_uobj;	/* the file's pages (first member) */
	struct kfile	*v_kf;		/* c: the host file */
	char		*v_path;	/* c: its name, for messages */
	voff_t		v_size;		/* o: file size the VM knows */
	unsigned int	v_usecount;	/* atomic: references */
	int		v_flags;	/* c: VN_* */
	/* Read-ahead state (o). */
	voff_t		v_ra_next;	/* where a sequential reader is next */
	voff_t		v_ra_end;	/* end of the last read-ahead, or -1 */
	int		v_ra_win;	/* read-ahead window, pages (0: none) */
	/* Statistics (o). */
	unsigned long	v_nreadio;	/* read I/Os to the host file */
	unsigned long	v_nasyncio;	/* of which asynchronous read-ahead */
	unsigned long	v_nwriteio;	/* write I/Os to the host file */
	unsigned long	v_nasyncwio;	/* of which the daemon's (async) */
	unsigned long	v_npagesread;	/* pages read */
	unsigned long	v_npageswritten; /* pages written */
};

/* vn_open() flags and v_flags. */
#define VN_READ		0x01	/* open for reading */
#define VN_WRITE	0x02	/* open for writing */
#define VN_CREAT	0x04	/* create the file if it does not exist */
#define VN_TRUNC	0x08	/* truncate it to 0 */

/* The largest read-ahead window, in pages. */
#define UVN_RA_MAXWIN	32

extern const struct uvm_pagerops uvm_vnodeops;
#define UVM_OBJ_IS_VNODE(uobj)	((uobj)->pgops == &uvm_vnodeops)
#define UVM_OBJ_TO_VNODE(uobj)	((struct vnode *)(void *)(uobj))

/* The vnode layer. */
int	vn_open(const char *path, int flags, struct vnode **);
void	vref(struct vnode *);
void	vrele(struct vnode *);
int	vn_read(struct vnode *, struct uio *, int ioflag);
int	vn_write(struct vnode *, struct uio *, int ioflag);
int	vn_truncate(struct vnode *, voff_t);
int	vn_fsync(struct vnode *);
voff_t	vn_size(struct vnode *);

/* vn_read/vn_write ioflag */
#define IO_SYNC		0x01	/* write through to the file now */
#define IO_APPEND	0x02	/* write at the end of the file */

#endif /* _UVM_UVM_VNODE_H_ */
