#include "mail/files.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

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

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(sys_error(path, "cannot open"));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace seam::mail
