// 社会治理资源库 on the case form: similar typical cases for the mediator, and drafting a typical case
// from a closed case (names, ID numbers and phones removed; a director publishes it)
frappe.ui.form.on("ZZ Case", {
	refresh(frm) {
		if (frm.is_new()) return;
		// sent with the case (services/case_form.py)
		zongzhi_center.case_form.extras(frm).then(({ library: { similar, can_draft } }) => {
			if (similar.length) show_similar(frm, similar);
			if (can_draft) {
				frm.add_custom_button(
					__("Typical Case"),
					() =>
						frappe
							.xcall("zongzhi_center.api.library.draft_from_case", { case: frm.doc.name })
							.then((name) => frappe.set_route("Form", "ZZ Library Item", name)),
					__("Create")
				);
			}
		});
	},
});

function show_similar(frm, items) {
	const rows = items
		.map(
			(item) => `<li>
				<a href="/app/zz-library-item/${encodeURIComponent(item.name)}">${frappe.utils.escape_html(item.title)}</a>
				<div class="text-muted small">${frappe.utils.escape_html(item.snippet || "")}</div>
			</li>`
		)
		.join("");
	frm.dashboard.add_section(
		`<ul class="list-unstyled zz-similar-cases">${rows}</ul>`,
		__("Similar Typical Cases")
	);
}
