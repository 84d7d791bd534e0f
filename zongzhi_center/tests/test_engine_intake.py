"""Intake from sister systems: every problem reported at once with a stable path and code, nothing
echoed back; the Open311 facade."""

import json
import unittest
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from zongzhi_center.engine import intake, open311

ID_NUMBER = "430921198503150017"


def payload(**overrides):
	body = {
		"title": "拖欠工资",
		"facts": "工程结束后工资未结清。",
		"source": "Government Source",
		"channel": "12345 Hotline",
		"external_system": "12345",
		"external_id": "GD-2026-000123",
		"parties": [
			{
				"party_role": "Applicant",
				"party_name": "张建国",
				"id_number": ID_NUMBER,
				"phone": "+86 139 0737 1234",
			},
			{"party_role": "Respondent", "party_type": "Organisation", "party_name": "宏达建筑公司"},
		],
	}
	body.update(overrides)
	return body


class TestIntake(unittest.TestCase):
	def test_valid_case_is_cleaned(self):
		clean, errors = intake.validate(payload())
		self.assertEqual(errors, [])
		self.assertEqual(clean["parties"][0]["phone"], "13907371234")
		self.assertEqual(clean["parties"][0]["party_type"], "Person")
		self.assertEqual(clean["matter_type"], "Dispute Mediation")

	def test_every_problem_is_reported_with_path_and_code(self):
		bad = payload(
			title="",
			source="Rumour",
			external_id="has spaces",
			amount_in_dispute=-5,
			colour="Red",
			parties=[
				{
					"party_role": "Applicant",
					"party_name": "张建国",
					"id_number": "430921198503150013",
					"phone": "12",
				},
				{"party_role": "Witness", "party_name": ""},
			],
		)
		clean, errors = intake.validate(bad)
		self.assertIsNone(clean)
		self.assertEqual(
			{(e.field, e.code) for e in errors},
			{
				("colour", "unknown_field"),
				("title", "required"),
				("source", "not_allowed"),
				("external_id", "invalid"),
				("amount_in_dispute", "invalid"),
				("parties[0].id_number", "invalid"),
				("parties[0].phone", "invalid"),
				("parties[1].party_role", "not_allowed"),
				("parties[1].party_name", "required"),
			},
		)
		# nothing personal is echoed back
		dumped = json.dumps([e.as_dict() for e in errors], ensure_ascii=False)
		self.assertNotIn("430921198503150013", dumped)
		self.assertNotIn("张建国", dumped)

	def test_applicant_needed_and_body_must_be_an_object(self):
		_clean, errors = intake.validate(
			payload(parties=[{"party_role": "Respondent", "party_name": "某公司"}])
		)
		self.assertEqual([(e.field, e.code) for e in errors], [("parties", "required")])
		self.assertEqual(intake.validate(["not", "an", "object"])[1][0].code, "invalid")
		self.assertEqual(intake.validate(payload(parties=[]))[1][0].field, "parties")


class TestOpen311(unittest.TestCase):
	def test_services_from_categories(self):
		services = open311.services([("劳动争议", "工资、工伤", "全部类别")])
		self.assertEqual(services[0]["service_code"], "劳动争议")
		self.assertEqual(services[0]["group"], "全部类别")
		# every service has attributes (the case fields a request may add), in its definition
		self.assertTrue(services[0]["metadata"])
		definition = open311.service_definition("劳动争议")
		self.assertEqual(
			[a["code"] for a in definition["attributes"]],
			["matter_type", "incident_date", "amount_in_dispute", "receiving_center"],
		)
		self.assertIn("Petition", [v["key"] for v in definition["attributes"][0]["values"]])

	def test_post_request_becomes_a_valid_intake(self):
		form = {
			"service_code": "邻里纠纷",
			"description": "楼上夜间装修噪音扰民，多次沟通无效。",
			"first_name": "红",
			"last_name": "陈",
			"phone": "13600000001",
			"lat": "29.36",
			"long": "112.40",
		}
		clean, errors = intake.validate(open311.to_intake(form, external_id="key-1"))
		self.assertEqual(errors, [])
		self.assertEqual(clean["parties"][0]["party_name"], "陈红")  # as given, no space inserted
		self.assertEqual(open311.person_name("Anna", "Smith"), "Anna Smith")
		self.assertEqual(clean["incident_location"], "29.36,112.40")
		self.assertEqual(clean["external_system"], "open311")

	def test_service_request_shows_no_personal_data_or_facts(self):
		request = open311.service_request(
			"430921-2026-000001",
			"邻里纠纷",
			"In Mediation",
			datetime(2026, 11, 20, 9),
			datetime(2026, 11, 21, 9),
		)
		self.assertEqual((request["status"], request["status_notes"]), ("open", "Being Handled"))
		self.assertEqual(
			set(request),
			{
				"service_request_id",
				"status",
				"status_notes",
				"service_code",
				"service_name",
				"agency_responsible",
				"service_notice",
				"requested_datetime",
				"updated_datetime",
				"expected_datetime",
			},
		)
		# ISO 8601 with the site's offset; never updated before it was requested
		shanghai = ZoneInfo("Asia/Shanghai")
		early = open311.service_request(
			"x", None, "Registered", datetime(2026, 11, 20, 9), datetime(2026, 11, 19, 8), zone=shanghai
		)
		self.assertEqual(early["requested_datetime"], "2026-11-20T09:00:00+08:00")
		self.assertEqual(early["updated_datetime"], early["requested_datetime"])
		closed = open311.service_request("x", None, "Archived", datetime(2026, 1, 1), datetime(2026, 2, 1))
		self.assertEqual(closed["status"], "closed")

	def test_attributes_and_errors_name_the_form_fields(self):
		values, problems = open311.attributes_of(
			{
				"attribute[amount_in_dispute]": "1200",
				"attribute[colour]": "red",
				"attribute[matter_type]": "Petition",
			}
		)
		self.assertEqual(values, {"amount_in_dispute": 1200, "matter_type": "Petition"})
		self.assertEqual([field for field, _message in problems], ["attribute[colour]"])
		form = {"address_string": "人民路"}
		self.assertEqual(
			[
				open311.form_field(f, form)
				for f in ("category", "facts", "parties[0].party_name", "incident_location")
			],
			["service_code", "description", "first_name/last_name", "address_string"],
		)

	def test_listing_window_and_xml(self):
		now = datetime(2026, 11, 30, 12)
		start, end, problem = open311.window(None, None, now)
		self.assertEqual((end - start, problem), (timedelta(days=90), None))
		self.assertIsNotNone(open311.window(datetime(2026, 1, 1), datetime(2026, 6, 1), now)[2])
		self.assertEqual(
			open311.parse_moment("2026-01-01T00:00:00Z", ZoneInfo("Asia/Shanghai")), datetime(2026, 1, 1, 8)
		)
		self.assertIsNone(open311.parse_moment("yesterday", ZoneInfo("Asia/Shanghai")))
		xml = open311.to_xml("errors", "error", open311.errors(400, ["service_code: 未知"])).decode()
		self.assertIn("<errors><error><code>400</code><description>service_code: 未知</description>", xml)
