/*
 * summary_counts.hpp
 *		The counts of scheduled_outbound_calls_summary(), for the documents
 *		that carry them (the summary, and the overview beside its timeline).
 */
#ifndef CALLBOARD_SUMMARY_COUNTS_HPP
#define CALLBOARD_SUMMARY_COUNTS_HPP

#include <cstdint>

#include "call_category.hpp"

extern "C" {
#include "postgres.h"
}

/*
 * The number of outbound calls in each category, in category order.  Runs
 * inside the caller's SPI connection, in its snapshot; `function_oid` is
 * the calling function.
 */
void		count_calls_by_category(Oid function_oid, std::int64_t counts[callboard::kCategoryCount]);

#endif
