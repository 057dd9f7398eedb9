#include "connectors/aws/aws_spec.h"

#include "common/strings.h"
#include "connectors/aws/aws_call.h"

namespace latchkey::aws {
namespace {

std::vector<ConfigField> Common() {
  std::vector<ConfigField> f = {
      MakeField("region", "AWS Region", false, true),
      MakeField("endpoint_url", "AWS Endpoint URL (S3-compatible systems, moto, Ceph RGW)", false,
                false)};
  for (char const* service : kAwsServices) {
    std::string upper = ToUpper(service);
    f.push_back(MakeField(ServiceEndpointField(service),
                          upper + " endpoint URL (overrides endpoint_url)", false, false));
  }
  return f;
}

std::vector<ConfigField> Keys(bool session_token) {
  std::vector<ConfigField> f = {
      MakeField("aws_access_key_id", "AWS Access Key ID", true, true),
      MakeField("aws_secret_access_key", "AWS Secret Access Key", true, true)};
  if (session_token) f.push_back(MakeField("aws_session_token", "AWS Session Token", true, true));
  for (auto& c : Common()) f.push_back(c);
  return f;
}

std::vector<ConfigField> WithPolicies(std::vector<ConfigField> f) {
  f.push_back(MakeField("policy_arns", "ARNs of IAM managed policies to scope the credentials to",
                        false, false, FieldType::kList));
  f.push_back(MakeField("policy", "IAM session policy document (JSON) to scope the credentials to",
                        false, false));
  return f;
}

ConnectorTypeSpec Build() {
  ConnectorTypeSpec s;
  s.name = "AWS Service Connector";
  s.connector_type = kConnectorType;
  s.emoji = "🔶";
  s.supports_auto_configuration = true;
  s.description =
      "The AWS Service Connector authenticates to AWS and reaches S3 buckets, EKS clusters, ECR\n"
      "registries and any other AWS service. It keeps long-lived AWS secret keys on the broker "
      "and\n"
      "hands clients temporary STS credentials instead, scoped down to the one resource they "
      "asked\n"
      "for where the method allows (IAM roles and federation tokens). It talks to AWS directly\n"
      "(SigV4 over HTTPS): no AWS SDK or CLI is needed, and endpoint_url points it at\n"
      "S3-compatible systems with STS such as Ceph RGW. Credentials configured for the AWS CLI "
      "can\n"
      "be lifted with --auto-configure.";

  AuthMethodSpec implicit{
      "AWS Implicit Authentication",
      kImplicit,
      "Uses the credentials of the environment the broker runs in: environment\n"
      "variables, the shared credentials and config files (profile_name), the\n"
      "container credentials endpoint or the EC2 instance metadata service\n"
      "(IMDSv2). With role_arn, a role is assumed first. Disabled unless\n"
      "LATCHKEY_ENABLE_IMPLICIT_AUTH_METHODS=true, because it hands the broker's\n"
      "own identity to whoever can use the connector.",
      WithPolicies(Common()),
      900,
      3600,
      43200};
  implicit.fields.push_back(MakeField("profile_name", "AWS profile name", false, false));
  implicit.fields.push_back(MakeField("role_arn", "IAM role to assume (optional)", false, false));

  AuthMethodSpec secret_key{
      "AWS Secret Key",
      kSecretKey,
      "Long-lived AWS secret access keys of an IAM user. Clients receive the\n"
      "keys themselves, so prefer session-token, federation-token or iam-role.",
      Keys(false),
      {},
      {},
      {}};
  secret_key.long_lived_clients = LongLivedClients{
      "use the session-token, federation-token or iam-role method instead, so that clients "
      "receive temporary STS credentials and the keys stay with the broker",
      ""};
  AuthMethodSpec sts_token{"AWS STS Token",
                           kStsToken,
                           "A temporary STS token (access key, secret key and session token)\n"
                           "obtained elsewhere; set --expires-at so the broker knows when it\n"
                           "stops working. Clients receive the token itself.",
                           Keys(true),
                           {},
                           {},
                           {}};
  std::vector<ConfigField> role_fields = WithPolicies(Keys(false));
  role_fields.push_back(MakeField("role_arn", "ARN of the IAM role to assume", false, true));
  role_fields.push_back(
      MakeField("external_id", "External ID required by the role's trust policy", true, false));
  AuthMethodSpec iam_role{
      "AWS IAM Role",
      kIamRole,
      "Assumes an IAM role (STS AssumeRole) with the configured secret keys and\n"
      "gives clients the role's temporary credentials. Without an explicit\n"
      "policy, a session policy limits them to the requested resource.\n"
      "The duration cannot exceed the role's own maximum session duration.",
      role_fields,
      900,
      3600,
      43200};
  AuthMethodSpec session_token{
      "AWS Session Token",
      kSessionToken,
      "Generates temporary session STS tokens for IAM users (STS GetSessionToken). The tokens\n"
      "carry every permission of the IAM user; use federation-token or iam-role to scope them.\n"
      "Long-lived keys found by --auto-configure use this method by default.",
      Keys(false),
      900,
      43200,
      129600};
  AuthMethodSpec federation_token{
      "AWS Federation Token",
      kFederationToken,
      "Generates temporary STS tokens for federated users (STS GetFederationToken), limited by a\n"
      "session policy: the configured one, or one generated for the requested resource. The\n"
      "aws-generic resource needs an explicit policy, since federation tokens without one carry\n"
      "no permissions.",
      WithPolicies(Keys(false)),
      900,
      43200,
      129600};
  s.auth_methods = {implicit, secret_key, sts_token, iam_role, session_token, federation_token};

  std::vector<std::string> all = {kImplicit, kSecretKey,    kStsToken,
                                  kIamRole,  kSessionToken, kFederationToken};
  s.resource_types = {
      {"Generic AWS resource",
       kGenericResource,
       "🔶",
       "Any AWS service in the configured region; clients receive AWS credentials.",
       all,
       false,
       {"{region} (the connector's region)"}},
      {"AWS S3 bucket",
       kS3Resource,
       "📦",
       "S3 buckets; clients receive credentials for one bucket. The credentials need at least\n"
       "s3:ListBucket, s3:GetObject, s3:PutObject, s3:DeleteObject and s3:ListAllMyBuckets.",
       all,
       true,
       {"s3://{bucket-name} (canonical)", "arn:aws:s3:::{bucket-name}", "{bucket-name}"}},
      {"AWS EKS Kubernetes cluster",
       kEksResource,
       "🌀",
       "EKS clusters; clients receive a Kubernetes API token valid for at most 15 minutes. Needs\n"
       "eks:ListClusters and eks:DescribeCluster.",
       all,
       true,
       {"{cluster-name} (canonical)", "arn:aws:eks:{region}:{account-id}:cluster/{cluster-name}"}},
      {"AWS ECR container registry",
       kEcrResource,
       "🐳",
       "The account's ECR registry; clients receive a Docker login from GetAuthorizationToken.",
       all,
       false,
       {"{account-id}.dkr.ecr.{region}.amazonaws.com (canonical)",
        "[https://]{account-id}.dkr.ecr.{region}.amazonaws.com[/{repository}]",
        "arn:aws:ecr:{region}:{account-id}:repository[/{repository}]"}},
  };
  return s;
}

}  // namespace

ConnectorTypeSpec const& AwsSpec() {
  static ConnectorTypeSpec const spec = Build();
  return spec;
}

}  // namespace latchkey::aws
