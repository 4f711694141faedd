/*
 * sd_notify.cpp
 *		One datagram to $NOTIFY_SOCKET (a path, or "@name" in the abstract namespace).
 */
#include "core/sd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>

namespace gateway {

bool
sd_notify(const std::string &state)
{
	const char *path = std::getenv("NOTIFY_SOCKET");
	if (path == nullptr || path[0] == '\0')
		return true;

	sockaddr_un address;
	std::memset(&address, 0, sizeof address);
	address.sun_family = AF_UNIX;
	std::size_t length = std::strlen(path);
	if (length >= sizeof address.sun_path)
		return false;
	std::memcpy(address.sun_path, path, length);
	if (address.sun_path[0] == '@')
		address.sun_path[0] = '\0';

	int			fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	auto		size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + length);
	bool		sent = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
								reinterpret_cast<const sockaddr *>(&address), size) ==
		static_cast<ssize_t>(state.size());
	::close(fd);
	return sent;
}

}								/* namespace gateway */
