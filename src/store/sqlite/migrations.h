// Ordered schema migrations of the embedded store. A migration is never edited once released:
// append a new one.
#pragma once

#include <span>

namespace latchkey::sqlite {

std::span<char const* const> Migrations();

}  // namespace latchkey::sqlite
