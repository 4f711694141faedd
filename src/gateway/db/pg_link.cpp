/*
 * pg_link.cpp
 *		Waiting for libpq's socket on the loop; connecting and cancelling.
 */
#include "db/pg_link.hpp"

namespace gateway {

using WaitType = net::posix::descriptor_base::wait_type;

PgLink::PgLink(Executor loop, PGconn *conn)
	: conn_(conn), socket_(loop, PQsocket(conn)), deadline_(loop), self_(std::make_shared<PgLink *>(this))
{
}

PgLink::~PgLink()
{
	*self_ = nullptr;
	/* The socket is libpq's: stop watching it, never close it. */
	socket_.release();
}

void
PgLink::interrupt()
{
	interrupted_ = true;
	socket_.cancel();
}

void
PgLink::set_deadline(std::chrono::steady_clock::duration in)
{
	deadline_.expires_after(in);
	deadline_.async_wait([self = std::weak_ptr<PgLink *>(self_)](boost::system::error_code ec) {
		auto		link = self.lock();
		if (!ec && link && *link)
			(*link)->interrupt();
	});
}

void
PgLink::clear_deadline()
{
	deadline_.cancel();
}

awaitable<LinkState>
PgLink::wait(WaitType type)
{
	if (interrupted_)
		co_return LinkState::interrupted;
	boost::system::error_code ec;
	co_await socket_.async_wait(type, net::redirect_error(use_awaitable, ec));
	if (interrupted_)
		co_return LinkState::interrupted;
	co_return ec ? LinkState::broken : LinkState::ready;
}

awaitable<LinkState>
PgLink::flush()
{
	for (;;)
	{
		int			rc = PQflush(conn_);
		if (rc == 0)
			co_return LinkState::ready;
		if (rc < 0)
			co_return LinkState::broken;
		/* Reading may be what lets the server take more (libpq's advice). */
		LinkState	state = co_await wait(WaitType::wait_write);
		if (state != LinkState::ready)
			co_return state;
		if (PQconsumeInput(conn_) == 0)
			co_return LinkState::broken;
	}
}

awaitable<LinkState>
PgLink::until_result()
{
	for (;;)
	{
		/* Whatever libpq already holds first: the socket may have nothing more to say. */
		if (PQconsumeInput(conn_) == 0)
			co_return LinkState::broken;
		if (!PQisBusy(conn_))
			co_return LinkState::ready;
		LinkState	state = co_await wait(WaitType::wait_read);
		if (state != LinkState::ready)
			co_return state;
	}
}

awaitable<LinkState>
PgLink::until_input()
{
	LinkState	state = co_await wait(WaitType::wait_read);
	if (state == LinkState::ready && PQconsumeInput(conn_) == 0)
		state = LinkState::broken;
	co_return state;
}

std::string
pg_message(const PGconn *conn)
{
	std::string m = conn ? PQerrorMessage(conn) : "out of memory";
	while (!m.empty() && (m.back() == '\n' || m.back() == ' '))
		m.pop_back();
	return m;
}

awaitable<PGconn *>
pg_connect(const std::string &conninfo, std::chrono::milliseconds timeout, std::string &error,
		   BlockingPool blocking)
{
	Executor	loop = co_await net::this_coro::executor;
	auto		deadline = std::chrono::steady_clock::now() + timeout;
	PGconn	   *conn = co_await off_loop(blocking, [&conninfo] {
		const char *keys[] = {"fallback_application_name", "dbname", nullptr};
		const char *values[] = {"callboard-gateway", conninfo.c_str(), nullptr};
		return PQconnectStartParams(keys, values, 1);
	});

	if (conn == nullptr || PQstatus(conn) == CONNECTION_BAD)
	{
		error = pg_message(conn);
		PQfinish(conn);
		co_return nullptr;
	}

	/* libpq's protocol: start as if PQconnectPoll had asked to write. */
	PostgresPollingStatusType polling = PGRES_POLLING_WRITING;
	while (polling == PGRES_POLLING_READING || polling == PGRES_POLLING_WRITING)
	{
		/*
		 * The socket can change between attempts (several hosts, SSL retry).
		 * The timer's handler may run after this iteration: it holds the wait.
		 */
		struct Wait
		{
			net::posix::stream_descriptor socket;
			bool		timed_out = false;
		};
		auto		w = std::make_shared<Wait>(Wait{net::posix::stream_descriptor(loop, PQsocket(conn))});
		net::steady_timer timer(loop, deadline);
		timer.async_wait([w](boost::system::error_code ec) {
			if (!ec && w->socket.is_open())
			{
				w->timed_out = true;
				w->socket.cancel();
			}
		});
		boost::system::error_code ec;
		WaitType	type = polling == PGRES_POLLING_READING ? WaitType::wait_read : WaitType::wait_write;
		co_await w->socket.async_wait(type, net::redirect_error(use_awaitable, ec));
		timer.cancel();
		w->socket.release();
		if (w->timed_out || std::chrono::steady_clock::now() >= deadline)
		{
			error = "timeout expired while connecting";
			PQfinish(conn);
			co_return nullptr;
		}
		/* The next step may resolve the next host's name, or hash a password: not on the loop. */
		polling = co_await off_loop(blocking, [conn] { return PQconnectPoll(conn); });
	}
	if (polling != PGRES_POLLING_OK || PQsetnonblocking(conn, 1) != 0)
	{
		error = pg_message(conn);
		PQfinish(conn);
		co_return nullptr;
	}
	co_return conn;
}

awaitable<void>
pg_cancel(PGconn *conn, BlockingPool blocking)
{
	PGcancel   *cancel = PQgetCancel(conn);
	if (cancel == nullptr)
		co_return;
	co_await off_loop(blocking, [cancel] {
		char		message[256];
		PQcancel(cancel, message, sizeof message);
		PQfreeCancel(cancel);
	});
}

}								/* namespace gateway */
