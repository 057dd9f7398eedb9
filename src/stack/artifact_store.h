// An artifact store in use: bytes moved between local files and the store a component names,
// through credentials its service connector issues (or, without one, the component's own
// `{{secret.key}}` references, resolved now). Runs where the caller is: in remote mode the
// client receives only the connector's short-lived client credentials.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/context.h"
#include "service/backend.h"
#include "stack/stack_model.h"

namespace latchkey {

struct ArtifactEntry {
  std::string key;
  uint64_t size = 0;
};

// Told (bytes done, bytes in all) as a transfer moves.
using ArtifactProgress = std::function<void(uint64_t done, uint64_t total)>;

class ArtifactStore {
 public:
  virtual ~ArtifactStore() = default;
  // Copies a local file to `key`; a failed copy leaves no object behind. Returns the size.
  virtual Result<uint64_t> Upload(std::string const& local_path, std::string const& key,
                                  ArtifactProgress const& progress) = 0;
  // Copies `key` to a local file, written in full before it replaces `local_path`.
  virtual Result<uint64_t> Download(std::string const& key, std::string const& local_path,
                                    ArtifactProgress const& progress) = 0;
  // Keys under `prefix`, relative to the store's root, in lexicographic order.
  virtual Result<std::vector<ArtifactEntry>> List(std::string const& prefix) = 0;
};

// Keys are relative paths: no empty, "." or ".." segments and no leading '/'.
Result<void> ValidateArtifactKey(std::string const& key);

// `latchkey_home` places local stores without a `path`. `ctx` must outlive the store.
Result<std::unique_ptr<ArtifactStore>> OpenArtifactStore(Backend& backend, Context& ctx,
                                                         StackComponent const& component,
                                                         std::string const& latchkey_home);

std::unique_ptr<ArtifactStore> MakeLocalArtifactStore(std::string root);

}  // namespace latchkey
