/*
 * illumos <sys/stropts.h>: the stream head's ioctls (I_STR, I_PUSH,
 * I_POP) and struct strioctl.
 */
#ifndef _KS_ILLUMOS_SYS_STROPTS_H
#define _KS_ILLUMOS_SYS_STROPTS_H

#include <sys/types.h>

#define STR ('S' << 8)
#define I_NREAD (STR | 01)
#define I_PUSH (STR | 02)
#define I_POP (STR | 03)
#define I_LOOK (STR | 04)
#define I_FLUSH (STR | 05)
#define I_STR (STR | 010)

#define I_SRDOPT (STR | 06)
#define I_GRDOPT (STR | 07)

/* read modes (I_SRDOPT, M_SETOPTS SO_READOPT) */
#define RNORM 0x0000
#define RMSGD 0x0001
#define RMSGN 0x0002
#define RMODEMASK 0x0003
#define RPROTDAT 0x0004
#define RPROTDIS 0x0008
#define RPROTNORM 0x0010
#define RPROTMASK 0x001c

#define FMNAMESZ 8
#define INFTIM (-1)

struct strioctl {
	int ic_cmd;
	int ic_timout;
	int ic_len;
	char *ic_dp;
};

#endif
