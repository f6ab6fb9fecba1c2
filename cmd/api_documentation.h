// The API's descriptors with their proto comments, for the descriptions in
// /openapi.json. The generated pool that routes and messages come from has
// no comments (protoc leaves source info out of generated code), so the
// build also runs protoc --include_source_info over the API's protos and
// embeds that descriptor set in integrator-server (CMakeLists.txt,
// BUILD.bazel). Both come from the same .proto files, so they agree.
//
// Contract: builds the pool once, on first use, and keeps it for the
// process's lifetime. If the embedded set does not parse or build (a broken
// build), it says so on standard error and returns null: the document is
// then served without descriptions rather than not at all. Thread-safe.
//
// EXAMPLE:
//   options.docs = gateway::OpenApiOptions{
//       .documentation = integrator::cmd::DocumentedApiPool()};
#ifndef CMD_API_DOCUMENTATION_H_
#define CMD_API_DOCUMENTATION_H_

#include "google/protobuf/descriptor.h"

namespace integrator::cmd {

const google::protobuf::DescriptorPool* DocumentedApiPool();

}  // namespace integrator::cmd

#endif  // CMD_API_DOCUMENTATION_H_
