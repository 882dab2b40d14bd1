#include "mail/sources/files.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

namespace seam::mail {

static std::string sys_error(const std::string& path, const char* what) {
  return path + ": " + what + ": " + std::strerror(errno);
}

MappedFile::MappedFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw FileError(sys_error(path, "cannot open"));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    throw FileError(sys_error(path, "cannot stat"));
  }
  size_ = static_cast<size_t>(st.st_size);
  if (size_ > 0) {
    addr_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (addr_ == MAP_FAILED) {
      addr_ = nullptr;
      ::close(fd);
      throw FileError(sys_error(path, "cannot map"));
    }
    ::madvise(addr_, size_, MADV_SEQUENTIAL);
  }
  ::close(fd);
}

MappedFile::~MappedFile() {
  if (addr_) ::munmap(addr_, size_);
}

bool is_gzip(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char magic[2] = {0, 0};
  in.read(reinterpret_cast<char*>(magic), 2);
  return in.gcount() == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

std::string inflate_gzip(const std::string& path, uint64_t cap, bool prefix) {
  struct GzClose {
    void operator()(gzFile_s* f) const { gzclose(f); }
  };
  std::unique_ptr<gzFile_s, GzClose> gz(gzopen(path.c_str(), "rb"));
  if (!gz) throw FileError(sys_error(path, "cannot open"));
  gzbuffer(gz.get(), 1 << 18);
  std::string out;
  char buf[1 << 16];
  for (;;) {
    int n = gzread(gz.get(), buf, sizeof buf);
    if (n < 0) {
      int errnum = 0;
      const char* msg = gzerror(gz.get(), &errnum);
      throw FileError(path + ": corrupt gzip data at inflated offset " + std::to_string(out.size()) +
                      ": " + (msg ? msg : "unknown error"));
    }
    if (n == 0) {
      // gzread() reports a stream cut short (an interrupted download) as
      // Z_BUF_ERROR, then returns 0 as at a clean end: only gzerror() tells.
      int errnum = Z_OK;
      const char* msg = gzerror(gz.get(), &errnum);
      if (errnum != Z_OK)
        throw FileError(path + ": corrupt gzip data at inflated offset " + std::to_string(out.size()) + ": " +
                        (errnum == Z_BUF_ERROR ? "truncated (unexpected end of file)"
                                               : (msg && *msg ? msg : "unknown error")));
      break;
    }
    if (out.size() + static_cast<uint64_t>(n) > cap && prefix) {
      out.append(buf, static_cast<size_t>(cap - out.size()));
      break;
    }
    if (out.size() + static_cast<uint64_t>(n) > cap)
      throw FileError(path + ": inflates past " + std::to_string(cap) +
                      " bytes; refusing (raise --max-inflate if this archive is genuine)");
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

namespace {

class GzStream : public ByteStream {
 public:
  GzStream(std::string name, int fd, uint64_t cap) : name_(std::move(name)), cap_(cap) {
    gz_ = gzdopen(fd, "rb");
    if (!gz_) {
      ::close(fd);
      throw FileError(name_ + ": cannot read: out of memory");
    }
    gzbuffer(gz_, 1 << 17);
  }
  ~GzStream() override { gzclose(gz_); }
  GzStream(const GzStream&) = delete;
  GzStream& operator=(const GzStream&) = delete;

  size_t read(char* buf, size_t n) override {
    const unsigned want = static_cast<unsigned>(std::min<size_t>(n, 1u << 30));
    int got = gzread(gz_, buf, want);
    if (!checked_) {
      checked_ = true;
      inflating_ = gzdirect(gz_) == 0;
    }
    int errnum = Z_OK;
    const char* msg = gzerror(gz_, &errnum);
    if (got < 0 || (got == 0 && errnum != Z_OK)) {
      if (errnum == Z_ERRNO)
        throw FileError(name_ + ": cannot read: " + std::strerror(errno));
      // gzread() reports a stream cut short (an interrupted download) as
      // Z_BUF_ERROR, then returns 0 as at a clean end: only gzerror() tells.
      throw FileError(name_ + ": corrupt gzip data at inflated offset " + std::to_string(total_) + ": " +
                      (errnum == Z_BUF_ERROR ? "truncated (unexpected end of file)"
                                             : (msg && *msg ? msg : "unknown error")));
    }
    total_ += static_cast<uint64_t>(got);
    if (inflating_ && total_ > cap_)
      throw FileError(name_ + ": inflates past " + std::to_string(cap_) +
                      " bytes; refusing (raise --max-inflate if this archive is genuine)");
    return static_cast<size_t>(got);
  }
  bool inflating() const override { return inflating_; }

 private:
  std::string name_;
  uint64_t cap_;
  gzFile gz_ = nullptr;
  uint64_t total_ = 0;
  bool checked_ = false;
  bool inflating_ = false;
};

}  // namespace

std::unique_ptr<ByteStream> open_stream(const std::string& name, const std::string& path, int fd,
                                        uint64_t cap) {
  int own = fd >= 0 ? ::dup(fd) : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (own < 0) throw FileError(sys_error(name, fd >= 0 ? "cannot read" : "cannot open"));
  return std::make_unique<GzStream>(name, own, cap);
}

std::string read_gzip_range(const std::string& path, uint64_t offset, uint64_t length) {
  auto in = open_stream(path, path, -1, UINT64_MAX);
  std::string out;
  std::string buf(1 << 16, '\0');
  uint64_t at = 0;
  while (out.size() < length) {
    size_t n = in->read(buf.data(), buf.size());
    if (n == 0) break;
    const uint64_t end = at + n;
    if (end > offset) {
      const uint64_t from = offset > at ? offset - at : 0;
      const uint64_t take = std::min<uint64_t>(n - from, length - out.size());
      out.append(buf.data() + from, static_cast<size_t>(take));
    }
    at = end;
  }
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(sys_error(path, "cannot open"));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace seam::mail
