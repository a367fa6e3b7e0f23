/* illumos <sys/dditypes.h>: the DDI's handles, commands and return values. */
#ifndef _KS_ILLUMOS_SYS_DDITYPES_H
#define _KS_ILLUMOS_SYS_DDITYPES_H

#include <sys/types.h>

/* A device instance: opaque to drivers (the kernel model's record). */
typedef struct dev_info dev_info_t;

typedef enum { DDI_ATTACH = 0, DDI_RESUME = 1, DDI_PM_RESUME = 2 } ddi_attach_cmd_t;
typedef enum { DDI_DETACH = 0, DDI_SUSPEND = 1, DDI_PM_SUSPEND = 2, DDI_HOTPLUG_DETACH = 3 }
    ddi_detach_cmd_t;
typedef enum { DDI_INFO_DEVT2DEVINFO = 0, DDI_INFO_DEVT2INSTANCE = 1 } ddi_info_cmd_t;
typedef enum { DDI_TYPE_RESET = 0 } ddi_reset_cmd_t;

#define DDI_SUCCESS 0
#define DDI_FAILURE (-1)
#define DDI_NOT_WELL_FORMED (-2)
#define DDI_PROBE_DONTCARE 0
#define DDI_PROBE_FAILURE ENXIO
#define DDI_PROBE_SUCCESS 2

/* ddi_create_minor_node flags */
#define DDI_PSEUDO "ddi_pseudo"
#define CLONE_DEV 1
#define PRIVONLY_DEV 0x10

/* node types */
#define DDI_NT_BLOCK "ddi_block"
#define DDI_NT_CD "ddi_block:cdrom"
#define DDI_NT_FD "ddi_block:diskette"
#define DDI_NT_LOFI "ddi_block:lofi"
#define DDI_NT_SERIAL "ddi_serial"
#define DDI_NT_NET "ddi_network"
#define DDI_NT_DISPLAY "ddi_display"
#define DDI_NT_MOUSE "ddi_mouse"
#define DDI_NT_KEYBOARD "ddi_keyboard"

#endif
