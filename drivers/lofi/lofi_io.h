/*
 * lofi's ioctls on its control node (/dev/lofictl, minor 0), shared by the
 * driver and the scenarios (lofiadm's side). struct lofi_ioctl has the same
 * layout for ILP32 and LP64 callers (fixed-size fields only).
 */
#ifndef LOFI_IO_H
#define LOFI_IO_H

#include <stdint.h>

#define LOFI_PATHLEN 1024	/* MAXPATHLEN */

struct lofi_ioctl {
	uint32_t li_id;		/* minor number */
	int32_t li_force;	/* unmap even while open */
	int32_t li_cleanup;	/* unmap at last close */
	int32_t li_readonly;	/* map read-only */
	char li_filename[LOFI_PATHLEN];
};

#define LOFI_IOC_BASE (('L' << 16) | ('F' << 8))
#define LOFI_MAP_FILE (LOFI_IOC_BASE | 0x01)
#define LOFI_MAP_FILE_MINOR (LOFI_IOC_BASE | 0x02)
#define LOFI_UNMAP_FILE (LOFI_IOC_BASE | 0x03)
#define LOFI_UNMAP_FILE_MINOR (LOFI_IOC_BASE | 0x04)
#define LOFI_GET_FILENAME (LOFI_IOC_BASE | 0x05)
#define LOFI_GET_MINOR (LOFI_IOC_BASE | 0x06)
#define LOFI_GET_MAXMINOR (LOFI_IOC_BASE | 0x07)

/* the device nodes */
#define LOFI_CTL_NAME "lofictl"		/* /dev/lofictl */
#define LOFI_BLOCK_NAME "lofi"		/* /dev/lofi/<minor> */
#define LOFI_CHAR_NAME "rlofi"		/* /dev/rlofi/<minor> */

/* the default number of devices (minors 1..LOFI_MAX_MINOR); small, so a
 * scenario that maps until they run out stays short */
#define LOFI_MAX_MINOR 4

#endif
