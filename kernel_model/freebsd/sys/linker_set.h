/*
 * FreeBSD <sys/linker_set.h>: a linker set is an array of pointers the
 * linker gathers from every object file into one section, set_<name>.
 * The kernel's module linker finds a module's sets by section (kernsim's
 * loader likewise: Module::linker_set); the module's own code reaches
 * them through the linker's __start_/__stop_ symbols, hidden so that each
 * module sees its own.
 */
#ifndef _KS_FREEBSD_SYS_LINKER_SET_H
#define _KS_FREEBSD_SYS_LINKER_SET_H

#define __KS_SET_CAT2(a, b) a##b
#define __KS_SET_CAT(a, b) __KS_SET_CAT2(a, b)

#define __MAKE_SET_QV(set, sym, qv)						\
	static void const * qv __KS_SET_CAT(__set_##set##_sym_, sym)	\
	    __attribute__((section("set_" #set), used,			\
	    aligned(sizeof(void *)))) = (const void *)&(sym)
#define __MAKE_SET(set, sym)	__MAKE_SET_QV(set, sym, const)

#define TEXT_SET(set, sym)	__MAKE_SET(set, sym)
#define DATA_SET(set, sym)	__MAKE_SET(set, sym)
#define DATA_WSET(set, sym)	__MAKE_SET_QV(set, sym, )
#define BSS_SET(set, sym)	__MAKE_SET(set, sym)
#define ABS_SET(set, sym)	__MAKE_SET(set, sym)
#define SET_ENTRY(set, sym)	__MAKE_SET(set, sym)

#define SET_DECLARE(set, ptype)						\
	extern ptype *__KS_SET_CAT(__start_set_, set)			\
	    __attribute__((weak, visibility("hidden")));		\
	extern ptype *__KS_SET_CAT(__stop_set_, set)			\
	    __attribute__((weak, visibility("hidden")))
#define SET_BEGIN(set)	(&__KS_SET_CAT(__start_set_, set))
#define SET_LIMIT(set)	(&__KS_SET_CAT(__stop_set_, set))
#define SET_FOREACH(pvar, set)						\
	for (pvar = SET_BEGIN(set); pvar < SET_LIMIT(set); pvar++)
#define SET_ITEM(set, i)	((SET_BEGIN(set))[i])
#define SET_COUNT(set)	(SET_LIMIT(set) - SET_BEGIN(set))

#endif
