"""Demo data for ./zz up: one county, its townships, villages and grids, departments, stationed staff, a user
per role and about sixty cases spread over states, sources and risk colours. All names are fictional; the
region codes are real GB/T 2260 codes (湖南省南县, 430921) so that validation passes.

`load_demo_data` is idempotent: it creates only what is missing, and cases are moved along the workflow
with Frappe's own workflow actions, as staff would move them.

    bench --site zongzhi.localhost execute zongzhi_center.setup.demo.load_demo_data
"""

import random
from datetime import datetime, time, timedelta

import frappe
from frappe.model.workflow import apply_workflow, get_workflow_name
from frappe.permissions import add_user_permission
from frappe.utils import add_days, now_datetime, today
from stdnum.cn import ric

from zongzhi_center.services import workflow_names as wn

DEMO_PASSWORD = "Zongzhi@2026"
COUNTY = "南县综治中心"
DEMO_CASES = 60

CENTERS = [
	# name, level, parent, region code
	(COUNTY, "County", None, "430921"),
	("青石镇综治中心", "Township", COUNTY, "430921100"),
	("白沙镇综治中心", "Township", COUNTY, "430921101"),
	("河口街道综治中心", "Township", COUNTY, "430921102"),
	("青石村综治中心", "Village", "青石镇综治中心", "430921100201"),
	("枫林村综治中心", "Village", "青石镇综治中心", "430921100202"),
	("白沙村综治中心", "Village", "白沙镇综治中心", "430921101201"),
	("柳湾村综治中心", "Village", "白沙镇综治中心", "430921101202"),
	("河口社区综治中心", "Village", "河口街道综治中心", "430921102001"),
	("新桥社区综治中心", "Village", "河口街道综治中心", "430921102002"),
	("青石村第一网格", "Grid", "青石村综治中心", None),
	("枫林村第一网格", "Grid", "枫林村综治中心", None),
	("白沙村第一网格", "Grid", "白沙村综治中心", None),
	("柳湾村第一网格", "Grid", "柳湾村综治中心", None),
	("河口社区第一网格", "Grid", "河口社区综治中心", None),
	("新桥社区第一网格", "Grid", "新桥社区综治中心", None),
]

DEPARTMENTS = [
	("南县公安局驻中心警务室", "Police"),
	("南县司法局青石司法所", "Justice Office"),
	("南县人民法院速裁法庭", "Fast-track Court Tribunal"),
	("南县人民检察院驻中心检察室", "Procuratorate"),
	("南县信访局接访室", "Petition Bureau"),
	("南县医疗纠纷人民调解委员会", "Health and Medical Mediation"),
	("南县劳动人事争议仲裁院", "Labour Arbitration Tribunal"),
	("老周调解工作室", "Mediation Studio"),
]

# email, full name, roles, centre, department the user handles
USERS = [
	("director@example.com", "周主任", ["ZZ Center Director"], COUNTY, None),
	("clerk@example.com", "窗口受理员小李", ["ZZ Intake Clerk"], COUNTY, None),
	("dispatcher@example.com", "分流调度员小王", ["ZZ Dispatcher"], COUNTY, None),
	("mediator@example.com", "调解员老周", ["ZZ Mediator", "ZZ Stationed Staff"], COUNTY, None),
	("handler@example.com", "警务室承办人小赵", ["ZZ Department Handler"], COUNTY, "南县公安局驻中心警务室"),
	("staff@example.com", "驻点律师小陈", ["ZZ Stationed Staff"], COUNTY, None),
	("grid@example.com", "网格员小刘", ["ZZ Grid Worker"], "青石村第一网格", None),
	("supervisor@example.com", "督查员小孙", ["ZZ Supervisor"], COUNTY, None),
	("leader@example.com", "分管领导", ["ZZ Leader"], COUNTY, None),
	("integration@example.com", "12345热线对接", ["ZZ Integration"], COUNTY, None),
	("township.clerk@example.com", "青石镇受理员小吴", ["ZZ Intake Clerk"], "青石镇综治中心", None),
]

STAFF = [
	# full name, mode, department, expertise, user, rota
	("老周", "Resident", "老周调解工作室", ["调解员"], "mediator@example.com", None),
	("陈律师", "Resident", "南县司法局青石司法所", ["律师", "法律专家"], "staff@example.com", None),
	("赵警官", "Resident", "南县公安局驻中心警务室", ["民警"], "zhao.police@example.com", None),
	(
		"钱法官",
		"Rotating",
		"南县人民法院速裁法庭",
		["法官"],
		"qian.judge@example.com",
		[("Tuesday", "Full Day"), ("Thursday", "Morning")],
	),
	(
		"孙检察官",
		"Rotating",
		"南县人民检察院驻中心检察室",
		["检察官"],
		"sun.prosecutor@example.com",
		[("Wednesday", "Afternoon")],
	),
	("李信访员", "Resident", "南县信访局接访室", ["信访干部"], "li.petition@example.com", None),
	(
		"吴医生",
		"On-call",
		"南县医疗纠纷人民调解委员会",
		["医学专家", "调解员"],
		"wu.doctor@example.com",
		None,
	),
	("郑心理师", "On-call", "南县司法局青石司法所", ["心理咨询师"], "zheng.counsellor@example.com", None),
	(
		"王仲裁员",
		"Rotating",
		"南县劳动人事争议仲裁院",
		["劳动仲裁员"],
		"wang.arbitrator@example.com",
		[("Monday", "Full Day"), ("Friday", "Morning")],
	),
	("冯调解员", "Resident", "老周调解工作室", ["调解员"], "feng.mediator@example.com", None),
	(
		"蒋律师",
		"Rotating",
		"南县司法局青石司法所",
		["律师"],
		"jiang.lawyer@example.com",
		[("Saturday", "Morning")],
	),
	(
		"韩专家",
		"On-call",
		"南县医疗纠纷人民调解委员会",
		["法律专家", "医学专家"],
		"han.expert@example.com",
		None,
	),
]

# the staff's own desk users: every department that receives cases has somebody who can take them (a
# mediator at the county centre may start mediation on the cases routed to their department)
STAFF_ROLES = ["ZZ Mediator", "ZZ Stationed Staff"]
STAFF_USERS = [
	(user, full_name, STAFF_ROLES, COUNTY, None)
	for full_name, _mode, _dept, _expertise, user, _rota in STAFF
	if user and user not in {u[0] for u in USERS}
]

WINDOWS = [
	("综合受理窗口", "Comprehensive Service"),
	("公共法律服务窗口", "Public Legal Service"),
	("信访接待窗口", "Petition Reception"),
	("劳动争议窗口", "Labour Disputes"),
]
ROOMS = [("第一调解室", 8), ("第二调解室", 6), ("老周调解工作室", 12)]

# target state -> actions from intake, with the fields to fill before each action; states and actions by
# their meaning (services/workflow_names.py), so the demo walks a renamed workflow too
PATHS = {
	"registered": [],
	"accepted": ["accept"],
	"routed": ["accept", "route"],
	"in_mediation": ["accept", "route", "start_mediation"],
	"in_consultation": ["accept", "route", "start_mediation", "request_consultation"],
	"resolved": ["accept", "route", "start_mediation", "mark_resolved"],
	"unresolved": ["accept", "route", "start_mediation", "mark_unresolved"],
	"referred_to_court": [
		"accept",
		"route",
		"start_mediation",
		"mark_unresolved",
		"refer_to_court",
	],
	"follow_up": ["accept", "route", "start_mediation", "mark_resolved", "start_follow_up"],
	"closed": [
		"accept",
		"route",
		"start_mediation",
		"mark_resolved",
		"start_follow_up",
		"close",
	],
	"archived": [
		"accept",
		"route",
		"start_mediation",
		"mark_resolved",
		"start_follow_up",
		"close",
		"archive",
	],
	"not_accepted": ["decline"],
}
STATE_WEIGHTS = {
	"registered": 6,
	"accepted": 5,
	"routed": 5,
	"in_mediation": 8,
	"in_consultation": 4,
	"resolved": 6,
	"unresolved": 3,
	"referred_to_court": 3,
	"follow_up": 5,
	"closed": 8,
	"archived": 4,
	"not_accepted": 3,
}
SOURCES = [
	"Police Source",
	"Government Source",
	"Litigation Source",
	"Petition Source",
	"Grid and Online Source",
]
CHANNEL_BY_SOURCE = {
	"Police Source": "110 Link",
	"Government Source": "12345 Hotline",
	"Litigation Source": "Court Referral",
	"Petition Source": "Window",
	"Grid and Online Source": "Grid Report",
}
# what some applicants say at the window: the shipped risk rules turn these cases yellow, orange or red
RISK_REMARKS = {
	3: "申请人称如不解决将去上访。",  # 上访苗头: yellow
	5: "对方已在网络舆情平台发视频。",  # 网络舆情风险: orange
	10: "申请人情绪激动，扬言要轻生。",  # 生命安全风险: red
}
GROUP_REMARK = "十余名工友曾在工地门口聚集讨要工资。"  # with 10+ parties, 群体性风险: orange
MATTERS = [
	(
		"劳动争议",
		"Labour Claim",
		"拖欠工资纠纷",
		"申请人在某建筑工地务工八个月，工程结束后仍有工资未结清，请求支付。",
	),
	(
		"邻里纠纷",
		"Dispute Mediation",
		"相邻通行纠纷",
		"双方因院前通道被占用发生争执，多次口角，请求调解恢复通行。",
	),
	(
		"婚姻纠纷",
		"Dispute Mediation",
		"离婚财产分割纠纷",
		"双方协议离婚，对共同房产和存款的分割意见不一，请求调解。",
	),
	(
		"医疗纠纷",
		"Dispute Mediation",
		"医疗损害赔偿纠纷",
		"患者术后出现并发症，家属认为医院存在过错，请求赔偿。",
	),
	(
		"宅基地纠纷",
		"Dispute Mediation",
		"宅基地界址纠纷",
		"两户因新建房屋地基越界发生争议，请求依法确定界址。",
	),
	(
		"物业管理",
		"Dispute Mediation",
		"物业服务费纠纷",
		"业主认为物业服务不到位拒交物业费，物业公司请求调解。",
	),
	(
		"消费维权",
		"Legal Consultation",
		"预付卡退费纠纷",
		"健身房停业，会员预付卡余额无法退还，请求协助维权。",
	),
	("交通事故", "Dispute Mediation", "交通事故赔偿纠纷", "双方发生交通事故致一方受伤，对赔偿金额存在分歧。"),
	("信访事项", "Petition", "征地补偿信访事项", "村民对征地补偿标准有异议，多次到县信访，请求重新核算。"),
	("合同债务", "Dispute Mediation", "民间借贷纠纷", "申请人借款给被申请人，逾期未还，请求调解还款。"),
]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗高"
GIVEN = [
	"建国",
	"秀英",
	"志强",
	"桂兰",
	"海燕",
	"国华",
	"丽娟",
	"明",
	"芳",
	"伟",
	"静",
	"磊",
	"洋",
	"敏",
	"军",
]


def load_demo_data(commit: bool = True) -> int:
	frappe.set_user("Administrator")
	ensure_centers()
	ensure_departments()
	ensure_windows_and_rooms()
	ensure_users()
	ensure_staff()
	ensure_sister_systems()
	created = ensure_cases()
	ensure_history()
	if commit:
		frappe.db.commit()
	print(
		f"zongzhi_center demo data: {len(CENTERS)} centres, {len(DEPARTMENTS)} departments, {len(STAFF)} staff, "
		f"{len(USERS)} users, {created} new cases ({frappe.db.count('ZZ Case')} cases in all)"
	)
	return created


def print_demo_logins():
	print(f"Demo logins (password {DEMO_PASSWORD}):")
	for email, full_name, roles, center, _dept in USERS + STAFF_USERS:
		print(f"  {email:30} {full_name:12} {', '.join(roles)} @ {center}")


def ensure_centers():
	for name, level, parent, code in CENTERS:
		if not frappe.db.exists("ZZ Center", name):
			frappe.get_doc(
				{
					"doctype": "ZZ Center",
					"center_name": name,
					"level": level,
					"parent_zz_center": parent,
					"region_code": code,
					"phone": "0737-5221234" if level != "Grid" else None,
					"address": f"湖南省南县{name.replace('综治中心', '')}",
				}
			).insert(ignore_permissions=True)


def ensure_departments():
	for name, kind in DEPARTMENTS:
		if not frappe.db.exists("ZZ Department", name):
			frappe.get_doc(
				{
					"doctype": "ZZ Department",
					"department_name": name,
					"department_type": kind,
					"center": COUNTY,
				}
			).insert(ignore_permissions=True)


def ensure_windows_and_rooms():
	for name, kind in WINDOWS:
		if not frappe.db.exists("ZZ Service Window", {"center": COUNTY, "window_name": name}):
			frappe.get_doc(
				{"doctype": "ZZ Service Window", "window_name": name, "window_type": kind, "center": COUNTY}
			).insert(ignore_permissions=True)
	for name, capacity in ROOMS:
		if not frappe.db.exists("ZZ Mediation Room", {"center": COUNTY, "room_name": name}):
			frappe.get_doc(
				{"doctype": "ZZ Mediation Room", "room_name": name, "capacity": capacity, "center": COUNTY}
			).insert(ignore_permissions=True)


def ensure_users():
	for email, full_name, roles, center, department in USERS + STAFF_USERS:
		if not frappe.db.exists("User", email):
			user = frappe.get_doc(
				{
					"doctype": "User",
					"email": email,
					"first_name": full_name,
					"language": "zh",
					"send_welcome_email": 0,
					"new_password": DEMO_PASSWORD,
				}
			)
			user.append_roles(*roles)
			user.insert(ignore_permissions=True)
		# the demo gives System Manager to Administrator only; Frappe gives it to the first system user
		# saved, which permissions/system_manager.py takes back: a user who holds it anyway loses it here
		if "System Manager" in frappe.get_roles(email):
			frappe.get_doc("User", email).remove_roles("System Manager")
		if not frappe.db.exists(
			"User Permission", {"user": email, "allow": "ZZ Center", "for_value": center}
		):
			add_user_permission("ZZ Center", center, email, ignore_permissions=True, is_default=1)
		if department:
			dept = frappe.get_doc("ZZ Department", department)
			if email not in {row.user for row in dept.handlers}:
				dept.append("handlers", {"user": email})
				dept.save(ignore_permissions=True)


def ensure_sister_systems():
	"""The 12345 hotline signs in as integration@example.com (its API key is made in the user's settings)."""
	if not frappe.db.exists("ZZ Sister System", "12345"):
		frappe.get_doc(
			{
				"doctype": "ZZ Sister System",
				"system_code": "12345",
				"system_name": "12345政务服务便民热线",
				"user": "integration@example.com",
				"default_center": COUNTY,
				"source": "Government Source",
				"channel": "12345 Hotline",
			}
		).insert(ignore_permissions=True)


def ensure_staff():
	for full_name, mode, department, expertise, user, rota in STAFF:
		existing = frappe.db.get_value(
			"ZZ Stationed Staff",
			{"full_name": full_name, "department": department},
			["name", "user"],
			as_dict=True,
		)
		if existing:
			if user and not existing.user:  # a demo loaded before its staff had desk users
				frappe.db.set_value("ZZ Stationed Staff", existing.name, "user", user)
			continue
		frappe.get_doc(
			{
				"doctype": "ZZ Stationed Staff",
				"full_name": full_name,
				"mode": mode,
				"department": department,
				"center": COUNTY,
				"user": user,
				"active_from": "2026-01-01",
				"expertise": [{"expertise": e} for e in expertise],
				"duty_rota": [{"weekday": d, "half_day": h} for d, h in rota or []],
			}
		).insert(ignore_permissions=True)


def demo_id_number(rng: random.Random) -> str:
	body = f"430921{rng.randint(1960, 2006)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
	return body + ric.calc_check_digit(body + "0")


def demo_person(rng: random.Random) -> str:
	return rng.choice(SURNAMES) + rng.choice(GIVEN)


def ensure_cases() -> int:
	rng = random.Random(2026)
	states = [s for s, weight in STATE_WEIGHTS.items() for _ in range(weight)]
	mediator = frappe.db.get_value("ZZ Stationed Staff", {"full_name": "老周"})
	receiving = [c[0] for c in CENTERS if c[1] in ("County", "Township", "Village")]
	created = 0
	for i in range(DEMO_CASES):
		category, matter_type, title, facts = MATTERS[i % len(MATTERS)]
		title = f"{title}（示例{i + 1:02d}）"
		source = SOURCES[i % len(SOURCES)]
		center = COUNTY if i % 3 == 0 else receiving[i % len(receiving)]
		applicant, respondent = demo_person(rng), demo_person(rng)
		parties = [
			{
				"party_role": "Applicant",
				"party_type": "Person",
				"party_name": applicant,
				"id_number": demo_id_number(rng),
				"phone": f"139{rng.randint(10000000, 99999999)}",
				"address": "湖南省南县示例路1号",
			},
			{
				"party_role": "Respondent",
				"party_type": "Person",
				"party_name": respondent,
				"phone": f"137{rng.randint(10000000, 99999999)}",
			},
		]
		if i % 10 == 8:  # a group dispute
			parties += [
				{
					"party_role": "Applicant",
					"party_type": "Person",
					"party_name": demo_person(rng),
					"phone": f"135{rng.randint(10000000, 99999999)}",
				}
				for _ in range(rng.randint(10, 56))
			]
		target = states[i % len(states)]
		if frappe.db.exists("ZZ Case", {"title": title}):
			continue
		case = frappe.get_doc(
			{
				"doctype": "ZZ Case",
				"title": title,
				"facts": facts + RISK_REMARKS.get(i % 11, "") + (GROUP_REMARK if i % 10 == 8 else ""),
				"matter_type": matter_type,
				"category": category,
				"source": source,
				"channel": CHANNEL_BY_SOURCE[source],
				"receiving_center": center,
				"amount_in_dispute": rng.choice([0, 3000, 12800, 56000, 1220000]),
				"parties": parties,
			}
		)
		case.insert(ignore_permissions=True)
		move_to(case, target, mediator=mediator, department="老周调解工作室")
		created += 1
	return created


def path_to(target: str) -> list[str]:
	"""The live workflow's actions that take a new case to ``target`` (a state's meaning or its live name)."""
	meaning = target if target in PATHS else wn.state_meaning(target)
	return [wn.action(action) for action in PATHS[meaning]]


def move_to(case, target: str, mediator: str | None = None, department: str | None = None):
	"""Walk a case to `target` with the workflow's own actions, filling what each action needs first."""
	for action in path_to(target):
		if action == wn.action("route") and not (case.handling_department or case.assigned_mediator):
			# chosen on the form and saved, as a dispatcher does: the routing log records the assignment
			case.handling_department = department
			case.assigned_mediator = mediator
			case.save(ignore_permissions=True)
		if action == wn.action("mark_resolved") and not case.outcome:
			case.db_set({"outcome": "Resolved by Agreement", "compensation_amount": case.amount_in_dispute})
		if action == wn.action("decline") and not case.not_accepted_reason:
			case.db_set(
				{"not_accepted_reason": "不属于本中心受理范围", "redirect_to": "南县人民法院诉讼服务中心"}
			)
		case = apply_workflow(case, action)
	return case


# ---------------------------------------------------------------- a centre's first weeks
# What the reports count besides the cases themselves: without these the supervision, extension,
# satisfaction and screening reports of a new demo are empty.
CONSULTATION_TITLE = "示例：宅基地与工资纠纷联合会商"
OVERDUE_DAYS = 70  # past the 30-day mediation limit and its 15 days to "seriously overdue"
LEADS = [
	("示例：村民因灌溉用水发生口角", "Open", "Yellow"),
	("示例：两户因院墙排水争执", "Resolved", "Green"),
	("示例：工地拖欠工资工人聚集苗头", "Open", "Orange"),
]
VISIT_ANSWERS = [("Satisfied", "Yes"), ("Basically Satisfied", "Partly"), ("Dissatisfied", "No")]


def demo_cases(*states: str, **filters) -> list:
	return frappe.get_all(
		"ZZ Case",
		filters={"title": ["like", "%（示例%"], "workflow_state": ["in", wn.states(*states)], **filters},
		fields=["name", "case_number", "current_center", "handling_department", "risk_color", "is_overdue"],
		order_by="title asc",
	)


def ensure_history():
	ensure_overdue_cases()
	ensure_consultation()
	ensure_letters()
	ensure_agreements()
	ensure_visits()
	ensure_extensions()
	ensure_leads()


def ensure_overdue_cases(count: int = 3):
	"""Cases whose clock started weeks ago: the deadline job finds them overdue, grades them and drafts the
	督办函 a seriously overdue case gets. Green and yellow cases only, whose rules do not escalate."""
	from zongzhi_center.services import sla

	if len(demo_cases("routed", "in_mediation", is_overdue=1)) >= count:
		return
	running = [c for c in demo_cases("routed", "in_mediation") if c.risk_color in ("Green", "Yellow")]
	started = now_datetime() - timedelta(days=OVERDUE_DAYS)
	names = [c.name for c in running[:count]]
	for name in names:
		frappe.db.set_value(
			"ZZ Case",
			name,
			{
				"received_at": started,
				"accepted_at": started + timedelta(hours=1),
				"clock_started_at": started + timedelta(hours=1),
				"sla_next_check": now_datetime(),
			},
			update_modified=False,
		)
	sla.update_open_cases(cases=names)


def ensure_consultation():
	"""A 吹哨报到 convened by the county today: the police checked in and replied late, the petition
	office on time, the arbitration court never came."""
	from zongzhi_center.services import consultation

	if frappe.db.exists("ZZ Consultation", {"title": CONSULTATION_TITLE}):
		return
	cases = demo_cases("in_mediation", current_center=COUNTY) or demo_cases("in_mediation")
	now = now_datetime()
	# held an hour ago, yet today: the reports of this week and month count it on the first night of a month
	held = max(now - timedelta(hours=1), datetime.combine(now.date(), time.min))
	doc = frappe.get_doc(
		{
			"doctype": "ZZ Consultation",
			"title": CONSULTATION_TITLE,
			"convening_center": COUNTY,
			"meeting_time": held,
			"cases": [{"case": c.name} for c in cases[:2]],
			"departments": [
				{
					"department": "南县公安局驻中心警务室",
					"check_in_by": now - timedelta(hours=3),
					"task": "书面说明现场处置情况",
					"task_due": now - timedelta(hours=2),
				},
				{
					"department": "南县信访局接访室",
					"check_in_by": now + timedelta(hours=1),
					"task": "提供信访记录",
					"task_due": now + timedelta(days=2),
				},
				{
					"department": "南县劳动人事争议仲裁院",
					"check_in_by": now - timedelta(hours=2),
					"task": "出具仲裁时效意见",
					"task_due": now - timedelta(hours=1),
				},
			],
		}
	).insert(ignore_permissions=True)
	for department, text in (
		("南县公安局驻中心警务室", "已调取出警记录，现场未发生冲突。"),
		("南县信访局接访室", "申请人近一年来访两次，记录已附。"),
	):
		consultation.check_in(doc.name, department)
		consultation.reply(doc.name, department, text)


def ensure_letters():
	"""督办函: the drafts the deadline job made for seriously overdue cases, issued by the director, and one
	to the police about the late reply, which the police answered."""
	from zongzhi_center.zongzhi_center.doctype.zz_supervision_notice.zz_supervision_notice import reply

	if frappe.db.exists("ZZ Supervision Notice", {"docstatus": 1, "issuing_center": COUNTY}):
		return
	drafts = {"docstatus": 0, "to_department": ["in", [name for name, _kind in DEPARTMENTS]]}
	for name in frappe.get_all("ZZ Supervision Notice", filters=drafts, pluck="name"):
		frappe.get_doc("ZZ Supervision Notice", name).submit()
	police = "南县公安局驻中心警务室"
	letter = frappe.get_doc(
		{
			"doctype": "ZZ Supervision Notice",
			"issuing_center": COUNTY,
			"to_department": police,
			"issued_on": today(),
			"reply_by": add_days(today(), 3),
			"required_action": "三日内书面说明会商答复超时原因及整改措施。",
		}
	).insert(ignore_permissions=True)
	letter.submit()
	handler = frappe.get_all("ZZ Department Handler", filters={"parent": police}, pluck="user")
	if handler:
		previous = frappe.session.user
		frappe.set_user(handler[0])
		try:
			reply(letter.name, "已组织整改，今后会商答复专人负责、按时报送。")
		finally:
			frappe.set_user(previous)


def ensure_agreements():
	"""调解协议书 signed on two cases in mediation with 老周: one being performed, one performed already."""
	if frappe.db.exists(
		"ZZ Mediation Agreement", {"docstatus": 1, "mediation_organisation": "老周调解工作室"}
	):
		return
	mediator = frappe.db.get_value("ZZ Stationed Staff", {"full_name": "老周"})
	cases = [c for c in demo_cases("in_mediation") if not c.is_overdue][:2]
	for i, case in enumerate(cases):
		amount = 6000 + 2000 * i
		names = {
			row.party_role: row.party_name
			for row in frappe.get_all(
				"ZZ Case Party",
				filters={"parenttype": "ZZ Case", "parent": case.name},
				fields=["party_role", "party_name"],
				order_by="idx desc",
			)
		}
		agreement = frappe.get_doc(
			{
				"doctype": "ZZ Mediation Agreement",
				"case": case.name,
				"mediation_organisation": "老周调解工作室",
				"mediator": mediator,
				"facts": "双方就纠纷事实陈述一致，经调解员主持调解，自愿达成如下协议。",
				"terms": f"被申请人于十日内一次性支付申请人{amount}元，双方就此了结本纠纷。",
				"signing_date": today(),
				"obligations": [
					{
						"obligor": names.get("Respondent"),
						"obligee": names.get("Applicant"),
						"content": "支付调解款",
						"amount": amount,
						"due_date": add_days(today(), 10),
					}
				],
			}
		).insert(ignore_permissions=True)
		for row in agreement.parties:
			row.signed = 1
		agreement.submit()


def ensure_visits():
	"""跟踪回访 done: the first visit of each closed case was made by phone today (the demo's cases were all
	resolved today, so its visits are shown as due today), with the applicants' answers."""
	closed = [c.name for c in demo_cases("closed", "archived", "follow_up")]
	if frappe.db.exists("ZZ Follow-up Visit", {"status": "Visited", "case": ["in", closed or [""]]}):
		return
	visits = frappe.get_all(
		"ZZ Follow-up Visit",
		filters={"case": ["in", closed or [""]]},
		fields=["name", "case"],
		order_by="due_date asc, name asc",
	)
	first = {}
	for visit in sorted(visits, key=lambda v: v.case):  # stable: each case's earliest visit first
		first.setdefault(visit.case, visit.name)
	for i, name in enumerate(list(first.values())[:6]):
		satisfaction, kept = VISIT_ANSWERS[i % len(VISIT_ANSWERS)]
		visit = frappe.get_doc("ZZ Follow-up Visit", name)
		visit.update(
			{
				"due_date": today(),
				"status": "Not Reached" if i == 5 else "Visited",
				"method": "Phone",
				"satisfaction": None if i == 5 else satisfaction,
				"agreement_kept": None if i == 5 else kept,
				"notes": "电话回访。",
			}
		)
		visit.save(ignore_permissions=True)


def ensure_extensions():
	"""延期: the dispatcher asked for more time on two cases in mediation; the director approved one and
	refused the other."""
	if frappe.db.exists("ZZ Deadline Extension", {"reason": ["like", "示例：%"]}):
		return
	workflow = frappe.get_doc("Workflow", get_workflow_name("ZZ Deadline Extension"))
	decided = {row.state: row.update_value for row in workflow.states}
	cases = [c for c in demo_cases("in_mediation", current_center=COUNTY) if not c.is_overdue][-2:]
	previous = frappe.session.user
	try:
		for case, decision in zip(cases, ("Approved", "Refused"), strict=False):
			frappe.set_user("dispatcher@example.com")
			extension = frappe.get_doc(
				{
					"doctype": "ZZ Deadline Extension",
					"case": case.name,
					"requested_days": 10,
					"reason": "示例：需等待伤情鉴定结论。",
				}
			).insert()
			frappe.set_user("director@example.com")
			extension.decision_note = (
				"同意延期，请按期办结。" if decision == "Approved" else "鉴定可在原期限内完成，不予延期。"
			)
			extension.save()
			action = next(
				t.action
				for t in workflow.transitions
				if t.state == extension.workflow_state and decided.get(t.next_state) == decision
			)
			apply_workflow(extension, action)
	finally:
		frappe.set_user(previous)


def ensure_leads():
	"""排查: leads the grid worker found on patrol."""
	if frappe.db.exists("ZZ Screening Lead", {"title": LEADS[0][0]}):
		return
	for title, status, colour in LEADS:
		frappe.get_doc(
			{
				"doctype": "ZZ Screening Lead",
				"title": title,
				"center": "青石村第一网格",
				"grid_worker": "grid@example.com",
				"found_on": today(),
				"status": status,
				"risk_level": colour,
				"location": "青石村三组",
				"description": title.removeprefix("示例：") + "，已现场劝解并登记。",
				"resolution": "现场调解，双方和解。" if status == "Resolved" else None,
			}
		).insert(ignore_permissions=True)
