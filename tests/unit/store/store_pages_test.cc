// Conformance: pages of connectors and secrets filtered, sorted and paged by the database, with
// every operator of the filter language, labels and resource types from their own tables, and
// page boundaries.
#include <gtest/gtest.h>

#include <algorithm>

#include "crypto/random.h"
#include "store_fixture.h"

namespace latchkey::testing {
namespace {

std::vector<std::string> Names(Page<Connector> const& p) {
  std::vector<std::string> out;
  for (auto const& c : p.items) out.push_back(c.name);
  return out;
}

std::vector<std::string> SecretNames(Page<SecretRecord> const& p) {
  std::vector<std::string> out;
  for (auto const& s : p.items) out.push_back(s.name);
  return out;
}

FieldFilter Filter(std::string field, FilterOp op, std::vector<std::string> values) {
  return FieldFilter{std::move(field), op, std::move(values)};
}

class PageTest : public StoreTest {
 protected:
  // Five connectors with distinct names, types, owners, times, labels and resource types.
  void SetUp() override {
    StoreTest::SetUp();
    struct Row {
      char const* name;
      char const* type;
      char const* owner;
      int64_t created;
      std::map<std::string, std::string> labels;
      std::vector<std::string> types;
    };
    Row rows[] = {
        {"aws-s3", "aws", "alice", 1000, {{"team", "data"}, {"env", "prod"}}, {"s3-bucket"}},
        {"aws-eks", "aws", "bob", 2000, {{"team", "web"}}, {"kubernetes-cluster", "s3-bucket"}},
        {"gcp_main", "gcp", "alice", 3000, {{"env", "dev"}}, {"gcs-bucket"}},
        {"Docker-Hub", "docker", "carol", 4000, {}, {"docker-registry"}},
        {"x%y", "docker", "bob", 5000, {{"team", "data"}}, {"docker-registry"}},
    };
    for (auto const& r : rows) {
      Connector c = MakeConnector(r.name, r.owner);
      c.connector_type = r.type;
      c.created = c.updated = TimePoint(std::chrono::seconds(r.created));
      c.labels = r.labels;
      c.resource_types = r.types;
      c.shared = std::string(r.owner) == "carol";
      ASSERT_TRUE(store_->CreateConnector(c, std::nullopt));
      ids_[r.name] = c.id;
    }
  }

  Page<Connector> Run(ListQuery q) {
    auto page = store_->PageConnectors(q);
    EXPECT_TRUE(page) << page.error().message;
    return page ? *page : Page<Connector>{};
  }
  std::vector<std::string> Match(std::vector<FieldFilter> filters, bool any = false) {
    ListQuery q;
    q.fields = std::move(filters);
    q.match_any = any;
    q.sort_field = "created";
    return Names(Run(q));
  }

  std::map<std::string, std::string> ids_;
};

using Strings = std::vector<std::string>;

TEST_P(PageTest, TextOperators) {
  EXPECT_EQ(Match({Filter("name", FilterOp::kEquals, {"aws-s3"})}), Strings{"aws-s3"});
  EXPECT_EQ(Match({Filter("name", FilterOp::kEquals, {"AWS-S3"})}), Strings{}) << "equals is exact";
  EXPECT_EQ(Match({Filter("name", FilterOp::kContains, {"aws"})}), (Strings{"aws-s3", "aws-eks"}));
  EXPECT_EQ(Match({Filter("name", FilterOp::kContains, {"DOCKER"})}), Strings{"Docker-Hub"})
      << "contains ignores case, as upstream's LIKE";
  EXPECT_EQ(Match({Filter("name", FilterOp::kStartsWith, {"aws-"})}),
            (Strings{"aws-s3", "aws-eks"}));
  EXPECT_EQ(Match({Filter("name", FilterOp::kEndsWith, {"-hub"})}), Strings{"Docker-Hub"});
  // LIKE wildcards in the user's text are literal.
  EXPECT_EQ(Match({Filter("name", FilterOp::kContains, {"%"})}), Strings{"x%y"});
  EXPECT_EQ(Match({Filter("name", FilterOp::kContains, {"_"})}), Strings{"gcp_main"});
  EXPECT_EQ(Match({Filter("name", FilterOp::kStartsWith, {"aws_"})}), Strings{});
  EXPECT_EQ(Match({Filter("name", FilterOp::kOneOf, {"aws-s3", "x%y", "nope"})}),
            (Strings{"aws-s3", "x%y"}));
  EXPECT_EQ(Match({Filter("name", FilterOp::kGt, {"gcp_main"})}), Strings{"x%y"});
  EXPECT_EQ(Match({Filter("name", FilterOp::kGte, {"gcp_main"})}), (Strings{"gcp_main", "x%y"}));
  EXPECT_EQ(Match({Filter("name", FilterOp::kLt, {"aws-s3"})}), (Strings{"aws-eks", "Docker-Hub"}));
  EXPECT_EQ(Match({Filter("name", FilterOp::kLte, {"Docker-Hub"})}), Strings{"Docker-Hub"});
  EXPECT_EQ(Match({Filter("connector_type", FilterOp::kEquals, {"docker"})}),
            (Strings{"Docker-Hub", "x%y"}));
  EXPECT_EQ(Match({Filter("auth_method", FilterOp::kEquals, {"password"})}).size(), 5u);
  EXPECT_EQ(Match({Filter("user", FilterOp::kEquals, {"alice"})}), (Strings{"aws-s3", "gcp_main"}));
  EXPECT_EQ(Match({Filter("resource_id", FilterOp::kContains, {"DOCKER.IO"})}).size(), 5u);
}

TEST_P(PageTest, IdsTimesAndResourceTypes) {
  EXPECT_EQ(Match({Filter("id", FilterOp::kEquals, {ids_["gcp_main"]})}), Strings{"gcp_main"});
  EXPECT_EQ(Match({Filter("id", FilterOp::kStartsWith, {ids_["gcp_main"].substr(0, 12)})}),
            Strings{"gcp_main"});
  EXPECT_EQ(Match({Filter("id", FilterOp::kOneOf, {ids_["x%y"], ids_["aws-s3"]})}),
            (Strings{"aws-s3", "x%y"}));
  EXPECT_EQ(Match({Filter("created", FilterOp::kGt, {"3000"})}), (Strings{"Docker-Hub", "x%y"}));
  EXPECT_EQ(Match({Filter("created", FilterOp::kGte, {"3000"})}),
            (Strings{"gcp_main", "Docker-Hub", "x%y"}));
  EXPECT_EQ(Match({Filter("created", FilterOp::kLt, {"2000"})}), Strings{"aws-s3"});
  EXPECT_EQ(Match({Filter("updated", FilterOp::kLte, {"2000"})}), (Strings{"aws-s3", "aws-eks"}));
  EXPECT_EQ(Match({Filter("created", FilterOp::kEquals, {"4000"})}), Strings{"Docker-Hub"});
  EXPECT_EQ(Match({Filter("resource_type", FilterOp::kEquals, {"s3-bucket"})}),
            (Strings{"aws-s3", "aws-eks"}));
  EXPECT_EQ(Match({Filter("resource_type", FilterOp::kContains, {"bucket"})}),
            (Strings{"aws-s3", "aws-eks", "gcp_main"}))
      << "one connector with two matching types comes once";
  EXPECT_EQ(Match({Filter("secret_id", FilterOp::kEquals, {"none"})}), Strings{});
}

TEST_P(PageTest, LabelsAndLogicalOperator) {
  ListQuery q;
  q.sort_field = "created";
  q.labels = {{"team", std::nullopt}};
  EXPECT_EQ(Names(Run(q)), (Strings{"aws-s3", "aws-eks", "x%y"}));
  q.labels = {{"team", "data"}};
  EXPECT_EQ(Names(Run(q)), (Strings{"aws-s3", "x%y"}));
  q.labels = {{"team", "data"}, {"env", "prod"}};
  EXPECT_EQ(Names(Run(q)), Strings{"aws-s3"});
  q.match_any = true;
  EXPECT_EQ(Names(Run(q)), (Strings{"aws-s3", "x%y"}));
  q.labels = {{"env", std::nullopt}};
  q.fields = {Filter("connector_type", FilterOp::kEquals, {"docker"})};
  EXPECT_EQ(Names(Run(q)), (Strings{"aws-s3", "gcp_main", "Docker-Hub", "x%y"}));
  q.match_any = false;
  EXPECT_EQ(Names(Run(q)), Strings{});
}

TEST_P(PageTest, LabelRowsFollowUpdatesAndDeletes) {
  auto c = store_->FindConnector("aws-eks");
  ASSERT_TRUE(c);
  c->labels = {{"team", "data"}};
  c->resource_types = {"gcs-bucket"};
  ASSERT_TRUE(store_->UpdateConnector(*c, std::nullopt));
  ListQuery q;
  q.sort_field = "created";
  q.labels = {{"team", "data"}};
  EXPECT_EQ(Names(Run(q)), (Strings{"aws-s3", "aws-eks", "x%y"}));
  q.labels = {{"team", "web"}};
  EXPECT_EQ(Names(Run(q)), Strings{});
  q.labels = {};
  q.fields = {Filter("resource_type", FilterOp::kEquals, {"gcs-bucket"})};
  EXPECT_EQ(Names(Run(q)), (Strings{"aws-eks", "gcp_main"}));
  ASSERT_TRUE(store_->DeleteConnector(ids_["gcp_main"]));
  EXPECT_EQ(Names(Run(q)), Strings{"aws-eks"});
  // The old filter still answers through the same tables.
  ConnectorFilter f;
  f.labels = {{"team", std::string("data")}};
  EXPECT_EQ(store_->ListConnectors(f)->size(), 3u);
}

TEST_P(PageTest, SortOrders) {
  ListQuery q;
  EXPECT_EQ(Names(Run(q)), (Strings{"Docker-Hub", "aws-eks", "aws-s3", "gcp_main", "x%y"}))
      << "by name by default (byte order)";
  q.descending = true;
  EXPECT_EQ(Names(Run(q)), (Strings{"x%y", "gcp_main", "aws-s3", "aws-eks", "Docker-Hub"}));
  q.sort_field = "created";
  EXPECT_EQ(Names(Run(q)), (Strings{"x%y", "Docker-Hub", "gcp_main", "aws-eks", "aws-s3"}));
  q.descending = false;
  q.sort_field = "connector_type";
  EXPECT_EQ(Names(Run(q)), (Strings{"aws-eks", "aws-s3", "Docker-Hub", "x%y", "gcp_main"}))
      << "ties ordered by name";
  q.sort_field = "user";
  EXPECT_EQ(Names(Run(q)), (Strings{"aws-s3", "gcp_main", "aws-eks", "x%y", "Docker-Hub"}));
  q.sort_field = "resource_type";
  EXPECT_FALSE(store_->PageConnectors(q)) << "a set per connector does not order";
}

TEST_P(PageTest, PageBoundaries) {
  ListQuery q;
  q.sort_field = "created";
  q.size = 2;
  auto first = Run(q);
  EXPECT_EQ(first.total, 5);
  EXPECT_EQ(first.total_pages(), 3);
  EXPECT_EQ(Names(first), (Strings{"aws-s3", "aws-eks"}));
  q.page = 3;
  auto last = Run(q);
  EXPECT_EQ(Names(last), Strings{"x%y"});
  EXPECT_EQ(last.total, 5);
  q.page = 4;
  auto past = Run(q);
  EXPECT_TRUE(past.items.empty());
  EXPECT_EQ(past.total, 5);
  q.page = int64_t{1} << 40;
  EXPECT_TRUE(Run(q).items.empty()) << "a huge page is empty, not an overflow";
  q.page = 1;
  q.size = 5;
  EXPECT_EQ(Run(q).total_pages(), 1);
  q.size = 1000;
  EXPECT_EQ(Run(q).items.size(), 5u);
  q.fields = {Filter("name", FilterOp::kEquals, {"nope"})};
  auto none = Run(q);
  EXPECT_EQ(none.total, 0);
  EXPECT_EQ(none.total_pages(), 0);
}

// Totals are remembered per store revision: the pages of one list count it once, and any
// change, made here or by another process on the same database, is counted at the next page.
TEST_P(PageTest, TotalsFollowEveryWriteFromAnyProcess) {
  ListQuery q;
  q.sort_field = "created";
  q.size = 2;
  EXPECT_EQ(Run(q).total, 5);
  EXPECT_EQ(store_->ListTotalsUsage().entries, 1u);
  q.page = 2;
  EXPECT_EQ(Run(q).total, 5);
  EXPECT_EQ(store_->ListTotalsUsage().entries, 1u) << "the second page reused the count";
  ASSERT_TRUE(store_->CreateConnector(MakeConnector("sixth"), std::nullopt));
  EXPECT_EQ(Run(q).total, 6);
  auto other = OpenAnother();
  ASSERT_TRUE(other) << other.error().message;
  ASSERT_TRUE((*other)->DeleteConnector(ids_["aws-s3"]));
  EXPECT_EQ(Run(q).total, 5) << "a delete by another process is seen";
  // Another filter is another total; the same filter with another value too.
  q.visible_to = "alice";
  EXPECT_EQ(Run(q).total, 2);
  q.visible_to = "bob";
  EXPECT_EQ(Run(q).total, 3);
  ListQuery secrets;
  ASSERT_TRUE(store_->CreateSecret(MakeUserSecret("only")));
  EXPECT_EQ(store_->PageSecrets(secrets)->total, 1) << "a table is part of the key";
  auto usage = store_->ListTotalsUsage();
  EXPECT_GT(usage.bytes, 0u);
  EXPECT_GT(usage.max_entries, 0u);
  EXPECT_GT(usage.max_bytes, 0u);
}

TEST_P(PageTest, VisibilityIsAlwaysApplied) {
  ListQuery q;
  q.sort_field = "created";
  q.visible_to = "alice";
  EXPECT_EQ(Names(Run(q)), (Strings{"aws-s3", "gcp_main", "Docker-Hub"}));
  // An OR of filters never widens what the caller may see.
  q.match_any = true;
  q.fields = {Filter("user", FilterOp::kEquals, {"bob"}),
              Filter("name", FilterOp::kEquals, {"aws-s3"})};
  EXPECT_EQ(Names(Run(q)), Strings{"aws-s3"});
  EXPECT_EQ(Run(q).total, 1);
}

TEST_P(PageTest, SecretPages) {
  for (auto [name, owner, created] :
       {std::tuple{"db-pass", "alice", 10}, {"api_key", "bob", 20}, {"DB-Root", "bob", 30}}) {
    auto s = MakeUserSecret(name, owner);
    s.created = s.updated = TimePoint(std::chrono::seconds(created));
    ASSERT_TRUE(store_->CreateSecret(s));
  }
  // The connectors' own secrets are never listed.
  Connector c = MakeConnector("with-secret");
  auto internal = MakeInternalSecret(crypto::NewUuid());
  c.secret_id = internal.id;
  ASSERT_TRUE(store_->CreateConnector(c, internal));
  ListQuery q;
  auto all = store_->PageSecrets(q);
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_EQ(SecretNames(*all), (Strings{"DB-Root", "api_key", "db-pass"}));
  EXPECT_EQ(all->total, 3);
  ASSERT_EQ(all->items[0].values.size(), 1u);
  EXPECT_EQ(all->items[0].values[0].key, "a");
  EXPECT_EQ(all->items[0].values[0].sealed, "") << "keys only";
  q.fields = {Filter("name", FilterOp::kContains, {"db"})};
  EXPECT_EQ(SecretNames(*store_->PageSecrets(q)), (Strings{"DB-Root", "db-pass"}));
  q.fields = {Filter("name", FilterOp::kContains, {"_"})};
  EXPECT_EQ(SecretNames(*store_->PageSecrets(q)), Strings{"api_key"});
  q.fields = {Filter("created", FilterOp::kGte, {"20"})};
  q.sort_field = "created";
  q.descending = true;
  EXPECT_EQ(SecretNames(*store_->PageSecrets(q)), (Strings{"DB-Root", "api_key"}));
  q.fields = {};
  q.visible_to = "alice";
  EXPECT_EQ(SecretNames(*store_->PageSecrets(q)), Strings{"db-pass"});
  q.visible_to.reset();
  q.size = 2;
  q.page = 2;
  auto second = store_->PageSecrets(q);
  EXPECT_EQ(SecretNames(*second), Strings{"db-pass"});
  EXPECT_EQ(second->total_pages(), 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, PageTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres), BackendName);

}  // namespace
}  // namespace latchkey::testing
