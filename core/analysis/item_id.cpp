#include "core/analysis/item_id.hpp"

#include <algorithm>
#include <cstdint>
#include <map>

namespace seam::core {

std::string normalise_code(const std::string& code) {
  std::string out;
  bool space = false;
  for (char c : code) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string item_id(const Finding& f) {
  uint32_t h = 2166136261u;
  for (unsigned char c : normalise_code(f.snippet)) {
    h ^= c;
    h *= 16777619u;
  }
  static const char* hex = "0123456789abcdef";
  std::string hs(8, '0');
  for (int i = 7; i >= 0; --i, h >>= 4) hs[static_cast<size_t>(i)] = hex[h & 15];
  return f.rule + ":" + f.path + ":" + hs;
}

std::vector<std::string> item_ids(const std::vector<const Finding*>& heads) {
  std::vector<std::string> out;
  out.reserve(heads.size());
  for (const Finding* f : heads) out.push_back(item_id(*f));
  // Equal ids: numbered in line order (then input order).
  std::map<std::string, std::vector<size_t>> same;
  for (size_t i = 0; i < out.size(); ++i) same[out[i]].push_back(i);
  for (auto& [id, idx] : same) {
    if (idx.size() < 2) continue;
    std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return heads[a]->line < heads[b]->line; });
    for (size_t k = 1; k < idx.size(); ++k) out[idx[k]] += "." + std::to_string(k + 1);
  }
  return out;
}

std::optional<ItemIdParts> parse_item_id(const std::string& id) {
  const size_t first = id.find(':');
  const size_t last = id.rfind(':');
  if (first == std::string::npos || last == first || first == 0 || last == first + 1) return std::nullopt;
  ItemIdParts p{id.substr(0, first), id.substr(first + 1, last - first - 1), id.substr(last + 1)};
  for (char c : p.rule)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return std::nullopt;
  std::string hash = p.hash;
  if (size_t dot = hash.find('.'); dot != std::string::npos) {
    std::string n = hash.substr(dot + 1);
    if (n.empty() || n.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    hash.resize(dot);
  }
  if (hash.size() != 8 || hash.find_first_not_of("0123456789abcdef") != std::string::npos) return std::nullopt;
  return p;
}

}  // namespace seam::core
