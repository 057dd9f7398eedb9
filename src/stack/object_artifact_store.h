// What the bucket-backed artifact stores (S3, GCS, Blob) share: keys checked and placed under the
// path's prefix, local files read at random and written to a temp file renamed at the end,
// progress reported. Each flavor supplies four object calls.
#pragma once

#include <string>
#include <vector>

#include "common/byte_transfer.h"
#include "stack/artifact_store.h"

namespace latchkey {

struct StoredObject {
  std::string name;  // full object name, prefix included
  uint64_t size = 0;
};

class ObjectArtifactStore : public ArtifactStore {
 public:
  explicit ObjectArtifactStore(std::string prefix) : prefix_(std::move(prefix)) {}

  Result<uint64_t> Upload(std::string const& local_path, std::string const& key,
                          ArtifactProgress const& progress) final;
  Result<uint64_t> Download(std::string const& key, std::string const& local_path,
                            ArtifactProgress const& progress) final;
  Result<std::vector<ArtifactEntry>> List(std::string const& prefix) final;

 protected:
  virtual Result<void> PutObject(std::string const& name, ReadAt const& read, uint64_t size,
                                 TransferProgress const& progress) = 0;
  // The size first: a missing object fails before any local file is created, and the progress
  // bar knows its end.
  virtual Result<uint64_t> ObjectSize(std::string const& name) = 0;
  virtual Result<uint64_t> GetObject(std::string const& name, ByteSink const& sink,
                                     TransferProgress const& progress) = 0;
  virtual Result<std::vector<StoredObject>> ListObjects(std::string const& prefix) = 0;

 private:
  std::string prefix_;  // the path's key prefix, "" or ending in '/'
};

}  // namespace latchkey
