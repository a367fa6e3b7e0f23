/*
 * A driver's red-black tree, as FreeBSD drivers declare one: RB_HEAD and
 * RB_ENTRY in its structures and RB_GENERATE_STATIC over its comparison.
 * Elements live in a static array (no World needed: the tree is plain
 * data), and a presence table is the reference the tree is checked
 * against after every insert and remove.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/bitstring.h>
#include <sys/tree.h>

#include "kfb_tree.h"

#define KEYS 512

struct node {
	RB_ENTRY(node) link;
	int key;
};

static int
node_cmp(const struct node *a, const struct node *b)
{
	return (a->key < b->key ? -1 : a->key > b->key);
}

RB_HEAD(node_tree, node);
RB_GENERATE_STATIC(node_tree, node, link, node_cmp)

static int
ks_cmp(const void *a, const void *b)
{
	return (node_cmp(a, b));
}

static struct node nodes[KEYS];
static int present[KEYS];

/* The tree against the presence table: order, count, find, nfind, rules. */
static int
check(struct node_tree *head)
{
	struct node *n, *prev = NULL, key;
	int count = 0, want = 0;

	if (ks_fb_rb_check(RB_ROOT(head), offsetof(struct node, link), ks_cmp) < 0)
		return (1);
	RB_FOREACH(n, node_tree, head) {
		if (prev != NULL && prev->key >= n->key)
			return (2);
		if (!present[n->key])
			return (3);
		if (RB_PREV(node_tree, head, n) != prev)
			return (4);
		prev = n;
		count++;
	}
	for (int k = 0; k < KEYS; k++)
		want += present[k];
	if (count != want)
		return (5);
	for (int k = 0; k < KEYS; k++) {
		int next = k;
		key.key = k;
		n = RB_FIND(node_tree, head, &key);
		if ((n != NULL) != present[k] || (n != NULL && n->key != k))
			return (6);
		while (next < KEYS && !present[next])
			next++;
		n = RB_NFIND(node_tree, head, &key);
		if (next == KEYS ? n != NULL : (n == NULL || n->key != next))
			return (7);
	}
	return (0);
}

int
kfb_tree_exercise(unsigned seed, int n)
{
	struct node_tree head = RB_INITIALIZER(&head);
	struct node *x, *y, dup;
	int r, removed = 0;

	memset(nodes, 0, sizeof (nodes));
	memset(present, 0, sizeof (present));
	for (int i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		int k = (int)((seed >> 8) % KEYS);
		nodes[k].key = k;
		if (present[k]) {
			dup.key = k;
			if (RB_INSERT(node_tree, &head, &dup) != &nodes[k])
				return (10);	/* a key already there answers itself */
			continue;
		}
		if (RB_INSERT(node_tree, &head, &nodes[k]) != NULL)
			return (11);
		present[k] = 1;
		if ((r = check(&head)) != 0)
			return (100 + r);
	}
	RB_FOREACH_SAFE(x, node_tree, &head, y) {
		if (removed++ % 2 == 0)
			continue;
		if (RB_REMOVE(node_tree, &head, x) != x)
			return (12);
		present[x->key] = 0;
		if ((r = check(&head)) != 0)
			return (200 + r);
	}
	x = RB_MIN(node_tree, &head);
	y = RB_MAX(node_tree, &head);
	while (!RB_EMPTY(&head)) {
		RB_REMOVE(node_tree, &head, RB_ROOT(&head));
		if (ks_fb_rb_check(RB_ROOT(&head), offsetof(struct node, link), ks_cmp) < 0)
			return (13);
	}
	if ((x == NULL) != (y == NULL) || (x != NULL && x->key > y->key))
		return (14);
	return (0);
}

int
kfb_bitstring_exercise(void)
{
	bitstr_t bit_decl(map, 130);
	int r;

	memset(map, 0, sizeof (map));
	bit_nset(map, 3, 70);
	bit_clear(map, 64);
	bit_count(map, 0, 130, &r);
	if (r != 67)
		return (1);
	bit_ffs(map, 130, &r);
	if (r != 3)
		return (2);
	bit_ffc_at(map, 3, 130, &r);
	if (r != 64)
		return (3);
	bit_ffs_at(map, 71, 130, &r);
	if (r != -1)
		return (4);
	bit_count(map, 65, 130, &r);
	if (r != 6 || !bit_test(map, 70) || bit_test(map, 71))
		return (5);
	bit_nclear(map, 0, 129);
	bit_ffc(map, 130, &r);
	return (r == 0 ? 0 : 6);
}
