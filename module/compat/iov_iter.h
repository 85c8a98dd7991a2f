/* SPDX-License-Identifier: GPL-2.0 */
/* crmod compat: reading into user memory, writing pages, through iov_iter. */
#ifndef CRMOD_COMPAT_IOV_ITER_H
#define CRMOD_COMPAT_IOV_ITER_H

#include <linux/bvec.h>
#include <linux/fs.h>
#include <linux/uio.h>

/* Read from file straight into user memory (import_ubuf() from 6.4). */
static inline ssize_t crmod_compat_read_user(struct file *file,
					     void __user *buf, size_t len,
					     loff_t *pos)
{
	struct iov_iter iter;
	int ret;
#ifdef CR_HAVE_IMPORT_UBUF
	ret = import_ubuf(ITER_DEST, buf, len, &iter);
#else
	struct iovec iov;

	ret = import_single_range(READ, buf, len, &iov, &iter);
#endif
	if (ret)
		return ret;
	return vfs_iter_read(file, &iter, pos, 0);
}

/* Write whole pages to a file in one call (ITER_SOURCE from 6.3). */
static inline ssize_t crmod_compat_write_pages(struct file *file,
					       struct bio_vec *bv,
					       unsigned long n, loff_t *pos)
{
	struct iov_iter iter;
#ifdef CR_HAVE_ITER_SOURCE
	iov_iter_bvec(&iter, ITER_SOURCE, bv, n, n * PAGE_SIZE);
#else
	iov_iter_bvec(&iter, WRITE, bv, n, n * PAGE_SIZE);
#endif
	return vfs_iter_write(file, &iter, pos, 0);
}

#endif
