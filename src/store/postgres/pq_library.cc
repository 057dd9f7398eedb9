#include "store/postgres/pq_library.h"

#include "common/shared_library.h"

namespace latchkey::postgres {
namespace {

Result<PqLibrary> Load() {
  auto handle = SharedLibrary::Open("libpq.so.5", "libpq5");
  if (!handle) return tl::unexpected(handle.error());
  PqLibrary lib{};
  bool ok =
      handle->Resolve("PQconnectdb", lib.connectdb) && handle->Resolve("PQstatus", lib.status) &&
      handle->Resolve("PQerrorMessage", lib.errorMessage) &&
      handle->Resolve("PQfinish", lib.finish) && handle->Resolve("PQreset", lib.reset) &&
      handle->Resolve("PQsetNoticeProcessor", lib.setNoticeProcessor) &&
      handle->Resolve("PQexec", lib.exec) && handle->Resolve("PQexecParams", lib.execParams) &&
      handle->Resolve("PQresultStatus", lib.resultStatus) &&
      handle->Resolve("PQresultErrorField", lib.resultErrorField) &&
      handle->Resolve("PQntuples", lib.ntuples) && handle->Resolve("PQnfields", lib.nfields) &&
      handle->Resolve("PQftype", lib.ftype) && handle->Resolve("PQgetisnull", lib.getisnull) &&
      handle->Resolve("PQgetvalue", lib.getvalue) &&
      handle->Resolve("PQgetlength", lib.getlength) &&
      handle->Resolve("PQcmdTuples", lib.cmdTuples) && handle->Resolve("PQclear", lib.clear);
  if (!ok) return Fail(ErrorCode::kUnavailable, "the installed libpq lacks required functions");
  return lib;
}

}  // namespace

Result<PqLibrary const*> LoadPqLibrary() { return LoadOnce(&Load); }

}  // namespace latchkey::postgres
