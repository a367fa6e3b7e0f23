/*
 * illumos <sys/nvpair.h>: name-value pair lists (kernel_model/illumos/
 * nvpair.cc). The in-memory layout of a pair and a list header is
 * illumos's (NVP_NAME, NVP_VALUE work on it), lists and pairs are kmem
 * (tag nvlist; a packed buffer nvlist_pack allocated, tag nvlist_pack),
 * so a list never freed is a leak and a list used after nvlist_free is
 * reported at the call. Packing: NV_ENCODE_NATIVE, illumos's byte layout
 * for this (little-endian, LP64) kernel, and NV_ENCODE_XDR.
 */
#ifndef _KS_ILLUMOS_SYS_NVPAIR_H
#define _KS_ILLUMOS_SYS_NVPAIR_H

#include <sys/types.h>
#include <sys/errno.h>
#include <sys/kmem.h>

typedef enum {
	DATA_TYPE_UNKNOWN = 0,
	DATA_TYPE_BOOLEAN,
	DATA_TYPE_BYTE,
	DATA_TYPE_INT16,
	DATA_TYPE_UINT16,
	DATA_TYPE_INT32,
	DATA_TYPE_UINT32,
	DATA_TYPE_INT64,
	DATA_TYPE_UINT64,
	DATA_TYPE_STRING,
	DATA_TYPE_BYTE_ARRAY,
	DATA_TYPE_INT16_ARRAY,
	DATA_TYPE_UINT16_ARRAY,
	DATA_TYPE_INT32_ARRAY,
	DATA_TYPE_UINT32_ARRAY,
	DATA_TYPE_INT64_ARRAY,
	DATA_TYPE_UINT64_ARRAY,
	DATA_TYPE_STRING_ARRAY,
	DATA_TYPE_HRTIME,
	DATA_TYPE_NVLIST,
	DATA_TYPE_NVLIST_ARRAY,
	DATA_TYPE_BOOLEAN_VALUE,
	DATA_TYPE_INT8,
	DATA_TYPE_UINT8,
	DATA_TYPE_BOOLEAN_ARRAY,
	DATA_TYPE_INT8_ARRAY,
	DATA_TYPE_UINT8_ARRAY
} data_type_t;

typedef struct nvpair {
	int32_t nvp_size;	/* the whole pair, header, name and value */
	int16_t nvp_name_sz;	/* the name's length with its NUL */
	int16_t nvp_reserve;
	int32_t nvp_value_elem;	/* elements, for arrays */
	data_type_t nvp_type;
	/* the name, then the value at an 8-byte boundary */
} nvpair_t;

typedef struct nvlist {
	int32_t nvl_version;
	uint32_t nvl_nvflag;	/* NV_UNIQUE_NAME, NV_UNIQUE_NAME_TYPE */
	uint64_t nvl_priv;	/* the implementation's */
	uint32_t nvl_flag;
	int32_t nvl_pad;
} nvlist_t;

#define NV_VERSION 0
#define NV_ENCODE_NATIVE 0
#define NV_ENCODE_XDR 1
#define NV_UNIQUE_NAME 0x1
#define NV_UNIQUE_NAME_TYPE 0x2
#define NV_FLAG_NOENTOK 0x1

#define NV_ALIGN(x) (((ulong_t)(x) + 7ul) & ~7ul)
#define NV_ALIGN4(x) (((x) + 3) & ~3)
#define NVP_SIZE(nvp) ((nvp)->nvp_size)
#define NVP_NAME(nvp) ((char *)(nvp) + sizeof (nvpair_t))
#define NVP_TYPE(nvp) ((nvp)->nvp_type)
#define NVP_NELEM(nvp) ((nvp)->nvp_value_elem)
#define NVP_VALUE(nvp) ((char *)(nvp) + NV_ALIGN(sizeof (nvpair_t) + (nvp)->nvp_name_sz))

/* FreeBSD's nv(9) has functions of these names with other arguments, and
 * both personalities link into one kernel: illumos's are renamed here. */
#define nvlist_add_string ks_il_nvlist_add_string
#define nvlist_pack ks_il_nvlist_pack
#define nvlist_unpack ks_il_nvlist_unpack
#define nvlist_empty ks_il_nvlist_empty

#ifdef __cplusplus
extern "C" {
#endif

extern int nvlist_alloc(nvlist_t **, uint_t, int);
extern void nvlist_free(nvlist_t *);
extern int nvlist_size(nvlist_t *, size_t *, int);
extern int nvlist_pack(nvlist_t *, char **, size_t *, int, int);
extern int nvlist_unpack(char *, size_t, nvlist_t **, int);
extern int nvlist_dup(nvlist_t *, nvlist_t **, int);
extern int nvlist_merge(nvlist_t *, nvlist_t *, int);

extern int nvlist_add_nvpair(nvlist_t *, nvpair_t *);
extern int nvlist_add_boolean(nvlist_t *, const char *);
extern int nvlist_add_boolean_value(nvlist_t *, const char *, boolean_t);
extern int nvlist_add_byte(nvlist_t *, const char *, uchar_t);
extern int nvlist_add_int8(nvlist_t *, const char *, int8_t);
extern int nvlist_add_uint8(nvlist_t *, const char *, uint8_t);
extern int nvlist_add_int16(nvlist_t *, const char *, int16_t);
extern int nvlist_add_uint16(nvlist_t *, const char *, uint16_t);
extern int nvlist_add_int32(nvlist_t *, const char *, int32_t);
extern int nvlist_add_uint32(nvlist_t *, const char *, uint32_t);
extern int nvlist_add_int64(nvlist_t *, const char *, int64_t);
extern int nvlist_add_uint64(nvlist_t *, const char *, uint64_t);
extern int nvlist_add_string(nvlist_t *, const char *, const char *);
extern int nvlist_add_nvlist(nvlist_t *, const char *, nvlist_t *);
extern int nvlist_add_hrtime(nvlist_t *, const char *, hrtime_t);
extern int nvlist_add_boolean_array(nvlist_t *, const char *, boolean_t *, uint_t);
extern int nvlist_add_byte_array(nvlist_t *, const char *, uchar_t *, uint_t);
extern int nvlist_add_int8_array(nvlist_t *, const char *, int8_t *, uint_t);
extern int nvlist_add_uint8_array(nvlist_t *, const char *, uint8_t *, uint_t);
extern int nvlist_add_int16_array(nvlist_t *, const char *, int16_t *, uint_t);
extern int nvlist_add_uint16_array(nvlist_t *, const char *, uint16_t *, uint_t);
extern int nvlist_add_int32_array(nvlist_t *, const char *, int32_t *, uint_t);
extern int nvlist_add_uint32_array(nvlist_t *, const char *, uint32_t *, uint_t);
extern int nvlist_add_int64_array(nvlist_t *, const char *, int64_t *, uint_t);
extern int nvlist_add_uint64_array(nvlist_t *, const char *, uint64_t *, uint_t);
extern int nvlist_add_string_array(nvlist_t *, const char *, char *const *, uint_t);
extern int nvlist_add_nvlist_array(nvlist_t *, const char *, nvlist_t **, uint_t);

extern int nvlist_remove(nvlist_t *, const char *, data_type_t);
extern int nvlist_remove_all(nvlist_t *, const char *);

extern int nvlist_lookup_boolean(nvlist_t *, const char *);
extern int nvlist_lookup_boolean_value(nvlist_t *, const char *, boolean_t *);
extern int nvlist_lookup_byte(nvlist_t *, const char *, uchar_t *);
extern int nvlist_lookup_int8(nvlist_t *, const char *, int8_t *);
extern int nvlist_lookup_uint8(nvlist_t *, const char *, uint8_t *);
extern int nvlist_lookup_int16(nvlist_t *, const char *, int16_t *);
extern int nvlist_lookup_uint16(nvlist_t *, const char *, uint16_t *);
extern int nvlist_lookup_int32(nvlist_t *, const char *, int32_t *);
extern int nvlist_lookup_uint32(nvlist_t *, const char *, uint32_t *);
extern int nvlist_lookup_int64(nvlist_t *, const char *, int64_t *);
extern int nvlist_lookup_uint64(nvlist_t *, const char *, uint64_t *);
extern int nvlist_lookup_string(nvlist_t *, const char *, char **);
extern int nvlist_lookup_nvlist(nvlist_t *, const char *, nvlist_t **);
extern int nvlist_lookup_hrtime(nvlist_t *, const char *, hrtime_t *);
extern int nvlist_lookup_boolean_array(nvlist_t *, const char *, boolean_t **, uint_t *);
extern int nvlist_lookup_byte_array(nvlist_t *, const char *, uchar_t **, uint_t *);
extern int nvlist_lookup_int8_array(nvlist_t *, const char *, int8_t **, uint_t *);
extern int nvlist_lookup_uint8_array(nvlist_t *, const char *, uint8_t **, uint_t *);
extern int nvlist_lookup_int16_array(nvlist_t *, const char *, int16_t **, uint_t *);
extern int nvlist_lookup_uint16_array(nvlist_t *, const char *, uint16_t **, uint_t *);
extern int nvlist_lookup_int32_array(nvlist_t *, const char *, int32_t **, uint_t *);
extern int nvlist_lookup_uint32_array(nvlist_t *, const char *, uint32_t **, uint_t *);
extern int nvlist_lookup_int64_array(nvlist_t *, const char *, int64_t **, uint_t *);
extern int nvlist_lookup_uint64_array(nvlist_t *, const char *, uint64_t **, uint_t *);
extern int nvlist_lookup_string_array(nvlist_t *, const char *, char ***, uint_t *);
extern int nvlist_lookup_nvlist_array(nvlist_t *, const char *, nvlist_t ***, uint_t *);
extern int nvlist_lookup_nvpair(nvlist_t *, const char *, nvpair_t **);
extern int nvlist_lookup_pairs(nvlist_t *, int, ...);
extern boolean_t nvlist_exists(nvlist_t *, const char *);
extern boolean_t nvlist_empty(nvlist_t *);

extern nvpair_t *nvlist_next_nvpair(nvlist_t *, nvpair_t *);
extern nvpair_t *nvlist_prev_nvpair(nvlist_t *, nvpair_t *);
extern char *nvpair_name(nvpair_t *);
extern data_type_t nvpair_type(nvpair_t *);
extern int nvpair_value_boolean_value(nvpair_t *, boolean_t *);
extern int nvpair_value_byte(nvpair_t *, uchar_t *);
extern int nvpair_value_int8(nvpair_t *, int8_t *);
extern int nvpair_value_uint8(nvpair_t *, uint8_t *);
extern int nvpair_value_int16(nvpair_t *, int16_t *);
extern int nvpair_value_uint16(nvpair_t *, uint16_t *);
extern int nvpair_value_int32(nvpair_t *, int32_t *);
extern int nvpair_value_uint32(nvpair_t *, uint32_t *);
extern int nvpair_value_int64(nvpair_t *, int64_t *);
extern int nvpair_value_uint64(nvpair_t *, uint64_t *);
extern int nvpair_value_string(nvpair_t *, char **);
extern int nvpair_value_nvlist(nvpair_t *, nvlist_t **);
extern int nvpair_value_hrtime(nvpair_t *, hrtime_t *);
extern int nvpair_value_boolean_array(nvpair_t *, boolean_t **, uint_t *);
extern int nvpair_value_byte_array(nvpair_t *, uchar_t **, uint_t *);
extern int nvpair_value_int8_array(nvpair_t *, int8_t **, uint_t *);
extern int nvpair_value_uint8_array(nvpair_t *, uint8_t **, uint_t *);
extern int nvpair_value_int16_array(nvpair_t *, int16_t **, uint_t *);
extern int nvpair_value_uint16_array(nvpair_t *, uint16_t **, uint_t *);
extern int nvpair_value_int32_array(nvpair_t *, int32_t **, uint_t *);
extern int nvpair_value_uint32_array(nvpair_t *, uint32_t **, uint_t *);
extern int nvpair_value_int64_array(nvpair_t *, int64_t **, uint_t *);
extern int nvpair_value_uint64_array(nvpair_t *, uint64_t **, uint_t *);
extern int nvpair_value_string_array(nvpair_t *, char ***, uint_t *);
extern int nvpair_value_nvlist_array(nvpair_t *, nvlist_t ***, uint_t *);

#ifdef __cplusplus
}
#endif

#endif
