/*
 * document_cache.hpp
 *		The kept documents: one cohort per audience, the unwatched ones
 *		dropped least recently used first, their bytes counted.
 */
#ifndef CALLBOARD_GATEWAY_DOCUMENT_CACHE_HPP
#define CALLBOARD_GATEWAY_DOCUMENT_CACHE_HPP

#include <list>
#include <memory>
#include <string>
#include <unordered_map>

#include "config/reloadable_config.hpp"

namespace gateway {

class Cohort;					/* cohort.hpp */
struct Audience;				/* audience.hpp */
struct Built;					/* version.hpp */
struct ReadStart;				/* cohort.hpp */

/*
 * Not locked itself: its one owner (Cohorts) holds it GUARDED_BY the
 * cohorts' lock, so every call, and every Cohort state it reads, is under
 * that lock.  Watched cohorts are never dropped; past callboard-cache-bytes
 * (or 10,000 unwatched documents) the least recently used go, unless a
 * build of theirs is running.
 */
class DocumentCache
{
public:
	using Map = std::unordered_map<std::string, std::shared_ptr<Cohort>>;	/* by audience key */

	explicit	DocumentCache(const ReloadableConfig &reloadable) : config_(reloadable) {}

	/* The audience's cohort, made if new; used now (first in line), unless watched. */
	std::shared_ptr<Cohort> find_or_create(const Audience &audience);
	/* nullptr if not kept. */
	std::shared_ptr<Cohort> find(const std::string &key) const;
	const Map &all() const { return cohorts_; }
	std::size_t bytes() const { return bytes_; }

	/* Watched from now on: out of the line, never dropped. */
	void		watched(Cohort &c);
	/* Nobody watches it any more: first in line; and whatever is too much goes. */
	void		unwatched(const std::shared_ptr<Cohort> &c);

	/*
	 * A new body for the cohort, a new version if the bytes changed (`etag`
	 * tells), else the same one, fresher; `built` gets the version to answer
	 * with.
	 */
	void		keep(Cohort &c, std::string body, std::string etag, const ReadStart &start, Built &built);

	/* Drops the least recently used while there is too much. */
	void		evict();

	/*
	 * Privileges or policies changed: drops every document nobody watches or
	 * builds, and what reads said of every cohort.
	 */
	void		forget();

private:
	void		drop(Cohort &c);

	const ReloadableConfig &config_;
	Map			cohorts_;
	std::list<std::shared_ptr<Cohort>> recent_;	/* unwatched, most recently used first */
	std::size_t bytes_ = 0;
};

}								/* namespace gateway */

#endif
