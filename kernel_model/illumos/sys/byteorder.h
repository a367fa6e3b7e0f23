/*
 * illumos <sys/byteorder.h>: byte order. The simulated machine is the
 * host, little-endian (x86-64 or arm64 here), as illumos's amd64 is:
 * the network (big-endian) and BE_ forms swap, the LE_ forms do not.
 */
#ifndef _KS_ILLUMOS_SYS_BYTEORDER_H
#define _KS_ILLUMOS_SYS_BYTEORDER_H

#include <sys/types.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "kernsim's illumos personality models a little-endian machine"
#endif

#define _LITTLE_ENDIAN

#define BSWAP_8(x)	((x) & 0xff)
#define BSWAP_16(x)	((uint16_t)__builtin_bswap16((uint16_t)(x)))
#define BSWAP_32(x)	((uint32_t)__builtin_bswap32((uint32_t)(x)))
#define BSWAP_64(x)	((uint64_t)__builtin_bswap64((uint64_t)(x)))

#define BE_8(x)		BSWAP_8(x)
#define BE_16(x)	BSWAP_16(x)
#define BE_32(x)	BSWAP_32(x)
#define BE_64(x)	BSWAP_64(x)
#define LE_8(x)		((x) & 0xff)
#define LE_16(x)	((uint16_t)(x))
#define LE_32(x)	((uint32_t)(x))
#define LE_64(x)	((uint64_t)(x))

#define BE_IN8(xa)	(*(const uint8_t *)(xa))
#define BE_IN16(xa)	(((uint16_t)BE_IN8(xa) << 8) | BE_IN8((const uint8_t *)(xa) + 1))
#define BE_IN32(xa)	(((uint32_t)BE_IN16(xa) << 16) | BE_IN16((const uint8_t *)(xa) + 2))
#define BE_IN64(xa)	(((uint64_t)BE_IN32(xa) << 32) | BE_IN32((const uint8_t *)(xa) + 4))
#define LE_IN8(xa)	(*(const uint8_t *)(xa))
#define LE_IN16(xa)	(((uint16_t)LE_IN8((const uint8_t *)(xa) + 1) << 8) | LE_IN8(xa))
#define LE_IN32(xa)	(((uint32_t)LE_IN16((const uint8_t *)(xa) + 2) << 16) | LE_IN16(xa))
#define LE_IN64(xa)	(((uint64_t)LE_IN32((const uint8_t *)(xa) + 4) << 32) | LE_IN32(xa))

#define BE_OUT8(xa, yv)	(*((uint8_t *)(xa)) = (uint8_t)(yv))
#define BE_OUT16(xa, yv) \
	(BE_OUT8((uint8_t *)(xa) + 1, (yv)), BE_OUT8((uint8_t *)(xa), (yv) >> 8))
#define BE_OUT32(xa, yv) \
	(BE_OUT16((uint8_t *)(xa) + 2, (yv)), BE_OUT16((uint8_t *)(xa), (yv) >> 16))
#define BE_OUT64(xa, yv) \
	(BE_OUT32((uint8_t *)(xa) + 4, (yv)), BE_OUT32((uint8_t *)(xa), (yv) >> 32))
#define LE_OUT8(xa, yv)	(*((uint8_t *)(xa)) = (uint8_t)(yv))
#define LE_OUT16(xa, yv) \
	(LE_OUT8((uint8_t *)(xa), (yv)), LE_OUT8((uint8_t *)(xa) + 1, (yv) >> 8))
#define LE_OUT32(xa, yv) \
	(LE_OUT16((uint8_t *)(xa), (yv)), LE_OUT16((uint8_t *)(xa) + 2, (yv) >> 16))
#define LE_OUT64(xa, yv) \
	(LE_OUT32((uint8_t *)(xa), (yv)), LE_OUT32((uint8_t *)(xa) + 4, (yv) >> 32))

#ifndef htonl
#define htonl(x)	BSWAP_32(x)
#define ntohl(x)	BSWAP_32(x)
#define htons(x)	BSWAP_16(x)
#define ntohs(x)	BSWAP_16(x)
#endif
#define htonll(x)	BSWAP_64(x)
#define ntohll(x)	BSWAP_64(x)

#endif
