#include "server/rpc/reflection_answerer.h"

#include <deque>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.pb.h"

namespace integrator::rpc {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FileDescriptor;
using grpc::reflection::v1::ServerReflectionRequest;
using grpc::reflection::v1::ServerReflectionResponse;

void SetError(ServerReflectionResponse& response, absl::StatusCode code,
              absl::string_view message) {
  response.clear_message_response();
  auto* error = response.mutable_error_response();
  error->set_error_code(static_cast<int32_t>(code));
  error->set_error_message(std::string(message));
}

}  // namespace

ServerReflectionResponse ReflectionAnswerer::Answer(
    const ServerReflectionRequest& request) {
  ServerReflectionResponse response;
  response.set_valid_host(request.host());
  *response.mutable_original_request() = request;
  switch (request.message_request_case()) {
    case ServerReflectionRequest::kFileByFilename: {
      const FileDescriptor* file =
          pool_->FindFileByName(request.file_by_filename());
      if (file == nullptr) {
        SetError(response, absl::StatusCode::kNotFound,
                 absl::StrCat("file not found: ", request.file_by_filename()));
      } else {
        AddFiles(file, response);
      }
      break;
    }
    case ServerReflectionRequest::kFileContainingSymbol: {
      const FileDescriptor* file =
          pool_->FindFileContainingSymbol(request.file_containing_symbol());
      if (file == nullptr) {
        SetError(response, absl::StatusCode::kNotFound,
                 absl::StrCat("symbol not found: ",
                              request.file_containing_symbol()));
      } else {
        AddFiles(file, response);
      }
      break;
    }
    case ServerReflectionRequest::kFileContainingExtension: {
      const auto& asked = request.file_containing_extension();
      const Descriptor* type =
          pool_->FindMessageTypeByName(asked.containing_type());
      const google::protobuf::FieldDescriptor* extension =
          type == nullptr
              ? nullptr
              : pool_->FindExtensionByNumber(type, asked.extension_number());
      if (extension == nullptr) {
        SetError(response, absl::StatusCode::kNotFound,
                 absl::StrCat("extension not found: ", asked.containing_type(),
                              " ", asked.extension_number()));
      } else {
        AddFiles(extension->file(), response);
      }
      break;
    }
    case ServerReflectionRequest::kAllExtensionNumbersOfType: {
      const Descriptor* type =
          pool_->FindMessageTypeByName(request.all_extension_numbers_of_type());
      if (type == nullptr) {
        SetError(response, absl::StatusCode::kNotFound,
                 absl::StrCat("type not found: ",
                              request.all_extension_numbers_of_type()));
        break;
      }
      std::vector<const google::protobuf::FieldDescriptor*> extensions;
      pool_->FindAllExtensions(type, &extensions);
      auto* numbers = response.mutable_all_extension_numbers_response();
      numbers->set_base_type_name(type->full_name());
      for (const auto* extension : extensions) {
        numbers->add_extension_number(extension->number());
      }
      break;
    }
    case ServerReflectionRequest::kListServices: {
      auto* list = response.mutable_list_services_response();
      for (const std::string& name : *services_) {
        list->add_service()->set_name(name);
      }
      break;
    }
    case ServerReflectionRequest::MESSAGE_REQUEST_NOT_SET:
      SetError(response, absl::StatusCode::kInvalidArgument,
               "the request names nothing to reflect on");
      break;
  }
  return response;
}

void ReflectionAnswerer::AddFiles(const FileDescriptor* file,
                                  ServerReflectionResponse& response) {
  auto* files = response.mutable_file_descriptor_response();
  std::deque<const FileDescriptor*> queue = {file};
  bool first = true;
  while (!queue.empty()) {
    const FileDescriptor* next = queue.front();
    queue.pop_front();
    // The file asked for goes out even when sent before; a dependency only
    // once per stream.
    const bool fresh = sent_files_.insert(next->name()).second;
    if (first || fresh) {
      google::protobuf::FileDescriptorProto proto;
      next->CopyTo(&proto);
      next->CopyJsonNameTo(&proto);
      proto.SerializeToString(files->add_file_descriptor_proto());
    }
    first = false;
    // Dependencies of a file already sent were sent with it.
    if (!fresh && next != file) continue;
    for (int i = 0; i < next->dependency_count(); ++i) {
      queue.push_back(next->dependency(i));
    }
  }
}

}  // namespace integrator::rpc
