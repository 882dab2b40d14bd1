// Review notes and ticks: item ids, their storage, where the checklist shows
// them (carried over to a new version whose code changed), and `seam note`.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/analysis/item_id.hpp"
#include "core/store/notes.hpp"
#include "reports/checklist.hpp"
#include "tests/support.hpp"

using namespace seam;
namespace fs = std::filesystem;

namespace {

core::Finding finding(const std::string& rule, const std::string& path, int line, const std::string& code) {
  core::Finding f;
  f.rule = rule;
  f.severity = "high";
  f.message = rule + " here";
  f.question = "Is " + rule + " sound?";
  f.path = path;
  f.line = line;
  f.end_line = line;
  f.snippet = code;
  return f;
}

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

// seam with its own store in `dir`; standard output (and the exit status in
// `status` when given, else a failure fails the test).
std::string seam_in(const seam::test::TempDir& dir, const std::string& args, int* status = nullptr) {
  return seam::test::shell("env SEAM_DB=" + q(dir / "seam.db") + " HOME=" + q(dir.path()) + " GIT_CONFIG_GLOBAL=" +
                               q(dir / ".gitconfig") + " GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1 '" SEAM_BINARY "' " + args +
                               (status ? " 2>&1" : ""),
                           status);
}

}  // namespace

TEST_SUITE("notes") {
  TEST_CASE("item ids: rule, path and a hash of the whitespace-collapsed code, not of its line") {
    auto a = finding("unsafe-block", "rust/kernel/pci.rs", 10, "unsafe {\n    bindings::f(p)\n}\n");
    auto moved = finding("unsafe-block", "rust/kernel/pci.rs", 42, "  unsafe {  bindings::f(p)\n\t}");
    auto changed = finding("unsafe-block", "rust/kernel/pci.rs", 10, "unsafe {\n    bindings::f(q)\n}\n");
    const std::string id = core::item_id(a);
    CHECK(id.rfind("unsafe-block:rust/kernel/pci.rs:", 0) == 0);
    CHECK(id.size() == std::string("unsafe-block:rust/kernel/pci.rs:").size() + 8);
    CHECK(core::item_id(moved) == id);
    CHECK(core::item_id(changed) != id);
    CHECK(core::normalise_code(" a \n\t b  ") == "a b");
    // The same code twice in one file: numbered in line order.
    auto twice = finding("unsafe-block", "rust/kernel/pci.rs", 5, a.snippet);
    auto ids = core::item_ids({&a, &twice, &changed});
    CHECK(ids[1] == id);
    CHECK(ids[0] == id + ".2");
    CHECK(ids[2] == core::item_id(changed));
    auto parts = core::parse_item_id(ids[0]);
    REQUIRE(parts);
    CHECK(parts->rule == "unsafe-block");
    CHECK(parts->path == "rust/kernel/pci.rs");
    CHECK(core::parse_item_id("rule:a:b:c:0123abcd")->path == "a:b:c");
    for (const char* bad : {"", "unsafe-block", "x:y", "Rule:p:0123abcd", "r:p:0123abc", "r:p:0123abcg", "r::0123abcd",
                            "r:p:0123abcd.", "r:p:0123abcd.x", "<msg@example.org>", "9a81d877e5c0"})
      CHECK_MESSAGE(!core::parse_item_id(bad), bad);
  }

  TEST_CASE("notes storage: add, tick once, list, delete; a note on the same code stays, on changed code is carried") {
    seam::test::TempDir dir;
    core::Store store((dir / "s.db").string());
    core::ReviewItem v1{"s1", 1, 2, "p2@example.org", "unsafe-block:a.rs:00000001", "unsafe-block", "a.rs", 10, "old"};
    core::ReviewNote n;
    n.series = "s1";
    n.version = 1;
    n.patch = 2;
    n.patch_msgid = v1.patch_msgid;
    n.item = v1.item;
    n.rule = v1.rule;
    n.path = v1.path;
    n.line = v1.line;
    n.excerpt = v1.excerpt;
    n.text = "Why\nnot `Opaque`?";
    const int64_t note_id = core::add_note(store, n);
    CHECK(core::set_tick(store, v1, true));
    CHECK(!core::set_tick(store, v1, true));  // once
    core::ReviewNote pn;
    pn.series = "s1";
    pn.version = 1;
    pn.patch = 1;
    pn.patch_msgid = "p1@example.org";
    pn.text = "Split this patch.";
    core::add_note(store, pn);
    core::ReviewNote other = pn;
    other.series = "s2";
    core::add_note(store, other);
    auto notes = core::series_notes(store, "s1");
    REQUIRE(notes.size() == 3);
    CHECK(core::series_notes(store).size() == 4);
    CHECK(notes[0].patch == 1);  // by patch
    CHECK(notes[1].text == "Why\nnot `Opaque`?");
    CHECK(notes[1].created > 0);
    CHECK(notes[2].tick);

    // The same version: all on their places.
    std::vector<core::ReviewItem> items = {v1};
    auto places = core::place_notes(notes, 1, items);
    REQUIRE(places.size() == 3);
    CHECK(places[0].patch == 1);
    CHECK(places[0].item.empty());
    CHECK(places[1].item == v1.item);
    CHECK(!places[1].carried);
    CHECK(places[2].item == v1.item);

    // v2: the item's code changed (new id), another item of the same rule
    // and file further away; the note goes to the nearest, carried.
    core::ReviewItem near{"s1", 2, 2, "q2@example.org", "unsafe-block:a.rs:00000002", "unsafe-block", "a.rs", 12, "new"};
    core::ReviewItem far{"s1", 2, 2, "q2@example.org", "unsafe-block:a.rs:00000003", "unsafe-block", "a.rs", 90, "far"};
    core::ReviewItem other_rule{"s1", 2, 2, "q2@example.org", "unwrap:a.rs:00000004", "unwrap", "a.rs", 10, "x"};
    places = core::place_notes(notes, 2, {far, other_rule, near});
    REQUIRE(places.size() == 3);
    CHECK(places[1].item == near.item);
    CHECK(places[1].carried);
    CHECK(places[1].new_excerpt == "new");
    CHECK(places[2].carried);  // the tick: a reminder on the changed item, not a tick
    CHECK(places[0].carried);  // the patch note of v1 on patch 1 of v2
    // v2 keeps the code: not carried.
    core::ReviewItem same = v1;
    same.version = 2;
    same.line = 30;
    places = core::place_notes(notes, 2, {same});
    CHECK(places[1].item == v1.item);
    CHECK(!places[1].carried);
    // Nothing of the same rule and file: left over. Later versions' notes: not shown.
    places = core::place_notes(notes, 2, {other_rule});
    CHECK(places[1].patch == 0);
    CHECK(places[1].item.empty());
    n.version = 3;
    CHECK(core::place_notes({n}, 2, {same}).empty());

    CHECK(core::delete_note(store, note_id));
    CHECK(!core::delete_note(store, note_id));
    CHECK(core::delete_item_notes(store, "s1", v1.item) == 1);  // the tick
    CHECK(core::delete_patch_notes(store, "s1", 1, 1) == 1);
    CHECK(core::series_notes(store, "s1").empty());

    core::record_items(store, "s1", 1, {v1});
    core::record_items(store, "s1", 2, {same});
    auto found = core::items_with_id(store, v1.item);
    REQUIRE(found.size() == 2);
    CHECK(found[0].version == 2);  // newest first
    core::record_items(store, "s1", 2, {});
    CHECK(core::items_with_id(store, v1.item).size() == 1);
  }

  TEST_CASE("notes storage: a deleted note's number is never given again") {
    seam::test::TempDir dir;
    core::Store store((dir / "s.db").string());
    core::ReviewNote n;
    n.series = "s1";
    n.version = 1;
    n.patch = 1;
    n.patch_msgid = "p1@example.org";
    n.text = "first";
    const int64_t a = core::add_note(store, n);
    n.text = "second";
    const int64_t b = core::add_note(store, n);
    CHECK(b > a);
    CHECK(core::delete_note(store, b));
    n.text = "third";
    const int64_t c = core::add_note(store, n);
    CHECK(c > b);  // `seam note --delete #B` given twice must not delete "third"
    CHECK(!core::delete_note(store, b));
  }

  TEST_CASE("checklist with notes: [x] for ticks, notes under their item in Markdown, text and JSON") {
    core::Finding block = finding("unsafe-block", "rust/kernel/w.rs", 7, "unsafe { f(p) }\n");
    block.safety_state = "present";
    block.safety_comment = "SAFETY: TODO";
    core::Finding placeholder = block;
    placeholder.rule = "safety-placeholder";
    core::Finding other = finding("unsafe-block", "rust/kernel/w.rs", 20, "unsafe { g(p) }\n");
    other.safety_state = "missing";
    reports::Checklist c{"widgets", "s1", "Zoe", 2, 1, {}};
    core::PatchReview r;
    r.files.push_back({"rust/kernel/w.rs", "rust", 20, 0, {}});
    r.findings = {block, placeholder, other};
    c.patches.push_back({1, "p1@example.org", "[PATCH v2] widgets", r});
    const auto items = reports::checklist_items(c);
    REQUIRE(items.size() == 2);  // the placeholder is merged into its block
    // The entry at line 7 is led by the placeholder (most important): its id's rule.
    const std::string first = items[0].line == 7 ? items[0].item : items[1].item;
    const std::string second = items[0].line == 7 ? items[1].item : items[0].item;
    CHECK(first.rfind("safety-placeholder:rust/kernel/w.rs:", 0) == 0);
    CHECK(second.rfind("unsafe-block:rust/kernel/w.rs:", 0) == 0);

    // The known bug: a placeholder SAFETY comment shown once, not twice.
    std::string md = reports::checklist_markdown(c);
    size_t shown = 0;
    for (size_t at = md.find("**SAFETY:** TODO"); at != std::string::npos; at = md.find("**SAFETY:** TODO", at + 1))
      ++shown;
    CHECK(shown == 1);
    CHECK(md.find("Item `" + first + "`") != std::string::npos);

    core::ReviewNote tick;
    tick.id = 1;
    tick.series = "s1";
    tick.version = 2;
    tick.patch = 1;
    tick.item = first;
    tick.rule = "unsafe-block";
    tick.path = block.path;
    tick.line = 7;
    tick.tick = true;
    core::ReviewNote note = tick;
    note.id = 2;
    note.tick = false;
    note.item = second;
    note.text = "Who frees `p`?\nSee [this](javascript:x).";
    core::ReviewNote old = note;  // v1, on code that changed since
    old.id = 3;
    old.version = 1;
    old.item = "safety-placeholder:rust/kernel/w.rs:0badc0de";
    old.rule = "safety-placeholder";
    old.line = 8;
    old.excerpt = "unsafe { f(q) }\n";
    old.text = "q is dangling";
    core::ReviewNote patch_note;
    patch_note.id = 4;
    patch_note.series = "s1";
    patch_note.version = 2;
    patch_note.patch = 1;
    patch_note.text = "Please split.";
    c.notes = {tick, note, old, patch_note};

    md = reports::checklist_markdown(c);
    CHECK(md.find("- [x] `rust/kernel/w.rs:7`") != std::string::npos);
    CHECK(md.find("- [ ] `rust/kernel/w.rs:20`") != std::string::npos);
    CHECK(md.find("**Note** (#2): Who frees `p`?  \n  See [this\\](javascript:x).") != std::string::npos);
    CHECK(md.find("**Note** (#3, from v1, carried over: the code changed): q is dangling") != std::string::npos);
    CHECK(md.find("Was (v1, line 8):\n\n  ```rust\n  unsafe { f(q) }\n  ```\n\n  Now:\n\n  ```rust\n  unsafe { f(p) }") !=
          std::string::npos);
    CHECK(md.find("**Note** (#4): Please split.") != std::string::npos);

    const std::string text = reports::checklist_text(c, false);
    CHECK(text.find("[x] rust/kernel/w.rs:7") != std::string::npos);
    CHECK(text.find("note #2: Who frees `p`? See [this](javascript:x).") != std::string::npos);
    CHECK(text.find("note #3 (v1, carried over): q is dangling") != std::string::npos);
    CHECK(text.find("was: unsafe { f(q) }") != std::string::npos);
    CHECK(text.find("note #4: Please split.") != std::string::npos);

    const auto j = reports::checklist_json(c);
    const auto& entries = j["patches"][0]["entries"];
    bool done_seen = false, note_seen = false;
    for (const auto& e : entries) {
      if (e["id"] == first) {
        CHECK(e["done"] == true);
        done_seen = true;
        REQUIRE(e["notes"].size() == 1);  // the carried one, nearest of the rule and file
        CHECK(e["notes"][0]["carried"] == true);
        CHECK(e["notes"][0]["old_excerpt"] == "unsafe { f(q) }\n");
        CHECK(e["notes"][0]["new_excerpt"] == "unsafe { f(p) }\n");
      }
      if (e["id"] == second) {
        CHECK(e["done"] == false);
        REQUIRE(e["notes"].size() == 1);
        CHECK(e["notes"][0]["text"] == note.text);
        note_seen = true;
      }
    }
    CHECK(done_seen);
    CHECK(note_seen);
    CHECK(j["patches"][0]["notes"][0]["text"] == "Please split.");
    CHECK(j["left_over_notes"].empty());
  }

  TEST_CASE("seam note: notes and ticks on v1, shown in checklists of v1 and (carried over) v2; list, delete") {
    seam::test::TempDir dir;
    seam_in(dir, "ingest " + q(seam::test::data("reply/series.mbox")));
    auto j = nlohmann::json::parse(seam_in(dir, "checklist 20260105-widget-v1-0-zoe@example.org --format json"));
    CHECK(j["version"] == 1);
    std::string level, reset, series = j["series"];
    for (const auto& e : j["patches"][0]["entries"]) {
      const auto& f = j["patches"][0]["findings"][e["findings"][0].get<size_t>()];
      if (f["rule"] != "unsafe-block") continue;
      if (f["snippet"].get<std::string>().find("widget_level") != std::string::npos) level = e["id"];
      if (f["snippet"].get<std::string>().find("widget_reset") != std::string::npos) reset = e["id"];
    }
    REQUIRE(!level.empty());
    REQUIRE(!reset.empty());
    CHECK(level.rfind("unsafe-block:rust/kernel/widget.rs:", 0) == 0);

    CHECK(seam_in(dir, "note " + q(reset) + " 'Why no SAFETY comment here?'").find("note #1 on " + reset) == 0);
    CHECK(seam_in(dir, "note " + q(level) + " --done").find("ticked " + level) == 0);
    CHECK(seam_in(dir, "note " + q(level) + " --done").find("already ticked") == 0);
    CHECK(seam_in(dir, "note " + series + " --version 1 --patch 2 'The helper needs a comment.'").find("note #3") == 0);

    const std::string md1 = seam_in(dir, "checklist " + series + " --version 1");
    CHECK(md1.find("- [x] `rust/kernel/widget.rs:16`") != std::string::npos);
    CHECK(md1.find("**Note** (#1): Why no SAFETY comment here?") != std::string::npos);
    CHECK(md1.find("**Note** (#3): The helper needs a comment.") != std::string::npos);
    const std::string txt1 = seam_in(dir, "checklist " + series + " --version 1 --format text");
    CHECK(txt1.find("[x] rust/kernel/widget.rs:16") != std::string::npos);
    CHECK(txt1.find("note #1: Why no SAFETY comment here?") != std::string::npos);
    const std::string html1 = seam_in(dir, "checklist " + series + " --version 1 --format html");
    CHECK(html1.find("<input type=\"checkbox\" checked disabled> <code>rust/kernel/widget.rs:16</code>") !=
          std::string::npos);
    CHECK(html1.find("Why no SAFETY comment here?") != std::string::npos);

    // v2: level moved a line down with the same code (still ticked, same
    // id); reset changed (the note carried over with both excerpts).
    const std::string md2 = seam_in(dir, "checklist " + series);
    CHECK(md2.find("(v2)") != std::string::npos);
    CHECK(md2.find("- [x] `rust/kernel/widget.rs:17`") != std::string::npos);
    CHECK(md2.find("Item `" + level + "`") != std::string::npos);
    CHECK(md2.find("Item `" + reset + "`") == std::string::npos);
    CHECK(md2.find("**Note** (#1, from v1, carried over: the code changed): Why no SAFETY comment here?") !=
          std::string::npos);
    CHECK(md2.find("  unsafe { bindings::widget_reset(self.ptr) }\n") != std::string::npos);
    CHECK(md2.find("  unsafe { bindings::widget_reset(self.ptr, 0) }\n") != std::string::npos);
    CHECK(md2.find("**Note** (#3, from v1): The helper needs a comment.") != std::string::npos);
    auto j2 = nlohmann::json::parse(seam_in(dir, "checklist " + series + " --json --format json"));
    size_t carried = 0;
    for (const auto& e : j2["patches"][0]["entries"])
      for (const auto& n : e["notes"]) carried += n["carried"].get<bool>() ? 1 : 0;
    CHECK(carried == 1);

    // --list, text and JSON.
    const std::string list = seam_in(dir, "note --list");
    CHECK(list.find("#1 " + series + " v1 patch 1 " + reset + ": Why no SAFETY comment here?") != std::string::npos);
    CHECK(list.find("#2 " + series + " v1 patch 1 " + level + ": [x] done") != std::string::npos);
    CHECK(list.find("#3 " + series + " v1 patch 2 (patch): The helper needs a comment.") != std::string::npos);
    auto lj = nlohmann::json::parse(seam_in(dir, "note --list " + series + " --json"));
    CHECK(lj.size() == 3);

    // Errors: values, with the input named.
    int status = 0;
    std::string err = seam_in(dir, "note 'unsafe-block:rust/x.rs:0123abcd' hello", &status);
    CHECK(status != 0);
    CHECK(err.find("unsafe-block:rust/x.rs:0123abcd: no checklist showed this item") != std::string::npos);
    err = seam_in(dir, "note not-an-id hello", &status);
    CHECK(status != 0);
    CHECK(err.find("not-an-id is not an item id") != std::string::npos);
    err = seam_in(dir, "note " + q(level) + " --done text", &status);
    CHECK(status != 0);
    err = seam_in(dir, "note " + series + " --patch 9 hello", &status);
    CHECK(status != 0);
    CHECK(err.find("has no patch 9") != std::string::npos);

    // Delete: one note by number, an item's notes and ticks.
    CHECK(seam_in(dir, "note '#3' --delete").find("deleted note #3") == 0);
    CHECK(seam_in(dir, "note " + q(level) + " --delete").find("deleted 1 note") == 0);
    seam_in(dir, "note 3 --delete", &status);
    CHECK(status != 0);
    const std::string after = seam_in(dir, "note --list");
    CHECK(after.find("#1 ") == 0);
    CHECK(after.find("#2 ") == std::string::npos);
    CHECK(seam_in(dir, "checklist " + series + " --version 1").find("- [x]") == std::string::npos);
  }
}
