// The C side of the Rust/C boundary: C items, bindings:: uses, the headers
// bindings_helper.h includes, and the c-used-by-rust rule with a repository.
#include <doctest/doctest.h>

#include <algorithm>

#include "core/analysis/boundary.hpp"
#include "core/analysis/c_items.hpp"
#include "core/analysis/classes.hpp"
#include "core/analysis/patch_review.hpp"
#include "git/apply.hpp"
#include "git/objects.hpp"
#include "tests/support.hpp"

using namespace seam;

namespace {

std::string items_of(const std::string& src) {
  std::string s;
  for (const auto& it : core::c_items(src))
    s += it.kind + ":" + it.name + "@" + std::to_string(it.line) + "-" + std::to_string(it.end_line) + " ";
  return s;
}

std::string names_of(const std::string& src) {
  std::string s;
  for (const auto& [n, line] : core::bindings_names(src)) s += n + "@" + std::to_string(line) + " ";
  return s;
}

}  // namespace

TEST_SUITE("classify") {
  TEST_CASE("C items: each named thing at file level with its lines") {
    const std::string src =
        "#include <linux/types.h>\n"                          // 1
        "#define WIDGET_MAX 8\n"                              // 2
        "#define widget_ok(w) \\\n"                           // 3
        "\t((w)->state == WIDGET_ON)\n"                       // 4
        "struct widget {\n"                                   // 5
        "\tint state;\n"                                      // 6
        "};\n"                                                // 7
        "enum widget_state {\n"                               // 8
        "\tWIDGET_ON,\n"                                      // 9
        "\tWIDGET_OFF = 4,\n"                                 // 10
        "};\n"                                                // 11
        "typedef struct widget_ops { int (*get)(void); } widget_ops_t;\n"  // 12
        "int widget_get(struct widget *w);\n"                 // 13
        "extern unsigned long widget_count, *widget_last;\n"  // 14
        "#ifdef CONFIG_WIDGET\n"                              // 15
        "static inline int widget_put(struct widget *w)\n"    // 16
        "{\n"                                                 // 17
        "\tint local = 1;\n"                                  // 18
        "\treturn local;\n"                                   // 19
        "}\n"                                                 // 20
        "#else\n"                                             // 21
        "union widget_u { int a; long b; };\n"                // 22
        "#endif\n";                                           // 23
    CHECK(items_of(src) ==
          "macro:WIDGET_MAX@2-2 macro:widget_ok@3-4 struct:widget@5-7 enum:widget_state@8-11 constant:WIDGET_ON@9-9 "
          "constant:WIDGET_OFF@10-10 struct:widget_ops@12-12 typedef:widget_ops_t@12-12 prototype:widget_get@13-13 "
          "variable:widget_count@14-14 variable:widget_last@14-14 function:widget_put@16-20 union:widget_u@22-22 ");
    // No local variables, no fields, no parameters.
    CHECK(items_of(src).find("local") == std::string::npos);
    CHECK(items_of(src).find(":state") == std::string::npos);
    CHECK(items_of("").empty());
    // Kernel annotations and macros at file level.
    const std::string kernel =
        "void __iomem *pci_iomap(struct pci_dev *dev, int bar);\n"                // 1
        "int __must_check pci_enable_device(struct pci_dev *dev);\n"              // 2
        "static __always_inline struct pci_dev *to_pci_dev(struct device *d)\n"   // 3
        "{\n\treturn container_of(d, struct pci_dev, dev);\n}\n"                 // 4-6
        "EXPORT_SYMBOL(pci_iomap);\n";                                           // 7
    CHECK(items_of(kernel) ==
          "prototype:pci_iomap@1-1 prototype:pci_enable_device@2-2 function:to_pci_dev@3-6 ");
  }

  TEST_CASE("bindings:: names come from tokens: paths, use lists, macro bodies; not comments or strings") {
    const std::string src =
        "use kernel::bindings::{self, pci_dev, irq_flags as Flags};\n"     // 1
        "fn f(d: *mut bindings::device) -> i32 {\n"                         // 2
        "    // bindings::not_this in a comment\n"                          // 3
        "    let s = \"bindings::nor_this\";\n"                             // 4
        "    unsafe { kernel::bindings::pci_enable_device(d.cast()) };\n"   // 5
        "    pr_info!(\"{}\", bindings::PAGE_SIZE);\n"                      // 6
        "    crate::bindings::GFP_KERNEL\n"                                 // 7
        "}\n"
        "macro_rules! m { () => { bindings::in_macro() }; }\n";             // 9
    CHECK(names_of(src) ==
          "pci_dev@1 irq_flags@1 device@2 pci_enable_device@5 PAGE_SIZE@6 GFP_KERNEL@7 in_macro@9 ");
    CHECK(names_of("fn g() { other::bindings_x(); }").empty());
    CHECK(names_of("").empty());
  }

  TEST_CASE("the headers bindings_helper.h includes are glue; others stay c-header") {
    core::Boundary b;
    b.add_bindings_helper("/* SPDX */\n#include <linux/pci.h>\n#include <uapi/linux/ioctl.h>\n"
                          "#ifdef CONFIG_X\n#include <linux/x.h>\n#endif\n#include \"local.h\"\n");
    CHECK(b.headers() == 4);
    CHECK(core::classify_path("include/linux/pci.h", &b) == "rust-c-glue");
    CHECK(core::classify_path("include/uapi/linux/pci.h", &b) == "rust-c-glue");
    CHECK(core::classify_path("include/uapi/linux/ioctl.h", &b) == "rust-c-glue");
    CHECK(core::classify_path("include/linux/x.h", &b) == "rust-c-glue");
    CHECK(core::classify_path("arch/x86/include/asm/pci.h", &b) == "c-header");
    CHECK(core::classify_path("include/linux/slab.h", &b) == "c-header");
    CHECK(core::classify_path("drivers/pci/pci.h", &b) == "c-header");
    CHECK(core::classify_path("drivers/pci/pci.c", &b) == "c");
    CHECK(core::classify_path("include/linux/pci.h") == "c-header");  // no repository, no boundary
    b.add_bindings_helper("#include <asm/io.h>\n");
    CHECK(core::classify_path("arch/arm64/include/asm/io.h", &b) == "rust-c-glue");
    CHECK(core::classify_path("arch/arm64/include/uapi/asm/io.h", &b) == "rust-c-glue");
  }

  TEST_CASE("c-used-by-rust: a C hunk changing what Rust uses through bindings::, with a repository") {
    test::TempDir tmp;
    const std::string r = (tmp / "repo").string(), g = "cd '" + r + "' && ";
    test::shell("git init -q -b master '" + r + "' && cd '" + r + "' && git config user.name T && git config user.email t@x && "
                "mkdir -p rust/bindings rust/helpers rust/kernel include/linux drivers/widget");
    test::write_file(tmp / "repo/rust/bindings/bindings_helper.h", "#include <linux/widget.h>\n");
    test::write_file(tmp / "repo/rust/helpers/widget.c",
                     "#include <linux/widget.h>\nvoid rust_helper_widget_put(struct widget *w)\n{\n\twidget_put(w);\n}\n");
    test::write_file(tmp / "repo/rust/kernel/widget.rs",
                     "//! Widgets.\nuse crate::bindings;\n\npub fn get(w: *mut bindings::widget) -> i32 {\n"
                     "    // SAFETY: `w` is valid.\n    unsafe { bindings::widget_get(w) }\n}\n\n"
                     "pub const MAX: u32 = bindings::WIDGET_MAX;\n"
                     "pub fn reset(w: *mut bindings::widget) {\n    // SAFETY: `w` is valid.\n"
                     "    unsafe { bindings::widget_reset(w) }\n}\n");
    test::write_file(tmp / "repo/include/linux/widget.h",
                     "#define WIDGET_MAX 8\n#define WIDGET_MIN 1\nstruct widget {\n\tint state;\n};\n"
                     "int widget_get(struct widget *w);\nvoid widget_reset(struct widget *w);\n");
    test::write_file(tmp / "repo/include/linux/other.h", "#define OTHER_MAX 8\nint widget_get_other(void);\n");
    test::write_file(tmp / "repo/drivers/widget/core.c",
                     "#include <linux/widget.h>\n\nint widget_get(struct widget *w)\n{\n\treturn w->state;\n}\n\n"
                     "static int unrelated(void)\n{\n\treturn 0;\n}\n\n"
                     "void widget_reset(struct widget *w)\n{\n\tw->state = 0;\n}\n");
    test::shell(g + "git add -A && git commit -qm base");
    // One patch: widget_get's body, unrelated(), WIDGET_MAX and WIDGET_MIN,
    // a field of struct widget, OTHER_MAX; widget_reset removed entirely.
    test::shell(g + "sed -i 's/return w->state;/return w->state + 1;/; s/return 0;/return 1;/' drivers/widget/core.c && "
                    "sed -i '/^void widget_reset/,/^}/d' drivers/widget/core.c && "
                    "sed -i 's/WIDGET_MAX 8/WIDGET_MAX 16/; s/WIDGET_MIN 1/WIDGET_MIN 2/; s/int state;/long state;/' "
                    "include/linux/widget.h && sed -i 's/OTHER_MAX 8/OTHER_MAX 9/' include/linux/other.h && "
                    "git commit -qam change && git format-patch -q -1 --stdout > ../p.patch && git reset -q --hard HEAD~1");
    const std::string patch = test::read_bytes(tmp / "p.patch");
    auto files = core::parse_diff(patch);
    REQUIRE(files.size() == 3);

    git::PatchInput in{"p", patch, "change\n", "T", "t@x", 0, 0};
    git::ApplyOptions opts;
    opts.write_branch = false;
    auto applied = git::apply_patches(r, {in}, {}, opts);
    REQUIRE(applied.applied.size() == 1);
    git::ObjectReader reader(r);
    core::Boundary boundary;
    reader.for_each_file(applied.base, "rust", ".rs",
                         [&](const std::string& path, std::string_view data) { boundary.add_rust_file(path, data); });
    boundary.add_bindings_helper(*reader.read_path(applied.base, "rust/bindings/bindings_helper.h"));
    REQUIRE(boundary.use_of("widget_get"));
    CHECK(boundary.use_of("widget_get")->path == "rust/kernel/widget.rs");
    CHECK(boundary.use_of("widget_get")->line == 6);
    CHECK(boundary.use_of("rust_helper_widget_reset") == boundary.use_of("widget_reset"));

    const std::string after = applied.applied[0].second, before = applied.base;
    core::RepoView view{[&](const std::string& p) { return reader.read_path(after, p); },
                        [&](const std::string& p) { return reader.read_path(before, p); }, &boundary};
    auto rules = core::load_rules({SEAM_RULES_DIR});
    auto review = core::review_patch(files, rules, &view);

    std::string classes, found;
    for (const auto& f : review.files) classes += f.path + "=" + f.cls + " ";
    CHECK(classes ==
          "drivers/widget/core.c=c include/linux/other.h=c-header include/linux/widget.h=rust-c-glue ");
    std::vector<std::string> hits;
    for (const auto& f : review.findings)
      hits.push_back(f.rule + " " + f.path + ":" + std::to_string(f.line) + "-" + std::to_string(f.end_line));
    std::sort(hits.begin(), hits.end());
    for (const auto& h : hits) found += h + "\n";
    // widget_get changed at line 5; widget_reset removed (anchored where it
    // was, line 13 of the file after); unrelated() and WIDGET_MIN are not used
    // from Rust; other.h is neither glue nor used; the header is glue.
    CHECK(found ==
          "c-used-by-rust drivers/widget/core.c:13-13\n"
          "c-used-by-rust drivers/widget/core.c:5-5\n"
          "c-used-by-rust include/linux/widget.h:1-1\n"
          "c-used-by-rust include/linux/widget.h:4-4\n"
          "rust-c-glue include/linux/widget.h:1-4\n");
    for (const auto& f : review.findings) {
      if (f.rule != "c-used-by-rust") continue;
      CHECK(f.severity == "high");
      CHECK(f.question.find("rust/kernel/widget.rs:") != std::string::npos);
      if (f.line == 13) {
        CHECK(f.message.find("function `widget_reset`") != std::string::npos);
        CHECK(f.snippet.find("-void widget_reset") != std::string::npos);
      }
      if (f.line == 4) CHECK(f.message.find("struct `widget`") != std::string::npos);
    }

    // Without a repository: classes only, no C-side findings.
    auto plain = core::review_patch(files, rules);
    for (const auto& f : plain.findings) CHECK(f.rule != "c-used-by-rust");
    CHECK(plain.files[2].cls == "c-header");
  }
}
