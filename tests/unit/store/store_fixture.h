// The conformance fixture: every TEST_P on StoreTest runs once on SQLite and once on
// PostgreSQL, each time on a fresh, empty store opened through OpenStore.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <ostream>
#include <string>

#include "store/open_store.h"
#include "store/store.h"

namespace latchkey::testing {

enum class Backend { kSqlite, kPostgres };
inline void PrintTo(Backend b, std::ostream* os) {
  *os << (b == Backend::kSqlite ? "SQLite" : "PostgreSQL");
}

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override;
  void TearDown() override;

  bool IsPostgres() const { return GetParam() == Backend::kPostgres; }
  // Another Store on the same database: a second process or server replica.
  Result<std::unique_ptr<Store>> OpenAnother(StoreOptions const& options = {}) {
    return OpenStore(url_, options);
  }

  Connector MakeConnector(std::string name, std::string owner = "default");
  // A connector's own (internal) secret with two values.
  SecretRecord MakeInternalSecret(std::string const& id);
  SecretRecord MakeUserSecret(std::string name, std::string owner = "default");
  User MakeUser(std::string name);
  ApiToken MakeToken(std::string const& user_id, std::string name);

  std::string url_;
  std::string schema_;         // PostgreSQL: this test's own schema
  std::filesystem::path dir_;  // SQLite: this test's directory
  std::unique_ptr<Store> store_;
};

std::string BackendName(::testing::TestParamInfo<Backend> const& info);

}  // namespace latchkey::testing
