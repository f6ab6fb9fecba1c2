#include "gateway/grpc_invoker.h"

#include <string>
#include <utility>

namespace gateway {

void GrpcInvoker::Invoke(const RouteMethod& route,
                         std::unique_ptr<google::protobuf::Message> request,
                         const HeaderList& metadata, Done done) const {
  upstream_->Call(
      route.rpc_path, request->SerializeAsString(), metadata,
      [route = &route, done = std::move(done)](
          absl::Status status, std::string response_bytes) mutable {
        if (!status.ok()) return done(std::move(status), nullptr);
        std::unique_ptr<google::protobuf::Message> response(
            route->response_prototype->New());
        if (!response->ParseFromString(response_bytes)) {
          return done(
              absl::InternalError("the upstream response could not be parsed"),
              nullptr);
        }
        done(absl::OkStatus(), std::move(response));
      });
}

}  // namespace gateway
