/* See README. */
#ifndef KS_LX_LIBC_STDIO_H
#define KS_LX_LIBC_STDIO_H
#include <sys/types.h>
#include <stdarg.h>
int snprintf(char *, size_t, const char *, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *, size_t, const char *, va_list);
int sprintf(char *, const char *, ...) __attribute__((format(printf, 2, 3)));
#endif
