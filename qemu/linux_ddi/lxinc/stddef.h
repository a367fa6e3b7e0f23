/* The Linux side's <stddef.h> (kernsim/abi.h includes it). */
#include <linux/stddef.h>
#include <linux/types.h>
