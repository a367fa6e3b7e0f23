/*
 * streams_perim's ioctls (I_STR). PERIMSTART (no data) counts a start in
 * the module-wide record, under exclusive access at the outer perimeter;
 * the ack's rval is the count so far.
 */
#ifndef _PERIM_IO_H
#define _PERIM_IO_H

#define PERIMIOC ('P' << 8)
#define PERIMSTART (PERIMIOC | 1)
/* I_STR with a struct perim_opts: sent up as M_SETOPTS (po_flags: SO_*) */
#define PERIMSETOPTS (PERIMIOC | 2)
/* I_STR: the stream head read queue's marks and packet sizes, as the
 * driver's read queue sees them (q_next), into a struct perim_opts */
#define PERIMHEADQ (PERIMIOC | 3)
/* I_STR, no data: a tick 1 clock tick later (qtimeout) counts in the pair's
 * count, inside the perimeter; cancelled at close if it has not come */
#define PERIMTICK (PERIMIOC | 4)

struct perim_opts {
	uint32_t po_flags;
	int32_t po_readopt;
	uint32_t po_hiwat;
	uint32_t po_lowat;
	int32_t po_minpsz;
	int32_t po_maxpsz;
	uint32_t po_count;	/* PERIMHEADQ: bytes queued at the head */
};

#endif
