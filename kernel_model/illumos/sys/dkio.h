/*
 * illumos <sys/dkio.h>: the disk ioctls (controller info, geometry, VTOC,
 * media state) and their structures. dk_cinfo and dk_geom have the same
 * layout for ILP32 and LP64 callers; the VTOC does not (sys/vtoc.h).
 */
#ifndef _KS_ILLUMOS_SYS_DKIO_H
#define _KS_ILLUMOS_SYS_DKIO_H

#include <sys/types.h>
#include <sys/vtoc.h>

#define DK_DEVLEN 16

struct dk_cinfo {
	char dki_cname[DK_DEVLEN];	/* controller name */
	ushort_t dki_ctype;
	ushort_t dki_flags;
	ushort_t dki_cnum;
	uint_t dki_addr;
	uint_t dki_space;
	uint_t dki_prio;
	uint_t dki_vec;
	char dki_dname[DK_DEVLEN];	/* drive name */
	uint_t dki_unit;
	uint_t dki_slave;
	ushort_t dki_partition;
	ushort_t dki_maxtransfer;	/* in DEV_BSIZE blocks */
};

/* dki_ctype */
#define DKC_UNKNOWN 0
#define DKC_CDROM 1
#define DKC_MD 16
#define DKC_SCSI_CCS 13

struct dk_geom {
	unsigned short dkg_ncyl;
	unsigned short dkg_acyl;
	unsigned short dkg_bcyl;
	unsigned short dkg_nhead;
	unsigned short dkg_obs1;
	unsigned short dkg_nsect;
	unsigned short dkg_intrlv;
	unsigned short dkg_obs2;
	unsigned short dkg_obs3;
	unsigned short dkg_apc;
	unsigned short dkg_rpm;
	unsigned short dkg_pcyl;
	unsigned short dkg_write_reinstruct;
	unsigned short dkg_read_reinstruct;
	unsigned short dkg_extra[7];
};

enum dkio_state { DKIO_NONE, DKIO_EJECTED, DKIO_INSERTED, DKIO_DEV_GONE };

#define DKIOC (0x04 << 8)
#define DKIOCGGEOM (DKIOC | 1)
#define DKIOCINFO (DKIOC | 3)
#define DKIOCGVTOC (DKIOC | 11)
#define DKIOCSVTOC (DKIOC | 12)
#define DKIOCSTATE (DKIOC | 13)

#endif
