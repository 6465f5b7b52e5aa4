/*
 * uvm_radix.c: the page tree of a uvm_object, a radix tree keyed by page
 * index (the object offset >> PAGE_SHIFT).
 *
 * The tree is a stack of 64-way nodes, six bits of the key per level, as
 * NetBSD's radixtree.c and Linux's xarray are.  rt_height is the number
 * of node levels: a tree of height h holds keys below 64^h, and its root
 * is a node whose slots point to nodes of height h-1; the slots of a
 * height-1 node are the values themselves.  Height 0 is the degenerate
 * tree that can only hold key 0, with the value (or NULL) in rt_root.
 *
 *	height 2:      root [ 0 | 1 | ... | 63 ]        keys 0 .. 4095
 *	                      |       |
 *	height 1:      [ v0 .. v63 ] [ v64 .. v127 ]     values
 *
 * The tree grows only as tall as the largest key needs (a new root whose
 * slot 0 is the old root) and shrinks again when it can: a node whose
 * last child goes away is freed, and a root whose only child is in slot
 * 0 is replaced by that child.  So an object's dense run of small offsets
 * costs one or two levels, and its shape never depends on history.
 * Eleven levels cover every 64-bit key.
 *
 * Each node counts its non-NULL slots, which is what makes freeing empty
 * nodes O(height) instead of a 64-slot scan.  We did not keep tag bits
 * (NetBSD's dirty/writeback tags): nothing in libuvm scans by tag yet,
 * and every node would pay for them.
 *
 * Allocation: only uvm_radix_insert() allocates, with kmem_zalloc
 * KM_NOSLEEP, and it fails with ENOMEM leaving the tree exactly as it
 * was (nodes it created for the key are pruned again).  Callers hold a
 * mutex (the object lock) and must not sleep.
 *
 * Locking: none inside.  The owner serialises every call; for an object's
 * uo_pages that is the object's vmobjlock.  Lookups may run concurrently
 * with one another but not with changes.
 */

#include "uvm_impl.h"

#define RADIX_BITS	6
#define RADIX_FANOUT	(1u << RADIX_BITS)
#define RADIX_MASK	((uint64_t)RADIX_FANOUT - 1)
#define RADIX_MAXHEIGHT	((64 + RADIX_BITS - 1) / RADIX_BITS)	/* 11 */

struct radix_node {
	void		*rn_slot[RADIX_FANOUT];	/* children or values */
	unsigned int	rn_count;		/* non-NULL slots */
};

/* Shift of the key digit that a node of height h consumes. */
static inline unsigned int
radix_shift(unsigned int h)
{
	KASSERT(h >= 1 && h <= RADIX_MAXHEIGHT);
	return (h - 1) * RADIX_BITS;
}

static inline unsigned int
radix_digit(uint64_t key, unsigned int h)
{
	return (unsigned int)((key >> radix_shift(h)) & RADIX_MASK);
}

/* Whether a tree of height h can hold key. */
static inline bool
radix_fits(unsigned int h, uint64_t key)
{
	if (h * RADIX_BITS >= 64)
		return true;
	return (key >> (h * RADIX_BITS)) == 0;
}

static struct radix_node *
radix_node_alloc(void)
{
	return kmem_zalloc(sizeof(struct radix_node), KM_NOSLEEP);
}

static void
radix_node_free(struct radix_node *n)
{
	KASSERT(n->rn_count == 0);
	kmem_free(n, sizeof(*n));
}

/*
 * Replace a root whose only child sits in slot 0 by that child, and free
 * an empty root, until neither applies.
 */
static void
radix_collapse(struct uvm_radix *t)
{
	while (t->rt_height > 0) {
		struct radix_node *root = t->rt_root;

		if (root == NULL) {
			t->rt_height = 0;
			return;
		}
		if (root->rn_count == 0) {
			radix_node_free(root);
			t->rt_root = NULL;
			t->rt_height = 0;
			return;
		}
		if (root->rn_count != 1 || root->rn_slot[0] == NULL)
			return;
		t->rt_root = root->rn_slot[0];
		root->rn_slot[0] = NULL;
		root->rn_count = 0;
		radix_node_free(root);
		t->rt_height--;
	}
}

/*
 * Free the empty nodes on the path to key (bottom up), then collapse the
 * root.  Used after a removal and to undo a failed insertion.
 */
static void
radix_prune(struct uvm_radix *t, uint64_t key)
{
	struct radix_node *path[RADIX_MAXHEIGHT];
	unsigned int h, depth = 0;
	void *p = t->rt_root;

	if (t->rt_height == 0 || !radix_fits(t->rt_height, key))
		return;
	for (h = t->rt_height; h >= 1 && p != NULL; h--) {
		path[depth++] = p;
		p = ((struct radix_node *)p)->rn_slot[radix_digit(key, h)];
	}
	/* path[i] has height t->rt_height - i; its parent is path[i-1]. */
	while (depth > 1) {
		struct radix_node *n = path[depth - 1];
		struct radix_node *parent = path[depth - 2];
		unsigned int ph = t->rt_height - (depth - 2);
		unsigned int d = radix_digit(key, ph);

		if (n->rn_count != 0)
			break;
		KASSERT(parent->rn_slot[d] == n);
		parent->rn_slot[d] = NULL;
		parent->rn_count--;
		radix_node_free(n);
		depth--;
	}
	radix_collapse(t);
}

/*
 * uvm_radix_insert: store value at key.
 *
 * => value must not be NULL.
 * => returns 0, EEXIST if key already has a value (tree unchanged), or
 *    ENOMEM if a node could not be allocated (tree unchanged).
 */
int
uvm_radix_insert(struct uvm_radix *t, uint64_t key, void *value)
{
	struct radix_node *n, *parent;
	void **slotp;
	unsigned int h;

	KASSERT(value != NULL);

	if (t->rt_root == NULL) {
		/* Empty: start at the smallest height that holds key. */
		t->rt_height = 0;
		while (!radix_fits(t->rt_height, key))
			t->rt_height++;
	} else {
		/* Grow: the old root becomes slot 0 of a new root. */
		while (!radix_fits(t->rt_height, key)) {
			n = radix_node_alloc();
			if (n == NULL) {
				radix_collapse(t);
				return ENOMEM;
			}
			n->rn_slot[0] = t->rt_root;
			n->rn_count = 1;
			t->rt_root = n;
			t->rt_height++;
		}
	}

	slotp = &t->rt_root;
	parent = NULL;
	for (h = t->rt_height; h >= 1; h--) {
		if (*slotp == NULL) {
			n = radix_node_alloc();
			if (n == NULL) {
				radix_prune(t, key);
				return ENOMEM;
			}
			*slotp = n;
			if (parent != NULL)
				parent->rn_count++;
		}
		parent = *slotp;
		slotp = &parent->rn_slot[radix_digit(key, h)];
	}
	if (*slotp != NULL) {
		/* A node created above would have left this slot NULL. */
		return EEXIST;
	}
	*slotp = value;
	if (parent != NULL)
		parent->rn_count++;
	return 0;
}

/*
 * uvm_radix_lookup: the value at key, or NULL.
 */
void *
uvm_radix_lookup(const struct uvm_radix *t, uint64_t key)
{
	void *p = t->rt_root;
	unsigned int h;

	if (!radix_fits(t->rt_height, key))
		return NULL;
	for (h = t->rt_height; h >= 1 && p != NULL; h--)
		p = ((struct radix_node *)p)->rn_slot[radix_digit(key, h)];
	return p;
}

/*
 * uvm_radix_remove: take the value at key out of the tree.
 *
 * => returns the value, or NULL if key had none.
 * => nodes left empty are freed and the tree shrinks to fit.
 */
void *
uvm_radix_remove(struct uvm_radix *t, uint64_t key)
{
	struct radix_node *n;
	void *value;
	unsigned int h, d;

	if (!radix_fits(t->rt_height, key))
		return NULL;
	if (t->rt_height == 0) {
		value = t->rt_root;
		t->rt_root = NULL;
		return value;
	}
	n = t->rt_root;
	for (h = t->rt_height; h > 1; h--) {
		n = n->rn_slot[radix_digit(key, h)];
		if (n == NULL)
			return NULL;
	}
	d = radix_digit(key, 1);
	value = n->rn_slot[d];
	if (value == NULL)
		return NULL;
	n->rn_slot[d] = NULL;
	n->rn_count--;
	radix_prune(t, key);
	return value;
}

/*
 * uvm_radix_replace: store value at key in place of the value there.
 *
 * => key must have a value; value must not be NULL.
 * => returns the old value.  Never allocates (the shape does not
 *    change), so it cannot fail: a page is swapped for another this way
 *    (uvm_pagereplace) where removing and inserting could run out of
 *    nodes halfway.
 */
void *
uvm_radix_replace(struct uvm_radix *t, uint64_t key, void *value)
{
	void **slotp = &t->rt_root;
	void *old;
	unsigned int h;

	KASSERT(value != NULL);
	KASSERT(radix_fits(t->rt_height, key));
	for (h = t->rt_height; h >= 1; h--) {
		KASSERT(*slotp != NULL);
		slotp = &((struct radix_node *)*slotp)->rn_slot[
		    radix_digit(key, h)];
	}
	old = *slotp;
	KASSERTMSG(old != NULL, "uvm_radix_replace: key %#jx has no value",
	    (uintmax_t)key);
	*slotp = value;
	return old;
}

/* Gang lookup state shared by the recursive walkers. */
struct radix_gang {
	void		**results;
	uint64_t	*indices;
	unsigned int	n;
	unsigned int	found;
};

static void
radix_gang_emit(struct radix_gang *g, uint64_t key, void *value)
{
	g->results[g->found] = value;
	if (g->indices != NULL)
		g->indices[g->found] = key;
	g->found++;
}

/* Node n of height h covers keys from base; collect keys >= first. */
static void
radix_gang_fwd(struct radix_gang *g, struct radix_node *n, unsigned int h,
    uint64_t base, uint64_t first)
{
	unsigned int sh = radix_shift(h);
	uint64_t start = first > base ? (first - base) >> sh : 0;
	unsigned int i;

	for (i = (unsigned int)MIN(start, RADIX_FANOUT);
	    i < RADIX_FANOUT && g->found < g->n; i++) {
		void *c = n->rn_slot[i];
		uint64_t cbase = base + ((uint64_t)i << sh);

		if (c == NULL)
			continue;
		if (h == 1)
			radix_gang_emit(g, cbase, c);
		else
			radix_gang_fwd(g, c, h - 1, cbase, first);
	}
}

/* Node n of height h covers keys from base (<= first); keys <= first. */
static void
radix_gang_bwd(struct radix_gang *g, struct radix_node *n, unsigned int h,
    uint64_t base, uint64_t first)
{
	unsigned int sh = radix_shift(h);
	uint64_t top = (first - base) >> sh;
	int i;

	KASSERT(first >= base);
	for (i = (int)MIN(top, RADIX_FANOUT - 1); i >= 0 && g->found < g->n;
	    i--) {
		void *c = n->rn_slot[i];
		uint64_t cbase = base + ((uint64_t)i << sh);

		if (c == NULL)
			continue;
		if (h == 1)
			radix_gang_emit(g, cbase, c);
		else
			radix_gang_bwd(g, c, h - 1, cbase, first);
	}
}

/*
 * uvm_radix_gang_lookup: up to n values whose keys are >= first (<= first
 * if backward), in ascending (descending) key order.
 *
 * => results[i] gets the values; indices[i] their keys if indices is not
 *    NULL.
 * => returns the number found.
 */
unsigned int
uvm_radix_gang_lookup(const struct uvm_radix *t, uint64_t first,
    void **results, uint64_t *indices, unsigned int n, bool backward)
{
	struct radix_gang g = {
		.results = results, .indices = indices, .n = n, .found = 0
	};

	if (n == 0 || t->rt_root == NULL)
		return 0;
	if (t->rt_height == 0) {
		if (backward || first == 0)
			radix_gang_emit(&g, 0, t->rt_root);
		return g.found;
	}
	if (backward)
		radix_gang_bwd(&g, t->rt_root, t->rt_height, 0, first);
	else if (radix_fits(t->rt_height, first))
		radix_gang_fwd(&g, t->rt_root, t->rt_height, 0, first);
	return g.found;
}

bool
uvm_radix_empty_p(const struct uvm_radix *t)
{
	return t->rt_root == NULL;
}

/*
 * uvm_radix_fini: retire a tree.
 *
 * => the tree must be empty (its owner removed every value: the tree does
 *    not know what the values are, so it cannot dispose of them).
 */
void
uvm_radix_fini(struct uvm_radix *t)
{
	KASSERTMSG(t->rt_root == NULL, "uvm_radix_fini: tree not empty");
	t->rt_height = 0;
}
