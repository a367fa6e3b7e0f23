/*
 * illumos <sys/sunldi.h>: the layered driver interface. A driver opens
 * another device as the kernel opens it (the open is an open of the
 * target: its close(9E) runs at the last close, user and layered opens
 * counted together; its detach and unload are refused while it is open)
 * and calls its entry points through the handle
 * (kernel_model/illumos/ldi.cc). Identifiers and handles are kmem (tags
 * ldi_ident, ldi_handle): one never released is a leak, one used after
 * its release is reported.
 */
#ifndef _KS_ILLUMOS_SYS_SUNLDI_H
#define _KS_ILLUMOS_SYS_SUNLDI_H

#include <sys/types.h>
#include <sys/cred.h>
#include <sys/dditypes.h>
#include <sys/file.h>
#include <sys/open.h>
#include <sys/uio.h>
#include <sys/buf.h>
#include <sys/conf.h>

typedef struct __ldi_ident *ldi_ident_t;
typedef struct __ldi_handle *ldi_handle_t;

/* a property flag: look the property up with DDI_DEV_T_ANY */
#define LDI_DEV_T_ANY 0x2000

#ifdef __cplusplus
extern "C" {
#endif

extern int ldi_ident_from_dev(dev_t, ldi_ident_t *);
extern int ldi_ident_from_dip(dev_info_t *, ldi_ident_t *);
extern int ldi_ident_from_major(major_t, ldi_ident_t *);
extern void ldi_ident_release(ldi_ident_t);

extern int ldi_open_by_dev(dev_t *, int, int, cred_t *, ldi_handle_t *, ldi_ident_t);
extern int ldi_open_by_name(char *, int, cred_t *, ldi_handle_t *, ldi_ident_t);
extern int ldi_close(ldi_handle_t, int, cred_t *);

extern int ldi_read(ldi_handle_t, struct uio *, cred_t *);
extern int ldi_write(ldi_handle_t, struct uio *, cred_t *);
extern int ldi_ioctl(ldi_handle_t, int, intptr_t, int, cred_t *, int *);
extern int ldi_strategy(ldi_handle_t, struct buf *);
extern int ldi_dump(ldi_handle_t, caddr_t, daddr_t, int);
extern int ldi_devmap(ldi_handle_t, devmap_cookie_t, offset_t, size_t, size_t *, uint_t);
extern int ldi_aread(ldi_handle_t, struct aio_req *, cred_t *);
extern int ldi_awrite(ldi_handle_t, struct aio_req *, cred_t *);
struct pollhead;
extern int ldi_poll(ldi_handle_t, short, int, short *, struct pollhead **);
/* the minor node's name in kmem; the caller frees strlen + 1 bytes */
extern int ldi_get_minor_name(ldi_handle_t, char **);
extern int ldi_get_size(ldi_handle_t, uint64_t *);
extern int ldi_get_dev(ldi_handle_t, dev_t *);
extern int ldi_get_otyp(ldi_handle_t, int *);
extern int ldi_prop_exists(ldi_handle_t, uint_t, char *);
extern int ldi_prop_get_int(ldi_handle_t, uint_t, char *, int);
extern int64_t ldi_prop_get_int64(ldi_handle_t, uint_t, char *, int64_t);

#ifdef __cplusplus
}
#endif

#endif
