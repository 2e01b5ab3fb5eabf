#pragma once

// What the command files share: building a list query, following list pages, printing an answer (--json
// or for people) and registering a command's action.

#include <expected>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "commands.hpp"

namespace fkcli {

// Appends "?key=value" or "&key=value" (value encoded); an empty value adds nothing.
void addParam(std::string& query, const char* key, const std::string& value);

// A list route's items and the last next_cursor (null when there are no more).
struct Listing {
  nlohmann::json items = nlohmann::json::array();
  nlohmann::json next_cursor;
};

// GET path + query, following next_cursor through every page when `all`.
std::expected<Listing, int> fetchPages(Api& api, const std::string& path, const std::string& query, bool all);

// --json: {"items", "next_cursor"}; otherwise print_table(items), and when more pages remain a hint on
// stderr: "(more NOUN: pass --all to list every page)".
int printListing(const GlobalOptions& global, const Listing& listing, const char* noun,
                 const std::function<void(const nlohmann::json& items)>& print_table);

// A one-object answer: the exit code when the server refused, else --json or print(answer).
int printAnswer(const GlobalOptions& global, const std::expected<nlohmann::json, int>& answer,
                const std::function<void(const nlohmann::json&)>& print);

// "created N, updated N, unchanged N": the summary of a CSV import (devices or people).
void printImportSummary(const nlohmann::json& summary);

// Once parsing picks `command`, main runs run(api, global options).
void setAction(CLI::App* command, Cli& cli, std::function<int(Api&, const GlobalOptions&)> run);

}  // namespace fkcli
