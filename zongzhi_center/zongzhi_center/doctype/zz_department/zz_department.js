// Copyright (c) 2026, Zongzhi Center contributors
// For license information, please see license.txt

frappe.ui.form.on("ZZ Department", {
	refresh(frm) {
		// a department that receives cases needs somebody who can take them
		const takers = (frm.doc.__onload || {}).zz_takers;
		if (frm.is_new() || !frm.doc.is_active || !takers) return;
		if (takers.length) {
			frm.dashboard.add_comment(
				__("Can take routed cases: {0}", [takers.map(frappe.utils.escape_html).join("、")]),
				"green",
				true
			);
		} else {
			frm.dashboard.add_comment(
				__("Nobody can take the cases routed to this department: add a handler, or a stationed staff member with a desk user who mediates."),
				"red",
				true
			);
		}
	},
});
