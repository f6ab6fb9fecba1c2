// What the service core knows of a call, whichever face it came through: the
// RPC's name, its request id, when it started, and the metadata that
// authentication reads. The gRPC adapters build it from the call's client
// metadata; the embedded gateway's direct invoker from the forwarded HTTP
// headers. The core knows no transport.
//
// Contract: the context owns copies of the few metadata values it keeps
// (credentials, signed-request headers, the gateway's facts), so it may
// outlive whatever it was built from; Credentials() returns views into it.
// An absent or over-long value (kMaxMetadataValueBytes) is absent.
//
// EXAMPLE:
//   CallContext context = CallContext::From(
//       "UpdateWebhookSecret", request_id,
//       [&](absl::string_view key) { return call.Metadata(key); });
//   authenticator.Authenticate(context.Credentials(), scope);
#ifndef INTEGRATOR_SERVER_CORE_CALL_CONTEXT_H_
#define INTEGRATOR_SERVER_CORE_CALL_CONTEXT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/auth/call_credentials.h"

namespace integrator::core {

// Client metadata values longer than this are treated as absent garbage.
inline constexpr size_t kMaxMetadataValueBytes = 8192;

class CallContext {
 public:
  // `via_embedded_gateway`: only the composition root's direct path, for
  // the calls of this process's own REST gateway, says so.
  template <typename Lookup>
  static CallContext From(absl::string_view rpc_name, std::string request_id,
                          const Lookup& metadata,
                          bool via_embedded_gateway = false) {
    CallContext context(rpc_name, std::move(request_id));
    context.via_embedded_gateway_ = via_embedded_gateway;
    // Gather what authentication reads, by asking for each key it uses.
    (void)auth::CallCredentials::From([&](absl::string_view key) {
      std::optional<absl::string_view> value = metadata(key);
      if (value.has_value()) context.Keep(key, *value);
      return value;
    });
    return context;
  }

  const std::string& rpc_name() const { return rpc_name_; }
  const std::string& request_id() const { return request_id_; }
  absl::Time start() const { return start_; }

  // Views into this context: valid while it lives.
  auth::CallCredentials Credentials() const;

 private:
  CallContext(absl::string_view rpc_name, std::string request_id)
      : rpc_name_(rpc_name),
        request_id_(std::move(request_id)),
        start_(absl::Now()) {}
  void Keep(absl::string_view key, absl::string_view value);

  std::string rpc_name_;
  std::string request_id_;
  absl::Time start_;
  std::vector<std::pair<std::string, std::string>> metadata_;
  bool via_embedded_gateway_ = false;
};

}  // namespace integrator::core

#endif  // INTEGRATOR_SERVER_CORE_CALL_CONTEXT_H_
