#include "proto/rpc/log_line.h"

#include <atomic>
#include <charconv>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/types/span.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "proto/rpc/log_sink.h"

namespace integrator::rpc {
namespace {

std::atomic<LogFormat> process_format{LogFormat::kText};

// JSON through protobuf's own printer (a Struct), so escaping is never
// written by hand; only --log_format=json pays for it.
std::string RenderJson(
    absl::Span<const std::pair<std::string, std::string>> strings,
    absl::Span<const std::pair<std::string, double>> numbers) {
  google::protobuf::Struct object;
  auto& fields = *object.mutable_fields();
  for (const auto& [key, value] : strings) fields[key].set_string_value(value);
  for (const auto& [key, value] : numbers) fields[key].set_number_value(value);
  std::string out;
  if (!google::protobuf::util::MessageToJsonString(object, &out).ok()) {
    // Only invalid UTF-8 can fail; our fields are ASCII by construction.
    return R"({"log_error":"unprintable line"})";
  }
  return out;
}

}  // namespace

absl::StatusOr<LogFormat> ParseLogFormat(absl::string_view name) {
  if (name == "text") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  return absl::InvalidArgumentError(absl::StrCat(
      "--log_format must be text or json, not \"", name.substr(0, 32), "\""));
}

void SetLogFormat(LogFormat format) {
  process_format.store(format, std::memory_order_relaxed);
}

LogFormat CurrentLogFormat() {
  return process_format.load(std::memory_order_relaxed);
}

LogLine::LogLine() : json_(CurrentLogFormat() == LogFormat::kJson) {
  if (!json_) text_.reserve(192);
}

void LogLine::Add(absl::string_view key, absl::string_view value,
                  Field::Kind kind) {
  if (json_) {
    fields_.push_back({std::string(key), std::string(value), kind});
    return;
  }
  if (!text_.empty()) text_.push_back(' ');
  if (kind == Field::Kind::kQuoted) {
    absl::StrAppend(&text_, key, "=\"", value, "\"");
  } else {
    absl::StrAppend(&text_, key, "=", value);
  }
}

LogLine& LogLine::Text(absl::string_view key, absl::string_view value) {
  Add(key, value, Field::Kind::kBare);
  return *this;
}

LogLine& LogLine::Quoted(absl::string_view key, absl::string_view value) {
  Add(key, value, Field::Kind::kQuoted);
  return *this;
}

LogLine& LogLine::Number(absl::string_view key, int64_t value) {
  char digits[24];
  const std::to_chars_result end =
      std::to_chars(digits, digits + sizeof(digits), value);
  const absl::string_view printed(digits,
                                  static_cast<size_t>(end.ptr - digits));
  Add(key, printed, Field::Kind::kNumber);
  return *this;
}

LogLine& LogLine::Millis(absl::string_view key, absl::Duration elapsed) {
  char printed[32];
  const int length = absl::SNPrintF(printed, sizeof(printed), "%.3f",
                                    absl::ToDoubleMilliseconds(elapsed));
  Add(key, absl::string_view(printed, static_cast<size_t>(length)),
      Field::Kind::kNumber);
  return *this;
}

std::string LogLine::Render() const {
  if (json_) {
    std::vector<std::pair<std::string, std::string>> strings;
    std::vector<std::pair<std::string, double>> numbers;
    for (const Field& field : fields_) {
      double number = 0;
      if (field.kind == Field::Kind::kNumber &&
          absl::SimpleAtod(field.value, &number)) {
        numbers.emplace_back(field.key, number);
      } else {
        strings.emplace_back(field.key, field.value);
      }
    }
    return RenderJson(strings, numbers);
  }
  return text_;
}

void LogLine::Write() const { RequestLog().Write(json_ ? Render() : text_); }

}  // namespace integrator::rpc
