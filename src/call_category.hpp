/*
 * call_category.hpp
 *		The one status -> category mapping, and the filter values.
 *
 * Both scheduled_outbound_calls() and callboard_call_category() use these
 * functions, so the grouping, the filter and any BI view built on the SQL
 * function can never disagree.
 */
#ifndef CALLBOARD_CALL_CATEGORY_HPP
#define CALLBOARD_CALL_CATEGORY_HPP

#include <cstddef>
#include <type_traits>

namespace callboard {

/* In output order: the JSON lists and the summary follow this order. */
enum class Category : int { pending = 0, active = 1, completed = 2, failed = 3 };

constexpr int kCategoryCount = 4;

/*
 * The category of a Twilio/Django status value.  A NULL status (status ==
 * nullptr) falls under "any other value", like every value the table does
 * not list: failed.
 */
Category category_of_status(const char *status, std::size_t len) noexcept;

/* "pending", "active", "completed", "failed". */
constexpr const char *
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

/* 1-based position in the output, as callboard_call_category_rank() returns. */
inline int category_rank(Category category) noexcept
{
	return static_cast<int>(category) + 1;
}

/* The value of a `status` filter argument. */
struct Filter
{
	enum Kind { all, one, invalid } kind;
	Category category;			/* valid when kind == one */
};

/* Held while PostgreSQL is called, which may longjmp. */
static_assert(std::is_trivially_destructible<Filter>::value, "a Filter must not need a destructor");

/*
 * NULL (filter == nullptr) or "" -> all; "pending"; "in_progress" or "active";
 * "completed"; "failed".  Anything else, compared byte for byte, is invalid.
 * The page function takes the same values as category names.
 */
Filter parse_filter(const char *filter, std::size_t len) noexcept;

/*
 * The values parse_filter() accepts, from the same table, for the hints of
 * the errors that refuse a value: "pending, in_progress, active, completed
 * and failed".
 */
const char *filter_values_text() noexcept;

}								/* namespace callboard */

#endif
