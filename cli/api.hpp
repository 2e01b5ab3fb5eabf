#pragma once

#include <expected>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "http_client.hpp"

namespace fkcli {

// Exit codes of the fleetkeep command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitRefused = 1;  // the server said no, or could not be reached
inline constexpr int kExitUsage = 2;

// The fleetkeep API over HttpClient. Each call returns the JSON body of a 2xx answer; on anything else it has
// already printed "error: ..." (with details) to stderr and returns the exit code to use.
class Api {
 public:
  explicit Api(HttpClient client) : client_(std::move(client)) {}

  std::expected<nlohmann::json, int> get(const std::string& target);
  std::expected<nlohmann::json, int> post(const std::string& target, const nlohmann::json& body);
  std::expected<nlohmann::json, int> patch(const std::string& target, const nlohmann::json& body);
  std::expected<nlohmann::json, int> postFile(const std::string& target, const std::filesystem::path& file,
                                              const std::string& content_type);
  // Streams a CSV (or other) body into `sink`; returns the exit code.
  int download(const std::string& target, std::FILE* sink);

 private:
  std::expected<nlohmann::json, int> finish(std::expected<HttpResponse, ClientError> response);
  int failed(const ClientError& why);

  HttpClient client_;
};

// Prints the server's error body ("error: message" plus its details) to stderr.
void printServerError(const HttpResponse& response);

// "/api/v1/devices/" + the ref, encoded as one path segment.
std::string devicePath(const std::string& ref);

}  // namespace fkcli
