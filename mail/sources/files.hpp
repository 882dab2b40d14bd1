// Getting the bytes of file sources: plain files mapped read-only, gzip files
// inflated with a cap on their inflated size.
#pragma once

#include <cstdint>
#include <memory>
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

// Bytes read in order, never all held at once: a pipe, a FIFO, process
// substitution (/dev/fd/N), standard input, or a gzip file inflating.
class ByteStream {
 public:
  virtual ~ByteStream() = default;
  // Reads up to `n` bytes into `buf`; returns 0 at the end. Throws FileError
  // naming the source (and the inflated offset for corrupt gzip data).
  virtual size_t read(char* buf, size_t n) = 0;
  // True once a read found gzip data (the bytes are inflated).
  virtual bool inflating() const = 0;
};

// A stream over `path` (opened here) or, with fd >= 0, over that descriptor
// (not closed). Gzip data (all members) is inflated on the fly; past `cap`
// inflated bytes it throws FileError (memory stays flat whatever the cap).
// Other data is passed through as it is. `name` names the source in errors.
std::unique_ptr<ByteStream> open_stream(const std::string& name, const std::string& path, int fd,
                                        uint64_t cap);

// Reads `length` bytes at inflated offset `offset` of a gzip file, streaming
// past what comes before (memory: the slice only). Throws FileError.
std::string read_gzip_range(const std::string& path, uint64_t offset, uint64_t length);

// Reads a whole (small) file. Throws FileError naming the path.
std::string read_file(const std::string& path);

}  // namespace seam::mail
