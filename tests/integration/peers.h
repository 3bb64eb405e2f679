/* peers.h: the real peers that notification tests talk to, started on a
 * free loopback port each: an SMTP server that keeps every message
 * (smtp_sink.py) and a webhook receiver that checks signatures on its own
 * (webhook_sink.py). Both run under Debian's /usr/bin/python3, which has
 * python3-aiosmtpd, whatever python3 comes first on the PATH.
 * OB_TEST_HELPERS names the folder of the scripts (set by meson). */
#ifndef OB_PEERS_H
#define OB_PEERS_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define PEERS_PYTHON "/usr/bin/python3"

/* Runs the helper script with up to two arguments; returns its pid and
 * the port it printed. Aborts the test program when it does not start. */
static inline pid_t peer_start(const char *script, const char *arg1, const char *arg2, int *port)
{
	const char *dir = getenv("OB_TEST_HELPERS");
	char path[512], line[32] = "";
	const char *argv[] = { PEERS_PYTHON, path, arg1, arg2, NULL };
	int out[2];
	FILE *f;
	pid_t pid;

	if (dir == NULL) {
		fprintf(stderr, "peers: OB_TEST_HELPERS is not set\n");
		abort();
	}
	snprintf(path, sizeof(path), "%s/%s", dir, script);
	if (pipe(out) < 0)
		abort();
	pid = fork();
	if (pid == 0) {
		dup2(out[1], 1);
		close(out[0]);
		close(out[1]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	f = fdopen(out[0], "r");
	if (f == NULL || fgets(line, sizeof(line), f) == NULL ||
	    (*port = (int)strtol(line, NULL, 10)) <= 0) {
		fprintf(stderr, "peers: %s did not start\n", path);
		abort();
	}
	fclose(f);
	return pid;
}

/* Stops a helper started by peer_start(). */
static inline void peer_stop(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
}

#endif
