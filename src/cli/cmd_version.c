#include "cli/cli.h"

#include <event2/event.h>
#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#ifndef OFFBOARD_VERSION
#define OFFBOARD_VERSION "0.0.0"
#endif

int cmd_version(int argc, char **argv)
{
	if (argc > 0 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
		puts("usage: offboard version\n\nPrints the version of offboard and of its libraries.");
		return 0;
	}
	if (argc > 0) {
		fprintf(stderr, "offboard: version takes no arguments\n");
		return 2;
	}
	printf("offboard %s\nlibevent %s, jansson %s, sqlite %s, libsodium %s\n", OFFBOARD_VERSION,
	       event_get_version(), jansson_version_str(), sqlite3_libversion(),
	       sodium_version_string());
	return 0;
}
