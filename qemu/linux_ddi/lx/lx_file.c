/*
 * Backing files for vn_open and the fop_* of a regular file:
 * filp_open, kernel_read/kernel_write at an offset, vfs_getattr.
 */
#include <linux/fs.h>
#include <linux/stat.h>
#include <linux/namei.h>
#include <linux/err.h>

#include "ks_lx.h"

void *ks_lx_file_open(const char *path, int write, int *error)
{
	struct file *f = filp_open(path, (write ? O_RDWR : O_RDONLY) | O_LARGEFILE, 0);

	if (IS_ERR(f)) {
		*error = -PTR_ERR(f);
		return NULL;
	}
	*error = 0;
	return f;
}

int ks_lx_file_close(void *f)
{
	return -filp_close(f, NULL);
}

int ks_lx_file_getattr(void *fp, uint64_t *size, int *vtype, uint32_t *mode)
{
	struct file *f = fp;
	struct kstat st;
	int err = vfs_getattr(&f->f_path, &st, STATX_BASIC_STATS, AT_STATX_SYNC_AS_STAT);

	if (err)
		return -err;
	*size = st.size;
	*mode = st.mode;
	switch (st.mode & S_IFMT) {
	case S_IFREG: *vtype = 1; break;
	case S_IFDIR: *vtype = 2; break;
	case S_IFBLK: *vtype = 3; break;
	case S_IFCHR: *vtype = 4; break;
	case S_IFLNK: *vtype = 5; break;
	case S_IFIFO: *vtype = 6; break;
	case S_IFSOCK: *vtype = 9; break;
	default: *vtype = 0; break;
	}
	return 0;
}

int ks_lx_file_rdwr(void *fp, int write, void *buf, size_t len, int64_t off, size_t *resid)
{
	loff_t pos = off;
	ssize_t n = write ? kernel_write(fp, buf, len, &pos) : kernel_read(fp, buf, len, &pos);

	if (n < 0) {
		*resid = len;
		return (int)-n;
	}
	*resid = len - (size_t)n;
	return 0;
}

int ks_lx_file_fsync(void *fp)
{
	return -vfs_fsync(fp, 0);
}
