/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crmod compat: a new shmem file (memfd, shared anonymous memory). Its VMA
 * flags became a vma_flags_t bitmap in 7.x.
 */
#ifndef CRMOD_COMPAT_SHMEM_H
#define CRMOD_COMPAT_SHMEM_H

#include <linux/mm.h>
#include <linux/shmem_fs.h>

static inline struct file *cr_compat_shmem_file_setup(const char *name,
						      loff_t size,
						      bool noreserve)
{
#ifdef CR_HAVE_SHMEM_VMA_FLAGS_T
	return shmem_file_setup(name, size, noreserve ?
				mk_vma_flags(VMA_NORESERVE_BIT) :
				EMPTY_VMA_FLAGS);
#else
	return shmem_file_setup(name, size, noreserve ? VM_NORESERVE : 0);
#endif
}

#endif
