/*
 * The sample driver's ioctls, shared by the driver and the scenarios that
 * drive it (plain C, fixed-size fields: the same layout for ILP32 and LP64
 * callers, so the driver needs no data-model conversion).
 */
#ifndef SAMPLE_IO_H
#define SAMPLE_IO_H

#include <stdint.h>

#define SAMPLE_IOC ('S' << 8)
/* arg: struct sample_req_io *; the driver fills sr_result = sr_value * 2 + 1 */
#define SAMPLE_SUBMIT (SAMPLE_IOC | 1)
/* arg: struct sample_stats *; how many requests the taskq served */
#define SAMPLE_STATS (SAMPLE_IOC | 2)

struct sample_req_io {
	uint64_t sr_value;
	uint64_t sr_result;
};

struct sample_stats {
	uint64_t ss_served;
};

#endif
