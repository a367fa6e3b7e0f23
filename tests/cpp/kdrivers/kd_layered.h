/*
 * Tiny C "drivers" for tests/cpp/test_layered.cc: nvpair(9F) lists and the
 * LDI's argument checks and misuse, as a driver calls them. Results go to
 * kl_log in the order they happen.
 */
#ifndef KS_TEST_KDRIVERS_KD_LAYERED_H
#define KS_TEST_KDRIVERS_KD_LAYERED_H

#ifdef __cplusplus
extern "C" {
#endif

#define KL_NLOG 96
extern long kl_log[KL_NLOG];
extern int kl_nlog;
extern unsigned kl_major;	/* the sample driver's, for the LDI tests */

void kl_init(void);
void kl_nv_basic(void *);	/* add, replace, order, lookup, remove: errnos */
void kl_nv_pack(void *);	/* pack, size, unpack round trip, nested lists */
void kl_nv_truncated(void *);	/* every prefix of a packed list: an error, no leak */
void kl_nv_leak(void *);	/* a list never freed */
void kl_nv_use_after_free(void *);	/* a lookup after nvlist_free */
void kl_nv_double_free(void *);	/* nvlist_free twice */
void kl_nv_nosleep(void *);
void kl_nv_mutate(void *);	/* damaged packed lists (arg: encoding): refused or sound */
void kl_nv_xdr(void *);	/* NV_ENCODE_XDR: layout, round trip, prefixes */	/* KM_NOSLEEP allocations under injected faults */
void kl_ldi_args(void *);	/* ident and open argument checks, an open and close */
void kl_ldi_close_twice(void *);	/* ldi_close of a closed handle */

#ifdef __cplusplus
}
#endif

#endif
