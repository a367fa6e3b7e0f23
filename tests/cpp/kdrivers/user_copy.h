/* A tiny ioctl handler on the illumos personality that moves its argument
 * across the user boundary, correctly and (uc_ioctl_nocopy) not at all. */
#ifndef KS_TEST_USER_COPY_H
#define KS_TEST_USER_COPY_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ioctl argument, as an LP64 caller lays it out ... */
struct uc_req {
	int64_t in;
	int64_t out;
	char *name; /* a user string */
};
/* ... and as an ILP32 caller does. */
struct uc_req32 {
	int32_t in;
	int32_t out;
	uint32_t name;
};

/* out = in * 2 + strlen(name); returns 0 or an errno */
int uc_ioctl(intptr_t arg, int mode);
/* the missing-copyin bug: reads the argument through the user pointer */
int64_t uc_ioctl_nocopy(intptr_t arg);
/* drv_priv(CRED()), crgetuid(CRED()), ddi_get_pid() */
int uc_priv(void);
uint32_t uc_uid(void);
int uc_pid(void);

#ifdef __cplusplus
}
#endif

#endif
