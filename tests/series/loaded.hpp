// A fixture mbox of tests/data/series/ ingested into a fresh store and
// assembled: what the series tests look at.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/series.hpp"
#include "core/store/store.hpp"
#include "mail/ingest.hpp"
#include "tests/support.hpp"

namespace seam::test {

struct Loaded {
  TempDir tmp;
  std::unique_ptr<core::Store> store;
  std::vector<core::Series> all;
};

// Ingests tests/data/series/<fixture> (which must read without an error)
// into a store in a temporary folder and loads every series.
inline std::unique_ptr<Loaded> load(const std::string& fixture) {
  auto l = std::make_unique<Loaded>();
  l->store = std::make_unique<core::Store>((l->tmp / "s.db").string());
  auto reps = mail::ingest(*l->store, data("series/" + fixture).string(), {});
  REQUIRE(reps.size() == 1);
  REQUIRE(reps[0].fatal.empty());
  REQUIRE(reps[0].errors.empty());
  l->store->rebuild_series();
  l->all = l->store->load_series({});
  return l;
}

// The series message `msgid` belongs to; nullptr when none.
inline const core::Series* of(Loaded& l, const std::string& msgid) {
  auto id = l.store->series_of(msgid);
  if (!id) return nullptr;
  for (const auto& s : l.all)
    if (s.id == *id) return &s;
  return nullptr;
}

}  // namespace seam::test
