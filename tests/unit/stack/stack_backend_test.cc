// Stack components and stacks through LocalBackend, linked to a docker connector whose registry
// is the fake HTTP client: connect checks and verification, and the connector's protection.
#include <gtest/gtest.h>

#include <filesystem>

#include "common/strings.h"
#include "crypto/random.h"
#include "fake_http_client.h"
#include "service/local_backend.h"
#include "store/open_store.h"

namespace latchkey {
namespace {

constexpr auto kRegistry = ComponentType::kContainerRegistry;
constexpr auto kArtifacts = ComponentType::kArtifactStore;

class StackBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = std::filesystem::temp_directory_path() / ("latchkey-stacks-" + crypto::NewUuid());
    std::filesystem::create_directories(home_);
    auto store = OpenSqliteStore((home_ / "latchkey.db").string());
    ASSERT_TRUE(store);
    auto http = std::make_unique<testing::FakeHttpClient>();
    // A registry that accepts user/pw with Basic auth and refuses anything else.
    http->SetHandler(
        testing::BasicAuthRegistry("Basic dXNlcjpwdw==", [this] { return registry_up_; }));
    LocalBackendOptions options;
    options.home = home_.string();
    backend_ = std::make_unique<LocalBackend>(options, std::move(*store), std::move(http));
    RegisterRequest r;
    r.draft.name = "reg";
    r.draft.connector_type = "docker";
    r.values = {{"username", "user"}, {"password", "pw"}, {"registry", "https://reg.test:5000"}};
    auto saved = backend_->RegisterConnector(r);
    ASSERT_TRUE(saved) << saved.error().message;
  }
  void TearDown() override {
    backend_.reset();
    std::filesystem::remove_all(home_);
  }

  Result<ConnectedComponent> Register(std::string name, std::string uri, OptString connector = {}) {
    ComponentRequest request;
    request.type = kRegistry;
    request.name_or_id = std::move(name);
    request.flavor = "default";
    request.configuration = {{"uri", std::move(uri)}};
    request.connector = std::move(connector);
    return backend_->RegisterComponent(request);
  }

  std::filesystem::path home_;
  bool registry_up_ = true;
  std::unique_ptr<LocalBackend> backend_;
};

TEST_F(StackBackendTest, ConnectTakesTheResourceFromTheFlavorAttributeAndVerifies) {
  ASSERT_TRUE(Register("r1", "reg.test:5000"));
  auto connected = backend_->ConnectComponent({kRegistry, "r1", "reg", std::nullopt});
  ASSERT_TRUE(connected) << connected.error().message;
  EXPECT_EQ(connected->component.connector_resource_id, "reg.test:5000");
  ASSERT_TRUE(connected->resources);
  EXPECT_EQ(connected->resources->name, "reg");
  auto stored = backend_->GetComponent(kRegistry, "r1");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->connector_id, connected->component.connector_id);

  auto gone = backend_->DisconnectComponent(kRegistry, "r1");
  ASSERT_TRUE(gone);
  EXPECT_FALSE(backend_->GetComponent(kRegistry, "r1")->connector_id);
}

TEST_F(StackBackendTest, ConnectRefusesWrongResourceTypeAndUnreachableResources) {
  ComponentRequest s3;
  s3.type = kArtifacts;
  s3.name_or_id = "bucket";
  s3.flavor = "s3";
  s3.configuration = {{"path", "s3://b/p"}};
  ASSERT_TRUE(backend_->RegisterComponent(s3));
  auto wrong = backend_->ConnectComponent({kArtifacts, "bucket", "reg", std::nullopt});
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(wrong.error().message.find("'s3-bucket'"), std::string::npos);

  ASSERT_TRUE(Register("r1", "reg.test:5000"));
  registry_up_ = false;
  auto down = backend_->ConnectComponent({kRegistry, "r1", "reg", std::nullopt});
  ASSERT_FALSE(down);
  EXPECT_NE(down.error().message.find("cannot reach docker-registry 'reg.test:5000'"),
            std::string::npos)
      << down.error().message;
  EXPECT_FALSE(backend_->GetComponent(kRegistry, "r1")->connector_id);
}

TEST_F(StackBackendTest, RegisterWithConnectorThatFailsSavesNothing) {
  registry_up_ = false;
  auto r = Register("r1", "reg.test:5000", "reg");
  ASSERT_FALSE(r);
  EXPECT_TRUE(backend_->PageComponents(kRegistry, ListQuery{})->items.empty());
  registry_up_ = true;
  auto ok = Register("r1", "reg.test:5000", "reg");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_TRUE(ok->component.connector_id);
}

TEST_F(StackBackendTest, ConnectorInUseCannotBeDeletedOrRetargeted) {
  ASSERT_TRUE(Register("r1", "reg.test:5000", "reg"));
  auto del = backend_->DeleteConnector("reg");
  ASSERT_FALSE(del);
  EXPECT_EQ(del.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(del.error().message.find("container registry 'r1'"), std::string::npos);

  UpdateRequest retarget;
  retarget.name_or_id = "reg";
  retarget.values = {{"registry", "https://other.test:5000"}};
  auto changed = backend_->UpdateConnector(retarget);
  ASSERT_FALSE(changed);
  EXPECT_NE(changed.error().message.find("container registry 'r1'"), std::string::npos);

  UpdateRequest relabel;  // what it reaches stays the same: allowed
  relabel.name_or_id = "reg";
  relabel.description = "still the same registry";
  EXPECT_TRUE(backend_->UpdateConnector(relabel));

  ASSERT_TRUE(backend_->DisconnectComponent(kRegistry, "r1"));
  EXPECT_TRUE(backend_->DeleteConnector("reg"));
}

TEST_F(StackBackendTest, StacksNeedAnArtifactStoreAndTrackTheActiveOne) {
  ComponentRequest local;
  local.type = kArtifacts;
  local.name_or_id = "files";
  local.flavor = "local";
  ASSERT_TRUE(backend_->RegisterComponent(local));
  ASSERT_TRUE(Register("r1", "reg.test:5000", "reg"));

  StackRequest no_store;
  no_store.name = "s0";
  no_store.components = {{kRegistry, "r1"}};
  EXPECT_FALSE(backend_->RegisterStack(no_store));

  StackRequest request;
  request.name = "s1";
  request.components = {{kArtifacts, "files"}, {kRegistry, "r1"}};
  request.set_active = true;
  auto s = backend_->RegisterStack(request);
  ASSERT_TRUE(s) << s.error().message;
  auto active = backend_->GetActiveStack();
  ASSERT_TRUE(active && *active);
  EXPECT_EQ((*active)->name, "s1");
  EXPECT_EQ((*active)->components.at(kRegistry).name, "r1");

  // Parts of a stack stay while it exists; the active stack stays while it is active.
  auto del = backend_->DeleteComponent(kArtifacts, "files");
  ASSERT_FALSE(del);
  EXPECT_NE(del.error().message.find("'s1'"), std::string::npos);
  EXPECT_FALSE(backend_->DeleteStack("s1"));

  request.name = "s2";
  request.set_active = false;
  ASSERT_TRUE(backend_->RegisterStack(request));
  ASSERT_TRUE(backend_->SetActiveStack("s2"));
  EXPECT_TRUE(backend_->DeleteStack("s1"));
  // s2 and the default stack the first stack call made.
  EXPECT_EQ(backend_->PageStacks(ListQuery{})->total, 2);
}

constexpr auto kOrchestrators = ComponentType::kOrchestrator;

// Issue 17: upstream's default stack exists on first use, so the seeds'
// `stack register s3-zenfiles -o default -a s3-zenfiles --set` works on a new store.
TEST_F(StackBackendTest, ADefaultStackOfLocalComponentsExistsOnFirstUse) {
  auto stacks = backend_->PageStacks(ListQuery{});
  ASSERT_TRUE(stacks) << stacks.error().message;
  ASSERT_EQ(stacks->items.size(), 1u);
  Stack const& d = stacks->items[0];
  EXPECT_EQ(d.name, "default");
  ASSERT_TRUE(d.components.contains(kOrchestrators));
  ASSERT_TRUE(d.components.contains(kArtifacts));
  EXPECT_EQ(d.components.at(kOrchestrators).name, "default");
  EXPECT_EQ(d.components.at(kOrchestrators).flavor, "local");
  EXPECT_EQ(d.components.at(kArtifacts).name, "default");
  EXPECT_EQ(d.components.at(kArtifacts).flavor, "local");
  auto active = backend_->GetActiveStack();
  ASSERT_TRUE(active && *active);
  EXPECT_EQ((*active)->name, "default");
  // Asking again creates nothing more.
  EXPECT_EQ(backend_->PageStacks(ListQuery{})->total, 1);
  EXPECT_EQ(backend_->PageComponents(kOrchestrators, ListQuery{})->total, 1);

  ComponentRequest store;
  store.type = kArtifacts;
  store.name_or_id = "files";
  store.flavor = "local";
  ASSERT_TRUE(backend_->RegisterComponent(store));
  StackRequest request;
  request.name = "files";
  request.components = {{kOrchestrators, "default"}, {kArtifacts, "files"}};
  request.set_active = true;
  auto s = backend_->RegisterStack(request);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->components.at(kOrchestrators).id, d.components.at(kOrchestrators).id);

  // Deleting it while another stack exists sticks.
  ASSERT_TRUE(backend_->DeleteStack("default"));
  auto left = backend_->PageStacks(ListQuery{});
  ASSERT_TRUE(left);
  ASSERT_EQ(left->items.size(), 1u);
  EXPECT_EQ(left->items[0].name, "files");
}

TEST_F(StackBackendTest, TheDefaultStackUsesTheUsersOwnDefaultComponent) {
  // A first call that is not about stacks creates nothing: the user's own `default` is kept.
  ComponentRequest own;
  own.type = kArtifacts;
  own.name_or_id = "default";
  own.flavor = "local";
  own.configuration = {{"path", (home_ / "mine").string()}};
  ASSERT_TRUE(backend_->RegisterComponent(own));
  auto stack = backend_->GetStack("default");
  ASSERT_TRUE(stack) << stack.error().message;
  EXPECT_EQ(stack->components.at(kArtifacts).configuration.at("path"), (home_ / "mine").string());
  EXPECT_EQ(backend_->PageComponents(kArtifacts, ListQuery{})->total, 1);
}

TEST_F(StackBackendTest, ComponentNamesAreUniquePerTypeAndUpdatesValidate) {
  ASSERT_TRUE(Register("r1", "reg.test:5000"));
  auto again = Register("r1", "reg.test:5000");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);

  ComponentRequest update;
  update.type = kRegistry;
  update.name_or_id = "r1";
  update.remove_attrs = {"uri"};
  EXPECT_FALSE(backend_->UpdateComponent(update));  // uri is required
  update.remove_attrs.clear();
  update.new_name = "r2";
  update.configuration = {{"uri", "reg.test:5000/team"}};
  auto u = backend_->UpdateComponent(update);
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_EQ(u->name, "r2");
  EXPECT_EQ(u->configuration.at("uri"), "reg.test:5000/team");
}

}  // namespace
}  // namespace latchkey
