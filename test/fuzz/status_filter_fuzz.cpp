/*
 * status_filter_fuzz.cpp
 *		The status filter of scheduled_outbound_calls(status) (parse_filter),
 *		and the status -> category mapping it is compared with.
 *
 * Input: a filter value (or a status), byte for byte.
 */
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "call_category.hpp"
#include "fuzz_check.hpp"

using namespace callboard;

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	/* Exactly the input's bytes on the heap, so that ASan sees any read past them. */
	std::vector<char> bytes(data, data + size);
	std::string_view value(bytes.data(), bytes.size());

	Filter		filter = parse_filter(bytes.data(), bytes.size());
	FUZZ_CHECK(filter.kind == Filter::all || filter.kind == Filter::one || filter.kind == Filter::invalid);
	/* All is the empty value, and only it (NULL is all too). */
	FUZZ_CHECK((filter.kind == Filter::all) == value.empty());
	FUZZ_CHECK(parse_filter(nullptr, 0).kind == Filter::all);
	if (filter.kind == Filter::one)
	{
		/* A category by its name, or "in_progress", the one alias. */
		std::string_view name = category_name(filter.category);
		FUZZ_CHECK(value == name || (value == "in_progress" && filter.category == Category::active));
		/* Filtering by a status's category name finds that category again. */
		FUZZ_CHECK(parse_filter(name.data(), name.size()).category == filter.category);
	}

	Category	category = category_of_status(bytes.data(), bytes.size());
	FUZZ_CHECK(category_rank(category) >= 1 && category_rank(category) <= kCategoryCount);
	std::string_view name = category_name(category);
	Filter		by_name = parse_filter(name.data(), name.size());
	FUZZ_CHECK(by_name.kind == Filter::one && by_name.category == category);
	return 0;
}
