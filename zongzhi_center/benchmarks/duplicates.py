"""Possible duplicates (重复访) for a person with 1,000 earlier cases, as the township clerk's form load meets
it, against a plain list of 20 cases in the same run; the previous way (every candidate's name checked by a
list query and its facts and parties read, the same ID number's cases ranked in Python), whose answer must
be the same; and, once, the unbounded way (every case checked for permission one by one, every one's facts
compared) for comparison.

	cd ~frappe/frappe-bench/sites && ../env/bin/python /path/to/zongzhi_center/benchmarks/duplicates.py \
		--site zongzhi-test.localhost [-n 1000] [--repeat 20]

The earlier cases are stored by the fast path (factories.raw_insert: no controller), each with the party
row intake would have left: the same keyed hash of the person's ID number (``id_key``), no number in
clear. The new case goes through the controller, as at intake. Everything is deleted afterwards.
"""

import argparse
import json
import statistics
import time

from frappe.utils import cint

from zongzhi_center.benchmarks import require_test_site


def timed(call, repeat: int) -> tuple[float, float]:
	call()  # warm: the caches a running worker would have
	times = []
	for _ in range(repeat):
		began = time.perf_counter()
		call()
		times.append((time.perf_counter() - began) * 1000)
	return statistics.median(times), max(times)


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", required=True)
	parser.add_argument("--sites-path", default=".")
	parser.add_argument("-n", type=int, default=1000)
	parser.add_argument("--repeat", type=int, default=20)
	args = parser.parse_args()

	import frappe

	frappe.init(site=args.site, sites_path=args.sites_path)
	frappe.connect()
	require_test_site()
	frappe.set_user("Administrator")
	from zongzhi_center.api import petitions as api
	from zongzhi_center.engine import duplicates
	from zongzhi_center.services import petitions
	from zongzhi_center.tests.factories import (
		as_user,
		delete_committed,
		make_case,
		make_center_tree,
		make_user,
		new_person,
		raw_insert,
		unique,
	)

	tree = make_center_tree()
	clerk = make_user(["ZZ Intake Clerk"], tree.town_a)
	id_number, phone = new_person()
	name = unique("甘")
	id_key = petitions.id_key_of(id_number)
	facts = [
		"宅基地边界纠纷，邻居砌墙占用通道。",
		"拖欠工资三个月，多次讨要未果。",
		"鱼塘承包合同到期补偿争议。",
	]
	began = time.perf_counter()
	earlier = [
		raw_insert(
			{
				"doctype": "ZZ Case",
				"title": f"重复访 {i}",
				"facts": f"{facts[i % 3]}第{i}次反映。",
				"matter_type": "Petition",
				"source": "Petition Source",
				"channel": "Window",
				"receiving_center": tree.town_a,
				"current_center": tree.town_a,
				"case_number": unique("BENCH-DUP"),
				"workflow_state": "Closed",
			},
			{
				"parties": [
					{
						"doctype": "ZZ Case Party",
						"party_role": "Applicant",
						"party_type": "Person",
						"party_name": name,
						"id_key": id_key,
					}
				]
			},
		)
		for i in range(args.n)
	]
	new = make_case(
		tree.town_a,
		clerk,
		facts=facts[0],
		parties=[
			{
				"party_role": "Applicant",
				"party_type": "Person",
				"party_name": name,
				"id_number": id_number,
				"phone": phone,
			}
		],
	).name
	frappe.db.commit()
	print(f"{args.n} earlier cases of one person stored in {time.perf_counter() - began:.1f} s")

	try:
		with as_user(clerk):
			answer = api.suggest_duplicates(new)
			size = len(json.dumps(answer, default=str).encode())
			shown, more = len(answer["suggestions"]), answer["more"]
			base_med, base_max = timed(
				lambda: frappe.get_list("ZZ Case", fields=["name", "case_number", "title"], limit=20),
				args.repeat,
			)
			med, worst = timed(lambda: api.suggest_duplicates(new), args.repeat)
			form_med, form_max = timed(
				lambda: (
					frappe.get_doc("ZZ Case", new).check_permission("read"),
					api.suggest_duplicates(new),
				),
				args.repeat,
			)

			def previous():
				doc = frappe.get_doc("ZZ Case", new)
				doc.check_permission("read")
				settings = frappe.get_cached_doc("ZZ Settings")
				linked = {row.linked_case for row in doc.linked_cases} | {doc.merged_into}
				names = petitions.readable(
					[n for n in petitions.candidates(doc, settings) if n not in linked]
				)
				found, more = duplicates.best(
					petitions.record_of(doc),
					petitions.records(names),
					threshold=cint(settings.duplicate_threshold) or 70,
					limit=cint(settings.duplicate_suggestions) or 20,
				)
				frappe.get_all(
					"ZZ Case",
					filters={"name": ["in", [s.name for s in found]]},
					fields=petitions.SHOWN_FIELDS,
				)
				return [(s.name, s.score, s.reasons) for s in found], more

			prev_med, prev_max = timed(previous, args.repeat)
			count_med, count_max = timed(
				lambda: petitions.count_for(frappe.get_doc("ZZ Case", new)), args.repeat
			)
			now = [(s["name"], s["score"], s["reasons"]) for s in answer["suggestions"]]
			before_answer = previous()
			same = [(n, sc) for n, sc, _r in now] == [(n, sc) for n, sc, _r in before_answer[0]]
			same = same and more == before_answer[1]

			def unbounded():
				doc = frappe.get_doc("ZZ Case", new)
				names = [
					n
					for n in petitions.candidates(doc, frappe.get_cached_doc("ZZ Settings"))
					if frappe.has_permission("ZZ Case", "read", n)
				]
				return duplicates.suggest(petitions.record_of(doc), petitions.records(names))

			duplicates.words.cache_clear()
			began = time.perf_counter()
			before = len(unbounded())
			old_ms = (time.perf_counter() - began) * 1000
		print(f"suggestions: {shown} shown, {more} more; answer {size / 1024:.1f} KB")
		print(f"baseline get_list of 20 cases: median {base_med:.1f} ms, max {base_max:.1f} ms")
		print(f"suggest_duplicates:            median {med:.1f} ms, max {worst:.1f} ms")
		print(f"form load (get_doc + suggest): median {form_med:.1f} ms, max {form_max:.1f} ms")
		print(f"ratio suggest / baseline:      {med / base_med:.1f}x")
		print(f"the previous way:              median {prev_med:.1f} ms, max {prev_max:.1f} ms")
		print(
			f"  now / previous:              {med / prev_med:.2f}x; the same suggestions: {'yes' if same else 'NO'}"
		)
		print(f"the form's count at intake:    median {count_med:.1f} ms, max {count_max:.1f} ms")
		print(f"unbounded, as before (once, cold): {old_ms:.0f} ms for {before} suggestions")
		print("under 300 ms:", "yes" if form_max < 300 else "NO")
	finally:
		frappe.set_user("Administrator")
		frappe.db.rollback()
		for chunk in range(0, len(earlier), 500):
			names = earlier[chunk : chunk + 500]
			frappe.db.delete("ZZ Case Party", {"parenttype": "ZZ Case", "parent": ["in", names]})
			frappe.db.delete("ZZ Case", {"name": ["in", names]})
		frappe.db.commit()
		delete_committed(tree, [clerk])
		frappe.destroy()


if __name__ == "__main__":
	main()
