/*
 * server.cpp
 *		Loops, accepting, spreading connections, stopping.
 */
#include "http/server.hpp"

#include <sys/socket.h>

#include "core/spawn.hpp"

namespace gateway {

using tcp = net::ip::tcp;

struct Server::Loop
{
	net::io_context io{1};
	/* Keeps run() going while the loop waits for connections. */
	net::executor_work_guard<net::io_context::executor_type> work{io.get_executor()};
	SessionSet	sessions;
	net::steady_timer grace{io};
	std::thread thread;
};

std::string
listen_address(const std::string &server_host)
{
	if (server_host == "!4" || server_host == "*4" || server_host == "*")
		return "0.0.0.0";
	if (server_host == "!6" || server_host == "*6")
		return "::";
	return server_host;
}

Server::Server(const Config &config, ExchangeLog &log)
	: config_(config), log_(log), limits_(http_limits(config))
{
	int			n = config.callboard_server_threads;
	if (n <= 0)
		n = std::max(1u, std::thread::hardware_concurrency());
	for (int i = 0; i < n; i++)
	{
		auto		loop = std::make_unique<Loop>();
		loop->sessions.open_connections = &open_connections_;
		Loop	   *l = loop.get();
		loop->sessions.on_drained = [l] {
			l->grace.cancel();
			l->work.reset();
		};
		loops_.push_back(std::move(loop));
	}
}

Server::~Server() = default;

Executor
Server::first_loop()
{
	return loops_[0]->io.get_executor();
}

int
Server::listen(App &app, const std::string &host, int port)
{
	tcp::endpoint endpoint(net::ip::make_address(listen_address(host)), static_cast<unsigned short>(port));
	auto		acceptor = std::make_unique<tcp::acceptor>(loops_[0]->io);
	acceptor->open(endpoint.protocol());
	acceptor->set_option(net::socket_base::reuse_address(true));
	acceptor->bind(endpoint);
	acceptor->listen(net::socket_base::max_listen_connections);
	int			bound = acceptor->local_endpoint().port();
	spawn(loops_[0]->io.get_executor(), accept_loop(*acceptor, app), "accept");
	acceptors_.push_back(std::move(acceptor));
	return bound;
}

/* Past the connection limit: a short 503, without reading the request, and close. */
static void
refuse_overload(tcp::socket &socket)
{
	static const char kBusy[] =
		"HTTP/1.1 503 Service Unavailable\r\nServer: callboard-gateway\r\nRetry-After: 1\r\n"
		"Content-Type: application/json; charset=utf-8\r\nConnection: close\r\nContent-Length: 95\r\n\r\n"
		"{\"code\":\"HTTP503\",\"details\":\"Too many open connections.\",\"hint\":null,\"message\":\"Server busy\"}";
	::send(socket.native_handle(), kBusy, sizeof kBusy - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
	boost::system::error_code ec;
	socket.close(ec);
}

awaitable<void>
Server::accept_loop(tcp::acceptor &acceptor, App &app)
{
	for (std::size_t next = 0;; next++)
	{
		Loop	   &loop = *loops_[next % loops_.size()];
		boost::system::error_code ec;
		tcp::socket socket(loop.io);
		co_await acceptor.async_accept(socket, net::redirect_error(use_awaitable, ec));
		if (!acceptor.is_open())
			co_return;
		if (ec)
		{
			/* Out of file descriptors: let connections end before accepting more. */
			net::steady_timer pause(co_await net::this_coro::executor, std::chrono::milliseconds(50));
			co_await pause.async_wait(net::redirect_error(use_awaitable, ec));
			continue;
		}
		if (open_connections_.load() >= config_.callboard_max_connections)
		{
			refuse_overload(socket);
			continue;
		}
		open_connections_++;
		net::post(loop.io, [this, &loop, &app, s = std::move(socket)]() mutable {
			start_session(std::move(s), loop.sessions, limits_, app, log_);
		});
	}
}

void
Server::run()
{
	for (auto &loop : loops_)
	{
		Loop	   *l = loop.get();
		l->thread = std::thread([l] { l->io.run(); });
	}
	for (auto &loop : loops_)
		loop->thread.join();
}

void
Server::stop()
{
	net::post(loops_[0]->io, [this] {
		boost::system::error_code ec;
		for (auto &acceptor : acceptors_)
			acceptor->close(ec);
	});
	auto		grace = std::chrono::seconds(config_.callboard_shutdown_grace);
	for (auto &loop : loops_)
	{
		Loop	   *l = loop.get();
		net::post(l->io, [l, grace] {
			l->grace.expires_after(grace);
			l->grace.async_wait([l](boost::system::error_code ec) {
				if (!ec)
					l->sessions.close_all();
			});
			l->sessions.stop_idle();
		});
	}
}

}								/* namespace gateway */
