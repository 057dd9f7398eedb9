// main() of the store conformance suite: PostgreSQL is started at most once per run (on the
// first test that needs it) and stopped after the last test.
#include <gtest/gtest.h>

#include "test_postgres.h"

namespace {

class StopPostgres : public ::testing::Environment {
 public:
  void TearDown() override { latchkey::testing::TestPostgres::Get().Stop(); }
};

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new StopPostgres);
  return RUN_ALL_TESTS();
}
