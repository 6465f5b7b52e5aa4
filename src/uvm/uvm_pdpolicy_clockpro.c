/*
 * uvm_pdpolicy_clockpro.c: the CLOCK-Pro page replacement policy
 * (Jiang, Chen and Zhang, USENIX 2005), the second policy of the
 * uvm_pdpolicy.h interface, after NetBSD's uvm_pdpolicy_clockpro.c.
 *
 * CLOCK-Pro approximates LIRS with clocks.  Every resident page is hot
 * (its reuse distance was found short) or cold; a cold page may be in
 * its test period, during which a re-reference proves its reuse distance
 * short and makes it hot.  A cold page evicted during its test period
 * leaves a non-resident "ghost" behind that remembers it (by object and
 * offset, or by anon); if the page faults back in while its ghost lives,
 * it comes back hot.
 *
 * m, the memory the clock may hold, is the resident pages plus the free
 * pages above uvmexp.freetarg (memory not yet filled; under paging, the
 * resident pages).  Of it, m_c, the cold target, is for cold pages and
 * m - m_c for hot ones.  m_c adapts: a re-reference during a test period
 * (of a resident page or of a ghost) grows it by one page, a test period
 * that ends without one shrinks it by one page; it starts at 1% of m
 * (LIRS's share of non-LIR pages) and stays within [1, m].  While memory
 * is not full, a page coming in is hot as long as the hot pages are at
 * most m - m_c (the paper's and LIRS's warm-up: the first pages fill the
 * hot area); otherwise a new page is cold, in its test period.
 *
 * All pages, hot, cold and ghost, sit on one circular list, the clock,
 * in the order they were (re)inserted; the list head, where pages are
 * inserted, is just behind the hot hand.  Three hands, marker pages on
 * the list, move forward around it:
 *
 *	hand_cold	finds victims (pdp_selectvictim).  It stops only at
 *			resident cold pages: a referenced one in test
 *			becomes hot, a referenced one not in test starts a
 *			test period, both moving to the list head; an
 *			unreferenced one is the victim (if in test, its
 *			ghost is put in its place).
 *	hand_hot	runs while the hot pages exceed m - m_c (after a
 *			promotion or a ghost hit, from pdp_balancequeue and
 *			before each step of hand_cold).  A referenced hot
 *			page stays hot (its reference cleared), an
 *			unreferenced one turns cold; every test period it
 *			passes ends (a ghost it passes is removed).  Then
 *			it moves on to the next hot page and stops there
 *			(the paper), ending the test periods on the way.  It
 *			carries hand_cold and hand_test along when it
 *			reaches them, so that they stay at the oldest
 *			resident cold page and the oldest cold page in
 *			test (see cp_hand_step).
 *	hand_test	keeps the ghosts at most m, the paper's bound on
 *			non-resident cold pages: when a new ghost would
 *			exceed it, hand_test moves until it has removed one
 *			ghost, ending the test period of every cold page it
 *			passes.
 *
 * Every test period that ends without a re-reference (hand_hot or
 * hand_test passing it) shrinks m_c by one page.  A ghost is made when
 * its page is chosen as a victim (the owner is still known then) and is
 * "pending" until the page leaves the queues; if the page is referenced
 * or chosen again first, the ghost is dropped or moved.
 *
 * Queue state in pg->pqflags: PQ_ACTIVE = hot, PQ_INACTIVE = cold
 * (uvmexp.active and uvmexp.inactive count them, uvmexp.inactarg is the
 * cold target, uvmexp.pddeact counts hand_hot's demotions); the
 * PQ_PRIVATE bits below.  A page's reference is its pmap referenced
 * attribute or CP_REF, which pdp_pageactivate sets on a queued page (a
 * fault on a resident page).  The reference that brings a page in is not
 * counted.
 *
 * Locking: everything here is under uvm_pageqlock (the interface's
 * rule); the pmap's attributes are read and cleared under it, as the
 * page layer does.
 */

#include "uvm_impl.h"
#include "uvm_pdpolicy.h"

/* pg->pqflags private bits. */
#define CP_TEST		0x0100	/* cold page in its test period */
#define CP_REF		0x0200	/* referenced since the hands last looked */
#define CP_GHOSTED	0x0400	/* chosen victim with a pending ghost */
#define CP_HAND		0x0800	/* a hand (marker page) */
#define CP_GHOST	0x1000	/* a ghost (non-resident cold page) */
#define CP_FLAGS	(CP_TEST | CP_REF | CP_GHOSTED | CP_HAND | CP_GHOST)
#define CP_QUEUED	(PQ_ACTIVE | PQ_INACTIVE)

/* The cold target is a fraction of m (cp_memsize), in 1/2^24ths. */
#define CP_FRAC_ONE	(1 << 24)
#define CP_FRAC_INIT	(CP_FRAC_ONE / 100)	/* 1% cold at first, as LIRS */

/*
 * A ghost: a vm_page-shaped entry on the clock that owns no memory.
 * g_pg.uobject/offset or g_pg.uanon is the evicted page's identity.
 */
struct cp_ghost {
	struct vm_page		g_pg;		/* on the clock; the key */
	struct vm_page		*g_page;	/* pending: the victim */
	LIST_ENTRY(cp_ghost)	g_hash;		/* by key */
	LIST_ENTRY(cp_ghost)	g_phash;	/* pending: by g_page */
	TAILQ_ENTRY(cp_ghost)	g_age;		/* oldest first */
};
LIST_HEAD(cp_ghostlist, cp_ghost);
TAILQ_HEAD(cp_agelist, cp_ghost);

static struct clockpro {
	bool			c_inited;
	struct pglist		c_clock;	/* the clock, hands included */
	struct vm_page		c_hand_hot;	/* marker */
	struct vm_page		c_hand_cold;	/* marker */
	struct vm_page		c_hand_test;	/* marker */
	int			c_npages;	/* resident pages queued */
	int			c_ncold;	/* of which cold */
	int			c_ntest;	/* of which cold in test */
	int			c_nghost;	/* ghosts (incl. pending) */
	int64_t			c_coldfrac;	/* cold target, fraction */
	int			c_nscanned;	/* this scan's hand_cold steps */
	/* Ghost storage: a fixed pool, hashed by key and by page. */
	struct cp_ghost		*c_pool;
	int			c_poolsize;
	struct cp_ghostlist	c_free;
	struct cp_ghostlist	*c_hash;
	struct cp_ghostlist	*c_phash;
	unsigned int		c_hashmask;
	struct cp_agelist	c_age;
	/* Statistics (tests and the benchmark read them). */
	struct uvm_clockpro_stats c_stats;
} cp;

#define GHOST_OF(pg)	((struct cp_ghost *)(void *)(pg))

/*
 * The memory the clock may hold, the paper's m: the resident pages plus
 * the free pages above the daemon's target (memory not yet filled).
 */
static inline int
cp_memsize(void)
{
	int avail = uvmexp.free - uvmexp.freetarg;

	return cp.c_npages + (avail > 0 ? avail : 0);
}

/*
 * The cold target m_c: the adaptive fraction of m, to the nearest page
 * (so that each adjustment moves it by one page), within [1, m].
 */
static inline int
cp_coldtarget(void)
{
	int m = cp_memsize();
	int64_t t = (cp.c_coldfrac * m + CP_FRAC_ONE / 2) >> 24;

	if (t < 1)
		t = 1;
	if (t > m)
		t = m;
	return (int)t;
}

/* The hot pages allowed, m - m_c. */
static inline int
cp_hotmax(void)
{
	return cp_memsize() - cp_coldtarget();
}

/*
 * The adaptation: a test period proved (+1) or failed (-1) one page.
 * The fraction moves by one page of m and stays at least one page (the
 * target's floor), so that every adjustment counts.
 */
static void
cp_coldtarget_adj(int delta)
{
	int m = cp_memsize();
	int64_t step = CP_FRAC_ONE / (m > 0 ? m : 1);

	if (step == 0)
		step = 1;
	if (cp.c_coldfrac < step)
		cp.c_coldfrac = step;
	cp.c_coldfrac += delta * step;
	if (cp.c_coldfrac < step)
		cp.c_coldfrac = step;
	if (cp.c_coldfrac > CP_FRAC_ONE)
		cp.c_coldfrac = CP_FRAC_ONE;
	if (delta > 0)
		cp.c_stats.cs_testhits++;
	else
		cp.c_stats.cs_testexpired++;
}

/* The only place uvmexp.active/inactive change under this policy. */
static inline void
cp_account(uint16_t q, int delta)
{
	if (q & PQ_ACTIVE)
		uvmexp.active += delta;
	else
		uvmexp.inactive += delta;
}

/* ---------------------------------------------------------------------
 * The clock: a TAILQ walked forward, wrapping at its end.
 */

static inline struct vm_page *
cp_next(struct vm_page *pg)
{
	struct vm_page *n = TAILQ_NEXT(pg, pageq);

	return n != NULL ? n : TAILQ_FIRST(&cp.c_clock);
}

/*
 * Step a hand one entry forward; returns the entry it passed (a hand
 * only if nothing but hands is on the clock).
 *
 * hand_hot carries hand_cold and hand_test along when it reaches them.
 * Every entry hand_hot passes is at the list head afterwards, the
 * youngest, and new pages are inserted behind hand_hot; hand_cold must
 * stay at the oldest resident cold page and hand_test at the oldest
 * cold page in test (the paper's definitions).  Left behind hand_hot, a
 * hand would next pass the entries hand_hot has just made young and the
 * pages faulted in since, before the old cold pages ahead of hand_hot:
 * hand_cold would evict pages younger than its proper victim.
 */
static struct vm_page *
cp_hand_step(struct vm_page *hand)
{
	struct vm_page *pg = cp_next(hand), *carried[2];
	int ncarried = 0;

	KASSERT(pg != hand);
	if (hand == &cp.c_hand_hot) {
		/* The other two hands, just ahead, stay just ahead. */
		while ((pg->pqflags & CP_HAND) && pg != hand) {
			KASSERT(ncarried < 2);
			carried[ncarried++] = pg;
			pg = cp_next(pg);
		}
		if (pg == hand)
			return carried[0];
	}
	TAILQ_REMOVE(&cp.c_clock, hand, pageq);
	TAILQ_INSERT_AFTER(&cp.c_clock, pg, hand, pageq);
	while (ncarried > 0) {
		struct vm_page *h = carried[--ncarried];

		TAILQ_REMOVE(&cp.c_clock, h, pageq);
		TAILQ_INSERT_AFTER(&cp.c_clock, hand, h, pageq);
	}
	return pg;
}

/* Put pg at the list head: just behind the hot hand. */
static inline void
cp_insert_head(struct vm_page *pg)
{
	TAILQ_INSERT_BEFORE(&cp.c_hand_hot, pg, pageq);
}

/* ---------------------------------------------------------------------
 * Ghosts.
 */

static inline unsigned int
cp_hash_key(const void *owner, voff_t off)
{
	uint64_t h = (uint64_t)(uintptr_t)owner ^
	    ((uint64_t)off >> PAGE_SHIFT) * 0x9e3779b97f4a7c15ULL;

	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return (unsigned int)h & cp.c_hashmask;
}

static inline unsigned int
cp_hash_page(const struct vm_page *pg)
{
	return cp_hash_key(pg, 0);
}

/* A page's identity; false if it has none (no history for it). */
static bool
cp_key(const struct vm_page *pg, const void **ownerp, voff_t *offp)
{
	if (pg->uobject != NULL) {
		*ownerp = pg->uobject;
		*offp = pg->offset;
		return true;
	}
	if (pg->uanon != NULL) {
		*ownerp = pg->uanon;
		*offp = 0;
		return true;
	}
	return false;
}

static inline const void *
cp_ghost_owner(const struct cp_ghost *g)
{
	return g->g_pg.uobject != NULL ? (const void *)g->g_pg.uobject :
	    (const void *)g->g_pg.uanon;
}

static struct cp_ghost *
cp_ghost_lookup(const void *owner, voff_t off)
{
	struct cp_ghost *g;

	if (cp.c_hash == NULL)
		return NULL;
	LIST_FOREACH(g, &cp.c_hash[cp_hash_key(owner, off)], g_hash) {
		if (cp_ghost_owner(g) == owner && g->g_pg.offset == off)
			return g;
	}
	return NULL;
}

static struct cp_ghost *
cp_ghost_find_page(const struct vm_page *pg)
{
	struct cp_ghost *g;

	if (cp.c_phash == NULL)
		return NULL;
	LIST_FOREACH(g, &cp.c_phash[cp_hash_page(pg)], g_phash) {
		if (g->g_page == pg)
			return g;
	}
	return NULL;
}

static struct cp_ghost *
cp_ghost_of_page(const struct vm_page *pg)
{
	struct cp_ghost *g = cp_ghost_find_page(pg);

	KASSERTMSG(g != NULL, "clockpro: page %p is ghosted but has no ghost",
	    pg);
	return g;
}

/* Detach a pending ghost from its page (the page keeps CP_TEST). */
static void
cp_ghost_unpend(struct cp_ghost *g)
{
	KASSERT(g->g_page != NULL);
	KASSERT(g->g_page->pqflags & CP_GHOSTED);
	g->g_page->pqflags &= (uint16_t)~CP_GHOSTED;
	LIST_REMOVE(g, g_phash);
	g->g_page = NULL;
}

/* Remove a ghost from everything and free it. */
static void
cp_ghost_free(struct cp_ghost *g)
{
	if (g->g_page != NULL)
		cp_ghost_unpend(g);
	TAILQ_REMOVE(&cp.c_clock, &g->g_pg, pageq);
	LIST_REMOVE(g, g_hash);
	TAILQ_REMOVE(&cp.c_age, g, g_age);
	g->g_pg.uobject = NULL;
	g->g_pg.uanon = NULL;
	LIST_INSERT_HEAD(&cp.c_free, g, g_hash);
	cp.c_nghost--;
}

/*
 * A ghost's test period is over (hand_hot passed it, or it was the
 * oldest of too many): the page was not re-referenced in time.
 */
static void
cp_ghost_expire(struct cp_ghost *g)
{
	struct vm_page *pg = g->g_page;

	if (pg != NULL) {
		/* Still resident: its own test period ends with it. */
		KASSERT((pg->pqflags & (CP_TEST | PQ_INACTIVE)) ==
		    (CP_TEST | PQ_INACTIVE));
		pg->pqflags &= (uint16_t)~CP_TEST;
		cp.c_ntest--;
	}
	cp_ghost_free(g);
	cp_coldtarget_adj(-1);
}

/*
 * Allocate the ghost pool: one ghost per managed page.  Without it (no
 * memory) the policy keeps no history, which is still CLOCK-Pro's
 * resident half.
 */
static void
cp_pool_init(km_flag_t kmflag)
{
	int n = uvmexp.npages > 16 ? uvmexp.npages : 16;
	unsigned int nb = 1;
	struct cp_ghost *pool;
	struct cp_ghostlist *hash, *phash;

	while (nb < (unsigned int)n)
		nb <<= 1;
	pool = kmem_zalloc((size_t)n * sizeof(*pool), kmflag);
	hash = kmem_zalloc(nb * sizeof(*hash), kmflag);
	phash = kmem_zalloc(nb * sizeof(*phash), kmflag);
	if (pool == NULL || hash == NULL || phash == NULL) {
		if (pool != NULL)
			kmem_free(pool, (size_t)n * sizeof(*pool));
		if (hash != NULL)
			kmem_free(hash, nb * sizeof(*hash));
		if (phash != NULL)
			kmem_free(phash, nb * sizeof(*phash));
		return;
	}
	cp.c_pool = pool;
	cp.c_hash = hash;
	cp.c_phash = phash;
	cp.c_poolsize = n;
	cp.c_hashmask = nb - 1;
	for (unsigned int i = 0; i < nb; i++) {
		LIST_INIT(&cp.c_hash[i]);
		LIST_INIT(&cp.c_phash[i]);
	}
	LIST_INIT(&cp.c_free);
	for (int i = n - 1; i >= 0; i--) {
		cp.c_pool[i].g_pg.flags = PG_MARKER;
		cp.c_pool[i].g_pg.pqflags = CP_GHOST;
		LIST_INSERT_HEAD(&cp.c_free, &cp.c_pool[i], g_hash);
	}
}

/*
 * cp_hand_test: the paper's test hand, run when the ghosts are at their
 * bound.  It ends the test period of every cold page it passes and
 * stops after removing one ghost.
 */
static void
cp_hand_test(void)
{
	int budget = cp.c_npages + cp.c_nghost + 3;

	while (cp.c_nghost > 0 && budget-- > 0) {
		struct vm_page *pg = cp_hand_step(&cp.c_hand_test);

		if (pg->pqflags & CP_GHOST) {
			cp_ghost_expire(GHOST_OF(pg));
			return;
		}
		if ((pg->pqflags & (PQ_INACTIVE | CP_TEST | CP_GHOSTED)) ==
		    (PQ_INACTIVE | CP_TEST)) {
			pg->pqflags &= (uint16_t)~CP_TEST;
			cp.c_ntest--;
			cp_coldtarget_adj(-1);
		}
	}
	/* Not reached with ghosts on the clock; the oldest goes. */
	if (cp.c_nghost > 0)
		cp_ghost_expire(TAILQ_FIRST(&cp.c_age));
}

/*
 * cp_ghost_make: pg, a cold page in its test period, was chosen as the
 * victim; leave its ghost in its place, pending until pg leaves.
 *
 * => pg cold, in test, not yet ghosted, with an identity.
 */
static void
cp_ghost_make(struct vm_page *pg, const void *owner, voff_t off)
{
	struct cp_ghost *g;

	KASSERT((pg->pqflags & (CP_TEST | PQ_INACTIVE | CP_GHOSTED)) ==
	    (CP_TEST | PQ_INACTIVE));
	if (cp.c_pool == NULL)
		cp_pool_init(KM_NOSLEEP);
	if (cp.c_pool == NULL)
		return;
	/* At most m ghosts (the paper's bound): hand_test removes one. */
	while (cp.c_nghost > 0 && (cp.c_nghost >= cp_memsize() ||
	    LIST_EMPTY(&cp.c_free)))
		cp_hand_test();
	if (LIST_EMPTY(&cp.c_free))
		return;
	/* A stale ghost of the same page (it came back some other way). */
	if ((g = cp_ghost_lookup(owner, off)) != NULL)
		cp_ghost_free(g);
	g = LIST_FIRST(&cp.c_free);
	LIST_REMOVE(g, g_hash);
	if (pg->uobject != NULL) {
		g->g_pg.uobject = pg->uobject;
		g->g_pg.uanon = NULL;
	} else {
		g->g_pg.uobject = NULL;
		g->g_pg.uanon = pg->uanon;
	}
	g->g_pg.offset = off;
	g->g_page = pg;
	LIST_INSERT_HEAD(&cp.c_hash[cp_hash_key(owner, off)], g, g_hash);
	LIST_INSERT_HEAD(&cp.c_phash[cp_hash_page(pg)], g, g_phash);
	TAILQ_INSERT_TAIL(&cp.c_age, g, g_age);
	TAILQ_INSERT_BEFORE(pg, &g->g_pg, pageq);
	pg->pqflags |= CP_GHOSTED;
	cp.c_nghost++;
	cp.c_stats.cs_ghosts++;
}

/* ---------------------------------------------------------------------
 * Pages on the clock.
 */

/* Was pg referenced since the hands last looked?  Clears the bits. */
static bool
cp_referenced(struct vm_page *pg)
{
	bool ref = (pg->pqflags & CP_REF) != 0;

	pg->pqflags &= (uint16_t)~CP_REF;
	if (pmap_clear_reference(pg))
		ref = true;
	return ref;
}

/* Make a hot page cold (not in test), in place. */
static void
cp_demote(struct vm_page *pg)
{
	KASSERT(pg->pqflags & PQ_ACTIVE);
	cp_account(PQ_ACTIVE, -1);
	pg->pqflags = (uint16_t)((pg->pqflags & ~PQ_ACTIVE) | PQ_INACTIVE);
	cp_account(PQ_INACTIVE, 1);
	cp.c_ncold++;
	cp.c_stats.cs_demoted++;
}

/* Make a cold page hot, at the list head. */
static void
cp_promote(struct vm_page *pg)
{
	KASSERT(pg->pqflags & PQ_INACTIVE);
	KASSERT((pg->pqflags & CP_GHOSTED) == 0);
	if (pg->pqflags & CP_TEST) {
		pg->pqflags &= (uint16_t)~CP_TEST;
		cp.c_ntest--;
	}
	cp_account(PQ_INACTIVE, -1);
	pg->pqflags = (uint16_t)((pg->pqflags & ~PQ_INACTIVE) | PQ_ACTIVE);
	cp_account(PQ_ACTIVE, 1);
	cp.c_ncold--;
	TAILQ_REMOVE(&cp.c_clock, pg, pageq);
	cp_insert_head(pg);
	cp.c_stats.cs_promoted++;
}

/*
 * hand_hot passes pg, not a hot page: a test period ends there (a ghost
 * is removed).
 */
static void
cp_hand_hot_pass_cold(struct vm_page *pg)
{
	if (pg->pqflags & CP_HAND)
		return;
	if (pg->pqflags & CP_GHOST) {
		cp_ghost_expire(GHOST_OF(pg));
		return;
	}
	KASSERT(pg->pqflags & PQ_INACTIVE);
	if (pg->pqflags & CP_GHOSTED) {
		/* Its ghost is passed too: ends the test. */
		cp_ghost_expire(cp_ghost_of_page(pg));
	} else if (pg->pqflags & CP_TEST) {
		pg->pqflags &= (uint16_t)~CP_TEST;
		cp.c_ntest--;
		cp_coldtarget_adj(-1);
	}
}

/* Is the first page ahead of hand_hot (hands skipped) a hot one? */
static bool
cp_hand_hot_at_hot(void)
{
	struct vm_page *pg = cp_next(&cp.c_hand_hot);

	while ((pg->pqflags & CP_HAND) && pg != &cp.c_hand_hot)
		pg = cp_next(pg);
	return (pg->pqflags & PQ_ACTIVE) != 0;
}

/*
 * cp_hand_hot: run the hot hand until the hot pages are at most m - m_c
 * (or it has gone once around).  Then, as in the paper, the hand moves
 * on to the next hot page ("finally the hand stops at a hot page"),
 * ending the test periods of the cold pages and ghosts up to it: their
 * recency now exceeds the oldest hot page's, as LIRS prunes the bottom
 * of its stack down to an LIR page.
 */
static void
cp_hand_hot(void)
{
	int budget = cp.c_npages + cp.c_nghost + 3;
	bool moved = false;

	while (cp.c_npages - cp.c_ncold > cp_hotmax() && budget-- > 0) {
		struct vm_page *pg = cp_hand_step(&cp.c_hand_hot);

		moved = true;
		if (!(pg->pqflags & PQ_ACTIVE)) {
			cp_hand_hot_pass_cold(pg);
			continue;
		}
		if (!cp_referenced(pg)) {
			cp_demote(pg);
			uvmexp.pddeact++;
		}
	}
	if (!moved || cp.c_npages == cp.c_ncold)
		return;
	while (budget-- > 0 && !cp_hand_hot_at_hot())
		cp_hand_hot_pass_cold(cp_hand_step(&cp.c_hand_hot));
}

/*
 * Put pg, not queued, on the clock at the list head: hot if its ghost
 * lives or memory is still filling (warm-up), else cold in test.
 */
static void
cp_enqueue(struct vm_page *pg)
{
	struct cp_ghost *g = NULL;
	const void *owner;
	voff_t off;

	KASSERT((pg->pqflags & (CP_QUEUED | CP_FLAGS)) == 0);
	KASSERT((pg->flags & PG_MARKER) == 0);
	if (cp_key(pg, &owner, &off))
		g = cp_ghost_lookup(owner, off);
	/* The reference that brought the page in is not a re-reference. */
	(void)pmap_clear_reference(pg);
	cp.c_npages++;
	if (g != NULL && g->g_page == NULL) {
		/* Re-referenced within its test period: hot. */
		cp_ghost_free(g);
		cp_coldtarget_adj(1);
		pg->pqflags |= PQ_ACTIVE;
		cp_account(PQ_ACTIVE, 1);
		cp_insert_head(pg);
		cp.c_stats.cs_ghosthits++;
		cp_hand_hot();
	} else if (cp_memsize() > cp.c_npages &&
	    cp.c_npages - cp.c_ncold <= cp_hotmax()) {
		/*
		 * Memory not yet full: hot while the hot pages are at
		 * most m - m_c (the paper's and LIRS's warm-up).
		 */
		pg->pqflags |= PQ_ACTIVE;
		cp_account(PQ_ACTIVE, 1);
		cp_insert_head(pg);
	} else {
		pg->pqflags |= PQ_INACTIVE | CP_TEST;
		cp_account(PQ_INACTIVE, 1);
		cp.c_ncold++;
		cp.c_ntest++;
		cp_insert_head(pg);
	}
}

/* ---------------------------------------------------------------------
 * The interface.
 */

static void
clockpro_init(void)
{
	KASSERT(!cp.c_inited);
	memset(&cp, 0, sizeof(cp));
	TAILQ_INIT(&cp.c_clock);
	TAILQ_INIT(&cp.c_age);
	cp.c_hand_hot.flags = PG_MARKER;
	cp.c_hand_hot.pqflags = CP_HAND;
	cp.c_hand_cold.flags = PG_MARKER;
	cp.c_hand_cold.pqflags = CP_HAND;
	cp.c_hand_test.flags = PG_MARKER;
	cp.c_hand_test.pqflags = CP_HAND;
	TAILQ_INSERT_TAIL(&cp.c_clock, &cp.c_hand_hot, pageq);
	TAILQ_INSERT_TAIL(&cp.c_clock, &cp.c_hand_cold, pageq);
	TAILQ_INSERT_TAIL(&cp.c_clock, &cp.c_hand_test, pageq);
	cp.c_coldfrac = CP_FRAC_INIT;
	cp.c_inited = true;
	if (uvmexp.npages > 0)
		cp_pool_init(KM_SLEEP);
}

/* Shutdown: the pages go away with their segments; drop the ghosts. */
static void
clockpro_fini(void)
{
	KASSERT(cp.c_inited);
	while (!TAILQ_EMPTY(&cp.c_age))
		cp_ghost_free(TAILQ_FIRST(&cp.c_age));
	if (cp.c_pool != NULL) {
		kmem_free(cp.c_pool, (size_t)cp.c_poolsize * sizeof(*cp.c_pool));
		kmem_free(cp.c_hash, (cp.c_hashmask + 1) * sizeof(*cp.c_hash));
		kmem_free(cp.c_phash,
		    (cp.c_hashmask + 1) * sizeof(*cp.c_phash));
	}
	memset(&cp, 0, sizeof(cp));
}

/* The inactive target the daemon sees is the cold target. */
static void
clockpro_tune(void)
{
	KASSERT(mutex_owned(&uvm_pageqlock));
	if (cp.c_pool == NULL && uvmexp.npages > 0)
		cp_pool_init(KM_NOSLEEP);
	uvmexp.inactarg = cp_coldtarget();
}

static bool
clockpro_pageisqueued_p(struct vm_page *pg)
{
	return (pg->pqflags & CP_QUEUED) != 0;
}

/*
 * clockpro_pageactivate: pg was used.  A page not queued comes in (hot
 * if its ghost lives); a queued one is marked referenced, in place.
 */
static void
clockpro_pageactivate(struct vm_page *pg)
{
	KASSERT(mutex_owned(&uvm_pageqlock));
	if (!clockpro_pageisqueued_p(pg)) {
		cp_enqueue(pg);
		return;
	}
	pg->pqflags |= CP_REF;
	if (pg->pqflags & CP_GHOSTED) {
		/* A victim that was used after all: it stays. */
		cp_ghost_free(cp_ghost_of_page(pg));
	}
}

/* clockpro_pageenqueue: as activate for a page not queued; else nothing. */
static void
clockpro_pageenqueue(struct vm_page *pg)
{
	KASSERT(mutex_owned(&uvm_pageqlock));
	if (!clockpro_pageisqueued_p(pg))
		cp_enqueue(pg);
}

/*
 * clockpro_pagedeactivate: pg is less useful: forget its reference; a
 * hot page turns cold (the next victim when hand_cold reaches it).
 */
static void
clockpro_pagedeactivate(struct vm_page *pg)
{
	KASSERT(mutex_owned(&uvm_pageqlock));
	if (!clockpro_pageisqueued_p(pg))
		return;
	pg->pqflags &= (uint16_t)~CP_REF;
	(void)pmap_clear_reference(pg);
	if (pg->pqflags & PQ_ACTIVE)
		cp_demote(pg);
}

/*
 * clockpro_pagedequeue: pg leaves the clock (freed, paged out, wired).
 * A pending ghost stays: it now stands for the page.
 */
static void
clockpro_pagedequeue(struct vm_page *pg)
{
	KASSERT(mutex_owned(&uvm_pageqlock));
	if (!clockpro_pageisqueued_p(pg))
		return;
	if (pg->pqflags & CP_GHOSTED)
		cp_ghost_unpend(cp_ghost_of_page(pg));
	if (pg->pqflags & PQ_INACTIVE) {
		cp.c_ncold--;
		if (pg->pqflags & CP_TEST)
			cp.c_ntest--;
	}
	cp_account(pg->pqflags & CP_QUEUED, -1);
	TAILQ_REMOVE(&cp.c_clock, pg, pageq);
	cp.c_npages--;
	pg->pqflags &= (uint16_t)~(CP_QUEUED | CP_FLAGS);
}

/* clockpro_anfree: an anon is gone; its ghost can never be hit. */
static void
clockpro_anfree(struct vm_anon *an)
{
	struct cp_ghost *g;

	KASSERT(mutex_owned(&uvm_pageqlock));
	KASSERT(an->an_page == NULL);
	if ((g = cp_ghost_lookup(an, 0)) != NULL && g->g_page == NULL)
		cp_ghost_free(g);
}

/* The daemon should balance: more hot pages than m - m_c. */
static bool
clockpro_needsscan_p(void)
{
	return cp.c_npages - cp.c_ncold > cp_hotmax();
}

static void
clockpro_scaninit(void)
{
	KASSERT(mutex_owned(&uvm_pageqlock));
	cp.c_nscanned = 0;
}

/*
 * clockpro_selectvictim: advance hand_cold to the next unreferenced
 * cold page and return it (it stays queued, behind the hand), or NULL
 * when this scan has looked at every page twice.
 */
static struct vm_page *
clockpro_selectvictim(void)
{
	const void *owner;
	voff_t off;

	KASSERT(mutex_owned(&uvm_pageqlock));
	for (int steps = 0; cp.c_nscanned <= 2 * cp.c_npages &&
	    cp.c_npages > 0; steps++) {
		struct vm_page *pg;

		/* Keep the cold area at its target (NetBSD does too). */
		cp_hand_hot();
		if (steps > 2 * (cp.c_npages + cp.c_nghost + 3))
			break;
		pg = cp_hand_step(&cp.c_hand_cold);
		if (pg->pqflags & (CP_HAND | CP_GHOST | PQ_ACTIVE))
			continue;
		cp.c_nscanned++;
		if (cp_referenced(pg)) {
			if (pg->pqflags & CP_GHOSTED)
				cp_ghost_free(cp_ghost_of_page(pg));
			if (pg->pqflags & CP_TEST) {
				/* Reuse distance proved short: hot. */
				cp_coldtarget_adj(1);
				cp_promote(pg);
				cp_hand_hot();
			} else {
				/* A new test period, from the list head. */
				pg->pqflags |= CP_TEST;
				cp.c_ntest++;
				TAILQ_REMOVE(&cp.c_clock, pg, pageq);
				cp_insert_head(pg);
			}
			continue;
		}
		if (pg->pqflags & CP_GHOSTED) {
			/* Chosen again: its ghost moves to where it is. */
			cp_ghost_free(cp_ghost_of_page(pg));
		}
		if ((pg->pqflags & CP_TEST) && cp_key(pg, &owner, &off))
			cp_ghost_make(pg, owner, off);
		cp.c_stats.cs_victims++;
		return pg;
	}
	return NULL;
}

/*
 * clockpro_balancequeue: meet the cold target by running hand_hot; while
 * swap is short, free the swap slots of resident swap-backed pages, hot
 * ones first (they are the least likely to be paged out again soon),
 * as NetBSD does.
 */
static void
clockpro_balancequeue(int swap_shortage)
{
	struct vm_page *pg;

	KASSERT(mutex_owned(&uvm_pageqlock));
	KASSERT(swap_shortage >= 0);
	cp_hand_hot();
	for (int pass = 0; pass < 2 && swap_shortage > 0; pass++) {
		const uint16_t want = pass == 0 ? PQ_ACTIVE : PQ_INACTIVE;

		TAILQ_FOREACH(pg, &cp.c_clock, pageq) {
			if (swap_shortage <= 0)
				break;
			if ((pg->pqflags & CP_QUEUED) != want ||
			    (pg->flags & PG_SWAPBACKED) == 0)
				continue;
			if (uvmpd_trydropswap(pg))
				swap_shortage--;
		}
	}
}

static void
clockpro_estimatepageable(int *active, int *inactive)
{
	if (active != NULL)
		*active = cp.c_npages - cp.c_ncold;
	if (inactive != NULL)
		*inactive = cp.c_ncold;
}

/*
 * clockpro_check: the clock holds each hand once, every page at most
 * once with consistent flags; counters equal what they count; every
 * ghost is hashed, aged and within bounds.
 */
static const char *
clockpro_check(void)
{
	int nhand = 0, nhot = 0, ncold = 0, ntest = 0, nghost = 0, n = 0;
	const int limit = cp.c_npages + cp.c_nghost + 3;
	struct vm_page *pg;
	struct cp_ghost *g;

	if (!cp.c_inited)
		return NULL;
	TAILQ_FOREACH(pg, &cp.c_clock, pageq) {
		if (++n > limit)
			return "clockpro: clock longer than its count";
		if (pg->pqflags & CP_HAND) {
			if (pg != &cp.c_hand_hot && pg != &cp.c_hand_cold &&
			    pg != &cp.c_hand_test)
				return "clockpro: unknown hand on the clock";
			nhand++;
			continue;
		}
		if (pg->pqflags & CP_GHOST) {
			g = GHOST_OF(pg);
			if (g < cp.c_pool || g >= cp.c_pool + cp.c_poolsize)
				return "clockpro: ghost outside the pool";
			if (cp_ghost_lookup(cp_ghost_owner(g),
			    g->g_pg.offset) != g)
				return "clockpro: ghost not found by its key";
			if (g->g_page != NULL &&
			    ((g->g_page->pqflags & CP_GHOSTED) == 0 ||
			    cp_ghost_find_page(g->g_page) != g))
				return "clockpro: pending ghost's page lost it";
			nghost++;
			continue;
		}
		if (pg->pqflags & PQ_FREE)
			return "clockpro: free page on the clock";
		if ((pg->pqflags & CP_GHOSTED) && cp_ghost_find_page(pg) == NULL)
			return "clockpro: ghosted page without its ghost";
		if (pg->wire_count != 0)
			return "clockpro: wired page on the clock";
		switch (pg->pqflags & CP_QUEUED) {
		case PQ_ACTIVE:
			if (pg->pqflags & (CP_TEST | CP_GHOSTED))
				return "clockpro: hot page in test";
			nhot++;
			break;
		case PQ_INACTIVE:
			ncold++;
			if (pg->pqflags & CP_TEST)
				ntest++;
			else if (pg->pqflags & CP_GHOSTED)
				return "clockpro: ghosted page not in test";
			break;
		default:
			return "clockpro: page on the clock not hot or cold";
		}
	}
	if (nhand != 3)
		return "clockpro: a hand is missing";
	if (nhot + ncold != cp.c_npages)
		return "clockpro: resident count differs from the clock";
	if (ncold != cp.c_ncold)
		return "clockpro: cold count differs from the clock";
	if (ntest != cp.c_ntest)
		return "clockpro: test count differs from the clock";
	if (nghost != cp.c_nghost)
		return "clockpro: ghost count differs from the clock";
	if (uvmexp.active != nhot || uvmexp.inactive != ncold)
		return "clockpro: uvmexp.active/inactive differ from the clock";
	if (cp.c_nghost > cp.c_poolsize)
		return "clockpro: more ghosts than the pool";
	n = 0;
	TAILQ_FOREACH(g, &cp.c_age, g_age)
		n++;
	if (n != cp.c_nghost)
		return "clockpro: ghost age list differs from the count";
	if (cp.c_coldfrac < 0 || cp.c_coldfrac > CP_FRAC_ONE)
		return "clockpro: cold target out of range";
	return NULL;
}

/* uvm_clockpro_stats: the policy's state and event counts. */
void
uvm_clockpro_stats(struct uvm_clockpro_stats *st)
{
	KASSERT(mutex_owned(&uvm_pageqlock));
	*st = cp.c_stats;
	st->cs_npages = cp.c_npages;
	st->cs_nhot = cp.c_npages - cp.c_ncold;
	st->cs_ncold = cp.c_ncold;
	st->cs_ntest = cp.c_ntest;
	st->cs_nghost = cp.c_nghost;
	st->cs_coldtarget = cp_coldtarget();
	st->cs_memsize = cp_memsize();
}

const struct uvm_pdpolicy uvm_pdpolicy_clockpro = {
	.pdp_name = "clockpro",
	.pdp_init = clockpro_init,
	.pdp_fini = clockpro_fini,
	.pdp_tune = clockpro_tune,
	.pdp_pageactivate = clockpro_pageactivate,
	.pdp_pagedeactivate = clockpro_pagedeactivate,
	.pdp_pagedequeue = clockpro_pagedequeue,
	.pdp_pageenqueue = clockpro_pageenqueue,
	.pdp_pageisqueued_p = clockpro_pageisqueued_p,
	.pdp_anfree = clockpro_anfree,
	.pdp_needsscan_p = clockpro_needsscan_p,
	.pdp_scaninit = clockpro_scaninit,
	.pdp_selectvictim = clockpro_selectvictim,
	.pdp_balancequeue = clockpro_balancequeue,
	.pdp_estimatepageable = clockpro_estimatepageable,
	.pdp_check = clockpro_check,
};
