/*
 * A resource manager's heap is the kernel model's kmem (leaks by tag at
 * teardown, redzones after every buffer, poison on free): the host's
 * <stdlib.h>, then malloc, calloc and free onto kmem. rand(3), random(3)
 * and their seeding draw from the World's generator: the host's keep one
 * state per process, so a campaign's later executions drew what a replay
 * alone would not.
 */
#ifndef _KS_QNX_STDLIB_H
#define _KS_QNX_STDLIB_H

#include_next <stdlib.h>
#include <kernsim/abi.h>

void *ks_qnx_malloc(size_t n);
void *ks_qnx_calloc(size_t n, size_t size);
void ks_qnx_free(void *p);
#define malloc(_n) ks_qnx_malloc(_n)
#define calloc(_n, _s) ks_qnx_calloc((_n), (_s))
#define free(_p) ks_qnx_free(_p)
int ks_qnx_rand(void);
void ks_qnx_srand(unsigned int seed);
long ks_qnx_random(void);
void ks_qnx_srandom(unsigned int seed);
#define rand() ks_qnx_rand()
#define srand(_s) ks_qnx_srand(_s)
#define random() ks_qnx_random()
#define srandom(_s) ks_qnx_srandom(_s)

#endif
