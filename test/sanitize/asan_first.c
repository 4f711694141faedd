/*
 * asan_first.c
 *		Starts AddressSanitizer before any other library's constructor, in a
 *		program that was not built with it (the PostgreSQL server).
 *
 * Preloaded libasan initializes lazily, at the first malloc.  In postgres
 * that first malloc comes from libp11-kit's constructor (through libldap and
 * GnuTLS), inside newlocale() with glibc's locale lock held; ASan's start-up
 * then takes the same lock again, and glibc's rwlock is corrupted: postgres
 * hangs before main().  Linked with -z initfirst and preloaded after libasan,
 * this library's constructor runs before every other one and starts ASan
 * where nothing is locked, as an instrumented program's preinit would.
 */
void		__asan_init(void);

__attribute__((constructor)) static void
asan_first(void)
{
	__asan_init();
}
