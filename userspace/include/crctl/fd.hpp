// Owning a file descriptor, and reading one as a std::istream.
#pragma once

#include <array>
#include <cerrno>
#include <streambuf>
#include <utility>

#include <unistd.h>

namespace crctl {

// Closes its fd on destruction.
class UniqueFd {
public:
	UniqueFd() = default;
	explicit UniqueFd(int fd) noexcept : fd_(fd) {}
	UniqueFd(UniqueFd &&other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
	UniqueFd &operator=(UniqueFd &&other) noexcept
	{
		if (this != &other)
			reset(std::exchange(other.fd_, -1));
		return *this;
	}
	UniqueFd(const UniqueFd &) = delete;
	UniqueFd &operator=(const UniqueFd &) = delete;
	~UniqueFd() { reset(); }

	int get() const noexcept { return fd_; }
	explicit operator bool() const noexcept { return fd_ >= 0; }
	void reset(int fd = -1) noexcept
	{
		if (fd_ >= 0)
			::close(fd_);
		fd_ = fd;
	}

private:
	int fd_ = -1;
};

// A read-only stream buffer over an fd it does not own, from its current
// position. A read error ends the stream; error() then says which.
class FdInputBuf : public std::streambuf {
public:
	explicit FdInputBuf(int fd) : fd_(fd) {}
	int error() const noexcept { return error_; }

protected:
	int_type underflow() override
	{
		if (gptr() < egptr())
			return traits_type::to_int_type(*gptr());
		ssize_t got;
		do
			got = ::read(fd_, buffer_.data(), buffer_.size());
		while (got < 0 && errno == EINTR);
		if (got < 0)
			error_ = errno;
		if (got <= 0)
			return traits_type::eof();
		setg(buffer_.data(), buffer_.data(), buffer_.data() + got);
		return traits_type::to_int_type(*gptr());
	}

private:
	int fd_;
	int error_ = 0;
	std::array<char, 1 << 16> buffer_{};
};

} // namespace crctl
