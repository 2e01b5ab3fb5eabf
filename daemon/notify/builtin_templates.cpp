// The built-in mail templates. Overrides in templates_dir use the same variables
// (docs/notifications.md). Each mail names only the students of its own household.

#include <map>

#include "notify/templates.hpp"

namespace fk {

namespace {

using Parts = std::map<std::string, std::string>;

const Parts kDueSoon{
    {"subject", "{{#several}}{{count}} devices are{{/several}}{{^several}}{{#items}}{{model}} {{tag}} is{{/items}}"
                "{{/several}} due back soon"},
    {"txt", R"(Hello,

This is a reminder from the school library about the device{{#several}}s{{/several}} on loan to {{names}}:

{{#items}}
- {{model}}, asset tag {{tag}}, lent to {{student}}: due {{#due_today}}today, {{/due_today}}{{due}}{{^due_today}} (in {{days_left}} day(s)){{/due_today}}.
  Please return it to {{return_to}}{{#return_contact}} ({{return_contact}}){{/return_contact}}.
{{/items}}

Thank you.
)"},
    {"html", R"(<!doctype html>
<html><body>
<p>Hello,</p>
<p>This is a reminder from the school library about the device{{#several}}s{{/several}} on loan to {{names}}:</p>
<ul>
{{#items}}
<li><strong>{{model}}</strong>, asset tag <strong>{{tag}}</strong>, lent to {{student}}: due {{#due_today}}today, {{/due_today}}<strong>{{due}}</strong>{{^due_today}} (in {{days_left}} day(s)){{/due_today}}.
Please return it to {{return_to}}{{#return_contact}} (<a href="mailto:{{return_contact}}">{{return_contact}}</a>){{/return_contact}}.</li>
{{/items}}
</ul>
<p>Thank you.</p>
</body></html>
)"}};

const Parts kOverdue{
    {"subject", "Overdue: {{#several}}{{count}} devices{{/several}}{{^several}}{{#items}}{{model}} {{tag}}, due "
                "{{due}}{{/items}}{{/several}}"},
    {"txt", R"(Hello,

The device{{#several}}s{{/several}} below, on loan to {{names}}, {{#several}}are{{/several}}{{^several}}is{{/several}} overdue:

{{#items}}
- {{model}}, asset tag {{tag}}, lent to {{student}}: was due {{due}}, {{days_overdue}} day(s) ago.
  Please return it to {{return_to}}{{#return_contact}} ({{return_contact}}){{/return_contact}} as soon as possible.
{{/items}}

If you have already returned it, thank you, and please disregard this message.
)"},
    {"html", R"(<!doctype html>
<html><body>
<p>Hello,</p>
<p>The device{{#several}}s{{/several}} below, on loan to {{names}}, {{#several}}are{{/several}}{{^several}}is{{/several}} <strong>overdue</strong>:</p>
<ul>
{{#items}}
<li><strong>{{model}}</strong>, asset tag <strong>{{tag}}</strong>, lent to {{student}}: was due <strong>{{due}}</strong>, {{days_overdue}} day(s) ago.
Please return it to {{return_to}}{{#return_contact}} (<a href="mailto:{{return_contact}}">{{return_contact}}</a>){{/return_contact}} as soon as possible.</li>
{{/items}}
</ul>
<p>If you have already returned it, thank you, and please disregard this message.</p>
</body></html>
)"}};

const Parts kRepairReady{
    {"subject", "Repaired and ready: {{#several}}{{count}} devices{{/several}}{{^several}}{{#items}}{{model}} "
                "{{tag}}{{/items}}{{/several}}"},
    {"txt", R"(Hello,

Good news: the repair is finished.

{{#items}}
- {{model}}, asset tag {{tag}} ({{student}}): ready to pick up at {{pick_up_at}}.
{{/items}}

Please bring any loaner device you were given back at the same time.
)"},
    {"html", R"(<!doctype html>
<html><body>
<p>Hello,</p>
<p>Good news: the repair is finished.</p>
<ul>
{{#items}}
<li><strong>{{model}}</strong>, asset tag <strong>{{tag}}</strong> ({{student}}): ready to pick up at {{pick_up_at}}.</li>
{{/items}}
</ul>
<p>Please bring any loaner device you were given back at the same time.</p>
</body></html>
)"}};

const Parts kDigest{
    {"subject", "{{building}}: {{overdue_count}} overdue, {{repairs_count}} in repair (week of {{day}})"},
    {"txt", R"(Weekly summary for {{building}}, {{day}}

Overdue loans: {{overdue_count}}
{{#overdue}}
- {{tag}} {{model}}: {{student}}, due {{due}} ({{days_overdue}} day(s) overdue)
{{/overdue}}

Open repairs: {{repairs_count}}
{{#repairs}}
- {{tag}} {{model}}: {{status}} since {{opened}}{{#student}} ({{student}}){{/student}}
{{/repairs}}
{{#collections_count}}

Collections:
{{/collections_count}}
{{#collections}}
- {{name}} (deadline {{deadline}}): {{returned}} of {{expected}} returned, {{outstanding}} outstanding
{{/collections}}
)"},
    {"html", R"(<!doctype html>
<html><body>
<h2>Weekly summary for {{building}}, {{day}}</h2>
<h3>Overdue loans: {{overdue_count}}</h3>
<table>
{{#overdue}}
<tr><td>{{tag}}</td><td>{{model}}</td><td>{{student}}</td><td>due {{due}}</td><td>{{days_overdue}} day(s) overdue</td></tr>
{{/overdue}}
</table>
<h3>Open repairs: {{repairs_count}}</h3>
<table>
{{#repairs}}
<tr><td>{{tag}}</td><td>{{model}}</td><td>{{status}}</td><td>since {{opened}}</td><td>{{student}}</td></tr>
{{/repairs}}
</table>
{{#collections_count}}
<h3>Collections</h3>
<table>
{{/collections_count}}
{{#collections}}
<tr><td>{{name}}</td><td>deadline {{deadline}}</td><td>{{returned}} of {{expected}} returned</td>
<td>{{outstanding}} outstanding</td></tr>
{{/collections}}
{{#collections_count}}
</table>
{{/collections_count}}
</body></html>
)"}};

}  // namespace

const std::string& builtinTemplate(NoticeKind kind, const std::string& part) {
  static const std::string kNone;
  const Parts& parts = kind == NoticeKind::due_soon  ? kDueSoon
                       : kind == NoticeKind::overdue ? kOverdue
                       : kind == NoticeKind::repair_ready ? kRepairReady
                                                          : kDigest;
  auto it = parts.find(part);
  return it == parts.end() ? kNone : it->second;
}

}  // namespace fk
