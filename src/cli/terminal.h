// What the CLI needs to know about the terminal it prints to: whether stderr is one (status
// lines are drawn only there) and how wide stdout's is (tables are fitted to it).
#pragma once

#include <cstddef>

#include "core/context.h"

namespace latchkey::cli {

bool StderrIsTerminal();

// Columns tables may use: $COLUMNS when it is a positive number (so a pipe or a test can ask for
// a width), else the size of the terminal on stdout, else 0 (not a terminal: never wrap, so
// scripts reading a table get whole cells).
size_t TableColumns(Environment const& env);

}  // namespace latchkey::cli
