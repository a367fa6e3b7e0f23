// driver.conf(5) as illumos's reader takes it (kernel_model/illumos/
// driver_conf.h): the syntax it accepts, and every malformed file refused
// with the file, the line and what is wrong.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "kernel_model/illumos/driver_conf.h"

namespace {

using ks::km::illumos::ConfError;
using ks::km::illumos::DriverConf;
using ks::km::illumos::parse_driver_conf;

DriverConf parse(const std::string& text) { return parse_driver_conf(text, "x.conf"); }

std::string error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const ConfError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(DriverConf, GlobalPropertiesOfEveryType) {
  DriverConf c = parse(
      "# a comment line\n"
      "max-clients=4;   # a comment after an entry\n"
      "mask=0x1F hexcase=0xff oct=017 neg=-3 compl=~0;\n"
      "weights=1,2, 3;\n"
      "greeting=\"hi \\\"there\\\"\\101\";\n"
      "names=\"a\",\"b\";\n"
      "verbose;\n"
      "big=0xffffffff;\n");
  ASSERT_EQ(c.globals.size(), 11u);
  EXPECT_TRUE(c.nodes.empty());
  auto& p = c.globals;
  EXPECT_EQ(p[0].name, "max-clients");
  EXPECT_EQ(p[0].ints, std::vector<int32_t>{4});
  EXPECT_EQ(p[0].line, 2);
  EXPECT_EQ(p[1].ints, std::vector<int32_t>{0x1f});
  EXPECT_EQ(p[2].ints, std::vector<int32_t>{0xff});
  EXPECT_EQ(p[3].ints, std::vector<int32_t>{15});
  EXPECT_EQ(p[4].ints, std::vector<int32_t>{-3});
  EXPECT_EQ(p[5].ints, std::vector<int32_t>{-1});
  EXPECT_EQ(p[6].ints, (std::vector<int32_t>{1, 2, 3}));
  EXPECT_TRUE(p[7].strings);
  EXPECT_EQ(p[7].strs, std::vector<std::string>{"hi \"there\"A"});
  EXPECT_EQ(p[8].strs, (std::vector<std::string>{"a", "b"}));
  // no value: an integer 0, as make_prop makes it
  EXPECT_EQ(p[9].name, "verbose");
  EXPECT_FALSE(p[9].strings);
  EXPECT_EQ(p[9].ints, std::vector<int32_t>{0});
  EXPECT_EQ(p[10].ints, std::vector<int32_t>{-1});
}

TEST(DriverConf, NodeEntriesAcrossLines) {
  DriverConf c = parse(
      "name=\"ilconf\" parent=\"pseudo\"\n"
      "    instance=0 unit-label=\"first\";\n"
      "ddi-forceattach=1;\n");
  ASSERT_EQ(c.nodes.size(), 1u);
  auto& n = c.nodes[0];
  EXPECT_EQ(n.name, "ilconf");
  EXPECT_EQ(n.parent, "pseudo");
  EXPECT_EQ(n.line, 1);
  EXPECT_TRUE(n.has_instance);
  EXPECT_EQ(n.instance, 0);
  ASSERT_EQ(n.props.size(), 2u);  // instance and unit-label: name and parent are not properties
  EXPECT_EQ(n.props[0].name, "instance");
  EXPECT_EQ(n.props[1].strs, std::vector<std::string>{"first"});
  EXPECT_EQ(n.props[1].line, 2);
  ASSERT_EQ(c.globals.size(), 1u);
  EXPECT_EQ(c.globals[0].name, "ddi-forceattach");
}

TEST(DriverConf, ClassIsAlsoAProperty) {
  DriverConf c = parse("name=\"d\" class=\"scsi\" target=1;");
  ASSERT_EQ(c.nodes.size(), 1u);
  EXPECT_EQ(c.nodes[0].cls, "scsi");
  ASSERT_EQ(c.nodes[0].props.size(), 2u);
  EXPECT_EQ(c.nodes[0].props[0].name, "class");
}

TEST(DriverConf, EmptyFileAndEmptyEntries) {
  EXPECT_TRUE(parse("").globals.empty());
  EXPECT_TRUE(parse("\n# only a comment\n;\n").globals.empty());
}

TEST(DriverConf, MalformedFilesNameFileLineAndWhat) {
  struct Case {
    const char* text;
    const char* expected;
  } cases[] = {
      {"a=1;\nb=2\n", "x.conf:2: the entry starting here has no ';' before the end of the file"},
      {"a=1,\"x\";", "x.conf:1: property 'a' mixes integers and strings in one list"},
      {"\na=\"x\",1;", "x.conf:2: property 'a' mixes strings and integers in one list"},
      {"a=\"open\n\";", "x.conf:1: a string has no closing '\"' on its line"},
      {"a=08;", "x.conf:1: '08' is not a valid octal number (a leading 0 means octal)"},
      {"a=0x;", "x.conf:1: '0x' has no hex digits after 0x"},
      {"a=0X10;", "x.conf:1: '0X...' is not a number (decimal, 0x hex or 0-led octal)"},
      {"a=12ab;", "x.conf:1: '12a...' is not a number (decimal, 0x hex or 0-led octal)"},
      {"a=0x100000000;", "x.conf:1: '0x100000000' does not fit the 32-bit int a driver.conf "
                         "integer is"},
      {"a=-2147483649;", "x.conf:1: '-2147483649' does not fit the 32-bit int a driver.conf "
                         "integer is"},
      {"a=;", "x.conf:1: 'a=' has no value"},
      {"a=1;\nb=\n\n", "x.conf:2: 'b=' has no value"},
      {"a=1,;", "x.conf:1: the list of 'a' ends in a ','"},
      {"a=1,\n", "x.conf:1: the list of 'a' ends in a ','"},
      {"a=yes;", "x.conf:1: the value of 'a' is the bare word 'yes': a string value is quoted "
                 "(\"yes\")"},
      {"a=1;\na=2;", "x.conf:2: global property 'a' is set twice (first on line 1)"},
      {"a=1 a=2;", "x.conf:1: property 'a' is set twice in one entry (first on line 1)"},
      {"parent=\"pseudo\" a=1;", "x.conf:1: the entry has parent= but no name=\"...\" (a node "
                                 "entry needs its node name)"},
      {"name=\"d\" a=1;", "x.conf:1: the entry for node \"d\" has no parent=\"...\" or "
                          "class=\"...\" to say where it attaches"},
      {"name=d parent=\"pseudo\";", "x.conf:1: the value of 'name' is the bare word 'd': a "
                                    "string value is quoted (\"d\")"},
      {"name=\"d\" name=\"e\" parent=\"p\";", "x.conf:1: 'name' is given twice in one entry "
                                              "(the ';' may have been left out of the entry "
                                              "before)"},
      {"name=\"d\" parent=\"pseudo\" instance=\"0\";", "x.conf:1: instance= takes one integer, "
                                                       "0 or more"},
      {"\"x\"=1;", "x.conf:1: an entry starts with a property name, not the string \"x\""},
      {"a=1 = 2;", "x.conf:1: expected a property name, found ="},
      {"a@b=1;", "x.conf:1: expected a property name, found '@'"},
      {"a=\"\\9\";", "x.conf:1: the escape \\9 in a string is not octal"},
      {"a=\"\\777\";", "x.conf:1: the escape \\777 in a string is not a character code below "
                       "128 (octal 177)"},
      {"name;", "x.conf:1: 'name' needs a value (name=\"...\")"},
      {"a=1\x01;", "x.conf:1: expected a property name, found the byte 0x01"},
  };
  for (auto& c : cases) EXPECT_EQ(error_of(c.text), c.expected) << c.text;
}

// Mutated files (bytes replaced, inserted, cut) are either read or refused
// with a ConfError naming x.conf and a line: nothing else escapes, nothing
// crashes (ASan runs this in the libFuzzer tree).
TEST(DriverConf, MutatedFilesAreReadOrRefusedNeverAnythingElse) {
  const std::string seed =
      "# c\nname=\"d\" parent=\"pseudo\" instance=0 x=1,2;\nmax=0x10 s=\"a\\\"b\",\"c\" f;\n";
  const std::string alphabet = "=,;#\"\\\n -~0x9aZ_@\x01\xff";
  std::mt19937 rng(7);
  int refused = 0;
  for (int i = 0; i < 20000; i++) {
    std::string t = seed;
    for (int k = 0, n = 1 + static_cast<int>(rng() % 4); k < n; k++) {
      size_t at = rng() % (t.size() + 1);
      char c = alphabet[rng() % alphabet.size()];
      switch (rng() % 3) {
        case 0: if (at < t.size()) t[at] = c; break;
        case 1: t.insert(t.begin() + static_cast<long>(at), c); break;
        default: if (at < t.size()) t.erase(at, 1 + rng() % 3); break;
      }
    }
    try {
      parse(t);
    } catch (const ConfError& e) {
      refused++;
      EXPECT_EQ(std::string(e.what()).rfind("x.conf:", 0), 0u) << e.what();
    }
  }
  EXPECT_GT(refused, 1000);
}

}  // namespace
