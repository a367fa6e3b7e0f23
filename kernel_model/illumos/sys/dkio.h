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
#define DKIOCEJECT (DKIOC | 6)
#define DKIOCLOCK (DKIOC | 7)
#define DKIOCUNLOCK (DKIOC | 8)
#define DKIOCREMOVABLE (DKIOC | 16)
#define DKIOCFLUSHWRITECACHE (DKIOC | 34)
#define DKIOCHOTPLUGGABLE (DKIOC | 35)
#define DKIOCGETWCE (DKIOC | 36)
#define DKIOCSETWCE (DKIOC | 37)
#define DKIOCGMEDIAINFO (DKIOC | 42)
#define DKIOCGMEDIAINFOEXT (DKIOC | 48)

/* DKIOCFLUSHWRITECACHE from the kernel (FKIOCTL): called back when done */
struct dk_callback {
	void (*dkc_callback)(void *dkc_cookie, int error);
	void *dkc_cookie;
	int dkc_flag;
};
#define FLUSH_VOLATILE 0x1

/* DKIOCGMEDIAINFO and DKIOCGMEDIAINFOEXT */
struct dk_minfo {
	uint_t dki_media_type;
	uint_t dki_lbsize;	/* logical block size */
	diskaddr_t dki_capacity;	/* in dki_lbsize blocks */
};

struct dk_minfo_ext {
	uint_t dki_media_type;
	uint_t dki_lbsize;
	diskaddr_t dki_capacity;
	uint_t dki_pbsize;	/* physical block size */
};

/* dki_media_type */
#define DK_UNKNOWN 0x00
#define DK_REMOVABLE_DISK 0x02
#define DK_MO_ERASABLE 0x03
#define DK_MO_WRITEONCE 0x04
#define DK_AS_MO 0x05
#define DK_CDROM 0x08
#define DK_CDR 0x09
#define DK_CDRW 0x0A
#define DK_DVDROM 0x10
#define DK_DVDR 0x11
#define DK_DVDRAM 0x12
#define DK_FIXED_DISK 0x10001
#define DK_FLOPPY 0x10002
#define DK_ZIP 0x10003
#define DK_JAZ 0x10004

#endif
