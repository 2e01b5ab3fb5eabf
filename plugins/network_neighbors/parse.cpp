#include "network_neighbors/parse.hpp"

#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <boost/algorithm/string/case_conv.hpp>

#include <cstring>
#include <sstream>

namespace fk::network_neighbors {
namespace {

constexpr unsigned kArpFlagComplete = 0x2;
constexpr unsigned kArpFlagPermanent = 0x4;

bool isHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// "aa:bb:cc:dd:ee:ff" exactly, which is how the kernel prints Ethernet addresses.
bool isColonMac(std::string_view s) {
  if (s.size() != 17) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i % 3 == 2 ? s[i] != ':' : !isHex(s[i])) return false;
  }
  return true;
}

std::string lower(std::string_view s) {
  return boost::algorithm::to_lower_copy(std::string(s), std::locale::classic());
}

std::string hexMac(const std::uint8_t* b) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 6; ++i) {
    if (i) out += ':';
    out += kHex[b[i] >> 4];
    out += kHex[b[i] & 0xf];
  }
  return out;
}

std::string stateName(std::uint16_t state) {
  if (state & NUD_PERMANENT) return "permanent";
  if (state & NUD_REACHABLE) return "reachable";
  if (state & NUD_STALE) return "stale";
  if (state & NUD_DELAY) return "delay";
  if (state & NUD_PROBE) return "probe";
  return "";
}

}  // namespace

bool isDeviceMac(std::string_view mac) {
  if (!isColonMac(mac)) return false;
  if (mac == "00:00:00:00:00:00" || lower(mac) == "ff:ff:ff:ff:ff:ff") return false;
  // The low bit of the first octet marks a group (multicast) address.
  const int first = std::stoi(std::string(mac.substr(0, 2)), nullptr, 16);
  return (first & 1) == 0;
}

Parsed parseProcNetArp(std::string_view text) {
  Parsed out;
  std::size_t line_no = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (line_no == 1 || line.find_first_not_of(" \t\r") == std::string_view::npos) continue;  // header

    std::istringstream in{std::string(line)};
    std::string ip, hw_type, flags_text, mac, mask, device, extra;
    const std::string origin = "line " + std::to_string(line_no);
    if (!(in >> ip >> hw_type >> flags_text >> mac >> mask >> device) || (in >> extra)) {
      out.skipped.push_back({origin, "expected 6 columns: IP, HW type, flags, HW address, mask, device"});
      continue;
    }
    in_addr addr{};
    if (inet_pton(AF_INET, ip.c_str(), &addr) != 1) {
      out.skipped.push_back({origin, "\"" + ip + "\" is not an IPv4 address"});
      continue;
    }
    unsigned long flags = 0;
    try {
      std::size_t used = 0;
      flags = std::stoul(flags_text, &used, 16);
      if (used != flags_text.size()) throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
      out.skipped.push_back({origin, "\"" + flags_text + "\" is not a hexadecimal flags value"});
      continue;
    }
    if (!isColonMac(mac)) {
      out.skipped.push_back({origin, "\"" + mac + "\" is not a hardware address"});
      continue;
    }
    if (!(flags & (kArpFlagComplete | kArpFlagPermanent)) || !isDeviceMac(mac)) continue;  // incomplete
    out.neighbours.push_back(
        {ip, lower(mac), device, (flags & kArpFlagPermanent) ? "permanent" : "complete"});
  }
  return out;
}

Parsed parseNeighbourDump(std::span<const std::uint8_t> bytes,
                          const std::function<std::string(int)>& interface_name) {
  Parsed out;
  std::size_t offset = 0, index = 0;
  while (offset + sizeof(nlmsghdr) <= bytes.size()) {
    nlmsghdr header;
    std::memcpy(&header, bytes.data() + offset, sizeof header);
    ++index;
    const std::string origin = "message " + std::to_string(index);
    if (header.nlmsg_len < sizeof(nlmsghdr) || header.nlmsg_len > bytes.size() - offset) {
      out.skipped.push_back({origin, "truncated netlink message"});
      break;  // the lengths chain the messages: nothing after a bad one can be trusted
    }
    const std::size_t next = offset + NLMSG_ALIGN(header.nlmsg_len);
    if (header.nlmsg_type == NLMSG_DONE) break;
    if (header.nlmsg_type != RTM_NEWNEIGH) {
      offset = next;
      continue;
    }
    const std::size_t body = offset + NLMSG_HDRLEN;
    const std::size_t end = offset + header.nlmsg_len;
    if (body + sizeof(ndmsg) > end) {
      out.skipped.push_back({origin, "neighbour message shorter than its header"});
      offset = next;
      continue;
    }
    ndmsg nd;
    std::memcpy(&nd, bytes.data() + body, sizeof nd);

    std::string ip, mac;
    bool bad_attribute = false;
    for (std::size_t at = body + NLMSG_ALIGN(sizeof(ndmsg)); at + sizeof(rtattr) <= end;) {
      rtattr attr;
      std::memcpy(&attr, bytes.data() + at, sizeof attr);
      if (attr.rta_len < sizeof(rtattr) || attr.rta_len > end - at) {
        bad_attribute = true;
        break;
      }
      const std::uint8_t* data = bytes.data() + at + RTA_LENGTH(0);
      const std::size_t length = attr.rta_len - RTA_LENGTH(0);
      if (attr.rta_type == NDA_DST) {
        char text[INET6_ADDRSTRLEN] = {};
        if ((nd.ndm_family == AF_INET && length == 4) || (nd.ndm_family == AF_INET6 && length == 16))
          inet_ntop(nd.ndm_family, data, text, sizeof text);
        ip = text;
      } else if (attr.rta_type == NDA_LLADDR && length == 6) {
        mac = hexMac(data);
      }
      at += RTA_ALIGN(attr.rta_len);
    }
    offset = next;
    if (bad_attribute) {
      out.skipped.push_back({origin, "malformed route attribute"});
      continue;
    }
    const std::string state = stateName(nd.ndm_state);
    // No state name: INCOMPLETE, FAILED, NOARP or NONE, none of which says a device is there.
    if (ip.empty() || mac.empty() || state.empty() || !isDeviceMac(mac)) continue;
    out.neighbours.push_back({ip, mac, interface_name(nd.ndm_ifindex), state});
  }
  return out;
}

}  // namespace fk::network_neighbors
