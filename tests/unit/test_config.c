/* Settings: defaults, then environment, then flags; every bad value stops
 * with one line naming the setting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/config.h"

#include <stdlib.h>
#include <string.h>

static int load(struct config *cfg, char *err, int argc, char **argv)
{
	return config_load(cfg, CFG_DB | CFG_SERVE, argc, argv, NULL, 0, err, 256);
}

static void defaults_env_flags(void **state)
{
	struct config cfg;
	char err[256];
	char *argv[] = { "--listen", "0.0.0.0:9000", "--max-body=2048" };

	(void)state;
	unsetenv("OFFBOARD_DB");
	assert_int_equal(load(&cfg, err, 0, NULL), 0);
	assert_string_equal(cfg.db, "sqlite:./offboard.db");
	assert_string_equal(cfg.listen_host, "127.0.0.1");
	assert_int_equal(cfg.listen_port, 8080);
	assert_int_equal(cfg.max_body, 1048576);

	setenv("OFFBOARD_DB", "sqlite:/tmp/x.db", 1);
	setenv("OFFBOARD_LISTEN", "127.0.0.1:7000", 1);
	assert_int_equal(load(&cfg, err, 3, argv), 0);
	assert_string_equal(cfg.db, "sqlite:/tmp/x.db");
	assert_string_equal(cfg.listen_host, "0.0.0.0");  /* the flag beats the variable */
	assert_int_equal(cfg.listen_port, 9000);
	assert_int_equal(cfg.max_body, 2048);
	unsetenv("OFFBOARD_DB");
	unsetenv("OFFBOARD_LISTEN");
}

static void bad_values_name_the_setting(void **state)
{
	static const struct { const char *arg, *value, *mentions; } v[] = {
		{ "--listen", "nohostport", "--listen" },
		{ "--listen", "127.0.0.1:70000", "--listen" },
		{ "--max-body", "12k", "--max-body" },
		{ "--max-body", "10", "--max-body" },
		{ "--db", "mysql://x", "--db" },
		{ "--cookie-secure", "maybe", "--cookie-secure" },
		{ "--log-level", "loud", "--log-level" },
		{ "--no-such", "1", "--no-such" },
	};
	struct config cfg;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char *argv[] = { (char *)v[i].arg, (char *)v[i].value };
		assert_int_equal(load(&cfg, err, 2, argv), -1);
		assert_non_null(strstr(err, v[i].mentions));
		assert_null(strchr(err, '\n'));
	}
	setenv("OFFBOARD_THREADS", "many", 1);
	assert_int_equal(load(&cfg, err, 0, NULL), -1);
	assert_non_null(strstr(err, "OFFBOARD_THREADS"));
	unsetenv("OFFBOARD_THREADS");
}

static void help_and_command_flags(void **state)
{
	struct config cfg;
	char err[256];
	const char *name = NULL;
	const struct config_flag flags[] = { { "name", "a name", &name } };
	char *argv[] = { "--name", "ci", "--db", "sqlite:a.db" };
	char *help[] = { "--help" };

	(void)state;
	assert_int_equal(config_load(&cfg, CFG_DB, 4, argv, flags, 1, err, sizeof(err)), 0);
	assert_string_equal(name, "ci");
	assert_int_equal(config_load(&cfg, CFG_DB, 1, help, flags, 1, err, sizeof(err)), 1);
	/* serve-only settings are unknown to a database-only command */
	char *listen[] = { "--listen", "1.2.3.4:5" };
	assert_int_equal(config_load(&cfg, CFG_DB, 2, listen, NULL, 0, err, sizeof(err)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_env_flags),
		cmocka_unit_test(bad_values_name_the_setting),
		cmocka_unit_test(help_and_command_flags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
