/*
 * reloadable_config.hpp
 *		The configuration in force, and reloading it without a restart.
 *
 * As PostgREST does, SIGUSR2 and NOTIFY pgrst, 'reload config' reread the
 * config file and the PGRST_* environment.  A configuration that does not
 * load is refused with a log line and the running one kept.  Every key but
 * the restart keys (config.hpp's restart_keys()) is read where it is used,
 * from current(): a reload applies it to the next request, the next stream,
 * the next tick of the refresh loop; connections and streams open stay
 * open.  What the process was built around (where it listens, its databases
 * and pools, its loops, the HTTP limits, the page) needs a restart; a
 * reload that changes it says so in the log.
 */
#ifndef CALLBOARD_GATEWAY_RELOADABLE_CONFIG_HPP
#define CALLBOARD_GATEWAY_RELOADABLE_CONFIG_HPP

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "config/config.hpp"

namespace gateway {

class ReloadableConfig
{
public:
	ReloadableConfig(Config config, std::string path);

	/* The configuration in force; a request takes it once and keeps it to its end. */
	std::shared_ptr<const Config> current() const { return std::atomic_load(&current_); }

	/* Rereads the file and environment; true if the new configuration is in force. */
	bool		reload();

	/* Called after a reload took effect (the access log's level). */
	std::function<void(const Config &)> on_reload;

	std::uint64_t reloads() const { return reloads_.load(); }
	std::uint64_t refused() const { return refused_.load(); }

private:
	std::shared_ptr<const Config> current_;
	const std::string path_;
	std::atomic<std::uint64_t> reloads_{0};
	std::atomic<std::uint64_t> refused_{0};
};

}								/* namespace gateway */

#endif
