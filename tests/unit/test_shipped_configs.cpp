// The configs shipped for deployment must load: a typo there would only
// show when a site owner starts the container.
#include <doctest/doctest.h>

#include "config/config.h"

using namespace spamgate;

TEST_CASE("docker/spamgate.toml loads") {
  Result<Config> config = load_config(SPAMGATE_SOURCE_DIR "/docker/spamgate.toml");
  REQUIRE_MESSAGE(config.ok(), config.error());
  CHECK(config->mail.enabled);
  CHECK(config->server.listen.find(':') != std::string::npos);
}

TEST_CASE("deploy/two-node: both nodes' configs load, share one Redis and differ in their node name") {
  Result<Config> web1 = load_config(SPAMGATE_SOURCE_DIR "/deploy/two-node/spamgate-web1.toml");
  Result<Config> web2 = load_config(SPAMGATE_SOURCE_DIR "/deploy/two-node/spamgate-web2.toml");
  REQUIRE_MESSAGE(web1.ok(), web1.error());
  REQUIRE_MESSAGE(web2.ok(), web2.error());
  CHECK_FALSE(web1->shared.redis.empty());
  CHECK(web1->shared.redis == web2->shared.redis);
  CHECK(web1->shared.key_prefix == web2->shared.key_prefix);
  CHECK(web1->shared.node != web2->shared.node);
}

TEST_CASE("docker/spamgate.toml puts the compose nodes on the compose Redis") {
  Result<Config> config = load_config(SPAMGATE_SOURCE_DIR "/docker/spamgate.toml");
  REQUIRE_MESSAGE(config.ok(), config.error());
  CHECK(config->shared.redis.rfind("redis://redis:", 0) == 0);
}
