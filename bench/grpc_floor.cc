// The floor of gRPC C++ on this machine: a server that answers every unary
// call, whatever its method, with the same two-byte message
// (`secret_configured: true`), over the same completion-queue model as
// integrator-server (one queue and thread per core) and the same gRPC
// limits it can share without our code. What it costs per call is what
// gRPC itself costs; bench/run-grpc-floor sets it beside the Go peer and
// integrator-server.
//
//   grpc_floor --address=127.0.0.1:0   (prints "listening port=N")
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>

#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"

ABSL_FLAG(std::string, address, "127.0.0.1:0", "host:port to listen on");
ABSL_FLAG(int, workers, 0, "completion queues and threads; 0 = one per core");

namespace {

// A call from its request to its answer; the tag of each of its events.
struct Call {
  enum class Stage { kWaiting, kReading, kAnswering };
  grpc::GenericServerContext context;
  grpc::GenericServerAsyncReaderWriter stream{&context};
  grpc::ByteBuffer request;
  Stage stage = Stage::kWaiting;
};

grpc::ByteBuffer Answer() {
  static const char kSecretConfigured[] = {0x08, 0x01};
  grpc::Slice slice(kSecretConfigured, sizeof(kSecretConfigured));
  return grpc::ByteBuffer(&slice, 1);
}

void Serve(grpc::AsyncGenericService& service,
           grpc::ServerCompletionQueue& queue) {
  auto await_call = [&] {
    auto call = std::make_unique<Call>();
    service.RequestCall(&call->context, &call->stream, &queue, &queue,
                        call.get());
    call.release();  // the queue's tag now
  };
  for (int i = 0; i < 16; ++i) await_call();
  void* tag = nullptr;
  bool ok = false;
  while (queue.Next(&tag, &ok)) {
    std::unique_ptr<Call> call(static_cast<Call*>(tag));
    switch (call->stage) {
      case Call::Stage::kWaiting:
        if (!ok) break;
        await_call();
        call->stage = Call::Stage::kReading;
        call->stream.Read(&call->request, call.get());
        call.release();
        break;
      case Call::Stage::kReading:
        call->stage = Call::Stage::kAnswering;
        if (ok) {
          call->stream.WriteAndFinish(Answer(), grpc::WriteOptions(),
                                      grpc::Status::OK, call.get());
        } else {
          call->stream.Finish(grpc::Status::OK, call.get());
        }
        call.release();
        break;
      case Call::Stage::kAnswering:
        break;  // answered: the call ends here
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  int workers = absl::GetFlag(FLAGS_workers);
  if (workers <= 0) {
    workers =
        static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  }
  grpc::AsyncGenericService service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(absl::GetFlag(FLAGS_address),
                           grpc::InsecureServerCredentials(), &port);
  builder.RegisterAsyncGenericService(&service);
  std::vector<std::unique_ptr<grpc::ServerCompletionQueue>> queues;
  for (int i = 0; i < workers; ++i)
    queues.push_back(builder.AddCompletionQueue());
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr) {
    std::cerr << "grpc_floor: cannot listen on " << absl::GetFlag(FLAGS_address)
              << "\n";
    return 1;
  }
  std::cerr << "grpc_floor: listening port=" << port << "\n";
  std::vector<std::thread> threads;
  for (auto& queue : queues) {
    threads.emplace_back(
        [&service, queue = queue.get()] { Serve(service, *queue); });
  }
  for (std::thread& thread : threads) thread.join();  // until killed
  return 0;
}
