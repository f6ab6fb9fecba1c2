#include "cmd/direct_invoker.h"

#include <optional>
#include <string>
#include <utility>

#include "proto/rpc/request_id.h"
#include "server/core/call_context.h"

namespace integrator::cmd {

void DirectInvoker::Invoke(const gateway::RouteMethod& route,
                           std::unique_ptr<google::protobuf::Message> request,
                           const gateway::HeaderList& metadata,
                           Done done) const {
  const auto lookup =
      [&metadata](absl::string_view key) -> std::optional<absl::string_view> {
    for (const auto& [name, value] : metadata) {
      if (name == key) return absl::string_view(value);
    }
    return std::nullopt;
  };
  core::CallContext context = core::CallContext::From(
      route.method->name(), rpc::RequestIdFrom(lookup(rpc::kRequestIdKey)),
      lookup, /*via_embedded_gateway=*/true);
  // The call counts as in flight until both the core's answer and the
  // caller's `done` (which the deadline may run first, on its own thread)
  // have finished with it: each holds the token.
  auto token = std::make_shared<CallToken>(in_flight_);
  Done guarded = deadlines_.Guard(
      [done = std::move(done), token](
          absl::Status status,
          std::unique_ptr<google::protobuf::Message> response) mutable {
        done(std::move(status), std::move(response));
      });
  methods_->Invoke(
      route.method->full_name(), std::move(context), std::move(request),
      [guarded = std::move(guarded), token = std::move(token)](
          absl::Status status,
          std::unique_ptr<google::protobuf::Message> response) mutable {
        guarded(std::move(status), std::move(response));
      });
}

void DirectInvoker::CancelAllAndWait() {
  absl::MutexLock lock(&in_flight_->mu);
  in_flight_->mu.Await(absl::Condition(
      +[](InFlight* in_flight) ABSL_EXCLUSIVE_LOCKS_REQUIRED(in_flight->mu) {
        return in_flight->calls == 0;
      },
      in_flight_.get()));
}

}  // namespace integrator::cmd
