/*
 * illumos <sys/model.h>: data models, and the STRUCT_* macros a driver uses
 * to read an ioctl argument laid out for an ILP32 or an LP64 caller. A
 * driver that uses them defines both `struct foo` and `struct foo32`.
 */
#ifndef _KS_ILLUMOS_SYS_MODEL_H
#define _KS_ILLUMOS_SYS_MODEL_H

#include <sys/types.h>
#include <kernsim/abi.h>

typedef unsigned int model_t;

#define DATAMODEL_MASK 0x0FF00000
#define DATAMODEL_ILP32 0x00100000
#define DATAMODEL_LP64 0x00200000
#define DATAMODEL_NONE 0
#define DATAMODEL_NATIVE DATAMODEL_LP64

/* the calling process's data model */
#define get_udatamodel() \
	(ks_curproc_model() == KS_MODEL_ILP32 ? DATAMODEL_ILP32 : DATAMODEL_LP64)

#define STRUCT_HANDLE(struct_type, handle)                                     \
	struct {                                                               \
		union {                                                        \
			struct struct_type *m64;                               \
			struct struct_type##32 *m32;                           \
		} ptr;                                                         \
		model_t model;                                                 \
	} handle = { { NULL }, DATAMODEL_ILP32 }

#define STRUCT_DECL(struct_type, handle)                                       \
	struct struct_type __##handle##_buf;                                   \
	STRUCT_HANDLE(struct_type, handle)

#define STRUCT_SET_HANDLE(handle, umodel, addr)                                \
	((handle).model = (model_t)(umodel) & DATAMODEL_MASK,                  \
	    (handle).ptr.m64 = (addr))

#define STRUCT_INIT(handle, umodel)                                            \
	STRUCT_SET_HANDLE(handle, umodel, &__##handle##_buf)

#define STRUCT_MODEL(handle) ((handle).model)
#define STRUCT_BUF(handle) ((handle).ptr.m64)

#define STRUCT_SIZE(handle)                                                    \
	((handle).model == DATAMODEL_ILP32 ? sizeof (*(handle).ptr.m32)        \
	    : sizeof (*(handle).ptr.m64))

#define SIZEOF_STRUCT(struct_type, umodel)                                     \
	(((umodel) & DATAMODEL_MASK) == DATAMODEL_ILP32 ?                      \
	    sizeof (struct struct_type##32) : sizeof (struct struct_type))

#define SIZEOF_PTR(umodel)                                                     \
	(((umodel) & DATAMODEL_MASK) == DATAMODEL_ILP32 ? sizeof (caddr32_t)   \
	    : sizeof (caddr_t))

#define STRUCT_FGET(handle, field)                                             \
	((handle).model == DATAMODEL_ILP32 ? (handle).ptr.m32->field           \
	    : (handle).ptr.m64->field)

#define STRUCT_FSET(handle, field, val)                                        \
	((handle).model == DATAMODEL_ILP32 ? ((handle).ptr.m32->field = (val)) \
	    : ((handle).ptr.m64->field = (val)))

/* pointer fields: an ILP32 caller's is a caddr32_t */
#define STRUCT_FGETP(handle, field)                                            \
	((handle).model == DATAMODEL_ILP32                                     \
	    ? (void *)(uintptr_t)(handle).ptr.m32->field                       \
	    : (void *)(handle).ptr.m64->field)

#define STRUCT_FSETP(handle, field, val)                                       \
	((handle).model == DATAMODEL_ILP32                                     \
	    ? (void)((handle).ptr.m32->field = (caddr32_t)(uintptr_t)(val))    \
	    : (void)((handle).ptr.m64->field = (val)))

#define STRUCT_FADDR(handle, field)                                            \
	((handle).model == DATAMODEL_ILP32                                     \
	    ? (void *)&(handle).ptr.m32->field                                 \
	    : (void *)&(handle).ptr.m64->field)

#endif
