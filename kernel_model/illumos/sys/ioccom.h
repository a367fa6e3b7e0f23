/*
 * illumos <sys/ioccom.h>: ioctl command encoding, illumos's values (the
 * host's Linux <asm/ioctl.h> puts the direction bits elsewhere): the
 * argument size in bits 16-23, IOC_VOID/IOC_OUT/IOC_IN above.
 */
#ifndef _KS_ILLUMOS_SYS_IOCCOM_H
#define _KS_ILLUMOS_SYS_IOCCOM_H

#define IOCPARM_MASK	0xff
#define IOC_VOID	0x20000000
#define IOC_OUT		0x40000000
#define IOC_IN		0x80000000
#define IOC_INOUT	(IOC_IN | IOC_OUT)

/* an int, as ioctl(9E)'s cmd is */
#define _IO(x, y)	(int)(IOC_VOID | ((x) << 8) | (y))
#define _IOR(x, y, t)	(int)(IOC_OUT | ((sizeof (t) & IOCPARM_MASK) << 16) | ((x) << 8) | (y))
#define _IORN(x, y, t)	(int)(IOC_OUT | (((t) & IOCPARM_MASK) << 16) | ((x) << 8) | (y))
#define _IOW(x, y, t)	(int)(IOC_IN | ((sizeof (t) & IOCPARM_MASK) << 16) | ((x) << 8) | (y))
#define _IOWN(x, y, t)	(int)(IOC_IN | (((t) & IOCPARM_MASK) << 16) | ((x) << 8) | (y))
#define _IOWR(x, y, t)	(int)(IOC_INOUT | ((sizeof (t) & IOCPARM_MASK) << 16) | ((x) << 8) | (y))
#define _IOWRN(x, y, t)	(int)(IOC_INOUT | (((t) & IOCPARM_MASK) << 16) | ((x) << 8) | (y))

#endif
