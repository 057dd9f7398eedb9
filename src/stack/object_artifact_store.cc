#include "stack/object_artifact_store.h"

#include "stack/file_transfer.h"

namespace latchkey {

Result<uint64_t> ObjectArtifactStore::Upload(std::string const& local_path, std::string const& key,
                                             ArtifactProgress const& progress) {
  if (auto r = ValidateArtifactKey(key); !r) return tl::unexpected(r.error());
  auto source = SourceFile::Open(local_path);
  if (!source) return tl::unexpected(source.error());
  uint64_t size = source->size();
  ReadAt read = [&](uint64_t offset, char* buffer, size_t n) {
    return source->ReadAt(offset, buffer, n);
  };
  TransferProgress moved;
  if (progress) moved = [&](uint64_t done) { progress(done, size); };
  if (auto r = PutObject(prefix_ + key, read, size, moved); !r) return tl::unexpected(r.error());
  return size;
}

Result<uint64_t> ObjectArtifactStore::Download(std::string const& key,
                                               std::string const& local_path,
                                               ArtifactProgress const& progress) {
  if (auto r = ValidateArtifactKey(key); !r) return tl::unexpected(r.error());
  auto size = ObjectSize(prefix_ + key);
  if (!size) return tl::unexpected(size.error());
  auto dest = DestinationFile::Create(local_path, false);
  if (!dest) return tl::unexpected(dest.error());
  ByteSink sink = [&](char const* data, size_t n) { return dest->Write(data, n); };
  TransferProgress moved;
  if (progress) moved = [&](uint64_t done) { progress(done, *size); };
  auto got = GetObject(prefix_ + key, sink, moved);
  if (!got) return tl::unexpected(got.error());
  if (auto r = dest->Commit(); !r) return tl::unexpected(r.error());
  return *got;
}

Result<std::vector<ArtifactEntry>> ObjectArtifactStore::List(std::string const& prefix) {
  auto objects = ListObjects(prefix_ + prefix);
  if (!objects) return tl::unexpected(objects.error());
  std::vector<ArtifactEntry> out;
  for (auto const& o : *objects) out.push_back({o.name.substr(prefix_.size()), o.size});
  return out;
}

}  // namespace latchkey
