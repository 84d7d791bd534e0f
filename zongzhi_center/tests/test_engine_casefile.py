"""The case file manifest, public milestones and tokens, and follow-up visit dates."""

import unittest
from datetime import date

from zongzhi_center.engine import archive, followup, tracking
from zongzhi_center.tests.engine_fixtures import CALENDAR_2026, at


class TestManifest(unittest.TestCase):
	FILES = [("dossier.pdf", b"%PDF-1.4 \xe6\xa1\x88\xe5\x8d\xb7"), ("agreement.pdf", b"%PDF-1.4 agreement")]

	def test_manifest_lists_every_file_with_size_and_checksum_and_verifies(self):
		manifest = archive.build("430921-2026-000001", self.FILES, "2026-11-24 10:00:00")
		self.assertEqual([e["name"] for e in manifest["files"]], ["agreement.pdf", "dossier.pdf"])
		self.assertEqual(manifest["files"][1]["size"], len(self.FILES[0][1]))
		# SHA-256 of "abc", FIPS 180-2 test vector
		abc = archive.build("x", [("abc.txt", b"abc")], "2026-11-24")["files"][0]["sha256"]
		self.assertEqual(abc, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
		self.assertEqual(archive.verify(manifest, self.FILES), [])
		# canonical: the same manifest serialises to the same bytes
		self.assertEqual(archive.dumps(manifest), archive.dumps(dict(reversed(list(manifest.items())))))

	def test_changed_missing_and_extra_files_are_reported(self):
		manifest = archive.build("430921-2026-000001", self.FILES, "2026-11-24 10:00:00")
		tampered = [("dossier.pdf", b"%PDF-1.4 forged"), ("note.txt", b"extra")]
		self.assertEqual(
			archive.verify(manifest, tampered),
			["missing: agreement.pdf", "changed: dossier.pdf", "not in the manifest: note.txt"],
		)

	def test_duplicate_names_refused(self):
		with self.assertRaises(ValueError):
			archive.build("x", [("a.pdf", b"1"), ("a.pdf", b"2")], "2026-11-24")


class TestPublicTracking(unittest.TestCase):
	def test_milestones_hide_internal_states_and_collapse_repeats(self):
		history = [
			("Registered", at("2026-11-20 09:00")),
			("Accepted", at("2026-11-20 10:00")),
			("Routed", at("2026-11-20 11:00")),
			("In Mediation", at("2026-11-21 09:00")),
			("In Consultation", at("2026-11-22 09:00")),
			("Resolved", at("2026-11-23 16:00")),
			("Secret Internal Review", at("2026-11-23 17:00")),
		]
		self.assertEqual(
			[(m.label, m.at) for m in tracking.milestones(history)],
			[
				("Case Received", at("2026-11-20 09:00")),
				("Accepted", at("2026-11-20 10:00")),
				("Being Handled", at("2026-11-20 11:00")),
				("Resolved", at("2026-11-23 16:00")),
			],
		)

	def test_tokens_are_long_random_and_checked_before_lookup(self):
		tokens = {tracking.new_token() for _ in range(200)}
		self.assertEqual(len(tokens), 200)
		self.assertTrue(all(tracking.well_formed(t) and len(t) >= 32 for t in tokens))
		for bad in (
			None,
			"",
			"short",
			"430921-2026-000001",
			"x" * 21,
			"a" * 129,
			"abc/../def" + "a" * 20,
			"案" * 30,
		):
			self.assertFalse(tracking.well_formed(bad), bad)

	def test_phone_last_four(self):
		self.assertTrue(tracking.phone_matches(["13912345678", None], "5678"))
		self.assertFalse(tracking.phone_matches(["13912345678"], "5679"))
		self.assertFalse(tracking.phone_matches(["13912345678"], "678"))
		self.assertFalse(tracking.phone_matches(["13912345678"], "56a8"))
		self.assertFalse(tracking.phone_matches([None, ""], "####"))


class TestFollowUp(unittest.TestCase):
	def test_offsets_parsed_and_visits_moved_to_working_days(self):
		self.assertEqual(followup.parse_offsets("30，7 7"), [7, 30])
		with self.assertRaises(ValueError):
			followup.parse_offsets("7, -1")
		# resolved Friday 25 September 2026: +7 = Friday 2 October (National Day) → Thursday 8 October
		dates = followup.visit_dates(date(2026, 9, 25), [7, 30], CALENDAR_2026)
		self.assertEqual(dates, [date(2026, 10, 8), date(2026, 10, 26)])

	def test_satisfaction_rate(self):
		self.assertEqual(followup.satisfaction_rate([True, True, False, None]), 2 / 3)
		self.assertIsNone(followup.satisfaction_rate([None]))
