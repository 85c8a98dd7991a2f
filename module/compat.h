/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crmod: every difference between the kernel versions crmod builds against
 * lives here, so that the rest of the module reads as if for one kernel.
 */
#ifndef CRMOD_COMPAT_H
#define CRMOD_COMPAT_H

#include <linux/capability.h>

/*
 * CAP_CHECKPOINT_RESTORE (5.9) lets a checkpoint/restart tool run without
 * the whole of CAP_SYS_ADMIN; older kernels only have the latter.
 */
static inline bool crmod_compat_capable(void)
{
#ifdef CAP_CHECKPOINT_RESTORE
	if (ns_capable_noaudit(&init_user_ns, CAP_CHECKPOINT_RESTORE))
		return true;
#endif
	return capable(CAP_SYS_ADMIN);
}

#endif /* CRMOD_COMPAT_H */
