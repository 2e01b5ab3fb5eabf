#include "api.hpp"

#include <iostream>

#include "format.hpp"

namespace fkcli {
namespace {

using nlohmann::json;

void printDetails(const json& details) {
  if (!details.is_object()) return;
  if (auto it = details.find("errors"); it != details.end() && it->is_array()) {
    for (const auto& e : *it) {
      std::cerr << "  ";
      if (e.contains("line") && e["line"].is_number() && e["line"].get<long long>() > 0)
        std::cerr << "line " << e["line"].get<long long>() << ": ";
      if (e.contains("field") && e["field"].is_string() && !e["field"].get<std::string>().empty())
        std::cerr << e["field"].get<std::string>() << ": ";
      std::cerr << displayValue(e.value("message", json())) << '\n';
    }
  }
  if (auto it = details.find("allowed"); it != details.end() && it->is_array()) {
    std::cerr << "  allowed from " << displayValue(details.value("from", json())) << ": "
              << (it->empty() ? std::string("none (final state)") : displayValue(*it)) << '\n';
  }
  for (const auto& [key, value] : details.items()) {
    if (key == "errors" || key == "allowed" || key == "from" || key == "to") continue;
    std::cerr << "  " << key << ": " << displayValue(value) << '\n';
  }
}

}  // namespace

void printServerError(const HttpResponse& response) {
  json body = json::parse(response.body, nullptr, false);
  if (body.is_object() && body.contains("error") && body["error"].is_object()) {
    const json& error = body["error"];
    std::cerr << "error: " << displayValue(error.value("message", json("request refused"))) << " (HTTP "
              << response.status << ")\n";
    printDetails(error.value("details", json::object()));
    return;
  }
  std::cerr << "error: the server answered HTTP " << response.status << '\n';
}

std::string devicePath(const std::string& ref) {
  return "/api/v1/devices/" + encodeComponent(ref);
}

int Api::failed(const ClientError& why) {
  if (why.kind == ClientError::Kind::local) {
    std::cerr << "error: " << why.message << '\n';
  } else {
    std::cerr << "error: cannot reach the fleetkeep server at " << client_.baseUrl() << ": " << why.message
              << '\n';
  }
  return kExitRefused;
}

std::expected<json, int> Api::finish(std::expected<HttpResponse, ClientError> response) {
  if (!response) return std::unexpected(failed(response.error()));
  if (response->status < 200 || response->status >= 300) {
    printServerError(*response);
    return std::unexpected(kExitRefused);
  }
  if (response->body.empty()) return json::object();
  json body = json::parse(response->body, nullptr, false);
  if (body.is_discarded()) {
    std::cerr << "error: the server at " << client_.baseUrl() << " sent a body that is not JSON\n";
    return std::unexpected(kExitRefused);
  }
  return body;
}

std::expected<json, int> Api::get(const std::string& target) {
  return finish(client_.send("GET", target));
}

std::expected<json, int> Api::post(const std::string& target, const json& body) {
  return finish(client_.send("POST", target, body.dump(), "application/json"));
}

std::expected<json, int> Api::patch(const std::string& target, const json& body) {
  return finish(client_.send("PATCH", target, body.dump(), "application/json"));
}

std::expected<json, int> Api::postFile(const std::string& target, const std::filesystem::path& file,
                                       const std::string& content_type) {
  return finish(client_.upload("POST", target, file, content_type));
}

int Api::download(const std::string& target, std::FILE* sink) {
  auto response = client_.download(target, sink);
  if (!response) return failed(response.error());
  if (response->status < 200 || response->status >= 300) {
    printServerError(*response);
    return kExitRefused;
  }
  return kExitOk;
}

}  // namespace fkcli
