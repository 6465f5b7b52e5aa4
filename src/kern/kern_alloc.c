/*
 * kern_alloc.c: kmem(9) and pool(9) over the host allocator.
 *
 * kmem_alloc(KM_SLEEP) never fails: a kernel would wait for memory; a
 * host that is out of memory cannot be waited on, so we panic.
 * KM_NOSLEEP and PR_NOWAIT allocations may fail, and that is where fault
 * injection (KFI_KMEM, KFI_POOL) makes them fail on demand.
 *
 * Locking: kmem keeps an atomic byte count; each pool has its own mutex.
 */

#include <uvm/uvm_kern.h>

#include <stdlib.h>

static size_t kmem_bytes;	/* atomic: bytes allocated */

void *
kmem_alloc(size_t size, km_flag_t flags)
{
	void *p;

	KASSERT(size > 0);
	KASSERT((flags & (KM_SLEEP | KM_NOSLEEP)) != 0);
	if ((flags & KM_NOSLEEP) != 0 && kern_fault_check(KFI_KMEM))
		return NULL;
	p = malloc(size);
	if (p == NULL) {
		if (flags & KM_NOSLEEP)
			return NULL;
		panic("kmem_alloc: host out of memory (%zu bytes)", size);
	}
	__atomic_add_fetch(&kmem_bytes, size, __ATOMIC_RELAXED);
	return p;
}

void *
kmem_zalloc(size_t size, km_flag_t flags)
{
	void *p = kmem_alloc(size, flags);

	if (p != NULL)
		memset(p, 0, size);
	return p;
}

void
kmem_free(void *p, size_t size)
{
	KASSERT(p != NULL);
	KASSERT(size > 0);
	__atomic_sub_fetch(&kmem_bytes, size, __ATOMIC_RELAXED);
	free(p);
}

char *
kmem_strdup(const char *s, km_flag_t flags)
{
	size_t n = strlen(s) + 1;
	char *p = kmem_alloc(n, flags);

	if (p != NULL)
		memcpy(p, s, n);
	return p;
}

void
kmem_strfree(char *s)
{
	kmem_free(s, strlen(s) + 1);
}

size_t
kmem_inuse(void)
{
	return __atomic_load_n(&kmem_bytes, __ATOMIC_RELAXED);
}

/*
 * Pools keep freed objects on a free list (the first word of a free
 * object links to the next) and hand them out again before asking kmem.
 */
void
pool_init(struct pool *pp, size_t size, size_t align, size_t align_offset,
    int flags, const char *wchan, void *palloc, int ipl)
{
	memset(pp, 0, sizeof(*pp));
	pthread_mutex_init(&pp->pr_lock, NULL);
	if (size < sizeof(void *))
		size = sizeof(void *);
	if (align == 0)
		align = sizeof(void *);
	KASSERT(powerof2(align));
	pp->pr_size = roundup(size, align);
	pp->pr_align = align;
	pp->pr_wchan = wchan;
}

void
pool_destroy(struct pool *pp)
{
	void *p;

	KASSERTMSG(pp->pr_nout == 0, "pool %s destroyed with %u objects out",
	    pp->pr_wchan, pp->pr_nout);
	while ((p = pp->pr_freelist) != NULL) {
		pp->pr_freelist = *(void **)p;
		kmem_free(p, pp->pr_size);
	}
	pthread_mutex_destroy(&pp->pr_lock);
}

void *
pool_get(struct pool *pp, int flags)
{
	void *p;

	KASSERT((flags & (PR_WAITOK | PR_NOWAIT)) != 0);
	if ((flags & PR_NOWAIT) != 0 && kern_fault_check(KFI_POOL)) {
		pthread_mutex_lock(&pp->pr_lock);
		pp->pr_nfail++;
		pthread_mutex_unlock(&pp->pr_lock);
		return NULL;
	}
	pthread_mutex_lock(&pp->pr_lock);
	p = pp->pr_freelist;
	if (p != NULL) {
		pp->pr_freelist = *(void **)p;
		pp->pr_nfree--;
	}
	pp->pr_nout++;
	pp->pr_nget++;
	pthread_mutex_unlock(&pp->pr_lock);
	if (p == NULL) {
		p = kmem_alloc(pp->pr_size,
		    (flags & PR_NOWAIT) ? KM_NOSLEEP : KM_SLEEP);
		if (p == NULL) {
			pthread_mutex_lock(&pp->pr_lock);
			pp->pr_nout--;
			pp->pr_nget--;
			pp->pr_nfail++;
			pthread_mutex_unlock(&pp->pr_lock);
			return NULL;
		}
	}
	if (flags & PR_ZERO)
		memset(p, 0, pp->pr_size);
	return p;
}

void
pool_put(struct pool *pp, void *p)
{
	KASSERT(p != NULL);
	pthread_mutex_lock(&pp->pr_lock);
	KASSERT(pp->pr_nout > 0);
	*(void **)p = pp->pr_freelist;
	pp->pr_freelist = p;
	pp->pr_nfree++;
	pp->pr_nout--;
	pp->pr_nput++;
	pthread_mutex_unlock(&pp->pr_lock);
}
