// A source's `write_back:` block (docs/sources.md, "Writing back to Google Admin").
#include "core/config_reader.hpp"

namespace fk::config_detail {

void readWriteBack(Reader& r, const Entry& block, WriteBackConfig& out) {
  auto flag = [&r](const Entry& e, bool& target) {
    if (auto v = r.oneOf(e, {"true", "false"})) target = *v == "true";
  };
  r.forEach(block.value, block.key.Mark(), block.path, [&](const Entry& e) {
    if (e.name == "asset_id") flag(e, out.asset_id);
    else if (e.name == "location") flag(e, out.location);
    else if (e.name == "user") flag(e, out.user);
    else if (e.name == "disable_lost") flag(e, out.disable_lost);
    else if (e.name == "disable_unreturned") flag(e, out.disable_unreturned);
    else if (e.name == "dry_run") flag(e, out.dry_run);
    else if (e.name == "max_disables_per_poll") {
      if (auto n = r.integer(e, 0, 100000)) out.max_disables_per_poll = static_cast<int>(*n);
    } else if (e.name == "org_unit_for_status") {
      r.forEach(e.value, e.key.Mark(), e.path, [&](const Entry& s) {
        auto status = parseStatus(s.name);
        if (!status) {
          r.problem(s.key.Mark(), s.path + ": \"" + s.name +
                                      "\" is not a device status (on_order, in_stock, deployed, in_repair, "
                                      "lost, stolen, retired, disposed)");
          return true;
        }
        if (auto path = r.string(s)) {
          if (!path->starts_with("/"))
            r.problem(s, "expected an org unit path starting with /, such as \"/Retired\"");
          else
            out.org_unit_for_status[*status] = *path;
        }
        return true;
      });
    } else {
      return false;
    }
    return true;
  });
}

}  // namespace fk::config_detail
