"""五源汇聚 through a client nobody at the centre wrote: a sister system (a 12345 hotline, its API user set to
Chinese) uses the site's REST API with frappe-js-sdk, the JavaScript client Frappe publishes, over HTTP
to the test site's web server.

The Node program (tests/js_client/sister_system.mjs) registers a two-party case through the intake method,
reads it back by its case number and by its own id through the status method, lists and reads its own
cases through Frappe's list and document endpoints, is refused another centre's case and a field it may
not read (without a word of that case's people), and sends bad input: answered 4xx in Chinese, nothing
saved. Its packages are installed from the lock file outside the checkout, once per lock file.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_bench_path, get_url

from zongzhi_center.tests.factories import (
	api_credentials,
	delete_committed,
	id_number,
	make_case,
	make_center_tree,
	make_user,
	unique,
)

CLIENT_DIR = Path(__file__).parent / "js_client"
SCRIPT = "sister_system.mjs"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
APPLICANT_ID = id_number(57)
APPLICANT_PHONE = "13912340057"
OTHER_ID = id_number(58)
OTHER_PHONE = "13912340058"
OTHER_FACTS = "他镇案件的事实：宅基地边界争议。"


def install_client() -> Path:
	"""The client's packages, installed with `npm ci` from the lock file into a folder of the bench (not the
	checkout); skipped while the lock file and Node are the ones installed with."""
	node, npm = shutil.which("node"), shutil.which("npm")
	if not node or not npm:
		raise AssertionError(
			"Node.js and npm are needed for this test (the sister system's client is a Node program): "
			"install nodejs and npm and run it again."
		)
	lock = (CLIENT_DIR / "package-lock.json").read_bytes()
	node_version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout
	stamp = hashlib.sha256(lock + node_version.encode()).hexdigest()
	target = Path(get_bench_path()) / ".cache" / "zz-js-client"
	stamp_file = target / ".lock-sha256"
	if not (
		stamp_file.exists()
		and stamp_file.read_text() == stamp
		and (target / "node_modules" / "frappe-js-sdk").is_dir()
	):
		target.mkdir(parents=True, exist_ok=True)
		for name in ("package.json", "package-lock.json"):
			shutil.copyfile(CLIENT_DIR / name, target / name)
		cache = Path(os.environ.get("HOME") or get_bench_path()) / ".npm"
		command = [npm, "ci", "--prefix", str(target), "--cache", str(cache), "--prefer-offline"]
		command += ["--no-audit", "--no-fund", "--loglevel=error"]
		done = subprocess.run(
			command,
			capture_output=True,
			text=True,
			timeout=300,
		)
		if done.returncode:
			raise AssertionError(f"npm ci failed:\n{done.stdout}\n{done.stderr}")
		stamp_file.write_text(stamp)
	# the program next to its packages, so Node finds them
	shutil.copyfile(CLIENT_DIR / SCRIPT, target / SCRIPT)
	return target


def messages(error: dict) -> list[str]:
	"""Every message a refusal shows: the v1 API's field errors, Frappe's server messages and its text."""
	found = [e.get("message", "") for e in error.get("errors") or [] if isinstance(e, dict)]
	for raw in json.loads(error.get("_server_messages") or "[]"):
		try:
			message = json.loads(raw).get("message", "")
		except (ValueError, AttributeError):
			message = raw
		# frappe.throw with a list (a validation naming several problems) shows each as a line
		found.extend(message if isinstance(message, list) else [message])
	if error.get("_error_message"):
		found.append(error["_error_message"])
	return [m for m in found if m]


class TestJSClient(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		target = install_client()
		cls.tree = make_center_tree()
		cls.system = None
		# class cleanups run even when setUpClass fails after committing
		cls.addClassCleanup(cls.remove_fixtures)
		cls.hotline = make_user(["ZZ Integration"], cls.tree.town_a, with_api_key=True)
		user = frappe.get_doc("User", cls.hotline)
		user.language = "zh"
		user.save(ignore_permissions=True)
		cls.clerk_b = make_user(["ZZ Intake Clerk"], cls.tree.town_b)
		cls.system = (
			frappe.get_doc(
				{
					"doctype": "ZZ Sister System",
					"system_code": unique("hotline"),
					"system_name": "12345热线",
					"user": cls.hotline,
					"default_center": cls.tree.town_a,
					"source": "Government Source",
					"channel": "12345 Hotline",
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
		other_party = {
			"party_role": "Applicant",
			"party_type": "Person",
			"party_name": "吴他镇",
			"id_number": OTHER_ID,
			"phone": OTHER_PHONE,
		}
		other = make_case(
			cls.tree.town_b, cls.clerk_b, title=unique("他镇案件"), facts=OTHER_FACTS, parties=[other_party]
		)
		cls.other = frappe._dict(name=other.name, number=other.case_number, title=other.title)
		cls.category = frappe.get_all("ZZ Case Category", filters={"is_group": 0}, pluck="name", limit=1)[0]
		cls.external_id = unique("hotline-sdk")
		cls.bad_id = APPLICANT_ID[:-1] + ("0" if APPLICANT_ID[-1] != "0" else "1")
		token = api_credentials(cls.hotline)
		frappe.db.commit()  # the Node program reads and writes through the web server's own connections

		payload = {
			"external_id": cls.external_id,
			"category": cls.category,
			"applicant": {"party_name": "赵热线", "id_number": APPLICANT_ID, "phone": APPLICANT_PHONE},
			"bad_id_number": cls.bad_id,
			"other_case": cls.other.name,
			"other_case_number": cls.other.number,
			"receiving_center": cls.tree.town_a,
		}
		# the web server is on this machine: no proxy between the client and it
		env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy")}
		env.update(ZZ_TOKEN=token, ZZ_INPUT=json.dumps(payload, ensure_ascii=False))
		done = subprocess.run(
			[shutil.which("node"), str(target / SCRIPT), get_url()],
			capture_output=True,
			text=True,
			env=env,
			timeout=180,
		)
		cls.stderr = done.stderr
		try:
			cls.out = json.loads(done.stdout)
		except ValueError:
			raise AssertionError(
				f"the Node client printed no JSON (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"
			) from None
		frappe.db.rollback()  # a fresh snapshot: what the server committed

	@classmethod
	def remove_fixtures(cls):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		if cls.system:
			frappe.delete_doc("ZZ Sister System", cls.system, force=True, ignore_permissions=True)
		users = [u for u in (getattr(cls, "hotline", None), getattr(cls, "clerk_b", None)) if u]
		delete_committed(cls.tree, users)

	def step(self, name: str, ok: bool = True):
		result = self.out[name]
		self.assertEqual(result["ok"], ok, f"{name}: {json.dumps(result, ensure_ascii=False)}")
		return result["data"] if ok else result["error"]

	def assert_translated_refusal(self, name: str, statuses: tuple[int, ...], explained: bool = True):
		"""A 4xx the SDK rejects with, whose messages are Chinese and name nothing of anyone's data;
		`explained`: it says why (bad input does; a refused record need not)."""
		error = self.step(name, ok=False)
		self.assertIn(error["httpStatus"], statuses, error)
		shown = messages(error)
		if explained:
			self.assertTrue(shown, error)
		for message in shown:
			self.assertRegex(message, CHINESE, f"{name}: not in the user's language: {message}")
		text = json.dumps(error, ensure_ascii=False)
		for secret in (
			APPLICANT_ID,
			APPLICANT_PHONE,
			self.bad_id,
			OTHER_ID,
			OTHER_PHONE,
			"吴他镇",
			OTHER_FACTS,
		):
			self.assertNotIn(secret, text, name)
		self.assertNotIn("Traceback", text)
		return error

	# ------------------------------------------------------------ what the system may do
	def test_the_sdk_registers_a_two_party_case_once(self):
		self.assertEqual(self.out["sdk_version"], "1.14.1")
		first = self.step("intake")
		self.assertRegex(first["case_number"], r"^430921100-\d{4}-\d{6}$")
		self.assertEqual((first["external_id"], first["external_system"]), (self.external_id, self.system))
		self.assertFalse(first["replayed"])
		again = self.step("replay")
		self.assertEqual((again["case_number"], again["replayed"]), (first["case_number"], True))
		cases = frappe.get_all(
			"ZZ Case",
			filters={"external_id": self.external_id, "external_system": self.system},
			fields=["name", "receiving_center", "channel", "first_receiver"],
		)
		self.assertEqual(len(cases), 1)
		self.assertEqual(
			(cases[0].receiving_center, cases[0].channel, cases[0].first_receiver),
			(self.tree.town_a, "12345 Hotline", self.hotline),
		)
		parties = frappe.get_all(
			"ZZ Case Party", filters={"parent": cases[0].name}, pluck="party_role", order_by="idx"
		)
		self.assertEqual(parties, ["Applicant", "Respondent"])

	def test_the_status_method_by_case_number_and_by_own_id(self):
		number = self.step("intake")["case_number"]
		by_number = self.step("status_by_number")
		by_id = self.step("status_by_external_id")
		self.assertEqual(by_number, by_id)
		self.assertEqual((by_number["case_number"], by_number["external_id"]), (number, self.external_id))
		self.assertEqual([m["status"] for m in by_number["milestones"]], ["Case Received"])
		self.assertNotIn(APPLICANT_PHONE, json.dumps(by_number))

	def test_lists_and_reads_only_its_own_cases(self):
		own = self.step("own_list")
		self.assertEqual(len(own), 1, own)
		self.assertEqual(
			(own[0]["case_number"], own[0]["external_system"], own[0]["receiving_center"]),
			(self.step("intake")["case_number"], self.system, self.tree.town_a),
		)
		listed = self.step("everything_listed")
		self.assertEqual({row["external_system"] for row in listed}, {self.system}, listed)
		self.assertEqual([row["name"] for row in listed], [own[0]["name"]])
		doc = self.step("own_doc")
		self.assertEqual((doc["name"], doc["external_id"]), (own[0]["name"], self.external_id))
		self.assertEqual([p["party_name"] for p in doc["parties"]], ["赵热线", "某某餐饮店"])
		self.assertEqual(self.step("other_in_list"), [])
		self.assertEqual((self.step("own_count"), self.step("other_count")), (1, 0))

	# ------------------------------------------------------------ what it is refused
	def test_another_centres_case_is_refused_without_its_data(self):
		error = self.assert_translated_refusal("other_doc", (403, 404), explained=False)
		text = json.dumps(error, ensure_ascii=False)
		self.assertNotIn(self.other.title, text)
		self.assertNotIn(self.other.name, text)
		error = self.assert_translated_refusal("other_status", (404,))
		self.assertEqual([e["code"] for e in error["errors"]], ["not_found"])
		self.assertEqual(error["message"], "case_number: 贵系统没有该案号的案件。")  # what the SDK shows
		self.assertNotIn(self.other.number, json.dumps(error, ensure_ascii=False))

	def test_a_field_it_may_not_read_is_refused(self):
		error = self.assert_translated_refusal("forbidden_field", (403,))
		self.assertEqual(error["exc_type"], "ProtectedFieldQueryError")

	def test_bad_input_is_answered_in_chinese_and_saves_nothing(self):
		error = self.assert_translated_refusal("bad_intake", (422,))
		self.assertEqual(
			{(e["field"], e["code"]) for e in error["errors"]},
			{("title", "required"), ("parties[0].id_number", "invalid"), ("parties[0].phone", "invalid")},
		)
		# the SDK rejects with the body's own message, not with its English "There was an error."
		for e in error["errors"]:
			self.assertIn(f"{e['field']}: {e['message']}", error["message"])
		self.assert_translated_refusal("bad_resource", (417,))
		error = self.assert_translated_refusal("bad_status", (400,))
		self.assertEqual([e["code"] for e in error["errors"]], ["required"])
		saved = frappe.get_all(
			"ZZ Case",
			filters={"external_id": ["in", [f"{self.external_id}-bad", f"{self.external_id}-rest"]]},
		)
		self.assertEqual(saved, [])
