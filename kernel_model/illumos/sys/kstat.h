/*
 * illumos <sys/kstat.h>: kernel statistics. A kstat is kernel memory from
 * kstat_create until kstat_delete; one installed and never deleted is
 * reported at teardown. I/O and named kstats are modelled (other types:
 * kstat_create returns NULL, as it may on illumos); a KSTAT_FLAG_VIRTUAL
 * one gets no data: the driver points ks_data at its own. The I/O queue accounting (KSTAT_TYPE_IO) is the
 * driver's, under the lock it hangs on ks_lock.
 */
#ifndef _KS_ILLUMOS_SYS_KSTAT_H
#define _KS_ILLUMOS_SYS_KSTAT_H

#include <sys/types.h>
#include <sys/ksynch.h>
#include <sys/time_illumos.h>

#define KSTAT_STRLEN 31

#define KSTAT_TYPE_RAW 0
#define KSTAT_TYPE_NAMED 1
#define KSTAT_TYPE_INTR 2
#define KSTAT_TYPE_IO 3
#define KSTAT_TYPE_TIMER 4

#define KSTAT_FLAG_VIRTUAL 0x01
#define KSTAT_FLAG_PERSISTENT 0x08

typedef struct kstat {
	char ks_module[KSTAT_STRLEN];
	int ks_instance;
	char ks_name[KSTAT_STRLEN];
	uchar_t ks_type;
	char ks_class[KSTAT_STRLEN];
	uchar_t ks_flags;
	void *ks_data;
	uint_t ks_ndata;
	size_t ks_data_size;
	void *ks_private;
	kmutex_t *ks_lock;	/* the driver's lock over ks_data */
	int ks_ks_installed;
} kstat_t;

typedef struct kstat_io {
	u_longlong_t nread;
	u_longlong_t nwritten;
	uint_t reads;
	uint_t writes;
	hrtime_t wtime, wlentime, wlastupdate;
	hrtime_t rtime, rlentime, rlastupdate;
	uint_t wcnt;	/* requests waiting */
	uint_t rcnt;	/* requests running */
} kstat_io_t;

#define KSTAT_IO_PTR(kptr) ((kstat_io_t *)(kptr)->ks_data)

/* named kstats: an array of ks_ndata name/value pairs the driver updates */
#define KSTAT_DATA_CHAR 0
#define KSTAT_DATA_INT32 1
#define KSTAT_DATA_UINT32 2
#define KSTAT_DATA_INT64 3
#define KSTAT_DATA_UINT64 4
#define KSTAT_DATA_LONG KSTAT_DATA_INT64
#define KSTAT_DATA_ULONG KSTAT_DATA_UINT64
#define KSTAT_DATA_STRING 9

typedef struct kstat_named {
	char name[KSTAT_STRLEN];
	uchar_t data_type;
	union {
		char c[16];
		int32_t i32;
		uint32_t ui32;
		struct {
			union {
				char *ptr;
			} addr;
			uint32_t len;
		} str;
		int64_t i64;
		uint64_t ui64;
		long l;
		ulong_t ul;
	} value;
} kstat_named_t;

#define KSTAT_NAMED_PTR(kptr) ((kstat_named_t *)(kptr)->ks_data)
#define KSTAT_NAMED_STR_PTR(knptr) ((knptr)->value.str.addr.ptr)
#define KSTAT_NAMED_STR_BUFLEN(knptr) ((knptr)->value.str.len)

#ifdef __cplusplus
extern "C" {
#endif
extern kstat_t *kstat_create(const char *, int, const char *, const char *, uchar_t,
    uint_t, uchar_t);
/* kstat.c: a zone's kstat differs only in who may read it (kstat_create is
 * this with ALL_ZONES), and nobody reads kstats here. */
extern kstat_t *kstat_create_zone(const char *, int, const char *, const char *, uchar_t,
    uint_t, uchar_t, zoneid_t);
extern void kstat_install(kstat_t *);
extern void kstat_delete(kstat_t *);
extern void kstat_waitq_enter(kstat_io_t *);
extern void kstat_waitq_exit(kstat_io_t *);
extern void kstat_runq_enter(kstat_io_t *);
extern void kstat_runq_exit(kstat_io_t *);
extern void kstat_waitq_to_runq(kstat_io_t *);
extern void kstat_runq_back_to_waitq(kstat_io_t *);
extern void kstat_named_init(kstat_named_t *, const char *, uchar_t);
/* points the string value at src (not copied: it must outlive the kstat) */
extern void kstat_named_setstr(kstat_named_t *, const char *);
#ifdef __cplusplus
}
#endif

#endif
