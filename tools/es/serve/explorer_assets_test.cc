// The embedded explorer: every file of tools/es/serve/explorer/ is in the binary byte for byte,
// with its content type, and register_explorer() serves them over HTTP.
#include "explorer_assets.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>

namespace es::cli {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

TEST(ExplorerAssets, EveryFileOfTheFolderIsEmbeddedUnchanged) {
  std::set<std::string> on_disk;
  for (const auto& entry : std::filesystem::directory_iterator(ES_EXPLORER_DIR)) {
    const std::string path = "/" + entry.path().filename().string();
    on_disk.insert(path);
    const ExplorerAsset* asset = find_explorer_asset(path);
    ASSERT_NE(asset, nullptr) << path;
    EXPECT_EQ(asset->bytes, read_file(entry.path())) << path;
  }
  std::set<std::string> embedded;
  for (const ExplorerAsset& asset : explorer_assets()) embedded.insert(std::string(asset.path));
  EXPECT_EQ(embedded, on_disk);
}

TEST(ExplorerAssets, ContentTypesFollowTheExtension) {
  EXPECT_EQ(find_explorer_asset("/index.html")->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(find_explorer_asset("/app.js")->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(find_explorer_asset("/style.css")->content_type, "text/css; charset=utf-8");
  EXPECT_EQ(find_explorer_asset("/favicon.svg")->content_type, "image/svg+xml");
  EXPECT_EQ(find_explorer_asset("/nope.js"), nullptr);
  EXPECT_EQ(find_explorer_asset("app.js"), nullptr);
}

// A server on a loopback port of the kernel's choosing; the socket listens from bind on, so the
// client may connect before the accept loop runs.
class ExplorerRoutes : public ::testing::Test {
 protected:
  void SetUp() override {
    register_explorer(server_);
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  void TearDown() override {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  httplib::Result get(const std::string& path) {
    httplib::Client client("127.0.0.1", port_);
    return client.Get(path.c_str());
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

TEST_F(ExplorerRoutes, RootServesThePage) {
  auto res = get("/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(res->body, find_explorer_asset("/index.html")->bytes);
}

TEST_F(ExplorerRoutes, AssetsAreServedWithTheirType) {
  auto res = get("/assets/app.js");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(res->body, find_explorer_asset("/app.js")->bytes);
}

TEST_F(ExplorerRoutes, AnUnknownAssetIsNotFound) {
  for (const char* path : {"/assets/missing.js", "/assets/../index.html", "/assets/"}) {
    auto res = get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path;
  }
}

}  // namespace
}  // namespace es::cli
