"""A third-party Open311 GeoReport v2 client (the `georeport` library from PyPI, written by nobody here)
against the test site's web server, over real HTTP: the public service list and definitions, a request
posted with the spec's api_key, read back by id and listed with filters, JSON and XML, and the spec's errors.

The library reads only (it has no call to create a request), so the POST is the spec's form sent with
`requests`, as any client sends it. A read-back call signs in as the library lets one: the key and secret
in the root address (HTTP Basic). The web server is another process: fixtures are committed, and removed
afterwards."""

import re
import time
from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import frappe
import requests
import xmltodict
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_system_timezone, get_url, now_datetime
from georeport import GeoReport

from zongzhi_center.tests.factories import (
	api_credentials,
	delete_committed,
	make_center_tree,
	make_user,
	unique,
)

PHONE = "13877776666"
FACTS = "小区门口路灯损坏多日，夜间出行不便，请求尽快维修。"
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
CJK = re.compile(r"[\u4e00-\u9fff]")
CHINESE = {"Accept-Language": "zh-CN,zh;q=0.9"}


def zh(text: str) -> str:
	"""The app's Chinese for an English source string."""
	previous = frappe.local.lang
	frappe.local.lang = "zh"
	try:
		return frappe._(text)
	finally:
		frappe.local.lang = previous


def wait_for_server(base: str, seconds: int = 120) -> None:
	"""The web server answers (a parallel test run may be restarting it)."""
	deadline = time.monotonic() + seconds
	while True:
		try:
			if requests.get(f"{base}/api/method/ping", timeout=10).status_code == 200:
				return
		except requests.ConnectionError:
			pass
		if time.monotonic() > deadline:
			raise AssertionError(f"the site's web server at {base} does not answer")
		time.sleep(1)


def with_credentials(url: str, credentials: str) -> str:
	"""The root address with the sister system's key and secret in it (HTTP Basic, as the library sends)."""
	parts = urlsplit(url)
	return urlunsplit(parts._replace(netloc=f"{credentials}@{parts.netloc}"))


class TestOpen311Client(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.integration = make_user(["ZZ Integration"], cls.tree.town_a, with_api_key=True)
		cls.other = make_user(["ZZ Integration"], cls.tree.town_b, with_api_key=True)
		cls.clerk = make_user(["ZZ Intake Clerk"], cls.tree.town_a, with_api_key=True)
		# a sister system run in Chinese: its answers are in the language of its user, as the desk's are
		frappe.db.set_value("User", cls.integration, "language", "zh")
		cls.systems = [
			frappe.get_doc(
				{
					"doctype": "ZZ Sister System",
					"system_code": unique(code),
					"system_name": code,
					"user": user,
					"default_center": center,
					"source": "Government Source",
					"channel": "12345 Hotline",
				}
			)
			.insert(ignore_permissions=True)
			.name
			for code, user, center in (
				("grid-app", cls.integration, cls.tree.town_a),
				("grid-app-b", cls.other, cls.tree.town_b),
			)
		]
		cls.credentials = {u: api_credentials(u) for u in (cls.integration, cls.other, cls.clerk)}
		cls.key = cls.credentials[cls.integration]
		leaves = frappe.get_all("ZZ Case Category", filters={"is_group": 0}, pluck="name", order_by="lft asc")
		cls.category = next(c for c in leaves if re.fullmatch(r"[\u4e00-\u9fff]+", c))
		cls.groups = frappe.get_all("ZZ Case Category", filters={"is_group": 1}, pluck="name")
		frappe.db.commit()
		cls.root = f"{get_url()}/open311/v2"
		wait_for_server(get_url())
		cls.public = GeoReport(cls.root)
		cls.client = GeoReport(with_credentials(cls.root, cls.key))
		cls.xml_client = GeoReport(with_credentials(cls.root, cls.key), output_format="xml")
		cls.number = cls.post(
			{
				"service_code": cls.category,
				"description": FACTS,
				"first_name": "晓明",
				"last_name": "欧阳",
				"phone": PHONE,
				"address_string": "青石镇人民路12号",
				"attribute[matter_type]": "Governance Matter",
			}
		).json()[0]["service_request_id"]

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		for system in cls.systems:
			frappe.delete_doc("ZZ Sister System", system, force=True, ignore_permissions=True)
		for attempt in range(3):
			try:
				delete_committed(cls.tree, list(cls.credentials))
				break
			except frappe.QueryDeadlockError:
				# other test runs move the same centre tree at the same moment: the deletion is tried again
				frappe.db.rollback()
				if attempt == 2:
					raise
				time.sleep(2)
		super().tearDownClass()

	@classmethod
	def post(cls, form: dict, api_key: str | None = None, headers: dict | None = None) -> requests.Response:
		data = {**form, "api_key": api_key if api_key is not None else cls.key}
		if api_key == "":
			del data["api_key"]
		return requests.post(f"{cls.root}/requests.json", data=data, headers=headers, timeout=60)

	def setUp(self):
		wait_for_server(get_url())

	def cases_of_system(self) -> int:
		frappe.db.commit()  # a fresh snapshot: the server committed on its own connection
		return frappe.db.count("ZZ Case", {"external_system": self.systems[0]})

	def assert_spec_errors(self, response, status: int, field: str | None = None) -> list[dict]:
		self.assertEqual(response.status_code, status, response.text)
		self.assertTrue(response.headers["Content-Type"].startswith("application/json"), response.text)
		body = response.json()
		self.assertIsInstance(body, list)
		for error in body:
			self.assertEqual(set(error), {"code", "description"})
			self.assertEqual(error["code"], status)
		if field:
			self.assertTrue(any(e["description"].startswith(f"{field}: ") for e in body), body)
		return body

	# ------------------------------------------------------------ services (public)
	def test_services_are_public_leaf_categories_with_definitions(self):
		services = self.public.get_service_list()
		codes = [s["service_code"] for s in services]
		self.assertIn(self.category, codes)
		self.assertFalse(set(codes) & set(self.groups), "a group category is not a service")
		service = services[codes.index(self.category)]
		self.assertIs(service["metadata"], True)
		self.assertEqual(service["type"], "realtime")

		definition = self.public.get_service_definition(self.category)
		self.assertEqual(definition["service_code"], self.category)
		attributes = {a["code"]: a for a in definition["attributes"]}
		self.assertEqual(
			set(attributes), {"matter_type", "incident_date", "amount_in_dispute", "receiving_center"}
		)
		self.assertEqual(attributes["matter_type"]["datatype"], "singlevaluelist")
		self.assertIn("Governance Matter", [v["key"] for v in attributes["matter_type"]["values"]])

		# the same as XML, with the spec's element names
		xml_public = GeoReport(self.root, output_format="xml")
		listed = xml_public.get_service_list()
		self.assertIn(self.category, [s["service_code"] for s in listed])
		self.assertFalse({s["service_code"] for s in listed} & set(self.groups))
		xml_definition = xml_public.get_service_definition(self.category)
		self.assertEqual(xml_definition["service_code"], self.category)
		self.assertEqual(
			[a["code"] for a in xml_definition["attributes"]["attribute"]],
			[a["code"] for a in definition["attributes"]],
		)

		# a group or an unknown code has no definition: the spec's 404, JSON or XML, in Chinese
		for code in (self.groups[0], "没有这个服务"):
			response = requests.get(f"{self.root}/services/{code}.json", headers=CHINESE, timeout=60)
			body = self.assert_spec_errors(response, 404, "service_code")
			self.assertRegex(body[0]["description"], CJK)
		response = requests.get(f"{self.root}/services/没有这个服务.xml", timeout=60)
		self.assertEqual(response.status_code, 404)
		errors = xmltodict.parse(response.content)["errors"]["error"]
		self.assertEqual(errors["code"], "404")
		self.assertTrue(errors["description"].startswith("service_code: "))

	# ------------------------------------------------------------ a request, posted and read back
	def test_posted_request_is_stored_as_given_and_read_back_without_personal_data(self):
		frappe.db.commit()
		case = frappe.get_doc("ZZ Case", {"case_number": self.number})
		self.assertEqual(case.external_system, self.systems[0])
		self.assertEqual(case.category, self.category)
		self.assertEqual(case.matter_type, "Governance Matter")  # from the attribute
		self.assertEqual(case.parties[0].party_name, "欧阳晓明")  # family name then given name, no space

		found = self.client.get_service_request(self.number)
		self.assertEqual(found["service_request_id"], self.number)
		self.assertEqual(found["status"], "open")
		self.assertEqual(found["status_notes"], zh("Case Received"))
		self.assertRegex(found["status_notes"], CJK)
		self.assertEqual((found["service_code"], found["service_name"]), (self.category, self.category))
		for field in ("requested_datetime", "updated_datetime"):
			self.assertRegex(found[field], ISO_WITH_OFFSET)
		requested = datetime.fromisoformat(found["requested_datetime"])
		self.assertGreaterEqual(datetime.fromisoformat(found["updated_datetime"]), requested)
		# the site's own offset (Asia/Shanghai: +08:00), and the moment the case was received
		site_zone = ZoneInfo(get_system_timezone())
		self.assertEqual(requested.utcoffset(), case.received_at.replace(tzinfo=site_zone).utcoffset())
		self.assertEqual(requested.replace(tzinfo=None), case.received_at.replace(microsecond=0))

		# nothing of the parties or the facts, in JSON or XML
		for fmt in ("json", "xml"):
			text = requests.get(
				f"{with_credentials(self.root, self.key)}/requests/{self.number}.{fmt}", timeout=60
			).text
			for secret in (PHONE, "欧阳", "晓明", "路灯", "人民路"):
				self.assertNotIn(secret, text)

		as_xml = self.xml_client.get_service_request(self.number)
		self.assertEqual(
			(as_xml["service_request_id"], as_xml["status"], as_xml["status_notes"]),
			(self.number, "open", found["status_notes"]),
		)

		# another system does not see it, as if it did not exist
		other = GeoReport(with_credentials(self.root, self.credentials[self.other]))
		with self.assertRaises(requests.HTTPError) as refused:
			other.get_service_request(self.number)
		self.assert_spec_errors(refused.exception.response, 404, "service_request_id")
		self.assertEqual(other.get_service_requests(), [])

	def test_listing_the_callers_recent_requests_with_filters(self):
		listed = self.client.get_service_requests()
		self.assertIn(self.number, [r["service_request_id"] for r in listed])
		by_id = self.client.get_service_requests(service_request_id=self.number)
		self.assertEqual([r["service_request_id"] for r in by_id], [self.number])

		zone = ZoneInfo(get_system_timezone())
		now = now_datetime().replace(tzinfo=zone)
		day_ago = (now - timedelta(days=1)).isoformat(timespec="seconds")
		tomorrow = (now + timedelta(days=1)).isoformat(timespec="seconds")

		def numbers(**filters):
			return [r["service_request_id"] for r in self.client.get_service_requests(**filters)]

		self.assertIn(self.number, numbers(start_date=day_ago, end_date=tomorrow))
		self.assertIn(self.number, numbers(status="open"))
		self.assertIn(self.number, numbers(service_code=self.category))
		self.assertNotIn(self.number, numbers(status="closed"))
		self.assertNotIn(
			self.number, numbers(start_date="2020-01-01T00:00:00Z", end_date="2020-02-01T00:00:00Z")
		)
		# UTC given, the site's time meant: the window still holds the request
		utc_start = (now - timedelta(hours=1)).astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")
		self.assertIn(self.number, numbers(start_date=utc_start))

		xml_listed = self.xml_client.get_service_requests(service_request_id=self.number)
		xml_listed = xml_listed if isinstance(xml_listed, list) else [xml_listed]
		self.assertEqual([r["service_request_id"] for r in xml_listed], [self.number])

		# filters the spec does not have values for: 400 naming the parameter, nothing listed
		for params, field in (
			({"start_date": "昨天"}, "start_date"),
			({"status": "pending"}, "status"),
			(
				{"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-12-31T00:00:00Z"},
				"start_date/end_date",
			),
		):
			response = requests.get(
				f"{with_credentials(self.root, self.key)}/requests.json", params=params, timeout=60
			)
			body = self.assert_spec_errors(response, 400, field)
			self.assertRegex(body[0]["description"], CJK)

	# ------------------------------------------------------------ errors, in the spec's shape
	def test_refusals_are_in_the_spec_shape_and_change_nothing(self):
		before = self.cases_of_system()
		form = {
			"service_code": self.category,
			"description": FACTS,
			"first_name": "三",
			"last_name": "孙",
			"phone": "13900002222",
		}

		# anonymous: 401; a wrong key or another's secret: 403; a key that is no sister system's: 403
		body = self.assert_spec_errors(self.post(form, api_key="", headers=CHINESE), 401, "api_key")
		self.assertRegex(body[0]["description"], CJK)
		key, _sep, secret = self.key.partition(":")
		for wrong in (
			f"{key}:{'0' * len(secret)}",
			"not-a-key",
			f"{key}:{self.credentials[self.other].split(':')[1]}",
		):
			body = self.assert_spec_errors(self.post(form, api_key=wrong, headers=CHINESE), 403, "api_key")
			self.assertRegex(body[0]["description"], CJK)
		self.assert_spec_errors(self.post(form, api_key=self.credentials[self.clerk]), 403, "api_key")

		# a wrong token where Frappe checks it first: still the spec's shape, never Frappe's HTML page
		stranger = GeoReport(with_credentials(self.root, "nobody:nothing"))
		for call in (stranger.get_service_requests, lambda: stranger.get_service_request(self.number)):
			with self.assertRaises(requests.HTTPError) as refused:
				call()
			self.assert_spec_errors(refused.exception.response, 401, "Authorization")
		response = requests.get(f"{with_credentials(self.root, 'nobody:nothing')}/requests.xml", timeout=60)
		self.assertEqual(response.status_code, 401)
		self.assertEqual(xmltodict.parse(response.content)["errors"]["error"]["code"], "401")
		# a method Open311 does not have
		response = requests.delete(f"{self.root}/requests.json", timeout=60)
		self.assert_spec_errors(response, 405)
		# reading requests needs the key too
		self.assert_spec_errors(requests.get(f"{self.root}/requests.json", timeout=60), 401, "api_key")

		# bad input names the fields the client sent, every problem at once, in the user's Chinese
		body = self.assert_spec_errors(
			self.post({**form, "service_code": "没有这个服务", "attribute[colour]": "红"}), 400
		)
		descriptions = " ".join(e["description"] for e in body)
		self.assertIn("service_code: ", descriptions)
		self.assertIn("attribute[colour]: ", descriptions)
		self.assertNotIn("category", descriptions)
		self.assertRegex(descriptions, CJK)
		self.assert_spec_errors(self.post({**form, "service_code": self.groups[0]}), 400, "service_code")
		body = self.assert_spec_errors(self.post({**form, "description": ""}), 400, "description")
		self.assertNotIn("facts", " ".join(e["description"] for e in body))
		self.assert_spec_errors(
			self.post({**form, "attribute[amount_in_dispute]": "很多"}), 400, "attribute[amount_in_dispute]"
		)
		self.assert_spec_errors(self.post({**form, "phone": "12345"}), 400, "phone")
		response = requests.post(
			f"{self.root}/requests.xml",
			data={**form, "service_code": "没有这个服务", "api_key": self.key},
			timeout=60,
		)
		self.assertEqual(response.status_code, 400)
		self.assertIn("<errors><error><code>400</code><description>service_code: ", response.text)

		self.assertEqual(self.cases_of_system(), before)

	def test_post_answers_the_spec_shape_in_json_and_xml(self):
		form = {
			"service_code": self.category,
			"description": "路面塌陷需要维修。",
			"first_name": "Anna",
			"last_name": "Smith",
			"phone": "13900001111",
		}
		response = self.post(form)
		self.assertEqual(response.status_code, 201, response.text)
		created = response.json()
		self.assertEqual(set(created[0]), {"service_request_id", "service_notice", "account_id"})
		response = requests.post(f"{self.root}/requests.xml", data={**form, "api_key": self.key}, timeout=60)
		self.assertEqual(response.status_code, 201, response.text)
		request = xmltodict.parse(response.content)["service_requests"]["request"]
		self.assertRegex(request["service_request_id"], r"^[0-9A-Z-]+$")
		frappe.db.commit()
		self.assertEqual(
			frappe.get_doc("ZZ Case", {"case_number": created[0]["service_request_id"]})
			.parties[0]
			.party_name,
			"Anna Smith",
		)
