/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crmod compat: the signal_struct's POSIX timers: a list, an hlist from
 * 6.12, plus the ignored ones from 6.13.
 */
#ifndef CRMOD_COMPAT_SIGNAL_H
#define CRMOD_COMPAT_SIGNAL_H

#include <linux/sched/signal.h>

static inline bool cr_compat_has_posix_timers(struct signal_struct *sig)
{
#if defined(CR_HAVE_IGNORED_POSIX_TIMERS)
	return !hlist_empty(&sig->posix_timers) ||
	       !hlist_empty(&sig->ignored_posix_timers);
#elif defined(CR_HAVE_POSIX_TIMERS_HLIST)
	return !hlist_empty(&sig->posix_timers);
#else
	return !list_empty(&sig->posix_timers);
#endif
}

#endif
