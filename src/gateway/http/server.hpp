/*
 * server.hpp
 *		The event loops, the listening socket, and the graceful stop.
 *
 * One loop per core (callboard-server-threads, default: the number of
 * cores), each an io_context run by one thread.  Each listening socket (the
 * API's, the admin's) hands new connections to the loops in turn; a connection then lives on its loop
 * (http_session.hpp).  Past callboard-max-connections, a new connection gets
 * a 503 and is closed at once.
 *
 * stop() (SIGTERM) closes the listening socket and idle connections at
 * once; requests and streams under way may finish within
 * callboard-shutdown-grace seconds, after which their connections are closed
 * and their queries cancelled.
 */
#ifndef CALLBOARD_GATEWAY_SERVER_HPP
#define CALLBOARD_GATEWAY_SERVER_HPP

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "core/access_log.hpp"
#include "core/asio.hpp"
#include "http/http_session.hpp"

namespace gateway {

class Server
{
public:
	Server(const Config &config, ExchangeLog &log);
	~Server();

	/* Serves `app` on host:port (0: any free port); returns the port.  Throws. */
	int			listen(App &app, const std::string &host, int port);

	/* Runs every loop; returns once stop() has finished. */
	void		run();

	/* From any thread. */
	void		stop();

	int			open_connections() const { return open_connections_.load(); }

	/* The first loop's executor: for the gateway's own background work (the change feed). */
	Executor	first_loop();

private:
	struct Loop;

	awaitable<void> accept_loop(net::ip::tcp::acceptor &acceptor, App &app);

	const Config &config_;

	ExchangeLog &log_;
	const HttpLimits limits_;
	std::vector<std::unique_ptr<Loop>> loops_;
	std::vector<std::unique_ptr<net::ip::tcp::acceptor>> acceptors_;
	std::atomic<int> open_connections_{0};
};

/* PostgREST's server-host values: "!4", "*4", "*" any IPv4; "!6", "*6" any IPv6. */
std::string listen_address(const std::string &server_host);

}								/* namespace gateway */

#endif
