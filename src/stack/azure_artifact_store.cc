// The azure artifact-store flavor: blobs under the component's az://container/prefix path, moved
// with the container SAS its azure connector issues (never an account key), asked for again
// when it nears expiry (refreshing_client.h).
#include "common/strings.h"
#include "connectors/azure/azure_spec.h"
#include "connectors/azure/blob_objects.h"
#include "connectors/kubernetes/kubernetes_credentials.h"
#include "stack/artifact_store_internal.h"
#include "stack/object_artifact_store.h"
#include "stack/refreshing_client.h"

namespace latchkey {
namespace {

class AzureArtifactStore : public ObjectArtifactStore {
 public:
  AzureArtifactStore(Context& ctx, std::unique_ptr<RefreshingClient> client, std::string container,
                     std::string prefix)
      : ObjectArtifactStore(std::move(prefix)),
        ctx_(ctx),
        client_(std::move(client)),
        container_(std::move(container)),
        target_([this] { return Target(); }) {}

 protected:
  Result<void> PutObject(std::string const& name, ReadAt const& read, uint64_t size,
                         TransferProgress const& progress) override {
    return azure::UploadBlob(ctx_, target_, container_, name, read, size, progress);
  }
  Result<uint64_t> ObjectSize(std::string const& name) override {
    return azure::BlobSize(ctx_, target_, container_, name);
  }
  Result<uint64_t> GetObject(std::string const& name, ByteSink const& sink,
                             TransferProgress const& progress) override {
    return azure::DownloadBlob(ctx_, target_, container_, name, sink, progress);
  }
  Result<std::vector<StoredObject>> ListObjects(std::string const& prefix) override {
    auto blobs = azure::ListBlobs(ctx_, target_, container_, prefix);
    if (!blobs) return tl::unexpected(blobs.error());
    std::vector<StoredObject> out;
    for (auto const& b : *blobs) out.push_back({b.name, b.size});
    return out;
  }

 private:
  Result<azure::BlobTarget> Target() {
    auto client = client_->Get();
    if (!client) return tl::unexpected(client.error());
    azure::BlobTarget t;
    t.account = (*client)->Value(azure::field::kAccountName).value_or("");
    t.endpoint = (*client)->Value(azure::field::kBlobEndpoint).value_or("");
    while (EndsWith(t.endpoint, "/")) t.endpoint.pop_back();
    t.sas = (*client)->Value(azure::field::kSasToken);
    // A private CA the connector trusts for the Blob endpoint travels with its clients.
    if (auto ca = NonEmpty((*client)->Value(azure::field::kBlobCaCertificate))) {
      auto pem = NormalizePem(*ca, azure::field::kBlobCaCertificate);
      if (!pem) return tl::unexpected(pem.error());
      t.ca_pem = *pem;
    }
    return t;
  }

  Context& ctx_;
  std::unique_ptr<RefreshingClient> client_;
  std::string container_;
  azure::BlobTargetSupplier target_;
};

}  // namespace

Result<std::unique_ptr<ArtifactStore>> OpenAzureArtifactStore(Backend& backend, Context& ctx,
                                                              StackComponent const& component) {
  auto config = ResolvedConfiguration(backend, component);
  if (!config) return tl::unexpected(config.error());
  if (!component.connector_id) return NotConnected(component);
  auto [container, prefix] = SplitStorePath((*config)["path"]);
  auto client = std::make_unique<RefreshingClient>(
      backend, *component.connector_id, "blob-container", component.connector_resource_id);
  auto first = client->Get();
  if (!first) {
    return Fail(first.error(), "getting credentials for artifact store '" + component.name + "'");
  }
  if ((*first)->connector_type != "azure" || (*first)->auth_method != azure::kSasToken) {
    return Fail(ErrorCode::kFailedPrecondition,
                "artifact store '" + component.name +
                    "' needs a connector that issues a SAS for its container");
  }
  return std::unique_ptr<ArtifactStore>(
      std::make_unique<AzureArtifactStore>(ctx, std::move(client), container, prefix));
}

}  // namespace latchkey
