/*
 * FreeBSD <sys/sbuf.h>: sbuf(9), safe string buffers. Each buffer, and the
 * sbuf when sbuf_new made it, is kmem (tag "sbuf"), so an sbuf never
 * deleted is a leak. A fixed-length sbuf that runs out of room keeps the
 * error (ENOMEM) and ignores what follows; an auto-extending one doubles.
 * sbuf_new_for_sysctl drains to the request's old buffer at sbuf_finish.
 */
#ifndef _KS_FREEBSD_SYS_SBUF_H
#define _KS_FREEBSD_SYS_SBUF_H

#include <sys/types.h>
#include <stdarg.h>

#define SBUF_FIXEDLEN		0x00000000
#define SBUF_AUTOEXTEND		0x00000001
#define SBUF_INCLUDENUL		0x00000002
#define SBUF_NOWAIT		0x00000004

struct sysctl_req;
struct sbuf {
	char		*s_buf;
	size_t		s_size;		/* bytes of s_buf */
	size_t		s_len;		/* bytes used, without the NUL */
	int		s_flags;
	int		s_error;
	int		s_ks_own;	/* 1: the sbuf is sbuf_new's, 2: also its buffer */
	int		s_finished;
	struct sysctl_req *s_ks_req;	/* sbuf_new_for_sysctl's */
};

#ifdef __cplusplus
extern "C" {
#endif
struct sbuf *sbuf_new(struct sbuf *, char *, int, int);
struct sbuf *sbuf_new_for_sysctl(struct sbuf *, char *, int, struct sysctl_req *);
void sbuf_clear(struct sbuf *);
int sbuf_bcat(struct sbuf *, const void *, size_t);
int sbuf_cat(struct sbuf *, const char *);
int sbuf_cpy(struct sbuf *, const char *);
int sbuf_printf(struct sbuf *, const char *, ...) __attribute__((format(__printf__, 2, 3)));
int sbuf_vprintf(struct sbuf *, const char *, va_list) __attribute__((format(__printf__, 2, 0)));
int sbuf_putc(struct sbuf *, int);
int sbuf_trim(struct sbuf *);
int sbuf_error(struct sbuf *);
int sbuf_finish(struct sbuf *);
char *sbuf_data(struct sbuf *);
ssize_t sbuf_len(struct sbuf *);
int sbuf_done(struct sbuf *);
void sbuf_delete(struct sbuf *);
#ifdef __cplusplus
}
#endif
#define sbuf_new_auto() sbuf_new(NULL, NULL, 0, SBUF_AUTOEXTEND)

#endif
