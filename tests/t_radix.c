/*
 * t_radix: the object page tree (uvm_radix.c): insert/lookup/remove over
 * dense, sparse and huge keys, gang lookups in both directions, the tree
 * shrinking back as entries go, ENOMEM through kmem fault injection, and
 * a randomized run against a sorted-array model.  Then the generic object
 * layer on top of it (uvm_object.c): uvm_obj_init, uvm_obj_setlock,
 * uvm_obj_destroy, uvm_obj_wirepages/unwirepages.
 *
 * After every change the tree is checked against its model (R_CHECK):
 * every key found with its value, a full forward and backward gang
 * lookup equal to the model in order, the height exactly the one the
 * largest key needs, and an empty tree holding no nodes (kmem back to
 * where it started).
 */
#include "h_machine.h"

#include <uvm/uvm_aobj.h>

#include <stdlib.h>

/* A value that encodes its key and is never NULL. */
#define VAL(k)	((void *)(uintptr_t)(((uint64_t)(k) << 1) | 1))

struct model {
	uint64_t	*keys;		/* sorted ascending */
	size_t		n;
	size_t		cap;
	size_t		kmem0;		/* kmem_inuse() of the empty tree */
};

static void
model_init(struct model *m)
{
	memset(m, 0, sizeof(*m));
	m->kmem0 = kmem_inuse();
}

static size_t
model_find(const struct model *m, uint64_t k, bool *found)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->keys[mid] < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < m->n && m->keys[lo] == k;
	return lo;
}

static bool
model_add(struct model *m, uint64_t k)
{
	bool found;
	size_t i = model_find(m, k, &found);

	if (found)
		return false;
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->keys = realloc(m->keys, m->cap * sizeof(*m->keys));
		ATF_REQUIRE(m->keys != NULL);
	}
	memmove(&m->keys[i + 1], &m->keys[i], (m->n - i) * sizeof(*m->keys));
	m->keys[i] = k;
	m->n++;
	return true;
}

static bool
model_del(struct model *m, uint64_t k)
{
	bool found;
	size_t i = model_find(m, k, &found);

	if (!found)
		return false;
	memmove(&m->keys[i], &m->keys[i + 1], (m->n - i - 1) * sizeof(*m->keys));
	m->n--;
	return true;
}

static void
model_fini(struct model *m)
{
	free(m->keys);
}

/* The height a tree whose largest key is k must have. */
static unsigned int
height_for(uint64_t k)
{
	unsigned int h = 0;

	while (h * 6 < 64 && (k >> (h * 6)) != 0)
		h++;
	return h;
}

#define R_CHECK(t, m)	r_check((t), (m), __LINE__)
static void
r_check(struct uvm_radix *t, struct model *m, int line)
{
	void **res;
	uint64_t *idx;
	unsigned int got;

	if (m->n == 0) {
		if (!uvm_radix_empty_p(t))
			atf_tc_fail("line %d: tree not empty", line);
		if (t->rt_height != 0)
			atf_tc_fail("line %d: empty tree of height %u", line,
			    t->rt_height);
		if (kmem_inuse() != m->kmem0)
			atf_tc_fail("line %d: empty tree holds %zu bytes", line,
			    kmem_inuse() - m->kmem0);
		return;
	}
	if (uvm_radix_empty_p(t))
		atf_tc_fail("line %d: tree empty, model has %zu", line, m->n);
	if (t->rt_height != height_for(m->keys[m->n - 1]))
		atf_tc_fail("line %d: height %u, largest key %#jx needs %u",
		    line, t->rt_height, (uintmax_t)m->keys[m->n - 1],
		    height_for(m->keys[m->n - 1]));
	res = calloc(m->n + 1, sizeof(*res));
	idx = calloc(m->n + 1, sizeof(*idx));
	ATF_REQUIRE(res != NULL && idx != NULL);
	got = uvm_radix_gang_lookup(t, 0, res, idx, (unsigned)m->n + 1, false);
	if (got != m->n)
		atf_tc_fail("line %d: forward gang found %u of %zu", line, got,
		    m->n);
	for (size_t i = 0; i < m->n; i++) {
		if (idx[i] != m->keys[i] || res[i] != VAL(m->keys[i]))
			atf_tc_fail("line %d: forward gang entry %zu is %#jx",
			    line, i, (uintmax_t)idx[i]);
		if (uvm_radix_lookup(t, m->keys[i]) != VAL(m->keys[i]))
			atf_tc_fail("line %d: lookup %#jx", line,
			    (uintmax_t)m->keys[i]);
	}
	got = uvm_radix_gang_lookup(t, UINT64_MAX, res, idx,
	    (unsigned)m->n + 1, true);
	if (got != m->n)
		atf_tc_fail("line %d: backward gang found %u of %zu", line,
		    got, m->n);
	for (size_t i = 0; i < m->n; i++)
		if (idx[i] != m->keys[m->n - 1 - i])
			atf_tc_fail("line %d: backward gang entry %zu is %#jx",
			    line, i, (uintmax_t)idx[i]);
	free(res);
	free(idx);
}

static void
t_insert(struct uvm_radix *t, struct model *m, uint64_t k)
{
	ATF_REQUIRE_EQ_MSG(uvm_radix_insert(t, k, VAL(k)), 0, "insert %#jx",
	    (uintmax_t)k);
	ATF_REQUIRE(model_add(m, k));
}

static void
t_remove(struct uvm_radix *t, struct model *m, uint64_t k)
{
	ATF_REQUIRE_EQ_MSG(uvm_radix_remove(t, k), VAL(k), "remove %#jx",
	    (uintmax_t)k);
	ATF_REQUIRE(model_del(m, k));
}

ATF_TC_WITHOUT_HEAD(empty_tree_finds_nothing);
ATF_TC_BODY(empty_tree_finds_nothing, tc)
{
	struct uvm_radix t = { NULL, 0 };
	void *res[4];
	struct model m;

	kern_init();
	model_init(&m);
	ATF_CHECK(uvm_radix_empty_p(&t));
	ATF_CHECK(uvm_radix_lookup(&t, 0) == NULL);
	ATF_CHECK(uvm_radix_lookup(&t, UINT64_MAX) == NULL);
	ATF_CHECK(uvm_radix_remove(&t, 5) == NULL);
	ATF_CHECK_EQ(uvm_radix_gang_lookup(&t, 0, res, NULL, 4, false), 0);
	ATF_CHECK_EQ(uvm_radix_gang_lookup(&t, UINT64_MAX, res, NULL, 4, true),
	    0);
	R_CHECK(&t, &m);
	uvm_radix_fini(&t);
	model_fini(&m);
	kern_fini();
}

ATF_TC_WITHOUT_HEAD(key_zero_alone_needs_no_node);
ATF_TC_BODY(key_zero_alone_needs_no_node, tc)
{
	struct uvm_radix t = { NULL, 0 };
	struct model m;

	kern_init();
	model_init(&m);
	t_insert(&t, &m, 0);
	R_CHECK(&t, &m);
	ATF_CHECK_EQ(t.rt_height, 0);
	ATF_CHECK_EQ(kmem_inuse(), m.kmem0);
	ATF_CHECK(uvm_radix_lookup(&t, 1) == NULL);
	t_remove(&t, &m, 0);
	R_CHECK(&t, &m);
	uvm_radix_fini(&t);
	model_fini(&m);
	kern_fini();
}

ATF_TC_WITHOUT_HEAD(dense_keys_insert_lookup_remove);
ATF_TC_BODY(dense_keys_insert_lookup_remove, tc)
{
	struct uvm_radix t = { NULL, 0 };
	struct model m;
	const uint64_t n = 5000;

	kern_init();
	model_init(&m);
	for (uint64_t k = 0; k < n; k++) {
		t_insert(&t, &m, k);
		if (k % 500 == 0)
			R_CHECK(&t, &m);
	}
	R_CHECK(&t, &m);
	ATF_CHECK_EQ(t.rt_height, 3);		/* 4096 < 5000 <= 64^3 */
	ATF_CHECK(uvm_radix_lookup(&t, n) == NULL);
	/* Remove the odd keys, then the even ones from the top. */
	for (uint64_t k = 1; k < n; k += 2)
		t_remove(&t, &m, k);
	R_CHECK(&t, &m);
	for (uint64_t k = n; k-- > 0;) {
		if (k % 2 == 0) {
			t_remove(&t, &m, k);
			if (k % 512 == 0)
				R_CHECK(&t, &m);
		}
	}
	R_CHECK(&t, &m);
	uvm_radix_fini(&t);
	model_fini(&m);
	kern_fini();
}

ATF_TC_WITHOUT_HEAD(sparse_keys_insert_lookup_remove);
ATF_TC_BODY(sparse_keys_insert_lookup_remove, tc)
{
	struct uvm_radix t = { NULL, 0 };
	struct model m;

	kern_init();
	model_init(&m);
	/* Keys spread over every level of the tree. */
	for (uint64_t k = 1; k != 0; k <<= 3) {
		t_insert(&t, &m, k);
		t_insert(&t, &m, k + 3);
		R_CHECK(&t, &m);
	}
	ATF_CHECK_EQ(t.rt_height, 11);
	ATF_CHECK(uvm_radix_lookup(&t, 2) == NULL);
	ATF_CHECK(uvm_radix_lookup(&t, (1ULL << 60) + 1) == NULL);
	while (m.n > 0) {
		t_remove(&t, &m, m.keys[m.n / 2]);
		R_CHECK(&t, &m);
	}
	uvm_radix_fini(&t);
	model_fini(&m);
	kern_fini();
}

ATF_TC_WITHOUT_HEAD(largest_keys_work);
ATF_TC_BODY(largest_keys_work, tc)
{
	struct uvm_radix t = { NULL, 0 };
	struct model m;
	void *res[3];
	uint64_t idx[3];

	kern_init();
	model_init(&m);
	t_insert(&t, &m, UINT64_MAX);
	R_CHECK(&t, &m);
	t_insert(&t, &m, UINT64_MAX - 1);
	t_insert(&t, &m, UINT64_MAX >> 1);
	R_CHECK(&t, &m);
	ATF_CHECK_EQ(uvm_radix_gang_lookup(&t, UINT64_MAX - 1, res, idx, 3,
	    false), 2);
	ATF_CHECK_EQ(idx[0], UINT64_MAX - 1);
	ATF_CHECK_EQ(idx[1], UINT64_MAX);
	ATF_CHECK_EQ(uvm_radix_gang_lookup(&t, UINT64_MAX - 2, res, idx, 3,
	    true), 1);
	ATF_CHECK_EQ(idx[0], UINT64_MAX >> 1);
	t_remove(&t, &m, UINT64_MAX);
	R_CHECK(&t, &m);
	t_remove(&t, &m, UINT64_MAX - 1);
	R_CHECK(&t, &m);
	ATF_CHECK_EQ(t.rt_height, 11);		/* 2^63 - 1 still needs 11 */
	t_remove(&t, &m, UINT64_MAX >> 1);
	R_CHECK(&t, &m);
	uvm_radix_fini(&t);
	model_fini(&m);
	kern_fini();
}

ATF_TC_WITHOUT_HEAD(duplicate_insert_returns_eexist_keeps_value);
ATF_TC_BODY(duplicate_insert_returns_eexist_keeps_value, tc)
{
	struct uvm_radix t = { NULL, 0 };
	struct model m;
	int other;

	kern_init();
	model_init(&m);
	t_insert(&t, &m, 0);
	t_insert(&t, &m, 100);
	t_insert(&t, &m, 1ULL << 40);
	R_CHECK(&t, &m);
	size_t bytes = kmem_inuse();
	ATF_CHECK_EQ(uvm_radix_insert(&t, 100, &other), EEXIST);
	ATF_CHECK_EQ(uvm_radix_insert(&t, 0, &other), EEXIST);
	ATF_CHECK_EQ(uvm_radix_insert(&t, 1ULL << 40, &other), EEXIST);
	ATF_CHECK_EQ(kmem_inuse(), bytes);
	R_CHECK(&t, &m);
	while (m.n > 0)
		t_remove(&t, &m, m.keys[0]);
	R_CHECK(&t, &m);
	uvm_radix_fini(&t);
	model_fini(&m);
	kern_fini();
}

ATF_TC_WITHOUT_HEAD(remove_missing_key_returns_null_changes_nothing);
ATF_TC_BODY(remove_missing_key_returns_null_changes_nothing, tc)
{
	struct uvm_radix t = { NULL, 0 };
	struct model m;

	kern_init();
	model_init(&m);
	t_insert(&t, &m, 64);
	t_insert(&t, &m, 4096);
	R_CHECK(&t, &m);
	size_t bytes = kmem_inuse();
	ATF_CHECK(uvm_radix_remove(&t, 65) == NULL);	/* same leaf */
	ATF_CHECK(uvm_radix_remove(&t, 0) == NULL);	/* empty slot */
	ATF_CHECK(uvm_radix_remove(&t, 1 << 20) == NULL); /* beyond height */
	ATF_CHECK(uvm_radix_remove(&t, 200000) == NULL);
	ATF_CHECK_EQ(kmem_inuse(), bytes);
	R_CHECK(&t, &m);
	t_remove(&t, &m, 64);
	t_remove(&t, &m, 4096);
	R_CHECK(&t, &m);
	uvm_radix_fini(&t);
	model_fini(&m);
	kern_fini();
}

ATF_TC_WITHOUT_HEAD(removal_shrinks_height_and_frees_nodes);
ATF_TC_BODY(removal_shrinks_height_and_frees_nodes, tc)
{
	struct uvm_radix t = { NULL, 0 };
	struct model m;
	size_t one_node;

	kern_init();
	model_init(&m);
	t_insert(&t, &m, 0);
	t_insert(&t, &m, 1);
	ATF_CHECK_EQ(t.rt_height, 1);
	one_node = kmem_inuse() - m.kmem0;
	ATF_CHECK(one_node > 0);
	t_insert(&t, &m, 1ULL << 30);
	R_CHECK(&t, &m);
	ATF_CHECK_EQ(t.rt_height, 6);
	/* Height 6 with two leaf paths: 6 + 5 nodes. */
	ATF_CHECK_EQ(kmem_inuse() - m.kmem0, 11 * one_node);
	t_remove(&t, &m, 1ULL << 30);
	R_CHECK(&t, &m);
	ATF_CHECK_EQ(t.rt_height, 1);
	ATF_CHECK_EQ(kmem_inuse() - m.kmem0, one_node);
	t_remove(&t, &m, 1);
	R_CHECK(&t, &m);
	ATF_CHECK_EQ(t.rt_height, 0);			/* key 0 alone */
	ATF_CHECK_EQ(kmem_inuse(), m.kmem0);
	t_remove(&t, &m, 0);
	R_CHECK(&t, &m);
	uvm_radix_fini(&t);
	model_fini(&m);
	kern_fini();
}

ATF_TC_WITHOUT_HEAD(gang_lookup_forward_from_first_in_order);
ATF_TC_BODY(gang_lookup_forward_from_first_in_order, tc)
{
	struct uvm_radix t = { NULL, 0 };
	struct model m;
	void *res[8];
	uint64_t idx[8];
	unsigned int n;

	kern_init();
	model_init(&m);
	for (uint64_t k = 10; k < 100000; k *= 3)	/* 10 30 90 ... 65610 */
		t_insert(&t, &m, k);
	R_CHECK(&t, &m);
	n = uvm_radix_gang_lookup(&t, 31, res, idx, 3, false);
	ATF_REQUIRE_EQ(n, 3);
	ATF_CHECK_EQ(idx[0], 90);
	ATF_CHECK_EQ(idx[1], 270);
	ATF_CHECK_EQ(idx[2], 810);
	ATF_CHECK(res[0] == VAL(90) && res[2] == VAL(810));
	n = uvm_radix_gang_lookup(&t, 30, res, idx, 1, false);
	ATF_CHECK_EQ(n, 1);
	ATF_CHECK_EQ(idx[0], 30);			/* first itself */
	n = uvm_radix_gang_lookup(&t, 65611, res, idx, 8, false);
	ATF_CHECK_EQ(n, 0);
	n = uvm_radix_gang_lookup(&t, 1ULL << 50, res, idx, 8, false);
	ATF_CHECK_EQ(n, 0);				/* beyond height */
	n = uvm_radix_gang_lookup(&t, 0, res, NULL, 8, false);
	ATF_CHECK_EQ(n, 8);				/* indices optional */
	ATF_CHECK(res[7] == VAL(21870));
	while (m.n > 0)
		t_remove(&t, &m, m.keys[m.n - 1]);
	R_CHECK(&t, &m);
	uvm_radix_fini(&t);
	model_fini(&m);
	kern_fini();
}

ATF_TC_WITHOUT_HEAD(gang_lookup_backward_from_first_in_order);
ATF_TC_BODY(gang_lookup_backward_from_first_in_order, tc)
{
	struct uvm_radix t = { NULL, 0 };
	struct model m;
	void *res[8];
	uint64_t idx[8];
	unsigned int n;

	kern_init();
	model_init(&m);
	for (uint64_t k = 10; k < 100000; k *= 3)
		t_insert(&t, &m, k);
	R_CHECK(&t, &m);
	n = uvm_radix_gang_lookup(&t, 809, res, idx, 3, true);
	ATF_REQUIRE_EQ(n, 3);
	ATF_CHECK_EQ(idx[0], 270);
	ATF_CHECK_EQ(idx[1], 90);
	ATF_CHECK_EQ(idx[2], 30);
	n = uvm_radix_gang_lookup(&t, 810, res, idx, 2, true);
	ATF_CHECK_EQ(n, 2);
	ATF_CHECK_EQ(idx[0], 810);			/* first itself */
	ATF_CHECK_EQ(idx[1], 270);
	n = uvm_radix_gang_lookup(&t, 9, res, idx, 8, true);
	ATF_CHECK_EQ(n, 0);
	n = uvm_radix_gang_lookup(&t, 1ULL << 50, res, idx, 2, true);
	ATF_CHECK_EQ(n, 2);				/* above the tree */
	ATF_CHECK_EQ(idx[0], 65610);
	ATF_CHECK_EQ(idx[1], 21870);
	/* Key 0 in a height-0 tree is found backward from anywhere. */
	while (m.n > 0)
		t_remove(&t, &m, m.keys[0]);
	t_insert(&t, &m, 0);
	ATF_CHECK_EQ(uvm_radix_gang_lookup(&t, 12345, res, idx, 8, true), 1);
	ATF_CHECK_EQ(idx[0], 0);
	ATF_CHECK_EQ(uvm_radix_gang_lookup(&t, 1, res, idx, 8, false), 0);
	t_remove(&t, &m, 0);
	R_CHECK(&t, &m);
	uvm_radix_fini(&t);
	model_fini(&m);
	kern_fini();
}

ATF_TC_WITHOUT_HEAD(gang_lookup_zero_count_returns_zero);
ATF_TC_BODY(gang_lookup_zero_count_returns_zero, tc)
{
	struct uvm_radix t = { NULL, 0 };
	struct model m;
	void *res[1] = { NULL };

	kern_init();
	model_init(&m);
	t_insert(&t, &m, 5);
	ATF_CHECK_EQ(uvm_radix_gang_lookup(&t, 0, res, NULL, 0, false), 0);
	ATF_CHECK_EQ(uvm_radix_gang_lookup(&t, 9, res, NULL, 0, true), 0);
	ATF_CHECK(res[0] == NULL);
	t_remove(&t, &m, 5);
	R_CHECK(&t, &m);
	uvm_radix_fini(&t);
	model_fini(&m);
	kern_fini();
}

/*
 * Every allocation an insertion makes can fail: for each nth, the insert
 * fails with ENOMEM and the tree (and kmem) are exactly as before.
 */
ATF_TC_WITHOUT_HEAD(insert_enomem_leaves_tree_unchanged);
ATF_TC_BODY(insert_enomem_leaves_tree_unchanged, tc)
{
	static const uint64_t keys[] = { 3, 1ULL << 33, UINT64_MAX, 70 };
	struct uvm_radix t = { NULL, 0 };
	struct model m;

	kern_init();
	model_init(&m);
	for (size_t i = 0; i < __arraycount(keys); i++) {
		unsigned long nth;

		for (nth = 1;; nth++) {
			size_t bytes = kmem_inuse();
			unsigned int h = t.rt_height;
			int error;

			kern_fault_set(KFI_KMEM, nth, 0);
			error = uvm_radix_insert(&t, keys[i], VAL(keys[i]));
			kern_fault_clear();
			if (error == 0)
				break;
			ATF_REQUIRE_EQ(error, ENOMEM);
			ATF_CHECK_EQ(kmem_inuse(), bytes);
			ATF_CHECK_EQ(t.rt_height, h);
			ATF_CHECK(uvm_radix_lookup(&t, keys[i]) == NULL);
			R_CHECK(&t, &m);
		}
		ATF_REQUIRE(model_add(&m, keys[i]));
		R_CHECK(&t, &m);
		/* Key 3 first: one node; 2^33: grow 5 + 5 below. */
		if (i == 1)
			ATF_CHECK_EQ(nth, 11);
	}
	while (m.n > 0)
		t_remove(&t, &m, m.keys[0]);
	R_CHECK(&t, &m);
	uvm_radix_fini(&t);
	model_fini(&m);
	kern_fini();
}

ATF_TC_WITHOUT_HEAD(fini_of_nonempty_tree_panics);
ATF_TC_BODY(fini_of_nonempty_tree_panics, tc)
{
	struct uvm_radix t = { NULL, 0 };
	int v;

	kern_init();
	ATF_REQUIRE_EQ(uvm_radix_insert(&t, 9, &v), 0);
	ATF_CHECK(H_PANICS(uvm_radix_fini(&t)));
	ATF_CHECK(uvm_radix_remove(&t, 9) == &v);
	uvm_radix_fini(&t);
	kern_fini();
}

ATF_TC_WITHOUT_HEAD(insert_null_value_panics);
ATF_TC_BODY(insert_null_value_panics, tc)
{
	struct uvm_radix t = { NULL, 0 };

	kern_init();
	ATF_CHECK(H_PANICS(uvm_radix_insert(&t, 1, NULL)));
	ATF_CHECK(uvm_radix_empty_p(&t));
	kern_fini();
}

/*
 * Thousands of random inserts, removes and gang lookups over keys drawn
 * from a few clustered ranges and the whole 64-bit space, against the
 * sorted-array model.
 */
ATF_TC_WITHOUT_HEAD(random_operations_match_model);
ATF_TC_BODY(random_operations_match_model, tc)
{
	struct uvm_radix t = { NULL, 0 };
	struct model m;
	void *res[16];
	uint64_t idx[16];

	kern_init();
	kern_random_seed(42);
	model_init(&m);
	for (int op = 0; op < 20000; op++) {
		uint64_t r = cprng_fast64(), k;

		switch (r % 4) {
		case 0:
			k = (r >> 8) % 512;
			break;
		case 1:
			k = (1ULL << 36) + (r >> 8) % 100000;
			break;
		case 2:
			k = cprng_fast64();
			break;
		default:
			k = m.n > 0 ? m.keys[(r >> 8) % m.n] : 0;
			break;
		}
		switch ((r >> 2) % 5) {
		case 0:
		case 1: {
			bool isnew = uvm_radix_lookup(&t, k) == NULL;
			int error = uvm_radix_insert(&t, k, VAL(k));
			ATF_REQUIRE_EQ(error, isnew ? 0 : EEXIST);
			ATF_REQUIRE_EQ(model_add(&m, k), isnew);
			break;
		}
		case 2:
		case 3: {
			void *v = uvm_radix_remove(&t, k);
			bool was = model_del(&m, k);
			ATF_REQUIRE(v == (was ? VAL(k) : NULL));
			break;
		}
		default: {
			bool back = (r >> 40) & 1, found;
			unsigned int n = uvm_radix_gang_lookup(&t, k, res, idx,
			    16, back);
			size_t i = model_find(&m, k, &found);
			unsigned int want;

			if (back) {
				size_t upto = found ? i + 1 : i;
				want = (unsigned)MIN(16, upto);
				for (unsigned int j = 0; j < MIN(n, want); j++)
					ATF_REQUIRE_EQ(idx[j],
					    m.keys[upto - 1 - j]);
			} else {
				want = (unsigned)MIN(16, m.n - i);
				for (unsigned int j = 0; j < MIN(n, want); j++)
					ATF_REQUIRE_EQ(idx[j], m.keys[i + j]);
			}
			ATF_REQUIRE_EQ(n, want);
			break;
		}
		}
		if (op % 1000 == 0)
			R_CHECK(&t, &m);
	}
	R_CHECK(&t, &m);
	while (m.n > 0) {
		t_remove(&t, &m, m.keys[cprng_fast32() % m.n]);
		if (m.n % 256 == 0)
			R_CHECK(&t, &m);
	}
	R_CHECK(&t, &m);
	uvm_radix_fini(&t);
	model_fini(&m);
	kern_fini();
}

/* ------------------------------------------------------------------
 * uvm_object.c
 */

static const struct uvm_pagerops t_nullpager = { .pgo_name = "t_null" };

ATF_TC_WITHOUT_HEAD(obj_init_with_own_lock_and_destroy_frees_it);
ATF_TC_BODY(obj_init_with_own_lock_and_destroy_frees_it, tc)
{
	struct uvm_object o;
	size_t kmem0;

	kern_init();
	kmem0 = kmem_inuse();
	uvm_obj_init(&o, &t_nullpager, true, 3);
	ATF_REQUIRE(o.vmobjlock != NULL);
	ATF_CHECK(o.pgops == &t_nullpager);
	ATF_CHECK_EQ(o.uo_refs, 3);
	ATF_CHECK_EQ(o.uo_npages, 0);
	ATF_CHECK(uvm_radix_empty_p(&o.uo_pages));
	ATF_CHECK(kmem_inuse() > kmem0);
	mutex_enter(o.vmobjlock);
	ATF_CHECK(mutex_owned(o.vmobjlock));
	mutex_exit(o.vmobjlock);
	uvm_obj_destroy(&o, true);
	ATF_CHECK(o.vmobjlock == NULL);
	ATF_CHECK_EQ(kmem_inuse(), kmem0);
	kern_fini();
}

ATF_TC_WITHOUT_HEAD(obj_setlock_shares_a_refcounted_lock);
ATF_TC_BODY(obj_setlock_shares_a_refcounted_lock, tc)
{
	struct uvm_object a, b, c;
	size_t kmem0;

	kern_init();
	kmem0 = kmem_inuse();
	uvm_obj_init(&a, &t_nullpager, true, 1);
	uvm_obj_init(&b, &t_nullpager, false, 1);
	ATF_CHECK(b.vmobjlock == NULL);
	/* b shares a's lock: one more reference, passed to b. */
	mutex_obj_hold(a.vmobjlock);
	uvm_obj_setlock(&b, a.vmobjlock);
	ATF_CHECK(b.vmobjlock == a.vmobjlock);
	/* c had its own lock; setting NULL gives it a fresh one. */
	uvm_obj_init(&c, &t_nullpager, true, 1);
	uvm_obj_setlock(&c, NULL);
	ATF_CHECK(c.vmobjlock != NULL && c.vmobjlock != a.vmobjlock);
	/* The shared lock outlives a and goes with b. */
	uvm_obj_destroy(&a, true);
	mutex_enter(b.vmobjlock);
	mutex_exit(b.vmobjlock);
	uvm_obj_destroy(&b, true);
	uvm_obj_destroy(&c, true);
	ATF_CHECK_EQ(kmem_inuse(), kmem0);
	kern_fini();
}

ATF_TC_WITHOUT_HEAD(obj_destroy_with_pages_panics);
ATF_TC_BODY(obj_destroy_with_pages_panics, tc)
{
	struct uvm_object o;
	int v;

	kern_init();
	uvm_obj_init(&o, &t_nullpager, true, 1);
	ATF_REQUIRE_EQ(uvm_radix_insert(&o.uo_pages, 4, &v), 0);
	o.uo_npages = 1;
	ATF_CHECK(H_PANICS(uvm_obj_destroy(&o, true)));
}

/* Page list helpers for wirepages. */
static int
pglist_len(struct pglist *l)
{
	struct vm_page *pg;
	int n = 0;

	TAILQ_FOREACH(pg, l, pageq)
		n++;
	return n;
}

ATF_TC_WITHOUT_HEAD(obj_wirepages_wires_lists_and_unwire_releases);
ATF_TC_BODY(obj_wirepages_wires_lists_and_unwire_releases, tc)
{
	struct uvm_object *uobj;
	struct pglist list;
	struct vm_page *pg;
	int free0, wired0, i;

	h_boot(0, 0);
	free0 = uvmexp.free;
	wired0 = uvmexp.wired;
	uobj = uao_create(40 * PAGE_SIZE, 0);
	TAILQ_INIT(&list);
	/* 20 pages from page 8: more than one pager call's worth. */
	ATF_REQUIRE_EQ(uvm_obj_wirepages(uobj, 8 * PAGE_SIZE,
	    28 * PAGE_SIZE, &list), 0);
	H_CHECK(NULL);
	ATF_CHECK_EQ(uobj->uo_npages, 20);
	ATF_CHECK_EQ(uvmexp.wired, wired0 + 20);
	ATF_CHECK_EQ(uvmexp.free, free0 - 20);
	ATF_CHECK_EQ(pglist_len(&list), 20);
	i = 8;
	TAILQ_FOREACH(pg, &list, pageq) {
		ATF_CHECK(pg->uobject == uobj);
		ATF_CHECK_EQ(pg->offset, (voff_t)i * (voff_t)PAGE_SIZE);
		ATF_CHECK_EQ(pg->wire_count, 1);
		ATF_CHECK((pg->flags & (PG_BUSY | PG_CLEAN)) == 0);
		ATF_CHECK(pg->flags & PG_DIRTY);
		ATF_CHECK_EQ(pg->pqflags & PQ_QMASK, 0);
		i++;
	}
	/* Wiring again stacks; without a list is fine. */
	ATF_REQUIRE_EQ(uvm_obj_wirepages(uobj, 8 * PAGE_SIZE,
	    10 * PAGE_SIZE, NULL), 0);
	ATF_CHECK_EQ(uvmexp.wired, wired0 + 20);
	mutex_enter(uobj->vmobjlock);
	ATF_CHECK_EQ(uvm_pagelookup(uobj, 9 * PAGE_SIZE)->wire_count, 2);
	mutex_exit(uobj->vmobjlock);
	uvm_obj_unwirepages(uobj, 8 * PAGE_SIZE, 10 * PAGE_SIZE);
	H_CHECK(NULL);
	/* Unwired pages go back on the paging queues through pageq. */
	TAILQ_INIT(&list);
	uvm_obj_unwirepages(uobj, 8 * PAGE_SIZE, 28 * PAGE_SIZE);
	H_CHECK(NULL);
	ATF_CHECK_EQ(uvmexp.wired, wired0);
	mutex_enter(uobj->vmobjlock);
	pg = uvm_pagelookup(uobj, 27 * PAGE_SIZE);
	ATF_REQUIRE(pg != NULL);
	ATF_CHECK_EQ(pg->wire_count, 0);
	ATF_CHECK(pg->pqflags & (PQ_ACTIVE | PQ_INACTIVE));
	mutex_exit(uobj->vmobjlock);
	uao_detach(uobj);
	H_CHECK(NULL);
	ATF_CHECK_EQ(uvmexp.free, free0);
	h_shutdown();
}

/* A pager error half way leaves nothing wired by the call. */
ATF_TC_WITHOUT_HEAD(obj_wirepages_failure_unwires_what_it_wired);
ATF_TC_BODY(obj_wirepages_failure_unwires_what_it_wired, tc)
{
	struct uvm_object *uobj;
	struct pglist list;
	int wired0, error;

	h_boot(0, 0);
	wired0 = uvmexp.wired;
	uobj = uao_create(40 * PAGE_SIZE, 0);
	TAILQ_INIT(&list);
	/* The 18th page allocation fails: in the second pager call. */
	kern_fault_set(KFI_PAGE, 18, 0);
	error = uvm_obj_wirepages(uobj, 0, 24 * PAGE_SIZE, &list);
	kern_fault_clear();
	ATF_CHECK_EQ(error, ENOMEM);
	H_CHECK(NULL);
	ATF_CHECK_EQ(uvmexp.wired, wired0);
	ATF_CHECK(uobj->uo_npages >= 16);	/* fetched, now unwired */
	mutex_enter(uobj->vmobjlock);
	for (int i = 0; i < 24; i++) {
		struct vm_page *pg = uvm_pagelookup(uobj,
		    (voff_t)i * (voff_t)PAGE_SIZE);
		if (pg != NULL)
			ATF_CHECK_EQ(pg->wire_count, 0);
	}
	mutex_exit(uobj->vmobjlock);
	uao_detach(uobj);
	H_CHECK(NULL);
	h_shutdown();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, empty_tree_finds_nothing);
	ATF_TP_ADD_TC(tp, key_zero_alone_needs_no_node);
	ATF_TP_ADD_TC(tp, dense_keys_insert_lookup_remove);
	ATF_TP_ADD_TC(tp, sparse_keys_insert_lookup_remove);
	ATF_TP_ADD_TC(tp, largest_keys_work);
	ATF_TP_ADD_TC(tp, duplicate_insert_returns_eexist_keeps_value);
	ATF_TP_ADD_TC(tp, remove_missing_key_returns_null_changes_nothing);
	ATF_TP_ADD_TC(tp, removal_shrinks_height_and_frees_nodes);
	ATF_TP_ADD_TC(tp, gang_lookup_forward_from_first_in_order);
	ATF_TP_ADD_TC(tp, gang_lookup_backward_from_first_in_order);
	ATF_TP_ADD_TC(tp, gang_lookup_zero_count_returns_zero);
	ATF_TP_ADD_TC(tp, insert_enomem_leaves_tree_unchanged);
	ATF_TP_ADD_TC(tp, fini_of_nonempty_tree_panics);
	ATF_TP_ADD_TC(tp, insert_null_value_panics);
	ATF_TP_ADD_TC(tp, random_operations_match_model);
	ATF_TP_ADD_TC(tp, obj_init_with_own_lock_and_destroy_frees_it);
	ATF_TP_ADD_TC(tp, obj_setlock_shares_a_refcounted_lock);
	ATF_TP_ADD_TC(tp, obj_destroy_with_pages_panics);
	ATF_TP_ADD_TC(tp, obj_wirepages_wires_lists_and_unwire_releases);
	ATF_TP_ADD_TC(tp, obj_wirepages_failure_unwires_what_it_wired);
	return atf_no_error();
}
