#include "app/serve.h"

#include <signal.h>

#include <functional>
#include <iostream>

#include "app/background_jobs.h"
#include "app/services.h"
#include "http/fcgi_server.h"
#include "http/gateway.h"
#include "util/logfmt.h"

namespace spamgate {
namespace {

sigset_t handled_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

// What the request handlers use of the services.
GatewayServices gateway_services(const Config& config, Services& s) {
  SubmissionHistory* history =
      s.shared_history ? static_cast<SubmissionHistory*>(s.shared_history.get()) : s.history.get();
  return {&config, s.rules.get(), history, s.log.get(), s.feedback.get(), s.learner.get(), s.upstream.get(),
          s.notifier.get(), &s.metrics, &s.clock, s.shared_secret, s.bounce_log.get(), s.decisions.get(),
          s.redis.get(), s.leader.get(), s.outbox.get(), s.fuzzy.get(), s.review_mirror.get()};
}

}  // namespace

int run_serve(const Config& config) {
  signal(SIGPIPE, SIG_IGN);
  const sigset_t signals = handled_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // every thread started below inherits the mask

  Services services;
  if (Status built = build_services(config, services); !built) {
    std::cerr << built.error() << "\n";
    return 2;
  }
  add_background_jobs(config, services);
  std::function<bool()> leading;  // without shared state this node is the only one, so it leads
  if (LeaderLease* leader = services.leader.get()) leading = [leader] { return leader->leading(); };
  if (Status started = services.jobs.start(leading); !started) {
    std::cerr << started.error() << "\n";
    return 2;
  }
  Gateway gateway(gateway_services(config, services));
  FcgiServer server;
  if (Status opened = server.open(config.server); !opened) {
    std::cerr << opened.error() << "\n";
    return 2;
  }
  server.start([&gateway](HttpRequest& request) { return gateway.handle(request); }, config.limits);
  LogLine()
      .add("msg", "spamgate serving")
      .add("listen", config.server.listen.empty() ? "inherited socket" : config.server.listen)
      .add("threads", config.server.threads)
      .add("mail", config.mail.enabled ? "on" : "off")
      .write();

  for (;;) {
    int received = 0;
    sigwait(&signals, &received);
    if (received != SIGHUP) break;
    reload_rules(*services.rules, services.metrics, "SIGHUP");
  }

  LogLine().add("msg", "spamgate stopping").write();
  server.stop();  // the requests in progress finish (and may still queue mail)
  services.jobs.stop();
  if (Status flushed = services.log->flush(); !flushed)
    LogLine("error").add("msg", "the last verdict rows could not be written").add("error", flushed.error()).write();
  return 0;
}

}  // namespace spamgate
