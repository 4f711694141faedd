/*
 * main.cpp
 *		callboard-gateway: the dashboard API over HTTP, started as PostgREST is:
 *
 *		  callboard-gateway /path/to/postgrest.conf
 *
 * SIGTERM or SIGINT stops it gracefully: no new connections, requests and
 * streams under way finish within callboard-shutdown-grace seconds (then
 * they are cut and their queries cancelled), then the pool closes.
 */
#include <sys/resource.h>

#include <condition_variable>
#include <filesystem>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api/admin.hpp"
#include "api/dispatch.hpp"
#include "api/handlers.hpp"
#include "api/metrics.hpp"
#include "config/config.hpp"
#include "config/reloadable_config.hpp"
#include "core/access_log.hpp"
#include "core/fault_injection.hpp"
#include "core/sd_notify.hpp"
#include "core/spawn.hpp"
#include "db/database.hpp"
#include "db/sql_names.hpp"
#include "http/server.hpp"
#include "http/web_files.hpp"
#include "live/change_feed.hpp"
#include "live/cohorts.hpp"

#ifndef CALLBOARD_VERSION
#define CALLBOARD_VERSION "unknown"
#endif
/* Where make install puts the page (the Makefile defines it). */
#ifndef CALLBOARD_WEB_ROOT
#define CALLBOARD_WEB_ROOT "/usr/share/callboard/web"
#endif

using namespace gateway;

namespace {

/* Beyond shutdown's grace, cancelled queries get this long to end before the process exits anyway. */
constexpr std::chrono::seconds kStopMargin{10};

/* Every open connection is a descriptor: allow as many as the system lets us. */
void
raise_open_file_limit()
{
	rlimit		limit;
	if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
	{
		limit.rlim_cur = limit.rlim_max;
		setrlimit(RLIMIT_NOFILE, &limit);
	}
}

/*
 * The page's files: none when callboard-web is off; from callboard-web-root,
 * which must then exist; else from where make install put them, if it did.
 */
WebFiles
load_web_files(const Config &config)
{
	if (!config.callboard_web)
		return WebFiles();
	if (config.callboard_web_root)
		return WebFiles(*config.callboard_web_root);
	std::error_code ec;
	if (!std::filesystem::is_directory(CALLBOARD_WEB_ROOT, ec))
	{
		log_event(std::string("no dashboard page: ") + CALLBOARD_WEB_ROOT + " is not installed");
		return WebFiles();
	}
	return WebFiles(CALLBOARD_WEB_ROOT);
}

/* What the command line asks for: a run with a configuration file, or an answer and an exit status. */
struct CommandLine
{
	std::string path;			/* the configuration file; "" for the environment alone */
	bool		dump = false;	/* --dump-config */
	std::optional<int> exit_status;	/* answered already (--version, --help, a usage error) */
};

CommandLine
parse_command_line(int argc, char **argv)
{
	CommandLine cl;
	std::vector<std::string> args(argv + 1, argv + argc);
	cl.dump = !args.empty() && args[0] == "--dump-config";
	if (cl.dump)
		args.erase(args.begin());
	if (args.size() == 1 && args[0] == "--version")
	{
		std::printf("callboard-gateway %s\n", CALLBOARD_VERSION);
		cl.exit_status = 0;
		return cl;
	}
	bool		help = args.size() == 1 && (args[0] == "--help" || args[0] == "-h");
	if (help || args.size() > 1 || (!args.empty() && args[0].rfind("--", 0) == 0))
	{
		std::fprintf(help ? stdout : stderr,
					 "usage: %s [--dump-config] [/path/to/postgrest.conf]\n"
					 "Serves callboard's dashboard API over HTTP, configured as PostgREST is:\n"
					 "settings come from the file and from PGRST_* environment variables.\n"
					 "  --dump-config  print the effective configuration (secrets masked) and exit\n"
					 "  --version      print the version and exit\n"
					 "  --help         print this and exit\n"
					 "Signals: SIGTERM/SIGINT stop gracefully; SIGUSR2 rereads the configuration.\n", argv[0]);
		cl.exit_status = help ? 0 : 2;
		return cl;
	}
	cl.path = args.empty() ? "" : args[0];
	return cl;
}

/*
 * What `read` reads of the configuration (the file and environment, the
 * page's files), or nothing after saying on stderr why it cannot be used.
 */
template <class Read>
auto
configured(Read read) -> std::optional<decltype(read())>
{
	try
	{
		return read();
	}
	catch (const std::exception &e)
	{
		std::fprintf(stderr, "callboard-gateway: configuration error: %s\n", e.what());
		return std::nullopt;
	}
}

/* Signals go to one thread (it stops the server, or reloads): blocked in every other. */
sigset_t
block_signals()
{
	sigset_t	signals;
	sigemptyset(&signals);
	sigaddset(&signals, SIGTERM);
	sigaddset(&signals, SIGINT);
	sigaddset(&signals, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &signals, nullptr);
	std::signal(SIGPIPE, SIG_IGN);
	return signals;
}

/* The API's listener and, if configured, the admin's; the API's port, or nothing after saying why. */
std::optional<int>
listen_all(Server &server, Dispatch &dispatch, Admin &admin, const Config &config)
{
	try
	{
		int			port = server.listen(dispatch, config.server_host, config.server_port);
		log_event("listening on " + listen_address(config.server_host) + ":" + std::to_string(port));
		if (config.admin_server_port)
		{
			int			admin_port = server.listen(admin, config.admin_server_host, *config.admin_server_port);
			log_event("admin listening on " + listen_address(config.admin_server_host) + ":" +
					  std::to_string(admin_port));
		}
		return port;
	}
	catch (const std::exception &e)
	{
		std::fprintf(stderr, "callboard-gateway: cannot listen: %s\n", e.what());
		return std::nullopt;
	}
}

/*
 * The roles' settings now and every callboard-cache-max-age (ALTER ROLE
 * takes effect without a restart, within that time), on the first loop
 * until stop() (posted to that loop).
 */
class RoleSettingsRefresh
{
public:
	RoleSettingsRefresh(Executor loop, Database &db, const ReloadableConfig &reloadable)
		: loop_(loop), db_(db), config_(reloadable), timer_(loop) {}

	void
	start()
	{
		spawn(loop_, run(), "role_settings");
	}

	void
	stop()
	{
		stopping_ = true;
		timer_.cancel();
	}

private:
	awaitable<void>
	run()
	{
		while (!stopping_)
		{
			try
			{
				co_await db_.load_role_settings();
			}
			catch (...)
			{
				/* Counted and logged; the last settings read stay, and the next tick tries again. */
				task_failed("role_settings", std::current_exception());
			}
			if (stopping_)
				break;			/* stopped while it read them: the timer's cancel came too early */
			timer_.expires_after(std::chrono::seconds(config_.current()->callboard_cache_max_age));
			boost::system::error_code ec;
			co_await timer_.async_wait(net::redirect_error(use_awaitable, ec));
		}
	}

	Executor	loop_;
	Database   &db_;
	const ReloadableConfig &config_;
	net::steady_timer timer_;
	bool		stopping_ = false;	/* on the first loop only */
};

/*
 * Shutdown, in one place, in its order:
 *
 *  1. SIGTERM or SIGINT (SIGUSR2 reloads instead): the change feed, the
 *     cohorts' tasks and the role settings' refresh stop on their loop;
 *     the server takes no new connection and lets requests finish.
 *  2. After callboard-shutdown-grace seconds, documents still being built
 *     are cancelled (the server cuts their connections); after kStopMargin
 *     more, the process exits with status 1 whatever still runs.
 *  3. When the loops return (finished()): idle database connections close,
 *     the blocking and hashing pools drain, and the signal thread ends.
 */
class Shutdown
{
public:
	Shutdown(sigset_t signals, ReloadableConfig &reloadable, Server &server, ChangeFeed &feed, Cohorts &cohorts,
			 RoleSettingsRefresh &role_settings, std::chrono::seconds grace)
		: signals_(signals), config_(reloadable), server_(server), feed_(feed), cohorts_(cohorts),
		  role_settings_(role_settings), grace_(grace) {}

	/* Step 1 and 2, on a thread that waits for the signals. */
	void
	watch_signals()
	{
		thread_ = std::thread([this] { on_signals(); });
	}

	/* Step 3, once Server::run() has returned. */
	void
	finished(Database &db, net::thread_pool &blocking, net::thread_pool &hashing)
	{
		db.close_idle();
		blocking.join();
		hashing.join();
		{
			std::lock_guard<std::mutex> lock(mutex_);
			done_ = true;
		}
		stopped_.notify_one();
		thread_.join();
		log_event("stopped");
	}

private:
	void
	on_signals()
	{
		int			sig = 0;
		while (sigwait(&signals_, &sig) == 0 && sig == SIGUSR2)
		{
			log_event("received SIGUSR2, reloading the configuration");
			config_.reload();
		}
		log_event(std::string("received ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT") + ", finishing requests");
		sd_notify("STOPPING=1");
		net::post(server_.first_loop(), [this] {
			role_settings_.stop();
			feed_.stop();
			cohorts_.stop();
		});
		server_.stop();
		std::unique_lock<std::mutex> lock(mutex_);
		if (stopped_.wait_for(lock, grace_, [this] { return done_; }))
			return;
		cohorts_.cancel_builds();
		if (!stopped_.wait_for(lock, kStopMargin, [this] { return done_; }))
		{
			log_event("requests still running after the grace period; exiting");
			flush_log();
			std::_Exit(1);
		}
	}

	sigset_t	signals_;
	ReloadableConfig   &config_;
	Server	   &server_;
	ChangeFeed &feed_;
	Cohorts    &cohorts_;
	RoleSettingsRefresh &role_settings_;
	std::chrono::seconds grace_;
	std::thread thread_;
	std::mutex	mutex_;
	std::condition_variable stopped_;
	bool		done_ = false;	/* under mutex_ */
};

/* What /metrics shows, gathered from the parts when it is asked for. */
MetricsSources
gather_metrics(const Server &server, Database &db, const ChangeFeed &feed, const Cohorts &cohorts,
			   const ReloadableConfig &reloadable)
{
	MetricsSources s;
	s.open_connections = server.open_connections();
	s.pools = db.stats();
	s.feed_pushing = feed.pushing();
	s.feed_sequence = feed.sequence();
	s.cohorts = cohorts.stats();
	s.config_reloads = reloadable.reloads();
	s.config_reload_failures = reloadable.refused();
	s.task_failures = task_failures();
	s.log_lines_dropped = log_lines_dropped();
	return s;
}

/* What a reload and the database's notifications reach. */
void
connect_signals(ReloadableConfig &reloadable, Telemetry &telemetry, Handlers &handlers, ChangeFeed &feed, Cohorts &cohorts,
				Database &db, Server &server)
{
	reloadable.on_reload = [&telemetry, &handlers](const Config &fresh) {
		telemetry.log.set_level(fresh.log_level);
		handlers.rebind_tokens(fresh);
	};
	feed.on_change = [&cohorts](const ChangeNotice &notice) {
		if (notice.privileges)
			cohorts.forget();
		cohorts.changed(notice.categories());
	};
	feed.on_reload_config = [&reloadable] { reloadable.reload(); };
	feed.on_reload_schema = [&db, &server] {
		spawn(server.first_loop(), db.load_role_settings(), "role_settings");
	};
}

/* The change feed, the cohorts' polling and refreshes, and the roles' settings: on the first loop. */
void
start_watching(const Config &config, Server &server, ChangeFeed &feed, Cohorts &cohorts,
			   RoleSettingsRefresh &role_settings, net::thread_pool &blocking)
{
	spawn(server.first_loop(), feed.listen(config.callboard_listen_uri.value_or(config.db_uri), search_path_for(config),
										   blocking.get_executor()), "change_feed");
	spawn(server.first_loop(), cohorts.poll(), "poll");
	spawn(server.first_loop(), cohorts.refresher(), "refresher");
	role_settings.start();
}

}								/* namespace */

/* The startup sequence: read the configuration, build the parts, wire them, listen, serve, shut down. */
int
main(int argc, char **argv)
{
	CommandLine cl = parse_command_line(argc, argv);
	if (cl.exit_status)
		return *cl.exit_status;
	std::optional<Config> read = configured([&] { return load_config(cl.path); });
	if (!read)
		return 1;
	const Config config = std::move(*read);
	if (cl.dump)
	{
		std::fputs(dump_config(config).c_str(), stdout);
		return 0;
	}
	raise_open_file_limit();
	arm_faults(std::getenv("CALLBOARD_TEST_FAULTS"));
	sigset_t	signals = block_signals();

	/*
	 * Work that would block a loop, on threads of its own (off_loop.hpp):
	 * cancel requests and libpq's connection steps (name resolution), which
	 * wait rather than compute; password checks, on fewer threads than cores,
	 * so that a flood of logins leaves a core to the loops and the database.
	 */
	net::thread_pool blocking(4);
	unsigned	cores = std::max(1u, std::thread::hardware_concurrency());
	net::thread_pool hashing(std::max(1u, cores - 1));

	/* The parts, each given those it uses. */
	ReloadableConfig	reloadable(config, cl.path);
	Database	db(reloadable, blocking.get_executor());
	ChangeFeed	feed;
	Telemetry	telemetry(config.log_level);
	Server		server(config, telemetry);
	Cohorts		cohorts(reloadable, db, feed, server.first_loop());
	Handlers	handlers(reloadable, db, cohorts, hashing.get_executor());
	std::optional<WebFiles> web = configured([&] { return load_web_files(config); });
	if (!web)
		return 1;
	Dispatch	dispatch(handlers, reloadable, *web);
	Admin		admin(handlers, telemetry.metrics, [&] { return gather_metrics(server, db, feed, cohorts, reloadable); },
					  [&] { return dump_config(*reloadable.current()); });
	RoleSettingsRefresh role_settings(server.first_loop(), db, reloadable);

	connect_signals(reloadable, telemetry, handlers, feed, cohorts, db, server);

	std::optional<int> port = listen_all(server, dispatch, admin, config);
	if (!port)
		return 1;
	sd_notify("READY=1\nSTATUS=listening on port " + std::to_string(*port));

	start_watching(config, server, feed, cohorts, role_settings, blocking);

	Shutdown	shutdown(signals, reloadable, server, feed, cohorts, role_settings,
						 std::chrono::seconds(config.callboard_shutdown_grace));
	shutdown.watch_signals();
	server.run();
	shutdown.finished(db, blocking, hashing);
	return 0;
}
