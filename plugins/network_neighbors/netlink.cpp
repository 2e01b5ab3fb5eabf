#include "network_neighbors/netlink.hpp"

#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace fk::network_neighbors {
namespace {

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::string systemError(const char* what) {
  return std::string(what) + ": " + std::strerror(errno);
}

}  // namespace

std::expected<std::vector<std::uint8_t>, std::string> dumpNeighbourTable(api::TimePoint deadline) {
  Fd sock{::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)};
  if (sock.fd < 0) return std::unexpected(systemError("netlink socket"));

  struct {
    nlmsghdr header;
    ndmsg body;
  } request{};
  request.header.nlmsg_len = NLMSG_LENGTH(sizeof(ndmsg));
  request.header.nlmsg_type = RTM_GETNEIGH;
  request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  request.header.nlmsg_seq = 1;
  request.body.ndm_family = AF_UNSPEC;  // both IPv4 (ARP) and IPv6 (NDP)
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(sock.fd, &request, request.header.nlmsg_len, 0, reinterpret_cast<sockaddr*>(&kernel),
               sizeof kernel) < 0)
    return std::unexpected(systemError("netlink send"));

  std::vector<std::uint8_t> reply;
  std::vector<std::uint8_t> buffer(64 * 1024);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - api::Clock::now());
    if (left.count() <= 0) return std::unexpected("netlink dump did not finish before the deadline");
    pollfd pfd{sock.fd, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(std::min<long long>(left.count(), 60'000)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return std::unexpected(systemError("netlink poll"));
    if (ready == 0) continue;  // the loop re-checks the deadline
    const ssize_t n = ::recv(sock.fd, buffer.data(), buffer.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::unexpected(systemError("netlink receive"));
    // Walk this datagram's headers to see whether the dump is complete or failed.
    bool done = false;
    for (std::size_t at = 0; at + sizeof(nlmsghdr) <= static_cast<std::size_t>(n);) {
      nlmsghdr header;
      std::memcpy(&header, buffer.data() + at, sizeof header);
      if (header.nlmsg_len < sizeof(nlmsghdr) || header.nlmsg_len > static_cast<std::size_t>(n) - at) break;
      if (header.nlmsg_type == NLMSG_DONE) done = true;
      if (header.nlmsg_type == NLMSG_ERROR && header.nlmsg_len >= NLMSG_LENGTH(sizeof(nlmsgerr))) {
        nlmsgerr err;
        std::memcpy(&err, buffer.data() + at + NLMSG_HDRLEN, sizeof err);
        if (err.error != 0) return std::unexpected(std::string("netlink: ") + std::strerror(-err.error));
        done = true;
      }
      at += NLMSG_ALIGN(header.nlmsg_len);
    }
    reply.insert(reply.end(), buffer.begin(), buffer.begin() + n);
    if (done) return reply;
  }
}

}  // namespace fk::network_neighbors
