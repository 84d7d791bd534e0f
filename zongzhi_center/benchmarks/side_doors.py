"""The cost of the side-door guards: the case list (frappe.client.get_list) and the REST read of a case, through
Frappe's WSGI application in this process, with the guards on and off in one run, as a township clerk.

	cd ~frappe/frappe-bench/sites && ../env/bin/python /path/to/zongzhi_center/benchmarks/side_doors.py --site <site> [-n 300]

"Off" replaces the guards' hook functions with no-ops (hooks are looked up by dotted path on each call), so
both modes run the same requests on the same data; rounds alternate to spread drift. It creates a small
centre tree, a clerk and 50 cases, and deletes them afterwards.
"""

import argparse
import statistics
import time

from zongzhi_center.benchmarks import require_test_site


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", required=True)
	parser.add_argument("--sites-path", default=".")
	parser.add_argument("-n", type=int, default=300)
	args = parser.parse_args()

	import frappe

	frappe.init(site=args.site, sites_path=args.sites_path)
	frappe.connect()
	require_test_site()
	frappe.set_user("Administrator")
	from zongzhi_center.permissions import guards
	from zongzhi_center.tests.factories import (
		api_credentials,
		delete_committed,
		make_case,
		make_center_tree,
		make_user,
	)
	from zongzhi_center.tests.test_rest_api import request

	tree = make_center_tree()
	clerk = make_user(["ZZ Intake Clerk"], tree.town_a, with_api_key=True)
	cases = [make_case(tree.town_a, clerk).name for _ in range(50)]
	key = api_credentials(clerk)
	frappe.db.commit()

	originals = {
		name: getattr(guards, name)
		for name in (
			"check_request",
			"scrub_error_response",
			"child_query_conditions",
			"check_stored_permission",
		)
	}

	def switch(on: bool):
		for name, fn in originals.items():
			setattr(guards, name, fn if on else (lambda *a, **k: ""))

	calls = {
		"case list (client.get_list, 20 rows)": (
			"/api/method/frappe.client.get_list",
			{"doctype": "ZZ Case", "fields": '["name", "title", "workflow_state"]', "limit_page_length": 20},
		),
		"REST read of a case": (f"/api/resource/ZZ Case/{cases[0]}", None),
	}
	try:
		for label, (path, params) in calls.items():
			times = {True: [], False: []}
			for _ in range(10):  # warm up
				request("GET", path, key, params)
			for i in range(args.n):
				on = i % 2 == 0
				switch(on)
				began = time.perf_counter()
				status, _body = request("GET", path, key, params)
				times[on].append(time.perf_counter() - began)
				assert status == 200, (status, _body)
			switch(True)
			on_ms = statistics.median(times[True]) * 1000
			off_ms = statistics.median(times[False]) * 1000
			print(
				f"{label}: guards on {on_ms:.2f} ms, off {off_ms:.2f} ms (median of {args.n // 2}), "
				f"ratio {on_ms / off_ms:.3f}"
			)
	finally:
		switch(True)
		delete_committed(tree, [clerk])
		frappe.destroy()


if __name__ == "__main__":
	main()
