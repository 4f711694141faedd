/*
 * sd_notify.hpp
 *		Telling systemd the service is ready or stopping (Type=notify).
 *
 * systemd passes a datagram socket's path in $NOTIFY_SOCKET; the protocol
 * is one datagram of "KEY=value" lines.  Without the variable (started by
 * hand, in tests) this does nothing.  Written here rather than linking
 * libsystemd for one sendmsg.
 */
#ifndef CALLBOARD_GATEWAY_SD_NOTIFY_HPP
#define CALLBOARD_GATEWAY_SD_NOTIFY_HPP

#include <string>

namespace gateway {

/* E.g. "READY=1", "STOPPING=1".  False if a socket was named but could not be told. */
bool		sd_notify(const std::string &state);

}								/* namespace gateway */

#endif
