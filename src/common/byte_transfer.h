// The shapes every streamed object transfer (S3, GCS, Blob) shares: a random-access source, so
// a part that failed can be sent again; a sink for bytes as they arrive; a progress callback.
#pragma once

#include <cstdint>
#include <functional>

#include "common/error.h"

namespace latchkey {

// Reads up to `size` bytes at `offset` of the source; fewer only at its end.
using ReadAt = std::function<Result<size_t>(uint64_t offset, char* buffer, size_t size)>;
using ByteSink = std::function<Result<void>(char const* data, size_t size)>;
// Told the number of bytes moved so far (progress bars).
using TransferProgress = std::function<void(uint64_t bytes_done)>;

// An HttpRequest::body_reader for bytes [offset, offset + size) of `read`, reporting
// offset + bytes sent so far to `progress`. A source that ends early (changed under us) is an
// error rather than a short upload. `read` and `progress` must outlive the request.
std::function<Result<size_t>(char* buffer, size_t capacity)> RangeBodyReader(
    ReadAt const& read, uint64_t offset, uint64_t size, TransferProgress const& progress);

// An HttpRequest::response_sink that hands the bytes to `sink`, counts them into `delivered`
// and reports the count to `progress`. All three must outlive the request.
std::function<Result<void>(char const* data, size_t size)> CountingSink(
    ByteSink const& sink, TransferProgress const& progress, uint64_t& delivered);

}  // namespace latchkey
