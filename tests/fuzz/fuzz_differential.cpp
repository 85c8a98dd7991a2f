// SPDX-License-Identifier: GPL-2.0
/*
 * crmod differential fuzz target: the module's restart reader (phase 1a and
 * 1b, fuzz_plan.c, on the shim's kindest system) against crctl's
 * (libcrctl's read_image() and restart_problem(): what `crctl info` and
 * `crctl restart` check before they ask the module). docs/image-format.md
 * says crctl checks by the same rules as the module's first phase, leaving
 * to the module only what depends on the restarting machine; the shim's
 * system always agrees with the image there. So an image the module
 * accepts must be one crctl accepts: when crctl refuses it, one of the two
 * readers is wrong (the module lets a malformed record through, or crctl
 * refuses a good one), and this target aborts saying both verdicts.
 *
 * Known disagreements are stepped over (known_differences[], and
 * CRMOD_FUZZ_NO_KNOWN_BUGS=1 in the environment does not).
 *
 * The other way round is no bug by itself: the module also checks against
 * its own kernel (a lower TASK_SIZE, fewer auxv words, ...). With
 * CRMOD_FUZZ_BOTH_WAYS=1 in the environment such inputs abort too, to be
 * looked at.
 */
#include "crctl/image.hpp"

#include "fuzz_plan.h"

#include <linux/crmod.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

namespace {

bool both_ways;

/*
 * Disagreements found and not fixed yet, each with its input under
 * crashes/ (README.md there): crctl's reason, as it starts. The target
 * steps over them so that fuzzing goes on; once fixed, the entry goes.
 */
const char *const known_differences[] = {
	/* crashes/diff-x86-regs-reserved.cr: the module never checks
	 * crmod_x86_regs.reserved (arch/x86/regs.c, cr_arch_check_regs()) */
	"reserved field is",
};

bool known_difference(const std::string &crctl)
{
	if (const char *v = std::getenv("CRMOD_FUZZ_NO_KNOWN_BUGS"); v && *v && *v != '0')
		return false;
	for (const char *k : known_differences)
		if (crctl.find(k) != std::string::npos && crctl.find("(REGS_X86)") != std::string::npos)
			return true;
	return false;
}

// crctl's verdict: empty if it would restart the image, else its reason.
std::string crctl_verdict(const std::vector<unsigned char> &img)
{
	std::istringstream in(std::string(reinterpret_cast<const char *>(img.data()), img.size()));
	try {
		auto summary = crctl::read_image(in);
		if (auto problem = crctl::restart_problem(summary))
			return problem->what();
		return "";
	} catch (const crctl::ImageError &e) {
		return e.what();
	} catch (const std::exception &e) {
		// anything but an ImageError is crctl's own bug
		std::fprintf(stderr, "crmod differential: crctl threw %s\n", e.what());
		std::abort();
	}
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
	cr_fuzz_init();
	const char *v = std::getenv("CRMOD_FUZZ_BOTH_WAYS");
	both_ways = v && *v && *v != '0';
	return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	std::vector<unsigned char> img(data, data + size);
	char error[CRMOD_ERROR_LEN] = "";

	cr_fuzz_fix_crcs(img.data(), img.size());
	int ret = cr_fuzz_plan(img.data(), img.size(), error);
	if (ret == -12)	// ENOMEM: an image too big for the shim, no verdict
		return 0;
	std::string crctl = crctl_verdict(img);
	bool module_ok = ret == 0, crctl_ok = crctl.empty();
	if (module_ok && !crctl_ok && !known_difference(crctl)) {
		std::fprintf(stderr,
			     "crmod differential: the module accepts this image, crctl refuses it: %s\n",
			     crctl.c_str());
		std::abort();
	}
	if (both_ways && !module_ok && crctl_ok) {
		std::fprintf(stderr,
			     "crmod differential: crctl accepts this image, the module refuses it: %s\n",
			     error);
		std::abort();
	}
	return 0;
}
