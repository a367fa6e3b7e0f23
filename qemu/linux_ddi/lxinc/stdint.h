/* The Linux side's <stdint.h> (kernsim/abi.h includes it): the kernel's types. */
#include <linux/types.h>
