// CRC32C (Castagnoli), as the image format uses it; Boost.CRC does the work.
#pragma once

#include <boost/crc.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace crctl {

// Polynomial 0x1EDC6F41, reflected, initial value and final xor all ones.
class Crc32c {
public:
	void update(std::span<const std::byte> data) { crc_.process_bytes(data.data(), data.size()); }
	std::uint32_t value() const { return crc_.checksum(); }

private:
	boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true> crc_;
};

inline std::uint32_t crc32c(std::span<const std::byte> data)
{
	Crc32c crc;
	crc.update(data);
	return crc.value();
}

} // namespace crctl
