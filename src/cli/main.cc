#include "cli/app.h"

int main(int argc, char** argv) { return latchkey::cli::RunCli(argc, argv); }
