# bench/orders.awk: a deterministic JSON Lines file for `offboard import`:
# one marketplace, one seller, then N order records of that seller.
#   awk -v n=1000000 -f bench/orders.awk > orders.jsonl
# Orders are placed every 30 s from 2024-01-01T00:00:00Z on (so all in the
# past); 70 % delivered, the rest spread over the other statuses; delivered,
# refunded and returned orders were delivered 3 days after they were placed.
# No items: the benchmark compares the orders table alone.

# days since 1970-01-01 -> "YYYY-MM-DD" (H. Hinnant's civil_from_days)
function civil(z,    era, doe, yoe, y, doy, mp, d, m) {
	z += 719468
	era = int(z / 146097)
	doe = z - era * 146097
	yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
	y = yoe + era * 400
	doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
	mp = int((5 * doy + 2) / 153)
	d = doy - int((153 * mp + 2) / 5) + 1
	m = mp < 10 ? mp + 3 : mp - 9
	return sprintf("%04d-%02d-%02d", y + (m <= 2), m, d)
}

# seconds since the epoch -> RFC 3339 in UTC
function rfc3339(t,    days, s) {
	days = int(t / 86400)
	s = t - days * 86400
	return sprintf("%sT%02d:%02d:%02dZ", civil(days), int(s / 3600), int(s % 3600 / 60), s % 60)
}

BEGIN {
	if (n == "") n = 1000000
	split("Olivia Liam Emma Noah Ava Oliver Sophia Elijah Isabella James Mia William Amelia Lucas Harper Henry", first, " ")
	split("Smith Johnson Williams Brown Jones Garcia Miller Davis Wilson Anderson Taylor Moore Lee Patel Kim Young Scott", last, " ")
	split("Main Street|Oak Avenue|Maple Drive|Cedar Lane|Elm Street|Pine Road|Park Place|River Road|Mill Lane|Spring Street|Willow Way", street, "|")
	split("Portland, OR 97205|Austin, TX 78701|Denver, CO 80202|Columbus, OH 43215|Raleigh, NC 27601|Madison, WI 53703|Boise, ID 83702", city, "|")
	# 20 slots: 14 delivered, one each of the other six statuses
	split("delivered delivered delivered delivered delivered delivered delivered shipped delivered unshipped delivered delivered pending delivered cancelled delivered delivered refunded delivered returned", status, " ")
	base = 1704067200   # 2024-01-01T00:00:00Z

	print "{\"record\":\"marketplace\",\"id\":\"bench-import\",\"name\":\"Bench Import Marketplace\",\"currency\":\"USD\"}"
	print "{\"record\":\"seller\",\"id\":\"s-bench-import\",\"email\":\"import-seller@bench.example\",\"password\":\"bench-password-0123456789\",\"display_name\":\"Import Seller\",\"marketplace\":\"bench-import\"}"
	for (i = 1; i <= n; i++) {
		st = status[(i % 20) + 1]
		placed = base + i * 30
		delivered = ""
		if (st == "delivered" || st == "refunded" || st == "returned")
			delivered = ",\"delivered_at\":\"" rfc3339(placed + 3 * 86400) "\""
		printf "{\"record\":\"order\",\"id\":\"o-%07d\",\"seller_id\":\"s-bench-import\",\"status\":\"%s\",\"total_minor\":%d,\"currency\":\"USD\",\"buyer_name\":\"%s %s\",\"ship_address\":\"%d %s, %s, US\",\"placed_at\":\"%s\"%s}\n", \
			i, st, 500 + (i * 7919) % 49500, first[(i % 16) + 1], last[(int(i / 16) % 17) + 1], \
			1 + (i * 31) % 9999, street[(i % 11) + 1], city[(int(i / 11) % 7) + 1], rfc3339(placed), delivered
	}
}
