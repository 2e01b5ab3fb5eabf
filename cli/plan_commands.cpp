#include "commands.hpp"

namespace fkcli {

// PLACEHOLDER: commands not written yet.
void addPlanCommands(CLI::App&, Cli&) {}

}  // namespace fkcli
