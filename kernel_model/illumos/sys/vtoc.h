/*
 * illumos <sys/vtoc.h>: the volume table of contents, in the native (LP64)
 * layout and the ILP32 one a 32-bit caller passes (struct vtoc32), with the
 * conversion a driver applies when ddi_model_convert_from says ILP32.
 */
#ifndef _KS_ILLUMOS_SYS_VTOC_H
#define _KS_ILLUMOS_SYS_VTOC_H

#include <sys/types.h>

#define V_NUMPAR 16
#define VTOC_SANE 0x600DDEEE
#define V_VERSION 0x01
#define LEN_DKL_ASCII 128
#define LEN_DKL_VVOL 8

/* p_tag */
#define V_UNASSIGNED 0x00
#define V_BACKUP 0x05
#define V_USR 0x04
/* p_flag */
#define V_UNMNT 0x01
#define V_RONLY 0x10

struct partition {
	ushort_t p_tag;
	ushort_t p_flag;
	long p_start;		/* daddr_t: a long on illumos */
	long p_size;
};

struct vtoc {
	unsigned long v_bootinfo[3];
	unsigned long v_sanity;
	unsigned long v_version;
	char v_volume[LEN_DKL_VVOL];
	ushort_t v_sectorsz;
	ushort_t v_nparts;
	unsigned long v_reserved[10];
	struct partition v_part[V_NUMPAR];
	time_t timestamp[V_NUMPAR];
	char v_asciilabel[LEN_DKL_ASCII];
};

struct partition32 {
	uint16_t p_tag;
	uint16_t p_flag;
	int32_t p_start;
	int32_t p_size;
};

struct vtoc32 {
	uint32_t v_bootinfo[3];
	uint32_t v_sanity;
	uint32_t v_version;
	char v_volume[LEN_DKL_VVOL];
	uint16_t v_sectorsz;
	uint16_t v_nparts;
	uint32_t v_reserved[10];
	struct partition32 v_part[V_NUMPAR];
	int32_t timestamp[V_NUMPAR];
	char v_asciilabel[LEN_DKL_ASCII];
};

/* Narrows a native vtoc into the 32-bit caller's layout. */
#define vtoctovtoc32(v, v32)						\
	do {								\
		int __i;						\
		for (__i = 0; __i < 3; __i++)				\
			(v32).v_bootinfo[__i] = (uint32_t)(v).v_bootinfo[__i]; \
		(v32).v_sanity = (uint32_t)(v).v_sanity;		\
		(v32).v_version = (uint32_t)(v).v_version;		\
		for (__i = 0; __i < LEN_DKL_VVOL; __i++)		\
			(v32).v_volume[__i] = (v).v_volume[__i];	\
		(v32).v_sectorsz = (v).v_sectorsz;			\
		(v32).v_nparts = (v).v_nparts;				\
		for (__i = 0; __i < 10; __i++)				\
			(v32).v_reserved[__i] = (uint32_t)(v).v_reserved[__i]; \
		for (__i = 0; __i < V_NUMPAR; __i++) {			\
			(v32).v_part[__i].p_tag = (v).v_part[__i].p_tag; \
			(v32).v_part[__i].p_flag = (v).v_part[__i].p_flag; \
			(v32).v_part[__i].p_start =			\
			    (int32_t)(v).v_part[__i].p_start;		\
			(v32).v_part[__i].p_size =			\
			    (int32_t)(v).v_part[__i].p_size;		\
			(v32).timestamp[__i] = (int32_t)(v).timestamp[__i]; \
		}							\
		for (__i = 0; __i < LEN_DKL_ASCII; __i++)		\
			(v32).v_asciilabel[__i] = (v).v_asciilabel[__i]; \
	} while (0)

#endif
