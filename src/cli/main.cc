#include <cstring>
#include <iostream>

#include "cli/app.h"
#include "cli/docker_credential_helper.h"

int main(int argc, char** argv) {
  // The build links docker-credential-latchkey to this binary: docker finds helpers by name.
  char const* slash = argc > 0 ? std::strrchr(argv[0], '/') : nullptr;
  char const* program = argc > 0 ? (slash ? slash + 1 : argv[0]) : "";
  if (std::strcmp(program, latchkey::cli::kDockerHelperProgram) == 0) {
    return latchkey::cli::RunDockerCredentialHelper(
        {argv + 1, argv + argc}, latchkey::Environment::FromProcess(), std::cin, std::cout);
  }
  return latchkey::cli::RunCli(argc, argv);
}
