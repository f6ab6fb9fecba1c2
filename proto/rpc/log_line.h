// One structured line of the request log: named fields in order, rendered as
// `key=value key=value` (the default) or, with --log_format=json, as one JSON
// object per line, for log shippers that parse JSON.
//
// Contract: fields keep the order they were added in. Text values are
// written as they are (callers log ids, names and codes, never input or a
// secret); in JSON they are strings, numbers are numbers. The format is
// chosen once per process, at start, before the first line (SetLogFormat);
// every face's request line goes through this class, so no line escapes the
// chosen format. Lifecycle lines (start-up, signals) stay plain text.
// Thread-safe for distinct objects; the format is read without a lock.
//
// EXAMPLE:
//   LogLine().Text("request_id", id).Text("face", "rest")
//       .Number("status", 200).Millis("latency_ms", elapsed).Write();
//   // text: request_id=0b3c... face=rest status=200 latency_ms=0.412
//   // json:
//   {"face":"rest","latency_ms":0.412,"request_id":"0b3c...","status":200}
#ifndef INTEGRATOR_PROTO_RPC_LOG_LINE_H_
#define INTEGRATOR_PROTO_RPC_LOG_LINE_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace integrator::rpc {

enum class LogFormat { kText, kJson };

// "text" or "json".
absl::StatusOr<LogFormat> ParseLogFormat(absl::string_view name);
void SetLogFormat(LogFormat format);
LogFormat CurrentLogFormat();

class LogLine {
 public:
  LogLine();

  LogLine& Text(absl::string_view key, absl::string_view value);
  // A value that may hold spaces (an error text): key="value" in text.
  LogLine& Quoted(absl::string_view key, absl::string_view value);
  LogLine& Number(absl::string_view key, int64_t value);
  // Milliseconds with three decimals (microsecond resolution).
  LogLine& Millis(absl::string_view key, absl::Duration elapsed);

  // The line in the process's format, without a trailing newline.
  std::string Render() const;
  // Appends the rendered line to the request log (log_sink.h).
  void Write() const;

 private:
  struct Field {
    std::string key;
    std::string value;
    enum class Kind { kBare, kQuoted, kNumber } kind;
  };
  void Add(absl::string_view key, absl::string_view value, Field::Kind kind);

  // The format is read once: a text line is built in place (one buffer, on
  // every request's path), a JSON one from its fields.
  const bool json_;
  std::string text_;
  std::vector<Field> fields_;
};

}  // namespace integrator::rpc

#endif  // INTEGRATOR_PROTO_RPC_LOG_LINE_H_
