/*
 * uvm_swap.c: swap devices, swap slots and swap I/O.
 *
 * A swap device is a host file (kfile) of swd_npages pages.  Devices are
 * numbered into one global space of slots (the "drum"): device d owns
 * slots [swd_drumoffset, swd_drumoffset + swd_npages).  Slot 0 is never
 * a device's, so 0 means "no slot" to anons and aobjs.  Drum ranges are
 * not reused after a device is switched off.
 *
 * Each device keeps a bitmap of allocated slots and one of bad slots.
 * uvm_swap_alloc() looks for a contiguous run (the pagedaemon writes
 * clusters into one run with one I/O), next-fit from a rotor, skipping
 * full words; a run of 16 slots or more is first looked for at an
 * aligned place (see SWAP_ALIGNMIN: whole aligned blocks of the host
 * file are written faster); devices are tried in priority order (lower
 * first) and devices of equal priority take turns (round-robin): the
 * device that served an allocation goes to the end of its priority
 * group.
 *
 * A bad slot (a read failed there) stays allocated forever: freeing it
 * does nothing, so it is never handed out again.
 *
 * Reads: uvm_swap_getpages() reads a run of slots into pages with one
 * scatter read; a slot without a page (a hole: its page is resident and
 * needs no reading) is read with the others and discarded, so that the
 * run need not be split into several I/Os.  uvm_swap_pagein_cluster() is
 * the pagein of the fault handler and the aobj pager: the faulting page
 * plus the read-ahead neighbours its caller gathered (pages paged out to
 * the slots that continue its slot's run, trimmed by
 * uvm_swap_readahead() to one device and good slots, and by the adaptive
 * window of uvm_swap_rawindow()), in one I/O; a failed run is re-read a
 * page at a time to find the bad slots, and only the faulting page's
 * failure fails the fault.  Read-ahead pages wait on the inactive queue
 * marked PQ_READAHEAD; a use of one (uvm_swap_rahit) is a hit that
 * widens the next window.
 *
 * Counters: uvmexp.nswapdev, swpages (all slots of all devices),
 * swpgavail (slots of enabled devices), swpginuse (allocated slots,
 * bad ones included); pageins per read I/O, pgswapin per page read,
 * nswget per pagein asked for (read-ahead included), pgswapout per page
 * written; uvm_swap_nwrites counts write I/Os.
 *
 * Writes go straight from the pages (a vector of their kernel addresses,
 * kfile_strategy(9)); the pagedaemon's are asynchronous: uvm_swap_put()
 * without PGO_SYNCIO queues the write to the I/O engine and returns, and
 * the engine's completion (swap_aiodone, in an I/O thread or, in a
 * deterministic machine, in whoever drains the queue) hands the pages to
 * uvm_aio_aiodone_pages().
 *
 * Locking: swap_lock (a leaf below the owners' locks) protects the
 * device list, the bitmaps and the counters above (nswget excepted:
 * UVMEXP_INC).  The read-ahead window's state is a hint kept with
 * relaxed atomics.  I/O runs without it; swd_io counts I/Os in flight
 * (asynchronous ones until their completion has recorded the slots) so
 * SWAP_OFF can wait for them (swap_cv).
 * SWAP_OFF pages the device's contents back in with no swap lock held
 * (the amap and aobj layers walk their lists under their own locks);
 * clearing SWF_ENABLE first keeps new slots off the device meanwhile.
 */

#include "uvm_impl.h"
#include <uvm/uvm_swap.h>

struct swapdev {
	TAILQ_ENTRY(swapdev) swd_next;	/* s: in priority order */
	char		*swd_path;	/* c: as given to SWAP_ON */
	struct kfile	*swd_kf;	/* c: the backing file */
	dev_t		swd_dev;	/* c: a device number for swapent */
	int		swd_flags;	/* s: SWF_* */
	int		swd_priority;	/* s: lower is used first */
	int		swd_drumoffset;	/* c: first slot */
	int		swd_npages;	/* c: number of slots */
	int		swd_npginuse;	/* s: allocated slots (incl. bad) */
	int		swd_npgbad;	/* s: bad slots */
	int		swd_rotor;	/* s: next-fit start */
	int		swd_io;		/* s: I/Os in flight */
	uint64_t	*swd_used;	/* s: bit set: slot allocated */
	uint64_t	*swd_bad;	/* s: bit set: slot bad */
};

static kmutex_t swap_lock;
static kcondvar_t swap_cv;		/* an I/O finished */
static TAILQ_HEAD(, swapdev) swap_devs = TAILQ_HEAD_INITIALIZER(swap_devs);
static int swap_nextdrum;		/* s: next device's drum offset */
static dev_t swap_nextdev;		/* s: next device number */
unsigned long uvm_swap_nwrites;		/* s */
/* Read-ahead state (see uvm_swap_rawindow). */
static unsigned int swapra_hits;	/* a: used since the last window */
static int swapra_lastslot;		/* a: slot of the last pagein */
static int swapra_lastwin;		/* a: pages of the last pagein */

#define BITS		64
#define NWORDS(n)	(((size_t)(n) + BITS - 1) / BITS)
#define BIT_ISSET(m, i)	(((m)[(i) / BITS] >> ((i) % BITS)) & 1)
#define BIT_SET(m, i)	((m)[(i) / BITS] |= (uint64_t)1 << ((i) % BITS))
#define BIT_CLR(m, i)	((m)[(i) / BITS] &= ~((uint64_t)1 << ((i) % BITS)))

/*
 * uvm_swap_init: boot: no devices.
 */
void
uvm_swap_init(void)
{
	mutex_init(&swap_lock, MUTEX_DEFAULT, IPL_NONE);
	cv_init(&swap_cv, "swapio");
	TAILQ_INIT(&swap_devs);
	swap_nextdrum = 1;
	swap_nextdev = 1;
	uvm_swap_nwrites = 0;
	swapra_hits = 0;
	swapra_lastslot = 0;
	swapra_lastwin = 0;
}

static void
swapdev_destroy(struct swapdev *sdp)
{
	kfile_close(sdp->swd_kf);
	kmem_strfree(sdp->swd_path);
	kmem_free(sdp->swd_used, NWORDS(sdp->swd_npages) * sizeof(uint64_t));
	kmem_free(sdp->swd_bad, NWORDS(sdp->swd_npages) * sizeof(uint64_t));
	kmem_free(sdp, sizeof(*sdp));
}

/*
 * uvm_swap_fini: shutdown: close every device.  Whoever held slots is
 * gone by now.
 */
void
uvm_swap_fini(void)
{
	struct swapdev *sdp;

	while ((sdp = TAILQ_FIRST(&swap_devs)) != NULL) {
		TAILQ_REMOVE(&swap_devs, sdp, swd_next);
		KASSERT(sdp->swd_io == 0);
		swapdev_destroy(sdp);
	}
	cv_destroy(&swap_cv);
	mutex_destroy(&swap_lock);
}

/* Insert sdp after every device of priority <= its own. swap_lock held. */
static void
swapdev_insert(struct swapdev *sdp)
{
	struct swapdev *o;

	KASSERT(mutex_owned(&swap_lock));
	TAILQ_FOREACH(o, &swap_devs, swd_next) {
		if (o->swd_priority > sdp->swd_priority) {
			TAILQ_INSERT_BEFORE(o, sdp, swd_next);
			return;
		}
	}
	TAILQ_INSERT_TAIL(&swap_devs, sdp, swd_next);
}

static struct swapdev *
swapdev_bypath(const char *path)
{
	struct swapdev *sdp;

	KASSERT(mutex_owned(&swap_lock));
	TAILQ_FOREACH(sdp, &swap_devs, swd_next)
		if (strcmp(sdp->swd_path, path) == 0)
			return sdp;
	return NULL;
}

/* The device that owns slot. swap_lock held. */
static struct swapdev *
swapdev_byslot(int slot)
{
	struct swapdev *sdp;

	KASSERT(mutex_owned(&swap_lock));
	TAILQ_FOREACH(sdp, &swap_devs, swd_next)
		if (slot >= sdp->swd_drumoffset &&
		    slot < sdp->swd_drumoffset + sdp->swd_npages)
			return sdp;
	return NULL;
}

/*
 * uvm_swap_on: start swapping on the host file path, of size bytes
 * (0: the file's current size; otherwise the file is created if needed
 * and sized), at priority.
 *
 * => EINVAL: no path, or less than one page of swap; EBUSY: already on;
 *    the host error (ENOENT, EACCES, ...) if the file cannot be opened.
 */
int
uvm_swap_on(const char *path, off_t size, int priority)
{
	struct swapdev *sdp;
	struct kfile *kf;
	off_t fsize;
	int error, npages;

	if (path == NULL || path[0] == '\0' || size < 0 ||
	    strlen(path) > SWAP_PATH_MAX)
		return EINVAL;
	mutex_enter(&swap_lock);
	sdp = swapdev_bypath(path);
	mutex_exit(&swap_lock);
	if (sdp != NULL)
		return EBUSY;

	error = kfile_open(path, KF_READ | KF_WRITE |
	    (size != 0 ? KF_CREAT : 0), &kf);
	if (error)
		return error;
	if (size != 0)
		error = kfile_truncate(kf, size);
	if (error == 0)
		error = kfile_size(kf, &fsize);
	if (error) {
		kfile_close(kf);
		return error;
	}
	if (fsize / (off_t)PAGE_SIZE < 1 ||
	    fsize / (off_t)PAGE_SIZE > INT_MAX / 2) {
		kfile_close(kf);
		return EINVAL;
	}
	npages = (int)(fsize / (off_t)PAGE_SIZE);

	sdp = kmem_zalloc(sizeof(*sdp), KM_SLEEP);
	sdp->swd_path = kmem_strdup(path, KM_SLEEP);
	sdp->swd_kf = kf;
	sdp->swd_priority = priority;
	sdp->swd_npages = npages;
	sdp->swd_used = kmem_zalloc(NWORDS(npages) * sizeof(uint64_t),
	    KM_SLEEP);
	sdp->swd_bad = kmem_zalloc(NWORDS(npages) * sizeof(uint64_t),
	    KM_SLEEP);

	mutex_enter(&swap_lock);
	if (swapdev_bypath(path) != NULL || swap_nextdrum > INT_MAX - npages) {
		error = swapdev_bypath(path) != NULL ? EBUSY : ENOSPC;
		mutex_exit(&swap_lock);
		swapdev_destroy(sdp);
		return error;
	}
	sdp->swd_dev = swap_nextdev++;
	sdp->swd_drumoffset = swap_nextdrum;
	swap_nextdrum += npages;
	sdp->swd_flags = SWF_ENABLE;
	swapdev_insert(sdp);
	uvmexp.nswapdev++;
	uvmexp.swpages += npages;
	uvmexp.swpgavail += npages;
	mutex_exit(&swap_lock);
	return 0;
}

/*
 * swap_off: stop swapping on path.
 *
 * => the device stops taking new slots at once; then every anon and aobj
 *    page with a slot on it is read back into memory and its slot freed
 *    (amap_swap_off, uao_swap_off), I/O in flight is waited for, and the
 *    device is removed.  Bad slots go with it.
 * => when memory runs out on the way it waits for the pagedaemon, which
 *    pages out to the other devices and frees clean pages, as a fault
 *    does (uvm_wait_nomem).  Attempts go on while each brings pages in;
 *    SWAP_OFF_TRIES attempts in a row that bring none end it.
 * => ENXIO: no such device; EBUSY: already being switched off, or pages
 *    on it stayed busy (under pageout) through every attempt; ENOMEM: no
 *    memory for the pages and nothing reclaimable (or no attempt got
 *    any); EIO: a read failed (the slot is marked bad).
 *    On error the device is switched back on, with every page that could
 *    not be read still on it: nothing is lost.
 */
#define SWAP_OFF_TRIES	8
static int
swap_off(const char *path)
{
	struct swapdev *sdp;
	int error = 0, start, end, n, left = -1, tries = 0, stall = EBUSY;

	if (path == NULL)
		return EINVAL;
	mutex_enter(&swap_lock);
	sdp = swapdev_bypath(path);
	if (sdp == NULL) {
		mutex_exit(&swap_lock);
		return ENXIO;
	}
	if ((sdp->swd_flags & SWF_ENABLE) == 0) {
		mutex_exit(&swap_lock);
		return EBUSY;		/* another SWAP_OFF is at work */
	}
	/* No new allocations from here on. */
	sdp->swd_flags &= ~SWF_ENABLE;
	uvmexp.swpgavail -= sdp->swd_npages;
	start = sdp->swd_drumoffset;
	end = start + sdp->swd_npages;

	for (;;) {
		/*
		 * Wait for I/O in flight (pageouts to slots it gave); a
		 * deterministic machine completes them here.
		 */
		if (bio_deferred()) {
			mutex_exit(&swap_lock);
			(void)biodrain();
			mutex_enter(&swap_lock);
		}
		while (sdp->swd_io != 0)
			cv_wait(&swap_cv, &swap_lock);
		n = sdp->swd_npginuse - sdp->swd_npgbad;
		if (n == 0) {
			error = 0;
			break;
		}
		/* An attempt that brought pages in starts the count again. */
		if (left < 0 || n < left)
			tries = 0;
		else if (++tries > SWAP_OFF_TRIES) {
			error = stall;
			break;
		}
		left = n;
		mutex_exit(&swap_lock);
		if (tries > 0)
			kpause("swapoff", false, 1, NULL);
		error = amap_swap_off(start, end);
		if (error == 0 || error == EBUSY) {
			int e = uao_swap_off(start, end);

			if (e != 0 && e != EBUSY)
				error = e;
			else if (error == 0)
				error = e;
		}
		stall = EBUSY;
		if (error == ENOMEM) {
			/*
			 * Memory is full: as a fault would, wait for the
			 * pagedaemon to make room (paging out to the other
			 * devices, freeing clean pages) and go on; give up
			 * only when nothing is reclaimable.
			 */
			error = uvm_wait_nomem("swapoff");
			stall = ENOMEM;
		}
		mutex_enter(&swap_lock);
		if (error != 0 && error != EBUSY)
			break;
	}
	if (error != 0) {
		/* Back on, with whatever is still on it. */
		sdp->swd_flags |= SWF_ENABLE;
		uvmexp.swpgavail += sdp->swd_npages;
		mutex_exit(&swap_lock);
		return error;
	}
	TAILQ_REMOVE(&swap_devs, sdp, swd_next);
	uvmexp.nswapdev--;
	uvmexp.swpages -= sdp->swd_npages;
	uvmexp.swpginuse -= sdp->swd_npginuse;	/* the bad slots */
	mutex_exit(&swap_lock);
	swapdev_destroy(sdp);
	return 0;
}

/*
 * uvm_swap_stats: SWAP_STATS and SWAP_OSTATS of swapctl(2): copy no
 * more than sec entries into sep (an array of struct oswapent for
 * SWAP_OSTATS); *retval gets the number copied.
 */
void
uvm_swap_stats(int cmd, struct swapent *sep, int sec, register_t *retval)
{
	struct oswapent *osep = (struct oswapent *)(void *)sep;
	struct swapdev *sdp;
	int n = 0;

	KASSERT(cmd == SWAP_STATS || cmd == SWAP_OSTATS);
	mutex_enter(&swap_lock);
	TAILQ_FOREACH(sdp, &swap_devs, swd_next) {
		int blks = (int)(PAGE_SIZE / DEV_BSIZE);

		if (n >= sec)
			break;
		if (cmd == SWAP_OSTATS) {
			osep[n].ose_dev = sdp->swd_dev;
			osep[n].ose_flags = sdp->swd_flags;
			osep[n].ose_nblks = sdp->swd_npages * blks;
			osep[n].ose_inuse = sdp->swd_npginuse * blks;
			osep[n].ose_priority = sdp->swd_priority;
		} else {
			sep[n].se_dev = sdp->swd_dev;
			sep[n].se_flags = sdp->swd_flags;
			sep[n].se_nblks = sdp->swd_npages * blks;
			sep[n].se_inuse = sdp->swd_npginuse * blks;
			sep[n].se_priority = sdp->swd_priority;
			/* SWAP_ON checked it fits. */
			memcpy(sep[n].se_path, sdp->swd_path,
			    strlen(sdp->swd_path) + 1);
		}
		n++;
	}
	mutex_exit(&swap_lock);
	*retval = n;
}

/*
 * uvm_swapctl: the swapctl(2) system call's work.
 */
int
uvm_swapctl(int cmd, void *arg, int misc, register_t *retval)
{
	struct swapdev *sdp;

	*retval = 0;
	switch (cmd) {
	case SWAP_NSWAP:
		mutex_enter(&swap_lock);
		*retval = uvmexp.nswapdev;
		mutex_exit(&swap_lock);
		return 0;
	case SWAP_STATS:
	case SWAP_OSTATS:
		if (misc < 0 || (arg == NULL && misc > 0))
			return EINVAL;
		uvm_swap_stats(cmd, arg, misc, retval);
		return 0;
	case SWAP_ON:
		return uvm_swap_on(arg, 0, misc);
	case SWAP_OFF:
		return swap_off(arg);
	case SWAP_CTL:
		if (arg == NULL)
			return EINVAL;
		mutex_enter(&swap_lock);
		sdp = swapdev_bypath(arg);
		if (sdp == NULL) {
			mutex_exit(&swap_lock);
			return ENXIO;
		}
		TAILQ_REMOVE(&swap_devs, sdp, swd_next);
		sdp->swd_priority = misc;
		swapdev_insert(sdp);
		mutex_exit(&swap_lock);
		return 0;
	default:
		return EINVAL;
	}
}

/*
 * The first index in [i, end) whose bit in m is set (set) or clear
 * (!set), or end: a word at a time.
 */
static int
bitmap_find(const uint64_t *m, int i, int end, bool set)
{
	while (i < end) {
		uint64_t w = m[i / BITS];

		if (!set)
			w = ~w;
		w &= ~(uint64_t)0 << (i % BITS);
		if (w != 0)
			return MIN(end, (i & ~(BITS - 1)) + __builtin_ctzll(w));
		i = (i & ~(BITS - 1)) + BITS;
	}
	return end;
}

/*
 * Runs of at least SWAP_ALIGNMIN slots (the pagedaemon's clusters) start
 * at a multiple of the largest power of two not above their length, at
 * most SWAP_ALIGNMAX, when such a place is free: the write of a cluster
 * then covers whole aligned blocks of the host file, which the host's
 * page cache takes in large folios (on this project's Linux hosts a
 * 256 KiB pwrite at a 256 KiB boundary of a new file ran about a third
 * faster than one a page off).  Smaller runs, and runs that find no
 * aligned place, are placed anywhere (next fit).
 */
#define SWAP_ALIGNMIN	16
#define SWAP_ALIGNMAX	64

/* The alignment, in slots, a run of n slots is first looked for at. */
static int
swapdev_runalign(int n)
{
	int align = 1;

	if (n < SWAP_ALIGNMIN)
		return 1;
	while (align * 2 <= n && align < SWAP_ALIGNMAX)
		align *= 2;
	return align;
}

/*
 * swapdev_findrun: first run of n free slots starting at a multiple of
 * align, at or after the rotor (next fit), else from the start.  -1 if
 * none.  Free runs are found a bitmap word at a time (the next clear
 * bit, then the next set one), so a scan costs the words it passes, not
 * the slots.
 */
static int
swapdev_findrun_align(struct swapdev *sdp, int n, int align)
{
	int npages = sdp->swd_npages;

	for (int pass = 0; pass < 2; pass++) {
		int i = pass == 0 ? sdp->swd_rotor : 0;

		while (i + n <= npages) {
			int j;

			i = bitmap_find(sdp->swd_used, i, npages, false);
			i = roundup(i, align);
			if (i + n > npages)
				break;
			j = bitmap_find(sdp->swd_used, i, i + n, true);
			if (j == i + n)
				return i;
			i = j;
		}
	}
	return -1;
}

/*
 * swapdev_findrun: a run of n free slots (see SWAP_ALIGNMIN), -1 if
 * none.
 */
static int
swapdev_findrun(struct swapdev *sdp, int n)
{
	int align = swapdev_runalign(n), bit;

	if (align > 1 && (bit = swapdev_findrun_align(sdp, n, align)) >= 0)
		return bit;
	return swapdev_findrun_align(sdp, n, 1);
}

/*
 * uvm_swap_alloc: allocate *nslots contiguous slots.
 *
 * => with lessok, fewer may be returned (halving until a run fits);
 *    *nslots is set to the number allocated.
 * => returns the first slot, or 0 if there is no room.
 */
int
uvm_swap_alloc(int *nslots, bool lessok)
{
	struct swapdev *sdp, *o;
	int n = *nslots;

	KASSERT(n > 0);
	mutex_enter(&swap_lock);
	for (; n > 0; n = lessok ? n / 2 : 0) {
		TAILQ_FOREACH(sdp, &swap_devs, swd_next) {
			int bit;

			if ((sdp->swd_flags & SWF_ENABLE) == 0 ||
			    sdp->swd_npages - sdp->swd_npginuse < n)
				continue;
			bit = swapdev_findrun(sdp, n);
			if (bit < 0)
				continue;
			for (int i = bit; i < bit + n; i++)
				BIT_SET(sdp->swd_used, i);
			sdp->swd_npginuse += n;
			sdp->swd_flags |= SWF_INUSE;
			sdp->swd_rotor = (bit + n) % sdp->swd_npages;
			uvmexp.swpginuse += n;
			/* Round-robin: to the end of its priority group. */
			o = TAILQ_NEXT(sdp, swd_next);
			if (o != NULL && o->swd_priority == sdp->swd_priority) {
				TAILQ_REMOVE(&swap_devs, sdp, swd_next);
				swapdev_insert(sdp);
			}
			mutex_exit(&swap_lock);
			*nslots = n;
			return sdp->swd_drumoffset + bit;
		}
	}
	mutex_exit(&swap_lock);
	return 0;
}

/*
 * uvm_swap_free: free slots [startslot, startslot + nslots); bad slots
 * among them stay allocated.
 */
void
uvm_swap_free(int startslot, int nslots)
{
	struct swapdev *sdp;

	if (startslot == 0 || nslots == 0)
		return;
	mutex_enter(&swap_lock);
	sdp = swapdev_byslot(startslot);
	KASSERTMSG(sdp != NULL, "uvm_swap_free: slot %d is on no device",
	    startslot);
	KASSERT(startslot + nslots <= sdp->swd_drumoffset + sdp->swd_npages);
	for (int i = startslot - sdp->swd_drumoffset;
	    i < startslot - sdp->swd_drumoffset + nslots; i++) {
		KASSERTMSG(BIT_ISSET(sdp->swd_used, i),
		    "uvm_swap_free: slot %d is free", sdp->swd_drumoffset + i);
		if (BIT_ISSET(sdp->swd_bad, i))
			continue;
		BIT_CLR(sdp->swd_used, i);
		sdp->swd_npginuse--;
		uvmexp.swpginuse--;
	}
	mutex_exit(&swap_lock);
}

/*
 * uvm_swap_markbad: slots [startslot, startslot + nslots), allocated by
 * the caller, are bad: they will never be freed or handed out again.
 */
void
uvm_swap_markbad(int startslot, int nslots)
{
	struct swapdev *sdp;

	mutex_enter(&swap_lock);
	sdp = swapdev_byslot(startslot);
	KASSERT(sdp != NULL);
	for (int i = startslot - sdp->swd_drumoffset;
	    i < startslot - sdp->swd_drumoffset + nslots; i++) {
		KASSERT(BIT_ISSET(sdp->swd_used, i));
		if (!BIT_ISSET(sdp->swd_bad, i)) {
			BIT_SET(sdp->swd_bad, i);
			sdp->swd_npgbad++;
		}
	}
	mutex_exit(&swap_lock);
	kprintf("swap: %d slot(s) at %d on %s marked bad\n", nslots,
	    startslot, sdp->swd_path);
}

bool
uvm_swap_isbad(int slot)
{
	struct swapdev *sdp;
	bool bad;

	mutex_enter(&swap_lock);
	sdp = swapdev_byslot(slot);
	bad = sdp != NULL && BIT_ISSET(sdp->swd_bad, slot - sdp->swd_drumoffset);
	mutex_exit(&swap_lock);
	return bad;
}

/* Start an I/O on the device of [slot, slot + n): its file and offset. */
static struct swapdev *
swap_io_begin(int slot, int n, off_t *offp)
{
	struct swapdev *sdp;

	mutex_enter(&swap_lock);
	sdp = swapdev_byslot(slot);
	KASSERTMSG(sdp != NULL, "swap I/O: slot %d is on no device", slot);
	KASSERT(slot + n <= sdp->swd_drumoffset + sdp->swd_npages);
	sdp->swd_io++;
	sdp->swd_flags |= SWF_BUSY;
	mutex_exit(&swap_lock);
	*offp = (off_t)(slot - sdp->swd_drumoffset) * (off_t)PAGE_SIZE;
	return sdp;
}

static void
swap_io_end(struct swapdev *sdp)
{
	mutex_enter(&swap_lock);
	if (--sdp->swd_io == 0) {
		sdp->swd_flags &= ~SWF_BUSY;
		cv_broadcast(&swap_cv);
	}
	mutex_exit(&swap_lock);
}

/*
 * uvm_swap_getpages: read slots [swslot, swslot + npages), one run on
 * one device, into pps[0..npages) (busy, owned by the caller) with one
 * I/O.  A NULL entry is a hole: that slot is read and its bytes are
 * discarded (so one I/O can go on past a page that needs no reading).
 *
 * => 0 or EIO; the caller decides whether to mark slots bad.  The read
 *    completes before returning.
 * => a read counts one pagein, and one pgswapin per page (holes are
 *    not pages read in).
 */
int
uvm_swap_getpages(struct vm_page **pps, int swslot, int npages, int flags)
{
	struct iovec iov[UVM_SWAP_MAXREAD];
	struct swapdev *sdp;
	off_t off;
	int error, nread = 0;

	(void)flags;		/* reads are synchronous */
	KASSERT(swslot > 0);
	KASSERT(npages > 0 && npages <= UVM_SWAP_MAXREAD);
	for (int i = 0; i < npages; i++) {
		if (pps[i] == NULL) {
			iov[i].iov_base = NULL;
		} else {
			KASSERT(pps[i]->flags & PG_BUSY);
			iov[i].iov_base = uvm_page_kva(pps[i]);
			nread++;
		}
		iov[i].iov_len = PAGE_SIZE;
	}
	KASSERT(nread > 0);
	sdp = swap_io_begin(swslot, npages, &off);
	error = kfile_readv(sdp->swd_kf, iov, npages, off);
	mutex_enter(&swap_lock);
	if (--sdp->swd_io == 0) {
		sdp->swd_flags &= ~SWF_BUSY;
		cv_broadcast(&swap_cv);
	}
	if (error == 0) {
		uvmexp.pageins++;
		uvmexp.pgswapin += nread;
	}
	mutex_exit(&swap_lock);
	return error ? EIO : 0;
}

/*
 * uvm_swap_get: read the page at swswlot into pg (busy, owned by the
 * caller): uvm_swap_getpages() of one page.
 */
int
uvm_swap_get(struct vm_page *pg, int swslot, int flags)
{
	return uvm_swap_getpages(&pg, swslot, 1, flags);
}

/*
 * uvm_swap_readahead: of the *nbackp slots just before swslot and the
 * *nforwp just after it, trim both to the ones that can be read with
 * swslot in one I/O: on swslot's device, allocated and not bad (the run
 * stops at the first that is not).
 *
 * => swslot is allocated.  The slots' owners are locked by the caller,
 *    so an allocated slot stays so.
 */
void
uvm_swap_readahead(int swslot, int *nbackp, int *nforwp)
{
	struct swapdev *sdp;
	int b, f, i;

	KASSERT(swslot > 0 && *nbackp >= 0 && *nforwp >= 0);
	mutex_enter(&swap_lock);
	sdp = swapdev_byslot(swslot);
	KASSERT(sdp != NULL);
	i = swslot - sdp->swd_drumoffset;
	for (b = 0; b < *nbackp && i - b - 1 >= 0 &&
	    BIT_ISSET(sdp->swd_used, i - b - 1) &&
	    !BIT_ISSET(sdp->swd_bad, i - b - 1); b++)
		continue;
	for (f = 0; f < *nforwp && i + f + 1 < sdp->swd_npages &&
	    BIT_ISSET(sdp->swd_used, i + f + 1) &&
	    !BIT_ISSET(sdp->swd_bad, i + f + 1); f++)
		continue;
	mutex_exit(&swap_lock);
	*nbackp = b;
	*nforwp = f;
}

/*
 * Swap read-ahead adapts to its use, as Linux's swap read-ahead does: a
 * pager that finds a read-ahead page (PQ_READAHEAD, not yet used)
 * counts a hit (uvm_swap_rahit); the next read-ahead reads about hits
 * + 2 pages (a power of two, at most the caller's window), just one
 * when nothing was used and the slot does not follow the last one read.
 * A pagein whose slot is past the last one's and within twice its
 * window continues a sequential read: its window is at least twice the
 * last (pages of the last window that were resident already, or that no
 * page was free for, or that the fault handler mapped at once, were
 * used but counted no hit; resident pages just after the window were
 * skipped without a pagein), so a sweep's
 * window grows to the whole read-ahead and keeps it, while a random
 * access that happened to hit a read-ahead page gets a small window
 * once (uvm_swap_rawindow).  The state is global and approximate
 * (relaxed atomics, no lock): it is a hint.
 */

/*
 * uvm_swap_rahit: pg, a swap-backed page, is being used: if it was read
 * ahead, that is a hit.
 *
 * => pg's owner locked; uvm_pageqlock may be held (it is taken if not).
 */
void
uvm_swap_rahit(struct vm_page *pg)
{
	bool taken;

	if (__predict_false(pg->pqflags & PQ_READAHEAD)) {
		taken = uvm_lock_unless_owned(&uvm_pageqlock);
		pg->pqflags &= (uint16_t)~PQ_READAHEAD;
		uvm_unlock_taken(&uvm_pageqlock, taken);
		atomic_inc_uint(&swapra_hits);
	}
}

/*
 * uvm_swap_rawindow: how many pages (the one at slot included, at most
 * max >= 1) a pagein of slot should read.
 */
int
uvm_swap_rawindow(int slot, int max)
{
	unsigned int hits = __atomic_exchange_n(&swapra_hits, 0,
	    __ATOMIC_RELAXED);
	int last = atomic_load_relaxed(&swapra_lastslot);
	int lastwin = atomic_load_relaxed(&swapra_lastwin);
	int win;

	KASSERT(max >= 1);
	if (hits == 0)
		win = slot == last + 1 || slot == last - 1 ? 2 : 1;
	else
		for (win = 1; win < (int)MIN(hits + 2, 1024); win <<= 1)
			continue;
	if (slot > last && slot <= last + 2 * lastwin)
		win = MAX(win, 2 * lastwin);	/* sequential: it doubles */
	win = MIN(win, max);
	atomic_store_relaxed(&swapra_lastslot, slot);
	atomic_store_relaxed(&swapra_lastwin, win);
	return win;
}

/*
 * uvm_swap_raqueue: the read-ahead pages read in, pps[i] for i <
 * npages but not center (busy, owner locked; NULL entries skipped), go
 * to the inactive queue marked PQ_READAHEAD (under one hold of
 * uvm_pageqlock) and are unbusied.
 */
void
uvm_swap_raqueue(struct vm_page **pps, int npages, int center)
{
	int i;

	for (i = 0; i < npages && (i == center || pps[i] == NULL); i++)
		continue;
	if (i == npages)
		return;		/* nothing read ahead */
	mutex_enter(&uvm_pageqlock);
	for (; i < npages; i++) {
		if (i == center || pps[i] == NULL)
			continue;
		uvm_pagedeactivate(pps[i]);
		pps[i]->pqflags |= PQ_READAHEAD;
	}
	mutex_exit(&uvm_pageqlock);
	for (i = 0; i < npages; i++)
		if (i != center && pps[i] != NULL)
			uvm_pageunbusy(pps[i]);
}

/*
 * uvm_swap_pagein_cluster: page in pps[center] from swslot and, in the
 * same I/O, its read-ahead neighbours pps[i] from slots swslot + i -
 * center (the caller checked that they are those pages' slots and
 * trimmed the run with uvm_swap_readahead()).  A NULL neighbour is a
 * hole: its slot (allocated) is read and the bytes discarded.
 *
 * => pps[0..npages) are pages just allocated for their owners, busy,
 *    with the owners locked, or NULL (not pps[center]).
 * => 0: pps[center] holds its bytes; a neighbour whose bytes could not
 *    be read was freed and its pps[] entry set to NULL.  EIO: the
 *    centre page could not be read (its slot is marked bad and stays
 *    its owner's; the caller frees pps[center]); every neighbour was
 *    freed and set to NULL.
 * => a failed run is read again a page at a time, the centre first: a
 *    page whose own read fails has its slot marked bad (as a fault on
 *    it would have); neighbours are not tried if the centre failed.
 * => pages read have state "unknown" (the pmap tells if they are
 *    modified) and each lowers swpgonly by one.  Counts one nswget.
 */
int
uvm_swap_pagein_cluster(struct vm_page **pps, int npages, int center,
    int swslot)
{
	int error, first = swslot - center;

	KASSERT(npages > 0 && center >= 0 && center < npages);
	KASSERT(swslot > 0 && first > 0 && pps[center] != NULL);
	UVMEXP_INC(nswget);
	if (uvm_swap_isbad(swslot))
		error = EIO;
	else
		error = uvm_swap_getpages(pps, first, npages, PGO_SYNCIO);
	if (error != 0 && npages > 1 && !uvm_swap_isbad(swslot)) {
		/* Which pages failed?  The centre decides the fault. */
		error = uvm_swap_getpages(&pps[center], swslot, 1,
		    PGO_SYNCIO);
		if (error != 0)
			uvm_swap_markbad(swslot, 1);
		for (int i = 0; i < npages; i++) {
			if (i == center || pps[i] == NULL)
				continue;
			if (error == 0 && uvm_swap_getpages(&pps[i], first + i,
			    1, PGO_SYNCIO) == 0)
				continue;
			if (error == 0)
				uvm_swap_markbad(first + i, 1);
			uvm_pagefree(pps[i]);
			pps[i] = NULL;
		}
	} else if (error != 0) {
		if (!uvm_swap_isbad(swslot))
			uvm_swap_markbad(swslot, 1);
		for (int i = 0; i < npages; i++) {
			if (i != center && pps[i] != NULL) {
				uvm_pagefree(pps[i]);
				pps[i] = NULL;
			}
		}
	}
	if (error != 0)
		return EIO;
	for (int i = 0; i < npages; i++) {
		if (pps[i] == NULL)
			continue;
		/* Same bytes as the slot, but may be mapped writable. */
		pps[i]->flags &= (uint16_t)~(PG_FAKE | PG_CLEAN | PG_DIRTY);
		uvmpd_swpgonly(-1);
	}
	return 0;
}

/*
 * uvm_swap_pagein: read pg (just allocated for its owner, busy, owner
 * locked) from slot: uvm_swap_pagein_cluster() of one page.
 */
int
uvm_swap_pagein(struct vm_page *pg, int slot)
{
	return uvm_swap_pagein_cluster(&pg, 1, 0, slot);
}

/*
 * An asynchronous write in flight: the device (its swd_io holds it), the
 * run of slots, the pages.
 */
struct swap_aio {
	struct swapdev	*sa_sdp;
	int		sa_slot;
	int		sa_npages;
	struct vm_page	*sa_pgs[];
};

static size_t
swap_aio_size(int npages)
{
	return sizeof(struct swap_aio) + (size_t)npages * sizeof(struct vm_page *);
}

/* A write ended: count it, then count the pages written. swap_lock free. */
static void
swap_write_done(int npages, int error)
{
	mutex_enter(&swap_lock);
	uvm_swap_nwrites++;
	if (error == 0)
		uvmexp.pgswapout += npages;
	mutex_exit(&swap_lock);
}

/*
 * swap_aiodone: b_iodone of an asynchronous pageout: the pages' owners
 * learn the outcome (uvm_aio_aiodone_pages), then the device's I/O ends
 * (so SWAP_OFF, waiting for it, sees the slots owned).
 */
static void
swap_aiodone(struct buf *bp)
{
	struct swap_aio *sa = bp->b_private;
	int error = bp->b_error != 0 ? EIO : 0;

	swap_write_done(sa->sa_npages, error);
	uvm_aio_aiodone_pages(sa->sa_pgs, sa->sa_npages, sa->sa_slot, error);
	swap_io_end(sa->sa_sdp);
	kmem_free(sa, swap_aio_size(sa->sa_npages));
	putiobuf(bp);
}

/*
 * uvm_swap_put: write npages pages to slots [swslot, swslot + npages),
 * which uvm_swap_alloc() returned as one run: one write I/O, straight
 * from the pages (no copy).
 *
 * => pages PG_BUSY.
 * => PGO_SYNCIO: the write completes before returning; 0 or EIO.
 * => otherwise the write is queued to the I/O engine and 0 returned at
 *    once; the pages must be under pageout (PG_PAGEOUT) and the caller
 *    must hold none of their owners' locks: the completion
 *    (uvm_aio_aiodone_pages) takes them, records the slots or marks the
 *    run bad, and frees or unbusies the pages.
 */
int
uvm_swap_put(int swslot, struct vm_page **pps, int npages, int flags)
{
	struct swapdev *sdp;
	struct swap_aio *sa;
	struct buf *bp;
	off_t off;
	int error;

	KASSERT(swslot > 0 && npages > 0);
	sdp = swap_io_begin(swslot, npages, &off);
	bp = getiobuf(sdp->swd_kf, npages);
	bp->b_flags = B_WRITE;
	bp->b_offset = off;
	for (int i = 0; i < npages; i++) {
		KASSERT(pps[i]->flags & PG_BUSY);
		bio_addseg(bp, uvm_page_kva(pps[i]), PAGE_SIZE);
	}
	if ((flags & PGO_SYNCIO) == 0) {
		sa = kmem_alloc(swap_aio_size(npages), KM_SLEEP);
		sa->sa_sdp = sdp;
		sa->sa_slot = swslot;
		sa->sa_npages = npages;
		for (int i = 0; i < npages; i++) {
			KASSERT(pps[i]->flags & PG_PAGEOUT);
			sa->sa_pgs[i] = pps[i];
		}
		bp->b_flags |= B_ASYNC;
		bp->b_iodone = swap_aiodone;
		bp->b_private = sa;
		kfile_strategy(bp);
		return 0;
	}
	kfile_strategy(bp);
	error = biowait(bp);
	putiobuf(bp);
	swap_io_end(sdp);
	swap_write_done(npages, error);
	return error ? EIO : 0;
}

static int
popcount_map(const uint64_t *m, int nbits)
{
	int n = 0;

	for (size_t w = 0; w < NWORDS(nbits); w++)
		n += __builtin_popcountll(m[w]);
	return n;
}

/*
 * uvm_swap_check: every device's counts equal its bitmaps, bad slots are
 * allocated, and the uvmexp totals equal the sums over devices.
 */
const char *
uvm_swap_check(void)
{
	struct swapdev *sdp;
	int pages = 0, avail = 0, inuse = 0, ndev = 0;
	const char *why = NULL;

	mutex_enter(&swap_lock);
	TAILQ_FOREACH(sdp, &swap_devs, swd_next) {
		ndev++;
		pages += sdp->swd_npages;
		if (sdp->swd_flags & SWF_ENABLE)
			avail += sdp->swd_npages;
		inuse += sdp->swd_npginuse;
		if (popcount_map(sdp->swd_used, sdp->swd_npages) !=
		    sdp->swd_npginuse)
			why = "swap: a device's slots in use differ from its bitmap";
		else if (popcount_map(sdp->swd_bad, sdp->swd_npages) !=
		    sdp->swd_npgbad)
			why = "swap: a device's bad slots differ from its bitmap";
		for (size_t w = 0; why == NULL &&
		    w < NWORDS(sdp->swd_npages); w++)
			if (sdp->swd_bad[w] & ~sdp->swd_used[w])
				why = "swap: a bad slot is free";
		if (TAILQ_NEXT(sdp, swd_next) != NULL &&
		    TAILQ_NEXT(sdp, swd_next)->swd_priority < sdp->swd_priority)
			why = "swap: devices are not in priority order";
		if (why != NULL)
			break;
	}
	if (why == NULL && (ndev != uvmexp.nswapdev ||
	    pages != uvmexp.swpages || avail != uvmexp.swpgavail ||
	    inuse != uvmexp.swpginuse))
		why = "swap: uvmexp totals differ from the devices'";
	mutex_exit(&swap_lock);
	return why;
}

/* uvm_swap_slot_inuse: is slot allocated (bad slots are)? */
bool
uvm_swap_slot_inuse(int slot)
{
	struct swapdev *sdp;
	bool inuse;

	mutex_enter(&swap_lock);
	sdp = swapdev_byslot(slot);
	inuse = sdp != NULL &&
	    BIT_ISSET(sdp->swd_used, slot - sdp->swd_drumoffset);
	mutex_exit(&swap_lock);
	return inuse;
}

/* uvm_swap_nbad: bad slots on all devices. */
int
uvm_swap_nbad(void)
{
	struct swapdev *sdp;
	int n = 0;

	mutex_enter(&swap_lock);
	TAILQ_FOREACH(sdp, &swap_devs, swd_next)
		n += sdp->swd_npgbad;
	mutex_exit(&swap_lock);
	return n;
}
