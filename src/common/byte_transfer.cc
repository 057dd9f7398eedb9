#include "common/byte_transfer.h"

#include <algorithm>

namespace latchkey {

std::function<Result<size_t>(char* buffer, size_t capacity)> RangeBodyReader(
    ReadAt const& read, uint64_t offset, uint64_t size, TransferProgress const& progress) {
  return [&read, &progress, offset, size, sent = uint64_t{0}](
             char* buffer, size_t capacity) mutable -> Result<size_t> {
    size_t want = static_cast<size_t>(std::min<uint64_t>(capacity, size - sent));
    if (want == 0) return size_t{0};
    auto got = read(offset + sent, buffer, want);
    if (!got) return got;
    if (*got == 0) {
      return Fail(ErrorCode::kFailedPrecondition, "the source ended early (did it change?)");
    }
    sent += *got;
    if (progress) progress(offset + sent);
    return got;
  };
}

std::function<Result<void>(char const* data, size_t size)> CountingSink(
    ByteSink const& sink, TransferProgress const& progress, uint64_t& delivered) {
  return [&sink, &progress, &delivered](char const* data, size_t n) -> Result<void> {
    if (auto r = sink(data, n); !r) return r;
    delivered += n;
    if (progress) progress(delivered);
    return {};
  };
}

}  // namespace latchkey
