// Blob object transfer that streams, authorized by a container SAS (what a blob-container client
// connector carries): Get Blob into a sink, Put Blob for small objects and Put Block + Put Block
// List in 8 MiB blocks for big ones (nothing is committed unless every block arrived), List
// Blobs with paging. The target is asked for before each request, so a long transfer can move
// on to a fresh SAS.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/byte_transfer.h"
#include "connectors/azure/blob_api.h"

namespace latchkey::azure {

using BlobTargetSupplier = std::function<Result<BlobTarget>()>;

inline constexpr uint64_t kBlockUploadThreshold = 8ull << 20;
inline constexpr uint64_t kBlockSize = 8ull << 20;

Result<void> UploadBlob(Context& ctx, BlobTargetSupplier const& target,
                        std::string const& container, std::string const& name, ReadAt const& read,
                        uint64_t size, TransferProgress const& progress = {},
                        uint64_t block_size = kBlockSize);

// Streams the blob into `sink`; returns its size.
Result<uint64_t> DownloadBlob(Context& ctx, BlobTargetSupplier const& target,
                              std::string const& container, std::string const& name,
                              ByteSink const& sink, TransferProgress const& progress = {});

// The blob's size (kNotFound when there is none).
Result<uint64_t> BlobSize(Context& ctx, BlobTargetSupplier const& target,
                          std::string const& container, std::string const& name);

struct BlobEntry {
  std::string name;
  uint64_t size = 0;
};
Result<std::vector<BlobEntry>> ListBlobs(Context& ctx, BlobTargetSupplier const& target,
                                         std::string const& container, std::string const& prefix);

}  // namespace latchkey::azure
