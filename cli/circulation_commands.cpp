#include "commands.hpp"

namespace fkcli {

// PLACEHOLDER: commands not written yet.
void addCirculationCommands(CLI::App&, Cli&) {}

}  // namespace fkcli
