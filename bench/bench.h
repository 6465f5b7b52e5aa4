/*
 * bench.h: what the benchmark programs share.  Each includes it after
 * <uvm/uvm.h>.
 */
#ifndef _BENCH_BENCH_H_
#define _BENCH_BENCH_H_

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

/* Wall-clock nanoseconds (CLOCK_MONOTONIC). */
static inline double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static inline int
bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of v[0..n) (sorts v). */
static inline double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(v[0]), bench_cmp_double);
	return v[n / 2];
}

/*
 * Give every physical page of the machine host memory behind it once
 * (the arena is a sparse memfd: the first touch of a physical page is a
 * host page fault a real machine never takes), then free them all.
 * Each page is touched from user space (memset) and by the host kernel
 * (a read from /dev/zero into it): on a paravirtualized host the host
 * kernel's first access to a page of the mapping, as kfile's preadv and
 * pwritev make, costs microseconds once.  What is measured afterwards
 * is the VM's own work.
 */
static inline void
warm_arena(void)
{
	struct pglist pgl;
	struct vm_page *pg;

	int zfd = open("/dev/zero", O_RDONLY);

	TAILQ_INIT(&pgl);
	while ((pg = uvm_pagealloc(NULL, 0, NULL, 0)) != NULL) {
		memset(uvm_page_kva(pg), 0, (size_t)uvmexp.pagesize);
		if (zfd >= 0 && read(zfd, uvm_page_kva(pg),
		    (size_t)uvmexp.pagesize) < 0) {
			close(zfd);
			zfd = -1;
		}
		TAILQ_INSERT_TAIL(&pgl, pg, pageq);
	}
	if (zfd >= 0)
		close(zfd);
	while ((pg = TAILQ_FIRST(&pgl)) != NULL) {
		TAILQ_REMOVE(&pgl, pg, pageq);
		uvm_pagefree(pg);
	}
}

#endif /* _BENCH_BENCH_H_ */
