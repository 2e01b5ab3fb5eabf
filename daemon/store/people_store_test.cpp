#include "store/people_store.hpp"

#include <gtest/gtest.h>

#include "store/test_support.hpp"

namespace fk {
namespace {

PersonDraft person(const std::string& id, const std::string& name, PersonRole role = PersonRole::student) {
  PersonDraft d;
  d.external_id = id;
  d.name = name;
  d.role = role;
  return d;
}

class PeopleStoreTest : public test::StoreTest {
 protected:
  PeopleStore store() { return PeopleStore(db()); }
};

TEST_F(PeopleStoreTest, CreateGetAndDuplicate) {
  auto p = store().create(person("S1", "Ada Lovelace"));
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_GT(p->id, 0);
  EXPECT_TRUE(p->active);
  EXPECT_FALSE(p->created_at.empty());
  auto got = store().get("S1");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->name, "Ada Lovelace");
  auto dup = store().create(person("S1", "Someone Else"));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, Errc::conflict);
  EXPECT_EQ(dup.error().details["field"], "external_id");
  EXPECT_EQ(store().get("S404").error().code, Errc::not_found);
}

TEST_F(PeopleStoreTest, CreateRefusesInvalidDraftNamingTheField) {
  PersonDraft d = person("S1", "Ada");
  d.email = "nope";
  auto p = store().create(d);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, Errc::invalid);
  EXPECT_EQ(p.error().details["field"], "email");
  EXPECT_EQ(scalar("SELECT count(*) FROM people"), 0);
}

TEST_F(PeopleStoreTest, UpdateDeactivatesAndRenames) {
  ASSERT_TRUE(store().create(person("S1", "Ada")));
  ASSERT_TRUE(store().create(person("S2", "Bob")));
  PersonDraft d;
  d.active = false;
  auto p = store().update("S1", d);
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->active);
  PersonDraft rename;
  rename.external_id = "S2";
  EXPECT_EQ(store().update("S1", rename).error().code, Errc::conflict);
  rename.external_id = "S9";
  ASSERT_TRUE(store().update("S1", rename));
  EXPECT_TRUE(store().get("S9"));
  EXPECT_EQ(store().update("S1", d).error().code, Errc::not_found);
}

TEST_F(PeopleStoreTest, ListFiltersAndPages) {
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(store().create(person("S" + std::to_string(i), "Student " + std::to_string(i))));
  ASSERT_TRUE(store().create(person("T1", "Grace Hopper", PersonRole::staff)));
  PeopleFilter f;
  f.limit = 4;
  auto page = store().list(f);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->items.size(), 4u);
  ASSERT_TRUE(page->next_after_id);
  f.after_id = *page->next_after_id;
  auto rest = store().list(f);
  EXPECT_EQ(rest->items.size(), 2u);
  EXPECT_FALSE(rest->next_after_id);
  PeopleFilter q;
  q.q = "hopp";
  ASSERT_EQ(store().list(q)->items.size(), 1u);
  PeopleFilter staff;
  staff.role = PersonRole::staff;
  EXPECT_EQ(store().list(staff)->items.at(0).external_id, "T1");
  PeopleFilter pct;
  pct.q = "%";
  EXPECT_TRUE(store().list(pct)->items.empty());  // LIKE wildcards are literal
}

TEST_F(PeopleStoreTest, ImportCreatesUpdatesAndCounts) {
  auto first = parseRosterCsv("external_id,name,role,grade\nS1,Ada,student,7\nS2,Bob,student,8\n");
  ASSERT_TRUE(first.errors.empty());
  auto s = store().import(first.rows);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->created, 2u);
  auto again = parseRosterCsv("external_id,name,grade,active\nS1,Ada,7,true\nS2,Bob,9,false\n");
  auto s2 = store().import(again.rows);
  ASSERT_TRUE(s2);
  EXPECT_EQ(s2->created, 0u);
  EXPECT_EQ(s2->updated, 1u);
  EXPECT_EQ(s2->unchanged, 1u);
  EXPECT_EQ(store().get("S2")->grade, "9");
  EXPECT_FALSE(store().get("S2")->active);
}

TEST_F(PeopleStoreTest, ImportIsAllOrNone) {
  ASSERT_TRUE(store().create(person("S1", "Ada")));
  // S1 exists (no role needed); S2 is new and has no role: its line is reported, nothing changes.
  auto parsed = parseRosterCsv("external_id,name,role\nS1,Ada Changed,\nS2,Bob,\nS3,Cy,staff\n");
  ASSERT_TRUE(parsed.errors.empty());
  auto s = store().import(parsed.rows);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, Errc::invalid);
  ASSERT_EQ(s.error().details["errors"].size(), 1u);
  EXPECT_EQ(s.error().details["errors"][0]["line"], 3);
  EXPECT_EQ(s.error().details["errors"][0]["field"], "role");
  EXPECT_EQ(scalar("SELECT count(*) FROM people"), 1);
  EXPECT_EQ(store().get("S1")->name, "Ada");
}

}  // namespace
}  // namespace fk
