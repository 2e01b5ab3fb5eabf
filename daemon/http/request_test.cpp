#include "http/request.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace fk {
namespace {

const std::string* header(const Response& r, std::string_view name) {
  auto it = std::find_if(r.headers.begin(), r.headers.end(), [&](const auto& h) { return h.first == name; });
  return it == r.headers.end() ? nullptr : &it->second;
}

TEST(ErrorResponse, AnInternalErrorKeepsItsDetailOutOfTheResponse) {
  Response r = errorResponse(Error::internal("database: disk I/O error in /var/lib/fleetkeep/fleetkeep.db"));
  EXPECT_EQ(r.status, 500);
  auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["error"]["code"], "internal");
  EXPECT_EQ(r.body.find("disk I/O"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("/var/lib"), std::string::npos) << r.body;
}

TEST(ErrorResponse, ABusyDatabaseIs503WithRetryAfter) {
  Response r = errorResponse(Error::busy());
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["code"], "unavailable");
  ASSERT_NE(header(r, "Retry-After"), nullptr);
  EXPECT_EQ(*header(r, "Retry-After"), std::to_string(kBusyRetryAfterSeconds));
}

TEST(ErrorResponse, OtherErrorsKeepTheirMessageAndHaveNoRetryAfter) {
  Response r = errorResponse(Error::notFound("no device with asset tag X-1"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["message"], "no device with asset tag X-1");
  EXPECT_EQ(header(r, "Retry-After"), nullptr);
}

}  // namespace
}  // namespace fk
