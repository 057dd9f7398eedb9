// What the artifact-store flavors share: configuration with `{{secret.key}}` references
// resolved, and a `scheme://bucket/prefix` path split into bucket and key prefix.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "stack/artifact_store.h"

namespace latchkey {

Result<std::map<std::string, std::string>> ResolvedConfiguration(Backend& backend,
                                                                 StackComponent const& component);

// "gs://b/runs/1/" -> {"b", "runs/1/"}; the prefix is "" or ends in '/'.
std::pair<std::string, std::string> SplitStorePath(std::string const& path);

// The error for a bucket-backed store with no connector to issue its credentials.
tl::unexpected<Error> NotConnected(StackComponent const& component);

Result<std::unique_ptr<ArtifactStore>> OpenAzureArtifactStore(Backend& backend, Context& ctx,
                                                              StackComponent const& component);
Result<std::unique_ptr<ArtifactStore>> OpenGcsArtifactStore(Backend& backend, Context& ctx,
                                                            StackComponent const& component);

}  // namespace latchkey
