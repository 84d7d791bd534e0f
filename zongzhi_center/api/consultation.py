"""吹哨报到: summoned departments check in and reply; the convening centre closes the consultation."""

from __future__ import annotations

import frappe

from zongzhi_center.services import consultation


@frappe.whitelist(methods=["POST"])
def check_in(consultation_name: str, department: str) -> dict:
	return consultation.check_in(consultation_name, department).as_dict()


@frappe.whitelist(methods=["POST"])
def reply(consultation_name: str, department: str, text: str) -> dict:
	return consultation.reply(consultation_name, department, text).as_dict()


@frappe.whitelist(methods=["POST"])
def close(consultation_name: str) -> str | None:
	successor = consultation.close(consultation_name)
	return successor.name if successor else None
