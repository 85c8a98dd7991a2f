// Reading test images, and catching what read_image refuses.
#pragma once

#include "crctl/image.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace crctl::test {

inline ImageSummary read(const std::string &bytes)
{
	std::istringstream in(bytes);
	return read_image(in);
}

// The error read_image throws for bytes; fails the test if none.
inline ImageError error_for(const std::string &bytes)
{
	try {
		read(bytes);
	} catch (const ImageError &e) {
		return e;
	}
	ADD_FAILURE() << "a bad image was accepted";
	return ImageError("none", 0, "none");
}

// The image refused where, at offset, with problem.
inline void expect_error(const std::string &bytes, std::uint64_t offset, const std::string &where,
			 const std::string &problem)
{
	auto e = error_for(bytes);
	EXPECT_EQ(e.where(), where);
	EXPECT_EQ(e.offset(), offset) << e.what();
	EXPECT_EQ(e.problem(), problem);
}

} // namespace crctl::test
