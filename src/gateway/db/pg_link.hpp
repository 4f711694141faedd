/*
 * pg_link.hpp
 *		libpq on the event loop: a connection's socket watched by Asio.
 *
 * libpq's asynchronous API says when it would block (PQisBusy, PQflush,
 * PQconnectPoll); a PgLink waits for the socket to be ready on the loop of
 * the coroutine that holds it, so no thread ever blocks on the database.
 * A connection is attached to a loop only while it is on loan: the pool
 * hands connections to whichever loop asks.
 *
 * The socket stays libpq's: a PgLink never closes it, only stops watching.
 */
#ifndef CALLBOARD_GATEWAY_PG_LINK_HPP
#define CALLBOARD_GATEWAY_PG_LINK_HPP

#include <libpq-fe.h>

#include <chrono>
#include <memory>
#include <string>

#include "core/asio.hpp"
#include "core/off_loop.hpp"

namespace gateway {

/* What a wait on the database ended with. */
enum class LinkState
{
	ready,						/* libpq can go on without blocking */
	broken,						/* the connection failed */
	interrupted,				/* interrupt() or the deadline woke the wait */
};

class PgLink
{
public:
	/* Watches `conn` (connected, nonblocking) on `loop`. */
	PgLink(Executor loop, PGconn *conn);
	~PgLink();
	PgLink(const PgLink &) = delete;
	PgLink &operator=(const PgLink &) = delete;

	PGconn	   *conn() const { return conn_; }

	/* Sends what libpq has buffered. */
	awaitable<LinkState> flush();

	/* Waits until PQgetResult() would not block. */
	awaitable<LinkState> until_result();

	/* Waits for the server to send something (a notification), and reads it in. */
	awaitable<LinkState> until_input();

	/*
	 * Wakes the pending wait (and every later one) with `interrupted`:
	 * for a client that hung up, a reader too slow, a deadline.
	 */
	void		interrupt();
	bool		interrupted() const { return interrupted_; }
	/* Lets waits run again after an interruption (to drain a cancelled query). */
	void		resume() { interrupted_ = false; }

	/* interrupt() at `deadline` unless cleared first. */
	void		set_deadline(std::chrono::steady_clock::duration in);
	void		clear_deadline();

private:
	awaitable<LinkState> wait(net::posix::descriptor_base::wait_type type);

	PGconn	   *conn_;
	net::posix::stream_descriptor socket_;
	net::steady_timer deadline_;
	bool		interrupted_ = false;
	/* What a timer's handler, which may run after we are gone, reaches us by. */
	std::shared_ptr<PgLink *> self_;
};

/*
 * Opens a connection to `conninfo` (a URI or key=value string) without
 * blocking the loop, giving up after `timeout` (checked between libpq's
 * steps).  libpq's steps themselves run on `blocking`: the first resolves
 * the host name (libpq calls getaddrinfo unless hostaddr is given), and
 * authentication may derive SCRAM keys; the loop only waits for the socket.
 * Returns the connection, nonblocking, or nullptr with libpq's message in
 * `error`.
 */
awaitable<PGconn *> pg_connect(const std::string &conninfo, std::chrono::milliseconds timeout,
							   std::string &error, BlockingPool blocking);

/*
 * Asks the server to cancel the connection's running query.  PQcancel
 * opens a connection of its own and blocks, so it runs on `blocking`, a
 * pool for such work, and the coroutine comes back to its loop afterwards.
 */
awaitable<void> pg_cancel(PGconn *conn, BlockingPool blocking);

/* libpq's last message for `conn`, without the trailing newline. */
std::string pg_message(const PGconn *conn);

}								/* namespace gateway */

#endif
