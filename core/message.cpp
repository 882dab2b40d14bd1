#include "core/message.hpp"

namespace seam::core {

std::string format_address(const Address& a) {
  if (a.name.empty()) return a.email;
  if (a.email.empty()) return a.name;
  return a.name + " <" + a.email + ">";
}

}  // namespace seam::core
