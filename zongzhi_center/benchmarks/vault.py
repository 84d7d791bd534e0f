"""The cost of the personal-data vault and the request guards, as a township clerk would meet it: the case list,
a case read, a case save and the receipt print, through Frappe's WSGI application in this process, with the
vault and the guards on and off alternating in one run (same requests, same data).

	cd ~frappe/frappe-bench/sites && ../env/bin/python /path/to/zongzhi_center/benchmarks/vault.py --site <site> [-n 200]

"Off" replaces the hook functions with no-ops (hooks are looked up by dotted path on each call): no encryption
or masking on save, the print helper gives the stored column, no query whitelist or stored-record checks. It
creates a small centre tree, a clerk and 50 cases (two parties each) and deletes them afterwards.
"""

import argparse
import json
import statistics
import time

from zongzhi_center.benchmarks import require_test_site


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", required=True)
	parser.add_argument("--sites-path", default=".")
	parser.add_argument("-n", type=int, default=200)
	args = parser.parse_args()

	import frappe

	frappe.init(site=args.site, sites_path=args.sites_path)
	frappe.connect()
	require_test_site()
	frappe.set_user("Administrator")
	from zongzhi_center.permissions import guards, query, titles
	from zongzhi_center.services import bad_input, vault
	from zongzhi_center.tests.factories import (
		api_credentials,
		delete_committed,
		http,
		make_case,
		make_center_tree,
		make_user,
	)

	tree = make_center_tree()
	clerk = make_user(["ZZ Intake Clerk"], tree.town_a, with_api_key=True)
	cases = [make_case(tree.town_a, clerk).name for _ in range(50)]
	key = api_credentials(clerk)
	frappe.db.commit()

	switched = [
		(vault, "protect", lambda *a, **k: None),
		(vault, "reveal_field", lambda row, field, action="Print": row.get(field) or ""),
		(guards, "check_request", lambda *a, **k: None),
		(guards, "scrub_error_response", lambda *a, **k: None),
		(guards, "child_query_conditions", lambda *a, **k: ""),
		(guards, "check_stored_permission", lambda *a, **k: None),
		(query, "check_query_params", lambda *a, **k: None),
		(vault, "search_by_identity", lambda *a, **k: None),
		(titles, "drop_unreadable_link_titles", lambda *a, **k: None),
		(titles, "add_list_titles", lambda *a, **k: None),
		(bad_input, "check_values", lambda *a, **k: None),
	]
	originals = [(module, name, getattr(module, name)) for module, name, _off in switched]

	def switch(on: bool):
		for (module, name, original), (_m, _n, off) in zip(originals, switched, strict=True):
			setattr(module, name, original if on else off)

	def save(i):
		return (
			"PUT",
			f"/api/resource/ZZ Case/{cases[i % len(cases)]}",
			{"json": {"title": f"基准 {i}", "parties": saved_parties(cases[i % len(cases)])}},
		)

	def saved_parties(case):
		# what the desk sends back: every row as loaded, the first applicant's phone typed anew
		frappe.db.rollback()  # a fresh snapshot: the requests commit on their own connections
		doc = frappe.get_doc("ZZ Case", case).as_dict()
		rows = [
			{k: v for k, v in row.items() if not k.endswith("_enc") and not isinstance(v, (list, dict))}
			for row in doc["parties"]
		]
		rows[0]["phone"] = "139" + str(10_000_000 + len(rows[0]["name"]) * 7)[-8:]
		return json.loads(frappe.as_json(rows))

	calls = {
		"case list (client.get_list, 20 rows)": lambda i: (
			"GET",
			"/api/method/frappe.client.get_list",
			{
				"params": {
					"doctype": "ZZ Case",
					"fields": '["name", "title", "workflow_state"]',
					"limit_page_length": 20,
				}
			},
		),
		"case read (REST)": lambda i: ("GET", f"/api/resource/ZZ Case/{cases[i % len(cases)]}", {}),
		"case save (REST PUT, one phone typed)": save,
		"receipt print (get_html_and_style)": lambda i: (
			"GET",
			"/api/method/frappe.www.printview.get_html_and_style",
			{"params": {"doc": "ZZ Case", "name": cases[i % len(cases)], "print_format": "ZZ Case Receipt"}},
		),
	}
	results = []
	try:
		for label, make in calls.items():
			times = {True: [], False: []}
			for i in range(6):  # warm up
				method, path, kw = make(i)
				http(method, path, key, **kw)
			for i in range(args.n):
				on = i % 2 == 0
				switch(on)
				method, path, kw = make(i)
				began = time.perf_counter()
				status, body = http(method, path, key, **kw)
				times[on].append(time.perf_counter() - began)
				assert status == 200, (status, body[:300])
			switch(True)
			on_ms = statistics.median(times[True]) * 1000
			off_ms = statistics.median(times[False]) * 1000
			results.append((label, on_ms, off_ms))
			print(
				f"{label}: vault+guards on {on_ms:.2f} ms, off {off_ms:.2f} ms "
				f"(median of {args.n // 2}), ratio {on_ms / off_ms:.3f}",
				flush=True,
			)
	finally:
		switch(True)
		frappe.db.rollback()
		delete_committed(tree, [clerk])
		frappe.destroy()


if __name__ == "__main__":
	main()
