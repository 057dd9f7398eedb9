// The `local` artifact store flavor: a directory tree, keys as relative paths.
#include <algorithm>
#include <filesystem>
#include <vector>

#include "common/strings.h"
#include "stack/artifact_store.h"
#include "stack/file_transfer.h"

namespace latchkey {
namespace {

constexpr size_t kChunk = 1 << 20;

class LocalArtifactStore : public ArtifactStore {
 public:
  explicit LocalArtifactStore(std::string root) : root_(std::move(root)) {}

  Result<uint64_t> Upload(std::string const& local_path, std::string const& key,
                          ArtifactProgress const& progress) override {
    if (auto r = ValidateArtifactKey(key); !r) return tl::unexpected(r.error());
    return Copy(local_path, root_ + "/" + key, true, progress);
  }

  Result<uint64_t> Download(std::string const& key, std::string const& local_path,
                            ArtifactProgress const& progress) override {
    if (auto r = ValidateArtifactKey(key); !r) return tl::unexpected(r.error());
    std::error_code ec;
    if (!std::filesystem::is_regular_file(root_ + "/" + key, ec)) {
      return Fail(ErrorCode::kNotFound, "no artifact '" + key + "' in " + root_);
    }
    return Copy(root_ + "/" + key, local_path, false, progress);
  }

  Result<std::vector<ArtifactEntry>> List(std::string const& prefix) override {
    std::vector<ArtifactEntry> out;
    std::error_code ec;
    if (!std::filesystem::is_directory(root_, ec)) return out;  // nothing written yet
    for (auto it = std::filesystem::recursive_directory_iterator(root_, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      std::string key = std::filesystem::relative(it->path(), root_, ec).generic_string();
      // Temporary files of copies under way are not artifacts yet.
      if (it->path().filename().string().find(".latchkey-") != std::string::npos) continue;
      if (!StartsWith(key, prefix)) continue;
      out.push_back({key, static_cast<uint64_t>(it->file_size(ec))});
    }
    if (ec) {
      return Fail(ErrorCode::kFailedPrecondition, "cannot list " + root_ + ": " + ec.message());
    }
    std::sort(out.begin(), out.end(),
              [](ArtifactEntry const& a, ArtifactEntry const& b) { return a.key < b.key; });
    return out;
  }

 private:
  static Result<uint64_t> Copy(std::string const& from, std::string const& to, bool make_parents,
                               ArtifactProgress const& progress) {
    auto source = SourceFile::Open(from);
    if (!source) return tl::unexpected(source.error());
    auto dest = DestinationFile::Create(to, make_parents);
    if (!dest) return tl::unexpected(dest.error());
    std::vector<char> buffer(kChunk);
    uint64_t done = 0;
    while (done < source->size()) {
      auto got = source->ReadAt(done, buffer.data(), buffer.size());
      if (!got) return tl::unexpected(got.error());
      if (*got == 0) break;
      if (auto r = dest->Write(buffer.data(), *got); !r) return tl::unexpected(r.error());
      done += *got;
      if (progress) progress(done, source->size());
    }
    if (auto r = dest->Commit(); !r) return tl::unexpected(r.error());
    return done;
  }

  std::string root_;
};

}  // namespace

std::unique_ptr<ArtifactStore> MakeLocalArtifactStore(std::string root) {
  return std::make_unique<LocalArtifactStore>(std::move(root));
}

}  // namespace latchkey
