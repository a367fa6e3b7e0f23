/*
 * <sys/tree.h> through a driver's own RB_GENERATE (kfb_tree.c), for
 * tests/cpp/test_fb_tree.cc. Plain C, as kfb.h.
 */
#ifndef KS_TEST_KDRIVERS_FREEBSD_KFB_TREE_H
#define KS_TEST_KDRIVERS_FREEBSD_KFB_TREE_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Inserts n keys drawn from seed (duplicates refused), removes every
 * other one, and checks the tree after each step against a plain array.
 * Returns 0, or the number of the check that failed (kfb_tree.c).
 */
int kfb_tree_exercise(unsigned seed, int n);

/* The bit strings of <sys/bitstring.h>: 0, or the failed check's number. */
int kfb_bitstring_exercise(void);

#ifdef __cplusplus
}
#endif

#endif
