// Getting the bytes of file sources: plain files mapped read-only, gzip files
// inflated with a cap on their inflated size.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace seam::mail {

class FileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A read-only memory map of a whole file. Throws FileError naming the path.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::string_view data() const { return {static_cast<const char*>(addr_), size_}; }

 private:
  void* addr_ = nullptr;
  size_t size_ = 0;
};

// True when the file starts with the gzip magic bytes.
bool is_gzip(const std::string& path);

// Inflates a gzip file (all members, as `cat a.gz b.gz` makes). Throws
// FileError when the file is corrupt or inflates past `cap` bytes. With
// `prefix` set, stops quietly after `cap` bytes instead (to re-read one
// message near the start of an archive).
std::string inflate_gzip(const std::string& path, uint64_t cap, bool prefix = false);

// Reads a whole (small) file. Throws FileError naming the path.
std::string read_file(const std::string& path);

}  // namespace seam::mail
