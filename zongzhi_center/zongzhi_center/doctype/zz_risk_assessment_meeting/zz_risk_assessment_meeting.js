// 风险研判会: the agenda is built from the centre's risky open cases, then decided on case by case
frappe.ui.form.on("ZZ Risk Assessment Meeting", {
	refresh(frm) {
		if (frm.doc.docstatus !== 0) return;
		frm.add_custom_button(__("Build Agenda"), () => {
			if (!frm.doc.center) {
				frappe.msgprint(__("Choose the centre first."));
				return;
			}
			frm.call({ method: "build_agenda", doc: frm.doc }).then((r) => {
				frm.refresh_field("agenda");
				frm.dirty();
				frappe.show_alert({
					message: __("{0} cases added to the agenda", [r.message || 0]),
					indicator: "green",
				});
			});
		});
	},
});
