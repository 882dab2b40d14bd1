// seam experience PERSON: one reviewer's experience, month by month.
#include <algorithm>
#include <cctype>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/people_input.hpp"
#include "reports/escape.hpp"
#include "reports/ingest.hpp"
#include "reports/people.hpp"
#include "reports/terminal.hpp"

namespace seam::cli {

Action add_experience(CLI::App& app, Global& g) {
  struct Args {
    std::string who;
    bool json = false;
    PeopleOptions people;
  };
  auto a = std::make_shared<Args>();
  auto* sub = app.add_subcommand(
      "experience",
      "One person's review experience month by month, per language and area: trailers given, commented "
      "reviews, lines quoted, patches authored; their first Rust review, first review of unsafe code, and "
      "whom they reviewed with most");
  sub->add_option("person", a->who, "An address, a name, or part of one")->required();
  sub->add_flag("--json", a->json, "Print JSON (see README)");
  add_people_options(sub, a->people);
  return [a, &g]() -> int {
    if (a->who.find_first_not_of(" \t") == std::string::npos) {
      std::cerr << "seam experience: PERSON is empty: give an address, a name, or part of one\n";
      return 2;
    }
    core::Store store(g.db_path(), core::Store::Open::existing);
    auto people = load_people(store, a->people, "experience");
    if (!people) return 1;
    const auto& d = people->data;
    auto found = core::people::find_person(d, a->who);
    if (found.empty()) {
      std::cerr << "seam experience: " << reports::printable(a->who)
                << ": no one by that name or address has reviewed or sent a patch in the store\n";
      return 1;
    }
    if (found.size() > 1) {
      std::cerr << "seam experience: " << reports::printable(a->who) << " names " << found.size()
                << " people; say which:\n";
      const size_t shown = std::min<size_t>(found.size(), 20);
      std::cerr << reports::people_list_text(d, std::vector<int>(found.begin(), found.begin() + static_cast<long>(shown)));
      if (found.size() > shown) std::cerr << "… and " << found.size() - shown << " more\n";
      auto lower = [](std::string x) {
        for (char& c : x) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return x;
      };
      const std::string first = lower(d.people[found.front()].name);
      const bool one_name = !first.empty() && std::all_of(found.begin(), found.end(), [&](int p) {
        return lower(d.people[p].name) == first;
      });
      if (one_name)
        std::cerr << "(one person with several addresses? A .mailmap joins them: --mailmap FILE, or --repo PATH "
                     "of a tree that has one, as the kernel's does; else give the address)\n";
      return 1;
    }
    auto x = core::people::experience(d, found.front());
    if (a->json) std::cout << reports::dump(reports::experience_json(d, x), 2) << "\n";
    else std::cout << reports::experience_text(d, x, reports::use_color(stdout));
    return 0;
  };
}

}  // namespace seam::cli
