/*
 * t_kern: the hosted kernel environment (src/kern): kmem, pools, locks,
 * wait channels, kthreads, the clock and callouts, uiomove, host files,
 * the physical memory arena, fault injection, panics.
 */
#include "h_machine.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

ATF_TC_WITHOUT_HEAD(kmem_counts_bytes_in_use);
ATF_TC_BODY(kmem_counts_bytes_in_use, tc)
{
	size_t before;
	char *p, *z;

	kern_init();
	before = kmem_inuse();
	p = kmem_alloc(100, KM_SLEEP);
	z = kmem_zalloc(300, KM_SLEEP);
	ATF_CHECK_EQ(kmem_inuse(), before + 400);
	for (int i = 0; i < 300; i++)
		ATF_REQUIRE_EQ(z[i], 0);
	kmem_free(p, 100);
	kmem_free(z, 300);
	ATF_CHECK_EQ(kmem_inuse(), before);
	kern_fini();
}

ATF_TC_WITHOUT_HEAD(kmem_fault_injection_fails_nth_nosleep_only);
ATF_TC_BODY(kmem_fault_injection_fails_nth_nosleep_only, tc)
{
	void *p[6];

	kern_init();
	kern_fault_set(KFI_KMEM, 2, 2);		/* calls 2, 4, 6 ... fail */
	for (int i = 0; i < 6; i++)
		p[i] = kmem_alloc(8, KM_NOSLEEP);
	ATF_CHECK(p[0] != NULL);
	ATF_CHECK(p[1] == NULL);
	ATF_CHECK(p[2] != NULL);
	ATF_CHECK(p[3] == NULL);
	ATF_CHECK(p[4] != NULL);
	ATF_CHECK(p[5] == NULL);
	ATF_CHECK_EQ(kern_fault_hits(KFI_KMEM), 3);
	/* KM_SLEEP never fails. */
	void *q = kmem_alloc(8, KM_SLEEP);
	ATF_CHECK(q != NULL);
	kmem_free(q, 8);
	for (int i = 0; i < 6; i += 2)
		kmem_free(p[i], 8);
	kern_fault_clear();
	ATF_CHECK(kern_fault_armed == 0);
	kern_fini();
}

ATF_TC_WITHOUT_HEAD(pool_reuses_freed_objects_and_zeroes);
ATF_TC_BODY(pool_reuses_freed_objects_and_zeroes, tc)
{
	struct pool pp;
	char *a, *b;

	kern_init();
	pool_init(&pp, 40, 0, 0, 0, "testpl", NULL, IPL_NONE);
	a = pool_get(&pp, PR_WAITOK);
	memset(a, 0xaa, 40);
	pool_put(&pp, a);
	ATF_CHECK_EQ(pp.pr_nfree, 1);
	b = pool_get(&pp, PR_WAITOK | PR_ZERO);
	ATF_CHECK_EQ(a, b);			/* reused */
	for (int i = 0; i < 40; i++)
		ATF_REQUIRE_EQ(b[i], 0);
	ATF_CHECK_EQ(pp.pr_nout, 1);
	kern_fault_set(KFI_POOL, 1, 0);
	ATF_CHECK(pool_get(&pp, PR_NOWAIT) == NULL);
	ATF_CHECK_EQ(pp.pr_nfail, 1);
	ATF_CHECK_EQ(pp.pr_nout, 1);
	kern_fault_clear();
	pool_put(&pp, b);
	pool_destroy(&pp);
	kern_fini();
}

ATF_TC_WITHOUT_HEAD(mutex_tracks_owner);
ATF_TC_BODY(mutex_tracks_owner, tc)
{
	kmutex_t m, *mo;

	kern_init();
	mutex_init(&m, MUTEX_DEFAULT, IPL_NONE);
	ATF_CHECK(!mutex_owned(&m));
	mutex_enter(&m);
	ATF_CHECK(mutex_owned(&m));
	mutex_exit(&m);
	ATF_CHECK(mutex_tryenter(&m));
	ATF_CHECK(mutex_owned(&m));
	mutex_exit(&m);
	mutex_destroy(&m);

	mo = mutex_obj_alloc(MUTEX_DEFAULT, IPL_NONE);
	mutex_obj_hold(mo);
	ATF_CHECK(!mutex_obj_free(mo));
	ATF_CHECK(mutex_obj_free(mo));
	kern_fini();
}

ATF_TC_WITHOUT_HEAD(mutex_exit_by_non_owner_panics);
ATF_TC_BODY(mutex_exit_by_non_owner_panics, tc)
{
	kmutex_t m;

	kern_init();
	mutex_init(&m, MUTEX_DEFAULT, IPL_NONE);
	ATF_CHECK(H_PANICS(mutex_exit(&m)));
	ATF_CHECK(strstr(h_panic_msg, "not owner") != NULL);
	kern_fini();
}

ATF_TC_WITHOUT_HEAD(rwlock_readers_share_writer_excludes);
ATF_TC_BODY(rwlock_readers_share_writer_excludes, tc)
{
	krwlock_t rw;

	kern_init();
	rw_init(&rw);
	rw_enter(&rw, RW_READER);
	ATF_CHECK(rw_tryenter(&rw, RW_READER));		/* two readers */
	ATF_CHECK(!rw_tryenter(&rw, RW_WRITER));
	ATF_CHECK(rw_read_held(&rw));
	ATF_CHECK(!rw_write_held(&rw));
	ATF_CHECK(!rw_tryupgrade(&rw));			/* not alone */
	rw_exit(&rw);
	ATF_CHECK(rw_tryupgrade(&rw));			/* alone now */
	ATF_CHECK(rw_write_held(&rw));
	ATF_CHECK(!rw_tryenter(&rw, RW_READER));
	rw_downgrade(&rw);
	ATF_CHECK(!rw_write_held(&rw));
	ATF_CHECK(rw_read_held(&rw));
	rw_exit(&rw);
	ATF_CHECK(!rw_lock_held(&rw));
	rw_destroy(&rw);
	kern_fini();
}

static kmutex_t sl_mtx;
static int sl_flag;

static void
sl_waker(void *arg)
{
	kpause("wait", false, 2, NULL);
	mutex_enter(&sl_mtx);
	sl_flag = 1;
	mutex_exit(&sl_mtx);
	wakeup(&sl_flag);
}

ATF_TC_WITHOUT_HEAD(mtsleep_wakes_on_channel_and_times_out);
ATF_TC_BODY(mtsleep_wakes_on_channel_and_times_out, tc)
{
	struct lwp *l;

	kern_init();
	mutex_init(&sl_mtx, MUTEX_DEFAULT, IPL_NONE);
	mutex_enter(&sl_mtx);
	ATF_CHECK_EQ(mtsleep(&sl_flag, "tmo", 1, &sl_mtx), EWOULDBLOCK);
	ATF_CHECK(mutex_owned(&sl_mtx));
	ATF_REQUIRE_EQ(kthread_create(PRI_NONE, KTHREAD_MUSTJOIN, NULL,
	    sl_waker, NULL, &l, "waker"), 0);
	while (sl_flag == 0)
		(void)mtsleep(&sl_flag, "wait", 0, &sl_mtx);
	ATF_CHECK_EQ(sl_flag, 1);
	mutex_exit(&sl_mtx);
	ATF_CHECK_EQ(kthread_join(l), 0);
	mutex_destroy(&sl_mtx);
	kern_fini();
}

static struct lwp *kt_seen;

static void
kt_main(void *arg)
{
	kt_seen = curlwp;
	*(int *)arg = 42;
}

ATF_TC_WITHOUT_HEAD(kthread_runs_as_its_own_lwp);
ATF_TC_BODY(kthread_runs_as_its_own_lwp, tc)
{
	struct lwp *l;
	int v = 0;

	kern_init();
	ATF_CHECK_EQ(curlwp, &lwp0);
	ATF_CHECK_EQ(curproc, &proc0);
	ATF_REQUIRE_EQ(kthread_create(PRI_NONE, KTHREAD_MUSTJOIN, NULL,
	    kt_main, &v, &l, "kt%d", 7), 0);
	ATF_CHECK_STREQ(l->l_name, "kt7");
	ATF_CHECK(l->l_flag & LW_SYSTEM);
	ATF_CHECK_EQ(kthread_join(l), 0);
	ATF_CHECK_EQ(v, 42);
	ATF_CHECK(kt_seen == l);
	ATF_CHECK_EQ(curlwp, &lwp0);
	kern_fini();
}

ATF_TC_WITHOUT_HEAD(proc_and_lwp_lists);
ATF_TC_BODY(proc_and_lwp_lists, tc)
{
	struct proc *p, *q;
	struct lwp *l;
	int n = 0;

	kern_init();
	p = proc_alloc("child");
	ATF_CHECK(p->p_pid > 0);
	ATF_CHECK_EQ(p->p_stat, SIDL);
	l = lwp_alloc(p, "child.1");
	ATF_CHECK_EQ(p->p_nlwps, 1);
	kern_lwp_bind(l);
	ATF_CHECK_EQ(curproc, p);
	kern_lwp_bind(NULL);
	ATF_CHECK_EQ(curproc, &proc0);
	LIST_FOREACH(q, &allproc, p_list)
		n++;
	ATF_CHECK_EQ(n, 2);
	lwp_free(l);
	ATF_CHECK_EQ(p->p_nlwps, 0);
	proc_free(p);
	kern_fini();
}

static int co_count;
static void
co_fire(void *arg)
{
	co_count += *(int *)arg;
}

ATF_TC_WITHOUT_HEAD(callout_fires_when_due_and_stops);
ATF_TC_BODY(callout_fires_when_due_and_stops, tc)
{
	callout_t a, b;
	int one = 1, ten = 10;

	kern_init();
	callout_init(&a, 0);
	callout_init(&b, 0);
	callout_reset(&a, 3, co_fire, &one);
	callout_reset(&b, 5, co_fire, &ten);
	hardclock(2);
	ATF_CHECK_EQ(co_count, 0);
	ATF_CHECK(callout_pending(&a));
	hardclock(1);
	ATF_CHECK_EQ(co_count, 1);
	ATF_CHECK(!callout_pending(&a));
	ATF_CHECK(callout_stop(&b));
	hardclock(10);
	ATF_CHECK_EQ(co_count, 1);
	ATF_CHECK_EQ(getticks(), 13);
	callout_destroy(&a);
	callout_destroy(&b);
	kern_fini();
}

ATF_TC_WITHOUT_HEAD(clock_thread_advances_ticks);
ATF_TC_BODY(clock_thread_advances_ticks, tc)
{
	kern_init();
	ATF_REQUIRE_EQ(kern_clock_start(), 0);
	while (getticks() < 3)
		kpause("tick", false, 1, NULL);
	kern_clock_stop();
	unsigned int t = getticks();
	kpause("tick", false, 3, NULL);
	ATF_CHECK_EQ(getticks(), t);		/* stopped */
	kern_fini();
}

ATF_TC_WITHOUT_HEAD(uiomove_kernel_space_both_directions);
ATF_TC_BODY(uiomove_kernel_space_both_directions, tc)
{
	char a[5], b[7], buf[12];
	struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	struct uio uio = { iov, 2, 100, 12, UIO_READ, NULL };

	kern_init();
	ATF_CHECK_EQ(uiomove("hello world!", 12, &uio), 0);
	ATF_CHECK(memcmp(a, "hello", 5) == 0);
	ATF_CHECK(memcmp(b, " world!", 7) == 0);
	ATF_CHECK_EQ(uio.uio_resid, 0);
	ATF_CHECK_EQ(uio.uio_offset, 112);

	struct iovec iov2[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	struct uio w = { iov2, 2, 0, 12, UIO_WRITE, NULL };
	memset(buf, 0, sizeof(buf));
	ATF_CHECK_EQ(uiomove(buf, 8, &w), 0);		/* partial */
	ATF_CHECK(memcmp(buf, "hello wo", 8) == 0);
	ATF_CHECK_EQ(w.uio_resid, 4);
	ATF_CHECK_EQ(uiomove(buf + 8, 100, &w), 0);	/* capped by resid */
	ATF_CHECK(memcmp(buf, "hello world!", 12) == 0);
	ATF_CHECK_EQ(w.uio_resid, 0);
	kern_fini();
}

ATF_TC_WITHOUT_HEAD(cprng_is_deterministic_per_seed);
ATF_TC_BODY(cprng_is_deterministic_per_seed, tc)
{
	uint32_t x[4], y[4];

	kern_init();
	kern_random_seed(7);
	for (int i = 0; i < 4; i++)
		x[i] = cprng_fast32();
	kern_random_seed(7);
	for (int i = 0; i < 4; i++)
		y[i] = cprng_fast32();
	ATF_CHECK(memcmp(x, y, sizeof(x)) == 0);
	ATF_CHECK(x[0] != x[1] || x[1] != x[2]);
	kern_fini();
}

ATF_TC_WITHOUT_HEAD(kfile_io_sizes_and_errors);
ATF_TC_BODY(kfile_io_sizes_and_errors, tc)
{
	struct kfile *kf;
	char buf[16];
	off_t sz;

	kern_init();
	ATF_CHECK_EQ(kfile_open("/nonexistent/dir/file", KF_READ, &kf), ENOENT);
	ATF_REQUIRE_EQ(kfile_open("kf.dat", KF_READ | KF_WRITE | KF_CREAT,
	    &kf), 0);
	ATF_CHECK_STREQ(kfile_path(kf), "kf.dat");
	ATF_CHECK_EQ(kfile_write(kf, "abcdef", 6, 4096), 0);
	ATF_CHECK_EQ(kfile_size(kf, &sz), 0);
	ATF_CHECK_EQ(sz, 4102);
	memset(buf, 'x', sizeof(buf));
	ATF_CHECK_EQ(kfile_read(kf, buf, 16, 4094), 0);
	ATF_CHECK(memcmp(buf, "\0\0abcdef\0\0\0\0\0\0\0\0", 16) == 0);
	ATF_CHECK_EQ(kfile_truncate(kf, 4098), 0);
	ATF_CHECK_EQ(kfile_size(kf, &sz), 0);
	ATF_CHECK_EQ(sz, 4098);
	kern_fault_set(KFI_IO_READ, 1, 0);
	ATF_CHECK_EQ(kfile_read(kf, buf, 4, 0), EIO);
	ATF_CHECK_EQ(kfile_read(kf, buf, 4, 4096), 0);
	ATF_CHECK(memcmp(buf, "ab\0\0", 4) == 0);
	kern_fault_set(KFI_IO_WRITE, 1, 0);
	ATF_CHECK_EQ(kfile_write(kf, "zz", 2, 0), EIO);
	kern_fault_clear();
	ATF_CHECK_EQ(kfile_sync(kf), 0);
	ATF_CHECK_EQ(kfile_close(kf), 0);
	kern_fini();
}

ATF_TC_WITHOUT_HEAD(physmem_arena_is_sparse_and_discardable);
ATF_TC_BODY(physmem_arena_is_sparse_and_discardable, tc)
{
	char *base;

	kern_init();
	ATF_CHECK_EQ(kern_physmem_create(0), EINVAL);
	ATF_REQUIRE_EQ(kern_physmem_create((psize_t)1 << 32), 0);  /* 4 GiB */
	base = kern_physmem_base();
	ATF_CHECK_EQ(kern_physmem_size(), (psize_t)1 << 32);
	base[0] = 1;
	base[((size_t)1 << 32) - 1] = 2;
	ATF_CHECK_EQ(base[4096], 0);
	kern_physmem_discard(0, 4096);
	ATF_CHECK_EQ(base[0], 0);
	ATF_CHECK_EQ(base[((size_t)1 << 32) - 1], 2);
	kern_physmem_destroy();
	ATF_CHECK(kern_physmem_base() == NULL);
	kern_fini();
}

ATF_TC_WITHOUT_HEAD(kassert_panics_under_diagnostic);
ATF_TC_BODY(kassert_panics_under_diagnostic, tc)
{
	kern_init();
#ifdef DIAGNOSTIC
	ATF_CHECK(H_PANICS(KASSERT(1 + 1 == 3)));
	ATF_CHECK(strstr(h_panic_msg, "1 + 1 == 3") != NULL);
	ATF_CHECK(!H_PANICS(KASSERT(1 + 1 == 2)));
#else
	atf_tc_skip("built without DIAGNOSTIC");
#endif
	kern_fini();
}

static char console_buf[256];
static void
console_capture(const char *s, size_t n, void *arg)
{
	strncat(console_buf, s, n);
	(*(int *)arg)++;
}

ATF_TC_WITHOUT_HEAD(console_output_can_be_captured);
ATF_TC_BODY(console_output_can_be_captured, tc)
{
	int calls = 0;

	kern_init();
	kern_console_set(console_capture, &calls);
	kprintf("free %d of %d\n", 3, 4);
	kern_console_set(NULL, NULL);
	ATF_CHECK_STREQ(console_buf, "free 3 of 4\n");
	ATF_CHECK_EQ(calls, 1);
	kern_fini();
}

/*
 * kfile_readv/kfile_writev: segments scattered in memory move in one
 * call, no copy; reads past end of file give zeros.
 */
ATF_TC_WITHOUT_HEAD(kfile_vectored_io_scatters_and_gathers);
ATF_TC_BODY(kfile_vectored_io_scatters_and_gathers, tc)
{
	struct kfile *kf;
	char a[3] = "abc", b[5] = "defgh", x[4], y[8];
	struct iovec iov[2];
	off_t sz;

	kern_init();
	unlink("kv.dat");
	ATF_REQUIRE_EQ(kfile_open("kv.dat", KF_READ | KF_WRITE | KF_CREAT,
	    &kf), 0);
	iov[0].iov_base = a;
	iov[0].iov_len = 3;
	iov[1].iov_base = b;
	iov[1].iov_len = 5;
	ATF_CHECK_EQ(kfile_writev(kf, iov, 2, 10), 0);
	ATF_CHECK_EQ(kfile_size(kf, &sz), 0);
	ATF_CHECK_EQ(sz, 18);
	iov[0].iov_base = x;
	iov[0].iov_len = 4;
	iov[1].iov_base = y;
	iov[1].iov_len = 8;
	memset(y, 'z', sizeof(y));
	ATF_CHECK_EQ(kfile_readv(kf, iov, 2, 12), 0);
	ATF_CHECK(memcmp(x, "cdef", 4) == 0);
	ATF_CHECK(memcmp(y, "gh\0\0\0\0\0\0", 8) == 0);
	kern_fault_set(KFI_IO_WRITE, 1, 0);
	iov[0].iov_base = a;
	iov[0].iov_len = 3;
	ATF_CHECK_EQ(kfile_writev(kf, iov, 1, 0), EIO);
	kern_fault_clear();
	ATF_CHECK_EQ(kfile_close(kf), 0);
	unlink("kv.dat");
	kern_fini();
}

/*
 * kfile_readv: a segment without a base is a hole: its part of the file
 * is skipped and the segments after it get their own bytes, for small
 * reads (through the gather buffer) and large ones (preadv).
 */
ATF_TC_WITHOUT_HEAD(kfile_readv_null_segment_skips_its_bytes);
ATF_TC_BODY(kfile_readv_null_segment_skips_its_bytes, tc)
{
	size_t big = 3 << 20, bad = 0;
	char *file = malloc(big), *x = malloc(big), *y = malloc(big);
	struct kfile *kf;
	struct iovec iov[3];
	char sa[4], sb[4];

	ATF_REQUIRE(file != NULL && x != NULL && y != NULL);
	kern_init();
	unlink("kh.dat");
	ATF_REQUIRE_EQ(kfile_open("kh.dat", KF_READ | KF_WRITE | KF_CREAT,
	    &kf), 0);
	for (size_t i = 0; i < big; i++)
		file[i] = (char)(i * 7 + i / 4096);
	ATF_REQUIRE_EQ(kfile_write(kf, file, big, 0), 0);
	/* Small: 4 bytes, skip 4, 4 bytes. */
	iov[0].iov_base = sa;
	iov[0].iov_len = 4;
	iov[1].iov_base = NULL;
	iov[1].iov_len = 4;
	iov[2].iov_base = sb;
	iov[2].iov_len = 4;
	ATF_CHECK_EQ(kfile_readv(kf, iov, 3, 100), 0);
	ATF_CHECK(memcmp(sa, file + 100, 4) == 0);
	ATF_CHECK(memcmp(sb, file + 108, 4) == 0);
	/* Large (past the gather buffer): 1 MiB, skip 1 MiB, the rest. */
	iov[0].iov_base = x;
	iov[0].iov_len = 1 << 20;
	iov[1].iov_base = NULL;
	iov[1].iov_len = 1 << 20;
	iov[2].iov_base = y;
	iov[2].iov_len = big - (2 << 20) + 4096;	/* past end of file */
	memset(y, 'q', big);
	ATF_CHECK_EQ(kfile_readv(kf, iov, 3, 0), 0);
	for (size_t i = 0; i < 1 << 20; i++)
		bad += x[i] != file[i];
	for (size_t i = 0; i < big - (2 << 20); i++)
		bad += y[i] != file[(2 << 20) + i];
	for (size_t i = big - (2 << 20); i < big - (2 << 20) + 4096; i++)
		bad += y[i] != 0;
	ATF_CHECK_EQ(bad, 0);
	ATF_CHECK_EQ(kfile_close(kf), 0);
	unlink("kh.dat");
	free(file);
	free(x);
	free(y);
	kern_fini();
}

struct biotest {
	kmutex_t	lock;
	int		ndone;
	int		errors;
	const void	*who[4];	/* the lwp that completed each */
	int		order[8];
	int		norder;
};

static void
bio_test_done(struct buf *bp)
{
	struct biotest *bt = bp->b_private;
	int i = (int)(bp->b_offset / 4);

	mutex_enter(&bt->lock);
	bt->ndone++;
	bt->errors += bp->b_error != 0;
	bt->who[i] = curlwp;
	bt->order[bt->norder++] = i;
	mutex_exit(&bt->lock);
	putiobuf(bp);
}

/*
 * Boot the kernel environment, clear bt, create path afresh and start
 * the I/O engine with nthreads threads (0: deterministic); the file.
 */
static struct kfile *
bio_setup(struct biotest *bt, const char *path, int nthreads)
{
	struct kfile *kf;

	kern_init();
	memset(bt, 0, sizeof(*bt));
	mutex_init(&bt->lock, MUTEX_DEFAULT, IPL_NONE);
	unlink(path);
	ATF_REQUIRE_EQ(kfile_open(path, KF_READ | KF_WRITE | KF_CREAT, &kf),
	    0);
	ATF_REQUIRE_EQ(kern_bio_start(nthreads), 0);
	return kf;
}

/* Queue four async 4-byte writes at 0, 4, 8, 12 of kf. */
static void
bio_queue4(struct kfile *kf, struct biotest *bt, char *data)
{
	for (int i = 0; i < 4; i++) {
		struct buf *bp = getiobuf(kf, 2);

		bp->b_flags = B_WRITE | B_ASYNC;
		bp->b_offset = (off_t)i * 4;
		bio_addseg(bp, data + i * 4, 2);
		bio_addseg(bp, data + i * 4 + 2, 2);	/* merged */
		ATF_CHECK_EQ(bp->b_nseg, 1);
		ATF_CHECK_EQ(bp->b_bcount, 4u);
		bp->b_iodone = bio_test_done;
		bp->b_private = bt;
		kfile_strategy(bp);
	}
}

/*
 * Deterministic engine: asynchronous requests wait in the queue until
 * biodrain(), which completes them in order in the caller; a held
 * engine drains nothing.  Synchronous requests are done at once.
 */
ATF_TC_WITHOUT_HEAD(bio_deterministic_queue_completes_in_drain);
ATF_TC_BODY(bio_deterministic_queue_completes_in_drain, tc)
{
	struct biotest bt;
	struct kfile *kf;
	struct buf *bp;
	char data[17] = "0123456789abcdef", back[16];

	kf = bio_setup(&bt, "kb.dat", 0);
	bio_queue4(kf, &bt, data);
	ATF_CHECK_EQ(bt.ndone, 0);
	ATF_CHECK_EQ(bio_inflight(), 4u);
	ATF_CHECK(bio_deferred());
	kern_bio_hold(true);
	ATF_CHECK(!bio_deferred());
	ATF_CHECK(!biodrain());
	ATF_CHECK_EQ(bt.ndone, 0);
	kern_bio_hold(false);
	ATF_CHECK(biodrain());
	ATF_CHECK_EQ(bt.ndone, 4);
	ATF_CHECK_EQ(bt.errors, 0);
	for (int i = 0; i < 4; i++) {
		ATF_CHECK_EQ(bt.order[i], i);
		ATF_CHECK(bt.who[i] == curlwp);
	}
	ATF_CHECK_EQ(bio_inflight(), 0u);
	ATF_CHECK(!biodrain());
	/* A synchronous read, scattered, and an injected error. */
	bp = getiobuf(kf, 2);
	bp->b_flags = B_READ;
	bp->b_offset = 0;
	bio_addseg(bp, back, 6);
	bio_addseg(bp, back + 8, 8);
	ATF_CHECK_EQ(bp->b_nseg, 2);
	kfile_strategy(bp);
	ATF_CHECK_EQ(biowait(bp), 0);
	ATF_CHECK_EQ(bp->b_resid, 0u);
	ATF_CHECK(memcmp(back, "012345", 6) == 0);
	ATF_CHECK(memcmp(back + 8, "6789abcd", 8) == 0);
	putiobuf(bp);
	bp = getiobuf(kf, 1);
	bp->b_flags = B_READ;
	bp->b_offset = 0;
	bio_addseg(bp, back, 4);
	kern_fault_set(KFI_IO_READ, 1, 0);
	kfile_strategy(bp);
	ATF_CHECK_EQ(biowait(bp), EIO);
	ATF_CHECK_EQ(bp->b_resid, 4u);
	kern_fault_clear();
	putiobuf(bp);
	kern_bio_stop();
	ATF_CHECK_EQ(kfile_close(kf), 0);
	unlink("kb.dat");
	mutex_destroy(&bt.lock);
	kern_fini();
}

/*
 * Deterministic engine: queued writes that continue each other in one
 * file are written together, yet each request completes on its own, in
 * order, with its own outcome: a write that is not adjacent stays apart,
 * and while faults are injected each request meets its own (the second
 * of four fails alone; the others' bytes are written).
 */
ATF_TC_WITHOUT_HEAD(bio_deterministic_adjacent_writes_complete_each);
ATF_TC_BODY(bio_deterministic_adjacent_writes_complete_each, tc)
{
	struct biotest bt;
	struct kfile *kf;
	struct buf *bp;
	char data[17] = "0123456789abcdef", more[5] = "WXYZ", back[16];
	char data2[17] = "ABCDEFGHIJKLMNOP";

	kf = bio_setup(&bt, "km.dat", 0);
	/* 0, 4, 8, 12 (adjacent), then one at 0 again: not adjacent. */
	bio_queue4(kf, &bt, data);
	bp = getiobuf(kf, 1);
	bp->b_flags = B_WRITE | B_ASYNC;
	bp->b_offset = 0;
	bio_addseg(bp, more, 4);
	bp->b_iodone = bio_test_done;
	bp->b_private = &bt;
	kfile_strategy(bp);
	ATF_CHECK_EQ(bio_inflight(), 5u);
	ATF_CHECK(biodrain());
	ATF_CHECK_EQ(bt.ndone, 5);
	ATF_CHECK_EQ(bt.errors, 0);
	for (int i = 0; i < 4; i++)
		ATF_CHECK_EQ(bt.order[i], i);
	ATF_CHECK_EQ(bt.order[4], 0);
	ATF_CHECK_EQ(kfile_read(kf, back, 16, 0), 0);
	ATF_CHECK(memcmp(back, "WXYZ456789abcdef", 16) == 0);
	/* Injected: the second write fails, alone. */
	memset(&bt.order, 0, sizeof(bt.order));
	bt.ndone = bt.norder = 0;
	kern_fault_set(KFI_IO_WRITE, 2, 0);
	bio_queue4(kf, &bt, data2);
	ATF_CHECK(biodrain());
	ATF_CHECK_EQ(kern_fault_hits(KFI_IO_WRITE), 1ul);
	kern_fault_clear();
	ATF_CHECK_EQ(bt.ndone, 4);
	ATF_CHECK_EQ(bt.errors, 1);
	ATF_CHECK_EQ(kfile_read(kf, back, 16, 0), 0);
	ATF_CHECK(memcmp(back, "ABCD4567IJKLMNOP", 16) == 0);
	kern_bio_stop();
	ATF_CHECK_EQ(kfile_close(kf), 0);
	unlink("km.dat");
	mutex_destroy(&bt.lock);
	kern_fini();
}

/*
 * Threaded engine: I/O threads complete asynchronous requests in their
 * own lwps; while held, nothing completes; stop drains what is left.
 */
ATF_TC_WITHOUT_HEAD(bio_threads_complete_async_requests);
ATF_TC_BODY(bio_threads_complete_async_requests, tc)
{
	struct biotest bt;
	struct kfile *kf;
	char data[17] = "fedcba9876543210", back[17];

	kf = bio_setup(&bt, "kb.dat", 2);
	kern_bio_hold(true);
	bio_queue4(kf, &bt, data);
	ATF_CHECK(!bio_deferred());
	kpause("test", false, hz / 20 + 1, NULL);
	ATF_CHECK_EQ(bt.ndone, 0);
	ATF_CHECK_EQ(bio_inflight(), 4u);
	kern_bio_hold(false);
	(void)biodrain();	/* the threads may have finished already */
	ATF_CHECK_EQ(bt.ndone, 4);
	ATF_CHECK_EQ(bt.errors, 0);
	for (int i = 0; i < 4; i++)
		ATF_CHECK(bt.who[i] != NULL && bt.who[i] != curlwp);
	ATF_CHECK_EQ(kfile_read(kf, back, 16, 0), 0);
	ATF_CHECK(memcmp(back, data, 16) == 0);
	/* Stop with requests still held: they complete first. */
	kern_bio_hold(true);
	bt.ndone = 0;
	bt.norder = 0;
	bio_queue4(kf, &bt, data);
	kern_bio_stop();
	ATF_CHECK_EQ(bt.ndone, 4);
	ATF_CHECK_EQ(kfile_close(kf), 0);
	unlink("kb.dat");
	mutex_destroy(&bt.lock);
	kern_fini();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, kmem_counts_bytes_in_use);
	ATF_TP_ADD_TC(tp, kmem_fault_injection_fails_nth_nosleep_only);
	ATF_TP_ADD_TC(tp, pool_reuses_freed_objects_and_zeroes);
	ATF_TP_ADD_TC(tp, mutex_tracks_owner);
	ATF_TP_ADD_TC(tp, mutex_exit_by_non_owner_panics);
	ATF_TP_ADD_TC(tp, rwlock_readers_share_writer_excludes);
	ATF_TP_ADD_TC(tp, mtsleep_wakes_on_channel_and_times_out);
	ATF_TP_ADD_TC(tp, kthread_runs_as_its_own_lwp);
	ATF_TP_ADD_TC(tp, proc_and_lwp_lists);
	ATF_TP_ADD_TC(tp, callout_fires_when_due_and_stops);
	ATF_TP_ADD_TC(tp, clock_thread_advances_ticks);
	ATF_TP_ADD_TC(tp, uiomove_kernel_space_both_directions);
	ATF_TP_ADD_TC(tp, cprng_is_deterministic_per_seed);
	ATF_TP_ADD_TC(tp, kfile_io_sizes_and_errors);
	ATF_TP_ADD_TC(tp, physmem_arena_is_sparse_and_discardable);
	ATF_TP_ADD_TC(tp, kassert_panics_under_diagnostic);
	ATF_TP_ADD_TC(tp, console_output_can_be_captured);
	ATF_TP_ADD_TC(tp, kfile_vectored_io_scatters_and_gathers);
	ATF_TP_ADD_TC(tp, kfile_readv_null_segment_skips_its_bytes);
	ATF_TP_ADD_TC(tp, bio_deterministic_queue_completes_in_drain);
	ATF_TP_ADD_TC(tp, bio_deterministic_adjacent_writes_complete_each);
	ATF_TP_ADD_TC(tp, bio_threads_complete_async_requests);
	return atf_no_error();
}
