#include "server/rpc/reflection_service.h"

#include <type_traits>
#include <utility>

#include "grpc/reflection/v1/reflection.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "server/rpc/reflection_answerer.h"

namespace integrator::rpc {
namespace {

namespace v1 = grpc::reflection::v1;
namespace v1alpha = grpc::reflection::v1alpha;

// v1alpha's messages are v1's under another package, field for field, so a
// v1alpha stream converts through the wire form and shares the answerer.
template <typename To, typename From>
To Convert(const From& from) {
  if constexpr (std::is_same_v<To, From>) {
    return from;
  } else {
    To to;
    to.ParseFromString(from.SerializeAsString());
    return to;
  }
}

// One reflection stream: read a request, write its answer, repeat.
template <typename Request, typename Response>
class ReflectionStream final
    : public grpc::ServerBidiReactor<Request, Response> {
 public:
  explicit ReflectionStream(const std::vector<std::string>* services)
      : answerer_(google::protobuf::DescriptorPool::generated_pool(),
                  services) {
    this->StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      this->Finish(grpc::Status::OK);  // the client closed its side
      return;
    }
    if (++requests_ > kMaxReflectionRequests) {
      this->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                "too many requests on one reflection stream; "
                                "open another"));
      return;
    }
    response_ = Convert<Response>(
        answerer_.Answer(Convert<v1::ServerReflectionRequest>(request_)));
    this->StartWrite(&response_);
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      this->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                "the reflection stream broke"));
      return;
    }
    this->StartRead(&request_);
  }

  // gRPC's callback API ends a reactor here; it was made for this call.
  void OnDone() override { delete this; }

 private:
  ReflectionAnswerer answerer_;
  Request request_;
  Response response_;
  int requests_ = 0;
};

template <typename Request, typename Response>
grpc::ServerBidiReactor<Request, Response>* NewStream(
    const std::vector<std::string>* services) {
  // Owned by gRPC until OnDone() deletes it.
  return std::make_unique<ReflectionStream<Request, Response>>(services)
      .release();
}

}  // namespace

class ReflectionService::V1 final
    : public v1::ServerReflection::CallbackService {
 public:
  explicit V1(const std::vector<std::string>* services) : services_(services) {}
  grpc::ServerBidiReactor<v1::ServerReflectionRequest,
                          v1::ServerReflectionResponse>*
  ServerReflectionInfo(grpc::CallbackServerContext* /*context*/) override {
    return NewStream<v1::ServerReflectionRequest, v1::ServerReflectionResponse>(
        services_);
  }

 private:
  const std::vector<std::string>* services_;
};

class ReflectionService::V1Alpha final
    : public v1alpha::ServerReflection::CallbackService {
 public:
  explicit V1Alpha(const std::vector<std::string>* services)
      : services_(services) {}
  grpc::ServerBidiReactor<v1alpha::ServerReflectionRequest,
                          v1alpha::ServerReflectionResponse>*
  ServerReflectionInfo(grpc::CallbackServerContext* /*context*/) override {
    return NewStream<v1alpha::ServerReflectionRequest,
                     v1alpha::ServerReflectionResponse>(services_);
  }

 private:
  const std::vector<std::string>* services_;
};

ReflectionService::ReflectionService(const std::vector<std::string>* services)
    : v1_(std::make_unique<V1>(services)),
      v1alpha_(std::make_unique<V1Alpha>(services)) {}

ReflectionService::~ReflectionService() = default;

std::vector<std::string> ReflectionService::ServiceNames() {
  return {v1::ServerReflection::service_full_name(),
          v1alpha::ServerReflection::service_full_name()};
}

void ReflectionService::Register(grpc::ServerBuilder& builder) {
  builder.RegisterService(v1_.get());
  builder.RegisterService(v1alpha_.get());
}

}  // namespace integrator::rpc
