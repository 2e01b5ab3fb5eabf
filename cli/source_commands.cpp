#include "commands.hpp"

namespace fkcli {

// PLACEHOLDER: commands not written yet.
void addSourceCommands(CLI::App&, Cli&) {}

}  // namespace fkcli
