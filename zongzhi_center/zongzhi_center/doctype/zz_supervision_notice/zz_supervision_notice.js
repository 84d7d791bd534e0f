// 督办函: the recipients answer in writing from the notice itself
frappe.ui.form.on("ZZ Supervision Notice", {
	refresh(frm) {
		if (frm.doc.docstatus !== 1 || frm.doc.status === "Replied") return;
		frm.add_custom_button(__("Reply"), () => {
			frappe.prompt(
				{ fieldname: "text", fieldtype: "Text", label: __("Reply"), reqd: 1 },
				({ text }) =>
					frappe
						.xcall(
							"zongzhi_center.zongzhi_center.doctype.zz_supervision_notice.zz_supervision_notice.reply",
							{ notice: frm.doc.name, text }
						)
						.then(() => frm.reload_doc()),
				__("Reply")
			);
		});
	},
});
