#pragma once

#include <exception>

#include "core/error.hpp"

namespace fk {

// The error an exception escaping a database call becomes. The disk's faults get their own kinds so a
// client learns what happened in words (507 when the disk is full, 503 when it fails) and never sees
// SQLite's text; that text goes to the log, where the operator looks. Anything else stays internal.
Error storageError(const std::exception& e);

}  // namespace fk
