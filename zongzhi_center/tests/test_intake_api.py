"""五源汇聚: sister systems send cases over real HTTP requests (token auth) — the v1 API, Frappe's own
/api/resource and the Open311 facade — with idempotent replays (also at the same moment), scoping by
system and centre, field errors that save nothing, the signed status webhook and OpenAPI conformance."""

import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import urlencode

import frappe
import jsonschema
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.api import open311 as open311_api
from zongzhi_center.api import openapi
from zongzhi_center.api import v1 as v1_api
from zongzhi_center.tests.factories import (
	api_credentials,
	delete_committed,
	http,
	id_number,
	make_center_tree,
	make_user,
	unique,
)

V1 = "/api/method/zongzhi_center.api.v1"
O311 = "/api/method/zongzhi_center.api.open311"
SECRET_ID = id_number(41)
SECRET_PHONE = "13955554444"


def send(method, path, credentials=None, params=None, body=None, form=None, headers=None, site=None):
	"""An HTTP request to the site: (status, parsed JSON or None, text)."""
	kwargs = {"json": body} if body is not None else {}
	if form is not None:
		kwargs = {"data": urlencode(form), "content_type": "application/x-www-form-urlencoded"}
	headers = {"Accept": "application/json", **(headers or {})}
	status, data = http(method, path, credentials, params, headers, site, **kwargs)
	text = data.decode()
	try:
		return status, json.loads(text), text
	except ValueError:
		return status, None, text


SPEC = openapi.document()
RESOLVER_ROOT = {"components": SPEC["components"]}


def conforms(test, path: str, method: str, status: int, body):
	"""The answer matches what the OpenAPI document says of this path, method and status."""
	operation = SPEC["paths"][path][method.lower()]
	test.assertIn(str(status), operation["responses"], f"{method} {path} answered {status}, not described")
	schema = operation["responses"][str(status)]["content"]["application/json"]["schema"]
	jsonschema.validate(body, {**schema, **RESOLVER_ROOT})


class TestIntakeAPI(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.user_a = make_user(["ZZ Integration"], cls.tree.town_a, with_api_key=True)
		cls.user_b = make_user(["ZZ Integration"], cls.tree.town_b, with_api_key=True)
		cls.clerk = make_user(["ZZ Intake Clerk"], cls.tree.town_a, with_api_key=True)
		cls.system_a = cls.make_system(
			"hotline", cls.user_a, cls.tree.town_a, "Government Source", "12345 Hotline"
		)
		cls.system_b = cls.make_system("police", cls.user_b, cls.tree.town_b, "Police Source", "110 Link")
		cls.category = frappe.get_all("ZZ Case Category", filters={"is_group": 0}, pluck="name", limit=1)[0]
		cls.keys = {u: api_credentials(u) for u in (cls.user_a, cls.user_b, cls.clerk)}
		frappe.db.commit()

	@classmethod
	def make_system(cls, code, user, center, source, channel):
		return (
			frappe.get_doc(
				{
					"doctype": "ZZ Sister System",
					"system_code": unique(code),
					"system_name": code,
					"user": user,
					"default_center": center,
					"source": source,
					"channel": channel,
				}
			)
			.insert(ignore_permissions=True)
			.name
		)

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		for system in (cls.system_a, cls.system_b):
			webhook = frappe.db.get_value("ZZ Sister System", system, "webhook")
			frappe.delete_doc("ZZ Sister System", system, force=True, ignore_permissions=True)
			if webhook:
				frappe.db.delete("Webhook Request Log", {"webhook": webhook})
				frappe.delete_doc("Webhook", webhook, force=True, ignore_permissions=True)
		frappe.db.delete("File", {"attached_to_doctype": "ZZ Case", "file_name": ["like", "zz-intake-%"]})
		delete_committed(cls.tree, cls.keys)
		super().tearDownClass()

	def payload(self, **overrides):
		body = {
			"title": "楼上漏水纠纷",
			"facts": "楼上住户卫生间漏水，多次协商未果，请求调解赔偿。",
			"external_id": unique("ext"),
			"category": self.category,
			"parties": [
				{
					"party_role": "Applicant",
					"party_name": "赵接口",
					"id_number": SECRET_ID,
					"phone": SECRET_PHONE,
				},
				{"party_role": "Respondent", "party_name": "钱接口"},
			],
		}
		body.update(overrides)
		return body

	def cases_with(self, external_id):
		frappe.db.rollback()  # a fresh snapshot: what the server committed
		return frappe.get_all("ZZ Case", filters={"external_id": external_id}, pluck="name")

	# ------------------------------------------------------------ intake and replay
	def test_submit_then_replay_returns_the_first_answer(self):
		body = self.payload()
		status, first, _ = send("POST", f"{V1}.submit_case", self.keys[self.user_a], body=body)
		self.assertEqual(status, 201, first)
		conforms(self, f"{V1}.submit_case", "POST", status, first)
		self.assertTrue(first["case_number"], first)
		self.assertIn("/track/", first["tracking_url"])
		self.assertEqual(first["external_system"], self.system_a)
		self.assertFalse(first["replayed"])
		status, again, _ = send("POST", f"{V1}.submit_case", self.keys[self.user_a], body=body)
		self.assertEqual(status, 200, again)
		self.assertEqual(again["case_number"], first["case_number"])
		self.assertTrue(again["replayed"])
		cases = self.cases_with(body["external_id"])
		self.assertEqual(len(cases), 1)
		case = frappe.get_doc("ZZ Case", cases[0])
		# the system's own source and channel, first receiver the system's user, in its centre
		self.assertEqual(
			(case.source, case.channel, case.first_receiver, case.receiving_center),
			("Government Source", "12345 Hotline", self.user_a, self.tree.town_a),
		)
		# the same id with another body: a conflict, not a second case
		status, conflict, _text = send(
			"POST", f"{V1}.submit_case", self.keys[self.user_a], body={**body, "title": "另一件事"}
		)
		self.assertEqual(status, 409, conflict)
		conforms(self, f"{V1}.submit_case", "POST", status, conflict)
		self.assertEqual(len(self.cases_with(body["external_id"])), 1)

	def test_idempotency_key_header(self):
		key = unique("idem")
		body = self.payload()
		del body["external_id"]
		headers = {"Idempotency-Key": key}
		status, first, _ = send(
			"POST", f"{V1}.submit_case", self.keys[self.user_a], body=body, headers=headers
		)
		self.assertEqual(status, 201, first)
		self.assertEqual(first["external_id"], key)
		status, again, _ = send(
			"POST", f"{V1}.submit_case", self.keys[self.user_a], body=body, headers=headers
		)
		self.assertEqual((status, again["case_number"]), (200, first["case_number"]))
		self.assertEqual(len(self.cases_with(key)), 1)

	def test_concurrent_replays_create_one_case(self):
		body = self.payload()
		results, barrier, site = [], threading.Barrier(4), frappe.local.site

		def post():
			barrier.wait()
			results.append(send("POST", f"{V1}.submit_case", self.keys[self.user_a], body=body, site=site))

		threads = [threading.Thread(target=post) for _ in range(4)]
		for t in threads:
			t.start()
		for t in threads:
			t.join()
		statuses = sorted(r[0] for r in results)
		self.assertEqual(statuses, [200, 200, 200, 201], [r[2] for r in results])
		self.assertEqual(len({r[1]["case_number"] for r in results}), 1)
		self.assertEqual(len(self.cases_with(body["external_id"])), 1)

	def test_bad_input_gets_field_errors_and_saves_nothing(self):
		bad_id = SECRET_ID[:-1] + ("0" if SECRET_ID[-1] != "0" else "1")
		body = self.payload(title="", colour="red")
		body["parties"][0]["id_number"] = bad_id
		body["parties"][1]["phone"] = "12345"
		body["attachments"] = [{"file_name": "a.txt", "content": "not base64!!"}]
		status, answer, text = send("POST", f"{V1}.submit_case", self.keys[self.user_a], body=body)
		self.assertEqual(status, 422, answer)
		conforms(self, f"{V1}.submit_case", "POST", status, answer)
		fields = {(e["field"], e["code"]) for e in answer["errors"]}
		self.assertEqual(
			fields,
			{
				("title", "required"),
				("colour", "unknown_field"),
				("parties[0].id_number", "invalid"),
				("parties[1].phone", "invalid"),
				("attachments[0].content", "invalid"),
			},
		)
		self.assertNotIn(bad_id, text)  # a rejected ID number is never repeated back
		self.assertEqual(self.cases_with(body["external_id"]), [])
		# not a JSON object; a centre the system does not serve; an unknown category
		status, answer, _ = send("POST", f"{V1}.submit_case", self.keys[self.user_a], body=[1, 2])
		self.assertEqual(status, 400, answer)
		body = self.payload(receiving_center=self.tree.town_b, category="没有这个分类")
		status, answer, _ = send("POST", f"{V1}.submit_case", self.keys[self.user_a], body=body)
		self.assertEqual(status, 422)
		self.assertEqual(
			{(e["field"], e["code"]) for e in answer["errors"]},
			{("receiving_center", "not_allowed"), ("category", "not_allowed")},
		)
		self.assertEqual(self.cases_with(body["external_id"]), [])

	def test_field_errors_answer_in_the_callers_language(self):
		body = self.payload(title="长" * 141)
		body["parties"] = body["parties"] * 101  # 202 parties
		answers = {}
		for language in ("zh-CN,zh;q=0.9", "en"):
			status, answer, _ = send(
				"POST",
				f"{V1}.submit_case",
				self.keys[self.user_a],
				body=body,
				headers={"Accept-Language": language},
			)
			self.assertEqual(status, 422, answer)
			answers[language] = {e["field"]: e["message"] for e in answer["errors"]}
		self.assertEqual(
			answers["zh-CN,zh;q=0.9"], {"title": "最多 140 个字符。", "parties": "当事人最多 200 个。"}
		)
		self.assertEqual(
			answers["en"], {"title": "At most 140 characters.", "parties": "At most 200 parties."}
		)
		self.assertEqual(self.cases_with(body["external_id"]), [])

	def test_attachments_become_private_files_of_the_case(self):
		content = "调解申请书".encode()
		body = self.payload(
			attachments=[{"file_name": "zz-intake-申请书.txt", "content": base64.b64encode(content).decode()}]
		)
		status, answer, _ = send("POST", f"{V1}.submit_case", self.keys[self.user_a], body=body)
		self.assertEqual(status, 201, answer)
		case = self.cases_with(body["external_id"])[0]
		files = frappe.get_all(
			"File",
			filters={"attached_to_doctype": "ZZ Case", "attached_to_name": case},
			fields=["file_name", "is_private", "file_url"],
		)
		self.assertEqual(len(files), 1)
		self.assertEqual(files[0].is_private, 1)
		self.assertEqual(
			frappe.get_doc("File", {"file_url": files[0].file_url}).get_content(), content.decode()
		)

	# ------------------------------------------------------------ who may do what
	def test_only_sister_systems_use_the_intake(self):
		status, answer, _ = send("POST", f"{V1}.submit_case", self.keys[self.clerk], body=self.payload())
		self.assertEqual(status, 403, answer)
		conforms(self, f"{V1}.submit_case", "POST", status, answer)
		status, _answer, _ = send("POST", f"{V1}.submit_case", None, body=self.payload())
		self.assertIn(status, (401, 403))
		# a system speaks for itself only
		body = self.payload(external_system=self.system_b)
		status, answer, _ = send("POST", f"{V1}.submit_case", self.keys[self.user_a], body=body)
		self.assertEqual((status, answer["errors"][0]["field"]), (422, "external_system"))

	def test_a_system_reads_back_only_what_it_submitted(self):
		body = self.payload()
		status, first, _ = send("POST", f"{V1}.submit_case", self.keys[self.user_a], body=body)
		self.assertEqual(status, 201)
		params = {"external_id": body["external_id"]}
		status, own, _ = send("GET", f"{V1}.case_status", self.keys[self.user_a], params=params)
		self.assertEqual(status, 200, own)
		conforms(self, f"{V1}.case_status", "GET", status, own)
		self.assertEqual(own["case_number"], first["case_number"])
		self.assertEqual([m["status"] for m in own["milestones"]], ["Case Received"])
		# the other system: its id answers exactly like an id nobody used
		other = send("GET", f"{V1}.case_status", self.keys[self.user_b], params=params)
		missing = send("GET", f"{V1}.case_status", self.keys[self.user_b], params={"external_id": "nobody-1"})
		self.assertEqual(other[0], 404)
		conforms(self, f"{V1}.case_status", "GET", other[0], other[1])
		self.assertEqual(other[1:], missing[1:])
		# Frappe's own REST API: the owner reads it (its phone included), the other system does not
		case = self.cases_with(body["external_id"])[0]
		status, data, _ = send("GET", f"/api/resource/ZZ Case/{case}", self.keys[self.user_a])
		self.assertEqual((status, data["data"]["external_id"]), (200, body["external_id"]))
		status, _data, text = send("GET", f"/api/resource/ZZ Case/{case}", self.keys[self.user_b])
		self.assertEqual(status, 403)
		self.assertNotIn(SECRET_PHONE, text)
		listed = send(
			"GET",
			"/api/resource/ZZ Case",
			self.keys[self.user_b],
			params={"filters": json.dumps([["external_id", "=", body["external_id"]]])},
		)
		self.assertEqual(listed[1]["data"], [])

	def test_frappe_resource_api_works_the_same(self):
		body = self.payload()
		body.update(
			{"doctype": "ZZ Case", "external_system": self.system_b, "receiving_center": self.tree.town_a}
		)
		status, created, _ = send("POST", "/api/resource/ZZ Case", self.keys[self.user_a], body=body)
		self.assertEqual(status, 200, created)
		self.assertEqual(created["data"]["external_system"], self.system_a)  # the caller's, not the body's
		status, _dup, _ = send("POST", "/api/resource/ZZ Case", self.keys[self.user_a], body=body)
		self.assertEqual(status, 409)
		self.assertEqual(len(self.cases_with(body["external_id"])), 1)
		# and the v1 API knows it as the same case
		del body["doctype"], body["external_system"]
		status, replay, _ = send("POST", f"{V1}.submit_case", self.keys[self.user_a], body=body)
		self.assertEqual((status, replay["case_number"]), (200, created["data"]["case_number"]))
		# without its own id a sister system cannot register a case
		body.pop("external_id")
		body["doctype"] = "ZZ Case"
		status, _missing, _ = send("POST", "/api/resource/ZZ Case", self.keys[self.user_a], body=body)
		self.assertEqual(status, 417)

	# ------------------------------------------------------------ Open311
	def test_open311_facade(self):
		status, services, _ = send("GET", f"{O311}.services", self.keys[self.user_a])
		self.assertEqual(status, 200, services)
		conforms(self, f"{O311}.services", "GET", status, services)
		self.assertIn(self.category, [s["service_code"] for s in services])
		form = {
			"service_code": self.category,
			"description": "路灯损坏多日无人维修，夜间出行不便。",
			"address_string": "青石镇人民路12号",
			"first_name": "三",
			"last_name": "孙",
			"phone": SECRET_PHONE,
		}
		key = unique("o311")
		status, created, _ = send(
			"POST", f"{O311}.requests", self.keys[self.user_a], form=form, headers={"Idempotency-Key": key}
		)
		self.assertEqual(status, 201, created)
		conforms(self, f"{O311}.requests", "POST", status, created)
		number = created[0]["service_request_id"]
		status, again, _ = send(
			"POST", f"{O311}.requests", self.keys[self.user_a], form=form, headers={"Idempotency-Key": key}
		)
		self.assertEqual((status, again[0]["service_request_id"]), (200, number))
		status, found, text = send(
			"GET", f"{O311}.request", self.keys[self.user_a], params={"service_request_id": number}
		)
		self.assertEqual(status, 200, found)
		conforms(self, f"{O311}.request", "GET", status, found)
		self.assertEqual((found[0]["status"], found[0]["status_notes"]), ("open", "Case Received"))
		self.assertNotIn(SECRET_PHONE, text)
		self.assertNotIn("路灯", text)  # the facts stay with the centre
		status, listed, _ = send(
			"GET", f"{O311}.requests", self.keys[self.user_a], params={"service_request_id": number}
		)
		self.assertEqual((status, len(listed)), (200, 1))
		conforms(self, f"{O311}.requests", "GET", status, listed)
		status, missing, _ = send(
			"GET", f"{O311}.request", self.keys[self.user_b], params={"service_request_id": number}
		)
		self.assertEqual(status, 404)
		conforms(self, f"{O311}.request", "GET", status, missing)
		# the same at the paths Open311 clients expect
		status, listed, _ = send("GET", "/open311/v2/services.json", self.keys[self.user_a])
		self.assertEqual((status, listed), (200, services))
		status, same, _ = send("GET", f"/open311/v2/requests/{number}.json", self.keys[self.user_a])
		self.assertEqual((status, same), (200, found))
		status, _none, _ = send("GET", f"/open311/v2/requests/{number}.json", self.keys[self.user_b])
		self.assertEqual(status, 404)
		status, created, _ = send(
			"POST",
			"/open311/v2/requests.json",
			self.keys[self.user_a],
			form=form,
			headers={"Idempotency-Key": key},
		)
		self.assertEqual((status, created[0]["service_request_id"]), (200, number))
		status, bad, _ = send("POST", f"{O311}.requests", self.keys[self.user_a], form={"service_code": "x"})
		self.assertEqual(status, 400, bad)
		conforms(self, f"{O311}.requests", "POST", status, bad)

	# ------------------------------------------------------------ OpenAPI
	def test_openapi_document_describes_exactly_the_api(self):
		status, document, _ = send("GET", f"{V1}.openapi")
		self.assertEqual(status, 200)
		self.assertEqual(document["openapi"], "3.1.0")
		documented = set(document["paths"])
		whitelisted = {
			f"/api/method/{module.__name__}.{name}"
			for module in (v1_api, open311_api)
			for name, fn in vars(module).items()
			if callable(fn) and fn in frappe.whitelisted and fn.__module__ == module.__name__
		}
		self.assertEqual(documented, whitelisted)
		# every schema reference resolves, and the request schema accepts what the tests send
		jsonschema.validate(self.payload(), {**SPEC["components"]["schemas"]["CaseIntake"], **RESOLVER_ROOT})

	# ------------------------------------------------------------ status webhook
	def test_status_changes_are_pushed_signed(self):
		received = []

		class Handler(BaseHTTPRequestHandler):
			def do_POST(self):
				data = self.rfile.read(int(self.headers["Content-Length"]))
				received.append((dict(self.headers), data))
				self.send_response(200)
				self.end_headers()

			def log_message(self, *args):
				pass

		server = HTTPServer(("127.0.0.1", 0), Handler)
		threading.Thread(target=server.serve_forever, daemon=True).start()
		self.addCleanup(server.shutdown)
		system = frappe.get_doc("ZZ Sister System", self.system_a)
		system.callback_url = f"http://127.0.0.1:{server.server_port}/zz-callback"
		system.save(ignore_permissions=True)
		webhook = frappe.get_doc("Webhook", system.webhook)
		self.assertEqual((webhook.webhook_doctype, webhook.enable_security), ("ZZ Case", 1))
		frappe.db.commit()
		body = self.payload()
		status, first, _ = send("POST", f"{V1}.submit_case", self.keys[self.user_a], body=body)
		self.assertEqual(status, 201)
		case = frappe.get_doc("ZZ Case", self.cases_with(body["external_id"])[0])
		# a clerk of the centre accepts the case; the status goes back to the hotline once committed
		from frappe.model.workflow import apply_workflow

		apply_workflow(case, "Accept Case")
		frappe.db.commit()
		for _i in range(50):
			if received:
				break
			time.sleep(0.1)
		self.assertEqual(len(received), 1, received)
		headers, data = received[0]
		secret = webhook.get_password("webhook_secret").encode()
		expected = base64.b64encode(
			hmac.new(secret, json.dumps(json.loads(data)).encode(), hashlib.sha256).digest()
		).decode()
		self.assertEqual(headers["X-Frappe-Webhook-Signature"], expected)
		pushed = json.loads(data)
		self.assertEqual(
			(pushed["case_number"], pushed["external_id"], pushed["workflow_state"], pushed["status"]),
			(first["case_number"], body["external_id"], "Accepted", "Accepted"),
		)
		self.assertNotIn(SECRET_PHONE, data.decode())
		# an edit that changes no state pushes nothing
		case.reload()
		case.incident_location = "青石镇"
		case.save()
		frappe.db.commit()
		time.sleep(0.3)
		self.assertEqual(len(received), 1)
