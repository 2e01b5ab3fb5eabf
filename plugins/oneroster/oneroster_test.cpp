#include <gtest/gtest.h>
#include <zip.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "oneroster/bundle.hpp"
#include "oneroster/oneroster.hpp"
#include "oneroster/parse.hpp"
#include "test_support/harness.hpp"

namespace fk::oneroster {
namespace {

namespace fs = std::filesystem;
const fs::path kData = TESTDATA_DIR;

Files folder(const std::string& name) {
  BundleFiles b = readBundle(kData / name);
  EXPECT_EQ(b.error, "");
  return b.files;
}

std::map<std::string, api::PersonObservation> byId(const Roster& r) {
  std::map<std::string, api::PersonObservation> out;
  for (const auto& p : r.people) out[p.external_id] = p;
  return out;
}

// A scratch folder removed at the end of the test.
struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("oneroster_test_" + std::to_string(::getpid()) + "_" +
                                              ::testing::UnitTest::GetInstance()->current_test_info()->name());
  Scratch() { fs::create_directories(dir); }
  ~Scratch() { fs::remove_all(dir); }
};

// Zips the files of a fixture folder, under `prefix` inside the archive.
fs::path zipOf(const fs::path& out, const std::string& fixture, const std::string& prefix = "") {
  int err = 0;
  zip_t* z = zip_open(out.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  EXPECT_NE(z, nullptr);
  for (const auto& entry : fs::directory_iterator(kData / fixture)) {
    zip_source_t* src = zip_source_file(z, entry.path().c_str(), 0, -1);
    EXPECT_NE(src, nullptr);
    const zip_int64_t index = zip_file_add(z, (prefix + entry.path().filename().string()).c_str(), src, ZIP_FL_OVERWRITE);
    EXPECT_GE(index, 0);
    // Stored, not deflated: a test can then find and damage a known byte of an entry.
    zip_set_file_compression(z, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0);
  }
  EXPECT_EQ(zip_close(z), 0);
  return out;
}

TEST(OneRosterParse, Version11PeopleRolesSchoolsAndHouseholds) {
  Roster r = parseBundle(folder("v11"));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.version, "1.1");
  EXPECT_TRUE(r.complete);
  auto people = byId(r);
  ASSERT_EQ(people.size(), 8u);  // 4 students, teacher, administrator, aide, proctor; no parents
  const auto& ava = people["stu-1"];
  EXPECT_EQ(ava.origin, "users.csv line 2");
  EXPECT_EQ(ava.fields.at("name"), "Ava Sanchez");
  EXPECT_EQ(ava.fields.at("role"), "student");
  EXPECT_EQ(ava.fields.at("email"), "ava.s@students.example.org");
  EXPECT_EQ(ava.fields.at("grade"), "08");
  EXPECT_EQ(ava.fields.at("location"), "Elm Valley Middle School") << "the school, not the district";
  EXPECT_EQ(ava.fields.at("household"), "par-1");
  EXPECT_TRUE(ava.active);
  EXPECT_EQ(people["stu-2"].fields.at("household"), "par-1") << "linked only from the guardians' side";
  EXPECT_EQ(people["stu-2"].fields.at("grade"), "07");
  EXPECT_TRUE(people["stu-2"].active) << "enabledUser TRUE";
  EXPECT_FALSE(people["stu-3"].active) << "enabledUser=false";
  EXPECT_EQ(people["stu-3"].fields.at("household"), "") << "the bundle names guardians, none for this one";
  EXPECT_EQ(people["stu-3"].fields.at("email"), "");
  EXPECT_FALSE(people["stu-4"].active) << "status=tobedeleted";
  EXPECT_EQ(people["tch-1"].fields.at("role"), "staff");
  EXPECT_EQ(people["adm-1"].fields.at("role"), "staff");
  EXPECT_EQ(people["adm-1"].fields.at("location"), "Elm Valley District") << "no school: the first org";
  EXPECT_EQ(people["aide-1"].fields.at("role"), "staff");
  EXPECT_EQ(people["prc-1"].fields.at("role"), "staff");
  ASSERT_EQ(r.skipped.size(), 3u);
  EXPECT_EQ(r.skipped[0].first, "users.csv line 12");
  EXPECT_NE(r.skipped[0].second.find("ext:robot"), std::string::npos);
  EXPECT_EQ(r.skipped[1].second, "sourcedId is empty");
  EXPECT_EQ(r.skipped[2].second, "sourcedId stu-1 appears again (first on line 2)");
}

TEST(OneRosterParse, Version12ReadsRolesAndPreferredNames) {
  Roster r = parseBundle(folder("v12"));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.version, "1.2");
  auto people = byId(r);
  ASSERT_EQ(people.size(), 3u);
  EXPECT_EQ(people["stu-1"].fields.at("name"), "Avi Sanchez") << "preferredGivenName shown";
  EXPECT_EQ(people["stu-1"].fields.at("location"), "Elm Valley Middle School") << "the primary role's org";
  EXPECT_EQ(people["stu-1"].fields.at("household"), "par-1");
  EXPECT_EQ(people["stu-2"].fields.at("location"), "Maple Elementary") << "primaryOrgSourcedId wins";
  EXPECT_EQ(people["stu-2"].fields.at("household"), "");
  EXPECT_EQ(people["prn-1"].fields.at("role"), "staff") << "principal";
}

TEST(OneRosterParse, DeltaIsNotCompleteAndCarriesLeavers) {
  Roster r = parseBundle(folder("delta"));
  ASSERT_EQ(r.error, "");
  EXPECT_FALSE(r.complete);
  ASSERT_EQ(r.people.size(), 1u);
  EXPECT_FALSE(r.people[0].active);
  EXPECT_FALSE(r.people[0].fields.contains("location")) << "orgs.csv absent: the school is left alone";
  EXPECT_FALSE(r.people[0].fields.contains("household")) << "no agent links in the bundle";
}

TEST(OneRosterParse, RefusesBundlesItCannotTrust) {
  Files f = folder("no_users");
  EXPECT_EQ(parseBundle(f).error, "users.csv is missing from the bundle (the manifest lists it as bulk)");
  Files v11 = folder("v11");
  Files no_manifest = v11;
  no_manifest.erase("manifest.csv");
  EXPECT_EQ(parseBundle(no_manifest).error, "manifest.csv is missing: not a OneRoster CSV bundle");
  Files no_roles = folder("v12");
  no_roles.erase("roles.csv");
  EXPECT_NE(parseBundle(no_roles).error.find("roles.csv is missing"), std::string::npos);
  Files empty = v11;
  empty["users.csv"] = v11["users.csv"].substr(0, v11["users.csv"].find('\n') + 1);
  EXPECT_NE(parseBundle(empty).error.find("refusing"), std::string::npos) << "a bulk file with nobody in it";
  Files bad_quote = v11;
  bad_quote["users.csv"] += "stu-9,,,true,org-ms,student,x,,\"Unclosed,Name\n";
  EXPECT_NE(parseBundle(bad_quote).error.find("users.csv line 15"), std::string::npos) << parseBundle(bad_quote).error;
  Files bad_utf8 = v11;
  bad_utf8["orgs.csv"] += "org-x,,,Caf\xe9,school,,\n";
  EXPECT_NE(parseBundle(bad_utf8).error.find("orgs.csv line 5"), std::string::npos) << parseBundle(bad_utf8).error;
  Files absent = v11;
  absent["manifest.csv"] = "propertyName,value\nfile.users,absent\n";
  absent.erase("users.csv");
  Roster none = parseBundle(absent);
  EXPECT_EQ(none.error, "");
  EXPECT_TRUE(none.no_changes);
}

TEST(OneRosterParse, TenThousandUsers) {
  Files f = folder("v11");
  std::string users = "sourcedId,enabledUser,orgSourcedIds,role,givenName,familyName,grades,agentSourcedIds\n";
  for (int i = 0; i < 10000; ++i)
    users += "s" + std::to_string(i) + ",true,org-ms,student,Given" + std::to_string(i) + ",Family,08,g" +
             std::to_string(i / 2) + "\n";
  for (int i = 0; i < 5000; ++i) users += "g" + std::to_string(i) + ",true,,guardian,G,F,,\n";
  f["users.csv"] = users;
  Roster r = parseBundle(f);
  ASSERT_EQ(r.error, "");
  ASSERT_EQ(r.people.size(), 10000u);
  EXPECT_EQ(r.people[9999].fields.at("household"), "g4999");
  EXPECT_EQ(r.people[9998].fields.at("household"), "g4999") << "siblings share a household";
}

TEST(OneRosterBundle, ReadsAZipWithItsFilesInAFolder) {
  Scratch s;
  const fs::path zip = zipOf(s.dir / "roster.zip", "v11", "export-2027/");
  BundleFiles b = readBundle(zip);
  ASSERT_EQ(b.error, "");
  EXPECT_EQ(b.files, folder("v11")) << "the same files as the folder (demographics.csv is not read)";
  EXPECT_FALSE(b.files.contains("demographics.csv"));
}

TEST(OneRosterBundle, ATruncatedOrDamagedZipIsAnError) {
  Scratch s;
  const fs::path zip = zipOf(s.dir / "roster.zip", "v11");
  std::string bytes;
  {
    std::ifstream in(zip, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  {
    std::ofstream out(s.dir / "cut.zip", std::ios::binary);
    out << bytes.substr(0, bytes.size() / 2);
  }
  EXPECT_NE(readBundle(s.dir / "cut.zip").error, "");
  // A flipped byte inside users.csv's stored data: the CRC check catches it.
  std::string flipped = bytes;
  const auto at = flipped.find("stu-4");
  ASSERT_NE(at, std::string::npos);
  flipped[at] = 'X';
  {
    std::ofstream out(s.dir / "flipped.zip", std::ios::binary);
    out << flipped;
  }
  EXPECT_NE(readBundle(s.dir / "flipped.zip").error.find("damaged"), std::string::npos)
      << readBundle(s.dir / "flipped.zip").error;
  EXPECT_NE(readBundle(s.dir / "nope.zip").error.find("does not exist"), std::string::npos);
}

TEST(OneRosterSource, PollEmitsPeopleAndSaysWhetherTheListingIsComplete) {
  auto factory = plugins::makeOneRosterFactory();
  EXPECT_EQ(factory->name(), "oneroster");
  YAML::Node bad = YAML::Load("{name: sis, plugin: oneroster, interval: 1h, folder: /x}");
  auto issues = factory->validate(bad);
  ASSERT_EQ(issues.size(), 2u) << "path missing, folder unknown";
  YAML::Node entry = YAML::Load("{name: sis, plugin: oneroster, interval: 1h, path: v11}");
  EXPECT_TRUE(factory->validate(entry).empty());
  auto source = factory->create({"sis", entry, kData});
  plugin_test::PollHarness<> h(api::Clock::now(), "/", kData);
  plugin_test::RecordingSink sink;
  api::PollResult r = source->poll(h.ctx, sink);
  ASSERT_TRUE(r.ok) << r.message;
  EXPECT_TRUE(r.complete_listing);
  EXPECT_EQ(sink.people.size(), 8u);
  EXPECT_EQ(sink.skips.size(), 3u);
  EXPECT_TRUE(sink.seen.empty());

  auto missing = factory->create({"sis", YAML::Load("{path: no_users}"), kData});
  plugin_test::RecordingSink none;
  r = missing->poll(h.ctx, none);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, api::FailureReason::bad_response);
  EXPECT_NE(r.message.find("users.csv is missing"), std::string::npos);
  EXPECT_TRUE(none.people.empty()) << "nothing emitted from a bundle that fails";
}

}  // namespace
}  // namespace fk::oneroster
