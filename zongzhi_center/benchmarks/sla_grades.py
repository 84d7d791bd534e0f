"""The deadline job over many open cases with a graded rule, against the per-document check of the same
cases in the same run. Run on a throwaway or test site (it commits its own data and deletes it after):

	bench --site <site> execute zongzhi_center.benchmarks.sla_grades.run --kwargs "{'n': 100000}"

N open cases (default 100,000), received over the last 40 days under a rule with due-soon, moderate and
serious grades, are written straight into the table as the job left them a quarter of an hour ago (status,
grade acted on, next check). Then it times:

- the scheduled run now: only the cases whose next check has come are looked at, documents loaded only
  for those that reach a new grade;
- a run looking at every running case from its row, as after a rule, calendar or setting changed;
- the baseline: what the job did before, per case load the document, refresh it and store it, measured
  on a sample and scaled to N.

On a site that holds other running cases (the city-scale site's generated ones, another benchmark's), the
runs are limited to the benchmark's cases (``cases=``), and the run over every case marks the benchmark's
cases as due for a check instead of marking the whole site for a recheck: every one of them is then read,
refreshed and written (its next check moves), as after a rule change that moves their deadlines.
"""

import cProfile
import pstats
import random
import time
from datetime import datetime, timedelta
from datetime import time as dtime

import frappe
from frappe.utils import getdate

from zongzhi_center.benchmarks import require_test_site
from zongzhi_center.services import rules, sla
from zongzhi_center.services import workflow_names as wn
from zongzhi_center.tests.factories import delete_committed, make_center_tree

PREFIX = "zzbench-grade-"


def run(n: int = 100000, sample: int = 500, seed: int = 7, profile: bool = False):
	require_test_site()
	frappe.set_user("Administrator")
	rng = random.Random(seed)
	tree = make_center_tree()
	category = frappe.get_doc(
		{
			"doctype": "ZZ Case Category",
			"category_name": f"{PREFIX}{frappe.generate_hash(length=6)}",
			"parent_zz_case_category": "全部类别",
			"is_group": 1,
		}
	).insert(ignore_permissions=True)
	rule = frappe.get_doc(
		{
			"doctype": "ZZ Deadline Rule",
			"rule_name": f"{PREFIX}{frappe.generate_hash(length=6)}",
			"category": category.name,
			"accept_value": 1,
			"accept_unit": "Working Days",
			"resolve_value": 10,
			"resolve_unit": "Working Days",
			"warn_before_days": 2,
			"moderate_after_days": 3,
			"serious_after_days": 8,
		}
	).insert(ignore_permissions=True)
	frappe.db.commit()
	# the new rule marked every running case for a recheck: on a site whose scheduler runs, the next run
	# would look at (and act on) every other running case of the site; the benchmark's rule applies to its
	# own cases only
	frappe.cache().delete_value(sla.RECHECK_KEY)
	rules.clear_cache()
	# just after the office closes, when the day's deadlines pass and grades change: the busiest run
	now = datetime.combine(getdate(), dtime(17, 31))
	try:
		began = time.perf_counter()
		names = insert_cases(n, tree, category.name, now - timedelta(minutes=15), rng)
		frappe.db.commit()
		print(f"open cases written: {len(names)} in {time.perf_counter() - began:.1f} s")

		# the benchmark's own rule marked every case for a recheck: the scheduler's run since did that
		frappe.cache().delete_value(sla.RECHECK_KEY)
		# a site holding other running cases (another benchmark's, a city's generated ones) keeps them as
		# they are: where some of them are due for a check at the benchmark's moment, the runs are limited
		# to the benchmark's cases; otherwise the runs are the scheduler's, which finds only the benchmark's
		scope = scope_of(names, now)
		profiler = cProfile.Profile() if profile else None
		began = time.perf_counter()
		if profiler:
			profiler.enable()
		counts = sla.update_open_cases(now=now, cases=scope)
		steady = time.perf_counter() - began
		if profiler:
			profiler.disable()
			pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
		print(f"scheduled run (next check come): {steady:.2f} s; {counts}")

		began = time.perf_counter()
		again = sla.update_open_cases(now=now, cases=scope_of(names, now))
		print(f"the same run again: {time.perf_counter() - began:.2f} s; {again}")

		if others_running():
			# every one of the benchmark's running cases looked at, as a recheck looks at every case
			began = time.perf_counter()
			frappe.db.sql(
				"""update `tabZZ Case` set sla_next_check = %s
				where name like %s and sla_status in %s""",
				(now, f"{PREFIX}%", sla.RUNNING),
			)
			frappe.db.commit()
			print(
				f"(one UPDATE of the same cases' next check, bare SQL: {time.perf_counter() - began:.1f} s)"
			)
		else:
			sla.recheck_all()
		profiler = cProfile.Profile() if profile else None
		began = time.perf_counter()
		if profiler:
			profiler.enable()
		full = sla.update_open_cases(now=now, cases=scope_of(names, now))
		everything = time.perf_counter() - began
		if profiler:
			profiler.disable()
			pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
		print(f"every running case from its row (after a rule change): {everything:.1f} s; {full}")

		picked = rng.sample(names, min(sample, len(names)))
		began = time.perf_counter()
		for name in picked:
			doc = frappe.get_doc("ZZ Case", name)
			sla.refresh(doc, now)
			doc.db_set({f: doc.get(f) for f in sla.DEADLINE_FIELDS}, update_modified=False)
			frappe.db.commit()
		per_case = (time.perf_counter() - began) / len(picked)
		baseline = per_case * len(names)
		print(
			f"baseline (get_doc + refresh + store + commit per case): {per_case * 1000:.1f} ms/case, "
			f"{baseline:.0f} s for {len(names)}"
		)
		print(f"ratio scheduled run / baseline: {steady / baseline:.4f}x")
		print(f"ratio every case from rows / baseline: {everything / baseline:.3f}x")
	finally:
		cleanup(tree, category.name, rule.name)


def others_running() -> bool:
	"""Whether the site holds running cases that are not the benchmark's."""
	return bool(
		frappe.db.sql(
			"select 1 from `tabZZ Case` where sla_status in %s and name not like %s limit 1",
			(sla.RUNNING, f"{PREFIX}%"),
		)
	)


def scope_of(names: list[str], now) -> list[str] | None:
	scope = names if others_due(now) else None
	print("run limited to the benchmark's cases" if scope else "run as the scheduler's (no other case due)")
	return scope


def others_due(now) -> bool:
	"""Whether running cases that are not the benchmark's are due for a check at ``now``."""
	return bool(
		frappe.db.sql(
			"""select 1 from `tabZZ Case` where sla_status in %s and sla_next_check <= %s
			and name not like %s limit 1""",
			(sla.RUNNING, now, f"{PREFIX}%"),
		)
	)


def insert_cases(n: int, tree, category: str, as_of, rng) -> list[str]:
	"""Cases as the job left them at ``as_of``: their rows computed by refresh(), stored in bulk."""
	state = wn.state("in_mediation")
	centers = [tree.town_a, tree.town_b, tree.county]
	columns = [
		"name",
		"creation",
		"modified",
		"owner",
		"modified_by",
		"docstatus",
		"idx",
		"case_number",
		"title",
		"matter_type",
		"workflow_state",
		"category",
		"tier",
		"receiving_center",
		"current_center",
		"first_receiver",
		"received_at",
		"accepted_at",
		"clock_started_at",
		*sla.DEADLINE_FIELDS,
	]
	sql = "insert into `tabZZ Case` ({}) values ({})".format(
		", ".join(f"`{c}`" for c in columns), ", ".join(["%s"] * len(columns))
	)
	names, batch = [], []
	for i in range(n):
		received = as_of - timedelta(minutes=rng.randrange(40 * 24 * 60))
		center = centers[i % 3]
		row = sla.CaseRow(
			name=f"{PREFIX}{i:07d}",
			creation=received,
			modified=received,
			owner="Administrator",
			modified_by="Administrator",
			docstatus=0,
			idx=0,
			case_number=f"BENCH-G{i:07d}",
			title=f"分级超期基准 {i}",
			matter_type="Legal Consultation",
			workflow_state=state,
			category=category,
			tier="County" if center == tree.county else "Township",
			receiving_center=center,
			current_center=center,
			first_receiver="Administrator",
			received_at=received,
			accepted_at=received + timedelta(hours=1),
			clock_started_at=received + timedelta(hours=1),
			pauses=[],
			is_overdue=0,
			approved_extension_days=0,
		)
		sla.refresh(row, as_of)
		row.overdue_grade_notified = row.overdue_grade  # acted on by the run a quarter of an hour ago
		row.sla_next_check = sla.grading_next_check(row, sla.rule_for(row), as_of)
		batch.append([row.get(c) for c in columns])
		names.append(row.name)
		if len(batch) == 5000:
			frappe.db._cursor.executemany(sql, batch)
			batch = []
	if batch:
		frappe.db._cursor.executemany(sql, batch)
	return names


def cleanup(tree, category: str, rule: str):
	"""Delete by name, in small transactions: ranges would lock what other sessions insert meanwhile."""
	frappe.db.rollback()
	names = frappe.get_all("ZZ Case", filters={"name": ["like", f"{PREFIX}%"]}, pluck="name")
	for begin in range(0, len(names), 1000):
		chunk = names[begin : begin + 1000]
		for doctype, field in (
			("Notification Log", "document_name"),
			("Comment", "reference_name"),
			("ZZ Supervision Case", "case"),
			("ZZ Case", "name"),
		):
			frappe.db.delete(doctype, {field: ["in", chunk]})
		frappe.db.commit()
	frappe.delete_doc("ZZ Deadline Rule", rule, force=True, ignore_permissions=True)
	frappe.delete_doc("ZZ Case Category", category, force=True, ignore_permissions=True)
	# kept before delete_committed, which begins by rolling back
	frappe.db.commit()
	delete_committed(tree, [])
	frappe.cache().delete_value(sla.RECHECK_KEY)
	rules.clear_cache()
	frappe.db.commit()


def remove_leftovers():
	"""After an interrupted run: its cases, rules and categories (its centres are named like any test's)."""
	frappe.set_user("Administrator")
	names = frappe.get_all("ZZ Case", filters={"name": ["like", f"{PREFIX}%"]}, pluck="name")
	for begin in range(0, len(names), 1000):
		frappe.db.delete("ZZ Case", {"name": ["in", names[begin : begin + 1000]]})
		frappe.db.commit()
	for doctype in ("ZZ Deadline Rule", "ZZ Case Category"):
		for name in frappe.get_all(doctype, filters={"name": ["like", f"{PREFIX}%"]}, pluck="name"):
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
	frappe.cache().delete_value(sla.RECHECK_KEY)
	rules.clear_cache()
	frappe.db.commit()
	return len(names)
