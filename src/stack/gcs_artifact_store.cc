// The gcs artifact-store flavor: objects under the component's gs://bucket/prefix path, moved
// with the token its gcp connector issues for the bucket (down-scoped to it by default). The
// token is asked for again when it nears expiry, so a transfer may outlast it.
#include <optional>

#include "connectors/gcp/gcp_endpoints.h"
#include "connectors/gcp/gcs_objects.h"
#include "stack/artifact_store_internal.h"
#include "stack/file_transfer.h"

namespace latchkey {
namespace {

constexpr auto kRefreshMargin = std::chrono::minutes(5);

// The bucket token of one connector, re-issued through the backend when it is about to expire
// or was refused.
class BucketTokens {
 public:
  BucketTokens(Backend& backend, std::string connector, std::optional<std::string> resource_id)
      : backend_(backend), connector_(std::move(connector)), resource_id_(std::move(resource_id)) {}

  Result<gcp::AccessToken> Get(bool refresh) {
    bool stale = !client_ || refresh ||
                 (client_->expires_at && *client_->expires_at - Now() < kRefreshMargin);
    if (stale) {
      auto client =
          backend_.GetConnectorClient(connector_, std::string("gcs-bucket"), resource_id_);
      if (!client) return tl::unexpected(client.error());
      client_ = std::move(*client);
    }
    return gcp::AccessToken{client_->Value("token").value_or(""), client_->expires_at, ""};
  }

  Connector const& client() const { return *client_; }

 private:
  Backend& backend_;
  std::string connector_;
  std::optional<std::string> resource_id_;
  std::optional<Connector> client_;
};

class GcsArtifactStore : public ArtifactStore {
 public:
  GcsArtifactStore(Context& ctx, std::unique_ptr<BucketTokens> tokens, std::string bucket,
                   std::string prefix)
      : tokens_(std::move(tokens)),
        api_{ctx, [this](bool refresh) { return tokens_->Get(refresh); },
             gcp::EndpointsOf(tokens_->client())},
        bucket_(std::move(bucket)),
        prefix_(std::move(prefix)) {}

  Result<uint64_t> Upload(std::string const& local_path, std::string const& key,
                          ArtifactProgress const& progress) override {
    if (auto r = ValidateArtifactKey(key); !r) return tl::unexpected(r.error());
    auto source = SourceFile::Open(local_path);
    if (!source) return tl::unexpected(source.error());
    uint64_t size = source->size();
    gcp::ReadAt read = [&](uint64_t offset, char* buffer, size_t n) {
      return source->ReadAt(offset, buffer, n);
    };
    gcp::TransferProgress moved;
    if (progress) moved = [&](uint64_t done) { progress(done, size); };
    auto r = gcp::UploadGcsObject(api_, bucket_, prefix_ + key, read, size, moved);
    if (!r) return tl::unexpected(r.error());
    return size;
  }

  Result<uint64_t> Download(std::string const& key, std::string const& local_path,
                            ArtifactProgress const& progress) override {
    if (auto r = ValidateArtifactKey(key); !r) return tl::unexpected(r.error());
    auto size = gcp::GcsObjectSize(api_, bucket_, prefix_ + key);
    if (!size) return tl::unexpected(size.error());
    auto dest = DestinationFile::Create(local_path, false);
    if (!dest) return tl::unexpected(dest.error());
    gcp::ByteSink sink = [&](char const* data, size_t n) { return dest->Write(data, n); };
    gcp::TransferProgress moved;
    if (progress) moved = [&](uint64_t done) { progress(done, *size); };
    auto got = gcp::DownloadGcsObject(api_, bucket_, prefix_ + key, sink, moved);
    if (!got) return tl::unexpected(got.error());
    if (auto r = dest->Commit(); !r) return tl::unexpected(r.error());
    return *got;
  }

  Result<std::vector<ArtifactEntry>> List(std::string const& prefix) override {
    auto objects = gcp::ListGcsObjects(api_, bucket_, prefix_ + prefix);
    if (!objects) return tl::unexpected(objects.error());
    std::vector<ArtifactEntry> out;
    for (auto const& o : *objects) out.push_back({o.name.substr(prefix_.size()), o.size});
    return out;
  }

 private:
  std::unique_ptr<BucketTokens> tokens_;
  gcp::GcpApi api_;
  std::string bucket_;
  std::string prefix_;
};

}  // namespace

Result<std::unique_ptr<ArtifactStore>> OpenGcsArtifactStore(Backend& backend, Context& ctx,
                                                            StackComponent const& component) {
  auto config = ResolvedConfiguration(backend, component);
  if (!config) return tl::unexpected(config.error());
  if (!component.connector_id) {
    return Fail(ErrorCode::kFailedPrecondition,
                "artifact store '" + component.name +
                    "' has no service connector: connect it with `latchkey artifact-store "
                    "connect " +
                    component.name + " --connector CONNECTOR`");
  }
  auto [bucket, prefix] = SplitStorePath((*config)["path"]);
  auto tokens = std::make_unique<BucketTokens>(backend, *component.connector_id,
                                               component.connector_resource_id);
  if (auto first = tokens->Get(false); !first) {
    return Fail(first.error(), "getting credentials for artifact store '" + component.name + "'");
  }
  if (tokens->client().connector_type != "gcp" || tokens->client().auth_method != "oauth2-token") {
    return Fail(ErrorCode::kFailedPrecondition,
                "artifact store '" + component.name +
                    "' needs a connector that issues GCP access tokens for its bucket");
  }
  return std::unique_ptr<ArtifactStore>(
      std::make_unique<GcsArtifactStore>(ctx, std::move(tokens), bucket, prefix));
}

}  // namespace latchkey
