/* Tiny C "drivers" that provoke one behaviour each, for the C++ tests. */
#ifndef KS_TEST_KDRIVERS_H
#define KS_TEST_KDRIVERS_H

#include <sys/ksynch.h>

/* the lost wakeup lives with the benchmark that measures it */
#include "bench/lost_wakeup/lost_wakeup.h"

#ifdef __cplusplus
extern "C" {
#endif


#ifdef __cplusplus
}
#endif

#endif
