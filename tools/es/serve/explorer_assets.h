// The web explorer of `es serve` (docs/explorer.md): its HTML, CSS and JavaScript, embedded into
// the binary at build time by cmake/EmbedAssets.cmake, so the UI needs no files on disk and
// nothing from a CDN.
//
// register_explorer() adds the routes `GET /` (the page) and `GET /assets/<file>` (the rest) to
// a server; call it once, before the server listens. The assets are immutable for the life of
// the process and safe to serve from any number of threads.
//
//   httplib::Server server;
//   es::cli::register_explorer(server);
//   server.listen("127.0.0.1", 8080);
#pragma once

#include <span>
#include <string_view>

namespace httplib {
class Server;
}  // namespace httplib

namespace es::cli {

struct ExplorerAsset {
  std::string_view path;          // "/index.html", "/app.js": relative to the explorer folder
  std::string_view content_type;  // the Content-Type header it is served with
  std::string_view bytes;         // the file as it was at build time
};

// Every embedded file, in the order CMake listed them (generated source).
std::span<const ExplorerAsset> explorer_assets();

// The asset at `path` ("/app.js"), or nullptr.
const ExplorerAsset* find_explorer_asset(std::string_view path);

void register_explorer(httplib::Server& server);

}  // namespace es::cli
