#pragma once

// JSON for people and checkouts, shared by the people and checkout routes.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "core/person.hpp"
#include "http/request.hpp"
#include "store/checkout_store.hpp"

namespace fk {

nlohmann::json personToJson(const Person& p);
// POST (create) or PATCH body of a person. Unknown fields and wrong types are 400 naming the field.
Result<PersonDraft> personDraftFromJson(const nlohmann::json& body);

// `today` decides "overdue".
nlohmann::json checkoutToJson(const Checkout& c, const std::string& today);

// ?open=&overdue=&person=&location=&device=&limit=&cursor= (person may come from the path instead).
Result<CheckoutFilter> checkoutFilterFrom(const Request& req, bool person_in_path);
// The list response {"items": [...], "next_cursor": ...}.
Response checkoutPageResponse(const Result<CheckoutPage>& page, const std::string& today);

}  // namespace fk
