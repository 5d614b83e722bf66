#include "explorer_assets.h"

#include <httplib.h>

#include <string>

namespace es::cli {
namespace {

void serve(const ExplorerAsset& asset, httplib::Response& res) {
  // The page links its assets by fixed names, so a browser must revalidate rather than keep an
  // old app.js after the binary was upgraded.
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_content(asset.bytes.data(), asset.bytes.size(), std::string(asset.content_type));
}

}  // namespace

const ExplorerAsset* find_explorer_asset(std::string_view path) {
  for (const ExplorerAsset& asset : explorer_assets()) {
    if (asset.path == path) return &asset;
  }
  return nullptr;
}

void register_explorer(httplib::Server& server) {
  server.Get("/", [](const httplib::Request&, httplib::Response& res) {
    serve(*find_explorer_asset("/index.html"), res);
  });
  server.Get(R"(/assets/([A-Za-z0-9_.-]+))",
             [](const httplib::Request& req, httplib::Response& res) {
               const ExplorerAsset* asset = find_explorer_asset("/" + req.matches[1].str());
               if (asset == nullptr) {
                 res.status = 404;
                 res.set_content(R"({"error":{"code":"not_found","message":"no such asset"}})",
                                 "application/json");
                 return;
               }
               serve(*asset, res);
             });
}

}  // namespace es::cli
