/*
 * illumos <sys/ddi_intr.h> and the older ddi_add_softintr(9F) family:
 * interrupts. The simulated devices have no hardware interrupts: a query
 * finds none, an attempt to add one fails (DDI_FAILURE), as on a pseudo
 * device. Soft interrupts work: triggering one runs its handler as a
 * callout due now, in interrupt context (so it races with the trigger's
 * caller and may not sleep); a trigger while one is pending is
 * DDI_EPENDING; removing one waits for a running handler.
 * Priorities are recorded, not modelled: every handler runs in the same
 * soft interrupt context; the iblock cookie a driver hands mutex_init is
 * the priority and is ignored there.
 */
#ifndef _KS_ILLUMOS_SYS_DDI_INTR_H
#define _KS_ILLUMOS_SYS_DDI_INTR_H

#include <sys/types.h>
#include <sys/dditypes.h>
#include <sys/ksynch.h>

/* ddi_add_intr, ddi_get_iblock_cookie: no such interrupt */
#define DDI_INTR_NOTFOUND 1
#define DDI_INTR_CLAIMED 1
#define DDI_INTR_UNCLAIMED 0

#define DDI_INTR_TYPE_FIXED 0x1
#define DDI_INTR_TYPE_MSI 0x2
#define DDI_INTR_TYPE_MSIX 0x4

#define DDI_INTR_ALLOC_NORMAL 0
#define DDI_INTR_ALLOC_STRICT 1

#define DDI_INTR_FLAG_LEVEL 0x0001
#define DDI_INTR_FLAG_EDGE 0x0002
#define DDI_INTR_FLAG_MASKABLE 0x0010
#define DDI_INTR_FLAG_PENDING 0x0020
#define DDI_INTR_FLAG_BLOCK 0x0100

#define DDI_INTR_PRI_MIN 1
#define DDI_INTR_PRI_MAX 12
/* soft interrupt priorities (above them: high-level interrupts) */
#define DDI_INTR_SOFTPRI_MIN 1
#define DDI_INTR_SOFTPRI_MAX 9
#define DDI_INTR_SOFTPRI_DEFAULT DDI_INTR_SOFTPRI_MIN
#define LOCK_LEVEL 10
#define DDI_INTR_PRI(pri) ((void *)(uintptr_t)(pri))

/* ddi_add_softintr preferences */
#define DDI_SOFTINT_FIXED 0
#define DDI_SOFTINT_LOW 8
#define DDI_SOFTINT_MED 128
#define DDI_SOFTINT_HIGH 256

typedef struct __ddi_intr_handle *ddi_intr_handle_t;
typedef struct __ddi_softint_handle *ddi_softint_handle_t;
typedef uint_t (ddi_intr_handler_t)(caddr_t arg1, caddr_t arg2);
typedef struct __ddi_iblock_cookie *ddi_iblock_cookie_t;
typedef struct __ddi_softintr *ddi_softintr_t;
typedef struct {
	ushort_t idev_vector;
	ushort_t idev_priority;
} ddi_idevice_cookie_t;

#ifdef __cplusplus
extern "C" {
#endif
/* hardware interrupts: none here */
extern int ddi_intr_get_supported_types(dev_info_t *, int *);
extern int ddi_intr_get_nintrs(dev_info_t *, int, int *);
extern int ddi_intr_get_navail(dev_info_t *, int, int *);
extern int ddi_intr_alloc(dev_info_t *, ddi_intr_handle_t *, int, int, int, int *, int);
extern int ddi_intr_free(ddi_intr_handle_t);
extern int ddi_intr_get_pri(ddi_intr_handle_t, uint_t *);
extern int ddi_intr_set_pri(ddi_intr_handle_t, uint_t);
extern int ddi_intr_get_cap(ddi_intr_handle_t, int *);
extern int ddi_intr_set_cap(ddi_intr_handle_t, int);
extern int ddi_intr_add_handler(ddi_intr_handle_t, ddi_intr_handler_t, void *, void *);
extern int ddi_intr_remove_handler(ddi_intr_handle_t);
extern int ddi_intr_enable(ddi_intr_handle_t);
extern int ddi_intr_disable(ddi_intr_handle_t);
extern int ddi_intr_block_enable(ddi_intr_handle_t *, int);
extern int ddi_intr_block_disable(ddi_intr_handle_t *, int);
extern int ddi_intr_dup_handler(ddi_intr_handle_t, int, ddi_intr_handle_t *);
extern int ddi_intr_set_mask(ddi_intr_handle_t);
extern int ddi_intr_clr_mask(ddi_intr_handle_t);
extern int ddi_intr_get_pending(ddi_intr_handle_t, int *);
extern int ddi_intr_set_nreq(dev_info_t *, int);
/* the lowest high-level priority: LOCK_LEVEL + 1 */
extern uint_t ddi_intr_get_hilevel_pri(void);

/* soft interrupts */
extern int ddi_intr_add_softint(dev_info_t *, ddi_softint_handle_t *, int,
    ddi_intr_handler_t, void *);
extern int ks_il_intr_add_softint(dev_info_t *, ddi_softint_handle_t *, int,
    ddi_intr_handler_t, void *, const char *);
extern int ks_il_add_softintr(dev_info_t *, int, ddi_softintr_t *, ddi_iblock_cookie_t *,
    ddi_idevice_cookie_t *, uint_t (*)(caddr_t), caddr_t, const char *);
extern int ddi_intr_trigger_softint(ddi_softint_handle_t, void *);
extern int ddi_intr_remove_softint(ddi_softint_handle_t);
extern int ddi_intr_get_softint_pri(ddi_softint_handle_t, uint_t *);
extern int ddi_intr_set_softint_pri(ddi_softint_handle_t, uint_t);

/* the older interfaces */
extern int ddi_get_iblock_cookie(dev_info_t *, uint_t, ddi_iblock_cookie_t *);
extern int ddi_add_intr(dev_info_t *, uint_t, ddi_iblock_cookie_t *,
    ddi_idevice_cookie_t *, uint_t (*)(caddr_t), caddr_t);
extern void ddi_remove_intr(dev_info_t *, uint_t, ddi_iblock_cookie_t);
extern int ddi_intr_hilevel(dev_info_t *, uint_t);
extern int ddi_dev_nintrs(dev_info_t *, int *);
extern int ddi_get_soft_iblock_cookie(dev_info_t *, int, ddi_iblock_cookie_t *);
extern int ddi_add_softintr(dev_info_t *, int, ddi_softintr_t *, ddi_iblock_cookie_t *,
    ddi_idevice_cookie_t *, uint_t (*)(caddr_t), caddr_t);
extern void ddi_trigger_softintr(ddi_softintr_t);
extern void ddi_remove_softintr(ddi_softintr_t);
#ifdef __cplusplus
}
#endif

/* The handler's thread is named after the handler, as the driver spells it. */
#define ddi_intr_add_softint(dip, hp, pri, fn, arg1) \
	ks_il_intr_add_softint((dip), (hp), (pri), (fn), (arg1), #fn)
#define ddi_add_softintr(dip, pref, idp, ibcp, idcp, fn, arg) \
	ks_il_add_softintr((dip), (pref), (idp), (ibcp), (idcp), (fn), (arg), #fn)

#endif
