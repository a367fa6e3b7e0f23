/*
 * The dispatch layer and thread pools: a dispatch owns the channel its
 * resource managers are attached to; a thread pool's threads block in
 * dispatch_block (MsgReceive) and run dispatch_handler, which calls the
 * connect or I/O function the message asks for and replies as the
 * handler's return value says. Mapped onto the kernel model's message
 * passing and thread pool (kernel_model/msg_channel.h, msg_server.h).
 */
#ifndef _KS_QNX_SYS_DISPATCH_H
#define _KS_QNX_SYS_DISPATCH_H

#include <sys/types.h>
#include <sys/resmgr.h>

typedef resmgr_context_t dispatch_context_t;

dispatch_t *dispatch_create(void);
int dispatch_destroy(dispatch_t *dpp);
dispatch_context_t *dispatch_context_alloc(dispatch_t *dpp);
void dispatch_context_free(dispatch_context_t *ctp);
dispatch_context_t *dispatch_block(dispatch_context_t *ctp);
int dispatch_handler(dispatch_context_t *ctp);
void dispatch_unblock(dispatch_context_t *ctp);

#ifndef THREAD_POOL_HANDLE_T
#define THREAD_POOL_HANDLE_T dispatch_t
#endif
#ifndef THREAD_POOL_PARAM_T
#define THREAD_POOL_PARAM_T dispatch_context_t
#endif

typedef struct _thread_pool_attr {
	THREAD_POOL_HANDLE_T *handle;
	THREAD_POOL_PARAM_T *(*block_func)(THREAD_POOL_PARAM_T *ctp);
	void (*unblock_func)(THREAD_POOL_PARAM_T *ctp);
	int (*handler_func)(THREAD_POOL_PARAM_T *ctp);
	THREAD_POOL_PARAM_T *(*context_alloc)(THREAD_POOL_HANDLE_T *handle);
	void (*context_free)(THREAD_POOL_PARAM_T *ctp);
	void *attr;
	unsigned short lo_water;
	unsigned short increment;
	unsigned short hi_water;
	unsigned short reserved[1];
	unsigned maximum;
	unsigned reserved2[2];
} thread_pool_attr_t;

typedef struct _thread_pool thread_pool_t;

#define POOL_FLAG_EXIT_SELF 0x01
#define POOL_FLAG_USE_SELF 0x02

thread_pool_t *thread_pool_create(thread_pool_attr_t *pool_attr, unsigned flags);
int thread_pool_start(void *pool);
int thread_pool_destroy(thread_pool_t *pool);

#endif
