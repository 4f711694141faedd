/*
 * call_category.cpp
 *		The status -> category table of docs/sql-api.md (callboard_call_category), and
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

/* The filter's values; in_progress is the Django spelling of active. */
struct FilterValue
{
	const char *value;
	Category	category;
};

constexpr FilterValue kFilterValues[] = {
	{"pending", Category::pending},
	{"in_progress", Category::active},
	{"active", Category::active},
	{"completed", Category::completed},
	{"failed", Category::failed},
};

constexpr std::size_t kFilterValueCount = sizeof(kFilterValues) / sizeof(kFilterValues[0]);

constexpr std::size_t
literal_len(const char *s)
{
	std::size_t n = 0;

	while (s[n] != '\0')
		n++;
	return n;
}

/* The separator written before value i of the list: none, ", " or " and ". */
constexpr const char *
separator_before(std::size_t i)
{
	return i == 0 ? "" : i + 1 == kFilterValueCount ? " and " : ", ";
}

constexpr std::size_t
values_text_len()
{
	std::size_t n = 0;

	for (std::size_t i = 0; i < kFilterValueCount; i++)
		n += literal_len(separator_before(i)) + literal_len(kFilterValues[i].value);
	return n;
}

/* "pending, in_progress, active, completed and failed", built at compile time. */
struct FilterValuesText
{
	char		text[values_text_len() + 1];

	constexpr FilterValuesText() : text()
	{
		std::size_t n = 0;

		for (std::size_t i = 0; i < kFilterValueCount; i++)
		{
			for (const char *p = separator_before(i); *p; p++)
				text[n++] = *p;
			for (const char *p = kFilterValues[i].value; *p; p++)
				text[n++] = *p;
		}
		text[n] = '\0';
	}
};

constexpr FilterValuesText kFilterValuesText;

}								/* namespace */

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

Filter
parse_filter(const char *filter, std::size_t len) noexcept
{
	if (filter == nullptr || len == 0)
		return {Filter::all, Category::pending};
	for (const FilterValue &value : kFilterValues)
		if (equals(filter, len, value.value))
			return {Filter::one, value.category};
	return {Filter::invalid, Category::pending};
}

const char *
filter_values_text() noexcept
{
	return kFilterValuesText.text;
}

}								/* namespace callboard */
