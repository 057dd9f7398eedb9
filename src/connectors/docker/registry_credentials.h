// A registry login as docker stores it: a username and a password or access token.
#pragma once

#include <string>

namespace latchkey::docker {

// Both values are secrets: they must never reach a message or a log.
struct RegistryCredentials {
  std::string username;
  std::string password;
};

}  // namespace latchkey::docker
