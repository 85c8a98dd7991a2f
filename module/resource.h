/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crmod: every allocation and every file reference the module takes goes
 * through here. Test builds count what is live (it must come back to zero
 * after every ioctl) and can make the Nth fallible step of the next
 * checkpoint or restart fail, to prove every error path; shipped builds
 * compile these to the plain kernel calls.
 */
#ifndef CRMOD_RESOURCE_H
#define CRMOD_RESOURCE_H

#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#ifdef CRMOD_TEST
/* Should the step now taken fail? what names it in the failure's message. */
bool cr_fault(const char *what);
void cr_count_alloc(const void *p);
void cr_count_free(const void *p);
void cr_count_file(const struct file *f, int delta);
/* A checkpoint or restart begins: the armed fault counts steps from here. */
void cr_fault_begin(void);
/* What the injected fault made fail in this task, or NULL. */
const char *cr_fault_step(void);
long crmod_ioc_test_fault(void __user *uarg);
#else
static inline void cr_fault_begin(void) { }
static inline const char *cr_fault_step(void) { return NULL; }
static inline bool cr_fault(const char *what) { return false; }
static inline void cr_count_alloc(const void *p) { }
static inline void cr_count_free(const void *p) { }
static inline void cr_count_file(const struct file *f, int delta) { }
#endif

/* A failed step injected by a test: says which, as the error the user sees. */
#define CR_FAULT_ERRNO	ENOMEM

static inline void *cr_alloc_flags(size_t size, gfp_t flags)
{
	void *p = cr_fault("memory allocation") ? NULL : kvmalloc(size, flags);

	cr_count_alloc(p);
	return p;
}

static inline void *cr_alloc(size_t size)
{
	return cr_alloc_flags(size, GFP_KERNEL);
}

static inline void *cr_zalloc(size_t size)
{
	return cr_alloc_flags(size, GFP_KERNEL | __GFP_ZERO);
}

static inline void *cr_alloc_array(size_t n, size_t size)
{
	size_t bytes;

	if (check_mul_overflow(n, size, &bytes))
		return NULL;
	return cr_alloc(bytes);
}

static inline void *cr_zalloc_array(size_t n, size_t size)
{
	size_t bytes;

	if (check_mul_overflow(n, size, &bytes))
		return NULL;
	return cr_zalloc(bytes);
}

static inline void *cr_memdup(const void *src, size_t len)
{
	void *p = cr_alloc(len ?: 1);

	if (p)
		memcpy(p, src, len);
	return p;
}

static inline char *cr_strdup(const char *s)
{
	return cr_memdup(s, strlen(s) + 1);
}

static inline void cr_free(const void *p)
{
	if (!p)
		return;
	cr_count_free(p);
	kvfree(p);
}

/* n elements of size at p become new_n (old ones kept); NULL if it fails. */
static inline void *cr_realloc_array(void *p, size_t n, size_t new_n,
				     size_t size)
{
	void *bigger = cr_alloc_array(new_n, size);

	if (!bigger)
		return NULL;
	if (p)
		memcpy(bigger, p, min(n, new_n) * size);
	cr_free(p);
	return bigger;
}

/* A file reference taken by a kernel call, counted (f may be NULL or an error). */
static inline struct file *cr_file_acquired(struct file *f)
{
	if (!IS_ERR_OR_NULL(f))
		cr_count_file(f, 1);
	return f;
}

static inline struct file *cr_file_get(struct file *f)
{
	return cr_file_acquired(get_file(f));
}

static inline void cr_fput(struct file *f)
{
	cr_count_file(f, -1);
	fput(f);
}

static inline struct file *cr_fget(unsigned int fd)
{
	return cr_fault("getting an fd") ? NULL : cr_file_acquired(fget(fd));
}

static inline struct file *cr_filp_open(const char *path, int flags,
					umode_t mode)
{
	if (cr_fault("opening a file"))
		return ERR_PTR(-CR_FAULT_ERRNO);
	return cr_file_acquired(filp_open(path, flags, mode));
}

static inline struct file *cr_dentry_open(const struct path *path, int flags,
					  const struct cred *cred)
{
	if (cr_fault("opening a file"))
		return ERR_PTR(-CR_FAULT_ERRNO);
	return cr_file_acquired(dentry_open(path, flags, cred));
}

static inline struct file *cr_file_open_root(const struct path *root,
					     const char *name, int flags,
					     umode_t mode)
{
	if (cr_fault("creating a file"))
		return ERR_PTR(-CR_FAULT_ERRNO);
	return cr_file_acquired(file_open_root(root, name, flags, mode));
}

#endif /* CRMOD_RESOURCE_H */
