// libFuzzer target over the route compiler and the binder with descriptors
// of the input's own making, so a protobuf FATAL anywhere on the way (a
// reflection call on the wrong message, a field of another type) is found
// by the fuzzer, not by a user of integrator-gateway.
//
// Input: a text-format FileDescriptorProto (its services carry
// google.api.http options; it may import google/api/annotations.proto and
// the well-known types), then a line "---", then "METHOD TARGET", a
// content-type line, and the body. The file is built in a pool over the
// generated one, compiled into a route table, and the request is matched,
// bound and its body also rendered as a response of the matched method.
// Invariant: nothing aborts; a bound request serializes.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "gateway/request_binder.h"
#include "gateway/response_renderer.h"
#include "gateway/route_table.h"
#include "google/api/annotations.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/wrappers.pb.h"

namespace {

class Quiet : public google::protobuf::io::ErrorCollector,
              public google::protobuf::DescriptorPool::ErrorCollector {
 public:
  void AddError(int, int, const std::string&) override {}
  void AddError(const std::string&, const std::string&,
                const google::protobuf::Message*, ErrorLocation,
                const std::string&) override {}
};

// Registers the files a fuzzed descriptor may import in the generated pool.
void LinkImportableFiles() {
  (void)google::api::HttpRule::descriptor();
  (void)google::api::http.number();
  (void)google::protobuf::Timestamp::descriptor();
  (void)google::protobuf::Duration::descriptor();
  (void)google::protobuf::FieldMask::descriptor();
  (void)google::protobuf::Int32Value::descriptor();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool once = [] {
    LinkImportableFiles();
    google::protobuf::SetLogHandler(nullptr);  // errors are expected here
    return true;
  }();
  (void)once;
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t separator = input.find("\n---\n");
  if (separator == absl::string_view::npos) return 0;
  Quiet quiet;
  google::protobuf::FileDescriptorProto file;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&quiet);
  if (!parser.ParseFromString(std::string(input.substr(0, separator)), &file)) {
    return 0;
  }
  file.set_name("fuzz.proto");
  google::protobuf::DescriptorPool pool(
      google::protobuf::DescriptorPool::generated_pool());
  const google::protobuf::FileDescriptor* built =
      pool.BuildFileCollectingErrors(file, &quiet);
  if (built == nullptr) return 0;
  std::vector<std::string> services;
  for (int i = 0; i < built->service_count(); ++i) {
    services.push_back(built->service(i)->full_name());
  }
  absl::StatusOr<std::shared_ptr<const gateway::RouteTable>> routes =
      gateway::RouteTable::Build(pool, services);
  if (!routes.ok()) return 0;

  absl::string_view request = input.substr(separator + 5);
  const size_t line_end = request.find('\n');
  const absl::string_view request_line = request.substr(0, line_end);
  const size_t space = request_line.find(' ');
  if (space == absl::string_view::npos) return 0;
  request = line_end == absl::string_view::npos ? absl::string_view()
                                                : request.substr(line_end + 1);
  const size_t type_end = request.find('\n');
  const absl::string_view content_type = request.substr(0, type_end);
  const absl::string_view body = type_end == absl::string_view::npos
                                     ? absl::string_view()
                                     : request.substr(type_end + 1);

  auto match = (*routes)->matcher().Lookup(request_line.substr(0, space),
                                           request_line.substr(space + 1));
  if (!match.ok() || match->outcome != gateway::LookupOutcome::kMatch) {
    return 0;
  }
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> bound =
      gateway::BindRequest(*match->method, content_type, body, match->query,
                           match->bindings);
  if (bound.ok()) (void)(*bound)->SerializeAsString();
  std::unique_ptr<google::protobuf::Message> response(
      match->method->response_prototype->New());
  if (response->ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    (void)gateway::ResponseToJson(*match->method, *response);
  }
  return 0;
}
