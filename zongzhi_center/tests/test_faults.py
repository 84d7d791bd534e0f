"""Faults and load on the real test site, broken on purpose; what must survive does.

- The queue's Redis unreachable during a sister system's intake (in this process only: its connection points
  at a port nobody listens on): the request answers 201, the case exists once, its notifications wait in the
  outbox, and once the queue is back a drain makes each of them once. The same for a routing over REST and the
  status callback it owes the hotline, and for an assignment and its notice.
- A drain killed (SIGKILL) in the middle of its work — a `bench execute` process halfway through a case's
  notifications, after building a case file, after calling a sister system: the work is done again to
  completion by the next drain, once (one Notification Log per person, one case file; the call at least once).
- 50 intakes at once over HTTP through nginx and gunicorn: 50 cases, 50 distinct case numbers, none lost.
- 20 routings of one case at once: each done or refused with a message that says why, never a 5xx; the
  routing log a consistent chain.
- The deadline job twice at once over the same overdue cases: each escalation once, each notice once.
- The database connections of the requests killed while 20 clients submit with idempotency keys and retry
  on 5xx: every external id ends with exactly one complete case. (`./zz test --faults` restarts MariaDB
  itself under the same load: zongzhi_center/tests/fault_drill.py.)

The fixtures are committed (requests run in their own connections) and removed after.
"""

import concurrent.futures
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

import frappe
import redis
import requests
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, background_jobs, get_bench_path, now_datetime, today

from zongzhi_center.services import casefile, outbox, routing, rules, sla
from zongzhi_center.services import workflow_names as wn
from zongzhi_center.tests.factories import (
	CallbackReceiver,
	act,
	api_credentials,
	as_user,
	delete_committed,
	make_case,
	make_center_tree,
	make_department,
	make_staff,
	make_user,
	move_case,
	run_in_thread,
	twice_at_once,
	unique,
)
from zongzhi_center.tests.test_agreement import AgreementFixtures

V1 = "/api/method/zongzhi_center.api.v1.submit_case"
CASE = "ZZ Case"
OUTBOX = outbox.OUTBOX


# ---------------------------------------------------------------- helpers


def call(method: str, path: str, credentials: str, site: str, body=None, headers=None) -> tuple[int, dict]:
	"""One request to the site's WSGI application (its own Frappe context and database connection), as a
	client sends it."""
	from frappe.app import application
	from werkzeug.test import Client

	headers = {"Authorization": f"token {credentials}", "Accept": "application/json", **(headers or {})}

	def send():
		response = Client(application).open(
			path, method=method, base_url=f"http://{site}", headers=headers, json=body
		)
		return response.status_code, response.get_data(as_text=True)

	# in a thread of its own: Frappe sets up and tears down the calling thread's context for each request
	status, text = run_in_thread(send)
	try:
		return status, json.loads(text)
	except ValueError:
		return status, {"raw": text[:500]}


def call_unless_busy(path: str, credentials: str, site: str, body: dict) -> tuple[int, dict]:
	"""A POST tried again on "busy, try again" (503: a deadlock with another test run's saves), as a client
	that honours the answer would."""
	for _try in range(3):
		status, answer = call("POST", path, credentials, site, body)
		if status != 503:
			break
	return status, answer


def at_once(function, arguments: list, workers: int | None = None) -> list:
	"""Run function(*args) for each args in threads started together; results (or exceptions) in order."""
	barrier = threading.Barrier(len(arguments))

	def run(args):
		barrier.wait(timeout=60)
		try:
			return function(*args)
		except Exception as e:
			return e

	with concurrent.futures.ThreadPoolExecutor(max_workers=workers or len(arguments)) as pool:
		return list(pool.map(run, arguments))


def refusal_message(body: dict) -> str:
	"""The message a refused desk or REST call shows (Frappe's _server_messages, or the exception's text)."""
	messages = []
	for message in json.loads(body.get("_server_messages") or "[]"):
		messages.append(json.loads(message).get("message", "") if message.startswith("{") else message)
	return " ".join(m for m in messages if m) or body.get("exception", "")


def dead_port() -> int:
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


@contextmanager
def queue_unreachable():
	"""The queue's Redis cannot be reached by this process (every thread of it): its cached connection points
	at a port nobody listens on. The bench's Redis itself keeps running for everyone else."""
	url = f"redis://127.0.0.1:{dead_port()}"
	saved_url = frappe.conf.redis_queue
	background_jobs._redis_queue_conn = redis.from_url(url, socket_connect_timeout=1)
	frappe.conf.redis_queue = url
	try:
		yield
	finally:
		frappe.conf.redis_queue = saved_url
		background_jobs._redis_queue_conn = None  # the next enqueue connects afresh


def retrying(function, *args, tries: int = 8):
	"""Clean-up that other test runs on the site may hold locks against for a moment."""
	for attempt in range(tries):
		try:
			return function(*args)
		except (frappe.QueryTimeoutError, frappe.QueryDeadlockError):
			frappe.db.rollback()
			if attempt == tries - 1:
				raise
			time.sleep(2)


def tidy(function, *args):
	"""Remove a test's committed records; what other runs keep locked past the retries stays behind on the
	test site (records of a centre tree nobody uses), said so, rather than failing the tests that passed."""
	try:
		retrying(function, *args)
	except (frappe.QueryDeadlockError, frappe.QueryTimeoutError) as e:
		frappe.db.rollback()
		print(f"\nleft behind on the test site ({e!r}): {args}")


def committed(build):
	"""Build a test's fixtures and commit them; built again from the start when another test run's concurrent
	saves deadlock with them (gap locks of child-table rows and of the centre tree, between unrelated records)."""
	for attempt in range(4):
		try:
			result = build()
			frappe.db.commit()
			return result
		except (frappe.QueryDeadlockError, frappe.QueryTimeoutError):
			frappe.db.rollback()
			if attempt == 3:
				raise
			time.sleep(2)


def outbox_rows(case: str) -> list[frappe._dict]:
	return frappe.get_all(
		OUTBOX,
		filters={"reference_name": case},
		fields=["name", "effect", "status", "attempts", "arguments", "next_attempt_at"],
		order_by="name asc",
	)


def notification_counts(case: str) -> dict[str, int]:
	counts = {}
	for user in frappe.get_all("Notification Log", filters={"document_name": case}, pluck="for_user"):
		counts[user] = counts.get(user, 0) + 1
	return counts


def recipients(rows) -> dict[str, int]:
	"""How many notices each person should have from these outbox rows."""
	counts = {}
	for row in rows:
		if row.effect == outbox.NOTIFICATION:
			for user in json.loads(row.arguments)["users"]:
				counts[user] = counts.get(user, 0) + 1
	return counts


# ---------------------------------------------------------------- work that hangs, for the killed drain

HANG_MARKER = os.environ.get("ZZ_FAULT_MARKER", "")


def hang(marker: str):
	with open(marker, "w") as f:
		f.write(str(os.getpid()))
	time.sleep(600)  # killed long before


def half_the_notifications_then_hang(users, **kwargs):
	from zongzhi_center.services.notify import create_notifications

	create_notifications(users[:1], **kwargs)  # written, not committed
	hang(HANG_MARKER)


def case_file_then_hang(**kwargs):
	casefile.build(**kwargs)  # built and attached, not committed
	hang(HANG_MARKER)


def callback_then_hang(**kwargs):
	outbox.send_status_callback(**kwargs)  # the sister system was called; the row is not marked done
	hang(HANG_MARKER)


def drain_and_hang(names: list, effect: str, marker: str):
	"""`bench execute` entry for the killed-drain tests: drain these rows with work that stops halfway."""
	global HANG_MARKER
	HANG_MARKER = marker
	work = {
		outbox.NOTIFICATION: half_the_notifications_then_hang,
		outbox.CASE_FILE: case_file_then_hang,
		outbox.STATUS_CALLBACK: callback_then_hang,
	}[effect]
	with patch.dict(outbox.EFFECTS, {effect: f"{__name__}.{work.__name__}"}):
		outbox.drain(names=names)


# ---------------------------------------------------------------- fixtures


FIXTURES = {}


def build_fixtures() -> dict:
	"""One centre tree, sister system and set of users for the module, committed (built again from the start
	when another run's tree changes deadlock with this one's)."""
	for attempt in range(10):
		try:
			return _build_fixtures()
		except (frappe.QueryDeadlockError, frappe.QueryTimeoutError):
			frappe.db.rollback()
			if attempt == 9:
				raise
			time.sleep(2 + attempt)


def _build_fixtures() -> dict:
	f = frappe._dict(site=frappe.local.site)
	f.tree = t = make_center_tree()
	f.marker = unique("红色测试")
	f.risk_rule = (
		frappe.get_doc(
			{
				"doctype": "ZZ Risk Rule",
				"rule_name": unique("测试红色规则"),
				"risk_color": "Red",
				"enabled": 1,
				"keywords": f.marker,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)
	f.integration = make_user(["ZZ Integration"], t.town_a, with_api_key=True)
	f.clerk = make_user(["ZZ Intake Clerk"], t.town_a)
	f.director = make_user(["ZZ Center Director"], t.town_a)
	f.county_director = make_user(["ZZ Center Director"], t.county)
	f.dispatcher = make_user(["ZZ Dispatcher"], t.town_a, with_api_key=True)
	f.county_clerk = make_user(["ZZ Intake Clerk"], t.county, with_api_key=True)
	f.category = frappe.get_all("ZZ Case Category", filters={"is_group": 0}, pluck="name", limit=1)[0]
	f.system = (
		frappe.get_doc(
			{
				"doctype": "ZZ Sister System",
				"system_code": unique("fault"),
				"system_name": unique("故障演练"),
				"user": f.integration,
				"default_center": t.town_a,
				"source": "Government Source",
				"channel": "12345 Hotline",
				"enabled": 1,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)
	f.mediator = make_user(["ZZ Mediator", "ZZ Stationed Staff"], t.town_a)
	f.department = make_department(t.town_a, department_type="Mediation Studio")
	f.staff = make_staff(t.town_a, f.department, mode="On-call", user=f.mediator)
	f.users = [
		f.integration,
		f.clerk,
		f.director,
		f.county_director,
		f.dispatcher,
		f.county_clerk,
		f.mediator,
	]
	f.keys = {u: api_credentials(u) for u in (f.integration, f.dispatcher, f.county_clerk)}
	frappe.db.commit()
	rules.clear_cache()
	return f


def tearDownModule():
	if not FIXTURES:
		return
	f = frappe._dict(FIXTURES)
	frappe.db.rollback()
	frappe.flags.zz_outbox_deferred = False
	frappe.set_user("Administrator")
	webhook = frappe.db.get_value("ZZ Sister System", f.system, "webhook")
	cases = frappe.get_all(CASE, filters={"receiving_center": ["in", list(f.tree.values())]}, pluck="name")
	if cases:
		frappe.db.delete(OUTBOX, {"reference_name": ["in", cases]})
		frappe.db.delete("Notification Log", {"document_name": ["in", cases]})
		frappe.db.delete("File", {"attached_to_doctype": CASE, "attached_to_name": ["in", cases]})
	frappe.delete_doc("ZZ Sister System", f.system, force=True, ignore_permissions=True)
	if webhook:
		frappe.db.delete("Webhook Request Log", {"webhook": webhook})
		frappe.delete_doc("Webhook", webhook, force=True, ignore_permissions=True)
	frappe.delete_doc("ZZ Risk Rule", f.risk_rule, force=True, ignore_permissions=True)
	frappe.cache.delete_value("webhooks")  # Frappe forgets its list of webhooks on a save, not on a delete
	if cases:
		frappe.db.delete("ToDo", {"reference_type": CASE, "reference_name": ["in", cases]})
	frappe.delete_doc("ZZ Stationed Staff", f.staff, force=True, ignore_permissions=True)
	frappe.db.commit()
	rules.clear_cache()
	tidy(delete_committed, f.tree, f.users)
	frappe.delete_doc("ZZ Department", f.department, force=True, ignore_permissions=True)
	frappe.db.commit()
	FIXTURES.clear()


class FaultFixtures:
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		if not FIXTURES:
			FIXTURES.update(build_fixtures())
		for key, value in FIXTURES.items():
			setattr(cls, key, value)

	def setUp(self):
		frappe.set_user("Administrator")
		frappe.flags.zz_outbox_deferred = True
		self.addCleanup(setattr, frappe.flags, "zz_outbox_deferred", False)
		# no drain job for the bench's worker from this process: each test drains its own rows itself
		kick = patch.object(outbox, "kick", return_value=False)
		kick.start()
		self.addCleanup(kick.stop)

	def payload(self, external_id: str, red: bool = False) -> dict:
		return {
			"title": "楼上漏水纠纷",
			"facts": f"楼上住户卫生间漏水，多次协商未果。{self.marker if red else ''}",
			"external_id": external_id,
			"category": self.category,
			"parties": [
				{"party_role": "Applicant", "party_name": "赵故障", "phone": "13800001111"},
				{"party_role": "Respondent", "party_name": "钱故障"},
			],
		}

	def cases_with(self, external_ids) -> dict[str, list[str]]:
		frappe.db.rollback()  # a fresh snapshot: what the server committed
		found = {external_id: [] for external_id in external_ids}
		for row in frappe.get_all(
			CASE,
			filters={"external_system": self.system, "external_id": ["in", list(external_ids)]},
			fields=["name", "external_id"],
		):
			found[row.external_id].append(row.name)
		return found

	def with_callback(self, receiver_url: str):
		system = frappe.get_doc("ZZ Sister System", self.system)
		system.callback_url = receiver_url
		system.save(ignore_permissions=True)
		frappe.db.commit()

		def off():
			frappe.db.rollback()
			system = frappe.get_doc("ZZ Sister System", self.system)
			system.callback_url = None
			system.save(ignore_permissions=True)
			frappe.db.commit()

		self.addCleanup(off)


# ---------------------------------------------------------------- the queue's Redis unreachable


class TestQueueOutage(FaultFixtures, FrappeTestCase):
	def test_intake_while_the_queue_is_unreachable_answers_and_loses_nothing(self):
		receiver = CallbackReceiver(self)
		self.with_callback(receiver.url)
		external_id = unique("redis-down")
		with queue_unreachable():
			# the outage is real: what Frappe hands to the queue fails
			with self.assertRaises(redis.exceptions.ConnectionError):
				frappe.enqueue("frappe.ping")
			status, body = call(
				"POST", V1, self.keys[self.integration], self.site, self.payload(external_id, red=True)
			)
			self.assertEqual(status, 201, body)
			(case,) = self.cases_with([external_id])[external_id]
			rows = outbox_rows(case)
			self.assertIn(outbox.NOTIFICATION, {r.effect for r in rows})  # the red case's directors, at once
			self.assertEqual({r.status for r in rows}, {outbox.WAITING})
			self.assertEqual(notification_counts(case), {})
			# the scheduler's drain request cannot reach the queue either: nothing is lost meanwhile
			outbox.kick_due()
			self.assertEqual({r.status for r in outbox_rows(case)}, {outbox.WAITING})
		case_number = body["case_number"]
		self.assertEqual(receiver.for_case(case_number), [])
		# the queue is back: a drain does each piece of work once
		outbox.drain(names=[r.name for r in rows])
		outbox.drain(names=[r.name for r in rows])
		self.assertEqual({r.status for r in outbox_rows(case)}, {outbox.DONE})
		expected = recipients(rows)
		self.assertTrue(expected)
		self.assertEqual(notification_counts(case), expected)
		# the hotline has its answer: it is told of the case's changes of state (the next test), not of its intake
		self.assertEqual(receiver.received, [])
		# the client's retry of the same case is answered with the first answer: still one case
		status, again = call(
			"POST", V1, self.keys[self.integration], self.site, self.payload(external_id, red=True)
		)
		self.assertEqual((status, again["case_number"]), (200, case_number))
		self.assertEqual(len(self.cases_with([external_id])[external_id]), 1)

	def test_a_state_change_over_rest_while_the_queue_is_unreachable_keeps_its_status_callback(self):
		"""The dispatcher routes a hotline case over REST while the queue is away: the routing is made and
		answered, and the hotline is told of the new state once the queue is back, once."""
		receiver = CallbackReceiver(self)
		self.with_callback(receiver.url)

		def setup():
			case = make_case(self.tree.town_a, external_system=self.system, external_id=unique("route"))
			move_case(case.name, wn.state("accepted"))
			frappe.db.set_value(CASE, case.name, "handling_department", self.department)
			return frappe.get_doc(CASE, case.name)

		case = committed(setup)
		before = {r.name for r in outbox_rows(case.name)}
		opened = frappe.get_doc(CASE, case.name).as_dict(convert_dates_to_str=True)
		with queue_unreachable():
			status, body = call_unless_busy(
				"/api/method/frappe.model.workflow.apply_workflow",
				self.keys[self.dispatcher],
				self.site,
				{"doc": opened, "action": wn.action("route")},
			)
		self.assertEqual(status, 200, body)
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value(CASE, case.name, "workflow_state"), wn.state("routed"))
		rows = [
			r for r in outbox_rows(case.name) if r.name not in before and r.effect == outbox.STATUS_CALLBACK
		]
		self.assertEqual([r.status for r in rows], [outbox.WAITING])
		self.assertEqual(json.loads(rows[0].arguments)["snapshot"]["workflow_state"], wn.state("routed"))
		self.assertEqual(receiver.for_case(case.case_number), [])
		# the queue is back: the drain tells the hotline, once
		outbox.drain(names=[r.name for r in rows])
		outbox.drain(names=[r.name for r in rows])
		told = [r["workflow_state"] for r in receiver.for_case(case.case_number)]
		self.assertEqual(told, [wn.state("routed")], receiver.received)

	def test_an_assignment_while_the_queue_is_unreachable_is_made_and_its_notice_kept(self):
		"""Frappe's assignment hands the assignee's notice to the queue inside the request: the dispatcher's
		one-click assignment would fail as a whole. It is made, and the notice waits in the outbox."""

		def setup():
			case = make_case(self.tree.town_a, self.clerk)
			return move_case(case.name, wn.state("accepted"))

		case = committed(setup)
		with queue_unreachable():
			status, body = call_unless_busy(
				"/api/method/zongzhi_center.api.rota.assign",
				self.keys[self.dispatcher],
				self.site,
				{"case": case.name, "staff": self.staff},
			)
		self.assertEqual(status, 200, body)
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value(CASE, case.name, "assigned_mediator"), self.staff)
		rows = [r for r in outbox_rows(case.name) if r.effect == outbox.ASSIGNMENT_NOTICE]
		self.assertEqual(
			[(r.status, json.loads(r.arguments)["users"]) for r in rows], [(outbox.WAITING, [self.mediator])]
		)
		outbox.drain(names=[r.name for r in rows])
		outbox.drain(names=[r.name for r in rows])
		self.assertEqual(
			frappe.db.count(
				"Notification Log",
				{"for_user": self.mediator, "document_name": case.name, "type": "Assignment"},
			),
			1,
		)


# ---------------------------------------------------------------- a drain killed mid-work


class TestKilledDrain(FaultFixtures, FrappeTestCase):
	def drain_in_a_process_and_kill_it(self, names: list, effect: str):
		"""Run a drain of the rows in `bench execute` (its own process and connection), wait until its work is
		halfway, and kill it with SIGKILL, as the OOM killer or a power cut would."""
		marker = f"/tmp/zz-fault-{frappe.generate_hash(length=10)}"
		kwargs = json.dumps({"names": names, "effect": effect, "marker": marker})
		process = subprocess.Popen(
			[
				sys.executable,
				"-m",
				"frappe.utils.bench_helper",
				"frappe",
				"--site",
				self.site,
				"execute",
				f"{__name__}.drain_and_hang",
				"--kwargs",
				kwargs,
			],
			cwd=os.path.join(get_bench_path(), "sites"),
			stdout=subprocess.DEVNULL,
			stderr=subprocess.PIPE,
			start_new_session=True,
			env={**os.environ, "ZZ_FAULT_MARKER": marker},
		)
		self.addCleanup(lambda: os.path.exists(marker) and os.remove(marker))
		deadline = time.monotonic() + 180
		while not os.path.exists(marker):
			if process.poll() is not None:
				self.fail(f"the drain ended before its work: {process.stderr.read().decode()[-2000:]}")
			self.assertLess(time.monotonic(), deadline, "the drain did not reach its work")
			time.sleep(0.2)
		os.killpg(process.pid, signal.SIGKILL)
		process.wait(timeout=30)
		self.assertEqual(process.returncode, -signal.SIGKILL)
		# the database notices the dead connection and rolls its transaction back; the row is free again
		frappe.db.rollback()
		for _i in range(100):
			row = frappe.db.sql(
				f"select name from `tab{OUTBOX}` where name in %s for update skip locked", (tuple(names),)
			)
			frappe.db.rollback()
			if len(row) == len(names):
				break
			time.sleep(0.1)
		for name in names:
			stored = frappe.db.get_value(
				OUTBOX, name, ["status", "attempts", "next_attempt_at"], as_dict=True
			)
			self.assertEqual((stored.status, stored.attempts), (outbox.WAITING, 1))
			self.assertGreater(stored.next_attempt_at, now_datetime())  # taken again after the pause
		with patch.object(outbox, "kick", return_value=False):
			self.assertEqual(outbox.drain(names=names)["done"], 0)  # not before the pause
			# the pause is over
			frappe.db.sql(
				f"update `tab{OUTBOX}` set next_attempt_at = null where name in %s", (tuple(names),)
			)
			frappe.db.commit()
			counts = outbox.drain(names=names)
		self.assertEqual(counts["done"], len(names), counts)
		for name in names:
			self.assertEqual(frappe.db.get_value(OUTBOX, name, ["status", "attempts"]), (outbox.DONE, 2))

	def test_killed_halfway_through_notifications_each_person_is_told_once(self):
		from zongzhi_center.services.notify import notify

		def setup():
			case = make_case(self.tree.town_a, self.clerk)
			people = [self.director, self.county_director, self.dispatcher]
			notify(people, case, f"Case {case.case_number}: drill")
			return case

		case = committed(setup)
		rows = [r for r in outbox_rows(case.name) if r.effect == outbox.NOTIFICATION]
		self.drain_in_a_process_and_kill_it([r.name for r in rows], outbox.NOTIFICATION)
		self.assertEqual(
			notification_counts(case.name), {self.director: 1, self.county_director: 1, self.dispatcher: 1}
		)

	def test_killed_after_building_a_case_file_the_case_has_one_that_verifies(self):
		def setup():
			case = make_case(self.tree.town_a, self.clerk)
			move_case(case.name, wn.state("closed"), department=self.department)
			return act(self.director, case.name, wn.action("archive"))

		case = committed(setup)
		rows = [r for r in outbox_rows(case.name) if r.effect == outbox.CASE_FILE]
		self.assertEqual(len(rows), 1)
		self.assertFalse(frappe.db.get_value(CASE, case.name, "case_file"))
		self.drain_in_a_process_and_kill_it([rows[0].name], outbox.CASE_FILE)
		# (the killed build's ZIP stays on disk, unreferenced: the new one's name gets a suffix)
		files = frappe.get_all(
			"File",
			filters={
				"attached_to_doctype": CASE,
				"attached_to_name": case.name,
				"file_name": ["like", "%-case-file%"],
			},
			pluck="file_url",
		)
		self.assertEqual(files, [frappe.db.get_value(CASE, case.name, "case_file")])
		self.assertEqual(casefile.verify(case.name), [])

	def test_killed_after_calling_a_sister_system_the_call_is_made_again(self):
		receiver = CallbackReceiver(self)
		self.with_callback(receiver.url)

		def setup():
			case = make_case(self.tree.town_a, external_system=self.system, external_id=unique("kill"))
			return move_case(case.name, wn.state("accepted"))  # the sister system is told of the new state

		case = committed(setup)
		rows = [r for r in outbox_rows(case.name) if r.effect == outbox.STATUS_CALLBACK]
		self.assertEqual(len(rows), 1)
		self.drain_in_a_process_and_kill_it([rows[0].name], outbox.STATUS_CALLBACK)
		# at least once: the killed drain's call got through, and the next drain made it again
		self.assertEqual(len(receiver.for_case(case.case_number)), 2)
		logs = frappe.get_all("Webhook Request Log", filters={"reference_document": case.name}, pluck="error")
		self.assertEqual([error for error in logs if not error], [""])  # the killed drain's log rolled back


# ---------------------------------------------------------------- load


class TestLoad(FaultFixtures, FrappeTestCase):
	def test_50_intakes_at_once_over_http_get_50_distinct_numbers(self):
		url = f"{frappe.conf.host_name or f'http://{self.site}:8001'}{V1}"
		headers = {"Authorization": f"token {self.keys[self.integration]}", "Accept": "application/json"}
		ids = [unique(f"load{i:02d}") for i in range(50)]

		def submit(external_id):
			started, tries = time.monotonic(), 0
			while True:
				tries += 1
				try:
					response = requests.post(
						url, json=self.payload(external_id), headers=headers, timeout=180
					)
					if response.status_code < 500 or tries >= 5:
						return response.status_code, response.json(), time.monotonic() - started, tries
				except requests.RequestException:
					if tries >= 5:
						raise
				time.sleep(0.5)

		started = time.monotonic()
		answers = at_once(submit, [(i,) for i in ids])
		elapsed = time.monotonic() - started
		failures = [a for a in answers if isinstance(a, Exception) or a[0] not in (200, 201)]
		self.assertEqual(failures, [])
		numbers = [a[1]["case_number"] for a in answers]
		self.assertEqual(len(set(numbers)), 50)
		stored = self.cases_with(ids)
		self.assertEqual({k: len(v) for k, v in stored.items()}, dict.fromkeys(ids, 1))
		stored_numbers = set(
			frappe.get_all(
				CASE, filters={"name": ["in", [v[0] for v in stored.values()]]}, pluck="case_number"
			)
		)
		self.assertEqual(stored_numbers, set(numbers))
		latencies = sorted(a[2] for a in answers)
		print(
			f"\n50 intakes at once over HTTP: {elapsed:.1f}s in all, median {latencies[24]:.2f}s, "
			f"slowest {latencies[-1]:.2f}s, retries {sum(a[3] - 1 for a in answers)}"
		)

	def test_20_routings_of_one_case_at_once_are_done_or_refused_and_logged_consistently(self):
		def setup():
			case = make_case(self.tree.town_a, self.clerk)
			move_case(case.name, wn.state("accepted"))
			return case, [make_department(self.tree.town_a) for _i in range(20)]

		case, departments = committed(setup)
		path = f"/api/resource/{CASE}/{case.name}"

		def transfer(department):
			return call(
				"PUT",
				path,
				self.keys[self.dispatcher],
				self.site,
				{"handling_department": department, "move_reason": f"转交 {department}"},
			)

		answers = at_once(transfer, [(d,) for d in departments])
		self.assert_done_or_refused(answers)
		frappe.db.rollback()
		stored = frappe.get_doc(CASE, case.name)
		log = [r for r in stored.routing_log if r.move in ("Assigned", "Transferred")]
		done = [a for a in answers if a[0] == 200]
		self.assertEqual(len(log), len(done))
		self.assertEqual(log[0].move, "Assigned")
		for before, after in itertools.pairwise(log):
			self.assertEqual(after.from_department, before.to_department)  # a chain: no move lost or doubled
		self.assertEqual(stored.handling_department, log[-1].to_department)

		# then 20 dispatchers' "Route Case" on the case they all opened: one routes it, the others are told
		opened = frappe.get_doc(CASE, case.name).as_dict(convert_dates_to_str=True)

		def route(_i):
			return call(
				"POST",
				"/api/method/frappe.model.workflow.apply_workflow",
				self.keys[self.dispatcher],
				self.site,
				{"doc": opened, "action": wn.action("route")},
			)

		answers = at_once(route, [(i,) for i in range(20)])
		self.assert_done_or_refused(answers)
		self.assertEqual(len([a for a in answers if a[0] == 200]), 1, [a[0] for a in answers])
		frappe.db.rollback()
		stored = frappe.get_doc(CASE, case.name)
		self.assertEqual(stored.workflow_state, wn.state("routed"))
		self.assertEqual([r.state for r in stored.state_history].count(wn.state("routed")), 1)

	def assert_done_or_refused(self, answers):
		for answer in answers:
			self.assertNotIsInstance(answer, Exception)
			status, body = answer
			self.assertNotEqual(status, 500, body)
			if status != 200:
				# refused in words: the case changed under the request, or the action no longer applies
				self.assertIn(status, (409, 417, 422, 503), body)
				self.assertTrue(refusal_message(body), body)

	def test_the_deadline_job_twice_at_once_acts_once(self):
		from zongzhi_center.tests.test_sla import make_category, make_rule

		long_ago = now_datetime() - timedelta(days=30)

		def setup():
			category = make_category()
			rule = make_rule(category=category, resolve_value=1, auto_escalate=1)
			cases = [make_case(self.tree.town_a, self.clerk, category=category) for _i in range(3)]
			for case in cases:
				move_case(case.name, wn.state("accepted"))
				frappe.db.set_value(
					CASE,
					case.name,
					{"accepted_at": long_ago, "clock_started_at": long_ago, "sla_next_check": long_ago},
				)
			return category, rule, cases

		category, rule, cases = committed(setup)
		self.addCleanup(retrying, frappe.delete_doc, "ZZ Case Category", category, 0, None, True)
		self.addCleanup(retrying, frappe.delete_doc, "ZZ Deadline Rule", rule, 0, None, True)
		names = [c.name for c in cases]
		before = {name: notification_counts(name) for name in names}
		# the job over these cases: others' tests have cases too; as production runs it, its notices to the outbox
		_runs, errors = twice_at_once(lambda: sla.update_open_cases(cases=names), in_test=False)
		self.assertEqual(errors, [])
		frappe.db.rollback()
		for name in names:
			stored = frappe.get_doc(CASE, name)
			self.assertEqual([r.move for r in stored.routing_log].count(routing.AUTO_ESCALATED), 1, name)
			self.assertEqual(stored.current_center, self.tree.county)
			# each escalation's notices written once, whichever run made them
			rows = [r for r in outbox_rows(name) if r.effect == outbox.NOTIFICATION]
			subjects = [json.loads(r.arguments)["subject"] for r in rows]
			self.assertEqual(len(subjects), len(set(subjects)), subjects)
		self.assertTrue(before)


# ---------------------------------------------------------------- database connections killed under load


def own_db_connections(keep: set[int]) -> set[int]:
	"""The MariaDB connection ids of this process's TCP connections (the request threads'), by local port."""
	inodes = set()
	for fd in os.listdir("/proc/self/fd"):
		try:
			target = os.readlink(f"/proc/self/fd/{fd}")
		except OSError:
			continue
		if target.startswith("socket:["):
			inodes.add(target[8:-1])
	ports = set()
	for table in ("/proc/self/net/tcp", "/proc/self/net/tcp6"):
		try:
			lines = open(table).read().splitlines()[1:]
		except OSError:
			continue
		for line in lines:
			fields = line.split()
			if fields[9] in inodes:
				ports.add(int(fields[1].rsplit(":", 1)[1], 16))
	ids = set()
	user = frappe.conf.get("db_user") or frappe.conf.db_name
	for row in frappe.db.sql(
		"select id, host from information_schema.processlist where user = %s", user, as_dict=True
	):
		host = row.host or ""
		if ":" in host and int(host.rsplit(":", 1)[1]) in ports:
			ids.add(row.id)
	ids.discard(frappe.db.sql("select connection_id()")[0][0])  # the killer's own
	return ids - keep


class TestDatabaseConnectionsKilled(FaultFixtures, FrappeTestCase):
	def test_every_external_id_ends_with_exactly_one_case_when_connections_die(self):
		ids = [[unique(f"c{client:02d}-{n}") for n in range(3)] for client in range(20)]
		stop, kills = threading.Event(), []
		outcomes = {}

		def client(external_ids):
			for external_id in external_ids:
				for attempt in range(1, 21):
					try:
						status, body = call(
							"POST",
							V1,
							self.keys[self.integration],
							self.site,
							self.payload(external_id),
							headers={"Idempotency-Key": external_id},
						)
					except Exception as e:  # the connection died under the request, before an answer
						status, body = 599, {"error": repr(e)}
					if status < 500:
						outcomes[external_id] = (status, attempt, body.get("case_number"))
						break
					time.sleep(0.3)
				else:
					outcomes[external_id] = (status, attempt, None)

		keep = {frappe.db.sql("select connection_id()")[0][0]}  # this test's own connection

		def killer():
			# three rounds, as a database restart or a failover drops every connection at once
			for pause in (2, 4, 4):
				if stop.wait(pause):
					return
				victims = own_db_connections(keep)
				for victim in victims:
					try:
						frappe.db.sql(f"kill {int(victim)}")
					except Exception:
						pass  # gone already
				if victims:
					kills.append(len(victims))
				frappe.db.commit()

		killing = threading.Thread(target=self.killer_thread(killer))
		killing.start()
		try:
			at_once(client, [(chunk,) for chunk in ids])
		finally:
			stop.set()
			killing.join(timeout=30)
		flat = [i for chunk in ids for i in chunk]
		self.assertEqual({i: outcomes[i][0] for i in flat if outcomes[i][0] not in (200, 201)}, {})
		stored = self.cases_with(flat)
		self.assertEqual({i: len(stored[i]) for i in flat if len(stored[i]) != 1}, {})
		# none half-written: each case has its number and both parties
		for external_id in flat:
			case = frappe.get_doc(CASE, stored[external_id][0])
			self.assertTrue(case.case_number)
			self.assertEqual(len(case.parties), 2)
			self.assertEqual(case.case_number, outcomes[external_id][2])
		retries = sum(outcomes[i][1] - 1 for i in flat)
		print(
			f"\n60 intakes by 20 clients, {sum(kills)} connections killed in {len(kills)} rounds, {retries} retries"
		)
		self.assertGreater(sum(kills), 0)  # connections were killed under the clients

	def killer_thread(self, killer):
		site, sites_path = frappe.local.site, frappe.local.sites_path

		def run():
			frappe.init(site=site, sites_path=sites_path)
			frappe.connect()
			try:
				killer()
			finally:
				frappe.destroy()

		return run


# ---------------------------------------------------------------- the daily jobs twice at once


class TestDailyJobsTwiceAtOnce(AgreementFixtures, FrappeTestCase):
	"""Two runs of the daily jobs at the same moment (the scheduler started one while the last still went, or
	two hosts run the scheduler): each reminder, warning and missed-obligation notice is made once."""

	@classmethod
	def setUpClass(cls):
		for attempt in range(10):  # other runs' centre trees may deadlock with this one's
			try:
				super().setUpClass()
				frappe.db.commit()
				return
			except (frappe.QueryDeadlockError, frappe.QueryTimeoutError):
				frappe.db.rollback()
				if attempt == 9:
					raise
				time.sleep(2 + attempt)

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		frappe.set_user("Administrator")
		cases = frappe.get_all(
			CASE, filters={"receiving_center": ["in", list(cls.tree.values())]}, pluck="name"
		)
		agreements = frappe.get_all(
			"ZZ Mediation Agreement", filters={"case": ["in", cases or [""]]}, pluck="name"
		)
		if agreements:  # submitted records of the test, removed as stored
			for child in ("ZZ Agreement Obligation", "ZZ Agreement Party", "ZZ Agreement Witness"):
				frappe.db.delete(child, {"parent": ["in", agreements]})
			frappe.db.delete("ZZ Mediation Agreement", {"name": ["in", agreements]})
		frappe.db.delete(OUTBOX, {"reference_name": ["in", cases + agreements or [""]]})
		frappe.db.delete("Notification Log", {"document_name": ["in", cases + agreements or [""]]})
		frappe.delete_doc("ZZ Stationed Staff", cls.mediator, force=True, ignore_permissions=True)
		frappe.delete_doc("ZZ Department", cls.committee, force=True, ignore_permissions=True)
		frappe.db.commit()
		tidy(delete_committed, cls.tree, [cls.clerk, cls.mediator_user, cls.director])
		super().tearDownClass()

	def setUp(self):
		frappe.flags.zz_outbox_deferred = True
		self.addCleanup(setattr, frappe.flags, "zz_outbox_deferred", False)
		kick = patch.object(outbox, "kick", return_value=False)
		kick.start()
		self.addCleanup(kick.stop)

	def notes_on(self, agreement) -> int:
		"""Timeline notes of the agreement's case that name the agreement."""
		return frappe.db.count(
			"Comment",
			{
				"reference_doctype": CASE,
				"reference_name": agreement.case,
				"comment_type": "Info",
				"content": ["like", f"%{agreement.name}%"],
			},
		)

	def test_each_reminder_warning_and_notice_is_made_once(self):
		from zongzhi_center.services import judicial_confirmation, performance

		def setup():
			agreements = []
			for _i in range(2):
				case = self.case_in_mediation()
				agreement = self.draft(case)
				with as_user(self.mediator_user):
					self.sign_all(agreement).submit()
				agreements.append(agreement)
			due_soon, missed = agreements
			# the fence of the first falls due within the reminder's days, its court window closes in two
			# days; the second's fence passed its due date unrecorded
			frappe.db.set_value(
				"ZZ Mediation Agreement", due_soon.name, "judicial_confirmation_by", add_days(today(), 2)
			)
			frappe.db.set_value(
				"ZZ Agreement Obligation", missed.obligations[1].name, "due_date", add_days(today(), -1)
			)
			return agreements

		agreements = committed(setup)
		due_soon, missed = agreements
		last_row = frappe.db.sql(f"select ifnull(max(name), 0) from `tab{OUTBOX}`")[0][0]
		notes_before = self.notes_on(missed)

		def daily_jobs():
			performance.remind_due_obligations()
			performance.mark_missed_obligations()
			judicial_confirmation.update_windows()

		_runs, errors = twice_at_once(daily_jobs, in_test=False)
		self.assertEqual(errors, [])
		frappe.db.rollback()
		names = [a.name for a in agreements] + [a.case for a in agreements]
		rows = frappe.get_all(
			OUTBOX,
			filters={"reference_name": ["in", names], "effect": outbox.NOTIFICATION, "name": [">", last_row]},
			fields=["reference_name", "arguments"],
		)
		told = [(r.reference_name, json.loads(r.arguments)["subject"]) for r in rows]
		self.assertEqual(len(told), len(set(told)), told)  # nothing said twice
		# the reminder, the court window's warning and the missed obligation's notice: once each
		self.assertEqual(len([t for t in told if t[0] == due_soon.case]), 1)  # the fence falls due
		self.assertEqual(len([t for t in told if t[0] == due_soon.name]), 1)  # the court window
		self.assertEqual(len([t for t in told if t[0] == missed.case]), 1)  # the missed fence
		self.assertEqual(self.notes_on(missed), notes_before + 1)  # the case's timeline says it once
