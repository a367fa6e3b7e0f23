/*
 * qnx_devctl's devctl commands (class 'q'): a block-device-like server's
 * configuration (get, set, and exchange: both directions), statistics, a
 * format that needs a write open, and a sync with no data. read() and
 * write() (and pread/pwrite) reach the device's QD_DATA_SIZE bytes of data.
 */
#ifndef QD_IO_H
#define QD_IO_H

#include <stdint.h>
#include <devctl.h>

#define _DCMD_QD 0x71
#define QD_DATA_SIZE 8192	/* bytes of data read() and write() reach */

struct qd_config {
	uint32_t block_size;	/* 512 .. 65536, a power of two */
	uint32_t cache_mode;	/* 0 write-through, 1 write-back */
	uint32_t generation;	/* how many sets there have been (read-only) */
	uint32_t reserved;
};

struct qd_stats {
	uint64_t devctls;	/* commands handled */
	uint32_t sets;		/* configurations set */
	uint32_t generation;	/* the configuration's generation */
	uint32_t formats;
	uint32_t reserved;
};

struct qd_format {
	uint32_t pattern;
	uint32_t flags;
};

#define DCMD_QD_GET_CONFIG __DIOF(_DCMD_QD, 1, struct qd_config)
#define DCMD_QD_SET_CONFIG __DIOT(_DCMD_QD, 2, struct qd_config)
#define DCMD_QD_XCHG_CONFIG __DIOTF(_DCMD_QD, 3, struct qd_config)
#define DCMD_QD_GET_STATS __DIOF(_DCMD_QD, 4, struct qd_stats)
#define DCMD_QD_FORMAT __DIOT(_DCMD_QD, 5, struct qd_format)
#define DCMD_QD_SYNC __DION(_DCMD_QD, 6)

#endif
