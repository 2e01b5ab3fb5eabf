#include "core/audit.hpp"

#include <gtest/gtest.h>

namespace fk {
namespace {

TEST(AuditLocation, APrefixIsAPlaceNotAFragment) {
  EXPECT_TRUE(locationWithin("Maple Elementary / Cart 3", "Maple Elementary / Cart 3"));
  EXPECT_TRUE(locationWithin("Maple Elementary / Cart 3 / Slot 4", "Maple Elementary / Cart 3"));
  EXPECT_TRUE(locationWithin("Maple Elementary / Room 4", "Maple Elementary"));
  EXPECT_TRUE(locationWithin("Maple Elementary / Room 4", "Maple Elementary / "));
  EXPECT_FALSE(locationWithin("Maple Elementary / Cart 30", "Maple Elementary / Cart 3"));
  EXPECT_FALSE(locationWithin("Maple Elementary Annex", "Maple Elementary An"));
  EXPECT_FALSE(locationWithin("maple elementary", "Maple Elementary"));
  EXPECT_FALSE(locationWithin("", "Maple"));
  EXPECT_TRUE(locationWithin("anything", ""));
}

TEST(AuditLocation, UpperBoundCoversEveryLongerName) {
  const std::string upper = prefixUpperBound("Cart 3");
  EXPECT_LT(std::string("Cart 3"), upper);
  EXPECT_LT(std::string("Cart 3 / \xF4\x8F\xBF\xBF"), upper);
  EXPECT_GT(std::string("Cart 4"), upper);
}

TEST(AuditScan, ClassifiesByTheSnapshotAndTheStatus) {
  EXPECT_EQ(classifyScan({.known = false}), ScanResult::unknown);
  EXPECT_EQ(classifyScan({.known = false, .already_scanned = true}), ScanResult::repeat);
  EXPECT_EQ(classifyScan({.known = true, .already_scanned = true, .expected = true}), ScanResult::repeat);
  EXPECT_EQ(classifyScan({.known = true, .expected = true, .status = DeviceStatus::deployed}), ScanResult::found);
  // Expected at the start and marked lost since: still the device the audit expected.
  EXPECT_EQ(classifyScan({.known = true, .expected = true, .status = DeviceStatus::lost}), ScanResult::found);
  EXPECT_EQ(classifyScan({.known = true, .status = DeviceStatus::in_stock}), ScanResult::misplaced);
  EXPECT_EQ(classifyScan({.known = true, .status = DeviceStatus::in_repair}), ScanResult::misplaced);
  for (auto s : {DeviceStatus::lost, DeviceStatus::stolen, DeviceStatus::retired, DeviceStatus::disposed,
                 DeviceStatus::on_order}) {
    EXPECT_EQ(classifyScan({.known = true, .status = s}), ScanResult::unexpected) << toString(s);
  }
  EXPECT_TRUE(isLostFound(DeviceStatus::stolen));
  EXPECT_FALSE(isLostFound(DeviceStatus::retired));
}

TEST(AuditScan, ResultNamesRoundTrip) {
  for (auto r : {ScanResult::found, ScanResult::misplaced, ScanResult::unexpected, ScanResult::unknown,
                 ScanResult::repeat})
    EXPECT_EQ(parseScanResult(toString(r)), r);
  EXPECT_FALSE(parseScanResult("missing"));
}

TEST(AuditScan, CodesAreTrimmedAndChecked) {
  EXPECT_EQ(normaliseScanCode("  CB-100017\r\n").value(), "CB-100017");
  EXPECT_EQ(normaliseScanCode(" \t").error().details["field"], "code");
  EXPECT_FALSE(normaliseScanCode("CB\x01" "1"));
  EXPECT_FALSE(normaliseScanCode(std::string(129, 'x')));
}

TEST(AuditClose, MisplacedMoveUnlessAlreadyThere) {
  EXPECT_FALSE(whyNotMove("Oak / Room 2", "Maple / Cart 3"));
  EXPECT_TRUE(whyNotMove("Maple / Cart 3", "Maple / Cart 3"));
}

TEST(AuditClose, MissingBecomeLostWhereTheLifecycleAllows) {
  EXPECT_FALSE(whyNotMarkLost(DeviceStatus::in_stock, "Maple / Cart 3", "Maple / Cart 3"));
  EXPECT_FALSE(whyNotMarkLost(DeviceStatus::deployed, "Maple / Cart 3 / Slot 1", "Maple / Cart 3"));
  EXPECT_NE(whyNotMarkLost(DeviceStatus::in_repair, "Maple / Cart 3", "Maple / Cart 3")->find("lifecycle"),
            std::string::npos);
  EXPECT_NE(whyNotMarkLost(DeviceStatus::lost, "Maple / Cart 3", "Maple / Cart 3")->find("already"),
            std::string::npos);
  EXPECT_NE(whyNotMarkLost(DeviceStatus::retired, "Maple / Cart 3", "Maple / Cart 3")->find("in service"),
            std::string::npos);
  EXPECT_NE(whyNotMarkLost(DeviceStatus::in_stock, "Oak / Room 1", "Maple / Cart 3")->find("moved"),
            std::string::npos);
}

TEST(AuditClose, MissingToNames) {
  EXPECT_EQ(parseMissingTo("lost"), MissingTo::lost);
  EXPECT_EQ(parseMissingTo("none"), MissingTo::none);
  EXPECT_FALSE(parseMissingTo("stolen"));
}

TEST(AuditName, OneLineBounded) {
  EXPECT_FALSE(checkCampaignName("Cart 3 spring check", "name"));
  EXPECT_TRUE(checkCampaignName("", "name"));
  EXPECT_TRUE(checkCampaignName("a\nb", "name"));
  EXPECT_TRUE(checkCampaignName(std::string(201, 'a'), "name"));
}

}  // namespace
}  // namespace fk
