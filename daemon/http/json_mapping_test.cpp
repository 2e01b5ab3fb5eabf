#include "http/json_mapping.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/sample_device_test.hpp"

namespace fk {
namespace {

using nlohmann::json;
using test::sampleDevice;

// The JSON a client would send back after reading a device: the output minus what it may not set.
json writableFields(json out) {
  for (const char* ro : {"id", "created_at", "updated_at", "repair_cost", "holder", "seen", "version"})
    out.erase(ro);
  return out;
}

std::string fieldOf(const Error& e) {
  return e.details.value("field", std::string("<none>"));
}

TEST(DeviceToJson, HasEveryContractFieldWithTheRightShape) {
  json out = deviceToJson(sampleDevice());
  for (const char* f : {"id",           "asset_tag", "serial",         "kind",
                        "manufacturer", "model",     "purchase_date",  "purchase_price",
                        "vendor",       "po_number", "funding_source", "warranty_end",
                        "aue_date",     "location",  "org_unit",       "macs",
                        "loaner",       "status",    "holder",         "repair_cost",
                        "notes",        "version",   "created_at",     "updated_at",
                        "seen"}) {
    EXPECT_TRUE(out.contains(f)) << f;
  }
  EXPECT_EQ(out["id"], 42);
  EXPECT_EQ(out["kind"], "chromebook");
  EXPECT_EQ(out["status"], "deployed");
  EXPECT_EQ(out["purchase_price"], "289.00");
  EXPECT_EQ(out["repair_cost"], "0.00");
  EXPECT_TRUE(out["holder"].is_null());
  EXPECT_EQ(out["macs"], json::array({"aa:bb:cc:dd:ee:01", "aa:bb:cc:dd:ee:02"}));
  EXPECT_EQ(out["loaner"], true);
  EXPECT_EQ(out["version"], 7);
  EXPECT_EQ(out["seen"], json::object());
}

TEST(DeviceToJson, UnsetFieldsAreNull) {
  Device d;
  d.id = 1;
  d.serial = "S1";
  json out = deviceToJson(d);
  for (const char* f :
       {"asset_tag", "manufacturer", "model", "purchase_date", "purchase_price", "vendor", "po_number",
        "funding_source", "warranty_end", "aue_date", "location", "org_unit", "notes"}) {
    EXPECT_TRUE(out[f].is_null()) << f;
  }
  EXPECT_EQ(out["macs"], json::array());
}

TEST(DeviceToJson, SightingsBecomeSeenPerSource) {
  std::vector<DeviceSighting> seen = {
      {"google", "2026-01-01T00:00:00Z", "2026-11-27T08:00:00Z", "abc-123", json{{"os", "ChromeOS 120"}}}};
  json out = deviceToJson(sampleDevice(), &seen);
  ASSERT_TRUE(out["seen"].contains("google"));
  EXPECT_EQ(out["seen"]["google"]["source_id"], "abc-123");
  EXPECT_EQ(out["seen"]["google"]["last_seen"], "2026-11-27T08:00:00Z");
  EXPECT_EQ(out["seen"]["google"]["fields"]["os"], "ChromeOS 120");
}

TEST(DeviceToJson, SuggestsGooglesRecentUserWhenItIsNotTheHolder) {
  std::vector<DeviceSighting> seen = {{"google", "2026-01-01T00:00:00Z", "2026-11-27T08:00:00Z", "abc-123",
                                       json{{"recent_users", "kim@example.org,ada@example.org"}}}};
  Device d = sampleDevice();
  d.holder = Device::Holder{7, "S1", "Ada", "", "2027-06-15", "Ada@Example.org"};
  json out = deviceToJson(d, &seen);
  EXPECT_EQ(out["suggested_holder"]["email"], "kim@example.org");
  EXPECT_EQ(out["suggested_holder"]["source"], "google");
  EXPECT_EQ(out["holder"]["external_id"], "S1") << "the holder itself never changes";

  seen[0].fields["recent_users"] = "ada@example.org";
  EXPECT_TRUE(deviceToJson(d, &seen)["suggested_holder"].is_null()) << "the holder is the recent user";
  d.holder.reset();
  EXPECT_EQ(deviceToJson(d, &seen)["suggested_holder"]["email"], "ada@example.org") << "in stock, yet in use";
  seen[0].fields = json::object();
  EXPECT_TRUE(deviceToJson(d, &seen)["suggested_holder"].is_null());
}

TEST(DeviceDraftFromJson, RoundTripsEveryWritableField) {
  const Device original = sampleDevice();
  auto parsed = deviceDraftFromJson(writableFields(deviceToJson(original)), DraftMode::create);
  ASSERT_TRUE(parsed) << parsed.error().message;
  const DeviceDraft& d = parsed->draft;
  EXPECT_EQ(d.asset_tag, original.asset_tag);
  EXPECT_EQ(d.serial, original.serial);
  EXPECT_EQ(d.kind, original.kind);
  EXPECT_EQ(d.manufacturer, original.manufacturer);
  EXPECT_EQ(d.model, original.model);
  EXPECT_EQ(d.purchase_date, original.purchase_date);
  ASSERT_TRUE(d.purchase_price_cents.has_value());
  EXPECT_EQ(*d.purchase_price_cents, original.purchase_price_cents);
  EXPECT_EQ(d.vendor, original.vendor);
  EXPECT_EQ(d.po_number, original.po_number);
  EXPECT_EQ(d.funding_source, original.funding_source);
  EXPECT_EQ(d.warranty_end, original.warranty_end);
  EXPECT_EQ(d.aue_date, original.aue_date);
  EXPECT_EQ(d.location, original.location);
  EXPECT_EQ(d.org_unit, original.org_unit);
  EXPECT_EQ(d.macs, original.macs);
  EXPECT_EQ(d.loaner, original.loaner);
  EXPECT_EQ(d.status, original.status);
  EXPECT_EQ(d.notes, original.notes);
}

TEST(DeviceDraftFromJson, NullClearsAndAbsentLeavesAlone) {
  auto parsed = deviceDraftFromJson(json{{"version", 3}, {"notes", nullptr}, {"purchase_price", nullptr}},
                                    DraftMode::patch);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->version, 3);
  EXPECT_EQ(parsed->draft.notes, std::string());
  ASSERT_TRUE(parsed->draft.purchase_price_cents.has_value());
  EXPECT_FALSE(parsed->draft.purchase_price_cents->has_value());
  EXPECT_FALSE(parsed->draft.serial.has_value());
  EXPECT_FALSE(parsed->draft.macs.has_value());
}

TEST(DeviceDraftFromJson, NormalisesAndDeduplicatesMacs) {
  auto parsed = deviceDraftFromJson(
      json{{"serial", "S"}, {"macs", {"AA-BB-CC-DD-EE-02", "aabb.ccdd.ee01", "aa:bb:cc:dd:ee:02"}}},
      DraftMode::create);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(*parsed->draft.macs, (std::vector<std::string>{"aa:bb:cc:dd:ee:01", "aa:bb:cc:dd:ee:02"}));
}

struct Refusal {
  const char* body;
  DraftMode mode;
  const char* field;
};

class DeviceDraftRefusal : public testing::TestWithParam<Refusal> {};

TEST_P(DeviceDraftRefusal, NamesTheField) {
  const Refusal& r = GetParam();
  auto parsed = deviceDraftFromJson(json::parse(r.body), r.mode);
  ASSERT_FALSE(parsed) << r.body;
  EXPECT_EQ(parsed.error().code, Errc::invalid);
  EXPECT_EQ(fieldOf(parsed.error()), r.field) << parsed.error().message;
  EXPECT_FALSE(parsed.error().message.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Fields, DeviceDraftRefusal,
    testing::Values(Refusal{R"({"serial": "S", "colour": "red"})", DraftMode::create, "colour"},
                    Refusal{R"({"asset_tag": 12})", DraftMode::create, "asset_tag"},
                    Refusal{R"({"serial": ["S"]})", DraftMode::create, "serial"},
                    Refusal{R"({"notes": {"a": 1}})", DraftMode::create, "notes"},
                    Refusal{R"({"loaner": "yes"})", DraftMode::create, "loaner"},
                    Refusal{R"({"loaner": 1})", DraftMode::create, "loaner"},
                    Refusal{R"({"macs": "aa:bb:cc:dd:ee:ff"})", DraftMode::create, "macs"},
                    Refusal{R"({"macs": ["aa:bb:cc:dd:ee:ff", "aa:bb:cc:dd:ee:fe", "not-a-mac"]})",
                            DraftMode::create, "macs[2]"},
                    Refusal{R"({"macs": ["aa:bb:cc:dd:ee:ff", 5]})", DraftMode::create, "macs[1]"},
                    Refusal{R"({"kind": "phone"})", DraftMode::create, "kind"},
                    Refusal{R"({"kind": null})", DraftMode::create, "kind"},
                    Refusal{R"({"status": "broken"})", DraftMode::create, "status"},
                    Refusal{R"({"purchase_date": "2027-02-30"})", DraftMode::create, "purchase_date"},
                    Refusal{R"({"warranty_end": "15/08/2026"})", DraftMode::create, "warranty_end"},
                    Refusal{R"({"aue_date": 2028})", DraftMode::create, "aue_date"},
                    Refusal{R"({"purchase_price": "twelve"})", DraftMode::create, "purchase_price"},
                    Refusal{R"({"purchase_price": "-5.00"})", DraftMode::create, "purchase_price"},
                    Refusal{R"({"purchase_price": -5})", DraftMode::create, "purchase_price"},
                    Refusal{R"({"purchase_price": 289.555})", DraftMode::create, "purchase_price"},
                    Refusal{R"({"purchase_price": true})", DraftMode::create, "purchase_price"},
                    Refusal{R"({"id": 5})", DraftMode::create, "id"},
                    Refusal{R"({"created_at": "2026-01-01T00:00:00Z"})", DraftMode::create, "created_at"},
                    Refusal{R"({"updated_at": "x"})", DraftMode::patch, "updated_at"},
                    Refusal{R"({"repair_cost": "1.00"})", DraftMode::create, "repair_cost"},
                    Refusal{R"({"holder": null})", DraftMode::create, "holder"},
                    Refusal{R"({"seen": {}})", DraftMode::create, "seen"},
                    Refusal{R"({"serial": "S", "version": 1})", DraftMode::create, "version"},
                    Refusal{R"({"notes": "x"})", DraftMode::patch, "version"},
                    Refusal{R"({"version": "3"})", DraftMode::patch, "version"},
                    Refusal{R"({"version": 2.5})", DraftMode::patch, "version"},
                    Refusal{R"({"version": 0})", DraftMode::patch, "version"},
                    Refusal{R"({"version": 18446744073709551615})", DraftMode::patch, "version"},
                    Refusal{R"({"version": 3, "status": "retired"})", DraftMode::patch, "status"}));

TEST(DeviceDraftFromJson, ListsEveryUnknownField) {
  auto parsed = deviceDraftFromJson(json{{"serial", "S"}, {"zeta", 1}, {"alpha", 2}}, DraftMode::create);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().details["fields"], json::array({"alpha", "zeta"}));
  EXPECT_NE(parsed.error().message.find("alpha"), std::string::npos);
  EXPECT_NE(parsed.error().message.find("zeta"), std::string::npos);
}

TEST(DeviceDraftFromJson, RefusesOverlongText) {
  auto parsed = deviceDraftFromJson(json{{"serial", std::string(5000, 'x')}}, DraftMode::create);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(fieldOf(parsed.error()), "serial");
  EXPECT_TRUE(deviceDraftFromJson(json{{"notes", std::string(5000, 'x')}}, DraftMode::create));
}

TEST(MoneyFromJson, AcceptsStringsAndTwoDecimalNumbers) {
  auto cents = [](const json& v) { return moneyFromJson(v, "price"); };
  EXPECT_EQ(**cents("289.00"), 28900);
  EXPECT_EQ(**cents("289.5"), 28950);
  EXPECT_EQ(**cents(289), 28900);
  EXPECT_EQ(**cents(289.5), 28950);
  EXPECT_EQ(**cents(0.29), 29);  // 0.29 * 100 is 28.999999999999996 in binary
  EXPECT_EQ(**cents(0), 0);
  EXPECT_FALSE(cents(nullptr)->has_value());
  EXPECT_FALSE(cents("")->has_value());
  EXPECT_FALSE(cents(0.001));
  EXPECT_FALSE(cents(1e15));
  EXPECT_FALSE(cents("1.234"));
  EXPECT_EQ(fieldOf(cents(json::array()).error()), "price");
}

TEST(ParseJsonObject, ParsesAnObjectAndKeepsUnicode) {
  auto body = parseJsonObject(R"({"notes": "Café – 日本語 🎒 \u00e9"})");
  ASSERT_TRUE(body) << body.error().message;
  EXPECT_EQ((*body)["notes"], "Café – 日本語 🎒 é");
  auto parsed = deviceDraftFromJson(*body, DraftMode::create);
  ASSERT_TRUE(parsed);
  Device d;
  d.notes = *parsed->draft.notes;
  // Through the output side too: dump and parse back yields the same text.
  EXPECT_EQ(json::parse(deviceToJson(d).dump())["notes"], "Café – 日本語 🎒 é");
}

TEST(ParseJsonObject, SyntaxErrorNamesBodyAndPosition) {
  auto body = parseJsonObject(R"({"serial": "S",, })");
  ASSERT_FALSE(body);
  EXPECT_EQ(body.error().code, Errc::invalid);
  EXPECT_EQ(fieldOf(body.error()), "body");
  EXPECT_EQ(body.error().details["position"], 16);
  EXPECT_EQ(body.error().message.find("[json.exception"), std::string::npos);
}

TEST(ParseJsonObject, RefusesEmptyAndNonObjectBodies) {
  for (const char* text : {"", "[]", "\"x\"", "42", "null", "{} {}"}) {
    auto body = parseJsonObject(text);
    ASSERT_FALSE(body) << text;
    EXPECT_EQ(fieldOf(body.error()), "body") << text;
  }
}

TEST(ParseJsonObject, RefusesInvalidUtf8) {
  auto body = parseJsonObject(std::string("{\"notes\": \"\xff\xfe\"}"));
  ASSERT_FALSE(body);
  EXPECT_EQ(fieldOf(body.error()), "body");
}

TEST(ParseJsonObject, NumberBeyondDoubleRangeIsBadInput) {
  auto body = parseJsonObject(R"({"serial": "H-4", "purchase_price": 1e400})");
  ASSERT_FALSE(body);
  EXPECT_EQ(body.error().code, Errc::invalid);
  EXPECT_EQ(fieldOf(body.error()), "body");
}

TEST(ParseJsonObject, NestingUpToTheLimitIsFine) {
  // The outer object is level 1; kMaxJsonDepth - 1 arrays inside it reach the limit exactly.
  std::string text =
      "{\"a\":" + std::string(kMaxJsonDepth - 1, '[') + std::string(kMaxJsonDepth - 1, ']') + "}";
  EXPECT_TRUE(parseJsonObject(text));
  text = "{\"a\":" + std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']') + "}";
  auto body = parseJsonObject(text);
  ASSERT_FALSE(body);
  EXPECT_EQ(fieldOf(body.error()), "body");
}

TEST(ParseJsonObject, TenMebibytesOfOpenBracketsIsRefusedNotACrash) {
  const std::string arrays(10u << 20, '[');
  auto body = parseJsonObject(arrays);
  ASSERT_FALSE(body);
  EXPECT_EQ(fieldOf(body.error()), "body");

  // Balanced and inside an object, so the only thing wrong is the depth.
  std::string nested = "{\"a\":" + std::string(5u << 20, '[') + std::string(5u << 20, ']') + "}";
  body = parseJsonObject(nested);
  ASSERT_FALSE(body);
  EXPECT_NE(body.error().message.find("deeper"), std::string::npos) << body.error().message;

  std::string objects;
  objects.reserve(3u << 20);
  for (int i = 0; i < 500000; ++i) objects += "{\"a\":";
  body = parseJsonObject(objects + "1" + std::string(500000, '}'));
  ASSERT_FALSE(body);
  EXPECT_NE(body.error().message.find("deeper"), std::string::npos);
}

TEST(DeviceEventToJson, HasTheHistoryShape) {
  DeviceEvent e{9,
                42,
                "2026-11-27T08:30:00Z",
                "token:alice",
                "transition",
                {{"status", "in_stock", "deployed"}},
                "handed out"};
  json out = deviceEventToJson(e);
  EXPECT_EQ(out["id"], 9);
  EXPECT_EQ(out["actor"], "token:alice");
  EXPECT_EQ(out["action"], "transition");
  EXPECT_EQ(out["changes"], json::array({{{"field", "status"}, {"old", "in_stock"}, {"new", "deployed"}}}));
  EXPECT_EQ(out["reason"], "handed out");
  e.reason.clear();
  EXPECT_TRUE(deviceEventToJson(e)["reason"].is_null());
}

TEST(CatalogModelJson, RoundTrips) {
  auto m = catalogModelFromJson(
      json{{"kind", "chromebook"}, {"unit_cost", "289.00"}, {"life_years", 5}, {"aue_date", "2028-06-01"}},
      "HP Chromebook 11 G9 EE");
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->model, "HP Chromebook 11 G9 EE");
  EXPECT_EQ(m->unit_cost_cents, 28900);
  EXPECT_EQ(m->life_years, 5);
  json out = catalogModelToJson(*m);
  EXPECT_EQ(out["model"], "HP Chromebook 11 G9 EE");
  EXPECT_EQ(out["kind"], "chromebook");
  EXPECT_EQ(out["unit_cost"], "289.00");
  EXPECT_EQ(out["life_years"], 5);
  EXPECT_EQ(out["aue_date"], "2028-06-01");

  auto minimal = catalogModelFromJson(json{{"kind", "laptop"}}, "X1");
  ASSERT_TRUE(minimal);
  json blank = catalogModelToJson(*minimal);
  EXPECT_TRUE(blank["unit_cost"].is_null());
  EXPECT_TRUE(blank["life_years"].is_null());
  EXPECT_TRUE(blank["aue_date"].is_null());
}

TEST(CatalogModelJson, RefusalsNameTheField) {
  const std::pair<json, const char*> cases[] = {
      {json::object(), "kind"},
      {json{{"kind", "toaster"}}, "kind"},
      {json{{"kind", "laptop"}, {"unit_cost", "abc"}}, "unit_cost"},
      {json{{"kind", "laptop"}, {"life_years", 0}}, "life_years"},
      {json{{"kind", "laptop"}, {"life_years", 51}}, "life_years"},
      {json{{"kind", "laptop"}, {"life_years", -3}}, "life_years"},
      {json{{"kind", "laptop"}, {"life_years", "5"}}, "life_years"},
      {json{{"kind", "laptop"}, {"aue_date", "2028-13-01"}}, "aue_date"},
      {json{{"kind", "laptop"}, {"model", "Other"}}, "model"},
      {json{{"kind", "laptop"}, {"updated_at", "x"}}, "updated_at"},
      {json{{"kind", "laptop"}, {"price", "1.00"}}, "price"},
  };
  for (const auto& [body, field] : cases) {
    auto m = catalogModelFromJson(body, "X1");
    ASSERT_FALSE(m) << body.dump();
    EXPECT_EQ(fieldOf(m.error()), field) << body.dump();
  }
}

TEST(Cursor, RoundTripsAndRefusesForgeries) {
  for (std::int64_t id : {1LL, 99LL, 1234567890123LL}) {
    const std::string c = encodeCursor(id);
    EXPECT_EQ(c.find_first_of("+/="), std::string::npos) << c;
    EXPECT_EQ(decodeCursor(c), id);
  }
  EXPECT_FALSE(decodeCursor(""));
  EXPECT_FALSE(decodeCursor("42"));
  EXPECT_FALSE(decodeCursor("!!!"));
  EXPECT_FALSE(decodeCursor(encodeCursor(0)));
  EXPECT_FALSE(decodeCursor(encodeCursor(-5)));
  EXPECT_FALSE(decodeCursor(encodeCursor(7) + "="));
  // A syntactically valid base64url of the wrong payload.
  EXPECT_FALSE(decodeCursor("djI6NQ"));  // "v2:5"
  EXPECT_FALSE(decodeCursor(std::string(100, 'A')));
}

}  // namespace
}  // namespace fk
