#include "http/circulation_json.hpp"

#include <gtest/gtest.h>

#include "http/json_mapping.hpp"

namespace fk {
namespace {

using nlohmann::json;

TEST(CirculationJson, DeviceHolderIsAPersonOrAPlace) {
  Device d;
  d.id = 1;
  d.asset_tag = "CB-1";
  EXPECT_TRUE(deviceToJson(d)["holder"].is_null());
  d.holder = Device::Holder{7, "S1", "Ada", "", "2027-06-15"};
  EXPECT_EQ(deviceToJson(d)["holder"], (json{{"type", "person"},
                                             {"external_id", "S1"},
                                             {"name", "Ada"},
                                             {"checkout_id", 7},
                                             {"due", "2027-06-15"}}));
  d.holder = Device::Holder{8, "", "", "Cart 3", "2027-06-15"};
  EXPECT_EQ(deviceToJson(d)["holder"],
            (json{{"type", "location"}, {"location", "Cart 3"}, {"checkout_id", 8}, {"due", "2027-06-15"}}));
}

TEST(CirculationJson, CheckoutShowsOverdueOnlyWhileOpen) {
  Checkout c;
  c.id = 3;
  c.device_id = 1;
  c.device_asset_tag = "CB-1";
  c.location = "Cart 3";
  c.due = "2026-11-01";
  json open = checkoutToJson(c, "2026-11-27");
  EXPECT_TRUE(open["person"].is_null());
  EXPECT_EQ(open["location"], "Cart 3");
  EXPECT_EQ(open["device"]["asset_tag"], "CB-1");
  EXPECT_TRUE(open["device"]["serial"].is_null());
  EXPECT_TRUE(open["overdue"].get<bool>());
  EXPECT_TRUE(open["open"].get<bool>());
  c.returned_at = "2026-11-20T10:00:00Z";
  c.condition_in = "good";
  json closed = checkoutToJson(c, "2026-11-27");
  EXPECT_FALSE(closed["overdue"].get<bool>());
  EXPECT_FALSE(closed["open"].get<bool>());
  EXPECT_EQ(closed["condition_in"], "good");
}

TEST(CirculationJson, PersonDraftFieldsAndRefusals) {
  auto d = personDraftFromJson(
      json{{"external_id", "S1"}, {"name", "Ada"}, {"role", "staff"}, {"email", nullptr}, {"active", false}});
  ASSERT_TRUE(d);
  EXPECT_EQ(*d->role, PersonRole::staff);
  EXPECT_EQ(*d->email, "");
  EXPECT_FALSE(*d->active);
  for (const auto& [body, field] :
       std::vector<std::pair<json, std::string>>{{json{{"role", "teacher"}}, "role"},
                                                 {json{{"active", "no"}}, "active"},
                                                 {json{{"name", 5}}, "name"},
                                                 {json{{"id", 5}}, "id"},
                                                 {json{{"nickname", "A"}}, "nickname"}}) {
    auto r = personDraftFromJson(body);
    ASSERT_FALSE(r) << body;
    EXPECT_EQ(r.error().details["field"], field);
  }
}

TEST(CirculationJson, PersonJsonUsesNullForUnset) {
  Person p;
  p.external_id = "S1";
  p.name = "Ada";
  json j = personToJson(p);
  EXPECT_TRUE(j["email"].is_null());
  EXPECT_EQ(j["role"], "student");
  EXPECT_EQ(j["active"], true);
}

}  // namespace
}  // namespace fk
