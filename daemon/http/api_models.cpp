// Model catalog routes: what each model costs to replace, how long it lasts, its AUE date.
#include "http/api_routes.hpp"
#include "http/json_mapping.hpp"
#include "store/model_store.hpp"

namespace fk {

using nlohmann::json;

namespace {

// Names travel in one path segment; the cap keeps a label-sized value (models also name metrics series).
constexpr std::size_t kMaxModelName = 200;

Result<std::string> modelNameOf(const Request& req) {
  auto it = req.params.find("model");
  if (it == req.params.end() || it->second.empty())
    return std::unexpected(Error::invalid("model", "model name is empty"));
  if (it->second.size() > kMaxModelName) {
    return std::unexpected(
        Error::invalid("model", "model name is longer than " + std::to_string(kMaxModelName) + " bytes"));
  }
  return it->second;
}

Response listModels(ApiContext& ctx, Request&) {
  ModelStore store(ctx.db);
  auto models = store.list();
  if (!models) return errorResponse(models.error());
  json items = json::array();
  for (const auto& m : *models) items.push_back(catalogModelToJson(m));
  return jsonResponse(200, {{"items", std::move(items)}});
}

Response getModel(ApiContext& ctx, Request& req) {
  auto name = modelNameOf(req);
  if (!name) return errorResponse(name.error());
  ModelStore store(ctx.db);
  auto model = store.get(*name);
  if (!model) return errorResponse(model.error());
  return jsonResponse(200, catalogModelToJson(*model));
}

Response putModel(ApiContext& ctx, Request& req) {
  auto name = modelNameOf(req);
  if (!name) return errorResponse(name.error());
  auto body = parseJsonObject(req.body);
  if (!body) return errorResponse(body.error());
  auto entry = catalogModelFromJson(*body, *name);
  if (!entry) return errorResponse(entry.error());
  ModelStore store(ctx.db);
  // Only to choose 201 over 200; a concurrent PUT of the same new name at worst gets 201 twice.
  auto existing = store.get(*name);
  if (!existing && existing.error().code != Errc::not_found) return errorResponse(existing.error());
  auto stored = store.put(*entry);
  if (!stored) return errorResponse(stored.error());
  return jsonResponse(existing ? 200 : 201, catalogModelToJson(*stored));
}

}  // namespace

void registerModelRoutes(Router& router, ApiContext& ctx) {
  using Body = RouteOptions::Body;
  router.add("GET", "/api/v1/models", {.min_role = Role::viewer, .body = Body::none},
             [&ctx](Request& req) { return listModels(ctx, req); });
  router.add("GET", "/api/v1/models/{model}", {.min_role = Role::viewer, .body = Body::none},
             [&ctx](Request& req) { return getModel(ctx, req); });
  router.add("PUT", "/api/v1/models/{model}", {.min_role = Role::admin, .body = Body::json, .district_only = true},
             [&ctx](Request& req) { return putModel(ctx, req); });
}

}  // namespace fk
