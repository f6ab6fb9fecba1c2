#include "gateway/route_table.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gateway/field_setter.h"
#include "gateway/http_template.h"
#include "google/api/annotations.pb.h"
#include "google/api/http.pb.h"

namespace gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;

struct Binding {
  std::string http_method;
  std::string path;
  std::string body;
  std::string response_body;
};

absl::StatusOr<Binding> BindingOf(const google::api::HttpRule& rule) {
  Binding b;
  switch (rule.pattern_case()) {
    case google::api::HttpRule::kGet:
      b = {"GET", rule.get(), "", ""};
      break;
    case google::api::HttpRule::kPut:
      b = {"PUT", rule.put(), "", ""};
      break;
    case google::api::HttpRule::kPost:
      b = {"POST", rule.post(), "", ""};
      break;
    case google::api::HttpRule::kDelete:
      b = {"DELETE", rule.delete_(), "", ""};
      break;
    case google::api::HttpRule::kPatch:
      b = {"PATCH", rule.patch(), "", ""};
      break;
    case google::api::HttpRule::kCustom:
      b = {rule.custom().kind(), rule.custom().path(), "", ""};
      break;
    default:
      return absl::InvalidArgumentError("an HttpRule has no pattern");
  }
  b.body = rule.body();
  b.response_body = rule.response_body();
  return b;
}

// The binding's parsed template, if the binding can be served.
absl::StatusOr<HttpTemplate> CheckBinding(const MethodDescriptor& method,
                                          const Binding& b) {
  const std::string where =
      absl::StrCat(method.full_name(), " (", b.http_method, " ", b.path, ")");
  absl::StatusOr<HttpTemplate> tmpl = HttpTemplate::Parse(b.path);
  if (!tmpl.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": ", tmpl.status().message()));
  }
  for (const HttpTemplate::Variable& variable : tmpl->variables()) {
    const FieldDescriptor* field =
        FindFieldPath(method.input_type(), variable.field_path);
    if (field == nullptr || field->is_repeated() ||
        field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": path variable ", absl::StrJoin(variable.field_path, "."),
          " is not a singular scalar field of the request"));
    }
  }
  if (!b.body.empty() && b.body != "*" &&
      method.input_type()->FindFieldByName(b.body) == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": body \"", b.body,
                     "\" must be \"*\" or a top-level field of the request"));
  }
  if (!b.response_body.empty() &&
      method.output_type()->FindFieldByName(b.response_body) == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": response_body \"", b.response_body,
                     "\" is not a field of the response"));
  }
  return tmpl;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const RouteTable>> RouteTable::Build(
    const google::protobuf::DescriptorPool& pool,
    absl::Span<const std::string> service_names) {
  auto table = std::make_shared<RouteTable>(BuildTag());
  table->factory_ =
      std::make_unique<google::protobuf::DynamicMessageFactory>(&pool);
  // Generated types keep their generated classes (cheaper, and JSON-identical).
  table->factory_->SetDelegateToGeneratedFactory(true);
  PathMatcherBuilder<RouteMethod> builder;
  // "<verb> <structural key>" -> who serves it, to name both on a conflict.
  std::map<std::string, std::string> served_by;
  for (const std::string& name : service_names) {
    const google::protobuf::ServiceDescriptor* service =
        pool.FindServiceByName(name);
    if (service == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("service ", name, " is not in the descriptor pool"));
    }
    for (int i = 0; i < service->method_count(); ++i) {
      const MethodDescriptor* method = service->method(i);
      if (!method->options().HasExtension(google::api::http)) continue;
      if (method->client_streaming() || method->server_streaming()) {
        table->skipped_.push_back(absl::StrCat(
            method->full_name(), ": streaming methods are not transcoded"));
        continue;
      }
      const google::api::HttpRule& rule =
          method->options().GetExtension(google::api::http);
      std::vector<const google::api::HttpRule*> rules = {&rule};
      for (const google::api::HttpRule& extra : rule.additional_bindings()) {
        rules.push_back(&extra);
      }
      for (const google::api::HttpRule* r : rules) {
        // A rule that cannot be served is skipped and reported; the other
        // routes, of this method too, are served.
        absl::StatusOr<Binding> binding = BindingOf(*r);
        if (!binding.ok()) {
          table->skipped_.push_back(absl::StrCat(method->full_name(), ": ",
                                                 binding.status().message()));
          continue;
        }
        absl::StatusOr<HttpTemplate> parsed = CheckBinding(*method, *binding);
        if (!parsed.ok()) {
          table->skipped_.push_back(std::string(parsed.status().message()));
          continue;
        }
        RouteMethod route;
        route.method = method;
        route.rpc_path =
            absl::StrCat("/", service->full_name(), "/", method->name());
        route.http_template = binding->path;
        route.body_field = binding->body;
        route.response_body = binding->response_body;
        route.request_prototype =
            table->factory_->GetPrototype(method->input_type());
        route.response_prototype =
            table->factory_->GetPrototype(method->output_type());
        const std::string rule =
            absl::StrCat(method->full_name(), " (", binding->http_method, " ",
                         binding->path, ")");
        const std::string key =
            absl::StrCat(binding->http_method, " ", parsed->StructuralKey());
        Route listed{binding->http_method, route};
        if (absl::Status s =
                builder.Register(binding->http_method, binding->path,
                                 binding->body, std::move(route));
            !s.ok()) {
          // The first rule registered keeps the route.
          table->skipped_.push_back(
              absl::IsAlreadyExists(s)
                  ? absl::StrCat(rule, ": the same route as ", served_by[key],
                                 ", which is served")
                  : absl::StrCat(rule, ": ", s.message()));
          continue;
        }
        served_by.emplace(key, rule);
        table->routes_.push_back(std::move(listed));
        ++table->route_count_;
      }
    }
  }
  table->matcher_ =
      std::make_unique<PathMatcher<RouteMethod>>(std::move(builder).Build());
  return std::shared_ptr<const RouteTable>(std::move(table));
}

}  // namespace gateway
