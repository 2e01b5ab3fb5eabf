// The `fees:` block: the district's fee policy (core/fees.hpp), checked key by key like the rest.
#include <map>

#include "core/config_reader.hpp"
#include "core/values.hpp"

namespace fk::config_detail {
namespace {

// Money is text ("25.00") like everywhere else, never a float.
std::optional<std::int64_t> amount(Reader& r, const Entry& e, bool allow_zero = true) {
  auto text = r.string(e);
  if (!text) return std::nullopt;
  auto cents = parseMoney(*text);
  if (!cents || *cents < 0 || (!allow_zero && *cents == 0) || *cents > kMaxFeeCents) {
    r.problem(e, "must be an amount like \"25.00\" from " + std::string(allow_zero ? "0.00" : "0.01") + " to " +
                     formatMoney(kMaxFeeCents) + ", got " + inQuotes(*text));
    return std::nullopt;
  }
  return cents;
}

void readPlan(Reader& r, const YAML::Node& item, const std::string& path, FeePolicy& policy,
              std::map<std::string, int>& first_line) {
  FeePlan plan;
  bool has_name = false, has_incidents = false;
  r.forEach(item, item.Mark(), path, [&](const Entry& e) {
    if (e.name == "name") {
      has_name = true;
      if (auto name = r.string(e)) {
        if (const auto [it, fresh] = first_line.emplace(*name, e.value.Mark().line + 1); !fresh)
          r.problem(e, "duplicate plan " + inQuotes(*name) + " (first on line " + std::to_string(it->second) + ")");
        plan.name = *name;
      }
    } else if (e.name == "premium") {
      if (auto cents = amount(r, e)) plan.premium_cents = *cents;
    } else if (e.name == "incidents") {
      has_incidents = true;
      if (!e.value.IsSequence() || e.value.size() == 0) {
        r.problem(e, "expected a list of amounts or full, one per incident (e.g. [\"0.00\", \"50.00\", full])");
        return true;
      }
      for (std::size_t i = 0; i < e.value.size(); ++i) {
        const Entry tier{e.name, e.path + "[" + std::to_string(i) + "]", e.key, e.value[i]};
        if (tier.value.IsScalar() && tier.value.Scalar() == "full") {
          plan.incidents.push_back({true, 0});
        } else if (tier.value.IsScalar() && !parseMoney(tier.value.Scalar())) {
          r.problem(tier, inQuotes(tier.value.Scalar()) + " is neither an amount (e.g. \"50.00\") nor full");
        } else if (auto cents = amount(r, tier)) {
          plan.incidents.push_back({false, *cents});
        }
      }
    } else {
      return false;
    }
    return true;
  });
  if (!item.IsMap()) return;
  if (!has_name) r.problem(item.Mark(), path + ": missing required key \"name\"");
  if (!has_incidents) r.problem(item.Mark(), path + ": missing required key \"incidents\"");
  policy.plans.push_back(std::move(plan));
}

void readUninsured(Reader& r, const Entry& block, FeePolicy& policy) {
  r.forEach(block.value, block.key.Mark(), block.path, [&](const Entry& e) {
    if (e.name != "damage" && e.name != "lost") return false;
    const std::string at_cost = e.name == "damage" ? "repair_cost" : "replacement_cost";
    UninsuredRule& rule = e.name == "damage" ? policy.uninsured_damage : policy.uninsured_lost;
    if (e.value.IsScalar() && e.value.Scalar() == at_cost) {
      rule = {true, 0};
    } else if (e.value.IsScalar() && !parseMoney(e.value.Scalar())) {
      r.problem(e, "must be " + at_cost + " or an amount like \"100.00\", got " + inQuotes(e.value.Scalar()));
    } else if (auto cents = amount(r, e)) {
      rule = {false, *cents};
    }
    return true;
  });
}

}  // namespace

void readFees(Reader& r, const Entry& fees, const std::filesystem::path& base, std::optional<FeePolicy>& out) {
  FeePolicy policy;
  r.forEach(fees.value, fees.key.Mark(), fees.path, [&](const Entry& e) {
    if (e.name == "school_year_start") {
      auto text = r.string(e);
      if (!text) return true;
      const auto date = parseDate("2027-" + *text);  // 2027 is not a leap year
      if (text->size() != 5 || !date) {
        r.problem(e, inQuotes(*text) + " is not a month and day MM-DD that every year has (e.g. \"08-01\")");
        return true;
      }
      policy.school_year_start = {static_cast<int>(static_cast<unsigned>(date->month())),
                                  static_cast<int>(static_cast<unsigned>(date->day()))};
    } else if (e.name == "plans") {
      if (!e.value.IsSequence()) {
        r.problem(e, "expected a list of plans");
        return true;
      }
      std::map<std::string, int> first_line;
      for (std::size_t i = 0; i < e.value.size(); ++i)
        readPlan(r, e.value[i], e.path + "[" + std::to_string(i) + "]", policy, first_line);
    } else if (e.name == "uninsured") {
      readUninsured(r, e, policy);
    } else if (e.name == "cap_per_incident") {
      if (auto cents = amount(r, e, false)) policy.cap_per_incident_cents = *cents;
    } else if (e.name == "hold_at") {
      if (auto cents = amount(r, e, false)) policy.hold_at_cents = *cents;
    } else if (e.name == "refund_when_recovered") {
      if (auto v = r.oneOf(e, {"true", "false"})) policy.refund_when_recovered = *v == "true";
    } else if (e.name == "policy_text") {
      if (auto v = r.string(e, true)) policy.policy_text = *v;
    } else if (e.name == "templates_dir") {
      if (auto v = r.string(e, true); v && !v->empty()) {
        const std::filesystem::path p(*v);
        policy.templates_dir = (p.is_absolute() ? p : base / p).lexically_normal().string();
      }
    } else {
      return false;
    }
    return true;
  });
  out = std::move(policy);
}

}  // namespace fk::config_detail
