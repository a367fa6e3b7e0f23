/*
 * illumos <sys/note.h>: annotations for lint and the lock checkers
 * (_NOTE(ARGUNUSED(x)), _NOTE(MUTEX_PROTECTS_DATA(...))). They generate no
 * code on illumos either.
 */
#ifndef _KS_ILLUMOS_SYS_NOTE_H
#define _KS_ILLUMOS_SYS_NOTE_H

#define NOTE(s)
#define _NOTE(s)

#endif
