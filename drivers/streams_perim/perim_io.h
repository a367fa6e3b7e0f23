/*
 * streams_perim's ioctl (I_STR, no data): PERIMSTART counts a start in the
 * module-wide record, under exclusive access at the outer perimeter; the
 * ack's rval is the count so far.
 */
#ifndef _PERIM_IO_H
#define _PERIM_IO_H

#define PERIMIOC ('P' << 8)
#define PERIMSTART (PERIMIOC | 1)

#endif
