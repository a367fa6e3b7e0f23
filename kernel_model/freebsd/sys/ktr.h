/*
 * FreeBSD <sys/ktr.h>: kernel trace points, compiled out as in a kernel
 * built without "options KTR" (the default): no code, arguments unused.
 */
#ifndef _KS_FREEBSD_SYS_KTR_H
#define _KS_FREEBSD_SYS_KTR_H

#define KTR_GEN		0x00000001
#define KTR_DEV		0x00000004
#define KTR_LOCK	0x00000008
#define KTR_INTR	0x00000200

#define CTR0(m, format) do { } while (0)
#define CTR1(m, format, p1) do { } while (0)
#define CTR2(m, format, p1, p2) do { } while (0)
#define CTR3(m, format, p1, p2, p3) do { } while (0)
#define CTR4(m, format, p1, p2, p3, p4) do { } while (0)
#define CTR5(m, format, p1, p2, p3, p4, p5) do { } while (0)
#define CTR6(m, format, p1, p2, p3, p4, p5, p6) do { } while (0)

#endif
