#include "server/core/call_context.h"

namespace integrator::core {

void CallContext::Keep(absl::string_view key, absl::string_view value) {
  if (value.size() > kMaxMetadataValueBytes) return;
  metadata_.emplace_back(std::string(key), std::string(value));
}

auth::CallCredentials CallContext::Credentials() const {
  auth::CallCredentials credentials = auth::CallCredentials::From(
      [this](absl::string_view key) -> std::optional<absl::string_view> {
        for (const auto& [name, value] : metadata_) {
          if (name == key) return absl::string_view(value);
        }
        return std::nullopt;
      });
  credentials.via_embedded_gateway = via_embedded_gateway_;
  return credentials;
}

}  // namespace integrator::core
