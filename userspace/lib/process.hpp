// The process sections of an image as JSON and text (libcrctl internal).
#pragma once

#include "crctl/image.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace crctl::detail {

// {"task": .., "cgroup": .., "files": [..], "file_data": .., "vmas": [..],
// "pages": .., "x86_regs": .., "ppc_regs": .., "signals": .., "pending": ..,
// "creds": .., "pipes": .., "timers": .., "ofds": .., "fds": .., "locks": ..},
// each key only if the image has that section. machine is the image's, never
// the host's.
nlohmann::json process_json(const ProcessState &process, const crmod_machine &machine);
std::string process_text(const ProcessState &process, const crmod_machine &machine);

} // namespace crctl::detail
