// Cloud Storage object transfer that streams (JSON API): downloads with alt=media hand the body
// over as it arrives; uploads send one media request for small objects and a resumable upload
// in 8 MiB chunks for big ones, each chunk asking the token supplier anew, so a transfer that
// outlives one access token picks up the next.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/byte_transfer.h"
#include "connectors/gcp/gcp_service_apis.h"

namespace latchkey::gcp {

using latchkey::ByteSink;
using latchkey::ReadAt;
using latchkey::TransferProgress;

// Objects at least this big go up resumably, in chunks of kChunkSize (a multiple of 256 KiB, as
// the protocol requires).
inline constexpr uint64_t kResumableThreshold = 8ull << 20;
inline constexpr uint64_t kChunkSize = 8ull << 20;

Result<void> UploadGcsObject(GcpApi const& api, std::string const& bucket, std::string const& name,
                             ReadAt const& read, uint64_t size,
                             TransferProgress const& progress = {},
                             uint64_t chunk_size = kChunkSize);

// Streams the object into `sink`; returns its size.
Result<uint64_t> DownloadGcsObject(GcpApi const& api, std::string const& bucket,
                                   std::string const& name, ByteSink const& sink,
                                   TransferProgress const& progress = {});

// The object's size (kNotFound when there is none).
Result<uint64_t> GcsObjectSize(GcpApi const& api, std::string const& bucket,
                               std::string const& name);

struct GcsObject {
  std::string name;
  uint64_t size = 0;
};
// Objects whose names start with `prefix`, every page, in name order.
Result<std::vector<GcsObject>> ListGcsObjects(GcpApi const& api, std::string const& bucket,
                                              std::string const& prefix);

}  // namespace latchkey::gcp
