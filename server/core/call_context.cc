#include "server/core/call_context.h"

namespace integrator::core {

void CallContext::Keep(absl::string_view key, absl::string_view value) {
  if (value.size() > kMaxMetadataValueBytes) return;
  metadata_.emplace_back(std::string(key), std::string(value));
}

auth::CallCredentials CallContext::Credentials() const {
  return auth::CallCredentials::From(
      [this](absl::string_view key) -> std::optional<absl::string_view> {
        for (const auto& [name, value] : metadata_) {
          if (name == key) return absl::string_view(value);
        }
        return std::nullopt;
      });
}

}  // namespace integrator::core
