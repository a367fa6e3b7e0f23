/*
 * The user's view of kernsim's CTL ioctl frontend (after FreeBSD's
 * cam/ctl/ctl_ioctl.h, with our own fixed little-endian layout: user
 * pointers are uint64_t, so the Python scenarios can pack them).
 *
 *   CTL_IO        on /dev/cam/ctl (the default port) or /dev/cam/ctl<pp>.<vp>
 *                 (a created port): run one SCSI command. The ioctl layer
 *                 copies struct ctl_io in and out; the data moves between
 *                 ext_data_ptr (a buffer, or with CTL_FLAG_EDPTR_SGLIST a list
 *                 of ext_sg_entries struct ctl_sg_entry) and the LUN. Returns
 *                 0 with the outcome in status/port_status/scsi_status, EPERM
 *                 when the port is offline, EINVAL for a malformed request.
 *   CTL_PORT_REQ  on /dev/cam/ctl: create, remove or modify an ioctl port
 *                 (struct ctl_req, args a packed nvlist: sys/nv.h).
 */
#ifndef _CTL_IOCTL_H_
#define _CTL_IOCTL_H_

#include <sys/types.h>
#include <sys/ioccom.h>

#define CTL_MINOR		225

/* struct ctl_io.flags */
#define CTL_FLAG_DATA_IN	0x00000001	/* LUN -> user (a read) */
#define CTL_FLAG_DATA_OUT	0x00000002	/* user -> LUN (a write) */
#define CTL_FLAG_DATA_NONE	0x00000003
#define CTL_FLAG_DATA_MASK	0x00000003
#define CTL_FLAG_EDPTR_SGLIST	0x00000010	/* ext_data_ptr is an S/G list */

/* struct ctl_io.status */
#define CTL_STATUS_NONE		0
#define CTL_SUCCESS		1
#define CTL_CMD_ABORTED		2
#define CTL_ERROR		3	/* the port failed the data move: see port_status */
#define CTL_SCSI_ERROR		4	/* CHECK CONDITION: see sense_key/asc/ascq */

/* struct ctl_io.port_status: why the ioctl port could not move the data */
#define CTL_PS_OK		0
#define CTL_PS_SGLIST_COPYIN	31337	/* the user's S/G list could not be copied in */
#define CTL_PS_DATA_COPYIN	31338	/* a user data entry could not be read (write) */
#define CTL_PS_DATA_COPYOUT	31339	/* a user data entry could not be written (read) */
#define CTL_PS_SGLIST_SHORT	31340	/* the user's list holds fewer bytes than the move */

#define CTL_MAX_USER_SG		64
#define CTL_LUN_BLOCK_SIZE	512
#define CTL_LUN_BLOCKS		64

struct ctl_sg_entry {
	uint64_t addr;
	uint64_t len;
};

/* 64 bytes; Python: struct.Struct("<II16sIIQIIIIBBBBI") */
struct ctl_io {
	uint32_t io_type;		/* CTL_IO_SCSI */
	uint32_t flags;
	uint8_t cdb[16];
	uint32_t cdb_len;
	uint32_t ext_sg_entries;
	uint64_t ext_data_ptr;
	uint32_t ext_data_len;
	uint32_t ext_data_filled;	/* out: bytes moved */
	uint32_t status;		/* out */
	uint32_t port_status;		/* out */
	uint8_t scsi_status;		/* out */
	uint8_t sense_key;		/* out */
	uint8_t asc;			/* out */
	uint8_t ascq;			/* out */
	uint32_t residual;		/* out: ext_data_len - ext_data_filled */
};
#define CTL_IO_SCSI		1

/* struct ctl_req.reqtype */
#define CTL_REQ_CREATE		0	/* args: "pp", "vp" (numbers, optional) */
#define CTL_REQ_REMOVE		1	/* args: "port_id" */
#define CTL_REQ_MODIFY		2	/* args: "port_id", "online" (0 or 1) */

/* struct ctl_req.status */
#define CTL_LUN_OK		0
#define CTL_LUN_ERROR		1

/* 168 bytes; Python: struct.Struct("<16sIIQIi128s") */
struct ctl_req {
	char driver[16];		/* "ioctl" */
	uint32_t reqtype;
	uint32_t args_len;
	uint64_t args;			/* user address of the packed nvlist */
	uint32_t status;		/* out */
	int32_t result_port_id;		/* out: the created port */
	char error_str[128];		/* out */
};

#define CTL_IO		_IOWR(CTL_MINOR, 0x00, struct ctl_io)
#define CTL_PORT_REQ	_IOWR(CTL_MINOR, 0x26, struct ctl_req)

/* SCSI operation codes the RAM LUN serves */
#define TEST_UNIT_READY		0x00
#define INQUIRY			0x12
#define READ_10			0x28
#define WRITE_10		0x2a

#endif
