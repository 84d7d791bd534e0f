"""The reports over many cases, against baselines measured in the same run. Run on a bench (it commits its
own data and deletes it afterwards):

	bench --site <site> execute zongzhi_center.benchmarks.reports.run --kwargs "{'n': 100000}"

It builds a county with three townships, villages and grids, a director of the county and a clerk of one
township, then bulk-inserts N cases (batches of 5,000 through the cursor's executemany: no controllers) spread
over centres, sources, channels, states, outcomes, risk colours and the last two years, with a state history
row for each resolution, N/10 follow-up visits and N/10 screening leads. Each report runs as the director
(the whole county) and as the township clerk (a third of it) through frappe.desk.query_report.run, the path
the desk takes; the best of three runs is printed next to two baselines: a bare ``select count(*)`` of the
cases, and a permission-checked ``frappe.get_list`` of 20 cases (the first page of the list view).

Every generated row carries the marker ``zzbench`` at the start of its name; ``cleanup()`` removes them
(it also runs at the end, and can be called alone after an interrupted run):

	bench --site <site> execute zongzhi_center.benchmarks.reports.cleanup
"""

import random
import time
from datetime import datetime, timedelta

import frappe
from frappe.desk.query_report import run as run_report
from frappe.utils import add_days, getdate, today

from zongzhi_center.benchmarks import require_test_site
from zongzhi_center.services import case_count
from zongzhi_center.setup.indexes import ensure_indexes
from zongzhi_center.tests.factories import (
	as_user,
	make_center,
	make_department,
	make_staff,
	make_user,
)

MARKER = "zzbench"
BATCH = 5000
REPORTS = [
	("ZZ Weekly Dispatch", {"group_by": "Centre", "from_date": -6}),
	("ZZ Weekly Dispatch", {"group_by": "Centre and Department", "from_date": -365}),
	("ZZ Monthly Supervision", {"from_date": -30}),
	("ZZ Mediation Success Rate", {"group_by": "Centre", "from_date": -365}),
	("ZZ Mediation Success Rate", {"group_by": "Mediator", "from_date": -365}),
	("ZZ Cases by Source", {"group_by": "Source", "from_date": -365}),
	("ZZ Cases by Source", {"group_by": "Channel"}),
	("ZZ Risk Colour Trend", {"interval": "Week"}),
	("ZZ Risk Colour Trend", {"interval": "Month"}),
	("ZZ Satisfaction", {"from_date": -365}),
	("ZZ Compensation and Recovery", {"from_date": -365}),
	("ZZ Screening Leads", {"from_date": -365}),
]
# state, weight, outcome
STATES = [
	("Registered", 4, None),
	("Accepted", 4, None),
	("Routed", 4, None),
	("In Mediation", 6, None),
	("In Consultation", 2, None),
	("Awaiting Party", 1, None),
	("Resolved", 8, "resolved"),
	("Follow-up", 8, "resolved"),
	("Closed", 30, "resolved"),
	("Archived", 20, "resolved"),
	("Unresolved", 3, "Unresolved"),
	("Referred to Court", 3, "Referred to Litigation"),
	("Not Accepted", 2, "Not Accepted"),
]
OPEN = {"Registered", "Accepted", "Routed", "In Mediation", "In Consultation", "Awaiting Party"}
SOURCES = [
	("Police Source", "110 Link", 20),
	("Government Source", "12345 Hotline", 25),
	("Litigation Source", "Court Referral", 10),
	("Petition Source", "Window", 25),
	("Grid and Online Source", "Grid Report", 20),
]
RISK = [("Green", 70), ("Yellow", 18), ("Orange", 9), ("Red", 3)]
CASE_COLUMNS = [
	"name", "creation", "modified", "modified_by", "owner", "docstatus", "idx", "title", "matter_type",
	"workflow_state", "risk_color", "facts", "category", "source", "channel", "receiving_center",
	"current_center", "tier", "handling_department", "assigned_mediator", "received_at", "accepted_at",
	"resolved_at", "due_date", "sla_status", "is_overdue", "outcome", "compensation_amount", "party_count",
]  # fmt: skip
HISTORY_COLUMNS = [
	"name", "creation", "modified", "modified_by", "owner", "docstatus", "idx", "parent", "parenttype",
	"parentfield", "state", "changed_at",
]  # fmt: skip


def run(n: int = 100_000, rounds: int = 3, keep: bool = False, reuse: bool = False):
	"""Generate, measure, clean up. keep=True leaves the data (for EXPLAIN); reuse=True measures the data a
	kept run left instead of generating it again; ``cleanup()`` removes it."""
	require_test_site()
	frappe.set_user("Administrator")
	ensure_indexes()  # what after_migrate creates, in case this site has not been migrated since
	world = existing_world() if reuse else None
	if not world:
		cleanup()
		world = build_world()
		frappe.db.commit()
	try:
		if not reuse:
			began = time.perf_counter()
			generate(n, world)
			print(f"generated {n:,} cases (+ history, visits, leads) in {time.perf_counter() - began:.1f} s")
		frappe.db.sql("analyze table `tabZZ Case`, `tabZZ Case State Change`")
		cases = frappe.db.sql("select count(*) from `tabZZ Case` where name like %s", (f"{MARKER}%",))[0][0]
		print(f"measuring over {cases:,} generated cases")
		measure(world, rounds)
	finally:
		if keep or reuse:
			print("kept the generated data: cleanup() removes it")
		else:
			cleanup()


def existing_world() -> frappe._dict | None:
	"""The centres and users of a kept run, found by the marker in the centres' names."""
	county = f"{MARKER}县"
	if not frappe.db.exists("ZZ Center", county):
		return None

	def user_of(center, role):
		# the county also has the sister system's user (city_scale.py): the one with the role
		users = frappe.get_all(
			"User Permission", filters={"allow": "ZZ Center", "for_value": center}, pluck="user"
		)
		return next((u for u in users if role in frappe.get_roles(u)), None)

	return frappe._dict(
		director=user_of(county, "ZZ Center Director"), clerk=user_of(f"{MARKER}镇0", "ZZ Intake Clerk")
	)


def measure(world, rounds: int):
	def best(fn):
		times = []
		for _ in range(rounds):
			began = time.perf_counter()
			fn()
			times.append(time.perf_counter() - began)
		return min(times)

	for who, user in (("director (county)", world.director), ("clerk (township A)", world.clerk)):
		with as_user(user):
			count = best(lambda: frappe.db.sql("select count(*) from `tabZZ Case`"))
			page = best(lambda: frappe.get_list("ZZ Case", fields=["name", "title"], limit_page_length=20))
			print(f"\n== as {who}")
			print(f"baseline select count(*): {count * 1000:.1f} ms; get_list 20 rows: {page * 1000:.1f} ms")
			print(f"{'report':<32} {'filters':<40} {'ms':>8} {'x count':>8} {'x page':>8}")
			for report, options in REPORTS:
				filters = dict(options)
				if "from_date" in filters:
					filters["from_date"] = str(add_days(today(), filters["from_date"]))
					filters["to_date"] = today()
				try:
					seconds = best(
						lambda r=report, f=filters: run_report(r, filters=f, ignore_prepared_report=True)
					)
				except frappe.PermissionError:  # a report not meant for this role
					frappe.clear_messages()
					print(f"{report:<32} {options!s:<40} {'refused':>8}")
					continue
				print(
					f"{report:<32} {options!s:<40} {seconds * 1000:8.1f} "
					f"{seconds / count:8.1f} {seconds / page:8.1f}"
				)


def build_world() -> frappe._dict:
	county = make_center("County", None, "430921", name=f"{MARKER}县")
	towns = [make_center("Township", county.name, f"43092110{i}", name=f"{MARKER}镇{i}") for i in range(3)]
	villages, grids = [], []
	for t, town in enumerate(towns):
		for v in range(3):
			village = make_center("Village", town.name, f"43092110{t}20{v}", name=f"{MARKER}村{t}{v}")
			villages.append(village.name)
			grids.append(make_center("Grid", village.name, name=f"{MARKER}网格{t}{v}").name)
	centers = [county.name] + [t.name for t in towns] + villages + grids
	departments = [make_department(county.name, department_type=kind) for kind in ("Police", "Court")]
	departments += [make_department(town.name) for town in towns]
	mediators = [make_staff(county.name, departments[0]) for _ in range(4)]
	categories = frappe.get_all("ZZ Case Category", filters={"is_group": 0}, pluck="name") or [None]
	return frappe._dict(
		county=county.name,
		centers=centers,
		levels={c: frappe.db.get_value("ZZ Center", c, "level") for c in centers},
		departments=departments,
		mediators=mediators,
		categories=categories,
		director=make_user(["ZZ Center Director"], county.name),
		clerk=make_user(["ZZ Intake Clerk"], towns[0].name),
		grid_worker=make_user(["ZZ Grid Worker"], grids[0]),
	)


def generate(n: int, world) -> None:
	rng = random.Random(2026)
	now = datetime.now().replace(microsecond=0)
	state_pick = [(s, o) for s, w, o in STATES for _ in range(w)]
	source_pick = [(s, c) for s, c, w in SOURCES for _ in range(w)]
	risk_pick = [c for c, w in RISK for _ in range(w)]
	cursor = frappe.db._cursor
	case_sql = insert_sql("tabZZ Case", CASE_COLUMNS)
	history_sql = insert_sql("tabZZ Case State Change", HISTORY_COLUMNS)
	cases, history = [], []
	for i in range(n):
		name = f"{MARKER}{i:08d}"
		received = now - timedelta(minutes=rng.randrange(730 * 24 * 60))
		state, outcome = rng.choice(state_pick)
		if outcome == "resolved":
			outcome = "Resolved by Agreement" if rng.random() < 0.6 else "Resolved"
		source, channel = rng.choice(source_pick)
		center = rng.choice(world.centers)
		accepted = received + timedelta(hours=rng.randrange(1, 48)) if state != "Registered" else None
		sla = ""
		if state in OPEN:
			sla = rng.choice(["On Track"] * 7 + ["Due Soon", "Overdue", "Overdue"])
		overdue = int(sla == "Overdue" or (not sla and rng.random() < 0.1))
		compensation = rng.randrange(1_000, 200_000) if outcome == "Resolved by Agreement" else 0
		is_resolved = outcome in ("Resolved by Agreement", "Resolved")
		resolved = received + timedelta(days=rng.randrange(1, 30)) if is_resolved else None
		cases.append(
			(
				name, received, received, "Administrator", "Administrator", 0, 0, f"{MARKER} 纠纷 {i}",
				"Dispute Mediation", state, rng.choice(risk_pick), "生成的基准测试案件。",
				rng.choice(world.categories), source, channel, center, center, world.levels[center],
				rng.choice(world.departments), rng.choice(world.mediators), received, accepted,
				resolved, received + timedelta(days=30), sla, overdue, outcome, compensation, 2,
			)
		)  # fmt: skip
		if is_resolved:
			history.append(
				(f"{name}h", resolved, resolved, "Administrator", "Administrator", 0, 1, name, "ZZ Case",
				 "state_history", "Resolved", resolved)
			)  # fmt: skip
		if len(cases) == BATCH:
			flush(cursor, case_sql, cases, history_sql, history)
	flush(cursor, case_sql, cases, history_sql, history)
	generate_visits_and_leads(n // 10, world, rng, now)
	case_count.rebuild()  # the cases went in without their controller: each centre's count again
	frappe.db.commit()


def generate_visits_and_leads(n: int, world, rng, now) -> None:
	cursor = frappe.db._cursor
	visit_sql = insert_sql(
		"tabZZ Follow-up Visit",
		[
			"name",
			"creation",
			"modified",
			"modified_by",
			"owner",
			"docstatus",
			"case",
			"center",
			"due_date",
			"status",
			"satisfaction",
			"reopen_requested",
		],
	)
	lead_sql = insert_sql(
		"tabZZ Screening Lead",
		[
			"name",
			"creation",
			"modified",
			"modified_by",
			"owner",
			"docstatus",
			"title",
			"center",
			"found_on",
			"status",
			"risk_level",
			"description",
		],
	)
	visits, leads = [], []
	for i in range(n):
		day = getdate(now - timedelta(days=rng.randrange(730)))
		center = rng.choice(world.centers)
		status = rng.choice(["Visited"] * 8 + ["Not Reached", "Visit Scheduled"])
		answer = rng.choice(["Satisfied"] * 7 + ["Basically Satisfied"] * 2 + ["Dissatisfied"])
		visits.append(
			(f"{MARKER}v{i:08d}", now, now, "Administrator", "Administrator", 0, f"{MARKER}{i:08d}", center,
			 day, status, answer if status == "Visited" else "", int(answer == "Dissatisfied"))
		)  # fmt: skip
		leads.append(
			(f"{MARKER}l{i:08d}", now, now, "Administrator", "Administrator", 0, f"{MARKER} 线索 {i}", center,
			 day, rng.choice(["Resolved"] * 9 + ["Open", "Converted"]), "Green", "网格巡查发现。")
		)  # fmt: skip
		if len(visits) == BATCH:
			flush(cursor, visit_sql, visits, lead_sql, leads)
	flush(cursor, visit_sql, visits, lead_sql, leads)


def insert_sql(table: str, columns: list[str]) -> str:
	return (
		f"insert into `{table}` ({', '.join(f'`{c}`' for c in columns)}) "
		f"values ({', '.join(['%s'] * len(columns))})"
	)


def flush(cursor, first_sql, first_rows, second_sql, second_rows) -> None:
	# executemany turns one INSERT … VALUES into multi-row inserts: the fast path for generated data
	if first_rows:
		cursor.executemany(first_sql, first_rows)
		first_rows.clear()
	if second_rows:
		cursor.executemany(second_sql, second_rows)
		second_rows.clear()
	frappe.db.commit()


def cleanup() -> None:
	"""Remove every generated row (names start with the marker) and the centres, departments, staff and
	users built for the run."""
	frappe.set_user("Administrator")
	frappe.db.rollback()
	for table, column in (
		("tabZZ Case State Change", "parent"),
		("tabZZ Follow-up Visit", "name"),
		("tabZZ Screening Lead", "name"),
		("tabZZ Case", "name"),
	):
		while True:
			frappe.db.sql(f"delete from `{table}` where `{column}` like %s limit 50000", (f"{MARKER}%",))
			deleted = frappe.db._cursor.rowcount
			frappe.db.commit()
			if not deleted:
				break
	case_count.rebuild()  # the cases went out without their controller
	frappe.db.commit()
	# get_all: the benchmark's own records, found by the marker in their centre's name
	centers = frappe.get_all(
		"ZZ Center", filters={"name": ["like", f"{MARKER}%"]}, pluck="name", order_by="lft desc"
	)
	if not centers:
		return
	users = frappe.get_all(
		"User Permission", filters={"allow": "ZZ Center", "for_value": ["in", centers]}, pluck="user"
	)
	for user in set(users):
		frappe.db.delete("User Permission", {"user": user})
		frappe.delete_doc("User", user, force=True, ignore_permissions=True, ignore_on_trash=True)
	for doctype in ("ZZ Stationed Staff", "ZZ Department"):
		for name in frappe.get_all(doctype, filters={"center": ["in", centers]}, pluck="name"):
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
	for center in centers:  # leaves first: a child's lft is greater than its parent's
		frappe.delete_doc("ZZ Center", center, force=True, ignore_permissions=True)
	frappe.db.commit()
