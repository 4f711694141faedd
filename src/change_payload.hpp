/*
 * change_payload.hpp
 *		What a notification on callboard_changes says a commit touched.
 *
 * The change signal's trigger on twilio_calls knows, from its transition
 * tables, which categories the rows it saw were in before and after the
 * statement; it names them in the payload, so that a listener wakes only
 * the documents that can depend on them:
 *
 *   "calls:pending,active"   outbound calls in these categories were
 *                            inserted, deleted, or changed (in any column)
 *                            or moved out of or into them;
 *   "calls:other"            rows no document lists (inbound calls) changed:
 *                            only a reader whose row-level security policy
 *                            may look at other rows can care (with others:
 *                            "calls:active,other");
 *   ""                       anything may have changed (hume_agents, and
 *                            the trigger of callboard 0.3.0);
 *   "enabled", "disabled"    the signal was turned on or off.
 *
 * A statement that touched no outbound call sends nothing.  The categories
 * are written in rank order, so one transaction's statements that touched
 * the same ones send one notification (PostgreSQL folds equal ones).
 *
 * Shared by the extension (which writes it) and the gateway (which reads
 * it): plain C++, header-only.
 */
#ifndef CALLBOARD_CHANGE_PAYLOAD_HPP
#define CALLBOARD_CHANGE_PAYLOAD_HPP

#include <cstddef>
#include <cstring>
#include <optional>
#include <string_view>

#include "call_category.hpp"

namespace callboard {

/* The channel the change signal NOTIFYs. */
constexpr const char *kChangeChannel = "callboard_changes";

/* A set of categories: bit i is Category(i); one more bit for the rows no document lists. */
using CategorySet = unsigned;

constexpr CategorySet kNoCategories = 0;
constexpr CategorySet kAllCategories = (1u << kCategoryCount) - 1;
constexpr CategorySet kOtherRows = 1u << kCategoryCount;
constexpr CategorySet kEveryRow = kAllCategories | kOtherRows;

/* The bits of a CategorySet, and their names in a payload. */
constexpr int kCategorySetBits = kCategoryCount + 1;

constexpr const char *
category_set_name(int bit)
{
	return bit < kCategoryCount ? category_name(static_cast<Category>(bit)) : "other";
}

constexpr CategorySet
category_bit(Category category)
{
	return 1u << static_cast<int>(category);
}

constexpr const char *kCallsPayloadPrefix = "calls:";

/* "calls:" and every name with a comma between, and a NUL. */
constexpr std::size_t kCallsPayloadMax = 64;

/* Writes the payload for `touched` (not empty) into `out`, NUL-terminated. */
inline void
write_calls_payload(CategorySet touched, char (&out)[kCallsPayloadMax])
{
	std::size_t n = std::strlen(kCallsPayloadPrefix);

	std::memcpy(out, kCallsPayloadPrefix, n);
	for (int i = 0; i < kCategorySetBits; i++)
	{
		if (!(touched & (1u << i)))
			continue;
		if (out[n - 1] != ':')
			out[n++] = ',';
		const char *name = category_set_name(i);
		std::size_t len = std::strlen(name);

		std::memcpy(out + n, name, len);
		n += len;
	}
	out[n] = '\0';
}

/*
 * The categories a "calls:" payload names; nullopt for any other payload or
 * a malformed one (which a listener must take as "anything changed").
 */
inline std::optional<CategorySet>
parse_calls_payload(std::string_view payload)
{
	std::string_view prefix(kCallsPayloadPrefix);

	if (payload.substr(0, prefix.size()) != prefix)
		return std::nullopt;
	payload.remove_prefix(prefix.size());

	CategorySet set = kNoCategories;

	while (!payload.empty())
	{
		std::size_t comma = payload.find(',');
		std::string_view name = payload.substr(0, comma);
		bool		known = false;

		for (int i = 0; i < kCategorySetBits; i++)
			if (name == category_set_name(i))
			{
				set |= 1u << i;
				known = true;
			}
		if (!known)
			return std::nullopt;
		if (comma == std::string_view::npos)
			break;
		payload.remove_prefix(comma + 1);
		if (payload.empty())
			return std::nullopt;	/* a trailing comma */
	}
	if (set == kNoCategories)
		return std::nullopt;
	return set;
}

}								/* namespace callboard */

#endif
