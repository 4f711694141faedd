/*
 * document_cache.cpp
 *		Keeping documents, and dropping them.
 */
#include "live/document_cache.hpp"

#include "live/cohort.hpp"

namespace gateway {

std::shared_ptr<Cohort>
DocumentCache::find_or_create(const Audience &audience)
{
	auto		it = cohorts_.find(audience.key);
	std::shared_ptr<Cohort> c;
	if (it != cohorts_.end())
		c = it->second;
	else
	{
		c = std::make_shared<Cohort>(audience);
		cohorts_.emplace(audience.key, c);
	}
	/* Most recently used first, while unwatched. */
	Cohort::State &s = c->state_;
	if (s.watchers.empty())
	{
		if (s.in_recent)
			recent_.erase(s.recent);
		recent_.push_front(c);
		s.recent = recent_.begin();
		s.in_recent = true;
	}
	return c;
}

std::shared_ptr<Cohort>
DocumentCache::find(const std::string &key) const
{
	auto		it = cohorts_.find(key);
	return it == cohorts_.end() ? nullptr : it->second;
}

void
DocumentCache::watched(Cohort &c)
{
	if (c.state_.in_recent)
	{
		recent_.erase(c.state_.recent);
		c.state_.in_recent = false;
	}
}

void
DocumentCache::unwatched(const std::shared_ptr<Cohort> &c)
{
	Cohort::State &s = c->state_;
	if (!s.watchers.empty() || s.in_recent)
		return;
	recent_.push_front(c);
	s.recent = recent_.begin();
	s.in_recent = true;
	evict();
}

void
DocumentCache::keep(Cohort &c, std::string body, std::string etag, const ReadStart &start, Built &built)
{
	Cohort::State &s = c.state_;
	/* A build that began before the kept one's says nothing newer. */
	if (s.current && start.sequence < s.sequence)
	{
		built.version = s.current;
		return;
	}
	/* Dropped from memory while it was built (evicted, forgotten): what it got goes to its askers only. */
	if (!s.listed)
	{
		built.version = std::make_shared<const Version>(s.numbered + 1, std::move(body), std::move(etag));
		s.numbered++;
		return;
	}
	if (!s.current || s.current->etag() != etag)
	{
		auto		version = std::make_shared<const Version>(s.numbered + 1, std::move(body), std::move(etag));
		bytes_ -= s.bytes();
		s.current = std::move(version);
		s.numbered = s.current->number();
		bytes_ += s.bytes();
		const char *expires_at = c.audience.function->expires_at;
		s.expires = expires_at ? document_expiry(expires_at, s.current->body()) : SystemTime::max();
	}
	s.sequence = start.sequence;
	s.seen = start.seen;
	s.read_at = start.began;
	built.version = s.current;
}

void
DocumentCache::evict()
{
	/* Least recently used first; watched cohorts are not in the list. */
	while ((bytes_ > config_.current()->callboard_cache_bytes || recent_.size() > 10000) && !recent_.empty())
	{
		std::shared_ptr<Cohort> old = recent_.back();
		if (old->state_.builds_running > 0)
			break;
		recent_.pop_back();
		old->state_.in_recent = false;
		drop(*old);
		cohorts_.erase(old->audience.key);
	}
}

void
DocumentCache::forget()
{
	for (auto it = cohorts_.begin(); it != cohorts_.end();)
	{
		Cohort	   &c = *it->second;
		Cohort::State &s = c.state_;
		s.too_large = false;
		s.reads_all_rows = false;	/* until a read says so again */
		if (!s.watchers.empty() || s.builds_running > 0)
		{
			++it;
			continue;
		}
		if (s.in_recent)
		{
			recent_.erase(s.recent);
			s.in_recent = false;
		}
		drop(c);
		it = cohorts_.erase(it);
	}
}

/* No longer counted: what a build of it gets goes to its askers only (keep()). */
void
DocumentCache::drop(Cohort &c)
{
	c.state_.listed = false;
	bytes_ -= c.state_.bytes();
}

}								/* namespace gateway */
