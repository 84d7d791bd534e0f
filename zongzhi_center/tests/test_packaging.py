"""A built package of the app carries every file of the app's folder (desk scripts, templates, translations,
DocType definitions), so a site installed from a wheel works as one installed from the source."""

import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

import frappe
from frappe.tests.utils import FrappeTestCase

SKIP_PARTS = {"__pycache__", "node_modules"}


class TestPackaging(FrappeTestCase):
	def test_the_wheel_holds_every_file_of_the_app(self):
		root = os.path.dirname(
			frappe.get_app_path("zongzhi_center")
		)  # the checkout: setup.py, pyproject.toml
		with tempfile.TemporaryDirectory() as work:
			source = os.path.join(work, "src")
			shutil.copytree(
				root,
				source,
				ignore=shutil.ignore_patterns(
					"__pycache__", "*.pyc", "*.egg-info", "build", "dist", ".git", "node_modules"
				),
			)
			subprocess.run(
				[
					sys.executable,
					"-m",
					"pip",
					"wheel",
					"--no-deps",
					"--no-build-isolation",
					"-q",
					"-w",
					work,
					source,
				],
				check=True,
				capture_output=True,
			)
			wheel = next(f for f in os.listdir(work) if f.endswith(".whl"))
			with zipfile.ZipFile(os.path.join(work, wheel)) as built:
				packaged = set(built.namelist())
			expected = set()
			package = os.path.join(source, "zongzhi_center")
			for folder, dirs, files in os.walk(package):
				dirs[:] = [d for d in dirs if d not in SKIP_PARTS]
				for name in files:
					if not name.endswith(".pyc"):
						expected.add(os.path.relpath(os.path.join(folder, name), source))
		missing = sorted(expected - packaged)
		self.assertEqual(missing, [], f"{len(missing)} files of the app are not in the wheel")
		self.assertTrue(any(p.endswith(".js") for p in packaged))
