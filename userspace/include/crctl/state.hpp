// The kinds of process state and what this crmod does with each: the one
// table, the rows of include/uapi/linux/crmod_state.h, as crctl reads it.
// Nothing here lists a kind a second time.
#pragma once

#include <linux/crmod.h>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <span>
#include <string>

namespace crctl {

struct StateKind {
	const char *name;	// REGULAR_FILE: CRMOD_STATE_REGULAR_FILE without the prefix
	std::uint32_t number;	// as images carry it (crmod_file.kind)
	bool restored;		// checkpoint accepts it and restart restores it
	const char *key;	// "regular_file", for JSON and for naming file kinds
	const char *text;	// "regular files, by path", for people
};

// Row N of the table is kind N, counting from 1 (CRMOD_STATE_NONE is 0).
inline constexpr std::array state_table = {
#define CRMOD_STATE(name, restored, key, text) \
	StateKind{#name, CRMOD_STATE_##name, (restored) != 0, key, text},
#include <linux/crmod_state.h>
#undef CRMOD_STATE
};
static_assert(state_table.size() == CRMOD_STATE_COUNT - 1);

// The row of number, or nullptr for a number the table does not have.
const StateKind *state_kind(std::uint32_t number);
// Its key ("memfd"), or "unknown (N)".
std::string state_key(std::uint32_t number);

// [{"key": .., "number": .., "restored": .., "text": ..}, ..] in table order.
nlohmann::json state_json();
// "restored:\n  regular_file  regular files, by path\n ..refused:\n .."
std::string state_text();

} // namespace crctl
