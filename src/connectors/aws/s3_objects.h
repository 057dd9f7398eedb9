// S3 object transfer that streams: uploads read the source piece by piece (a single PUT, or a
// multipart upload for big objects) and downloads hand the body over as it arrives, so no
// object is ever held in memory whole. Uploads are signed with UNSIGNED-PAYLOAD (sigv4.h): the
// payload is not hashed up front, which would mean reading it twice.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/byte_transfer.h"
#include "connectors/aws/aws_call.h"

namespace latchkey::aws {

using latchkey::ByteSink;
using latchkey::ReadAt;
using latchkey::TransferProgress;

// Objects at least this big go up in parts.
inline constexpr uint64_t kMultipartThreshold = 64ull << 20;
inline constexpr uint64_t kDefaultPartSize = 16ull << 20;

// One PUT of `size` bytes.
Result<void> PutObject(Context& ctx, AwsEndpoint const& endpoint, AwsCredentials const& creds,
                       std::string const& bucket, std::string const& key, ReadAt const& read,
                       uint64_t size, TransferProgress const& progress = {});

// PutObject, or a multipart upload in parts of `part_size` (at least 5 MiB, S3's minimum) from
// kMultipartThreshold on. A multipart upload that fails is aborted, so no object appears.
Result<void> UploadObject(Context& ctx, AwsEndpoint const& endpoint, AwsCredentials const& creds,
                          std::string const& bucket, std::string const& key, ReadAt const& read,
                          uint64_t size, TransferProgress const& progress = {},
                          uint64_t part_size = kDefaultPartSize);

// The same, asking `credentials` anew before each part (and for completing), so a transfer can
// outlast one set of temporary credentials.
using CredentialSource = std::function<Result<AwsCredentials>()>;
Result<void> UploadObject(Context& ctx, AwsEndpoint const& endpoint,
                          CredentialSource const& credentials, std::string const& bucket,
                          std::string const& key, ReadAt const& read, uint64_t size,
                          TransferProgress const& progress = {},
                          uint64_t part_size = kDefaultPartSize);

// Streams the object's body into `sink`; returns its size.
Result<uint64_t> GetObject(Context& ctx, AwsEndpoint const& endpoint, AwsCredentials const& creds,
                           std::string const& bucket, std::string const& key, ByteSink const& sink,
                           TransferProgress const& progress = {});

// The object's size (kNotFound when there is none).
Result<uint64_t> HeadObject(Context& ctx, AwsEndpoint const& endpoint, AwsCredentials const& creds,
                            std::string const& bucket, std::string const& key);

}  // namespace latchkey::aws
