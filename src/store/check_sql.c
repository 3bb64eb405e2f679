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
	/* the readiness counters (migration 10) against a real count, for every
	 * seller and every counters row: each figure that differs is named */
	"SELECT 'the readiness counters of seller ' || seller_id || ' disagree with its rows:'"
	" || CASE WHEN c1 != n1 THEN ' open_orders ' || c1 || ' (counted ' || n1 || ')' ELSE '' END"
	" || CASE WHEN c2 != n2 THEN ' open_disputes ' || c2 || ' (counted ' || n2 || ')' ELSE '' END"
	" || CASE WHEN c3 != n3 THEN ' open_disputes_minor ' || c3 || ' (counted ' || n3 || ')' ELSE '' END"
	" || CASE WHEN c4 != n4 THEN ' payouts_in_flight ' || c4 || ' (counted ' || n4 || ')' ELSE '' END"
	" || CASE WHEN c5 != n5 THEN ' payouts_in_flight_minor ' || c5 || ' (counted ' || n5 || ')' ELSE '' END"
	" || CASE WHEN c6 != n6 THEN ' fulfilment_units ' || c6 || ' (counted ' || n6 || ')' ELSE '' END"
	" || CASE WHEN c7 != n7 THEN ' fulfilment_skus ' || c7 || ' (counted ' || n7 || ')' ELSE '' END"
	" || CASE WHEN c8 != n8 THEN ' active_listings ' || c8 || ' (counted ' || n8 || ')' ELSE '' END"
	" || CASE WHEN c9 != n9 THEN ' active_services ' || c9 || ' (counted ' || n9 || ')' ELSE '' END"
	" || CASE WHEN c10 != n10 THEN ' active_services_minor ' || c10 || ' (counted ' || n10 || ')' ELSE '' END"
	" FROM (SELECT k.seller_id,"
	" COALESCE(c.open_orders, 0) AS c1, (SELECT COUNT(*) FROM orders o WHERE o.seller_id = k.seller_id"
	"  AND o.status IN ('pending','unshipped','shipped')) AS n1,"
	" COALESCE(c.open_disputes, 0) AS c2, (SELECT COUNT(*) FROM disputes d WHERE d.seller_id = k.seller_id"
	"  AND d.status = 'open') AS n2,"
	" COALESCE(c.open_disputes_minor, 0) AS c3, (SELECT COALESCE(SUM(d.amount_minor), 0) FROM disputes d"
	"  WHERE d.seller_id = k.seller_id AND d.status = 'open') AS n3,"
	" COALESCE(c.payouts_in_flight, 0) AS c4, (SELECT COUNT(*) FROM payouts p WHERE p.seller_id = k.seller_id"
	"  AND p.status IN ('requested','sent')) AS n4,"
	" COALESCE(c.payouts_in_flight_minor, 0) AS c5, (SELECT COALESCE(SUM(p.amount_minor), 0) FROM payouts p"
	"  WHERE p.seller_id = k.seller_id AND p.status IN ('requested','sent')) AS n5,"
	" COALESCE(c.fulfilment_units, 0) AS c6, (SELECT COALESCE(SUM(i.units), 0) FROM inventory i"
	"  WHERE i.seller_id = k.seller_id AND i.units > 0) AS n6,"
	" COALESCE(c.fulfilment_skus, 0) AS c7, (SELECT COUNT(*) FROM inventory i WHERE i.seller_id = k.seller_id"
	"  AND i.units > 0) AS n7,"
	" COALESCE(c.active_listings, 0) AS c8, (SELECT COUNT(*) FROM listings l WHERE l.seller_id = k.seller_id"
	"  AND l.status = 'active') AS n8,"
	" COALESCE(c.active_services, 0) AS c9, (SELECT COUNT(*) FROM services v WHERE v.seller_id = k.seller_id"
	"  AND v.active = 1) AS n9,"
	" COALESCE(c.active_services_minor, 0) AS c10, (SELECT COALESCE(SUM(v.monthly_fee_minor), 0) FROM services v"
	"  WHERE v.seller_id = k.seller_id AND v.active = 1) AS n10"
	" FROM (SELECT id AS seller_id FROM sellers UNION SELECT seller_id FROM seller_counters) k"
	" LEFT JOIN seller_counters c ON c.seller_id = k.seller_id) x"
	" WHERE c1 != n1 OR c2 != n2 OR c3 != n3 OR c4 != n4 OR c5 != n5 OR c6 != n6 OR c7 != n7"
	" OR c8 != n8 OR c9 != n9 OR c10 != n10",
};

const size_t store_check_sql_count = sizeof(store_check_sql) / sizeof(store_check_sql[0]);
