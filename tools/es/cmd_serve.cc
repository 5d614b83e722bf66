// es serve: the HTTP JSON API, Server-Sent Events subscriptions and /metrics over the store of
// --db (docs/http.md). Runs until SIGINT or SIGTERM.
#include <fmt/format.h>
#include <pthread.h>

#include <csignal>
#include <iostream>
#include <memory>

#include "command.h"
#include "event_json.h"
#include "exit_code.h"
#include "open_store.h"
#include "server.h"
#include "validators.h"

namespace es::cli {
namespace {

int run_serve(const serve::ServeOptions& options, const GlobalOptions& global) {
  if (const int refused = refuse_tenant(global, "es serve")) return refused;
  // Blocked in every thread the server starts, and taken by sigwait() below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  serve::ServeOptions with_db = options;
  with_db.db = global.db;
  auto server = serve::Server::open(with_db);
  if (!server) return report(server.error());
  if (Status s = (*server)->start(); !s.is_ok()) return report(s);
  const Json ready{{"listening", fmt::format("http://{}:{}", options.bind, (*server)->port())},
                   {"port", (*server)->port()},
                   {"db", global.db},
                   {"auth", !options.tokens.empty()}};
  if (!write_line(std::cout, ready) || !std::cout.flush()) {
    return report(Status::unavailable("cannot write to stdout"));
  }
  int received = 0;
  sigwait(&signals, &received);
  (*server)->stop();
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& app, const GlobalOptions& global, Runner& run) {
  auto options = std::make_shared<serve::ServeOptions>();
  auto rate = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand("serve", "Serve the HTTP JSON API, SSE and /metrics");
  sub->add_option("--bind", options->bind, "Listen address")->capture_default_str();
  sub->add_option("--port", options->port, "Port; 0 picks a free one")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  sub->add_option("--tokens", options->tokens,
                  "Token file: lines 'TOKEN read|write|admin [TENANT]'; without it the API is "
                  "open to anyone who can reach the address");
  sub->add_option(
         "--threads", options->threads,
         "Worker threads for requests other than appends (a subscription holds one while open)")
      ->capture_default_str()
      ->check(at_least(2));
  sub->add_option("--max-subscribers", options->max_subscribers,
                  "Open subscriptions allowed at once (503 above); 0: half of --threads")
      ->capture_default_str();
  sub->add_option("--rate-limit", *rate,
                  "Requests per token (per client address without --tokens), like 100/s or "
                  "600/min; more get 429 with Retry-After. Default: no limit");
  sub->add_option("--rate-burst", options->rate_limit.burst,
                  "Requests a client may make at once above the rate; 0: one second's worth")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--max-body-bytes", options->max_body_bytes, "Largest request body (413 above)")
      ->capture_default_str()
      ->check(at_least(1));
  sub->add_option("--max-events", options->max_events_per_request,
                  "Most events in one append request (413 above)")
      ->capture_default_str()
      ->check(at_least(1));
  sub->footer(
      "Prints {\"listening\",\"port\",\"db\",\"auth\"} once it accepts connections, then serves\n"
      "until SIGINT or SIGTERM. Routes, token file and metrics: docs/http.md.");
  sub->callback([options, rate, &global, &run] {
    run = [options, rate, &global] {
      if (!rate->empty()) {
        auto per_second = serve::parse_rate(*rate);
        if (!per_second) return usage_error(per_second.error().message());
        options->rate_limit.per_second = *per_second;
      }
      return run_serve(*options, global);
    };
  });
}

}  // namespace es::cli
