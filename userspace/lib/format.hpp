// Small text helpers shared by the describing code of libcrctl (not installed).
#pragma once

#include "crctl/describe.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace crctl::detail {

inline std::string hex(std::uint64_t value) { return fmt::format("{:#x}", value); }
// "0x1000-0x2000"
inline std::string range(std::uint64_t start, std::uint64_t end) { return fmt::format("{:#x}-{:#x}", start, end); }

// Words separated by sep; "(none)" for no words.
inline std::string join(const std::vector<std::string> &words, std::string_view sep = " ")
{
	std::string out;
	for (const auto &w : words)
		out += (out.empty() ? "" : std::string(sep)) + w;
	return out.empty() ? "(none)" : out;
}

// Copies a fixed-size, NUL-terminated field; never reads past its end.
template <std::size_t N> std::string c_string(const char (&field)[N])
{
	return std::string(field, ::strnlen(field, N));
}

constexpr std::uint64_t bit(unsigned n) { return std::uint64_t{1} << n; }

// "0x207 (x87 sse avx pkru)", "0x0 (none)"
inline std::string mask_text(std::uint64_t value, const std::vector<BitName> &table)
{
	auto names = bit_names(value, table);
	return fmt::format("{} ({})", hex(value), names.empty() ? "none" : join(names));
}

// Names of enumerated values: a lookup, so an unknown value is shown as such.
struct ValueName {
	std::uint32_t value;
	const char *name;
};

inline const char *name_of(std::uint32_t value, std::span<const ValueName> names)
{
	auto found = std::ranges::find(names, value, &ValueName::value);
	return found == names.end() ? nullptr : found->name;
}

inline std::string name_or_unknown(std::uint32_t value, std::span<const ValueName> names)
{
	const char *name = name_of(value, names);
	return name ? name : fmt::format("unknown ({})", value);
}

// "  label                  value\n", the layout of every text report.
inline void add_line(std::string &out, std::string_view label, const std::string &value)
{
	out += fmt::format("  {:<22} {}\n", label, value);
}

} // namespace crctl::detail
