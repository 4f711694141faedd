/*
 * reloadable_config.cpp
 *		Swapping the configuration in force.
 */
#include "config/reloadable_config.hpp"

#include "core/access_log.hpp"

namespace gateway {

ReloadableConfig::ReloadableConfig(Config config, std::string path)
	: current_(std::make_shared<const Config>(std::move(config))), path_(std::move(path))
{
}

bool
ReloadableConfig::reload()
{
	Config		next;
	try
	{
		next = load_config(path_);
	}
	catch (const ConfigError &e)
	{
		refused_++;
		log_event(std::string("configuration not reloaded, the running one is kept: ") + e.what());
		return false;
	}
	std::shared_ptr<const Config> previous = current();
	std::string pending = restart_only_changes(*previous, next);
	auto		fresh = std::make_shared<const Config>(std::move(next));
	std::atomic_store(&current_, fresh);
	reloads_++;
	log_event(pending.empty() ? "configuration reloaded"
			  : "configuration reloaded; " + pending + " take effect after a restart");
	if (on_reload)
		on_reload(*fresh);
	return true;
}

}								/* namespace gateway */
