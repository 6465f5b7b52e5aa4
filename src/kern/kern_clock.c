/*
 * kern_clock.c: the clock: hz, ticks, hardclock() and callout(9).
 *
 * Time advances only through hardclock(n).  A machine with a clock
 * thread (kern_clock_start) gets one tick every 1/hz s of host time; a
 * stepped machine calls hardclock() itself and is fully deterministic.
 * Due callouts run in the lwp that calls hardclock(), with no lock held.
 *
 * Locking: callout_lock protects the callout list and each callout's
 * c_time/c_pending; `ticks' is atomic.
 */

#include <uvm/uvm_kern.h>

#include <time.h>

int hz = 100;
static unsigned int ticks;
static uint64_t boot_ns;

static pthread_mutex_t callout_lock = PTHREAD_MUTEX_INITIALIZER;
static TAILQ_HEAD(, callout) callouts = TAILQ_HEAD_INITIALIZER(callouts);

static pthread_t clock_thread;
static bool clock_running;
static volatile bool clock_stop;

static uint64_t
host_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void kern_clock_init(void);

void
kern_clock_init(void)
{
	atomic_store_relaxed(&ticks, 0);
	boot_ns = host_ns();
	TAILQ_INIT(&callouts);
}

unsigned int
getticks(void)
{
	return atomic_load_relaxed(&ticks);
}

uint64_t
kern_nanouptime(void)
{
	return host_ns() - boot_ns;
}

void
hardclock(unsigned int n)
{
	unsigned int now;
	callout_t *c;

	now = __atomic_add_fetch(&ticks, n, __ATOMIC_RELAXED);
	for (;;) {
		pthread_mutex_lock(&callout_lock);
		TAILQ_FOREACH(c, &callouts, c_link) {
			if ((int)(now - c->c_time) >= 0)
				break;
		}
		if (c == NULL) {
			pthread_mutex_unlock(&callout_lock);
			return;
		}
		TAILQ_REMOVE(&callouts, c, c_link);
		c->c_pending = false;
		void (*func)(void *) = c->c_func;
		void *arg = c->c_arg;
		pthread_mutex_unlock(&callout_lock);
		(*func)(arg);
	}
}

static void *
clock_main(void *arg)
{
	struct timespec ts = { 0, 1000000000L / hz };

	while (!clock_stop) {
		nanosleep(&ts, NULL);
		hardclock(1);
	}
	return NULL;
}

int
kern_clock_start(void)
{
	int error;

	if (clock_running)
		return 0;
	clock_stop = false;
	error = pthread_create(&clock_thread, NULL, clock_main, NULL);
	if (error == 0)
		clock_running = true;
	return error;
}

void
kern_clock_stop(void)
{
	if (!clock_running)
		return;
	clock_stop = true;
	pthread_join(clock_thread, NULL);
	clock_running = false;
}

/* ---------------------------------------------------------------------
 * callout(9)
 */
void
callout_init(callout_t *c, int flags)
{
	memset(c, 0, sizeof(*c));
}

void
callout_destroy(callout_t *c)
{
	KASSERTMSG(!c->c_pending, "callout_destroy: callout pending");
}

void
callout_setfunc(callout_t *c, void (*func)(void *), void *arg)
{
	pthread_mutex_lock(&callout_lock);
	c->c_func = func;
	c->c_arg = arg;
	pthread_mutex_unlock(&callout_lock);
}

void
callout_schedule(callout_t *c, int t)
{
	KASSERT(c->c_func != NULL);
	if (t < 1)
		t = 1;
	pthread_mutex_lock(&callout_lock);
	if (c->c_pending)
		TAILQ_REMOVE(&callouts, c, c_link);
	c->c_time = getticks() + (unsigned int)t;
	c->c_pending = true;
	TAILQ_INSERT_TAIL(&callouts, c, c_link);
	pthread_mutex_unlock(&callout_lock);
}

void
callout_reset(callout_t *c, int t, void (*func)(void *), void *arg)
{
	callout_setfunc(c, func, arg);
	callout_schedule(c, t);
}

bool
callout_stop(callout_t *c)
{
	bool was;

	pthread_mutex_lock(&callout_lock);
	was = c->c_pending;
	if (was) {
		TAILQ_REMOVE(&callouts, c, c_link);
		c->c_pending = false;
	}
	pthread_mutex_unlock(&callout_lock);
	return was;
}

bool
callout_pending(callout_t *c)
{
	bool p;

	pthread_mutex_lock(&callout_lock);
	p = c->c_pending;
	pthread_mutex_unlock(&callout_lock);
	return p;
}
