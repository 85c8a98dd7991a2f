/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crmod compat: adding seals to a memfd. memfd_fcntl() is not exported;
 * its argument became an unsigned int in 6.6.
 */
#ifndef CRMOD_COMPAT_MEMFD_H
#define CRMOD_COMPAT_MEMFD_H

#include <linux/fcntl.h>
#include "../resolver.h"

static inline int cr_compat_memfd_add_seals(struct file *file, u32 seals)
{
	return crmod_sym_memfd_fcntl(file, F_ADD_SEALS, seals);
}

#endif
