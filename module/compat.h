/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crmod: every difference between the kernel versions crmod builds against
 * lives in compat/, one small wrapper per kernel API that changed, named
 * for it, so that the rest of the module reads as if for one kernel. Where
 * an API appeared or changed, Kbuild tests the kernel's headers for it
 * (CR_HAVE_*) rather than trusting a version number that distributions
 * backport around.
 */
#ifndef CRMOD_COMPAT_H
#define CRMOD_COMPAT_H

#include "compat/capability.h"
#include "compat/crc32c.h"
#include "compat/fdtable.h"
#include "compat/file.h"
#include "compat/filelock.h"
#include "compat/iov_iter.h"
#include "compat/memfd.h"
#include "compat/mm.h"
#include "compat/nsproxy.h"
#include "compat/rseq.h"
#include "compat/sched.h"
#include "compat/shmem.h"
#include "compat/signal.h"

#endif /* CRMOD_COMPAT_H */
