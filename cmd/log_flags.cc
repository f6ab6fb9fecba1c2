#include "cmd/log_flags.h"

#include <string>

#include "absl/flags/flag.h"
#include "proto/rpc/log_line.h"

ABSL_FLAG(std::string, log_format, "text",
          "request log lines as `text` (key=value pairs) or `json` (one "
          "object per line); start-up and shutdown lines stay text");

namespace integrator::cmd {

absl::Status ApplyLogFormatFlag() {
  absl::StatusOr<rpc::LogFormat> format =
      rpc::ParseLogFormat(absl::GetFlag(FLAGS_log_format));
  if (!format.ok()) return format.status();
  rpc::SetLogFormat(*format);
  return absl::OkStatus();
}

}  // namespace integrator::cmd
