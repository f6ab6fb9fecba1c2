#include "gateway/descriptor_loader.h"

#include <fstream>
#include <iterator>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/descriptor.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"

namespace gateway {
namespace {

namespace reflection = grpc::reflection::v1alpha;
using google::protobuf::FileDescriptorProto;

// Collects files by name, within the limits.
class FileCollector {
 public:
  absl::Status Add(const std::string& serialized) {
    bytes_ += serialized.size();
    if (bytes_ > kMaxDescriptorBytes || files_.size() >= kMaxDescriptorFiles) {
      return absl::ResourceExhaustedError(
          "the upstream's descriptors exceed the gateway's limits");
    }
    FileDescriptorProto file;
    if (!file.ParseFromString(serialized)) {
      return absl::InvalidArgumentError(
          "the upstream sent an unreadable file descriptor");
    }
    if (seen_.insert(file.name()).second) files_.push_back(std::move(file));
    return absl::OkStatus();
  }

  absl::StatusOr<LoadedDescriptors> Build(std::vector<std::string> services) {
    LoadedDescriptors out;
    out.database =
        std::make_unique<google::protobuf::SimpleDescriptorDatabase>();
    for (const FileDescriptorProto& file : files_) {
      if (!out.database->Add(file)) {
        return absl::InvalidArgumentError(
            absl::StrCat("conflicting descriptor file ", file.name()));
      }
    }
    out.pool =
        std::make_unique<google::protobuf::DescriptorPool>(out.database.get());
    for (const std::string& name : services) {
      if (absl::StartsWith(name, "grpc.")) continue;
      if (out.pool->FindServiceByName(name) == nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat("the descriptors do not define service ", name));
      }
      out.services.push_back(name);
    }
    return out;
  }

 private:
  std::vector<FileDescriptorProto> files_;
  std::set<std::string> seen_;
  size_t bytes_ = 0;
};

}  // namespace

absl::StatusOr<LoadedDescriptors> LoadDescriptorsFromReflection(
    const std::shared_ptr<grpc::Channel>& channel, absl::Duration timeout) {
  auto stub = reflection::ServerReflection::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  auto stream = stub->ServerReflectionInfo(&context);
  auto ask = [&](const reflection::ServerReflectionRequest& request)
      -> absl::StatusOr<reflection::ServerReflectionResponse> {
    reflection::ServerReflectionResponse response;
    if (!stream->Write(request) || !stream->Read(&response)) {
      // The stream's own code: only UNAVAILABLE (and a deadline) say the
      // upstream may yet come; UNIMPLEMENTED or UNAUTHENTICATED will not pass.
      grpc::Status status = stream->Finish();
      return absl::Status(
          status.ok() ? absl::StatusCode::kUnavailable
                      : static_cast<absl::StatusCode>(status.error_code()),
          absl::StrCat("server reflection failed: ", status.error_message()));
    }
    if (response.has_error_response()) {
      return absl::NotFoundError(absl::StrCat(
          "server reflection: ", response.error_response().error_message()));
    }
    return response;
  };

  reflection::ServerReflectionRequest list;
  list.set_list_services("");
  absl::StatusOr<reflection::ServerReflectionResponse> listed = ask(list);
  if (!listed.ok()) return listed.status();
  std::vector<std::string> services;
  FileCollector files;
  for (const reflection::ServiceResponse& service :
       listed->list_services_response().service()) {
    services.push_back(service.name());
    if (absl::StartsWith(service.name(), "grpc.")) continue;
    reflection::ServerReflectionRequest by_symbol;
    by_symbol.set_file_containing_symbol(service.name());
    absl::StatusOr<reflection::ServerReflectionResponse> described =
        ask(by_symbol);
    if (!described.ok()) return described.status();
    for (const std::string& file :
         described->file_descriptor_response().file_descriptor_proto()) {
      if (absl::Status s = files.Add(file); !s.ok()) return s;
    }
  }
  stream->WritesDone();
  (void)stream->Finish();
  return files.Build(std::move(services));
}

absl::StatusOr<LoadedDescriptors> LoadDescriptorsFromFile(
    absl::string_view path) {
  std::ifstream in{std::string(path), std::ios::binary};
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::string bytes(std::istreambuf_iterator<char>(in), {});
  if (bytes.size() > kMaxDescriptorBytes) {
    return absl::ResourceExhaustedError(absl::StrCat(path, " is too large"));
  }
  google::protobuf::FileDescriptorSet set;
  if (!set.ParseFromString(bytes)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " is not a FileDescriptorSet"));
  }
  FileCollector files;
  std::vector<std::string> services;
  for (const FileDescriptorProto& file : set.file()) {
    if (absl::Status s = files.Add(file.SerializeAsString()); !s.ok()) return s;
    for (const auto& service : file.service()) {
      services.push_back(
          file.package().empty()
              ? service.name()
              : absl::StrCat(file.package(), ".", service.name()));
    }
  }
  return files.Build(std::move(services));
}

}  // namespace gateway
