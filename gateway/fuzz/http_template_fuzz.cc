// libFuzzer target: the input is a path template. Besides "never crash", it
// checks invariants that tie the parser and the matcher together, so a
// disagreement between them aborts (and is reported) instead of hiding.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "gateway/http_template.h"
#include "gateway/path_matcher.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

// A request path the template must match; `multi` replaces "**".
std::string ConcretePath(const gateway::HttpTemplate& t,
                         absl::string_view multi) {
  std::string path;
  for (const std::string& segment : t.segments()) {
    path += '/';
    if (segment == gateway::HttpTemplate::kSingleWildcard) {
      path += "x%2Fy";
    } else if (segment == gateway::HttpTemplate::kMultiWildcard) {
      path.append(multi.data(), multi.size());
    } else {
      path += segment;
    }
  }
  if (!t.verb().empty()) path += ":" + t.verb();
  return path.empty() ? "/" : path;  // the root template
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<gateway::HttpTemplate> parsed =
      gateway::HttpTemplate::Parse(input);

  gateway::PathMatcherBuilder<int> builder;
  if (parsed.ok()) {
    // The structural key is itself a valid template of the same shape.
    absl::StatusOr<gateway::HttpTemplate> reparsed =
        gateway::HttpTemplate::Parse(parsed->StructuralKey());
    Check(reparsed.ok());
    Check(reparsed->segments() == parsed->segments());
    Check(reparsed->verb() == parsed->verb());

    Check(builder.Register("GET", input, "*", 1).ok());
    Check(builder.Register("GET", parsed->StructuralKey(), "", 2).code() ==
          absl::StatusCode::kAlreadyExists);
    Check(builder.Register("POST", input, "", 3).ok());
  } else {
    Check(parsed.status().code() == absl::StatusCode::kInvalidArgument);
    Check(!builder.Register("GET", input, "", 1).ok());
  }
  const gateway::PathMatcher<int> matcher = std::move(builder).Build();

  if (parsed.ok()) {
    for (absl::string_view multi : {"m", "m/%2F/n"}) {
      const std::string path = ConcretePath(*parsed, multi);
      absl::StatusOr<gateway::LookupResult<int>> r =
          matcher.Lookup("GET", path + "?q=1");
      Check(r.ok());
      Check(r->outcome == gateway::LookupOutcome::kMatch);
      Check(*r->method == 1);
      Check(r->query == "q=1");
      Check(r->bindings.size() == parsed->variables().size());
      r = matcher.Lookup("PUT", path);
      Check(r.ok());
      Check(r->outcome == gateway::LookupOutcome::kMethodNotAllowed);
      Check(r->allowed_methods == std::vector<std::string>{"GET", "POST"});
      // A trailing slash is never a route.
      r = matcher.Lookup("GET", path + "/");
      Check(r.ok() && r->outcome != gateway::LookupOutcome::kMatch);
    }
  }
  // Raw bytes as a request path, with and without a leading '/'.
  (void)matcher.Lookup("GET", input);
  (void)matcher.Lookup("DELETE", std::string("/") + std::string(input));
  (void)gateway::PercentDecode(input, true);
  (void)gateway::PercentDecode(input, false);
  return 0;
}
