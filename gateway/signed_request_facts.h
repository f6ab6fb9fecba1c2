// The facts about the raw HTTP request that a signed request is checked
// against (the public contract's hmacAuth): the method, the raw target as
// sent, and the SHA-256 hex of the raw body. Only the gateway saw the raw
// request, so it reports them, under its own metadata keys; the service
// believes them only from a trusted gateway (DESIGN.md, "The gateway's
// headers and metadata").
//
// Contract: a request is signed exactly when it carries X-Signature (the
// service's rule too). For a signed request the three facts are appended to
// `metadata`; the header policy has already dropped any copy a client sent.
// Nothing is appended for an unsigned request.
//
// EXAMPLE:
//   AddSignedRequestFacts(request, call_metadata);
#ifndef GATEWAY_SIGNED_REQUEST_FACTS_H_
#define GATEWAY_SIGNED_REQUEST_FACTS_H_

#include "gateway/http_message.h"

namespace gateway {

void AddSignedRequestFacts(const HttpRequest& request, HeaderList& metadata);

}  // namespace gateway

#endif  // GATEWAY_SIGNED_REQUEST_FACTS_H_
