"""Package layout that pyproject.toml alone cannot say.

The built-in templates live at the repository's top level (``templates/``),
beside the package rather than inside it. A wheel installs them as the data
package ``generator.templates`` so that an installed ``ontrack`` finds them
with ``importlib.resources``; ``generator.render.default_templates`` falls back
to the top-level folder in a source checkout. Everything else (metadata,
dependencies, package data) is in pyproject.toml.
"""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["generator", "generator.*"]) + ["generator.templates"],
    package_dir={"generator.templates": "templates"},
)
