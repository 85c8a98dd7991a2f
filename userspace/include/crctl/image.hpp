// Reading checkpoint images (format v1, include/uapi/linux/crmod.h): every
// length, checksum and count is checked, and a problem is named precisely.
#pragma once

#include <linux/crmod.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <istream>
#include <stdexcept>
#include <string>
#include <vector>

namespace crctl {

// What is wrong with an image, and where: "header", "section 3 (END)" or
// "trailer", at a byte offset into the image.
class ImageError : public std::runtime_error {
public:
	ImageError(std::string where, std::uint64_t offset, const std::string &problem);
	const std::string &where() const noexcept { return where_; }
	std::uint64_t offset() const noexcept { return offset_; }
	const std::string &problem() const noexcept { return problem_; }

private:
	std::string where_;
	std::uint64_t offset_;
	std::string problem_;
};

struct SectionInfo {
	std::uint32_t type;
	std::uint64_t offset;	// of the section header
	std::uint64_t length;	// payload bytes
	std::uint32_t payload_crc;
};

struct ImageSummary {
	crmod_image_header header;	// in host byte order
	std::vector<SectionInfo> sections;	// END excluded
	crmod_image_trailer trailer;
	std::uint64_t size;
};

// Reads the whole image from in; throws ImageError on the first problem.
ImageSummary read_image(std::istream &in);

std::string section_type_name(std::uint32_t type);
nlohmann::json image_json(const ImageSummary &image);
std::string image_text(const ImageSummary &image);

} // namespace crctl
