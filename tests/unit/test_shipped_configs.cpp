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
