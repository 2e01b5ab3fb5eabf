#pragma once

// The mails' mustache templates (mstch): a subject, a plain-text body and an HTML body per kind,
// built in, each overridable by a file in `templates_dir` (<kind>.subject.mustache,
// <kind>.txt.mustache, <kind>.html.mustache). docs/notifications.md lists the variables.

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/notify_plan.hpp"

namespace fk {

// mstch escapes through one process-wide function that is unsafe to change while rendering. fleetkeep
// sets it once to identity and escapes HTML values itself (`htmlEscape`), so mails and statements come
// out the same whichever rendered first. Every renderer calls this before mstch::render.
void useIdentityEscape();
std::string htmlEscape(const std::string& s);

struct RenderedMail {
  std::string subject;  // one line, UTF-8 (encoded for the header by the sender)
  std::string text;
  std::string html;
};

// The built-in template of `kind` and `part` ("subject", "txt", "html").
const std::string& builtinTemplate(NoticeKind kind, const std::string& part);

// Renders `context` with the templates of `kind`: a file in `templates_dir` wins over the built-in one.
// In the HTML body every value is HTML-escaped (also inside {{{ }}}); in the subject and text, none is.
// A template file that cannot be read is an error naming it.
Result<RenderedMail> renderMail(NoticeKind kind, const nlohmann::json& context,
                                const std::filesystem::path& templates_dir);

}  // namespace fk
