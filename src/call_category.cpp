/*
 * call_category.cpp
 *		The status -> category table of README (callboard_call_category), and
 *		the filter values.
 */
#include "call_category.hpp"

#include <cstring>

#include "cpp_only.hpp"

namespace callboard {

namespace {

struct StatusEntry
{
	const char *status;
	Category	category;
};

/*
 * Django stores underscores (in_progress, no_answer); Twilio's webhooks send
 * hyphens (in-progress, no-answer).  Both occur in real data.  Values not
 * listed here are failed; the failed entries are listed anyway so the table
 * reads as the contract does.
 */
constexpr StatusEntry kStatusTable[] = {
	{"initiated", Category::pending},
	{"queued", Category::pending},
	{"in_progress", Category::active},
	{"in-progress", Category::active},
	{"ringing", Category::active},
	{"completed", Category::completed},
	{"failed", Category::failed},
	{"busy", Category::failed},
	{"no_answer", Category::failed},
	{"no-answer", Category::failed},
	{"canceled", Category::failed},
};

bool
equals(const char *value, std::size_t len, const char *literal) noexcept
{
	return std::strlen(literal) == len && std::memcmp(value, literal, len) == 0;
}

}								/* namespace */

const char *const kValidFiltersHint =
	"Valid values are pending, in_progress, active, completed and failed; "
	"NULL or an empty string returns every category.";

Category
category_of_status(const char *status, std::size_t len) noexcept
{
	if (status == nullptr)
		return Category::failed;
	for (const StatusEntry &entry : kStatusTable)
		if (equals(status, len, entry.status))
			return entry.category;
	return Category::failed;
}

const char *
category_name(Category category) noexcept
{
	switch (category)
	{
		case Category::pending:
			return "pending";
		case Category::active:
			return "active";
		case Category::completed:
			return "completed";
		case Category::failed:
			return "failed";
	}
	return "failed";
}

Filter
parse_filter(const char *filter, std::size_t len) noexcept
{
	if (filter == nullptr || len == 0)
		return {Filter::all, Category::pending};
	if (equals(filter, len, "pending"))
		return {Filter::one, Category::pending};
	if (equals(filter, len, "in_progress") || equals(filter, len, "active"))
		return {Filter::one, Category::active};
	if (equals(filter, len, "completed"))
		return {Filter::one, Category::completed};
	if (equals(filter, len, "failed"))
		return {Filter::one, Category::failed};
	return {Filter::invalid, Category::pending};
}

}								/* namespace callboard */
