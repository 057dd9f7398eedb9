// The gcs artifact-store flavor: objects under the component's gs://bucket/prefix path, moved
// with the token its gcp connector issues for the bucket (down-scoped to it by default), asked
// for again when it nears expiry (refreshing_client.h).
#include "connectors/gcp/gcp_endpoints.h"
#include "connectors/gcp/gcs_objects.h"
#include "stack/artifact_store_internal.h"
#include "stack/object_artifact_store.h"
#include "stack/refreshing_client.h"

namespace latchkey {
namespace {

class GcsArtifactStore : public ObjectArtifactStore {
 public:
  GcsArtifactStore(Context& ctx, std::unique_ptr<RefreshingClient> client,
                   gcp::GcpEndpoints endpoints, std::string bucket, std::string prefix)
      : ObjectArtifactStore(std::move(prefix)),
        client_(std::move(client)),
        api_{ctx, [this](bool refresh) { return Token(refresh); }, std::move(endpoints)},
        bucket_(std::move(bucket)) {}

 protected:
  Result<void> PutObject(std::string const& name, ReadAt const& read, uint64_t size,
                         TransferProgress const& progress) override {
    return gcp::UploadGcsObject(api_, bucket_, name, read, size, progress);
  }
  Result<uint64_t> ObjectSize(std::string const& name) override {
    return gcp::GcsObjectSize(api_, bucket_, name);
  }
  Result<uint64_t> GetObject(std::string const& name, ByteSink const& sink,
                             TransferProgress const& progress) override {
    return gcp::DownloadGcsObject(api_, bucket_, name, sink, progress);
  }
  Result<std::vector<StoredObject>> ListObjects(std::string const& prefix) override {
    auto objects = gcp::ListGcsObjects(api_, bucket_, prefix);
    if (!objects) return tl::unexpected(objects.error());
    std::vector<StoredObject> out;
    for (auto const& o : *objects) out.push_back({o.name, o.size});
    return out;
  }

 private:
  Result<gcp::AccessToken> Token(bool refresh) {
    auto client = client_->Get(refresh);
    if (!client) return tl::unexpected(client.error());
    return gcp::AccessToken{(*client)->Value("token").value_or(""), (*client)->expires_at, ""};
  }

  std::unique_ptr<RefreshingClient> client_;
  gcp::GcpApi api_;
  std::string bucket_;
};

}  // namespace

Result<std::unique_ptr<ArtifactStore>> OpenGcsArtifactStore(Backend& backend, Context& ctx,
                                                            StackComponent const& component) {
  auto config = ResolvedConfiguration(backend, component);
  if (!config) return tl::unexpected(config.error());
  if (!component.connector_id) return NotConnected(component);
  auto [bucket, prefix] = SplitStorePath((*config)["path"]);
  auto client = std::make_unique<RefreshingClient>(backend, *component.connector_id, "gcs-bucket",
                                                   component.connector_resource_id);
  auto first = client->Get();
  if (!first) {
    return Fail(first.error(), "getting credentials for artifact store '" + component.name + "'");
  }
  if ((*first)->connector_type != "gcp" || (*first)->auth_method != "oauth2-token") {
    return Fail(ErrorCode::kFailedPrecondition,
                "artifact store '" + component.name +
                    "' needs a connector that issues GCP access tokens for its bucket");
  }
  gcp::GcpEndpoints endpoints = gcp::EndpointsOf(**first);
  return std::unique_ptr<ArtifactStore>(std::make_unique<GcsArtifactStore>(
      ctx, std::move(client), std::move(endpoints), bucket, prefix));
}

}  // namespace latchkey
