#include "gateway/http_template.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace gateway {
namespace {

bool IsAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool IsIdentStart(char c) { return IsAlpha(c) || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c); }

// RFC 3986 pchar minus ':' (verb separator), '*' (wildcards) and '%' (which
// is only valid as the start of an escape and is handled by the caller).
bool IsLiteralChar(char c) {
  // unreserved, sub-delims minus '*', and '@'.
  return IsAlpha(c) || IsDigit(c) ||
         absl::string_view("-._~!$&'()+,;=@").find(c) !=
             absl::string_view::npos;
}

}  // namespace

// A recursive-descent parser. Recursion depth is bounded by the grammar
// (variables cannot nest), so hostile input cannot exhaust the stack.
class HttpTemplate::Parser {
 public:
  explicit Parser(absl::string_view input) : input_(input) {}

  absl::StatusOr<HttpTemplate> Parse() {
    if (input_.size() > kMaxTemplateBytes) {
      // Deliberately not echoed: the text is too long to be useful.
      return absl::InvalidArgumentError(
          "invalid path template: longer than 4096 bytes");
    }
    if (AtEnd() || Peek() != '/') return Error("must start with '/'");
    // The root, a route with no segments (Envoy serves it; http.proto's
    // grammar has no spelling for it).
    if (input_ == "/") return std::move(result_);
    ++pos_;
    if (absl::Status s = ParseSegments(); !s.ok()) return s;
    if (!AtEnd() && Peek() == ':') {
      ++pos_;
      if (absl::Status s = ParseLiteral(&result_.verb_); !s.ok()) return s;
      if (result_.verb_.empty()) return Error("empty or invalid verb");
    }
    if (!AtEnd()) {
      return Error(Peek() == '}' ? "unbalanced '}'" : "unexpected character");
    }
    std::set<std::vector<std::string>> seen;
    for (const Variable& var : result_.variables_) {
      if (!seen.insert(var.field_path).second) {
        return Error("field bound by more than one variable");
      }
    }
    return std::move(result_);
  }

 private:
  bool AtEnd() const { return pos_ >= input_.size(); }
  char Peek() const { return input_[pos_]; }

  absl::Status Error(absl::string_view reason) const {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid path template \"", absl::CHexEscape(input_),
                     "\" at offset ", pos_, ": ", reason));
  }

  absl::Status AddSegment(std::string segment) {
    if (result_.segments_.size() >= kMaxSegments) {
      return Error("more than 64 segments");
    }
    result_.segments_.push_back(std::move(segment));
    return absl::OkStatus();
  }

  absl::Status ParseSegments() {
    while (true) {
      if (absl::Status s = ParseSegment(); !s.ok()) return s;
      if (AtEnd() || Peek() != '/') return absl::OkStatus();
      ++pos_;
    }
  }

  absl::Status ParseSegment() {
    if (AtEnd()) return Error("empty segment");
    const char c = Peek();
    if (c == '{') {
      if (in_variable_) return Error("nested variable");
      return ParseVariable();
    }
    if (c == '}' && !in_variable_) return Error("unbalanced '}'");
    if (c == '/' || c == ':' || c == '}') return Error("empty segment");
    if (c == '*') {
      std::string wildcard(kSingleWildcard);
      ++pos_;
      if (!AtEnd() && Peek() == '*') {
        ++pos_;
        if (multi_index_ >= 0) return Error("more than one '**'");
        multi_index_ = static_cast<int>(result_.segments_.size());
        wildcard = std::string(kMultiWildcard);
      }
      if (!AtEnd() && Peek() != '/' && Peek() != ':' && Peek() != '}') {
        return Error("wildcard must be a whole segment");
      }
      return AddSegment(std::move(wildcard));
    }
    std::string literal;
    if (absl::Status s = ParseLiteral(&literal); !s.ok()) return s;
    if (literal.empty()) return Error("invalid character");
    return AddSegment(std::move(literal));
  }

  // Consumes the longest literal at pos_; leaves *out empty if there is none.
  absl::Status ParseLiteral(std::string* out) {
    const size_t start = pos_;
    while (!AtEnd()) {
      const char c = Peek();
      if (c == '%') {
        if (pos_ + 2 >= input_.size() || !IsHexDigit(input_[pos_ + 1]) ||
            !IsHexDigit(input_[pos_ + 2])) {
          return Error("invalid percent-encoding");
        }
        pos_ += 3;
      } else if (IsLiteralChar(c)) {
        ++pos_;
      } else {
        break;
      }
    }
    out->assign(input_.data() + start, pos_ - start);
    return absl::OkStatus();
  }

  absl::Status ParseFieldPath(std::vector<std::string>* out) {
    while (true) {
      const size_t start = pos_;
      if (AtEnd() || !IsIdentStart(Peek())) {
        return Error("invalid field path");
      }
      while (!AtEnd() && IsIdentChar(Peek())) ++pos_;
      out->emplace_back(input_.substr(start, pos_ - start));
      if (AtEnd() || Peek() != '.') return absl::OkStatus();
      ++pos_;
    }
  }

  absl::Status ParseVariable() {
    ++pos_;  // '{'
    in_variable_ = true;
    Variable var;
    if (absl::Status s = ParseFieldPath(&var.field_path); !s.ok()) return s;
    var.start_segment = static_cast<int>(result_.segments_.size());
    if (!AtEnd() && Peek() == '=') {
      ++pos_;
      if (absl::Status s = ParseSegments(); !s.ok()) return s;
    } else {
      // `{x}` is sugar for `{x=*}`.
      if (absl::Status s = AddSegment(std::string(kSingleWildcard)); !s.ok()) {
        return s;
      }
    }
    if (AtEnd()) return Error("unbalanced '{'");
    if (Peek() == ':') return Error("verb inside variable");
    if (Peek() == '{') return Error("nested variable");
    if (Peek() != '}') return Error("unexpected character in variable");
    ++pos_;
    in_variable_ = false;
    var.end_segment = static_cast<int>(result_.segments_.size());
    var.has_multi_segment_wildcard = multi_index_ >= var.start_segment;
    result_.variables_.push_back(std::move(var));
    return absl::OkStatus();
  }

  absl::string_view input_;
  size_t pos_ = 0;
  bool in_variable_ = false;
  int multi_index_ = -1;  // Index of the "**" segment, -1 if none.
  HttpTemplate result_;
};

absl::StatusOr<HttpTemplate> HttpTemplate::Parse(
    absl::string_view path_template) {
  return Parser(path_template).Parse();
}

std::string HttpTemplate::StructuralKey() const {
  std::string key = absl::StrCat("/", absl::StrJoin(segments_, "/"));
  if (!verb_.empty()) absl::StrAppend(&key, ":", verb_);
  return key;
}

}  // namespace gateway
