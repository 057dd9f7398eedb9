// Conformance: stack components (unique per type, linked connectors protected), stacks with
// their members, and each user's active stack.
#include <gtest/gtest.h>

#include "crypto/random.h"
#include "store_fixture.h"

namespace latchkey::testing {
namespace {

StackComponent MakeComponent(ComponentType type, std::string name, std::string owner = "alice") {
  StackComponent c;
  c.id = crypto::NewUuid();
  c.name = std::move(name);
  c.type = type;
  c.flavor = type == ComponentType::kArtifactStore ? "s3" : "local";
  c.configuration = {{"path", "s3://bucket/prefix"}, {"key", "{{aws.id}}"}};
  c.owner = std::move(owner);
  c.created = c.updated = Now();
  return c;
}

TEST_P(StoreTest, ComponentsAreUniquePerTypeAndRoundTrip) {
  auto store = MakeComponent(ComponentType::kArtifactStore, "shared-name");
  auto orchestrator = MakeComponent(ComponentType::kOrchestrator, "shared-name", "bob");
  ASSERT_TRUE(store_->CreateComponent(store));
  ASSERT_TRUE(store_->CreateComponent(orchestrator));
  auto dup = store_->CreateComponent(MakeComponent(ComponentType::kArtifactStore, "shared-name"));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(dup.error().message, "an artifact store named 'shared-name' already exists");

  auto found = store_->FindComponent(ComponentType::kArtifactStore, "shared-name");
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->id, store.id);
  EXPECT_EQ(found->configuration, store.configuration);
  EXPECT_EQ(found->created, store.created);
  EXPECT_FALSE(found->connector_id);
  EXPECT_EQ(store_->FindComponent(ComponentType::kOrchestrator, orchestrator.id.substr(0, 8))->id,
            orchestrator.id);
  EXPECT_EQ(store_->FindComponent(ComponentType::kContainerRegistry, "shared-name").error().code,
            ErrorCode::kNotFound);

  ComponentFilter mine;
  mine.visible_to = "alice";
  EXPECT_EQ(store_->ListComponents(mine)->size(), 1u);
  ComponentFilter orchestrators;
  orchestrators.type = ComponentType::kOrchestrator;
  EXPECT_EQ((*store_->ListComponents(orchestrators))[0].owner, "bob");

  StackComponent renamed = *found;
  renamed.name = "renamed";
  renamed.configuration.erase("key");
  ASSERT_TRUE(store_->UpdateComponent(renamed));
  auto again = store_->FindComponent(ComponentType::kArtifactStore, store.id);
  EXPECT_EQ(again->name, "renamed");
  EXPECT_EQ(again->configuration.size(), 1u);
  ASSERT_TRUE(store_->DeleteComponent(store.id));
  EXPECT_EQ(store_->DeleteComponent(store.id).error().code, ErrorCode::kNotFound);
}

TEST_P(StoreTest, LinkedConnectorCannotBeDeleted) {
  Connector c = MakeConnector("reg");
  ASSERT_TRUE(store_->CreateConnector(c, std::nullopt));
  auto registry = MakeComponent(ComponentType::kContainerRegistry, "r");
  registry.connector_id = c.id;
  registry.connector_resource_id = "docker.io";
  ASSERT_TRUE(store_->CreateComponent(registry));
  ComponentFilter users;
  users.connector_id = c.id;
  ASSERT_EQ(store_->ListComponents(users)->size(), 1u);
  // The backend refuses first, naming the components; the schema is the backstop.
  auto del = store_->DeleteConnector(c.id);
  ASSERT_FALSE(del);
  EXPECT_EQ(del.error().code, ErrorCode::kFailedPrecondition);
  registry.connector_id.reset();
  registry.connector_resource_id.reset();
  ASSERT_TRUE(store_->UpdateComponent(registry));
  EXPECT_TRUE(store_->DeleteConnector(c.id));
}

TEST_P(StoreTest, StacksHoldTheirComponentsAndEachUserHasAnActiveOne) {
  auto store = MakeComponent(ComponentType::kArtifactStore, "files");
  auto orchestrator = MakeComponent(ComponentType::kOrchestrator, "default");
  ASSERT_TRUE(store_->CreateComponent(store));
  ASSERT_TRUE(store_->CreateComponent(orchestrator));
  Stack s;
  s.id = crypto::NewUuid();
  s.name = "prod";
  s.owner = "alice";
  s.created = s.updated = Now();
  s.components = {{ComponentType::kArtifactStore, store},
                  {ComponentType::kOrchestrator, orchestrator}};
  ASSERT_TRUE(store_->CreateStack(s));
  auto dup = store_->CreateStack(s);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().message, "a stack named 'prod' already exists");

  auto found = store_->FindStack("prod");
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_EQ(found->components.size(), 2u);
  EXPECT_EQ(found->components.at(ComponentType::kArtifactStore).name, "files");
  EXPECT_EQ(found->components.at(ComponentType::kOrchestrator).id, orchestrator.id);
  ListQuery bobs;
  bobs.visible_to = "bob";
  EXPECT_EQ(store_->PageStacks(bobs)->total, 0);
  EXPECT_EQ(store_->PageStacks(ListQuery{})->total, 1);

  auto in_use = store_->DeleteComponent(store.id);
  ASSERT_FALSE(in_use);
  EXPECT_EQ(in_use.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(in_use.error().message.find("'prod'"), std::string::npos);

  EXPECT_EQ(*store_->ActiveStackId("alice"), std::nullopt);
  ASSERT_TRUE(store_->SetActiveStack("alice", s.id));
  ASSERT_TRUE(store_->SetActiveStack("alice", s.id));  // again: an upsert
  EXPECT_EQ(*store_->ActiveStackId("alice"), s.id);
  EXPECT_EQ(*store_->ActiveStackId("bob"), std::nullopt);

  // Members are replaced as a whole; the orchestrator can then be deleted.
  s.components.erase(ComponentType::kOrchestrator);
  ASSERT_TRUE(store_->UpdateStack(s));
  EXPECT_EQ(store_->FindStack("prod")->components.size(), 1u);
  EXPECT_TRUE(store_->DeleteComponent(orchestrator.id));
  Stack ghost = s;
  ghost.id = crypto::NewUuid();
  EXPECT_EQ(store_->UpdateStack(ghost).error().code, ErrorCode::kNotFound);

  auto before = store_->Revision();
  ASSERT_TRUE(store_->DeleteStack(s.id));
  EXPECT_GT(*store_->Revision(), *before);
  EXPECT_EQ(*store_->ActiveStackId("alice"), std::nullopt);
  EXPECT_TRUE(store_->DeleteComponent(store.id));
}

}  // namespace
}  // namespace latchkey::testing
