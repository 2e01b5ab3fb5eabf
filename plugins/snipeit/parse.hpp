#pragma once

#include <expected>
#include <string>
#include <utility>
#include <vector>

#include "api/source.hpp"

namespace fk::snipeit {

struct Page {
  long long total = 0;  // the listing's size, as the server counts it
  std::size_t rows = 0;
  std::vector<api::Observation> devices;
  std::vector<std::pair<std::string, std::string>> skipped;  // origin, reason
};

// One page of GET /api/v1/hardware ({"total", "rows": [...]}) as managed observations. Anything that
// is not that shape (a truncated body, an HTML login page, {"status": "error"}) is an error naming
// the page: the poll then stops and nothing it read is applied.
std::expected<Page, std::string> parsePage(const std::string& body, int page_number);

// Snipe-IT HTML-escapes every string it returns (&amp; &lt; &gt; &quot; &#039; and numeric forms).
std::string htmlUnescape(const std::string& text);
// A category name to a device kind: the same words the CSV import reads (chromebook, laptop or
// notebook, tablet or ipad, desktop), else other.
std::string kindOfCategory(const std::string& category);
// "1,234.56" or "1.234,56" (grouped per instance) to "1234.56"; "" when it is not an amount.
std::string normaliseCost(const std::string& text);
// A status label (name, and status_meta "deployed"/"deployable"/"pending"/"archived"/"undeployable")
// to the lifecycle status a new device starts in.
std::string statusOfLabel(const std::string& name, const std::string& meta);

}  // namespace fk::snipeit
