"""Small factories for tests: every test builds its own centres, users and cases with unique names."""

import contextlib
import io
import json
import random
import re
import threading

import frappe
from frappe.model.workflow import apply_workflow
from frappe.permissions import add_user_permission
from stdnum.cn import ric

from zongzhi_center.services import workflow_names as wn
from zongzhi_center.setup.demo import move_to, path_to

COUNTY_CODE = "430921"
TOWN_CODES = ("430921100", "430921101", "430921102")


def unique(prefix: str) -> str:
	return f"{prefix}-{frappe.generate_hash(length=8)}"


@contextlib.contextmanager
def as_user(user: str):
	previous = frappe.session.user
	frappe.set_user(user)
	try:
		yield
	finally:
		frappe.set_user(previous)


def make_center(
	level: str, parent: str | None = None, region_code: str | None = None, name: str | None = None
):
	return frappe.get_doc(
		{
			"doctype": "ZZ Center",
			"center_name": name or unique(f"测试{level}"),
			"level": level,
			"parent_zz_center": parent,
			"region_code": region_code,
		}
	).insert(ignore_permissions=True)


def make_center_tree() -> frappe._dict:
	"""county → township A (→ village A → grid A) and township B."""
	county = make_center("County", None, COUNTY_CODE)
	town_a = make_center("Township", county.name, TOWN_CODES[0])
	town_b = make_center("Township", county.name, TOWN_CODES[1])
	village_a = make_center("Village", town_a.name, TOWN_CODES[0] + "201")
	grid_a = make_center("Grid", village_a.name)
	return frappe._dict(
		county=county.name,
		town_a=town_a.name,
		town_b=town_b.name,
		village_a=village_a.name,
		grid_a=grid_a.name,
	)


def make_user(roles: list[str], center: str | None = None, with_api_key: bool = False) -> str:
	email = f"{frappe.generate_hash(length=10)}@zz-test.example.com"
	user = frappe.get_doc(
		{"doctype": "User", "email": email, "first_name": "测试用户", "send_welcome_email": 0}
	)
	user.append_roles(*roles)
	if with_api_key:
		user.api_key = frappe.generate_hash(length=15)
		user.api_secret = frappe.generate_hash(length=15)
	user.insert(ignore_permissions=True)
	if center:
		add_user_permission("ZZ Center", center, email, ignore_permissions=True, is_default=1)
	return email


def api_credentials(user: str) -> str:
	doc = frappe.get_doc("User", user)
	return f"{doc.api_key}:{doc.get_password('api_secret')}"


def make_department(center: str, handlers: tuple[str, ...] = (), department_type: str = "Police") -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "ZZ Department",
				"department_name": unique("测试部门"),
				"department_type": department_type,
				"center": center,
				"handlers": [{"user": u} for u in handlers],
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def id_number(seed: int = 0) -> str:
	body = f"{COUNTY_CODE}{1994 + seed % 12}{seed % 12 + 1:02d}{seed % 28 + 1:02d}{seed % 1000:03d}"
	return body + ric.calc_check_digit(body + "0")


def new_person() -> tuple[str, str]:
	"""A resident ID number and mobile number no other test case has: each default case has its own
	applicant, so cases are repeat petitions (the same person) only where a test says so."""
	born = f"{random.randrange(1950, 2005)}{random.randrange(1, 13):02d}{random.randrange(1, 29):02d}"
	body = f"{COUNTY_CODE}{born}{random.randrange(1000):03d}"
	return body + ric.calc_check_digit(body + "0"), f"139{random.randrange(10**8):08d}"


def person_and_organisation(applicant: str | None = None) -> list[dict]:
	"""The parties of an ordinary dispute: a resident (a fresh ID number and mobile) against an organisation."""
	id_number, phone = new_person()
	return [
		{
			"party_role": "Applicant",
			"party_type": "Person",
			"party_name": applicant or unique("甘"),
			"id_number": id_number,
			"phone": phone,
		},
		{"party_role": "Respondent", "party_type": "Organisation", "party_name": unique("村委会")},
	]


def case_dict(center: str, **overrides) -> dict:
	applicant_id, applicant_phone = new_person()
	doc = {
		"doctype": "ZZ Case",
		"title": unique("测试案件"),
		"facts": "双方因院前通道被占用发生争执，请求调解。",
		"matter_type": "Dispute Mediation",
		"source": "Petition Source",
		"channel": "Window",
		"receiving_center": center,
		"parties": [
			{
				"party_role": "Applicant",
				"party_type": "Person",
				"party_name": "张测试",
				"id_number": applicant_id,
				"phone": applicant_phone,
				"address": "湖南省南县测试路1号",
			},
			{
				"party_role": "Respondent",
				"party_type": "Person",
				"party_name": "李测试",
				"phone": "13712345678",
			},
		],
	}
	doc.update(overrides)
	return doc


def make_case(center: str, user: str = "Administrator", **overrides):
	with as_user(user):
		return frappe.get_doc(case_dict(center, **overrides)).insert()


def move_case(case_name: str, target_state: str, department: str | None = None):
	"""Move a case to a state along the default workflow, as Administrator (who holds every role)."""
	with as_user("Administrator"):
		case = frappe.get_doc("ZZ Case", case_name)
		if wn.action("route") in path_to(target_state) and not (department or case.handling_department):
			department = make_department(case.current_center)
		move_to(case, target_state, department=department)
		return frappe.get_doc("ZZ Case", case_name)


def edit_case(user: str, case_name: str, **values):
	"""Change fields of a case and save it as ``user``, as the form does."""
	with as_user(user):
		doc = frappe.get_doc("ZZ Case", case_name)
		doc.update(values)
		doc.save()
		return doc


def act(user: str, case_name: str, action: str):
	with as_user(user):
		return apply_workflow(frappe.get_doc("ZZ Case", case_name), action)


def delete_committed(tree: frappe._dict, users) -> None:
	"""Undo what a test had to commit (for threads or HTTP requests on other connections)."""
	frappe.set_user("Administrator")
	frappe.db.rollback()
	centers = list(tree.values())
	for name in frappe.get_all("ZZ Case", filters={"receiving_center": ["in", centers]}, pluck="name"):
		frappe.delete_doc("ZZ Case", name, force=True, ignore_permissions=True)
	delete_sister_systems(centers, users)
	for user in users:
		frappe.db.delete("User Permission", {"user": user})
		# ignore_on_trash: User.on_trash demands another System Manager than Administrator, which a
		# test site need not have; these users own nothing but the records deleted above
		frappe.delete_doc("User", user, force=True, ignore_permissions=True, ignore_on_trash=True)
	for center in (tree.grid_a, tree.village_a, tree.town_b, tree.town_a, tree.county):  # leaves first
		frappe.delete_doc("ZZ Center", center, force=True, ignore_permissions=True)
	frappe.db.commit()


def delete_sister_systems(centers: list[str], users) -> None:
	"""The sister systems of the test's centres or users, with the Webhook each made for its status callbacks
	(a Webhook left behind would be asked about every case every later test saves)."""
	systems = frappe.get_all(
		"ZZ Sister System",
		or_filters={"default_center": ["in", centers], "user": ["in", list(users) or [""]]},
		fields=["name", "webhook"],
	)
	for system in systems:
		frappe.delete_doc("ZZ Sister System", system.name, force=True, ignore_permissions=True)
		if system.webhook and frappe.db.exists("Webhook", system.webhook):
			frappe.db.delete("Webhook Request Log", {"webhook": system.webhook})
			frappe.delete_doc("Webhook", system.webhook, force=True, ignore_permissions=True)
	if systems:
		# Frappe forgets its list of webhooks on a save, not on a delete
		frappe.cache.delete_value("webhooks")


def twice_at_once(work, timeout: int = 180, in_test: bool = True) -> tuple[list, list]:
	"""work() run twice at the same moment, each in a thread with its own Frappe context and database
	connection and committing at its end, as two workers or two hosts' schedulers would: (results, errors).
	in_test=False runs them as production does (the outbox records its work for a drain)."""
	site, sites_path = frappe.local.site, frappe.local.sites_path
	barrier = threading.Barrier(2)
	results, errors = [], []

	def run():
		frappe.init(site=site, sites_path=sites_path)
		frappe.connect()
		try:
			frappe.flags.in_test = in_test
			frappe.set_user("Administrator")
			barrier.wait(timeout=30)
			results.append(work())
			frappe.db.commit()
		except Exception as e:
			errors.append(repr(e))
			frappe.db.rollback()
		finally:
			frappe.destroy()

	threads = [threading.Thread(target=run) for _ in range(2)]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join(timeout=timeout)
	return results, errors


class CallbackReceiver:
	"""A sister system's callback endpoint on this machine: keeps what each POST tells it and answers
	`status` (which a test may change between calls)."""

	def __init__(self, test, status: int = 200):
		from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

		self.received, self.status = [], status
		receiver = self

		class Handler(BaseHTTPRequestHandler):
			def do_POST(self):
				receiver.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
				self.send_response(receiver.status)
				self.end_headers()

			def log_message(self, *args):
				pass

		self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
		threading.Thread(target=self.server.serve_forever, daemon=True).start()
		test.addCleanup(self.server.shutdown)
		self.url = f"http://127.0.0.1:{self.server.server_port}/zz-callback"

	def for_case(self, case_number: str) -> list[dict]:
		return [r for r in self.received if r.get("case_number") == case_number]


def run_in_thread(target, *args):
	"""Run `target` in a fresh thread (its own Frappe context and DB connection) and return its result."""
	box = {}

	def runner():
		try:
			box["result"] = target(*args)
		except BaseException as e:
			box["error"] = e

	thread = threading.Thread(target=runner)
	thread.start()
	thread.join()
	if "error" in box:
		raise box["error"]
	return box.get("result")


def http(
	method: str,
	path: str,
	credentials: str | None = None,
	params: dict | None = None,
	headers: dict | None = None,
	site: str | None = None,
	**body,
) -> tuple[int, bytes]:
	"""A real HTTP request to the site (Frappe's WSGI application), token-authenticated when `credentials`
	are given, served in another thread with its own connection. `body`: werkzeug's `json=`, `data=`
	(a dict is sent form-encoded, or multipart with files). Pass `site` when calling from a thread."""
	from frappe.app import application
	from werkzeug.test import Client

	site = site or frappe.local.site
	headers = dict(headers or {})
	if credentials:
		headers["Authorization"] = f"token {credentials}"

	def send():
		response = Client(application).open(
			path, method=method, base_url=f"http://{site}", headers=headers, query_string=params, **body
		)
		return response.status_code, response.get_data()

	return run_in_thread(send)


def raw_insert(doc: dict, children: dict | None = None) -> str:
	"""A record as its module would have left it, stored without its controller: for tests about who reads
	or counts records, not how they are made."""
	parent = frappe.get_doc(doc)
	parent.db_insert()
	for fieldname, rows in (children or {}).items():
		for idx, row in enumerate(rows, 1):
			child = frappe.get_doc(row)
			child.update(
				{"parent": parent.name, "parenttype": doc["doctype"], "parentfield": fieldname, "idx": idx}
			)
			child.db_insert()
	return parent.name


def pdf_text(pdf: bytes) -> str:
	"""The text of a PDF without white space: wkhtmltopdf breaks lines and spaces CJK text as it lays it out."""
	from pypdf import PdfReader

	return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def make_staff(center: str, department: str, mode: str = "Resident", expertise=(), rota=(), user=None) -> str:
	"""A stationed staff member (常驻/轮驻/随驻), active since the start of 2026."""
	return (
		frappe.get_doc(
			{
				"doctype": "ZZ Stationed Staff",
				"full_name": unique("驻点"),
				"mode": mode,
				"department": department,
				"center": center,
				"user": user,
				"active_from": "2026-01-01",
				"expertise": [{"expertise": e} for e in expertise],
				"duty_rota": [{"weekday": d, "half_day": h} for d, h in rota],
			}
		)
		.insert(ignore_permissions=True)
		.name
	)
