/*
 * callboard.cpp
 *		Module entry: the library magic and callboard's settings.
 *
 * callboard.max_output_bytes lets a DBA (or a test, with small data) lower
 * the largest JSON document scheduled_outbound_calls() will build.  Its
 * default and ceiling are PostgreSQL's 1 GB value limit; the effective limit
 * is a few bytes less, since a json value carries a varlena header.
 */
#include "callboard.hpp"
#include "change_notice.hpp"

#include <cstdint>

extern "C" {
#include "postgres.h"

#include "fmgr.h"
#include "utils/guc.h"
#include "utils/memutils.h"

/*
 * MarkGUCPrefixReserved() and InitMaterializedSRF() appeared in PostgreSQL
 * 15; refuse older headers here, plainly, rather than with an undefined
 * symbol somewhere else.
 */
#if PG_VERSION_NUM < 150000
#error "callboard needs PostgreSQL 15 or later: point PG_CONFIG at a PostgreSQL 15 pg_config"
#endif

PG_MODULE_MAGIC;

void		_PG_init(void);
}

static const int kDefaultMaxOutputBytes = 1024 * 1024 * 1024;

int			callboard_max_output_bytes = kDefaultMaxOutputBytes;

const char *const kDocumentLimitHint =
	"Pass a status filter, e.g. scheduled_outbound_calls('pending'), "
	"or raise callboard.max_output_bytes (at most 1GB).";

std::size_t
callboard_output_limit()
{
	return Min((std::size_t) callboard_max_output_bytes,
			   (std::size_t) (MaxAllocSize - VARHDRSZ));
}

std::size_t
callboard_stream_limit()
{
	return callboard_max_output_bytes < kDefaultMaxOutputBytes
		? (std::size_t) callboard_max_output_bytes : SIZE_MAX;
}

void
_PG_init(void)
{
	DefineCustomIntVariable("callboard.max_output_bytes",
							"Largest JSON document scheduled_outbound_calls() returns.",
							"A larger result fails with SQLSTATE 54000. "
							"The default and ceiling are PostgreSQL's 1GB value limit; "
							"below the default it also caps scheduled_outbound_calls_chunks().",
							&callboard_max_output_bytes,
							kDefaultMaxOutputBytes,
							1,
							kDefaultMaxOutputBytes,
							PGC_USERSET,
							GUC_UNIT_BYTE,
							NULL, NULL, NULL);
	MarkGUCPrefixReserved("callboard");
	register_change_notice();
}
