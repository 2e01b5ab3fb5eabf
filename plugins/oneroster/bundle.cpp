#include "oneroster/bundle.hpp"

#include <zip.h>

#include <fstream>
#include <memory>
#include <sstream>

namespace fk::oneroster {
namespace {

// A roster of a large district is tens of megabytes; anything far beyond is not a roster (or is a
// zip bomb) and must not take the daemon's memory.
constexpr zip_uint64_t kMaxEntryBytes = 1ull << 30;

std::string zipError(int code) {
  zip_error_t e;
  zip_error_init_with_code(&e, code);
  std::string text = zip_error_strerror(&e);
  zip_error_fini(&e);
  return text;
}

BundleFiles readFolder(const std::filesystem::path& dir) {
  BundleFiles out;
  for (const std::string& name : filesRead()) {
    const auto file = dir / name;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) continue;
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) {
      out.error = "cannot read " + file.string();
      return out;
    }
    out.files[name] = text.str();
  }
  return out;
}

BundleFiles readZip(const std::filesystem::path& path) {
  BundleFiles out;
  int code = 0;
  // ZIP_CHECKCONS: a zip cut short (its central directory inconsistent with the file) is refused here.
  std::unique_ptr<zip_t, decltype(&zip_discard)> archive(zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code),
                                                         &zip_discard);
  if (!archive) {
    out.error = path.string() + " is not a readable zip: " + zipError(code);
    return out;
  }
  for (const std::string& name : filesRead()) {
    const zip_int64_t index = zip_name_locate(archive.get(), name.c_str(), ZIP_FL_NOCASE | ZIP_FL_NODIR);
    if (index < 0) continue;
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(archive.get(), static_cast<zip_uint64_t>(index), 0, &st) != 0 ||
        !(st.valid & ZIP_STAT_SIZE)) {
      out.error = path.string() + ": cannot read the entry " + name + ": " + zip_strerror(archive.get());
      return out;
    }
    if (st.size > kMaxEntryBytes) {
      out.error = path.string() + ": " + name + " is larger than 1 GiB";
      return out;
    }
    std::unique_ptr<zip_file_t, decltype(&zip_fclose)> entry(
        zip_fopen_index(archive.get(), static_cast<zip_uint64_t>(index), 0), &zip_fclose);
    if (!entry) {
      out.error = path.string() + ": cannot open " + name + ": " + zip_strerror(archive.get());
      return out;
    }
    std::string text(static_cast<std::size_t>(st.size), '\0');
    zip_uint64_t got = 0;
    while (got < st.size) {
      const zip_int64_t n = zip_fread(entry.get(), text.data() + got, st.size - got);
      if (n <= 0) break;
      got += static_cast<zip_uint64_t>(n);
    }
    // libzip checks the CRC once the entry's last byte is read: reading one more surfaces that error.
    char extra = 0;
    if (got != st.size || zip_fread(entry.get(), &extra, 1) != 0) {
      out.error = path.string() + ": " + name + " is damaged or cut short: " + zip_file_strerror(entry.get());
      return out;
    }
    out.files[name] = std::move(text);
  }
  return out;
}

}  // namespace

BundleFiles readBundle(const std::filesystem::path& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) return {{}, "the bundle " + path.string() + " does not exist"};
  if (std::filesystem::is_directory(status)) return readFolder(path);
  return readZip(path);
}

}  // namespace fk::oneroster
