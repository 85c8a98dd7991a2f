// SPDX-License-Identifier: GPL-2.0
/*
 * Functions of the module's own files that the fuzzer does not compile
 * (checkpoint.c: the checkpoint conductor), referenced from checkpoint code
 * of the files it does compile.
 */
#include "shim_stub.h"

SHIM_STUB(cr_find_regset)
