#include "store/network_store.hpp"

namespace fk {

Result<UnknownMacPage> NetworkStore::unknownMacs(const std::string& seen_after, const std::string& after_mac,
                                                 int limit) {
  return db_.with([&](SQLite::Database& db) -> Result<UnknownMacPage> {
    UnknownMacPage page;
    SQLite::Statement count(db, "SELECT count(*) FROM unknown_macs WHERE last_seen >= ?1");
    count.bind(1, seen_after);
    if (count.executeStep()) page.total = count.getColumn(0).getInt64();
    SQLite::Statement st(
        db,
        "SELECT mac, first_seen, last_seen, source, coalesce(ip, ''), coalesce(interface, ''), "
        "coalesce(hostname, '') FROM unknown_macs WHERE mac > ?1 AND last_seen >= ?2 "
        "ORDER BY mac LIMIT ?3");
    st.bind(1, after_mac);
    st.bind(2, seen_after);
    st.bind(3, limit + 1);
    while (st.executeStep()) {
      page.items.push_back({st.getColumn(0).getString(), st.getColumn(1).getString(),
                            st.getColumn(2).getString(), st.getColumn(3).getString(),
                            st.getColumn(4).getString(), st.getColumn(5).getString(),
                            st.getColumn(6).getString()});
    }
    if (page.items.size() > static_cast<std::size_t>(limit)) {
      page.items.pop_back();
      page.next_after = page.items.back().mac;
    }
    return page;
  });
}

}  // namespace fk
