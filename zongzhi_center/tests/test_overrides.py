"""Every override of a Frappe whitelisted method (zongzhi_center/overrides/) still fits the method it wraps.

A wrapper is called with whatever the desk or a client sends to Frappe's method. If a Frappe update renames,
adds or drops a parameter, or changes a default, the wrapper would refuse calls or silently change meaning:
these tests fail first. They also check that the wrapper is the one Frappe calls (the last hook wins), that it
is whitelisted as Frappe's is (guest access, HTTP methods), and that it says why it exists.
"""

import importlib
import inspect
import pkgutil

import frappe
import frappe.handler
from frappe.tests.utils import FrappeTestCase

import zongzhi_center.overrides
from zongzhi_center import hooks


def frappe_method(path: str):
	"""The method Frappe would run for `path` (a bare name is one of frappe.handler's own)."""
	return frappe.get_attr(path) if "." in path else getattr(frappe.handler, path)


def shape(function) -> list[tuple]:
	return [
		(p.name, p.kind, p.default)
		for p in inspect.signature(function, follow_wrapped=True).parameters.values()
	]


def assert_replaces_frappe(
	test, module, owner, name: str, original, hooks=("before_request", "before_job")
) -> None:
	"""An override module's install() puts the module's function `name` in place of Frappe's `owner.<name>`
	(`original`, kept as its zz_wraps), with Frappe's parameters; a second install() adds no second layer; the
	hooks run install() before every request (and job)."""
	module.install()
	replacement = getattr(module, name)
	test.assertIs(getattr(owner, name), replacement)
	test.assertEqual(original.__module__, owner.__module__ if isinstance(owner, type) else owner.__name__)
	test.assertEqual(shape(replacement), shape(original))
	module.install()  # once more: still one layer over Frappe's own
	test.assertIs(getattr(owner, name), replacement)
	test.assertIs(replacement.zz_wraps, original)
	for hook in hooks:
		test.assertIn(f"{module.__name__}.install", frappe.get_hooks(hook))


class TestOverrides(FrappeTestCase):
	def test_there_are_overrides_to_check(self):
		self.assertGreaterEqual(len(hooks.override_whitelisted_methods), 15)

	def test_each_wrapper_takes_the_parameters_of_the_frappe_method(self):
		for path, wrapper_path in hooks.override_whitelisted_methods.items():
			with self.subTest(path=path):
				self.assertTrue(wrapper_path.startswith("zongzhi_center.overrides."), wrapper_path)
				original, wrapper = frappe_method(path), frappe.get_attr(wrapper_path)
				self.assertIsNot(original, wrapper)
				self.assertEqual(shape(wrapper), shape(original), f"{wrapper_path} no longer matches {path}")

	def test_each_wrapper_opens_no_more_than_the_frappe_method(self):
		"""A wrapper of a method Frappe does not expose would open it; guests and HTTP verbs as Frappe's or
		fewer (uploads stay closed to guests even where Frappe's setting would allow them)."""
		allowed = frappe.allowed_http_methods_for_whitelisted_func
		for path, wrapper_path in hooks.override_whitelisted_methods.items():
			with self.subTest(path=path):
				original, wrapper = frappe_method(path), frappe.get_attr(wrapper_path)
				self.assertIn(original, frappe.whitelisted)
				self.assertIn(wrapper, frappe.whitelisted)
				if wrapper in frappe.guest_methods:
					self.assertIn(original, frappe.guest_methods)
				self.assertLessEqual(set(allowed[wrapper]), set(allowed[original]))

	def test_the_wrapper_is_the_one_frappe_runs(self):
		installed = frappe.get_hooks("override_whitelisted_methods")
		for path, wrapper_path in hooks.override_whitelisted_methods.items():
			with self.subTest(path=path):
				self.assertEqual(installed[path][-1], wrapper_path)

	def test_the_child_row_check_takes_the_parameters_of_frappes(self):
		"""Frappe calls has_child_permission positionally from frappe.permissions.has_permission."""
		from zongzhi_center.overrides import permissions

		permissions.install()
		self.assertIs(frappe.permissions.has_child_permission, permissions.has_child_permission)
		original = permissions.frappe_has_child_permission
		self.assertEqual(original.__module__, "frappe.permissions")
		self.assertEqual(shape(permissions.has_child_permission), shape(original))
		permissions.install()  # once more: still one layer over Frappe's own
		self.assertIs(permissions.has_child_permission.zz_wraps, original)
		for hook in ("before_request", "before_job"):
			self.assertIn("zongzhi_center.overrides.permissions.install", frappe.get_hooks(hook))

	def test_the_package_says_what_each_module_overrides(self):
		described = inspect.getdoc(zongzhi_center.overrides) or ""
		for module_info in pkgutil.iter_modules(zongzhi_center.overrides.__path__):
			self.assertIn(f"- {module_info.name}.py: ", described, module_info.name)

	def test_every_whitelisted_function_of_the_package_is_an_override_with_its_reason(self):
		hooked = set(hooks.override_whitelisted_methods.values())
		found = 0
		for module_info in pkgutil.iter_modules(zongzhi_center.overrides.__path__):
			module = importlib.import_module(f"zongzhi_center.overrides.{module_info.name}")
			for name, function in inspect.getmembers(module, inspect.isfunction):
				if function.__module__ != module.__name__ or function not in frappe.whitelisted:
					continue
				found += 1
				with self.subTest(function=f"{module.__name__}.{name}"):
					self.assertIn(f"{module.__name__}.{name}", hooked)
					reason = inspect.getdoc(function) or ""
					self.assertGreater(len(reason), 20)
					self.assertNotIn("issue", reason.lower())
		self.assertGreaterEqual(found, len(hooked) - 1)  # upload_file is hooked under two names
