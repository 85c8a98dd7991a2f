// Builds format-v1 images in memory for the tests, good or deliberately bad.
#pragma once

#include "crctl/crc32c.hpp"

#include <linux/crmod.h>

#include <cstring>
#include <span>
#include <string>

namespace crctl::test {

class ImageBuilder {
public:
	explicit ImageBuilder(const crmod_machine &machine)
	{
		crmod_image_header h{};
		std::memcpy(h.magic, CRMOD_IMAGE_MAGIC, sizeof(h.magic));
		h.format_version = CRMOD_IMAGE_FORMAT;
		h.header_size = sizeof(h);
		h.created_ns = 1'790'000'000'000'000'000ULL;
		h.machine = machine;
		h.header_crc = crc32c(std::as_bytes(std::span(&h, 1)).first(offsetof(crmod_image_header, header_crc)));
		append(&h, sizeof(h));
	}

	ImageBuilder &section(std::uint32_t type, const std::string &payload)
	{
		crmod_section_header s{};
		s.type = type;
		s.length = payload.size();
		s.payload_crc = crc32c(std::as_bytes(std::span(payload)));
		s.header_crc = crc32c(std::as_bytes(std::span(&s, 1)).first(offsetof(crmod_section_header, header_crc)));
		append(&s, sizeof(s));
		bytes_ += payload;
		bytes_.append((CRMOD_IMAGE_ALIGN - payload.size() % CRMOD_IMAGE_ALIGN) % CRMOD_IMAGE_ALIGN, '\0');
		if (type != CRMOD_SEC_END)
			sections_++;
		return *this;
	}

	// The END section, counting what came before it.
	std::string finish()
	{
		crmod_image_trailer t{sections_, bytes_.size()};
		section(CRMOD_SEC_END, std::string(reinterpret_cast<const char *>(&t), sizeof(t)));
		return bytes_;
	}

private:
	void append(const void *data, std::size_t size) { bytes_.append(static_cast<const char *>(data), size); }

	std::string bytes_;
	std::uint64_t sections_ = 0;
};

} // namespace crctl::test
