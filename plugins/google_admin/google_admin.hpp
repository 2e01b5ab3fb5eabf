#pragma once

// google_admin: ChromeOS devices from the Google Admin SDK Directory API (see README.md).

#include <memory>
#include <string>

#include "api/source.hpp"

namespace fk::google_admin {

std::unique_ptr<api::SourceFactory> makeFactory();

// The source's keys after validation.
struct Settings {
  std::string customer_id;
  std::string credentials_file;
  std::string subject;  // the delegated admin the service account acts as
  std::string api_base_url = "https://admin.googleapis.com";
  std::string token_url;  // "" = the key file's token_uri
  int max_results = 300;
  int max_retries = 5;  // Google's documented back-off: 1, 2, 4, 8, 16 s, then give up
  bool write_back = false;  // the entry has a write_back: block: ask for the read-write scope
};

std::unique_ptr<api::Source> makeSource(Settings settings);

}  // namespace fk::google_admin
