// GET /openapi.json: the OpenAPI 3.0 description of every route (docs/http.md has the prose).
#include <string>
#include <vector>

#include "api.h"

namespace es::serve {
namespace {

struct Param {
  const char* name;
  const char* in;  // "path", "query" or "header"
  const char* description;
};

struct Route {
  const char* path;
  const char* method;
  const char* summary;
  const char* role;  // the least role that may call it; "" for open routes
  std::vector<Param> params;
  bool json_body = false;
};

const std::vector<Route>& routes() {
  static const std::vector<Route> kRoutes = {
      {"/api/streams/{stream}",
       "post",
       "Append events to one stream: {expected, events:[{id?, type, data, metadata?, "
       "schema_version?}]}",
       "write",
       {{"stream", "path", "The stream name"}},
       true},
      {"/api/batch",
       "post",
       "Append to several streams atomically: {appends:[{stream, expected, "
       "events}]}",
       "write",
       {},
       true},
      {"/api/streams",
       "get",
       "List streams by name",
       "read",
       {{"prefix", "query", "Names starting with this"},
        {"category", "query", "Streams of this category (the name before the first '-')"},
        {"limit", "query", "At most this many (1-1000, default 100)"},
        {"after", "query", "Names after this one (the previous page's next)"}}},
      {"/api/streams/{stream}",
       "get",
       "Read one stream's events",
       "read",
       {{"stream", "path", "The stream name"},
        {"from", "query", "First version (inclusive)"},
        {"limit", "query", "At most this many (1-1000, default 100)"},
        {"direction", "query", "forward (default) or backward"},
        {"as_of", "query", "Only events recorded at or before this RFC 3339 time"}}},
      {"/api/all",
       "get",
       "Read the global feed in position order",
       "read",
       {{"after", "query", "Start strictly after this position"},
        {"limit", "query", "At most this many (1-1000, default 100)"},
        {"type", "query", "Only these event types (repeat or comma-separate)"},
        {"category", "query", "Only these categories (repeat or comma-separate)"},
        {"prefix", "query", "Only streams starting with this"}}},
      {"/api/subscribe",
       "get",
       "The global feed as Server-Sent Events, catch-up then live",
       "read",
       {{"after", "query", "Start strictly after this position"},
        {"Last-Event-ID", "header", "Resume after this position (overrides after)"},
        {"type", "query", "Only these event types"},
        {"category", "query", "Only these categories"},
        {"prefix", "query", "Only streams starting with this"}}},
      {"/api/stats", "get", "Store statistics", "read", {}},
      {"/api/projections", "get", "Named checkpoints with their lag", "read", {}},
      {"/api/dlq",
       "get",
       "Dead letters",
       "read",
       {{"subscription", "query", "Only this subscription's"}}},
      {"/api/aggregates", "get", "The aggregate state views", "read", {}},
      {"/api/aggregates/{name}/{id}/history",
       "get",
       "The state of one aggregate after each of its events",
       "read",
       {{"name", "path", "The view's name"}, {"id", "path", "The aggregate id"}}},
      {"/metrics", "get", "Prometheus metrics", "admin", {}},
      {"/openapi.json", "get", "This document", "", {}},
      {"/healthz", "get", "Liveness", "", {}},
      {"/", "get", "The web explorer", "", {}},
  };
  return kRoutes;
}

}  // namespace

Json openapi_document() {
  Json paths = Json::object();
  for (const Route& route : routes()) {
    Json operation = Json::object();
    operation["summary"] = route.summary;
    if (*route.role != '\0') {
      operation["security"] = Json::array({Json{{"bearer", Json::array()}}});
      operation["x-role"] = route.role;
    }
    Json params = Json::array();
    for (const Param& p : route.params) {
      params.push_back(Json{{"name", p.name},
                            {"in", p.in},
                            {"required", std::string_view(p.in) == "path"},
                            {"description", p.description},
                            {"schema", Json{{"type", "string"}}}});
    }
    if (!params.empty()) operation["parameters"] = std::move(params);
    if (route.json_body) {
      operation["requestBody"] =
          Json{{"required", true},
               {"content", Json{{"application/json", Json{{"schema", Json{{"type", "object"}}}}}}}};
    }
    Json responses = Json::object();
    responses["200"] = Json{{"description", "OK"}};
    responses["default"] =
        Json{{"description", "An error: {\"error\":{\"code\",\"message\"}}"},
             {"content", Json{{"application/json",
                               Json{{"schema", Json{{"$ref", "#/components/schemas/Error"}}}}}}}};
    operation["responses"] = std::move(responses);
    paths[route.path][route.method] = std::move(operation);
  }
  Json error_schema =
      Json{{"type", "object"},
           {"properties",
            Json{{"error", Json{{"type", "object"},
                                {"properties", Json{{"code", Json{{"type", "string"}}},
                                                    {"message", Json{{"type", "string"}}}}}}}}}};
  Json doc = Json::object();
  doc["openapi"] = "3.0.3";
  doc["info"] = Json{{"title", "eventsource-cpp es serve"}, {"version", "1"}};
  doc["paths"] = std::move(paths);
  doc["components"] =
      Json{{"securitySchemes", Json{{"bearer", Json{{"type", "http"}, {"scheme", "bearer"}}}}},
           {"schemas", Json{{"Error", std::move(error_schema)}}}};
  return doc;
}

}  // namespace es::serve
