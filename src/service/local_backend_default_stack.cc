// LocalBackend: the default stack every user starts with, as upstream's does, so that the seeds'
// `stack register s3-zenfiles -o default -a s3-zenfiles --set` works on a new store.
//
// Upstream creates it when its store is initialised. Here components and stacks belong to a
// user and a server's users come and go, so it is made on the user's first use of stacks or
// components instead: whenever the user has no stack at all. Deleting it once another stack
// exists is the user's choice and sticks.
#include "crypto/random.h"
#include "service/local_backend.h"

namespace latchkey {
namespace {

constexpr char kDefaultStackName[] = "default";

}  // namespace

Result<void> LocalBackend::EnsureDefaultStack() {
  ListQuery any;
  any.visible_to = principal_.name;
  any.size = 1;
  auto stacks = store().PageStacks(any);
  if (!stacks) return tl::unexpected(stacks.error());
  if (stacks->total > 0) return {};

  Stack stack;
  stack.name = kDefaultStackName;
  stack.owner = principal_.name;
  stack.created = stack.updated = Now();
  for (ComponentType type : {ComponentType::kOrchestrator, ComponentType::kArtifactStore}) {
    // A `default` component the user made themselves is used as it is.
    NameScope own{principal_.name, false};
    auto existing = store().FindComponent(type, kDefaultStackName, own);
    if (existing && existing->owner == principal_.name) {
      stack.components[type] = std::move(*existing);
      continue;
    }
    StackComponent c;
    c.id = crypto::NewTimeOrderedUuid();
    c.name = kDefaultStackName;
    c.type = type;
    c.flavor = "local";  // the artifact store's directory defaults to one under $LATCHKEY_HOME
    c.owner = principal_.name;
    c.created = c.updated = stack.created;
    auto created = store().CreateComponent(c);
    // Another process of the same user may have just made it: use theirs.
    if (!created && created.error().code == ErrorCode::kAlreadyExists) {
      auto theirs = store().FindComponent(type, kDefaultStackName, own);
      if (!theirs) return tl::unexpected(theirs.error());
      c = std::move(*theirs);
    } else if (!created) {
      return tl::unexpected(created.error());
    }
    stack.components[type] = std::move(c);
  }
  stack.id = crypto::NewTimeOrderedUuid();
  if (auto r = store().CreateStack(stack); !r) {
    return r.error().code == ErrorCode::kAlreadyExists ? Result<void>{} : r;
  }
  auto active = store().ActiveStackId(principal_.name);
  if (!active) return tl::unexpected(active.error());
  if (!*active) return store().SetActiveStack(principal_.name, stack.id);
  return {};
}

}  // namespace latchkey
