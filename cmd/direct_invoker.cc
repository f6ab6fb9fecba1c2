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
      lookup);
  {
    absl::MutexLock lock(&in_flight_->mu);
    ++in_flight_->calls;
  }
  methods_->Invoke(
      route.method->full_name(), std::move(context), std::move(request),
      [done = deadlines_.Guard(std::move(done)), in_flight = in_flight_](
          absl::Status status,
          std::unique_ptr<google::protobuf::Message> response) mutable {
        done(std::move(status), std::move(response));
        absl::MutexLock lock(&in_flight->mu);
        --in_flight->calls;
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
