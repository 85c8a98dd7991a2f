// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: the one table of kinds of process state (include/uapi/linux/
 * crmod_state.h) as the module reads it. Checkpoint refuses a
 * kind the table does not mark restored; restart refuses an image that
 * holds one.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>

#include "crmod.h"

struct cr_state {
	bool restored;
	const char *text;
};

/* Indexed by kind: row N of the table is kind N. */
static const struct cr_state cr_states[CRMOD_STATE_COUNT] = {
	[CRMOD_STATE_NONE] = { false, "no kind of state" },
#define CRMOD_STATE(name, restored, key, text) \
	[CRMOD_STATE_##name] = { restored, text },
#include <linux/crmod_state.h>
#undef CRMOD_STATE
};

const char *cr_state_text(u32 kind)
{
	return kind && kind < CRMOD_STATE_COUNT ? cr_states[kind].text :
						  "an unknown kind of state";
}

bool cr_state_restored(u32 kind)
{
	return kind && kind < CRMOD_STATE_COUNT && cr_states[kind].restored;
}

int cr_refuse(struct cr_error *err, u32 kind, const char *fmt, ...)
{
	char what[CRMOD_ERROR_LEN];
	va_list args;

	va_start(args, fmt);
	vsnprintf(what, sizeof(what), fmt, args);
	va_end(args);
	return cr_fail(err, "%s: crmod does not checkpoint %s", what,
		       cr_state_text(kind));
}
