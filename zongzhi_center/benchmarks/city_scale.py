"""A city's data for the side-by-side benchmarks (`side_by_side.py`): N generated cases and as many ToDos,
a third of each visible to the restricted users, on a site made for tests. Run on a bench:

	bench --site <bench site> execute zongzhi_center.benchmarks.city_scale.setup --kwargs "{'n': 1000000}"
	bench --site <bench site> execute zongzhi_center.benchmarks.city_scale.cleanup

The cases are those of `reports.py` (bulk insert, no controllers: centres, sources, states, outcomes, risk
colours and two years of receipt, with history, visits and leads), kept after the run. The ToDos are bulk
inserted too, one in three allocated to the township clerk, so that Frappe's own list and count of a
restricted user meet the same share of a table of the same size as the app's case list does.

`setup` prints (and keeps in the site's private files as city_scale.json) what `side_by_side.py` needs:
the API credentials of the township clerk and of a sister system, and a case's public tracking token.
"""

import json
import random
import time
from datetime import datetime, timedelta

import frappe

from zongzhi_center.benchmarks import reports, require_test_site
from zongzhi_center.tests.factories import make_user

TODO_COLUMNS = [
	"name", "creation", "modified", "owner", "modified_by", "docstatus", "idx", "status", "priority",
	"date", "allocated_to", "description", "assigned_by",
]  # fmt: skip
MARKER = reports.MARKER


def setup(n: int = 1_000_000, todos: int | None = None) -> dict:
	require_test_site()
	frappe.set_user("Administrator")
	reports.ensure_indexes()
	world = reports.existing_world()
	if not world:
		world = reports.build_world()
		frappe.db.commit()
		began = time.perf_counter()
		reports.generate(n, world)
		print(f"generated {n:,} cases in {time.perf_counter() - began:.0f} s")
	if not frappe.db.sql("select 1 from `tabToDo` where name like %s limit 1", (f"{MARKER}%",)):
		began = time.perf_counter()
		generate_todos(todos or n, world)
		print(f"generated {todos or n:,} ToDos in {time.perf_counter() - began:.0f} s")
	frappe.db.sql("analyze table `tabZZ Case`, `tabToDo`")
	# every request of the benchmark comes from one address: the page's per-address limit is still checked on
	# each request, and refuses none
	frappe.db.set_single_value("ZZ Settings", "tracking_requests_per_minute", 10_000_000)
	answer = {
		"clerk": credentials(world.clerk),
		"integration": credentials(integration_user(world)),
		"token": tracking_token(),
		"site": frappe.local.site,
	}
	with open(frappe.get_site_path("private", "city_scale.json"), "w") as f:
		json.dump(answer, f)
	frappe.db.commit()
	print(json.dumps(answer))
	return answer


def generate_todos(n: int, world) -> None:
	rng = random.Random(2027)
	now = datetime.now().replace(microsecond=0)
	others = [world.director, world.grid_worker]
	sql = reports.insert_sql("tabToDo", TODO_COLUMNS)
	rows = []
	for i in range(n):
		at = now - timedelta(minutes=rng.randrange(730 * 24 * 60))
		user = world.clerk if i % 3 == 0 else others[i % 2]
		rows.append(
			(f"{MARKER}t{i:08d}", at, at, "Administrator", "Administrator", 0, 0,
			 rng.choice(["Open", "Open", "Closed"]), "Medium", at.date(), user, f"{MARKER} 待办 {i}",
			 "Administrator")
		)  # fmt: skip
		if len(rows) == reports.BATCH:
			frappe.db._cursor.executemany(sql, rows)
			rows = []
	if rows:
		frappe.db._cursor.executemany(sql, rows)
	frappe.db.commit()


def credentials(user: str) -> str:
	doc = frappe.get_doc("User", user)
	if not doc.api_key:
		doc.api_key = frappe.generate_hash(length=15)
	secret = frappe.generate_hash(length=15)
	doc.api_secret = secret
	doc.save(ignore_permissions=True)
	return f"{doc.api_key}:{secret}"


def integration_user(world) -> str:
	"""A sister system of the county (the 12345 hotline) that submits cases to it."""
	user = frappe.db.get_value("ZZ Sister System", f"{MARKER}12345", "user")
	if user:
		return user
	user = make_user(["ZZ Integration"], world.county)
	frappe.get_doc(
		{
			"doctype": "ZZ Sister System",
			"system_code": f"{MARKER}12345",
			"system_name": "12345热线（基准测试）",
			"user": user,
			"default_center": world.county,
			"source": "Government Source",
			"channel": "12345 Hotline",
		}
	).insert(ignore_permissions=True)
	return user


def tracking_token() -> str:
	"""Generated cases carry no token: the public page is measured on one case made by the controller."""
	from zongzhi_center.tests.factories import make_case

	world = reports.existing_world()
	center = frappe.db.get_value("User Permission", {"user": world.clerk, "allow": "ZZ Center"}, "for_value")
	made = frappe.db.get_value(
		"ZZ Case", {"receiving_center": center, "tracking_token": ["is", "set"]}, "tracking_token"
	)
	return made or make_case(center).tracking_token


def forget_runs() -> dict:
	"""The cases and ToDos that earlier benchmark runs wrote (intakes: external ids "bench-…"; ToDos:
	descriptions "bench …"), removed so that both sides of the next run start from the generated data alone.
	Left in place they are the newest rows: the intakes all at the sister system's county centre, which the
	township clerk does not see, and the ToDos all the clerk's own, so each list's newest-first scan would
	meet a different share of rows the clerk may read. Bulk deletes (a test site's benchmark rows, no
	controllers); the kept case counts are rebuilt after.

		bench --site <bench site> execute zongzhi_center.benchmarks.city_scale.forget_runs
	"""
	from zongzhi_center.services import case_count

	require_test_site()
	removed = {"cases": 0, "todos": 0}
	tables = [df.options for df in frappe.get_meta("ZZ Case").get_table_fields()]
	while True:
		names = frappe.db.sql(
			"select name from `tabZZ Case` where external_id like 'bench-%%' limit 2000", pluck=True
		)
		if not names:
			break
		for table in tables:
			frappe.db.delete(table, {"parenttype": "ZZ Case", "parent": ["in", names]})
		frappe.db.delete("ZZ Outbox", {"reference_doctype": "ZZ Case", "reference_name": ["in", names]})
		frappe.db.delete("DocShare", {"share_doctype": "ZZ Case", "share_name": ["in", names]})
		frappe.db.delete("ZZ Case", {"name": ["in", names]})
		frappe.db.commit()
		removed["cases"] += len(names)
	while True:
		frappe.db.sql("delete from `tabToDo` where description like 'bench %%' limit 50000")
		deleted = frappe.db._cursor.rowcount
		frappe.db.commit()
		removed["todos"] += deleted
		if not deleted:
			break
	case_count.rebuild()
	frappe.db.commit()
	print(removed)
	return removed


def cleanup() -> None:
	require_test_site()
	frappe.set_user("Administrator")
	while True:
		frappe.db.sql("delete from `tabToDo` where name like %s limit 50000", (f"{MARKER}%",))
		deleted = frappe.db._cursor.rowcount
		frappe.db.commit()
		if not deleted:
			break
	# the cases made through the controller (the tracking page's, the intake benchmark's) and the sister system
	for name in frappe.get_all(
		"ZZ Case",
		filters={"receiving_center": ["like", f"{MARKER}%"], "name": ["not like", f"{MARKER}%"]},
		pluck="name",
	):
		frappe.delete_doc("ZZ Case", name, force=True, ignore_permissions=True)
	if frappe.db.exists("ZZ Sister System", f"{MARKER}12345"):
		frappe.delete_doc("ZZ Sister System", f"{MARKER}12345", force=True, ignore_permissions=True)
	frappe.db.commit()
	reports.cleanup()
