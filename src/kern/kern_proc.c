/*
 * kern_proc.c: processes, lwps, kthread(9), kpause(9).
 *
 * An lwp is a host thread.  curlwp is a thread-local pointer; a host
 * thread that never bound itself runs as lwp0 of proc0, which is how the
 * program that boots a machine (a test, uvmsim) enters the kernel.
 * Processes are plain records here: UVM needs p_vmspace, resource limits
 * and a list to walk (the swapper); scheduling is the host's.
 *
 * Locking: proc_lock protects allproc and pid allocation; p_lock protects
 * a process's lwp list.
 */

#include <uvm/uvm_kern.h>

#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

struct proc proc0;
struct lwp lwp0;
kmutex_t proc_lock;
struct proclist allproc = LIST_HEAD_INITIALIZER(allproc);
void (*kern_lwp_dtor)(struct lwp *);

static __thread struct lwp *cur_lwp;
static int next_pid;
static int next_lid;

struct lwp *
kern_curlwp(void)
{
	struct lwp *l = cur_lwp;

	return __predict_true(l != NULL) ? l : &lwp0;
}

void
kern_lwp_bind(struct lwp *l)
{
	cur_lwp = l;
}

static void
proc_setup(struct proc *p, int pid, const char *comm)
{
	mutex_init(&p->p_lock, MUTEX_DEFAULT, IPL_NONE);
	p->p_pid = pid;
	p->p_stat = SACTIVE;
	LIST_INIT(&p->p_lwps);
	for (int i = 0; i < RLIM_NLIMITS; i++) {
		p->p_rlimit[i].rlim_cur = RLIM_INFINITY;
		p->p_rlimit[i].rlim_max = RLIM_INFINITY;
	}
	snprintf(p->p_comm, sizeof(p->p_comm), "%s", comm);
}

void kern_proc_init(void);
void kern_proc_fini(void);

void
kern_proc_init(void)
{
	mutex_init(&proc_lock, MUTEX_DEFAULT, IPL_NONE);
	memset(&proc0, 0, sizeof(proc0));
	memset(&lwp0, 0, sizeof(lwp0));
	LIST_INIT(&allproc);
	proc_setup(&proc0, 0, "swapper");
	lwp0.l_proc = &proc0;
	lwp0.l_flag = LW_SYSTEM | LW_INMEM;
	lwp0.l_stat = SACTIVE;
	snprintf(lwp0.l_name, sizeof(lwp0.l_name), "lwp0");
	LIST_INSERT_HEAD(&proc0.p_lwps, &lwp0, l_sibling);
	proc0.p_nlwps = 1;
	LIST_INSERT_HEAD(&allproc, &proc0, p_list);
	next_pid = 1;
	next_lid = 1;
	cur_lwp = NULL;
}

void
kern_proc_fini(void)
{
	/* lwp0's pmap state was dropped by pmap_shutdown(). */
	LIST_REMOVE(&lwp0, l_sibling);
	LIST_REMOVE(&proc0, p_list);
	mutex_destroy(&proc0.p_lock);
	mutex_destroy(&proc_lock);
	cur_lwp = NULL;
}

struct proc *
proc_alloc(const char *comm)
{
	struct proc *p = kmem_zalloc(sizeof(*p), KM_SLEEP);

	mutex_enter(&proc_lock);
	proc_setup(p, next_pid++, comm);
	p->p_stat = SIDL;
	LIST_INSERT_HEAD(&allproc, p, p_list);
	mutex_exit(&proc_lock);
	return p;
}

void
proc_free(struct proc *p)
{
	KASSERT(p != &proc0);
	KASSERTMSG(LIST_EMPTY(&p->p_lwps), "proc_free: %d lwps left",
	    p->p_nlwps);
	mutex_enter(&proc_lock);
	LIST_REMOVE(p, p_list);
	mutex_exit(&proc_lock);
	mutex_destroy(&p->p_lock);
	kmem_free(p, sizeof(*p));
}

struct lwp *
lwp_alloc(struct proc *p, const char *name)
{
	struct lwp *l = kmem_zalloc(sizeof(*l), KM_SLEEP);

	l->l_proc = p;
	l->l_flag = LW_INMEM;
	l->l_stat = SACTIVE;
	snprintf(l->l_name, sizeof(l->l_name), "%s", name);
	mutex_enter(&proc_lock);
	l->l_lid = next_lid++;
	mutex_exit(&proc_lock);
	mutex_enter(&p->p_lock);
	LIST_INSERT_HEAD(&p->p_lwps, l, l_sibling);
	p->p_nlwps++;
	mutex_exit(&p->p_lock);
	return l;
}

void
lwp_free(struct lwp *l)
{
	struct proc *p = l->l_proc;

	KASSERT(l != &lwp0);
	KASSERT(l != curlwp);
	if (kern_lwp_dtor != NULL)
		(*kern_lwp_dtor)(l);
	mutex_enter(&p->p_lock);
	LIST_REMOVE(l, l_sibling);
	p->p_nlwps--;
	mutex_exit(&p->p_lock);
	kmem_free(l, sizeof(*l));
}

/* ---------------------------------------------------------------------
 * kthread(9)
 */
static void *
kthread_trampoline(void *arg)
{
	struct lwp *l = arg;

	cur_lwp = l;
	(*l->l_func)(l->l_arg);
	kthread_exit(0);
}

int
kthread_create(int pri, int flags, void *ci, void (*func)(void *), void *arg,
    struct lwp **lp, const char *fmt, ...)
{
	char name[32];
	struct lwp *l;
	va_list ap;
	int error;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	l = lwp_alloc(&proc0, name);
	l->l_flag |= LW_SYSTEM;
	l->l_priority = pri;
	l->l_func = func;
	l->l_arg = arg;
	l->l_hosted = true;
	error = pthread_create(&l->l_thread, NULL, kthread_trampoline, l);
	if (error != 0) {
		lwp_free(l);
		return error;
	}
	if (lp != NULL)
		*lp = l;
	if ((flags & KTHREAD_MUSTJOIN) == 0)
		pthread_detach(l->l_thread);
	return 0;
}

void
kthread_exit(int ecode)
{
	struct lwp *l = curlwp;

	KASSERT(l->l_hosted);
	cur_lwp = NULL;
	pthread_exit(NULL);
}

int
kthread_join(struct lwp *l)
{
	int error;

	KASSERT(l->l_hosted);
	error = pthread_join(l->l_thread, NULL);
	if (error == 0)
		lwp_free(l);
	return error;
}

/* ---------------------------------------------------------------------
 * kpause(9), yield(9)
 */
int
kpause(const char *wmesg, bool intr, int ticks, kmutex_t *mtx)
{
	struct timespec ts;
	uint64_t ns;

	if (ticks < 1)
		ticks = 1;
	ns = (uint64_t)ticks * (1000000000ULL / (uint64_t)hz);
	ts.tv_sec = (time_t)(ns / 1000000000ULL);
	ts.tv_nsec = (long)(ns % 1000000000ULL);
	if (mtx != NULL)
		mutex_exit(mtx);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		continue;
	if (mtx != NULL)
		mutex_enter(mtx);
	return EWOULDBLOCK;
}

void
yield(void)
{
	sched_yield();
}
