/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crmod compat: task_struct fields that moved. __get_task_comm() is gone in
 * 7.x; the robust futex list moved into struct futex_sched_data in 7.x.
 */
#ifndef CRMOD_COMPAT_SCHED_H
#define CRMOD_COMPAT_SCHED_H

#include <linux/sched.h>

#ifdef CR_HAVE_FUTEX_SCHED_DATA
#define cr_compat_robust_list(t)	((t)->futex.robust_list)
#else
#define cr_compat_robust_list(t)	((t)->robust_list)
#endif

static inline void cr_compat_get_task_comm(char buf[TASK_COMM_LEN],
					   struct task_struct *t)
{
#ifdef CR_HAVE___GET_TASK_COMM
	__get_task_comm(buf, TASK_COMM_LEN, t);
#else
	strscpy_pad(buf, t->comm, TASK_COMM_LEN);
#endif
}

#endif
