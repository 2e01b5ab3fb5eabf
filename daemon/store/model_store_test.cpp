#include "store/model_store.hpp"

#include <gtest/gtest.h>

#include "store/test_support.hpp"

namespace fk {
namespace {

CatalogModel entry(const std::string& name, std::optional<std::int64_t> cost, std::string aue = "") {
  CatalogModel m;
  m.model = name;
  m.kind = DeviceKind::chromebook;
  m.unit_cost_cents = cost;
  m.life_years = 5;
  m.aue_date = std::move(aue);
  return m;
}

class ModelStoreTest : public test::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    models_ = std::make_unique<ModelStore>(db());
  }
  ModelStore& models() { return *models_; }
  std::unique_ptr<ModelStore> models_;
};

TEST_F(ModelStoreTest, PutThenGetAndList) {
  auto stored = models().put(entry("HP Chromebook 11 G9 EE", 28900, "2028-06-01"));
  ASSERT_TRUE(stored.has_value()) << stored.error().message;
  EXPECT_EQ(stored->unit_cost_cents, 28900);
  EXPECT_FALSE(stored->updated_at.empty());
  ASSERT_TRUE(models().put(entry("Acer 511", std::nullopt)));

  auto got = models().get("HP Chromebook 11 G9 EE");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->kind, DeviceKind::chromebook);
  EXPECT_EQ(got->life_years, 5);
  EXPECT_EQ(got->aue_date, "2028-06-01");

  auto all = models().list();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].model, "Acer 511");
  EXPECT_FALSE((*all)[0].unit_cost_cents.has_value());
  EXPECT_TRUE((*all)[0].aue_date.empty());
}

TEST_F(ModelStoreTest, PutReplacesTheWholeEntry) {
  ASSERT_TRUE(models().put(entry("M", 100, "2027-01-01")));
  ASSERT_TRUE(models().put(entry("M", 200)));
  auto got = models().get("M");
  EXPECT_EQ(got->unit_cost_cents, 200);
  EXPECT_TRUE(got->aue_date.empty());
  EXPECT_EQ(models().list()->size(), 1u);
}

TEST_F(ModelStoreTest, UnknownModelIsNotFound) {
  auto r = models().get("nope");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::not_found);
}

TEST_F(ModelStoreTest, InvalidEntriesNameTheField) {
  struct Case {
    CatalogModel m;
    const char* field;
  };
  CatalogModel bad_life = entry("M", 1);
  bad_life.life_years = 0;
  for (const Case& c : {Case{entry("", 1), "model"}, Case{entry("M", -5), "unit_cost"},
                        Case{entry("M", 1, "2027-02-30"), "aue_date"}, Case{bad_life, "life_years"}}) {
    auto r = models().put(c.m);
    ASSERT_FALSE(r.has_value()) << c.field;
    EXPECT_EQ(r.error().code, Errc::invalid);
    EXPECT_EQ(r.error().details["field"], c.field);
  }
  EXPECT_TRUE(models().list()->empty());
}

TEST_F(ModelStoreTest, SeedUpsertsConfigEntriesAndKeepsOthers) {
  ASSERT_TRUE(models().put(entry("Edited in API", 1)));
  ASSERT_TRUE(models().put(entry("From config", 1)));
  ASSERT_TRUE(models().seed({entry("From config", 500), entry("New", 700)}));
  EXPECT_EQ(models().get("From config")->unit_cost_cents, 500);
  EXPECT_EQ(models().get("New")->unit_cost_cents, 700);
  EXPECT_EQ(models().get("Edited in API")->unit_cost_cents, 1);
  // One bad entry refuses the whole seed.
  EXPECT_FALSE(models().seed({entry("Another", 1), entry("", 1)}));
  EXPECT_FALSE(models().get("Another").has_value());
}

}  // namespace
}  // namespace fk
