/*
 * kern_lock.c: mutex(9), rwlock(9), condvar(9) and tsleep-style wait
 * channels over pthreads.
 *
 * Ownership is recorded as a per-host-thread token (the address of a
 * thread-local byte), so mutex_owned() and rw_write_held() answer for the
 * calling thread exactly, whatever lwp it runs as.
 *
 * rwlocks are built from a mutex and a condition variable rather than
 * pthread_rwlock_t, because UVM needs rw_downgrade() and rw_tryupgrade(),
 * which pthreads does not offer.  Waiting writers block new readers, so a
 * writer cannot starve.
 *
 * Wait channels: a small hash of buckets, each with its own mutex,
 * condition variable and generation number.  mtsleep() takes the bucket
 * lock before dropping the caller's mutex, so a wakeup() between the two
 * cannot be lost.  Wakeups are broadcast per bucket: sleepers must (and
 * in UVM do) re-check their condition.
 */

#include <uvm/uvm_kern.h>

#include <time.h>

static __thread char thread_token;
#define SELF	((const void *)&thread_token)

/* ---------------------------------------------------------------------
 * mutex(9)
 */
void
mutex_init(kmutex_t *mtx, kmutex_type_t type, int ipl)
{
	pthread_mutex_init(&mtx->mtx_lock, NULL);
	mtx->mtx_owner = NULL;
}

void
mutex_destroy(kmutex_t *mtx)
{
	KASSERTMSG(mtx->mtx_owner == NULL, "mutex_destroy: mutex held");
	pthread_mutex_destroy(&mtx->mtx_lock);
}

void
mutex_enter(kmutex_t *mtx)
{
	KASSERTMSG(mtx->mtx_owner != SELF, "mutex_enter: locking against myself");
	pthread_mutex_lock(&mtx->mtx_lock);
	mtx->mtx_owner = SELF;
}

void
mutex_exit(kmutex_t *mtx)
{
	KASSERTMSG(mtx->mtx_owner == SELF, "mutex_exit: not owner");
	mtx->mtx_owner = NULL;
	pthread_mutex_unlock(&mtx->mtx_lock);
}

int
mutex_tryenter(kmutex_t *mtx)
{
	if (pthread_mutex_trylock(&mtx->mtx_lock) != 0)
		return 0;
	mtx->mtx_owner = SELF;
	return 1;
}

int
mutex_owned(const kmutex_t *mtx)
{
	return mtx->mtx_owner == SELF;
}

struct kmutexobj {
	kmutex_t	mo_lock;	/* must be first */
	unsigned int	mo_refcnt;	/* atomic */
};

kmutex_t *
mutex_obj_alloc(kmutex_type_t type, int ipl)
{
	struct kmutexobj *mo = kmem_alloc(sizeof(*mo), KM_SLEEP);

	mutex_init(&mo->mo_lock, type, ipl);
	mo->mo_refcnt = 1;
	return &mo->mo_lock;
}

void
mutex_obj_hold(kmutex_t *lock)
{
	struct kmutexobj *mo = (struct kmutexobj *)lock;

	KASSERT(mo->mo_refcnt > 0);
	atomic_inc_uint(&mo->mo_refcnt);
}

bool
mutex_obj_free(kmutex_t *lock)
{
	struct kmutexobj *mo = (struct kmutexobj *)lock;

	KASSERT(mo->mo_refcnt > 0);
	if (atomic_dec_uint_nv(&mo->mo_refcnt) > 0)
		return false;
	mutex_destroy(&mo->mo_lock);
	kmem_free(mo, sizeof(*mo));
	return true;
}

/* ---------------------------------------------------------------------
 * rwlock(9)
 */
void
rw_init(krwlock_t *rw)
{
	pthread_mutex_init(&rw->rw_mtx, NULL);
	pthread_cond_init(&rw->rw_cv, NULL);
	rw->rw_owner = NULL;
	rw->rw_readers = 0;
	rw->rw_wwait = 0;
}

void
rw_destroy(krwlock_t *rw)
{
	KASSERTMSG(rw->rw_owner == NULL && rw->rw_readers == 0,
	    "rw_destroy: lock held");
	pthread_cond_destroy(&rw->rw_cv);
	pthread_mutex_destroy(&rw->rw_mtx);
}

void
rw_enter(krwlock_t *rw, krw_t op)
{
	pthread_mutex_lock(&rw->rw_mtx);
	KASSERTMSG(rw->rw_owner != SELF, "rw_enter: locking against myself");
	if (op == RW_WRITER) {
		rw->rw_wwait++;
		while (rw->rw_owner != NULL || rw->rw_readers != 0)
			pthread_cond_wait(&rw->rw_cv, &rw->rw_mtx);
		rw->rw_wwait--;
		rw->rw_owner = SELF;
	} else {
		while (rw->rw_owner != NULL || rw->rw_wwait != 0)
			pthread_cond_wait(&rw->rw_cv, &rw->rw_mtx);
		rw->rw_readers++;
	}
	pthread_mutex_unlock(&rw->rw_mtx);
}

int
rw_tryenter(krwlock_t *rw, krw_t op)
{
	int ok = 0;

	pthread_mutex_lock(&rw->rw_mtx);
	if (op == RW_WRITER) {
		if (rw->rw_owner == NULL && rw->rw_readers == 0) {
			rw->rw_owner = SELF;
			ok = 1;
		}
	} else if (rw->rw_owner == NULL && rw->rw_wwait == 0) {
		rw->rw_readers++;
		ok = 1;
	}
	pthread_mutex_unlock(&rw->rw_mtx);
	return ok;
}

void
rw_exit(krwlock_t *rw)
{
	pthread_mutex_lock(&rw->rw_mtx);
	if (rw->rw_owner != NULL) {
		KASSERTMSG(rw->rw_owner == SELF, "rw_exit: not owner");
		rw->rw_owner = NULL;
	} else {
		KASSERTMSG(rw->rw_readers > 0, "rw_exit: not held");
		rw->rw_readers--;
	}
	pthread_cond_broadcast(&rw->rw_cv);
	pthread_mutex_unlock(&rw->rw_mtx);
}

void
rw_downgrade(krwlock_t *rw)
{
	pthread_mutex_lock(&rw->rw_mtx);
	KASSERTMSG(rw->rw_owner == SELF, "rw_downgrade: not owner");
	rw->rw_owner = NULL;
	rw->rw_readers++;
	pthread_cond_broadcast(&rw->rw_cv);
	pthread_mutex_unlock(&rw->rw_mtx);
}

int
rw_tryupgrade(krwlock_t *rw)
{
	int ok = 0;

	pthread_mutex_lock(&rw->rw_mtx);
	KASSERT(rw->rw_readers > 0);
	if (rw->rw_readers == 1 && rw->rw_owner == NULL) {
		rw->rw_readers = 0;
		rw->rw_owner = SELF;
		ok = 1;
	}
	pthread_mutex_unlock(&rw->rw_mtx);
	return ok;
}

int
rw_write_held(const krwlock_t *rw)
{
	return rw->rw_owner == SELF;
}

/* Readers are not tracked per thread: "some reader holds it". */
int
rw_read_held(const krwlock_t *rw)
{
	return atomic_load_relaxed(&rw->rw_readers) != 0;
}

int
rw_lock_held(const krwlock_t *rw)
{
	return rw_write_held(rw) || rw_read_held(rw);
}

/* ---------------------------------------------------------------------
 * condvar(9)
 */
void
cv_init(kcondvar_t *cv, const char *wmesg)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&cv->cv_cond, &attr);
	pthread_condattr_destroy(&attr);
	cv->cv_wmesg = wmesg;
}

void
cv_destroy(kcondvar_t *cv)
{
	pthread_cond_destroy(&cv->cv_cond);
}

void
cv_wait(kcondvar_t *cv, kmutex_t *mtx)
{
	KASSERT(mutex_owned(mtx));
	mtx->mtx_owner = NULL;
	pthread_cond_wait(&cv->cv_cond, &mtx->mtx_lock);
	mtx->mtx_owner = SELF;
}

static void
ticks_to_deadline(int ticks, struct timespec *ts)
{
	uint64_t ns = (uint64_t)ticks * (1000000000ULL / (uint64_t)hz);

	clock_gettime(CLOCK_MONOTONIC, ts);
	ns += (uint64_t)ts->tv_nsec;
	ts->tv_sec += (time_t)(ns / 1000000000ULL);
	ts->tv_nsec = (long)(ns % 1000000000ULL);
}

int
cv_timedwait(kcondvar_t *cv, kmutex_t *mtx, int ticks)
{
	struct timespec ts;
	int rv;

	KASSERT(mutex_owned(mtx));
	if (ticks <= 0) {
		cv_wait(cv, mtx);
		return 0;
	}
	ticks_to_deadline(ticks, &ts);
	mtx->mtx_owner = NULL;
	rv = pthread_cond_timedwait(&cv->cv_cond, &mtx->mtx_lock, &ts);
	mtx->mtx_owner = SELF;
	return rv == ETIMEDOUT ? EWOULDBLOCK : 0;
}

void
cv_signal(kcondvar_t *cv)
{
	pthread_cond_signal(&cv->cv_cond);
}

void
cv_broadcast(kcondvar_t *cv)
{
	pthread_cond_broadcast(&cv->cv_cond);
}

/* ---------------------------------------------------------------------
 * Wait channels.
 */
#define SLEEPQ_HASH	64

static struct sleepq {
	pthread_mutex_t	sq_lock;
	pthread_cond_t	sq_cv;
	uint64_t	sq_gen;
} sleepq[SLEEPQ_HASH];
static pthread_once_t sleepq_once = PTHREAD_ONCE_INIT;

static void
sleepq_init(void)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	for (int i = 0; i < SLEEPQ_HASH; i++) {
		pthread_mutex_init(&sleepq[i].sq_lock, NULL);
		pthread_cond_init(&sleepq[i].sq_cv, &attr);
	}
	pthread_condattr_destroy(&attr);
}

static struct sleepq *
sleepq_of(const void *chan)
{
	uintptr_t h = (uintptr_t)chan;

	pthread_once(&sleepq_once, sleepq_init);
	h ^= h >> 17;
	h *= 0x9e3779b97f4a7c15ULL;
	return &sleepq[(h >> 32) % SLEEPQ_HASH];
}

int
mtsleep(const void *chan, const char *wmesg, int ticks, kmutex_t *mtx)
{
	struct sleepq *sq = sleepq_of(chan);
	struct timespec ts;
	uint64_t gen;
	int rv = 0;

	pthread_mutex_lock(&sq->sq_lock);
	gen = sq->sq_gen;
	if (mtx != NULL)
		mutex_exit(mtx);
	if (ticks > 0)
		ticks_to_deadline(ticks, &ts);
	while (sq->sq_gen == gen && rv == 0) {
		if (ticks > 0)
			rv = pthread_cond_timedwait(&sq->sq_cv, &sq->sq_lock,
			    &ts);
		else
			pthread_cond_wait(&sq->sq_cv, &sq->sq_lock);
	}
	pthread_mutex_unlock(&sq->sq_lock);
	if (mtx != NULL)
		mutex_enter(mtx);
	return rv == ETIMEDOUT ? EWOULDBLOCK : 0;
}

void
wakeup(const void *chan)
{
	struct sleepq *sq = sleepq_of(chan);

	pthread_mutex_lock(&sq->sq_lock);
	sq->sq_gen++;
	pthread_cond_broadcast(&sq->sq_cv);
	pthread_mutex_unlock(&sq->sq_lock);
}
