/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A kernel function the image reader has no business calling: a weak
 * definition (shim.c's own, where there is one, wins) that aborts, naming
 * it. The declared signature does not matter: it never returns.
 */
void shim_unreached(const char *fn) __attribute__((noreturn));

#define SHIM_STUB(name) \
	__attribute__((weak)) void name(void) { shim_unreached(#name); }
