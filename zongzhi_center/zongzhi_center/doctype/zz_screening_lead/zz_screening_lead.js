// 排查线索: an open lead becomes a case in one step, with the applicant named in a dialog
frappe.ui.form.on("ZZ Screening Lead", {
	refresh(frm) {
		if (frm.is_new() || frm.doc.status !== "Open" || !frm.perm[0]?.write) return;
		frm.add_custom_button(__("Convert to Case"), () => {
			frappe.prompt(
				[
					{
						fieldname: "applicant_name",
						fieldtype: "Data",
						label: __("Applicant Name"),
						reqd: 1,
						default: frm.doc.involved_person,
					},
					{ fieldname: "applicant_phone", fieldtype: "Data", label: __("Applicant Phone") },
				],
				(values) =>
					frappe
						.xcall(
							"zongzhi_center.zongzhi_center.doctype.zz_screening_lead.zz_screening_lead.convert_to_case",
							{ lead: frm.doc.name, ...values }
						)
						.then((case_name) => frappe.set_route("Form", "ZZ Case", case_name)),
				__("Convert to Case"),
				__("Create Case")
			);
		});
	},
});
