// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: the one table of kinds of process state (CRMOD_STATE_TABLE in
 * include/uapi/linux/crmod.h) as the module reads it. Checkpoint refuses a
 * kind the table does not mark restored; restart refuses an image that
 * holds one.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>

#include "crmod.h"

struct cr_state {
	u32 kind;
	bool restored;
	const char *text;
};

static const struct cr_state cr_states[] = {
#define CR_STATE_ROW(name, number, restored, key, text) \
	{ number, restored, text },
	CRMOD_STATE_TABLE(CR_STATE_ROW)
#undef CR_STATE_ROW
};

static const struct cr_state *cr_state_find(u32 kind)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cr_states); i++)
		if (cr_states[i].kind == kind)
			return &cr_states[i];
	return NULL;
}

const char *cr_state_text(u32 kind)
{
	const struct cr_state *s = cr_state_find(kind);

	return s ? s->text : "an unknown kind of state";
}

bool cr_state_restored(u32 kind)
{
	const struct cr_state *s = cr_state_find(kind);

	return s && s->restored;
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
