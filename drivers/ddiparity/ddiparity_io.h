/* ddiparity's one ioctl: DDIP_RUN fills a user buffer of DDIP_NRESULTS
 * int64 results, one per DDI call it makes (ddiparity.c says which). */
#ifndef DDIPARITY_IO_H
#define DDIPARITY_IO_H

#define DDIP_RUN ((('D') << 8) | 1)
#define DDIP_NRESULTS 48

#endif
