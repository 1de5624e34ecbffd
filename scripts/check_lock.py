"""Checks that uv.lock and requirements/dev.txt agree with pyproject.toml.

Run by `make lint`. Without uv it compares the files themselves: uv.lock records
the project's requirements as they were in pyproject.toml when it was locked
(dependencies, dependency groups, requires-python), and requirements/dev.txt must
pin exactly the locked packages, at the locked versions, with the locked hashes.
It cannot tell whether a newer release would now be picked, nor check anything
else uv resolves. With `uv` on PATH it also runs `uv lock --check` and compares a
fresh export with requirements/dev.txt.

    .venv/bin/python scripts/check_lock.py
"""

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = "requirements/dev.txt"
# The command that writes REQUIREMENTS; its header names it too (README: Dependencies).
EXPORT = ["uv", "export", "--frozen", "--no-emit-project", "--group", "dev"]
FIX = f"run `uv lock`, then `{' '.join(EXPORT)} --output-file {REQUIREMENTS}`"


def requirement_key(name, extras=(), specifier="", marker=""):
    marker = str(Marker(marker)) if marker else ""
    return (canonicalize_name(name), tuple(sorted(extras)), SpecifierSet(specifier), marker)


def from_pyproject(text):
    req = Requirement(text)
    return requirement_key(req.name, req.extras, str(req.specifier), str(req.marker or ""))


def from_lock(entry):
    return requirement_key(
        entry["name"], entry.get("extras", ()), entry.get("specifier", ""), entry.get("marker", "")
    )


def expand_group(groups, name):
    """A dependency group's requirements, with its include-group entries expanded."""
    for item in groups[name]:
        if isinstance(item, dict):
            yield from expand_group(groups, item["include-group"])
        else:
            yield item


def show(keys):
    return ", ".join(sorted(f"{name}{spec or ''}" for name, _, spec, _ in keys))


def compare(what, wanted, locked, problems):
    wanted, locked = set(wanted), set(locked)
    if wanted != locked:
        problems.append(
            f"{what}: pyproject.toml has {show(wanted - locked) or 'nothing more'}; "
            f"uv.lock has {show(locked - wanted) or 'nothing more'}"
        )


def check_lock_against_pyproject(pyproject, lock, problems):
    project = pyproject["project"]
    name = canonicalize_name(project["name"])
    if lock.get("requires-python") != project.get("requires-python"):
        problems.append(
            f"requires-python: pyproject.toml says {project.get('requires-python')!r}, "
            f"uv.lock {lock.get('requires-python')!r}"
        )
    entry = next((p for p in lock["package"] if p["name"] == name), None)
    if entry is None:
        problems.append(f"uv.lock has no entry for the project {name!r}")
        return
    metadata = entry.get("metadata", {})
    compare(
        "dependencies",
        [from_pyproject(r) for r in project.get("dependencies", [])],
        [from_lock(r) for r in metadata.get("requires-dist", [])],
        problems,
    )
    groups = pyproject.get("dependency-groups", {})
    locked_groups = metadata.get("requires-dev", {})
    for group in sorted(set(groups) | set(locked_groups)):
        compare(
            f"dependency group {group!r}",
            [from_pyproject(r) for r in expand_group(groups, group)] if group in groups else [],
            [from_lock(r) for r in locked_groups.get(group, [])],
            problems,
        )


def read_requirements(text):
    """{name: (version, {hashes})} from a `uv export` requirements file."""
    pins, current = {}, None
    for line in text.splitlines():
        line = line.strip().removesuffix("\\").strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("--hash="):
            pins[current][1].add(line.removeprefix("--hash="))
            continue
        req = Requirement(line)
        [spec] = req.specifier
        current = canonicalize_name(req.name)
        pins[current] = (spec.version, set())
    return pins


def check_requirements_against_lock(lock, text, problems):
    locked = {}
    for package in lock["package"]:
        if "registry" not in package.get("source", {}):
            continue  # the project itself: installed from the checkout
        files = [package.get("sdist", {}), *package.get("wheels", [])]
        hashes = {f["hash"] for f in files if "hash" in f}
        locked[canonicalize_name(package["name"])] = (package["version"], hashes)
    pinned = read_requirements(text)
    for name in sorted(set(locked) | set(pinned)):
        if name not in pinned:
            problems.append(f"{REQUIREMENTS} lacks {name}=={locked[name][0]}, which uv.lock has")
        elif name not in locked:
            problems.append(f"{REQUIREMENTS} pins {name}, which uv.lock does not have")
        elif pinned[name][0] != locked[name][0]:
            problems.append(
                f"{REQUIREMENTS} pins {name}=={pinned[name][0]}, uv.lock has {locked[name][0]}"
            )
        elif pinned[name][1] != locked[name][1]:
            problems.append(f"{REQUIREMENTS}: the hashes of {name} differ from uv.lock's")


def without_header(text):
    """The file without the comment lines uv writes above the first pin."""
    lines = text.splitlines()
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    return lines


def check_with_uv(requirements, problems):
    uv = shutil.which("uv")
    if uv is None:
        print("check_lock: uv is not on PATH; compared the files only")
        return
    # uv needs a Python to lock for: this one, never a download.
    env = os.environ | {"UV_PYTHON_DOWNLOADS": "never"}
    locked = subprocess.run(
        [uv, "lock", "--check", "--python", sys.executable],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if locked.returncode != 0:
        problems.append(f"`uv lock --check` failed:\n{locked.stderr.strip()}")
        return
    export = subprocess.run(
        [uv, *EXPORT[1:], "--quiet"], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    if without_header(export.stdout) != without_header(requirements):
        problems.append(f"`{' '.join(EXPORT)}` writes something else than {REQUIREMENTS}")


def main():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    requirements = (ROOT / REQUIREMENTS).read_text()
    problems = []
    check_lock_against_pyproject(pyproject, lock, problems)
    check_requirements_against_lock(lock, requirements, problems)
    if not problems:
        check_with_uv(requirements, problems)
    if problems:
        for problem in problems:
            print(f"check_lock: {problem}", file=sys.stderr)
        print(f"check_lock: to bring them up to date, {FIX}", file=sys.stderr)
        return 1
    print(f"check_lock: uv.lock and {REQUIREMENTS} agree with pyproject.toml")
    return 0


if __name__ == "__main__":
    sys.exit(main())
