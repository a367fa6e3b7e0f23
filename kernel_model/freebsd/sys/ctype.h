/*
 * FreeBSD <sys/ctype.h>: the kernel's character classes, ASCII only (the
 * kernel has no locale), as inline functions rather than the host C
 * library's locale tables.
 */
#ifndef _KS_FREEBSD_SYS_CTYPE_H
#define _KS_FREEBSD_SYS_CTYPE_H

static inline int isspace(int c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static inline int isascii(int c) { return (c & ~0x7f) == 0; }
static inline int isupper(int c) { return c >= 'A' && c <= 'Z'; }
static inline int islower(int c) { return c >= 'a' && c <= 'z'; }
static inline int isalpha(int c) { return isupper(c) || islower(c); }
static inline int isdigit(int c) { return c >= '0' && c <= '9'; }
static inline int isxdigit(int c)
{ return isdigit(c) || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'); }
static inline int isalnum(int c) { return isalpha(c) || isdigit(c); }
static inline int isprint(int c) { return c >= ' ' && c <= '~'; }
static inline int ispunct(int c) { return isprint(c) && !isalnum(c) && c != ' '; }
static inline int iscntrl(int c) { return (c >= 0 && c < ' ') || c == 0x7f; }
static inline int toupper(int c) { return islower(c) ? c - 'a' + 'A' : c; }
static inline int tolower(int c) { return isupper(c) ? c - 'A' + 'a' : c; }

#endif
