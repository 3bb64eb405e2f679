/* Exports: the store's export records and the reads an export makes (on
 * SQLite and PostgreSQL alike), the life of an export through its jobs,
 * and the encodings of the archive's files, read back with libzip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "facts.h"

#include "core/clock.h"
#include "domain/closure.h"
#include "domain/export.h"
#include "domain/jobs.h"
#include "domain/notify.h"
#include "domain/order.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

static char dir[64];

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/offboard-export-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	export_init(dir);
	notify_init(&(struct notify_settings){ .data_dir = dir });   /* e-mails as files there */
	*state = testdb_open();
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	store_close(*state);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct export new_export(const char *id, const char *seller, enum export_status status)
{
	struct export e;

	memset(&e, 0, sizeof(e));
	snprintf(e.id, sizeof(e.id), "%s", id);
	snprintf(e.seller_id, sizeof(e.seller_id), "%s", seller);
	snprintf(e.requested_by, sizeof(e.requested_by), "seller:%s", seller);
	e.status = status;
	e.created_at = e.updated_at = 1000;
	return e;
}

static void one_active_export_and_compare_and_set(void **state)
{
	struct store *st = *state;
	char a[ID_MAX], b[ID_MAX];
	struct export e = { 0 }, got, other;
	struct ob_err err;
	int64_t at = -1;

	facts_seller(st, "a@shop.example", a);
	facts_seller(st, "b@shop.example", b);
	e = new_export("exp_1", a, EXPORT_PENDING);
	assert_int_equal(store_export_insert(st, &e, &err), OB_OK);
	assert_int_equal(store_export_insert(st, &e, &err), OB_ECONFLICT);
	/* a second active export of the same seller is refused, another seller's is not */
	other = new_export("exp_2", a, EXPORT_RUNNING);
	assert_int_equal(store_export_insert(st, &other, &err), OB_ECONFLICT);
	other = new_export("exp_3", b, EXPORT_PENDING);
	assert_int_equal(store_export_insert(st, &other, &err), OB_OK);
	assert_int_equal(store_export_active(st, a, &got, &err), OB_OK);
	assert_string_equal(got.id, "exp_1");

	/* compare and set: the expected status must still be there */
	e.status = EXPORT_RUNNING;
	e.done = 5;
	e.total = 10;
	assert_int_equal(store_export_update(st, &e, EXPORT_READY, &err), OB_ECONFLICT);
	assert_int_equal(store_export_update(st, &e, EXPORT_PENDING, &err), OB_OK);
	assert_int_equal(store_export_get(st, "exp_1", &got, &err), OB_OK);
	assert_int_equal(got.status, EXPORT_RUNNING);
	assert_int_equal(got.done, 5);
	assert_string_equal(got.requested_by, e.requested_by);
	other = new_export("exp_9", a, EXPORT_RUNNING);
	assert_int_equal(store_export_update(st, &other, EXPORT_RUNNING, &err), OB_ENOTFOUND);

	assert_int_equal(store_export_last_completed(st, a, &at, &err), OB_OK);
	assert_int_equal(at, 0);
	e.status = EXPORT_READY;
	e.completed_at = 5000;
	assert_int_equal(store_export_update(st, &e, EXPORT_RUNNING, &err), OB_OK);
	assert_int_equal(store_export_active(st, a, &got, &err), OB_ENOTFOUND);
	assert_int_equal(store_export_last_completed(st, a, &at, &err), OB_OK);
	assert_int_equal(at, 5000);
	/* with the first one finished, a new one may start */
	other = new_export("exp_4", a, EXPORT_PENDING);
	assert_int_equal(store_export_insert(st, &other, &err), OB_OK);
}

/* An order of seller with n items, placed at t. */
static void order_with_items(struct store *st, const char *seller, const char *id, int64_t t, int n)
{
	struct order_input in = { .id = id, .seller_id = seller, .status = "unshipped", .total_minor = 100,
				  .currency = "USD", .buyer_name = "B", .ship_address = "A" };
	char when[32];
	struct order o;
	struct ob_err err;

	clock_format(t, when, sizeof(when));
	in.placed_at = when;
	for (int i = 0; i < n; i++)
		in.items[i] = (struct order_item_input){ .sku = "S", .title = "T", .quantity = i + 1,
							 .unit_price_minor = 10 };
	in.nitems = (size_t)n;
	assert_int_equal(order_create(st, &in, &o, &err), OB_OK);
}

static void items_and_closures_page_by_keyset(void **state)
{
	struct store *st = *state;
	char a[ID_MAX], b[ID_MAX], after[ID_MAX] = "";
	struct order_item_row page[3];
	struct export_counts c;
	struct closure cl, cpage[2];
	struct ob_err err;
	const char *want[][2] = { { "o-4", "1" }, { "o-3", "1" }, { "o-3", "2" }, { "o-3", "3" },
				  { "o-2", "1" }, { "o-2", "2" }, { "o-1", "1" } };
	size_t n, seen = 0;
	int64_t after_time = 0;
	int after_line = 0;

	facts_seller(st, "a@shop.example", a);
	facts_seller(st, "b@shop.example", b);
	/* two orders at the same second: their ids order them */
	order_with_items(st, a, "o-1", 1700000000, 1);
	order_with_items(st, a, "o-2", 1700000060, 2);
	order_with_items(st, a, "o-3", 1700000060, 3);
	order_with_items(st, a, "o-4", 1700000120, 1);
	order_with_items(st, b, "o-5", 1700000060, 4);
	for (;;) {
		assert_int_equal(store_order_items_page(st, a, after_time, after[0] ? after : NULL, after_line,
							page, 3, &n, &err), OB_OK);
		for (size_t i = 0; i < n; i++, seen++) {
			assert_true(seen < 7);
			assert_string_equal(page[i].item.order_id, want[seen][0]);
			assert_int_equal(page[i].item.line, atoi(want[seen][1]));
			assert_string_equal(page[i].currency, "USD");
		}
		if (n < 3)
			break;
		after_time = page[n - 1].placed_at;
		after_line = page[n - 1].item.line;
		snprintf(after, sizeof(after), "%s", page[n - 1].item.order_id);
	}
	assert_int_equal(seen, 7);
	assert_int_equal(store_export_counts(st, a, &c, &err), OB_OK);
	assert_int_equal(c.orders, 4);
	assert_int_equal(c.order_items, 7);
	assert_int_equal(c.listings, 0);

	/* closures: the seller's own, newest first, by keyset */
	for (int i = 0; i < 3; i++) {
		memset(&cl, 0, sizeof(cl));
		snprintf(cl.id, sizeof(cl.id), "clo_%d", i);
		snprintf(cl.seller_id, sizeof(cl.seller_id), "%s", i == 2 ? b : a);
		snprintf(cl.reason, sizeof(cl.reason), "other");
		snprintf(cl.policy, sizeof(cl.policy), "default");
		snprintf(cl.token_hash, sizeof(cl.token_hash), "hash%d", i);
		cl.status = CLOSURE_CANCELLED;
		cl.requested_at = 100 + i;
		assert_int_equal(store_closure_insert(st, &cl, &err), OB_OK);
	}
	assert_int_equal(store_closures_of_seller(st, a, 0, NULL, cpage, 1, &n, &err), OB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(cpage[0].id, "clo_1");
	assert_string_equal(cpage[0].token_hash, "");   /* never read */
	assert_int_equal(store_closures_of_seller(st, a, 101, "clo_1", cpage, 2, &n, &err), OB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(cpage[0].id, "clo_0");
}

static void job_leases_renew_for_their_owner_only(void **state)
{
	struct store *st = *state;
	struct job j;
	struct ob_err err;

	assert_int_equal(jobs_schedule(st, "export_build", "export:x", "x", 100, &err), OB_OK);
	assert_int_equal(store_job_claim(st, 100, "me", 400, &j, &err), OB_OK);
	assert_int_equal(store_job_renew(st, j.id, "me", 900, &err), OB_OK);
	assert_int_equal(store_job_renew(st, j.id, "someone", 900, &err), OB_ECONFLICT);
	/* renewed: not taken over at 500 */
	assert_int_equal(store_job_claim(st, 500, "other", 800, &j, &err), OB_ENOTFOUND);
	assert_int_equal(store_job_claim(st, 901, "other", 1200, &j, &err), OB_OK);
	assert_int_equal(store_job_renew(st, j.id, "me", 2000, &err), OB_ECONFLICT);
}

static int run_jobs(struct store *st, int64_t now)
{
	struct ob_err err;
	int ran = 0;

	assert_int_equal(jobs_run_due(st, now, "test", 0, 0, &ran, &err), OB_OK);
	return ran;
}

static int warns_no_recent_export(struct store *st, const char *seller)
{
	struct readiness r;
	struct ob_err err;

	assert_int_equal(closure_readiness(st, seller, clock_now(), &r, &err), OB_OK);
	for (size_t i = 0; i < r.nitems; i++)
		if (strcmp(r.items[i].code, "no_recent_export") == 0) {
			assert_false(r.items[i].blocking);
			assert_string_equal(r.items[i].action_method, "POST");
			assert_string_equal(r.items[i].action_href, "/api/v1/account/exports");
			return 1;
		}
	return 0;
}

static void an_export_lives_and_expires(void **state)
{
	struct store *st = *state;
	char a[ID_MAX], b[ID_MAX], path[512];
	struct export e, again, got;
	struct ob_err err;
	struct stat sb;
	int created = 0, fd = -1;
	int64_t size = 0;

	facts_seller(st, "a@shop.example", a);
	facts_seller(st, "b@shop.example", b);
	order_with_items(st, a, "o-1", 1700000000, 2);
	assert_true(warns_no_recent_export(st, a));

	assert_int_equal(export_request(st, a, &e, &created, &err), OB_OK);
	assert_true(created);
	assert_int_equal(e.status, EXPORT_PENDING);
	/* asking again while it waits answers the same export */
	assert_int_equal(export_request(st, a, &again, &created, &err), OB_OK);
	assert_false(created);
	assert_string_equal(again.id, e.id);
	assert_int_equal(export_open(st, a, e.id, &fd, &size, &got, &err), OB_ECONFLICT);
	assert_string_equal(err.code, "export_not_ready");
	/* another seller's export is not there for b */
	assert_int_equal(export_get(st, b, e.id, &got, &err), OB_ENOTFOUND);
	assert_int_equal(export_open(st, b, e.id, &fd, &size, &got, &err), OB_ENOTFOUND);
	assert_int_equal(export_get(st, a, "../../etc/passwd", &got, &err), OB_ENOTFOUND);

	assert_true(run_jobs(st, clock_now()) >= 1);
	assert_int_equal(export_get(st, a, e.id, &got, &err), OB_OK);
	assert_int_equal(got.status, EXPORT_READY);
	assert_int_equal(export_percent(&got), 100);
	assert_true(got.done > 0 && got.done == got.total);
	assert_int_equal(got.attempts, 1);
	assert_false(warns_no_recent_export(st, a));
	export_path(e.id, path, sizeof(path));
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(got.size_bytes, sb.st_size);
	assert_int_equal(export_open(st, a, e.id, &fd, &size, &got, &err), OB_OK);
	assert_true(fd >= 0);
	assert_int_equal(size, sb.st_size);
	close(fd);
	/* done: a new request makes a new export */
	assert_int_equal(export_request(st, a, &again, &created, &err), OB_OK);
	assert_true(created);
	assert_string_not_equal(again.id, e.id);

	/* the expiry job deletes the file at expires_at, not before */
	run_jobs(st, got.expires_at - 10);
	assert_int_equal(stat(path, &sb), 0);
	run_jobs(st, got.expires_at + 1);
	assert_int_equal(stat(path, &sb), -1);
	assert_int_equal(export_get(st, a, e.id, &got, &err), OB_OK);
	assert_int_equal(got.status, EXPORT_EXPIRED);
	assert_true(got.deleted_at > 0);
	assert_int_equal(export_open(st, a, e.id, &fd, &size, &got, &err), OB_EGONE);
	assert_string_equal(err.code, "export_expired");
}

static void deleted_and_stuck_exports(void **state)
{
	struct store *st = *state;
	char a[ID_MAX], path[512];
	struct export e, got, next;
	struct ob_err err;
	struct stat sb;
	int created = 0, fd = -1;
	int64_t size = 0;

	facts_seller(st, "a@shop.example", a);
	assert_int_equal(export_request(st, a, &e, &created, &err), OB_OK);
	run_jobs(st, clock_now());
	export_path(e.id, path, sizeof(path));
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(export_delete(st, a, e.id, &got, &err), OB_OK);
	assert_int_equal(got.status, EXPORT_DELETED);
	assert_int_equal(stat(path, &sb), -1);
	assert_int_equal(export_open(st, a, e.id, &fd, &size, &got, &err), OB_EGONE);
	assert_string_equal(err.code, "export_deleted");
	assert_int_equal(export_delete(st, a, e.id, &got, &err), OB_EGONE);

	/* an export whose job is gone (done, dead) does not block the next one */
	assert_int_equal(export_request(st, a, &e, &created, &err), OB_OK);
	{
		char key[64];
		snprintf(key, sizeof(key), "export:%s", e.id);
		assert_int_equal(jobs_cancel(st, key, &err), OB_OK);
	}
	assert_int_equal(export_request(st, a, &next, &created, &err), OB_OK);
	assert_true(created);
	assert_string_not_equal(next.id, e.id);
	assert_int_equal(export_get(st, a, e.id, &got, &err), OB_OK);
	assert_int_equal(got.status, EXPORT_FAILED);

	/* an erased seller has no exports */
	assert_int_equal(store_seller_set_status(st, a, SELLER_PURGED, clock_now(), &err), OB_OK);
	assert_int_equal(export_get(st, a, next.id, &got, &err), OB_ENOTFOUND);
	assert_int_equal(export_request(st, a, &next, &created, &err), OB_ENOTFOUND);
}

/* The bytes of entry name of the archive at path (malloc'ed, NUL-ended). */
static char *entry(const char *path, const char *name, size_t *len)
{
	int zerr = 0;
	zip_t *z = zip_open(path, ZIP_RDONLY, &zerr);
	zip_stat_t sb;
	zip_file_t *f;
	char *buf;

	assert_non_null(z);
	assert_int_equal(zip_stat(z, name, 0, &sb), 0);
	buf = calloc(1, sb.size + 1);
	f = zip_fopen(z, name, 0);
	assert_non_null(f);
	assert_int_equal(zip_fread(f, buf, sb.size), (zip_int64_t)sb.size);
	zip_fclose(f);
	zip_close(z);
	*len = sb.size;
	return buf;
}

static void cells_are_encoded_for_spreadsheets_and_programs(void **state)
{
	struct store *st = *state;
	char a[ID_MAX], path[512];
	struct order o;
	struct ob_err err;
	char *csv, *jsonl;
	size_t n;
	int64_t rows = 0;

	facts_seller(st, "a@shop.example", a);
	/* straight to the store: what validation would refuse must still
	 * come out as valid files (control characters, broken UTF-8) */
	memset(&o, 0, sizeof(o));
	snprintf(o.id, sizeof(o.id), "o-1");
	snprintf(o.seller_id, sizeof(o.seller_id), "%s", a);
	snprintf(o.currency, sizeof(o.currency), "USD");
	snprintf(o.buyer_name, sizeof(o.buyer_name), "=HYPERLINK(\"http://x\",\"a, b\")");
	/* PostgreSQL itself refuses invalid UTF-8; SQLite stores what it gets */
	snprintf(o.ship_address, sizeof(o.ship_address), "1 Main St\r\n\"Apt\" 2\x01 %s end",
		 testpg_on() ? "\xef\xbf\xbd" : "\xff");
	o.status = ORDER_DELIVERED;
	o.total_minor = -1234;
	o.placed_at = o.created_at = o.updated_at = 1700000000;
	o.delivered_at = 951782400;   /* 2000-02-29 */
	assert_int_equal(store_order_insert(st, &o, &err), OB_OK);
	snprintf(o.id, sizeof(o.id), "o-2");
	snprintf(o.buyer_name, sizeof(o.buyer_name), "\tTab");
	snprintf(o.ship_address, sizeof(o.ship_address), "Zo\xc3\xab \xf0\x9f\x98\x80 \xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d");
	o.total_minor = 5;
	o.delivered_at = 0;
	assert_int_equal(store_order_insert(st, &o, &err), OB_OK);

	snprintf(path, sizeof(path), "%s/a.zip", dir);
	assert_int_equal(export_build(st, a, path, dir, NULL, NULL, &rows, &err), OB_OK);
	assert_true(rows >= 2);
	csv = entry(path, "orders.csv", &n);
	assert_memory_equal(csv, "\xef\xbb\xbfid,status,total,currency,", 28);
	assert_non_null(strstr(csv, ",delivered,-12.34,USD,\"'=HYPERLINK(\"\"http://x\"\",\"\"a, b\"\")\","
				    "\"1 Main St\r\n\"\"Apt\"\" 2\x01 \xef\xbf\xbd end\",2023-11-14T22:13:20Z,"
				    "2000-02-29T00:00:00Z,"));
	assert_non_null(strstr(csv, ",0.05,USD,'\tTab,Zo\xc3\xab \xf0\x9f\x98\x80 \xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d,"
				    "2023-11-14T22:13:20Z,,,"));
	jsonl = entry(path, "orders.jsonl", &n);
	assert_non_null(strstr(jsonl, "\"buyer_name\":\"=HYPERLINK(\\\"http://x\\\",\\\"a, b\\\")\","
				      "\"ship_address\":\"1 Main St\\r\\n\\\"Apt\\\" 2\\u0001 \xef\xbf\xbd end\""));
	assert_non_null(strstr(jsonl, "\"total\":\"0.05\""));
	assert_non_null(strstr(jsonl, "\"delivered_at\":null"));
	free(csv);
	free(jsonl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(one_active_export_and_compare_and_set, setup, teardown),
		cmocka_unit_test_setup_teardown(items_and_closures_page_by_keyset, setup, teardown),
		cmocka_unit_test_setup_teardown(job_leases_renew_for_their_owner_only, setup, teardown),
		cmocka_unit_test_setup_teardown(an_export_lives_and_expires, setup, teardown),
		cmocka_unit_test_setup_teardown(deleted_and_stuck_exports, setup, teardown),
		cmocka_unit_test_setup_teardown(cells_are_encoded_for_spreadsheets_and_programs, setup, teardown),
	};

	if (crypto_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
