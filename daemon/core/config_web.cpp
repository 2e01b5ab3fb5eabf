#include "core/config_web.hpp"

namespace fk::config_detail {

namespace {

std::optional<bool> boolean(Reader& r, const Entry& e) {
  if (auto v = r.oneOf(e, {"true", "false"})) return *v == "true";
  return std::nullopt;
}

// The redirect URL and issuer are compared byte for byte by the provider; catching a typo here beats a
// provider error page at the first sign-in.
bool httpUrl(const std::string& text) {
  return (text.starts_with("https://") || text.starts_with("http://")) && text.find_first_of(" \t#") == std::string::npos;
}

void readOidc(Reader& r, const Entry& oidc, Config::Web::Oidc& o, const std::filesystem::path& base) {
  bool has_issuer = false, has_client = false, has_secret = false, has_redirect = false, has_domains = false;
  r.forEach(oidc.value, oidc.key.Mark(), oidc.path, [&](const Entry& e) {
    if (e.name == "issuer") {
      has_issuer = true;
      if (auto v = r.string(e)) {
        if (!httpUrl(*v)) r.problem(e, "\"" + *v + "\" is not an http(s) URL (e.g. https://accounts.google.com)");
        o.issuer = *v;
        while (o.issuer.ends_with('/')) o.issuer.pop_back();
      }
    } else if (e.name == "client_id") {
      has_client = true;
      if (auto v = r.string(e)) o.client_id = *v;
    } else if (e.name == "client_secret_file") {
      has_secret = true;
      if (auto v = r.string(e)) {
        const std::filesystem::path p(*v);
        o.client_secret_file = (p.is_absolute() ? p : base / p).lexically_normal();
      }
    } else if (e.name == "redirect_url") {
      has_redirect = true;
      if (auto v = r.string(e)) {
        if (!httpUrl(*v) || v->find("/auth/oidc/callback") == std::string::npos)
          r.problem(e, "\"" + *v + "\" is not an http(s) URL ending in /auth/oidc/callback");
        o.redirect_url = *v;
      }
    } else if (e.name == "allowed_domains") {
      has_domains = true;
      if (!e.value.IsSequence() || e.value.size() == 0) {
        r.problem(e, "expected a list of one or more Workspace domains (e.g. [example.org])");
        return true;
      }
      for (std::size_t i = 0; i < e.value.size(); ++i) {
        Entry item{"", e.path + "[" + std::to_string(i) + "]", e.key, e.value[i]};
        if (auto d = r.string(item)) o.allowed_domains.push_back(*d);
      }
    } else {
      return false;
    }
    return true;
  });
  if (!oidc.value.IsMap()) return;
  const auto missing = [&](bool has, const char* key) {
    if (!has) r.problem(oidc.key.Mark(), oidc.path + ": missing required key \"" + key + "\"");
  };
  missing(has_issuer, "issuer");
  missing(has_client, "client_id");
  missing(has_secret, "client_secret_file");
  missing(has_redirect, "redirect_url");
  missing(has_domains, "allowed_domains");
}

}  // namespace

void readWeb(Reader& r, const Entry& web, Config::Web& out, const std::filesystem::path& base) {
  r.forEach(web.value, web.key.Mark(), web.path, [&](const Entry& e) {
    if (e.name == "enabled") {
      if (auto v = boolean(r, e)) out.enabled = *v;
    } else if (e.name == "session_idle") {
      if (auto d = r.duration(e)) out.session_idle = *d;
    } else if (e.name == "session_max") {
      if (auto d = r.duration(e)) out.session_max = *d;
    } else if (e.name == "cookie_secure") {
      if (auto v = boolean(r, e)) out.cookie_secure = *v;
    } else if (e.name == "oidc") {
      if (e.value.IsNull()) return true;  // "oidc:" with nothing under it = off
      Config::Web::Oidc o;
      readOidc(r, e, o, base);
      out.oidc = std::move(o);
    } else {
      return false;
    }
    return true;
  });
  if (out.session_idle.count() <= 0 || out.session_max.count() <= 0)
    r.problem(web.key.Mark(), web.path + ": session_idle and session_max must be longer than 0s");
  else if (out.session_idle > out.session_max)
    r.problem(web.key.Mark(), web.path + ": session_idle (" + std::to_string(out.session_idle.count()) +
                                  "s) is longer than session_max (" + std::to_string(out.session_max.count()) + "s)");
}

}  // namespace fk::config_detail
