// Owning a file descriptor, and reading one as a std::istream.
#pragma once

#include <array>
#include <ios>
#include <cerrno>
#include <streambuf>
#include <utility>

#include <sys/stat.h>
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

	// Seekable where the fd is (a file, a memfd); a pipe answers -1.
	pos_type seekoff(off_type off, std::ios_base::seekdir dir, std::ios_base::openmode) override
	{
		const pos_type failed(off_type(-1));
		off_type target = off;
		if (dir == std::ios_base::cur) {
			off_t now = ::lseek(fd_, 0, SEEK_CUR);
			if (now < 0)
				return failed;
			target += now - (egptr() - gptr());
		} else if (dir == std::ios_base::end) {
			struct stat st;
			if (::fstat(fd_, &st) < 0 || !S_ISREG(st.st_mode))
				return failed;
			target += st.st_size;
		}
		off_t at = ::lseek(fd_, target, SEEK_SET);
		if (at < 0)
			return failed;
		setg(buffer_.data(), buffer_.data(), buffer_.data());
		return pos_type(at);
	}

	pos_type seekpos(pos_type pos, std::ios_base::openmode which) override
	{
		return seekoff(off_type(pos), std::ios_base::beg, which);
	}

private:
	int fd_;
	int error_ = 0;
	std::array<char, 1 << 16> buffer_{};
};

} // namespace crctl
