// The oneroster source: a bundle's manifest, users, orgs and roles files, as one input split at NUL
// bytes in that order. An input without a NUL (each CSV file of testdata/ as a seed) is tried in each
// file's place in turn, beside small valid neighbours, so a lone users.csv still reaches the user rows.
#include <algorithm>
#include <array>
#include <string_view>

#include "oneroster/parse.hpp"
#include "../harness.hpp"

namespace {

constexpr std::array<std::string_view, 4> kNames{"manifest.csv", "users.csv", "orgs.csv", "roles.csv"};

const std::array<std::string, 4>& neighbours() {
  static const std::array<std::string, 4> files{
      "propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\nfile.users,bulk\nfile.orgs,bulk\n"
      "file.roles,bulk\n",
      "sourcedId,status,dateLastModified,enabledUser,username,givenName,familyName,identifier,email,"
      "agentSourcedIds,grades,primaryOrgSourcedId\n"
      "stu-1,,,true,ava.s,Ava,Sanchez,S1001,ava.s@example.org,par-1,08,org-ms\n"
      "par-1,,,true,pat.s,Pat,Sanchez,P1,pat.s@example.org,stu-1,,\n",
      "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n"
      "org-d,,,District,district,D1,\norg-ms,,,Middle School,school,0412,org-d\n",
      "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId\n"
      "r-1,,,stu-1,primary,student,,,org-ms\nr-2,,,par-1,primary,guardian,,,org-ms\n"};
  return files;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input = fk::fuzz::text(data, size);
  if (input.find('\0') == std::string::npos) {
    for (std::size_t slot = 0; slot < kNames.size(); ++slot) {
      fk::oneroster::Files files;
      for (std::size_t i = 0; i < kNames.size(); ++i) files[std::string(kNames[i])] = i == slot ? input : neighbours()[i];
      (void)fk::oneroster::parseBundle(files);
    }
    return 0;
  }
  // Fewer pieces than files leaves the rest absent, which the parser must refuse cleanly too.
  fk::oneroster::Files files;
  std::size_t begin = 0;
  for (std::size_t i = 0; i < kNames.size() && begin <= input.size(); ++i) {
    const std::size_t end = std::min(input.find('\0', begin), input.size());
    files[std::string(kNames[i])] = input.substr(begin, end - begin);
    begin = end + 1;
  }
  (void)fk::oneroster::parseBundle(files);
  return 0;
}
