"""Walk through the desk as the demo clerk, in Chromium, and keep a screenshot of each step:
log in, land on the app's workspace, open the case list, register a case on the form, accept it with the
Workflow's action. Exits non-zero when a step fails.

	pip install playwright            # uses the system's Chromium, no browser download
	python tools/desk_walkthrough.py  # after ./zz up; ZZ_URL, ZZ_USER, ZZ_PASSWORD, ZZ_SHOTS to change
"""

import os

from playwright.sync_api import sync_playwright

BASE = os.environ.get("ZZ_URL", "http://zongzhi.localhost:8000")
OUT = os.environ.get("ZZ_SHOTS", "desk-shots")
CHROMIUM = os.environ.get("ZZ_CHROMIUM", "/usr/bin/chromium")
USER = os.environ.get("ZZ_USER", "clerk@example.com")
PASSWORD = os.environ.get("ZZ_PASSWORD", "Zongzhi@2026")
os.makedirs(OUT, exist_ok=True)


def shot(page, name):
	page.wait_for_timeout(1200)
	page.screenshot(path=f"{OUT}/{name}.png", full_page=False)
	print("shot", name, page.url)


with sync_playwright() as p:
	browser = p.chromium.launch(
		executable_path=CHROMIUM,
		args=[
			"--no-sandbox",
			"--disable-gpu",
			"--disable-quic",
			"--no-first-run",
			"--disable-background-networking",
			"--disable-component-update",
			"--disable-sync",
		],
	)
	page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="zh-CN")
	errors = []
	page.on("pageerror", lambda e: errors.append(str(e)))
	page.goto(f"{BASE}/login")
	page.fill("#login_email", USER)
	page.fill("#login_password", PASSWORD)
	page.click(".btn-login")
	page.wait_for_url("**/app**", timeout=30000)
	page.wait_for_selector(".layout-main-section", timeout=30000)
	shot(page, "01-landing")
	page.goto(f"{BASE}/app/zz-case")
	page.wait_for_selector(".frappe-list", timeout=30000)
	shot(page, "02-case-list")
	page.goto(f"{BASE}/app/zz-case/new")
	page.wait_for_selector(".form-layout", timeout=30000)
	shot(page, "03-new-case")
	# fill the form through the form's own controls' API, then save with Ctrl+S as a clerk does
	page.evaluate("""() => {
        cur_frm.set_value('title', '邻里噪音纠纷（界面测试）');
        cur_frm.set_value('facts', '楼上住户夜间噪音扰民，多次协商未果，申请调解。');
        cur_frm.set_value('source', 'Petition Source');
        // the form opens with an empty first party row (the table is required): fill it in
        const row = (cur_frm.doc.parties || [])[0] || cur_frm.add_child('parties');
        frappe.model.set_value(row.doctype, row.name, {party_role: 'Applicant', party_type: 'Person',
            party_name: '王界面', phone: '13912340000'});
    }""")
	page.wait_for_timeout(800)
	page.keyboard.press("Control+s")
	try:
		page.wait_for_function("() => cur_frm && !cur_frm.is_new() && cur_frm.doc.case_number", timeout=15000)
	except Exception:
		shot(page, "04-save-failed")
		print(
			"msgprint:",
			page.evaluate("() => (document.querySelector('.modal.show .modal-body') || {}).innerText"),
		)
		print("page errors:", errors)
		raise
	shot(page, "04-case-saved")
	number = page.evaluate("() => cur_frm.doc.case_number")
	print("case number", number)
	# the workflow's action menu
	page.click(".page-actions .actions-btn-group > button")
	page.wait_for_timeout(500)
	shot(page, "05-actions-menu")
	items = page.locator(".page-actions .actions-btn-group .dropdown-menu a.dropdown-item")
	labels = [items.nth(i).inner_text().strip() for i in range(items.count())]
	print("actions offered:", labels)
	accept = [i for i, t in enumerate(labels) if t in ("受理案件", "Accept Case", "受理")]
	items.nth(accept[0]).click()
	page.wait_for_function("() => cur_frm.doc.workflow_state === 'Accepted'", timeout=30000)
	shot(page, "06-case-accepted")
	print("state", page.evaluate("() => cur_frm.doc.workflow_state"))
	print("page errors:", errors)
	browser.close()
