#include "commands.hpp"

namespace fkcli {

// PLACEHOLDER: commands not written yet.
void addRepairCommands(CLI::App&, Cli&) {}

}  // namespace fkcli
