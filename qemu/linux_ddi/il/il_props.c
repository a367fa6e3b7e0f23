/*
 * illumos device properties for the Linux backend, with the simulator's
 * semantics (kernel_model/illumos/props.cc, checked there against
 * sunddi.c): kept per dev_info, typed (a typed lookup sees only its type;
 * ddi_prop_create's DDI_PROP_TYPE_ANY is not INT64), a DDI_DEV_T_ANY lookup
 * finds the first in (dev, name) order, an update of another type replaces
 * the property, a lookup hands out a kmem copy freed by ddi_prop_free,
 * ddi_prop_undefine's marker answers DDI_PROP_UNDEFINED. Nothing outside
 * the driver reads them (no prtconf in the guest). A property update on a
 * nexus node is not given, as in the simulator: a clear panic.
 */
#include <string.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/param.h>
#include <sys/conf.h>
#include <sys/kmem.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>
#include <sys/kernsim.h>

#include "ks_lx.h"
#include "il_impl.h"

struct il_prop {
	struct il_prop *p_next;		/* in (dev, name) order */
	dev_t p_dev;
	char *p_name;
	uint_t p_type;
	int p_undefined;
	size_t p_len;
	char *p_val;
};

static int il_prop_cmp(const struct il_prop *p, dev_t dev, const char *name)
{
	if ((uint64_t)p->p_dev != (uint64_t)dev)
		return ((uint64_t)p->p_dev < (uint64_t)dev ? -1 : 1);
	return (strcmp(p->p_name, name));
}

static void il_prop_free_one(struct il_prop *p)
{
	if (p->p_len)
		kmem_free(p->p_val, p->p_len);
	kmem_free(p->p_name, strlen(p->p_name) + 1);
	kmem_free(p, sizeof (*p));
}

static struct il_prop *find_prop(dev_info_t *dip, dev_t dev, const char *name, uint_t types)
{
	struct il_prop *p;

	for (p = dip->di_props; p != NULL; p = p->p_next) {
		if (strcmp(p->p_name, name) != 0)
			continue;
		if (dev != DDI_DEV_T_ANY && p->p_dev != dev)
			continue;
		if (p->p_type & types)
			return (p);
		if (dev != DDI_DEV_T_ANY)
			return (NULL);
	}
	return (NULL);
}

static int set_prop(dev_t dev, dev_info_t *dip, const char *name, uint_t type,
    const void *data, size_t len, int undefined)
{
	struct il_prop **pp, *p;
	int c = 1;

	if (dip == NULL || name == NULL || *name == '\0' || dev == DDI_DEV_T_ANY)
		return (DDI_PROP_INVAL_ARG);
	if (dip->di_nexus) {
		ks_lx_not_given("a property update on a nexus node (ddi_root_node, the parent)");
		return (DDI_PROP_INVAL_ARG);
	}
	for (pp = &dip->di_props; *pp != NULL; pp = &(*pp)->p_next)
		if ((c = il_prop_cmp(*pp, dev, name)) >= 0)
			break;
	if (*pp != NULL && c == 0) {
		p = *pp;
		if (p->p_len)
			kmem_free(p->p_val, p->p_len);
	} else {
		p = kmem_zalloc(sizeof (*p), KM_SLEEP);
		p->p_dev = dev;
		p->p_name = kmem_alloc(strlen(name) + 1, KM_SLEEP);
		memcpy(p->p_name, name, strlen(name) + 1);
		p->p_next = *pp;
		*pp = p;
	}
	p->p_type = type;
	p->p_undefined = undefined;
	p->p_len = len;
	p->p_val = NULL;
	if (len) {
		p->p_val = kmem_alloc(len, KM_SLEEP);
		memcpy(p->p_val, data, len);
	}
	return (DDI_PROP_SUCCESS);
}

/* A block for ddi_prop_free: its size in the word before the data. */
static char *prop_block(size_t len)
{
	size_t n = sizeof (size_t) + len;
	char *p = kmem_alloc(n, KM_SLEEP);

	memcpy(p, &n, sizeof (n));
	return (p + sizeof (n));
}

void ddi_prop_free(void *data)
{
	char *p;
	size_t n;

	if (data == NULL)
		return;
	p = (char *)data - sizeof (size_t);
	memcpy(&n, p, sizeof (n));
	kmem_free(p, n);
}

/* The checks every typed lookup makes first, in this order. */
static int find_data(dev_info_t *dip, dev_t dev, const char *name, uint_t type, int args_ok,
    struct il_prop **pp)
{
	if (dip == NULL || name == NULL || !args_ok)
		return (DDI_PROP_INVAL_ARG);
	if ((*pp = find_prop(dip, dev, name, type)) == NULL)
		return (DDI_PROP_NOT_FOUND);
	if ((*pp)->p_undefined)
		return (DDI_PROP_UNDEFINED);
	if ((*pp)->p_len == 0)
		return (DDI_PROP_END_OF_DATA);
	return (DDI_PROP_SUCCESS);
}

static int lookup_array(dev_t dev, dev_info_t *dip, const char *name, uint_t type,
    size_t width, void **datap, uint_t *nelements)
{
	struct il_prop *p;
	int e;
	char *b;

	e = find_data(dip, dev, name, type, datap != NULL && nelements != NULL, &p);
	if (e != DDI_PROP_SUCCESS)
		return (e);
	if (p->p_len % width)
		return (DDI_PROP_CANNOT_DECODE);
	b = prop_block(p->p_len);
	memcpy(b, p->p_val, p->p_len);
	*datap = b;
	*nelements = (uint_t)(p->p_len / width);
	return (DDI_PROP_SUCCESS);
}

static int lookup_one(dev_t dev, dev_info_t *dip, const char *name, uint_t type, void *out,
    size_t size)
{
	struct il_prop *p;
	int e;

	if ((e = find_data(dip, dev, name, type, 1, &p)) != DDI_PROP_SUCCESS)
		return (e);
	if (p->p_len < size)
		return (DDI_PROP_CANNOT_DECODE);
	memcpy(out, p->p_val, size);
	return (DDI_PROP_SUCCESS);
}

int ddi_prop_update_int(dev_t dev, dev_info_t *dip, char *name, int v)
{
	return (set_prop(dev, dip, name, DDI_PROP_TYPE_INT, &v, sizeof (v), 0));
}

int ddi_prop_update_int64(dev_t dev, dev_info_t *dip, char *name, int64_t v)
{
	return (set_prop(dev, dip, name, DDI_PROP_TYPE_INT64, &v, sizeof (v), 0));
}

int ddi_prop_update_int_array(dev_t dev, dev_info_t *dip, char *name, int *data, uint_t n)
{
	if (data == NULL && n)
		return (DDI_PROP_INVAL_ARG);
	return (set_prop(dev, dip, name, DDI_PROP_TYPE_INT, data, (size_t)n * sizeof (int), 0));
}

int ddi_prop_update_int64_array(dev_t dev, dev_info_t *dip, char *name, int64_t *data,
    uint_t n)
{
	if (data == NULL && n)
		return (DDI_PROP_INVAL_ARG);
	return (set_prop(dev, dip, name, DDI_PROP_TYPE_INT64, data,
	    (size_t)n * sizeof (int64_t), 0));
}

int ddi_prop_update_byte_array(dev_t dev, dev_info_t *dip, char *name, uchar_t *data,
    uint_t n)
{
	if (data == NULL && n)
		return (DDI_PROP_INVAL_ARG);
	return (set_prop(dev, dip, name, DDI_PROP_TYPE_BYTE, data, n, 0));
}

int ddi_prop_update_string(dev_t dev, dev_info_t *dip, char *name, char *data)
{
	if (data == NULL)
		return (DDI_PROP_INVAL_ARG);
	return (set_prop(dev, dip, name, DDI_PROP_TYPE_STRING, data, strlen(data) + 1, 0));
}

int ddi_prop_update_string_array(dev_t dev, dev_info_t *dip, char *name, char **data,
    uint_t n)
{
	size_t len = 0, at = 0;
	uint_t i;
	char *all;
	int r;

	if (data == NULL && n)
		return (DDI_PROP_INVAL_ARG);
	for (i = 0; i < n; i++) {
		if (data[i] == NULL)
			return (DDI_PROP_INVAL_ARG);
		len += strlen(data[i]) + 1;
	}
	all = len ? kmem_alloc(len, KM_SLEEP) : NULL;
	for (i = 0; i < n; i++) {
		memcpy(all + at, data[i], strlen(data[i]) + 1);
		at += strlen(data[i]) + 1;
	}
	r = set_prop(dev, dip, name, DDI_PROP_TYPE_STRING, all, len, 0);
	if (len)
		kmem_free(all, len);
	return (r);
}

int ddi_prop_create(dev_t dev, dev_info_t *dip, int flag, char *name, caddr_t value, int length)
{
	if (length < 0 || (length > 0 && value == NULL))
		return (DDI_PROP_INVAL_ARG);
	return (set_prop(dev, dip, name, DDI_PROP_TYPE_ANY, value, (size_t)length, 0));
}

int ddi_prop_modify(dev_t dev, dev_info_t *dip, int flag, char *name, caddr_t value, int length)
{
	struct il_prop *p;

	if (dip == NULL || name == NULL || dev == DDI_DEV_T_ANY)
		return (DDI_PROP_INVAL_ARG);
	for (p = dip->di_props; p != NULL; p = p->p_next)
		if (il_prop_cmp(p, dev, name) == 0)
			break;
	if (p == NULL)
		return (DDI_PROP_NOT_FOUND);
	return (ddi_prop_create(dev, dip, flag, name, value, length));
}

int ddi_prop_undefine(dev_t dev, dev_info_t *dip, int flag, char *name)
{
	return (set_prop(dev, dip, name, DDI_PROP_TYPE_BYTE, NULL, 0, 1));
}

int ddi_prop_lookup_int_array(dev_t dev, dev_info_t *dip, uint_t flags, char *name,
    int **datap, uint_t *n)
{
	return (lookup_array(dev, dip, name, DDI_PROP_TYPE_INT, sizeof (int), (void **)datap, n));
}

int ddi_prop_lookup_int64_array(dev_t dev, dev_info_t *dip, uint_t flags, char *name,
    int64_t **datap, uint_t *n)
{
	return (lookup_array(dev, dip, name, DDI_PROP_TYPE_INT64, sizeof (int64_t),
	    (void **)datap, n));
}

int ddi_prop_lookup_byte_array(dev_t dev, dev_info_t *dip, uint_t flags, char *name,
    uchar_t **datap, uint_t *n)
{
	return (lookup_array(dev, dip, name, DDI_PROP_TYPE_BYTE, 1, (void **)datap, n));
}

int ddi_prop_lookup_string_array(dev_t dev, dev_info_t *dip, uint_t flags, char *name,
    char ***datap, uint_t *nelements)
{
	struct il_prop *p;
	int e;
	size_t n = 0, i, at = 0;
	char *b, *text, **v;

	e = find_data(dip, dev, name, DDI_PROP_TYPE_STRING, datap != NULL && nelements != NULL, &p);
	if (e != DDI_PROP_SUCCESS)
		return (e);
	if (p->p_val[p->p_len - 1] != '\0')
		return (DDI_PROP_CANNOT_DECODE);
	for (i = 0; i < p->p_len; i++)
		n += p->p_val[i] == '\0';
	b = prop_block(n * sizeof (char *) + p->p_len);
	text = b + n * sizeof (char *);
	memcpy(text, p->p_val, p->p_len);
	v = (char **)b;
	for (i = 0; i < n; i++) {
		v[i] = text + at;
		at += strlen(text + at) + 1;
	}
	*datap = v;
	*nelements = (uint_t)n;
	return (DDI_PROP_SUCCESS);
}

int ddi_prop_lookup_string(dev_t dev, dev_info_t *dip, uint_t flags, char *name, char **datap)
{
	struct il_prop *p;
	int e;
	size_t len;
	char *b;

	e = find_data(dip, dev, name, DDI_PROP_TYPE_STRING, datap != NULL, &p);
	if (e != DDI_PROP_SUCCESS)
		return (e);
	len = strnlen(p->p_val, p->p_len);
	if (len == p->p_len)
		return (DDI_PROP_CANNOT_DECODE);
	b = prop_block(len + 1);
	memcpy(b, p->p_val, len + 1);
	*datap = b;
	return (DDI_PROP_SUCCESS);
}

int ddi_prop_get_int(dev_t dev, dev_info_t *dip, uint_t flags, char *name, int defvalue)
{
	int v = 0;
	int r = lookup_one(dev, dip, name, DDI_PROP_TYPE_INT, &v, sizeof (v));

	return (r == DDI_PROP_SUCCESS ? v : r == DDI_PROP_END_OF_DATA ? 1 : defvalue);
}

int64_t ddi_prop_get_int64(dev_t dev, dev_info_t *dip, uint_t flags, char *name,
    int64_t defvalue)
{
	int64_t v = 0;
	int r = lookup_one(dev, dip, name, DDI_PROP_TYPE_INT64, &v, sizeof (v));

	return (r == DDI_PROP_SUCCESS ? v : r == DDI_PROP_END_OF_DATA ? 1 : defvalue);
}

int ddi_getprop(dev_t dev, dev_info_t *dip, int flags, char *name, int defvalue)
{
	int v = 0;
	int r = lookup_one(dev, dip, name, DDI_PROP_TYPE_MASK, &v, sizeof (v));

	return (r == DDI_PROP_SUCCESS ? v : r == DDI_PROP_END_OF_DATA ? 1 : defvalue);
}

int ddi_prop_exists(dev_t dev, dev_info_t *dip, uint_t flags, char *name)
{
	struct il_prop *p;

	if (dip == NULL || name == NULL)
		return (0);
	p = find_prop(dip, dev, name, DDI_PROP_TYPE_MASK);
	return (p != NULL && !p->p_undefined);
}

int ddi_prop_remove(dev_t dev, dev_info_t *dip, char *name)
{
	struct il_prop **pp, *p;

	if (dip == NULL || name == NULL)
		return (DDI_PROP_INVAL_ARG);
	for (pp = &dip->di_props; (p = *pp) != NULL; pp = &p->p_next) {
		if (il_prop_cmp(p, dev, name) == 0) {
			*pp = p->p_next;
			il_prop_free_one(p);
			return (DDI_PROP_SUCCESS);
		}
	}
	return (DDI_PROP_NOT_FOUND);
}

void ddi_prop_remove_all(dev_info_t *dip)
{
	struct il_prop *p;

	if (dip == NULL)
		return;
	while ((p = dip->di_props) != NULL) {
		dip->di_props = p->p_next;
		il_prop_free_one(p);
	}
}

/* ddi_prop_op(9F)'s answer for a property found (props.cc prop_answer). */
static int prop_answer(ddi_prop_op_t op, int flags, const void *value, int len,
    caddr_t valuep, int *lengthp)
{
	void *buf;

	if (op == PROP_EXISTS)
		return (DDI_PROP_SUCCESS);
	if (lengthp == NULL)
		return (DDI_PROP_INVAL_ARG);
	switch (op) {
	case PROP_LEN:
		*lengthp = len;
		return (DDI_PROP_SUCCESS);
	case PROP_LEN_AND_VAL_BUF:
		if (*lengthp < len) {
			*lengthp = len;
			return (DDI_PROP_BUF_TOO_SMALL);
		}
		memcpy(valuep, value, (size_t)len);
		*lengthp = len;
		return (DDI_PROP_SUCCESS);
	case PROP_LEN_AND_VAL_ALLOC:
		buf = kmem_alloc((size_t)len, (flags & DDI_PROP_CANSLEEP) ? KM_SLEEP : KM_NOSLEEP);
		if (buf == NULL && len)
			return (DDI_PROP_NO_MEMORY);
		memcpy(buf, value, (size_t)len);
		*(void **)valuep = buf;
		*lengthp = len;
		return (DDI_PROP_SUCCESS);
	default:
		return (DDI_PROP_INVAL_ARG);
	}
}

int ddi_prop_op(dev_t dev, dev_info_t *dip, ddi_prop_op_t op, int flags, char *name,
    caddr_t valuep, int *lengthp)
{
	struct il_prop *p;

	if (dip == NULL || name == NULL)
		return (DDI_PROP_INVAL_ARG);
	if ((p = find_prop(dip, dev, name, DDI_PROP_TYPE_MASK)) == NULL)
		return (DDI_PROP_NOT_FOUND);
	if (p->p_undefined)
		return (DDI_PROP_UNDEFINED);
	return (prop_answer(op, flags, p->p_val, (int)p->p_len, valuep, lengthp));
}

int ddi_getproplen(dev_t dev, dev_info_t *dip, int flags, char *name, int *lengthp)
{
	return (ddi_prop_op(dev, dip, PROP_LEN, flags, name, NULL, lengthp));
}

int ddi_getlongprop(dev_t dev, dev_info_t *dip, int flags, char *name, caddr_t valuep,
    int *lengthp)
{
	return (ddi_prop_op(dev, dip, PROP_LEN_AND_VAL_ALLOC, flags, name, valuep, lengthp));
}

int ddi_getlongprop_buf(dev_t dev, dev_info_t *dip, int flags, char *name, caddr_t valuep,
    int *lengthp)
{
	return (ddi_prop_op(dev, dip, PROP_LEN_AND_VAL_BUF, flags, name, valuep, lengthp));
}

/* ddi_prop_op_size_blksize(9F), as props.cc prop_op_sized. */
static int prop_op_sized(dev_t dev, dev_info_t *dip, ddi_prop_op_t op, int flags, char *name,
    caddr_t valuep, int *lengthp, uint64_t size, uint_t blksize)
{
	uint64_t nblocks, v64 = 0;
	uint32_t v32 = 0;
	int len, callers;

	if (name == NULL || lengthp == NULL || blksize == 0 || (blksize & (blksize - 1)) != 0)
		return (DDI_PROP_INVAL_ARG);
	nblocks = size / blksize;
	if (strcmp(name, "Nblocks") == 0) {
		v64 = nblocks;
		len = sizeof (v64);
	} else if (strcmp(name, "Size") == 0) {
		v64 = size;
		len = sizeof (v64);
	} else if (strcmp(name, "nblocks") == 0 && nblocks < UINT32_MAX) {
		v32 = (uint32_t)nblocks;
		len = sizeof (v32);
	} else if (strcmp(name, "size") == 0 && size < UINT32_MAX) {
		v32 = (uint32_t)size;
		len = sizeof (v32);
	} else if (strcmp(name, "blksize") == 0) {
		v32 = blksize;
		len = sizeof (v32);
	} else {
		return (ddi_prop_op(dev, dip, op, flags, name, valuep, lengthp));
	}
	callers = *lengthp;
	*lengthp = len;
	if (op == PROP_LEN)
		return (DDI_PROP_SUCCESS);
	if (op == PROP_LEN_AND_VAL_BUF && callers != len)
		return (DDI_PROP_INVAL_ARG);
	if (op != PROP_LEN_AND_VAL_BUF && op != PROP_LEN_AND_VAL_ALLOC)
		return (DDI_PROP_INVAL_ARG);
	return (prop_answer(op, flags, len == sizeof (v64) ? (void *)&v64 : (void *)&v32, len,
	    valuep, lengthp));
}

int ddi_prop_op_size_blksize(dev_t dev, dev_info_t *dip, ddi_prop_op_t op, int flags,
    char *name, caddr_t valuep, int *lengthp, uint64_t size, uint_t blksize)
{
	return (prop_op_sized(dev, dip, op, flags, name, valuep, lengthp, size, blksize));
}

int ddi_prop_op_size(dev_t dev, dev_info_t *dip, ddi_prop_op_t op, int flags, char *name,
    caddr_t valuep, int *lengthp, uint64_t size)
{
	return (prop_op_sized(dev, dip, op, flags, name, valuep, lengthp, size, DEV_BSIZE));
}

int ddi_prop_op_nblocks_blksize(dev_t dev, dev_info_t *dip, ddi_prop_op_t op, int flags,
    char *name, caddr_t valuep, int *lengthp, uint64_t nblocks, uint_t blksize)
{
	if (blksize == 0 || nblocks >= UINT64_MAX / blksize)
		return (ddi_prop_op(dev, dip, op, flags, name, valuep, lengthp));
	return (prop_op_sized(dev, dip, op, flags, name, valuep, lengthp, nblocks * blksize,
	    blksize));
}

int ddi_prop_op_nblocks(dev_t dev, dev_info_t *dip, ddi_prop_op_t op, int flags, char *name,
    caddr_t valuep, int *lengthp, uint64_t nblocks)
{
	return (ddi_prop_op_nblocks_blksize(dev, dip, op, flags, name, valuep, lengthp, nblocks,
	    DEV_BSIZE));
}
