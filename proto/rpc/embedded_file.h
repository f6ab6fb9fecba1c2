// A file built into the binary at compile time, as read-only data: the
// assembler's .incbin copies the file's bytes between two symbols, so there
// is no generated source to compile and no file to find at run time.
//
// Contract: INTEGRATOR_EMBED_FILE(name, "path") at namespace scope (outside
// any namespace) defines `absl::string_view name()`, the file's bytes,
// valid for the process's lifetime. `path` is a string literal the
// assembler resolves (absolute, or relative to the compiler's working
// directory); the build must list the file as an input of the .cc that
// embeds it (CMake OBJECT_DEPENDS, Bazel textual_hdrs), since the compiler's
// dependency scan does not see .incbin. ELF (Linux) only.
//
// EXAMPLE:
//   INTEGRATOR_EMBED_FILE(StyleSheet, INTEGRATOR_DOCS_DIR "/style.css")
//   ... response.body.assign(StyleSheet());
#ifndef INTEGRATOR_PROTO_RPC_EMBEDDED_FILE_H_
#define INTEGRATOR_PROTO_RPC_EMBEDDED_FILE_H_

#include <cstddef>

#include "absl/strings/string_view.h"

#define INTEGRATOR_EMBED_FILE(name, path)                         \
  asm(".section .rodata\n"                                        \
      ".balign 16\n"                                              \
      ".global integrator_embedded_" #name                        \
      "_begin\n"                                                  \
      "integrator_embedded_" #name                                \
      "_begin:\n"                                                 \
      ".incbin \"" path                                           \
      "\"\n"                                                      \
      ".global integrator_embedded_" #name                        \
      "_end\n"                                                    \
      "integrator_embedded_" #name                                \
      "_end:\n"                                                   \
      ".previous\n");                                             \
  extern "C" const char integrator_embedded_##name##_begin[];     \
  extern "C" const char integrator_embedded_##name##_end[];       \
  inline absl::string_view name() {                               \
    return absl::string_view(                                     \
        integrator_embedded_##name##_begin,                       \
        static_cast<size_t>(integrator_embedded_##name##_end -    \
                            integrator_embedded_##name##_begin)); \
  }

#endif  // INTEGRATOR_PROTO_RPC_EMBEDDED_FILE_H_
