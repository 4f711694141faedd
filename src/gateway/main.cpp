/*
 * main.cpp
 *		callboard-gateway: the dashboard API over HTTP, started as PostgREST is:
 *
 *		  callboard-gateway /path/to/postgrest.conf
 *
 * SIGTERM or SIGINT stops it gracefully: no new connections, in-flight
 * requests finish, then the pool closes.
 */
#include <malloc.h>

#include <csignal>
#include <cstdio>
#include <string>
#include <thread>

#include "access_log.hpp"
#include "config.hpp"
#include "cors.hpp"
#include "handlers.hpp"
#include "http_server.hpp"

using namespace gateway;

static std::string
listen_host(const std::string &server_host)
{
	/* PostgREST's special values: any IPv4 / any address / any IPv6. */
	if (server_host == "!4" || server_host == "*4" || server_host == "*")
		return "0.0.0.0";
	if (server_host == "!6" || server_host == "*6")
		return "::";
	return server_host;
}

int
main(int argc, char **argv)
{
	if (argc > 2 || (argc == 2 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")))
	{
		std::fprintf(stderr, "usage: %s [/path/to/postgrest.conf]\n"
					 "Settings come from the file and from PGRST_* environment variables.\n", argv[0]);
		return 2;
	}

	Config		config;
	try
	{
		config = load_config(argc == 2 ? argv[1] : "");
	}
	catch (const ConfigError &e)
	{
		std::fprintf(stderr, "callboard-gateway: configuration error: %s\n", e.what());
		return 1;
	}

	/*
	 * Each worker handles whole documents (megabytes at 10,000 calls); with
	 * glibc's default of an arena per thread, each keeps its high-water mark.
	 * Two arenas halve the peak RSS under load at no measurable cost.
	 */
	mallopt(M_ARENA_MAX, 2);

	/* Signals go to one thread, which stops the server; block them everywhere else. */
	sigset_t	stop_signals;
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
	std::signal(SIGPIPE, SIG_IGN);

	Handlers	handlers(config);
	CorsPolicy	cors(config.server_cors_allowed_origins);
	AccessLog	log(config.log_level);
	httplib::Server server;
	configure_server(server, handlers, config, cors, log);

	std::string host = listen_host(config.server_host);
	int			port = config.server_port;
	if (port == 0)
		port = server.bind_to_any_port(host);
	else if (!server.bind_to_port(host, port))
		port = -1;
	if (port <= 0)
	{
		std::fprintf(stderr, "callboard-gateway: cannot listen on %s:%d\n", host.c_str(), config.server_port);
		return 1;
	}
	log_event("listening on " + host + ":" + std::to_string(port));

	std::thread stopper([&server, stop_signals] {
		int			sig = 0;
		sigwait(&stop_signals, &sig);
		log_event(std::string("received ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT") + ", finishing requests");
		server.stop();
	});

	bool		ok = server.listen_after_bind();
	if (!ok || server.is_running())
		kill(getpid(), SIGTERM);	/* wake the stopper if listening failed */
	stopper.join();
	log_event("stopped");
	return ok ? 0 : 1;
}
