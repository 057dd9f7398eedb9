// The PostgreSQL the store tests run against: LATCHKEY_TEST_POSTGRES_URL if set, otherwise a
// throwaway server started once per run by tests/peers/postgres.py (standalone mode) and
// stopped by its PID at the end. Each test gets a schema of its own, so tests never see each
// other's tables and an external database only ever gains and loses `lk_test_*` schemas.
#pragma once

#include <sys/types.h>

#include <string>

#include "common/error.h"

namespace latchkey::testing {

class TestPostgres {
 public:
  static TestPostgres& Get();

  // Starts the server on first use; false (see error()) when PostgreSQL cannot be had.
  bool EnsureStarted();
  void Stop();
  std::string const& error() const { return error_; }

  // A new empty schema and a URL whose connections use it (search_path) and carry its name as
  // application_name (so a test can find and kill them).
  Result<std::string> NewSchemaUrl(std::string* schema);
  Result<void> DropSchema(std::string const& schema);
  // One statement on a connection of its own, as the server's superuser.
  Result<void> Admin(std::string const& sql);
  std::string const& url() const { return url_; }

 private:
  bool Launch();

  bool tried_ = false;
  std::string url_;
  std::string error_;
  pid_t launcher_ = -1;
  int stdout_ = -1;  // the launcher's stdout, read until it printed the URL
};

}  // namespace latchkey::testing
