// libcurl, loaded with dlopen on the first outbound request instead of at process start.
// libcurl pulls in some twenty shared libraries (GnuTLS, Kerberos, LDAP, SSH, ...), several
// linked with immediate binding; resolving them dominated the start-up of every command, and
// most commands (list, describe, the credential helpers) never make a request.
#pragma once

#include <curl/curl.h>

#include "common/error.h"

namespace latchkey {

struct CurlLibrary {
  CURL* (*easy_init)();
  void (*easy_cleanup)(CURL*);
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
  CURLcode (*easy_perform)(CURL*);
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
  char const* (*easy_strerror)(CURLcode);
  curl_slist* (*slist_append)(curl_slist*, char const*);
  void (*slist_free_all)(curl_slist*);
};

// Loads libcurl and runs its global initialisation once per process (thread-safe).
Result<CurlLibrary const*> LoadCurlLibrary();

}  // namespace latchkey
