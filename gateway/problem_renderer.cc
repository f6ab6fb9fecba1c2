#include "gateway/problem_renderer.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gateway/field_setter.h"
#include "gateway/gateway_error.h"
#include "gateway/http_status_map.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/error_details.pb.h"
#include "proto/rpc/request_id.h"
#include "proto/rpc/status_details.h"

namespace gateway {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;
using integrator::rpc::GetDetail;

// Members this renderer sets itself; ErrorInfo metadata never overrides them.
constexpr absl::string_view kReservedMembers[] = {
    "type",  "title",        "status",     "detail", "instance",
    "field", "resourceType", "resourceId", "errors", "retryable"};
constexpr size_t kMaxMemberValueBytes = 512;

absl::string_view FixedServerDetail(int http_status) {
  switch (http_status) {
    case 501:
      return "This operation is not implemented.";
    case 503:
      return "The service is temporarily unavailable; retry later.";
    case 504:
      return "The service did not answer in time.";
    default:
      return "The server encountered an internal error.";
  }
}

bool IsSafeMemberName(absl::string_view name) {
  if (name.empty() || name.size() > 64 ||
      !absl::ascii_isalpha(static_cast<unsigned char>(name[0]))) {
    return false;
  }
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_') {
      return false;
    }
  }
  for (absl::string_view reserved : kReservedMembers) {
    if (name == reserved) return false;
  }
  return true;
}

// A value fit for a quoted-string auth-param (RFC 9110): no quotes,
// backslashes or control characters.
bool IsSafeAuthParam(absl::string_view value) {
  if (value.empty() || value.size() > 256) return false;
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte > 0x7E || c == '"' || c == '\\') return false;
  }
  return true;
}

std::string TitleFromReason(absl::string_view reason) {
  std::vector<std::string> words =
      absl::StrSplit(reason, '_', absl::SkipEmpty());
  for (std::string& word : words) {
    absl::AsciiStrToLower(&word);
    word[0] = absl::ascii_toupper(static_cast<unsigned char>(word[0]));
  }
  return absl::StrJoin(words, " ");
}

// RFC 9110 content negotiation, reduced to the one question asked here.
// A media range with q=0 means "not acceptable" and is skipped.
bool PrefersProblemJson(absl::string_view accept) {
  if (absl::StripAsciiWhitespace(accept).empty()) return true;
  for (absl::string_view range : absl::StrSplit(accept, ',')) {
    std::vector<absl::string_view> parts = absl::StrSplit(range, ';');
    const absl::string_view media = absl::StripAsciiWhitespace(parts[0]);
    bool refused = false;
    for (size_t i = 1; i < parts.size(); ++i) {
      absl::string_view param = absl::StripAsciiWhitespace(parts[i]);
      if (absl::ConsumePrefix(&param, "q=") ||
          absl::ConsumePrefix(&param, "Q=")) {
        double q = 1;
        refused = absl::SimpleAtod(param, &q) && q <= 0;
      }
    }
    if (refused) continue;
    if (absl::EqualsIgnoreCase(media, "application/problem+json") ||
        media == "*/*" || absl::EqualsIgnoreCase(media, "application/*")) {
      return true;
    }
  }
  return false;
}

std::string BearerChallenge(int http_status,
                            const google::rpc::ErrorInfo* info) {
  std::vector<std::string> params;
  if (info != nullptr) {
    for (absl::string_view key : {"realm", "scope"}) {
      auto it = info->metadata().find(std::string(key));
      if (it != info->metadata().end() && IsSafeAuthParam(it->second)) {
        params.push_back(absl::StrCat(key, "=\"", it->second, "\""));
      }
    }
  }
  if (http_status == 403) {
    params.push_back("error=\"insufficient_scope\"");
  } else if (info == nullptr || info->reason() != "MISSING_CREDENTIALS") {
    params.push_back("error=\"invalid_token\"");
  }
  if (params.empty()) return "Bearer";
  return absl::StrCat("Bearer ", absl::StrJoin(params, ", "));
}

}  // namespace

std::string KebabReason(absl::string_view reason) {
  if (reason.empty() || reason.size() > 64) return "";
  std::string out;
  for (char c : reason) {
    if (c == '_') {
      out.push_back('-');
    } else if (absl::ascii_isupper(static_cast<unsigned char>(c)) ||
               absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
    } else {
      return "";
    }
  }
  return out;
}

HttpResponse RenderProblem(const absl::Status& status,
                           const ProblemContext& context) {
  const std::optional<int> override_status = HttpStatusOverride(status);
  const int http_status =
      override_status.value_or(HttpStatusForCode(status.code()));
  const bool from_gateway = override_status.has_value();
  const bool hide_text = http_status >= 500 && !from_gateway;

  const std::optional<google::rpc::ErrorInfo> info =
      GetDetail<google::rpc::ErrorInfo>(status);
  Struct doc;
  auto& fields = *doc.mutable_fields();
  const std::string kebab = info.has_value() ? KebabReason(info->reason()) : "";
  std::string domain =
      info.has_value() ? absl::AsciiStrToLower(info->domain()) : "";
  const bool typed =
      !hide_text && !kebab.empty() && !domain.empty() && domain.size() <= 64 &&
      domain.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.-") ==
          std::string::npos;
  fields["type"].set_string_value(
      typed ? absl::StrCat("urn:problem-type:", domain, ":", kebab)
            : "about:blank");
  fields["title"].set_string_value(
      typed ? TitleFromReason(info->reason())
            : std::string(ReasonPhrase(http_status)));
  fields["status"].set_number_value(http_status);
  fields["detail"].set_string_value(
      hide_text ? std::string(FixedServerDetail(http_status))
                : std::string(status.message()));

  std::string request_id(context.request_id);
  if (std::optional<google::rpc::RequestInfo> request_info =
          GetDetail<google::rpc::RequestInfo>(status);
      request_info.has_value() &&
      integrator::rpc::IsCanonicalUuid(request_info->request_id())) {
    request_id = request_info->request_id();
  }
  fields["instance"].set_string_value(absl::StrCat("urn:uuid:", request_id));

  HttpResponse response;
  response.status = http_status;
  if (!hide_text) {
    if (info.has_value()) {
      for (const auto& [key, value] : info->metadata()) {
        if (IsSafeMemberName(key) && value.size() <= kMaxMemberValueBytes) {
          fields[key].set_string_value(value);
        }
      }
    }
    if (std::optional<google::rpc::ResourceInfo> resource =
            GetDetail<google::rpc::ResourceInfo>(status)) {
      fields["resourceType"].set_string_value(resource->resource_type());
      fields["resourceId"].set_string_value(resource->resource_name());
    }
    if (std::optional<google::rpc::BadRequest> bad_request =
            GetDetail<google::rpc::BadRequest>(status);
        bad_request.has_value() && bad_request->field_violations_size() > 0) {
      Value& errors = fields["errors"];
      for (const auto& violation : bad_request->field_violations()) {
        Struct& entry =
            *errors.mutable_list_value()->add_values()->mutable_struct_value();
        (*entry.mutable_fields())["field"].set_string_value(
            JsonFieldPath(context.request_type, violation.field()));
        (*entry.mutable_fields())["detail"].set_string_value(
            violation.description());
      }
      fields["field"].set_string_value(JsonFieldPath(
          context.request_type, bad_request->field_violations(0).field()));
    }
  }
  if (std::optional<google::rpc::RetryInfo> retry =
          GetDetail<google::rpc::RetryInfo>(status)) {
    // Clamped before any conversion: the delay comes from the upstream.
    const double seconds =
        std::clamp(static_cast<double>(retry->retry_delay().seconds()) +
                       retry->retry_delay().nanos() / 1e9,
                   0.0, 86400.0);
    const int64_t after = static_cast<int64_t>(std::ceil(seconds));
    response.headers.emplace_back("retry-after", std::to_string(after));
    fields["retryable"].set_bool_value(true);
  }
  if (http_status == 401 || http_status == 403) {
    response.headers.emplace_back(
        "www-authenticate",
        BearerChallenge(http_status,
                        info.has_value() && !hide_text ? &*info : nullptr));
  }

  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(doc, &response.body, options)
           .ok()) {
    response.body =
        R"({"type":"about:blank","title":"Internal Server Error","status":500})";
  }
  response.headers.emplace_back("content-type",
                                PrefersProblemJson(context.accept)
                                    ? "application/problem+json"
                                    : "application/json");
  response.headers.emplace_back("x-request-id", request_id);
  return response;
}

}  // namespace gateway
