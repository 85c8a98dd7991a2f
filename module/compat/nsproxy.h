/* SPDX-License-Identifier: GPL-2.0 */
/* crmod compat: namespaces a kernel may be built without. */
#ifndef CRMOD_COMPAT_NSPROXY_H
#define CRMOD_COMPAT_NSPROXY_H

#include <linux/nsproxy.h>

static inline bool cr_compat_same_time_ns(struct nsproxy *a, struct nsproxy *b)
{
#ifdef CONFIG_TIME_NS
	return a->time_ns == b->time_ns;
#else
	return true;
#endif
}

#endif
