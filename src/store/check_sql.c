/* check_sql.c: the invariant queries of `offboard check`, in SQL that
 * SQLite and PostgreSQL both run unchanged, so both backends check the
 * same things with the same words. */
#include "store/check_sql.h"

const char *const store_check_sql[] = {
	"SELECT 'ledger transaction ' || txn_id || ' does not balance: postings sum to ' || SUM(amount_minor)"
	" FROM ledger_postings GROUP BY txn_id HAVING SUM(amount_minor) != 0",
	"SELECT 'ledger transaction ' || t.id || ' has no postings' FROM ledger_txns t"
	" WHERE NOT EXISTS (SELECT 1 FROM ledger_postings p WHERE p.txn_id = t.id)",
	"SELECT 'ledger transaction ' || p.txn_id || ' posts in ' || p.currency || ', not ' || t.currency"
	" FROM ledger_postings p JOIN ledger_txns t ON t.id = p.txn_id WHERE p.currency != t.currency",
	"SELECT 'balance ' || b.seller_id || '/' || b.account || ' is ' || b.amount_minor"
	" || ' but its postings sum to ' || COALESCE(SUM(p.amount_minor), 0) FROM balances b"
	" LEFT JOIN ledger_postings p ON p.seller_id = b.seller_id AND p.account = b.account"
	" AND p.currency = b.currency GROUP BY b.seller_id, b.account, b.currency"
	" HAVING b.amount_minor != COALESCE(SUM(p.amount_minor), 0)",
	"SELECT 'postings of ' || p.seller_id || '/' || p.account || ' have no balance row'"
	" FROM ledger_postings p LEFT JOIN balances b ON b.seller_id = p.seller_id"
	" AND b.account = p.account AND b.currency = p.currency WHERE b.seller_id IS NULL"
	" GROUP BY p.seller_id, p.account, p.currency",
	"SELECT 'seller ' || seller_id || ' has ' || SUM(amount_minor) || ' in payouts in flight but"
	" its requested or sent payouts total ' || (SELECT COALESCE(SUM(amount_minor), 0) FROM payouts"
	" WHERE payouts.seller_id = balances.seller_id AND status IN ('requested','sent'))"
	" FROM balances WHERE account = 'payouts_in_flight' GROUP BY seller_id"
	" HAVING SUM(amount_minor) != (SELECT COALESCE(SUM(amount_minor), 0) FROM payouts"
	" WHERE payouts.seller_id = balances.seller_id AND status IN ('requested','sent'))",
	"SELECT 'balance ' || seller_id || '/' || account || ' is negative: ' || amount_minor"
	" FROM balances WHERE amount_minor < 0 AND account IN ('seller_pending', 'seller_reserve',"
	" 'payouts_in_flight')",
	"SELECT 'order ' || id || ' is ' || status || ' without a delivery time' FROM orders"
	" WHERE status IN ('delivered','returned') AND delivered_at = 0",
	"SELECT 'order ' || o.id || ' is in ' || o.currency || ' but its marketplace in ' || m.currency"
	" FROM orders o JOIN sellers s ON s.id = o.seller_id JOIN marketplaces m ON m.id = s.marketplace_id"
	" WHERE o.currency != m.currency",
	"SELECT 'the return-window count of ' || seller_id || ' for day ' || day || ' is ' || c"
	" || ' but ' || n || ' delivered orders end their window that day' FROM (SELECT"
	" COALESCE(a.seller_id, b.seller_id) AS seller_id, COALESCE(a.day, b.day) AS day,"
	" COALESCE(a.orders, 0) AS c, COALESCE(b.n, 0) AS n FROM return_window_days a FULL OUTER JOIN"
	" (SELECT seller_id, return_window_ends_at / 86400 AS day, COUNT(*) AS n FROM orders"
	" WHERE status = 'delivered' GROUP BY seller_id, return_window_ends_at / 86400) b"
	" ON a.seller_id = b.seller_id AND a.day = b.day) x WHERE c != n",
	"SELECT 'dispute ' || id || ' is closed without a closing time' FROM disputes"
	" WHERE status = 'closed' AND closed_at = 0",
};

const size_t store_check_sql_count = sizeof(store_check_sql) / sizeof(store_check_sql[0]);
