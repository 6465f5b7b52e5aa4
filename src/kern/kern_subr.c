/*
 * kern_subr.c: panic, console output, fault injection, uiomove and the
 * pseudo-random number generator of the hosted kernel environment.
 *
 * Locking: the console sink and panic handler are set by the owner of the
 * machine while no other lwp runs.  The random state has its own mutex.
 * Fault-injection counters are atomic.
 */

#include <uvm/uvm_kern.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* ---------------------------------------------------------------------
 * Console and panic.
 */
static kern_console_fn console_fn;
static void *console_arg;
static kern_panic_fn panic_fn;

void
kern_console_set(kern_console_fn fn, void *arg)
{
	console_fn = fn;
	console_arg = arg;
}

void
vkprintf(const char *fmt, va_list ap)
{
	char buf[1024];
	int n;

	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	if (console_fn != NULL)
		(*console_fn)(buf, (size_t)n, console_arg);
	else
		(void)fwrite(buf, 1, (size_t)n, stderr);
}

void
kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vkprintf(fmt, ap);
	va_end(ap);
}

void
kern_panic_set(kern_panic_fn fn)
{
	panic_fn = fn;
}

void
panic(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (panic_fn != NULL) {
		(*panic_fn)(buf);
		/* A handler must not return; if it does, stop anyway. */
	}
	(void)fprintf(stderr, "panic: %s\n", buf);
	(void)fflush(stderr);
	abort();
}

/* ---------------------------------------------------------------------
 * Fault injection.
 */
unsigned int kern_fault_armed;

static struct {
	unsigned long	nth;	/* fail call number nth (1-based); 0: off */
	unsigned long	every;	/* then every `every' calls; 0: once */
	unsigned long	calls;	/* calls seen since armed */
	unsigned long	hits;	/* failures injected */
} fault_sites[KFI_NSITES];

void
kern_fault_set(enum kern_fault_site site, unsigned long nth,
    unsigned long every)
{
	KASSERT(site < KFI_NSITES);
	fault_sites[site].nth = nth;
	fault_sites[site].every = every;
	fault_sites[site].calls = 0;
	fault_sites[site].hits = 0;
	kern_fault_armed = 0;
	for (int i = 0; i < KFI_NSITES; i++)
		if (fault_sites[i].nth != 0)
			kern_fault_armed = 1;
}

void
kern_fault_clear(void)
{
	memset(fault_sites, 0, sizeof(fault_sites));
	kern_fault_armed = 0;
}

unsigned long
kern_fault_hits(enum kern_fault_site site)
{
	KASSERT(site < KFI_NSITES);
	return atomic_load_relaxed(&fault_sites[site].hits);
}

bool
kern_fault_fire(enum kern_fault_site site)
{
	unsigned long n, nth, every;

	nth = fault_sites[site].nth;
	if (nth == 0)
		return false;
	n = __atomic_add_fetch(&fault_sites[site].calls, 1, __ATOMIC_RELAXED);
	every = fault_sites[site].every;
	if (n == nth || (every != 0 && n > nth && (n - nth) % every == 0)) {
		__atomic_add_fetch(&fault_sites[site].hits, 1,
		    __ATOMIC_RELAXED);
		return true;
	}
	return false;
}

/* ---------------------------------------------------------------------
 * uiomove(9).
 */
int
uiomove(void *buf, size_t n, struct uio *uio)
{
	char *cp = buf;
	int error = 0;

	KASSERT(uio->uio_rw == UIO_READ || uio->uio_rw == UIO_WRITE);
	while (n > 0 && uio->uio_resid > 0) {
		struct iovec *iov = uio->uio_iov;
		size_t cnt;

		KASSERT(uio->uio_iovcnt > 0);
		cnt = iov->iov_len;
		if (cnt == 0) {
			uio->uio_iov++;
			uio->uio_iovcnt--;
			continue;
		}
		if (cnt > n)
			cnt = n;
		if (uio->uio_vmspace == NULL) {
			if (uio->uio_rw == UIO_READ)
				memcpy(iov->iov_base, cp, cnt);
			else
				memcpy(cp, iov->iov_base, cnt);
		} else if (uio->uio_rw == UIO_READ) {
			error = copyout_vmspace(uio->uio_vmspace, cp,
			    iov->iov_base, cnt);
		} else {
			error = copyin_vmspace(uio->uio_vmspace,
			    iov->iov_base, cp, cnt);
		}
		if (error)
			break;
		iov->iov_base = (char *)iov->iov_base + cnt;
		iov->iov_len -= cnt;
		uio->uio_resid -= cnt;
		uio->uio_offset += cnt;
		cp += cnt;
		n -= cnt;
	}
	return error;
}

/* ---------------------------------------------------------------------
 * cprng_fast(9): xorshift64*, seeded per machine, deterministic.
 */
static pthread_mutex_t rnd_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t rnd_state = 0x9e3779b97f4a7c15ULL;

void
kern_random_seed(uint64_t seed)
{
	pthread_mutex_lock(&rnd_lock);
	rnd_state = seed != 0 ? seed : 0x9e3779b97f4a7c15ULL;
	pthread_mutex_unlock(&rnd_lock);
}

uint64_t
cprng_fast64(void)
{
	uint64_t x;

	pthread_mutex_lock(&rnd_lock);
	x = rnd_state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rnd_state = x;
	pthread_mutex_unlock(&rnd_lock);
	return x * 0x2545f4914f6cdd1dULL;
}

uint32_t
cprng_fast32(void)
{
	return (uint32_t)(cprng_fast64() >> 32);
}

/* ---------------------------------------------------------------------
 * Bring-up and teardown of the environment.
 */
int ncpu = 1;

void kern_proc_init(void);
void kern_proc_fini(void);
void kern_clock_init(void);

void
kern_init(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	ncpu = n > 0 ? (int)n : 1;
	kern_proc_init();
	kern_clock_init();
}

void
kern_fini(void)
{
	kern_clock_stop();
	kern_proc_fini();
	kern_fault_clear();
}
