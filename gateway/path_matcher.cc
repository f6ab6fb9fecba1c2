#include "gateway/path_matcher.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace gateway {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 9110 tchar.
bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
      (c >= '0' && c <= '9')) {
    return true;
  }
  return absl::string_view("!#$%&'*+-.^_`|~").find(c) !=
         absl::string_view::npos;
}

bool IsValidHttpMethod(absl::string_view method) {
  return !method.empty() && std::all_of(method.begin(), method.end(),
                                        [](char c) { return IsTokenChar(c); });
}

// Fixed texts: request paths are attacker-controlled, so never echoed.
absl::Status BadEscape() {
  return absl::InvalidArgumentError("invalid percent-encoding in request");
}

// One way to read the request path: its segments and the verb split off the
// last one ("" when the path is read without a verb).
struct Reading {
  std::vector<absl::string_view> segments;
  absl::string_view verb;
  // empty_before[i]: how many of segments[0, i) are empty. "**" never spans
  // an empty segment, so "/a/" and "/a//b" are not routes.
  std::vector<size_t> empty_before;

  void CountEmpty() {
    empty_before.assign(segments.size() + 1, 0);
    for (size_t i = 0; i < segments.size(); ++i) {
      empty_before[i + 1] = empty_before[i] + (segments[i].empty() ? 1 : 0);
    }
  }
  bool NoEmptySegmentIn(size_t from, size_t to) const {
    return empty_before[to] == empty_before[from];
  }
};

}  // namespace

absl::StatusOr<std::string> PercentDecode(absl::string_view input,
                                          bool keep_reserved_slash) {
  std::string out;
  out.reserve(input.size());
  for (size_t i = 0; i < input.size(); ++i) {
    if (input[i] != '%') {
      out.push_back(input[i]);
      continue;
    }
    if (i + 2 >= input.size()) return BadEscape();
    const int hi = HexValue(input[i + 1]);
    const int lo = HexValue(input[i + 2]);
    if (hi < 0 || lo < 0) return BadEscape();
    const char decoded = static_cast<char>(hi * 16 + lo);
    if (keep_reserved_slash && decoded == '/') {
      out.append(input.data() + i, 3);  // Keeps the original hex case.
    } else {
      out.push_back(decoded);
    }
    i += 2;
  }
  return out;
}

namespace internal {

struct RouteTable::Route {
  std::string http_method;
  HttpTemplate path_template;
  std::string body_field;
  // Index of the "**" segment, or -1.
  int multi_index = -1;

  // The request segment where template segment `t` (or the end, t == size)
  // falls: before the "**" the same index, from the "**" on counted from
  // the end, since the tail after it has a fixed length.
  size_t RequestIndex(int t, size_t request_segments) const {
    const int template_segments =
        static_cast<int>(path_template.segments().size());
    if (multi_index < 0 || t <= multi_index) return static_cast<size_t>(t);
    return request_segments - static_cast<size_t>(template_segments - t);
  }
};

// Trie over template segments. Every edge consumes exactly one request
// segment except "**", which takes the segments between the part of the
// path before it and its fixed-length tail; a template has at most one, so
// below a "**" node every edge consumes one segment again. A node's
// `tail_lengths` (on a "**" node) are the lengths of the tails below it, so
// the walk knows where each tail starts. Hence a backtracking walk visits
// each node at most once per reading and tail length: lookup is
// O(trie size) worst case, whatever the request, and its recursion depth is
// bounded by kMaxSegments.
struct RouteTable::Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literals;
  std::unique_ptr<Node> single_wildcard;
  std::unique_ptr<Node> multi_wildcard;
  // On a "**" node: the tail lengths of the routes below it, longest first
  // (the tail matching more of the path is the more specific route).
  std::set<size_t, std::greater<>> tail_lengths;
  // verb ("" for none) -> HTTP method -> index into routes_.
  std::map<std::string, std::map<std::string, size_t, std::less<>>, std::less<>>
      routes;

  // Offers every node matching `reading` to `visit`, most specific first
  // (literal, then "*", then "**"), until `visit` returns true.
  template <typename Visit>
  bool Walk(const Reading& reading, size_t pos, const Visit& visit) const {
    const size_t size = reading.segments.size();
    if (pos == size) {
      if (visit(*this)) return true;
    } else if (!reading.segments[pos].empty()) {
      auto it = literals.find(reading.segments[pos]);
      if (it != literals.end() && it->second->Walk(reading, pos + 1, visit)) {
        return true;
      }
      if (single_wildcard != nullptr &&
          single_wildcard->Walk(reading, pos + 1, visit)) {
        return true;
      }
    }
    if (multi_wildcard == nullptr) return false;
    for (const size_t tail : multi_wildcard->tail_lengths) {
      if (pos + tail > size) continue;
      const size_t tail_start = size - tail;
      if (!reading.NoEmptySegmentIn(pos, tail_start)) continue;
      if (tail == 0 ? visit(*multi_wildcard)
                    : multi_wildcard->Walk(reading, tail_start, visit)) {
        return true;
      }
    }
    return false;
  }
};

RouteTable::RouteTable() : root_(std::make_unique<Node>()) {}
RouteTable::~RouteTable() = default;
RouteTable::RouteTable(RouteTable&&) noexcept = default;
RouteTable& RouteTable::operator=(RouteTable&&) noexcept = default;

size_t RouteTable::size() const { return routes_.size(); }

absl::Status RouteTable::Add(absl::string_view http_method,
                             absl::string_view path_template,
                             absl::string_view body_field) {
  if (!IsValidHttpMethod(http_method)) {
    return absl::InvalidArgumentError("invalid HTTP method");
  }
  absl::StatusOr<HttpTemplate> parsed = HttpTemplate::Parse(path_template);
  if (!parsed.ok()) return parsed.status();

  Node* node = root_.get();
  Node* multi = nullptr;
  int multi_index = -1;
  const std::vector<std::string>& segments = parsed->segments();
  for (size_t i = 0; i < segments.size(); ++i) {
    std::unique_ptr<Node>* child;
    if (segments[i] == HttpTemplate::kSingleWildcard) {
      child = &node->single_wildcard;
    } else if (segments[i] == HttpTemplate::kMultiWildcard) {
      child = &node->multi_wildcard;
    } else {
      child = &node->literals[segments[i]];
    }
    if (*child == nullptr) *child = std::make_unique<Node>();
    node = child->get();
    if (segments[i] == HttpTemplate::kMultiWildcard) {
      multi = node;
      multi_index = static_cast<int>(i);
    }
  }
  auto& by_method = node->routes[parsed->verb()];
  if (by_method.find(http_method) != by_method.end()) {
    return absl::AlreadyExistsError(
        absl::StrCat("conflicting route: ", http_method, " ",
                     parsed->StructuralKey(), " is already registered"));
  }
  by_method.emplace(std::string(http_method), routes_.size());
  if (multi != nullptr) {
    multi->tail_lengths.insert(segments.size() -
                               static_cast<size_t>(multi_index) - 1);
  }
  if (!parsed->verb().empty()) has_verbs_ = true;
  routes_.push_back(Route{std::string(http_method), *std::move(parsed),
                          std::string(body_field), multi_index});
  return absl::OkStatus();
}

absl::StatusOr<RouteTable::Result> RouteTable::Lookup(
    absl::string_view http_method, absl::string_view path) const {
  Result result;
  if (size_t q = path.find('?'); q != absl::string_view::npos) {
    result.query = std::string(path.substr(q + 1));
    path = path.substr(0, q);
  }
  if (path.empty() || path[0] != '/') {
    return absl::InvalidArgumentError("request path must start with '/'");
  }
  if (path.size() > kMaxPathBytes) {
    return absl::InvalidArgumentError("request path too long");
  }
  // Each '/' starts one segment, so this bounds the split below.
  if (static_cast<size_t>(std::count(path.begin(), path.end(), '/')) >
      kMaxPathSegments) {
    return absl::InvalidArgumentError("request path has too many segments");
  }
  // Reject malformed escapes for every route alike, not only for routes
  // whose variables happen to cover the bad segment.
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] != '%') continue;
    if (i + 2 >= path.size() || HexValue(path[i + 1]) < 0 ||
        HexValue(path[i + 2]) < 0) {
      return BadEscape();
    }
  }

  // Readings in priority order: with the verb split off, then without.
  std::vector<Reading> readings(1);
  if (path.size() > 1) {
    std::vector<absl::string_view> parts = absl::StrSplit(path.substr(1), '/');
    readings[0].segments = std::move(parts);
  }
  if (has_verbs_ && !readings[0].segments.empty()) {
    absl::string_view last = readings[0].segments.back();
    size_t colon = last.rfind(':');
    if (colon != absl::string_view::npos && colon + 1 < last.size()) {
      Reading with_verb = readings[0];
      with_verb.segments.back() = last.substr(0, colon);
      with_verb.verb = last.substr(colon + 1);
      readings.insert(readings.begin(), std::move(with_verb));
    }
  }
  for (Reading& reading : readings) reading.CountEmpty();

  for (const Reading& reading : readings) {
    const size_t* found = nullptr;
    root_->Walk(reading, 0, [&](const Node& node) {
      auto verb_it = node.routes.find(reading.verb);
      if (verb_it == node.routes.end()) return false;
      auto method_it = verb_it->second.find(http_method);
      if (method_it == verb_it->second.end()) return false;
      found = &method_it->second;
      return true;
    });
    if (found == nullptr) continue;

    const Route& route = routes_[*found];
    result.outcome = LookupOutcome::kMatch;
    result.route_index = *found;
    result.body_field = route.body_field;
    const auto& segments = reading.segments;
    for (const HttpTemplate::Variable& var : route.path_template.variables()) {
      const size_t start =
          route.RequestIndex(var.start_segment, segments.size());
      const size_t end = route.RequestIndex(var.end_segment, segments.size());
      absl::StatusOr<std::string> value = PercentDecode(
          absl::StrJoin(segments.begin() + start, segments.begin() + end, "/"),
          var.IsMultiSegment());
      if (!value.ok()) return value.status();
      result.bindings.push_back(VariableBinding{var.field_path, *value});
    }
    return result;
  }

  std::set<std::string> allowed;
  for (const Reading& reading : readings) {
    root_->Walk(reading, 0, [&](const Node& node) {
      auto verb_it = node.routes.find(reading.verb);
      if (verb_it != node.routes.end()) {
        for (const auto& entry : verb_it->second) allowed.insert(entry.first);
      }
      return false;
    });
  }
  if (!allowed.empty()) {
    result.outcome = LookupOutcome::kMethodNotAllowed;
    result.allowed_methods.assign(allowed.begin(), allowed.end());
  }
  return result;
}

}  // namespace internal
}  // namespace gateway
