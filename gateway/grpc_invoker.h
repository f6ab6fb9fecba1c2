// The invoker of a gateway in front of a remote gRPC server: serializes the
// request, makes the call through an Upstream (upstream_caller.h), and
// parses the response into the route's response type.
//
// Contract: as Invoker. A response that does not parse is INTERNAL.
//
// EXAMPLE:
//   auto invoker = std::make_shared<GrpcInvoker>(
//       std::make_shared<UpstreamCaller>(channel, absl::Seconds(10)));
#ifndef GATEWAY_GRPC_INVOKER_H_
#define GATEWAY_GRPC_INVOKER_H_

#include <memory>

#include "gateway/invoker.h"
#include "gateway/upstream_caller.h"

namespace gateway {

class GrpcInvoker final : public Invoker {
 public:
  explicit GrpcInvoker(std::shared_ptr<Upstream> upstream)
      : upstream_(std::move(upstream)) {}

  void Invoke(const RouteMethod& route,
              std::unique_ptr<google::protobuf::Message> request,
              const HeaderList& metadata, Done done) const override;
  void CancelAllAndWait() override { upstream_->CancelAllAndWait(); }

 private:
  std::shared_ptr<Upstream> upstream_;
};

}  // namespace gateway

#endif  // GATEWAY_GRPC_INVOKER_H_
