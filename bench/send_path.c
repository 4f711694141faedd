/*
 * send_path.c
 *		What one 349 kB send costs the sender over loopback: write() from
 *		memory against sendfile() from a memory file (memfd) and from a file
 *		on disk (its page cache), the way nginx sends a file.  Asked because
 *		the gateway copies each event and document into the kernel with
 *		sendmsg and nginx does not; docs/performance.md has the answer.
 *
 *	cc -O2 -o /tmp/send_path bench/send_path.c -lpthread
 *	/tmp/send_path [FILE]   (FILE: where the on-disk copy goes; /var/tmp/send_path.dat)
 *
 * One connection, a thread reading and dropping everything; 4,000 sends of
 * each kind; each thread's CPU (on loopback each also does part of the
 * other side's TCP work; the reader copies from the sender's pages, which
 * with sendfile are the same few pages every time, warm in the cache).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#define SIZE (349 * 1024)
#define SENDS 4000

static double
thread_cpu(void)
{
	struct rusage r;

	getrusage(RUSAGE_THREAD, &r);
	return r.ru_utime.tv_sec + r.ru_stime.tv_sec + (r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

static double reader_cpu;		/* seconds, the draining thread's */

static void *
drain(void *arg)
{
	int			s = *(int *) arg;
	char		buf[1 << 16];

	while (read(s, buf, sizeof buf) > 0)
		;
	reader_cpu = thread_cpu();
	return NULL;
}

static void
fail(const char *what)
{
	perror(what);
	exit(1);
}

/* Microseconds of CPU per send, the sender's and the reader's; fd < 0: write() from `data`. */
static void
measure(const char *what, const char *data, int fd)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t	len = sizeof a;
	int			l = socket(AF_INET, SOCK_STREAM, 0);
	int			c = socket(AF_INET, SOCK_STREAM, 0);
	int			s;
	pthread_t	reader;
	double		begin;
	double		sender;

	if (bind(l, (void *) &a, sizeof a) || listen(l, 1) || getsockname(l, (void *) &a, &len) ||
		connect(c, (void *) &a, sizeof a) || (s = accept(l, NULL, NULL)) < 0)
		fail("loopback connection");
	pthread_create(&reader, NULL, drain, &c);
	begin = thread_cpu();
	for (int i = 0; i < SENDS; i++)
	{
		off_t		done = 0;

		while (done < SIZE)
		{
			ssize_t		n = fd < 0 ? write(s, data + done, SIZE - done) : sendfile(s, fd, &done, SIZE - done);

			if (n <= 0)
				fail(fd < 0 ? "write" : "sendfile");
			if (fd < 0)
				done += n;
		}
	}
	sender = (thread_cpu() - begin) / SENDS * 1e6;
	shutdown(s, SHUT_WR);
	pthread_join(reader, NULL);
	printf("  %-28s sender %6.1f us, reader %6.1f us, both %6.1f us\n", what, sender,
		   reader_cpu / SENDS * 1e6, sender + reader_cpu / SENDS * 1e6);
	close(s);
	close(c);
	close(l);
}

static int
file_with(int fd, const char *data)
{
	if (fd < 0 || write(fd, data, SIZE) != SIZE)
		fail("file");
	return fd;
}

int
main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/var/tmp/send_path.dat";
	char	   *data = malloc(SIZE);
	int			memfd;
	int			disk;

	memset(data, 'x', SIZE);
	memfd = file_with(memfd_create("send_path", 0), data);
	disk = file_with(open(path, O_RDWR | O_CREAT | O_TRUNC, 0600), data);
	fsync(disk);
	unlink(path);
	printf("349 kB over loopback, CPU per send:\n");
	measure("write() from memory", data, -1);
	measure("sendfile() from a memfd", data, memfd);
	measure("sendfile() from a file", data, disk);
	return 0;
}
