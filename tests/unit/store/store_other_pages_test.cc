// Conformance: stack components, stacks, users and API tokens page in the database like
// connectors do (store_pages_test.cc): filters with their operators, sort orders, visibility
// and page boundaries; and equal names of different owners never make two pages overlap.
#include <gtest/gtest.h>

#include <set>

#include "crypto/random.h"
#include "store_fixture.h"

namespace latchkey::testing {
namespace {

using Strings = std::vector<std::string>;

template <class T>
Strings NamesOf(Result<Page<T>> const& page) {
  EXPECT_TRUE(page) << page.error().message;
  Strings out;
  if (page) {
    for (auto const& item : page->items) out.push_back(item.name);
  }
  return out;
}

ListQuery Query(std::vector<FieldFilter> fields = {}, std::string sort = {}, bool desc = false) {
  ListQuery q;
  q.fields = std::move(fields);
  q.sort_field = std::move(sort);
  q.descending = desc;
  return q;
}

TimePoint At(int64_t seconds) { return TimePoint(std::chrono::seconds(seconds)); }

StackComponent Component(ComponentType type, std::string name, std::string owner,
                         std::string flavor, int64_t created) {
  StackComponent c;
  c.id = crypto::NewUuid();
  c.name = std::move(name);
  c.type = type;
  c.flavor = std::move(flavor);
  c.owner = std::move(owner);
  c.created = c.updated = At(created);
  return c;
}

TEST_P(StoreTest, ComponentPagesAreOneTypeFilteredSortedAndPaged) {
  using enum ComponentType;
  for (auto const& c : {Component(kArtifactStore, "s3-prod", "alice", "s3", 10),
                        Component(kArtifactStore, "gcs-dev", "bob", "gcp", 20),
                        Component(kArtifactStore, "s3-dev", "bob", "s3", 30),
                        Component(kOrchestrator, "s3-runner", "alice", "local", 40)}) {
    ASSERT_TRUE(store_->CreateComponent(c));
  }
  auto page = [&](ListQuery q) { return store_->PageComponents(kArtifactStore, q); };
  EXPECT_EQ(NamesOf(page(Query())), (Strings{"gcs-dev", "s3-dev", "s3-prod"}))
      << "one type only, by name";
  EXPECT_EQ(NamesOf(page(Query({{"name", FilterOp::kStartsWith, {"S3"}}}))),
            (Strings{"s3-dev", "s3-prod"}));
  EXPECT_EQ(NamesOf(page(Query({{"flavor", FilterOp::kEquals, {"s3"}}}, "created", true))),
            (Strings{"s3-dev", "s3-prod"}));
  EXPECT_EQ(NamesOf(page(Query({{"created", FilterOp::kGt, {"10"}}}, "created"))),
            (Strings{"gcs-dev", "s3-dev"}));
  ListQuery any =
      Query({{"user", FilterOp::kEquals, {"alice"}}, {"flavor", FilterOp::kEquals, {"gcp"}}});
  any.match_any = true;
  EXPECT_EQ(NamesOf(page(any)), (Strings{"gcs-dev", "s3-prod"}));

  ListQuery bobs = Query();
  bobs.visible_to = "bob";
  bobs.fields = {{"user", FilterOp::kEquals, {"alice"}}};
  bobs.match_any = true;
  EXPECT_EQ(NamesOf(page(bobs)), Strings{}) << "an OR never widens what the caller sees";
  bobs.fields.clear();
  EXPECT_EQ(NamesOf(page(bobs)), (Strings{"gcs-dev", "s3-dev"}));

  ListQuery second = Query({}, "created", true);
  second.size = 2;
  second.page = 2;
  auto p2 = page(second);
  ASSERT_TRUE(p2);
  EXPECT_EQ(p2->total, 3);
  EXPECT_EQ(p2->total_pages(), 2);
  EXPECT_EQ(NamesOf(p2), Strings{"s3-prod"});
  second.page = 3;
  EXPECT_TRUE(page(second)->items.empty());
  auto bad = page(Query({}, "configuration"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
}

TEST_P(StoreTest, StackPagesCarryTheirComponents) {
  auto files = Component(ComponentType::kArtifactStore, "files", "alice", "local", 1);
  ASSERT_TRUE(store_->CreateComponent(files));
  int64_t created = 100;
  for (auto [name, owner] : {std::pair{"prod", "alice"}, {"dev", "alice"}, {"lab", "bob"}}) {
    Stack s;
    s.id = crypto::NewUuid();
    s.name = name;
    s.owner = owner;
    s.created = s.updated = At(created += 10);
    s.components[ComponentType::kArtifactStore] = files;
    ASSERT_TRUE(store_->CreateStack(s));
  }
  auto all = store_->PageStacks(Query());
  EXPECT_EQ(NamesOf(all), (Strings{"dev", "lab", "prod"}));
  ASSERT_TRUE(all);
  EXPECT_EQ(all->items[0].components.at(ComponentType::kArtifactStore).name, "files");
  EXPECT_EQ(NamesOf(store_->PageStacks(Query({}, "created", true))),
            (Strings{"lab", "dev", "prod"}));
  EXPECT_EQ(NamesOf(store_->PageStacks(Query({{"name", FilterOp::kOneOf, {"lab", "prod"}}}))),
            (Strings{"lab", "prod"}));
  ListQuery mine = Query({{"name", FilterOp::kContains, {"D"}}});
  mine.visible_to = "alice";
  EXPECT_EQ(NamesOf(store_->PageStacks(mine)), (Strings{"dev", "prod"}));
}

TEST_P(StoreTest, UserPagesFilterOnFlags) {
  int64_t created = 0;
  for (auto [name, admin, service] :
       {std::tuple{"zoe", true, false}, {"ci-bot", false, true}, {"alice", false, false}}) {
    User u = MakeUser(name);
    u.admin = admin;
    u.service_account = service;
    u.created = u.updated = At(created += 10);
    ASSERT_TRUE(store_->CreateUser(u));
  }
  EXPECT_EQ(NamesOf(store_->PageUsers(Query())), (Strings{"alice", "ci-bot", "zoe"}));
  EXPECT_EQ(NamesOf(store_->PageUsers(Query({{"admin", FilterOp::kEquals, {"true"}}}))),
            Strings{"zoe"});
  EXPECT_EQ(NamesOf(store_->PageUsers(
                Query({{"service_account", FilterOp::kEquals, {"false"}}}, "created", true))),
            (Strings{"alice", "zoe"}));
  ListQuery one = Query({}, "created");
  one.size = 1;
  one.page = 2;
  auto p = store_->PageUsers(one);
  EXPECT_EQ(NamesOf(p), Strings{"ci-bot"});
  EXPECT_EQ(p->total_pages(), 3);
}

TEST_P(StoreTest, TokenPagesByUserIdAndByUserName) {
  User alice = MakeUser("alice");
  User bob = MakeUser("bob");
  ASSERT_TRUE(store_->CreateUser(alice));
  ASSERT_TRUE(store_->CreateUser(bob));
  int64_t created = 0;
  std::map<std::string, std::string> ids;
  for (auto [user, name] : {std::pair{&alice, "laptop"}, {&bob, "ci"}, {&alice, "ci"}}) {
    ApiToken t = MakeToken(user->id, name);
    t.created = At(created += 10);
    ASSERT_TRUE(store_->CreateToken(t));
    ids[user->name + "/" + name] = t.id;
  }
  ASSERT_TRUE(store_->RevokeToken(ids["alice/laptop"]));
  auto ids_of = [](Result<Page<ApiToken>> const& page) {
    EXPECT_TRUE(page) << page.error().message;
    Strings out;
    for (auto const& t : page->items) out.push_back(t.id);
    return out;
  };
  EXPECT_EQ(ids_of(store_->PageTokens(Query())),
            (Strings{ids["alice/laptop"], ids["bob/ci"], ids["alice/ci"]}))
      << "oldest first";
  EXPECT_EQ(ids_of(store_->PageTokens(Query({{"user", FilterOp::kEquals, {"bob"}}}))),
            Strings{ids["bob/ci"]});
  EXPECT_EQ(ids_of(store_->PageTokens(Query({{"user", FilterOp::kStartsWith, {"AL"}},
                                             {"revoked", FilterOp::kEquals, {"false"}}}))),
            Strings{ids["alice/ci"]});
  ListQuery bobs = Query({{"name", FilterOp::kEquals, {"ci"}}}, "created", true);
  bobs.visible_to = bob.id;
  EXPECT_EQ(ids_of(store_->PageTokens(bobs)), Strings{ids["bob/ci"]});
  bobs.fields = {{"id", FilterOp::kEquals, {ids["alice/ci"]}}};
  EXPECT_TRUE(store_->PageTokens(bobs)->items.empty()) << "another user's token by its ID";
}

// Names are unique per owner only, so the order ends in the ID: a page never repeats an item
// of the page before it, whatever the database returns first among equal names.
TEST_P(StoreTest, EqualNamesOfDifferentOwnersNeverOverlapAcrossPages) {
  for (auto const* owner : {"alice", "bob", "carol", "dave"}) {
    ASSERT_TRUE(store_->CreateConnector(MakeConnector("same", owner), std::nullopt));
    ASSERT_TRUE(store_->CreateSecret(MakeUserSecret("same", owner)));
  }
  for (bool desc : {false, true}) {
    std::set<std::string> connectors;
    std::set<std::string> secrets;
    ListQuery q = Query({}, "name", desc);
    q.size = 1;
    for (q.page = 1; q.page <= 4; ++q.page) {
      auto c = store_->PageConnectors(q);
      auto s = store_->PageSecrets(q);
      ASSERT_TRUE(c && s);
      ASSERT_EQ(c->items.size(), 1u);
      ASSERT_EQ(s->items.size(), 1u);
      connectors.insert(c->items[0].id);
      secrets.insert(s->items[0].id);
    }
    EXPECT_EQ(connectors.size(), 4u);
    EXPECT_EQ(secrets.size(), 4u);
  }
}

}  // namespace
}  // namespace latchkey::testing
