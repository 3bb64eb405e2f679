/* server.h: the HTTP server: one event loop per thread, each with its own
 * evhttp, database connection and SO_REUSEPORT listening socket on the
 * same port, so the kernel spreads connections across cores. */
#ifndef OB_SERVER_H
#define OB_SERVER_H

#include "core/config.h"

/* Serves until SIGINT or SIGTERM, then finishes the requests in hand and
 * returns 0; returns 1 (after logging why) when it cannot start. Prints
 * "listening on http://HOST:PORT" on stdout once it accepts connections. */
int server_run(const struct config *cfg);

#endif
