/* SPDX-License-Identifier: GPL-2.0 */
/* crmod compat: capabilities. */
#ifndef CRMOD_COMPAT_CAPABILITY_H
#define CRMOD_COMPAT_CAPABILITY_H

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

/* Capability sets as one 64-bit mask (kernel_cap_t became a u64 in 6.3). */
static inline u64 crmod_compat_cap_get(kernel_cap_t cap)
{
#ifdef CR_HAVE_CAP_VAL
	return cap.val;
#else
	return cap.cap[0] | (u64)cap.cap[1] << 32;
#endif
}

static inline kernel_cap_t crmod_compat_cap_make(u64 mask)
{
	kernel_cap_t cap;

	mask &= GENMASK_ULL(CAP_LAST_CAP, 0);
#ifdef CR_HAVE_CAP_VAL
	cap.val = mask;
#else
	cap.cap[0] = lower_32_bits(mask);
	cap.cap[1] = upper_32_bits(mask);
#endif
	return cap;
}

#endif
