"""The test suite's own layout: modules share helpers, they do not import one another.

Plain helpers live in tests/helpers.py (or tests/factories.py) and fixtures in the
conftest.py files. A module that imports a test module makes pytest's view of it
depend on import order, and hides a helper where nobody looks for one; a module
that imports a conftest.py loads it a second time under another name.
"""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
TEST_MODULES = {path.stem for path in TESTS.rglob("test_*.py")}


def is_test_module_or_conftest(name):
    parts = name.split(".")
    if parts[0] == "tests":
        return any(part.startswith("test_") or part == "conftest" for part in parts[1:])
    return len(parts) == 1 and (name in TEST_MODULES or name == "conftest")


def forbidden_imports(path):
    """The test modules and conftest.py files that path imports, by dotted name,
    relative imports resolved ("from tests.sessions import test_admin" too)."""
    package = list(path.relative_to(ROOT).parent.parts)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join(base + (node.module.split(".") if node.module else []))
            # "from package import name": name may be a module of its own.
            names = (
                [module]
                if is_test_module_or_conftest(module)
                else [f"{module}.{alias.name}" for alias in node.names]
            )
        else:
            continue
        yield from (name for name in names if is_test_module_or_conftest(name))


def test_no_module_under_tests_imports_a_test_module_or_a_conftest():
    offences = sorted(
        f"{path.relative_to(ROOT)}:{name}"
        for path in TESTS.rglob("*.py")
        for name in set(forbidden_imports(path))
    )

    assert not offences, (
        "Move what is shared to tests/helpers.py (plain helpers) or a conftest.py "
        "(fixtures). Imported now:\n" + "\n".join(offences)
    )


def transactional_marks_without_serialized_rollback(path):
    """Line numbers of django_db(transaction=True) marks without serialized_rollback."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "django_db"
        ):
            keywords = {k.arg: k.value for k in node.keywords}
            transactional = getattr(keywords.get("transaction"), "value", False) is True
            serialized = getattr(keywords.get("serialized_rollback"), "value", False) is True
            if transactional and not serialized:
                yield node.lineno


def test_transactional_tests_outside_the_browser_restore_the_migrations_data():
    # A transactional test without serialized_rollback empties the tables and makes
    # content types and permissions again with new ids; the next test with
    # serialized_rollback then cannot load its copy (UNIQUE constraint failed on
    # django_content_type), and it loses the groups the data migrations made. The
    # browser tests run last and cannot use serialized rollback (tests/browser/conftest.py).
    found = {
        f"{path.relative_to(ROOT)}:{line}"
        for path in TESTS.rglob("test_*.py")
        if "browser" not in path.relative_to(TESTS).parts
        for line in transactional_marks_without_serialized_rollback(path)
    }

    assert found == set()
