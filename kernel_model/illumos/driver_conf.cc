// The driver.conf(5) reader (driver_conf.h). Token classes follow
// illumos's kobj_lex (sys/kobj_lex.h): a name starts with a letter or '_'
// and goes on with letters, digits, '_' and '-'; a number is digits, 0x
// and hex digits (a lower-case x only), or a 0-led octal, with one unary
// '-' or '~' before it (kobj_getvalue); a string is "..." on one line.
// Property names are checked as valid_prop_name does (no control or
// space characters, none of / \ : [ ] @).
#include "kernel_model/illumos/driver_conf.h"

#include <cstdio>

namespace ks::km::illumos {

namespace {

enum class Tok { kEnd, kName, kNumber, kString, kEquals, kComma, kSemicolon, kOther };

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;  // a name, a string's value, a number's spelling
  int line = 1;
};

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_xdigit(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_namechar(char c) { return is_alpha(c) || is_digit(c) || c == '_' || c == '-'; }

std::string shown(char c) {
  if (c >= 0x21 && c < 0x7f) return std::string("'") + c + "'";
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", static_cast<unsigned char>(c));
  return std::string("the byte ") + buf;
}

class Lexer {
 public:
  Lexer(std::string_view text, const std::string& file) : s_(text), file_(file) {}

  [[noreturn]] void fail(int line, const std::string& what) const {
    throw ConfError(file_ + ":" + std::to_string(line) + ": " + what);
  }

  Token next() {
    skip_blank();
    Token t;
    t.line = line_;
    if (at_ >= s_.size()) return t;
    char c = s_[at_];
    if (c == '=' || c == ',' || c == ';') {
      at_++;
      t.kind = c == '=' ? Tok::kEquals : c == ',' ? Tok::kComma : Tok::kSemicolon;
      t.text = c;
      return t;
    }
    if (c == '"') return string_token(t);
    if (is_digit(c) || ((c == '-' || c == '~') && at_ + 1 < s_.size() && is_digit(s_[at_ + 1])))
      return number_token(t);
    if (is_alpha(c) || c == '_') {
      size_t b = at_;
      while (at_ < s_.size() && is_namechar(s_[at_])) at_++;
      t.kind = Tok::kName;
      t.text.assign(s_.substr(b, at_ - b));
      return t;
    }
    t.kind = Tok::kOther;
    t.text = shown(c);
    at_++;
    return t;
  }

 private:
  // Spaces, tabs, form feeds, line ends and '#' comments (to the end of
  // their line).
  void skip_blank() {
    while (at_ < s_.size()) {
      char c = s_[at_];
      if (c == '\n') {
        line_++;
        at_++;
      } else if (c == ' ' || c == '\t' || c == '\f' || c == '\r') {
        at_++;
      } else if (c == '#') {
        while (at_ < s_.size() && s_[at_] != '\n') at_++;
      } else {
        break;
      }
    }
  }

  Token string_token(Token t) {
    at_++;  // the opening quote
    t.kind = Tok::kString;
    for (;;) {
      if (at_ >= s_.size() || s_[at_] == '\n' || s_[at_] == '\r')
        fail(t.line, "a string has no closing '\"' on its line");
      char c = s_[at_++];
      if (c == '"') return t;
      if (c != '\\') {
        t.text += c;
        continue;
      }
      if (at_ >= s_.size()) fail(t.line, "a string ends in a lone '\\'");
      char e = s_[at_];
      if (e >= '0' && e <= '7') {  // \ooo: an octal character code
        int v = 0;
        size_t b = at_;
        while (at_ < s_.size() && s_[at_] >= '0' && s_[at_] <= '7' && v < 0x1000)
          v = v * 8 + (s_[at_++] - '0');
        if (v > 127)
          fail(t.line, "the escape \\" + std::string(s_.substr(b, at_ - b)) +
                           " in a string is not a character code below 128 (octal 177)");
        t.text += static_cast<char>(v);
      } else if (e == '8' || e == '9') {
        fail(t.line, std::string("the escape \\") + e + " in a string is not octal");
      } else if (e == '\n' || e == '\r') {
        fail(t.line, "a string has no closing '\"' on its line");
      } else {
        t.text += e;  // \c is c itself
        at_++;
      }
    }
  }

  Token number_token(Token t) {
    size_t b = at_;
    if (s_[at_] == '-' || s_[at_] == '~') at_++;
    if (s_[at_] == '0' && at_ + 1 < s_.size() && s_[at_ + 1] == 'x') {
      at_ += 2;
      while (at_ < s_.size() && is_xdigit(s_[at_])) at_++;
    } else {
      while (at_ < s_.size() && is_digit(s_[at_])) at_++;
    }
    t.kind = Tok::kNumber;
    t.text.assign(s_.substr(b, at_ - b));
    // What follows a number at once must end it ("12ab", "0X10").
    if (at_ < s_.size() && (is_namechar(s_[at_]) || s_[at_] == '"'))
      fail(t.line, "'" + t.text + s_[at_] + "...' is not a number (decimal, 0x hex or "
                   "0-led octal)");
    return t;
  }

  std::string_view s_;
  const std::string& file_;
  size_t at_ = 0;
  int line_ = 1;
};

// kobj_getvalue's reading of a number, kept to the 32 bits make_prop
// stores: a value that does not fit an int nor a uint32 is refused rather
// than cut down as illumos does (silently).
int32_t number_value(const Lexer& lx, const Token& t) {
  std::string_view s = t.text;
  bool neg = false, compl_ = false;
  if (s[0] == '-') neg = true;
  if (s[0] == '~') compl_ = true;
  if (neg || compl_) s.remove_prefix(1);
  int radix = 10;
  if (s.size() > 1 && s[0] == '0') {
    if (s[1] == 'x') {
      radix = 16;
      s.remove_prefix(2);
      if (s.empty()) lx.fail(t.line, "'" + t.text + "' has no hex digits after 0x");
    } else {
      radix = 8;
      s.remove_prefix(1);
    }
  }
  uint64_t v = 0;
  for (char c : s) {
    int d = is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
    if (d >= radix)
      lx.fail(t.line, "'" + t.text + "' is not a valid " +
                          (radix == 8 ? "octal number (a leading 0 means octal)" : "number"));
    v = v * radix + d;
    if (v > 0xffffffffULL)
      lx.fail(t.line, "'" + t.text + "' does not fit the 32-bit int a driver.conf integer is");
  }
  if (compl_) return static_cast<int32_t>(~static_cast<uint32_t>(v));
  if (neg) {
    if (v > 0x80000000ULL)
      lx.fail(t.line, "'" + t.text + "' does not fit the 32-bit int a driver.conf integer is");
    return static_cast<int32_t>(-static_cast<int64_t>(v));
  }
  return static_cast<int32_t>(static_cast<uint32_t>(v));
}

void check_prop_name(const Lexer& lx, const Token& t) {
  for (char c : t.text)
    if (static_cast<unsigned char>(c) < 0x21 || c == '/' || c == '\\' || c == ':' || c == '[' ||
        c == ']' || c == '@')
      lx.fail(t.line, "'" + t.text + "' is not a valid property name (" + shown(c) + ")");
}

// One entry, from its first name to its ';'.
struct Entry {
  int line = 0;
  bool has_name = false, has_parent = false, has_class = false;
  std::string name, parent, cls;
  std::vector<ConfProp> props;
};

void add_prop(const Lexer& lx, Entry& e, ConfProp p) {
  for (const ConfProp& q : e.props)
    if (q.name == p.name)
      lx.fail(p.line, "property '" + p.name + "' is set twice in one entry (first on line " +
                          std::to_string(q.line) + ")");
  e.props.push_back(std::move(p));
}

// After `name=`: the one string name=, parent= and class= take, or a
// property's value list. Returns the token after the value.
Token read_values(Lexer& lx, const Token& key, ConfProp& p) {
  Token v = lx.next();
  if (v.kind == Tok::kSemicolon || v.kind == Tok::kEnd)
    lx.fail(key.line, "'" + key.text + "=' has no value");
  p.strings = v.kind == Tok::kString;
  for (;;) {
    if (v.kind == Tok::kString) {
      if (!p.strings)
        lx.fail(v.line, "property '" + key.text + "' mixes integers and strings in one list");
      p.strs.push_back(v.text);
    } else if (v.kind == Tok::kNumber) {
      if (p.strings)
        lx.fail(v.line, "property '" + key.text + "' mixes strings and integers in one list");
      p.ints.push_back(number_value(lx, v));
    } else if (v.kind == Tok::kName) {
      lx.fail(v.line, "the value of '" + key.text + "' is the bare word '" + v.text +
                          "': a string value is quoted (\"" + v.text + "\")");
    } else {
      lx.fail(v.line, "the value of '" + key.text + "' cannot start with " + v.text);
    }
    Token after = lx.next();
    if (after.kind != Tok::kComma) return after;
    v = lx.next();
    if (v.kind == Tok::kSemicolon || v.kind == Tok::kEnd)
      lx.fail(after.line, "the list of '" + key.text + "' ends in a ','");
  }
}

// Reads one entry whose first token is `first` (a name); consumes its ';'.
Entry read_entry(Lexer& lx, Token first) {
  Entry e;
  e.line = first.line;
  Token t = first;
  for (;;) {
    if (t.kind == Tok::kSemicolon) return e;
    if (t.kind == Tok::kEnd)
      lx.fail(e.line, "the entry starting here has no ';' before the end of the file");
    if (t.kind != Tok::kName)
      lx.fail(t.line, "expected a property name, found " +
                          (t.kind == Tok::kString ? "the string \"" + t.text + "\"" : t.text));
    Token key = t;
    Token eq = lx.next();
    bool keyword = key.text == "name" || key.text == "NAME" || key.text == "parent" ||
                   key.text == "PARENT" || key.text == "class" || key.text == "CLASS";
    if (eq.kind != Tok::kEquals) {
      // A property with no value: an integer 0.
      if (keyword) lx.fail(key.line, "'" + key.text + "' needs a value (" + key.text + "=\"...\")");
      check_prop_name(lx, key);
      ConfProp p;
      p.name = key.text;
      p.line = key.line;
      p.ints.push_back(0);
      add_prop(lx, e, std::move(p));
      t = eq;
      continue;
    }
    ConfProp p;
    p.name = key.text;
    p.line = key.line;
    t = read_values(lx, key, p);
    if (keyword) {
      if (!p.strings || p.strs.size() != 1)
        lx.fail(key.line, "'" + key.text + "=' takes one quoted string");
      char k = static_cast<char>(key.text[0] | 0x20);
      bool& has = k == 'n' ? e.has_name : k == 'p' ? e.has_parent : e.has_class;
      std::string& val = k == 'n' ? e.name : k == 'p' ? e.parent : e.cls;
      if (has)
        lx.fail(key.line, "'" + key.text + "' is given twice in one entry (the ';' may have "
                                           "been left out of the entry before)");
      has = true;
      val = p.strs[0];
      if (k != 'c') continue;
      p.name = "class";  // class= is also a property of the node
    }
    check_prop_name(lx, key);
    add_prop(lx, e, std::move(p));
  }
}

}  // namespace

DriverConf parse_driver_conf(std::string_view text, const std::string& file) {
  DriverConf conf;
  conf.file = file;
  Lexer lx(text, file);
  for (;;) {
    Token t = lx.next();
    if (t.kind == Tok::kEnd) break;
    if (t.kind == Tok::kSemicolon) continue;  // an empty entry
    if (t.kind != Tok::kName)
      lx.fail(t.line, "an entry starts with a property name, not " +
                          (t.kind == Tok::kString ? "the string \"" + t.text + "\"" : t.text));
    Entry e = read_entry(lx, t);
    if (!e.has_name) {
      if (e.has_parent || e.has_class)
        lx.fail(e.line, std::string("the entry has ") + (e.has_parent ? "parent=" : "class=") +
                            " but no name=\"...\" (a node entry needs its node name)");
      for (ConfProp& p : e.props) {
        for (const ConfProp& q : conf.globals)
          if (q.name == p.name)
            lx.fail(p.line, "global property '" + p.name + "' is set twice (first on line " +
                                std::to_string(q.line) + ")");
        conf.globals.push_back(std::move(p));
      }
      continue;
    }
    if (!e.has_parent && !e.has_class)
      lx.fail(e.line, "the entry for node \"" + e.name +
                          "\" has no parent=\"...\" or class=\"...\" to say where it attaches");
    ConfNode n;
    n.name = e.name;
    n.parent = e.parent;
    n.cls = e.cls;
    n.line = e.line;
    for (const ConfProp& p : e.props)
      if (p.name == "instance") {
        if (p.strings || p.ints.size() != 1 || p.ints[0] < 0)
          lx.fail(p.line, "instance= takes one integer, 0 or more");
        n.has_instance = true;
        n.instance = p.ints[0];
      }
    n.props = std::move(e.props);
    conf.nodes.push_back(std::move(n));
  }
  return conf;
}

}  // namespace ks::km::illumos
