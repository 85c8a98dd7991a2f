// SPDX-License-Identifier: GPL-2.0
/*
 * Functions of the module's own files that the fuzzer does not compile
 * (checkpoint.c: the checkpoint conductor; sharing.c), referenced from
 * checkpoint code of the files it does compile; and threadsync.c, whose threads meet only
 * past phase 1. A plan the fuzzer makes is never in a session, so freeing
 * it leaves none.
 */
#include "shim_stub.h"

struct cr_plan;

SHIM_STUB(cr_find_regset)
SHIM_STUB(cr_plan_gather_threads)
SHIM_STUB(cr_threads_restore)
SHIM_STUB(cr_threads_abort)
SHIM_STUB(cr_threads_let_go)
SHIM_STUB(cr_task_holds)

void cr_threads_leave(struct cr_plan *p);
void cr_threads_leave(struct cr_plan *p)
{
	(void)p;
}
