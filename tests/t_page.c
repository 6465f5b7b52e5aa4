/*
 * t_page: the page layer: uvm_pagealloc_strat, uvm_pagerealloc,
 * uvm_pagefree, the zero pool, reserves, free lists and colours, the
 * busy/wanted protocol, the paging queues and uvm_page_check.
 */
#include "h_machine.h"
#include "uvm/uvm_impl.h"

#include <stdlib.h>

#define P(n)	((paddr_t)(n) * (paddr_t)uvmexp.pagesize)

/* A small machine: two free lists, a hole, adjacent segments. */
static void
boot_segs(unsigned int pagesize, int ncolors)
{
	struct uvm_machine m;
	paddr_t ps = pagesize;

	uvm_machine_defaults(&m);
	m.m_quiet = true;
	m.m_pagesize = pagesize;
	m.m_ncolors = ncolors;
	m.m_nsegs = 3;
	/* [0, 64) avail [2, 64), free list 0 */
	m.m_segs[0] = (struct uvm_machine_seg){ 0, 64 * ps, 2 * ps, 64 * ps, 0 };
	/* hole [64, 80); [80, 128) free list 1 */
	m.m_segs[1] = (struct uvm_machine_seg){ 80 * ps, 128 * ps, 80 * ps,
	    128 * ps, 1 };
	/* [128, 160) free list 0, touching the one before */
	m.m_segs[2] = (struct uvm_machine_seg){ 128 * ps, 160 * ps, 128 * ps,
	    160 * ps, 0 };
	h_boot_machine(&m);
}

struct tobj {
	struct uvm_object o;
	kmutex_t lock;
};

static void
tobj_init(struct tobj *t)
{
	memset(t, 0, sizeof(*t));
	mutex_init(&t->lock, MUTEX_DEFAULT, IPL_NONE);
	t->o.vmobjlock = &t->lock;
	t->o.uo_refs = 1;
}

static bool
all_bytes(struct vm_page *pg, unsigned char c)
{
	const unsigned char *p = uvm_page_kva(pg);

	for (int i = 0; i < uvmexp.pagesize; i++)
		if (p[i] != c)
			return false;
	return true;
}

static int
freelist_of(struct vm_page *pg)
{
	psize_t off;
	uvm_physseg_t s = uvm_physseg_find(atop(VM_PAGE_TO_PHYS(pg)), &off);

	ATF_REQUIRE(uvm_physseg_valid_p(s));
	return uvm_physseg_get_free_list(s);
}

/* Allocate every page that plain allocation can get; return how many. */
static int
drain(struct vm_page **pgs, int max, int flags)
{
	int n = 0;
	struct vm_page *pg;

	while (n < max && (pg = uvm_pagealloc(NULL, 0, NULL, flags)) != NULL)
		pgs[n++] = pg;
	return n;
}

static void
release(struct vm_page **pgs, int n)
{
	for (int i = 0; i < n; i++)
		uvm_pagefree(pgs[i]);
}

ATF_TC_WITHOUT_HEAD(page_struct_fits_64_bytes);
ATF_TC_BODY(page_struct_fits_64_bytes, tc)
{
	ATF_CHECK(sizeof(struct vm_page) <= 64);
}

ATF_TC_WITHOUT_HEAD(boot_frees_every_available_page);
ATF_TC_BODY(boot_frees_every_available_page, tc)
{
	boot_segs(4096, 1);
	ATF_CHECK(uvm_page_init_done_p());
	/* 62 + 48 + 32 */
	ATF_CHECK_EQ(uvmexp.npages, 142);
	ATF_CHECK_EQ(uvmexp.free, 142);
	ATF_CHECK_EQ(uvmexp.active + uvmexp.inactive + uvmexp.wired, 0);
	ATF_CHECK_EQ(uvmexp.reserve_pagedaemon, 1);
	ATF_CHECK_EQ(uvmexp.reserve_kernel, 5);
	H_CHECK(NULL);
	h_shutdown();
	ATF_CHECK(!uvm_page_init_done_p());
}

static void
page_sizes_body(unsigned int ps)
{
	struct vm_page **pgs;
	int n;

	h_boot((psize_t)256 * ps, ps);
	ATF_REQUIRE_EQ(uvmexp.pagesize, (int)ps);
	ATF_CHECK_EQ(uvmexp.npages, 256);
	pgs = calloc(256, sizeof(*pgs));
	n = drain(pgs, 256, UVM_PGA_USERESERVE);
	ATF_CHECK_EQ(n, 256 - uvmexp.reserve_pagedaemon);
	H_CHECK(NULL);
	for (int i = 0; i < n; i++) {
		ATF_CHECK_EQ(VM_PAGE_TO_PHYS(pgs[i]) & (ps - 1), 0);
		ATF_CHECK_EQ(PHYS_TO_VM_PAGE(VM_PAGE_TO_PHYS(pgs[i])), pgs[i]);
		memset(uvm_page_kva(pgs[i]), 0x5a, ps);
	}
	release(pgs, n);
	ATF_CHECK_EQ(uvmexp.free, 256);
	pgs[0] = uvm_pagealloc(NULL, 0, NULL, UVM_PGA_ZERO);
	ATF_REQUIRE(pgs[0] != NULL);
	ATF_CHECK(all_bytes(pgs[0], 0));
	uvm_pagefree(pgs[0]);
	H_CHECK(NULL);
	free(pgs);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(page_sizes_4k_16k_64k);
ATF_TC_BODY(page_sizes_4k_16k_64k, tc)
{
	page_sizes_body(4096);
	page_sizes_body(16384);
	page_sizes_body(65536);
}

ATF_TC_WITHOUT_HEAD(pagealloc_returns_busy_owned_unqueued_page);
ATF_TC_BODY(pagealloc_returns_busy_owned_unqueued_page, tc)
{
	struct vm_page *pg;
	int free0;

	h_boot(0, 0);
	free0 = uvmexp.free;
	pg = uvm_pagealloc(NULL, 0, NULL, 0);
	ATF_REQUIRE(pg != NULL);
	ATF_CHECK_EQ(pg->flags, PG_BUSY | PG_CLEAN | PG_FAKE);
	ATF_CHECK_EQ(pg->pqflags & PQ_QMASK, 0);
	ATF_CHECK_EQ(pg->wire_count, 0);
	ATF_CHECK_EQ(pg->loan_count, 0);
	ATF_CHECK_EQ(pg->mdpage.mdpg_word, 0);
	ATF_CHECK_EQ(uvmexp.free, free0 - 1);
	H_CHECK(NULL);
	/* The pmap word is reset on every allocation. */
	pg->mdpage.mdpg_word = 0x40;
	uvm_pagefree(pg);
	ATF_CHECK_EQ(uvmexp.free, free0);
	H_CHECK(NULL);
	pg = uvm_pagealloc(NULL, 0, NULL, 0);	/* LIFO: the same page */
	ATF_REQUIRE(pg != NULL);
	ATF_CHECK_EQ(pg->mdpage.mdpg_word, 0);
	uvm_pagefree(pg);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(pagealloc_object_page_is_in_tree);
ATF_TC_BODY(pagealloc_object_page_is_in_tree, tc)
{
	struct tobj t;
	struct vm_page *pg, *pg2;
	voff_t off;

	h_boot(0, 0);
	tobj_init(&t);
	off = (voff_t)P(7);
	mutex_enter(&t.lock);
	pg = uvm_pagealloc(&t.o, off, NULL, 0);
	ATF_REQUIRE(pg != NULL);
	ATF_CHECK_EQ(pg->uobject, &t.o);
	ATF_CHECK_EQ(pg->uanon, NULL);
	ATF_CHECK_EQ(pg->offset, off);
	ATF_CHECK(pg->flags & PG_TABLED);
	ATF_CHECK_EQ(t.o.uo_npages, 1);
	ATF_CHECK_EQ(uvm_pagelookup(&t.o, off), pg);
	ATF_CHECK_EQ(uvm_pagelookup(&t.o, (voff_t)P(8)), NULL);
	pg2 = uvm_pagealloc(&t.o, 0, NULL, 0);
	ATF_REQUIRE(pg2 != NULL);
	ATF_CHECK_EQ(t.o.uo_npages, 2);
	mutex_exit(&t.lock);
	H_CHECK(NULL);
	mutex_enter(&t.lock);
	uvm_pagefree(pg);
	ATF_CHECK_EQ(uvm_pagelookup(&t.o, off), NULL);
	ATF_CHECK_EQ(uvm_pagelookup(&t.o, 0), pg2);
	ATF_CHECK_EQ(t.o.uo_npages, 1);
	uvm_pagefree(pg2);
	ATF_CHECK_EQ(t.o.uo_npages, 0);
	mutex_exit(&t.lock);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(pagealloc_anon_page_counts_as_anon);
ATF_TC_BODY(pagealloc_anon_page_counts_as_anon, tc)
{
	struct vm_anon an = { .an_ref = 1 };
	struct vm_page *pg;

	h_boot(0, 0);
	pg = uvm_pagealloc(NULL, 0, &an, 0);
	ATF_REQUIRE(pg != NULL);
	ATF_CHECK_EQ(an.an_page, pg);
	ATF_CHECK_EQ(pg->uanon, &an);
	ATF_CHECK(pg->flags & PG_ANON);
	ATF_CHECK_EQ(uvmexp.anonpages, 1);
	H_CHECK(NULL);
	uvm_pagefree(pg);
	ATF_CHECK_EQ(an.an_page, NULL);
	ATF_CHECK_EQ(uvmexp.anonpages, 0);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(pagealloc_aobj_page_counts_as_anon);
ATF_TC_BODY(pagealloc_aobj_page_counts_as_anon, tc)
{
	struct uvm_object *uobj;
	struct vm_page *pg;
	int a0, f0;

	h_boot(0, 0);
	uobj = uao_create(4 * PAGE_SIZE, 0);
	ATF_REQUIRE(uobj != NULL);
	a0 = uvmexp.anonpages;
	f0 = uvmexp.filepages;
	mutex_enter(uobj->vmobjlock);
	pg = uvm_pagealloc(uobj, PAGE_SIZE, NULL, 0);
	ATF_REQUIRE(pg != NULL);
	ATF_CHECK_EQ(pg->flags & (PG_AOBJ | PG_FILE | PG_ANON), PG_AOBJ);
	ATF_CHECK_EQ(uvmexp.anonpages, a0 + 1);
	ATF_CHECK_EQ(uvmexp.filepages, f0);
	mutex_exit(uobj->vmobjlock);
	H_CHECK(NULL);
	mutex_enter(uobj->vmobjlock);
	uvm_pagefree(pg);
	ATF_CHECK_EQ(uvmexp.anonpages, a0);
	mutex_exit(uobj->vmobjlock);
	uao_detach(uobj);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(pagealloc_contract_violations_panic);
ATF_TC_BODY(pagealloc_contract_violations_panic, tc)
{
	struct vm_anon an = { .an_ref = 1 };
	struct tobj t;

	h_boot(0, 0);
	tobj_init(&t);
	/* Unlocked object. */
	ATF_CHECK(H_PANICS(uvm_pagealloc(&t.o, 0, NULL, 0)));
	mutex_enter(&t.lock);
	/* Both owners; unaligned offset; unknown flag. */
	ATF_CHECK(H_PANICS(uvm_pagealloc(&t.o, 0, &an, 0)));
	ATF_CHECK(H_PANICS(uvm_pagealloc(&t.o, 100, NULL, 0)));
	ATF_CHECK(H_PANICS(uvm_pagealloc(&t.o, 0, NULL, 0x100)));
	/* Bad strategy, bad free list. */
	ATF_CHECK(H_PANICS(uvm_pagealloc_strat(NULL, 0, NULL, 0, 7, 0)));
	ATF_CHECK(H_PANICS(uvm_pagealloc_strat(NULL, 0, NULL, 0,
	    UVM_PGA_STRAT_ONLY, VM_NFREELIST)));
	ATF_CHECK(H_PANICS(uvm_pagealloc_strat(NULL, 0, NULL, 0,
	    UVM_PGA_STRAT_FALLBACK, -1)));
	mutex_exit(&t.lock);
	ATF_CHECK_EQ(uvmexp.free, uvmexp.npages);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(pagealloc_zero_returns_zeroed_page);
ATF_TC_BODY(pagealloc_zero_returns_zeroed_page, tc)
{
	struct vm_page *pg;
	int miss0;

	h_boot(0, 0);
	pg = uvm_pagealloc(NULL, 0, NULL, 0);
	ATF_REQUIRE(pg != NULL);
	memset(uvm_page_kva(pg), 0xa5, uvmexp.pagesize);
	uvm_pagefree(pg);		/* dirty, not PG_ZERO */
	ATF_CHECK_EQ(uvmexp.zeropages, 0);
	miss0 = uvmexp.pga_zeromiss;
	pg = uvm_pagealloc(NULL, 0, NULL, UVM_PGA_ZERO);
	ATF_REQUIRE(pg != NULL);
	ATF_CHECK(all_bytes(pg, 0));
	ATF_CHECK_EQ(uvmexp.pga_zeromiss, miss0 + 1);
	ATF_CHECK_EQ(uvmexp.pga_zerohit, 0);
	/* Zero-filled means dirty: no backing store holds it. */
	ATF_CHECK_EQ(pg->flags, PG_BUSY | PG_DIRTY);
	uvm_pagefree(pg);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(pagealloc_zero_pool_reused);
ATF_TC_BODY(pagealloc_zero_pool_reused, tc)
{
	struct vm_page *pg, *z, *other;

	h_boot(0, 0);
	z = uvm_pagealloc(NULL, 0, NULL, UVM_PGA_ZERO);
	ATF_REQUIRE(z != NULL);
	z->flags |= PG_ZERO;
	uvm_pagefree(z);
	ATF_CHECK_EQ(uvmexp.zeropages, 1);
	H_CHECK(NULL);
	/* A plain allocation leaves the zero pool alone. */
	other = uvm_pagealloc(NULL, 0, NULL, 0);
	ATF_REQUIRE(other != NULL);
	ATF_CHECK(other != z);
	ATF_CHECK_EQ(uvmexp.zeropages, 1);
	/* A zero request takes the pooled page without zeroing. */
	memset(uvm_page_kva(other), 0x11, uvmexp.pagesize);
	pg = uvm_pagealloc(NULL, 0, NULL, UVM_PGA_ZERO);
	ATF_CHECK_EQ(pg, z);
	ATF_CHECK_EQ(uvmexp.pga_zerohit, 1);
	ATF_CHECK_EQ(uvmexp.pga_zeromiss, 1);
	ATF_CHECK_EQ(uvmexp.zeropages, 0);
	ATF_CHECK(all_bytes(pg, 0));
	ATF_CHECK_EQ(pg->flags & PG_ZERO, 0);
	H_CHECK(NULL);
	uvm_pagefree(pg);
	uvm_pagefree(other);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(pagealloc_zero_pool_serves_plain_requests_last);
ATF_TC_BODY(pagealloc_zero_pool_serves_plain_requests_last, tc)
{
	struct vm_page *pgs[16];
	int n;

	h_boot((psize_t)16 * 4096, 4096);
	n = drain(pgs, 16, UVM_PGA_USERESERVE);
	ATF_REQUIRE_EQ(n, 15);
	for (int i = 0; i < n; i++) {
		uvm_pagezero(pgs[i]);
		pgs[i]->flags |= PG_ZERO;
	}
	release(pgs, n);
	ATF_CHECK_EQ(uvmexp.zeropages, 15);
	H_CHECK(NULL);
	/*
	 * Plain requests take the one page of unknown contents first, then
	 * dig into the zero pool.
	 */
	pgs[0] = uvm_pagealloc(NULL, 0, NULL, 0);
	ATF_REQUIRE(pgs[0] != NULL);
	ATF_CHECK_EQ(uvmexp.zeropages, 15);
	n = 1 + drain(pgs + 1, 15, UVM_PGA_USERESERVE);
	ATF_CHECK_EQ(n, 15);
	ATF_CHECK_EQ(uvmexp.zeropages, 1);
	release(pgs, n);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(pageidlezero_fills_zero_pool);
ATF_TC_BODY(pageidlezero_fills_zero_pool, tc)
{
	struct vm_page *pgs[32];
	int n, hit0;

	h_boot((psize_t)32 * 4096, 4096);
	n = drain(pgs, 32, UVM_PGA_USERESERVE);
	for (int i = 0; i < n; i++)
		memset(uvm_page_kva(pgs[i]), 0x99, uvmexp.pagesize);
	release(pgs, n);
	ATF_CHECK_EQ(uvmexp.zeropages, 0);
	ATF_CHECK_EQ(uvm_pageidlezero(5), 5);
	ATF_CHECK_EQ(uvmexp.zeropages, 5);
	ATF_CHECK_EQ(uvmexp.free, 32);
	H_CHECK(NULL);
	/* Pool pages serve zero requests without zeroing, really zero. */
	hit0 = uvmexp.pga_zerohit;
	for (int i = 0; i < 5; i++) {
		pgs[i] = uvm_pagealloc(NULL, 0, NULL, UVM_PGA_ZERO);
		ATF_REQUIRE(pgs[i] != NULL);
		ATF_CHECK(all_bytes(pgs[i], 0));
	}
	ATF_CHECK_EQ(uvmexp.pga_zerohit, hit0 + 5);
	ATF_CHECK_EQ(uvmexp.zeropages, 0);
	release(pgs, 5);		/* not PG_ZERO: back to unknown */
	/* It zeroes only what is not zero yet, and stops when done. */
	ATF_CHECK_EQ(uvm_pageidlezero(100), 32);
	ATF_CHECK_EQ(uvm_pageidlezero(100), 0);
	ATF_CHECK_EQ(uvmexp.zeropages, 32);
	H_CHECK(NULL);
	/* Down at the kernel reserve it gives up. */
	n = drain(pgs, 32, 0);
	ATF_REQUIRE_EQ(uvmexp.free, uvmexp.reserve_kernel);
	ATF_CHECK_EQ(uvm_pageidlezero(1), 0);
	ATF_CHECK_EQ(uvmexp.zeroaborts, 1);
	release(pgs, n);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(pagealloc_reserves_refused_without_userreserve);
ATF_TC_BODY(pagealloc_reserves_refused_without_userreserve, tc)
{
	struct vm_page *pgs[64], *pg;
	struct lwp *me = curlwp;
	int n, m;

	h_boot((psize_t)64 * 4096, 4096);
	n = drain(pgs, 64, 0);
	ATF_CHECK_EQ(uvmexp.free, uvmexp.reserve_kernel);
	ATF_CHECK_EQ(n, 64 - uvmexp.reserve_kernel);
	ATF_CHECK_EQ(uvm_pagealloc(NULL, 0, NULL, UVM_PGA_ZERO), NULL);
	H_CHECK(NULL);
	/* The kernel reserve is granted with USERESERVE ... */
	m = drain(pgs + n, 64 - n, UVM_PGA_USERESERVE);
	ATF_CHECK_EQ(m, uvmexp.reserve_kernel - uvmexp.reserve_pagedaemon);
	ATF_CHECK_EQ(uvmexp.free, uvmexp.reserve_pagedaemon);
	n += m;
	/* ... but the pagedaemon's only to the pagedaemon. */
	ATF_CHECK_EQ(uvm_pagealloc(NULL, 0, NULL, UVM_PGA_USERESERVE), NULL);
	uvm_pagedaemon_lwp = me;
	ATF_CHECK_EQ(uvm_pagealloc(NULL, 0, NULL, 0), NULL);
	pg = uvm_pagealloc(NULL, 0, NULL, UVM_PGA_USERESERVE);
	ATF_REQUIRE(pg != NULL);
	pgs[n++] = pg;
	ATF_CHECK_EQ(uvmexp.free, 0);
	ATF_CHECK_EQ(uvm_pagealloc(NULL, 0, NULL, UVM_PGA_USERESERVE), NULL);
	uvm_pagedaemon_lwp = NULL;
	H_CHECK(NULL);
	/* LW_PAGEDAEMON identifies the daemon too. */
	uvm_pagefree(pgs[--n]);
	ATF_CHECK_EQ(uvm_pagealloc(NULL, 0, NULL, UVM_PGA_USERESERVE), NULL);
	me->l_flag |= LW_PAGEDAEMON;
	pg = uvm_pagealloc(NULL, 0, NULL, UVM_PGA_USERESERVE);
	me->l_flag &= ~LW_PAGEDAEMON;
	ATF_REQUIRE(pg != NULL);
	pgs[n++] = pg;
	release(pgs, n);
	ATF_CHECK_EQ(uvmexp.free, 64);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(pagealloc_kernel_object_uses_kernel_reserve);
ATF_TC_BODY(pagealloc_kernel_object_uses_kernel_reserve, tc)
{
	struct vm_page *pgs[64];
	struct tobj k;
	int n, m = 0;

	h_boot((psize_t)64 * 4096, 4096);
	tobj_init(&k);
	k.o.uo_refs = (unsigned)UVM_OBJ_KERN;
	n = drain(pgs, 64, 0);
	ATF_REQUIRE_EQ(uvmexp.free, uvmexp.reserve_kernel);
	mutex_enter(&k.lock);
	while (uvm_pagealloc(&k.o, (voff_t)P(m), NULL, 0) != NULL)
		m++;
	ATF_CHECK_EQ(m, uvmexp.reserve_kernel - uvmexp.reserve_pagedaemon);
	ATF_CHECK_EQ(k.o.uo_npages, m);
	for (int i = 0; i < m; i++)
		uvm_pagefree(uvm_pagelookup(&k.o, (voff_t)P(i)));
	mutex_exit(&k.lock);
	release(pgs, n);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(pagealloc_fault_injection_fails_allocation);
ATF_TC_BODY(pagealloc_fault_injection_fails_allocation, tc)
{
	struct vm_page *pg;
	int free0;

	h_boot(0, 0);
	free0 = uvmexp.free;
	kern_fault_set(KFI_PAGE, 1, 0);
	ATF_CHECK_EQ(uvm_pagealloc(NULL, 0, NULL, 0), NULL);
	kern_fault_clear();
	ATF_CHECK_EQ(uvmexp.free, free0);
	pg = uvm_pagealloc(NULL, 0, NULL, 0);
	ATF_CHECK(pg != NULL);
	uvm_pagefree(pg);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(strat_normal_walks_free_lists_in_order);
ATF_TC_BODY(strat_normal_walks_free_lists_in_order, tc)
{
	struct vm_page *pgs[160];
	int n = 0;

	boot_segs(4096, 1);
	/* free list 0 has 94 pages, free list 1 has 48. */
	for (; n < 94; n++) {
		pgs[n] = uvm_pagealloc(NULL, 0, NULL, 0);
		ATF_REQUIRE(pgs[n] != NULL);
		ATF_CHECK_EQ(freelist_of(pgs[n]), 0);
		ATF_CHECK_EQ(uvm_page_lookup_freelist(pgs[n]), 0);
	}
	pgs[n] = uvm_pagealloc(NULL, 0, NULL, 0);
	ATF_REQUIRE(pgs[n] != NULL);
	ATF_CHECK_EQ(freelist_of(pgs[n]), 1);
	ATF_CHECK_EQ(uvm_page_lookup_freelist(pgs[n]), 1);
	n++;
	H_CHECK(NULL);
	release(pgs, n);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(strat_only_and_fallback);
ATF_TC_BODY(strat_only_and_fallback, tc)
{
	struct vm_page *pgs[160], *pg;
	int n = 0;

	boot_segs(4096, 1);
	while ((pg = uvm_pagealloc_strat(NULL, 0, NULL, 0, UVM_PGA_STRAT_ONLY,
	    1)) != NULL) {
		ATF_CHECK_EQ(freelist_of(pg), 1);
		pgs[n++] = pg;
	}
	ATF_CHECK_EQ(n, 48);
	H_CHECK(NULL);
	/* Free list 3 is empty: ONLY fails, FALLBACK uses free list 0. */
	ATF_CHECK_EQ(uvm_pagealloc_strat(NULL, 0, NULL, 0, UVM_PGA_STRAT_ONLY,
	    3), NULL);
	pg = uvm_pagealloc_strat(NULL, 0, NULL, 0, UVM_PGA_STRAT_FALLBACK, 1);
	ATF_REQUIRE(pg != NULL);
	ATF_CHECK_EQ(freelist_of(pg), 0);
	pgs[n++] = pg;
	/* FALLBACK takes the asked-for list first when it has pages. */
	uvm_pagefree(pgs[0]);
	pg = uvm_pagealloc_strat(NULL, 0, NULL, 0, UVM_PGA_STRAT_FALLBACK, 1);
	ATF_CHECK_EQ(pg, pgs[0]);
	pgs[0] = pg;
	H_CHECK(NULL);
	release(pgs, n);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(colours_are_handed_out_round_robin);
ATF_TC_BODY(colours_are_handed_out_round_robin, tc)
{
	struct vm_page *pgs[160];
	int n, hit0, miss0;

	boot_segs(4096, 4);
	ATF_REQUIRE_EQ(uvmexp.ncolors, 4);
	hit0 = uvmexp.colorhit;
	for (n = 0; n < 8; n++) {
		pgs[n] = uvm_pagealloc(NULL, 0, NULL, 0);
		ATF_REQUIRE(pgs[n] != NULL);
		ATF_CHECK_EQ(VM_PGCOLOR(pgs[n]), (unsigned)n % 4);
	}
	ATF_CHECK_EQ(uvmexp.colorhit, hit0 + 8);
	ATF_CHECK_EQ(uvmexp.colormiss, 0);
	H_CHECK(NULL);
	/* Empty colour 1 of every list: asking for it misses. */
	uvm_pagedaemon_lwp = curlwp;
	while (n < 160 && (pgs[n] = uvm_pagealloc(NULL, 0, NULL,
	    UVM_PGA_USERESERVE)) != NULL)
		n++;
	uvm_pagedaemon_lwp = NULL;
	ATF_REQUIRE_EQ(uvmexp.free, 0);
	for (int i = 0; i < n; i++)
		if (VM_PGCOLOR(pgs[i]) != 1) {
			uvm_pagefree(pgs[i]);
			pgs[i] = pgs[--n];
			i--;
		}
	H_CHECK(NULL);
	miss0 = uvmexp.colormiss;
	for (int i = 0; i < 4; i++) {
		pgs[n] = uvm_pagealloc(NULL, 0, NULL, 0);
		ATF_REQUIRE(pgs[n] != NULL);
		ATF_CHECK(VM_PGCOLOR(pgs[n]) != 1);
		n++;
	}
	/* One of four consecutive requests wanted colour 1. */
	ATF_CHECK_EQ(uvmexp.colormiss, miss0 + 1);
	H_CHECK(NULL);
	release(pgs, n);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(pagefree_twice_panics);
ATF_TC_BODY(pagefree_twice_panics, tc)
{
	struct vm_page *pg;

	h_boot(0, 0);
	pg = uvm_pagealloc(NULL, 0, NULL, 0);
	ATF_REQUIRE(pg != NULL);
	uvm_pagefree(pg);
	H_CHECK(NULL);
	ATF_CHECK(H_PANICS(uvm_pagefree(pg)));
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(pagefree_unwires_and_dequeues);
ATF_TC_BODY(pagefree_unwires_and_dequeues, tc)
{
	struct vm_page *a, *b, *c;

	h_boot(0, 0);
	a = uvm_pagealloc(NULL, 0, NULL, 0);
	b = uvm_pagealloc(NULL, 0, NULL, 0);
	c = uvm_pagealloc(NULL, 0, NULL, 0);
	ATF_REQUIRE(a && b && c);
	uvm_pagewire(a);
	uvm_pagewire(a);
	uvm_pageactivate(b);
	uvm_pagedeactivate(c);
	ATF_CHECK_EQ(uvmexp.wired, 1);
	ATF_CHECK_EQ(uvmexp.active, 1);
	ATF_CHECK_EQ(uvmexp.inactive, 1);
	H_CHECK(NULL);
	uvm_pagefree(a);
	uvm_pagefree(b);
	uvm_pagefree(c);
	ATF_CHECK_EQ(uvmexp.wired, 0);
	ATF_CHECK_EQ(uvmexp.active, 0);
	ATF_CHECK_EQ(uvmexp.inactive, 0);
	ATF_CHECK_EQ(uvmexp.free, uvmexp.npages);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(pagefree_wakes_waiters_of_wanted_page);
ATF_TC_BODY(pagefree_wakes_waiters_of_wanted_page, tc)
{
	struct vm_page *pg;

	h_boot(0, 0);
	pg = uvm_pagealloc(NULL, 0, NULL, 0);
	ATF_REQUIRE(pg != NULL);
	pg->flags |= PG_WANTED;
	uvm_pagefree(pg);
	ATF_CHECK_EQ(pg->flags & PG_WANTED, 0);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(pagefree_loaned_object_page_stays_with_borrower);
ATF_TC_BODY(pagefree_loaned_object_page_stays_with_borrower, tc)
{
	struct tobj t;
	struct vm_page *pg;
	int free0;

	h_boot(0, 0);
	tobj_init(&t);
	free0 = uvmexp.free;
	mutex_enter(&t.lock);
	pg = uvm_pagealloc(&t.o, 0, NULL, 0);
	ATF_REQUIRE(pg != NULL);
	pg->flags &= ~PG_BUSY;
	pg->loan_count = 1;		/* lent to the kernel */
	uvm_pageactivate(pg);
	uvm_pagefree(pg);
	ATF_CHECK_EQ(uvm_pagelookup(&t.o, 0), NULL);
	ATF_CHECK_EQ(t.o.uo_npages, 0);
	mutex_exit(&t.lock);
	ATF_CHECK_EQ(pg->uobject, NULL);
	ATF_CHECK_EQ(pg->pqflags & PQ_QMASK, 0);
	ATF_CHECK(pg->flags & PG_DIRTY);
	ATF_CHECK_EQ(pg->flags & PG_CLEAN, 0);
	ATF_CHECK_EQ(uvmexp.free, free0 - 1);
	ATF_CHECK_EQ(uvmexp.active, 0);
	H_CHECK(NULL);
	/* The borrower ends the loan and frees it. */
	pg->loan_count = 0;
	uvm_pagefree(pg);
	ATF_CHECK_EQ(uvmexp.free, free0);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(pagefree_loaned_anon_page_drops_anon);
ATF_TC_BODY(pagefree_loaned_anon_page_drops_anon, tc)
{
	struct vm_anon an = { .an_ref = 1 };
	struct vm_page *pg;

	h_boot(0, 0);
	pg = uvm_pagealloc(NULL, 0, &an, 0);
	ATF_REQUIRE(pg != NULL);
	pg->loan_count = 1;
	ATF_CHECK_EQ(uvmexp.anonpages, 1);
	uvm_pagefree(pg);
	ATF_CHECK_EQ(an.an_page, NULL);
	ATF_CHECK_EQ(pg->uanon, NULL);
	ATF_CHECK_EQ(pg->flags & (PG_ANON | PG_BUSY), 0);
	ATF_CHECK_EQ(uvmexp.anonpages, 0);
	ATF_CHECK_EQ(pg->pqflags & PQ_FREE, 0);
	H_CHECK(NULL);
	pg->loan_count = 0;
	uvm_pagefree(pg);
	ATF_CHECK_EQ(uvmexp.free, uvmexp.npages);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(pagerealloc_moves_page_between_objects);
ATF_TC_BODY(pagerealloc_moves_page_between_objects, tc)
{
	struct tobj a, b;
	struct vm_page *pg, *other;

	h_boot(0, 0);
	tobj_init(&a);
	tobj_init(&b);
	mutex_enter(&a.lock);
	mutex_enter(&b.lock);
	pg = uvm_pagealloc(&a.o, (voff_t)P(3), NULL, 0);
	ATF_REQUIRE(pg != NULL);
	uvm_pagerealloc(pg, &b.o, (voff_t)P(9));
	ATF_CHECK_EQ(uvm_pagelookup(&a.o, (voff_t)P(3)), NULL);
	ATF_CHECK_EQ(uvm_pagelookup(&b.o, (voff_t)P(9)), pg);
	ATF_CHECK_EQ(pg->uobject, &b.o);
	ATF_CHECK_EQ(pg->offset, (voff_t)P(9));
	ATF_CHECK_EQ(a.o.uo_npages, 0);
	ATF_CHECK_EQ(b.o.uo_npages, 1);
	H_CHECK(NULL);
	/* Within one object. */
	uvm_pagerealloc(pg, &b.o, 0);
	ATF_CHECK_EQ(uvm_pagelookup(&b.o, (voff_t)P(9)), NULL);
	ATF_CHECK_EQ(uvm_pagelookup(&b.o, 0), pg);
	/* Onto a taken offset: contract violation. */
	other = uvm_pagealloc(&a.o, 0, NULL, 0);
	ATF_REQUIRE(other != NULL);
	ATF_CHECK(H_PANICS(uvm_pagerealloc(other, &b.o, 0)));
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(pagerealloc_to_null_disowns);
ATF_TC_BODY(pagerealloc_to_null_disowns, tc)
{
	struct tobj a;
	struct vm_page *pg;

	h_boot(0, 0);
	tobj_init(&a);
	mutex_enter(&a.lock);
	pg = uvm_pagealloc(&a.o, (voff_t)P(1), NULL, 0);
	ATF_REQUIRE(pg != NULL);
	uvm_pagerealloc(pg, NULL, 0);
	ATF_CHECK_EQ(pg->uobject, NULL);
	ATF_CHECK_EQ(pg->flags & PG_TABLED, 0);
	ATF_CHECK_EQ(a.o.uo_npages, 0);
	ATF_CHECK_EQ(uvm_pagelookup(&a.o, (voff_t)P(1)), NULL);
	mutex_exit(&a.lock);
	H_CHECK(NULL);
	uvm_pagefree(pg);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(queues_keep_counters);
ATF_TC_BODY(queues_keep_counters, tc)
{
	struct vm_page *pg;

	h_boot(0, 0);
	pg = uvm_pagealloc(NULL, 0, NULL, 0);
	ATF_REQUIRE(pg != NULL);
	uvm_pageenqueue(pg);
	ATF_CHECK_EQ(pg->pqflags & PQ_QMASK, PQ_ACTIVE);
	ATF_CHECK_EQ(uvmexp.active, 1);
	uvm_pageenqueue(pg);
	uvm_pageactivate(pg);
	ATF_CHECK_EQ(uvmexp.active, 1);
	H_CHECK(NULL);
	uvm_pagedeactivate(pg);
	ATF_CHECK_EQ(pg->pqflags & PQ_QMASK, PQ_INACTIVE);
	ATF_CHECK_EQ(uvmexp.active, 0);
	ATF_CHECK_EQ(uvmexp.inactive, 1);
	uvm_pagedeactivate(pg);
	ATF_CHECK_EQ(uvmexp.inactive, 1);
	uvm_pageenqueue(pg);		/* already queued: stays inactive */
	ATF_CHECK_EQ(pg->pqflags & PQ_QMASK, PQ_INACTIVE);
	H_CHECK(NULL);
	uvm_pagedequeue(pg);
	ATF_CHECK_EQ(pg->pqflags & PQ_QMASK, 0);
	ATF_CHECK_EQ(uvmexp.active + uvmexp.inactive, 0);
	uvm_pagedequeue(pg);
	H_CHECK(NULL);
	/* With the queue lock held by the caller. */
	mutex_enter(&uvm_pageqlock);
	uvm_pageactivate(pg);
	uvm_pagedeactivate(pg);
	mutex_exit(&uvm_pageqlock);
	ATF_CHECK_EQ(uvmexp.inactive, 1);
	H_CHECK(NULL);
	uvm_pagefree(pg);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(wire_nests_and_last_unwire_activates);
ATF_TC_BODY(wire_nests_and_last_unwire_activates, tc)
{
	struct vm_page *pg;

	h_boot(0, 0);
	pg = uvm_pagealloc(NULL, 0, NULL, 0);
	ATF_REQUIRE(pg != NULL);
	uvm_pageactivate(pg);
	uvm_pagewire(pg);
	ATF_CHECK_EQ(pg->pqflags & PQ_QMASK, 0);
	ATF_CHECK_EQ(uvmexp.active, 0);
	ATF_CHECK_EQ(uvmexp.wired, 1);
	uvm_pagewire(pg);
	ATF_CHECK_EQ(pg->wire_count, 2);
	ATF_CHECK_EQ(uvmexp.wired, 1);
	/* Queue moves of a wired page are ignored. */
	uvm_pageactivate(pg);
	uvm_pagedeactivate(pg);
	uvm_pageenqueue(pg);
	ATF_CHECK_EQ(pg->pqflags & PQ_QMASK, 0);
	H_CHECK(NULL);
	uvm_pageunwire(pg);
	ATF_CHECK_EQ(uvmexp.wired, 1);
	uvm_pageunwire(pg);
	ATF_CHECK_EQ(uvmexp.wired, 0);
	ATF_CHECK_EQ(pg->pqflags & PQ_QMASK, PQ_ACTIVE);
	ATF_CHECK_EQ(uvmexp.active, 1);
	H_CHECK(NULL);
	ATF_CHECK(H_PANICS(uvm_pageunwire(pg)));
	ATF_CHECK(mutex_owned(&uvm_pageqlock));	/* the panic left it held */
	mutex_exit(&uvm_pageqlock);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(queue_ops_on_free_page_panic);
ATF_TC_BODY(queue_ops_on_free_page_panic, tc)
{
	struct vm_page *pg;

	h_boot(0, 0);
	pg = uvm_pagealloc(NULL, 0, NULL, 0);
	ATF_REQUIRE(pg != NULL);
	uvm_pagefree(pg);
	ATF_CHECK(H_PANICS(uvm_pageactivate(pg)));
	ATF_CHECK(mutex_owned(&uvm_pageqlock));	/* the panic left it held */
	mutex_exit(&uvm_pageqlock);
	h_shutdown();
}

struct waiter {
	struct tobj	*t;
	voff_t		off;
	volatile int	done;
};

static void
waiter_main(void *arg)
{
	struct waiter *w = arg;
	struct vm_page *pg;

	mutex_enter(&w->t->lock);
	while ((pg = uvm_pagelookup(&w->t->o, w->off)) != NULL &&
	    (pg->flags & PG_BUSY)) {
		uvm_pagewait(pg, &w->t->lock, "twait");
		mutex_enter(&w->t->lock);
	}
	w->done = pg != NULL ? 1 : 2;
	mutex_exit(&w->t->lock);
	kthread_exit(0);
}

static void
wait_for_wanted(struct tobj *t, struct vm_page *pg)
{
	for (;;) {
		bool wanted;

		mutex_enter(&t->lock);
		wanted = (pg->flags & PG_WANTED) != 0;
		mutex_exit(&t->lock);
		if (wanted)
			return;
		kpause("twant", false, 1, NULL);
	}
}

ATF_TC_WITHOUT_HEAD(pagewait_sleeps_until_unbusy);
ATF_TC_BODY(pagewait_sleeps_until_unbusy, tc)
{
	struct tobj t;
	struct waiter w;
	struct vm_page *pg;
	struct lwp *l;

	h_boot(0, 0);
	tobj_init(&t);
	mutex_enter(&t.lock);
	pg = uvm_pagealloc(&t.o, 0, NULL, 0);
	ATF_REQUIRE(pg != NULL);
	mutex_exit(&t.lock);
	w = (struct waiter){ &t, 0, 0 };
	ATF_REQUIRE_EQ(kthread_create(PRI_NONE, KTHREAD_MUSTJOIN, NULL,
	    waiter_main, &w, &l, "waiter"), 0);
	wait_for_wanted(&t, pg);
	ATF_CHECK_EQ(w.done, 0);
	mutex_enter(&t.lock);
	uvm_pageunbusy(pg);
	ATF_CHECK_EQ(pg->flags & (PG_BUSY | PG_WANTED), 0);
	mutex_exit(&t.lock);
	kthread_join(l);
	ATF_CHECK_EQ(w.done, 1);
	mutex_enter(&t.lock);
	uvm_pagefree(pg);
	mutex_exit(&t.lock);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(pageunbusy_frees_released_page);
ATF_TC_BODY(pageunbusy_frees_released_page, tc)
{
	struct tobj t;
	struct waiter w;
	struct vm_page *pg;
	struct lwp *l;

	h_boot(0, 0);
	tobj_init(&t);
	mutex_enter(&t.lock);
	pg = uvm_pagealloc(&t.o, (voff_t)P(2), NULL, 0);
	ATF_REQUIRE(pg != NULL);
	mutex_exit(&t.lock);
	w = (struct waiter){ &t, (voff_t)P(2), 0 };
	ATF_REQUIRE_EQ(kthread_create(PRI_NONE, KTHREAD_MUSTJOIN, NULL,
	    waiter_main, &w, &l, "waiter"), 0);
	wait_for_wanted(&t, pg);
	mutex_enter(&t.lock);
	pg->flags |= PG_RELEASED;
	uvm_pageunbusy(pg);
	ATF_CHECK(pg->pqflags & PQ_FREE);
	ATF_CHECK_EQ(uvm_pagelookup(&t.o, (voff_t)P(2)), NULL);
	mutex_exit(&t.lock);
	kthread_join(l);
	ATF_CHECK_EQ(w.done, 2);		/* woke and found it gone */
	ATF_CHECK_EQ(uvmexp.free, uvmexp.npages);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(page_unbusy_handles_arrays_with_holes);
ATF_TC_BODY(page_unbusy_handles_arrays_with_holes, tc)
{
	struct tobj t;
	struct vm_page *pgs[4];

	h_boot(0, 0);
	tobj_init(&t);
	mutex_enter(&t.lock);
	pgs[0] = uvm_pagealloc(&t.o, 0, NULL, 0);
	pgs[1] = NULL;
	pgs[2] = uvm_pagealloc(&t.o, (voff_t)P(2), NULL, 0);
	pgs[3] = uvm_pagealloc(&t.o, (voff_t)P(3), NULL, 0);
	pgs[3]->flags |= PG_RELEASED | PG_WANTED;
	uvm_page_unbusy(pgs, 4);
	ATF_CHECK_EQ(pgs[0]->flags & PG_BUSY, 0);
	ATF_CHECK_EQ(pgs[2]->flags & PG_BUSY, 0);
	ATF_CHECK(pgs[3]->pqflags & PQ_FREE);
	ATF_CHECK_EQ(t.o.uo_npages, 2);
	ATF_CHECK(H_PANICS(uvm_pageunbusy(pgs[0])));	/* not busy */
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(pagewakeup_clears_wanted);
ATF_TC_BODY(pagewakeup_clears_wanted, tc)
{
	struct vm_page *pg;

	h_boot(0, 0);
	pg = uvm_pagealloc(NULL, 0, NULL, 0);
	ATF_REQUIRE(pg != NULL);
	pg->flags |= PG_WANTED;
	uvm_pagewakeup(pg);
	ATF_CHECK_EQ(pg->flags & PG_WANTED, 0);
	ATF_CHECK(pg->flags & PG_BUSY);
	uvm_pagewakeup(pg);
	ATF_CHECK(pg->flags & PG_BUSY);
	uvm_pagefree(pg);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(pagezero_and_pagecopy_move_bytes);
ATF_TC_BODY(pagezero_and_pagecopy_move_bytes, tc)
{
	struct vm_page *a, *b;

	h_boot(0, 16384);
	a = uvm_pagealloc(NULL, 0, NULL, 0);
	b = uvm_pagealloc(NULL, 0, NULL, 0);
	ATF_REQUIRE(a && b);
	memset(uvm_page_kva(a), 0x77, uvmexp.pagesize);
	memset(uvm_page_kva(b), 0x01, uvmexp.pagesize);
	uvm_pagecopy(a, b);
	ATF_CHECK(all_bytes(b, 0x77));
	ATF_CHECK_EQ(b->flags & (PG_CLEAN | PG_DIRTY), PG_DIRTY);
	ATF_CHECK_EQ(a->flags & (PG_CLEAN | PG_DIRTY), PG_CLEAN);
	uvm_pagezero(a);
	ATF_CHECK(all_bytes(a, 0));
	ATF_CHECK(all_bytes(b, 0x77));
	ATF_CHECK_EQ(a->flags & (PG_CLEAN | PG_DIRTY), PG_DIRTY);
	ATF_CHECK_EQ(uvm_page_kva(a), PMAP_DIRECT_MAP(VM_PAGE_TO_PHYS(a)));
	uvm_pagefree(a);
	uvm_pagefree(b);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(pagecheckdirty_transitions);
ATF_TC_BODY(pagecheckdirty_transitions, tc)
{
	struct vm_page *pg;

	h_boot(0, 0);
	pg = uvm_pagealloc(NULL, 0, NULL, 0);
	ATF_REQUIRE(pg != NULL);
	/* CLEAN stays CLEAN, not modified. */
	ATF_CHECK(!uvm_pagecheckdirty(pg, false));
	ATF_CHECK_EQ(pg->flags & (PG_CLEAN | PG_DIRTY), PG_CLEAN);
	/* DIRTY, not protected: modified, becomes unknown. */
	uvm_pagezero(pg);
	ATF_CHECK(uvm_pagecheckdirty(pg, false));
	ATF_CHECK_EQ(pg->flags & (PG_CLEAN | PG_DIRTY), 0);
	/* DIRTY, protected: modified, becomes CLEAN. */
	uvm_pagezero(pg);
	ATF_CHECK(uvm_pagecheckdirty(pg, true));
	ATF_CHECK_EQ(pg->flags & (PG_CLEAN | PG_DIRTY), PG_CLEAN);
	uvm_pagefree(pg);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(phys_to_vm_page_finds_managed_pages_only);
ATF_TC_BODY(phys_to_vm_page_finds_managed_pages_only, tc)
{
	struct vm_page *pg;

	boot_segs(4096, 1);
	pg = PHYS_TO_VM_PAGE(P(100));
	ATF_REQUIRE(pg != NULL);
	ATF_CHECK_EQ(VM_PAGE_TO_PHYS(pg), P(100));
	ATF_CHECK_EQ(uvm_page_lookup_freelist(pg), 1);
	ATF_CHECK_EQ(PHYS_TO_VM_PAGE(P(100) + 123), pg);
	ATF_CHECK_EQ(PHYS_TO_VM_PAGE(P(70)), NULL);	/* the hole */
	ATF_CHECK_EQ(PHYS_TO_VM_PAGE(P(4000)), NULL);
	ATF_CHECK_EQ(uvm_page_lookup_freelist(PHYS_TO_VM_PAGE(P(130))), 0);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(seg_withdraw_is_all_or_nothing);
ATF_TC_BODY(seg_withdraw_is_all_or_nothing, tc)
{
	struct vm_page *pg;
	psize_t off;
	uvm_physseg_t seg;
	int np0, free0;

	boot_segs(4096, 1);
	seg = uvm_physseg_find(100, &off);
	ATF_REQUIRE(uvm_physseg_valid_p(seg));
	np0 = uvmexp.npages;
	free0 = uvmexp.free;
	pg = uvm_pagealloc_strat(NULL, 0, NULL, 0, UVM_PGA_STRAT_ONLY, 1);
	ATF_REQUIRE(pg != NULL);
	/* A range holding an allocated page is refused whole. */
	ATF_CHECK(!uvm_page_seg_withdraw(seg, 80, 48));
	ATF_CHECK_EQ(uvmexp.npages, np0);
	ATF_CHECK_EQ(uvmexp.free, free0 - 1);
	H_CHECK(NULL);
	uvm_pagefree(pg);
	ATF_CHECK(uvm_page_seg_withdraw(seg, 90, 8));
	ATF_CHECK_EQ(uvmexp.npages, np0 - 8);
	ATF_CHECK_EQ(uvmexp.free, free0 - 8);
	ATF_CHECK_EQ(PHYS_TO_VM_PAGE(P(93))->pqflags & PQ_FREE, 0);
	/* Withdrawn pages are never handed out. */
	for (int i = 0; i < 40; i++) {
		pg = uvm_pagealloc_strat(NULL, 0, NULL, 0,
		    UVM_PGA_STRAT_ONLY, 1);
		ATF_REQUIRE(pg != NULL);
		ATF_CHECK(atop(VM_PAGE_TO_PHYS(pg)) < 90 ||
		    atop(VM_PAGE_TO_PHYS(pg)) >= 98);
	}
	ATF_CHECK_EQ(uvm_pagealloc_strat(NULL, 0, NULL, 0,
	    UVM_PGA_STRAT_ONLY, 1), NULL);
	uvm_page_seg_plugged(seg, 90, 8);
	ATF_CHECK_EQ(uvmexp.npages, np0);
	ATF_CHECK_EQ(uvmexp.free, free0 - 40);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TC_WITHOUT_HEAD(page_check_detects_corruption);
ATF_TC_BODY(page_check_detects_corruption, tc)
{
	struct vm_page *pg;

	h_boot(0, 0);
	ATF_CHECK_EQ(uvm_page_check(), NULL);
	uvmexp.free++;
	ATF_CHECK(uvm_page_check() != NULL);
	uvmexp.free--;
	uvmexp.active++;
	ATF_CHECK(uvm_page_check() != NULL);
	uvmexp.active--;
	pg = uvm_pagealloc(NULL, 0, NULL, 0);
	ATF_REQUIRE(pg != NULL);
	pg->wire_count = 1;		/* wired behind the counters' back */
	ATF_CHECK(uvm_page_check() != NULL);
	pg->wire_count = 0;
	pg->pqflags |= PQ_ACTIVE;	/* marked but not on the queue */
	ATF_CHECK(uvm_page_check() != NULL);
	pg->pqflags &= ~PQ_ACTIVE;
	pg->flags |= PG_TABLED;		/* tabled without an object */
	ATF_CHECK(uvm_page_check() != NULL);
	pg->flags &= ~PG_TABLED;
	ATF_CHECK_EQ(uvm_page_check(), NULL);
	uvm_pagefree(pg);
	pg->flags |= PG_ZERO;		/* zero flag outside the zero pool */
	ATF_CHECK(uvm_page_check() != NULL);
	pg->flags &= ~PG_ZERO;
	H_CHECK(NULL);
	h_shutdown();
}

/* Random operations, the checker after each. */
ATF_TC_WITHOUT_HEAD(random_operations_keep_invariants);
ATF_TC_BODY(random_operations_keep_invariants, tc)
{
	struct tobj t;
	struct vm_anon anons[64];
	struct vm_page *pgs[64];
	int npg = 0;

	boot_segs(4096, 2);
	tobj_init(&t);
	memset(anons, 0, sizeof(anons));
	memset(pgs, 0, sizeof(pgs));
	srandom(7);
	for (int step = 0; step < 3000; step++) {
		int i = (int)(random() % 64);
		struct vm_page *pg = pgs[i];

		mutex_enter(&t.lock);
		if (pg == NULL) {
			int kind = (int)(random() % 3);
			int flags = (random() % 2) ? UVM_PGA_ZERO : 0;
			int strat = (int)(random() % 3);
			int fl = (int)(random() % 2);

			if (kind == 0)
				pg = uvm_pagealloc_strat(NULL, 0, NULL, flags,
				    strat, fl);
			else if (kind == 1)
				pg = uvm_pagealloc_strat(&t.o, (voff_t)P(i),
				    NULL, flags, strat, fl);
			else {
				anons[i].an_ref = 1;
				pg = uvm_pagealloc_strat(NULL, 0, &anons[i],
				    flags, strat, fl);
			}
			if (pg != NULL) {
				if (flags & UVM_PGA_ZERO)
					ATF_CHECK(all_bytes(pg, 0));
				pg->flags &= ~PG_BUSY;
				pgs[i] = pg;
				npg++;
			}
		} else {
			switch (random() % 6) {
			case 0:
				uvm_pageactivate(pg);
				break;
			case 1:
				uvm_pagedeactivate(pg);
				break;
			case 2:
				if (pg->wire_count < 3)
					uvm_pagewire(pg);
				break;
			case 3:
				if (pg->wire_count > 0)
					uvm_pageunwire(pg);
				else
					uvm_pagedequeue(pg);
				break;
			default:
				if (random() % 2) {
					uvm_pagezero(pg);
					pg->flags |= PG_ZERO;
				} else {
					memset(uvm_page_kva(pg), 0xee, 64);
				}
				uvm_pagefree(pg);
				pgs[i] = NULL;
				npg--;
				break;
			}
		}
		mutex_exit(&t.lock);
		H_CHECK(NULL);
	}
	ATF_CHECK_EQ(uvmexp.free + npg, uvmexp.npages);
	h_shutdown();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, page_struct_fits_64_bytes);
	ATF_TP_ADD_TC(tp, boot_frees_every_available_page);
	ATF_TP_ADD_TC(tp, page_sizes_4k_16k_64k);
	ATF_TP_ADD_TC(tp, pagealloc_returns_busy_owned_unqueued_page);
	ATF_TP_ADD_TC(tp, pagealloc_object_page_is_in_tree);
	ATF_TP_ADD_TC(tp, pagealloc_anon_page_counts_as_anon);
	ATF_TP_ADD_TC(tp, pagealloc_aobj_page_counts_as_anon);
	ATF_TP_ADD_TC(tp, pagealloc_contract_violations_panic);
	ATF_TP_ADD_TC(tp, pagealloc_zero_returns_zeroed_page);
	ATF_TP_ADD_TC(tp, pagealloc_zero_pool_reused);
	ATF_TP_ADD_TC(tp, pagealloc_zero_pool_serves_plain_requests_last);
	ATF_TP_ADD_TC(tp, pageidlezero_fills_zero_pool);
	ATF_TP_ADD_TC(tp, pagealloc_reserves_refused_without_userreserve);
	ATF_TP_ADD_TC(tp, pagealloc_kernel_object_uses_kernel_reserve);
	ATF_TP_ADD_TC(tp, pagealloc_fault_injection_fails_allocation);
	ATF_TP_ADD_TC(tp, strat_normal_walks_free_lists_in_order);
	ATF_TP_ADD_TC(tp, strat_only_and_fallback);
	ATF_TP_ADD_TC(tp, colours_are_handed_out_round_robin);
	ATF_TP_ADD_TC(tp, pagefree_twice_panics);
	ATF_TP_ADD_TC(tp, pagefree_unwires_and_dequeues);
	ATF_TP_ADD_TC(tp, pagefree_wakes_waiters_of_wanted_page);
	ATF_TP_ADD_TC(tp, pagefree_loaned_object_page_stays_with_borrower);
	ATF_TP_ADD_TC(tp, pagefree_loaned_anon_page_drops_anon);
	ATF_TP_ADD_TC(tp, pagerealloc_moves_page_between_objects);
	ATF_TP_ADD_TC(tp, pagerealloc_to_null_disowns);
	ATF_TP_ADD_TC(tp, queues_keep_counters);
	ATF_TP_ADD_TC(tp, wire_nests_and_last_unwire_activates);
	ATF_TP_ADD_TC(tp, queue_ops_on_free_page_panic);
	ATF_TP_ADD_TC(tp, pagewait_sleeps_until_unbusy);
	ATF_TP_ADD_TC(tp, pageunbusy_frees_released_page);
	ATF_TP_ADD_TC(tp, page_unbusy_handles_arrays_with_holes);
	ATF_TP_ADD_TC(tp, pagewakeup_clears_wanted);
	ATF_TP_ADD_TC(tp, pagezero_and_pagecopy_move_bytes);
	ATF_TP_ADD_TC(tp, pagecheckdirty_transitions);
	ATF_TP_ADD_TC(tp, phys_to_vm_page_finds_managed_pages_only);
	ATF_TP_ADD_TC(tp, seg_withdraw_is_all_or_nothing);
	ATF_TP_ADD_TC(tp, page_check_detects_corruption);
	ATF_TP_ADD_TC(tp, random_operations_keep_invariants);
	return atf_no_error();
}
