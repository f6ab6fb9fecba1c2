// Parser for the google.api.HttpRule path template grammar (http.proto):
//
//   Template  = "/" Segments [ Verb ] | "/" ;
//   Segments  = Segment { "/" Segment } ;
//   Segment   = "*" | "**" | LITERAL | Variable ;
//   Variable  = "{" FieldPath [ "=" Segments ] "}" ;
//   FieldPath = IDENT { "." IDENT } ;
//   Verb      = ":" LITERAL ;
//
// Beyond http.proto, as grpc-gateway v2 and Envoy's transcoder accept them:
// "**" may be followed by more segments (literals, "*", variables; the tail
// then has a fixed length, as in "/a/{x=b/**/y}/z:verb"), and "/" alone is
// the root route.
//
// Contract:
//  - Input is any byte string; nothing is assumed about it, so the parser is
//    safe to run on fuzzer or config input. Templates come from service
//    descriptors, so error messages may quote the (escaped) template.
//  - Parsing is strict, because a permissive parser would let two different
//    spellings of a route collide silently in the PathMatcher. Rejected:
//    missing leading "/", empty segments (including a trailing "/"), more
//    than one "**", nested variables, unbalanced braces, invalid
//    identifiers, a field bound twice, templates over kMaxTemplateBytes or
//    kMaxSegments.
//  - LITERAL is an RFC 3986 pchar sequence without ':' and '*' (':' is
//    reserved for the verb). Literals are kept exactly as written: the
//    matcher compares them with the raw, still percent-encoded request path.
//  - `{x}` is sugar for `{x=*}`.
//  - HttpTemplate is a plain value: copyable, movable, no shared state, and
//    safe to read from many threads once constructed.
//
// EXAMPLE:
//   absl::StatusOr<HttpTemplate> t =
//       HttpTemplate::Parse("/v1/{name=shelves/*/books/*}:publish");
//   // t->segments() == {"v1", "shelves", "*", "books", "*"}
//   // t->verb() == "publish"
//   // t->variables()[0]: field_path {"name"}, start 1, end 5.

#ifndef GATEWAY_HTTP_TEMPLATE_H_
#define GATEWAY_HTTP_TEMPLATE_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gateway {

class HttpTemplate {
 public:
  // Sentinel segment values. They can never collide with a literal because
  // literals may not contain '*'.
  static constexpr absl::string_view kSingleWildcard = "*";
  static constexpr absl::string_view kMultiWildcard = "**";

  // Bounds keep parsing and matching cost predictable for hostile configs.
  static constexpr size_t kMaxTemplateBytes = 4096;
  static constexpr size_t kMaxSegments = 64;

  struct Variable {
    std::vector<std::string> field_path;
    // Half-open range [start_segment, end_segment) into segments(). When
    // the template has "**", a request segment's index depends on the
    // request for every template segment from the "**" on (the matcher
    // counts those from the end).
    int start_segment = 0;
    int end_segment = 0;
    // The variable's segments include the "**".
    bool has_multi_segment_wildcard = false;

    // Per http.proto, multi-segment variables keep "%2F" encoded when
    // decoded, single-segment ones do not.
    bool IsMultiSegment() const {
      return has_multi_segment_wildcard || end_segment - start_segment > 1;
    }

    friend bool operator==(const Variable& a, const Variable& b) {
      return a.field_path == b.field_path &&
             a.start_segment == b.start_segment &&
             a.end_segment == b.end_segment &&
             a.has_multi_segment_wildcard == b.has_multi_segment_wildcard;
    }
    friend bool operator!=(const Variable& a, const Variable& b) {
      return !(a == b);
    }
  };

  // Returns InvalidArgument with a fixed reason for any malformed template.
  static absl::StatusOr<HttpTemplate> Parse(absl::string_view path_template);

  // Literal text, kSingleWildcard or kMultiWildcard; never empty. Empty
  // for the root template "/".
  const std::vector<std::string>& segments() const { return segments_; }
  // Empty when the template has no verb.
  const std::string& verb() const { return verb_; }
  const std::vector<Variable>& variables() const { return variables_; }

  // Canonical spelling with variable names dropped. Two templates with the
  // same key match exactly the same paths, which is what makes two routes
  // conflict.
  std::string StructuralKey() const;

  friend bool operator==(const HttpTemplate& a, const HttpTemplate& b) {
    return a.segments_ == b.segments_ && a.verb_ == b.verb_ &&
           a.variables_ == b.variables_;
  }
  friend bool operator!=(const HttpTemplate& a, const HttpTemplate& b) {
    return !(a == b);
  }

 private:
  class Parser;

  std::vector<std::string> segments_;
  std::string verb_;
  std::vector<Variable> variables_;
};

}  // namespace gateway

#endif  // GATEWAY_HTTP_TEMPLATE_H_
