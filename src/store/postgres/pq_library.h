// libpq, loaded with dlopen when a PostgreSQL store is first opened (common/shared_library.h):
// it links Kerberos, LDAP, GnuTLS and a dozen more libraries that every other command (and every
// server on the embedded SQLite store) would otherwise load and relocate at start-up.
#pragma once

#include <libpq-fe.h>

#include "common/error.h"

namespace latchkey::postgres {

// The libpq functions the driver calls, named as in libpq without the `PQ` prefix.
struct PqLibrary {
  PGconn* (*connectdb)(char const*);
  ConnStatusType (*status)(PGconn const*);
  char* (*errorMessage)(PGconn const*);
  void (*finish)(PGconn*);
  void (*reset)(PGconn*);
  PQnoticeProcessor (*setNoticeProcessor)(PGconn*, PQnoticeProcessor, void*);
  PGresult* (*exec)(PGconn*, char const*);
  PGresult* (*execParams)(PGconn*, char const*, int, Oid const*, char const* const*, int const*,
                          int const*, int);
  ExecStatusType (*resultStatus)(PGresult const*);
  char* (*resultErrorField)(PGresult const*, int);
  int (*ntuples)(PGresult const*);
  int (*nfields)(PGresult const*);
  Oid (*ftype)(PGresult const*, int);
  int (*getisnull)(PGresult const*, int, int);
  char* (*getvalue)(PGresult const*, int, int);
  int (*getlength)(PGresult const*, int, int);
  char* (*cmdTuples)(PGresult*);
  void (*clear)(PGresult*);
};

// Loads libpq once per process (thread-safe); the error says which package installs it.
Result<PqLibrary const*> LoadPqLibrary();

}  // namespace latchkey::postgres
