/* copyin/copyout/copyinstr across the user boundary (see kfb.h). */
#include <sys/param.h>
#include <sys/systm.h>
#include <errno.h>

#include "kfb.h"

void kfb_copy(void *arg) {
	struct kfb_user *u = arg;
	char *ua = (char *)(uintptr_t)u->ua;
	char k[16];
	size_t done = 0;

	kfb_note(copyout("hello", ua, 6));
	kfb_note(copyin(ua, k, 6) == 0 && strcmp(k, "hello") == 0);
	kfb_note(copyinstr(ua, k, sizeof(k), &done));
	kfb_note((long)done);				/* 6: the NUL counts */
	kfb_note(copyinstr(ua, k, 3, &done) == ENAMETOOLONG);
	kfb_note(copyin((void *)(uintptr_t)u->hole, k, 4) == EFAULT);
	kfb_note(copyout(k, (void *)(uintptr_t)u->hole, 4) == EFAULT);
	/* a copy that starts mapped and runs into the hole */
	kfb_note(copyin(ua + 4096 - 2, k, 4) == EFAULT);
}
