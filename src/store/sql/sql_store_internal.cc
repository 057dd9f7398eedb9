#include "store/sql/sql_store_internal.h"

#include <fmt/format.h>

namespace latchkey::sql {

Error NotFound(char const* what, std::string const& name_or_id) {
  return Error{ErrorCode::kNotFound, fmt::format("no {} named or with ID '{}'", what, name_or_id)};
}

Error WhenExists(Error error, std::string const& message) {
  if (error.code == ErrorCode::kAlreadyExists) error.message = message;
  return error;
}

}  // namespace latchkey::sql
