// Opening an artifact store: the S3 flavor over connector-issued (or referenced) credentials,
// the local flavor on disk; GCS and Blob in gcs_/azure_artifact_store.cc.
#include "stack/artifact_store.h"

#include <vector>

#include "common/strings.h"
#include "connectors/aws/aws_session.h"
#include "connectors/aws/s3_objects.h"
#include "connectors/aws/service_apis.h"
#include "stack/artifact_store_internal.h"
#include "stack/object_artifact_store.h"
#include "stack/refreshing_client.h"
#include "stack/secret_refs.h"

namespace latchkey {
namespace {

class S3ArtifactStore : public ObjectArtifactStore {
 public:
  S3ArtifactStore(Context& ctx, aws::AwsEndpoint endpoint, aws::CredentialSource credentials,
                  std::string bucket, std::string prefix)
      : ObjectArtifactStore(std::move(prefix)),
        ctx_(ctx),
        endpoint_(std::move(endpoint)),
        credentials_(std::move(credentials)),
        bucket_(std::move(bucket)) {}

 protected:
  Result<void> PutObject(std::string const& name, ReadAt const& read, uint64_t size,
                         TransferProgress const& progress) override {
    return aws::UploadObject(ctx_, endpoint_, credentials_, bucket_, name, read, size, progress);
  }
  Result<uint64_t> ObjectSize(std::string const& name) override {
    auto creds = credentials_();
    if (!creds) return tl::unexpected(creds.error());
    return aws::HeadObject(ctx_, endpoint_, *creds, bucket_, name);
  }
  Result<uint64_t> GetObject(std::string const& name, ByteSink const& sink,
                             TransferProgress const& progress) override {
    auto creds = credentials_();
    if (!creds) return tl::unexpected(creds.error());
    return aws::GetObject(ctx_, endpoint_, *creds, bucket_, name, sink, progress);
  }
  Result<std::vector<StoredObject>> ListObjects(std::string const& prefix) override {
    auto creds = credentials_();
    if (!creds) return tl::unexpected(creds.error());
    auto objects = aws::ListObjects(ctx_, endpoint_, *creds, bucket_, prefix);
    if (!objects) return tl::unexpected(objects.error());
    std::vector<StoredObject> out;
    for (auto const& o : *objects) out.push_back({o.key, o.size});
    return out;
  }

 private:
  Context& ctx_;
  aws::AwsEndpoint endpoint_;
  aws::CredentialSource credentials_;
  std::string bucket_;
};

// The keys of an S3 store without a connector: from the secret its authentication_secret
// names (upstream's form: the secret's aws_access_key_id, aws_secret_access_key and
// aws_session_token), else from its key/secret/token attributes (references, resolved).
// Errors name the secret and the keys it lacks, never a value.
Result<aws::AwsCredentials> S3StoreCredentials(Backend& backend, StackComponent const& component,
                                               std::map<std::string, std::string> const& config) {
  aws::AwsCredentials creds;
  if (auto name = config.find("authentication_secret"); name != config.end()) {
    auto secret = backend.GetSecret(name->second, true);
    if (!secret) {
      return Fail(secret.error(),
                  "reading the authentication_secret of artifact store '" + component.name + "'");
    }
    auto const& values = secret->values;
    auto id = values.find("aws_access_key_id");
    auto key = values.find("aws_secret_access_key");
    if (id == values.end() || key == values.end()) {
      return Fail(ErrorCode::kFailedPrecondition,
                  "secret '" + secret->name + "', the authentication_secret of artifact store '" +
                      component.name +
                      "', needs the keys aws_access_key_id and aws_secret_access_key");
    }
    creds.access_key_id = id->second;
    creds.secret_access_key = key->second;
    if (auto t = values.find("aws_session_token"); t != values.end()) {
      creds.session_token = t->second;
    }
    return creds;
  }
  auto key = config.find("key");
  auto secret = config.find("secret");
  if (key == config.end() || secret == config.end()) {
    return Fail(ErrorCode::kFailedPrecondition,
                "artifact store '" + component.name +
                    "' has neither a service connector, an authentication_secret nor key/secret "
                    "references: connect it with `latchkey artifact-store connect " +
                    component.name + " --connector CONNECTOR`");
  }
  creds.access_key_id = key->second;
  creds.secret_access_key = secret->second;
  if (auto t = config.find("token"); t != config.end()) creds.session_token = t->second;
  return creds;
}

Result<std::unique_ptr<ArtifactStore>> OpenS3(Backend& backend, Context& ctx,
                                              StackComponent const& component) {
  auto config = ResolvedConfiguration(backend, component);
  if (!config) return tl::unexpected(config.error());
  auto [bucket, prefix] = SplitStorePath((*config)["path"]);

  aws::AwsEndpoint endpoint;
  aws::CredentialSource credentials;
  if (component.connector_id) {
    auto client = std::make_shared<RefreshingClient>(backend, *component.connector_id, "s3-bucket",
                                                     component.connector_resource_id);
    auto first = client->Get();
    if (!first) {
      return Fail(first.error(), "getting credentials for artifact store '" + component.name + "'");
    }
    if (auto c = aws::ConfiguredCredentials(ctx, **first); !c) return tl::unexpected(c.error());
    endpoint = aws::EndpointOf(**first);
    credentials = [client, &ctx]() -> Result<aws::AwsCredentials> {
      auto current = client->Get();
      if (!current) return tl::unexpected(current.error());
      return aws::ConfiguredCredentials(ctx, **current);
    };
  } else {
    auto creds = S3StoreCredentials(backend, component, *config);
    if (!creds) return tl::unexpected(creds.error());
    credentials = [creds = *creds]() -> Result<aws::AwsCredentials> { return creds; };
    endpoint.region = config->contains("region") ? (*config)["region"] : "us-east-1";
    if (auto e = config->find("endpoint_url"); e != config->end())
      endpoint.endpoint_url = e->second;
  }
  return std::unique_ptr<ArtifactStore>(std::make_unique<S3ArtifactStore>(
      ctx, std::move(endpoint), std::move(credentials), std::move(bucket), std::move(prefix)));
}

}  // namespace

Result<std::map<std::string, std::string>> ResolvedConfiguration(Backend& backend,
                                                                 StackComponent const& component) {
  return ResolveSecretReferences(
      component.configuration,
      [&backend](std::string const& name) -> Result<std::map<std::string, std::string>> {
        auto s = backend.GetSecret(name, true);
        if (!s) return tl::unexpected(s.error());
        return s->values;
      });
}

tl::unexpected<Error> NotConnected(StackComponent const& component) {
  return Fail(ErrorCode::kFailedPrecondition,
              "artifact store '" + component.name +
                  "' has no service connector: connect it with `latchkey artifact-store connect " +
                  component.name + " --connector CONNECTOR`");
}

std::pair<std::string, std::string> SplitStorePath(std::string const& path) {
  size_t scheme = path.find("://");
  std::string rest = scheme == std::string::npos ? path : path.substr(scheme + 3);
  size_t slash = rest.find('/');
  std::string bucket = rest.substr(0, slash);
  std::string prefix = slash == std::string::npos ? "" : rest.substr(slash + 1);
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  if (!prefix.empty()) prefix += '/';
  return {bucket, prefix};
}

Result<void> ValidateArtifactKey(std::string const& key) {
  bool bad = key.empty() || key.front() == '/';
  for (auto const& segment : Split(key, '/')) {
    if (segment.empty() || segment == "." || segment == "..") bad = true;
  }
  if (bad) {
    return Fail(ErrorCode::kInvalidArgument,
                "'" + key + "' is not a valid artifact key (a relative path such as dir/file.bin)");
  }
  return {};
}

Result<std::unique_ptr<ArtifactStore>> OpenArtifactStore(Backend& backend, Context& ctx,
                                                         StackComponent const& component,
                                                         std::string const& latchkey_home) {
  if (component.type != ComponentType::kArtifactStore) {
    return Fail(ErrorCode::kInvalidArgument, "'" + component.name + "' is not an artifact store");
  }
  if (component.flavor == "local") {
    auto it = component.configuration.find("path");
    std::string root = it != component.configuration.end()
                           ? it->second
                           : latchkey_home + "/local_stores/" + component.id;
    return MakeLocalArtifactStore(std::move(root));
  }
  if (component.flavor == "s3") return OpenS3(backend, ctx, component);
  if (component.flavor == "gcs") return OpenGcsArtifactStore(backend, ctx, component);
  if (component.flavor == "azure") return OpenAzureArtifactStore(backend, ctx, component);
  return Fail(ErrorCode::kFailedPrecondition,
              "copying artifacts is not available for the '" + component.flavor + "' flavor");
}

}  // namespace latchkey
