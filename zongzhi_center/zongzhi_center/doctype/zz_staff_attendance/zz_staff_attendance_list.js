// 考勤: a stationed staff member checks in, and later out, with one button
frappe.listview_settings["ZZ Staff Attendance"] = {
	onload(listview) {
		listview.page.add_inner_button(__("Check In / Check Out"), () => {
			frappe
				.xcall("zongzhi_center.api.rota.check_in_out")
				.then((r) => {
					const what = r.check_out ? __("Checked out at {0}", [frappe.datetime.str_to_user(r.check_out)])
						: __("Checked in at {0}", [frappe.datetime.str_to_user(r.check_in)]);
					frappe.show_alert({ message: what, indicator: "green" });
					listview.refresh();
				});
		});
	},
};
